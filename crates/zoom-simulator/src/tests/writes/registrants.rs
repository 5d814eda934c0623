//! Registrants of meetings and webinars: add, change status, and the per-registrant limits.

use super::*;

#[tokio::test]
async fn registrants_are_added_once_per_email_and_change_status() {
    let (f, token, handle, host) = member_fixture().await;
    let new_meeting = |approval: u8| {
        let f = &f;
        let token = &token;
        let host = &host.id;
        async move {
            created(
                f.post(
                    &format!("/users/{host}/meetings"),
                    token,
                    json!({"topic": "Open", "settings": {"approval_type": approval}}),
                )
                .await,
            )
            .await["id"]
                .as_u64()
                .unwrap()
        }
    };
    let auto = new_meeting(0).await;
    let manual = new_meeting(1).await;
    let closed = new_meeting(2).await;
    let register = |id: u64, body: Value| {
        let f = &f;
        let token = &token;
        async move {
            f.post(&format!("/meetings/{id}/registrants"), token, body)
                .await
        }
    };

    let ann = json!({"email": "ann@example.com", "first_name": "Ann", "last_name": "Lee",
                     "city": "Lyon", "custom_questions": [{"title": "Why?", "value": "To learn"}]});
    let first = created(register(auto, ann.clone()).await).await;
    assert_eq!(first["id"], auto);
    assert_eq!(first["topic"], "Open");
    assert!(first["start_time"].is_string());
    let registrant_id = first["registrant_id"].as_str().unwrap().to_owned();
    assert!(first["join_url"].as_str().unwrap().contains(&registrant_id));
    let listed = handle.listed_registrants(SessionKind::Meeting, &auto.to_string(), "approved");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], registrant_id.as_str());
    assert_eq!(listed[0]["city"], "Lyon");
    assert_eq!(listed[0]["custom_questions"][0]["value"], "To learn");

    // The same email again: the same registrant, no twin.
    let again = created(
        register(
            auto,
            json!({"email": "ANN@example.com", "first_name": "Annie"}),
        )
        .await,
    )
    .await;
    assert_eq!(again["registrant_id"], registrant_id.as_str());
    assert_eq!(
        handle
            .registrants(SessionKind::Meeting, &auto.to_string())
            .unwrap()
            .len(),
        1
    );

    created(
        register(
            manual,
            json!({"email": "bob@example.com", "first_name": "Bob"}),
        )
        .await,
    )
    .await;
    created(
        register(
            manual,
            json!({"email": "cy@example.com", "first_name": "Cy", "auto_approve": true}),
        )
        .await,
    )
    .await;
    let statuses = |id: u64| -> Vec<(String, RegistrantStatus)> {
        handle
            .registrants(SessionKind::Meeting, &id.to_string())
            .unwrap()
            .into_iter()
            .map(|r| (r.email, r.status))
            .collect()
    };
    assert_eq!(
        statuses(manual),
        [
            ("bob@example.com".to_owned(), RegistrantStatus::Pending),
            ("cy@example.com".to_owned(), RegistrantStatus::Approved),
        ]
    );

    let status_path = format!("/meetings/{manual}/registrants/status");
    no_content(
        &f.put(
            &status_path,
            &token,
            json!({"action": "approve", "registrants": [{"email": "BOB@example.com"}, {"id": "unknownRegistrant0000"}]}),
        )
        .await,
    );
    assert_eq!(statuses(manual)[0].1, RegistrantStatus::Approved);
    let cy = handle
        .registrants(SessionKind::Meeting, &manual.to_string())
        .unwrap()[1]
        .id
        .clone();
    no_content(
        &f.put(
            &status_path,
            &token,
            json!({"action": "cancel", "registrants": [{"id": cy}]}),
        )
        .await,
    );
    assert_eq!(
        handle
            .listed_registrants(SessionKind::Meeting, &manual.to_string(), "denied")
            .len(),
        1
    );
    no_content(
        &f.put(
            &status_path,
            &token,
            json!({"action": "deny", "registrants": [{"email": "bob@example.com"}]}),
        )
        .await,
    );
    assert_eq!(statuses(manual)[0].1, RegistrantStatus::Denied);

    assert_eq!(
        zoom_error(register(closed, ann.clone()).await).await,
        (
            StatusCode::NOT_FOUND,
            404,
            format!("Registration has not been enabled for this meeting: {closed}.")
        )
    );
    assert_eq!(
        zoom_error(
            f.put(
                &format!("/meetings/{closed}/registrants/status"),
                &token,
                json!({"action": "approve", "registrants": [{"email": "ann@example.com"}]}),
            )
            .await
        )
        .await
        .1,
        404
    );
    assert_eq!(
        zoom_error(register(12_345_678_901, ann).await).await.1,
        3001
    );
    assert_eq!(
        invalid_field(register(auto, json!({"first_name": "Nobody"})).await).await,
        "email"
    );
    assert_eq!(
        invalid_field(register(auto, json!({"email": "d@example.com"})).await).await,
        "first_name"
    );
    for body in [
        json!({"action": "approve"}),
        json!({"action": "approve", "registrants": []}),
        json!({"action": "ban", "registrants": [{"email": "bob@example.com"}]}),
    ] {
        invalid_field(f.put(&status_path, &token, body).await).await;
    }

    // Webinars: the same, answering a closed registration their own way.
    handle.set_webinar_plan(&host.id, true);
    let webinar = created(
        f.post(
            &format!("/users/{}/webinars", host.id),
            &token,
            json!({"settings": {"approval_type": 1}}),
        )
        .await,
    )
    .await["id"]
        .as_u64()
        .unwrap();
    created(
        f.post(
            &format!("/webinars/{webinar}/registrants"),
            &token,
            json!({"email": "dee@example.com", "first_name": "Dee"}),
        )
        .await,
    )
    .await;
    no_content(
        &f.put(
            &format!("/webinars/{webinar}/registrants/status"),
            &token,
            json!({"action": "approve", "registrants": [{"email": "dee@example.com"}]}),
        )
        .await,
    );
    assert_eq!(
        handle
            .listed_registrants(SessionKind::Webinar, &webinar.to_string(), "approved")
            .len(),
        1
    );
    let closed_webinar = created(
        f.post(&format!("/users/{}/webinars", host.id), &token, json!({}))
            .await,
    )
    .await["id"]
        .as_u64()
        .unwrap();
    assert_eq!(
        zoom_error(
            f.post(
                &format!("/webinars/{closed_webinar}/registrants"),
                &token,
                json!({"email": "dee@example.com", "first_name": "Dee"}),
            )
            .await
        )
        .await,
        (
            StatusCode::BAD_REQUEST,
            3000,
            format!("This webinar does not have registration as required: {closed_webinar}.")
        )
    );
}

#[tokio::test]
async fn per_registrant_daily_limits_hold_per_meeting() {
    let (f, token, handle, host) = member_fixture().await;
    let mut meetings = Vec::new();
    for _ in 0..2 {
        let m = f
            .create_meeting(&host.id, &token, json!({"settings": {"approval_type": 1}}))
            .await;
        meetings.push(m["id"].as_u64().unwrap());
    }
    let register = |id: u64| {
        let f = &f;
        let token = &token;
        async move {
            f.post(
                &format!("/meetings/{id}/registrants"),
                token,
                json!({"email": "eve@example.com", "first_name": "Eve"}),
            )
            .await
        }
    };
    for _ in 0..3 {
        created(register(meetings[0]).await).await;
    }
    assert_eq!(
        daily_429(register(meetings[0]).await).await,
        "You have exceeded the daily rate limit of (3) for Add a meeting registrant API requests for the registrant (eve@example.com). You can resume these API requests at GMT 00:00:00."
    );
    // Another meeting counts apart.
    created(register(meetings[1]).await).await;

    let status = |action: &str| {
        let f = &f;
        let token = &token;
        let body = json!({"action": action, "registrants": [{"email": "eve@example.com"}]});
        let path = format!("/meetings/{}/registrants/status", meetings[0]);
        async move { f.put(&path, token, body).await }
    };
    for k in 0..10 {
        no_content(&status(if k % 2 == 0 { "approve" } else { "deny" }).await);
    }
    let refused = status("approve").await;
    assert_eq!(
        daily_429(refused).await,
        "You have exceeded the daily rate limit of (10) for meeting Update registrant's status API requests for the registrant (eve@example.com). You can resume these API requests at GMT 00:00:00."
    );
    // The last change that went through was a denial; the refused approval changed nothing.
    assert_eq!(
        handle
            .registrants(SessionKind::Meeting, &meetings[0].to_string())
            .unwrap()[0]
            .status,
        RegistrantStatus::Denied
    );
}

#[tokio::test]
async fn a_registrant_is_fetched_alone_as_listed_and_an_unknown_one_is_404() {
    let (f, token, handle, host) = member_fixture().await;
    let meeting = f
        .create_meeting(
            &host.id,
            &token,
            json!({"topic": "Single", "settings": {"approval_type": 1}}),
        )
        .await["id"]
        .as_u64()
        .unwrap();
    let added = created(
        f.post(
            &format!("/meetings/{meeting}/registrants"),
            &token,
            json!({"email": "solo@example.com", "first_name": "Solo"}),
        )
        .await,
    )
    .await;
    let id = added["registrant_id"].as_str().unwrap();
    let fetched = f
        .get(&format!("/meetings/{meeting}/registrants/{id}"), &token)
        .await;
    assert_eq!(fetched.status(), StatusCode::OK);
    let fetched: Value = fetched.json().await.unwrap();
    let listed = handle.listed_registrants(SessionKind::Meeting, &meeting.to_string(), "pending");
    assert_eq!(fetched, listed[0], "the same object as the listing");

    let unknown = f
        .get(&format!("/meetings/{meeting}/registrants/nobody"), &token)
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let missing = f
        .get(&format!("/meetings/11111111111/registrants/{id}"), &token)
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["code"], 3001);
}
