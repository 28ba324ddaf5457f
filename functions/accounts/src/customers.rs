//! F3-F5 customers for staff: list and create, profile, readiness and status. Agents only ever
//! see the customers assigned to them (anything else answers 404).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use shared::customers::profile::{self, CustomerFilter, CustomerPatch, NewCustomer};
use shared::customers::readiness::{self, Readiness};
use shared::customers::status::{self, StatusChange};
use shared::customers::{Customer, CustomerStatus};
use shared::http::{ApiJson, ApiQuery, PageOf};
use shared::routes;
use shared::routes::ApiRouter;
use shared::types::Tag;
use shared::{AppError, AppResult, AppState};

use crate::requests::{parse_enum, parse_limit};
use crate::staff::{Admin, Staff};

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new()
        .routes(routes!(list_customers, create_customer))
        .routes(routes!(get_customer, update_customer))
        .routes(routes!(customer_readiness))
        .routes(routes!(change_status))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CustomerListQuery {
    /// `pending`, `active`, `inactive` or `blocked`.
    status: Option<String>,
    /// Only customers with this tag.
    tag: Option<String>,
    /// Text in the name, legal name, tax id or email.
    q: Option<String>,
    /// Staff id of the assigned agent (agents always see only their own).
    agent: Option<String>,
    cursor: Option<String>,
    /// 1-200, default 50.
    limit: Option<String>,
}

/// Customers (F3, F11 tag filter). Pages may hold fewer items than `limit` when filters skip
/// some; follow `next_cursor` until it is null.
#[utoipa::path(get, path = "/v1/admin/customers", tag = "customers",
    params(CustomerListQuery), security(("bearer" = [])),
    responses((status = 200, body = PageOf<Customer>), (status = 403, description = "not staff"),
        (status = 422, description = "invalid parameter", content_type = "application/problem+json")))]
async fn list_customers(
    State(app): State<AppState>,
    Staff(principal): Staff,
    ApiQuery(query): ApiQuery<CustomerListQuery>,
) -> AppResult<Json<PageOf<Customer>>> {
    let q = query;
    let filter = CustomerFilter {
        status: parse_enum::<CustomerStatus>("status", q.status.as_deref())?,
        tag: q
            .tag
            .map(|t| Tag::parse(t).map_err(|reason| AppError::invalid("tag", reason)))
            .transpose()?,
        q: q.q.filter(|s| !s.trim().is_empty()),
        agent: q.agent.filter(|s| !s.is_empty()),
    };
    if filter.q.as_deref().is_some_and(|s| s.chars().count() > 200) {
        return Err(AppError::invalid("q", "must be at most 200 characters"));
    }
    let limit = parse_limit(q.limit.as_deref(), 50, 200)?;
    let page = profile::list(&app.store, &principal, filter, limit, q.cursor).await?;
    Ok(Json(PageOf {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Creates a customer (admins). Status defaults to `active`; price list, warehouses and agent,
/// when given, must exist.
#[utoipa::path(post, path = "/v1/admin/customers", tag = "customers", request_body = NewCustomer,
    security(("bearer" = [])),
    responses((status = 201, body = Customer), (status = 403, description = "not an admin"),
        (status = 422, description = "invalid field", content_type = "application/problem+json")))]
async fn create_customer(
    State(app): State<AppState>,
    Admin(admin): Admin,
    ApiJson(body): ApiJson<NewCustomer>,
) -> AppResult<(StatusCode, Json<Customer>)> {
    let customer = profile::create(&app.store, &admin, body).await?;
    Ok((StatusCode::CREATED, Json(customer)))
}

/// The full profile (F3).
#[utoipa::path(get, path = "/v1/admin/customers/{id}", tag = "customers",
    params(("id" = String, Path, description = "customer id")), security(("bearer" = [])),
    responses((status = 200, body = Customer),
        (status = 404, description = "no such customer, or not assigned to this agent")))]
async fn get_customer(
    State(app): State<AppState>,
    Staff(principal): Staff,
    Path(id): Path<String>,
) -> AppResult<Json<Customer>> {
    Ok(Json(
        profile::load_for_staff(&app.store, &principal, &id).await?,
    ))
}

/// Changes profile fields: absent fields stay, `null` clears. Tags are replaced as a whole.
/// Agents edit their own customers, but only admins change the commercial terms (credit, price
/// list, open-orders cap, discount, catalog access) and the agent; the status has its own route.
#[utoipa::path(patch, path = "/v1/admin/customers/{id}", tag = "customers",
    request_body = CustomerPatch,
    params(("id" = String, Path, description = "customer id")), security(("bearer" = [])),
    responses((status = 200, body = Customer),
        (status = 403, description = "an agent changing commercial terms (credit, price_list_id, open_orders_cap, discount_percent, catalog_access, agent_id): admins only; the fields are listed",
            content_type = "application/problem+json"),
        (status = 404, description = "no such customer, or not assigned to this agent"),
        (status = 409, description = "changed meanwhile; read again and retry"),
        (status = 422, description = "invalid field", content_type = "application/problem+json")))]
async fn update_customer(
    State(app): State<AppState>,
    Staff(principal): Staff,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<CustomerPatch>,
) -> AppResult<Json<Customer>> {
    Ok(Json(
        profile::update(&app.store, &principal, &id, patch).await?,
    ))
}

/// F5: what is missing before the customer can be invited or order.
#[utoipa::path(get, path = "/v1/admin/customers/{id}/readiness", tag = "customers",
    params(("id" = String, Path, description = "customer id")), security(("bearer" = [])),
    responses((status = 200, body = Readiness),
        (status = 404, description = "no such customer, or not assigned to this agent")))]
async fn customer_readiness(
    State(app): State<AppState>,
    Staff(principal): Staff,
    Path(id): Path<String>,
) -> AppResult<Json<Readiness>> {
    let customer = profile::load_for_staff(&app.store, &principal, &id).await?;
    Ok(Json(readiness::check(&app.store, &customer).await?))
}

/// F4: sets the status (admins). Inactivating requires that no contact still has an access.
#[utoipa::path(post, path = "/v1/admin/customers/{id}/status", tag = "customers",
    request_body = StatusChange,
    params(("id" = String, Path, description = "customer id")), security(("bearer" = [])),
    responses((status = 200, body = Customer), (status = 403, description = "not an admin"),
        (status = 404, description = "no such customer"),
        (status = 409, description = "contacts still have access; or changed meanwhile"),
        (status = 422, description = "invalid field", content_type = "application/problem+json")))]
async fn change_status(
    State(app): State<AppState>,
    Staff(principal): Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StatusChange>,
) -> AppResult<Json<Customer>> {
    Ok(Json(
        status::change_status(&app.store, &principal, &id, body.status).await?,
    ))
}
