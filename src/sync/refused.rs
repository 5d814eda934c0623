//! Parents Zoom serves nothing of because the account's plan or a user's licence lacks the
//! feature (code 200 for a plan without past participants, for example). That is "none" for
//! the parent, never a failed pass: each pass counts them as it goes and warns once at its
//! end, so an account on a plan without the feature logs one line a pass, not one a parent.
//! A missing scope is not this: it fails the pass, naming the scope.

use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Debug, Default)]
pub(crate) struct Refused(AtomicI64);

impl Refused {
    pub(crate) fn add(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn get(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }

    /// The pass's one warning, if Zoom refused any parent: `lacking` names the feature and
    /// Zoom's code, `parents` what was refused ("users", "meetings or instances").
    pub(crate) fn log(&self, entity: &str, lacking: &str, parents: &str) {
        let refused = self.get();
        if refused > 0 {
            tracing::warn!(
                entity,
                refused,
                "Zoom answered that the plan or licence lacks {lacking} for {refused} {parents}: \
                 nothing was read of them; this is no failure"
            );
        }
    }
}

/// The refusal a listing's `answer` met, kept for the code that ran the listing to act on
/// (`answer` takes `&self`, and listings run on several tasks).
#[derive(Debug)]
pub(crate) struct Seen<T>(Mutex<Option<T>>);

impl<T> Default for Seen<T> {
    fn default() -> Self {
        Seen(Mutex::new(None))
    }
}

impl<T: Copy> Seen<T> {
    pub(crate) fn set(&self, refusal: T) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(refusal);
    }

    pub(crate) fn get(&self) -> Option<T> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
