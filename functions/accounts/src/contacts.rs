//! F6/F7 contacts and their accesses, for staff.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use shared::customers::access::{self, AccessOutcome, AccessRequest};
use shared::customers::contacts::{self, ContactList, ContactPatch, NewContact};
use shared::customers::Contact;
use shared::http::ApiJson;
use shared::routes;
use shared::routes::ApiRouter;
use shared::types::Email;
use shared::{AppError, AppResult, AppState};

use crate::staff::Staff;

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new()
        .routes(routes!(list_contacts, create_contact))
        .routes(routes!(update_contact))
        .routes(routes!(change_access))
}

/// The `{email}` of a path, checked like any email.
fn path_email(raw: &str) -> AppResult<Email> {
    Email::parse(raw).map_err(|reason| AppError::invalid("email", reason))
}

/// The customer's contacts, each with its access state and last access, and how many emails
/// have access.
#[utoipa::path(get, path = "/v1/admin/customers/{id}/contacts", tag = "contacts",
    params(("id" = String, Path, description = "customer id")), security(("bearer" = [])),
    responses((status = 200, body = ContactList),
        (status = 404, description = "no such customer, or not assigned to this agent")))]
async fn list_contacts(
    State(app): State<AppState>,
    Staff(principal): Staff,
    Path(id): Path<String>,
) -> AppResult<Json<ContactList>> {
    Ok(Json(
        contacts::list_for_staff(&app.store, &principal, &id).await?,
    ))
}

/// Adds a contact (no access yet).
#[utoipa::path(post, path = "/v1/admin/customers/{id}/contacts", tag = "contacts",
    request_body = NewContact,
    params(("id" = String, Path, description = "customer id")), security(("bearer" = [])),
    responses((status = 201, body = Contact),
        (status = 404, description = "no such customer, or not assigned to this agent"),
        (status = 409, description = "already a contact of this customer"),
        (status = 422, description = "invalid field", content_type = "application/problem+json")))]
async fn create_contact(
    State(app): State<AppState>,
    Staff(principal): Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewContact>,
) -> AppResult<(StatusCode, Json<Contact>)> {
    let contact = contacts::create(&app.store, &principal, &id, body).await?;
    Ok((StatusCode::CREATED, Json(contact)))
}

/// Edits a contact's name, department, phone, language or permissions.
#[utoipa::path(patch, path = "/v1/admin/customers/{id}/contacts/{email}", tag = "contacts",
    request_body = ContactPatch,
    params(("id" = String, Path, description = "customer id"),
        ("email" = String, Path, description = "the contact's email")),
    security(("bearer" = [])),
    responses((status = 200, body = Contact),
        (status = 404, description = "no such customer or contact"),
        (status = 422, description = "invalid field", content_type = "application/problem+json")))]
async fn update_contact(
    State(app): State<AppState>,
    Staff(principal): Staff,
    Path((id, email)): Path<(String, String)>,
    ApiJson(body): ApiJson<ContactPatch>,
) -> AppResult<Json<Contact>> {
    let email = path_email(&email)?;
    Ok(Json(
        contacts::update(&app.store, &principal, &id, &email, body).await?,
    ))
}

/// Creates, re-sends, blocks or unblocks a contact's access. Creating and re-sending (and
/// unblocking an access that never set a password) email a single-use link and answer the same
/// message as a WhatsApp link. The customer must be active and ready (F5) to be invited.
#[utoipa::path(post, path = "/v1/admin/customers/{id}/contacts/{email}/access", tag = "contacts",
    request_body = AccessRequest,
    params(("id" = String, Path, description = "customer id"),
        ("email" = String, Path, description = "the contact's email")),
    security(("bearer" = [])),
    responses((status = 200, body = AccessOutcome),
        (status = 404, description = "no such customer or contact"),
        (status = 409, description = "not allowed in the current state: customer not active or not ready (listing what is missing), email already has a login, ...",
            content_type = "application/problem+json"),
        (status = 422, description = "invalid field", content_type = "application/problem+json")))]
async fn change_access(
    State(app): State<AppState>,
    Staff(principal): Staff,
    Path((id, email)): Path<(String, String)>,
    ApiJson(body): ApiJson<AccessRequest>,
) -> AppResult<Json<AccessOutcome>> {
    let email = path_email(&email)?;
    let change = access::change_access(
        &app.store,
        &app.config,
        &principal,
        &id,
        &email,
        body.action,
    )
    .await?;
    shared::messaging::relay(&app.store, &app.events, &change.events).await;
    Ok(Json(change.outcome))
}
