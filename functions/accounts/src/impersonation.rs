//! F9 act as customer: `POST /v1/admin/customers/{id}/impersonate`.

use axum::extract::{Path, State};
use axum::Json;
use shared::routes;
use shared::routes::ApiRouter;
use shared::staff::impersonation::{self, Session};
use shared::{AppResult, AppState};

use crate::staff::Staff;

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new().routes(routes!(impersonate))
}

/// A 30-minute session scoped to the customer and marked `impersonated_by` the caller; the start
/// is recorded on the customer's activity. Admins may act as any customer, agents only as their
/// assigned ones (others answer 404).
#[utoipa::path(post, path = "/v1/admin/customers/{id}/impersonate", tag = "staff",
    params(("id" = String, Path, description = "customer id")), security(("bearer" = [])),
    responses((status = 200, body = Session), (status = 403, description = "not staff"),
        (status = 404, description = "no such customer, or not one the caller manages")))]
async fn impersonate(
    State(app): State<AppState>,
    Staff(staff): Staff,
    Path(customer_id): Path<String>,
) -> AppResult<Json<Session>> {
    Ok(Json(
        impersonation::impersonate(
            &app.store,
            app.session_keys.get().await?,
            &staff,
            &customer_id,
        )
        .await?,
    ))
}
