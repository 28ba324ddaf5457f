//! F36 quick order: up to 500 SKU and quantity rows (typed, pasted or a CSV file's text) checked
//! and priced in one call. Reading costs one BatchGet for the customer, the settings and the cart,
//! then one BatchGet per 100 keys of the rows' items, prices and stock (in parallel): O(1) in
//! batches, never a request per row.
//!
//! What is wrong with the input itself (not a CSV, more than 500 rows, a SKU that cannot be one,
//! a quantity that is not a whole number from 1 to 1,000,000) is a 422 naming the row and the
//! field, and nothing is checked further; what the data says about a well-formed row (unknown
//! SKU, not in the customer's catalog, inactive, no price, short stock, merged duplicate) is
//! answered per row.

use serde::{Deserialize, Serialize};

use super::cart::{load, pricer, warehouse_for};
use super::model::LineRequest;
use super::place::require_buying_customer;
use crate::catalog::Sku;
use crate::error::{AppError, AppResult, FieldError};
use crate::pricing::quote::{merge_lines, MAX_LINE_QUANTITY, MAX_QUOTE_LINES};
use crate::pricing::{LineIssue, QuotedLine};
use crate::settings::StockDisplay;
use crate::store::Store;

/// Most rows one check takes (never cut: more is a 422).
pub const MAX_QUICK_ROWS: usize = MAX_QUOTE_LINES;
/// Most per-row input errors listed in one answer (a file of garbage would list thousands).
const MAX_LISTED_ERRORS: usize = 50;

/// `POST /v1/quick-order/check`: typed rows, or the text of pasted lines or of a CSV file.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuickOrderRequest {
    /// One of the customer's warehouses; default: the cart's, else the customer's default one.
    #[serde(default)]
    pub warehouse_id: Option<String>,
    /// Typed rows (give `rows` or `text`, not both).
    #[serde(default)]
    pub rows: Option<Vec<QuickRowInput>>,
    /// Pasted lines or a CSV file: one `SKU<tab, comma, semicolon or spaces>quantity` per line;
    /// an optional first line `sku,quantity`; blank lines ignored.
    #[serde(default)]
    pub text: Option<String>,
}

/// One typed row.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuickRowInput {
    pub sku: String,
    /// A whole number from 1 to 1,000,000 (a number or a string of digits); anything else is a
    /// 422 naming the row, so the schema leaves the type open.
    pub quantity: serde_json::Value,
}

/// A row that passed the input checks: `row` is its 1-based number (the line of the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRow {
    pub row: usize,
    pub sku: Sku,
    pub quantity: i64,
}

/// What the data says about a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// Can be bought as asked.
    Ok,
    /// Same SKU as an earlier row: its quantity was added to that row (`merged_into_row`).
    Merged,
    /// No such item.
    UnknownSku,
    /// The item exists but is not in this customer's catalog.
    NotInCatalog,
    /// No longer sold.
    Inactive,
    /// No price in the customer's price list.
    NoPrice,
    /// The chosen warehouse has fewer units available than asked.
    ShortStock,
}

/// One checked row.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct QuickRow {
    /// 1-based: the row typed, or the line of the pasted text or file.
    pub row: usize,
    pub sku: Sku,
    /// As asked on this row.
    pub quantity: i64,
    pub status: RowStatus,
    /// Whether this row goes to the cart with "add valid rows" (an `ok` row, or a `merged` row
    /// whose first row is `ok`).
    pub valid: bool,
    /// Human explanation of a problem.
    pub message: Option<String>,
    /// For `merged`: the row its quantity was added to.
    pub merged_into_row: Option<usize>,
    /// On the first row of each SKU: the line priced with the merged quantity.
    pub priced: Option<QuotedLine>,
}

/// The whole set checked and priced.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuickOrderCheck {
    pub warehouse_id: String,
    pub currency: Option<String>,
    pub rows: Vec<QuickRow>,
    /// The valid rows merged by SKU: exactly what to send to `POST /v1/cart/lines`.
    pub valid_lines: Vec<LineRequest>,
    pub valid_rows: usize,
    pub problem_rows: usize,
    /// Totals of the valid lines.
    #[schema(value_type = String)]
    pub subtotal: rust_decimal::Decimal,
    #[schema(value_type = String)]
    pub tax: rust_decimal::Decimal,
    #[schema(value_type = String)]
    pub total: rust_decimal::Decimal,
    pub stock_display: StockDisplay,
}

fn has_control(value: &str) -> bool {
    value.chars().any(char::is_control)
}

/// A quantity as written: digits only (no sign, decimals or exponent), 1 to 1,000,000.
pub fn parse_quantity(raw: &str) -> Result<i64, String> {
    let raw = raw.trim();
    let reason = || format!("must be a whole number from 1 to {MAX_LINE_QUANTITY}, not {raw:?}");
    if raw.is_empty() || raw.len() > 12 || !raw.chars().all(|c| c.is_ascii_digit()) {
        return Err(reason());
    }
    match raw.parse::<i64>() {
        Ok(q) if (1..=MAX_LINE_QUANTITY).contains(&q) => Ok(q),
        _ => Err(reason()),
    }
}

fn parse_sku(raw: &str) -> Result<Sku, String> {
    if has_control(raw) {
        return Err("contains control characters".into());
    }
    Sku::parse(raw.trim())
}

fn json_quantity(value: &serde_json::Value) -> Result<i64, String> {
    match value {
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(q) if (1..=MAX_LINE_QUANTITY).contains(&q) => Ok(q),
            _ => Err(format!(
                "must be a whole number from 1 to {MAX_LINE_QUANTITY}, not {n}"
            )),
        },
        serde_json::Value::String(s) => parse_quantity(s),
        other => Err(format!(
            "must be a whole number from 1 to {MAX_LINE_QUANTITY}, not {other}"
        )),
    }
}

fn too_many(field: &str, count: usize) -> AppError {
    AppError::invalid(
        field,
        format!(
            "has {count} rows; at most {MAX_QUICK_ROWS} are checked at once (nothing was cut: split the list)"
        ),
    )
}

fn push(errors: &mut Vec<FieldError>, field: String, reason: String) {
    if errors.len() < MAX_LISTED_ERRORS {
        errors.push(FieldError::new(field, reason));
    }
}

/// Typed rows: `rows[i].sku` / `rows[i].quantity` name a bad one (0-based, as in JSON).
pub fn parse_rows(rows: &[QuickRowInput]) -> AppResult<Vec<ParsedRow>> {
    if rows.is_empty() {
        return Err(AppError::invalid("rows", "must have at least one row"));
    }
    if rows.len() > MAX_QUICK_ROWS {
        return Err(too_many("rows", rows.len()));
    }
    let mut errors = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let sku = parse_sku(&row.sku).map_err(|e| {
            push(
                &mut errors,
                format!("rows[{i}].sku"),
                format!("row {}: {e}", i + 1),
            )
        });
        let quantity = json_quantity(&row.quantity).map_err(|e| {
            push(
                &mut errors,
                format!("rows[{i}].quantity"),
                format!("row {}: {e}", i + 1),
            )
        });
        if let (Ok(sku), Ok(quantity)) = (sku, quantity) {
            out.push(ParsedRow {
                row: i + 1,
                sku,
                quantity,
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Validation(errors))
    }
}

fn split_fields(line: &str) -> Vec<String> {
    let fields: Vec<&str> = if line.contains('\t') {
        line.split('\t').collect()
    } else if line.contains(',') {
        line.split(',').collect()
    } else if line.contains(';') {
        line.split(';').collect()
    } else {
        line.split_whitespace().collect()
    };
    let mut fields: Vec<String> = fields
        .into_iter()
        .map(|f| {
            let f = f.trim();
            f.strip_prefix('"')
                .and_then(|f| f.strip_suffix('"'))
                .unwrap_or(f)
                .trim()
                .to_string()
        })
        .collect();
    // Spreadsheets often leave trailing empty columns ("HAM-16,2,,").
    while fields.len() > 2 && fields.last().is_some_and(String::is_empty) {
        fields.pop();
    }
    fields
}

fn is_header(fields: &[String]) -> bool {
    let first = fields.first().map(|f| f.to_lowercase()).unwrap_or_default();
    matches!(
        first.as_str(),
        "sku" | "code" | "item" | "código" | "codigo" | "cod" | "cód"
    )
}

/// Pasted lines or a CSV file: `text.line[n].sku` / `text.line[n].quantity` name a bad one by
/// its 1-based line number, the way a spreadsheet shows it.
pub fn parse_text(text: &str) -> AppResult<Vec<ParsedRow>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // A binary file (an image, a spreadsheet's zip) read as text: not a CSV at all.
    if text.contains('\0') || text.contains('\u{fffd}') {
        return Err(AppError::invalid(
            "text",
            "is not a CSV or a list of lines: it holds binary data (save the sheet as CSV)",
        ));
    }
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut rows = 0usize;
    let mut first = true;
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let fields = split_fields(raw);
        if first && is_header(&fields) {
            first = false;
            continue;
        }
        first = false;
        rows += 1;
        if rows > MAX_QUICK_ROWS {
            continue; // counted, never cut silently: refused below
        }
        if fields.len() != 2 {
            let reason = if has_control(raw.trim_end_matches('\r')) {
                format!("line {line}: contains control characters")
            } else {
                format!(
                    "line {line}: expected a SKU and a quantity separated by a tab, comma, semicolon or space, found {} field(s)",
                    fields.len()
                )
            };
            push(&mut errors, format!("text.line[{line}]"), reason);
            continue;
        }
        let sku = parse_sku(&fields[0]).map_err(|e| {
            push(
                &mut errors,
                format!("text.line[{line}].sku"),
                format!("line {line}: {e}"),
            )
        });
        let quantity = parse_quantity(&fields[1]).map_err(|e| {
            push(
                &mut errors,
                format!("text.line[{line}].quantity"),
                format!("line {line}: {e}"),
            )
        });
        if let (Ok(sku), Ok(quantity)) = (sku, quantity) {
            out.push(ParsedRow {
                row: line,
                sku,
                quantity,
            });
        }
    }
    if rows > MAX_QUICK_ROWS {
        return Err(too_many("text", rows));
    }
    if rows == 0 {
        return Err(AppError::invalid("text", "has no rows"));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Validation(errors))
    }
}

impl QuickOrderRequest {
    /// The rows, or a 422 naming each bad row and field.
    pub fn parse(&self) -> AppResult<Vec<ParsedRow>> {
        if self
            .warehouse_id
            .as_ref()
            .is_some_and(|w| w.trim().is_empty())
        {
            return Err(AppError::invalid("warehouse_id", "must not be empty"));
        }
        let rows = match (&self.rows, &self.text) {
            (Some(rows), None) => parse_rows(rows)?,
            (None, Some(text)) => parse_text(text)?,
            _ => {
                return Err(AppError::invalid(
                    "rows",
                    "give either `rows` or `text` (pasted lines or a CSV file), not both",
                ))
            }
        };
        // Merged quantities must stay within a line's maximum too.
        let lines: Vec<LineRequest> = rows
            .iter()
            .map(|r| LineRequest {
                sku: r.sku.clone(),
                quantity: r.quantity,
            })
            .collect();
        if let Some(big) = merge_lines(&lines)
            .into_iter()
            .find(|l| l.quantity > MAX_LINE_QUANTITY)
        {
            let first = rows.iter().find(|r| r.sku == big.sku).map_or(1, |r| r.row);
            let field = if self.text.is_some() {
                format!("text.line[{first}].quantity")
            } else {
                format!("rows[{}].quantity", first - 1)
            };
            return Err(AppError::invalid(
                field,
                format!(
                    "the rows of {} add up to {}; at most {MAX_LINE_QUANTITY}",
                    big.sku, big.quantity
                ),
            ));
        }
        Ok(rows)
    }
}

/// Checks and prices the rows for the customer in the warehouse (see the module's doc).
pub async fn check(
    store: &Store,
    customer_id: &str,
    owner: &str,
    request: &QuickOrderRequest,
) -> AppResult<QuickOrderCheck> {
    let rows = request.parse()?;
    let (loaded, fetched) = load(store, customer_id, owner).await?;
    require_buying_customer(&loaded.customer)?;
    let wanted = request.warehouse_id.clone().or_else(|| {
        loaded
            .cart
            .as_ref()
            .and_then(|c| c.warehouse_id.clone())
            .filter(|w| loaded.customer.warehouse_ids.contains(w))
    });
    let warehouse_id = warehouse_for(&loaded.customer, wanted.as_deref())?;
    let lines: Vec<LineRequest> = rows
        .iter()
        .map(|r| LineRequest {
            sku: r.sku.clone(),
            quantity: r.quantity,
        })
        .collect();
    let skus: Vec<Sku> = merge_lines(&lines).into_iter().map(|l| l.sku).collect();
    let pricer = pricer(store, &loaded, fetched, &warehouse_id, &skus).await?;
    let quote = pricer.quote(&lines);
    let mut first_row: std::collections::HashMap<&Sku, usize> = Default::default();
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let priced = quote.lines.iter().find(|l| l.sku == r.sku);
        if let Some(&first) = first_row.get(&r.sku) {
            let first_valid = out
                .iter()
                .find(|q: &&QuickRow| q.row == first)
                .is_some_and(|q| q.valid);
            out.push(QuickRow {
                row: r.row,
                sku: r.sku.clone(),
                quantity: r.quantity,
                status: RowStatus::Merged,
                valid: first_valid,
                message: Some(format!(
                    "same SKU as row {first}: quantities added together"
                )),
                merged_into_row: Some(first),
                priced: None,
            });
            continue;
        }
        first_row.insert(&r.sku, r.row);
        let status = match priced.and_then(|l| l.reason) {
            None => RowStatus::Ok,
            Some(LineIssue::NotFound) => {
                // Items outside the customer's catalog are told apart from unknown SKUs only
                // when visitors may browse the whole active catalog anyway (B2B mode): then
                // this reveals nothing a visitor could not see.
                match pricer.book.item(&r.sku) {
                    Some(item) if item.active && pricer.b2b_mode => RowStatus::NotInCatalog,
                    _ => RowStatus::UnknownSku,
                }
            }
            Some(LineIssue::Inactive) => RowStatus::Inactive,
            Some(LineIssue::NoPrice) => RowStatus::NoPrice,
            Some(LineIssue::StockShort) => RowStatus::ShortStock,
            // Quantities were checked above; kept as a problem should the rules change.
            Some(LineIssue::InvalidQuantity) => RowStatus::UnknownSku,
        };
        let message = match status {
            RowStatus::Ok => None,
            RowStatus::UnknownSku => Some("no item has this SKU".to_string()),
            RowStatus::NotInCatalog => Some("this item is not in your catalog".to_string()),
            _ => priced.and_then(|l| l.message.clone()),
        };
        out.push(QuickRow {
            row: r.row,
            sku: r.sku.clone(),
            quantity: r.quantity,
            status,
            valid: status == RowStatus::Ok,
            message,
            merged_into_row: None,
            priced: priced.cloned(),
        });
    }
    let valid_lines: Vec<LineRequest> = quote
        .lines
        .iter()
        .filter(|l| l.purchasable)
        .map(|l| LineRequest {
            sku: l.sku.clone(),
            quantity: l.quantity,
        })
        .collect();
    let valid_rows = out.iter().filter(|r| r.valid).count();
    Ok(QuickOrderCheck {
        warehouse_id,
        currency: quote.currency.clone(),
        problem_rows: out.len() - valid_rows,
        valid_rows,
        rows: out,
        valid_lines,
        subtotal: quote.subtotal,
        tax: quote.tax,
        total: quote.total,
        stock_display: quote.stock_display,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: AppError) -> Vec<String> {
        match e {
            AppError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn pasted_lines_take_tabs_commas_semicolons_spaces_quotes_and_a_header() {
        let rows = parse_text(
            "\u{feff}sku,quantity\r\nA-1\t2\r\n\r\n\"b-2\",\"3\"\nC-3;4\n  D-4   5 \nE,6,,\n",
        )
        .unwrap();
        let got: Vec<(usize, &str, i64)> = rows
            .iter()
            .map(|r| (r.row, r.sku.as_str(), r.quantity))
            .collect();
        assert_eq!(
            got,
            [
                (2, "A-1", 2),
                (4, "B-2", 3),
                (5, "C-3", 4),
                (6, "D-4", 5),
                (7, "E", 6)
            ]
        );
    }

    #[test]
    fn bad_quantities_and_skus_name_their_line_and_field() {
        let e = parse_text("A,1\nB,-1\nC,1e9\nD,1000001\nE,2.5\nF\u{7},1\nG\n").unwrap_err();
        assert_eq!(
            fields(e),
            [
                "text.line[2].quantity",
                "text.line[3].quantity",
                "text.line[4].quantity",
                "text.line[5].quantity",
                "text.line[6].sku",
                "text.line[7]"
            ]
        );
        let rows = [QuickRowInput {
            sku: "OK".into(),
            quantity: serde_json::json!(1e9),
        }];
        assert_eq!(fields(parse_rows(&rows).unwrap_err()), ["rows[0].quantity"]);
    }

    #[test]
    fn more_than_500_rows_are_refused_not_cut() {
        let text: String = (0..501).map(|i| format!("S-{i},1\n")).collect();
        assert_eq!(fields(parse_text(&text).unwrap_err()), ["text"]);
        let text: String = (0..500).map(|i| format!("S-{i},1\n")).collect();
        assert_eq!(parse_text(&text).unwrap().len(), 500);
    }

    #[test]
    fn binary_is_not_a_csv() {
        assert_eq!(
            fields(parse_text("\u{89}PNG\r\n\u{1a}\n\0\0").unwrap_err()),
            ["text"]
        );
    }
}
