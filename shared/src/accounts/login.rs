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
    #[serde(default)]
    pub failed_attempts: u32,
    #[serde(default)]
    pub locked_until: Option<String>,
    #[serde(default)]
    pub last_login_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}
