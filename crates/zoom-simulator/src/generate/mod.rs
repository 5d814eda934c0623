//! The generated meetings, webinars, registrants and recordings. They are drawn from their own
//! seeded `StdRng` after the users, so adding them changed nothing in the user listings, and
//! their dates hang off an anchor day (00:00 UTC of the day the simulator starts, unless pinned)
//! rather than a fixed epoch: upcoming meetings must lie ahead and recordings in the last months
//! whatever the day. The same spec and anchor give the same data.
//!
//! As for users, each awkward case is forced onto its own active user once there are enough of
//! them (ten), so tests can count on meeting it.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, RngExt, SeedableRng};

use crate::AccountSpec;
use crate::model::entities::Entities;
use crate::model::ids;
use crate::model::recording::{SimRecording, SimRecordingFile};
use crate::model::registrant::{RegistrantStatus, SimRegistrant};
use crate::model::session::{SimInstance, SimMeeting, SimWebinar};
use crate::model::user::{SimUser, UserStatus};
use zoom_api::SessionKind;

pub(crate) mod account;
mod busy;
pub(crate) mod pools;

/// A meeting-level oddity, each forced on the first meeting of its own active user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quirk {
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

/// What makes the RNG of entities differ from the users' one for the same seed.
const SALT: u64 = 0x6d65_6574_696e_6773;

/// The day the data hangs off: the pinned one, or today in UTC.
pub(crate) fn anchor_day(spec: &AccountSpec) -> NaiveDate {
    spec.today.unwrap_or_else(|| Utc::now().date_naive())
}

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
            entities.insert_recording(g.recording(host, age));
        }
    }
    busy::add(&mut g, spec, &active, &mut entities);
    entities
}

/// Recordings are spread over this many days back from the anchor.
const RECORDING_DAYS: i64 = 200;

/// When a generated recording started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RecordingAge {
    /// An hour ago, and still being recorded.
    InProgress,
    /// 190 days ago: older than the default backfill.
    Old,
    /// At some minute between an hour and this many days before the anchor.
    Within(i64),
}

struct Generator {
    rng: StdRng,
    anchor: DateTime<Utc>,
    /// Meeting and webinar numbers (and PMIs) in use: one id space on Zoom.
    numbers: HashSet<u64>,
    uuids: HashSet<String>,
    ids: HashSet<String>,
}

impl Generator {
    /// The quirk of each active user's first meeting, in `active` order.
    fn place_quirks(&mut self, active: &[&SimUser], any_meetings: bool) -> Vec<Option<Quirk>> {
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
    fn webinar_hosts<'a>(&mut self, active: &[&'a SimUser], percent: u8) -> Vec<&'a SimUser> {
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

    fn meeting(
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
        let forced: &[RegistrantStatus] = if quirk == Some(Quirk::EveryStatus) {
            &RegistrantStatus::ALL
        } else {
            &[]
        };
        let registrants = if approval_type == 2 {
            Vec::new()
        } else {
            self.registrants(id, created_at, registrants, forced)
        };

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
    fn webinar(&mut self, host: &SimUser, rank: Option<usize>, registrants: usize) -> SimWebinar {
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
        let forced: &[RegistrantStatus] = if rank == Some(0) {
            &RegistrantStatus::ALL
        } else {
            &[]
        };
        let registrants = if approval_type == 2 {
            Vec::new()
        } else {
            self.registrants(id, created_at, registrants, forced)
        };
        SimWebinar {
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
        }
    }

    /// `forced` statuses go to the first registrants; the rest are mostly approved.
    fn registrants(
        &mut self,
        session_id: u64,
        opened: DateTime<Utc>,
        count: usize,
        forced: &[RegistrantStatus],
    ) -> Vec<SimRegistrant> {
        (0..count.max(if count > 0 { forced.len() } else { 0 }))
            .map(|k| {
                let status =
                    forced
                        .get(k)
                        .copied()
                        .unwrap_or_else(|| match self.rng.random_range(0..20) {
                            0..15 => RegistrantStatus::Approved,
                            15..18 => RegistrantStatus::Pending,
                            _ => RegistrantStatus::Denied,
                        });
                let (first, first_ascii) = *pools::LATIN
                    .first
                    .choose(&mut self.rng)
                    .unwrap_or(&("", ""));
                let (last, last_ascii) =
                    *pools::LATIN.last.choose(&mut self.rng).unwrap_or(&("", ""));
                let domain = self.pick(pools::EMAIL_DOMAINS);
                let id = self.id();
                let detailed = self.rng.random_bool(0.5);
                let text = |g: &mut Self, pool: &[&str]| {
                    if detailed {
                        g.pick(pool)
                    } else {
                        String::new()
                    }
                };
                SimRegistrant {
                    email: format!("{first_ascii}.{last_ascii}.{k}@{domain}"),
                    first_name: first.to_owned(),
                    last_name: last.to_owned(),
                    address: if detailed {
                        "1800 Amphibious Blvd.".to_owned()
                    } else {
                        String::new()
                    },
                    city: text(self, pools::LOCATIONS),
                    state: String::new(),
                    zip: if detailed {
                        format!("{:05}", self.rng.random_range(1000..99999))
                    } else {
                        String::new()
                    },
                    country: text(self, pools::COUNTRIES),
                    phone: String::new(),
                    industry: text(self, pools::INDUSTRIES),
                    org: text(self, pools::COMPANIES),
                    job_title: text(self, pools::JOB_TITLES),
                    purchasing_time_frame: String::new(),
                    role_in_purchase_process: String::new(),
                    no_of_employees: if detailed {
                        "1-20".to_owned()
                    } else {
                        String::new()
                    },
                    comments: String::new(),
                    custom_questions: if detailed {
                        vec![(
                            "What do you hope to learn?".to_owned(),
                            self.pick(pools::AGENDAS),
                        )]
                    } else {
                        Vec::new()
                    },
                    status,
                    create_time: opened + TimeDelta::minutes(self.rng.random_range(1..1440)),
                    join_url: format!("https://us05web.zoom.us/w/{session_id}?tk={id}"),
                    id,
                }
            })
            .collect()
    }

    fn recording(&mut self, host: &SimUser, age: RecordingAge) -> SimRecording {
        let in_progress = age == RecordingAge::InProgress;
        let start_time = match age {
            RecordingAge::InProgress => self.anchor - TimeDelta::hours(1),
            RecordingAge::Old => self.anchor - TimeDelta::days(190) + TimeDelta::hours(10),
            RecordingAge::Within(days) => {
                self.anchor - TimeDelta::minutes(self.rng.random_range(60..days * 24 * 60))
            }
        };
        let duration: u32 = self.rng.random_range(5..120);
        let end = start_time + TimeDelta::minutes(i64::from(duration));
        let mut kinds = vec![
            ("MP4", "MP4", "shared_screen_with_speaker_view"),
            ("M4A", "M4A", "audio_only"),
        ];
        if self.rng.random_bool(0.5) {
            kinds.push(("TRANSCRIPT", "VTT", "audio_transcript"));
        }
        if self.rng.random_bool(0.3) {
            kinds.push(("CHAT", "TXT", "chat_file"));
        }
        let mut files: Vec<SimRecordingFile> = kinds
            .into_iter()
            .map(|(file_type, extension, recording_type)| {
                let per_minute = match file_type {
                    "MP4" => 1_200_000,
                    "M4A" => 480_000,
                    _ => 2_000,
                };
                self.file(
                    start_time,
                    Some(end),
                    file_type,
                    extension,
                    recording_type,
                    u64::from(duration) * per_minute,
                )
            })
            .collect();
        if in_progress {
            files.push(SimRecordingFile {
                status: "processing".to_owned(),
                ..self.file(
                    start_time,
                    None,
                    "",
                    "MP4",
                    "shared_screen_with_gallery_view",
                    0,
                )
            });
        }
        let share = self.token();
        SimRecording {
            uuid: self.uuid(),
            meeting_id: self.number(),
            host_id: host.id.clone(),
            topic: self.pick(pools::TOPICS),
            meeting_type: *[2u8, 2, 2, 8, 3, 4].choose(&mut self.rng).unwrap_or(&2),
            start_time,
            duration,
            share_url: format!("https://us05web.zoom.us/rec/share/{share}"),
            files,
        }
    }

    fn file(
        &mut self,
        start: DateTime<Utc>,
        end: Option<DateTime<Utc>>,
        file_type: &str,
        extension: &str,
        recording_type: &str,
        size: u64,
    ) -> SimRecordingFile {
        let mut id = [0u8; 16];
        self.rng.fill_bytes(&mut id);
        let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
        let token = self.token();
        SimRecordingFile {
            id: format!(
                "{}-{}-{}-{}-{}",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..]
            ),
            recording_start: start,
            recording_end: end,
            file_type: file_type.to_owned(),
            file_extension: extension.to_owned(),
            file_size: size,
            play_url: format!("https://us05web.zoom.us/rec/play/{token}"),
            download_url: format!("https://us05web.zoom.us/rec/download/{token}"),
            status: "completed".to_owned(),
            recording_type: recording_type.to_owned(),
        }
    }

    /// Some working hour of the day `days` after the anchor.
    fn at_hour(&mut self, days: i64) -> DateTime<Utc> {
        self.anchor + TimeDelta::days(days) + TimeDelta::hours(self.rng.random_range(7..20))
    }

    /// A fresh 11-digit meeting or webinar number.
    fn number(&mut self) -> u64 {
        loop {
            let n = ids::session_number(&mut self.rng);
            if self.numbers.insert(n) {
                return n;
            }
        }
    }

    fn uuid(&mut self) -> String {
        self.uuid_with(|u| u.to_owned())
    }

    fn uuid_with(&mut self, shape: impl Fn(&str) -> String) -> String {
        loop {
            let uuid = shape(&ids::uuid(&mut self.rng));
            if self.uuids.insert(uuid.clone()) {
                return uuid;
            }
        }
    }

    fn id(&mut self) -> String {
        loop {
            let id = ids::id22(&mut self.rng);
            if self.ids.insert(id.clone()) {
                return id;
            }
        }
    }

    fn token(&mut self) -> String {
        let mut bytes = [0u8; 32];
        self.rng.fill_bytes(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn password(&mut self) -> String {
        ids::password(&mut self.rng)
    }

    fn timezone(&mut self, host: &SimUser) -> String {
        match &host.timezone {
            Some(tz) => tz.clone(),
            None => self.pick(pools::TIMEZONES),
        }
    }

    fn pick(&mut self, pool: &[&str]) -> String {
        pool.choose(&mut self.rng)
            .copied()
            .unwrap_or_default()
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::account;
    use crate::model::recording::DateRange;
    use crate::model::session::MeetingListType;

    fn spec(users: usize, seed: u64) -> AccountSpec {
        AccountSpec {
            users,
            seed,
            today: NaiveDate::from_ymd_opt(2026, 3, 1),
            ..AccountSpec::default()
        }
    }

    fn entities(spec: &AccountSpec) -> (Vec<SimUser>, Entities) {
        let users = account::generate(spec);
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
        let with = account::generate(&spec(50, 2));
        let without = account::generate(&AccountSpec {
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
            let meetings: Vec<&SimMeeting> = e.meetings.values().collect();
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
                r.files.iter().any(|f| {
                    f.file_type.is_empty() && f.recording_end.is_none() && f.file_size == 0
                })
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
        assert_eq!(e.meetings.values().count(), active * 5);
        let all = DateRange {
            from: NaiveDate::MIN,
            to: NaiveDate::MAX,
        };
        assert_eq!(e.recordings_in(None, all).len(), active * 2);
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
}
