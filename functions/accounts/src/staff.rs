//! F8 staff users: `GET/POST /v1/admin/staff`, `GET/PATCH /v1/admin/staff/{id}` (admins only).
//! Also the extractors the staff routes of this function share: [`Admin`], [`Staff`] and
//! [`page_params`].

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use shared::auth::Principal;
use shared::http::{ApiJson, ApiQuery, PageOf, PageParams};
use shared::routes;
use shared::routes::ApiRouter;
use shared::staff::{self, NewStaffUser, StaffPatch, StaffUser};
use shared::{AppError, AppResult, AppState};

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new()
        .routes(routes!(list_staff, create_staff))
        .routes(routes!(get_staff, update_staff))
}

/// A caller who must be an admin; checked before the body is read, so an agent gets 403 whatever
/// it sends.
pub(crate) struct Admin(pub Principal);

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        // The principal extractor already refused a deactivated staff member and applied the
        // stored role (shared::auth::revocation), so the role checked here is the current one.
        let principal = Principal::from_request_parts(parts, state).await?;
        principal.require_admin()?;
        Ok(Admin(principal))
    }
}

/// A caller who must be staff (admin or agent).
pub(crate) struct Staff(pub Principal);

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let principal = Principal::from_request_parts(parts, state).await?;
        principal.require_staff()?;
        Ok(Staff(principal))
    }
}

/// `?cursor=&limit=` with a bad value answered as a problem naming the parameter.
pub(crate) fn page_params(
    params: PageParams,
    default_limit: i32,
    max_limit: i32,
) -> AppResult<(i32, Option<String>)> {
    let limit = params.limit_or(default_limit, max_limit)?;
    Ok((limit, params.cursor))
}

/// Staff users, by email.
#[utoipa::path(get, path = "/v1/admin/staff", tag = "staff", params(PageParams),
    security(("bearer" = [])),
    responses((status = 200, body = PageOf<StaffUser>), (status = 403, description = "not an admin")))]
async fn list_staff(
    State(app): State<AppState>,
    Admin(_admin): Admin,
    ApiQuery(query): ApiQuery<PageParams>,
) -> AppResult<Json<PageOf<StaffUser>>> {
    let (limit, cursor) = page_params(query, 50, 200)?;
    let page = staff::list(&app.store, limit, cursor).await?;
    Ok(Json(PageOf {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Creates an admin or an agent. With `password` the login is active at once; without it the
/// person gets an invitation email with a single-use link to set one.
#[utoipa::path(post, path = "/v1/admin/staff", tag = "staff", request_body = NewStaffUser,
    security(("bearer" = [])),
    responses((status = 201, body = StaffUser), (status = 403, description = "not an admin"),
        (status = 409, description = "the email already has a login"),
        (status = 422, description = "invalid field")))]
async fn create_staff(
    State(app): State<AppState>,
    Admin(_admin): Admin,
    ApiJson(body): ApiJson<NewStaffUser>,
) -> AppResult<(StatusCode, Json<StaffUser>)> {
    let user = match body.password.as_deref() {
        Some(password) => {
            staff::create_staff_user(&app.store, body.email, body.name, body.role, Some(password))
                .await?
        }
        None => {
            let (user, events) =
                staff::invite_staff_user(&app.store, &app.config, body.email, body.name, body.role)
                    .await?;
            shared::messaging::relay(&app.store, &app.events, &events).await;
            user
        }
    };
    Ok((StatusCode::CREATED, Json(user)))
}

#[utoipa::path(get, path = "/v1/admin/staff/{id}", tag = "staff",
    params(("id" = String, Path, description = "staff user id")), security(("bearer" = [])),
    responses((status = 200, body = StaffUser), (status = 403, description = "not an admin"),
        (status = 404, description = "no such staff user")))]
async fn get_staff(
    State(app): State<AppState>,
    Admin(_admin): Admin,
    Path(id): Path<String>,
) -> AppResult<Json<StaffUser>> {
    Ok(Json(staff::get(&app.store, &id).await?))
}

/// Renames, changes the role, or (de)activates a staff user. Deactivating blocks its login.
#[utoipa::path(patch, path = "/v1/admin/staff/{id}", tag = "staff", request_body = StaffPatch,
    params(("id" = String, Path, description = "staff user id")), security(("bearer" = [])),
    responses((status = 200, body = StaffUser), (status = 403, description = "not an admin"),
        (status = 404, description = "no such staff user"),
        (status = 409, description = "own access, or changed meanwhile"),
        (status = 422, description = "invalid field")))]
async fn update_staff(
    State(app): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<StaffPatch>,
) -> AppResult<Json<StaffUser>> {
    Ok(Json(staff::update(&app.store, &id, patch, &admin).await?))
}
