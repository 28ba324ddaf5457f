//! Who is calling: session tokens, the [`Principal`] extractor and the scoping rules.

pub mod jwt;
pub mod keys;
pub mod password;
pub mod revocation;
pub mod tokens;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    Staff,
    Contact,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Admin,
    Agent,
}

/// What a contact may do for its customer (F6).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Permissions {
    #[serde(default = "yes")]
    pub place_orders: bool,
    #[serde(default = "yes")]
    pub create_quotes: bool,
    #[serde(default = "yes")]
    pub see_invoices: bool,
    /// F39: sees the customer's other contacts, invites colleagues, sets their permissions,
    /// spending limits and blocks them, and approves or rejects orders above a limit. Granted
    /// only by staff (never by another manager), so it is off unless set.
    #[serde(default)]
    pub manage_company: bool,
}

fn yes() -> bool {
    true
}

impl Default for Permissions {
    fn default() -> Self {
        Self::all()
    }
}

impl Permissions {
    /// Every ordinary permission (a new contact's default); "manage company" is not one of
    /// them: staff grant it on purpose.
    pub const fn all() -> Self {
        Self {
            place_orders: true,
            create_quotes: true,
            see_invoices: true,
            manage_company: false,
        }
    }

    /// Whether every permission of `self` is also held by `other` (a manager never grants
    /// more than it holds).
    pub fn within(&self, other: &Permissions) -> bool {
        (!self.place_orders || other.place_orders)
            && (!self.create_quotes || other.create_quotes)
            && (!self.see_invoices || other.see_invoices)
            && (!self.manage_company || other.manage_company)
    }
}

/// The staff member behind an impersonated session (F9).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Impersonator {
    pub staff_id: String,
    pub name: String,
}

/// The caller, as carried in the session token's claims. Once extracted, the stored records
/// override what the token says (see [`revocation`]): the staff role, the contact permissions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Principal {
    pub kind: PrincipalKind,
    /// Staff id for staff; the contact's email for contacts; `staff:<id>` when impersonating.
    pub sub: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<StaffRole>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub permissions: Permissions,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impersonated_by: Option<Impersonator>,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Issued at, seconds since the epoch: a session issued at or before its login's "sessions
    /// valid after" time is ended (see [`revocation`]).
    pub iat: i64,
    /// This session's id, so a logout can end this session alone (tokens issued before it
    /// existed have none; their logout ends every session issued until then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

impl Principal {
    pub fn staff(staff_id: &str, name: &str, role: StaffRole, minutes: i64) -> Self {
        let now = Utc::now().timestamp();
        Self {
            kind: PrincipalKind::Staff,
            sub: staff_id.into(),
            name: name.into(),
            role: Some(role),
            customer_id: None,
            permissions: Permissions::all(),
            impersonated_by: None,
            exp: now + minutes * 60,
            iat: now,
            sid: Some(crate::types::new_id()),
        }
    }

    pub fn contact(
        email: &str,
        name: &str,
        customer_id: &str,
        permissions: Permissions,
        minutes: i64,
    ) -> Self {
        let now = Utc::now().timestamp();
        Self {
            kind: PrincipalKind::Contact,
            sub: email.into(),
            name: name.into(),
            role: None,
            customer_id: Some(customer_id.into()),
            permissions,
            impersonated_by: None,
            exp: now + minutes * 60,
            iat: now,
            sid: Some(crate::types::new_id()),
        }
    }

    /// Makes the session start after `valid_after` (seconds): a login in the same second as a
    /// password change or a block would otherwise look as old as the sessions it ended.
    pub fn issued_after(mut self, valid_after: Option<i64>) -> Self {
        if let Some(after) = valid_after {
            if self.iat <= after {
                self.exp += after + 1 - self.iat;
                self.iat = after + 1;
            }
        }
        self
    }

    pub fn token(&self, keys: &jwt::SigningKeys) -> String {
        jwt::sign(self, keys)
    }

    pub fn expires_at(&self) -> chrono::DateTime<Utc> {
        chrono::DateTime::from_timestamp(self.exp, 0).unwrap_or_else(Utc::now)
    }

    pub fn is_staff(&self) -> bool {
        self.kind == PrincipalKind::Staff
    }

    pub fn is_admin(&self) -> bool {
        self.is_staff() && self.role == Some(StaffRole::Admin)
    }

    /// Any staff member (admin or agent).
    pub fn require_staff(&self) -> AppResult<()> {
        if self.is_staff() {
            Ok(())
        } else {
            Err(AppError::Forbidden("staff only".into()))
        }
    }

    pub fn require_admin(&self) -> AppResult<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden("admins only".into()))
        }
    }

    /// The customer a customer-facing route acts for: the contact's own, or the impersonated one.
    pub fn customer_scope(&self) -> AppResult<&str> {
        match (&self.kind, &self.customer_id) {
            (PrincipalKind::Contact, Some(id)) => Ok(id),
            _ => Err(AppError::Forbidden(
                "this route is for customers; staff use /v1/admin or act as the customer".into(),
            )),
        }
    }

    /// Staff may see a customer if admin, or agent assigned to it. Everyone else: 404, so
    /// nothing about other customers leaks.
    pub fn ensure_can_manage(&self, customer_agent_id: Option<&str>) -> AppResult<()> {
        match self.role {
            Some(StaffRole::Admin) if self.is_staff() => Ok(()),
            Some(StaffRole::Agent)
                if self.is_staff() && customer_agent_id == Some(self.sub.as_str()) =>
            {
                Ok(())
            }
            _ => Err(AppError::NotFound),
        }
    }

    /// The name to record in audit trails: "Ana (as customer, by staff Luis)".
    pub fn actor_label(&self) -> String {
        match &self.impersonated_by {
            Some(staff) => format!("{} (impersonating)", staff.name),
            None => self.name.clone(),
        }
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or(AppError::Unauthenticated)?;
        let keys = state.session_keys.get().await?;
        let principal: Principal = jwt::verify(token, keys).ok_or(AppError::Unauthenticated)?;
        if principal.exp <= Utc::now().timestamp() {
            return Err(AppError::Unauthenticated);
        }
        // A valid signature is not enough: the access may have been revoked or changed since
        // the token was signed (staff at once, contacts within the access cache's TTL).
        revocation::current(state, principal).await
    }
}

/// A caller that may be anonymous (visitors browsing in B2B mode). A present but invalid token
/// is still refused, so a client with an expired session notices.
pub struct MaybePrincipal(pub Option<Principal>);

impl FromRequestParts<AppState> for MaybePrincipal {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if bearer(parts).is_none() {
            return Ok(MaybePrincipal(None));
        }
        Principal::from_request_parts(parts, state)
            .await
            .map(|p| MaybePrincipal(Some(p)))
    }
}
