//! The later information wins: every table family's upsert ignores data older than the row's
//! `source_time`, a page asked before a deletion does not revive the row, and a deletion mark
//! leaves alone rows holding data from after its listing began. Then a pass through the
//! simulator stamps every row it writes.

use chrono::{DateTime, Duration, TimeZone, Utc};
use diesel::sql_types::{Nullable, Text, Timestamptz};
use diesel::{QueryableByName, sql_query};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{Value, json};

use zoom_mirror::db::recordings::{FileRow, RecordingRow};
use zoom_mirror::db::registrants::{RegistrantRow, RegistrantTable};
use zoom_mirror::db::sessions::{SessionRow, SessionTable};
use zoom_mirror::db::sync_runs::RowCounts;
use zoom_mirror::db::users::UserRow;
use zoom_mirror::db::{recordings, registrants, sessions, users};
use zoom_mirror::sync::Entity;

use crate::support::mirror::{
    MEETING_REGISTRANTS, MEETINGS, RECORDING_FILES, RECORDINGS, USERS, WEBINAR_REGISTRANTS,
    WEBINARS,
};
use crate::support::{TestApp, TestDb};

/// `minutes` after a fixed instant: the source times the tests write.
fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn counts(inserted: i64, updated: i64, unchanged: i64) -> RowCounts {
    RowCounts {
        inserted,
        updated,
        unchanged,
        ..RowCounts::default()
    }
}

#[derive(Debug, QueryableByName)]
struct Stored {
    #[diesel(sql_type = Text)]
    version: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    source_time: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    deleted_at: Option<DateTime<Utc>>,
}

/// The row of `table` where `key` is `value`: its `raw->>'v'`, source time and deletion.
async fn stored(conn: &mut AsyncPgConnection, table: &str, key: &str, value: &str) -> Stored {
    sql_query(format!(
        "SELECT raw->>'v' AS version, source_time, deleted_at FROM {table} \
         WHERE {key}::text = $1"
    ))
    .bind::<Text, _>(value)
    .get_result(conn)
    .await
    .unwrap_or_else(|e| panic!("reading {table} {value}: {e}"))
}

/// Marks the row deleted as Zoom had it at `source_time`, as an event would.
async fn deleted_by_event(
    conn: &mut AsyncPgConnection,
    table: &str,
    key: &str,
    value: &str,
    source_time: DateTime<Utc>,
) {
    let marked = sql_query(format!(
        "UPDATE {table} SET deleted_at = now(), source_time = $2 WHERE {key}::text = $1"
    ))
    .bind::<Text, _>(value)
    .bind::<Timestamptz, _>(source_time)
    .execute(conn)
    .await
    .unwrap();
    assert_eq!(marked, 1);
}

/// Sets when the mirror last wrote every row of `table` to the start of the tests' times, so that
/// only `source_time` fences the deletions.
async fn written_long_ago(conn: &mut AsyncPgConnection, table: &str) {
    sql_query(format!("UPDATE {table} SET synced_at = $1"))
        .bind::<Timestamptz, _>(at(-60))
        .execute(conn)
        .await
        .unwrap();
}

fn user<'a>(id: &'a str, raw: &'a Value) -> UserRow<'a> {
    UserRow {
        id: Some(id),
        email: "ada@example.com",
        first_name: None,
        last_name: None,
        display_name: None,
        user_type: None,
        status: Some("active"),
        pmi: None,
        timezone: None,
        dept: None,
        role_id: None,
        language: None,
        phone_number: None,
        verified: None,
        group_ids: &[],
        created_at: None,
        last_login_time: None,
        last_client_version: None,
        raw,
        synced_at: at(-60),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn users_take_only_newer_data() {
    let db = TestDb::new().await;
    let conn = &mut db.connect().await;
    let (v1, v2, v3) = (json!({"v": "1"}), json!({"v": "2"}), json!({"v": "3"}));

    assert_eq!(
        users::upsert(conn, &[user("u1", &v1)], at(20))
            .await
            .unwrap(),
        counts(1, 0, 0)
    );
    assert_eq!(
        users::upsert(conn, &[user("u1", &v2)], at(10))
            .await
            .unwrap(),
        counts(0, 0, 1),
        "a page older than the row changes nothing"
    );
    let now = stored(conn, "zoom.users", "id", "u1").await;
    assert_eq!((now.version.as_str(), now.source_time), ("1", Some(at(20))));
    assert_eq!(
        users::upsert(conn, &[user("u1", &v2)], at(20))
            .await
            .unwrap(),
        counts(0, 1, 0),
        "data as new as the row's, and different, is taken"
    );
    assert_eq!(
        users::upsert(conn, &[user("u1", &v3)], at(30))
            .await
            .unwrap(),
        counts(0, 1, 0)
    );
    let now = stored(conn, "zoom.users", "id", "u1").await;
    assert_eq!((now.version.as_str(), now.source_time), ("3", Some(at(30))));

    // Zoom says at 40 that the user is gone: a page asked at 35 does not bring it back.
    assert_eq!(
        users::mark_deleted(conn, "u1", at(40), at(41))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        users::upsert(conn, &[user("u1", &v3)], at(35))
            .await
            .unwrap(),
        counts(0, 0, 1)
    );
    assert!(
        stored(conn, "zoom.users", "id", "u1")
            .await
            .deleted_at
            .is_some()
    );
    assert_eq!(
        users::upsert(conn, &[user("u1", &v3)], at(45))
            .await
            .unwrap(),
        counts(0, 1, 0)
    );
    assert!(
        stored(conn, "zoom.users", "id", "u1")
            .await
            .deleted_at
            .is_none()
    );

    // A listing begun at 50 that lacks both users: the one an event wrote at 55 stays.
    let v4 = json!({"v": "4"});
    let mut other = user("u2", &v4);
    other.email = "bob@example.com";
    users::upsert(conn, &[other], at(55)).await.unwrap();
    written_long_ago(conn, "zoom.users").await;
    assert_eq!(
        users::mark_unlisted_deleted(conn, &[], &[], at(50), at(60))
            .await
            .unwrap(),
        1
    );
    let gone = stored(conn, "zoom.users", "id", "u1").await;
    assert_eq!(
        (gone.deleted_at.is_some(), gone.source_time),
        (true, Some(at(50)))
    );
    let kept = stored(conn, "zoom.users", "id", "u2").await;
    assert_eq!((kept.deleted_at, kept.source_time), (None, Some(at(55))));
}

fn session(raw: &Value) -> SessionRow<'_> {
    SessionRow {
        id: 81,
        uuid: None,
        host_id: "h1",
        topic: None,
        session_type: Some(2),
        start_time: None,
        duration: None,
        timezone: None,
        agenda: None,
        created_at: None,
        join_url: None,
        raw,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn meetings_and_webinars_take_only_newer_data() {
    let db = TestDb::new().await;
    let conn = &mut db.connect().await;
    let (v1, v2, v3) = (json!({"v": "1"}), json!({"v": "2"}), json!({"v": "3"}));
    for (table, name) in [
        (SessionTable::Meetings, MEETINGS.name),
        (SessionTable::Webinars, WEBINARS.name),
    ] {
        let upsert = async |conn: &mut AsyncPgConnection, raw, source_time| {
            sessions::upsert(conn, table, &[session(raw)], at(0), source_time).await
        };
        assert_eq!(upsert(conn, &v1, at(20)).await.unwrap(), counts(1, 0, 0));
        assert_eq!(upsert(conn, &v2, at(10)).await.unwrap(), counts(0, 0, 1));
        assert_eq!(upsert(conn, &v2, at(30)).await.unwrap(), counts(0, 1, 0));
        let now = stored(conn, name, "id", "81").await;
        assert_eq!((now.version.as_str(), now.source_time), ("2", Some(at(30))));

        assert!(
            sessions::mark_gone(conn, table, 81, "deleted", at(40), at(41))
                .await
                .unwrap()
        );
        assert_eq!(upsert(conn, &v3, at(35)).await.unwrap(), counts(0, 0, 1));
        assert!(stored(conn, name, "id", "81").await.deleted_at.is_some());
        assert_eq!(upsert(conn, &v3, at(45)).await.unwrap(), counts(0, 1, 0));
        assert!(stored(conn, name, "id", "81").await.deleted_at.is_none());

        // A listing begun at 40 judges nothing of a row holding data from 45.
        written_long_ago(conn, name).await;
        assert!(
            sessions::vanished(conn, table, "h1", &[], at(40))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            !sessions::mark_gone(conn, table, 81, "deleted", at(40), at(60))
                .await
                .unwrap()
        );
        assert_eq!(
            sessions::vanished(conn, table, "h1", &[], at(50))
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(
            sessions::mark_gone(conn, table, 81, "deleted", at(50), at(60))
                .await
                .unwrap()
        );
        assert_eq!(
            stored(conn, name, "id", "81").await.source_time,
            Some(at(50))
        );
    }
}

fn registrant<'a>(id: &'a str, raw: &'a Value) -> RegistrantRow<'a> {
    RegistrantRow {
        id,
        email: "ada@example.com",
        first_name: None,
        last_name: None,
        status: "approved",
        create_time: None,
        join_url: None,
        raw,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn registrants_take_only_newer_data() {
    let db = TestDb::new().await;
    let conn = &mut db.connect().await;
    let (v1, v2, v3) = (json!({"v": "1"}), json!({"v": "2"}), json!({"v": "3"}));
    for (table, name) in [
        (RegistrantTable::Meeting, MEETING_REGISTRANTS.name),
        (RegistrantTable::Webinar, WEBINAR_REGISTRANTS.name),
    ] {
        let upsert = async |conn: &mut AsyncPgConnection, id, raw, source_time| {
            registrants::upsert(conn, table, 81, &[registrant(id, raw)], at(0), source_time).await
        };
        assert_eq!(
            upsert(conn, "r1", &v1, at(20)).await.unwrap(),
            counts(1, 0, 0)
        );
        assert_eq!(
            upsert(conn, "r1", &v2, at(10)).await.unwrap(),
            counts(0, 0, 1)
        );
        assert_eq!(
            upsert(conn, "r1", &v2, at(30)).await.unwrap(),
            counts(0, 1, 0)
        );
        let now = stored(conn, name, "id", "r1").await;
        assert_eq!((now.version.as_str(), now.source_time), ("2", Some(at(30))));

        deleted_by_event(conn, name, "id", "r1", at(40)).await;
        assert_eq!(
            upsert(conn, "r1", &v3, at(35)).await.unwrap(),
            counts(0, 0, 1)
        );
        assert!(stored(conn, name, "id", "r1").await.deleted_at.is_some());
        assert_eq!(
            upsert(conn, "r1", &v3, at(45)).await.unwrap(),
            counts(0, 1, 0)
        );
        assert!(stored(conn, name, "id", "r1").await.deleted_at.is_none());

        // Listings begun at 50: the registrant an event wrote at 55 stays.
        assert_eq!(
            upsert(conn, "r2", &v1, at(55)).await.unwrap(),
            counts(1, 0, 0)
        );
        written_long_ago(conn, name).await;
        assert_eq!(
            registrants::mark_unlisted_deleted(conn, table, 81, &[], at(50), at(60))
                .await
                .unwrap(),
            1
        );
        let gone = stored(conn, name, "id", "r1").await;
        assert_eq!(
            (gone.deleted_at.is_some(), gone.source_time),
            (true, Some(at(50)))
        );
        assert!(stored(conn, name, "id", "r2").await.deleted_at.is_none());
    }
}

fn recording<'a>(raw: &'a Value, file_raw: &'a Value) -> RecordingRow<'a> {
    RecordingRow {
        uuid: "rec1",
        meeting_id: Some(81),
        host_id: "h1",
        topic: None,
        meeting_type: None,
        start_time: Some(at(0)),
        duration: None,
        total_size: None,
        recording_count: None,
        raw,
        files_listed: true,
        files: vec![FileRow {
            id: "f1",
            file_type: None,
            file_extension: None,
            file_size: None,
            recording_type: None,
            status: None,
            recording_start: None,
            recording_end: None,
            raw: file_raw,
        }],
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn recordings_and_files_take_only_newer_data() {
    let db = TestDb::new().await;
    let conn = &mut db.connect().await;
    let (v1, v2, v3) = (json!({"v": "1"}), json!({"v": "2"}), json!({"v": "3"}));
    let (rec, file) = (RECORDINGS.name, RECORDING_FILES.name);
    let upsert = async |conn: &mut AsyncPgConnection, raw, source_time| {
        recordings::upsert(conn, &[recording(raw, raw)], at(0), source_time).await
    };
    assert_eq!(upsert(conn, &v1, at(20)).await.unwrap(), counts(2, 0, 0));
    assert_eq!(upsert(conn, &v2, at(10)).await.unwrap(), counts(0, 0, 2));
    assert_eq!(upsert(conn, &v2, at(30)).await.unwrap(), counts(0, 2, 0));
    for (table, key, value) in [(rec, "uuid", "rec1"), (file, "id", "f1")] {
        let now = stored(conn, table, key, value).await;
        assert_eq!((now.version.as_str(), now.source_time), ("2", Some(at(30))));
    }

    deleted_by_event(conn, rec, "uuid", "rec1", at(40)).await;
    deleted_by_event(conn, file, "id", "f1", at(40)).await;
    assert_eq!(upsert(conn, &v3, at(35)).await.unwrap(), counts(0, 0, 2));
    assert!(stored(conn, rec, "uuid", "rec1").await.deleted_at.is_some());
    assert!(stored(conn, file, "id", "f1").await.deleted_at.is_some());
    assert_eq!(upsert(conn, &v3, at(45)).await.unwrap(), counts(0, 2, 0));
    assert!(stored(conn, rec, "uuid", "rec1").await.deleted_at.is_none());

    // A listing begun at 40 leaves the recording and file written at 45 alone; one begun at 50
    // marks both, as of its start.
    written_long_ago(conn, rec).await;
    let mark = async |conn: &mut AsyncPgConnection, listing_started| {
        recordings::mark_unlisted_deleted(conn, None, at(-60), at(60), &[], listing_started, at(60))
            .await
            .unwrap()
    };
    assert_eq!(mark(conn, at(40)).await, 0);
    assert_eq!(mark(conn, at(50)).await, 2);
    for (table, key, value) in [(rec, "uuid", "rec1"), (file, "id", "f1")] {
        let gone = stored(conn, table, key, value).await;
        assert_eq!(
            (gone.deleted_at.is_some(), gone.source_time),
            (true, Some(at(50)))
        );
    }
}

#[derive(Debug, QueryableByName)]
struct Stamps {
    #[diesel(sql_type = Nullable<Timestamptz>)]
    earliest: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    latest: Option<DateTime<Utc>>,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    unstamped: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    rows: i64,
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_stamps_every_row_it_writes_with_its_pass() {
    let app = TestApp::new(12).await;
    let began = Utc::now();
    for entity in Entity::ALL {
        let report = app.sync(entity).await;
        assert!(report.error.is_none(), "{entity}: {:?}", report.error);
    }
    let ended = Utc::now();
    for table in [
        USERS,
        MEETINGS,
        WEBINARS,
        MEETING_REGISTRANTS,
        WEBINAR_REGISTRANTS,
        RECORDINGS,
        RECORDING_FILES,
    ] {
        let stamps: Stamps = sql_query(format!(
            "SELECT min(source_time) AS earliest, max(source_time) AS latest, \
                    count(*) FILTER (WHERE source_time IS NULL) AS unstamped, count(*) AS rows \
             FROM {}",
            table.name
        ))
        .get_result(&mut app.conn().await)
        .await
        .unwrap();
        assert!(stamps.rows > 0, "{} has rows to check", table.name);
        assert_eq!(
            stamps.unstamped, 0,
            "{}: every row has a source time",
            table.name
        );
        assert!(
            stamps.earliest >= Some(began) && stamps.latest <= Some(ended),
            "{}: source times {:?}..{:?} outside the passes {began}..{ended}",
            table.name,
            stamps.earliest,
            stamps.latest
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_host_takes_only_sessions_and_registrants_older_than_its_deletion() {
    let db = TestDb::new().await;
    let conn = &mut db.connect().await;
    let raw = json!({"v": "1"});
    users::upsert(conn, &[user("h1", &raw)], at(10))
        .await
        .unwrap();
    written_long_ago(conn, "zoom.users").await;
    // The users listing begun at 50 no longer has the host.
    users::mark_unlisted_deleted(conn, &[], &[], at(50), at(60))
        .await
        .unwrap();
    let (older, newer) = (
        session(&raw),
        SessionRow {
            id: 82,
            ..session(&raw)
        },
    );
    sessions::upsert(conn, SessionTable::Meetings, &[older], at(0), at(40))
        .await
        .unwrap();
    sessions::upsert(conn, SessionTable::Meetings, &[newer], at(0), at(55))
        .await
        .unwrap();
    for (id, source_time) in [("r1", at(45)), ("r2", at(60))] {
        registrants::upsert(
            conn,
            RegistrantTable::Meeting,
            81,
            &[registrant(id, &raw)],
            at(0),
            source_time,
        )
        .await
        .unwrap();
    }

    assert_eq!(
        sessions::mark_hosts_gone(conn, SessionTable::Meetings, at(61))
            .await
            .unwrap(),
        1
    );
    let gone = stored(conn, MEETINGS.name, "id", "81").await;
    assert_eq!(
        (gone.deleted_at.is_some(), gone.source_time),
        (true, Some(at(50)))
    );
    assert!(
        stored(conn, MEETINGS.name, "id", "82")
            .await
            .deleted_at
            .is_none()
    );

    assert_eq!(
        registrants::mark_orphans_deleted(conn, RegistrantTable::Meeting, at(62))
            .await
            .unwrap(),
        1
    );
    let orphan = stored(conn, MEETING_REGISTRANTS.name, "id", "r1").await;
    assert_eq!(
        (orphan.deleted_at.is_some(), orphan.source_time),
        (true, Some(at(50)))
    );
    assert!(
        stored(conn, MEETING_REGISTRANTS.name, "id", "r2")
            .await
            .deleted_at
            .is_none()
    );
}
