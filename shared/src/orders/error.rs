//! Refusals of order placement: every [`AppError`], plus the stock shortage, which names each
//! short line (sku, requested, available) as an RFC 9457 extension member.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::catalog::Sku;
use crate::error::{AppError, FieldError};
use crate::store::StoreError;

/// A line the chosen warehouse cannot serve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ShortLine {
    pub sku: Sku,
    pub requested: i64,
    /// Units available; absent when the store shows stock only as yes/no (F18).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available: Option<i64>,
    /// JSON path of the line in the request (`lines[3].quantity`).
    pub field: String,
}

/// The problem body of a refused placement (409): a [`crate::error::Problem`], plus
/// `short_lines` when `code` is `stock-short`. The other refusals (credit, open-orders cap,
/// customer not ready...) are plain problems, so both extra members are optional here.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StockShortProblem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: String,
    #[schema(required = false)]
    pub errors: Vec<FieldError>,
    /// Each short line (with `code` `stock-short` only).
    #[schema(required = false)]
    pub short_lines: Vec<ShortLine>,
}

#[derive(Debug)]
pub enum OrderError {
    App(AppError),
    StockShort(Vec<ShortLine>),
}

pub type OrderResult<T> = Result<T, OrderError>;

impl From<AppError> for OrderError {
    fn from(e: AppError) -> Self {
        OrderError::App(e)
    }
}

impl From<StoreError> for OrderError {
    fn from(e: StoreError) -> Self {
        OrderError::App(e.into())
    }
}

impl OrderError {
    pub fn status(&self) -> StatusCode {
        match self {
            OrderError::App(e) => e.status(),
            OrderError::StockShort(_) => StatusCode::CONFLICT,
        }
    }

    /// The same refusal as an [`AppError`] (the short lines as field errors).
    pub fn into_app_error(self) -> AppError {
        match self {
            OrderError::App(e) => e,
            OrderError::StockShort(lines) => AppError::Conflict {
                code: "stock-short",
                message: stock_short_message(&lines),
                errors: field_errors(&lines),
            },
        }
    }
}

fn stock_short_message(lines: &[ShortLine]) -> String {
    let names: Vec<String> = lines.iter().map(|l| l.sku.to_string()).collect();
    format!(
        "not enough stock in the chosen warehouse for {} line(s): {}",
        lines.len(),
        names.join(", ")
    )
}

fn field_errors(lines: &[ShortLine]) -> Vec<FieldError> {
    lines
        .iter()
        .map(|l| {
            let reason = match l.available {
                Some(a) => format!("{}: requested {}, only {a} available", l.sku, l.requested),
                None => format!("{}: requested {}, not enough available", l.sku, l.requested),
            };
            FieldError::new(l.field.clone(), reason)
        })
        .collect()
}

impl IntoResponse for OrderError {
    fn into_response(self) -> Response {
        match self {
            OrderError::App(e) => e.into_response(),
            OrderError::StockShort(lines) => {
                let problem = StockShortProblem {
                    kind: "https://b2b-portal.dev/problems/stock-short".into(),
                    title: "Conflict".into(),
                    status: 409,
                    detail: stock_short_message(&lines),
                    code: "stock-short".into(),
                    errors: field_errors(&lines),
                    short_lines: lines,
                };
                (
                    StatusCode::CONFLICT,
                    [(header::CONTENT_TYPE, "application/problem+json")],
                    serde_json::to_vec(&problem).unwrap_or_default(),
                )
                    .into_response()
            }
        }
    }
}
