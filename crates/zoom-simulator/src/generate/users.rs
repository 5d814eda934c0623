//! The generated users. Everything is drawn from one seeded `StdRng` in a fixed order, so the
//! same [`AccountSpec`] gives byte-identical listings. Once there are enough active users, each
//! awkward case the mirror must survive is placed on at least one of them, so tests can count
//! on meeting it rather than hoping the dice produce it.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration as TimeDelta, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom, index};
use rand::{Rng, RngExt, SeedableRng};

use crate::generate::pools::{self, Pair, Script};
use crate::generate::spec::AccountSpec;
use crate::model::ids;
use crate::model::user::{SimUser, UserStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameStyle {
    Latin,
    Chinese,
    Japanese,
    Arabic,
    Cyrillic,
    Greek,
    Emoji,
    Apostrophe,
    Hyphen,
    Long,
}

const SHOWCASE_NAMES: [NameStyle; 9] = [
    NameStyle::Chinese,
    NameStyle::Japanese,
    NameStyle::Arabic,
    NameStyle::Cyrillic,
    NameStyle::Greek,
    NameStyle::Emoji,
    NameStyle::Apostrophe,
    NameStyle::Hyphen,
    NameStyle::Long,
];

/// A field-level oddity; each is forced on one active user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quirk {
    Basic,
    Unassigned,
    NoneType,
    NoDept,
    NoTimezone,
    NeverLoggedIn,
    NoPmi,
}

const SHOWCASE_QUIRKS: [Quirk; 7] = [
    Quirk::Basic,
    Quirk::Unassigned,
    Quirk::NoneType,
    Quirk::NoDept,
    Quirk::NoTimezone,
    Quirk::NeverLoggedIn,
    Quirk::NoPmi,
];

/// Fixed, not "now": the account must not change with the day it is generated.
fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2016, 1, 1, 0, 0, 0).unwrap()
}

fn horizon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
}

/// The users of the account in listing order; the first is the account owner.
pub(crate) fn generate(spec: &AccountSpec) -> Vec<SimUser> {
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let statuses = status_plan(spec.users, &mut rng);
    let candidates: Vec<usize> = (1..statuses.len())
        .filter(|&i| statuses[i] == UserStatus::Active)
        .collect();
    let mut names = vec![None; statuses.len()];
    for (k, pick) in pick_distinct(&mut rng, &candidates, SHOWCASE_NAMES.len())
        .into_iter()
        .enumerate()
    {
        names[pick] = Some(SHOWCASE_NAMES[k]);
    }
    let mut quirks = vec![None; statuses.len()];
    for (k, pick) in pick_distinct(&mut rng, &candidates, SHOWCASE_QUIRKS.len())
        .into_iter()
        .enumerate()
    {
        quirks[pick] = Some(SHOWCASE_QUIRKS[k]);
    }

    let mut generator = Generator {
        rng,
        emails: HashSet::new(),
        ids: HashSet::new(),
        groups: Vec::new(),
    };
    generator.groups = (0..3).map(|_| generator.fresh_id()).collect();
    statuses
        .iter()
        .enumerate()
        .map(|(i, &status)| generator.user(i == 0, status, names[i], quirks[i]))
        .collect()
}

/// About 85% active, 10% inactive, 5% pending, shuffled; the owner (index 0) is active, and
/// from 20 users on every status occurs at least once.
fn status_plan(n: usize, rng: &mut StdRng) -> Vec<UserStatus> {
    if n == 0 {
        return Vec::new();
    }
    let others = n - 1;
    let share = |fraction: f64| (n as f64 * fraction).round() as usize;
    let (mut pending, mut inactive) = (share(0.05), share(0.10));
    if n >= 20 {
        pending = pending.max(1);
        inactive = inactive.max(1);
    }
    let pending = pending.min(others);
    let inactive = inactive.min(others - pending);
    let mut rest: Vec<UserStatus> = std::iter::repeat_n(UserStatus::Pending, pending)
        .chain(std::iter::repeat_n(UserStatus::Inactive, inactive))
        .chain(std::iter::repeat_n(
            UserStatus::Active,
            others - pending - inactive,
        ))
        .collect();
    rest.shuffle(rng);
    std::iter::once(UserStatus::Active).chain(rest).collect()
}

fn pick_distinct(rng: &mut StdRng, from: &[usize], wanted: usize) -> Vec<usize> {
    index::sample(rng, from.len(), wanted.min(from.len()))
        .into_iter()
        .map(|k| from[k])
        .collect()
}

struct Generator {
    rng: StdRng,
    emails: HashSet<String>,
    ids: HashSet<String>,
    groups: Vec<String>,
}

impl Generator {
    fn user(
        &mut self,
        owner: bool,
        status: UserStatus,
        style: Option<NameStyle>,
        quirk: Option<Quirk>,
    ) -> SimUser {
        let pending = status == UserStatus::Pending;
        let style = match style {
            Some(s) => s,
            None if owner => NameStyle::Latin,
            None => self.random_style(),
        };
        let name = self.name(style);
        let email = self.email(&name);
        // Some invitations carry only an email address.
        let named = !pending || self.rng.random_bool(0.6);
        let (first_name, last_name, display_name) = if named {
            (
                name.first.0.to_owned(),
                name.last.0.to_owned(),
                name.display(),
            )
        } else {
            (String::new(), String::new(), String::new())
        };
        let (role_id, role_name) = if owner {
            ("0", "Owner")
        } else if self.rng.random_bool(0.06) {
            ("1", "Admin")
        } else {
            ("2", "Member")
        };
        let user_type = match quirk {
            Some(Quirk::Basic) => 1,
            Some(Quirk::Unassigned) => 4,
            Some(Quirk::NoneType) => 99,
            _ if owner => 2,
            _ => self.random_type(),
        };
        let user_created_at = if pending {
            self.instant_between(horizon() - TimeDelta::days(60), horizon())
        } else {
            self.instant_between(epoch(), horizon() - TimeDelta::days(1))
        };
        let created_at = self.instant_between(
            user_created_at,
            (user_created_at + TimeDelta::days(365)).min(horizon()),
        );
        let last_login_time =
            (!pending && quirk != Some(Quirk::NeverLoggedIn) && self.rng.random_bool(0.88))
                .then(|| self.instant_between(user_created_at, horizon()));
        let last_client_version = last_login_time
            .is_some()
            .then(|| self.pick(pools::CLIENT_VERSIONS));
        let pmi = (!pending && quirk != Some(Quirk::NoPmi) && self.rng.random_bool(0.96))
            .then(|| ids::pmi(&mut self.rng));
        let timezone = (!pending && quirk != Some(Quirk::NoTimezone))
            .then(|| self.maybe(0.92, pools::TIMEZONES))
            .flatten();
        let dept = (quirk != Some(Quirk::NoDept))
            .then(|| self.maybe(0.75, pools::DEPARTMENTS))
            .flatten();
        let group_ids = if pending {
            Vec::new()
        } else {
            let groups = self.groups.clone();
            groups
                .into_iter()
                .filter(|_| self.rng.random_bool(0.3))
                .collect()
        };
        let phone = self.rng.random_bool(0.4).then(|| {
            let number = self.rng.random_range(2_000_000_000u64..=9_999_999_999);
            ("US".to_owned(), format!("+1 {number}"))
        });
        SimUser {
            id: self.fresh_id(),
            email,
            first_name,
            last_name,
            display_name,
            user_type,
            status,
            pmi,
            use_pmi: self.rng.random_bool(0.2),
            timezone,
            dept,
            role_id: role_id.to_owned(),
            role_name: role_name.to_owned(),
            verified: !pending && self.rng.random_bool(0.9),
            group_ids,
            user_created_at,
            created_at,
            last_login_time,
            last_client_version,
            language: self.maybe(0.85, pools::LANGUAGES),
            phone_country: phone.as_ref().map(|(country, _)| country.clone()),
            phone_number: phone.map(|(_, number)| number),
            job_title: self.maybe(0.5, pools::JOB_TITLES),
            location: self.maybe(0.5, pools::LOCATIONS),
            company: self.maybe(0.3, pools::COMPANIES),
            pic_url: self.rng.random_bool(0.4).then(|| {
                let mut key = [0u8; 12];
                self.rng.fill_bytes(&mut key);
                format!(
                    "https://us05web.zoom.us/p/v2/{}",
                    URL_SAFE_NO_PAD.encode(key)
                )
            }),
        }
    }

    fn random_style(&mut self) -> NameStyle {
        match self.rng.random_range(0..100) {
            0..62 => NameStyle::Latin,
            62..67 => NameStyle::Chinese,
            67..71 => NameStyle::Japanese,
            71..75 => NameStyle::Arabic,
            75..79 => NameStyle::Cyrillic,
            79..82 => NameStyle::Greek,
            82..86 => NameStyle::Emoji,
            86..91 => NameStyle::Apostrophe,
            91..96 => NameStyle::Hyphen,
            _ => NameStyle::Long,
        }
    }

    fn random_type(&mut self) -> u8 {
        match self.rng.random_range(0..100) {
            0..55 => 2,
            55..90 => 1,
            90..97 => 4,
            _ => 99,
        }
    }

    fn name(&mut self, style: NameStyle) -> Name {
        let from_script = |g: &mut Self, s: &Script| Name {
            first: g.pair(s.first),
            last: g.pair(s.last),
            family_first: s.family_first,
        };
        let mixed = |g: &mut Self, first: &[Pair], last: &[Pair]| Name {
            first: g.pair(first),
            last: g.pair(last),
            family_first: false,
        };
        match style {
            NameStyle::Latin => from_script(self, &pools::LATIN),
            NameStyle::Chinese => from_script(self, &pools::CHINESE),
            NameStyle::Japanese => from_script(self, &pools::JAPANESE),
            NameStyle::Arabic => from_script(self, &pools::ARABIC),
            NameStyle::Cyrillic => from_script(self, &pools::CYRILLIC),
            NameStyle::Greek => from_script(self, &pools::GREEK),
            NameStyle::Emoji => mixed(self, pools::EMOJI_FIRST, pools::LATIN.last),
            NameStyle::Apostrophe => mixed(self, pools::LATIN.first, pools::APOSTROPHE_LAST),
            NameStyle::Hyphen => mixed(self, pools::HYPHEN_FIRST, pools::HYPHEN_LAST),
            NameStyle::Long => mixed(self, pools::LONG_FIRST, pools::LONG_LAST),
        }
    }

    /// Lower-case and unique; a clash gets a number, some addresses get a `+tag`.
    fn email(&mut self, name: &Name) -> String {
        let local = format!("{}.{}", name.first.1, name.last.1);
        let tag = if self.rng.random_bool(0.08) {
            "+zoom"
        } else {
            ""
        };
        let domain = self.pick(pools::EMAIL_DOMAINS);
        let mut candidate = format!("{local}{tag}@{domain}");
        let mut n = 2;
        while self.emails.contains(&candidate) {
            candidate = format!("{local}{n}{tag}@{domain}");
            n += 1;
        }
        self.emails.insert(candidate.clone());
        candidate
    }

    /// 16 random bytes in URL-safe base64: 22 characters, like Zoom's user ids.
    fn fresh_id(&mut self) -> String {
        loop {
            let id = ids::id22(&mut self.rng);
            if self.ids.insert(id.clone()) {
                return id;
            }
        }
    }

    fn instant_between(&mut self, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
        let span = (to - from).num_seconds().max(0);
        from + TimeDelta::seconds(self.rng.random_range(0..=span))
    }

    fn pair(&mut self, pairs: &[Pair]) -> Pair {
        *pairs.choose(&mut self.rng).unwrap_or(&("", ""))
    }

    fn pick(&mut self, pool: &[&str]) -> String {
        pool.choose(&mut self.rng)
            .copied()
            .unwrap_or_default()
            .to_owned()
    }

    fn maybe(&mut self, p: f64, pool: &[&str]) -> Option<String> {
        self.rng.random_bool(p).then(|| self.pick(pool))
    }
}

struct Name {
    first: Pair,
    last: Pair,
    family_first: bool,
}

impl Name {
    /// Zoom caps `display_name` at 128 characters; two 64-character names plus a space do not
    /// fit, so the last character goes.
    fn display(&self) -> String {
        let full = if self.family_first {
            format!("{}{}", self.last.0, self.first.0)
        } else {
            format!("{} {}", self.first.0, self.last.0)
        };
        full.chars().take(128).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(users: usize, seed: u64) -> AccountSpec {
        AccountSpec {
            users,
            seed,
            ..AccountSpec::default()
        }
    }

    fn listing_bytes(users: &[SimUser]) -> Vec<u8> {
        let items: Vec<_> = users.iter().map(SimUser::listing_json).collect();
        serde_json::to_vec(&items).unwrap()
    }

    #[test]
    fn the_same_seed_gives_byte_identical_listings() {
        let a = generate(&spec(500, 7));
        let b = generate(&spec(500, 7));
        assert_eq!(listing_bytes(&a), listing_bytes(&b));
        assert_ne!(listing_bytes(&a), listing_bytes(&generate(&spec(500, 8))));
    }

    #[test]
    fn statuses_follow_the_documented_mix() {
        let users = generate(&spec(1000, 3));
        let count = |s| users.iter().filter(|u| u.status == s).count();
        assert_eq!(count(UserStatus::Pending), 50);
        assert_eq!(count(UserStatus::Inactive), 100);
        assert_eq!(count(UserStatus::Active), 850);
        assert_eq!(users[0].role_name, "Owner");
        assert_eq!(users[0].status, UserStatus::Active);
    }

    #[test]
    fn twenty_users_already_cover_every_status_type_and_oddity() {
        for seed in 0..50 {
            let users = generate(&spec(20, seed));
            assert_eq!(users.len(), 20);
            for status in UserStatus::ALL {
                assert!(users.iter().any(|u| u.status == status), "seed {seed}");
            }
            for t in [1, 2, 4, 99] {
                assert!(
                    users.iter().any(|u| u.user_type == t),
                    "seed {seed} type {t}"
                );
            }
            let active = || users.iter().filter(|u| u.status == UserStatus::Active);
            let has_char = |pred: fn(char) -> bool| {
                active().any(|u| u.first_name.chars().chain(u.last_name.chars()).any(pred))
            };
            assert!(has_char(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "CJK");
            assert!(
                has_char(|c| ('\u{0600}'..='\u{06ff}').contains(&c)),
                "Arabic"
            );
            assert!(
                has_char(|c| ('\u{0400}'..='\u{04ff}').contains(&c)),
                "Cyrillic"
            );
            assert!(
                has_char(|c| ('\u{0370}'..='\u{03ff}').contains(&c)),
                "Greek"
            );
            assert!(
                has_char(|c| matches!(c as u32, 0x2600..=0x27bf | 0x1f300..=0x1faff)),
                "emoji"
            );
            assert!(has_char(|c| c == '\'' || c == '’'), "apostrophe");
            assert!(has_char(|c| c == '-'), "hyphen");
            assert!(active().any(|u| u.first_name.chars().count() == 64));
            assert!(active().any(|u| u.dept.is_none()));
            assert!(active().any(|u| u.timezone.is_none()));
            assert!(active().any(|u| u.last_login_time.is_none()));
            assert!(active().any(|u| u.pmi.is_none()));
        }
    }

    #[test]
    fn ids_and_emails_are_unique_and_well_formed() {
        let users = generate(&spec(2000, 11));
        let ids: HashSet<_> = users.iter().map(|u| u.id.as_str()).collect();
        let emails: HashSet<_> = users.iter().map(|u| u.email.as_str()).collect();
        assert_eq!(ids.len(), users.len());
        assert_eq!(emails.len(), users.len());
        for u in &users {
            assert_eq!(u.id.len(), 22);
            assert_eq!(u.email, u.email.to_lowercase());
            assert!(u.display_name.chars().count() <= 128);
            if let Some(pmi) = u.pmi {
                assert_eq!(pmi.to_string().len(), 10);
            }
            assert!(u.created_at >= u.user_created_at);
        }
    }

    #[test]
    fn tiny_accounts_are_fine() {
        assert!(generate(&spec(0, 1)).is_empty());
        let one = generate(&spec(1, 1));
        assert_eq!(one[0].status, UserStatus::Active);
        assert_eq!(generate(&spec(5, 1)).len(), 5);
    }
}
