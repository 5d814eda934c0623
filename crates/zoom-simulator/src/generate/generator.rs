//! The generator the generated meetings, webinars, registrants and recordings are drawn from:
//! one seeded RNG, an anchor day, and the ids already handed out.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, RngExt, SeedableRng};

use crate::generate::pools;
use crate::model::ids;
use crate::model::user::SimUser;

pub(super) struct Generator {
    pub(super) rng: StdRng,
    pub(super) anchor: DateTime<Utc>,
    /// Meeting and webinar numbers (and PMIs) in use: one id space on Zoom.
    pub(super) numbers: HashSet<u64>,
    pub(super) uuids: HashSet<String>,
    pub(super) ids: HashSet<String>,
}

impl Generator {
    /// For one-off things made while the simulator runs, not part of the seeded account.
    pub(super) fn unseeded(anchor: DateTime<Utc>) -> Self {
        Generator {
            rng: StdRng::seed_from_u64(rand::random()),
            anchor,
            numbers: HashSet::new(),
            uuids: HashSet::new(),
            ids: HashSet::new(),
        }
    }

    /// Some working hour of the day `days` after the anchor.
    pub(super) fn at_hour(&mut self, days: i64) -> DateTime<Utc> {
        self.anchor + TimeDelta::days(days) + TimeDelta::hours(self.rng.random_range(7..20))
    }

    /// A fresh 11-digit meeting or webinar number.
    pub(super) fn number(&mut self) -> u64 {
        loop {
            let n = ids::session_number(&mut self.rng);
            if self.numbers.insert(n) {
                return n;
            }
        }
    }

    pub(super) fn uuid(&mut self) -> String {
        self.uuid_with(|u| u.to_owned())
    }

    pub(super) fn uuid_with(&mut self, shape: impl Fn(&str) -> String) -> String {
        loop {
            let uuid = shape(&ids::uuid(&mut self.rng));
            if self.uuids.insert(uuid.clone()) {
                return uuid;
            }
        }
    }

    pub(super) fn id(&mut self) -> String {
        loop {
            let id = ids::id22(&mut self.rng);
            if self.ids.insert(id.clone()) {
                return id;
            }
        }
    }

    pub(super) fn token(&mut self) -> String {
        let mut bytes = [0u8; 32];
        self.rng.fill_bytes(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    pub(super) fn password(&mut self) -> String {
        ids::password(&mut self.rng)
    }

    pub(super) fn timezone(&mut self, host: &SimUser) -> String {
        match &host.timezone {
            Some(tz) => tz.clone(),
            None => self.pick(pools::TIMEZONES),
        }
    }

    pub(super) fn pick(&mut self, pool: &[&str]) -> String {
        pool.choose(&mut self.rng)
            .copied()
            .unwrap_or_default()
            .to_owned()
    }
}
