//! The generated account: the same spec gives the same data, and every awkward case is there.

use super::*;
use chrono::{NaiveDate, TimeDelta};

use crate::generate::users;
use crate::model::recording::DateRange;
use crate::model::registrant::RegistrantStatus;
use crate::model::session::{MeetingListType, past_instance_check};
use crate::model::session::{SimMeeting, SimWebinar};

fn spec(users: usize, seed: u64) -> AccountSpec {
    AccountSpec {
        users,
        seed,
        today: NaiveDate::from_ymd_opt(2026, 3, 1),
        ..AccountSpec::default()
    }
}

fn entities(spec: &AccountSpec) -> (Vec<SimUser>, Entities) {
    let users = users::generate(spec);
    let entities = generate(spec, &users);
    (users, entities)
}

fn fingerprint(users: &[SimUser], e: &Entities) -> String {
    let now = spec(0, 0).today.unwrap().and_time(NaiveTime::MIN).and_utc();
    let mut out = String::new();
    for u in users {
        for m in e.meetings.hosted_by(&u.id) {
            out.push_str(&m.detail_json("").to_string());
        }
        for w in e.webinars.hosted_by(&u.id) {
            out.push_str(&w.detail_json("").to_string());
        }
    }
    let all = DateRange {
        from: NaiveDate::MIN,
        to: NaiveDate::MAX,
    };
    for r in e.recordings_in(None, all) {
        out.push_str(&r.listing_json("a").to_string());
    }
    out.push_str(&format!("{:?}", e.summary(now)));
    out
}

#[test]
fn the_same_spec_and_day_give_the_same_data() {
    let (ua, a) = entities(&spec(120, 5));
    let (ub, b) = entities(&spec(120, 5));
    assert_eq!(fingerprint(&ua, &a), fingerprint(&ub, &b));
    let (uc, c) = entities(&spec(120, 6));
    assert_ne!(fingerprint(&ua, &a), fingerprint(&uc, &c));
}

#[test]
fn the_users_are_the_same_as_without_entities() {
    let with = users::generate(&spec(50, 2));
    let without = users::generate(&AccountSpec {
        users: 50,
        seed: 2,
        meetings_per_user: 0,
        recordings_per_user: 0,
        webinars_per_user: 0,
        ..AccountSpec::default()
    });
    assert_eq!(with, without);
}

#[test]
fn twenty_users_already_have_every_awkward_case() {
    for seed in 0..30 {
        let spec = spec(20, seed);
        let (users, e) = entities(&spec);
        let now = spec.today.unwrap().and_time(NaiveTime::MIN).and_utc() + TimeDelta::hours(1);
        // The scheduled ones: the rest are the deleted meetings the recordings recorded.
        let meetings: Vec<&SimMeeting> = e.meetings.values().filter(|m| !m.deleted).collect();
        let has = |f: &dyn Fn(&SimMeeting) -> bool| meetings.iter().any(|m| f(m));
        assert!(has(&|m| m.uuid.starts_with('/')), "seed {seed}");
        assert!(has(&|m| m.uuid.contains("//")), "seed {seed}");
        assert!(has(&|m| m.session_type == 2
            && m.approval_type == 2
            && m.exists_at(now)));
        for t in [2, 3, 4, 8] {
            assert!(has(&|m| m.session_type == t), "seed {seed} type {t}");
        }
        assert!(has(&|m| m.session_type == 8 && !m.occurrences.is_empty()));
        assert!(
            meetings
                .iter()
                .all(|m| !matches!(m.session_type, 3 | 4) || m.approval_type == 2)
        );
        for status in RegistrantStatus::ALL {
            assert!(has(
                &|m| m.has_registration() && m.registrants.iter().any(|r| r.status == status)
            ));
        }
        assert!(has(&|m| m.agenda.chars().count() > 250));
        assert!(
            has(&|m| !m.exists_at(now) && m.latest_past(now).is_ok()),
            "expired, held"
        );
        assert!(
            has(&|m| !m.exists_at(now) && m.latest_past(now).is_err()),
            "held long ago"
        );
        assert!(meetings.iter().filter(|m| m.session_type == 4).all(|m| {
            users
                .iter()
                .any(|u| u.pmi == Some(m.id) && u.id == m.host_id)
        }));

        let active: Vec<&SimUser> = users
            .iter()
            .filter(|u| u.status == UserStatus::Active)
            .collect();
        assert!(active.iter().any(|u| e.has_webinar_plan(&u.id)));
        assert!(active.iter().any(|u| !e.has_webinar_plan(&u.id)));
        let webinars: Vec<&SimWebinar> = e.webinars.values().collect();
        assert!(
            webinars
                .iter()
                .any(|w| w.has_registration() && w.exists_at(now))
        );
        assert!(
            webinars
                .iter()
                .any(|w| !w.has_registration() && w.exists_at(now))
        );
        assert!(webinars.iter().any(|w| !w.exists_at(now)));

        let all = DateRange {
            from: NaiveDate::MIN,
            to: NaiveDate::MAX,
        };
        let recordings = e.recordings_in(None, all);
        assert!(recordings.iter().any(|r| {
            r.files
                .iter()
                .any(|f| f.file_type.is_empty() && f.recording_end.is_none() && f.file_size == 0)
        }));
        assert!(
            recordings
                .iter()
                .any(|r| now - r.start_time > TimeDelta::days(180))
        );
        assert!(
            recordings
                .iter()
                .all(|r| now - r.start_time < TimeDelta::days(201))
        );
        // Only active users host anything.
        for u in users.iter().filter(|u| u.status != UserStatus::Active) {
            assert_eq!(e.meetings.hosted_by(&u.id).count(), 0);
            assert!(e.recordings_in(Some(&u.id), all).is_empty());
        }
        assert!(
            !e.listed_meetings(&active[0].id, MeetingListType::Scheduled, now)
                .is_empty()
        );
    }
}

#[test]
fn a_big_account_generates_with_the_counts_asked_for() {
    let spec = AccountSpec {
        users: 2000,
        meetings_per_user: 5,
        registrants_per_meeting: 10,
        recordings_per_user: 2,
        ..spec(0, 4)
    };
    let (users, e) = entities(&spec);
    let active = users
        .iter()
        .filter(|u| u.status == UserStatus::Active)
        .count();
    let scheduled = e.meetings.values().filter(|m| !m.deleted).count();
    assert_eq!(scheduled, active * 5);
    let all = DateRange {
        from: NaiveDate::MIN,
        to: NaiveDate::MAX,
    };
    assert_eq!(e.recordings_in(None, all).len(), active * 2);
    assert_eq!(
        e.meetings.values().count(),
        active * 7,
        "a meeting per recording"
    );
    let now = spec.today.unwrap().and_time(NaiveTime::MIN).and_utc();
    let summary = e.summary(now);
    assert_eq!(summary.webinar_hosts, (active * 25 + 50) / 100);
    assert_eq!(
        summary.webinars + 1,
        summary.webinar_hosts,
        "one showcase webinar expired"
    );
    let with_registration = e.meetings.values().filter(|m| m.has_registration()).count();
    assert!(
        e.meetings
            .values()
            .filter(|m| m.has_registration())
            .all(|m| m.registrants.len() == 10)
    );
    assert!(with_registration > active);
}

/// Zoom records only an instance that was held, so each recording's UUID names an instance the
/// past participants endpoint knows: ended, but for the one still being recorded.
#[test]
fn every_recording_is_of_a_held_instance() {
    let spec = spec(20, 3);
    let (_, e) = entities(&spec);
    let now = spec.today.unwrap().and_time(NaiveTime::MIN).and_utc() + TimeDelta::hours(1);
    let all = DateRange {
        from: NaiveDate::MIN,
        to: NaiveDate::MAX,
    };
    let recordings = e.recordings_in(None, all);
    assert!(!recordings.is_empty());
    let mut running = 0;
    for r in recordings {
        let meeting = e.meetings.find(&r.uuid).expect("the recorded meeting");
        assert_eq!((meeting.id, &meeting.host_id), (r.meeting_id, &r.host_id));
        assert!(!meeting.exists_at(now), "no listing shows it");
        let instance = meeting.instances.iter().find(|i| i.uuid == r.uuid).unwrap();
        match instance.end_time {
            Some(_) => assert!(past_instance_check(instance, now).is_ok(), "{}", r.uuid),
            None => running += 1,
        }
    }
    assert_eq!(running, 1, "the recording still in progress");
}
