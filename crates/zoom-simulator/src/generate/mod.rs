//! The generated account: the users first (`users`), then the meetings, webinars, registrants
//! and recordings (`sessions`, `registrants`, `recordings`, and `busy` for the busy hosts). Those
//! are drawn from their own seeded `StdRng` after the users, so adding them changed nothing in
//! the user listings, and their dates hang off an anchor day (00:00 UTC of the day the simulator
//! starts, unless pinned) rather than a fixed epoch: upcoming meetings must lie ahead and
//! recordings in the last months whatever the day. The same spec and anchor give the same data.
//!
//! As for users, each awkward case is forced onto its own active user once there are enough of
//! them (ten), so tests can count on meeting it.

use std::collections::HashSet;

use chrono::NaiveTime;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::generate::generator::Generator;
use crate::generate::recordings::{RECORDING_DAYS, RecordingAge};
use crate::generate::spec::{AccountSpec, anchor_day};
use crate::model::entities::Entities;
use crate::model::user::{SimUser, UserStatus};

mod busy;
pub(crate) mod chat;
mod generator;
pub(crate) mod phone;
pub(crate) mod pools;
pub(crate) mod recordings;
mod registrants;
mod sessions;
pub(crate) mod spec;
pub(crate) mod users;

/// What makes the RNG of entities differ from the users' one for the same seed.
const SALT: u64 = 0x6d65_6574_696e_6773;

pub(crate) fn generate(spec: &AccountSpec, users: &[SimUser]) -> Entities {
    let anchor = anchor_day(spec).and_time(NaiveTime::MIN).and_utc();
    let mut g = Generator {
        rng: StdRng::seed_from_u64(spec.seed ^ SALT),
        anchor,
        numbers: HashSet::new(),
        uuids: HashSet::new(),
        ids: HashSet::new(),
    };
    // PMIs are taken first so no generated id lands on one.
    g.numbers.extend(users.iter().filter_map(|u| u.pmi));
    let active: Vec<&SimUser> = users
        .iter()
        .filter(|u| u.status == UserStatus::Active)
        .collect();
    let mut entities = Entities::default();

    let quirks = g.place_quirks(&active, spec.meetings_per_user > 0);
    for (host, quirk) in active.iter().zip(&quirks) {
        let mut pmi_free = host.pmi;
        for k in 0..spec.meetings_per_user {
            let quirk = if k == 0 { *quirk } else { None };
            let meeting = g.meeting(host, quirk, &mut pmi_free, spec.registrants_per_meeting);
            entities.meetings.insert(meeting);
        }
    }

    let plan_holders = g.webinar_hosts(&active, spec.webinar_host_percent);
    for (rank, host) in plan_holders.iter().enumerate() {
        entities.set_webinar_plan(&host.id, true);
        for k in 0..spec.webinars_per_user {
            let webinar = g.webinar(host, (k == 0).then_some(rank), spec.registrants_per_meeting);
            entities.webinars.insert(webinar);
        }
    }

    let mut order: Vec<usize> = (0..active.len()).collect();
    order.shuffle(&mut g.rng);
    for (i, host) in active.iter().enumerate() {
        for k in 0..spec.recordings_per_user {
            // Two hosts' first recordings: one still being recorded, one over 180 days old.
            let first = k == 0;
            let age = if first && order.first() == Some(&i) {
                RecordingAge::InProgress
            } else if first && order.get(1) == Some(&i) {
                RecordingAge::Old
            } else {
                RecordingAge::Within(RECORDING_DAYS)
            };
            g.add_recording(host, age, &mut entities);
        }
    }
    busy::add(&mut g, spec, &active, &mut entities);
    entities
}

#[cfg(test)]
mod tests;
