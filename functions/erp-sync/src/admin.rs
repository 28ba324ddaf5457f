//! Staff routes of the sync (admins only): start a run by hand and read the run history (F31),
//! the orders exported to the ERP (F30), and the DLQ: list and replay (F32).

use axum::extract::Path;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Serialize;
use shared::auth::Principal;
use shared::error::Problem;
use shared::http::{ApiJson, ApiQuery, PageOf, PageParams};
use shared::routes;
use shared::routes::ApiRouter;
use shared::sync::dead_letters::{self, DeadLetter, ReplayReport, ReplayRequest};
use shared::sync::outbound::{self, OutboundState};
use shared::sync::runs::{self, RunTrigger, SyncRun};
use shared::{AppError, AppResult, AppState};

use crate::SyncState;

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new()
        .routes(routes!(start_run))
        .routes(routes!(list_runs))
        .routes(routes!(get_run))
        .routes(routes!(list_exported_orders))
        .routes(routes!(list_dead_letters))
        .routes(routes!(replay_dead_letters))
}

/// Starts a sync now: pulls the ERP's changes since the last cursor (the worker runs it).
#[utoipa::path(post, path = "/v1/admin/sync/run", tag = "sync-admin", security(("bearer" = [])),
    responses((status = 202, body = SyncRun, description = "queued; follow it in the run history"),
        (status = 401, body = Problem), (status = 403, body = Problem, description = "not an admin"),
        (status = 503, body = Problem, description = "the queue is unavailable; nothing started")))]
async fn start_run(
    Extension(sync): Extension<SyncState>,
    principal: Principal,
) -> AppResult<(StatusCode, Json<SyncRun>)> {
    principal.require_admin()?;
    let run = runs::start_run(&sync.ctx, RunTrigger::Manual, Some(principal.actor_label())).await?;
    Ok((StatusCode::ACCEPTED, Json(run)))
}

/// The runs, newest first: trigger, start, end, status, counts per kind and errors.
#[utoipa::path(get, path = "/v1/admin/sync/runs", tag = "sync-admin", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<SyncRun>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem, description = "bad cursor or limit")))]
async fn list_runs(
    Extension(sync): Extension<SyncState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<PageParams>,
) -> AppResult<Json<PageOf<SyncRun>>> {
    principal.require_admin()?;
    let params = query;
    let page = runs::list_runs(
        sync.ctx.store(),
        params.cursor.clone(),
        params.limit_or(20, 100)?,
    )
    .await?;
    Ok(Json(PageOf {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// One run.
#[utoipa::path(get, path = "/v1/admin/sync/runs/{id}", tag = "sync-admin",
    params(("id" = String, Path, description = "run id")), security(("bearer" = [])),
    responses((status = 200, body = SyncRun), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
async fn get_run(
    Extension(sync): Extension<SyncState>,
    principal: Principal,
    Path(id): Path<String>,
) -> AppResult<Json<SyncRun>> {
    principal.require_admin()?;
    runs::get_run(sync.ctx.store(), &id)
        .await?
        .map(Json)
        .ok_or(AppError::NotFound)
}

/// Orders sent to the ERP, most recently acknowledged first: which events it acknowledged,
/// when, and its order number.
#[utoipa::path(get, path = "/v1/admin/sync/orders", tag = "sync-admin", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = PageOf<OutboundState>), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
async fn list_exported_orders(
    Extension(sync): Extension<SyncState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<PageParams>,
) -> AppResult<Json<PageOf<OutboundState>>> {
    principal.require_admin()?;
    let params = query;
    if let Some(c) = &params.cursor {
        if shared::store::decode_cursor(c).is_none() {
            return Err(AppError::invalid(
                "cursor",
                "is not a cursor this list gave",
            ));
        }
    }
    let page = outbound::list_states(
        sync.ctx.store(),
        params.cursor.clone(),
        params.limit_or(50, 200)?,
    )
    .await?;
    Ok(Json(PageOf {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct DeadLetters {
    items: Vec<DeadLetter>,
}

/// Messages that kept failing (after the queue's maximum receives), oldest first.
#[utoipa::path(get, path = "/v1/admin/sync/dead-letters", tag = "sync-admin", security(("bearer" = [])),
    responses((status = 200, body = DeadLetters), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 503, body = Problem)))]
async fn list_dead_letters(
    Extension(sync): Extension<SyncState>,
    principal: Principal,
) -> AppResult<Json<DeadLetters>> {
    principal.require_admin()?;
    Ok(Json(DeadLetters {
        items: dead_letters::list(&sync.ctx).await?,
    }))
}

/// Moves DLQ messages (all, or `message_ids`) back to the queue, where they apply once.
#[utoipa::path(post, path = "/v1/admin/sync/dead-letters/replay", tag = "sync-admin", request_body = ReplayRequest,
    security(("bearer" = [])),
    responses((status = 200, body = ReplayReport), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem), (status = 503, body = Problem)))]
async fn replay_dead_letters(
    Extension(sync): Extension<SyncState>,
    principal: Principal,
    ApiJson(request): ApiJson<ReplayRequest>,
) -> AppResult<Json<ReplayReport>> {
    principal.require_admin()?;
    Ok(Json(dead_letters::replay(&sync.ctx, &request).await?))
}
