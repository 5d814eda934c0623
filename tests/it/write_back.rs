//! The write-back queue end to end: a row inserted as another system would insert it, the
//! worker running as `run` runs it, the simulator over real HTTP, and the mirror read back.

use std::time::Duration;

use serde_json::{Value, json};

use zoom_mirror::clock::{Clock, ManualTime};
use zoom_mirror::sync::Entity;
use zoom_mirror::write_back::ErrorKind;
use zoom_mirror::zoom::{Endpoint, SessionKind};
use zoom_simulator::{AccountSpec, SimHandle, SimulatorConfig};

use crate::support::TestApp;
use crate::support::app::active_user;
use crate::support::mirror::{
    MEETING_REGISTRANTS, MEETINGS, Table, USERS, WEBINAR_REGISTRANTS, WEBINARS,
};
use crate::support::queue::{QueueRow, scheduled_meeting, settings};
use crate::support::roles::Roles;

/// An account of 6 users whose mirror knows its users.
async fn app() -> TestApp {
    app_at(Clock::System).await
}

/// The same with `clock` as the daemon's wall time.
async fn app_at(clock: Clock) -> TestApp {
    let app = TestApp::at(
        clock,
        SimulatorConfig {
            account: AccountSpec {
                users: 6,
                seed: 11,
                webinar_host_percent: 99,
                ..AccountSpec::default()
            },
            ..SimulatorConfig::default()
        },
        |_| {},
    )
    .await;
    app.sync(Entity::Users).await;
    app
}

/// API calls the simulator received, of any label.
fn api_calls(handle: &SimHandle) -> u64 {
    handle.stats().per_label.values().map(|l| l.calls).sum()
}

fn succeeded(row: &QueueRow) -> &Value {
    assert_eq!(row.status, "succeeded", "{row:?}");
    assert!(row.last_error.is_none(), "{row:?}");
    row.result()
}

async fn mirrored(app: &TestApp, table: Table, key: &str) -> Value {
    app.rows(table)
        .await
        .remove(key)
        .unwrap_or_else(|| panic!("{} has no row {key}", table.name))
}

#[tokio::test(flavor = "multi_thread")]
async fn user_actions_round_trip_into_the_mirror() {
    let app = app().await;
    let _worker = app.start_worker(settings());
    let handle = app.handle();

    let email = "new.hire@example.com";
    let id = app
        .enqueue(
            "user.create",
            None,
            json!({"action": "create", "user_info": {"email": email, "type": 1, "first_name": "New", "last_name": "Hire"}}),
        )
        .await;
    let row = app.finished_row(id).await;
    assert_eq!(succeeded(&row)["email"], email, "Zoom's 201 body: {row:?}");
    assert!(
        handle
            .listed_users("pending")
            .iter()
            .any(|u| u["email"] == email),
        "Zoom holds the invited user as pending"
    );
    let user = mirrored(&app, USERS, email).await;
    assert_eq!(
        (user["status"].as_str(), user["first_name"].as_str()),
        (Some("pending"), Some("New"))
    );

    let (user_id, user_email) = active_user(&handle, 1);
    let id = app
        .enqueue(
            "user.update",
            Some(&user_email),
            json!({"first_name": "Renamed", "dept": "Sales"}),
        )
        .await;
    let row = app.finished_row(id).await;
    assert_eq!(
        succeeded(&row)["first_name"],
        "Renamed",
        "read back after 204"
    );
    let user = mirrored(&app, USERS, &user_id).await;
    assert_eq!(
        (user["first_name"].as_str(), user["dept"].as_str()),
        (Some("Renamed"), Some("Sales"))
    );

    let id = app
        .enqueue(
            "user.status",
            Some(&user_id),
            json!({"action": "deactivate"}),
        )
        .await;
    let row = app.finished_row(id).await;
    assert_eq!(succeeded(&row)["status"], "inactive");
    assert_eq!(mirrored(&app, USERS, &user_id).await["status"], "inactive");

    let id = app
        .enqueue("user.delete", Some(&user_id), json!({"action": "delete"}))
        .await;
    let row = app.finished_row(id).await;
    succeeded(&row);
    assert!(!mirrored(&app, USERS, &user_id).await["deleted_at"].is_null());
    assert!(
        handle
            .all_listed_users()
            .iter()
            .all(|u| u["id"] != user_id.as_str())
    );
}

/// Create, update, register, approve or deny, delete: the same round trip for meetings and
/// webinars.
async fn session_round_trip(kind: SessionKind) {
    let app = app().await;
    let _worker = app.start_worker(settings());
    let handle = app.handle();
    let (host_id, host_email) = active_user(&handle, 0);
    if kind == SessionKind::Webinar {
        handle.set_webinar_plan(&host_id, true);
    }
    let (sessions, registrants) = match kind {
        SessionKind::Meeting => (MEETINGS, MEETING_REGISTRANTS),
        SessionKind::Webinar => (WEBINARS, WEBINAR_REGISTRANTS),
    };
    let action = |verb: &str| format!("{}.{verb}", kind.as_str());
    let registrant_action = |verb: &str| format!("{}_registrant.{verb}", kind.as_str());
    let start = crate::support::queue::days_ahead(7);

    let id = app
        .enqueue(
            &action("create"),
            Some(&host_email),
            json!({"topic": "Quarterly review", "type": if kind == SessionKind::Meeting { 2 } else { 5 },
                   "start_time": start, "duration": 45, "agenda": "Numbers",
                   "settings": {"approval_type": 1}}),
        )
        .await;
    let row = app.finished_row(id).await;
    let created = succeeded(&row);
    let session_id = created["id"].as_i64().expect("the new id in the result");
    assert!(created["join_url"].as_str().is_some(), "{created}");
    let key = session_id.to_string();
    let mirrored_session = mirrored(&app, sessions, &key).await;
    assert_eq!(mirrored_session["topic"], "Quarterly review");
    assert_eq!(mirrored_session["host_id"], host_id.as_str());

    let id = app
        .enqueue(
            &action("update"),
            Some(&key),
            json!({"topic": "Quarterly review (moved)"}),
        )
        .await;
    let row = app.finished_row(id).await;
    assert_eq!(
        succeeded(&row)["topic"],
        "Quarterly review (moved)",
        "read back after 204"
    );
    assert_eq!(
        mirrored(&app, sessions, &key).await["topic"],
        "Quarterly review (moved)"
    );

    let email = "attendee@example.org";
    let listings = |kind: SessionKind| {
        let stats = handle.stats();
        match kind {
            SessionKind::Meeting => stats.calls(Endpoint::ListMeetingRegistrants),
            SessionKind::Webinar => stats.calls(Endpoint::ListWebinarRegistrants),
        }
    };
    let listed_before = listings(kind);
    let id = app
        .enqueue(
            &registrant_action("create"),
            Some(&key),
            json!({"email": email, "first_name": "Ada"}),
        )
        .await;
    let row = app.finished_row(id).await;
    let registrant_id = succeeded(&row)["registrant_id"]
        .as_str()
        .expect("the registrant id (Zoom's `id` is the meeting's)")
        .to_owned();
    let registrant_key = format!("{key}/{registrant_id}");
    assert_eq!(
        listings(kind),
        listed_before,
        "a new registrant is read back alone, not by listing the session"
    );
    assert_eq!(
        mirrored(&app, registrants, &registrant_key).await["status"],
        "pending"
    );

    // A registrant Zoom drops meanwhile: the status change's read-back marks it deleted, as a
    // pass would, without waiting for one.
    let id = app
        .enqueue(
            &registrant_action("create"),
            Some(&key),
            json!({"email": "leaver@example.org", "first_name": "Lee"}),
        )
        .await;
    let leaver_id = succeeded(&app.finished_row(id).await)["registrant_id"]
        .as_str()
        .expect("the registrant id")
        .to_owned();
    handle
        .remove_registrant(kind, &key, &leaver_id)
        .expect("the simulator holds the new registrant");

    let id = app
        .enqueue(
            &registrant_action("status"),
            Some(&key),
            json!({"action": "approve", "registrants": [{"email": email}]}),
        )
        .await;
    let row = app.finished_row(id).await;
    assert_eq!(succeeded(&row)["registrants"][0]["email"], email);
    assert_eq!(
        mirrored(&app, registrants, &registrant_key).await["status"],
        "approved"
    );
    let leaver = mirrored(&app, registrants, &format!("{key}/{leaver_id}")).await;
    assert!(!leaver["deleted_at"].is_null(), "{leaver}");

    let id = app.enqueue(&action("delete"), Some(&key), json!({})).await;
    succeeded(&app.finished_row(id).await);
    let gone = mirrored(&app, sessions, &key).await;
    assert!(!gone["deleted_at"].is_null(), "{gone}");
    assert_eq!(gone["deleted_reason"], "deleted");
}

#[tokio::test(flavor = "multi_thread")]
async fn meeting_actions_round_trip_into_the_mirror() {
    session_round_trip(SessionKind::Meeting).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn webinar_actions_round_trip_into_the_mirror() {
    session_round_trip(SessionKind::Webinar).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_rows_fail_with_the_field_named_and_never_reach_zoom() {
    let app = app().await;
    let handle = app.handle();
    let (user_id, _) = active_user(&handle, 0);
    let rows = [
        ("meeting.upsert", Some(user_id.as_str()), "{}", "action"),
        ("user.update", Some(user_id.as_str()), "[1, 2]", "payload"),
        (
            "user.update",
            Some(user_id.as_str()),
            r#"{"pmi": 12345}"#,
            "payload.pmi",
        ),
        (
            "user.update",
            Some(user_id.as_str()),
            r#"{"host_key": "12ab56"}"#,
            "payload.host_key",
        ),
        (
            "user.update",
            Some(user_id.as_str()),
            r#"{"favourite_colour": "red"}"#,
            "payload.favourite_colour",
        ),
        (
            "user.update",
            Some(user_id.as_str()),
            r#"{"first_name": 7}"#,
            "payload.first_name",
        ),
        (
            "meeting.create",
            Some(user_id.as_str()),
            r#"{"topic": "x", "password": "has space"}"#,
            "payload.password",
        ),
        (
            "meeting_registrant.create",
            Some("85746065432"),
            r#"{"email": "not-an-email", "first_name": "A"}"#,
            "payload.email",
        ),
        (
            "meeting.update",
            Some("not-a-number"),
            r#"{"topic": "x"}"#,
            "target",
        ),
        (
            "raw",
            None,
            r#"{"method": "GET", "path": "/users/me"}"#,
            "allow_raw",
        ),
    ];
    let mut ids = Vec::new();
    for (action, target, payload, _) in rows {
        ids.push(app.enqueue_sql(action, target, payload).await);
    }
    let calls = api_calls(&handle);
    let worker = app.start_worker(settings());
    for (id, (action, _, payload, field)) in ids.into_iter().zip(rows) {
        let row = app.finished_row(id).await;
        assert_eq!(row.status, "failed", "{action} {payload}: {row:?}");
        assert!(
            row.error().contains(field) && row.error().contains("Zoom was not called"),
            "{action} {payload}: the reason names {field}: {}",
            row.error()
        );
        assert_eq!(row.attempts, 1);
    }
    worker.stop().await;
    assert_eq!(api_calls(&handle), calls, "no invalid row reached Zoom");
}

#[tokio::test(flavor = "multi_thread")]
async fn raw_calls_run_only_when_allowed() {
    let app = app().await;
    let (user_id, email) = active_user(&app.handle(), 0);
    let _worker = app.start_worker(zoom_mirror::config::WriteBackConfig {
        allow_raw: true,
        ..settings()
    });
    let id = app
        .enqueue(
            "raw",
            None,
            json!({"method": "GET", "path": format!("/users/{user_id}")}),
        )
        .await;
    assert_eq!(
        succeeded(&app.finished_row(id).await)["email"],
        email.as_str()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repeated_idempotency_key_is_refused() {
    let app = app().await;
    let insert = "INSERT INTO zoom.write_queue (action, target, payload, idempotency_key) \
                  VALUES ('user.status', 'u1', '{\"action\": \"activate\"}', 'hr-4711')";
    let mut conn = app.conn().await;
    use diesel_async::RunQueryDsl;
    diesel::sql_query(insert)
        .execute(&mut conn)
        .await
        .expect("the first insert");
    let error = diesel::sql_query(insert)
        .execute(&mut conn)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            )
        ),
        "{error:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_zoom_refusal_fails_the_row_at_once_with_status_code_and_message() {
    let app = app().await;
    let _worker = app.start_worker(settings());
    let id = app
        .enqueue(
            "meeting.update",
            Some("11111111111"),
            json!({"topic": "nobody's"}),
        )
        .await;
    let row = app.failed_at_once(id).await;
    assert!(
        row.error().contains("HTTP 404") && row.error().contains("3001"),
        "{}",
        row.error()
    );
}

/// Waits a little past the worker's retry backoff.
const RETRIES: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread")]
async fn a_429_or_5xx_goes_back_to_pending_and_then_succeeds_without_a_duplicate() {
    use zoom_mirror::zoom::Endpoint;
    use zoom_simulator::{Fault, FaultKind};
    let app = app().await;
    let handle = app.handle();
    let (host_id, _) = active_user(&handle, 2);
    handle.inject(
        Fault::new(FaultKind::RateLimitBurst { retry_after: None })
            .on(Endpoint::CreateMeeting)
            .times(1),
    );
    // Faults answer in turn: the 502 answers the call after the 429's.
    handle.inject(
        Fault::new(FaultKind::Html5xx { status: 502 })
            .on(Endpoint::CreateMeeting)
            .times(1),
    );
    let before = handle.listed_meetings(&host_id, "scheduled").len();
    let _worker = app.start_worker(settings());
    let id = app
        .enqueue(
            "meeting.create",
            Some(&host_id),
            scheduled_meeting("Retried"),
        )
        .await;
    let row = app.wait_row(id, RETRIES, QueueRow::finished).await;
    succeeded(&row);
    assert_eq!(row.attempts, 3, "429, then 502, then success: {row:?}");
    assert_eq!(
        row.kinds(),
        [ErrorKind::RateLimited, ErrorKind::ZoomUnavailable],
        "{row:?}"
    );
    assert_eq!(
        handle.listed_meetings(&host_id, "scheduled").len(),
        before + 1,
        "exactly one meeting: the 502 had done nothing, and the lookup saw so"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_row_that_keeps_failing_ends_failed_after_max_attempts() {
    use zoom_mirror::zoom::Endpoint;
    use zoom_simulator::{Fault, FaultKind};
    let app = app().await;
    let handle = app.handle();
    let (user_id, _) = active_user(&handle, 0);
    handle.inject(
        Fault::new(FaultKind::RateLimitBurst { retry_after: None }).on(Endpoint::UpdateUser),
    );
    let id = {
        use diesel_async::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        let row: Id = diesel::sql_query(
            "INSERT INTO zoom.write_queue (action, target, payload, max_attempts) \
             VALUES ('user.update', $1, '{\"dept\": \"Ops\"}', 3) RETURNING id",
        )
        .bind::<diesel::sql_types::Text, _>(&user_id)
        .get_result(&mut app.conn().await)
        .await
        .unwrap();
        row.id
    };
    let _worker = app.start_worker(settings());
    let row = app.wait_row(id, RETRIES, QueueRow::finished).await;
    assert_eq!(
        (row.status.as_str(), row.attempts),
        ("failed", 3),
        "{row:?}"
    );
    assert!(row.error().contains("HTTP 429"), "{}", row.error());
    assert_eq!(row.kinds(), [ErrorKind::RateLimited; 3], "{row:?}");
}

/// The daemon's clock, not the system's, dates the quota and the snooze: at 23:59:59 on a day
/// two days ahead, that day's spent quota snoozes the row to the midnight after it.
#[tokio::test(flavor = "multi_thread")]
async fn a_spent_daily_limit_snoozes_the_row_to_midnight_without_a_call() {
    let day = (chrono::Utc::now() + chrono::Duration::days(2)).date_naive();
    let time = ManualTime::new(day.and_hms_opt(23, 59, 59).unwrap().and_utc());
    let app = app_at(time.into()).await;
    let handle = app.handle();
    let (host, _) = active_user(&handle, 0);
    {
        use diesel_async::RunQueryDsl;
        diesel::sql_query(
            "INSERT INTO zoom.daily_quota (scope, day, used, cap) \
             VALUES ('session_writes:' || $1, $2, 100, 100)",
        )
        .bind::<diesel::sql_types::Text, _>(&host)
        .bind::<diesel::sql_types::Date, _>(day)
        .execute(&mut app.conn().await)
        .await
        .unwrap();
    }
    let spent_here = app
        .enqueue(
            "meeting.create",
            Some(host.as_str()),
            json!({"topic": "Daily", "type": 3}),
        )
        .await;
    let calls = api_calls(&handle);
    let worker = app.start_worker(settings());
    let row = app
        .wait_row(spent_here, RETRIES, |r| r.last_error.is_some())
        .await;
    assert_eq!(
        (row.status.as_str(), row.attempts),
        ("pending", 0),
        "{row:?}"
    );
    let midnight = day
        .succ_opt()
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    assert_eq!(row.run_after, midnight);
    assert!(row.error().contains("daily limit"), "{}", row.error());
    assert_eq!(api_calls(&handle), calls, "a spent limit costs no call");
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn zoom_s_daily_429_snoozes_the_row_and_spends_the_day_s_quota() {
    use zoom_mirror::zoom::Endpoint;
    use zoom_simulator::{Fault, FaultKind};
    let app = app().await;
    let handle = app.handle();
    let (host, _) = active_user(&handle, 1);
    let meeting = |host: &str| (Some(host.to_owned()), json!({"topic": "Daily", "type": 3}));
    let worker = app.start_worker(settings());
    let midnight = zoom_mirror::zoom::classify::next_utc_midnight(chrono::Utc::now());
    // Zoom's own daily 429 (other apps spend the same limits) snoozes the row, and records the
    // limit as spent for the other rows of the day.
    handle.inject(
        Fault::new(FaultKind::DailyLimit)
            .on(Endpoint::CreateMeeting)
            .times(1),
    );
    let (target, payload) = meeting(&host);
    let refused = app
        .enqueue("meeting.create", target.as_deref(), payload)
        .await;
    let row = app
        .wait_row(refused, RETRIES, |r| r.last_error.is_some())
        .await;
    assert_eq!(
        (row.status.as_str(), row.attempts),
        ("pending", 0),
        "{row:?}"
    );
    assert!(
        row.run_after >= midnight - chrono::Duration::seconds(1),
        "{row:?}"
    );
    let (target, payload) = meeting(&host);
    let next = app
        .enqueue("meeting.create", target.as_deref(), payload)
        .await;
    let row = app
        .wait_row(next, RETRIES, |r| r.last_error.is_some())
        .await;
    assert_eq!(
        (row.status.as_str(), row.attempts),
        ("pending", 0),
        "{row:?}"
    );
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_notification_wakes_an_idle_worker_at_once() {
    let app = app().await;
    let (user_id, _) = active_user(&app.handle(), 0);
    let _worker = app.start_worker(zoom_mirror::config::WriteBackConfig {
        poll_interval: Duration::from_secs(600),
        ..settings()
    });
    // The worker is idle on an empty queue once its connection LISTENs.
    app.wait_for_listener().await;
    let started = std::time::Instant::now();
    let id = app
        .enqueue("user.update", Some(&user_id), json!({"dept": "Listen"}))
        .await;
    let row = app
        .wait_row(id, Duration::from_secs(5), QueueRow::finished)
        .await;
    succeeded(&row);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "woken by NOTIFY, not the 10-minute poll"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_workers_run_each_row_once_and_in_order_per_target() {
    use zoom_mirror::zoom::Label;
    let app = app().await;
    let handle = app.handle();
    let users = app.active_user_ids();
    let rows = 90;
    let mut last_per_user = std::collections::BTreeMap::new();
    for n in 0..rows {
        let user = &users[n % users.len()];
        let dept = format!("dept-{n}");
        app.enqueue("user.update", Some(user), json!({"dept": dept}))
            .await;
        last_per_user.insert(user.clone(), dept);
    }
    let light_before = handle.stats().per_label[&Label::Light].calls;
    let a = app.start_worker(settings());
    let b = app.start_worker(settings());
    let mut finished = Vec::new();
    for id in 1..=rows as i64 {
        finished.push(
            app.wait_row(id, Duration::from_secs(60), QueueRow::finished)
                .await,
        );
    }
    a.stop().await;
    b.stop().await;
    assert!(
        finished
            .iter()
            .all(|r| r.status == "succeeded" && r.attempts == 1),
        "{finished:?}"
    );
    assert_eq!(
        handle.stats().per_label[&Label::Light].calls - light_before,
        2 * rows as u64,
        "one PATCH and one read-back per row: no row ran twice"
    );
    for (user, dept) in last_per_user {
        assert_eq!(
            mirrored(&app, USERS, &user).await["dept"],
            dept.as_str(),
            "the last row per user ran last"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn rows_whose_lease_ran_out_are_rescued_and_an_in_doubt_one_is_never_failed_blind() {
    use diesel_async::RunQueryDsl;
    use zoom_mirror::db::write_queue;
    let mut app = app().await;
    app.db.may_leave_running();
    let mut conn = app.conn().await;
    // (call started?, attempts, max_attempts, lease in the past?) → (status, in_doubt)
    let cases = [
        (false, 1, 8, true, "pending", false),
        (true, 1, 8, true, "pending", true),
        (false, 3, 3, true, "failed", false),
        (true, 3, 3, true, "pending", true),
        (true, 1, 8, false, "running", false),
    ];
    let mut ids = Vec::new();
    for (started, attempts, max, expired, _, _) in cases {
        #[derive(diesel::QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        let row: Id = diesel::sql_query(
            "INSERT INTO zoom.write_queue (action, target, payload, status, attempts, max_attempts, \
                 locked_by, locked_until, call_started_at) \
             VALUES ('user.update', 'u', '{}', 'running', $1, $2, 'dead:1:0', \
                 now() + CASE WHEN $3 THEN interval '-1 second' ELSE interval '1 hour' END, \
                 CASE WHEN $4 THEN now() END) RETURNING id",
        )
        .bind::<diesel::sql_types::Integer, _>(attempts)
        .bind::<diesel::sql_types::Integer, _>(max)
        .bind::<diesel::sql_types::Bool, _>(expired)
        .bind::<diesel::sql_types::Bool, _>(started)
        .get_result(&mut conn)
        .await
        .unwrap();
        ids.push(row.id);
    }
    let rescued = write_queue::rescue(&mut conn, "interrupted").await.unwrap();
    assert_eq!(rescued.len(), 4, "only expired leases: {rescued:?}");
    for (&id, (started, attempts, max, _, status, in_doubt)) in ids.iter().zip(cases) {
        let row = app.queue_row(id).await;
        assert_eq!(
            (row.status.as_str(), row.in_doubt),
            (status, in_doubt),
            "started {started}, attempts {attempts}/{max}: {row:?}"
        );
        if status != "running" {
            assert!(
                row.locked_by.is_none() && row.error().contains("interrupted"),
                "{row:?}"
            );
            assert_eq!(row.kinds(), [ErrorKind::Interrupted], "{row:?}");
            assert_eq!(row.errors[0]["call_started"], started, "{row:?}");
        }
    }
    // A worker that lost its lease cannot record over the row any more.
    let fence = write_queue::Fence {
        id: ids[1],
        worker: "dead:1:0",
        attempt: 1,
    };
    let late = write_queue::Entry {
        kind: ErrorKind::ZoomRejected.to_string(),
        text: "late",
    };
    assert!(!write_queue::fail(&mut conn, &fence, late).await.unwrap());
    assert!(
        !write_queue::heartbeat(&mut conn, &fence, Duration::from_secs(5))
            .await
            .unwrap()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_claimed_row_is_invisible_to_other_claimers_until_it_is_done() {
    use zoom_mirror::db::write_queue;
    let mut app = app().await;
    app.db.may_leave_running();
    let (user_id, _) = active_user(&app.handle(), 0);
    let first = app
        .enqueue("user.update", Some(&user_id), json!({"dept": "a"}))
        .await;
    let second = app
        .enqueue("user.update", Some(&user_id), json!({"dept": "b"}))
        .await;
    let other = app
        .enqueue("meeting.create", Some(&user_id), json!({"topic": "c"}))
        .await;
    let mut conn = app.conn().await;
    let lease = Duration::from_secs(30);
    let claimed = write_queue::claim(&mut conn, "w1", lease, 1024)
        .await
        .unwrap();
    let ids: Vec<i64> = claimed.iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        [first],
        "the second row on the same target waits for the first; a create under it too"
    );
    let row = app.queue_row(first).await;
    assert_eq!(
        (row.status.as_str(), row.attempts, row.locked_by.as_deref()),
        ("running", 1, Some("w1"))
    );
    assert!(
        write_queue::claim(&mut conn, "w2", lease, 1024)
            .await
            .unwrap()
            .is_none()
    );
    let fence = claimed.unwrap().fence("w1");
    assert!(
        write_queue::succeed(&mut conn, &fence, &json!({}), None)
            .await
            .unwrap()
    );
    let next: Vec<i64> = write_queue::claim(&mut conn, "w2", lease, 1024)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(next, [second], "then the next row of the target, in order");
    assert!(
        !next.contains(&other),
        "the create waits for the update before it"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_writer_role_may_queue_changes_and_read_the_mirror_but_not_change_it() {
    use diesel_async::SimpleAsyncConnection;
    let app = app().await;
    let roles = Roles::install(&app).await;
    let (reader, writer) = (roles.reader.as_str(), roles.writer.as_str());

    let run = |sql: String| {
        let db = &app.db;
        async move {
            let mut conn = db.connect().await;
            conn.batch_execute(&sql).await
        }
    };
    let as_role = |role: &str, sql: &str| format!("SET ROLE {role}; {sql}");
    let allowed = [
        as_role(
            writer,
            "INSERT INTO zoom.write_queue (action, target, payload) VALUES ('user.status', 'u1', '{\"action\": \"activate\"}')",
        ),
        as_role(
            writer,
            "SELECT id, status, result, last_error FROM zoom.write_queue",
        ),
        as_role(writer, "SELECT count(*) FROM zoom.users"),
        as_role(
            writer,
            "SELECT count(*) FROM zoom.meeting_registrant_counts",
        ),
        as_role(reader, "SELECT count(*) FROM zoom.meetings"),
    ];
    for sql in allowed {
        run(sql.clone())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let refused = [
        as_role(writer, "UPDATE zoom.users SET dept = 'x'"),
        as_role(writer, "DELETE FROM zoom.meetings"),
        as_role(
            writer,
            "INSERT INTO zoom.users (email, raw) VALUES ('x@example.com', '{}')",
        ),
        as_role(writer, "UPDATE zoom.write_queue SET status = 'succeeded'"),
        as_role(
            writer,
            "INSERT INTO zoom.write_queue (action, status) VALUES ('user.status', 'succeeded')",
        ),
        as_role(
            reader,
            "INSERT INTO zoom.write_queue (action) VALUES ('user.status')",
        ),
    ];
    for sql in refused {
        let error = run(sql.clone()).await.expect_err(&sql);
        assert!(
            error.to_string().contains("permission denied"),
            "{sql}: {error}"
        );
    }
    roles.drop(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_killed_mid_registration_adopts_the_registrant_on_the_next_attempt() {
    use zoom_mirror::zoom::Endpoint;
    use zoom_simulator::{Fault, FaultKind};
    let app = app().await;
    let handle = app.handle();
    let host = active_user(&handle, 0).1;
    let short_lease = || zoom_mirror::config::WriteBackConfig {
        lease: Duration::from_secs(2),
        ..settings()
    };
    let worker = app.start_worker(short_lease());
    let id = app
        .enqueue(
            "meeting.create",
            Some(&host),
            json!({"topic": "Open day", "type": 2, "duration": 60,
            "start_time": crate::support::queue::days_ahead(5),
            "settings": {"approval_type": 0}}),
        )
        .await;
    let meeting = succeeded(&app.finished_row(id).await)["id"]
        .as_i64()
        .unwrap()
        .to_string();
    handle.inject(
        Fault::new(FaultKind::StallResponse(Duration::from_secs(60)))
            .on(Endpoint::CreateMeetingRegistrant)
            .times(1),
    );
    let email = "walk-in@example.net";
    let id = app
        .enqueue(
            "meeting_registrant.create",
            Some(&meeting),
            json!({"email": email, "first_name": "Wal"}),
        )
        .await;
    app.wait_row(id, RETRIES, |_| {
        handle.stats().calls(Endpoint::CreateMeetingRegistrant) == 1
    })
    .await;
    worker.kill();

    let _worker = app.start_worker(short_lease());
    let row = app.wait_row(id, RETRIES, QueueRow::finished).await;
    assert_eq!(
        (succeeded(&row)["email"].as_str(), row.attempts),
        (Some(email), 2),
        "{row:?}"
    );
    assert_eq!(
        row.kinds(),
        [ErrorKind::Interrupted, ErrorKind::Adopted],
        "{row:?}"
    );
    let registrants = handle
        .registrants(zoom_mirror::zoom::SessionKind::Meeting, &meeting)
        .unwrap();
    assert_eq!(registrants.iter().filter(|r| r.email == email).count(), 1);
    assert_eq!(
        handle.stats().calls(Endpoint::CreateMeetingRegistrant),
        1,
        "no second create"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_cut_off_after_zoom_made_it_adopts_its_own_meeting_not_a_twin() {
    use zoom_mirror::zoom::Endpoint;
    use zoom_simulator::{Fault, FaultKind};
    let app = TestApp::with(
        SimulatorConfig {
            account: AccountSpec {
                users: 4,
                seed: 11,
                ..AccountSpec::default()
            },
            ..SimulatorConfig::default()
        },
        |zoom| zoom.request_timeout = Duration::from_secs(1),
    )
    .await;
    app.sync(Entity::Users).await;
    let handle = app.handle();
    let (host, _) = active_user(&handle, 0);
    let before = handle.hosted_count(SessionKind::Meeting, &host);
    // The first create to arrive is made, but its answer comes after the client gave up.
    handle.inject(
        Fault::new(FaultKind::StallResponse(Duration::from_secs(5)))
            .on(zoom_mirror::zoom::Endpoint::CreateMeeting)
            .times(1),
    );
    let _worker = app.start_worker(settings());
    let twin = || {
        json!({"topic": "Office hours", "type": 2, "duration": 30,
        "start_time": "2030-01-07T16:00:00Z"})
    };
    let a = app.enqueue("meeting.create", Some(&host), twin()).await;
    let b = app.enqueue("meeting.create", Some(&host), twin()).await;
    let (a, b) = (
        app.wait_row(a, RETRIES, QueueRow::finished).await,
        app.wait_row(b, RETRIES, QueueRow::finished).await,
    );
    let ids: Vec<i64> = [&a, &b]
        .iter()
        .map(|r| succeeded(r)["id"].as_i64().unwrap())
        .collect();
    assert_ne!(ids[0], ids[1], "each row has its own meeting: {a:?} {b:?}");
    let cut_off = if a.attempts == 2 { &a } else { &b };
    assert_eq!(cut_off.attempts, 2, "{a:?} {b:?}");
    assert_eq!(
        cut_off.kinds(),
        [ErrorKind::ZoomUnavailable, ErrorKind::Adopted],
        "{cut_off:?}"
    );
    assert_eq!(handle.hosted_count(SessionKind::Meeting, &host), before + 2);
    assert_eq!(
        handle.stats().calls(Endpoint::CreateMeeting),
        2,
        "no third create"
    );
}

/// Inserts a row as a rescued one looks: pending, in doubt, after `attempts` of its 2.
async fn in_doubt_row(
    app: &TestApp,
    action: &str,
    target: &str,
    payload: Value,
    attempts: i32,
) -> i64 {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let row: Id = diesel::sql_query(
        "INSERT INTO zoom.write_queue (action, target, payload, attempts, max_attempts, in_doubt) \
         VALUES ($1, $2, $3, $4, 2, true) RETURNING id",
    )
    .bind::<diesel::sql_types::Text, _>(action)
    .bind::<diesel::sql_types::Text, _>(target)
    .bind::<diesel::sql_types::Jsonb, _>(payload)
    .bind::<diesel::sql_types::Integer, _>(attempts)
    .get_result(&mut app.conn().await)
    .await
    .unwrap();
    row.id
}

#[tokio::test(flavor = "multi_thread")]
async fn in_doubt_rows_are_settled_by_a_lookup_or_left_to_a_person_never_sent_blind() {
    use zoom_mirror::zoom::Endpoint;
    let app = app().await;
    let handle = app.handle();
    let (user_id, _) = active_user(&handle, 0);
    let update = in_doubt_row(&app, "user.update", &user_id, json!({"dept": "Maybe"}), 2).await;
    let delete = in_doubt_row(&app, "meeting.delete", "11111111111", json!({}), 2).await;
    let instant = in_doubt_row(
        &app,
        "meeting.create",
        &user_id,
        json!({"topic": "Now", "type": 1}),
        2,
    )
    .await;
    let _worker = app.start_worker(settings());
    let update = app.finished_row(update).await;
    assert_eq!(update.status, "failed", "{update:?}");
    assert_eq!(update.kinds(), [ErrorKind::InDoubt], "{update:?}");
    assert!(
        update.error().contains("may have taken effect"),
        "{}",
        update.error()
    );
    let delete = app.finished_row(delete).await;
    assert_eq!(
        delete.status, "succeeded",
        "the meeting is gone: {delete:?}"
    );
    assert_eq!(delete.kinds(), [ErrorKind::AlreadyGone], "{delete:?}");
    let instant = app.finished_row(instant).await;
    assert_eq!(instant.status, "failed", "{instant:?}");
    assert_eq!(instant.kinds(), [ErrorKind::InDoubt], "{instant:?}");
    assert!(
        instant.error().contains("does not list instant meetings"),
        "{}",
        instant.error()
    );
    let stats = handle.stats();
    assert_eq!(
        stats.calls(Endpoint::UpdateUser)
            + stats.calls(Endpoint::DeleteMeeting)
            + stats.calls(Endpoint::CreateMeeting),
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lookup_that_fails_at_the_last_attempt_still_leaves_the_lookup_only_attempt() {
    use zoom_simulator::{Fault, FaultKind};
    let app = app().await;
    let handle = app.handle();
    let (host_id, _) = active_user(&handle, 0);
    // As many 500s as the client tries the listing (support/app.rs): the lookup fails.
    handle.inject(
        Fault::new(FaultKind::ZoomError {
            status: 500,
            code: 500,
            message: "internal error".into(),
        })
        .on(Endpoint::ListMeetings)
        .times(4),
    );
    let before = handle.hosted_count(SessionKind::Meeting, &host_id);
    let id = in_doubt_row(
        &app,
        "meeting.create",
        &host_id,
        json!({"topic": "Maybe made", "type": 2,
               "start_time": crate::support::queue::days_ahead(3), "duration": 30}),
        1,
    )
    .await;
    let _worker = app.start_worker(settings());
    let row = app.wait_row(id, RETRIES, QueueRow::finished).await;
    assert_eq!(
        (row.status.as_str(), row.attempts, row.in_doubt),
        ("failed", 3, false),
        "attempt 2 of 2 could not look, attempt 3 looked and found nothing: {row:?}"
    );
    assert_eq!(
        row.kinds(),
        [ErrorKind::LookupFailed, ErrorKind::Interrupted],
        "{row:?}"
    );
    assert!(
        row.error().contains("no effect of it was found"),
        "{}",
        row.error()
    );
    assert_eq!(
        handle.stats().calls(Endpoint::CreateMeeting),
        0,
        "never sent blind"
    );
    assert_eq!(handle.hosted_count(SessionKind::Meeting, &host_id), before);
}
