//! Faults on the write endpoints: a stalled answer leaves the change made; an answering
//! fault leaves nothing changed.

use super::*;

#[tokio::test]
async fn a_stalled_answer_leaves_the_change_made() {
    let (f, token, handle, host) = member_fixture().await;
    let before = handle.hosted_count(SessionKind::Meeting, &host.id);
    handle.inject(
        Fault::new(FaultKind::StallResponse(Duration::from_secs(5)))
            .on(Endpoint::CreateMeeting)
            .times(1),
    );
    // The client gives up long before the answer would come.
    let started = std::time::Instant::now();
    let gave_up = f
        .http
        .post(f.api(&format!("/users/{}/meetings", host.id)))
        .bearer_auth(&token)
        .json(&json!({"topic": "Stalled"}))
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(gave_up.unwrap_err().is_timeout());
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(handle.stats().calls(Endpoint::CreateMeeting), 1);
    assert_eq!(
        handle.hosted_count(SessionKind::Meeting, &host.id),
        before + 1
    );

    // The fault was spent: the next create answers at once.
    let started = std::time::Instant::now();
    f.create_meeting(&host.id, &token, json!({})).await;
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_write_answered_by_a_fault_changes_nothing() {
    let (f, token, handle, host) = member_fixture().await;
    let meetings = handle.hosted_count(SessionKind::Meeting, &host.id);
    let victim = handle
        .listed_users("active")
        .iter()
        .flat_map(|u| handle.listed_meetings(u["id"].as_str().unwrap(), "scheduled"))
        .find(|m| m["type"] == 2)
        .unwrap()["id"]
        .to_string();
    let faults = [
        FaultKind::Html5xx { status: 502 },
        FaultKind::ZoomError {
            status: 500,
            code: 500,
            message: "Internal Error".to_owned(),
        },
        FaultKind::RateLimitBurst { retry_after: None },
        FaultKind::DailyLimit,
    ];
    for kind in faults {
        handle.inject(Fault::new(kind.clone()).times(3));
        let create = f
            .post(&format!("/users/{}/meetings", host.id), &token, json!({}))
            .await;
        let delete = f.delete(&format!("/meetings/{victim}"), &token).await;
        let invite = f
            .post(
                "/users",
                &token,
                json!({"action": "create", "user_info": {"email": "x@example.com", "type": 1}}),
            )
            .await;
        for response in [create, delete, invite] {
            assert!(!response.status().is_success(), "{kind:?}");
        }
        assert_eq!(
            handle.hosted_count(SessionKind::Meeting, &host.id),
            meetings
        );
        assert!(!handle.meeting(&victim).unwrap().deleted);
        assert!(handle.user("x@example.com").is_none());
    }
    let stats = handle.stats();
    assert_eq!(stats.calls(Endpoint::CreateMeeting), 4);
    assert_eq!(stats.calls(Endpoint::DeleteMeeting), 4);
    assert_eq!(stats.calls(Endpoint::CreateUser), 4);
}
