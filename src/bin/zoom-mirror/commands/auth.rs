//! `zoom-mirror auth login|status|logout`: the authorization of an OAuth 2.0 app
//! (`zoom.auth = "oauth"`), kept encrypted in `zoom.oauth_tokens`.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use zoom_mirror::cli::AuthCommand;
use zoom_mirror::clock::Clock;
use zoom_mirror::config::{Config, OAuthSettings, ZoomAuth};
use zoom_mirror::db::rate_budget::PgRateBudget;
use zoom_mirror::db::{self, DbTarget};
use zoom_mirror::oauth::redirect::{self, RedirectListener};
use zoom_mirror::oauth::{DbTokenStore, OAuthError};
use zoom_mirror::sync;
use zoom_mirror::zoom::ZoomClient;
use zoom_mirror::zoom::oauth::{OAuthEndpoints, Pkce, random_text};
use zoom_mirror::zoom::token_store::StoredTokens;

/// How long `auth login` waits for the browser: time to sign in and consent, not much more.
const LOGIN_TIMEOUT: Duration = Duration::from_secs(10 * 60);

pub async fn auth(config: &Config, command: AuthCommand) -> anyhow::Result<ExitCode> {
    let settings = config.oauth_settings()?;
    let db = super::database(config)?;
    db::run_migrations(&db).await?;
    let store = DbTokenStore::new(
        db.clone(),
        settings.token_key.clone(),
        settings.app.client_id.clone(),
    );
    let endpoints = OAuthEndpoints::standalone(&config.zoom.client, settings.app.clone())?;
    match command {
        AuthCommand::Login {
            redirect_uri,
            no_listen,
        } => {
            login(
                config,
                &db,
                settings,
                &store,
                &endpoints,
                &redirect_uri,
                no_listen,
            )
            .await
        }
        AuthCommand::Status => status(&store).await,
        AuthCommand::Logout => logout(&store, &endpoints).await,
    }
}

async fn login(
    config: &Config,
    db: &DbTarget,
    settings: OAuthSettings,
    store: &DbTokenStore,
    endpoints: &OAuthEndpoints,
    redirect_uri: &str,
    no_listen: bool,
) -> anyhow::Result<ExitCode> {
    let state = random_text(16);
    let pkce = Pkce::new();
    // Bound before the URL is shown, so that the redirect cannot come before the listener.
    let listener = match no_listen {
        true => None,
        false => Some(RedirectListener::bind(redirect_uri).await?),
    };
    println!(
        "Open this URL in a browser, signed in to Zoom as an admin of the account, and \
         authorize the app:\n\n  {}\n",
        endpoints.authorize_url(redirect_uri, &state, &pkce)
    );
    let code = match listener {
        Some(listener) => {
            println!("Waiting for Zoom's redirect to {redirect_uri} …");
            std::io::stdout().flush()?;
            listener.wait(&state, LOGIN_TIMEOUT).await?
        }
        None => {
            println!("Then paste here the whole URL the browser was sent to:");
            std::io::stdout().flush()?;
            let line = tokio::task::spawn_blocking(|| {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map(|_| line)
            })
            .await?
            .context("reading the pasted URL from standard input")?;
            redirect::from_pasted(&line, &state)?
        }
    };
    let grant = endpoints
        .exchange_code(&code.0, redirect_uri, &pkce)
        .await?;
    let refresh_token = grant.refresh_token.clone().context(
        "Zoom's answer to the code carried no refresh token, so the daemon could not keep the \
         authorization: is zoom.oauth_base_url Zoom's (https://zoom.us)?",
    )?;
    let tokens = StoredTokens {
        access_token: grant.access_token.clone(),
        expires_at: Clock::System.now() + grant.lifetime,
        refresh_token,
        scope: grant.scope.clone(),
    };
    let mut held = store.hold_row().await?;
    held.replace(&tokens).await?;
    held.release().await;

    // Who authorized: the new token's own user, read through the client on the stored tokens.
    let client = ZoomClient::new(
        &config.zoom.client,
        sync::authorization(db, ZoomAuth::OAuth(settings)),
        Clock::System,
        None,
        Some(Arc::new(PgRateBudget::new(db))),
    )?;
    let me = client
        .get_user("me")
        .await?
        .context("Zoom does not know the user who authorized the app (GET /users/me)")?;
    let id = me.id.clone().unwrap_or_default();
    let mut held = store.hold_row().await?;
    held.set_user(&id, &me.email).await?;
    held.release().await;
    tracing::info!(user = %me.email, "stored a new OAuth authorization");
    println!("authorized by {} ({id})", me.email);
    println!("scopes: {}", grant.scope);
    Ok(ExitCode::SUCCESS)
}

async fn status(store: &DbTokenStore) -> anyhow::Result<ExitCode> {
    let mut held = store.hold_row().await?;
    let read = held.read().await;
    held.release().await;
    let Some(authorization) = read? else {
        eprintln!("no authorization is stored: run `zoom-mirror auth login`");
        return Ok(ExitCode::FAILURE);
    };
    let who = match (&authorization.user_email, &authorization.user_id) {
        (Some(email), Some(id)) => format!("{email} ({id})"),
        _ => "unknown (the login stopped before Zoom said)".to_owned(),
    };
    let now = Clock::System.now();
    let expires = authorization.tokens.expires_at;
    let left = if expires > now {
        format!("in {} s", (expires - now).num_seconds())
    } else {
        "expired; the daemon refreshes it when it next calls Zoom".to_owned()
    };
    println!("authorized by: {who}");
    println!("client id: {}", authorization.client_id);
    println!("scopes: {}", authorization.tokens.scope);
    println!(
        "authorized at: {}",
        authorization.authorized_at.to_rfc3339()
    );
    println!("refreshed at: {}", authorization.refreshed_at.to_rfc3339());
    println!("access token expires: {} ({left})", expires.to_rfc3339());
    Ok(ExitCode::SUCCESS)
}

async fn logout(store: &DbTokenStore, endpoints: &OAuthEndpoints) -> anyhow::Result<ExitCode> {
    let mut held = store.hold_row().await?;
    let outcome = revoke_and_delete(&mut held, endpoints).await;
    held.release().await;
    match outcome? {
        Some(who) => println!("revoked the authorization of {who} at Zoom and deleted its tokens"),
        None => println!("no authorization is stored; nothing to revoke"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Who had authorized, once revoked and deleted; `None` when nothing was stored.
async fn revoke_and_delete(
    held: &mut zoom_mirror::oauth::store::HeldStore,
    endpoints: &OAuthEndpoints,
) -> Result<Option<String>, OAuthError> {
    let Some(authorization) = held.read().await? else {
        return Ok(None);
    };
    endpoints
        .revoke(&authorization.tokens.refresh_token)
        .await?;
    held.delete().await?;
    Ok(Some(
        authorization
            .user_email
            .unwrap_or_else(|| "an unknown user".to_owned()),
    ))
}
