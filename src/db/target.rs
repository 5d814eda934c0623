//! Where PostgreSQL is and how long to wait for it. Every connection of the daemon is opened
//! here, so each one is bounded by the same timeouts and fails with the same message: the server
//! and the cause, never the URL (it holds the password).

use std::error::Error as _;
use std::time::Duration;

use diesel_async::AsyncPgConnection;
use secrecy::{ExposeSecret, SecretString};
use tokio_postgres::config::Host;
use tokio_postgres::{Config, NoTls};

use super::error::DbError;
use crate::config::DatabaseConfig;

/// TCP keepalives start after this much silence, and data (a keepalive probe included) left
/// unacknowledged this long closes the connection: a peer that vanished without a word (a dead
/// network, a powered-off host) is noticed within about a minute, where a query would otherwise
/// wait for hours.
const DEAD_PEER: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbTimeouts {
    /// Opening one connection: name lookup, TCP, authentication and session setup.
    pub connect: Duration,
    /// Waiting for a pooled connection to come free.
    pub pool_wait: Duration,
}

impl From<&DatabaseConfig> for DbTimeouts {
    fn from(config: &DatabaseConfig) -> Self {
        DbTimeouts {
            connect: config.connect_timeout,
            pool_wait: config.pool_timeout,
        }
    }
}

/// The database to connect to, parsed once.
#[derive(Clone)]
pub struct DbTarget {
    config: Config,
    server: String,
    pub timeouts: DbTimeouts,
}

impl DbTarget {
    pub fn new(url: &SecretString, timeouts: DbTimeouts) -> Result<Self, DbError> {
        let mut config: Config = url
            .expose_secret()
            .parse()
            .map_err(|e: tokio_postgres::Error| DbError::Url(cause(&e)))?;
        if !url_sets(url, "tcp_user_timeout") {
            config.tcp_user_timeout(DEAD_PEER);
        }
        if !url_sets(url, "keepalives_idle") {
            config.keepalives_idle(DEAD_PEER);
        }
        Ok(DbTarget {
            server: server(&config),
            config,
            timeouts,
        })
    }

    /// `host:port` (several, comma-separated, if the URL names several): what messages name.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// A connection for diesel, within the connect timeout.
    pub async fn connect(&self) -> Result<AsyncPgConnection, DbError> {
        self.bounded(async {
            let (client, connection) = self.config.connect(NoTls).await.map_err(|e| cause(&e))?;
            AsyncPgConnection::try_from_client_and_connection(client, connection)
                .await
                .map_err(|e| e.to_string())
        })
        .await
    }

    /// The error for a connection that could not be opened because of `reason`.
    pub(super) fn connect_error(&self, reason: String) -> DbError {
        DbError::Connect {
            server: self.server.clone(),
            reason,
        }
    }

    /// The error for a connection not opened within the connect timeout.
    pub(super) fn no_answer(&self) -> DbError {
        self.connect_error(format!(
            "no answer within {} s (database.connect_timeout_secs)",
            self.timeouts.connect.as_secs()
        ))
    }

    async fn bounded<T>(
        &self,
        connect: impl Future<Output = Result<T, String>>,
    ) -> Result<T, DbError> {
        match tokio::time::timeout(self.timeouts.connect, connect).await {
            Ok(connected) => connected.map_err(|reason| self.connect_error(reason)),
            Err(_) => Err(self.no_answer()),
        }
    }
}

/// What went wrong, without tokio-postgres's own summary ("error connecting to server", "db
/// error"), which names no cause: the cause, where there is one.
fn cause(error: &tokio_postgres::Error) -> String {
    error
        .source()
        .map_or_else(|| error.to_string(), ToString::to_string)
}

fn url_sets(url: &SecretString, parameter: &str) -> bool {
    url::Url::parse(url.expose_secret())
        .is_ok_and(|url| url.query_pairs().any(|(key, _)| key == parameter))
}

fn server(config: &Config) -> String {
    let ports = config.get_ports();
    let port = |i: usize| ports.get(i).or(ports.first()).copied().unwrap_or(5432);
    let hosts: Vec<String> = match config.get_hosts() {
        [] => config
            .get_hostaddrs()
            .iter()
            .map(|addr| addr.to_string())
            .collect(),
        hosts => hosts
            .iter()
            .map(|host| match host {
                Host::Tcp(name) => name.clone(),
                Host::Unix(dir) => dir.display().to_string(),
            })
            .collect(),
    };
    hosts
        .iter()
        .enumerate()
        .map(|(i, host)| {
            if host.contains(':') {
                format!("[{host}]:{}", port(i))
            } else {
                format!("{host}:{}", port(i))
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUTS: DbTimeouts = DbTimeouts {
        connect: Duration::from_secs(1),
        pool_wait: Duration::from_secs(1),
    };

    fn target(url: &str) -> DbTarget {
        DbTarget::new(&SecretString::from(url.to_owned()), TIMEOUTS).unwrap()
    }

    /// Why connecting to the server at `url` failed, as the daemon says it.
    async fn connect_error(url: &str) -> String {
        target(url).connect().await.err().unwrap().to_string()
    }

    #[test]
    fn the_server_is_named_without_user_or_password() {
        assert_eq!(
            target("postgres://zoom:hunter2@db.example:6543/zoom").server(),
            "db.example:6543"
        );
        assert_eq!(target("postgresql://u@db/zoom").server(), "db:5432");
        assert_eq!(
            target("postgres://u@[::1]:5433/zoom").server(),
            "[::1]:5433"
        );
    }

    #[test]
    fn a_url_that_cannot_be_used_is_refused_without_quoting_it() {
        let url = SecretString::from("postgres://u:hunter2@db/zoom?sslmod=off".to_owned());
        let message = DbTarget::new(&url, TIMEOUTS).err().unwrap().to_string();
        assert!(message.contains("unknown option `sslmod`"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[tokio::test]
    async fn a_server_that_never_answers_is_given_up_after_the_connect_timeout() {
        // The kernel completes the handshake; nobody ever answers the startup message.
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = silent.local_addr().unwrap().port();
        let started = std::time::Instant::now();
        let message = connect_error(&format!("postgres://u@127.0.0.1:{port}/zoom")).await;
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(
            message,
            format!(
                "cannot connect to PostgreSQL at 127.0.0.1:{port}: no answer within 1 s \
                 (database.connect_timeout_secs); check DATABASE_URL and that the server is up"
            )
        );
    }

    #[tokio::test]
    async fn a_refused_connection_names_the_server_and_the_cause_once() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let message = connect_error(&format!("postgres://u:hunter2@127.0.0.1:{port}/zoom")).await;
        assert!(
            message.starts_with(&format!(
                "cannot connect to PostgreSQL at 127.0.0.1:{port}: Connection refused"
            )),
            "{message}"
        );
        assert!(!message.contains("error connecting to server"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }
}
