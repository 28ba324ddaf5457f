//! Acting as a customer (F9): a staff member who may manage a customer gets a short-lived,
//! customer-scoped session marked with who is behind it. Every such session is audited on the
//! customer's activity before the token is handed out.

use serde::Serialize;

use crate::activity;
use crate::auth::{Impersonator, Permissions, Principal};
use crate::error::AppResult;
use crate::store::Store;

use super::customer_care::managed_customer;

/// How long an impersonated session lasts, shorter than a normal one on purpose.
pub const IMPERSONATION_MINUTES: i64 = 30;

/// Activity kind recorded when a staff member starts acting as the customer.
pub const IMPERSONATION_STARTED: &str = "impersonation_started";

/// A session: the bearer token, its expiry and the principal it carries.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Session {
    pub token: String,
    /// RFC 3339.
    pub expires_at: String,
    pub principal: Principal,
}

/// Starts an impersonated session of `customer_id` for the staff member `acting`. Answers 404 when
/// the staff member may not manage that customer (agents: only their assigned customers).
pub async fn impersonate(
    store: &Store,
    jwt_secret: &crate::auth::jwt::SigningKeys,
    acting: &Principal,
    customer_id: &str,
) -> AppResult<Session> {
    let (staff, customer) = managed_customer(store, acting, customer_id).await?;
    // `sub` says a staff member is behind it, so nothing confuses it with a contact's email.
    let mut principal = Principal::contact(
        &format!("staff:{}", staff.id),
        staff.name.as_str(),
        &customer.id,
        Permissions::all(),
        IMPERSONATION_MINUTES,
    );
    principal.impersonated_by = Some(Impersonator {
        staff_id: staff.id.clone(),
        name: staff.name.to_string(),
    });
    let expires_at = principal
        .expires_at()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    activity::record_required(
        store,
        &principal,
        IMPERSONATION_STARTED,
        serde_json::json!({
            "staff_id": staff.id,
            "staff_name": staff.name,
            "staff_email": staff.email,
            "expires_at": expires_at,
        }),
    )
    .await?;
    Ok(Session {
        token: principal.token(jwt_secret),
        expires_at,
        principal,
    })
}
