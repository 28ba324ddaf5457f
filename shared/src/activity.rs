//! The customer's activity in the portal (F10): logins, searches, orders, quotes, downloads.
//! Kept 180 days (TTL); written best-effort, never failing the action it records.

use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::store::{keys, Keys, Page, QuerySpec, Store, StoreError};
use crate::types::{new_id, now_rfc3339};

const KEEP_DAYS: i64 = 180;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Activity {
    pub id: String,
    pub customer_id: String,
    pub at: String,
    /// `login`, `search`, `order_placed`, `quote_requested`, `document_downloaded`, ...
    pub kind: String,
    /// Who: the contact's email, or the staff member acting as the customer.
    pub actor: String,
    pub actor_name: String,
    /// Set when a staff member acted as the customer (F9): their name.
    #[serde(default)]
    pub impersonated_by: Option<String>,
    #[serde(default)]
    pub detail: serde_json::Value,
}

fn activity_keys(a: &Activity) -> Keys {
    Keys::new(
        keys::activity_pk(&a.customer_id),
        format!("{}#{}", a.at, a.id),
    )
    .ttl(chrono::Utc::now().timestamp() + KEEP_DAYS * 24 * 3600)
}

/// Records what a customer-scoped principal did. Errors are logged, not returned.
pub async fn record(store: &Store, principal: &Principal, kind: &str, detail: serde_json::Value) {
    let Some(customer_id) = principal.customer_id.clone() else {
        return;
    };
    let activity = Activity {
        id: new_id(),
        customer_id,
        at: now_rfc3339(),
        kind: kind.to_string(),
        actor: principal.sub.clone(),
        actor_name: principal.name.clone(),
        impersonated_by: principal.impersonated_by.as_ref().map(|s| s.name.clone()),
        detail,
    };
    if let Err(err) = store.put(&activity_keys(&activity), &activity).await {
        tracing::warn!(error = %err, kind, "activity not recorded");
    }
}

/// Newest first.
pub async fn list(
    store: &Store,
    customer_id: &str,
    limit: i32,
    cursor: Option<String>,
) -> Result<Page<Activity>, StoreError> {
    store
        .query(
            QuerySpec::partition(keys::activity_pk(customer_id))
                .newest_first()
                .limit(limit)
                .cursor(cursor),
        )
        .await
}

/// Like [`record`], for records an action must not go without (audits such as the start of an
/// impersonated session): the write's error is returned, so the action can refuse to proceed.
pub async fn record_required(
    store: &Store,
    principal: &Principal,
    kind: &str,
    detail: serde_json::Value,
) -> Result<Activity, StoreError> {
    let customer_id = principal
        .customer_id
        .clone()
        .ok_or_else(|| StoreError::Other("activity needs a customer-scoped principal".into()))?;
    let activity = Activity {
        id: new_id(),
        customer_id,
        at: now_rfc3339(),
        kind: kind.to_string(),
        actor: principal.sub.clone(),
        actor_name: principal.name.clone(),
        impersonated_by: principal.impersonated_by.as_ref().map(|s| s.name.clone()),
        detail,
    };
    store.put(&activity_keys(&activity), &activity).await?;
    Ok(activity)
}
