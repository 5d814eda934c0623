//! The mirrored entities.

use std::fmt;

use clap::ValueEnum;

/// A mirrored entity: one sync job, one cron schedule, its own `zoom.sync_runs` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum Entity {
    Users,
}

impl Entity {
    pub const ALL: [Entity; 1] = [Entity::Users];

    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Users => "users",
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
