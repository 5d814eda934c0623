//! A listing judges only rows written before it began: a row the write-back worker upserted
//! while a pass was listing may be newer than anything the listing showed, so the next pass
//! decides it. One test per entity, each with an object Zoom no longer lists.

use diesel::sql_types::{Integer, Text};
use diesel_async::RunQueryDsl;

use zoom_mirror::sync::Entity;
use zoom_simulator::SessionKind;

use crate::meetings_sync::account;
use crate::support::TestApp;
use crate::support::mirror::{MEETING_REGISTRANTS, MEETINGS, Table, USERS};

/// Runs `entity`'s pass twice over `key`'s row of `table`, whose object Zoom no longer lists:
/// written after the pass began, the row stays; written before, it is marked deleted.
pub async fn judged_only_when_older(app: &TestApp, entity: Entity, table: Table, key: &str) {
    written(app, table, key, 1).await;
    let report = app.sync(entity).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert!(
        app.rows(table).await[key]["deleted_at"].is_null(),
        "{entity} judged a row written after its listing began"
    );

    written(app, table, key, -1).await;
    let report = app.sync(entity).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert!(
        app.rows(table).await[key]["deleted_at"].is_string(),
        "{entity} kept a row Zoom no longer lists"
    );
}

/// Sets when the mirror last wrote `key`'s row of `table`, `hours` from now.
async fn written(app: &TestApp, table: Table, key: &str, hours: i32) {
    let updated = diesel::sql_query(format!(
        "UPDATE {} SET synced_at = now() + make_interval(hours => $2) WHERE {} = $1",
        table.name, table.key
    ))
    .bind::<Text, _>(key)
    .bind::<Integer, _>(hours)
    .execute(&mut app.conn().await)
    .await
    .unwrap();
    assert_eq!(updated, 1, "{} has one row {key}", table.name);
}

#[tokio::test(flavor = "multi_thread")]
async fn users() {
    let app = TestApp::new(10).await;
    app.sync_users().await;
    let handle = app.handle();
    let id = handle.listed_users("active")[3]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    handle.remove_user(&id).unwrap();
    judged_only_when_older(&app, Entity::Users, USERS, &id).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn meetings() {
    let app = TestApp::with(account(10), |_| {}).await;
    app.sync_users().await;
    app.sync(Entity::Meetings).await;
    let id = app.live_rows(MEETINGS).await.into_keys().next().unwrap();
    app.handle().remove_meeting(&id).unwrap();
    judged_only_when_older(&app, Entity::Meetings, MEETINGS, &id).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn registrants() {
    let app = TestApp::with(account(30), |_| {}).await;
    app.sync_users().await;
    app.sync(Entity::Meetings).await;
    app.sync(Entity::MeetingRegistrants).await;
    let key = app
        .live_rows(MEETING_REGISTRANTS)
        .await
        .into_keys()
        .next()
        .expect("a mirrored registrant");
    let (meeting, registrant) = key.split_once('/').unwrap();
    app.handle()
        .remove_registrant(SessionKind::Meeting, meeting, registrant)
        .unwrap();
    judged_only_when_older(&app, Entity::MeetingRegistrants, MEETING_REGISTRANTS, &key).await;
}
