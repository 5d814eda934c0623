//! The generated Zoom Phone: the account has it, one active user in five holds a licence, and
//! each of those has a few call recordings over the last five months. Drawn from an RNG of its
//! own, so it changes nothing else in the account.

use chrono::{DateTime, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::{Rng, RngExt, SeedableRng};

use crate::generate::spec::{AccountSpec, anchor_day};
use crate::model::phone::{Phone, SimPhoneRecording};
use crate::model::user::{SimUser, UserStatus};

const SALT: u64 = 0x7068_6f6e_6500_0000;
/// Recordings of each licensed user.
const RECORDINGS_PER_USER: usize = 3;
/// Recordings are spread over this many days back from the anchor, within the six months the
/// listing serves.
const RECORDING_DAYS: i64 = 150;

pub(crate) fn generate(spec: &AccountSpec, users: &[SimUser]) -> Phone {
    let mut rng = StdRng::seed_from_u64(spec.seed ^ SALT);
    let anchor = anchor_day(spec).and_time(chrono::NaiveTime::MIN).and_utc();
    let mut phone = Phone::new(true);
    let active = users.iter().filter(|u| u.status == UserStatus::Active);
    for (i, user) in active.enumerate().filter(|(i, _)| i % 5 == 1) {
        phone.set_licence(&user.id, true);
        for _ in 0..RECORDINGS_PER_USER {
            let at = anchor - TimeDelta::minutes(rng.random_range(60..RECORDING_DAYS * 24 * 60));
            phone.add(recording(&mut rng, user, i, at));
        }
    }
    phone
}

/// A recorded call of `user` (the `index`th active user, whose extension follows from it) at
/// `at`, lasting up to ten minutes.
pub(crate) fn recording(
    rng: &mut impl Rng,
    user: &SimUser,
    index: usize,
    at: DateTime<Utc>,
) -> SimPhoneRecording {
    let id: String = (0..32)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
        .collect();
    SimPhoneRecording {
        id,
        user_id: user.id.clone(),
        extension: format!("{}", 1000 + index),
        user_name: format!("{} {}", user.first_name, user.last_name),
        other_number: format!("+1415555{:04}", rng.random_range(0..10_000)),
        outbound: rng.random_bool(0.5),
        date_time: at,
        duration: rng.random_range(5..600),
    }
}
