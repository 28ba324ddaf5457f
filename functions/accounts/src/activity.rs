//! F10 activity report: `GET /v1/admin/customers/{id}/activity`.

use axum::extract::{Path, State};
use axum::Json;
use shared::activity::Activity;
use shared::http::{ApiQuery, PageOf, PageParams};
use shared::routes;
use shared::routes::ApiRouter;
use shared::staff::customer_care;
use shared::{AppResult, AppState};

use crate::staff::{page_params, Staff};

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new().routes(routes!(customer_activity))
}

/// The customer's recent activity in the portal (logins, searches, orders, quotes, downloads,
/// impersonated sessions), newest first.
#[utoipa::path(get, path = "/v1/admin/customers/{id}/activity", tag = "staff",
    params(("id" = String, Path, description = "customer id"), PageParams),
    security(("bearer" = [])),
    responses((status = 200, body = PageOf<Activity>), (status = 403, description = "not staff"),
        (status = 404, description = "no such customer, or not one the caller manages"),
        (status = 422, description = "bad cursor or limit")))]
async fn customer_activity(
    State(app): State<AppState>,
    Staff(staff): Staff,
    Path(customer_id): Path<String>,
    ApiQuery(query): ApiQuery<PageParams>,
) -> AppResult<Json<PageOf<Activity>>> {
    let (limit, cursor) = page_params(query, 50, 200)?;
    let page = customer_care::activity(&app.store, &staff, &customer_id, limit, cursor).await?;
    Ok(Json(PageOf {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}
