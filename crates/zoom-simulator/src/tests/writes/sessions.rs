//! Meetings and webinars: create, update, delete, and the per-host daily allowance.

use super::*;

#[tokio::test]
async fn a_created_meeting_is_listed_and_fetched_like_a_generated_one() {
    let (f, token, handle, host) = member_fixture().await;
    let start = (chrono::Utc::now() + chrono::TimeDelta::days(3))
        .format("%Y-%m-%dT%H:%M:00Z")
        .to_string();
    let meeting = f
        .create_meeting(
            &host.email,
            &token,
            json!({
                "topic": "Planning", "type": 2, "start_time": start, "duration": 45,
                "timezone": "Europe/Paris", "agenda": "Next quarter", "password": "abc123",
                "settings": {"approval_type": 0, "waiting_room": false, "alternative_hosts": ""},
            }),
        )
        .await;
    let id = meeting["id"].as_u64().unwrap();
    assert!((10_000_000_000..100_000_000_000).contains(&id));
    assert_eq!(meeting["host_id"], host.id.as_str());
    assert_eq!(meeting["host_email"], host.email.as_str());
    assert_eq!(meeting["status"], "waiting");
    assert_eq!(meeting["start_time"], start.as_str());
    assert_eq!(meeting["password"], "abc123");
    assert_eq!(meeting["settings"]["approval_type"], 0);
    assert_eq!(meeting["settings"]["waiting_room"], false);
    assert!(meeting["registration_url"].is_string());
    assert!(meeting["start_url"].is_string());
    assert_eq!(
        json_of(f.get(&format!("/meetings/{id}"), &token).await).await,
        meeting
    );
    assert!(
        handle
            .listed_meetings(&host.id, "upcoming")
            .iter()
            .any(|m| m["id"] == id)
    );

    let series = f
        .create_meeting(
            &host.id,
            &token,
            json!({"type": 8, "start_time": start,
                   "recurrence": {"type": 1, "repeat_interval": 7, "end_times": 3}}),
        )
        .await;
    assert_eq!(series["occurrences"].as_array().unwrap().len(), 3);
    assert_eq!(series["recurrence"]["end_times"], 3);
    assert!(series.get("registration_url").is_none());

    // Instant meetings are fetched but never listed.
    let instant = f
        .create_meeting(
            &host.id,
            &token,
            json!({"type": 1, "settings": {"approval_type": 0}}),
        )
        .await;
    assert!(instant.get("start_time").is_none());
    assert_eq!(instant["settings"]["approval_type"], 2);
    assert!(
        handle
            .listed_meetings(&host.id, "scheduled")
            .iter()
            .all(|m| m["id"] != instant["id"])
    );

    // Defaults: a one-off now, with a passcode.
    let plain = f.create_meeting(&host.id, &token, json!({})).await;
    assert_eq!(plain["type"], 2);
    assert!(plain["start_time"].is_string());
    assert!(!plain["password"].as_str().unwrap().is_empty());

    assert_eq!(
        zoom_error(
            f.post("/users/nobody%40example.com/meetings", &token, json!({}))
                .await
        )
        .await
        .1,
        1001
    );
    for (body, field) in [
        (json!({"type": 4}), "type"),
        (json!({"start_time": "next week"}), "start_time"),
        (json!({"password": "far-too-long-1"}), "password"),
        (
            json!({"type": 8, "recurrence": {"type": 9}}),
            "recurrence.type",
        ),
    ] {
        assert_eq!(
            invalid_field(
                f.post(
                    &format!("/users/{}/meetings", host.id),
                    &token,
                    body.clone()
                )
                .await
            )
            .await,
            field,
            "{body}"
        );
    }
}

#[tokio::test]
async fn patched_and_deleted_meetings_show_the_change() {
    let (f, token, handle, host) = member_fixture().await;
    let meeting = f
        .create_meeting(
            &host.id,
            &token,
            json!({"topic": "Before", "settings": {"waiting_room": false}}),
        )
        .await;
    let id = meeting["id"].as_u64().unwrap();
    let path = format!("/meetings/{id}");
    no_content(
        &f.patch(
            &format!("{path}?occurrence_id=1"),
            &token,
            json!({"topic": "After", "duration": 90, "settings": {"mute_upon_entry": false, "approval_type": 1}}),
        )
        .await,
    );
    let after = json_of(f.get(&path, &token).await).await;
    assert_eq!(after["topic"], "After");
    assert_eq!(after["duration"], 90);
    // Settings merge: the earlier one stays.
    assert_eq!(after["settings"]["waiting_room"], false);
    assert_eq!(after["settings"]["mute_upon_entry"], false);
    assert_eq!(after["settings"]["approval_type"], 1);
    assert_eq!(after["created_at"], meeting["created_at"]);

    // A generated series moved to a new start keeps its count of occurrences.
    let series = handle
        .listed_users("active")
        .iter()
        .flat_map(|u| handle.listed_meetings(u["id"].as_str().unwrap(), "scheduled"))
        .filter_map(|m| handle.meeting(&m["id"].to_string()))
        .find(|m| m.session_type == 8)
        .unwrap();
    let moved = (chrono::Utc::now() + chrono::TimeDelta::days(10))
        .format("%Y-%m-%dT10:00:00Z")
        .to_string();
    no_content(
        &f.patch(
            &format!("/meetings/{}", series.id),
            &token,
            json!({"start_time": moved}),
        )
        .await,
    );
    let replanned = handle.meeting(&series.id.to_string()).unwrap();
    assert_eq!(replanned.occurrences.len(), series.occurrences.len());
    assert_eq!(
        user::timestamp(replanned.occurrences[0]),
        moved,
        "starts at the new time"
    );

    no_content(&f.delete(&path, &token).await);
    let gone = (
        StatusCode::NOT_FOUND,
        3001,
        format!("Meeting {id} is not found or has expired."),
    );
    assert_eq!(zoom_error(f.get(&path, &token).await).await, gone);
    assert!(
        handle
            .listed_meetings(&host.id, "scheduled")
            .iter()
            .all(|m| m["id"] != id)
    );
    assert_eq!(zoom_error(f.delete(&path, &token).await).await, gone);
    assert_eq!(
        zoom_error(f.patch(&path, &token, json!({"topic": "x"})).await).await,
        gone
    );

    // One occurrence of a series.
    let occurrence = replanned.occurrences[1].timestamp_millis();
    no_content(
        &f.delete(
            &format!("/meetings/{}?occurrence_id={occurrence}", series.id),
            &token,
        )
        .await,
    );
    let left = handle.meeting(&series.id.to_string()).unwrap();
    assert_eq!(left.occurrences.len(), series.occurrences.len() - 1);
    assert!(!left.deleted);
    assert_eq!(
        zoom_error(
            f.delete(&format!("/meetings/{}?occurrence_id=1", series.id), &token)
                .await
        )
        .await
        .1,
        3000
    );

    // A PMI meeting cannot be deleted. Listings leave it out; its id is its host's `pmi`.
    let pmi = handle
        .listed_users("active")
        .iter()
        .filter_map(|u| u["pmi"].as_u64())
        .find(|pmi| {
            handle
                .meeting(&pmi.to_string())
                .is_some_and(|m| m.session_type == 4)
        })
        .unwrap();
    assert_eq!(
        zoom_error(f.delete(&format!("/meetings/{pmi}"), &token).await)
            .await
            .1,
        3018
    );
}

#[tokio::test]
async fn webinars_are_written_like_meetings_once_the_host_has_a_plan() {
    let (f, token, handle, host) = member_fixture().await;
    let path = format!("/users/{}/webinars", host.id);
    handle.set_webinar_plan(&host.id, false);
    assert_eq!(
        zoom_error(f.post(&path, &token, json!({"topic": "Launch"})).await)
            .await
            .1,
        200
    );
    assert_eq!(handle.hosted_count(SessionKind::Webinar, &host.id), 0);

    handle.set_webinar_plan(&host.id, true);
    let webinar = created(
        f.post(
            &path,
            &token,
            json!({"topic": "Launch", "type": 9, "recurrence": {"type": 2, "weekly_days": "2,5", "end_times": 4},
                   "settings": {"approval_type": 1, "practice_session": true}}),
        )
        .await,
    )
    .await;
    let id = webinar["id"].as_u64().unwrap();
    assert_eq!(webinar["occurrences"].as_array().unwrap().len(), 4);
    assert_eq!(webinar["settings"]["practice_session"], true);
    assert_eq!(handle.listed_webinars(&host.id)[0]["id"], id);
    assert_eq!(
        invalid_field(f.post(&path, &token, json!({"type": 2})).await).await,
        "type"
    );

    let one = format!("/webinars/{id}");
    no_content(&f.patch(&one, &token, json!({"agenda": "Slides"})).await);
    assert_eq!(json_of(f.get(&one, &token).await).await["agenda"], "Slides");
    no_content(&f.delete(&one, &token).await);
    let gone = (
        StatusCode::NOT_FOUND,
        3001,
        format!("Webinar {id} not found or has expired."),
    );
    assert_eq!(zoom_error(f.get(&one, &token).await).await, gone);
    assert_eq!(zoom_error(f.delete(&one, &token).await).await, gone);
    assert_eq!(
        zoom_error(f.patch(&one, &token, json!({})).await).await,
        gone
    );
    assert_eq!(handle.hosted_count(SessionKind::Webinar, &host.id), 0);
}

#[tokio::test]
async fn each_host_has_a_daily_allowance_of_creates_and_updates() {
    let f = Fixture::start(SimulatorConfig {
        session_writes_per_host: 3,
        ..SimulatorConfig::default()
    })
    .await;
    let token = f.token().await;
    let handle = f.sim.handle();
    let host = member(&handle);
    let other = handle
        .listed_users("active")
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .find(|id| *id != host.id)
        .unwrap();
    let create = |user: String| {
        let f = &f;
        let token = &token;
        async move {
            f.post(&format!("/users/{user}/meetings"), token, json!({}))
                .await
        }
    };
    let id = created(create(host.id.clone()).await).await["id"].clone();
    created(create(host.id.clone()).await).await;
    // An update counts against the meeting's host too.
    no_content(
        &f.patch(
            &format!("/meetings/{id}"),
            &token,
            json!({"topic": "Renamed"}),
        )
        .await,
    );
    let before = handle.hosted_count(SessionKind::Meeting, &host.id);
    let refused = create(host.id.clone()).await;
    assert_eq!(header(&refused, "x-ratelimit-category"), Some("Medium"));
    assert_eq!(
        daily_429(refused).await,
        "You have exceeded the daily rate limit (3) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00."
    );
    assert_eq!(handle.hosted_count(SessionKind::Meeting, &host.id), before);
    let patch = f
        .patch(
            &format!("/meetings/{id}"),
            &token,
            json!({"topic": "Again"}),
        )
        .await;
    assert_eq!(patch.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(handle.meeting(&id.to_string()).unwrap().topic, "Renamed");
    // Deletes are not counted, and other hosts have their own allowance.
    no_content(&f.delete(&format!("/meetings/{id}"), &token).await);
    created(create(other).await).await;

    handle.set_session_writes_per_host(4);
    created(create(host.id.clone()).await).await;
    assert_eq!(
        create(host.id.clone()).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}
