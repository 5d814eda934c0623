//! Everything the simulator knows. One lock guards the mutable part; it is never held across an
//! await, so a slow (latency-faulted) call never holds up the others.

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::config::SimCredentials;
use crate::config::SimulatorConfig;
use crate::generate;
use crate::generate::spec::account_info;
use crate::generate::users;
use crate::model::chat::Chat;
use crate::model::entities::Entities;
use crate::model::phone::Phone;
use crate::model::recording::SimRecording;
use crate::model::user::{AccountInfo, SimUser};
use crate::rules::faults::Faults;
use crate::rules::grants::UserGrants;
use crate::rules::limits::RateLimiter;
use crate::rules::pages::PageTokens;
use crate::rules::queries::{
    ChannelQuery, ChatQuery, MeetingQuery, ParticipantQuery, PhoneRecordingQuery, RecordingQuery,
    RegistrantQuery, UserQuery,
};
use crate::rules::tokens::TokenStore;
use crate::rules::user_limits::UserLimits;
use crate::stats::StatsRecorder;
use crate::webhooks::{self, Outbox};
use serde_json::Value;
use zoom_api::SessionKind;
use zoom_api::plan::Plan;

pub(crate) struct SimState {
    pub credentials: SimCredentials,
    pub scopes: Vec<String>,
    pub qps_retry_after: bool,
    pub account_recordings: bool,
    /// The account's plan: past participants and Team Chat's messages and sessions need a
    /// paid one.
    pub plan: Plan,
    pub account: AccountInfo,
    pub outbox: Outbox,
    inner: Mutex<Inner>,
}

pub(crate) struct Inner {
    /// In listing order.
    pub users: Vec<SimUser>,
    pub tokens: TokenStore,
    /// The authorization of a user-authorized app, its codes and refresh tokens.
    pub grants: UserGrants,
    pub entities: Entities,
    pub phone: Phone,
    pub pages: PageTokens<UserQuery>,
    pub meeting_pages: PageTokens<MeetingQuery>,
    pub registrant_pages: PageTokens<RegistrantQuery>,
    pub recording_pages: PageTokens<RecordingQuery>,
    pub participant_pages: PageTokens<ParticipantQuery>,
    pub phone_recording_pages: PageTokens<PhoneRecordingQuery>,
    /// Team Chat's channels and messages.
    pub chat: Chat,
    pub channel_pages: PageTokens<ChannelQuery>,
    /// Chat sessions and messages.
    pub chat_pages: PageTokens<ChatQuery>,
    pub limiter: RateLimiter,
    pub user_limits: UserLimits,
    pub faults: Faults,
    pub stats: StatsRecorder,
}

impl SimState {
    pub fn new(config: SimulatorConfig) -> Self {
        let users = users::generate(&config.account);
        let ttl = config.page_token_ttl;
        SimState {
            account: account_info(&config.account, &config.credentials.account_id),
            outbox: Outbox::new(config.webhooks, &config.credentials.account_id),
            inner: Mutex::new(Inner {
                entities: generate::generate(&config.account, &users),
                phone: generate::phone::generate(&config.account, &users),
                chat: generate::chat::generate(&config.account, &users),
                users,
                tokens: TokenStore::new(config.token_ttl),
                grants: UserGrants::default(),
                pages: PageTokens::new(ttl),
                meeting_pages: PageTokens::new(ttl),
                registrant_pages: PageTokens::new(ttl),
                recording_pages: PageTokens::new(ttl),
                participant_pages: PageTokens::new(ttl),
                phone_recording_pages: PageTokens::new(ttl),
                channel_pages: PageTokens::new(ttl),
                chat_pages: PageTokens::new(ttl),
                limiter: RateLimiter::new(config.plan),
                user_limits: UserLimits::new(config.plan, config.session_writes_per_host),
                faults: Faults::default(),
                stats: StatsRecorder::new(config.plan, ttl),
            }),
            credentials: config.credentials,
            scopes: config.scopes,
            qps_retry_after: config.qps_retry_after,
            account_recordings: config.account_recordings,
            plan: config.plan,
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere must not turn every later request into a panic too; the data
        // stays consistent because no method leaves it half-updated.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Inner {
    pub fn user_index(&self, id_or_email: &str) -> Option<usize> {
        self.users.iter().position(|u| u.is_named_by(id_or_email))
    }

    /// The user the `{userId}` path parameter names.
    pub fn user(&self, id_or_email: &str) -> Option<&SimUser> {
        self.user_index(id_or_email).map(|i| &self.users[i])
    }

    /// Who makes the API's changes, as webhooks name it: the account's owner.
    pub fn operator(&self) -> Option<&SimUser> {
        self.users
            .iter()
            .find(|u| u.role_id == "0")
            .or(self.users.first())
    }

    /// The host of a meeting or webinar, by exact id.
    pub fn host(&self, user_id: &str) -> Option<&SimUser> {
        self.users.iter().find(|u| u.id == user_id)
    }

    /// What the recording events carry of the recording, with its host's email and its
    /// meeting's (or webinar's) timezone and passcode, as far as the account still has them.
    pub fn recording_object(&self, recording: &SimRecording, account_id: &str) -> Value {
        let host = self.host(&recording.host_id);
        let number = recording.meeting_id.to_string();
        let session = [SessionKind::Meeting, SessionKind::Webinar]
            .into_iter()
            .find_map(|kind| self.entities.sessions(kind).find(&number));
        let timezone = session
            .map(|s| s.timezone.clone())
            .or_else(|| host.and_then(|h| h.timezone.clone()))
            .unwrap_or_default();
        webhooks::recording_object(
            recording,
            account_id,
            host.map(|h| h.email.as_str()).unwrap_or_default(),
            &timezone,
            session.map(|s| s.password.as_str()).unwrap_or_default(),
        )
    }

    pub fn expire_page_tokens(&mut self) {
        self.pages.expire_all();
        self.meeting_pages.expire_all();
        self.registrant_pages.expire_all();
        self.recording_pages.expire_all();
        self.participant_pages.expire_all();
        self.phone_recording_pages.expire_all();
        self.channel_pages.expire_all();
        self.chat_pages.expire_all();
    }
}
