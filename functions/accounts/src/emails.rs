//! F12 email a customer: `POST /v1/admin/customers/{id}/emails`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use shared::http::ApiJson;
use shared::routes;
use shared::routes::ApiRouter;
use shared::staff::customer_care::{self, EmailQueued, EmailRequest};
use shared::{AppResult, AppState};

use crate::staff::Staff;

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new().routes(routes!(email_customer))
}

/// Queues an email to the customer's main address (`to: "main"`) or one of its contacts. It is
/// sent in the recipient's language and logged on the customer's timeline.
#[utoipa::path(post, path = "/v1/admin/customers/{id}/emails", tag = "staff",
    params(("id" = String, Path, description = "customer id")), request_body = EmailRequest,
    security(("bearer" = [])),
    responses((status = 202, body = EmailQueued), (status = 403, description = "not staff"),
        (status = 404, description = "no such customer, or not one the caller manages"),
        (status = 422, description = "invalid field, or `to` is not the customer's")))]
async fn email_customer(
    State(app): State<AppState>,
    Staff(staff): Staff,
    Path(customer_id): Path<String>,
    ApiJson(request): ApiJson<EmailRequest>,
) -> AppResult<(StatusCode, Json<EmailQueued>)> {
    let (queued, events) =
        customer_care::request_email(&app.store, &staff, &customer_id, request).await?;
    shared::messaging::relay(&app.store, &app.events, &events).await;
    Ok((StatusCode::ACCEPTED, Json(queued)))
}
