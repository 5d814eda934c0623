//! Diesel's view of the `zoom` schema; mirrors `migrations/`. Written by hand (diesel's CLI needs
//! libpq); the integration tests run every query against the migrated schema.

diesel::table! {
    zoom.users (row_id) {
        row_id -> Int8,
        id -> Nullable<Text>,
        email -> Text,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        display_name -> Nullable<Text>,
        #[sql_name = "type"]
        user_type -> Nullable<Int4>,
        status -> Nullable<Text>,
        pmi -> Nullable<Int8>,
        timezone -> Nullable<Text>,
        dept -> Nullable<Text>,
        role_id -> Nullable<Text>,
        language -> Nullable<Text>,
        phone_number -> Nullable<Text>,
        verified -> Nullable<Bool>,
        group_ids -> Array<Text>,
        created_at -> Nullable<Timestamptz>,
        last_login_time -> Nullable<Timestamptz>,
        last_client_version -> Nullable<Text>,
        raw -> Jsonb,
        first_seen_at -> Timestamptz,
        synced_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    zoom.sync_runs (id) {
        id -> Int8,
        entity -> Text,
        triggered_by -> Text,
        host -> Text,
        started_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
        status -> Text,
        api_calls -> Int8,
        rows_inserted -> Int8,
        rows_updated -> Int8,
        rows_unchanged -> Int8,
        rows_deleted -> Int8,
        error -> Nullable<Text>,
        rows_repaired -> Int8,
        rows_skipped -> Int8,
        listings_incomplete -> Int8,
    }
}

diesel::table! {
    zoom.webhook_events (id) {
        id -> Int8,
        event -> Text,
        event_ts -> Timestamptz,
        object_key -> Text,
        payload -> Jsonb,
        received_at -> Timestamptz,
        applied_at -> Nullable<Timestamptz>,
        error -> Nullable<Text>,
        attempts -> Int4,
    }
}
