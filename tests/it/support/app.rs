//! `TestApp`: a fresh database, a simulator with its own account, and a sync context wired to
//! both and to a metrics registry of its own, as the daemon wires them.

use std::time::Duration;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;
use url::Url;

use zoom_mirror::clock::Clock;
use zoom_mirror::config::{
    OAuthSettings, RecordingsSource, SyncSettings, ZoomAuth, ZoomCredentials,
};
use zoom_mirror::db::schema::users;
use zoom_mirror::oauth::TokenKey;
use zoom_mirror::sync::{Entity, PassOutcome, PassReport, SyncContext, Trigger, run_pass};
use zoom_mirror::telemetry::metrics::Metrics;
use zoom_mirror::zoom::oauth::OAuthApp;
use zoom_mirror::zoom::{ClientSettings, Endpoint, Plan, ZoomClient};
use zoom_simulator::{
    AccountSpec, BusyHosts, RunningSimulator, SimHandle, Simulator, SimulatorConfig,
};

use super::TestDb;

pub struct TestApp {
    pub db: TestDb,
    pub sim: RunningSimulator,
    pub ctx: SyncContext,
    /// What the daemon would serve at `/metrics`; the client counts its requests here.
    pub metrics: Metrics,
}

impl TestApp {
    /// An account of `users` users from seed 7, on the Pro plan.
    pub async fn new(users: usize) -> TestApp {
        Self::with(account(users), |_| {}).await
    }

    /// A custom simulator, and a hook to adjust the client's settings.
    pub async fn with(sim: SimulatorConfig, tweak: impl FnOnce(&mut ClientSettings)) -> TestApp {
        Self::at(Clock::System, sim, tweak).await
    }

    /// The same with `clock` as the daemon's wall time.
    pub async fn at(
        clock: Clock,
        sim: SimulatorConfig,
        tweak: impl FnOnce(&mut ClientSettings),
    ) -> TestApp {
        Self::connected(clock, sim, tweak, |sim| credentials(sim).into()).await
    }

    /// A simulator whose OAuth app a user authorizes (`zoom.auth = "oauth"`): the client's
    /// tokens are in the test's `zoom.oauth_tokens`, which is empty until a login.
    pub async fn oauth(sim: SimulatorConfig) -> TestApp {
        Self::connected(
            Clock::System,
            sim,
            |_| {},
            |sim| ZoomAuth::OAuth(oauth_settings(sim)),
        )
        .await
    }

    async fn connected(
        clock: Clock,
        sim: SimulatorConfig,
        tweak: impl FnOnce(&mut ClientSettings),
        auth: impl FnOnce(&RunningSimulator) -> ZoomAuth,
    ) -> TestApp {
        let db = TestDb::new().await;
        let sim = Simulator::start(sim).await.expect("starting the simulator");
        let mut zoom = client_settings(&sim);
        tweak(&mut zoom);
        let settings = SyncSettings {
            concurrency: 4,
            meeting_details: false,
            webinar_details: false,
            recordings_backfill_days: 180,
            chat_window_days: 7,
            chat_backfill_days: 30,
            recordings_source: RecordingsSource::Users,
            meeting_participants_settle_hours: 24,
            webinar_participants_settle_hours: 24,
            phone_recordings_backfill_days: 180,
        };
        let metrics = Metrics::default();
        let ctx = SyncContext::new(
            &db.target(),
            4,
            &zoom,
            auth(&sim),
            settings,
            clock,
            Some(metrics.zoom_calls()),
        )
        .expect("a sync context");
        TestApp {
            db,
            sim,
            ctx,
            metrics,
        }
    }

    pub fn handle(&self) -> SimHandle {
        self.sim.handle()
    }

    /// The id of the simulator's `n`th active user.
    pub fn active_user_id(&self, n: usize) -> String {
        active_user(&self.handle(), n).0
    }

    /// The ids of the simulator's active users, in listing order.
    pub fn active_user_ids(&self) -> Vec<String> {
        (self.handle().listed_users("active").iter())
            .map(|u| u["id"].as_str().unwrap().to_owned())
            .collect()
    }

    pub fn client(&self) -> &ZoomClient {
        &self.ctx.client
    }

    pub async fn sync_users(&self) -> PassReport {
        self.sync(Entity::Users).await
    }

    /// One pass of `entity`, which must not be skipped.
    pub async fn sync(&self, entity: Entity) -> PassReport {
        self.pass(entity, &CancellationToken::new()).await
    }

    /// One pass of `entity`, told to stop (as by SIGTERM) as soon as `stop_when` holds: an event
    /// the test can see (a call the simulator received, a label the client paused), never a
    /// guess at how long the pass takes to get there.
    pub async fn sync_stopped_when(
        &self,
        entity: Entity,
        stop_when: impl Fn() -> bool,
    ) -> PassReport {
        let cancel = CancellationToken::new();
        let pass = self.pass(entity, &cancel);
        tokio::pin!(pass);
        loop {
            tokio::select! {
                report = &mut pass => return report,
                () = tokio::time::sleep(Duration::from_millis(5)), if !cancel.is_cancelled() => {
                    if stop_when() {
                        cancel.cancel();
                    }
                }
            }
        }
    }

    async fn pass(&self, entity: Entity, cancel: &CancellationToken) -> PassReport {
        match run_pass(&self.ctx, entity, Trigger::Command, cancel)
            .await
            .expect("the pass is recorded")
        {
            PassOutcome::Ran(report) => report,
            PassOutcome::Skipped => {
                panic!("the pass was skipped: nothing else should hold the lock")
            }
        }
    }

    /// Asserts that `zoom.users` holds a row for every user the simulator lists.
    pub async fn assert_every_user_mirrored(&self) {
        assert_eq!(
            self.users().await.len(),
            self.handle().all_listed_users().len(),
            "every listed user is mirrored"
        );
    }

    pub async fn conn(&self) -> AsyncPgConnection {
        self.db.connect().await
    }

    /// Every row of `zoom.users`, by email.
    pub async fn users(&self) -> Vec<MirroredUser> {
        users::table
            .order(users::email)
            .select(MirroredUser::as_select())
            .load(&mut self.conn().await)
            .await
            .expect("reading zoom.users")
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct MirroredUser {
    pub row_id: i64,
    pub id: Option<String>,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub user_type: Option<i32>,
    pub status: Option<String>,
    pub pmi: Option<i64>,
    pub dept: Option<String>,
    pub timezone: Option<String>,
    pub raw: serde_json::Value,
    pub deleted_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The id and email of the `n`th user the simulator lists as active.
pub fn active_user(handle: &SimHandle, n: usize) -> (String, String) {
    let user = &handle.listed_users("active")[n];
    (
        user["id"].as_str().unwrap().to_owned(),
        user["email"].as_str().unwrap().to_owned(),
    )
}

/// Config lines turning off every sync job but `kept`, for a daemon that runs only what a test
/// looks at.
pub fn sync_jobs_off_but(kept: Option<Entity>) -> String {
    (Entity::ALL.iter())
        .filter(|e| Some(**e) != kept)
        .map(|e| format!("[sync.{e}]\nenabled = false\n"))
        .collect()
}

/// `users` users from seed 7, with the default meetings, webinars and recordings, on Pro.
pub fn account(users: usize) -> SimulatorConfig {
    SimulatorConfig {
        account: AccountSpec {
            users,
            seed: 7,
            ..AccountSpec::default()
        },
        ..SimulatorConfig::default()
    }
}

/// [`account`] on a simulator that grants every scope but the one `endpoint` needs.
pub fn without_scope_of(endpoint: Endpoint, users: usize) -> SimulatorConfig {
    SimulatorConfig {
        scopes: (SimulatorConfig::default().scopes.into_iter())
            .filter(|s| !endpoint.opened_by(s))
            .collect(),
        ..account(users)
    }
}

/// `users` users from seed 7 who host nothing.
pub fn users_only(users: usize) -> SimulatorConfig {
    SimulatorConfig {
        account: AccountSpec {
            meetings_per_user: 0,
            webinars_per_user: 0,
            recordings_per_user: 0,
            ..account(users).account
        },
        ..SimulatorConfig::default()
    }
}

/// An account of one user, the owner, who hosts nothing but what `busy` gives one host: a few
/// listings of many pages, cheap to build and to mirror.
pub fn one_busy_host(busy: BusyHosts) -> SimulatorConfig {
    SimulatorConfig {
        account: AccountSpec {
            users: 1,
            seed: 13,
            meetings_per_user: 0,
            registrants_per_meeting: 0,
            webinars_per_user: 0,
            recordings_per_user: 0,
            busy: BusyHosts { hosts: 1, ..busy },
            ..AccountSpec::default()
        },
        ..SimulatorConfig::default()
    }
}

/// The calls a listing of `items` takes at the client's page size (an empty one takes one).
pub fn pages_of(endpoint: Endpoint, items: usize) -> u64 {
    let size = endpoint.max_page_size().expect("a listing endpoint") as usize;
    items.div_ceil(size).max(1) as u64
}

/// Runs `pass`, failing the test if it has not ended after two minutes: a listing that never
/// ends must fail the test, not hang it.
pub async fn within_two_minutes<T>(what: &str, pass: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(120), pass)
        .await
        .unwrap_or_else(|_| panic!("the {what} pass did not end within two minutes"))
}

/// Client settings for the simulator: the product defaults, with quicker retries.
pub fn client_settings(sim: &RunningSimulator) -> ClientSettings {
    ClientSettings {
        api_base_url: sim.api_base_url(),
        oauth_base_url: sim.oauth_base_url(),
        plan: Plan::Pro,
        rate_limit_share: 0.8,
        rate_limit_overrides: Vec::new(),
        request_timeout: Duration::from_secs(10),
        max_attempts: 4,
        max_retry_time: Duration::from_secs(20),
    }
}

pub fn credentials(sim: &RunningSimulator) -> ZoomCredentials {
    let c = sim.credentials();
    ZoomCredentials {
        account_id: c.account_id.clone(),
        client_id: c.client_id.clone(),
        client_secret: SecretString::from(c.client_secret.clone()),
    }
}

/// The ZOOM_MIRROR_TOKEN_KEY of the tests: 32 bytes, base64.
pub const TOKEN_KEY: &str = "3q2+7wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhs=";

/// The simulator's app as a user-authorized OAuth app, its tokens under [`TOKEN_KEY`].
pub fn oauth_settings(sim: &RunningSimulator) -> OAuthSettings {
    let c = sim.credentials();
    OAuthSettings {
        app: OAuthApp {
            client_id: c.client_id.clone(),
            client_secret: SecretString::from(c.client_secret.clone()),
        },
        token_key: TokenKey::parse(&SecretString::from(TOKEN_KEY)).expect("a valid key"),
    }
}

/// The simulator's base URL with a path, for tests that call it without the client.
pub fn api_url(sim: &RunningSimulator, path: &str) -> Url {
    Url::parse(&format!(
        "{}/{path}",
        sim.api_base_url().as_str().trim_end_matches('/')
    ))
    .expect("a URL")
}
