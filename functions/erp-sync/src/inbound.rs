//! The ERP's routes (F29): bulk upserts, queued, answered 202 with a batch id; and the status
//! of a batch. Authenticated by the API key in `X-Api-Key`, not by a user token.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::{Extension, Json};
use shared::error::Problem;
use shared::http::ApiJson;
use shared::routes;
use shared::routes::ApiRouter;
use shared::sync::batches::{self, Accepted, BatchBody, BatchStatus};
use shared::sync::records::{ErpCustomer, ErpDocument, ErpItem, ErpPrice, ErpStock, RecordKind};
use shared::{AppError, AppResult, AppState};

use crate::SyncState;

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new()
        .routes(routes!(post_items))
        .routes(routes!(post_prices))
        .routes(routes!(post_stock))
        .routes(routes!(post_customers))
        .routes(routes!(post_documents))
        .routes(routes!(get_batch))
}

// The bodies as the API document shows them, with each kind's record format (the handlers
// read a `BatchBody` and check the records themselves, to name every bad field).

/// A batch of items.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct ItemsBatch {
    batch_id: Option<String>,
    records: Vec<ErpItem>,
}

/// A batch of prices.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct PricesBatch {
    batch_id: Option<String>,
    records: Vec<ErpPrice>,
}

/// A batch of stock rows.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct StockBatch {
    batch_id: Option<String>,
    records: Vec<ErpStock>,
}

/// A batch of customers.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct CustomersBatch {
    batch_id: Option<String>,
    records: Vec<ErpCustomer>,
}

/// A batch of documents.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct DocumentsBatch {
    batch_id: Option<String>,
    records: Vec<ErpDocument>,
}

/// The ERP (or its on-premises agent), authenticated by the configured API key. Checked before
/// the body is read, so a caller without the key learns nothing about the batch format.
pub(crate) struct ErpCaller;

impl FromRequestParts<AppState> for ErpCaller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let sync = parts
            .extensions
            .get::<SyncState>()
            .ok_or_else(|| AppError::internal("the erp-sync router was built without its state"))?;
        let presented = parts.headers.get("x-api-key").and_then(|v| v.to_str().ok());
        if sync.ctx.settings.inbound_key_matches(presented).await? {
            Ok(ErpCaller)
        } else {
            Err(AppError::Unauthenticated)
        }
    }
}

async fn submit(
    sync: &SyncState,
    kind: RecordKind,
    body: BatchBody,
) -> AppResult<(StatusCode, Json<Accepted>)> {
    let accepted = batches::submit(&sync.ctx, kind, body).await?;
    Ok((StatusCode::ACCEPTED, Json(accepted)))
}

/// Items (`records`: [`ErpItem`](shared::sync::records::ErpItem)); the ERP key is the SKU.
#[utoipa::path(post, path = "/v1/erp/items", tag = "erp", request_body = ItemsBatch,
    security(("erp_api_key" = [])),
    responses((status = 202, body = Accepted, description = "validated and queued"),
        (status = 401, body = Problem, description = "missing or wrong X-Api-Key"),
        (status = 409, body = Problem, description = "batch_id already used for another batch"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "every bad field, as records[i].field; nothing queued")))]
async fn post_items(
    Extension(sync): Extension<SyncState>,
    _erp: ErpCaller,
    ApiJson(body): ApiJson<BatchBody>,
) -> AppResult<(StatusCode, Json<Accepted>)> {
    submit(&sync, RecordKind::Items, body).await
}

/// Prices per price list (`records`: [`ErpPrice`](shared::sync::records::ErpPrice)).
#[utoipa::path(post, path = "/v1/erp/prices", tag = "erp", request_body = PricesBatch,
    security(("erp_api_key" = [])),
    responses((status = 202, body = Accepted), (status = 401, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem)))]
async fn post_prices(
    Extension(sync): Extension<SyncState>,
    _erp: ErpCaller,
    ApiJson(body): ApiJson<BatchBody>,
) -> AppResult<(StatusCode, Json<Accepted>)> {
    submit(&sync, RecordKind::Prices, body).await
}

/// Stock per warehouse (`records`: [`ErpStock`](shared::sync::records::ErpStock)).
#[utoipa::path(post, path = "/v1/erp/stock", tag = "erp", request_body = StockBatch,
    security(("erp_api_key" = [])),
    responses((status = 202, body = Accepted), (status = 401, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem)))]
async fn post_stock(
    Extension(sync): Extension<SyncState>,
    _erp: ErpCaller,
    ApiJson(body): ApiJson<BatchBody>,
) -> AppResult<(StatusCode, Json<Accepted>)> {
    submit(&sync, RecordKind::Stock, body).await
}

/// Customers with credit limits and terms (`records`: [`ErpCustomer`](shared::sync::records::ErpCustomer)).
#[utoipa::path(post, path = "/v1/erp/customers", tag = "erp", request_body = CustomersBatch,
    security(("erp_api_key" = [])),
    responses((status = 202, body = Accepted), (status = 401, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem)))]
async fn post_customers(
    Extension(sync): Extension<SyncState>,
    _erp: ErpCaller,
    ApiJson(body): ApiJson<BatchBody>,
) -> AppResult<(StatusCode, Json<Accepted>)> {
    submit(&sync, RecordKind::Customers, body).await
}

/// Invoices, proformas and receipts (`records`: [`ErpDocument`](shared::sync::records::ErpDocument)).
#[utoipa::path(post, path = "/v1/erp/documents", tag = "erp", request_body = DocumentsBatch,
    security(("erp_api_key" = [])),
    responses((status = 202, body = Accepted), (status = 401, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem)))]
async fn post_documents(
    Extension(sync): Extension<SyncState>,
    _erp: ErpCaller,
    ApiJson(body): ApiJson<BatchBody>,
) -> AppResult<(StatusCode, Json<Accepted>)> {
    submit(&sync, RecordKind::Documents, body).await
}

/// Status of a batch: queued, applying, applied or failed; counts and per-row errors.
#[utoipa::path(get, path = "/v1/erp/batches/{id}", tag = "erp",
    params(("id" = String, Path, description = "batch id")), security(("erp_api_key" = [])),
    responses((status = 200, body = BatchStatus), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_batch(
    Extension(sync): Extension<SyncState>,
    _erp: ErpCaller,
    Path(id): Path<String>,
) -> AppResult<Json<BatchStatus>> {
    Ok(Json(batches::status(sync.ctx.store(), &id).await?))
}
