//! F32: messages that kept failing land in the `erp-sync` DLQ (after the queue's
//! maxReceiveCount). Staff list them and replay them: a replayed message goes back to the main
//! queue unchanged and is applied like any other (idempotently, so once).
//!
//! SQS cannot peek: listing receives the messages with a short visibility timeout and then
//! makes them visible again at once.

use std::collections::HashSet;

use aws_sdk_sqs::types::{
    ChangeMessageVisibilityBatchRequestEntry, Message, MessageSystemAttributeName,
};
use serde::{Deserialize, Serialize};

use super::worker::{describe, QueueMessage};
use super::SyncContext;
use crate::error::{AppError, AppResult};

/// Most messages one listing or replay handles.
pub const MAX_MESSAGES: usize = 500;
/// Characters of a message body a listing shows.
const BODY_PREVIEW: usize = 4_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeadLetter {
    pub message_id: String,
    /// `order_event`, `inbound_chunk`, `pull` or `unknown`.
    pub kind: String,
    /// What it is about: the order and event, or the batch and chunk.
    pub summary: String,
    /// When it was first queued (RFC 3339).
    #[serde(default)]
    pub sent_at: Option<String>,
    /// Receives so far, on the main queue and here.
    #[serde(default)]
    pub receive_count: Option<u32>,
    /// The message body (cut at 4,000 characters).
    pub body: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplayRequest {
    /// Only these messages (ids from the listing); all of them when absent.
    #[serde(default)]
    pub message_ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReplayReport {
    /// Moved back to the `erp-sync` queue.
    pub replayed: Vec<String>,
    /// Asked for but not in the DLQ (already replayed, or never there).
    pub not_found: Vec<String>,
}

fn dlq_url(ctx: &SyncContext) -> AppResult<&str> {
    ctx.settings
        .dlq_url
        .as_deref()
        .ok_or_else(|| AppError::Unavailable("ERP_SYNC_DLQ_URL is not configured".into()))
}

fn sqs_error(action: &str, err: impl std::fmt::Display) -> AppError {
    AppError::Unavailable(format!("{action}: {err}"))
}

/// Receives every message of the DLQ (up to [`MAX_MESSAGES`]), hidden for `visibility` seconds.
async fn receive_all(ctx: &SyncContext, queue: &str, visibility: i32) -> AppResult<Vec<Message>> {
    let sqs = ctx.sqs().await;
    let mut out: Vec<Message> = Vec::new();
    let mut seen = HashSet::new();
    while out.len() < MAX_MESSAGES {
        let received = sqs
            .receive_message()
            .queue_url(queue)
            .max_number_of_messages(10)
            .visibility_timeout(visibility)
            .wait_time_seconds(if out.is_empty() { 1 } else { 0 })
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .map_err(|e| sqs_error("receive from the DLQ", e.into_service_error()))?
            .messages
            .unwrap_or_default();
        if received.is_empty() {
            break;
        }
        for m in received {
            if seen.insert(m.message_id.clone().unwrap_or_default()) {
                out.push(m);
            }
        }
    }
    Ok(out)
}

/// Makes messages visible again at once.
async fn release(ctx: &SyncContext, queue: &str, messages: &[&Message]) -> AppResult<()> {
    let sqs = ctx.sqs().await;
    for group in messages.chunks(10) {
        let entries = group
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                ChangeMessageVisibilityBatchRequestEntry::builder()
                    .id(i.to_string())
                    .set_receipt_handle(m.receipt_handle.clone())
                    .visibility_timeout(0)
                    .build()
                    .ok()
            })
            .collect::<Vec<_>>();
        if entries.is_empty() {
            continue;
        }
        sqs.change_message_visibility_batch()
            .queue_url(queue)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| sqs_error("release DLQ messages", e.into_service_error()))?;
    }
    Ok(())
}

fn attribute(m: &Message, name: MessageSystemAttributeName) -> Option<&str> {
    m.attributes.as_ref()?.get(&name).map(String::as_str)
}

fn dead_letter(m: &Message) -> DeadLetter {
    let body = m.body.clone().unwrap_or_default();
    let (kind, summary) = match QueueMessage::parse(&body) {
        Ok(message) => describe(&message),
        Err(e) => ("unknown".to_string(), e),
    };
    DeadLetter {
        message_id: m.message_id.clone().unwrap_or_default(),
        kind,
        summary,
        sent_at: attribute(m, MessageSystemAttributeName::SentTimestamp)
            .and_then(|ms| ms.parse::<i64>().ok())
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        receive_count: attribute(m, MessageSystemAttributeName::ApproximateReceiveCount)
            .and_then(|c| c.parse().ok()),
        body: body.chars().take(BODY_PREVIEW).collect(),
    }
}

/// The DLQ's messages, oldest first.
pub async fn list(ctx: &SyncContext) -> AppResult<Vec<DeadLetter>> {
    let queue = dlq_url(ctx)?;
    let messages = receive_all(ctx, queue, 30).await?;
    let refs: Vec<&Message> = messages.iter().collect();
    release(ctx, queue, &refs).await?;
    let mut letters: Vec<DeadLetter> = messages.iter().map(dead_letter).collect();
    letters.sort_by(|a, b| a.sent_at.cmp(&b.sent_at));
    Ok(letters)
}

/// Moves DLQ messages back to the main queue (all, or the ones named).
pub async fn replay(ctx: &SyncContext, request: &ReplayRequest) -> AppResult<ReplayReport> {
    if let Some(ids) = &request.message_ids {
        if ids.is_empty() || ids.len() > MAX_MESSAGES {
            return Err(AppError::invalid(
                "message_ids",
                format!("must name 1 to {MAX_MESSAGES} messages (or be left out to replay all)"),
            ));
        }
    }
    let dlq = dlq_url(ctx)?;
    let main = ctx.queue_url()?;
    let wanted: Option<HashSet<&str>> = request
        .message_ids
        .as_ref()
        .map(|ids| ids.iter().map(String::as_str).collect());
    let messages = receive_all(ctx, dlq, 60).await?;
    let sqs = ctx.sqs().await;
    let mut report = ReplayReport::default();
    let mut others = Vec::new();
    for m in &messages {
        let id = m.message_id.clone().unwrap_or_default();
        if wanted.as_ref().is_some_and(|w| !w.contains(id.as_str())) {
            others.push(m);
            continue;
        }
        sqs.send_message()
            .queue_url(main)
            .message_body(m.body.clone().unwrap_or_default())
            .send()
            .await
            .map_err(|e| sqs_error("requeue", e.into_service_error()))?;
        // Sent first, deleted after: a crash in between replays it twice, which applies once.
        sqs.delete_message()
            .queue_url(dlq)
            .set_receipt_handle(m.receipt_handle.clone())
            .send()
            .await
            .map_err(|e| sqs_error("delete from the DLQ", e.into_service_error()))?;
        report.replayed.push(id);
    }
    release(ctx, dlq, &others).await?;
    if let Some(ids) = &request.message_ids {
        report.not_found = ids
            .iter()
            .filter(|id| !report.replayed.contains(id))
            .cloned()
            .collect();
    }
    Ok(report)
}
