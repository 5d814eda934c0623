//! The faults of a hostile Zoom: odd token answers, each with a live token in it; NUL in text;
//! answers too big to read.

use super::*;

#[tokio::test]
async fn every_odd_token_answer_carries_a_live_token() {
    let f = Fixture::default().await;
    let handle = f.sim.handle();
    let cases = [
        (TokenAnswer::ExpiresInText, 200, r#""expires_in":"3600""#),
        (
            TokenAnswer::ExpiresInMax,
            200,
            r#""expires_in":18446744073709551615"#,
        ),
        (TokenAnswer::ExpiresInGarbage, 200, r#""expires_in":"soon""#),
        (TokenAnswer::AccessTokenMisnamed, 200, r#""token":""#),
        (
            TokenAnswer::AccessTokenNotText,
            200,
            r#""access_token":{"value":""#,
        ),
        (TokenAnswer::Truncated, 200, r#""expires_in":"#),
        (
            TokenAnswer::ErrorWithToken { status: 503 },
            503,
            r#""error":"invalid_request""#,
        ),
    ];
    for (answer, status, shape) in cases {
        handle.inject(Fault::new(FaultKind::TokenAnswer(answer)).times(1));
        let before = handle.issued_tokens();
        let response = f.token_response().await;
        assert_eq!(response.status().as_u16(), status, "{answer:?}");
        let body = response.text().await.unwrap();
        assert!(body.contains(shape), "{answer:?}: {body}");
        let live: Vec<String> = handle
            .issued_tokens()
            .into_iter()
            .filter(|t| !before.contains(t))
            .collect();
        assert_eq!(live.len(), 1, "{answer:?}");
        assert!(body.contains(&live[0]), "{answer:?}: {body}");
        assert_eq!(
            f.get("/users", &live[0]).await.status(),
            StatusCode::OK,
            "{answer:?}"
        );
    }
    let missing: Value = {
        handle.inject(Fault::new(FaultKind::TokenAnswer(TokenAnswer::ExpiresInMissing)).times(1));
        f.token_response().await.json().await.unwrap()
    };
    assert!(missing.get("expires_in").is_none() && missing["access_token"].is_string());
    // Faults on token requests leave API calls alone, and the other way round.
    handle.inject(Fault::new(FaultKind::Html5xx { status: 502 }).times(1));
    let usual: Value = f.token_response().await.json().await.unwrap();
    assert_eq!(usual["expires_in"], 3600);
}

#[tokio::test]
async fn nul_in_text_reaches_names_and_topics_but_not_ids() {
    let f = Fixture::default().await;
    let token = f.token().await;
    let handle = f.sim.handle();
    handle.inject(
        Fault::new(FaultKind::NulInText)
            .on(Endpoint::ListUsers)
            .times(1),
    );
    let users: Value = f.get("/users", &token).await.json().await.unwrap();
    let first = &users["users"][0];
    assert!(
        first["first_name"].as_str().unwrap().contains('\0'),
        "{first}"
    );
    assert!(
        first["last_name"].as_str().unwrap().contains('\0'),
        "{first}"
    );
    assert!(!first["id"].as_str().unwrap().contains('\0'), "{first}");
    assert!(!first["email"].as_str().unwrap().contains('\0'), "{first}");
    let again: Value = f.get("/users", &token).await.json().await.unwrap();
    assert!(
        !again.to_string().contains("\\u0000"),
        "the fault fired once"
    );

    let host = first["id"].as_str().unwrap().to_owned();
    handle.inject(Fault::new(FaultKind::NulInText).on(Endpoint::ListMeetings));
    let meetings: Value = f
        .get(&format!("/users/{host}/meetings"), &token)
        .await
        .json()
        .await
        .unwrap();
    let topics: Vec<&str> = meetings["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["topic"].as_str().unwrap())
        .collect();
    assert!(
        !topics.is_empty() && topics.iter().all(|t| t.contains('\0')),
        "{topics:?}"
    );
}

#[tokio::test]
async fn an_oversized_answer_streams_as_many_bytes_as_asked() {
    let f = Fixture::default().await;
    let token = f.token().await;
    let bytes = (3 << 20) + 17;
    f.sim.handle().inject(
        Fault::new(FaultKind::OversizedAnswer { bytes })
            .on(Endpoint::ListUsers)
            .times(1),
    );
    let response = f.get("/users", &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.content_length(), None, "streamed, not announced");
    let body = response.bytes().await.unwrap();
    assert_eq!(body.len() as u64, bytes);
    assert!(body.iter().all(|b| *b == b' '));
}
