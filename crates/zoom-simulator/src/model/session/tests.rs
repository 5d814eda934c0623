//! Meetings and webinars against the clock, and the shapes they are shown in.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use serde_json::Map;

use crate::model::session::*;
use zoom_api::SessionKind;

pub(crate) fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
}

pub(crate) fn meeting(meeting_type: u8) -> SimMeeting {
    SimMeeting {
        kind: SessionKind::Meeting,
        id: 85_746_065_432,
        uuid: "4444AAAiAAAAAiAiAiiAii==".into(),
        host_id: "KDcuGIm1QgePTO8WbOqwIQ".into(),
        topic: "Standup".into(),
        session_type: meeting_type,
        start_time: (meeting_type != 3).then(|| at(10, 9)),
        duration: 60,
        timezone: "Europe/Paris".into(),
        agenda: "a".repeat(300),
        created_at: at(1, 9),
        password: "aB3xYz".into(),
        approval_type: 2,
        is_simulive: false,
        occurrences: if meeting_type == 8 {
            vec![at(10, 9), at(17, 9), at(24, 9)]
        } else {
            vec![]
        },
        recurrence: None,
        settings: Map::new(),
        registrants: vec![],
        instances: vec![],
        deleted: false,
    }
}

fn held(start: DateTime<Utc>, hours: i64) -> SimInstance {
    SimInstance {
        uuid: "held+instance/uuid00000==".into(),
        start_time: start,
        end_time: Some(start + TimeDelta::hours(hours)),
        participants_count: 3,
        joins: Vec::new(),
    }
}

#[test]
fn a_one_off_meeting_lasts_thirty_days_after_its_end_or_last_use() {
    let mut m = meeting(2);
    assert_eq!(m.expires_at(), at(10, 10) + TimeDelta::days(30));
    // Used again later: the clock starts from that use.
    m.instances.push(held(at(20, 8), 2));
    assert_eq!(m.expires_at(), at(20, 10) + TimeDelta::days(30));
    assert!(m.exists_at(at(20, 10) + TimeDelta::days(29)));
    assert!(!m.exists_at(at(20, 10) + TimeDelta::days(30)));
    m.deleted = true;
    assert!(!m.exists_at(at(21, 0)));
}

#[test]
fn recurring_and_pmi_meetings_last_a_year_after_their_last_start() {
    for t in [3, 4, 8] {
        let mut m = meeting(t);
        assert_eq!(m.expires_at(), at(1, 9) + TimeDelta::days(365), "type {t}");
        m.instances.push(held(at(17, 9), 1));
        assert_eq!(m.expires_at(), at(17, 9) + TimeDelta::days(365), "type {t}");
    }
}

#[test]
fn a_running_one_off_meeting_does_not_expire() {
    let mut m = meeting(2);
    m.instances.push(SimInstance {
        end_time: None,
        ..held(at(10, 9), 1)
    });
    assert!(m.is_live());
    assert!(m.exists_at(at(10, 9) + TimeDelta::days(400)));
}

#[test]
fn list_types_split_upcoming_from_previous() {
    let m = meeting(2);
    assert!(m.matches(MeetingListType::Upcoming, at(9, 0)));
    assert!(!m.matches(MeetingListType::PreviousMeetings, at(9, 0)));
    assert!(!m.matches(MeetingListType::Upcoming, at(11, 0)));
    assert!(m.matches(MeetingListType::PreviousMeetings, at(11, 0)));
    assert!(!m.matches(MeetingListType::Live, at(11, 0)));
    let series = meeting(8);
    assert!(series.matches(MeetingListType::UpcomingMeetings, at(20, 0)));
    assert!(series.matches(MeetingListType::PreviousMeetings, at(20, 0)));
    assert!(meeting(3).matches(MeetingListType::Upcoming, at(30, 0)));
}

#[test]
fn the_listing_cuts_the_agenda_and_the_detail_does_not() {
    let mut m = meeting(3);
    m.agenda = "é".repeat(300);
    let item = m.listing_json();
    assert_eq!(item["agenda"].as_str().unwrap().chars().count(), 250);
    assert!(item.get("start_time").is_none());
    assert!(item.get("pmi").is_none());
    let detail = m.detail_json("host@example.com");
    assert_eq!(detail["agenda"].as_str().unwrap().chars().count(), 300);
    assert_eq!(detail["recurrence"]["type"], 1);
    assert!(detail.get("registration_url").is_none());
    assert_eq!(detail["settings"]["approval_type"], 2);

    let mut series = meeting(8);
    series.approval_type = 0;
    let detail = series.detail_json("host@example.com");
    assert_eq!(detail["occurrences"].as_array().unwrap().len(), 3);
    assert_eq!(detail["recurrence"]["end_times"], 3);
    assert!(detail["registration_url"].is_string());
    assert_eq!(meeting(4).listing_json()["pmi"], "85746065432");
}

#[test]
fn past_meetings_need_an_ended_instance_from_the_last_year() {
    let mut m = meeting(8);
    assert_eq!(m.latest_past(at(30, 0)), Err(PastRefusal::NeverEnded));
    m.instances.push(held(at(10, 9), 1));
    m.instances.push(held(at(17, 9), 2));
    let latest = m.latest_past(at(30, 0)).unwrap();
    assert_eq!(latest.start_time, at(17, 9));
    let past = m.past_json(latest, None);
    assert_eq!(past["duration"], 120);
    assert_eq!(past["total_minutes"], 360);
    assert_eq!(past["end_time"], "2026-03-17T11:00:00Z");
    assert_eq!(
        m.latest_past(at(17, 11) + TimeDelta::days(366)),
        Err(PastRefusal::OverAYearAgo)
    );
}

pub(crate) fn webinar(webinar_type: u8) -> SimWebinar {
    let at = |d| Utc.with_ymd_and_hms(2026, 3, d, 15, 0, 0).unwrap();
    SimWebinar {
        kind: SessionKind::Webinar,
        id: 91_234_567_890,
        uuid: "m3WqMkvuRXyYqH+eKWhk9w==".into(),
        topic: "Quarterly update".into(),
        session_type: webinar_type,
        start_time: (webinar_type != 6).then(|| at(10)),
        duration: 90,
        timezone: "America/Chicago".into(),
        agenda: String::new(),
        created_at: at(1),
        password: "w3bin4r".into(),
        approval_type: 0,
        occurrences: if webinar_type == 9 {
            vec![at(10), at(17)]
        } else {
            vec![]
        },
        // The host, and nothing set through the API.
        ..meeting(2)
    }
}

#[test]
fn webinars_expire_ninety_days_after_their_scheduled_end() {
    let w = webinar(5);
    let end = Utc.with_ymd_and_hms(2026, 3, 10, 16, 30, 0).unwrap();
    assert_eq!(w.expires_at(), end + TimeDelta::days(90));
    assert!(w.exists_at(end + TimeDelta::days(89)));
    assert!(!w.exists_at(end + TimeDelta::days(90)));
    let series = webinar(9);
    assert_eq!(
        series.expires_at(),
        end + TimeDelta::days(7) + TimeDelta::days(90)
    );
}

#[test]
fn shapes_follow_the_registration_setting() {
    let w = webinar(5);
    let item = w.listing_json();
    assert_eq!(item["is_simulive"], false);
    assert!(item.get("agenda").is_none());
    let detail = w.detail_json("host@example.com");
    assert_eq!(detail["settings"]["approval_type"], 0);
    assert!(detail["registration_url"].is_string());
    let closed = SimWebinar {
        approval_type: 2,
        ..webinar(6)
    };
    let detail = closed.detail_json("host@example.com");
    assert!(detail.get("registration_url").is_none());
    assert!(detail.get("start_time").is_none());
}
