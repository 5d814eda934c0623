//! The redirect that brings `auth login` its code: taken on the redirect URI's own address by a
//! one-shot listener, or pasted from the browser's address bar on a machine without one.
//! Either way the `state` must be the one the login sent, or the code is not used.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::RawQuery;
use axum::response::Html;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use url::Url;

use super::error::OAuthError;

/// The code of a redirect whose `state` matched.
pub struct Code(pub String);

/// A listener on the redirect URI's address, bound before the authorize URL is shown so that
/// the redirect cannot come first.
pub struct RedirectListener {
    listener: TcpListener,
    path: String,
}

impl RedirectListener {
    pub async fn bind(redirect_uri: &str) -> Result<RedirectListener, OAuthError> {
        let refused = |reason: &str| OAuthError::RedirectUri {
            uri: redirect_uri.to_owned(),
            reason: reason.to_owned(),
        };
        let url = Url::parse(redirect_uri).map_err(|e| refused(&e.to_string()))?;
        if url.scheme() != "http" {
            return Err(refused(
                "only http is listened on; Zoom's page redirects the browser, which is on this machine",
            ));
        }
        let port = url
            .port_or_known_default()
            .ok_or_else(|| refused("no port"))?;
        let host = match url.host_str() {
            Some("localhost") => "127.0.0.1",
            Some(host) => host.trim_start_matches('[').trim_end_matches(']'),
            None => return Err(refused("no host")),
        };
        let addr: SocketAddr = format!("{host}:{port}")
            .parse()
            .or_else(|_| format!("[{host}]:{port}").parse())
            .map_err(|_| refused("the host is not an IP address of this machine or localhost"))?;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| OAuthError::Listen {
                addr: addr.to_string(),
                reason: e.to_string(),
            })?;
        Ok(RedirectListener {
            listener,
            path: url.path().to_owned(),
        })
    }

    /// The first redirect to the URI's path, within `timeout`. The browser is answered with a
    /// short page saying whether to go back to the terminal.
    pub async fn wait(self, state: &str, timeout: Duration) -> Result<Code, OAuthError> {
        let (tx, mut rx) = mpsc::channel::<Result<Code, OAuthError>>(1);
        let expected = state.to_owned();
        let app = Router::new().route(
            &self.path,
            get(move |RawQuery(query): RawQuery| {
                let tx = tx.clone();
                let expected = expected.clone();
                async move {
                    let outcome = code_from(query.as_deref().unwrap_or_default(), &expected);
                    let page = match &outcome {
                        Ok(_) => {
                            "<p>zoom-mirror is authorized. You can close this tab.</p>".to_owned()
                        }
                        Err(error) => format!(
                            "<p>zoom-mirror was not authorized: {}</p>",
                            escape(&error.to_string())
                        ),
                    };
                    let _ = tx.try_send(outcome);
                    Html(format!("<!doctype html><title>zoom-mirror</title>{page}"))
                }
            }),
        );
        let server = axum::serve(self.listener, app);
        tokio::select! {
            served = server => Err(OAuthError::Listen {
                addr: "the redirect URI".into(),
                reason: match served {
                    Ok(()) => "the listener stopped".into(),
                    Err(e) => e.to_string(),
                },
            }),
            outcome = rx.recv() => outcome.unwrap_or(Err(OAuthError::NoCode)),
            () = tokio::time::sleep(timeout) => Err(OAuthError::Timeout { waited: timeout }),
        }
    }
}

/// The code of the URL the browser was redirected to, pasted whole.
pub fn from_pasted(pasted: &str, state: &str) -> Result<Code, OAuthError> {
    let url = Url::parse(pasted.trim()).map_err(|_| OAuthError::NoCode)?;
    code_from(url.query().unwrap_or_default(), state)
}

fn code_from(query: &str, state: &str) -> Result<Code, OAuthError> {
    let mut code = None;
    let mut got_state = None;
    let mut error = None;
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match &*name {
            "code" => code = Some(value.into_owned()),
            "state" => got_state = Some(value.into_owned()),
            "error" => error = Some(value.into_owned()),
            _ => {}
        }
    }
    if got_state.as_deref() != Some(state) {
        return Err(OAuthError::StateMismatch);
    }
    if let Some(error) = error {
        return Err(OAuthError::Denied { error });
    }
    code.filter(|c| !c.is_empty())
        .map(Code)
        .ok_or(OAuthError::NoCode)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_redirect_with_the_login_s_state_gives_its_code() {
        let url = "http://127.0.0.1:8765/oauth/callback?code=abc&state=s1";
        assert_eq!(from_pasted(url, "s1").unwrap().0, "abc");
        assert!(matches!(
            from_pasted(url, "s2"),
            Err(OAuthError::StateMismatch)
        ));
        assert!(matches!(
            from_pasted("http://h/cb?state=s1", "s1"),
            Err(OAuthError::NoCode)
        ));
        assert!(matches!(
            from_pasted("http://h/cb?state=s1&error=access_denied", "s1"),
            Err(OAuthError::Denied { .. })
        ));
        assert!(matches!(from_pasted("abc", "s1"), Err(OAuthError::NoCode)));
    }
}
