//! The reads: every listing walked page by page (so first, middle and last pages are checked),
//! each kind of single object, and each refusal the handlers give.

use chrono::{TimeDelta, Utc};

use super::*;

const NOBODY: &str = "nobody@example.com";
const NO_SESSION: &str = "12345678901";

fn id_of(item: &Value) -> String {
    match &item["id"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Active users' ids, those hosting the most listed meetings first.
fn busiest_hosts(handle: &SimHandle) -> Vec<String> {
    let mut hosts: Vec<(usize, String)> = handle
        .listed_users("active")
        .iter()
        .map(|u| {
            let id = id_of(u);
            (handle.listed_meetings(&id, "scheduled").len(), id)
        })
        .collect();
    hosts.sort_by_key(|h| std::cmp::Reverse(h.0));
    hosts.into_iter().map(|(_, id)| id).collect()
}

/// Every meeting the listings show, and each host's PMI room, which they do not.
fn all_meetings(handle: &SimHandle) -> Vec<SimMeeting> {
    let now = Utc::now();
    handle
        .listed_users("active")
        .iter()
        .flat_map(|u| {
            let listed = handle.listed_meetings(&id_of(u), "scheduled");
            let pmi = u["pmi"].as_u64().map(|pmi| pmi.to_string());
            listed.iter().map(id_of).chain(pmi).collect::<Vec<_>>()
        })
        .filter_map(|id| handle.meeting(&id).filter(|m| m.exists_at(now)))
        .collect()
}

fn all_webinars(handle: &SimHandle) -> Vec<SimWebinar> {
    handle
        .listed_users("active")
        .iter()
        .flat_map(|u| handle.listed_webinars(&id_of(u)))
        .filter_map(|w| handle.webinar(&id_of(&w)))
        .collect()
}

pub(super) async fn users(p: &mut Probe<'_>) {
    let first = "/users?status=active&page_size=10";
    assert!(p.token_pages(Endpoint::ListUsers, first).await >= 3);
    for status in ["inactive", "pending"] {
        p.get(Endpoint::ListUsers, &format!("/users?status={status}"), 200)
            .await;
    }
    p.get(Endpoint::ListUsers, "/users?page_size=5&page_number=2", 200)
        .await;
    p.expired_token(Endpoint::ListUsers, first).await;
    p.get(Endpoint::ListUsers, "/users?status=deleted", 400)
        .await;

    let handle = p.handle();
    for status in ["active", "inactive", "pending"] {
        let user = handle.listed_users(status)[0]["email"]
            .as_str()
            .unwrap()
            .to_owned();
        p.get(Endpoint::GetUser, &format!("/users/{user}"), 200)
            .await;
    }
    p.get(Endpoint::GetUser, &format!("/users/{NOBODY}"), 404)
        .await;
}

pub(super) async fn meetings(p: &mut Probe<'_>) {
    let handle = p.handle();
    let hosts = busiest_hosts(&handle);
    // Every host's meetings, so that each kind of generated meeting is listed.
    for host in &hosts {
        let all = format!("/users/{host}/meetings?page_size=300");
        p.get(Endpoint::ListMeetings, &all, 200).await;
    }
    let host = &hosts[0];
    let first = format!("/users/{host}/meetings?page_size=1");
    assert!(p.token_pages(Endpoint::ListMeetings, &first).await >= 3);
    for list_type in ["live", "upcoming", "upcoming_meetings", "previous_meetings"] {
        let path = format!("/users/{host}/meetings?type={list_type}");
        p.get(Endpoint::ListMeetings, &path, 200).await;
    }
    p.expired_token(Endpoint::ListMeetings, &first).await;
    let bad_type = format!("/users/{host}/meetings?type=all");
    p.get(Endpoint::ListMeetings, &bad_type, 400).await;
    let nobody = format!("/users/{NOBODY}/meetings");
    p.get(Endpoint::ListMeetings, &nobody, 404).await;

    // One meeting of each type, with and without registration.
    let mut shown = HashSet::new();
    for m in all_meetings(&handle) {
        if shown.insert((m.session_type, m.has_registration())) {
            p.get(Endpoint::GetMeeting, &format!("/meetings/{}", m.id), 200)
                .await;
        }
    }
    for kind in [2, 3, 4, 8] {
        assert!(shown.iter().any(|s| s.0 == kind), "type {kind}: {shown:?}");
    }
    let slashed = all_meetings(&handle)
        .into_iter()
        .find(|m| m.uuid.starts_with('/'))
        .expect("a UUID beginning with /");
    let double = zoom_api::meeting_path_segment(&slashed.uuid);
    p.get(Endpoint::GetMeeting, &format!("/meetings/{double}"), 200)
        .await;
    let single = zoom_api::path_segment(&slashed.uuid);
    p.get(Endpoint::GetMeeting, &format!("/meetings/{single}"), 404)
        .await;
    p.get(
        Endpoint::GetMeeting,
        &format!("/meetings/{NO_SESSION}"),
        404,
    )
    .await;
}

/// The invitation of each type of meeting; an unknown meeting; a host who may not host.
pub(super) async fn invitations(p: &mut Probe<'_>) {
    let handle = p.handle();
    let mut shown = HashSet::new();
    let meetings = all_meetings(&handle);
    let can_host = |m: &SimMeeting| handle.user(&m.host_id).is_some_and(|u| u.can_host());
    for m in meetings.iter().filter(|m| can_host(m)) {
        if shown.insert(m.session_type) {
            let path = format!("/meetings/{}/invitation", m.id);
            p.get(Endpoint::GetMeetingInvitation, &path, 200).await;
        }
    }
    let unknown = format!("/meetings/{NO_SESSION}/invitation");
    p.get(Endpoint::GetMeetingInvitation, &unknown, 404).await;
    let refused = meetings
        .iter()
        .find(|m| !can_host(m))
        .expect("a meeting whose host may not host");
    let path = format!("/meetings/{}/invitation", refused.id);
    p.get(Endpoint::GetMeetingInvitation, &path, 400).await;
}

pub(super) async fn past_meetings(p: &mut Probe<'_>) {
    let handle = p.handle();
    let mut m = all_meetings(&handle).remove(0);
    let start = Utc::now() - TimeDelta::days(3);
    m.id = 10_000_000_002;
    m.uuid = "past//meeting0000000000==".into();
    m.instances = vec![SimInstance {
        uuid: m.uuid.clone(),
        start_time: start,
        end_time: Some(start + TimeDelta::minutes(30)),
        participants_count: 4,
        joins: Vec::new(),
    }];
    handle.insert_meeting(m.clone());
    let by_id = "/past_meetings/10000000002";
    p.get(Endpoint::GetPastMeeting, by_id, 200).await;
    let by_uuid = zoom_api::meeting_path_segment(&m.uuid);
    p.get(
        Endpoint::GetPastMeeting,
        &format!("/past_meetings/{by_uuid}"),
        200,
    )
    .await;
    let never = format!("/past_meetings/{NO_SESSION}");
    p.get(Endpoint::GetPastMeeting, &never, 404).await;
    handle.update_meeting("10000000002", |m| {
        for i in &mut m.instances {
            i.start_time -= TimeDelta::days(400);
            i.end_time = i.end_time.map(|t| t - TimeDelta::days(400));
        }
    });
    p.get(Endpoint::GetPastMeeting, by_id, 400).await;
}

/// A meeting's or webinar's ended instances and one instance's joins walked page by page
/// (guests, a rejoin), by a UUID Zoom decodes twice; an unknown session; an instance over a
/// year old.
pub(super) async fn past_participants(p: &mut Probe<'_>, kind: SessionKind) {
    let handle = p.handle();
    let mut s = all_meetings(&handle).remove(0);
    let start = Utc::now() - TimeDelta::days(3);
    (s.kind, s.session_type, s.id) = match kind {
        SessionKind::Meeting => (kind, 2, 10_000_000_003),
        SessionKind::Webinar => (kind, 5, 10_000_000_004),
    };
    s.uuid = format!("/past//{}0000000000==", kind.as_str());
    s.instances = vec![SimInstance {
        uuid: s.uuid.clone(),
        start_time: start,
        end_time: Some(start + TimeDelta::minutes(60)),
        participants_count: 400,
        joins: Vec::new(),
    }];
    handle.set_webinar_plan(&s.host_id, true);
    handle.insert_session(s.clone());
    let (past, instances, participants) = (
        kind.past(),
        kind.past_instances_endpoint(),
        kind.past_participants_endpoint(),
    );
    p.get(instances, &format!("/{past}/{}/instances", s.id), 200)
        .await;
    p.get(instances, &format!("/{past}/{NO_SESSION}/instances"), 404)
        .await;
    let uuid = zoom_api::meeting_path_segment(&s.uuid);
    let joins = format!("/{past}/{uuid}/participants");
    let first = p
        .get(participants, &format!("{joins}?page_size=300"), 200)
        .await;
    let token = first["next_page_token"].as_str().unwrap().to_owned();
    assert!(!token.is_empty());
    let last = format!("{joins}?next_page_token={token}");
    assert_eq!(p.get(participants, &last, 200).await["next_page_token"], "");
    p.get(
        participants,
        &format!("/{past}/{NO_SESSION}/participants"),
        404,
    )
    .await;
    handle.update_session(kind, &s.id.to_string(), |s| {
        for i in &mut s.instances {
            i.start_time -= TimeDelta::days(400);
            i.end_time = i.end_time.map(|t| t - TimeDelta::days(400));
        }
    });
    // Over a year ago for a meeting (12702), a host without the add-on for a webinar (200).
    handle.set_webinar_plan(&s.host_id, kind == SessionKind::Meeting);
    p.get(participants, &format!("/{past}/{}/participants", s.id), 400)
        .await;
    handle.set_webinar_plan(&s.host_id, true);
}

pub(super) async fn webinars(p: &mut Probe<'_>) {
    let handle = p.handle();
    let users = handle.listed_users("active");
    let host = users
        .iter()
        .map(id_of)
        .find(|u| handle.listed_webinars(u).len() >= 3)
        .expect("a host of three webinars");
    let pages = handle.listed_webinars(&host).len();
    for number in 1..=pages {
        let path = format!("/users/{host}/webinars?page_size=1&page_number={number}");
        p.get(Endpoint::ListWebinars, &path, 200).await;
    }
    let upcoming = format!("/users/{host}/webinars?type=upcoming");
    p.get(Endpoint::ListWebinars, &upcoming, 200).await;
    let bad_type = format!("/users/{host}/webinars?type=past");
    p.get(Endpoint::ListWebinars, &bad_type, 400).await;
    let nobody = format!("/users/{NOBODY}/webinars");
    p.get(Endpoint::ListWebinars, &nobody, 404).await;
    let planless = users
        .iter()
        .map(id_of)
        .find(|u| handle.listed_webinars(u).is_empty())
        .unwrap();
    assert!(handle.set_webinar_plan(&planless, false));
    let refused = format!("/users/{planless}/webinars");
    p.get(Endpoint::ListWebinars, &refused, 400).await;

    let mut shown = HashSet::new();
    for w in all_webinars(&handle) {
        if shown.insert((w.session_type, w.has_registration())) {
            p.get(Endpoint::GetWebinar, &format!("/webinars/{}", w.id), 200)
                .await;
        }
    }
    assert!(shown.len() >= 3, "{shown:?}");
    p.get(
        Endpoint::GetWebinar,
        &format!("/webinars/{NO_SESSION}"),
        404,
    )
    .await;
}

/// The listing and single-registrant endpoints of `kind`, and its path prefix.
fn registrant_endpoints(kind: SessionKind) -> (Endpoint, Endpoint, &'static str) {
    match kind {
        SessionKind::Meeting => (
            Endpoint::ListMeetingRegistrants,
            Endpoint::GetMeetingRegistrant,
            "meetings",
        ),
        SessionKind::Webinar => (
            Endpoint::ListWebinarRegistrants,
            Endpoint::GetWebinarRegistrant,
            "webinars",
        ),
    }
}

/// A session of `kind` with registration on and one with it off.
pub(super) fn open_and_closed(handle: &SimHandle, kind: SessionKind) -> (u64, u64) {
    let sessions: Vec<(u64, bool)> = match kind {
        SessionKind::Meeting => all_meetings(handle)
            .iter()
            .map(|m| (m.id, m.has_registration()))
            .collect(),
        SessionKind::Webinar => all_webinars(handle)
            .iter()
            .map(|w| (w.id, w.has_registration()))
            .collect(),
    };
    let open = sessions.iter().find(|s| s.1).expect("registration on").0;
    let closed = sessions.iter().find(|s| !s.1).expect("registration off").0;
    (open, closed)
}

pub(super) async fn registrants(p: &mut Probe<'_>, kind: SessionKind) {
    let handle = p.handle();
    let (list, get, prefix) = registrant_endpoints(kind);
    let (open, closed) = open_and_closed(&handle, kind);
    let registrants = handle.registrants(kind, &open.to_string()).unwrap();
    for i in 0..3 {
        handle.insert_registrant(
            kind,
            &open.to_string(),
            SimRegistrant {
                id: format!("schemaCheckRegistrant{i}"),
                email: format!("schema.check.{i}@example.com"),
                status: RegistrantStatus::Approved,
                ..registrants[0].clone()
            },
        );
    }
    let first = format!("/{prefix}/{open}/registrants?status=approved&page_size=1");
    assert!(p.token_pages(list, &first).await >= 3);
    for status in ["pending", "denied"] {
        let path = format!("/{prefix}/{open}/registrants?status={status}&page_size=300");
        p.get(list, &path, 200).await;
    }
    p.expired_token(list, &first).await;
    let bad_status = format!("/{prefix}/{open}/registrants?status=cancelled");
    p.get(list, &bad_status, 400).await;
    let missing = format!("/{prefix}/{NO_SESSION}/registrants");
    p.get(list, &missing, 404).await;
    p.get(list, &format!("/{prefix}/{closed}/registrants"), 300)
        .await;

    let one = format!("/{prefix}/{open}/registrants/{}", registrants[0].id);
    p.get(get, &one, 200).await;
    let unknown = format!("/{prefix}/{open}/registrants/unknownRegistrant0000");
    p.get(get, &unknown, 404).await;
    let gone = format!("/{prefix}/{NO_SESSION}/registrants/{}", registrants[0].id);
    p.get(get, &gone, 404).await;
}

pub(super) async fn recordings(p: &mut Probe<'_>) {
    let handle = p.handle();
    let today = Utc::now().date_naive();
    let from = today - TimeDelta::days(30);
    let window = |path: &str, size: u32| {
        format!("{path}?from={from}&to={today}&page_size={size}&mc=false&trash=false")
    };
    let user = id_of(&handle.listed_users("active")[0]);
    let model = handle.recordings_in(None, Some(from), Some(today))[0]["uuid"]
        .as_str()
        .map(|uuid| handle.recording(uuid).unwrap())
        .unwrap();
    for i in 0..3u8 {
        handle.insert_recording(SimRecording {
            uuid: format!("schemaCheckRecording{i}00=="),
            host_id: user.clone(),
            start_time: Utc::now() - TimeDelta::days(i64::from(i) + 1),
            ..model.clone()
        });
    }
    let mine = window(&format!("/users/{user}/recordings"), 1);
    assert!(p.token_pages(Endpoint::ListUserRecordings, &mine).await >= 3);
    let defaults = format!("/users/{user}/recordings");
    p.get(Endpoint::ListUserRecordings, &defaults, 200).await;
    p.expired_token(Endpoint::ListUserRecordings, &mine).await;
    let bad_day = format!("/users/{user}/recordings?from=2026-1-1");
    p.get(Endpoint::ListUserRecordings, &bad_day, 400).await;
    let nobody = format!("/users/{NOBODY}/recordings");
    p.get(Endpoint::ListUserRecordings, &nobody, 404).await;

    let account = window("/accounts/me/recordings", 5);
    assert!(
        p.token_pages(Endpoint::ListAccountRecordings, &account)
            .await
            >= 3
    );
    let in_progress = handle
        .recordings_in(None, Some(from), Some(today))
        .iter()
        .any(|r| {
            r["recording_files"]
                .to_string()
                .contains("\"file_type\":\"\"")
        });
    assert!(
        in_progress,
        "an unfinished recording is among those checked"
    );
    p.expired_token(Endpoint::ListAccountRecordings, &account)
        .await;
    let bad_size = "/accounts/me/recordings?page_size=301";
    p.get(Endpoint::ListAccountRecordings, bad_size, 400).await;
    let other = "/accounts/someOtherAccount00001/recordings";
    p.get(Endpoint::ListAccountRecordings, other, 400).await;
}

pub(super) async fn phone_recordings(p: &mut Probe<'_>) {
    let handle = p.handle();
    let user = handle.phone_users()[0].clone();
    for days in 1..=4 {
        handle.add_phone_recording(&user, Utc::now() - TimeDelta::days(days));
    }
    let today = Utc::now().date_naive();
    let from = today - TimeDelta::days(29);
    let listing = format!("/phone/users/{user}/recordings");
    let window = format!("{listing}?from={from}&to={today}&page_size=2");
    assert!(
        p.token_pages(Endpoint::ListPhoneUserRecordings, &window)
            .await
            >= 2
    );
    p.expired_token(Endpoint::ListPhoneUserRecordings, &window)
        .await;
    // The last 30 days by default; a longer or older range cut to what Zoom serves.
    p.get(Endpoint::ListPhoneUserRecordings, &listing, 200)
        .await;
    let year = format!("{listing}?from={}&to={today}", today - TimeDelta::days(365));
    let cut = p.get(Endpoint::ListPhoneUserRecordings, &year, 200).await;
    assert!(cut["from"].as_str().unwrap() > (today - TimeDelta::days(32)).to_string().as_str());
    let no_to = format!("{listing}?from={from}");
    p.get(Endpoint::ListPhoneUserRecordings, &no_to, 400).await;

    let unlicensed = id_of(&handle.listed_users("active")[0]);
    assert!(handle.set_phone_licence(&unlicensed, false));
    let path = format!("/phone/users/{unlicensed}/recordings");
    p.get(Endpoint::ListPhoneUserRecordings, &path, 404).await;
    let nobody = format!("/phone/users/{NOBODY}/recordings");
    p.get(Endpoint::ListPhoneUserRecordings, &nobody, 404).await;
    handle.set_phone_enabled(false);
    p.get(Endpoint::ListPhoneUserRecordings, &listing, 403)
        .await;
    handle.set_phone_enabled(true);
}
