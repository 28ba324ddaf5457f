//! HTTP helpers shared by every function: the JSON body extractor that answers bad input with a
//! problem naming the field, body limits, paging parameters and the health route.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::Json;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::error::{AppError, AppResult, FieldError};

/// Largest JSON body a write route accepts; bulk routes set their own.
pub const MAX_JSON_BODY: usize = 64 * 1024;

/// A JSON body whose errors are problem+json: malformed JSON is a 400 naming `body`; a missing,
/// wrong-typed or invalid field is a 422 naming that field by its JSON path.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let mime = v
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            })
            // A missing Content-Type is accepted as JSON: curl users forget it; anything else is not.
            .unwrap_or(true);
        if !is_json {
            return Err(AppError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| match e {
            BytesRejection::FailedToBufferBody(_) => AppError::PayloadTooLarge,
            other => AppError::MalformedBody(other.body_text()),
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// An optional JSON body: an empty body is `T::default()`; anything else is parsed and refused
/// exactly like [`ApiJson`] (400 / 413 / 415 / 422 naming the field).
pub struct OptionalApiJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|e| match e {
                BytesRejection::FailedToBufferBody(_) => AppError::PayloadTooLarge,
                other => AppError::MalformedBody(other.body_text()),
            })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalApiJson(T::default()));
        }
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        ApiJson::<T>::from_request(req, state)
            .await
            .map(|ApiJson(v)| OptionalApiJson(v))
    }
}

/// Parses a JSON document into `T`, mapping errors to problems that name the field.
/// Every body the API takes is a JSON object.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> AppResult<T> {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => {}
        None => {
            return Err(AppError::MalformedBody(
                "the body is empty; a JSON object is expected".into(),
            ))
        }
        Some(_) => return Err(AppError::MalformedBody("a JSON object is expected".into())),
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        // Decide on the whole body, not on the first error: serde_json reports some type
        // mismatches (a number where an enum is expected) as syntax errors, and a field error
        // (unknown field) can come before a syntax error later in the body.
        if let Err(syntax) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
            return AppError::MalformedBody(syntax.to_string());
        }
        let message = strip_position(&inner.to_string());
        // serde says "missing field `x`" at the parent's path: name the field itself.
        let (field, reason) = match missing_field(&message) {
            Some(name) if path == "." => (name.to_string(), "is required".to_string()),
            Some(name) => (format!("{path}.{name}"), "is required".to_string()),
            None if path == "." => ("body".to_string(), message),
            None => (path, message),
        };
        AppError::Validation(vec![FieldError::new(field, reason)])
    })?;
    de.end()
        .map_err(|e| AppError::MalformedBody(e.to_string()))?;
    Ok(value)
}

/// serde_json appends " at line 1 column 42"; the field path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
}

/// `?cursor=&limit=` of list routes.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    pub cursor: Option<String>,
    pub limit: Option<i32>,
}

impl PageParams {
    pub fn limit_or(&self, default: i32, max: i32) -> AppResult<i32> {
        match self.limit {
            None => Ok(default),
            Some(l) if (1..=max).contains(&l) => Ok(l),
            Some(_) => Err(AppError::invalid(
                "limit",
                format!("must be between 1 and {max}"),
            )),
        }
    }
}

/// A page of results as the API returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PageOf<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub table: String,
}

/// Liveness of the function and its table.
#[utoipa::path(get, path = "/v1/health", tag = "health",
    responses((status = 200, body = Health), (status = 503, description = "table unreachable")))]
pub async fn health(State(app): State<AppState>) -> AppResult<Json<Health>> {
    app.store.ping().await?;
    Ok(Json(Health {
        status: "ok",
        table: app.store.table().to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Line {
        sku: String,
        quantity: u32,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        lines: Vec<Line>,
    }

    fn field_of(err: AppError) -> String {
        match err {
            AppError::Validation(e) => e[0].field.clone(),
            AppError::MalformedBody(_) => "body".into(),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn names_the_field() {
        assert_eq!(field_of(parse_json::<Body>(b"{").unwrap_err()), "body");
        assert_eq!(
            field_of(parse_json::<Body>(br#"{"lines":[]}"#).unwrap_err()),
            "name"
        );
        assert_eq!(
            field_of(
                parse_json::<Body>(br#"{"name":"a","lines":[{"sku":"x","quantity":"two"}]}"#)
                    .unwrap_err()
            ),
            "lines[0].quantity"
        );
        assert_eq!(
            field_of(parse_json::<Body>(br#"{"name":"a","lines":[{"quantity":1}]}"#).unwrap_err()),
            "lines[0].sku"
        );
        assert_eq!(field_of(parse_json::<Body>(b"[1]").unwrap_err()), "body");

        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct WithEnum {
            language: crate::types::Language,
        }
        assert_eq!(
            field_of(parse_json::<WithEnum>(br#"{"language": 5}"#).unwrap_err()),
            "language"
        );

        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Strict {
            name: String,
        }
        assert_eq!(
            field_of(parse_json::<Strict>(br#"{"other": 1, "name": "#).unwrap_err()),
            "body"
        );
    }
}
