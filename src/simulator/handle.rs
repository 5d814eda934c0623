//! [`SimHandle`]: how a test changes the simulated account and looks at what the simulator saw,
//! while the server runs.

use std::sync::Arc;

use serde_json::Value;

use super::faults::Fault;
use super::state::SimState;
use super::stats::SimStats;
use super::user::{SimUser, UserStatus};

#[derive(Clone)]
pub struct SimHandle {
    pub(crate) state: Arc<SimState>,
}

impl SimHandle {
    /// Exactly the items `GET /users?status=…` lists, in order, across all pages.
    ///
    /// # Panics
    /// If `status` is not `active`, `inactive` or `pending`: a typo in a test must not pass as
    /// an empty account.
    pub fn listed_users(&self, status: &str) -> Vec<Value> {
        let status =
            UserStatus::parse(status).unwrap_or_else(|| panic!("no such user status {status:?}"));
        listed(&self.state.lock().users, status)
    }

    /// Active, then inactive, then pending users: a full mirror's listing, taken at one instant.
    pub fn all_listed_users(&self) -> Vec<Value> {
        let inner = self.state.lock();
        UserStatus::ALL
            .into_iter()
            .flat_map(|status| listed(&inner.users, status))
            .collect()
    }

    /// The user vanishes from Zoom (as after a delete or disassociate).
    pub fn remove_user(&self, id_or_email: &str) -> Option<SimUser> {
        let mut inner = self.state.lock();
        let index = inner.user_index(id_or_email)?;
        Some(inner.users.remove(index))
    }

    /// Adds the user at the end of the listing, or replaces, in place, the user with the same
    /// id or email (emails are unique on Zoom).
    pub fn insert_user(&self, user: SimUser) {
        let mut inner = self.state.lock();
        let existing = inner
            .user_index(&user.id)
            .or_else(|| inner.user_index(&user.email));
        match existing {
            Some(index) => inner.users[index] = user,
            None => inner.users.push(user),
        }
    }

    /// Changes a user in place; `false` if there is no such user.
    pub fn update_user(&self, id_or_email: &str, f: impl FnOnce(&mut SimUser)) -> bool {
        let mut inner = self.state.lock();
        let Some(index) = inner.user_index(id_or_email) else {
            return false;
        };
        f(&mut inner.users[index]);
        true
    }

    pub fn inject(&self, fault: Fault) {
        self.state.lock().faults.inject(fault);
    }

    pub fn clear_faults(&self) {
        self.state.lock().faults.clear();
    }

    /// Every token issued so far becomes invalid (401, code 124 "Invalid access token.").
    pub fn revoke_tokens(&self) {
        self.state.lock().tokens.revoke_all();
    }

    /// Every outstanding `next_page_token` becomes expired (400, code 300).
    pub fn expire_page_tokens(&self) {
        self.state.lock().pages.expire_all();
    }

    pub fn stats(&self) -> SimStats {
        self.state.lock().stats.snapshot()
    }

    pub fn reset_stats(&self) {
        self.state.lock().stats.reset();
    }
}

fn listed(users: &[SimUser], status: UserStatus) -> Vec<Value> {
    users
        .iter()
        .filter(|u| u.status == status)
        .map(SimUser::listing_json)
        .collect()
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle").finish_non_exhaustive()
    }
}
