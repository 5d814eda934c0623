//! The user events, each checked against Zoom's published schema for it.

use serde_json::json;

use super::*;

#[tokio::test]
async fn user_events_are_as_zooms_schemas_describe_them() {
    let (f, mut hooks, token) = subscribed(SimulatorConfig::default()).await;
    let handle = f.sim.handle();
    let mut events = Vec::new();

    let invite = json!({"action": "create", "user_info": {"email": "hook.invite@example.com",
        "type": 1, "first_name": "Hook", "last_name": "Invite"}});
    created(f.post("/users", &token, invite).await).await;
    let auto = json!({"action": "autoCreate", "user_info": {"email": "hook.auto@example.com",
        "type": 2, "password": "Passw0rd!x", "first_name": "Hook", "last_name": "Auto"}});
    let id = created(f.post("/users", &token, auto).await).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..2 {
        let event = hooks.next("user.created").await;
        let body = payload(&event, "user.created", &f);
        let emails = ["hook.invite@example.com", "hook.auto@example.com"];
        assert!(emails.contains(&body["object"]["email"].as_str().unwrap()));
        assert!(["create", "autoCreate"].contains(&body["creation_type"].as_str().unwrap()));
        operated(body);
        events.push(event);
    }

    let user = format!("/users/{id}");
    let change = json!({"first_name": "Renamed", "last_name": "Hooked", "dept": "QA",
        "timezone": "Europe/Paris", "job_title": "Checker", "company": "Acme", "location": "Paris",
        "language": "fr-FR", "phone_number": "+33 1 23 45 67 89", "display_name": "R. Hooked",
        "type": 1, "pmi": 3_456_789_012_i64, "use_pmi": true});
    no_content(&f.patch(&user, &token, change).await);
    let event = hooks.next("user.updated").await;
    let body = payload(&event, "user.updated", &f);
    operated(body);
    assert_eq!(body["object"]["id"], id.as_str());
    assert_eq!(body["object"]["first_name"], "Renamed");
    assert_eq!(body["old_object"]["first_name"], "Hook");
    assert!(body["object"].get("email").is_none(), "only what changed");
    assert!(body["time_stamp"].is_i64());
    events.push(event);

    let status = format!("{user}/status");
    for (action, name) in [
        ("deactivate", "user.deactivated"),
        ("activate", "user.activated"),
    ] {
        ok_without_body(f.put(&status, &token, json!({ "action": action })).await).await;
        let event = hooks.next(name).await;
        let body = payload(&event, name, &f);
        operated(body);
        assert_eq!(body["object"]["id"], id.as_str());
        events.push(event);
    }

    let member = member(&handle);
    no_content(
        &f.delete(&format!("{user}?action=disassociate"), &token)
            .await,
    );
    no_content(
        &f.delete(&format!("/users/{}?action=delete", member.id), &token)
            .await,
    );
    for (name, gone) in [("user.disassociated", &id), ("user.deleted", &member.id)] {
        let event = hooks.next(name).await;
        let body = payload(&event, name, &f);
        operated(body);
        assert_eq!(body["object"]["id"], gone.as_str());
        events.push(event);
    }

    let problems: Vec<String> = events.iter().flat_map(schema_problems).collect();
    assert!(
        problems.is_empty(),
        "{} differences from Zoom's event schemas:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
