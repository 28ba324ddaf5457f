//! The login of one email (`LOGIN#<email>`): unique across contacts and staff, holds the
//! password hash, the access state and the throttling counters.

use serde::{Deserialize, Serialize};

use crate::types::Email;

/// Whose login this is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "owner", rename_all = "snake_case")]
pub enum LoginOwner {
    Contact { customer_id: String },
    Staff { staff_id: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginStatus {
    /// Invited, password not set yet.
    Invited,
    Active,
    Blocked,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Login {
    pub email: Email,
    #[serde(flatten)]
    pub owner: LoginOwner,
    pub status: LoginStatus,
    #[serde(default)]
    pub password_hash: Option<String>,
    /// Hash of the only invitation/reset token still valid (a re-send replaces it).
    #[serde(default)]
    pub pending_token_hash: Option<String>,
    /// Failed attempts in a row; each attempt is counted (reserved) before its password is
    /// checked, and a success resets it.
    #[serde(default)]
    pub failed_attempts: u32,
    /// No attempt is evaluated before this time (RFC 3339): the growing delay after repeated
    /// failures (see `accounts::auth::delay_after`).
    #[serde(default)]
    pub retry_at: Option<String>,
    /// Sessions issued at or before this time (seconds since the epoch) are ended: set with a
    /// password change, a block or a deactivation; a new session is issued after it.
    #[serde(default)]
    pub sessions_valid_after: Option<i64>,
    #[serde(default)]
    pub last_login_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Login {
    /// A login invited to set its password with the token whose hash is given.
    pub fn invited(email: Email, owner: LoginOwner, token_hash: &str) -> Self {
        let now = crate::types::now_rfc3339();
        Self {
            email,
            owner,
            status: LoginStatus::Invited,
            password_hash: None,
            pending_token_hash: Some(token_hash.to_string()),
            failed_attempts: 0,
            retry_at: None,
            sessions_valid_after: None,
            last_login_at: None,
            created_at: now.clone(),
            updated_at: now,
        }
    }

    /// An active login with a password already hashed (staff bootstrap, fixtures).
    pub fn active(email: Email, owner: LoginOwner, password_hash: String) -> Self {
        let now = crate::types::now_rfc3339();
        Self {
            email,
            owner,
            status: LoginStatus::Active,
            password_hash: Some(password_hash),
            pending_token_hash: None,
            failed_attempts: 0,
            retry_at: None,
            sessions_valid_after: None,
            last_login_at: None,
            created_at: now.clone(),
            updated_at: now,
        }
    }
}

impl LoginStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LoginStatus::Invited => "invited",
            LoginStatus::Active => "active",
            LoginStatus::Blocked => "blocked",
        }
    }
}

pub fn login_keys(email: &str) -> crate::store::Keys {
    crate::store::Keys::new(
        crate::store::keys::login_pk(email),
        crate::store::keys::LOGIN_SK,
    )
}

pub async fn get(
    store: &crate::store::Store,
    email: &str,
) -> Result<Option<Login>, crate::store::StoreError> {
    store
        .get(
            &crate::store::keys::login_pk(email),
            crate::store::keys::LOGIN_SK,
        )
        .await
}
