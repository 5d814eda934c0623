//! A mirrored row as a webhook event finds it: locked until the transaction ends, so that a
//! sync page cannot write it between the event's read and its write.

use chrono::{DateTime, Utc};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    /// The object as last written.
    pub raw: Value,
    /// When Zoom's data in the row was current; `None` for a row written before source times
    /// were kept, which any event may change.
    pub source_time: Option<DateTime<Utc>>,
    pub deleted: bool,
}

impl From<(Value, Option<DateTime<Utc>>, bool)> for Held {
    fn from((raw, source_time, deleted): (Value, Option<DateTime<Utc>>, bool)) -> Held {
        Held {
            raw,
            source_time,
            deleted,
        }
    }
}
