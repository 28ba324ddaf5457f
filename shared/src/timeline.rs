//! A customer's internal history (F11, F12): staff notes and the emails sent to it. Customers
//! never see it.

use serde::{Deserialize, Serialize};

use crate::store::{keys, Keys, Page, QuerySpec, Store, StoreError};
use crate::types::{new_id, now_rfc3339};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    Note,
    Email,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Attachment {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    pub id: String,
    pub customer_id: String,
    pub at: String,
    pub kind: TimelineKind,
    /// Staff name for notes; `system` or the staff name for emails.
    pub author: String,
    #[serde(default)]
    pub subject: Option<String>,
    pub body: String,
    /// Recipients of an email.
    #[serde(default)]
    pub to: Vec<String>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// For emails: the event that caused it (dedupes redelivered messages).
    #[serde(default)]
    pub event_id: Option<String>,
}

impl TimelineEntry {
    pub fn new(customer_id: &str, kind: TimelineKind, author: &str, body: &str) -> Self {
        Self {
            id: new_id(),
            customer_id: customer_id.into(),
            at: now_rfc3339(),
            kind,
            author: author.into(),
            subject: None,
            body: body.into(),
            to: Vec::new(),
            attachments: Vec::new(),
            event_id: None,
        }
    }

    pub fn keys(&self) -> Keys {
        Keys::new(
            keys::customer_pk(&self.customer_id),
            keys::timeline_sk(&self.at, &self.id),
        )
    }
}

pub async fn append(store: &Store, entry: &TimelineEntry) -> Result<(), StoreError> {
    store.put(&entry.keys(), entry).await
}

/// Newest first.
pub async fn list(
    store: &Store,
    customer_id: &str,
    limit: i32,
    cursor: Option<String>,
) -> Result<Page<TimelineEntry>, StoreError> {
    store
        .query(
            QuerySpec::partition(keys::customer_pk(customer_id))
                .prefix(keys::TIMELINE_SK_PREFIX)
                .newest_first()
                .limit(limit)
                .cursor(cursor),
        )
        .await
}
