//! The answers any call can get before its handler runs: a bad token (401/124), the rate
//! limits (per-second and daily 429s), a missing scope (400/4711), and the account recordings
//! call on an account without that plan.

use super::*;

/// A call of each operation; the ids in the paths need not exist, as nothing here gets past
/// the gate. Exhaustive, so that a new endpoint cannot go unchecked.
fn route(endpoint: Endpoint) -> Option<(Method, &'static str)> {
    let (method, path) = match endpoint {
        Endpoint::ListUsers => (Method::GET, "/users"),
        Endpoint::GetUser => (Method::GET, "/users/me"),
        Endpoint::ListMeetings => (Method::GET, "/users/me/meetings"),
        Endpoint::GetMeeting => (Method::GET, "/meetings/85746065432"),
        Endpoint::GetMeetingInvitation => (Method::GET, "/meetings/85746065432/invitation"),
        Endpoint::GetPastMeeting => (Method::GET, "/past_meetings/85746065432"),
        Endpoint::ListPastMeetingInstances => (Method::GET, "/past_meetings/85746065432/instances"),
        Endpoint::ListPastMeetingParticipants => {
            (Method::GET, "/past_meetings/85746065432/participants")
        }
        Endpoint::ListPastWebinarInstances => (Method::GET, "/past_webinars/85746065432/instances"),
        Endpoint::ListPastWebinarParticipants => {
            (Method::GET, "/past_webinars/85746065432/participants")
        }
        Endpoint::ListMeetingRegistrants => (Method::GET, "/meetings/85746065432/registrants"),
        Endpoint::ListWebinars => (Method::GET, "/users/me/webinars"),
        Endpoint::GetWebinar => (Method::GET, "/webinars/85746065432"),
        Endpoint::ListWebinarRegistrants => (Method::GET, "/webinars/85746065432/registrants"),
        Endpoint::ListUserRecordings => (Method::GET, "/users/me/recordings"),
        Endpoint::ListAccountRecordings => (Method::GET, "/accounts/me/recordings"),
        Endpoint::ListPhoneUserRecordings => (Method::GET, "/phone/users/me/recordings"),
        Endpoint::GetMeetingRegistrant => (Method::GET, "/meetings/85746065432/registrants/r1"),
        Endpoint::GetWebinarRegistrant => (Method::GET, "/webinars/85746065432/registrants/r1"),
        Endpoint::CreateUser => (Method::POST, "/users"),
        Endpoint::UpdateUser => (Method::PATCH, "/users/me"),
        Endpoint::DeleteUser => (Method::DELETE, "/users/me"),
        Endpoint::UpdateUserStatus => (Method::PUT, "/users/me/status"),
        Endpoint::CreateMeeting => (Method::POST, "/users/me/meetings"),
        Endpoint::UpdateMeeting => (Method::PATCH, "/meetings/85746065432"),
        Endpoint::DeleteMeeting => (Method::DELETE, "/meetings/85746065432"),
        Endpoint::CreateMeetingRegistrant => (Method::POST, "/meetings/85746065432/registrants"),
        Endpoint::UpdateMeetingRegistrantStatus => {
            (Method::PUT, "/meetings/85746065432/registrants/status")
        }
        Endpoint::CreateWebinar => (Method::POST, "/users/me/webinars"),
        Endpoint::UpdateWebinar => (Method::PATCH, "/webinars/85746065432"),
        Endpoint::DeleteWebinar => (Method::DELETE, "/webinars/85746065432"),
        Endpoint::CreateWebinarRegistrant => (Method::POST, "/webinars/85746065432/registrants"),
        Endpoint::UpdateWebinarRegistrantStatus => {
            (Method::PUT, "/webinars/85746065432/registrants/status")
        }
        Endpoint::DeleteMeetingRecordings => (Method::DELETE, "/meetings/85746065432/recordings"),
        Endpoint::RecoverMeetingRecordings => {
            (Method::PUT, "/meetings/85746065432/recordings/status")
        }
        Endpoint::ListUserChannels => (Method::GET, "/chat/users/me/channels"),
        Endpoint::ListChannelMembers => (Method::GET, "/chat/users/me/channels/c1/members"),
        Endpoint::ListChatSessions => (Method::GET, "/chat/users/me/sessions"),
        Endpoint::ListChatMessages => (Method::GET, "/chat/users/me/messages"),
        Endpoint::Raw => return None,
    };
    Some((method, path))
}

fn routes() -> impl Iterator<Item = (Endpoint, Method, &'static str)> {
    Endpoint::ALL
        .into_iter()
        .filter_map(|e| route(e).map(|(method, path)| (e, method, path)))
}

/// 401 for a token Zoom never issued, and the per-second and daily 429s, on every operation.
pub(super) async fn at_the_gate(p: &mut Probe<'_>) {
    let handle = p.handle();
    for (endpoint, method, path) in routes() {
        let token = std::mem::replace(&mut p.token, "not-a-token".to_owned());
        p.call(endpoint, method.clone(), path, None, 401).await;
        p.token = token;
        for kind in [
            FaultKind::RateLimitBurst { retry_after: None },
            FaultKind::DailyLimit,
        ] {
            handle.inject(Fault::new(kind).on(endpoint).times(1));
            p.call(endpoint, method.clone(), path, None, 429).await;
        }
    }
}

/// 400/4711 on every operation for a token without scopes.
pub(super) async fn without_scopes(report: &mut Report) {
    let f = Fixture::start(SimulatorConfig {
        scopes: Vec::new(),
        ..SimulatorConfig::default()
    })
    .await;
    let mut p = Probe::new(&f, report).await;
    for (endpoint, method, path) in routes() {
        p.call(endpoint, method, path, None, 400).await;
    }
}

pub(super) async fn without_account_recordings(report: &mut Report) {
    let f = Fixture::start(SimulatorConfig {
        account_recordings: false,
        ..SimulatorConfig::default()
    })
    .await;
    let mut p = Probe::new(&f, report).await;
    p.get(
        Endpoint::ListAccountRecordings,
        "/accounts/me/recordings",
        400,
    )
    .await;
}
