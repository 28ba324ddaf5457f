//! F39 the buying company's own users, for its managers (contacts with "manage company"):
//! the customer's contacts, invitations (the staff flow and emails), permissions, spending
//! limits, block and unblock. The rules are in `shared::customers::company`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use shared::auth::Principal;
use shared::customers::access::{AccessOutcome, AccessRequest};
use shared::customers::company::{self, CompanyContactPatch, CompanyInvite};
use shared::customers::contacts::ContactList;
use shared::customers::Contact;
use shared::http::ApiJson;
use shared::routes;
use shared::routes::ApiRouter;
use shared::types::Email;
use shared::{AppError, AppResult, AppState};

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new()
        .routes(routes!(list_contacts, invite))
        .routes(routes!(update_contact))
        .routes(routes!(change_access))
}

fn path_email(raw: &str) -> AppResult<Email> {
    Email::parse(raw).map_err(|reason| AppError::invalid("email", reason))
}

/// The company's contacts (the manager's customer), with access states and limits.
#[utoipa::path(get, path = "/v1/company/contacts", tag = "company", security(("bearer" = [])),
    responses((status = 200, body = ContactList),
        (status = 403, description = "not a manager of the company", content_type = "application/problem+json")))]
async fn list_contacts(
    State(app): State<AppState>,
    principal: Principal,
) -> AppResult<Json<ContactList>> {
    Ok(Json(company::list(&app.store, &principal).await?))
}

/// Invites a colleague: the contact and its access are created together and the same
/// invitation email as staff invitations goes out (the WhatsApp link comes back).
#[utoipa::path(post, path = "/v1/company/contacts", tag = "company", request_body = CompanyInvite,
    security(("bearer" = [])),
    responses((status = 201, body = AccessOutcome),
        (status = 403, description = "not a manager of the company", content_type = "application/problem+json"),
        (status = 409, description = "already a contact, email has a login, customer not active or not ready", content_type = "application/problem+json"),
        (status = 422, description = "invalid field: a permission the manager lacks, \"manage company\", a limit in another currency...", content_type = "application/problem+json")))]
async fn invite(
    State(app): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<CompanyInvite>,
) -> AppResult<(StatusCode, Json<AccessOutcome>)> {
    let change = company::invite(&app.store, &app.config, &principal, body).await?;
    shared::messaging::relay(&app.store, &app.events, &change.events).await;
    Ok((StatusCode::CREATED, Json(change.outcome)))
}

/// Sets a colleague's permissions (never more than the manager holds, never "manage
/// company"), per-order spending limit (`null`: none) and contact data.
#[utoipa::path(patch, path = "/v1/company/contacts/{email}", tag = "company",
    request_body = CompanyContactPatch,
    params(("email" = String, Path, description = "the colleague's email")),
    security(("bearer" = [])),
    responses((status = 200, body = Contact),
        (status = 403, description = "not a manager, oneself, or another manager", content_type = "application/problem+json"),
        (status = 404, description = "not a contact of this company", content_type = "application/problem+json"),
        (status = 409, description = "changed meanwhile", content_type = "application/problem+json"),
        (status = 422, description = "invalid field", content_type = "application/problem+json")))]
async fn update_contact(
    State(app): State<AppState>,
    principal: Principal,
    Path(email): Path<String>,
    ApiJson(body): ApiJson<CompanyContactPatch>,
) -> AppResult<Json<Contact>> {
    let email = path_email(&email)?;
    Ok(Json(
        company::update(&app.store, &principal, &email, body).await?,
    ))
}

/// Creates, re-sends, blocks or unblocks a colleague's access, as staff do (a block ends the
/// colleague's sessions).
#[utoipa::path(post, path = "/v1/company/contacts/{email}/access", tag = "company",
    request_body = AccessRequest,
    params(("email" = String, Path, description = "the colleague's email")),
    security(("bearer" = [])),
    responses((status = 200, body = AccessOutcome),
        (status = 403, description = "not a manager, oneself, or another manager", content_type = "application/problem+json"),
        (status = 404, description = "not a contact of this company", content_type = "application/problem+json"),
        (status = 409, description = "not allowed in the current state", content_type = "application/problem+json"),
        (status = 422, description = "invalid field", content_type = "application/problem+json")))]
async fn change_access(
    State(app): State<AppState>,
    principal: Principal,
    Path(email): Path<String>,
    ApiJson(body): ApiJson<AccessRequest>,
) -> AppResult<Json<AccessOutcome>> {
    let email = path_email(&email)?;
    let change =
        company::change_access(&app.store, &app.config, &principal, &email, body.action).await?;
    shared::messaging::relay(&app.store, &app.events, &change.events).await;
    Ok(Json(change.outcome))
}
