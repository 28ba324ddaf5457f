//! Inbound batches (F29): `POST /v1/erp/<kind>` validates the whole batch, records it, and
//! queues its records in chunks (each message well below SQS's 256 KB) on the `erp-sync`
//! queue; the worker applies each chunk and records its result. `GET /v1/erp/batches/{id}`
//! sums the chunks up: status, counts and per-row errors.
//!
//! Items: `ERPBATCH#<id>` / `BATCH` (the batch) and `ERPBATCH#<id>` / `CHUNK#<n>` (one per
//! chunk, written by the worker; an applied chunk is never overwritten, so a redelivered chunk
//! does not reset its counts).

use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

use super::apply::{self, ApplyReport, RowError};
use super::records::{validate, RecordKind, MAX_BATCH_RECORDS, MAX_REPORTED_ERRORS};
use super::{RecordError, SyncContext};
use crate::error::{AppError, AppResult, FieldError};
use crate::store::{self, keys, Keys, Store, StoreError};
use crate::types::{new_id, now_rfc3339};

/// A chunk's records take at most this many bytes of JSON (SQS takes 256 KB per message).
pub const CHUNK_BYTES: usize = 200 * 1024;
/// And at most this many records.
pub const CHUNK_RECORDS: usize = 2_000;

/// The body of every inbound route.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchBody {
    /// The ERP's id for this batch (1-64 letters, digits, `.`, `_`, `-`). Sending the same id
    /// again answers the batch already received instead of queuing it twice.
    #[serde(default)]
    pub batch_id: Option<String>,
    /// The records (1 to 10,000), in the kind's format.
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<serde_json::Value>,
}

/// `ERPBATCH#<id>` / `BATCH`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    pub batch_id: String,
    pub kind: RecordKind,
    pub received_at: String,
    pub record_count: usize,
    pub chunk_count: usize,
    /// `receiving` until every chunk is queued, then `queued`.
    pub stage: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChunkState {
    Applied,
    /// Some records could not be applied yet; the message is retried.
    Retrying,
    /// Gave up: the message went to the DLQ (staff can replay it).
    Failed,
}

/// `ERPBATCH#<id>` / `CHUNK#<n>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkResult {
    pub chunk: usize,
    pub offset: usize,
    pub records: usize,
    pub state: ChunkState,
    pub applied: usize,
    pub ignored: usize,
    pub rejected: usize,
    /// Rows not applicable yet (while retrying or failed).
    #[serde(default)]
    pub pending: usize,
    pub errors: Vec<RecordError>,
    pub attempts: u32,
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BatchState {
    Queued,
    Applying,
    Applied,
    Failed,
}

/// The answer of `GET /v1/erp/batches/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BatchStatus {
    pub batch_id: String,
    pub kind: RecordKind,
    pub status: BatchState,
    pub received_at: String,
    pub records: usize,
    pub chunks: usize,
    pub chunks_applied: usize,
    /// Records written (new or newer than stored).
    pub applied: usize,
    /// Records as old as or older than what is stored (repeats): nothing changed.
    pub ignored: usize,
    /// Records refused when applied; see `errors`.
    pub rejected: usize,
    /// Records waiting for something (e.g. their customer) and retried.
    pub pending: usize,
    /// Per-row problems, naming `records[i].<field>`.
    pub errors: Vec<RecordError>,
    pub updated_at: Option<String>,
}

/// `202 Accepted` of an inbound route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Accepted {
    pub batch_id: String,
    /// `queued` (or the status of the batch already received under this id).
    pub status: BatchState,
    pub records: usize,
}

/// The message of one chunk on the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChunkMessage {
    pub batch_id: String,
    pub kind: RecordKind,
    pub chunk: usize,
    /// Index of the chunk's first record in the batch.
    pub offset: usize,
    pub records: Vec<serde_json::Value>,
}

fn check_batch_id(raw: &str) -> AppResult<String> {
    let value = raw.trim();
    if !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        Ok(value.to_string())
    } else {
        Err(AppError::invalid(
            "batch_id",
            "must be 1-64 letters, digits, '.', '_' or '-'",
        ))
    }
}

/// Splits records into chunks of at most [`CHUNK_BYTES`] / [`CHUNK_RECORDS`].
pub fn chunk_records(records: &[serde_json::Value]) -> Vec<(usize, Vec<serde_json::Value>)> {
    let mut chunks = Vec::new();
    let mut current = Vec::new();
    let mut offset = 0;
    let mut bytes = 0;
    for (i, record) in records.iter().enumerate() {
        let size = serde_json::to_vec(record).map(|v| v.len()).unwrap_or(0) + 1;
        if !current.is_empty() && (bytes + size > CHUNK_BYTES || current.len() >= CHUNK_RECORDS) {
            chunks.push((offset, std::mem::take(&mut current)));
            offset = i;
            bytes = 0;
        }
        bytes += size;
        current.push(record.clone());
    }
    if !current.is_empty() {
        chunks.push((offset, current));
    }
    chunks
}

/// The whole-batch check: every problem named, at most [`MAX_REPORTED_ERRORS`] of them.
pub fn check_batch(kind: RecordKind, body: &BatchBody) -> AppResult<()> {
    if body.records.is_empty() {
        return Err(AppError::invalid(
            "records",
            "must hold at least one record",
        ));
    }
    if body.records.len() > MAX_BATCH_RECORDS {
        return Err(AppError::invalid(
            "records",
            format!("at most {MAX_BATCH_RECORDS} records per batch"),
        ));
    }
    let (_, mut errors) = validate(kind, &body.records, "records");
    if errors.is_empty() {
        return Ok(());
    }
    let total = errors.len();
    if total > MAX_REPORTED_ERRORS {
        errors.truncate(MAX_REPORTED_ERRORS);
        errors.push(FieldError::new(
            "records",
            format!("{} more errors not listed", total - MAX_REPORTED_ERRORS),
        ));
    }
    Err(AppError::Validation(errors))
}

async fn send(ctx: &SyncContext, body: String) -> AppResult<()> {
    let queue = ctx.queue_url()?;
    ctx.sqs()
        .await
        .send_message()
        .queue_url(queue)
        .message_body(body)
        .send()
        .await
        .map_err(|e| AppError::Unavailable(format!("enqueue: {}", e.into_service_error())))?;
    Ok(())
}

/// Validates, records and queues a batch. Nothing is queued when anything is invalid.
pub async fn submit(ctx: &SyncContext, kind: RecordKind, body: BatchBody) -> AppResult<Accepted> {
    let batch_id = match &body.batch_id {
        Some(id) => check_batch_id(id)?,
        None => new_id(),
    };
    check_batch(kind, &body)?;
    let store = ctx.store();
    let chunks = chunk_records(&body.records);
    let batch = Batch {
        batch_id: batch_id.clone(),
        kind,
        received_at: now_rfc3339(),
        record_count: body.records.len(),
        chunk_count: chunks.len(),
        stage: "receiving".into(),
    };
    let k = Keys::new(keys::erp_batch_pk(&batch_id), keys::ERP_BATCH_SK);
    match store.put_new(&k, &batch).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed) => {
            let existing: Batch = store
                .get(&k.pk, &k.sk)
                .await?
                .ok_or_else(|| AppError::Unavailable("batch vanished".into()))?;
            if existing.kind != kind || existing.record_count != batch.record_count {
                return Err(AppError::Conflict {
                    code: "batch-id-taken",
                    message: format!(
                        "batch {batch_id} was already received with other content ({} {})",
                        existing.record_count,
                        existing.kind.as_str()
                    ),
                    errors: vec![FieldError::new(
                        "batch_id",
                        "already used for another batch",
                    )],
                });
            }
            if existing.stage != "receiving" {
                // A repeat of a batch already queued: answer it, queue nothing again.
                let status = status(store, &batch_id).await?;
                return Ok(Accepted {
                    batch_id,
                    status: status.status,
                    records: status.records,
                });
            }
            // The first attempt failed while queuing: queue it again (chunks apply idempotently).
        }
        Err(e) => return Err(e.into()),
    }
    for (chunk, (offset, records)) in chunks.into_iter().enumerate() {
        let message = super::worker::QueueMessage::Inbound(ChunkMessage {
            batch_id: batch_id.clone(),
            kind,
            chunk,
            offset,
            records,
        });
        send(
            ctx,
            serde_json::to_string(&message).map_err(AppError::internal)?,
        )
        .await?;
    }
    store
        .client()
        .update_item()
        .table_name(store.table())
        .set_key(Some(store::key_of(&k.pk, &k.sk)))
        .update_expression("SET stage = :queued")
        .expression_attribute_values(":queued", store::s("queued"))
        .send()
        .await
        .map_err(|e| AppError::internal(format!("batch stage: {}", e.into_service_error())))?;
    Ok(Accepted {
        batch_id,
        status: BatchState::Queued,
        records: batch.record_count,
    })
}

/// The status of a batch (404 when unknown).
pub async fn status(store: &Store, batch_id: &str) -> AppResult<BatchStatus> {
    if check_batch_id(batch_id).is_err() {
        return Err(AppError::NotFound);
    }
    let mut spec = store::QuerySpec::partition(keys::erp_batch_pk(batch_id));
    let mut items = Vec::new();
    loop {
        let (page, next) = store.query_items(&spec).await?;
        items.extend(page);
        match next {
            Some(cursor) => spec.cursor = Some(cursor),
            None => break,
        }
    }
    let mut batch: Option<Batch> = None;
    let mut chunks: Vec<ChunkResult> = Vec::new();
    for raw in items {
        match raw.get(keys::SK) {
            Some(AttributeValue::S(sk)) if sk == keys::ERP_BATCH_SK => {
                batch = Some(store::from_item(raw)?)
            }
            Some(AttributeValue::S(sk)) if sk.starts_with(keys::ERP_CHUNK_SK_PREFIX) => {
                chunks.push(store::from_item(raw)?)
            }
            _ => {}
        }
    }
    let batch = batch.ok_or(AppError::NotFound)?;
    let applied_chunks = chunks
        .iter()
        .filter(|c| c.state == ChunkState::Applied)
        .count();
    let state = if chunks.iter().any(|c| c.state == ChunkState::Failed) {
        BatchState::Failed
    } else if applied_chunks >= batch.chunk_count {
        BatchState::Applied
    } else if chunks.is_empty() {
        BatchState::Queued
    } else {
        BatchState::Applying
    };
    let mut errors: Vec<RecordError> = chunks.iter().flat_map(|c| c.errors.clone()).collect();
    errors.truncate(MAX_REPORTED_ERRORS);
    Ok(BatchStatus {
        batch_id: batch.batch_id,
        kind: batch.kind,
        status: state,
        received_at: batch.received_at,
        records: batch.record_count,
        chunks: batch.chunk_count,
        chunks_applied: applied_chunks,
        applied: chunks.iter().map(|c| c.applied).sum(),
        ignored: chunks.iter().map(|c| c.ignored).sum(),
        rejected: chunks.iter().map(|c| c.rejected).sum(),
        pending: chunks
            .iter()
            .filter(|c| c.state != ChunkState::Applied)
            .map(|c| c.pending)
            .sum(),
        errors,
        updated_at: chunks.iter().map(|c| c.updated_at.clone()).max(),
    })
}

fn absolute(errors: &[RowError], offset: usize) -> Vec<RecordError> {
    errors
        .iter()
        .map(|e| {
            let path = format!("records[{}]", offset + e.index);
            let field = if e.field.is_empty() {
                path
            } else {
                format!("{path}.{}", e.field)
            };
            RecordError::new(field, e.reason.clone())
        })
        .collect()
}

async fn save_result(
    store: &Store,
    batch_id: &str,
    result: &ChunkResult,
) -> Result<(), StoreError> {
    let item = store::item(
        &Keys::new(
            keys::erp_batch_pk(batch_id),
            keys::erp_chunk_sk(result.chunk),
        ),
        result,
    )?;
    let put = store
        .client()
        .put_item()
        .table_name(store.table())
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(PK) OR #state <> :applied")
        .expression_attribute_names("#state", "state")
        .expression_attribute_values(":applied", store::s("applied"));
    match put.send().await {
        Ok(_) => Ok(()),
        Err(err) => {
            let service = err.into_service_error();
            if service.is_conditional_check_failed_exception() {
                Ok(())
            } else {
                Err(StoreError::Other(format!("chunk result: {service}")))
            }
        }
    }
}

/// Why a chunk could not be fully applied (the message is retried).
#[derive(Debug, thiserror::Error)]
pub enum ChunkError {
    #[error("{0} records cannot be applied yet: {1}")]
    Pending(usize, String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The worker's part: applies one chunk and records the result. `attempt` is the message's
/// receive count; on the last attempt a chunk that still cannot be applied is marked failed.
pub async fn apply_chunk(
    store: &Store,
    message: ChunkMessage,
    attempt: u32,
    last_attempt: bool,
) -> Result<ApplyReport, ChunkError> {
    let key = (
        keys::erp_batch_pk(&message.batch_id),
        keys::erp_chunk_sk(message.chunk),
    );
    let previous: Option<ChunkResult> = store.get(&key.0, &key.1).await?;
    if previous
        .as_ref()
        .is_some_and(|p| p.state == ChunkState::Applied)
    {
        return Ok(ApplyReport::default());
    }
    let (records, invalid) = validate(message.kind, &message.records, "records");
    let mut report = apply::apply(store, records).await?;
    // Checked when queued; a record that fails now (rules changed meanwhile) is rejected.
    for error in invalid {
        let (index, field) = split_path(&error.field);
        report.reject(RowError::new(index, &field, error.reason));
    }
    // Rows applied by an earlier attempt are "ignored" now: count them as applied.
    let before = previous.as_ref().map(|p| p.applied).unwrap_or(0);
    let pending = report.pending.len();
    let state = if pending == 0 {
        ChunkState::Applied
    } else if last_attempt {
        ChunkState::Failed
    } else {
        ChunkState::Retrying
    };
    let mut errors = absolute(&report.errors, message.offset);
    errors.extend(absolute(&report.pending, message.offset));
    let result = ChunkResult {
        chunk: message.chunk,
        offset: message.offset,
        records: message.records.len(),
        state,
        applied: before + report.applied,
        ignored: report.ignored.saturating_sub(before),
        rejected: report.rejected,
        pending,
        errors,
        attempts: attempt,
        updated_at: now_rfc3339(),
    };
    save_result(store, &message.batch_id, &result).await?;
    if pending > 0 {
        let first = &report.pending[0];
        return Err(ChunkError::Pending(
            pending,
            format!(
                "records[{}].{}: {}",
                message.offset + first.index,
                first.field,
                first.reason
            ),
        ));
    }
    Ok(report)
}

/// `records[12].sku` -> (12, "sku").
fn split_path(path: &str) -> (usize, String) {
    let rest = path.strip_prefix("records[").unwrap_or(path);
    let (index, field) = rest.split_once(']').unwrap_or(("0", rest));
    (
        index.parse().unwrap_or(0),
        field.trim_start_matches('.').to_string(),
    )
}

/// Writes the result of a chunk that is given up on (its message goes to the DLQ).
pub async fn mark_failed(
    store: &Store,
    batch_id: &str,
    chunk: usize,
    offset: usize,
    reason: &str,
    attempt: u32,
) -> Result<(), StoreError> {
    let result = ChunkResult {
        chunk,
        offset,
        records: 0,
        state: ChunkState::Failed,
        applied: 0,
        ignored: 0,
        rejected: 0,
        pending: 0,
        errors: vec![RecordError::new("records", reason)],
        attempts: attempt,
        updated_at: now_rfc3339(),
    };
    save_result(store, batch_id, &result).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn chunks_stay_under_the_message_size() {
        let big = "x".repeat(1000);
        let records: Vec<serde_json::Value> = (0..1000)
            .map(|i| json!({"sku": format!("S{i}"), "name": big}))
            .collect();
        let chunks = chunk_records(&records);
        assert!(chunks.len() >= 5);
        let mut next = 0;
        for (offset, chunk) in &chunks {
            assert_eq!(*offset, next);
            next += chunk.len();
            assert!(serde_json::to_vec(chunk).unwrap().len() <= CHUNK_BYTES + chunk.len());
        }
        assert_eq!(next, 1000);
        let small: Vec<serde_json::Value> = (0..5000).map(|i| json!({"i": i})).collect();
        assert_eq!(chunk_records(&small).len(), 3);
    }

    #[test]
    fn paths_split_into_index_and_field() {
        assert_eq!(split_path("records[12].sku"), (12, "sku".to_string()));
        assert_eq!(split_path("records[3]"), (3, String::new()));
        assert_eq!(
            split_path("records[3].lines[0].total"),
            (3, "lines[0].total".to_string())
        );
    }
}
