//! Domain events and the transactional outbox.
//!
//! A business action writes its events into the `OUTBOX` partition in the same DynamoDB
//! transaction as the change. Right after the commit the handler relays them to the EventBridge
//! bus and deletes them; if that fails (bus down, crash) the scheduled outbox sweep relays them
//! later. EventBridge rules route events to the `email` and `erp-sync` queues. Delivery is
//! at-least-once, so consumers deduplicate by event id (see [`claim`]).

use aws_sdk_dynamodb::types::TransactWriteItem;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use serde::{Deserialize, Serialize};

use crate::store::{keys, Keys, QuerySpec, Store, StoreError};
use crate::types::{new_id, now_rfc3339};

/// `source` of every event the portal publishes.
pub const EVENT_SOURCE: &str = "b2b-portal";

/// Event types that the `email` queue's rule routes to the notifications function. A test
/// checks `template.yaml`'s rule lists exactly these.
pub const EMAIL_EVENT_TYPES: &[&str] = &[
    event_types::ACCOUNT_REQUESTED,
    event_types::ACCESS_INVITED,
    event_types::PASSWORD_RESET_REQUESTED,
    event_types::CUSTOMER_EMAIL_REQUESTED,
    // Orders and quotes (F25).
    event_types::ORDER_PLACED,
    event_types::ORDER_CONFIRMATION_REQUESTED,
    event_types::ORDER_CLAIMED,
    event_types::ORDER_FULFILLED,
    event_types::ORDER_CANCELLED,
    event_types::ORDER_EXPIRED,
    event_types::QUOTE_ANSWERED,
    // The buying company's approvals (F39).
    event_types::APPROVAL_REQUESTED,
    event_types::APPROVAL_REJECTED,
];

/// The `erp-sync` queue's rule: order events the ERP must hear of (filled in by the orders issue).
pub fn erp_sync_event_pattern() -> serde_json::Value {
    serde_json::json!({"source": [EVENT_SOURCE], "detail-type": ERP_SYNC_EVENT_TYPES})
}

/// Event types routed to the `erp-sync` queue.
/// Expiry goes to the ERP too: the worker treats it as a cancellation, so the ERP frees the stock.
pub const ERP_SYNC_EVENT_TYPES: &[&str] = &[
    "OrderPlaced",
    "OrderClaimed",
    "OrderCancelled",
    "OrderExpired",
];

pub mod event_types {
    /// A visitor asked for an account: the seller is told.
    pub const ACCOUNT_REQUESTED: &str = "AccountRequested";
    /// An access was created or re-sent: the contact gets the invitation link.
    pub const ACCESS_INVITED: &str = "AccessInvited";
    pub const PASSWORD_RESET_REQUESTED: &str = "PasswordResetRequested";
    /// A public request answered like any other but acted on by nobody (an unknown or
    /// ineligible email's reset, a duplicate account request). No rule routes it: it exists so
    /// that both answers do the same work (a write and a relay), and leaves a trace on the bus.
    pub const PASSWORD_RESET_DECLINED: &str = "PasswordResetDeclined";
    pub const ACCOUNT_REQUEST_DECLINED: &str = "AccountRequestDeclined";
    /// Staff wrote to a customer (F12).
    pub const CUSTOMER_EMAIL_REQUESTED: &str = "CustomerEmailRequested";
    // Orders and quotes (F22-F26). Data: `orders::events::OrderNotice` / `QuoteNotice`.
    /// An order was placed: the seller's email (with a WhatsApp link to the contact) and the ERP.
    pub const ORDER_PLACED: &str = "OrderPlaced";
    /// The customer's confirmation of a placed order (a separate event, so each email is
    /// delivered and deduplicated on its own).
    pub const ORDER_CONFIRMATION_REQUESTED: &str = "OrderConfirmationRequested";
    pub const ORDER_CLAIMED: &str = "OrderClaimed";
    pub const ORDER_FULFILLED: &str = "OrderFulfilled";
    pub const ORDER_CANCELLED: &str = "OrderCancelled";
    pub const ORDER_EXPIRED: &str = "OrderExpired";
    pub const QUOTE_ANSWERED: &str = "QuoteAnswered";
    /// F39: an order above a contact's limit waits: the company's managers are told.
    /// Data: `orders::approvals::ApprovalNotice`.
    pub const APPROVAL_REQUESTED: &str = "ApprovalRequested";
    /// F39: a manager rejected a request: the requester is told why.
    pub const APPROVAL_REJECTED: &str = "ApprovalRejected";
}

/// One domain event, as stored in the outbox and sent as the EventBridge `detail`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DomainEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub occurred_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    pub data: serde_json::Value,
}

impl DomainEvent {
    pub fn new(kind: &str, customer_id: Option<&str>, data: serde_json::Value) -> Self {
        Self {
            id: new_id(),
            kind: kind.to_string(),
            occurred_at: now_rfc3339(),
            customer_id: customer_id.map(str::to_string),
            data,
        }
    }

    fn outbox_keys(&self) -> Keys {
        Keys::new(keys::OUTBOX_PK, format!("{}#{}", self.occurred_at, self.id))
    }

    /// The (PK, SK) of this event in the outbox (for callers that clean up in batches).
    pub fn outbox_key(&self) -> (String, String) {
        let k = self.outbox_keys();
        (k.pk, k.sk)
    }

    /// The outbox write to add to the business action's transaction.
    pub fn outbox_put(&self, store: &Store) -> Result<TransactWriteItem, StoreError> {
        store.tx_put(&self.outbox_keys(), self)
    }
}

#[derive(Clone, Debug)]
pub struct EventBus {
    client: aws_sdk_eventbridge::Client,
    bus: String,
}

impl EventBus {
    pub fn new(client: aws_sdk_eventbridge::Client, bus: impl Into<String>) -> Self {
        Self {
            client,
            bus: bus.into(),
        }
    }

    pub fn name(&self) -> &str {
        &self.bus
    }

    /// Publishes events (10 per PutEvents call, the API's limit). Returns the ids that made it.
    pub async fn publish(&self, events: &[DomainEvent]) -> Result<Vec<String>, String> {
        let mut published = Vec::new();
        for chunk in events.chunks(10) {
            let mut req = self.client.put_events();
            for event in chunk {
                req = req.entries(
                    PutEventsRequestEntry::builder()
                        .event_bus_name(&self.bus)
                        .source(EVENT_SOURCE)
                        .detail_type(&event.kind)
                        .detail(serde_json::to_string(event).map_err(|e| e.to_string())?)
                        .build(),
                );
            }
            let out = req.send().await.map_err(|e| format!("{e:?}"))?;
            for (event, entry) in chunk.iter().zip(out.entries()) {
                if entry.error_code().is_none() {
                    published.push(event.id.clone());
                }
            }
        }
        Ok(published)
    }
}

/// Relays events just committed with a business action: publish, then drop from the outbox.
/// Failure is logged, not returned: the change is committed and the sweep will retry.
pub async fn relay(store: &Store, bus: &EventBus, events: &[DomainEvent]) {
    if events.is_empty() {
        return;
    }
    match bus.publish(events).await {
        Ok(published) => {
            for event in events.iter().filter(|e| published.contains(&e.id)) {
                let k = event.outbox_keys();
                if let Err(err) = store.delete(&k.pk, &k.sk).await {
                    tracing::warn!(event_id = %event.id, error = %err, "outbox delete failed; the sweep will retry (consumers dedupe)");
                }
            }
        }
        Err(err) => {
            tracing::warn!(error = %err, count = events.len(), "event relay failed; left in the outbox for the sweep")
        }
    }
}

/// The scheduled sweep: relays whatever is still in the outbox. Returns how many went out.
pub async fn sweep_outbox(store: &Store, bus: &EventBus) -> Result<usize, StoreError> {
    let mut relayed = 0;
    let mut cursor = None;
    loop {
        let page = store
            .query::<DomainEvent>(
                QuerySpec::partition(keys::OUTBOX_PK)
                    .limit(100)
                    .cursor(cursor),
            )
            .await?;
        let before = page.items.len();
        relay(store, bus, &page.items).await;
        relayed += before;
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(relayed),
        }
    }
}

/// What [`claim`] found for an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This handler holds the event until its lease runs out: finish with [`complete`] once
    /// the effect happened, or [`release`] when it did not.
    Acquired(ClaimToken),
    /// Handled before: a redelivery after success. Do nothing again.
    Done,
    /// Another handler holds a live lease (still working, or crashed less than a lease ago):
    /// retry the message later.
    Busy,
}

/// Proof of a held claim; only its holder can release it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimToken {
    pub consumer: String,
    pub event_id: String,
    token: String,
}

const PENDING: &str = "pending";
const DONE: &str = "done";

/// Consumer idempotency with a lease: `consumer` takes `event_id` for `lease`. A claim is only
/// marked done by [`complete`], after the effect (an email accepted by SES) happened, so a
/// handler that crashes or times out between claim and effect leaves a pending claim that the
/// redelivered message takes over once the lease ran out, instead of a marker that makes the
/// message look handled. Markers expire after 14 days, longer than any queue keeps a message;
/// markers written before leases existed (no `state`) count as done.
pub async fn claim(
    store: &Store,
    consumer: &str,
    event_id: &str,
    lease: std::time::Duration,
) -> Result<Claim, StoreError> {
    #[derive(Serialize)]
    struct Marker<'a> {
        consumer: &'a str,
        event_id: &'a str,
        state: &'a str,
        /// Epoch milliseconds after which another handler may take the claim over.
        lease_until: i64,
        token: &'a str,
        at: String,
    }
    let pk = keys::processed_pk(consumer, event_id);
    let ttl = chrono::Utc::now().timestamp() + 14 * 24 * 3600;
    let keys = Keys::new(&pk, keys::PROCESSED_SK).ttl(ttl);
    let token = new_id();
    // A claim released or taken over between the write and the read is decided again.
    for _ in 0..3 {
        let now = chrono::Utc::now().timestamp_millis();
        let marker = Marker {
            consumer,
            event_id,
            state: PENDING,
            lease_until: now + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 2),
            token: &token,
            at: now_rfc3339(),
        };
        match store
            .put_if(
                &keys,
                &marker,
                "attribute_not_exists(PK) OR (#state = :pending AND lease_until <= :now)",
                &[("#state", "state")],
                vec![
                    (":pending", crate::store::s(PENDING)),
                    (":now", crate::store::n(now)),
                ],
            )
            .await
        {
            Ok(()) => {
                return Ok(Claim::Acquired(ClaimToken {
                    consumer: consumer.to_string(),
                    event_id: event_id.to_string(),
                    token,
                }))
            }
            Err(StoreError::ConditionFailed) => {}
            Err(e) => return Err(e),
        }
        let Some(stored) = store.get_item(&pk, keys::PROCESSED_SK).await? else {
            continue;
        };
        let state = stored.get("state").and_then(|v| v.as_s().ok());
        return Ok(match state.map(String::as_str) {
            Some(PENDING) => Claim::Busy,
            _ => Claim::Done,
        });
    }
    Ok(Claim::Busy)
}

/// Marks a claimed event handled, for good: redeliveries now find it [`Claim::Done`]. Written
/// even if the lease ran out meanwhile, since the effect did happen.
pub async fn complete(store: &Store, claim: &ClaimToken, note: &str) -> Result<(), StoreError> {
    store
        .update(
            &keys::processed_pk(&claim.consumer, &claim.event_id),
            keys::PROCESSED_SK,
            "SET #state = :done, done_at = :at, note = :note REMOVE lease_until",
            Some("attribute_exists(PK)"),
            &[("#state", "state")],
            vec![
                (":done", crate::store::s(DONE)),
                (":at", crate::store::s(&now_rfc3339())),
                (":note", crate::store::s(note)),
            ],
        )
        .await
}

/// Gives a claim back when handling failed, so the redelivered message is handled again at
/// once. Only the holder's own pending claim is removed, never a done marker or a claim
/// another handler took over.
pub async fn release(store: &Store, claim: &ClaimToken) -> Result<(), StoreError> {
    match store
        .delete_if(
            &keys::processed_pk(&claim.consumer, &claim.event_id),
            keys::PROCESSED_SK,
            "#state = :pending AND #token = :token",
            &[("#state", "state"), ("#token", "token")],
            vec![
                (":pending", crate::store::s(PENDING)),
                (":token", crate::store::s(&claim.token)),
            ],
        )
        .await
    {
        Ok(()) | Err(StoreError::ConditionFailed) => Ok(()),
        Err(e) => Err(e),
    }
}
