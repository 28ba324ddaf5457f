//! One error type for every HTTP function, rendered as RFC 9457 `application/problem+json`.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One invalid field of a request: which one (a JSON path such as `lines[3].quantity`) and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body is not JSON at all, or not a JSON object where one is expected.
    #[error("malformed request body: {0}")]
    MalformedBody(String),
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// Well-formed, but some fields are missing, of the wrong type or invalid.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("authentication required")]
    Unauthenticated,
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The caller may use the route but not change these fields (e.g. an agent and a
    /// customer's commercial terms); listed so a client can tell which.
    #[error("forbidden fields")]
    ForbiddenFields(Vec<FieldError>),
    /// Also used for things that exist but belong to someone else, so nothing leaks.
    #[error("not found")]
    NotFound,
    /// No route has this path (the routers' fallback; `NotFound` is a route's unknown id).
    #[error("no such route")]
    NoRoute,
    /// The path exists, the method does not (the routers' fallback).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A business rule refuses the action in the current state (`code` is stable, for clients).
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        errors: Vec<FieldError>,
    },
    #[error("too many requests")]
    TooManyRequests,
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, reason)])
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
            errors: Vec::new(),
        }
    }

    pub fn internal(err: impl std::fmt::Display) -> Self {
        AppError::Internal(err.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::MalformedBody(_) => StatusCode::BAD_REQUEST,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::ForbiddenFields(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::NoRoute => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AppError::MalformedBody(_) => "malformed-body",
            AppError::PayloadTooLarge => "payload-too-large",
            AppError::UnsupportedMediaType => "unsupported-media-type",
            AppError::Validation(_) => "validation-failed",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden(_) | AppError::ForbiddenFields(_) => "forbidden",
            AppError::NotFound => "not-found",
            AppError::NoRoute => "no-such-route",
            AppError::MethodNotAllowed => "method-not-allowed",
            AppError::Conflict { code, .. } => code,
            AppError::TooManyRequests => "too-many-requests",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }
}

/// The RFC 9457 body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: String,
    /// The fields at fault; left out when the problem is not about a field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub errors: Vec<FieldError>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let code = self.code();
        let (detail, errors) = match &self {
            AppError::Validation(errors) => (
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
                errors.clone(),
            ),
            AppError::ForbiddenFields(errors) => (
                format!(
                    "you may not change {}",
                    errors
                        .iter()
                        .map(|e| e.field.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                errors.clone(),
            ),
            AppError::MalformedBody(reason) => (
                format!("the request body is not valid JSON: {reason}"),
                vec![FieldError::new("body", reason.clone())],
            ),
            AppError::PayloadTooLarge => (
                "the request body is larger than this route accepts".into(),
                vec![FieldError::new("body", "too large")],
            ),
            AppError::Conflict {
                message, errors, ..
            } => (message.clone(), errors.clone()),
            AppError::Internal(reason) => {
                // Details stay in the logs; the client gets a generic message.
                tracing::error!(error = %reason, "internal error");
                ("an unexpected error occurred".into(), Vec::new())
            }
            AppError::Unavailable(reason) => {
                tracing::warn!(error = %reason, "dependency unavailable");
                (
                    "a service this action needs is unavailable; nothing was changed, try again"
                        .into(),
                    Vec::new(),
                )
            }
            other => (other.to_string(), Vec::new()),
        };
        let problem = Problem {
            kind: format!("https://b2b-portal.dev/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            code: code.to_string(),
            errors,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

impl From<crate::store::StoreError> for AppError {
    fn from(err: crate::store::StoreError) -> Self {
        match err {
            crate::store::StoreError::Unavailable(e) => AppError::Unavailable(e),
            other => AppError::Internal(other.to_string()),
        }
    }
}
