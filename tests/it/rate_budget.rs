//! The account's rate budget in `zoom.rate_budget`, shared by every process calling Zoom for the
//! account: reservations never overlap, clients on one budget stay under Zoom's limits together,
//! a 429 one of them meets holds the others back, and no call goes out while PostgreSQL does not
//! answer. (`replicas.rs` runs the real binary three times on one account.)

use std::sync::Arc;
use std::time::{Duration, Instant};

use zoom_mirror::clock::Clock;
use zoom_mirror::db::DbTarget;
use zoom_mirror::db::rate_budget::{self, PgRateBudget};
use zoom_mirror::zoom::budget::SharedBudget;
use zoom_mirror::zoom::{Endpoint, Label, ZoomClient, ZoomError};
use zoom_simulator::{Fault, FaultKind};

use crate::support::TestApp;
use crate::support::app::{client_settings, credentials, users_only};
use crate::support::db_proxy::DbProxy;
use crate::support::test_db::target;

/// A client of its own, as another process would have, drawing on the budget in `db`.
fn client_on(
    app: &TestApp,
    db: &DbTarget,
    tweak: impl FnOnce(&mut zoom_mirror::zoom::ClientSettings),
) -> ZoomClient {
    let mut settings = client_settings(&app.sim);
    tweak(&mut settings);
    let budget: Arc<dyn SharedBudget> = Arc::new(PgRateBudget::new(db));
    ZoomClient::new(
        &settings,
        credentials(&app.sim),
        Clock::System,
        None,
        Some(budget),
    )
    .expect("a client")
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_reservations_never_give_out_more_than_the_rate() {
    let app = TestApp::new(1).await;
    const RATE: f64 = 200.0;
    const RUN: Duration = Duration::from_millis(1500);
    // Six "processes", each on a connection of its own, drawing slices of one to five calls
    // as fast as the database answers. Each slice's start is the server's, as every process
    // sees it, so how busy this machine is cannot move it.
    let began = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..6 {
        let target = app.db.target();
        tasks.push(tokio::spawn(async move {
            let mut conn = target.connect().await.unwrap();
            let mut slices = Vec::new();
            let mut calls = 1 + n % 5;
            while began.elapsed() < RUN {
                let reserved = rate_budget::reserve(&mut conn, Label::Heavy, calls, RATE)
                    .await
                    .unwrap();
                slices.push((reserved.start, calls));
                calls = calls % 5 + 1;
            }
            slices
        }));
    }
    let mut slices = Vec::new();
    for task in tasks {
        slices.extend(task.await.unwrap());
    }
    slices.sort_by_key(|(start, _)| *start);
    let total: u32 = slices.iter().map(|(_, calls)| calls).sum();
    // The draws asked for far more than the rate in the time they ran: the schedule, not the
    // database's speed, set how much was given out.
    assert!(
        total as f64 > RATE * RUN.as_secs_f64(),
        "{total} calls drawn"
    );
    // One after another: each slice starts when the one before it has had its time, to the
    // microsecond PostgreSQL keeps.
    for pair in slices.windows(2) {
        let ((before, calls), (after, _)) = (pair[0], pair[1]);
        let needs = f64::from(calls) / RATE - 1e-6;
        assert!(
            (after - before).as_seconds_f64() >= needs,
            "a slice of {calls} at {before} and the next at {after}: they overlap"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn clients_on_one_budget_stay_under_the_account_limit_together() {
    let app = TestApp::with(users_only(3), |_| {}).await;
    let user = app.active_user_id(0);
    // Each paces itself at 16 calls a second (Pro's 30 light × 0.8 is 24; the override keeps
    // the test short of the limit alone and far over it together).
    let clients: Vec<ZoomClient> = (0..3)
        .map(|_| {
            client_on(&app, &app.db.target(), |s| {
                s.rate_limit_overrides = vec![(Label::Light, 16.0)]
            })
        })
        .collect();
    let per_client = 16;
    let began = Instant::now();
    let mut tasks = Vec::new();
    for client in &clients {
        for _ in 0..2 {
            let (client, user) = (client.clone(), user.clone());
            tasks.push(tokio::spawn(async move {
                for _ in 0..per_client / 2 {
                    client.get_user(&user).await.unwrap();
                }
            }));
        }
    }
    for task in tasks {
        task.await.unwrap();
    }
    let took = began.elapsed();
    let stats = app.handle().stats();
    let light = &stats.per_label[&Label::Light];
    assert_eq!(light.calls, 3 * per_client as u64);
    assert_eq!(
        light.over_limit + light.injected_429,
        0,
        "no 429: {light:?}"
    );
    // Together at 16 a second, plus a call at a slice's edge; alone, each would send 16.
    assert!(light.max_in_window <= 18, "{light:?}");
    assert!(
        took >= Duration::from_secs_f64(47.0 / 16.0 - 0.2),
        "48 calls at 16 a second for the account take about three seconds, not {took:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_one_process_meets_holds_the_others_back() {
    let app = TestApp::with(users_only(3), |_| {}).await;
    let user = app.active_user_id(0);
    let (first, second) = (
        client_on(&app, &app.db.target(), |_| {}),
        client_on(&app, &app.db.target(), |_| {}),
    );
    app.handle().inject(
        Fault::new(FaultKind::RateLimitBurst { retry_after: None })
            .on(Endpoint::GetUser)
            .times(1),
    );
    let meets_the_429 = tokio::spawn({
        let user = user.clone();
        async move { first.get_user(&user).await }
    });
    // The first client met the 429 and wrote it to the budget: the light schedule is held
    // about a second (Zoom sent no Retry-After) past now.
    let mut conn = app.conn().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !held_past(&mut conn, Label::Light, Duration::from_millis(500)).await {
        assert!(
            Instant::now() < deadline,
            "the 429 never reached the budget"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let began = Instant::now();
    second.get_user(&user).await.unwrap();
    let held = began.elapsed();
    assert!(
        held >= Duration::from_millis(450),
        "the second client, which met no 429, waited only {held:?}"
    );
    meets_the_429.await.unwrap().unwrap();
    let light = &app.handle().stats().per_label[&Label::Light];
    assert_eq!((light.injected_429, light.over_limit), (1, 0), "{light:?}");
}

/// Whether the account's next `label` call is held more than `wait` past the server's now.
async fn held_past(
    conn: &mut diesel_async::AsyncPgConnection,
    label: Label,
    wait: Duration,
) -> bool {
    use diesel::dsl::sql;
    use diesel::prelude::*;
    use diesel::sql_types::{Bool, Interval};
    use diesel_async::RunQueryDsl;
    use zoom_mirror::db::schema::rate_budget;
    let wait = diesel::data_types::PgInterval::from_microseconds(wait.as_micros() as i64);
    rate_budget::table
        .find(label.as_str())
        .select(sql::<Bool>("next_free > now() + ").bind::<Interval, _>(wait))
        .first(conn)
        .await
        .optional()
        .unwrap()
        .unwrap_or(false)
}

#[tokio::test(flavor = "multi_thread")]
async fn no_call_goes_out_while_the_budget_cannot_be_drawn_on() {
    let app = TestApp::with(users_only(3), |_| {}).await;
    let user = app.active_user_id(0);
    let proxy = DbProxy::start(&app.db, false).await;
    let db = target(&proxy.url().into());
    let client = client_on(&app, &db, |s| s.max_retry_time = Duration::from_secs(2));
    let error = client.get_user(&user).await.unwrap_err();
    assert!(matches!(error, ZoomError::RateBudget { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("rate budget") && message.contains("PostgreSQL"),
        "{message}"
    );
    assert_eq!(app.handle().stats().calls(Endpoint::GetUser), 0);

    // Back within the wait: the call goes out.
    let client = client_on(&app, &db, |s| s.max_retry_time = Duration::from_secs(20));
    let restore = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        proxy.restore();
    };
    let (answer, ()) = tokio::join!(client.get_user(&user), restore);
    answer.unwrap();
    assert_eq!(app.handle().stats().calls(Endpoint::GetUser), 1);
}
