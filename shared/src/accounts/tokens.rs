//! One-time tokens for invitations and password resets (F7): random, sent once, stored only as
//! a SHA-256 hash (`TOKEN#<hash>`), expiring, and consumed in the transaction that uses them.

use aws_sdk_dynamodb::types::TransactWriteItem;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::tokens::{hash_token, new_token};
use crate::error::{AppError, AppResult};
use crate::store::{keys, Keys, Store, StoreError};
use crate::types::{now_rfc3339, Email};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenPurpose {
    Invitation,
    PasswordReset,
}

/// The stored record of a token (the token itself is never stored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneTimeToken {
    pub purpose: TokenPurpose,
    pub email: Email,
    pub expires_at: String,
    pub created_at: String,
}

impl OneTimeToken {
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        DateTime::parse_from_rfc3339(&self.expires_at)
            .map(|at| at.with_timezone(&Utc) <= now)
            .unwrap_or(true)
    }
}

/// A freshly issued token: the secret to send and the record to store under its hash.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub hash: String,
    pub record: OneTimeToken,
}

pub fn issue(purpose: TokenPurpose, email: &Email, valid_for: Duration) -> IssuedToken {
    let (token, hash) = new_token();
    let expires = Utc::now() + valid_for;
    IssuedToken {
        token,
        hash,
        record: OneTimeToken {
            purpose,
            email: email.clone(),
            expires_at: expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            created_at: now_rfc3339(),
        },
    }
}

impl IssuedToken {
    /// Kept a day past expiry (TTL is housekeeping; expiry is checked on use).
    fn keys(&self) -> Keys {
        let ttl = DateTime::parse_from_rfc3339(&self.record.expires_at)
            .map(|t| t.timestamp())
            .unwrap_or_else(|_| Utc::now().timestamp())
            + 24 * 3600;
        Keys::new(keys::token_pk(&self.hash), keys::TOKEN_SK).ttl(ttl)
    }

    /// The write to add to the transaction that hands the token out.
    pub fn tx_put(&self, store: &Store) -> Result<TransactWriteItem, StoreError> {
        store.tx_put_new(&self.keys(), &self.record)
    }
}

/// The write that consumes a token: it fails if the token was already used.
pub fn tx_consume(store: &Store, hash: &str) -> Result<TransactWriteItem, StoreError> {
    store.tx_delete(
        &keys::token_pk(hash),
        keys::TOKEN_SK,
        Some("attribute_exists(PK)"),
    )
}

/// The one answer for any token that cannot be used: unknown, used, expired or replaced.
pub fn invalid_token() -> AppError {
    AppError::invalid(
        "token",
        "is invalid, already used or expired; ask for a new link",
    )
}

/// Finds a token's record if it exists, has this purpose and has not expired.
pub async fn load_valid(
    store: &Store,
    token: &str,
    purpose: TokenPurpose,
) -> AppResult<(String, OneTimeToken)> {
    // Tokens we issue are 43 URL-safe characters; anything far off is not worth a read.
    if token.is_empty() || token.len() > 256 {
        return Err(invalid_token());
    }
    let hash = hash_token(token);
    let record: Option<OneTimeToken> = store.get(&keys::token_pk(&hash), keys::TOKEN_SK).await?;
    match record {
        Some(r) if r.purpose == purpose && !r.is_expired_at(Utc::now()) => Ok((hash, r)),
        _ => Err(invalid_token()),
    }
}

/// The link in an invitation: `{base}/set-password?token=...`.
pub fn invitation_url(public_base_url: &str, token: &str) -> String {
    format!(
        "{}/set-password?token={}",
        public_base_url.trim_end_matches('/'),
        urlencoding::encode(token)
    )
}

/// The link in a password reset email: `{base}/reset-password?token=...`.
pub fn reset_url(public_base_url: &str, token: &str) -> String {
    format!(
        "{}/reset-password?token={}",
        public_base_url.trim_end_matches('/'),
        urlencoding::encode(token)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_and_links() {
        let email = Email::parse("a@b.co").unwrap();
        let t = issue(TokenPurpose::Invitation, &email, Duration::hours(1));
        assert!(!t.record.is_expired_at(Utc::now()));
        assert!(t.record.is_expired_at(Utc::now() + Duration::hours(2)));
        assert_eq!(hash_token(&t.token), t.hash);
        let url = invitation_url("https://shop.example.com/", &t.token);
        assert_eq!(
            url,
            format!("https://shop.example.com/set-password?token={}", t.token)
        );
        assert!(reset_url("http://x", "a b").ends_with("/reset-password?token=a%20b"));
    }
}
