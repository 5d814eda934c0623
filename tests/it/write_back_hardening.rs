//! The write-back queue against careless or hostile writers: what the database refuses at
//! INSERT, rows the worker cannot read failing on their first attempt, claims taking turns
//! between writers, and what each role may see.

use std::time::{Duration, Instant};

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Jsonb, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use serde_json::{Value, json};

use zoom_mirror::config::WriteBackConfig;
use zoom_mirror::db::{queue_operator, write_queue};
use zoom_mirror::sync::Entity;
use zoom_mirror::write_back::ErrorKind;

use crate::support::TestApp;
use crate::support::queue::{QueueRow, settings};
use crate::support::roles::Roles;

/// An account of 4 users whose mirror knows its users.
async fn app() -> TestApp {
    let app = TestApp::new(4).await;
    app.sync(Entity::Users).await;
    app
}

/// A `user.update` payload whose `dept` is `levels` arrays deep.
fn nested(levels: usize) -> String {
    format!("{{\"dept\": {}{}}}", "[".repeat(levels), "]".repeat(levels))
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Runs `sql`; `Err` holds the database's message.
async fn execute(conn: &mut AsyncPgConnection, sql: &str) -> Result<(), String> {
    conn.batch_execute(sql).await.map_err(|e| e.to_string())
}

/// The ids `sql` selects; `Err` holds the database's message.
async fn ids(conn: &mut AsyncPgConnection, sql: &str) -> Result<Vec<i64>, String> {
    let rows: Vec<Id> = diesel::sql_query(sql)
        .load(conn)
        .await
        .map_err(|e| e.to_string())?;
    let mut ids: Vec<i64> = rows.into_iter().map(|r| r.id).collect();
    ids.sort_unstable();
    Ok(ids)
}

/// Inserts `payload` (JSON text) as `user.update` of `target` from `created_by`.
async fn insert_as(
    conn: &mut AsyncPgConnection,
    created_by: &str,
    target: &str,
    payload: &str,
) -> Result<i64, String> {
    let row: Id = diesel::sql_query(
        "INSERT INTO zoom.write_queue (action, target, payload, created_by) \
         VALUES ('user.update', $1, $2::jsonb, $3) RETURNING id",
    )
    .bind::<Text, _>(target)
    .bind::<Text, _>(payload)
    .bind::<Text, _>(created_by)
    .get_result(conn)
    .await
    .map_err(|e| e.to_string())?;
    Ok(row.id)
}

async fn payload(app: &TestApp, id: i64) -> Value {
    #[derive(QueryableByName)]
    struct Payload {
        #[diesel(sql_type = Jsonb)]
        payload: Value,
    }
    let row: Payload = diesel::sql_query("SELECT payload FROM zoom.write_queue WHERE id = $1")
        .bind::<BigInt, _>(id)
        .get_result(&mut app.conn().await)
        .await
        .unwrap();
    row.payload
}

fn assert_refused(result: Result<impl std::fmt::Debug, String>, expected: &str) {
    match result {
        Err(message) => assert!(message.contains(expected), "{expected:?} in {message:?}"),
        Ok(ok) => panic!("accepted ({ok:?}); expected a refusal saying {expected:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn payloads_the_worker_cannot_read_fail_on_their_first_attempt_with_the_reason() {
    let app = app().await;
    let user_id = app.active_user_id(0);
    let rows = [
        (
            nested(200),
            "payload: nested 128 or more arrays and objects deep",
        ),
        (
            nested(10_000),
            "payload: nested 128 or more arrays and objects deep",
        ),
        (
            r#"{"dept": 1e400}"#.to_owned(),
            "payload: the worker cannot read it as JSON (number out of range",
        ),
    ];
    let mut conn = app.conn().await;
    let mut bad = Vec::new();
    for (payload, _) in &rows {
        bad.push(
            insert_as(&mut conn, "writer", &user_id, payload)
                .await
                .unwrap(),
        );
    }
    let good = insert_as(&mut conn, "writer", &user_id, r#"{"dept": "Readable"}"#)
        .await
        .unwrap();
    let started = Instant::now();
    let worker = app.start_worker(settings());
    for (id, (_, reason)) in bad.into_iter().zip(rows) {
        let row = app.failed_at_once(id).await;
        assert!(
            row.error().contains(reason) && row.error().contains("Zoom was not called"),
            "{reason:?} in {:?}",
            row.error()
        );
        assert_eq!(row.kinds(), [ErrorKind::Invalid], "{row:?}");
    }
    let row = app.finished_row(good).await;
    assert_eq!(
        row.status, "succeeded",
        "the target's next row runs: {row:?}"
    );
    assert!(
        started.elapsed() < settings().lease,
        "failed at once, not after a lease ran out: {:?}",
        started.elapsed()
    );
    worker.stop().await;

    assert_refused(
        execute(
            &mut conn,
            "INSERT INTO zoom.write_queue (action, target, max_attempts) \
             VALUES ('user.delete', 'u', 100000)",
        )
        .await,
        "max_attempts is 100000, over the limit of 100",
    );
    execute(
        &mut conn,
        "INSERT INTO zoom.write_queue (action, target, max_attempts) VALUES ('user.delete', 'u', 100)",
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_after_beyond_the_maximum_delay_is_refused_so_it_cannot_hold_up_its_target() {
    let app = app().await;
    let user_id = app.active_user_id(0);
    let mut conn = app.conn().await;
    let insert = |run_after: &str| {
        format!(
            "INSERT INTO zoom.write_queue (action, target, payload, run_after) \
             VALUES ('user.update', '{user_id}', '{{\"dept\": \"Later\"}}', {run_after})"
        )
    };
    for run_after in ["'infinity'", "now() + interval '8 days'"] {
        assert_refused(
            execute(&mut conn, &insert(run_after)).await,
            "is more than 7 days ahead",
        );
    }
    execute(
        &mut conn,
        &insert("now() + interval '6 days'").replace(&user_id, "someone-else"),
    )
    .await
    .expect("6 days ahead is allowed");
    let _worker = app.start_worker(settings());
    let id = app
        .enqueue("user.update", Some(&user_id), json!({"dept": "Now"}))
        .await;
    let row = app.finished_row(id).await;
    assert_eq!(row.status, "succeeded", "{row:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn payloads_over_the_size_limit_are_refused_at_insert() {
    let app = app().await;
    let mut conn = app.conn().await;
    // The limit counts the payload as PostgreSQL prints it, which is how the worker reads it.
    let of_size = |bytes: usize| {
        let frame = r#"{"dept": ""}"#;
        format!("{{\"dept\": \"{}\"}}", "x".repeat(bytes - frame.len()))
    };
    insert_as(&mut conn, "writer", "u", &of_size(256 * 1024))
        .await
        .expect("a payload of exactly the limit");
    assert_refused(
        insert_as(&mut conn, "writer", "u", &of_size(256 * 1024 + 1)).await,
        "the payload is 262145 bytes as JSON text, over the limit of 262144 bytes",
    );
    assert_refused(
        insert_as(&mut conn, "writer", "u", &of_size(100 << 20)).await,
        "over the limit of 262144 bytes",
    );
    // The other columns a writer fills are bounded too.
    assert_refused(
        insert_as(&mut conn, "writer", &"u".repeat(1 << 20), "{}").await,
        "target (1048576 bytes)",
    );
}

/// The daemon's `max_payload_bytes` and `max_delay` reach the insert trigger, and a row
/// queued under a larger limit fails without its payload being read.
#[tokio::test(flavor = "multi_thread")]
async fn the_daemon_sets_the_limits_the_database_enforces() {
    let app = app().await;
    let mut conn = app.conn().await;
    let big = format!("{{\"dept\": \"{}\"}}", "x".repeat(3000));
    let queued_earlier = insert_as(&mut conn, "writer", "u", &big).await.unwrap();
    let _worker = app.start_worker(WriteBackConfig {
        max_payload_bytes: 2048,
        max_delay: Duration::from_secs(3600),
        ..settings()
    });
    let row = app.failed_at_once(queued_earlier).await;
    assert!(
        row.error().contains(
            "payload: 3012 bytes of JSON text, over write_back.max_payload_bytes (2048); it was \
             not read"
        ),
        "{}",
        row.error()
    );
    // The worker set the limits before it claimed anything.
    assert_refused(
        insert_as(&mut conn, "writer", "u", &big).await,
        "the payload is 3012 bytes as JSON text, over the limit of 2048 bytes",
    );
    let insert = |run_after: &str| {
        format!(
            "INSERT INTO zoom.write_queue (action, target, run_after) \
             VALUES ('user.delete', 'u', now() + interval '{run_after}')"
        )
    };
    assert_refused(
        execute(&mut conn, &insert("2 hours")).await,
        "is more than 01:00:00 ahead",
    );
    execute(&mut conn, &insert("30 minutes")).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn claims_take_turns_between_writers() {
    let mut app = app().await;
    app.db.may_leave_running();
    let mut conn = app.conn().await;
    let mut rows = Vec::new();
    for (writer, target) in [("a", "1"), ("a", "2"), ("a", "3"), ("b", "4"), ("c", "5")] {
        rows.push(insert_as(&mut conn, writer, target, "{}").await.unwrap());
    }
    let mut claimed = Vec::new();
    while let Some(row) = write_queue::claim(&mut conn, "w", Duration::from_secs(30), 1024)
        .await
        .unwrap()
    {
        claimed.push(row.id);
    }
    assert_eq!(
        claimed,
        [rows[0], rows[3], rows[4], rows[1], rows[2]],
        "a, b, c, then a's backlog"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_thousand_bad_rows_of_one_writer_delay_another_writers_row_by_one_attempt_at_most() {
    let app = app().await;
    let user_id = app.active_user_id(0);
    let mut conn = app.conn().await;
    let config = WriteBackConfig {
        concurrency: 1,
        poll_interval: Duration::from_millis(500),
        ..settings()
    };
    let _worker = app.start_worker(config.clone());
    let run_b = |dept: &'static str| {
        let (app, user_id) = (&app, &user_id);
        async move {
            let payload = json!({ "dept": dept }).to_string();
            let mut conn = app.conn().await;
            let started = Instant::now();
            let id = insert_as(&mut conn, "writer_b", user_id, &payload)
                .await
                .unwrap();
            let row = app
                .wait_row(id, Duration::from_secs(60), QueueRow::finished)
                .await;
            assert_eq!(row.status, "succeeded", "{row:?}");
            (id, started.elapsed())
        }
    };
    // The call time: B's row on an idle queue.
    let (_, alone) = run_b("Alone").await;

    let inserted = diesel::sql_query(
        "INSERT INTO zoom.write_queue (action, target, payload, max_attempts, created_by) \
         SELECT 'user.update', 'a-' || g, $1::jsonb, 100, 'writer_a' \
         FROM generate_series(1, 1000) g",
    )
    .bind::<Text, _>(nested(200))
    .execute(&mut conn)
    .await
    .unwrap();
    assert_eq!(inserted, 1000);
    let a_finished = "SELECT id FROM zoom.write_queue WHERE created_by = 'writer_a' \
                      AND status = 'failed' AND attempts = 1 \
                      AND last_error LIKE '%nested 128 or more%'";
    let deadline = Instant::now() + Duration::from_secs(30);
    while ids(&mut conn, a_finished).await.unwrap().len() < 10 {
        assert!(
            Instant::now() < deadline,
            "the worker is not taking A's rows"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let (b, waited) = run_b("Behind a backlog").await;
    let a_left = ids(
        &mut conn,
        &format!(
            "SELECT id FROM zoom.write_queue WHERE created_by = 'writer_a' AND (finished_at IS NULL \
             OR finished_at > (SELECT finished_at FROM zoom.write_queue WHERE id = {b}))"
        ),
    )
    .await
    .unwrap()
    .len();
    assert!(
        a_left >= 900,
        "B's row went ahead of A's backlog; only {a_left} of A's rows were left"
    );
    let bound = config.poll_interval + alone * 3;
    assert!(
        waited <= bound,
        "B's row took {waited:?} behind A's backlog, over a poll interval plus its call time \
         ({bound:?}; alone it took {alone:?})"
    );

    let deadline = Instant::now() + Duration::from_secs(60);
    while ids(&mut conn, a_finished).await.unwrap().len() < 1000 {
        assert!(
            Instant::now() < deadline,
            "A's rows did not all fail at their first attempt"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_users_password_is_masked_once_the_row_finishes() {
    let app = app().await;
    let user = |email: &str, action: &str| json!({"action": action, "user_info": {"email": email, "type": 1, "password": "Secret-42x"}});
    let mut conn = app.conn().await;
    let later = diesel::sql_query(
        "INSERT INTO zoom.write_queue (action, payload, run_after) \
         VALUES ('user.create', $1, now() + interval '1 hour') RETURNING id",
    )
    .bind::<Jsonb, _>(user("later@example.com", "autoCreate"))
    .get_result::<Id>(&mut conn)
    .await
    .unwrap()
    .id;
    let made = app
        .enqueue("user.create", None, user("made@example.com", "autoCreate"))
        .await;
    // A password is only allowed with autoCreate: this row fails validation.
    let refused = app
        .enqueue("user.create", None, user("refused@example.com", "create"))
        .await;
    let worker = app.start_worker(settings());
    assert_eq!(app.finished_row(made).await.status, "succeeded");
    assert_eq!(app.finished_row(refused).await.status, "failed");
    worker.stop().await;
    assert_eq!(
        payload(&app, later).await["user_info"]["password"],
        "Secret-42x",
        "a pending row keeps it"
    );
    assert_eq!(
        queue_operator::cancel(&mut conn, later).await.unwrap(),
        queue_operator::Operated::Done { in_doubt: false }
    );
    for id in [made, refused, later] {
        let payload = payload(&app, id).await;
        assert_eq!(payload["user_info"]["password"], "***", "{payload}");
        assert_eq!(
            payload["user_info"]["type"], 1,
            "the rest is kept: {payload}"
        );
    }
}

const PASSWORD: &str = "test-only";

#[tokio::test(flavor = "multi_thread")]
async fn each_role_sees_only_what_is_its_own() {
    let app = app().await;
    let user_id = app.active_user_id(0);
    // A login role per system, as docs/write-back.md says to make them.
    let mut roles = Roles::install(&app).await;
    let [crm, lms, analyst, daemon] = ["crm", "lms", "analyst", "daemon"].map(|r| roles.own(r));
    let (reader, writer) = (&roles.reader, &roles.writer);
    let mut admin = app.conn().await;
    for (login, group) in [(&crm, writer), (&lms, writer), (&analyst, reader)] {
        admin
            .batch_execute(&format!(
                "CREATE ROLE {login} LOGIN PASSWORD '{PASSWORD}' IN ROLE {group}"
            ))
            .await
            .unwrap();
    }
    // A daemon that does not own the tables, granted what it needs to run rows.
    admin
        .batch_execute(&format!(
            "CREATE ROLE {daemon} LOGIN PASSWORD '{PASSWORD}'; \
             GRANT USAGE ON SCHEMA zoom TO {daemon}; \
             GRANT SELECT, UPDATE ON zoom.write_queue TO {daemon}"
        ))
        .await
        .unwrap();
    let insert = |action: &str, target: &str, payload: Value, key: Option<&str>| {
        let key = key.map_or("NULL".to_owned(), |k| format!("'{k}'"));
        format!(
            "INSERT INTO zoom.write_queue (action, target, payload, idempotency_key) \
             VALUES ('{action}', {target}, '{payload}', {key}) RETURNING id"
        )
    };
    let target = format!("'{user_id}'");
    let new_user = json!({"action": "autoCreate",
                          "user_info": {"email": "kept@example.com", "type": 1, "password": "Secret-42x"}});
    let raw = json!({"method": "GET", "path": format!("/users/{user_id}")});
    const CRM: usize = 0;
    const LMS: usize = 1;
    const ANALYST: usize = 2;
    const DAEMON: usize = 3;
    let mut logged_in = Vec::new();
    for login in [&crm, &lms, &analyst, &daemon] {
        logged_in.push(app.db.connect_as(login, PASSWORD).await);
    }
    let mut crm_rows = Vec::new();
    for sql in [
        insert("user.create", "NULL", new_user, None),
        insert("raw", "NULL", raw, None),
        insert("user.update", &target, json!({"dept": "CRM"}), Some("k1")),
    ] {
        crm_rows.extend(ids(&mut logged_in[CRM], &sql).await.unwrap());
    }
    let lms_update = insert("user.update", &target, json!({"dept": "LMS"}), None);
    let lms_rows = ids(&mut logged_in[LMS], &lms_update).await.unwrap();

    for (who, sql, refusal) in [
        (
            ANALYST,
            "SELECT payload FROM zoom.write_queue",
            "permission denied",
        ),
        (
            ANALYST,
            "SELECT result FROM zoom.write_queue",
            "permission denied",
        ),
        (
            ANALYST,
            "SELECT id FROM zoom.write_queue",
            "permission denied",
        ),
        (
            ANALYST,
            "INSERT INTO zoom.write_queue (action) VALUES ('user.delete')",
            "permission denied",
        ),
        (
            CRM,
            "UPDATE zoom.write_queue SET status = 'succeeded'",
            "permission denied",
        ),
        (CRM, "DELETE FROM zoom.write_queue", "permission denied"),
        (CRM, "UPDATE zoom.users SET dept = 'x'", "permission denied"),
        (
            LMS,
            "INSERT INTO zoom.write_queue (action, created_by) VALUES ('user.delete', 'someone')",
            "permission denied",
        ),
        (
            LMS,
            "SELECT id FROM zoom.write_queue_status",
            "permission denied",
        ),
        (
            LMS,
            "SELECT name FROM zoom.write_queue_writers",
            "permission denied",
        ),
        // The limits apply to writers, who need no grant on the limits to be checked.
        (
            LMS,
            "INSERT INTO zoom.write_queue (action, target, run_after) \
             VALUES ('user.delete', 'u', 'infinity')",
            "is more than 7 days ahead",
        ),
    ] {
        assert_refused(execute(&mut logged_in[who], sql).await, refusal);
    }
    // Each writer sees its own rows, and no one else's.
    let all = "SELECT id FROM zoom.write_queue";
    assert_eq!(ids(&mut logged_in[CRM], all).await.unwrap(), crm_rows);
    assert_eq!(ids(&mut logged_in[LMS], all).await.unwrap(), lms_rows);
    let mut every_row = [crm_rows.clone(), lms_rows.clone()].concat();
    every_row.sort_unstable();
    assert_eq!(ids(&mut logged_in[DAEMON], all).await.unwrap(), every_row);
    execute(&mut logged_in[ANALYST], "SELECT count(*) FROM zoom.users")
        .await
        .expect("a reader reads the mirror");
    execute(&mut logged_in[LMS], "SELECT count(*) FROM zoom.meetings")
        .await
        .expect("a writer reads the mirror");
    // The reader follows the queue without payloads, results or raw rows.
    let mut visible = [crm_rows[0], crm_rows[2], lms_rows[0]];
    visible.sort_unstable();
    assert_eq!(
        ids(
            &mut logged_in[ANALYST],
            "SELECT id FROM zoom.write_queue_status"
        )
        .await
        .unwrap(),
        visible
    );
    assert_refused(
        execute(
            &mut logged_in[ANALYST],
            "SELECT payload FROM zoom.write_queue_status",
        )
        .await,
        "column \"payload\" does not exist",
    );

    // The daemon sees every writer's rows.
    let worker = app.start_worker(WriteBackConfig {
        allow_raw: true,
        ..settings()
    });
    for id in crm_rows.iter().chain(&lms_rows) {
        let row = app.finished_row(*id).await;
        assert_eq!(row.status, "succeeded", "{row:?}");
    }
    worker.stop().await;
    #[derive(QueryableByName)]
    struct Password {
        #[diesel(sql_type = Nullable<Text>)]
        password: Option<String>,
    }
    let seen: Password = diesel::sql_query(format!(
        "SELECT payload #>> '{{user_info,password}}' AS password FROM zoom.write_queue \
         WHERE id = {}",
        crm_rows[0]
    ))
    .get_result(&mut logged_in[CRM])
    .await
    .unwrap();
    assert_eq!(seen.password.as_deref(), Some("***"));

    // An idempotency key is the writer's own: another writer's neither collides nor shows.
    let update = |dept: &str| insert("user.update", &target, json!({ "dept": dept }), Some("k1"));
    ids(&mut logged_in[LMS], &update("LMS"))
        .await
        .expect("LMS may use a key CRM used");
    assert_refused(
        ids(&mut logged_in[CRM], &update("CRM")).await,
        "duplicate key value violates unique constraint",
    );

    drop((logged_in, admin));
    roles.drop(&app).await;
}
