//! Periodic sync (F31): a run pulls the changes the ERP has made since the last cursor
//! (`GET {base}/changes?since=`) page by page and applies them like inbound batches; the cursor
//! moves past a page only once all of it is applied (a page with records that cannot be
//! applied yet is pulled again by the next run). Runs start from the schedule (every 30
//! minutes) or by hand (`POST /v1/admin/sync/run`); both queue a `pull` message that the worker
//! executes. `GET /v1/admin/sync/runs` lists them with start, end, counts and errors.

use serde::{Deserialize, Serialize};

use super::apply;
use super::erp::{ErpApi, ErpError};
use super::records::{validate, RecordKind};
use super::worker::QueueMessage;
use super::{RecordError, SyncContext};
use crate::error::{AppError, AppResult};
use crate::store::{self, keys, Keys, Page, QuerySpec, Store, StoreError};
use crate::types::{new_id, now_rfc3339};

/// Records asked for per page.
pub const PAGE_LIMIT: u32 = 1_000;
/// Pages one run pulls at most (the next run goes on from the cursor).
pub const MAX_PAGES: u32 = 200;
/// Pages one queue message pulls (one worker invocation): then, if the ERP has more, the run
/// goes on in a new message. Bounds an invocation's time whatever the ERP holds: a page of
/// 1,000 items takes about 4.5 s on DynamoDB Local (`make bench`), less in AWS, so 5 pages fit
/// the worker's 60 s timeout with room (template.yaml; the queue's visibility is 6x that).
pub const PAGES_PER_MESSAGE: u32 = 5;
/// Errors a run keeps (the counts say how many records were rejected).
pub const MAX_RUN_ERRORS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunTrigger {
    Manual,
    Schedule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KindCounts {
    pub kind: String,
    /// Records the ERP sent.
    pub received: usize,
    pub applied: usize,
    /// Already as new (or newer) in the portal.
    pub ignored: usize,
    pub rejected: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SyncRun {
    pub id: String,
    pub trigger: RunTrigger,
    /// The staff member who started it by hand.
    #[serde(default)]
    pub started_by: Option<String>,
    pub created_at: String,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub finished_at: Option<String>,
    pub status: RunStatus,
    #[serde(default)]
    pub cursor_from: Option<String>,
    #[serde(default)]
    pub cursor_to: Option<String>,
    pub pages: u32,
    pub counts: Vec<KindCounts>,
    /// Why the run failed, if it did (the ERP unreachable, ...).
    #[serde(default)]
    pub error: Option<String>,
    /// Records refused or not applicable yet, naming `changes.<kind>[i].<field>` of their page.
    pub errors: Vec<RecordError>,
}

impl SyncRun {
    fn keys(&self) -> Keys {
        Keys::new(keys::sync_run_pk(&self.id), keys::SYNC_RUN_SK).gsi1(
            keys::SYNC_RUNS_INDEX_PK,
            format!("{}#{}", self.created_at, self.id),
        )
    }

    fn counts_of(&mut self, kind: RecordKind) -> &mut KindCounts {
        let position = match self.counts.iter().position(|c| c.kind == kind.as_str()) {
            Some(p) => p,
            None => {
                self.counts.push(KindCounts {
                    kind: kind.as_str().to_string(),
                    ..Default::default()
                });
                self.counts.len() - 1
            }
        };
        &mut self.counts[position]
    }

    fn add_errors(&mut self, errors: impl IntoIterator<Item = RecordError>) {
        for e in errors {
            if self.errors.len() < MAX_RUN_ERRORS {
                self.errors.push(e);
            }
        }
    }
}

/// `SYNC` / `CURSOR`: where the next pull starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub cursor: String,
    pub run_id: String,
    pub updated_at: String,
}

pub async fn load_cursor(store: &Store) -> Result<Option<Cursor>, StoreError> {
    store.get(keys::SYNC_CURSOR_PK, keys::SYNC_CURSOR_SK).await
}

/// Moves the cursor from `from` to `to`; `false` when another run moved it first.
async fn advance_cursor(
    store: &Store,
    from: Option<&str>,
    to: &str,
    run_id: &str,
) -> Result<bool, StoreError> {
    let mut req = store
        .client()
        .put_item()
        .table_name(store.table())
        .set_item(Some(store::item(
            &Keys::new(keys::SYNC_CURSOR_PK, keys::SYNC_CURSOR_SK),
            &Cursor {
                cursor: to.to_string(),
                run_id: run_id.to_string(),
                updated_at: now_rfc3339(),
            },
        )?));
    req = match from {
        None => req.condition_expression("attribute_not_exists(PK)"),
        Some(from) => req
            .condition_expression("#cursor = :from")
            .expression_attribute_names("#cursor", "cursor")
            .expression_attribute_values(":from", store::s(from)),
    };
    match req.send().await {
        Ok(_) => Ok(true),
        Err(err) => {
            let service = err.into_service_error();
            if service.is_conditional_check_failed_exception() {
                Ok(false)
            } else {
                Err(StoreError::Other(format!("cursor: {service}")))
            }
        }
    }
}

async fn save(store: &Store, run: &SyncRun) -> Result<(), StoreError> {
    store.put(&run.keys(), run).await
}

pub async fn get_run(store: &Store, id: &str) -> Result<Option<SyncRun>, StoreError> {
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(None);
    }
    store.get(&keys::sync_run_pk(id), keys::SYNC_RUN_SK).await
}

/// Newest first.
pub async fn list_runs(
    store: &Store,
    cursor: Option<String>,
    limit: i32,
) -> AppResult<Page<SyncRun>> {
    if let Some(c) = &cursor {
        if store::decode_cursor(c).is_none() {
            return Err(AppError::invalid(
                "cursor",
                "is not a cursor this list gave",
            ));
        }
    }
    Ok(store
        .query(
            QuerySpec::index(keys::GSI1, keys::SYNC_RUNS_INDEX_PK)
                .newest_first()
                .limit(limit)
                .cursor(cursor),
        )
        .await?)
}

/// Records a run and queues its pull.
pub async fn start_run(
    ctx: &SyncContext,
    trigger: RunTrigger,
    started_by: Option<String>,
) -> AppResult<SyncRun> {
    let mut run = SyncRun {
        id: new_id(),
        trigger,
        started_by,
        created_at: now_rfc3339(),
        started_at: None,
        finished_at: None,
        status: RunStatus::Queued,
        cursor_from: None,
        cursor_to: None,
        pages: 0,
        counts: Vec::new(),
        error: None,
        errors: Vec::new(),
    };
    save(ctx.store(), &run).await?;
    let body = serde_json::to_string(&QueueMessage::Pull {
        run_id: run.id.clone(),
    })
    .map_err(AppError::internal)?;
    let sent = match ctx.queue_url() {
        Ok(queue) => ctx
            .sqs()
            .await
            .send_message()
            .queue_url(queue)
            .message_body(body)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| e.into_service_error().to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(reason) = sent {
        run.status = RunStatus::Failed;
        run.finished_at = Some(now_rfc3339());
        run.error = Some(format!("could not queue the run: {reason}"));
        save(ctx.store(), &run).await?;
        return Err(AppError::Unavailable(reason));
    }
    Ok(run)
}

/// The worker's part: pulls and applies up to [`PAGES_PER_MESSAGE`] pages of changes. A run
/// still `Running` when this returns has more to pull: the worker queues its next step. Never
/// asks for a retry: a failed run says why, and the next run starts again from the cursor.
pub async fn pull<E: ErpApi>(
    store: &Store,
    erp: &E,
    run_id: &str,
    page_size: u32,
) -> Result<SyncRun, StoreError> {
    let Some(mut run) = get_run(store, run_id).await? else {
        return Err(StoreError::Other(format!("no sync run {run_id}")));
    };
    if matches!(run.status, RunStatus::Succeeded | RunStatus::Failed) {
        return Ok(run);
    }
    run.status = RunStatus::Running;
    run.started_at.get_or_insert_with(now_rfc3339);
    let mut cursor = load_cursor(store).await?.map(|c| c.cursor);
    // A continuing run (pages already pulled) keeps where it began.
    if run.pages == 0 {
        run.cursor_from = cursor.clone();
    }
    save(store, &run).await?;

    for step in 0..PAGES_PER_MESSAGE {
        if run.pages >= MAX_PAGES {
            break;
        }
        let page = match erp.changes(cursor.as_deref(), page_size).await {
            Ok(page) => page,
            Err(err) => {
                let what = match &err {
                    ErpError::Unreachable(_) => "the ERP did not answer; the next run tries again",
                    _ => "the ERP's changes could not be read",
                };
                return finish(store, run, Some(format!("{what}: {err}"))).await;
            }
        };
        let mut waiting = 0;
        for kind in RecordKind::APPLY_ORDER {
            let values = page.changes.of_kind(kind);
            if values.is_empty() {
                continue;
            }
            let prefix = format!("changes.{}", kind.as_str());
            let (records, invalid) = validate(kind, values, &prefix);
            let report = apply::apply(store, records).await?;
            let counts = run.counts_of(kind);
            counts.received += values.len();
            counts.applied += report.applied;
            counts.ignored += report.ignored;
            counts.rejected += report.rejected + invalid.len();
            waiting += report.pending.len();
            let row_errors = report
                .errors
                .iter()
                .chain(report.pending.iter())
                .map(|e| {
                    RecordError::new(
                        format!("{prefix}[{}].{}", e.index, e.field),
                        e.reason.clone(),
                    )
                })
                .collect::<Vec<_>>();
            run.add_errors(invalid.into_iter().map(RecordError::from));
            run.add_errors(row_errors);
        }
        if waiting > 0 {
            return finish(
                store,
                run,
                Some(format!(
                    "{waiting} records cannot be applied yet (see errors); the cursor stays, the next run pulls them again"
                )),
            )
            .await;
        }
        if !advance_cursor(store, cursor.as_deref(), &page.cursor, &run.id).await? {
            // Another run got there first and goes on from its own cursor.
            return finish(store, run, None).await;
        }
        run.pages += 1;
        run.cursor_to = Some(page.cursor.clone());
        cursor = Some(page.cursor);
        save(store, &run).await?;
        if !page.has_more {
            break;
        }
        if step + 1 == PAGES_PER_MESSAGE && run.pages < MAX_PAGES {
            // More to pull: the worker continues in a new message (the run stays Running).
            return Ok(run);
        }
    }
    finish(store, run, None).await
}

async fn finish(
    store: &Store,
    mut run: SyncRun,
    error: Option<String>,
) -> Result<SyncRun, StoreError> {
    run.status = if error.is_some() {
        RunStatus::Failed
    } else {
        RunStatus::Succeeded
    };
    run.error = error;
    run.finished_at = Some(now_rfc3339());
    save(store, &run).await?;
    Ok(run)
}
