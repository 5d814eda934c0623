//! A TCP proxy in front of the test database's server, to stage PostgreSQL outages without
//! touching the server other tests share: `cut` drops every connection through it and resets
//! new ones, as a server that crashed or restarted would; `restore` lets them through again.

use std::net::SocketAddr;

use secrecy::ExposeSecret;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use url::Url;

use super::TestDb;

pub struct DbProxy {
    addr: SocketAddr,
    upstream: Url,
    up: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl DbProxy {
    /// A proxy to `db`'s server, letting connections through if `up`.
    pub async fn start(db: &TestDb, up: bool) -> DbProxy {
        let upstream = Url::parse(db.url().expose_secret()).expect("the test database's URL");
        let server = format!(
            "{}:{}",
            upstream.host_str().expect("a host"),
            upstream.port().unwrap_or(5432)
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let addr = listener.local_addr().expect("the proxy's address");
        let (state, _) = watch::channel(up);
        let task = tokio::spawn(serve(listener, server, state.clone()));
        DbProxy {
            addr,
            upstream,
            up: state,
            task,
        }
    }

    /// The test database's URL, through the proxy.
    pub fn url(&self) -> String {
        let mut url = self.upstream.clone();
        url.set_port(Some(self.addr.port()))
            .expect("a URL with a port");
        url.set_host(Some("127.0.0.1")).expect("a URL with a host");
        url.to_string()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Drops every connection and resets new ones until [`DbProxy::restore`].
    pub fn cut(&self) {
        self.up.send_replace(false);
    }

    pub fn restore(&self) {
        self.up.send_replace(true);
    }
}

impl Drop for DbProxy {
    fn drop(&mut self) {
        self.cut();
        self.task.abort();
    }
}

async fn serve(listener: TcpListener, server: String, up: watch::Sender<bool>) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        if !*up.borrow() {
            reset(client);
            continue;
        }
        tokio::spawn(forward(client, server.clone(), up.subscribe()));
    }
}

async fn forward(mut client: TcpStream, server: String, mut up: watch::Receiver<bool>) {
    let Ok(mut upstream) = TcpStream::connect(&server).await else {
        reset(client);
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut upstream) => {}
        _ = up.wait_for(|up| !*up) => {
            reset(client);
            reset(upstream);
        }
    }
}

/// Closes with a reset, as a peer that went away does, rather than an orderly shutdown.
fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}
