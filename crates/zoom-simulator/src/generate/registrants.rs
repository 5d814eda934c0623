//! The generated registrants of meetings and webinars with registration on.

use chrono::{DateTime, TimeDelta, Utc};
use rand::RngExt;
use rand::seq::IndexedRandom;

use crate::generate::generator::Generator;
use crate::generate::pools;
use crate::model::registrant::{RegistrantStatus, SimRegistrant};

impl Generator {
    /// `count` registrants of a session whose registration is on (`approval_type` other than
    /// 2), none otherwise; with `every_status`, the first are one of each status.
    pub(super) fn registrants_if_open(
        &mut self,
        session_id: u64,
        opened: DateTime<Utc>,
        approval_type: u8,
        count: usize,
        every_status: bool,
    ) -> Vec<SimRegistrant> {
        if approval_type == 2 {
            return Vec::new();
        }
        let forced: &[RegistrantStatus] = if every_status {
            &RegistrantStatus::ALL
        } else {
            &[]
        };
        self.registrants(session_id, opened, count, forced)
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
}
