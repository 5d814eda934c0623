//! Everything the simulator knows. One lock guards the mutable part; it is never held across an
//! await, so a slow (latency-faulted) call never holds up the others.

use std::sync::{Mutex, MutexGuard, PoisonError};

use super::SimulatorConfig;
use super::account::{self, account_info};
use super::faults::Faults;
use super::limits::RateLimiter;
use super::pages::PageTokens;
use super::stats::StatsRecorder;
use super::tokens::TokenStore;
use super::user::{AccountInfo, SimUser};
use super::users::UserQuery;
use crate::simulator::SimCredentials;

pub(crate) struct SimState {
    pub credentials: SimCredentials,
    pub scopes: Vec<String>,
    pub qps_retry_after: bool,
    pub account: AccountInfo,
    inner: Mutex<Inner>,
}

pub(crate) struct Inner {
    /// In listing order.
    pub users: Vec<SimUser>,
    pub tokens: TokenStore,
    pub pages: PageTokens<UserQuery>,
    pub limiter: RateLimiter,
    pub faults: Faults,
    pub stats: StatsRecorder,
}

impl SimState {
    pub fn new(config: SimulatorConfig) -> Self {
        SimState {
            account: account_info(&config.account, &config.credentials.account_id),
            inner: Mutex::new(Inner {
                users: account::generate(&config.account),
                tokens: TokenStore::new(config.token_ttl),
                pages: PageTokens::new(config.page_token_ttl),
                limiter: RateLimiter::new(config.plan),
                faults: Faults::default(),
                stats: StatsRecorder::new(config.plan),
            }),
            credentials: config.credentials,
            scopes: config.scopes,
            qps_retry_after: config.qps_retry_after,
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
}
