//! Emails (F7, F12, F25): the templates, their rendering in the recipient's language, sending
//! through SES and the record on the customer's timeline.
//!
//! [`deliver`] handles one domain event from the `email` queue exactly once in effect: it
//! renders, claims the event id with a lease, sends, marks the claim done only once SES accepted
//! the email, and records it. A failed send releases the claim so the redelivered message tries
//! again (and, after the queue's max receives, lands in the DLQ); a crash or timeout between
//! claim and send leaves a pending claim whose lease runs out, so the redelivery sends it.

// Without the SES client (feature `ses`, the notifications function) only the templates remain:
// the delivery's imports and helpers are then unused.
#![cfg_attr(not(feature = "ses"), allow(unused_imports, dead_code))]

pub mod html;
pub mod i18n;
#[cfg(feature = "ses")]
pub mod ses;
pub mod templates;

pub use templates::{RenderContext, RenderedEmail};

use crate::app::App;
use crate::customers::Customer;
use crate::messaging::{self, event_types, Claim, DomainEvent};
use crate::settings::{self, Settings};
use crate::store::{keys, StoreError};
use crate::timeline::{TimelineEntry, TimelineKind};
use crate::types::Email;
use templates::{
    AccessInvited, AccountRequested, CustomerEmailRequested, PasswordResetRequested, MAIN_EMAIL,
};

/// The consumer name under which the notifications function claims event ids.
pub const CONSUMER: &str = "email";

/// How long one delivery holds an event before a redelivery may take it over: longer than the
/// notifications function may run (its `Timeout` in `template.yaml`), so a live send is never
/// duplicated, and short enough that a crashed one is retried within a few receives.
pub const CLAIM_LEASE: std::time::Duration = std::time::Duration::from_secs(60);

/// Timeline author of emails the system sends on its own.
pub const SYSTEM_AUTHOR: &str = "system";

/// An event the notifications function knows how to turn into an email.
#[derive(Debug, Clone, PartialEq)]
pub enum Notification {
    AccountRequested(AccountRequested),
    AccessInvited(AccessInvited),
    PasswordResetRequested(PasswordResetRequested),
    CustomerEmailRequested(CustomerEmailRequested),
    /// To the seller (F25).
    OrderPlaced(crate::orders::events::OrderNotice),
    /// To the customer: confirmation, then each status change (F25).
    OrderConfirmationRequested(crate::orders::events::OrderNotice),
    OrderStatusChanged(crate::orders::events::OrderNotice),
    QuoteAnswered(crate::orders::events::QuoteNotice),
    /// F39: to the company's managers; then to the requester when rejected.
    ApprovalRequested(crate::orders::approvals::ApprovalNotice),
    ApprovalRejected(crate::orders::approvals::ApprovalNotice),
}

impl Notification {
    /// `Ok(None)` for event types that send no email; `Err` when the data does not fit its type.
    pub fn from_event(event: &DomainEvent) -> Result<Option<Self>, DeliveryError> {
        fn data<T: serde::de::DeserializeOwned>(event: &DomainEvent) -> Result<T, DeliveryError> {
            serde_json::from_value(event.data.clone())
                .map_err(|e| DeliveryError::Invalid(format!("{} data: {e}", event.kind)))
        }
        Ok(Some(match event.kind.as_str() {
            event_types::ACCOUNT_REQUESTED => Self::AccountRequested(data(event)?),
            event_types::ACCESS_INVITED => Self::AccessInvited(data(event)?),
            event_types::PASSWORD_RESET_REQUESTED => Self::PasswordResetRequested(data(event)?),
            event_types::CUSTOMER_EMAIL_REQUESTED => Self::CustomerEmailRequested(data(event)?),
            event_types::ORDER_PLACED => Self::OrderPlaced(data(event)?),
            event_types::ORDER_CONFIRMATION_REQUESTED => {
                Self::OrderConfirmationRequested(data(event)?)
            }
            event_types::ORDER_CLAIMED
            | event_types::ORDER_FULFILLED
            | event_types::ORDER_CANCELLED
            | event_types::ORDER_EXPIRED => Self::OrderStatusChanged(data(event)?),
            event_types::QUOTE_ANSWERED => Self::QuoteAnswered(data(event)?),
            event_types::APPROVAL_REQUESTED => Self::ApprovalRequested(data(event)?),
            event_types::APPROVAL_REJECTED => Self::ApprovalRejected(data(event)?),
            _ => return Ok(None),
        }))
    }

    pub fn render(&self, ctx: &RenderContext) -> Result<RenderedEmail, DeliveryError> {
        match self {
            Self::AccountRequested(d) => templates::account_requested(d, ctx),
            Self::AccessInvited(d) => templates::access_invited(d, ctx),
            Self::PasswordResetRequested(d) => templates::password_reset(d, ctx),
            Self::CustomerEmailRequested(d) => templates::customer_email(d, ctx),
            Self::OrderPlaced(d) => templates::orders::order_placed(d, ctx),
            Self::OrderConfirmationRequested(d) => templates::orders::order_confirmation(d, ctx),
            Self::OrderStatusChanged(d) => templates::orders::order_status(d, ctx),
            Self::QuoteAnswered(d) => templates::orders::quote_answered(d, ctx),
            Self::ApprovalRequested(d) => templates::approvals::approval_requested(d, ctx),
            Self::ApprovalRejected(d) => templates::approvals::approval_rejected(d, ctx),
        }
        .map_err(DeliveryError::Invalid)
    }

    /// The customer whose timeline records the email, if any.
    fn customer_id<'a>(&'a self, event: &'a DomainEvent) -> Option<&'a str> {
        let from_data = match self {
            Self::AccessInvited(d) => d.customer_id.as_deref(),
            Self::CustomerEmailRequested(d) => d.customer_id.as_deref(),
            _ => None,
        };
        event.customer_id.as_deref().or(from_data)
    }

    fn author(&self) -> &str {
        match self {
            Self::CustomerEmailRequested(d) if !d.author.trim().is_empty() => d.author.trim(),
            _ => SYSTEM_AUTHOR,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The event cannot be turned into an email (bad data, unknown customer...).
    #[error("invalid event: {0}")]
    Invalid(String),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Send(String),
    /// Another delivery of the same event holds its claim: retry later.
    #[error("another delivery of this event is under way; retry later")]
    Busy,
}

/// What happened to one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent {
        message_id: String,
        to: Vec<String>,
    },
    /// Already handled: a redelivered message.
    Duplicate,
    /// Not an email event, or nobody to send it to: acknowledged without sending.
    Skipped(String),
}

/// An email ready to go: rendered, with its recipients.
#[cfg(feature = "ses")]
struct Prepared {
    email: RenderedEmail,
    to: Vec<String>,
    reply_to: Vec<String>,
}

#[cfg(feature = "ses")]
async fn load_customer(app: &App, customer_id: &str) -> Result<Customer, DeliveryError> {
    app.store
        .get::<Customer>(&keys::customer_pk(customer_id), keys::CUSTOMER_PROFILE_SK)
        .await?
        .ok_or_else(|| DeliveryError::Invalid(format!("customer {customer_id} does not exist")))
}

#[cfg(feature = "ses")]
async fn prepare(
    app: &App,
    settings: &Settings,
    event: &DomainEvent,
    notification: &Notification,
) -> Result<Prepared, DeliveryError> {
    let ctx = RenderContext::new(settings, &app.config);
    let seller: Vec<String> = settings
        .seller_notification_emails
        .iter()
        .map(|e| e.as_str().to_string())
        .collect();
    let (to, reply_to) = match notification {
        Notification::AccountRequested(d) => {
            // Replies go straight to the visitor.
            let reply_to = Email::parse(d.email.as_str())
                .map(|e| vec![e.as_str().to_string()])
                .unwrap_or_default();
            (seller.clone(), reply_to)
        }
        Notification::AccessInvited(d) => (vec![d.email.as_str().to_string()], seller.clone()),
        Notification::PasswordResetRequested(d) => {
            (vec![d.email.as_str().to_string()], seller.clone())
        }
        Notification::CustomerEmailRequested(d) => {
            let customer_id = notification.customer_id(event).ok_or_else(|| {
                DeliveryError::Invalid("CustomerEmailRequested without customer_id".into())
            })?;
            let to = if d.to.trim().eq_ignore_ascii_case(MAIN_EMAIL) {
                load_customer(app, customer_id)
                    .await?
                    .email
                    .as_str()
                    .to_string()
            } else {
                Email::parse(d.to.as_str())
                    .map_err(|e| DeliveryError::Invalid(format!("to: {e}")))?
                    .as_str()
                    .to_string()
            };
            (vec![to], seller.clone())
        }
        // The seller hears of every order; replies go to the contact who placed it.
        Notification::OrderPlaced(d) => (
            seller.clone(),
            d.contact_email
                .as_deref()
                .and_then(|e| Email::parse(e).ok())
                .map(|e| vec![e.as_str().to_string()])
                .unwrap_or_default(),
        ),
        Notification::OrderConfirmationRequested(d) | Notification::OrderStatusChanged(d) => {
            let to = Email::parse(d.to.email.as_str())
                .map_err(|e| DeliveryError::Invalid(format!("to.email: {e}")))?;
            (vec![to.as_str().to_string()], seller.clone())
        }
        Notification::QuoteAnswered(d) => {
            let to = Email::parse(d.to.email.as_str())
                .map_err(|e| DeliveryError::Invalid(format!("to.email: {e}")))?;
            (vec![to.as_str().to_string()], seller.clone())
        }
        // Replies to a request go to the requester; to a rejection, to the seller.
        Notification::ApprovalRequested(d) | Notification::ApprovalRejected(d) => {
            let to =
                d.to.iter()
                    .map(|r| Email::parse(r.email.as_str()).map(|e| e.as_str().to_string()))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| DeliveryError::Invalid(format!("to: {e}")))?;
            if to.is_empty() {
                return Err(DeliveryError::Invalid("no recipient".into()));
            }
            let reply_to = match notification {
                Notification::ApprovalRequested(_) => Email::parse(d.requester.email.as_str())
                    .map(|e| vec![e.as_str().to_string()])
                    .unwrap_or_default(),
                _ => seller.clone(),
            };
            (to, reply_to)
        }
    };
    Ok(Prepared {
        email: notification.render(&ctx)?,
        to,
        reply_to,
    })
}

/// The timeline entry of an email. Its key comes from the event (occurred_at, id), so writing
/// it twice for one event leaves one entry.
#[cfg(feature = "ses")]
fn timeline_entry(
    customer_id: &str,
    event: &DomainEvent,
    notification: &Notification,
    prepared: &Prepared,
) -> TimelineEntry {
    let mut entry = TimelineEntry::new(
        customer_id,
        TimelineKind::Email,
        notification.author(),
        &prepared.email.record_text,
    );
    entry.id = event.id.clone();
    entry.at = event.occurred_at.clone();
    entry.subject = Some(prepared.email.subject.clone());
    entry.to = prepared.to.clone();
    entry.event_id = Some(event.id.clone());
    entry
}

#[cfg(feature = "ses")]
async fn record(app: &App, entry: &TimelineEntry) -> Result<(), StoreError> {
    match app.store.put_new(&entry.keys(), entry).await {
        Ok(()) | Err(StoreError::ConditionFailed) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Handles one event from the `email` queue. `Err` means "retry this message".
#[cfg(feature = "ses")]
pub async fn deliver(app: &App, event: &DomainEvent) -> Result<Delivery, DeliveryError> {
    let Some(notification) = Notification::from_event(event)? else {
        return Ok(Delivery::Skipped(format!("{} sends no email", event.kind)));
    };
    // Render before claiming: an event that cannot become an email fails without a claim.
    let settings = settings::load(&app.store).await?;
    let prepared = prepare(app, &settings, event, &notification).await?;
    if prepared.to.is_empty() {
        tracing::warn!(event_id = %event.id, kind = %event.kind, "no recipients (set the seller notification emails in the store settings)");
        return Ok(Delivery::Skipped("no recipients".into()));
    }
    let entry = notification
        .customer_id(event)
        .map(|customer_id| timeline_entry(customer_id, event, &notification, &prepared));

    let claim = match messaging::claim(&app.store, CONSUMER, &event.id, CLAIM_LEASE).await? {
        Claim::Acquired(claim) => claim,
        Claim::Done => {
            // The email went out before. If its timeline write failed after the send, write it now.
            if let Some(entry) = &entry {
                record(app, entry).await?;
            }
            return Ok(Delivery::Duplicate);
        }
        Claim::Busy => return Err(DeliveryError::Busy),
    };

    let from = ses::from_address(&settings.store_name, &app.config.sender_email);
    let sent = ses::send(
        &app.ses,
        &from,
        &prepared.to,
        &prepared.reply_to,
        &prepared.email,
    )
    .await;
    let message_id = match sent {
        Ok(id) => id,
        Err(e) => {
            // Not sent: release the claim so the redelivered message tries again.
            if let Err(release_error) = messaging::release(&app.store, &claim).await {
                tracing::error!(event_id = %event.id, error = %release_error, "could not release the claim; the retry waits for its lease to run out");
            }
            return Err(DeliveryError::Send(e));
        }
    };

    // Sent: only now is the event done, so a retry never sends the email twice. If marking it
    // fails, the email still went out: acknowledge the message rather than have a redelivery
    // send it again after the lease. A failed timeline write is retried through the
    // redelivery (see the done branch above).
    if let Err(e) = messaging::complete(&app.store, &claim, &message_id).await {
        tracing::error!(event_id = %event.id, error = %e, "sent, but the claim could not be marked done");
    }
    if let Some(entry) = &entry {
        record(app, entry).await?;
    }
    Ok(Delivery::Sent {
        message_id,
        to: prepared.to,
    })
}
