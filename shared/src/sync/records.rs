//! The inbound records of contract v1 (docs/erp-contract.md) and their validation.
//!
//! A batch is judged as a whole: every record is parsed and checked, and every problem is
//! reported as `records[i].<field>`; one bad record and nothing of the batch is queued. The
//! same functions check records of a periodic pull (`changes.<kind>[i].<field>`), where bad
//! records are skipped and reported in the run instead.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::version;
use crate::catalog::{check_warehouse_id, Item, ItemInput, Sku};
use crate::customers::PaymentTerms;
use crate::documents::{
    balance_of, document_id, Document, DocumentKind, DocumentLine, DocumentStatus, Party,
};
use crate::error::FieldError;
use crate::pricing::admin::{check_price_list_id, check_tiers, parse_unit_price};
use crate::pricing::{Currency, Price, Tier};
use crate::types::{Email, Language, Name, Phone};

/// Most records one batch (or one page of a pull) may hold.
pub const MAX_BATCH_RECORDS: usize = 10_000;
/// Most field errors one answer lists (the count says how many there were).
pub const MAX_REPORTED_ERRORS: usize = 1_000;
pub const MAX_DOCUMENT_LINES: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Items,
    Prices,
    Stock,
    Customers,
    Documents,
}

impl RecordKind {
    pub const ALL: [RecordKind; 5] = [
        RecordKind::Items,
        RecordKind::Prices,
        RecordKind::Stock,
        RecordKind::Customers,
        RecordKind::Documents,
    ];

    /// The order a pull applies kinds in: documents after the customers they belong to,
    /// stock and prices after the items.
    pub const APPLY_ORDER: [RecordKind; 5] = [
        RecordKind::Customers,
        RecordKind::Items,
        RecordKind::Prices,
        RecordKind::Stock,
        RecordKind::Documents,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Items => "items",
            RecordKind::Prices => "prices",
            RecordKind::Stock => "stock",
            RecordKind::Customers => "customers",
            RecordKind::Documents => "documents",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

// ---------------------------------------------------------------------------------------------
// The records as the ERP sends them. Unknown fields are refused (a typo must not pass silently).
// Decimals travel as strings. Each record has `version` (a number that grows with every change)
// or `modified_at` (RFC 3339).

/// An item; its ERP key is the SKU.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpItem {
    #[schema(example = "DRL-500")]
    pub sku: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[schema(example = "Herramientas")]
    pub item_type: String,
    #[serde(default)]
    pub brand: String,
    #[schema(example = "piece")]
    pub unit: String,
    #[serde(default)]
    pub images: Vec<String>,
    #[schema(example = "0.16")]
    pub tax_rate: String,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub version: Option<u64>,
    #[serde(default)]
    pub modified_at: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpTier {
    pub min_quantity: u32,
    #[schema(example = "95.00")]
    pub unit_price: String,
}

/// The price of one SKU in one price list; its ERP key is (price_list_id, sku). A list that
/// does not exist yet is created with this currency (and name).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpPrice {
    #[schema(example = "MAYOREO")]
    pub price_list_id: String,
    #[serde(default)]
    pub price_list_name: Option<String>,
    #[schema(example = "MXN")]
    pub currency: String,
    pub sku: String,
    #[schema(example = "120.50")]
    pub unit_price: String,
    #[serde(default)]
    pub tiers: Vec<ErpTier>,
    #[serde(default)]
    pub version: Option<u64>,
    #[serde(default)]
    pub modified_at: Option<String>,
}

/// Stock of one SKU in one warehouse; its ERP key is (warehouse_id, sku). `on_hand` is what the
/// ERP can still sell: its physical stock minus what its own open orders (including the
/// portal's orders it acknowledged) have committed.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpStock {
    #[schema(example = "MTY")]
    pub warehouse_id: String,
    pub sku: String,
    pub on_hand: i64,
    #[serde(default)]
    pub version: Option<u64>,
    #[serde(default)]
    pub modified_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpCredit {
    pub terms: PaymentTerms,
    #[serde(default)]
    pub credit_days: u32,
    #[schema(example = "50000.00")]
    pub limit: String,
    #[schema(example = "MXN")]
    pub currency: String,
}

/// A customer (company account) with its credit limit and terms. New ones are created
/// `inactive` (F4): staff activate them and invite their contacts. `customer_id` links the
/// record to a customer that already exists in the portal (e.g. approved from a request).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpCustomer {
    #[schema(example = "C-000123")]
    pub erp_key: String,
    #[serde(default)]
    pub customer_id: Option<String>,
    pub name: Name,
    #[serde(default)]
    pub legal_name: Option<String>,
    pub tax_id: Name,
    pub email: Email,
    #[serde(default)]
    pub phone: Option<Phone>,
    #[serde(default)]
    pub language: Option<Language>,
    #[serde(default)]
    pub price_list_id: Option<String>,
    #[serde(default)]
    pub warehouse_ids: Option<Vec<String>>,
    #[serde(default)]
    pub default_warehouse_id: Option<String>,
    #[serde(default)]
    pub credit: Option<ErpCredit>,
    #[serde(default)]
    pub version: Option<u64>,
    #[serde(default)]
    pub modified_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpParty {
    pub name: String,
    pub tax_id: String,
    #[serde(default)]
    pub address: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpDocumentLine {
    #[serde(default)]
    pub sku: Option<String>,
    pub description: String,
    #[schema(example = "2")]
    pub quantity: String,
    #[serde(default)]
    pub unit: Option<String>,
    #[schema(example = "114.50")]
    pub unit_price: String,
    #[serde(default)]
    #[schema(example = "0.16")]
    pub tax_rate: Option<String>,
    #[schema(example = "229.00")]
    pub total: String,
}

/// An invoice, proforma or receipt of one customer (`customer_erp_key`, or the portal's
/// `customer_id`). `paid` is what was paid on an invoice so far (or a receipt's amount).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpDocument {
    #[schema(example = "FAC-A-1001")]
    pub erp_key: String,
    pub kind: DocumentKind,
    #[schema(example = "A-1001")]
    pub number: String,
    #[serde(default)]
    pub customer_erp_key: Option<String>,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[schema(example = "2025-01-15")]
    pub issued_on: String,
    #[serde(default)]
    #[schema(example = "2025-02-14")]
    pub due_on: Option<String>,
    #[schema(example = "MXN")]
    pub currency: String,
    #[serde(default)]
    pub lines: Vec<ErpDocumentLine>,
    pub subtotal: String,
    pub tax: String,
    pub total: String,
    #[serde(default)]
    pub paid: Option<String>,
    #[serde(default)]
    pub status: DocumentStatus,
    #[serde(default)]
    pub issuer: Option<ErpParty>,
    #[serde(default)]
    pub receiver: Option<ErpParty>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub version: Option<u64>,
    #[serde(default)]
    pub modified_at: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Validated records.

#[derive(Debug, Clone, PartialEq)]
pub struct PriceRecord {
    pub currency: String,
    pub list_name: Option<String>,
    pub price: Price,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockRecord {
    pub warehouse_id: String,
    pub sku: Sku,
    pub on_hand: i64,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CreditRecordInput {
    pub terms: PaymentTerms,
    pub credit_days: u32,
    pub limit: Decimal,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CustomerRecord {
    pub erp_key: String,
    pub customer_id: Option<String>,
    pub name: Name,
    pub legal_name: Option<String>,
    pub tax_id: Name,
    pub email: Email,
    pub phone: Option<Phone>,
    pub language: Option<Language>,
    pub price_list_id: Option<String>,
    pub warehouse_ids: Option<Vec<String>>,
    pub default_warehouse_id: Option<String>,
    pub credit: Option<CreditRecordInput>,
    pub version: String,
}

/// Whose document it is, as the ERP names the customer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CustomerRef {
    ErpKey(String),
    PortalId(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocumentRecord {
    pub customer: CustomerRef,
    /// Complete but for `customer_id`, which is resolved when applied.
    pub document: Document,
}

/// The valid records of one kind, each with its index in the batch.
#[derive(Debug, Clone, PartialEq)]
pub enum Records {
    Items(Vec<(usize, Item)>),
    Prices(Vec<(usize, PriceRecord)>),
    Stock(Vec<(usize, StockRecord)>),
    Customers(Vec<(usize, CustomerRecord)>),
    Documents(Vec<(usize, DocumentRecord)>),
}

impl Records {
    pub fn len(&self) -> usize {
        match self {
            Records::Items(r) => r.len(),
            Records::Prices(r) => r.len(),
            Records::Stock(r) => r.len(),
            Records::Customers(r) => r.len(),
            Records::Documents(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

// ---------------------------------------------------------------------------------------------
// Checks.

/// An ERP key: 1-64 printable characters without spaces.
pub fn check_erp_key(raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if !value.is_empty()
        && value.chars().count() <= 64
        && value.chars().all(|c| !c.is_whitespace() && !c.is_control())
    {
        Ok(value.to_string())
    } else {
        Err("must be 1-64 printable characters without spaces".into())
    }
}

/// A portal id as the portal hands them out (letters and digits).
fn check_portal_id(raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if !value.is_empty() && value.len() <= 64 && value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(value.to_string())
    } else {
        Err("must be a portal id (letters and digits)".into())
    }
}

/// A money amount: a decimal string, at most 4 decimals, within +-10^12; kept with at least
/// 2 decimals ("5800" -> "5800.00"), as every amount the portal answers.
fn money(raw: &str, allow_negative: bool) -> Result<Decimal, String> {
    let mut value = decimal(raw, allow_negative)?;
    if value.scale() < 2 {
        value.rescale(2);
    }
    Ok(value)
}

/// A decimal string (a quantity, or money before its scale is set), at most 4 decimals,
/// within +-10^12.
fn decimal(raw: &str, allow_negative: bool) -> Result<Decimal, String> {
    let value = Decimal::from_str(raw.trim())
        .map_err(|_| "must be a decimal number as a string, e.g. \"1234.50\"".to_string())?;
    if !allow_negative && value.is_sign_negative() && !value.is_zero() {
        return Err("must not be negative".into());
    }
    if value.normalize().scale() > 4 {
        return Err("must have at most 4 decimals".into());
    }
    if value.abs() > Decimal::from(1_000_000_000_000i64) {
        return Err("is too large".into());
    }
    Ok(value.normalize())
}

fn date(raw: &str) -> Result<String, String> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| "must be a date as YYYY-MM-DD".to_string())
}

fn text(raw: &str, max: usize, required: bool) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() && required {
        return Err("is required".into());
    }
    if value.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err("must not contain control characters".into());
    }
    Ok(value.to_string())
}

/// Collects the errors of one record under its path.
struct RowErrors<'a> {
    path: &'a str,
    errors: &'a mut Vec<FieldError>,
    count: usize,
}

impl RowErrors<'_> {
    fn push(&mut self, field: &str, reason: impl Into<String>) {
        self.count += 1;
        let field = if field.is_empty() {
            self.path.to_string()
        } else if field.starts_with('[') {
            format!("{}{field}", self.path)
        } else {
            format!("{}.{field}", self.path)
        };
        self.errors.push(FieldError::new(field, reason));
    }

    fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(reason) => {
                self.push(field, reason);
                None
            }
        }
    }

    fn version(&mut self, number: Option<u64>, modified_at: Option<&str>) -> Option<String> {
        match version::normalize(number, modified_at) {
            Ok(v) => Some(v),
            Err((field, reason)) => {
                self.push(field, reason);
                None
            }
        }
    }
}

/// Parses one record as `T`, naming a bad field by its path under `path`.
fn parse_record<T: DeserializeOwned>(
    value: &serde_json::Value,
    path: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    if !value.is_object() {
        errors.push(FieldError::new(path, "must be an object"));
        return None;
    }
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(record) => Some(record),
        Err(err) => {
            let inner_path = err.path().to_string();
            let message = err.inner().to_string();
            let (field, reason) = match message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
            {
                Some(name) if inner_path == "." => {
                    (format!("{path}.{name}"), "is required".to_string())
                }
                Some(name) => (
                    format!("{path}.{inner_path}.{name}"),
                    "is required".to_string(),
                ),
                None if inner_path == "." => (path.to_string(), message),
                None => (format!("{path}.{inner_path}"), message),
            };
            errors.push(FieldError::new(field, reason));
            None
        }
    }
}

fn item_of(raw: ErpItem, row: &mut RowErrors, now: &str) -> Option<Item> {
    let version = row.version(raw.version, raw.modified_at.as_deref());
    let input = ItemInput {
        sku: raw.sku,
        name: raw.name,
        description: raw.description,
        item_type: raw.item_type,
        brand: raw.brand,
        unit: raw.unit,
        images: raw.images,
        tax_rate: raw.tax_rate,
        active: raw.active,
    };
    let item = match input.validate(now) {
        Ok(item) => Some(item),
        Err(errors) => {
            for e in errors {
                row.push(&e.field, e.reason);
            }
            None
        }
    };
    let (mut item, version) = (item?, version?);
    item.erp_key = Some(item.sku.to_string());
    item.version = Some(version);
    Some(item)
}

fn price_of(raw: ErpPrice, row: &mut RowErrors, now: &str) -> Option<PriceRecord> {
    let version = row.version(raw.version, raw.modified_at.as_deref());
    let list = row.check(
        "price_list_id",
        check_price_list_id(raw.price_list_id.trim()).map(|_| raw.price_list_id.trim().to_string()),
    );
    let currency = row.check(
        "currency",
        Currency::parse(raw.currency.trim()).map(|c| c.as_str().to_string()),
    );
    let list_name = match &raw.price_list_name {
        Some(name) => row.check(
            "price_list_name",
            Name::parse(name.clone()).map(|n| Some(n.as_str().to_string())),
        ),
        None => Some(None),
    };
    let sku = row.check("sku", Sku::parse(raw.sku.clone()));
    let unit_price = row.check("unit_price", parse_unit_price(&raw.unit_price));
    let mut tiers = Vec::with_capacity(raw.tiers.len());
    for (i, tier) in raw.tiers.iter().enumerate() {
        if let Some(price) = row.check(
            &format!("tiers[{i}].unit_price"),
            parse_unit_price(&tier.unit_price),
        ) {
            tiers.push(Tier {
                min_quantity: tier.min_quantity,
                unit_price: price,
            });
        }
    }
    for (field, reason) in check_tiers(&tiers) {
        row.push(&format!("tiers{field}"), reason);
    }
    tiers.sort_by_key(|t| t.min_quantity);
    Some(PriceRecord {
        currency: currency?,
        list_name: list_name?,
        price: Price {
            price_list_id: list?,
            sku: sku?,
            unit_price: unit_price?,
            tiers,
            version: Some(version?),
            updated_at: now.to_string(),
        },
    })
}

fn stock_of(raw: ErpStock, row: &mut RowErrors) -> Option<StockRecord> {
    let version = row.version(raw.version, raw.modified_at.as_deref());
    let warehouse_id = raw.warehouse_id.trim().to_string();
    let warehouse = row.check("warehouse_id", check_warehouse_id(&warehouse_id));
    let sku = row.check("sku", Sku::parse(raw.sku.clone()));
    let on_hand = row.check(
        "on_hand",
        if (0..=1_000_000_000_000).contains(&raw.on_hand) {
            Ok(raw.on_hand)
        } else {
            Err("must be a whole number from 0".to_string())
        },
    );
    warehouse?;
    Some(StockRecord {
        warehouse_id,
        sku: sku?,
        on_hand: on_hand?,
        version: version?,
    })
}

fn customer_of(raw: ErpCustomer, row: &mut RowErrors) -> Option<CustomerRecord> {
    let version = row.version(raw.version, raw.modified_at.as_deref());
    let erp_key = row.check("erp_key", check_erp_key(&raw.erp_key));
    let customer_id = match &raw.customer_id {
        Some(id) => row.check("customer_id", check_portal_id(id)).map(Some),
        None => Some(None),
    };
    let legal_name = match &raw.legal_name {
        Some(name) => row
            .check("legal_name", text(name, 200, false))
            .map(|n| Some(n).filter(|n| !n.is_empty())),
        None => Some(None),
    };
    let price_list_id = match &raw.price_list_id {
        Some(id) => row
            .check(
                "price_list_id",
                check_price_list_id(id.trim()).map(|_| id.trim().to_string()),
            )
            .map(Some),
        None => Some(None),
    };
    let mut warehouses_ok = true;
    if let Some(ids) = &raw.warehouse_ids {
        if ids.len() > crate::customers::profile::MAX_WAREHOUSES {
            row.push(
                "warehouse_ids",
                format!(
                    "at most {} warehouses",
                    crate::customers::profile::MAX_WAREHOUSES
                ),
            );
            warehouses_ok = false;
        }
        for (i, id) in ids.iter().enumerate() {
            if let Err(reason) = check_warehouse_id(id.trim()) {
                row.push(&format!("warehouse_ids[{i}]"), reason);
                warehouses_ok = false;
            }
        }
    }
    if let Some(default) = &raw.default_warehouse_id {
        if let Err(reason) = check_warehouse_id(default.trim()) {
            row.push("default_warehouse_id", reason);
            warehouses_ok = false;
        } else if let Some(ids) = &raw.warehouse_ids {
            if !ids.iter().any(|w| w.trim() == default.trim()) {
                row.push("default_warehouse_id", "must be one of warehouse_ids");
                warehouses_ok = false;
            }
        }
    }
    let credit = match &raw.credit {
        None => Some(None),
        Some(c) => {
            let limit = row.check("credit.limit", money(&c.limit, false));
            let currency = row.check(
                "credit.currency",
                Currency::parse(c.currency.trim()).map(|c| c.as_str().to_string()),
            );
            let days = row.check(
                "credit.credit_days",
                if c.credit_days <= 365 {
                    Ok(c.credit_days)
                } else {
                    Err("must be at most 365".to_string())
                },
            );
            match (limit, currency, days) {
                (Some(limit), Some(currency), Some(credit_days)) => Some(Some(CreditRecordInput {
                    terms: c.terms,
                    credit_days,
                    limit,
                    currency,
                })),
                _ => None,
            }
        }
    };
    if !warehouses_ok {
        return None;
    }
    Some(CustomerRecord {
        erp_key: erp_key?,
        customer_id: customer_id?,
        name: raw.name,
        legal_name: legal_name?,
        tax_id: raw.tax_id,
        email: raw.email,
        phone: raw.phone,
        language: raw.language,
        price_list_id: price_list_id?,
        warehouse_ids: raw
            .warehouse_ids
            .map(|ids| ids.into_iter().map(|w| w.trim().to_string()).collect()),
        default_warehouse_id: raw.default_warehouse_id.map(|w| w.trim().to_string()),
        credit: credit?,
        version: version?,
    })
}

fn party_of(raw: &ErpParty, field: &str, row: &mut RowErrors) -> Option<Party> {
    let name = row.check(&format!("{field}.name"), text(&raw.name, 200, true));
    let tax_id = row.check(&format!("{field}.tax_id"), text(&raw.tax_id, 40, true));
    let address = match &raw.address {
        Some(a) => row
            .check(&format!("{field}.address"), text(a, 500, false))
            .map(|a| Some(a).filter(|a| !a.is_empty())),
        None => Some(None),
    };
    Some(Party {
        name: name?,
        tax_id: tax_id?,
        address: address?,
    })
}

fn document_of(raw: ErpDocument, row: &mut RowErrors, now: &str) -> Option<DocumentRecord> {
    let version = row.version(raw.version, raw.modified_at.as_deref());
    let erp_key = row.check("erp_key", check_erp_key(&raw.erp_key));
    let number = row.check(
        "number",
        text(&raw.number, 40, true).and_then(|n| {
            if n.contains('\n') || n.contains('\t') {
                Err("must be one line".to_string())
            } else {
                Ok(n)
            }
        }),
    );
    let customer = match (&raw.customer_erp_key, &raw.customer_id) {
        (Some(key), None) => row
            .check("customer_erp_key", check_erp_key(key))
            .map(CustomerRef::ErpKey),
        (None, Some(id)) => row
            .check("customer_id", check_portal_id(id))
            .map(CustomerRef::PortalId),
        (Some(_), Some(_)) => {
            row.push(
                "customer_id",
                "give customer_erp_key or customer_id, not both",
            );
            None
        }
        (None, None) => {
            row.push("customer_erp_key", "is required (or customer_id)");
            None
        }
    };
    let issued_on = row.check("issued_on", date(&raw.issued_on));
    let due_on = match &raw.due_on {
        Some(d) => row.check("due_on", date(d)).map(Some),
        None => Some(None),
    };
    if let (Some(issued), Some(Some(due))) = (&issued_on, &due_on) {
        if due < issued {
            row.push("due_on", "must not be before issued_on");
        }
    }
    let currency = row.check(
        "currency",
        Currency::parse(raw.currency.trim()).map(|c| c.as_str().to_string()),
    );
    if raw.lines.len() > MAX_DOCUMENT_LINES {
        row.push("lines", format!("at most {MAX_DOCUMENT_LINES} lines"));
    }
    let mut lines = Vec::with_capacity(raw.lines.len());
    for (i, line) in raw.lines.iter().enumerate().take(MAX_DOCUMENT_LINES) {
        let at = |f: &str| format!("lines[{i}].{f}");
        let sku = match &line.sku {
            Some(s) => row
                .check(&at("sku"), text(s, 64, false))
                .map(|s| Some(s).filter(|s| !s.is_empty())),
            None => Some(None),
        };
        let description = row.check(&at("description"), text(&line.description, 300, true));
        let quantity = row.check(&at("quantity"), decimal(&line.quantity, true));
        let unit = match &line.unit {
            Some(u) => row
                .check(&at("unit"), text(u, 20, false))
                .map(|u| Some(u).filter(|u| !u.is_empty())),
            None => Some(None),
        };
        let unit_price = row.check(&at("unit_price"), money(&line.unit_price, true));
        let tax_rate = match &line.tax_rate {
            Some(r) => row
                .check(&at("tax_rate"), crate::catalog::parse_tax_rate(r))
                .map(Some),
            None => Some(None),
        };
        let total = row.check(&at("total"), money(&line.total, true));
        if let (
            Some(sku),
            Some(description),
            Some(quantity),
            Some(unit),
            Some(unit_price),
            Some(tax_rate),
            Some(total),
        ) = (
            sku,
            description,
            quantity,
            unit,
            unit_price,
            tax_rate,
            total,
        ) {
            lines.push(DocumentLine {
                sku,
                description,
                quantity,
                unit,
                unit_price,
                tax_rate,
                total,
            });
        }
    }
    let subtotal = row.check("subtotal", money(&raw.subtotal, false));
    let tax = row.check("tax", money(&raw.tax, false));
    let total = row.check("total", money(&raw.total, false));
    let paid = row.check("paid", money(raw.paid.as_deref().unwrap_or("0"), false));
    if let (Some(subtotal), Some(tax), Some(total)) = (subtotal, tax, total) {
        if (subtotal + tax - total).abs() > Decimal::new(1, 2) {
            row.push("total", "must equal subtotal + tax");
        }
    }
    let issuer = match &raw.issuer {
        Some(p) => party_of(p, "issuer", row).map(Some),
        None => Some(None),
    };
    let receiver = match &raw.receiver {
        Some(p) => party_of(p, "receiver", row).map(Some),
        None => Some(None),
    };
    if raw.references.len() > 50 {
        row.push("references", "at most 50 references");
    }
    let mut references = Vec::new();
    for (i, r) in raw.references.iter().enumerate() {
        if let Some(r) = row.check(&format!("references[{i}]"), text(r, 40, true)) {
            references.push(r);
        }
    }
    let notes = match &raw.notes {
        Some(n) => row
            .check("notes", text(n, 2000, false))
            .map(|n| Some(n).filter(|n| !n.is_empty())),
        None => Some(None),
    };
    if row.count > 0 {
        return None;
    }
    let (erp_key, total, paid) = (erp_key?, total?, paid?);
    Some(DocumentRecord {
        customer: customer?,
        document: Document {
            id: document_id(&erp_key),
            erp_key,
            kind: raw.kind,
            number: number?,
            status: raw.status,
            customer_id: String::new(),
            issued_on: issued_on?,
            due_on: due_on?,
            currency: currency?,
            lines,
            subtotal: subtotal?,
            tax: tax?,
            total,
            paid,
            balance: balance_of(raw.kind, raw.status, total, paid),
            issuer: issuer?,
            receiver: receiver?,
            references,
            notes: notes?,
            version: version?,
            updated_at: now.to_string(),
        },
    })
}

/// Reports a record whose key an earlier record of the batch already has.
fn unique<K: std::hash::Hash + Eq>(
    seen: &mut HashMap<K, usize>,
    key: K,
    index: usize,
    path: &str,
    field: &str,
    prefix: &str,
    errors: &mut Vec<FieldError>,
) -> bool {
    match seen.insert(key, index) {
        Some(first) => {
            errors.push(FieldError::new(
                format!("{path}.{field}"),
                format!("repeats {prefix}[{first}]: one record per key and batch"),
            ));
            false
        }
        None => true,
    }
}

/// Checks every record of a batch. `prefix` names the array (`records`, `changes.items`).
/// Answers the valid records and every problem found (the caller decides whether one problem
/// refuses the whole batch).
pub fn validate(
    kind: RecordKind,
    values: &[serde_json::Value],
    prefix: &str,
) -> (Records, Vec<FieldError>) {
    let now = crate::types::now_rfc3339();
    let mut errors = Vec::new();
    macro_rules! each {
        ($ty:ty, |$raw:ident, $row:ident| $make:expr, |$rec:ident| $key:expr, $field:expr) => {{
            let mut out = Vec::with_capacity(values.len());
            let mut seen = HashMap::new();
            for (i, value) in values.iter().enumerate() {
                let path = format!("{prefix}[{i}]");
                let Some($raw) = parse_record::<$ty>(value, &path, &mut errors) else {
                    continue;
                };
                let mut $row = RowErrors {
                    path: &path,
                    errors: &mut errors,
                    count: 0,
                };
                if let Some($rec) = $make {
                    if $row.count == 0
                        && unique(&mut seen, $key, i, &path, $field, prefix, &mut errors)
                    {
                        out.push((i, $rec));
                    }
                }
            }
            out
        }};
    }
    let records = match kind {
        RecordKind::Items => Records::Items(each!(
            ErpItem,
            |raw, row| item_of(raw, &mut row, &now),
            |r| r.sku.clone(),
            "sku"
        )),
        RecordKind::Prices => Records::Prices(each!(
            ErpPrice,
            |raw, row| price_of(raw, &mut row, &now),
            |r| (r.price.price_list_id.clone(), r.price.sku.clone()),
            "sku"
        )),
        RecordKind::Stock => Records::Stock(each!(
            ErpStock,
            |raw, row| stock_of(raw, &mut row),
            |r| (r.warehouse_id.clone(), r.sku.clone()),
            "sku"
        )),
        RecordKind::Customers => Records::Customers(each!(
            ErpCustomer,
            |raw, row| customer_of(raw, &mut row),
            |r| r.erp_key.clone(),
            "erp_key"
        )),
        RecordKind::Documents => Records::Documents(each!(
            ErpDocument,
            |raw, row| document_of(raw, &mut row, &now),
            |r| r.document.erp_key.clone(),
            "erp_key"
        )),
    };
    (records, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(errors: &[FieldError]) -> Vec<String> {
        errors.iter().map(|e| e.field.clone()).collect()
    }

    #[test]
    fn money_keeps_two_decimals_at_least_and_quantities_stay_as_sent() {
        assert_eq!(money("5800", false).unwrap().to_string(), "5800.00");
        assert_eq!(money("2076.40", false).unwrap().to_string(), "2076.40");
        assert_eq!(money("89.125", false).unwrap().to_string(), "89.125");
        assert_eq!(money("1.10000", false).unwrap().to_string(), "1.10");
        assert!(money("-1", false).is_err());
        assert!(money("1.00001", false).is_err());
        assert_eq!(decimal("2.50", true).unwrap().to_string(), "2.5");
    }

    #[test]
    fn items_are_checked_like_the_catalog_and_need_a_version() {
        let values = vec![
            json!({"sku": "a-1", "name": "Taladro", "item_type": "Tools", "unit": "piece", "tax_rate": "0.16", "version": 3}),
            json!({"sku": "bad sku", "name": "", "item_type": "Tools", "unit": "piece", "tax_rate": "2"}),
            json!({"sku": "A-1", "name": "Otra", "item_type": "Tools", "unit": "piece", "tax_rate": "0", "modified_at": "2025-01-01T00:00:00Z"}),
            json!({"sku": "C", "name": "X", "item_type": "T", "unit": "u", "tax_rate": "0", "version": 1, "colour": "red"}),
            json!("not an object"),
        ];
        let (records, errors) = validate(RecordKind::Items, &values, "records");
        let Records::Items(items) = records else {
            panic!()
        };
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].1.sku.as_str(), "A-1");
        assert_eq!(items[0].1.version.as_deref(), Some("n00000000000000000003"));
        assert_eq!(items[0].1.erp_key.as_deref(), Some("A-1"));
        assert_eq!(
            fields(&errors),
            vec![
                "records[1].version",
                "records[1].sku",
                "records[1].name",
                "records[1].tax_rate",
                "records[2].sku",
                "records[3].colour",
                "records[4]"
            ]
        );
        assert!(errors[4].reason.contains("repeats records[0]"));
        assert!(errors[5].reason.contains("colour"));
    }

    #[test]
    fn stock_and_prices_name_their_fields() {
        let (_, errors) = validate(
            RecordKind::Stock,
            &[
                json!({"warehouse_id": "MTY", "sku": "A", "on_hand": -1, "version": 1}),
                json!({"warehouse_id": "M T", "sku": "A", "on_hand": "7", "version": 1}),
            ],
            "records",
        );
        assert_eq!(
            fields(&errors),
            vec!["records[0].on_hand", "records[1].on_hand"]
        );
        let (records, errors) = validate(
            RecordKind::Prices,
            &[
                json!({"price_list_id": "L1", "currency": "MXN", "sku": "A", "unit_price": "10.5", "tiers": [{"min_quantity": 1, "unit_price": "9"}], "version": 1}),
                json!({"price_list_id": "L1", "currency": "XXX", "sku": "B", "unit_price": "1", "version": 2}),
            ],
            "changes.prices",
        );
        assert_eq!(
            fields(&errors),
            vec![
                "changes.prices[0].tiers[0].min_quantity",
                "changes.prices[1].currency"
            ]
        );
        assert!(records.is_empty());
    }

    #[test]
    fn documents_check_amounts_dates_and_owner() {
        let good = json!({
            "erp_key": "F-1", "kind": "invoice", "number": "A-1", "customer_erp_key": "C1",
            "issued_on": "2025-01-15", "due_on": "2025-02-14", "currency": "MXN",
            "lines": [{"description": "Taladro", "quantity": "2", "unit_price": "100", "total": "200"}],
            "subtotal": "200", "tax": "32", "total": "232", "paid": "32", "version": 1
        });
        let (records, errors) = validate(
            RecordKind::Documents,
            std::slice::from_ref(&good),
            "records",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let Records::Documents(docs) = records else {
            panic!()
        };
        assert_eq!(docs[0].1.document.balance, Decimal::from(200));
        assert_eq!(docs[0].1.customer, CustomerRef::ErpKey("C1".into()));
        let mut bad = good.clone();
        bad["total"] = json!("300");
        bad["due_on"] = json!("2025-01-01");
        bad["lines"][0]["quantity"] = json!("two");
        bad.as_object_mut().unwrap().remove("customer_erp_key");
        let (_, errors) = validate(RecordKind::Documents, &[bad], "records");
        assert_eq!(
            fields(&errors),
            vec![
                "records[0].customer_erp_key",
                "records[0].due_on",
                "records[0].lines[0].quantity",
                "records[0].total"
            ]
        );
    }

    #[test]
    fn customers_check_credit_and_warehouses() {
        let (records, errors) = validate(
            RecordKind::Customers,
            &[
                json!({"erp_key": "C1", "name": "Uno", "tax_id": "RFC1", "email": "A@uno.mx",
                "warehouse_ids": ["MTY"], "default_warehouse_id": "GDL",
                "credit": {"terms": "CREDIT", "credit_days": 30, "limit": "-5", "currency": "MXN"}, "version": 1}),
                json!({"erp_key": "C2", "name": "Dos", "tax_id": "RFC2", "email": "not-an-email", "version": 1}),
            ],
            "records",
        );
        assert!(records.is_empty());
        assert_eq!(
            fields(&errors),
            vec![
                "records[0].default_warehouse_id",
                "records[0].credit.limit",
                "records[1].email"
            ]
        );
    }
}
