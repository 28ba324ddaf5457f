//! The notifications function: consumes the `email` queue and turns domain events into emails
//! (rendering, SES, the customer's timeline and exactly-once handling live in
//! `shared::email`). Also hosts the scheduled outbox sweep (`src/bin/outbox-sweep.rs`).
//!
//! Each SQS message body is the EventBridge envelope the bus's rule delivers:
//! `{"detail-type": ..., "source": "b2b-portal", "detail": <DomainEvent>}`. Failed messages are
//! reported individually (`ReportBatchItemFailures`), so only they are retried and, after the
//! queue's max receives, moved to its DLQ.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use serde::Deserialize;
use shared::email::{self, Delivery};
use shared::messaging::DomainEvent;
use shared::store::StoreError;
use shared::App;

/// The part of an EventBridge event this function reads.
#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(rename = "detail-type", default)]
    detail_type: String,
    #[serde(default)]
    source: String,
    detail: serde_json::Value,
}

/// Reads the domain event out of an SQS message body.
pub fn parse_body(body: &str) -> Result<DomainEvent, String> {
    let envelope: Envelope =
        serde_json::from_str(body).map_err(|e| format!("not an EventBridge event: {e}"))?;
    // EventBridge delivers `detail` as an object; accept a JSON string too (hand-sent messages).
    let detail = match envelope.detail {
        serde_json::Value::String(text) => {
            serde_json::from_str(&text).map_err(|e| format!("detail: {e}"))?
        }
        other => other,
    };
    let event: DomainEvent =
        serde_json::from_value(detail).map_err(|e| format!("detail is not a domain event: {e}"))?;
    if !envelope.detail_type.is_empty() && envelope.detail_type != event.kind {
        tracing::warn!(detail_type = %envelope.detail_type, kind = %event.kind, source = %envelope.source, "detail-type and event type differ; using the event type");
    }
    Ok(event)
}

async fn handle_message(app: &App, message: &SqsMessage) -> Result<(), String> {
    let body = message.body.as_deref().ok_or("message without a body")?;
    let event = parse_body(body)?;
    match email::deliver(app, &event).await {
        Ok(Delivery::Sent { message_id, to }) => {
            tracing::info!(event_id = %event.id, kind = %event.kind, ses_message_id = %message_id, recipients = to.len(), "email sent");
            Ok(())
        }
        Ok(Delivery::Duplicate) => {
            tracing::info!(event_id = %event.id, kind = %event.kind, "already handled; skipped");
            Ok(())
        }
        Ok(Delivery::Skipped(reason)) => {
            tracing::info!(event_id = %event.id, kind = %event.kind, %reason, "acknowledged without an email");
            Ok(())
        }
        Err(e) => Err(format!("event {} ({}): {e}", event.id, event.kind)),
    }
}

/// Handles a batch from the `email` queue; never fails as a whole. A message that cannot be
/// read or sent is reported as a batch item failure (retried, then dead-lettered).
pub async fn handle(app: &App, event: SqsEvent) -> SqsBatchResponse {
    shared::aws_ops::within("notifications", handle_batch(app, event)).await
}

async fn handle_batch(app: &App, event: SqsEvent) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    for message in &event.records {
        let message_id = message.message_id.clone().unwrap_or_default();
        if let Err(error) = handle_message(app, message).await {
            tracing::error!(sqs_message_id = %message_id, %error, "email message failed");
            // An empty identifier makes Lambda retry the whole batch: right for a message we
            // cannot even name.
            response.add_failure(message_id);
        }
    }
    response
}

/// The scheduled outbox sweep: relays events a crashed or failed relay left in the outbox.
/// Returns how many it found.
pub async fn sweep(app: &App) -> Result<usize, StoreError> {
    let work = shared::messaging::sweep_outbox(&app.store, &app.events);
    let relayed = shared::aws_ops::within("outbox-sweep", work).await?;
    if relayed > 0 {
        tracing::info!(relayed, "outbox sweep relayed leftover events");
    }
    Ok(relayed)
}
