//! The generated meetings and webinars, and where the awkward cases go.

use chrono::{DateTime, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{RngExt, SeedableRng};

use crate::generate::generator::Generator;
use crate::generate::pools;
use crate::model::ids;
use crate::model::session::{SimInstance, SimMeeting, SimWebinar};
use crate::model::user::SimUser;
use zoom_api::SessionKind;

/// A meeting-level oddity, each forced on the first meeting of its own active user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Quirk {
    /// UUID beginning with `/`: clients must double-encode it.
    SlashUuid,
    /// UUID containing `//`: likewise.
    DoubleSlashUuid,
    /// One-off, upcoming, `approval_type` 2.
    NoRegistration,
    /// Type 3.
    NoFixedTime,
    /// Type 4 on the host's PMI.
    Pmi,
    /// Type 8 with occurrences.
    FixedSeries,
    /// Registration on, with registrants approved, pending and denied.
    EveryStatus,
    /// Longer than the 250 characters listings show.
    LongAgenda,
    /// One-off held 45 days ago: expired, but its past instance still answers.
    Expired,
    /// Series last held 400 days ago: expired, and its past instance is over a year old.
    HeldLongAgo,
}

const QUIRKS: [Quirk; 10] = [
    Quirk::SlashUuid,
    Quirk::DoubleSlashUuid,
    Quirk::NoRegistration,
    Quirk::NoFixedTime,
    Quirk::Pmi,
    Quirk::FixedSeries,
    Quirk::EveryStatus,
    Quirk::LongAgenda,
    Quirk::Expired,
    Quirk::HeldLongAgo,
];

impl Generator {
    /// The quirk of each active user's first meeting, in `active` order.
    pub(super) fn place_quirks(
        &mut self,
        active: &[&SimUser],
        any_meetings: bool,
    ) -> Vec<Option<Quirk>> {
        let mut quirks = vec![None; active.len()];
        if !any_meetings {
            return quirks;
        }
        let mut order: Vec<usize> = (0..active.len()).collect();
        order.shuffle(&mut self.rng);
        for quirk in QUIRKS {
            let fits = |i: &usize| {
                quirks[*i].is_none() && (quirk != Quirk::Pmi || active[*i].pmi.is_some())
            };
            if let Some(&i) = order.iter().find(|i| fits(i)) {
                quirks[i] = Some(quirk);
            }
        }
        quirks
    }

    /// The users with a webinar plan, in `active` order. With two or more active users and a
    /// share strictly between 0 and 100 %, at least one has a plan and one has not.
    pub(super) fn webinar_hosts<'a>(
        &mut self,
        active: &[&'a SimUser],
        percent: u8,
    ) -> Vec<&'a SimUser> {
        let n = active.len();
        let percent = usize::from(percent.min(100));
        let mut count = (n * percent + 50) / 100;
        if (1..100).contains(&percent) && n >= 2 {
            count = count.clamp(1, n - 1);
        }
        let mut picked = rand::seq::index::sample(&mut self.rng, n, count.min(n)).into_vec();
        picked.sort_unstable();
        picked.into_iter().map(|i| active[i]).collect()
    }

    pub(super) fn meeting(
        &mut self,
        host: &SimUser,
        quirk: Option<Quirk>,
        pmi_free: &mut Option<u64>,
        registrants: usize,
    ) -> SimMeeting {
        let meeting_type = match quirk {
            Some(Quirk::NoFixedTime) => 3,
            Some(Quirk::Pmi) => 4,
            Some(Quirk::FixedSeries | Quirk::HeldLongAgo) => 8,
            Some(_) => 2,
            None => match self.rng.random_range(0..100) {
                0..55 => 2,
                55..70 => 8,
                70..85 => 3,
                _ if pmi_free.is_some() => 4,
                _ => 2,
            },
        };
        let id = match meeting_type {
            4 => pmi_free.take().unwrap_or_else(|| self.number()),
            _ => self.number(),
        };
        let uuid = match quirk {
            Some(Quirk::SlashUuid) => self.uuid_with(|u| format!("/{}", &u[1..])),
            Some(Quirk::DoubleSlashUuid) => self.uuid_with(|u| format!("{}//{}", &u[..6], &u[8..])),
            _ => self.uuid(),
        };
        let duration = *[15u32, 30, 45, 60, 90].choose(&mut self.rng).unwrap_or(&30);

        // When it is scheduled, and when it was held.
        let mut occurrences = Vec::new();
        let mut held = Vec::new();
        let start_time = match (meeting_type, quirk) {
            (2, Some(Quirk::Expired)) => {
                let start = self.at_hour(-45);
                held.push(start);
                Some(start)
            }
            (2, Some(_)) => {
                let day = self.rng.random_range(1..60);
                Some(self.at_hour(day))
            }
            (2, None) => {
                if self.rng.random_bool(0.6) {
                    let day = self.rng.random_range(1..60);
                    Some(self.at_hour(day))
                } else {
                    let day = -self.rng.random_range(1..25);
                    let start = self.at_hour(day);
                    held.push(start);
                    Some(start)
                }
            }
            (8, _) => {
                let (first_day, count) = if quirk == Some(Quirk::HeldLongAgo) {
                    (-421, 4)
                } else {
                    (
                        -7 * self.rng.random_range(0..5),
                        self.rng.random_range(4..9),
                    )
                };
                let first = self.at_hour(first_day);
                occurrences = (0..count).map(|w| first + TimeDelta::weeks(w)).collect();
                held.extend(occurrences.iter().copied().filter(|&t| t < self.anchor));
                Some(first)
            }
            _ => {
                for _ in 0..self.rng.random_range(0..3) {
                    let day = -self.rng.random_range(1..200);
                    held.push(self.at_hour(day));
                }
                held.sort_unstable();
                None
            }
        };
        let created_at = match start_time {
            _ if meeting_type == 3 || meeting_type == 4 => {
                let first_use = held.first().copied().unwrap_or(self.anchor);
                first_use - TimeDelta::days(self.rng.random_range(1..120))
            }
            Some(start) => start.min(self.anchor) - TimeDelta::days(self.rng.random_range(1..30)),
            None => self.anchor,
        };
        let start_time = if meeting_type == 4 {
            Some(created_at)
        } else {
            start_time
        };

        let approval_type = match (meeting_type, quirk) {
            (3 | 4, _) | (_, Some(Quirk::NoRegistration)) => 2,
            (_, Some(Quirk::EveryStatus)) => 1,
            _ => match self.rng.random_range(0..10) {
                0..5 => 2,
                5..8 => 0,
                _ => 1,
            },
        };
        let every_status = quirk == Some(Quirk::EveryStatus);
        let registrants =
            self.registrants_if_open(id, created_at, approval_type, registrants, every_status);

        let mut instances: Vec<SimInstance> = held
            .into_iter()
            .map(|start| SimInstance {
                uuid: self.uuid(),
                start_time: start,
                end_time: Some(
                    start
                        + TimeDelta::minutes(i64::from(duration) + self.rng.random_range(-10..15)),
                ),
                participants_count: self.rng.random_range(1..40),
                joins: Vec::new(),
            })
            .collect();
        // A one-off meeting's first instance carries the meeting's own UUID.
        if meeting_type == 2
            && let Some(first) = instances.first_mut()
        {
            self.uuids.remove(&first.uuid);
            first.uuid = uuid.clone();
        }
        let agenda = if quirk == Some(Quirk::LongAgenda) {
            let line = self.pick(pools::AGENDAS);
            std::iter::repeat_n(line.as_str(), 40)
                .collect::<Vec<_>>()
                .join(" ")
        } else if self.rng.random_bool(0.5) {
            self.pick(pools::AGENDAS)
        } else {
            String::new()
        };
        SimMeeting {
            kind: SessionKind::Meeting,
            id,
            uuid,
            host_id: host.id.clone(),
            topic: self.pick(pools::TOPICS),
            session_type: meeting_type,
            start_time,
            duration,
            timezone: self.timezone(host),
            agenda,
            created_at,
            password: self.password(),
            approval_type,
            is_simulive: false,
            occurrences,
            recurrence: None,
            settings: serde_json::Map::new(),
            registrants,
            instances,
            deleted: false,
        }
    }

    /// `rank` is the host's place among plan holders when this is their first webinar: the
    /// first three carry the webinar quirks (registration on, off, expired).
    pub(super) fn webinar(
        &mut self,
        host: &SimUser,
        rank: Option<usize>,
        registrants: usize,
    ) -> SimWebinar {
        let webinar_type = match (rank, self.rng.random_range(0..10)) {
            (Some(0..3), _) | (_, 0..7) => 5,
            (_, 7..9) => 9,
            _ => 6,
        };
        let id = self.number();
        let day = match rank {
            Some(2) => -100,
            _ => self.rng.random_range(-60..60),
        };
        let first =
            self.anchor + TimeDelta::days(day) + TimeDelta::hours(self.rng.random_range(8..18));
        let occurrences: Vec<DateTime<Utc>> = if webinar_type == 9 {
            (0..self.rng.random_range(2..5))
                .map(|w| first + TimeDelta::weeks(w))
                .collect()
        } else {
            Vec::new()
        };
        let created_at = first.min(self.anchor) - TimeDelta::days(self.rng.random_range(1..30));
        let approval_type = match rank {
            Some(0) => 0,
            Some(1) => 2,
            _ => *[0u8, 0, 1, 2, 2].choose(&mut self.rng).unwrap_or(&2),
        };
        let registrants =
            self.registrants_if_open(id, created_at, approval_type, registrants, rank == Some(0));
        let mut webinar = SimWebinar {
            kind: SessionKind::Webinar,
            id,
            uuid: self.uuid(),
            host_id: host.id.clone(),
            topic: self.pick(pools::TOPICS),
            session_type: webinar_type,
            start_time: (webinar_type != 6).then_some(first),
            duration: *[45u32, 60, 90].choose(&mut self.rng).unwrap_or(&60),
            timezone: self.timezone(host),
            agenda: self.pick(pools::AGENDAS),
            created_at,
            password: self.password(),
            approval_type,
            is_simulive: self.rng.random_bool(0.1),
            occurrences,
            recurrence: None,
            settings: serde_json::Map::new(),
            registrants,
            instances: Vec::new(),
            deleted: false,
        };
        webinar.instances = webinar_instances(&webinar, self.anchor);
        webinar
    }
}

/// The times a webinar was held: each fixed start that ended before `anchor`, the first of a
/// one-off webinar under the webinar's own UUID. Drawn from a generator of the webinar's own,
/// seeded by its number, so that adding them left every other generated value as it was.
fn webinar_instances(webinar: &SimWebinar, anchor: DateTime<Utc>) -> Vec<SimInstance> {
    let mut rng = StdRng::seed_from_u64(webinar.id);
    let length = TimeDelta::minutes(i64::from(webinar.duration));
    let starts = match (&webinar.occurrences[..], webinar.start_time) {
        ([], start) => start.into_iter().collect(),
        (occurrences, _) => occurrences.to_vec(),
    };
    (starts.into_iter())
        .filter(|start| *start + length < anchor)
        .enumerate()
        .map(|(n, start)| SimInstance {
            uuid: if n == 0 && webinar.session_type == 5 {
                webinar.uuid.clone()
            } else {
                ids::uuid(&mut rng)
            },
            start_time: start,
            end_time: Some(start + length),
            participants_count: rng.random_range(2..60),
            joins: Vec::new(),
        })
        .collect()
}
