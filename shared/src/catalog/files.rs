//! F20: bulk import and export of items, prices and stock, as CSV or JSON.
//!
//! An import is judged as a whole before anything is written: every row is parsed and
//! validated (its fields, duplicates within the file, and references: the price list, the
//! warehouse, the item must exist). One bad row and the answer is a report of every bad row
//! (row number, field, reason) and nothing of the file is applied. A valid file is applied as
//! idempotent upserts: rows equal to what is stored are skipped, so importing the same file
//! twice applies it once (the second report says `unchanged`).
//!
//! Writes: items (with their search words and facet counters) and prices go through
//! BatchWriteItem, 25 per request, several requests at a time, unprocessed items retried.
//! Stock sets `on_hand` with one UpdateItem per row (a bounded number at a time), because a
//! put would overwrite `reserved`, which orders change concurrently.
//!
//! Formats: CSV with a header row (columns in any order, names as in the JSON form), or a JSON
//! array of objects. Images in CSV are `|`-separated URLs; tiers are `min_quantity:unit_price`
//! pairs separated by `|` (`10:95.00|50:90.00`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use aws_sdk_dynamodb::types::{DeleteRequest, PutRequest, WriteRequest};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::items::{self, FacetDeltas};
use super::model::{check_warehouse_id, Item, ItemInput, Sku, Stock};
use super::stock;
use crate::error::{AppError, AppResult};
use crate::pricing::admin::{check_price_list_id, check_tiers, parse_unit_price};
use crate::pricing::{Price, PriceList, Tier};
use crate::store::{self, keys, Keys, QuerySpec, Store, StoreError};
use crate::types::now_rfc3339;

/// Rows one file may hold.
pub const MAX_ROWS: usize = 200_000;
/// Largest file the import route accepts.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// Row errors reported at most (the count says how many there were).
const MAX_REPORTED_ERRORS: usize = 1_000;
const BATCH_WRITE_SIZE: usize = 25;
/// Requests in flight at once during an import.
const CONCURRENCY: usize = 8;
const STOCK_CONCURRENCY: usize = 16;
/// Items whose writes are applied before their facet counters are adjusted.
const ITEM_GROUP: usize = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Items,
    Prices,
    Stock,
}

impl FileKind {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        match raw.trim() {
            "items" => Ok(Self::Items),
            "prices" => Ok(Self::Prices),
            "stock" => Ok(Self::Stock),
            _ => Err(AppError::invalid("kind", "must be items, prices or stock")),
        }
    }

    fn columns(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            FileKind::Items => (
                &["sku", "name", "item_type", "unit", "tax_rate"],
                &["description", "brand", "images", "active"],
            ),
            FileKind::Prices => (&["price_list_id", "sku", "unit_price"], &["tiers"]),
            FileKind::Stock => (&["warehouse_id", "sku", "on_hand"], &[]),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Csv,
    Json,
}

impl FileFormat {
    /// From `?format=`, else from the Content-Type.
    pub fn choose(param: Option<&str>, content_type: Option<&str>) -> Result<Self, AppError> {
        match param.map(str::trim).filter(|p| !p.is_empty()) {
            Some("csv") => Ok(Self::Csv),
            Some("json") => Ok(Self::Json),
            Some(_) => Err(AppError::invalid("format", "must be csv or json")),
            None => {
                let mime = content_type
                    .and_then(|c| c.split(';').next())
                    .map(|c| c.trim().to_ascii_lowercase());
                match mime.as_deref() {
                    Some("text/csv") => Ok(Self::Csv),
                    Some("application/json") => Ok(Self::Json),
                    _ => Err(AppError::invalid(
                        "format",
                        "give format=csv or format=json (or a text/csv or application/json body)",
                    )),
                }
            }
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileFormat::Csv => "text/csv; charset=utf-8",
            FileFormat::Json => "application/json",
        }
    }
}

/// One problem with one row of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// The row: 1 for the first data row (CSV: the row after the header; JSON: the first
    /// element of the array); 0 for the file itself (header, encoding). Absent when the import
    /// is refused for a request parameter (`kind`, `format`: a plain problem).
    #[schema(required = false)]
    pub row: usize,
    pub field: String,
    pub reason: String,
}

impl RowError {
    fn new(row: usize, field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            row,
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// Why an import applied nothing.
#[derive(Debug)]
pub enum ImportRefused {
    /// The file has bad rows: all of them are reported.
    Invalid(Vec<RowError>),
    /// Anything else (bad parameters, the table unavailable).
    Error(AppError),
}

impl From<AppError> for ImportRefused {
    fn from(e: AppError) -> Self {
        ImportRefused::Error(e)
    }
}

impl From<StoreError> for ImportRefused {
    fn from(e: StoreError) -> Self {
        ImportRefused::Error(e.into())
    }
}

/// The 422 problem of a refused file: `errors` lists `{row, field, reason}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportProblem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: String,
    /// Absent when the import is refused for a request parameter (a plain problem).
    #[schema(required = false)]
    pub error_count: usize,
    pub errors: Vec<RowError>,
}

impl IntoResponse for ImportRefused {
    fn into_response(self) -> Response {
        match self {
            ImportRefused::Error(e) => e.into_response(),
            ImportRefused::Invalid(mut errors) => {
                let count = errors.len();
                errors.truncate(MAX_REPORTED_ERRORS);
                let first = errors
                    .first()
                    .map(|e| format!("; first: row {} {}: {}", e.row, e.field, e.reason))
                    .unwrap_or_default();
                let body = ImportProblem {
                    kind: "https://b2b-portal.dev/problems/import-invalid".into(),
                    title: "Unprocessable Entity".into(),
                    status: 422,
                    detail: format!("{count} problem(s) in the file; nothing was imported{first}"),
                    code: "import-invalid".into(),
                    error_count: count,
                    errors,
                };
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    [(header::CONTENT_TYPE, "application/problem+json")],
                    serde_json::to_vec(&body).unwrap_or_default(),
                )
                    .into_response()
            }
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub kind: FileKind,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    /// Rows equal to what was stored (nothing written for them).
    pub unchanged: usize,
}

// Reading files into rows ------------------------------------------------------------------------

/// A field of a row as the file gave it.
#[derive(Debug, Clone)]
enum Field {
    Text(String),
    Json(Value),
}

#[derive(Debug, Clone)]
struct Row {
    number: usize,
    fields: HashMap<String, Field>,
}

impl Row {
    /// A text field; JSON numbers and booleans are accepted as their text.
    fn text(&self, name: &str, errors: &mut Vec<RowError>) -> Option<String> {
        match self.fields.get(name) {
            None => None,
            Some(Field::Text(t)) => Some(t.clone()).filter(|t| !t.trim().is_empty()),
            Some(Field::Json(Value::Null)) => None,
            Some(Field::Json(Value::String(s))) => Some(s.clone()).filter(|t| !t.trim().is_empty()),
            Some(Field::Json(Value::Number(n))) => Some(n.to_string()),
            Some(Field::Json(Value::Bool(b))) => Some(b.to_string()),
            Some(Field::Json(_)) => {
                errors.push(RowError::new(self.number, name, "must be a string"));
                None
            }
        }
    }

    fn required(&self, name: &str, errors: &mut Vec<RowError>) -> Option<String> {
        let value = self.text(name, errors);
        if value.is_none()
            && !errors
                .iter()
                .any(|e| e.row == self.number && e.field == name)
        {
            errors.push(RowError::new(self.number, name, "is required"));
        }
        value
    }
}

/// The rows of a file and the problems found reading them (unknown fields, malformed
/// records); `Err` when the file as a whole cannot be read.
fn read_rows(
    kind: FileKind,
    format: FileFormat,
    body: &[u8],
) -> Result<(Vec<Row>, Vec<RowError>), Vec<RowError>> {
    let (required, optional) = kind.columns();
    let known: HashSet<&str> = required.iter().chain(optional).copied().collect();
    let (rows, errors) = match format {
        FileFormat::Csv => read_csv(body, required, &known)?,
        FileFormat::Json => read_json(body, &known)?,
    };
    if rows.is_empty() {
        return Err(vec![RowError::new(0, "file", "has no rows")]);
    }
    if rows.len() > MAX_ROWS {
        return Err(vec![RowError::new(
            0,
            "file",
            format!("has {} rows; at most {MAX_ROWS} per file", rows.len()),
        )]);
    }
    Ok((rows, errors))
}

type Read = Result<(Vec<Row>, Vec<RowError>), Vec<RowError>>;

fn read_csv(body: &[u8], required: &[&str], known: &HashSet<&str>) -> Read {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(body);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_ascii_lowercase()).collect(),
        Err(e) => return Err(vec![RowError::new(0, "header", csv_reason(&e))]),
    };
    let mut errors = Vec::new();
    for column in &header {
        if !known.contains(column.as_str()) {
            errors.push(RowError::new(0, column.clone(), "unknown column"));
        }
    }
    for column in required {
        if !header.iter().any(|h| h == column) {
            errors.push(RowError::new(
                0,
                *column,
                "column is missing from the header",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let number = i + 1;
        match record {
            Ok(record) => rows.push(Row {
                number,
                fields: header
                    .iter()
                    .zip(record.iter())
                    .map(|(h, v)| (h.clone(), Field::Text(csv_unescape(v).to_string())))
                    .collect(),
            }),
            Err(e) => errors.push(RowError::new(number, "row", csv_reason(&e))),
        }
    }
    Ok((rows, errors))
}

/// Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"): a
/// name like `=HYPERLINK(...)` would run in Excel or Sheets when staff open the export.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as the export writes it: one starting with a formula character gets a leading `'`
/// (OWASP's advice; the CSV writer already quotes cells with commas, quotes or line breaks and
/// doubles their quotes). A cell that already starts with `'` gets one more, so that
/// [`csv_unescape`] gives every cell back exactly and an export re-imports unchanged.
/// Also used by the reports' CSV exports.
pub fn csv_escape(cell: String) -> String {
    if cell.starts_with(FORMULA_STARTS) || cell.starts_with('\'') {
        format!("'{cell}")
    } else {
        cell
    }
}

/// Undoes [`csv_escape`] on an imported cell: the leading `'` goes when a formula character or
/// another `'` follows it.
fn csv_unescape(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) || rest.starts_with('\'') => rest,
        _ => cell,
    }
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "is not UTF-8 text".into(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("has {len} fields; the header has {expected_len}"),
        _ => e.to_string(),
    }
}

fn read_json(body: &[u8], known: &HashSet<&str>) -> Read {
    let values: Vec<Value> = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(values)) => values,
        Ok(_) => {
            return Err(vec![RowError::new(
                0,
                "file",
                "must be a JSON array of objects",
            )])
        }
        Err(e) => {
            return Err(vec![RowError::new(
                0,
                "file",
                format!("is not valid JSON: {e}"),
            )])
        }
    };
    let mut errors = Vec::new();
    let mut rows = Vec::with_capacity(values.len());
    for (i, value) in values.into_iter().enumerate() {
        let number = i + 1;
        let Value::Object(object) = value else {
            errors.push(RowError::new(number, "row", "must be an object"));
            continue;
        };
        for key in object.keys() {
            if !known.contains(key.as_str()) {
                errors.push(RowError::new(number, key.clone(), "unknown field"));
            }
        }
        rows.push(Row {
            number,
            fields: object
                .into_iter()
                .map(|(k, v)| (k, Field::Json(v)))
                .collect(),
        });
    }
    Ok((rows, errors))
}

// Validating rows -------------------------------------------------------------------------------

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "y" => Some(true),
        "false" | "0" | "no" | "n" => Some(false),
        _ => None,
    }
}

fn item_of(row: &Row, now: &str, errors: &mut Vec<RowError>) -> Option<Item> {
    let before = errors.len();
    let images = match row.fields.get("images") {
        Some(Field::Json(Value::Array(list))) => list
            .iter()
            .map(|v| v.as_str().map(str::to_string).unwrap_or_default())
            .collect(),
        Some(Field::Json(Value::Null)) | None => Vec::new(),
        Some(Field::Json(_)) => {
            errors.push(RowError::new(
                row.number,
                "images",
                "must be an array of URLs",
            ));
            Vec::new()
        }
        Some(Field::Text(t)) => t
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    };
    let active = match row.fields.get("active") {
        Some(Field::Json(Value::Bool(b))) => *b,
        _ => match row.text("active", errors) {
            None => true,
            Some(raw) => parse_bool(&raw).unwrap_or_else(|| {
                errors.push(RowError::new(row.number, "active", "must be true or false"));
                true
            }),
        },
    };
    let input = ItemInput {
        sku: row.required("sku", errors).unwrap_or_default(),
        name: row.required("name", errors).unwrap_or_default(),
        description: row.text("description", errors).unwrap_or_default(),
        item_type: row.required("item_type", errors).unwrap_or_default(),
        brand: row.text("brand", errors).unwrap_or_default(),
        unit: row.required("unit", errors).unwrap_or_default(),
        images,
        tax_rate: row.required("tax_rate", errors).unwrap_or_default(),
        active,
    };
    let reported: HashSet<String> = errors[before..].iter().map(|e| e.field.clone()).collect();
    match input.validate(now) {
        Ok(item) if errors.len() == before => Some(item),
        Ok(_) => None,
        Err(problems) => {
            for p in problems {
                // Keep the first reason per field ("is required" beats the validator's).
                let base = p.field.split('[').next().unwrap_or("").to_string();
                if !reported.contains(&p.field) && !reported.contains(&base) {
                    errors.push(RowError::new(row.number, p.field, p.reason));
                }
            }
            None
        }
    }
}

fn sku_of(row: &Row, errors: &mut Vec<RowError>) -> Option<Sku> {
    let raw = row.required("sku", errors)?;
    Sku::parse(raw)
        .map_err(|reason| errors.push(RowError::new(row.number, "sku", reason)))
        .ok()
}

#[derive(Debug, Clone)]
struct PriceRow {
    number: usize,
    list: String,
    sku: Sku,
    unit_price: Decimal,
    tiers: Vec<Tier>,
}

fn tiers_of(row: &Row, errors: &mut Vec<RowError>) -> Option<Vec<Tier>> {
    let mut tiers = Vec::new();
    let mut ok = true;
    let mut bad = |reason: String, errors: &mut Vec<RowError>| {
        errors.push(RowError::new(row.number, "tiers", reason));
        ok = false;
    };
    match row.fields.get("tiers") {
        None | Some(Field::Json(Value::Null)) => {}
        Some(Field::Text(t)) => {
            for part in t.split('|').map(str::trim).filter(|p| !p.is_empty()) {
                let parsed = part.split_once(':').and_then(|(q, p)| {
                    Some((q.trim().parse::<u32>().ok()?, parse_unit_price(p).ok()?))
                });
                match parsed {
                    Some((min_quantity, unit_price)) => tiers.push(Tier {
                        min_quantity,
                        unit_price,
                    }),
                    None => bad(
                        format!("'{part}' is not min_quantity:unit_price (e.g. 10:95.00)"),
                        errors,
                    ),
                }
            }
        }
        Some(Field::Json(Value::Array(list))) => {
            for (i, tier) in list.iter().enumerate() {
                let q = tier.get("min_quantity").and_then(|q| match q {
                    Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
                    Value::String(s) => s.trim().parse().ok(),
                    _ => None,
                });
                let p = tier.get("unit_price").and_then(|p| match p {
                    Value::String(s) => parse_unit_price(s).ok(),
                    Value::Number(n) => parse_unit_price(&n.to_string()).ok(),
                    _ => None,
                });
                match (q, p) {
                    (Some(min_quantity), Some(unit_price)) => tiers.push(Tier {
                        min_quantity,
                        unit_price,
                    }),
                    _ => bad(
                        format!("tiers[{i}] needs min_quantity (a whole number) and unit_price (a decimal string)"),
                        errors,
                    ),
                }
            }
        }
        Some(Field::Json(_)) => bad(
            "must be an array of {min_quantity, unit_price}".into(),
            errors,
        ),
    }
    for (path, reason) in check_tiers(&tiers) {
        let reason = if path.is_empty() {
            reason
        } else {
            format!("tiers{path} {reason}")
        };
        bad(reason, errors);
    }
    ok.then_some(tiers)
}

fn price_of(row: &Row, errors: &mut Vec<RowError>) -> Option<PriceRow> {
    let list = row.required("price_list_id", errors).and_then(|l| {
        let l = l.trim().to_string();
        check_price_list_id(&l)
            .map_err(|reason| errors.push(RowError::new(row.number, "price_list_id", reason)))
            .ok()
            .map(|_| l)
    });
    let sku = sku_of(row, errors);
    let unit_price = row.required("unit_price", errors).and_then(|raw| {
        parse_unit_price(&raw)
            .map_err(|reason| errors.push(RowError::new(row.number, "unit_price", reason)))
            .ok()
    });
    let tiers = tiers_of(row, errors);
    Some(PriceRow {
        number: row.number,
        list: list?,
        sku: sku?,
        unit_price: unit_price?,
        tiers: tiers?,
    })
}

#[derive(Debug, Clone)]
struct StockRow {
    number: usize,
    warehouse_id: String,
    sku: Sku,
    on_hand: i64,
}

const MAX_ON_HAND: i64 = 1_000_000_000_000;

fn stock_of_row(row: &Row, errors: &mut Vec<RowError>) -> Option<StockRow> {
    let warehouse_id = row.required("warehouse_id", errors).and_then(|w| {
        let w = w.trim().to_string();
        check_warehouse_id(&w)
            .map_err(|reason| errors.push(RowError::new(row.number, "warehouse_id", reason)))
            .ok()
            .map(|_| w)
    });
    let sku = sku_of(row, errors);
    let on_hand = row
        .required("on_hand", errors)
        .and_then(|raw| match parse_on_hand(&raw) {
            Ok(n) => Some(n),
            Err(reason) => {
                errors.push(RowError::new(row.number, "on_hand", reason));
                None
            }
        });
    Some(StockRow {
        number: row.number,
        warehouse_id: warehouse_id?,
        sku: sku?,
        on_hand: on_hand?,
    })
}

/// An on-hand quantity: a whole number, 0 or more.
pub fn parse_on_hand(raw: &str) -> Result<i64, String> {
    match raw.trim().parse::<i64>() {
        Ok(n) if n < 0 => Err("must not be negative".into()),
        Ok(n) if n > MAX_ON_HAND => Err(format!("must be at most {MAX_ON_HAND}")),
        Ok(n) => Ok(n),
        Err(_) => Err("must be a whole number, 0 or more".into()),
    }
}

/// Reports a key seen twice in the file.
fn check_duplicates<K: std::hash::Hash + Eq>(
    keys: impl Iterator<Item = (usize, K)>,
    field: &str,
    errors: &mut Vec<RowError>,
) {
    let mut seen: HashMap<K, usize> = HashMap::new();
    for (number, key) in keys {
        if let Some(first) = seen.insert(key, number) {
            errors.push(RowError::new(
                number,
                field,
                format!("repeats row {first}; give each once"),
            ));
        }
    }
}

// Reads and writes in bulk ----------------------------------------------------------------------

fn put_request(item: store::Item) -> Result<WriteRequest, StoreError> {
    let put = PutRequest::builder()
        .set_item(Some(item))
        .build()
        .map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(WriteRequest::builder().put_request(put).build())
}

fn delete_request(pk: &str, sk: &str) -> Result<WriteRequest, StoreError> {
    let delete = DeleteRequest::builder()
        .set_key(Some(store::key_of(pk, sk)))
        .build()
        .map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(WriteRequest::builder().delete_request(delete).build())
}

/// BatchWriteItem in requests of 25, [`CONCURRENCY`] at a time, retrying unprocessed writes
/// with backoff. Keys must be unique across `writes`.
pub async fn write_all(store: &Store, writes: Vec<WriteRequest>) -> Result<(), StoreError> {
    let mut pending = writes
        .chunks(BATCH_WRITE_SIZE)
        .map(<[WriteRequest]>::to_vec)
        .collect::<Vec<_>>()
        .into_iter();
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.len() < CONCURRENCY {
            let Some(chunk) = pending.next() else { break };
            let store = store.clone();
            // Spawned tasks are still this function's code (aws_ops: the IAM test).
            running.spawn(crate::aws_ops::inherit(async move {
                write_chunk(&store, chunk).await
            }));
        }
        match running.join_next().await {
            None => return Ok(()),
            Some(Ok(result)) => result?,
            Some(Err(e)) => return Err(StoreError::Other(e.to_string())),
        }
    }
}

async fn write_chunk(store: &Store, chunk: Vec<WriteRequest>) -> Result<(), StoreError> {
    let mut pending = chunk;
    for attempt in 0u32..12 {
        let out = store
            .client()
            .batch_write_item()
            .request_items(store.table(), pending)
            .send()
            .await
            .map_err(|e| {
                StoreError::Unavailable(format!("BatchWriteItem: {}", e.into_service_error()))
            })?;
        pending = out
            .unprocessed_items
            .and_then(|mut u| u.remove(store.table()))
            .unwrap_or_default();
        if pending.is_empty() {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(20 << attempt.min(6))).await;
    }
    Err(StoreError::Unavailable(format!(
        "{} writes still unprocessed after retries",
        pending.len()
    )))
}

fn found_map<T: serde::de::DeserializeOwned>(
    fetched: Vec<store::Item>,
    sk_is: impl Fn(&str) -> bool,
) -> Vec<T> {
    fetched
        .into_iter()
        .filter(|raw| {
            raw.get(keys::SK)
                .and_then(|v| v.as_s().ok())
                .is_some_and(|s| sk_is(s))
        })
        .filter_map(|raw| store::from_item(raw).ok())
        .collect()
}

// Import -----------------------------------------------------------------------------------------

/// Validates a whole file, then applies it (see the module documentation).
pub async fn import(
    store: &Store,
    kind: FileKind,
    format: FileFormat,
    body: &[u8],
) -> Result<ImportReport, ImportRefused> {
    let (rows, errors) = read_rows(kind, format, body).map_err(ImportRefused::Invalid)?;
    match kind {
        FileKind::Items => import_items(store, &rows, errors).await,
        FileKind::Prices => import_prices(store, &rows, errors).await,
        FileKind::Stock => import_stock(store, &rows, errors).await,
    }
}

/// The fields staff control (what "unchanged" compares).
fn same_item(a: &Item, b: &Item) -> bool {
    a.sku == b.sku
        && a.name == b.name
        && a.description == b.description
        && a.item_type == b.item_type
        && a.brand == b.brand
        && a.unit == b.unit
        && a.images == b.images
        && a.tax_rate == b.tax_rate
        && a.active == b.active
}

async fn import_items(
    store: &Store,
    rows: &[Row],
    mut errors: Vec<RowError>,
) -> Result<ImportReport, ImportRefused> {
    let now = now_rfc3339();
    let mut parsed = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(item) = item_of(row, &now, &mut errors) {
            parsed.push((row.number, item));
        }
    }
    check_duplicates(
        parsed.iter().map(|(n, i)| (*n, i.sku.clone())),
        "sku",
        &mut errors,
    );
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(ImportRefused::Invalid(errors));
    }
    let items: Vec<Item> = parsed.into_iter().map(|(_, i)| i).collect();
    let report = apply_items(store, items).await?;
    Ok(report)
}

/// Upserts validated items with their search words and facet counters; skips unchanged ones.
/// Also the seeding path of the bench.
pub async fn apply_items(store: &Store, items: Vec<Item>) -> Result<ImportReport, StoreError> {
    let rows = items.len();
    let existing = items::get_stored_many(store, items.iter().map(|i| &i.sku), CONCURRENCY).await?;
    let mut report = ImportReport {
        kind: FileKind::Items,
        rows,
        created: 0,
        updated: 0,
        unchanged: 0,
    };
    for group in items.chunks(ITEM_GROUP) {
        let mut writes = Vec::new();
        let mut deltas = FacetDeltas::default();
        for new in group {
            let old = existing.get(&new.sku).map(|s| &s.item);
            let mut new = new.clone();
            match old {
                Some(old) if same_item(old, &new) => {
                    report.unchanged += 1;
                    continue;
                }
                Some(old) => {
                    report.updated += 1;
                    new.erp_key = old.erp_key.clone();
                    new.version = old.version.clone();
                }
                None => report.created += 1,
            }
            writes.push(put_request(items::item_record(&new)?)?);
            let new_words: HashSet<String> = items::search_words(&new).into_iter().collect();
            if let Some(old) = old {
                for word in items::search_words(old) {
                    if !new_words.contains(&word) {
                        let (pk, sk) = items::search_key(&word, &old.sku);
                        writes.push(delete_request(&pk, &sk)?);
                    }
                }
            }
            for record in items::search_records(&new)? {
                writes.push(put_request(record)?);
            }
            deltas.record(old, Some(&new));
        }
        write_all(store, writes).await?;
        // Counters follow the group they count (a crash in between is the only window in
        // which they can drift; re-importing does not repair them, see the design notes).
        items::apply_facet_deltas(store, &deltas).await?;
    }
    Ok(report)
}

async fn import_prices(
    store: &Store,
    rows: &[Row],
    mut errors: Vec<RowError>,
) -> Result<ImportReport, ImportRefused> {
    let parsed: Vec<PriceRow> = rows
        .iter()
        .filter_map(|r| price_of(r, &mut errors))
        .collect();
    check_duplicates(
        parsed
            .iter()
            .map(|p| (p.number, (p.list.clone(), p.sku.clone()))),
        "sku",
        &mut errors,
    );
    // References: the lists and the items must exist.
    let lists: HashSet<&str> = parsed.iter().map(|p| p.list.as_str()).collect();
    let skus: HashSet<&Sku> = parsed.iter().map(|p| &p.sku).collect();
    let mut wanted: Vec<(String, String)> = lists
        .iter()
        .map(|l| (keys::price_list_pk(l), keys::META_SK.to_string()))
        .collect();
    wanted.extend(
        skus.iter()
            .map(|s| (keys::item_pk(s.as_str()), keys::ITEM_SK.to_string())),
    );
    wanted.extend(
        parsed
            .iter()
            .map(|p| (keys::price_list_pk(&p.list), keys::price_sk(p.sku.as_str()))),
    );
    let fetched = store.batch_get_many(wanted, CONCURRENCY).await?;
    let known_lists: HashSet<String> =
        found_map::<PriceList>(fetched.clone(), |sk| sk == keys::META_SK)
            .into_iter()
            .map(|l| l.id)
            .collect();
    let known_items: HashSet<Sku> = found_map::<Item>(fetched.clone(), |sk| sk == keys::ITEM_SK)
        .into_iter()
        .map(|i| i.sku)
        .collect();
    let stored: HashMap<(String, Sku), Price> =
        found_map::<Price>(fetched, |sk| sk.starts_with(keys::PRICE_SK_PREFIX))
            .into_iter()
            .map(|p| ((p.price_list_id.clone(), p.sku.clone()), p))
            .collect();
    for p in &parsed {
        if !known_lists.contains(&p.list) {
            errors.push(RowError::new(
                p.number,
                "price_list_id",
                "no such price list",
            ));
        }
        if !known_items.contains(&p.sku) {
            errors.push(RowError::new(
                p.number,
                "sku",
                "no such item; import the item first",
            ));
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(ImportRefused::Invalid(errors));
    }
    let now = now_rfc3339();
    let mut report = ImportReport {
        kind: FileKind::Prices,
        rows: rows.len(),
        created: 0,
        updated: 0,
        unchanged: 0,
    };
    let mut writes = Vec::new();
    for p in parsed {
        let mut tiers = p.tiers.clone();
        tiers.sort_by_key(|t| t.min_quantity);
        match stored.get(&(p.list.clone(), p.sku.clone())) {
            Some(old) if old.unit_price == p.unit_price && sorted_tiers(&old.tiers) == tiers => {
                report.unchanged += 1;
                continue;
            }
            Some(_) => report.updated += 1,
            None => report.created += 1,
        }
        let price = Price {
            price_list_id: p.list.clone(),
            sku: p.sku.clone(),
            unit_price: p.unit_price,
            tiers,
            version: None,
            updated_at: now.clone(),
        };
        let keys = Keys::new(keys::price_list_pk(&p.list), keys::price_sk(p.sku.as_str()));
        writes.push(put_request(store::item(&keys, &price)?)?);
    }
    // A list with prices keeps its currency from now on (as the price-list routes do).
    for list in &known_lists {
        store
            .client()
            .update_item()
            .table_name(store.table())
            .set_key(Some(store::key_of(
                &keys::price_list_pk(list),
                keys::META_SK,
            )))
            .update_expression("SET has_prices = :yes")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(
                ":yes",
                aws_sdk_dynamodb::types::AttributeValue::Bool(true),
            )
            .send()
            .await
            .map_err(|e| StoreError::Other(format!("lock currency: {}", e.into_service_error())))?;
    }
    write_all(store, writes).await?;
    Ok(report)
}

fn sorted_tiers(tiers: &[Tier]) -> Vec<Tier> {
    let mut tiers = tiers.to_vec();
    tiers.sort_by_key(|t| t.min_quantity);
    tiers
}

async fn import_stock(
    store: &Store,
    rows: &[Row],
    mut errors: Vec<RowError>,
) -> Result<ImportReport, ImportRefused> {
    let parsed: Vec<StockRow> = rows
        .iter()
        .filter_map(|r| stock_of_row(r, &mut errors))
        .collect();
    check_duplicates(
        parsed
            .iter()
            .map(|s| (s.number, (s.warehouse_id.clone(), s.sku.clone()))),
        "sku",
        &mut errors,
    );
    let warehouses: HashSet<&str> = parsed.iter().map(|s| s.warehouse_id.as_str()).collect();
    let skus: HashSet<&Sku> = parsed.iter().map(|s| &s.sku).collect();
    let mut wanted: Vec<(String, String)> = warehouses
        .iter()
        .map(|w| (keys::warehouse_pk(w), keys::META_SK.to_string()))
        .collect();
    wanted.extend(
        skus.iter()
            .map(|s| (keys::item_pk(s.as_str()), keys::ITEM_SK.to_string())),
    );
    wanted.extend(
        parsed
            .iter()
            .map(|s| stock::stock_key(&s.warehouse_id, &s.sku)),
    );
    let fetched = store.batch_get_many(wanted, CONCURRENCY).await?;
    let known_warehouses: HashSet<String> = fetched
        .iter()
        .filter(|raw| {
            raw.get(keys::SK)
                .and_then(|v| v.as_s().ok())
                .is_some_and(|s| s == keys::META_SK)
        })
        .filter_map(|raw| raw.get(keys::PK).and_then(|v| v.as_s().ok()))
        .filter_map(|pk| pk.strip_prefix("WH#").map(str::to_string))
        .collect();
    let known_items: HashSet<Sku> = found_map::<Item>(fetched.clone(), |sk| sk == keys::ITEM_SK)
        .into_iter()
        .map(|i| i.sku)
        .collect();
    let stored = stock::stock_of(&fetched);
    for s in &parsed {
        if !known_warehouses.contains(&s.warehouse_id) {
            errors.push(RowError::new(s.number, "warehouse_id", "no such warehouse"));
        }
        if !known_items.contains(&s.sku) {
            errors.push(RowError::new(
                s.number,
                "sku",
                "no such item; import the item first",
            ));
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(ImportRefused::Invalid(errors));
    }
    let mut report = ImportReport {
        kind: FileKind::Stock,
        rows: rows.len(),
        created: 0,
        updated: 0,
        unchanged: 0,
    };
    let mut changes = Vec::new();
    for s in parsed {
        match stored.get(&(s.warehouse_id.clone(), s.sku.clone())) {
            Some(old) if old.on_hand == s.on_hand => {
                report.unchanged += 1;
                continue;
            }
            Some(_) => report.updated += 1,
            None => report.created += 1,
        }
        changes.push(s);
    }
    set_stock_many(store, changes).await?;
    Ok(report)
}

/// One UpdateItem per row (on hand only), [`STOCK_CONCURRENCY`] at a time.
async fn set_stock_many(store: &Store, rows: Vec<StockRow>) -> Result<(), StoreError> {
    let store = Arc::new(store.clone());
    let mut pending = rows.into_iter();
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.len() < STOCK_CONCURRENCY {
            let Some(row) = pending.next() else { break };
            let store = Arc::clone(&store);
            running.spawn(crate::aws_ops::inherit(async move {
                stock::set_on_hand(&store, &row.warehouse_id, &row.sku, row.on_hand).await
            }));
        }
        match running.join_next().await {
            None => return Ok(()),
            Some(Ok(result)) => {
                result?;
            }
            Some(Err(e)) => return Err(StoreError::Other(e.to_string())),
        }
    }
}

// Export ----------------------------------------------------------------------------------------

/// An item row of a file (the JSON form; CSV has the same columns).
#[derive(Debug, Clone, Serialize)]
struct ItemFileRow {
    sku: String,
    name: String,
    description: String,
    item_type: String,
    brand: String,
    unit: String,
    images: Vec<String>,
    tax_rate: String,
    active: bool,
}

#[derive(Debug, Clone, Serialize)]
struct TierFileRow {
    min_quantity: u32,
    unit_price: String,
}

#[derive(Debug, Clone, Serialize)]
struct PriceFileRow {
    price_list_id: String,
    sku: String,
    unit_price: String,
    tiers: Vec<TierFileRow>,
}

#[derive(Debug, Clone, Serialize)]
struct StockFileRow {
    warehouse_id: String,
    sku: String,
    on_hand: i64,
}

/// The file of one kind, in a format the import takes back unchanged. Prices need the list.
pub async fn export(
    store: &Store,
    kind: FileKind,
    format: FileFormat,
    price_list_id: Option<&str>,
) -> AppResult<Vec<u8>> {
    match kind {
        FileKind::Items => {
            let mut all: Vec<Item> = Vec::new();
            for pk in [keys::ITEMS_INDEX_PK, keys::INACTIVE_ITEMS_INDEX_PK] {
                all.extend(
                    store
                        .query_all::<Item>(QuerySpec::index(keys::GSI1, pk))
                        .await?,
                );
            }
            all.sort_by(|a, b| a.sku.cmp(&b.sku));
            let rows: Vec<ItemFileRow> = all
                .into_iter()
                .map(|i| ItemFileRow {
                    sku: i.sku.to_string(),
                    name: i.name,
                    description: i.description,
                    item_type: i.item_type,
                    brand: i.brand,
                    unit: i.unit,
                    images: i.images,
                    tax_rate: i.tax_rate.to_string(),
                    active: i.active,
                })
                .collect();
            render(
                format,
                &rows,
                |r| {
                    vec![
                        r.sku.clone(),
                        r.name.clone(),
                        r.description.clone(),
                        r.item_type.clone(),
                        r.brand.clone(),
                        r.unit.clone(),
                        r.images.join("|"),
                        r.tax_rate.clone(),
                        r.active.to_string(),
                    ]
                },
                &[
                    "sku",
                    "name",
                    "description",
                    "item_type",
                    "brand",
                    "unit",
                    "images",
                    "tax_rate",
                    "active",
                ],
            )
        }
        FileKind::Prices => {
            let list = price_list_id
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .ok_or_else(|| {
                    AppError::invalid("price_list_id", "is required to export prices")
                })?;
            check_price_list_id(list).map_err(|r| AppError::invalid("price_list_id", r))?;
            let exists: Option<PriceList> =
                store.get(&keys::price_list_pk(list), keys::META_SK).await?;
            if exists.is_none() {
                return Err(AppError::NotFound);
            }
            let prices: Vec<Price> = store
                .query_all(
                    QuerySpec::partition(keys::price_list_pk(list)).prefix(keys::PRICE_SK_PREFIX),
                )
                .await?;
            let rows: Vec<PriceFileRow> = prices
                .into_iter()
                .map(|p| PriceFileRow {
                    price_list_id: p.price_list_id,
                    sku: p.sku.to_string(),
                    unit_price: p.unit_price.to_string(),
                    tiers: sorted_tiers(&p.tiers)
                        .into_iter()
                        .map(|t| TierFileRow {
                            min_quantity: t.min_quantity,
                            unit_price: t.unit_price.to_string(),
                        })
                        .collect(),
                })
                .collect();
            render(
                format,
                &rows,
                |r| {
                    vec![
                        r.price_list_id.clone(),
                        r.sku.clone(),
                        r.unit_price.clone(),
                        r.tiers
                            .iter()
                            .map(|t| format!("{}:{}", t.min_quantity, t.unit_price))
                            .collect::<Vec<_>>()
                            .join("|"),
                    ]
                },
                &["price_list_id", "sku", "unit_price", "tiers"],
            )
        }
        FileKind::Stock => {
            let mut rows = Vec::new();
            for warehouse in super::warehouses::list_warehouses(store).await? {
                let stock: Vec<Stock> = store
                    .query_all(
                        QuerySpec::partition(keys::warehouse_pk(&warehouse.id)).prefix("SKU#"),
                    )
                    .await?;
                rows.extend(stock.into_iter().map(|s| StockFileRow {
                    warehouse_id: s.warehouse_id,
                    sku: s.sku.to_string(),
                    on_hand: s.on_hand,
                }));
            }
            render(
                format,
                &rows,
                |r| vec![r.warehouse_id.clone(), r.sku.clone(), r.on_hand.to_string()],
                &["warehouse_id", "sku", "on_hand"],
            )
        }
    }
}

fn render<T: Serialize>(
    format: FileFormat,
    rows: &[T],
    csv_fields: impl Fn(&T) -> Vec<String>,
    header: &[&str],
) -> AppResult<Vec<u8>> {
    match format {
        FileFormat::Json => serde_json::to_vec(rows).map_err(AppError::internal),
        FileFormat::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(header).map_err(AppError::internal)?;
            for row in rows {
                writer
                    .write_record(csv_fields(row).into_iter().map(csv_escape))
                    .map_err(AppError::internal)?;
            }
            writer.into_inner().map_err(AppError::internal)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(kind: FileKind, format: FileFormat, body: &str) -> Vec<RowError> {
        let (rows, mut errors) = match read_rows(kind, format, body.as_bytes()) {
            Ok(read) => read,
            Err(e) => return e,
        };
        for row in &rows {
            match kind {
                FileKind::Items => {
                    item_of(row, "now", &mut errors);
                }
                FileKind::Prices => {
                    price_of(row, &mut errors);
                }
                FileKind::Stock => {
                    stock_of_row(row, &mut errors);
                }
            }
        }
        errors.sort_by_key(|e| e.row);
        errors
    }

    #[test]
    fn csv_rows_are_numbered_and_fields_named() {
        let body = "sku,name,item_type,unit,tax_rate\nA-1,Drill,Tools,piece,0.16\nA-2,Saw,Tools,piece,abc\n,Nail,Tools,piece,0.16\n";
        let errors = errors_of(FileKind::Items, FileFormat::Csv, body);
        assert_eq!(
            errors
                .iter()
                .map(|e| (e.row, e.field.as_str()))
                .collect::<Vec<_>>(),
            vec![(2, "tax_rate"), (3, "sku")]
        );
        assert_eq!(errors[1].reason, "is required");
    }

    #[test]
    fn headers_are_checked() {
        let errors = errors_of(
            FileKind::Stock,
            FileFormat::Csv,
            "warehouse_id,sku,qty\nMTY,A,1\n",
        );
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["qty", "on_hand"]);
        assert!(errors.iter().all(|e| e.row == 0));
    }

    #[test]
    fn json_rows_and_tiers() {
        let body = r#"[{"price_list_id":"L1","sku":"a","unit_price":"10.5","tiers":[{"min_quantity":10,"unit_price":"9"}]},
                       {"price_list_id":"L1","sku":"b","unit_price":10,"tiers":"x"},
                       {"price_list_id":"L1","sku":"c","unit_price":"1","bogus":1}]"#;
        let errors = errors_of(FileKind::Prices, FileFormat::Json, body);
        assert_eq!(
            errors
                .iter()
                .map(|e| (e.row, e.field.as_str()))
                .collect::<Vec<_>>(),
            vec![(2, "tiers"), (3, "bogus")]
        );
        let body = r#"[{"price_list_id":"L1","sku":"b","unit_price":"-1","tiers":[{"min_quantity":1,"unit_price":"9"}]}]"#;
        let fields: Vec<String> = errors_of(FileKind::Prices, FileFormat::Json, body)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["unit_price", "tiers"]);
        let (rows, _) = read_rows(
            FileKind::Prices,
            FileFormat::Csv,
            b"price_list_id,sku,unit_price,tiers\nL1,A,10,5:9.5|10:9\n",
        )
        .unwrap();
        let price = price_of(&rows[0], &mut Vec::new()).unwrap();
        assert_eq!(price.tiers.len(), 2);
    }

    #[test]
    fn stock_quantities() {
        assert!(parse_on_hand("-1").is_err());
        assert!(parse_on_hand("1.5").is_err());
        assert_eq!(parse_on_hand(" 7 "), Ok(7));
    }
}
