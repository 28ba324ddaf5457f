//! Sales reports (issue 13, items 7-8): staff read figures the aggregates consumer keeps
//! (`shared::reports`), as JSON or one table as CSV. Admins see every order (or one agent's
//! customers' with `agent`); an agent sees only its own customers' figures.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use shared::auth::Principal;
use shared::reports::read::{
    self, CustomerPurchases, RangeParams, ReportRange, SalesReport, Table,
};
use shared::reports::Scope;
use shared::routes;
use shared::routes::ApiRouter;
use shared::staff::customer_care::managed_customer;
use shared::{AppError, AppResult, AppState};

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new()
        .routes(routes!(sales_report))
        .routes(routes!(sales_export))
        .routes(routes!(customer_purchases))
        .routes(routes!(customer_export))
}

/// `?from=&to=&currency=&granularity=&agent=` of the sales report.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SalesParams {
    /// First day, `YYYY-MM-DD` (UTC); default 29 days before `to`.
    from: Option<String>,
    /// Last day, included; default today. At most 366 days after `from`.
    to: Option<String>,
    /// ISO 4217 code; default the store's currency.
    currency: Option<String>,
    /// `day` (default), `week` or `month`.
    granularity: Option<String>,
    /// Admins: one agent's customers only (a staff id). Agents always see their own.
    agent: Option<String>,
}

/// The sales report's parameters and the table to export.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SalesExportParams {
    /// `series`, `statuses`, `customers`, `items`, `item_types`, `brands`, `agents` or
    /// `warehouses`.
    table: String,
    from: Option<String>,
    to: Option<String>,
    currency: Option<String>,
    granularity: Option<String>,
    agent: Option<String>,
}

/// A customer's purchases' table to export.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CustomerExportParams {
    /// `series` or `items` (required; checked after the customer, so that another agent's
    /// customer answers 404 whatever the query).
    table: Option<String>,
    from: Option<String>,
    to: Option<String>,
    currency: Option<String>,
    granularity: Option<String>,
}

fn range_params(
    from: Option<String>,
    to: Option<String>,
    currency: Option<String>,
    granularity: Option<String>,
) -> RangeParams {
    RangeParams {
        from,
        to,
        currency,
        granularity,
    }
}

/// The range, with the store's currency when none is asked for.
async fn range(app: &AppState, params: RangeParams) -> AppResult<ReportRange> {
    let default_currency = match params.currency {
        Some(_) => String::new(),
        None => shared::settings::load(&app.store).await?.default_currency,
    };
    ReportRange::parse(&params, &default_currency, chrono::Utc::now().date_naive())
}

/// Whose figures: an agent's own customers', or (admins) everyone's or one agent's.
fn scope(principal: &Principal, agent: Option<String>) -> AppResult<Scope> {
    principal.require_staff()?;
    let agent = agent
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty());
    if principal.is_admin() {
        return Ok(agent.map_or(Scope::All, Scope::Agent));
    }
    match agent {
        Some(other) if other != principal.sub => Err(AppError::Forbidden(
            "agents see their own customers' figures only".into(),
        )),
        _ => Ok(Scope::Agent(principal.sub.clone())),
    }
}

fn csv_response(name: String, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// Item 7: sales by day, week or month (placed and fulfilled value), orders by status, and
/// the tables by customer, item, item type, brand, agent and warehouse (largest first), from
/// the report aggregates. Agents get their customers' figures only.
#[utoipa::path(get, path = "/v1/admin/reports/sales", tag = "reports", params(SalesParams),
    security(("bearer" = [])),
    responses((status = 200, body = SalesReport), (status = 401), (status = 403), (status = 422)))]
async fn sales_report(
    State(app): State<AppState>,
    principal: Principal,
    shared::http::ApiQuery(params): shared::http::ApiQuery<SalesParams>,
) -> AppResult<Json<SalesReport>> {
    let scope = scope(&principal, params.agent)?;
    let range = range(
        &app,
        range_params(params.from, params.to, params.currency, params.granularity),
    )
    .await?;
    Ok(Json(read::sales(&app.store, &scope, &range).await?))
}

/// One table of the sales report as CSV (cells that a spreadsheet would run as a formula are
/// escaped).
#[utoipa::path(get, path = "/v1/admin/reports/sales/export", tag = "reports",
    params(SalesExportParams), security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 401),
        (status = 403), (status = 422)))]
async fn sales_export(
    State(app): State<AppState>,
    principal: Principal,
    shared::http::ApiQuery(params): shared::http::ApiQuery<SalesExportParams>,
) -> AppResult<Response> {
    let scope = scope(&principal, params.agent)?;
    let table = Table::parse(&params.table)?;
    let range = range(
        &app,
        range_params(params.from, params.to, params.currency, params.granularity),
    )
    .await?;
    let report = read::sales(&app.store, &scope, &range).await?;
    let body = read::sales_csv(&report, table)?;
    Ok(csv_response(
        format!("sales-{}-{}-{}", table.name(), report.from, report.to),
        body,
    ))
}

/// Item 8: one customer's purchases over time and its items (largest first). Agents: their
/// customers only (another's answers 404).
#[utoipa::path(get, path = "/v1/admin/reports/customers/{id}", tag = "reports",
    params(("id" = String, Path, description = "customer id"), RangeParams),
    security(("bearer" = [])),
    responses((status = 200, body = CustomerPurchases), (status = 401), (status = 403),
        (status = 404), (status = 422)))]
async fn customer_purchases(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    shared::http::ApiQuery(params): shared::http::ApiQuery<RangeParams>,
) -> AppResult<Json<CustomerPurchases>> {
    managed_customer(&app.store, &principal, &id).await?;
    let range = range(&app, params).await?;
    Ok(Json(
        read::customer_purchases(&app.store, &id, &range).await?,
    ))
}

/// The customer's purchases as CSV: `series` or `items`.
#[utoipa::path(get, path = "/v1/admin/reports/customers/{id}/export", tag = "reports",
    params(("id" = String, Path, description = "customer id"), CustomerExportParams),
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 401),
        (status = 403), (status = 404), (status = 422)))]
async fn customer_export(
    State(app): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    shared::http::ApiQuery(params): shared::http::ApiQuery<CustomerExportParams>,
) -> AppResult<Response> {
    managed_customer(&app.store, &principal, &id).await?;
    let table = params
        .table
        .as_deref()
        .ok_or_else(|| AppError::invalid("table", "required: series or items"))?;
    let table = match Table::parse(table)? {
        t @ (Table::Series | Table::Items) => t,
        _ => return Err(AppError::invalid("table", "must be series or items")),
    };
    let range = range(
        &app,
        range_params(params.from, params.to, params.currency, params.granularity),
    )
    .await?;
    let purchases = read::customer_purchases(&app.store, &id, &range).await?;
    let body = match table {
        Table::Series => read::series_csv(&purchases.series, &purchases.currency)?,
        _ => read::rows_csv(&purchases.items, "sku", &purchases.currency)?,
    };
    Ok(csv_response(
        format!(
            "customer-{}-{}-{}-{}",
            id,
            table.name(),
            purchases.from,
            purchases.to
        ),
        body,
    ))
}
