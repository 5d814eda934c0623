//! The users mirror end to end: simulator → client → job → PostgreSQL.

use std::collections::BTreeMap;

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::RunQueryDsl;

use zoom_mirror::db::sync_runs::{self, RunStatus};
use zoom_mirror::zoom::Endpoint;
use zoom_simulator::{Fault, FaultKind, UserStatus};

use crate::support::TestApp;
use crate::support::app::users_only;

#[tokio::test(flavor = "multi_thread")]
async fn mirrors_every_user_exactly_with_awkward_data() {
    let app = TestApp::new(150).await;
    let report = app.sync_users().await;
    assert!(report.error.is_none(), "{:?}", report.error);

    let listed = app.handle().all_listed_users();
    let mirrored = app.users().await;
    assert_eq!(report.counts.inserted as usize, listed.len());
    assert_eq!(
        mirrored.len(),
        listed.len(),
        "one row per listed user, nothing else"
    );

    let by_email: BTreeMap<&str, _> = mirrored.iter().map(|u| (u.email.as_str(), u)).collect();
    for zoom in &listed {
        let email = zoom["email"].as_str().unwrap();
        let row = by_email
            .get(email)
            .unwrap_or_else(|| panic!("{email} missing"));
        assert_eq!(&row.raw, zoom, "raw is Zoom's object, byte for byte");
        assert_eq!(row.id.as_deref(), zoom.get("id").and_then(|v| v.as_str()));
        assert_eq!(
            row.first_name.as_deref(),
            zoom.get("first_name")
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
        );
        assert_eq!(
            row.last_name.as_deref(),
            zoom.get("last_name")
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
        );
        assert_eq!(
            row.user_type.map(i64::from),
            zoom.get("type").and_then(|v| v.as_i64())
        );
        assert_eq!(row.pmi, zoom.get("pmi").and_then(|v| v.as_i64()));
        assert_eq!(
            row.timezone.as_deref(),
            zoom.get("timezone")
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
        );
        assert_eq!(
            row.dept.as_deref(),
            zoom.get("dept")
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
        );
        assert!(row.deleted_at.is_none());
    }

    // The account really is awkward, so the assertions above covered the quirks.
    let statuses: BTreeMap<&str, usize> = mirrored.iter().fold(BTreeMap::new(), |mut m, u| {
        *m.entry(u.status.as_deref().unwrap_or("?")).or_default() += 1;
        m
    });
    assert!(
        statuses.get("pending").is_some_and(|n| *n > 0),
        "{statuses:?}"
    );
    assert!(
        statuses.get("inactive").is_some_and(|n| *n > 0),
        "{statuses:?}"
    );
    assert!(
        mirrored
            .iter()
            .filter(|u| u.status.as_deref() == Some("pending"))
            .all(|u| u.id.is_none())
    );
    assert!(
        mirrored
            .iter()
            .any(|u| u.first_name.as_deref().is_some_and(|n| !n.is_ascii())),
        "non-Latin names"
    );
    assert!(
        mirrored
            .iter()
            .any(|u| u.dept.is_none() && u.status.as_deref() == Some("active")),
        "missing optional fields"
    );

    let mut conn = app.conn().await;
    let run = sync_runs::get(&mut conn, report.run_id).await.unwrap();
    assert_eq!(run.status, RunStatus::Succeeded.as_str());
    assert_eq!(run.rows_inserted as usize, listed.len());
    assert_eq!(
        run.api_calls, 3,
        "one page per status at the largest page size"
    );
    assert!(run.finished_at.is_some());
}

#[derive(QueryableByName, PartialEq, Debug)]
struct RowVersion {
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = Text)]
    xmin: String,
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unchanged_resync_rewrites_no_row() {
    let app = TestApp::new(80).await;
    app.sync_users().await;
    let versions = || async {
        diesel::sql_query("SELECT email, xmin::text AS xmin FROM zoom.users ORDER BY email")
            .load::<RowVersion>(&mut app.conn().await)
            .await
            .unwrap()
    };
    let before = versions().await;

    let report = app.sync_users().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        (
            report.counts.inserted,
            report.counts.updated,
            report.counts.deleted
        ),
        (0, 0, 0)
    );
    assert_eq!(report.counts.unchanged as usize, before.len());
    // Postgres gives a rewritten row a new xmin: none changed.
    assert_eq!(versions().await, before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_user_is_updated_and_only_that_one() {
    let app = TestApp::new(40).await;
    app.sync_users().await;
    let target = app.active_user_id(3);
    assert!(
        app.handle()
            .update_user(&target, |u| u.dept = Some("Ünïcode Dept 🚀".into()))
    );

    let report = app.sync_users().await;
    assert_eq!((report.counts.inserted, report.counts.updated), (0, 1));
    let row = app
        .users()
        .await
        .into_iter()
        .find(|u| u.id.as_deref() == Some(&target))
        .unwrap();
    assert_eq!(row.dept.as_deref(), Some("Ünïcode Dept 🚀"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_user_is_marked_and_a_returning_one_cleared() {
    let app = TestApp::new(40).await;
    app.sync_users().await;
    let gone_id = app.active_user_id(3);
    let gone = app.handle().remove_user(&gone_id).expect("the user exists");

    let report = app.sync_users().await;
    assert_eq!(report.counts.deleted, 1);
    let rows = app.users().await;
    let deleted: Vec<_> = rows.iter().filter(|u| u.deleted_at.is_some()).collect();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].id.as_deref(), Some(gone_id.as_str()));
    let row_id = deleted[0].row_id;

    app.handle().insert_user(gone);
    let report = app.sync_users().await;
    assert_eq!(
        (
            report.counts.inserted,
            report.counts.updated,
            report.counts.deleted
        ),
        (0, 1, 0)
    );
    let back = app
        .users()
        .await
        .into_iter()
        .find(|u| u.id.as_deref() == Some(&gone_id))
        .unwrap();
    assert!(
        back.deleted_at.is_none(),
        "a returning user has deleted_at cleared"
    );
    assert_eq!(back.row_id, row_id, "the same row, not a new one");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pending_user_who_activates_keeps_their_row() {
    let app = TestApp::new(60).await;
    app.sync_users().await;
    let pending = app.handle().listed_users("pending");
    let email = pending[0]["email"].as_str().unwrap().to_owned();
    let before = app
        .users()
        .await
        .into_iter()
        .find(|u| u.email == email)
        .unwrap();
    assert_eq!(before.id, None);

    assert!(
        app.handle()
            .update_user(&email, |u| u.status = UserStatus::Active)
    );
    let report = app.sync_users().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.counts.deleted, 0);
    let after = app
        .users()
        .await
        .into_iter()
        .find(|u| u.email == email)
        .unwrap();
    assert_eq!(after.row_id, before.row_id);
    assert!(after.id.is_some(), "the row took the id Zoom gave");
    assert_eq!(after.status.as_deref(), Some("active"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_pass_marks_nothing_deleted_and_records_the_failure() {
    let app = TestApp::new(40).await;
    app.sync_users().await;
    let gone_id = app.active_user_id(3);
    app.handle().remove_user(&gone_id).unwrap();
    // Active and inactive list fine; the pending listing fails for good.
    app.handle().inject(
        Fault::new(FaultKind::ZoomError {
            status: 404,
            code: 1001,
            message: "User does not exist: x.".into(),
        })
        .on(Endpoint::ListUsers)
        .after(2),
    );

    let report = app.sync_users().await;
    assert_eq!(report.status, RunStatus::Failed);
    assert_eq!(report.counts.deleted, 0);
    assert!(
        app.users().await.iter().all(|u| u.deleted_at.is_none()),
        "nothing marked deleted"
    );
    let run = sync_runs::get(&mut app.conn().await, report.run_id)
        .await
        .unwrap();
    assert_eq!(run.status, "failed");
    let error = run.error.unwrap();
    assert!(
        error.contains("1001") && error.contains("User does not exist"),
        "{error}"
    );

    app.handle().clear_faults();
    let report = app.sync_users().await;
    assert_eq!(report.counts.deleted, 1, "the next complete pass decides");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_listing_is_refused_rather_than_deleting_the_mirror() {
    let app = TestApp::new(20).await;
    app.sync_users().await;
    for user in app.handle().all_listed_users() {
        let key = user
            .get("id")
            .and_then(|v| v.as_str())
            .or(user["email"].as_str())
            .unwrap()
            .to_owned();
        app.handle().remove_user(&key).unwrap();
    }
    let report = app.sync_users().await;
    assert_eq!(report.status, RunStatus::Failed);
    assert!(
        report
            .error
            .unwrap()
            .to_string()
            .contains("no users at all")
    );
    assert!(app.users().await.iter().all(|u| u.deleted_at.is_none()));
}

#[tokio::test(flavor = "multi_thread")]
async fn two_passes_of_one_entity_never_run_at_once() {
    use tokio_util::sync::CancellationToken;
    use zoom_mirror::sync::{Entity, PassOutcome, Trigger, run_pass};

    let app = TestApp::new(20).await;
    app.handle().inject(
        Fault::new(FaultKind::Latency(std::time::Duration::from_millis(700)))
            .on(Endpoint::ListUsers),
    );
    let cancel = CancellationToken::new();
    let (a, b) = tokio::join!(
        run_pass(&app.ctx, Entity::Users, Trigger::Command, &cancel),
        async {
            // The first pass holds the lock once it calls Zoom.
            let handle = app.handle();
            while handle.stats().calls(Endpoint::ListUsers) == 0 {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            run_pass(&app.ctx, Entity::Users, Trigger::Schedule, &cancel).await
        }
    );
    assert!(matches!(a.unwrap(), PassOutcome::Ran(_)));
    assert!(matches!(b.unwrap(), PassOutcome::Skipped));

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let runs: Count = diesel::sql_query("SELECT count(*) AS n FROM zoom.sync_runs")
        .get_result(&mut app.conn().await)
        .await
        .unwrap();
    assert_eq!(runs.n, 1, "the skipped pass records nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_a_pass_commits_what_it_has_and_deletes_nothing() {
    use zoom_mirror::sync::Entity;

    let app = TestApp::new(40).await;
    app.sync_users().await;
    app.handle().remove_user(&app.active_user_id(3)).unwrap();
    app.handle().inject(
        Fault::new(FaultKind::Latency(std::time::Duration::from_secs(5)))
            .on(Endpoint::ListUsers)
            .after(1),
    );
    let started = std::time::Instant::now();
    let handle = app.handle();
    // Stopped once the slow second page is asked for.
    let report = app
        .sync_stopped_when(Entity::Users, || {
            handle.stats().calls(Endpoint::ListUsers) >= 2
        })
        .await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "cancel does not wait for the slow call"
    );
    assert_eq!(report.status, RunStatus::Cancelled);
    assert!(app.users().await.iter().all(|u| u.deleted_at.is_none()));
    let run = sync_runs::get(&mut app.conn().await, report.run_id)
        .await
        .unwrap();
    assert_eq!(run.status, "cancelled");
}

/// More than two pages of one status: Zoom's token pages also carry `page_number` and
/// `page_count`, which must not restart the listing after its last token page.
#[tokio::test(flavor = "multi_thread")]
async fn a_listing_of_three_pages_reads_each_page_once() {
    let app = TestApp::with(users_only(5_000), |_| {}).await;
    let active = app.handle().listed_users("active").len();
    assert!(
        active > 4_000,
        "{active} active users: three pages of 2,000"
    );
    let report = tokio::time::timeout(std::time::Duration::from_secs(120), app.sync_users())
        .await
        .expect("the users pass ends");
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        report.counts.inserted as usize,
        app.handle().all_listed_users().len()
    );
    let stats = app.handle().stats();
    assert_eq!(
        stats.calls(Endpoint::ListUsers),
        3 + 1 + 1,
        "three active pages, one inactive, one pending"
    );
    assert_eq!(report.api_calls, 5);
}

/// The emails of two active users other than the owner.
fn two_active(app: &TestApp) -> (String, String) {
    let listed = app.handle().listed_users("active");
    let email = |i: usize| listed[i]["email"].as_str().unwrap().to_owned();
    (email(1), email(2))
}

#[tokio::test(flavor = "multi_thread")]
async fn text_with_nul_is_stored_with_a_replacement_character() {
    let app = TestApp::new(40).await;
    let (email, _) = two_active(&app);
    app.handle()
        .update_user(&email, |u| u.first_name = "Zo\u{0}e".into());
    let report = app.sync_users().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.counts.repaired, 1);
    let users = app.users().await;
    assert_eq!(users.len(), app.handle().all_listed_users().len());
    let user = users.iter().find(|u| u.email == email).unwrap();
    assert_eq!(user.first_name.as_deref(), Some("Zo\u{FFFD}e"));
    assert_eq!(user.raw["first_name"], "Zo\u{FFFD}e");
    let run = sync_runs::get(&mut app.conn().await, report.run_id)
        .await
        .unwrap();
    assert_eq!(run.rows_repaired, 1);
}

/// An id PostgreSQL cannot index (over 2,704 bytes, incompressible): that user is skipped, the
/// others are mirrored, and no user is marked deleted on a pass that could not store one.
#[tokio::test(flavor = "multi_thread")]
async fn an_object_the_database_refuses_is_skipped_and_decides_no_deletion() {
    let app = TestApp::new(40).await;
    app.sync_users().await;
    let (unstorable, gone) = two_active(&app);
    let huge_id: String = (0..600)
        .map(|_| format!("{:016x}", rand::random::<u64>()))
        .collect();
    app.handle().update_user(&unstorable, |u| u.id = huge_id);
    app.handle().remove_user(&gone).unwrap();

    let report = app.sync_users().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!((report.counts.skipped, report.counts.deleted), (1, 0));
    let users = app.users().await;
    assert!(
        users.iter().all(|u| u.deleted_at.is_none()),
        "the user gone from Zoom waits for a pass that stores everything"
    );
    assert!(
        users
            .iter()
            .all(|u| u.id.as_ref().is_none_or(|id| id.len() < 100))
    );
    let run = sync_runs::get(&mut app.conn().await, report.run_id)
        .await
        .unwrap();
    assert_eq!(run.rows_skipped, 1);
}
