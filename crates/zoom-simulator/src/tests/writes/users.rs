//! `POST /users`, `PATCH`/`DELETE /users/{userId}`, `PUT /users/{userId}/status`.

use super::*;

#[tokio::test]
async fn created_users_are_pending_invitations_or_active_accounts() {
    let (f, token) = entity_fixture().await;
    let handle = f.sim.handle();

    let invited = created(
        f.post(
            "/users",
            &token,
            json!({"action": "create", "user_info": {
                "email": "New.Hire@Example.com", "type": 1, "first_name": "New", "last_name": "Hire"
            }}),
        )
        .await,
    )
    .await;
    assert_eq!(invited["email"], "new.hire@example.com");
    assert_eq!(invited["type"], 1);
    let id = invited["id"].as_str().unwrap();
    assert_eq!(id.len(), 22);
    let listed = handle.listed_users("pending");
    let item = listed
        .iter()
        .find(|u| u["email"] == "new.hire@example.com")
        .unwrap();
    assert!(item.get("id").is_none());
    let detail = json_of(f.get("/users/new.hire%40example.com", &token).await).await;
    assert_eq!(detail["id"], id);
    assert_eq!(detail["status"], "pending");
    assert_eq!(handle.user(id).unwrap().display_name, "New Hire");

    let active = created(
        f.post(
            "/users",
            &token,
            json!({"action": "custCreate", "user_info": {"email": "api.user@example.com", "type": 2}}),
        )
        .await,
    )
    .await;
    let active_id = active["id"].as_str().unwrap();
    assert!(
        handle
            .listed_users("active")
            .iter()
            .any(|u| u["id"] == active_id)
    );
    assert!(handle.user(active_id).unwrap().pmi.is_some());

    // The same address again, in another case.
    assert_eq!(
        zoom_error(
            f.post(
                "/users",
                &token,
                json!({"action": "create", "user_info": {"email": "NEW.HIRE@example.com", "type": 1}}),
            )
            .await
        )
        .await,
        (
            StatusCode::CONFLICT,
            1005,
            "Email NEW.HIRE@example.com has already been used.".to_owned()
        )
    );
    for (body, field) in [
        (
            json!({"action": "create", "user_info": {"type": 1}}),
            "user_info.email",
        ),
        (
            json!({"action": "create", "user_info": {"email": "nope", "type": 1}}),
            "user_info.email",
        ),
        (
            json!({"action": "create", "user_info": {"email": "a@example.com", "type": 3}}),
            "user_info.type",
        ),
        (
            json!({"action": "create", "user_info": {"email": "a@example.com", "type": 99}}),
            "user_info.type",
        ),
        (
            json!({"action": "invite", "user_info": {"email": "a@example.com", "type": 1}}),
            "action",
        ),
        (json!({"action": "create"}), "user_info"),
    ] {
        assert_eq!(
            invalid_field(f.post("/users", &token, body.clone()).await).await,
            field,
            "{body}"
        );
    }
    let not_json = f
        .http
        .post(f.api("/users"))
        .bearer_auth(&token)
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(zoom_error(not_json).await.1, 300);
    assert!(handle.user("a@example.com").is_none());
}

#[tokio::test]
async fn invitations_stop_at_the_plans_daily_limit_but_other_creates_do_not() {
    let f = Fixture::start(SimulatorConfig {
        plan: Plan::Free,
        ..SimulatorConfig::default()
    })
    .await;
    let token = f.token().await;
    let handle = f.sim.handle();
    // 49 of Free's 50 invitations already sent today.
    handle
        .state
        .lock()
        .user_limits
        .take(
            &vec![Counter::Invites; 49],
            Label::Light,
            chrono::Utc::now(),
        )
        .unwrap();
    let invite =
        |email: &str| json!({"action": "create", "user_info": {"email": email, "type": 1}});
    created(
        f.post("/users", &token, invite("fiftieth@example.com"))
            .await,
    )
    .await;
    let refused = f
        .post("/users", &token, invite("fifty.first@example.com"))
        .await;
    assert_eq!(
        daily_429(refused).await,
        "You have exceeded the daily rate limit (50) of user invite requests permitted for this account. You may resume these requests at GMT 00:00:00."
    );
    assert!(handle.user("fifty.first@example.com").is_none());
    created(
        f.post(
            "/users",
            &token,
            json!({"action": "autoCreate", "user_info": {"email": "auto@example.com", "type": 1}}),
        )
        .await,
    )
    .await;
}

#[tokio::test]
async fn a_patched_user_shows_the_change_and_a_missing_one_is_1001() {
    let (f, token, _, user) = member_fixture().await;
    let response = f
        .patch(
            &format!("/users/{}?login_type=100", user.email),
            &token,
            json!({
                "first_name": "Renée", "last_name": "Nouveau", "display_name": "",
                "type": 1, "dept": "Support", "job_title": "Lead", "timezone": "Asia/Tokyo",
                "language": "fr-FR", "pmi": 5_550_001_234u64, "unknown_field": [1, 2],
            }),
        )
        .await;
    no_content(&response);
    let detail = json_of(f.get(&format!("/users/{}", user.id), &token).await).await;
    assert_eq!(detail["first_name"], "Renée");
    assert_eq!(detail["display_name"], "Renée Nouveau");
    assert_eq!(detail["type"], 1);
    assert_eq!(detail["dept"], "Support");
    assert_eq!(detail["job_title"], "Lead");
    assert_eq!(detail["timezone"], "Asia/Tokyo");
    assert_eq!(detail["language"], "fr-FR");
    assert_eq!(detail["pmi"], 5_550_001_234u64);
    // Untouched fields stay.
    assert_eq!(detail["email"], user.email.as_str());

    assert_eq!(
        invalid_field(
            f.patch(&format!("/users/{}", user.id), &token, json!({"type": 3}))
                .await
        )
        .await,
        "type"
    );
    assert_eq!(
        zoom_error(
            f.patch("/users/nobody%40example.com", &token, json!({"dept": "x"}))
                .await
        )
        .await,
        (
            StatusCode::NOT_FOUND,
            1001,
            "User does not exist: nobody@example.com.".to_owned()
        )
    );
}

#[tokio::test]
async fn a_deleted_user_is_gone_with_their_meetings_unless_transferred() {
    let (f, token) = entity_fixture().await;
    let handle = f.sim.handle();
    let hosts: Vec<String> = members(&handle)
        .into_iter()
        .map(|u| u.id)
        .filter(|id| handle.hosted_count(SessionKind::Meeting, id) > 0)
        .collect();
    let (gone, heir, kept) = (hosts[0].clone(), hosts[1].clone(), hosts[2].clone());
    let heir_before = handle.hosted_count(SessionKind::Meeting, &heir);

    no_content(
        &f.delete(&format!("/users/{gone}?action=delete"), &token)
            .await,
    );
    assert!(
        handle
            .all_listed_users()
            .iter()
            .all(|u| u["id"] != gone.as_str())
    );
    assert_eq!(
        zoom_error(f.get(&format!("/users/{gone}"), &token).await)
            .await
            .1,
        1001
    );
    assert_eq!(handle.hosted_count(SessionKind::Meeting, &gone), 0);
    assert_eq!(
        handle.hosted_count(SessionKind::Meeting, &heir),
        heir_before
    );

    let kept_meetings = handle.hosted_count(SessionKind::Meeting, &kept);
    let heir_email = handle.user(&heir).unwrap().email;
    no_content(
        &f.delete(
            &format!("/users/{kept}?action=disassociate&transfer_email={heir_email}&transfer_meeting=true"),
            &token,
        )
        .await,
    );
    assert_eq!(
        handle.hosted_count(SessionKind::Meeting, &heir),
        heir_before + kept_meetings
    );
    assert_eq!(
        zoom_error(f.delete(&format!("/users/{kept}"), &token).await)
            .await
            .1,
        1001
    );
    assert_eq!(
        invalid_field(
            f.delete(&format!("/users/{heir}?transfer_meeting=true"), &token)
                .await
        )
        .await,
        "transfer_email"
    );
    assert_eq!(
        invalid_field(
            f.delete(&format!("/users/{heir}?action=erase"), &token)
                .await
        )
        .await,
        "action"
    );

    // A pending user's invitation goes the same way.
    let pending = pending_email(&handle);
    no_content(&f.delete(&format!("/users/{pending}"), &token).await);
    assert!(handle.user(&pending).is_none());
}

#[tokio::test]
async fn status_changes_move_users_between_listings() {
    let (f, token, handle, user) = member_fixture().await;
    let path = format!("/users/{}/status", user.id);
    ok_without_body(f.put(&path, &token, json!({"action": "deactivate"})).await).await;
    assert!(
        handle
            .listed_users("inactive")
            .iter()
            .any(|u| u["id"] == user.id.as_str())
    );
    assert_eq!(
        json_of(f.get(&format!("/users/{}", user.id), &token).await).await["status"],
        "inactive"
    );
    ok_without_body(f.put(&path, &token, json!({"action": "activate"})).await).await;
    assert_eq!(handle.user(&user.id).unwrap().status, UserStatus::Active);

    assert_eq!(
        invalid_field(f.put(&path, &token, json!({"action": "pause"})).await).await,
        "action"
    );
    let pending = pending_email(&handle);
    assert_eq!(
        zoom_error(
            f.put(
                &format!("/users/{pending}/status"),
                &token,
                json!({"action": "activate"})
            )
            .await
        )
        .await
        .1,
        1120
    );
    assert_eq!(handle.user(&pending).unwrap().status, UserStatus::Pending);
    let owner = handle.listed_users("active")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        zoom_error(
            f.put(
                &format!("/users/{owner}/status"),
                &token,
                json!({"action": "deactivate"})
            )
            .await
        )
        .await
        .1,
        200
    );
    assert_eq!(
        zoom_error(
            f.put(
                "/users/nobody%40example.com/status",
                &token,
                json!({"action": "activate"})
            )
            .await
        )
        .await
        .1,
        1001
    );
}
