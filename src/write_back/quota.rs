//! The per-user daily limits a request spends
//! (<https://developers.zoom.us/docs/api/rate-limits/#daily-rate-limits>). The worker takes them
//! from `zoom.daily_quota` before the call, so a spent limit waits for 00:00 UTC instead of costing
//! a 429; Zoom's own daily 429 still wins, since other apps spend the same limits.

use super::request::{Subject, ZoomRequest};
use crate::db::daily_quota::Quota;
use crate::write_back::Action;
use zoom_api::plan::{
    Plan, REGISTRATIONS_PER_REGISTRANT, SESSION_WRITES_PER_HOST, STATUS_CHANGES_PER_REGISTRANT,
    daily_user_invites,
};

/// The quotas `request` spends. `host` is the id of the user hosting the meeting or webinar
/// created or updated (as resolved by the worker); without it the host limit is not counted
/// here, and Zoom's 429 is the only guard.
pub fn quotas(request: &ZoomRequest, host: Option<&str>, plan: Plan) -> Vec<Quota> {
    let quota = |scope: String, cap: u32| Quota {
        scope,
        cap: i32::try_from(cap).unwrap_or(i32::MAX),
    };
    match &request.subject {
        Subject::NewUser { create_action, .. } if create_action == "create" => {
            vec![quota("user_invites".into(), daily_user_invites(plan))]
        }
        Subject::NewSession { .. } | Subject::Session { .. }
            if counts_as_session_write(request) =>
        {
            host.map(|host| quota(format!("session_writes:{host}"), SESSION_WRITES_PER_HOST))
                .into_iter()
                .collect()
        }
        Subject::NewRegistrant {
            kind,
            session_id,
            email,
        } => vec![quota(
            format!(
                "registrations:{}:{session_id}:{}",
                kind.as_str(),
                email.to_lowercase()
            ),
            REGISTRATIONS_PER_REGISTRANT,
        )],
        Subject::RegistrantStatus {
            kind,
            session_id,
            registrants,
        } => registrants
            .iter()
            .map(|r| {
                quota(
                    format!(
                        "status_changes:{}:{session_id}:{}",
                        kind.as_str(),
                        r.to_lowercase()
                    ),
                    STATUS_CHANGES_PER_REGISTRANT,
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Zoom counts creates and updates against the host's 100 a day; its rate-limit page leaves
/// deletes out.
fn counts_as_session_write(request: &ZoomRequest) -> bool {
    matches!(
        request.action,
        Action::MeetingCreate
            | Action::MeetingUpdate
            | Action::WebinarCreate
            | Action::WebinarUpdate
    )
}

#[cfg(test)]
mod tests {
    use reqwest::Method;
    use serde_json::Value;

    use super::*;
    use crate::zoom::{Endpoint, SessionKind};

    fn request(action: Action, subject: Subject) -> ZoomRequest {
        ZoomRequest {
            action,
            endpoint: Endpoint::Raw,
            method: Method::POST,
            path: String::new(),
            query: Vec::new(),
            body: Some(Value::Null),
            subject,
        }
    }

    fn scopes(quotas: Vec<Quota>) -> Vec<(String, i32)> {
        quotas.into_iter().map(|q| (q.scope, q.cap)).collect()
    }

    #[test]
    fn each_subject_spends_its_limit() {
        let invite = request(
            Action::UserCreate,
            Subject::NewUser {
                email: "a@example.com".into(),
                create_action: "create".into(),
            },
        );
        assert_eq!(
            scopes(quotas(&invite, None, Plan::Pro)),
            [("user_invites".to_string(), 1500)]
        );
        let sso = request(
            Action::UserCreate,
            Subject::NewUser {
                email: "a@example.com".into(),
                create_action: "ssoCreate".into(),
            },
        );
        assert!(quotas(&sso, None, Plan::Pro).is_empty());

        let update = request(
            Action::MeetingUpdate,
            Subject::Session {
                kind: SessionKind::Meeting,
                id: 85746065432,
            },
        );
        assert_eq!(
            scopes(quotas(&update, Some("host1"), Plan::Pro)),
            [("session_writes:host1".to_string(), 100)]
        );
        assert!(quotas(&update, None, Plan::Pro).is_empty());
        let delete = request(
            Action::MeetingDelete,
            Subject::Session {
                kind: SessionKind::Meeting,
                id: 85746065432,
            },
        );
        assert!(quotas(&delete, Some("host1"), Plan::Pro).is_empty());

        let register = request(
            Action::WebinarRegistrantCreate,
            Subject::NewRegistrant {
                kind: SessionKind::Webinar,
                session_id: 9,
                email: "Ann@Example.com".into(),
            },
        );
        assert_eq!(
            scopes(quotas(&register, None, Plan::Free)),
            [("registrations:webinar:9:ann@example.com".to_string(), 3)]
        );
        let status = request(
            Action::MeetingRegistrantStatus,
            Subject::RegistrantStatus {
                kind: SessionKind::Meeting,
                session_id: 9,
                registrants: vec!["r1".into(), "b@example.com".into()],
            },
        );
        assert_eq!(
            scopes(quotas(&status, None, Plan::Free)),
            [
                ("status_changes:meeting:9:r1".to_string(), 10),
                ("status_changes:meeting:9:b@example.com".to_string(), 10)
            ]
        );
    }
}
