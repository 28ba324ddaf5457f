//! F7 login, invitation acceptance and password reset (public routes).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shared::accounts::auth::{
    self, LoginRequest, PasswordResetRequest, PasswordSet, ResetReceipt, Session, SetPassword,
};
use shared::auth::Principal;
use shared::http::ApiJson;
use shared::routes;
use shared::routes::ApiRouter;
use shared::{AppResult, AppState};

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(accept_invitation))
        .routes(routes!(request_password_reset))
        .routes(routes!(confirm_password_reset))
}

/// Email and password in, a short-lived session token out. Every failure (unknown email, wrong
/// password, blocked access, inactive or blocked customer, throttled after repeated failures:
/// 3 free attempts, then 30 s doubling up to 15 min between attempts) is the same 401.
#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = Session),
        (status = 401, description = "wrong credentials or no access", content_type = "application/problem+json"),
        (status = 422, description = "invalid field", content_type = "application/problem+json")))]
async fn login(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<LoginRequest>,
) -> AppResult<Json<Session>> {
    Ok(Json(
        auth::login(&app.store, &app.config, &app.session_keys, body).await?,
    ))
}

/// Ends the session of the token presented: that token is refused from now on (at once on
/// this container, within the access cache's 30 s on the others), other sessions of the same
/// login stay. A password change, a block or a deactivation ends every session instead.
#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "the session is ended"),
        (status = 401, description = "no valid session", content_type = "application/problem+json")))]
async fn logout(State(app): State<AppState>, principal: Principal) -> AppResult<StatusCode> {
    auth::logout(&app.store, &principal).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the password with the invitation link's token and activates the access. The token is
/// single use and expires.
#[utoipa::path(post, path = "/v1/auth/invitations/accept", tag = "auth", request_body = SetPassword,
    responses((status = 200, body = PasswordSet),
        (status = 422, description = "invalid, used or expired token; or a too short password",
            content_type = "application/problem+json")))]
async fn accept_invitation(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<SetPassword>,
) -> AppResult<Json<PasswordSet>> {
    Ok(Json(auth::accept_invitation(&app.store, body).await?))
}

/// Asks for a password reset link. The answer, and the work before it, are the same whether or
/// not the email exists; an email gets at most one link per 5 minutes (a request within that
/// cool-down sends and replaces nothing).
#[utoipa::path(post, path = "/v1/auth/password-reset", tag = "auth",
    request_body = PasswordResetRequest,
    responses((status = 202, body = ResetReceipt),
        (status = 422, description = "invalid field", content_type = "application/problem+json")))]
async fn request_password_reset(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<PasswordResetRequest>,
) -> AppResult<(StatusCode, Json<ResetReceipt>)> {
    let events = auth::request_password_reset(&app.store, &app.config, body).await?;
    shared::messaging::relay(&app.store, &app.events, &events).await;
    Ok((StatusCode::ACCEPTED, Json(auth::RESET_RECEIPT)))
}

/// Sets a new password with the reset link's token (single use, expires).
#[utoipa::path(post, path = "/v1/auth/password-reset/confirm", tag = "auth",
    request_body = SetPassword,
    responses((status = 200, body = PasswordSet),
        (status = 422, description = "invalid, used or expired token; or a too short password",
            content_type = "application/problem+json")))]
async fn confirm_password_reset(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<SetPassword>,
) -> AppResult<Json<PasswordSet>> {
    Ok(Json(auth::confirm_password_reset(&app.store, body).await?))
}
