//! [`BusyHosts`]: drawn from the same generator after everything else, so an account without
//! them is byte for byte the account it was before they existed.
//!
//! [`BusyHosts`]: crate::BusyHosts

use crate::generate::generator::Generator;
use crate::generate::recordings::RecordingAge;
use crate::generate::sessions::Quirk;
use crate::generate::spec::AccountSpec;
use crate::model::entities::Entities;
use crate::model::user::SimUser;

/// The 28-day month-long window (ending on 1 March) reaches back 27 days; every other reaches
/// further.
const RECENT_DAYS: i64 = 27;

pub(super) fn add(g: &mut Generator, spec: &AccountSpec, active: &[&SimUser], into: &mut Entities) {
    let busy = spec.busy;
    let crowded = |k: usize| k == 0 && busy.registrants > 0;
    for host in active.iter().take(busy.hosts) {
        for k in 0..busy.meetings {
            // The showcase quirk that opens registration and gives every status.
            let meeting = if crowded(k) {
                g.meeting(host, Some(Quirk::EveryStatus), &mut None, busy.registrants)
            } else {
                g.meeting(host, None, &mut None, spec.registrants_per_meeting)
            };
            into.meetings.insert(meeting);
        }
        if busy.webinars > 0 {
            into.set_webinar_plan(&host.id, true);
        }
        for k in 0..busy.webinars {
            // Rank 0 is the showcase webinar's: registration on, every status.
            let webinar = if crowded(k) {
                g.webinar(host, Some(0), busy.registrants)
            } else {
                g.webinar(host, None, spec.registrants_per_meeting)
            };
            into.webinars.insert(webinar);
        }
        for _ in 0..busy.recordings {
            g.add_recording(host, RecordingAge::Within(RECENT_DAYS), into);
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Months, NaiveDate, NaiveTime, TimeDelta};

    use super::*;
    use crate::BusyHosts;
    use crate::generate::users;
    use crate::model::recording::DateRange;
    use crate::model::registrant::RegistrantStatus;
    use crate::model::session::MeetingListType;
    use crate::model::user::UserStatus;

    fn spec(busy: BusyHosts, today: NaiveDate) -> AccountSpec {
        AccountSpec {
            users: 30,
            seed: 9,
            today: Some(today),
            busy,
            ..AccountSpec::default()
        }
    }

    const BUSY: BusyHosts = BusyHosts {
        hosts: 2,
        meetings: 40,
        webinars: 30,
        registrants: 700,
        recordings: 50,
    };

    #[test]
    fn busy_hosts_have_what_was_asked_and_everyone_else_is_unchanged() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let users = users::generate(&spec(BUSY, today));
        let plain = crate::generate::generate(&spec(BusyHosts::default(), today), &users);
        let busy = crate::generate::generate(&spec(BUSY, today), &users);
        let active: Vec<&SimUser> = users
            .iter()
            .filter(|u| u.status == UserStatus::Active)
            .collect();
        let all = DateRange {
            from: NaiveDate::MIN,
            to: NaiveDate::MAX,
        };
        for (i, host) in active.iter().enumerate() {
            let extra = |kind: usize| if i < BUSY.hosts { kind } else { 0 };
            let plain_meetings: Vec<_> = plain.meetings.hosted_by(&host.id).collect();
            let busy_meetings: Vec<_> = busy.meetings.hosted_by(&host.id).collect();
            // And the deleted meeting each recording recorded.
            assert_eq!(
                busy_meetings.len(),
                plain_meetings.len() + extra(BUSY.meetings + BUSY.recordings)
            );
            assert_eq!(busy_meetings[..plain_meetings.len()], plain_meetings[..]);
            let webinars = |e: &Entities| e.webinars.hosted_by(&host.id).count();
            assert_eq!(webinars(&busy), webinars(&plain) + extra(BUSY.webinars));
            assert_eq!(
                busy.has_webinar_plan(&host.id),
                i < BUSY.hosts || plain.has_webinar_plan(&host.id)
            );
            let recordings = |e: &Entities| e.recordings_in(Some(&host.id), all).len();
            assert_eq!(
                recordings(&busy),
                recordings(&plain) + extra(BUSY.recordings)
            );
        }

        let now = today.and_time(NaiveTime::MIN).and_utc() + TimeDelta::hours(1);
        let owner = &active[0].id;
        let approved = |registrants: &[crate::SimRegistrant]| {
            registrants
                .iter()
                .filter(|r| r.status == RegistrantStatus::Approved)
                .count()
        };
        let crowded = busy
            .listed_meetings(owner, MeetingListType::Scheduled, now)
            .into_iter()
            .find(|m| m.registrants.len() == BUSY.registrants)
            .expect("a listed meeting with every registrant");
        assert!(crowded.has_registration());
        assert!(approved(&crowded.registrants) > 450, "most are approved");
        for status in RegistrantStatus::ALL {
            assert!(crowded.registrants.iter().any(|r| r.status == status));
        }
        let crowded = busy
            .listed_webinars(owner, false, now)
            .into_iter()
            .find(|w| w.registrants.len() == BUSY.registrants)
            .expect("a listed webinar with every registrant");
        assert!(crowded.has_registration());
        assert!(approved(&crowded.registrants) > 450);

        // The shortest month-long window, ending on 1 March, holds every recent recording.
        let window = DateRange {
            from: today.checked_sub_months(Months::new(1)).unwrap() + TimeDelta::days(1),
            to: today,
        };
        let in_window = busy.recordings_in(Some(owner), window).len();
        let before = plain.recordings_in(Some(owner), window).len();
        assert_eq!(in_window, before + BUSY.recordings);
    }
}
