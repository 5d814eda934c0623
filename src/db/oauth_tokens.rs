//! `zoom.oauth_tokens`: the one OAuth authorization, its tokens as the encryption left them
//! (this module never sees them in clear), and the advisory lock every change to them is made
//! under, so that replicas refresh one at a time.

use chrono::{DateTime, Utc};
use diesel::dsl::now;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::error::{DbError, query};
use super::schema::oauth_tokens;
use super::target::DbTarget;

/// Names the advisory lock (`hashtextextended` of it, as the cluster lock does).
const LOCK: &str = "zoom-mirror oauth_tokens";

/// The row, tokens encrypted.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = oauth_tokens)]
pub struct TokenRow {
    pub client_id: String,
    pub user_id: Option<String>,
    pub user_email: Option<String>,
    pub scope: String,
    pub access_token: Vec<u8>,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: Vec<u8>,
    pub authorized_at: DateTime<Utc>,
    pub refreshed_at: DateTime<Utc>,
}

/// Tokens, encrypted: a new authorization's (who gave it is recorded after) or a refresh's.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = oauth_tokens)]
pub struct Tokens {
    pub client_id: String,
    pub scope: String,
    pub access_token: Vec<u8>,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: Vec<u8>,
}

/// The table held against every other session: a session advisory lock on a connection of its
/// own, released on [`HeldRow::release`] or when the connection closes (dropped, or the process
/// gone), so a crash never leaves it held.
pub struct HeldRow {
    conn: AsyncPgConnection,
}

impl HeldRow {
    /// Waits for the lock: another replica's refresh takes one round trip to Zoom.
    pub async fn acquire(db: &DbTarget) -> Result<HeldRow, DbError> {
        let mut conn = db.connect().await?;
        // Raw: the function returns `void`, which Diesel has no SQL type for.
        diesel::sql_query("SELECT pg_advisory_lock(hashtextextended($1, 0))")
            .bind::<diesel::sql_types::Text, _>(LOCK)
            .execute(&mut conn)
            .await
            .map_err(query("waiting for the OAuth tokens' lock"))?;
        Ok(HeldRow { conn })
    }

    pub async fn read(&mut self) -> Result<Option<TokenRow>, DbError> {
        read(&mut self.conn).await
    }

    /// Whether there was a row to update.
    pub async fn refreshed(&mut self, tokens: &Tokens) -> Result<bool, DbError> {
        let updated = diesel::update(oauth_tokens::table)
            .set((tokens, oauth_tokens::refreshed_at.eq(now)))
            .execute(&mut self.conn)
            .await
            .map_err(query("storing refreshed OAuth tokens"))?;
        Ok(updated == 1)
    }

    /// A new authorization in place of whatever was there; who gave it is not known yet.
    pub async fn replace(&mut self, tokens: &Tokens) -> Result<(), DbError> {
        let user_id: Option<&str> = None;
        diesel::insert_into(oauth_tokens::table)
            .values(tokens)
            .on_conflict(oauth_tokens::id)
            .do_update()
            .set((
                tokens,
                oauth_tokens::user_id.eq(user_id),
                oauth_tokens::user_email.eq(user_id),
                oauth_tokens::authorized_at.eq(now),
                oauth_tokens::refreshed_at.eq(now),
            ))
            .execute(&mut self.conn)
            .await
            .map_err(query("storing the OAuth authorization"))?;
        Ok(())
    }

    /// Records who authorized the app, once the new token has said.
    pub async fn set_user(&mut self, id: &str, email: &str) -> Result<(), DbError> {
        diesel::update(oauth_tokens::table)
            .set((
                oauth_tokens::user_id.eq(id),
                oauth_tokens::user_email.eq(email),
            ))
            .execute(&mut self.conn)
            .await
            .map_err(query("recording who authorized the OAuth app"))?;
        Ok(())
    }

    /// Whether there was an authorization to delete.
    pub async fn delete(&mut self) -> Result<bool, DbError> {
        let deleted = diesel::delete(oauth_tokens::table)
            .execute(&mut self.conn)
            .await
            .map_err(query("deleting the OAuth authorization"))?;
        Ok(deleted > 0)
    }

    /// Unlocks and closes the session, so the next replica in line goes on at once.
    pub async fn release(mut self) {
        // Closing the session releases the lock too, so a failed unlock needs no handling.
        let _ = diesel::sql_query("SELECT pg_advisory_unlock_all()")
            .execute(&mut self.conn)
            .await;
    }
}

/// The authorization, without the lock: for `auth status`.
pub async fn read(conn: &mut AsyncPgConnection) -> Result<Option<TokenRow>, DbError> {
    oauth_tokens::table
        .select(TokenRow::as_select())
        .first(conn)
        .await
        .optional()
        .map_err(query("reading the OAuth authorization"))
}
