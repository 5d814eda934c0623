//! Diesel's view of the `zoom` schema; mirrors `migrations/`. Written by hand (diesel's CLI needs
//! libpq); `tests/it/schema.rs` compares every table and column here with the migrated database.
//! Views are left out: no query of the daemon reads them.

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
        source_time -> Nullable<Timestamptz>,
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
        parents_done -> Nullable<Int8>,
        parents_total -> Nullable<Int8>,
        progress_at -> Nullable<Timestamptz>,
        estimated_finish_at -> Nullable<Timestamptz>,
    }
}

/// Meetings and webinars share one shape (`CREATE TABLE … LIKE`), so one macro declares both;
/// the columns of one table alone (a meeting's invitation) follow in braces.
macro_rules! session_table {
    ($schema:ident . $name:ident { $($only:tt)* }) => {
        diesel::table! {
            $schema.$name (id) {
                id -> Int8,
                uuid -> Nullable<Text>,
                host_id -> Text,
                topic -> Nullable<Text>,
                #[sql_name = "type"]
                session_type -> Nullable<Int4>,
                start_time -> Nullable<Timestamptz>,
                duration -> Nullable<Int4>,
                timezone -> Nullable<Text>,
                agenda -> Nullable<Text>,
                created_at -> Nullable<Timestamptz>,
                join_url -> Nullable<Text>,
                raw -> Jsonb,
                details -> Nullable<Jsonb>,
                details_synced_at -> Nullable<Timestamptz>,
                has_registration -> Nullable<Bool>,
                first_seen_at -> Timestamptz,
                synced_at -> Timestamptz,
                deleted_at -> Nullable<Timestamptz>,
                deleted_reason -> Nullable<Text>,
                source_time -> Nullable<Timestamptz>,
                $($only)*
            }
        }
    };
}
session_table!(zoom.meetings {
    invitation -> Nullable<Text>,
    invitation_synced_at -> Nullable<Timestamptz>,
    invitation_for -> Nullable<Text>,
});
session_table!(zoom.webinars {});

/// Registrants of meetings and of webinars differ only in their parent's column.
macro_rules! registrant_table {
    ($schema:ident . $name:ident, $parent:ident) => {
        diesel::table! {
            $schema.$name ($parent, id) {
                $parent -> Int8,
                id -> Text,
                email -> Text,
                first_name -> Nullable<Text>,
                last_name -> Nullable<Text>,
                status -> Nullable<Text>,
                create_time -> Nullable<Timestamptz>,
                join_url -> Nullable<Text>,
                raw -> Jsonb,
                first_seen_at -> Timestamptz,
                synced_at -> Timestamptz,
                deleted_at -> Nullable<Timestamptz>,
                source_time -> Nullable<Timestamptz>,
            }
        }
    };
}
registrant_table!(zoom.meeting_registrants, meeting_id);
registrant_table!(zoom.webinar_registrants, webinar_id);

/// Past instances of meetings and of webinars differ only in their parent's column.
macro_rules! instance_table {
    ($schema:ident . $name:ident, $parent:ident) => {
        diesel::table! {
            $schema.$name (uuid) {
                uuid -> Text,
                $parent -> Int8,
                start_time -> Nullable<Timestamptz>,
                end_time -> Nullable<Timestamptz>,
                found_by -> Text,
                participants_read_at -> Nullable<Timestamptz>,
                settled_at -> Nullable<Timestamptz>,
                settled_reason -> Nullable<Text>,
                first_seen_at -> Timestamptz,
            }
        }
    };
}
instance_table!(zoom.meeting_instances, meeting_id);
instance_table!(zoom.webinar_instances, webinar_id);

/// Participants of meetings and of webinars differ only in their instance's and parent's columns.
macro_rules! participant_table {
    ($schema:ident . $name:ident, $instance:ident, $parent:ident) => {
        diesel::table! {
            $schema.$name ($instance, user_id, join_time) {
                $instance -> Text,
                user_id -> Text,
                join_time -> Timestamptz,
                $parent -> Int8,
                participant_user_id -> Nullable<Text>,
                name -> Nullable<Text>,
                user_email -> Nullable<Text>,
                registrant_id -> Nullable<Text>,
                leave_time -> Nullable<Timestamptz>,
                duration -> Nullable<Int4>,
                status -> Nullable<Text>,
                internal_user -> Nullable<Bool>,
                failover -> Nullable<Bool>,
                raw -> Jsonb,
                first_seen_at -> Timestamptz,
                synced_at -> Timestamptz,
                deleted_at -> Nullable<Timestamptz>,
                source_time -> Nullable<Timestamptz>,
            }
        }
    };
}
participant_table!(zoom.meeting_participants, meeting_uuid, meeting_id);
participant_table!(zoom.webinar_participants, webinar_uuid, webinar_id);

diesel::table! {
    zoom.chat_channels (id) {
        id -> Text,
        jid -> Nullable<Text>,
        name -> Nullable<Text>,
        #[sql_name = "type"]
        channel_type -> Nullable<Int4>,
        channel_url -> Nullable<Text>,
        settings -> Nullable<Jsonb>,
        member_user_ids -> Array<Text>,
        raw -> Jsonb,
        first_seen_at -> Timestamptz,
        synced_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        source_time -> Nullable<Timestamptz>,
        member_count -> Nullable<Int4>,
    }
}

diesel::table! {
    zoom.chat_messages (id) {
        id -> Text,
        user_id -> Text,
        channel_id -> Nullable<Text>,
        to_contact -> Nullable<Text>,
        sender -> Nullable<Text>,
        send_member_id -> Nullable<Text>,
        sender_display_name -> Nullable<Text>,
        date_time -> Nullable<Timestamptz>,
        timestamp_ms -> Nullable<Int8>,
        message_type -> Nullable<Text>,
        message -> Nullable<Text>,
        status -> Nullable<Text>,
        reply_main_message_id -> Nullable<Text>,
        raw -> Jsonb,
        first_seen_at -> Timestamptz,
        synced_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        source_time -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    zoom.chat_reads (user_id, kind, peer) {
        user_id -> Text,
        kind -> Text,
        peer -> Text,
        read_to -> Timestamptz,
    }
}

diesel::table! {
    zoom.recordings (uuid) {
        uuid -> Text,
        meeting_id -> Nullable<Int8>,
        host_id -> Text,
        topic -> Nullable<Text>,
        #[sql_name = "type"]
        meeting_type -> Nullable<Int4>,
        start_time -> Nullable<Timestamptz>,
        duration -> Nullable<Int4>,
        total_size -> Nullable<Int8>,
        recording_count -> Nullable<Int4>,
        raw -> Jsonb,
        first_seen_at -> Timestamptz,
        synced_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        source_time -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    zoom.recording_files (id) {
        id -> Text,
        recording_uuid -> Text,
        file_type -> Nullable<Text>,
        file_extension -> Nullable<Text>,
        file_size -> Nullable<Int8>,
        recording_type -> Nullable<Text>,
        status -> Nullable<Text>,
        recording_start -> Nullable<Timestamptz>,
        recording_end -> Nullable<Timestamptz>,
        raw -> Jsonb,
        first_seen_at -> Timestamptz,
        synced_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        source_time -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    zoom.write_queue (id) {
        id -> Int8,
        action -> Text,
        target -> Nullable<Text>,
        payload -> Jsonb,
        idempotency_key -> Nullable<Text>,
        status -> Text,
        attempts -> Int4,
        max_attempts -> Int4,
        run_after -> Timestamptz,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<Timestamptz>,
        call_started_at -> Nullable<Timestamptz>,
        in_doubt -> Bool,
        last_error -> Nullable<Text>,
        errors -> Jsonb,
        result -> Nullable<Jsonb>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
        created_by -> Text,
    }
}

diesel::table! {
    zoom.daily_quota (scope, day) {
        scope -> Text,
        day -> Date,
        used -> Int4,
        cap -> Int4,
    }
}

diesel::table! {
    zoom.rate_budget (label) {
        label -> Text,
        next_free -> Timestamptz,
        per_second -> Float8,
    }
}

diesel::table! {
    zoom.write_queue_limits (singleton) {
        singleton -> Bool,
        max_payload_bytes -> Int4,
        max_delay -> Interval,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    zoom.write_queue_writers (name) {
        name -> Text,
        last_claimed_at -> Nullable<Timestamptz>,
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
        next_attempt_at -> Timestamptz,
        outcome -> Nullable<Text>,
    }
}

diesel::table! {
    zoom.oauth_tokens (id) {
        id -> Int4,
        client_id -> Text,
        user_id -> Nullable<Text>,
        user_email -> Nullable<Text>,
        scope -> Text,
        access_token -> Bytea,
        access_expires_at -> Timestamptz,
        refresh_token -> Bytea,
        authorized_at -> Timestamptz,
        refreshed_at -> Timestamptz,
    }
}

diesel::table! {
    zoom.phone_recordings (id) {
        id -> Text,
        user_id -> Text,
        call_id -> Nullable<Text>,
        call_log_id -> Nullable<Text>,
        call_history_id -> Nullable<Text>,
        caller_name -> Nullable<Text>,
        caller_number -> Nullable<Text>,
        caller_number_type -> Nullable<Int4>,
        callee_name -> Nullable<Text>,
        callee_number -> Nullable<Text>,
        callee_number_type -> Nullable<Int4>,
        direction -> Nullable<Text>,
        date_time -> Nullable<Timestamptz>,
        duration -> Nullable<Int4>,
        download_url -> Nullable<Text>,
        transcript_download_url -> Nullable<Text>,
        meeting_uuid -> Nullable<Text>,
        outgoing_by -> Nullable<Jsonb>,
        accepted_by -> Nullable<Jsonb>,
        raw -> Jsonb,
        first_seen_at -> Timestamptz,
        synced_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        source_time -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(recording_files -> recordings (recording_uuid));

/// Calls `$callback!` with every table above: Diesel's `allow_tables_to_appear_in_same_query!`
/// here, and the test that holds this file to the migrations, which so compares every table.
#[doc(hidden)]
#[macro_export]
macro_rules! zoom_tables {
    ($($callback:ident)::+) => {
        $($callback)::+! {
            users,
            sync_runs,
            meetings,
            webinars,
            meeting_registrants,
            webinar_registrants,
            recordings,
            recording_files,
            write_queue,
            daily_quota,
            rate_budget,
            write_queue_limits,
            write_queue_writers,
            webhook_events,
            meeting_instances,
            webinar_instances,
            meeting_participants,
            webinar_participants,
            oauth_tokens,
            phone_recordings,
            chat_channels,
            chat_messages,
            chat_reads
        }
    };
}

zoom_tables!(diesel::allow_tables_to_appear_in_same_query);
