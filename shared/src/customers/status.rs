//! F4 status lifecycle: pending, active, inactive, blocked. Only admins change it; inactivating
//! requires that no contact still has an access (invited or active); blocked and inactive
//! customers cannot log in (checked at login) or order.

use serde::Deserialize;

use super::contacts;
use super::model::{Customer, CustomerStatus};
use super::profile::{concurrent_change, load_for_staff, replace_actions};
use crate::auth::Principal;
use crate::error::{AppError, AppResult, FieldError};
use crate::store::Store;
use crate::types::now_rfc3339;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// `active`, `inactive` or `blocked` (a customer never goes back to `pending`).
    #[serde(deserialize_with = "super::profile::via_value")]
    pub status: CustomerStatus,
}

/// Changes a customer's status under the F4 rules.
pub async fn change_status(
    store: &Store,
    principal: &Principal,
    customer_id: &str,
    target: CustomerStatus,
) -> AppResult<Customer> {
    let before = load_for_staff(store, principal, customer_id).await?;
    principal.require_admin()?;
    if target == CustomerStatus::Pending {
        return Err(AppError::invalid(
            "status",
            "a customer cannot go back to pending",
        ));
    }
    if before.status == target {
        return Ok(before);
    }
    if target == CustomerStatus::Inactive {
        let with_access: Vec<_> = contacts::list(store, customer_id)
            .await?
            .into_iter()
            .filter(|c| c.has_access())
            .collect();
        if !with_access.is_empty() {
            let emails: Vec<&str> = with_access.iter().map(|c| c.email.as_str()).collect();
            return Err(AppError::Conflict {
                code: "contacts-have-access",
                message: format!(
                    "remove (block) the access of these contacts before inactivating: {}",
                    emails.join(", ")
                ),
                errors: with_access
                    .iter()
                    .map(|c| {
                        FieldError::new(
                            format!("contacts.{}", c.email),
                            format!("access is {}", c.access.as_str()),
                        )
                    })
                    .collect(),
            });
        }
    }
    let mut after = before.clone();
    after.status = target;
    after.updated_at = now_rfc3339();
    if before.status == CustomerStatus::Active {
        // Blocked or inactivated: its contacts' sessions end for good (see `auth::revocation`).
        after.sessions_valid_after = Some(crate::auth::revocation::end_sessions_bound(
            before.sessions_valid_after,
        ));
    }
    // Every access change touches the customer's `updated_at`, so an access created after the
    // contacts were read fails this conditional write instead of slipping through.
    let actions = replace_actions(store, &before, &after, None)?;
    match store.transact(actions).await {
        Ok(()) => Ok(after),
        Err(e) if super::profile::condition_failed_at(&e, 0) => Err(concurrent_change()),
        Err(e) => Err(e.into()),
    }
}
