//! The `erp-sync` queue consumer. Three kinds of messages share the queue:
//!
//! - order events from the bus (EventBridge envelopes): sent to the ERP ([`super::outbound`]);
//! - inbound chunks queued by the ERP routes: applied ([`super::batches`]);
//! - pulls queued by a sync run: executed ([`super::runs`]).
//!
//! Failures are reported per message (`ReportBatchItemFailures`): the others are deleted. A
//! failed message gets a visibility timeout that grows with each attempt (the retry backoff);
//! after the queue's maxReceiveCount it moves to the DLQ.
//!
//! An ERP outage is not the message's fault: an order event the ERP did not answer goes back
//! to the queue as a new message (delayed, with its outage start), so an outage of hours or a
//! weekend does not use up its receives and dead-letter every order placed meanwhile. Only an
//! outage longer than [`super::SyncSettings::outage_max_hours`] falls back to the ordinary
//! retries (and so, at last, to the DLQ, where staff see it). The same bound holds for an event
//! waiting for the one before it (a cancel for its create, itself waiting for the ERP). While the ERP does not answer,
//! the rest of the batch's order events are put back without calling it again.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use serde::{Deserialize, Serialize};

use super::batches::{apply_chunk, ChunkError, ChunkMessage};
use super::erp::{ErpApi, ErpError};
use super::outbound::{self, event_type_of, OutboundError, Sent};
use super::runs;
use super::{SyncContext, SyncSettings};
use crate::localstack::MAX_RECEIVE_COUNT;
use crate::messaging::DomainEvent;

/// The messages this consumer reads. Order events arrive as EventBridge envelopes and are
/// re-queued (when deferred) in this form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "erp_sync", rename_all = "snake_case")]
pub enum QueueMessage {
    Inbound(ChunkMessage),
    Pull {
        run_id: String,
    },
    OrderEvent {
        event: DomainEvent,
        /// Times put back to wait for the event before it (e.g. a cancel for its create), and
        /// since when (RFC 3339).
        #[serde(default)]
        deferrals: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        waiting_since: Option<String>,
        /// Times put back because the ERP did not answer, and since when (RFC 3339).
        #[serde(default, skip_serializing_if = "is_zero")]
        outage_retries: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        down_since: Option<String>,
    },
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "detail-type")]
    _detail_type: String,
    detail: DomainEvent,
}

impl QueueMessage {
    pub fn parse(body: &str) -> Result<Self, String> {
        let value: serde_json::Value =
            serde_json::from_str(body).map_err(|e| format!("not JSON: {e}"))?;
        if value.get("detail-type").is_some() {
            let envelope: Envelope = serde_json::from_value(value)
                .map_err(|e| format!("not an EventBridge event of the portal: {e}"))?;
            return Ok(QueueMessage::OrderEvent {
                event: envelope.detail,
                deferrals: 0,
                waiting_since: None,
                outage_retries: 0,
                down_since: None,
            });
        }
        serde_json::from_value(value).map_err(|e| format!("not an erp-sync message: {e}"))
    }

    /// Order events first by their place in the order's life, so that within one batch a
    /// create is handled before its cancel; everything else keeps its place.
    fn rank(&self) -> u32 {
        match self {
            QueueMessage::OrderEvent { event, .. } => event_type_of(&event.kind)
                .map(|k| k.sequence())
                .unwrap_or(0),
            _ => 0,
        }
    }
}

/// (kind, one-line summary) of a message, for logs and the DLQ listing.
pub fn describe(message: &QueueMessage) -> (String, String) {
    match message {
        QueueMessage::Inbound(chunk) => (
            "inbound_chunk".into(),
            format!(
                "batch {} ({}), chunk {}: {} records",
                chunk.batch_id,
                chunk.kind.as_str(),
                chunk.chunk,
                chunk.records.len()
            ),
        ),
        QueueMessage::Pull { run_id } => ("pull".into(), format!("sync run {run_id}")),
        QueueMessage::OrderEvent { event, .. } => (
            "order_event".into(),
            format!(
                "{} of order {} (event {})",
                event.kind,
                event.data["order_id"].as_str().unwrap_or("?"),
                event.id
            ),
        ),
    }
}

enum Handled {
    Done,
    /// Retry after this many seconds (the visibility timeout to set).
    Retry(i32),
}

fn attempt_of(message: &SqsMessage) -> u32 {
    message
        .attributes
        .get("ApproximateReceiveCount")
        .and_then(|c| c.parse().ok())
        .unwrap_or(1)
}

/// Puts a message back on the queue as a new one, visible after `delay` seconds (SQS allows
/// up to 15 minutes); the caller then lets the original go. The new message starts with no
/// receives used.
async fn requeue(ctx: &SyncContext, message: &QueueMessage, delay: i32) -> Result<(), String> {
    let queue = ctx.queue_url().map_err(|e| e.to_string())?;
    let body = serde_json::to_string(message).map_err(|e| e.to_string())?;
    ctx.sqs()
        .await
        .send_message()
        .queue_url(queue)
        .message_body(body)
        .delay_seconds(delay.clamp(0, 900))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| e.into_service_error().to_string())
}

/// Waiting for the predecessor: short at first (it is usually just behind), growing to 5
/// minutes.
fn deferral_delay(ctx: &SyncContext, deferrals: u32) -> i32 {
    let base = ctx.settings.retry_base_seconds.min(30) as i32;
    (base << deferrals.min(4)).min(300)
}

/// The ERP is down: the base delay doubling with each retry (the first is 1), up to the
/// configured ceiling.
fn outage_delay(settings: &SyncSettings, retries: u32) -> i32 {
    settings
        .retry_base_seconds
        .saturating_mul(1u64 << retries.saturating_sub(1).min(16))
        .min(settings.outage_max_delay_seconds)
        .min(900) as i32
}

/// Whether an order event has waited longer than the settings allow (since `since`): for the
/// ERP to answer, or for the event before it (which may itself wait for the ERP).
fn waited_too_long(settings: &SyncSettings, since: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(since)
        .map(|since| {
            chrono::Utc::now().signed_duration_since(since)
                > chrono::Duration::hours(settings.outage_max_hours as i64)
        })
        .unwrap_or(false)
}

async fn handle_one<E: ErpApi>(
    ctx: &SyncContext,
    erp: &E,
    message: QueueMessage,
    attempt: u32,
    erp_down: &mut bool,
) -> Handled {
    let backoff = ctx.settings.retry_delay_seconds(attempt);
    let (kind, summary) = describe(&message);
    match message {
        QueueMessage::Inbound(chunk) => {
            match apply_chunk(ctx.store(), chunk, attempt, attempt >= MAX_RECEIVE_COUNT).await {
                Ok(report) => {
                    tracing::info!(%summary, applied = report.applied, ignored = report.ignored, rejected = report.rejected, "chunk applied");
                    Handled::Done
                }
                Err(ChunkError::Pending(count, first)) => {
                    tracing::warn!(%summary, count, %first, attempt, "chunk waits for missing records");
                    Handled::Retry(backoff)
                }
                Err(ChunkError::Store(err)) => {
                    tracing::error!(%summary, error = %err, attempt, "chunk failed");
                    Handled::Retry(backoff)
                }
            }
        }
        QueueMessage::Pull { run_id } => {
            match runs::pull(ctx.store(), erp, &run_id, ctx.settings.pull_page_size).await {
                Ok(run) if run.status == runs::RunStatus::Running => {
                    // Bounded per invocation: the rest of the run goes on in a new message.
                    let next = QueueMessage::Pull {
                        run_id: run_id.clone(),
                    };
                    match requeue(ctx, &next, 0).await {
                        Ok(()) => {
                            tracing::info!(%run_id, pages = run.pages, "sync run continues in a new message");
                            Handled::Done
                        }
                        Err(err) => {
                            tracing::warn!(%run_id, error = %err, "could not queue the run's next step; retrying");
                            Handled::Retry(backoff)
                        }
                    }
                }
                Ok(run) => {
                    tracing::info!(%run_id, status = ?run.status, pages = run.pages, "sync run done");
                    Handled::Done
                }
                Err(err) => {
                    tracing::error!(%run_id, error = %err, attempt, "sync run failed");
                    Handled::Retry(backoff)
                }
            }
        }
        QueueMessage::OrderEvent {
            event,
            deferrals,
            waiting_since,
            outage_retries,
            down_since,
        } => {
            let put_back = |down_since: Option<String>| QueueMessage::OrderEvent {
                event: event.clone(),
                deferrals,
                waiting_since: waiting_since.clone(),
                outage_retries: outage_retries + 1,
                down_since: Some(down_since.unwrap_or_else(crate::types::now_rfc3339)),
            };
            if *erp_down && event_type_of(&event.kind).is_some() {
                return during_outage(ctx, &summary, put_back(down_since), backoff).await;
            }
            match outbound::deliver(ctx.store(), erp, &event).await {
                Ok(Sent::Acknowledged(delivery)) => {
                    tracing::info!(%summary, erp_number = ?delivery.erp_number, "acknowledged by the ERP");
                    Handled::Done
                }
                Ok(Sent::AlreadyAcknowledged | Sent::Skipped) => Handled::Done,
                Err(OutboundError::Deferred(waiting))
                    if !waiting_since
                        .as_deref()
                        .is_some_and(|since| waited_too_long(&ctx.settings, since)) =>
                {
                    // Back to the queue with a delay, without using up a receive: its
                    // predecessor may be waiting for an ERP outage to end.
                    let again = QueueMessage::OrderEvent {
                        event: event.clone(),
                        deferrals: deferrals + 1,
                        waiting_since: Some(
                            waiting_since
                                .clone()
                                .unwrap_or_else(crate::types::now_rfc3339),
                        ),
                        outage_retries,
                        down_since: down_since.clone(),
                    };
                    match requeue(ctx, &again, deferral_delay(ctx, deferrals)).await {
                        Ok(()) => {
                            tracing::info!(%summary, %waiting, deferrals, "deferred");
                            Handled::Done
                        }
                        Err(err) => {
                            tracing::warn!(%summary, error = %err, "could not defer; retrying");
                            Handled::Retry(backoff)
                        }
                    }
                }
                Err(OutboundError::Erp(ErpError::Unreachable(reason))) => {
                    *erp_down = true;
                    tracing::warn!(%summary, %reason, attempt, "the ERP did not answer");
                    during_outage(ctx, &summary, put_back(down_since), backoff).await
                }
                Err(err) => {
                    tracing::error!(%kind, %summary, error = %err, attempt, "order event failed");
                    Handled::Retry(backoff)
                }
            }
        }
    }
}

/// An order event the ERP did not answer: put back with a growing delay, unless the outage has
/// outlasted `outage_max_hours` (then an ordinary failure, which ends in the DLQ).
async fn during_outage(
    ctx: &SyncContext,
    summary: &str,
    again: QueueMessage,
    backoff: i32,
) -> Handled {
    let QueueMessage::OrderEvent {
        outage_retries,
        down_since: Some(since),
        ..
    } = &again
    else {
        return Handled::Retry(backoff);
    };
    if waited_too_long(&ctx.settings, since) {
        tracing::error!(%summary, down_since = %since, "the ERP has not answered for too long; ordinary retries from now on");
        return Handled::Retry(backoff);
    }
    let delay = outage_delay(&ctx.settings, *outage_retries);
    match requeue(ctx, &again, delay).await {
        Ok(()) => {
            tracing::info!(%summary, retry_in_s = delay, outage_retries, "put back until the ERP answers");
            Handled::Done
        }
        Err(err) => {
            tracing::warn!(%summary, error = %err, "could not put back; retrying");
            Handled::Retry(backoff)
        }
    }
}

/// Handles a batch of `erp-sync` messages as Lambda delivers it.
pub async fn handle<E: ErpApi>(ctx: &SyncContext, erp: &E, event: SqsEvent) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    let mut parsed = Vec::new();
    for record in event.records {
        let id = record.message_id.clone().unwrap_or_default();
        match QueueMessage::parse(record.body.as_deref().unwrap_or_default()) {
            Ok(message) => parsed.push((record, message)),
            Err(reason) => {
                // Never readable: let it reach the DLQ, where staff can look at it.
                tracing::error!(sqs_message_id = %id, %reason, "unreadable erp-sync message");
                response.add_failure(id);
            }
        }
    }
    parsed.sort_by_key(|(_, m)| m.rank());
    let mut erp_down = false;
    for (record, message) in parsed {
        let id = record.message_id.clone().unwrap_or_default();
        let attempt = attempt_of(&record);
        if let Handled::Retry(delay) = handle_one(ctx, erp, message, attempt, &mut erp_down).await {
            response.add_failure(id);
            set_visibility(ctx, &record, delay).await;
        }
    }
    response
}

/// The retry backoff: the failed message stays invisible for `delay` seconds.
async fn set_visibility(ctx: &SyncContext, record: &SqsMessage, delay: i32) {
    let (Some(queue), Some(handle)) = (
        ctx.settings.queue_url.as_deref(),
        record.receipt_handle.as_deref(),
    ) else {
        return;
    };
    if let Err(err) = ctx
        .sqs()
        .await
        .change_message_visibility()
        .queue_url(queue)
        .receipt_handle(handle)
        .visibility_timeout(delay)
        .send()
        .await
    {
        tracing::warn!(error = %err.into_service_error(), "could not set the retry delay; the queue's default applies");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_eventbridge_envelopes_and_own_messages() {
        let body = r#"{"version":"0","id":"x","detail-type":"OrderPlaced","source":"b2b-portal","detail":{"id":"e1","type":"OrderPlaced","occurred_at":"t","data":{"order_id":"o1"}}}"#;
        let QueueMessage::OrderEvent {
            event, deferrals, ..
        } = QueueMessage::parse(body).unwrap()
        else {
            panic!()
        };
        assert_eq!((event.id.as_str(), deferrals), ("e1", 0));
        let pull = serde_json::to_string(&QueueMessage::Pull {
            run_id: "r1".into(),
        })
        .unwrap();
        assert_eq!(pull, r#"{"erp_sync":"pull","run_id":"r1"}"#);
        assert_eq!(
            QueueMessage::parse(&pull).unwrap(),
            QueueMessage::Pull {
                run_id: "r1".into()
            }
        );
        assert!(QueueMessage::parse("{}").is_err());
        assert!(QueueMessage::parse("nope").is_err());
    }

    #[test]
    fn outage_retries_double_up_to_the_ceiling_and_the_wait_is_bounded() {
        let settings = SyncSettings::default();
        let delays: Vec<i32> = (1..=7).map(|r| outage_delay(&settings, r)).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 900, 900]);
        let dev = SyncSettings {
            retry_base_seconds: 5,
            outage_max_delay_seconds: 30,
            ..SyncSettings::default()
        };
        assert_eq!(outage_delay(&dev, 1), 5);
        assert_eq!(outage_delay(&dev, 40), 30);

        let hours_ago = |h: i64| (chrono::Utc::now() - chrono::Duration::hours(h)).to_rfc3339();
        assert!(!waited_too_long(&settings, &hours_ago(71)));
        assert!(waited_too_long(&settings, &hours_ago(73)));
    }

    #[test]
    fn creates_sort_before_cancels() {
        let event = |kind: &str| QueueMessage::OrderEvent {
            event: DomainEvent::new(kind, None, serde_json::json!({})),
            deferrals: 0,
            waiting_since: None,
            outage_retries: 0,
            down_since: None,
        };
        let mut list = [
            event("OrderCancelled"),
            event("OrderClaimed"),
            event("OrderPlaced"),
        ];
        list.sort_by_key(|m| m.rank());
        let kinds: Vec<String> = list
            .iter()
            .map(|m| match m {
                QueueMessage::OrderEvent { event, .. } => event.kind.clone(),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(kinds, ["OrderPlaced", "OrderClaimed", "OrderCancelled"]);
    }
}
