//! What Lambda does for the queue consumers and schedules in AWS, done locally: long-poll a
//! queue, hand the batch to the consumer as a real `SqsEvent`, delete only the messages the
//! handler did not report as failed (`ReportBatchItemFailures`); run the scheduled handlers on a
//! timer. moto neither invokes Lambdas nor fires scheduled rules, hence this module.

use std::future::Future;
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use aws_sdk_sqs::types::{
    DeleteMessageBatchRequestEntry, MessageSystemAttributeName, QueueAttributeName,
};
use shared::AppState;

/// A queue as the event source mapping sees it.
#[derive(Clone, Debug)]
pub struct Queue {
    pub name: &'static str,
    pub url: String,
    pub arn: String,
}

impl Queue {
    pub async fn resolve(
        sqs: &aws_sdk_sqs::Client,
        name: &'static str,
        url: &str,
    ) -> Result<Self, String> {
        let arn = sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .map_err(|e| format!("queue {name}: {e:?}"))?
            .attributes
            .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
            .ok_or_else(|| format!("queue {name} has no ARN"))?;
        Ok(Self {
            name,
            url: url.to_string(),
            arn,
        })
    }
}

/// How long the pollers wait for a first message (SQS long polling).
pub const LONG_POLL_SECONDS: i32 = 5;

/// Up to 10 messages (Lambda's default batch for SQS), waiting up to `wait_seconds` for the first.
async fn receive(
    sqs: &aws_sdk_sqs::Client,
    queue: &Queue,
    wait_seconds: i32,
) -> Result<Vec<aws_sdk_sqs::types::Message>, String> {
    let out = sqs
        .receive_message()
        .queue_url(&queue.url)
        .max_number_of_messages(10)
        .wait_time_seconds(wait_seconds)
        .message_system_attribute_names(MessageSystemAttributeName::All)
        .send()
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(out.messages.unwrap_or_default())
}

/// The event Lambda would build for this batch.
pub fn sqs_event(queue: &Queue, messages: &[aws_sdk_sqs::types::Message]) -> SqsEvent {
    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into());
    let mut event = SqsEvent::default();
    event.records = messages
        .iter()
        .map(|m| {
            let mut record = SqsMessage::default();
            record.message_id = m.message_id.clone();
            record.receipt_handle = m.receipt_handle.clone();
            record.body = m.body.clone();
            record.md5_of_body = m.md5_of_body.clone();
            record.attributes = m
                .attributes
                .iter()
                .flatten()
                .map(|(k, v)| (k.as_str().to_string(), v.clone()))
                .collect();
            record.event_source = Some("aws:sqs".into());
            record.event_source_arn = Some(queue.arn.clone());
            record.aws_region = Some(region.clone());
            record
        })
        .collect();
    event
}

/// Deletes the messages of the batch whose ids are not in `failed`.
async fn delete_succeeded(
    sqs: &aws_sdk_sqs::Client,
    queue: &Queue,
    messages: &[aws_sdk_sqs::types::Message],
    failed: &[String],
) -> Result<(), String> {
    let entries: Vec<DeleteMessageBatchRequestEntry> = messages
        .iter()
        .enumerate()
        .filter(|(_, m)| m.message_id.as_ref().is_some_and(|id| !failed.contains(id)))
        .filter_map(|(i, m)| {
            DeleteMessageBatchRequestEntry::builder()
                .id(i.to_string())
                .set_receipt_handle(m.receipt_handle.clone())
                .build()
                .ok()
        })
        .collect();
    if entries.is_empty() {
        return Ok(());
    }
    let out = sqs
        .delete_message_batch()
        .queue_url(&queue.url)
        .set_entries(Some(entries))
        .send()
        .await
        .map_err(|e| format!("{e:?}"))?;
    if !out.failed.is_empty() {
        return Err(format!("{} deletes failed", out.failed.len()));
    }
    Ok(())
}

/// What one batch came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// Messages received (0: the queue had nothing within the wait).
    pub received: usize,
    /// Messages the consumer reported as failed (left on the queue for redelivery).
    pub failed: usize,
}

/// Receives one batch (waiting up to `wait_seconds` for it), hands it to the consumer as the
/// `SqsEvent` Lambda would build, and deletes the messages the consumer did not report as failed.
pub async fn deliver_batch<F, Fut>(
    sqs: &aws_sdk_sqs::Client,
    queue: &Queue,
    wait_seconds: i32,
    handler: F,
) -> Result<Delivery, String>
where
    F: FnOnce(SqsEvent) -> Fut,
    Fut: Future<Output = SqsBatchResponse>,
{
    let messages = receive(sqs, queue, wait_seconds)
        .await
        .map_err(|e| format!("receive: {e}"))?;
    if messages.is_empty() {
        return Ok(Delivery {
            received: 0,
            failed: 0,
        });
    }
    let response = handler(sqs_event(queue, &messages)).await;
    let failed: Vec<String> = response
        .batch_item_failures
        .into_iter()
        .map(|f| f.item_identifier)
        .collect();
    delete_succeeded(sqs, queue, &messages, &failed)
        .await
        .map_err(|e| format!("delete (the messages will be redelivered): {e}"))?;
    Ok(Delivery {
        received: messages.len(),
        failed: failed.len(),
    })
}

/// A queue -> its consumer, forever: what the Lambda event source mapping does in AWS.
pub async fn poll<F, Fut>(sqs: aws_sdk_sqs::Client, queue: Queue, handler: F)
where
    F: Fn(SqsEvent) -> Fut,
    Fut: Future<Output = SqsBatchResponse>,
{
    loop {
        match deliver_batch(&sqs, &queue, LONG_POLL_SECONDS, &handler).await {
            Ok(Delivery { received: 0, .. }) => {}
            Ok(Delivery { received, failed }) => {
                tracing::info!(queue = queue.name, received, failed, "batch handled")
            }
            Err(err) => {
                tracing::warn!(queue = queue.name, error = %err, "batch not handled; retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    }
}

/// Runs a scheduled handler every `period`, as an EventBridge schedule would.
pub async fn every<F, Fut>(name: &'static str, period: Duration, app: AppState, job: F)
where
    F: Fn(AppState) -> Fut,
    Fut: Future<Output = Result<String, String>>,
{
    // The first run after one period, as a schedule created now would fire (not at start-up:
    // a sync started by hand after `make dev` should find the ERP's changes still to pull).
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match job(app.clone()).await {
            Ok(outcome) if outcome.is_empty() => {}
            Ok(outcome) => tracing::info!(schedule = name, %outcome, "scheduled run"),
            Err(err) => tracing::warn!(schedule = name, error = %err, "scheduled run failed"),
        }
    }
}

/// The outbox sweep schedule: the handler OutboxSweepFunction runs in AWS.
pub async fn sweep_outbox(app: AppState) -> Result<String, String> {
    let relayed = notifications::sweep(&app)
        .await
        .map_err(|e| e.to_string())?;
    Ok(if relayed == 0 {
        String::new()
    } else {
        format!("{relayed} events relayed")
    })
}
