//! Staff users (F8): admins and agents.

use serde::{Deserialize, Serialize};

use crate::auth::StaffRole;
use crate::types::{Email, Name};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StaffUser {
    pub id: String,
    pub email: Email,
    pub name: Name,
    pub role: StaffRole,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
}
