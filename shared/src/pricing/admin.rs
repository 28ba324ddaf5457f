//! Price-list administration (F19): price lists, bulk price upserts and per-customer special
//! prices and discounts. Bulk writes are validated as a whole first: one bad row and nothing is
//! written, with every bad row named (`prices[3].unit_price`).

use std::collections::HashMap;
use std::str::FromStr;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{
    AttributeValue, DeleteRequest, PutRequest, ReturnValue, WriteRequest,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::currency::Currency;
use super::model::{CustomerPrice, Price, PriceList, Tier};
use crate::catalog::Sku;
use crate::error::{AppError, AppResult, FieldError};
use crate::store::{self, keys, Keys, Page, QuerySpec, Store, StoreError};
use crate::types::{new_id, now_rfc3339, Name};

/// Most rows one bulk price call takes.
pub const MAX_PRICE_ROWS: usize = 1_000;
/// Most quantity tiers one price may have.
pub const MAX_TIERS: usize = 20;
/// Prices and special prices keep at most this many decimals.
pub const PRICE_DECIMALS: u32 = 4;
/// Upper bound of any unit price, to catch a misplaced decimal point.
pub const MAX_UNIT_PRICE: i64 = 1_000_000_000;
/// BatchWriteItem takes at most 25 writes; this many batches run at once.
const BATCH_WRITE_SIZE: usize = 25;
const BATCH_WRITES_IN_FLIGHT: usize = 8;

// ---------------------------------------------------------------------------------------------
// Price lists

/// A new price list. `id` is optional (an ERP code such as `MAYOREO`); one is made otherwise.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPriceList {
    #[serde(default)]
    #[schema(example = "MAYOREO")]
    pub id: Option<String>,
    pub name: Name,
    pub currency: Currency,
}

/// Changes to a price list. The currency can change only while the list has no prices (every
/// stored price is an amount in it); afterwards the answer is 409 `currency-locked`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceListPatch {
    #[serde(default)]
    pub name: Option<Name>,
    #[serde(default)]
    pub currency: Option<Currency>,
}

/// 1-40 letters, digits, `-` or `_`.
pub fn check_price_list_id(id: &str) -> Result<(), String> {
    if !id.is_empty()
        && id.len() <= 40
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(())
    } else {
        Err("must be 1-40 letters, digits, '-' or '_'".into())
    }
}

fn price_list_keys(list: &PriceList) -> Keys {
    Keys::new(keys::price_list_pk(&list.id), keys::META_SK).gsi1(
        keys::PRICE_LISTS_INDEX_PK,
        keys::price_list_index_sk(&list.name, &list.id),
    )
}

pub async fn create_price_list(store: &Store, input: NewPriceList) -> AppResult<PriceList> {
    let id = match input.id {
        Some(id) => {
            check_price_list_id(&id).map_err(|reason| AppError::invalid("id", reason))?;
            id
        }
        None => new_id(),
    };
    let now = now_rfc3339();
    let list = PriceList {
        id,
        name: input.name.as_str().to_string(),
        currency: input.currency.as_str().to_string(),
        has_prices: false,
        created_at: now.clone(),
        updated_at: now,
    };
    match store.put_new(&price_list_keys(&list), &list).await {
        Ok(()) => Ok(list),
        Err(StoreError::ConditionFailed) => Err(AppError::Conflict {
            code: "price-list-exists",
            message: format!("a price list with id {} already exists", list.id),
            errors: vec![FieldError::new("id", "already exists")],
        }),
        Err(e) => Err(e.into()),
    }
}

pub async fn get_price_list(store: &Store, id: &str) -> AppResult<PriceList> {
    if check_price_list_id(id).is_err() {
        return Err(AppError::NotFound);
    }
    store
        .get(&keys::price_list_pk(id), keys::META_SK)
        .await?
        .ok_or(AppError::NotFound)
}

/// Price lists by name.
pub async fn list_price_lists(
    store: &Store,
    cursor: Option<String>,
    limit: i32,
) -> AppResult<Page<PriceList>> {
    check_cursor(cursor.as_deref(), "GSI1PK", keys::PRICE_LISTS_INDEX_PK)?;
    Ok(store
        .query(
            QuerySpec::index(keys::GSI1, keys::PRICE_LISTS_INDEX_PK)
                .limit(limit)
                .cursor(cursor),
        )
        .await?)
}

pub async fn update_price_list(
    store: &Store,
    id: &str,
    patch: PriceListPatch,
) -> AppResult<PriceList> {
    let current = get_price_list(store, id).await?;
    if patch.name.is_none() && patch.currency.is_none() {
        return Ok(current);
    }
    let name = patch
        .name
        .as_ref()
        .map(|n| n.as_str().to_string())
        .unwrap_or(current.name.clone());
    let mut req = store
        .client()
        .update_item()
        .table_name(store.table())
        .set_key(Some(store::key_of(&keys::price_list_pk(id), keys::META_SK)))
        .update_expression("SET #name = :name, GSI1SK = :index_sk, updated_at = :now")
        .expression_attribute_names("#name", "name")
        .expression_attribute_values(":name", store::s(&name))
        .expression_attribute_values(":index_sk", store::s(&keys::price_list_index_sk(&name, id)))
        .expression_attribute_values(":now", store::s(&now_rfc3339()))
        .condition_expression("attribute_exists(PK)")
        .return_values(ReturnValue::AllNew);
    if let Some(currency) = &patch.currency {
        // Race-free with the first price upsert, which sets has_prices before writing prices.
        req = req
            .update_expression(
                "SET #name = :name, GSI1SK = :index_sk, updated_at = :now, currency = :currency",
            )
            .condition_expression(
                "attribute_exists(PK) AND (attribute_not_exists(has_prices) OR has_prices = :no \
                 OR currency = :currency)",
            )
            .expression_attribute_values(":currency", store::s(currency.as_str()))
            .expression_attribute_values(":no", AttributeValue::Bool(false));
    }
    match req.send().await {
        Ok(out) => Ok(store::from_item(out.attributes.unwrap_or_default())?),
        Err(err) => match sdk_error(err) {
            StoreError::ConditionFailed => {
                // Gone, or prices were written since we read it.
                let now = get_price_list(store, id).await?;
                Err(currency_locked(&now))
            }
            other => Err(other.into()),
        },
    }
}

fn currency_locked(list: &PriceList) -> AppError {
    AppError::Conflict {
        code: "currency-locked",
        message: format!(
            "price list {} already has prices in {}; its currency can no longer change",
            list.id, list.currency
        ),
        errors: vec![FieldError::new(
            "currency",
            "cannot change once prices exist",
        )],
    }
}

/// Marks the list as having prices (locking its currency) and returns it; 404 if it is missing.
async fn lock_currency(store: &Store, list_id: &str) -> AppResult<PriceList> {
    if check_price_list_id(list_id).is_err() {
        return Err(AppError::NotFound);
    }
    let out = store
        .client()
        .update_item()
        .table_name(store.table())
        .set_key(Some(store::key_of(
            &keys::price_list_pk(list_id),
            keys::META_SK,
        )))
        .update_expression("SET has_prices = :yes")
        .condition_expression("attribute_exists(PK)")
        .expression_attribute_values(":yes", AttributeValue::Bool(true))
        .return_values(ReturnValue::AllNew)
        .send()
        .await;
    match out {
        Ok(out) => Ok(store::from_item(out.attributes.unwrap_or_default())?),
        Err(err) => match sdk_error(err) {
            StoreError::ConditionFailed => Err(AppError::NotFound),
            other => Err(other.into()),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Row validation (shared with CSV/JSON import)

/// A validated list price.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceRow {
    pub sku: Sku,
    pub unit_price: Decimal,
    pub tiers: Vec<Tier>,
}

/// A validated per-customer record. Both parts `None` means "remove this SKU's record".
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerPriceRow {
    pub sku: Sku,
    pub special_price: Option<Decimal>,
    pub discount_percent: Option<Decimal>,
}

/// One row of `PUT /v1/admin/price-lists/{id}/prices` (schema for the API document).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PriceRowInput {
    pub sku: Sku,
    #[schema(value_type = String, example = "120.50")]
    pub unit_price: String,
    #[serde(default)]
    pub tiers: Vec<TierInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TierInput {
    /// 2 or more: quantity 1 is the list price itself.
    pub min_quantity: u32,
    #[schema(value_type = String, example = "110.00")]
    pub unit_price: String,
}

/// One row of `PUT /v1/admin/customers/{id}/prices`. Leave both out (or null) to remove the
/// customer's record for that SKU.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CustomerPriceRowInput {
    pub sku: Sku,
    #[schema(value_type = Option<String>, example = "99.90")]
    pub special_price: Option<String>,
    /// Percent, `0` to `100`.
    #[schema(value_type = Option<String>, example = "5")]
    pub discount_percent: Option<String>,
}

/// A unit price: a decimal string, 0 or more, at most four decimals.
pub fn parse_unit_price(raw: &str) -> Result<Decimal, String> {
    let value = Decimal::from_str(raw.trim())
        .map_err(|_| "must be a decimal number as a string, e.g. \"120.50\"".to_string())?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err("must not be negative".into());
    }
    if value.normalize().scale() > PRICE_DECIMALS {
        return Err(format!("must have at most {PRICE_DECIMALS} decimals"));
    }
    if value > Decimal::from(MAX_UNIT_PRICE) {
        return Err(format!("must be at most {MAX_UNIT_PRICE}"));
    }
    // Stored as shown: no trailing zeros past the cents, at least two decimals.
    Ok(super::book::unit_amount(value.max(Decimal::ZERO)))
}

/// A discount: a decimal string from 0 to 100 (percent), at most four decimals.
pub fn parse_discount_percent(raw: &str) -> Result<Decimal, String> {
    let value = Decimal::from_str(raw.trim())
        .map_err(|_| "must be a percentage as a string, e.g. \"5\" or \"12.5\"".to_string())?;
    if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
        return Err("must be between 0 and 100".into());
    }
    if value.normalize().scale() > PRICE_DECIMALS {
        return Err(format!("must have at most {PRICE_DECIMALS} decimals"));
    }
    Ok(value.normalize())
}

/// Tiers: at most [`MAX_TIERS`], each `min_quantity` 2 or more and distinct. Errors name the
/// tier by index and field (`[1].min_quantity`), relative to the tiers array.
pub fn check_tiers(tiers: &[Tier]) -> Vec<(String, String)> {
    let mut errors = Vec::new();
    if tiers.len() > MAX_TIERS {
        errors.push((String::new(), format!("at most {MAX_TIERS} tiers")));
    }
    let mut seen: HashMap<u32, usize> = HashMap::new();
    for (i, tier) in tiers.iter().enumerate() {
        if tier.min_quantity < 2 {
            errors.push((
                format!("[{i}].min_quantity"),
                "must be 2 or more (quantity 1 pays the list price)".into(),
            ));
        } else if let Some(first) = seen.insert(tier.min_quantity, i) {
            errors.push((
                format!("[{i}].min_quantity"),
                format!("repeats tiers[{first}].min_quantity"),
            ));
        }
    }
    errors
}

fn string_field<'a>(
    row: &'a serde_json::Map<String, Value>,
    name: &str,
    path: &str,
    errors: &mut Vec<FieldError>,
) -> Option<&'a str> {
    match row.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => {
            errors.push(FieldError::new(
                format!("{path}.{name}"),
                "must be a decimal number as a string, e.g. \"12.50\"",
            ));
            None
        }
    }
}

fn row_object<'a>(
    row: &'a Value,
    path: &str,
    allowed: &[&str],
    errors: &mut Vec<FieldError>,
) -> Option<&'a serde_json::Map<String, Value>> {
    let Some(obj) = row.as_object() else {
        errors.push(FieldError::new(path, "must be an object"));
        return None;
    };
    for key in obj.keys() {
        if !allowed.contains(&key.as_str()) {
            errors.push(FieldError::new(format!("{path}.{key}"), "unknown field"));
        }
    }
    Some(obj)
}

fn row_sku(
    obj: &serde_json::Map<String, Value>,
    path: &str,
    seen: &mut HashMap<Sku, usize>,
    index: usize,
    array: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Sku> {
    let field = format!("{path}.sku");
    match obj.get("sku") {
        None | Some(Value::Null) => {
            errors.push(FieldError::new(field, "is required"));
            None
        }
        Some(Value::String(raw)) => match Sku::parse(raw.as_str()) {
            Ok(sku) => {
                if let Some(first) = seen.insert(sku.clone(), index) {
                    errors.push(FieldError::new(
                        field,
                        format!("repeats {array}[{first}].sku; give each SKU once"),
                    ));
                }
                Some(sku)
            }
            Err(reason) => {
                errors.push(FieldError::new(field, reason));
                None
            }
        },
        Some(_) => {
            errors.push(FieldError::new(field, "must be a string"));
            None
        }
    }
}

fn check_row_count(len: usize, array: &str) -> AppResult<()> {
    if len == 0 {
        return Err(AppError::invalid(array, "must have at least one row"));
    }
    if len > MAX_PRICE_ROWS {
        return Err(AppError::invalid(
            array,
            format!("at most {MAX_PRICE_ROWS} rows per call"),
        ));
    }
    Ok(())
}

/// Validates the rows of a bulk list-price call as a whole: every bad row and field is named.
pub fn parse_price_rows(rows: &[Value]) -> AppResult<Vec<PriceRow>> {
    check_row_count(rows.len(), "prices")?;
    let mut errors = Vec::new();
    let mut seen = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let path = format!("prices[{i}]");
        let Some(obj) = row_object(row, &path, &["sku", "unit_price", "tiers"], &mut errors) else {
            continue;
        };
        let sku = row_sku(obj, &path, &mut seen, i, "prices", &mut errors);
        let unit_price = match string_field(obj, "unit_price", &path, &mut errors) {
            Some(raw) => parse_unit_price(raw)
                .map_err(|reason| {
                    errors.push(FieldError::new(format!("{path}.unit_price"), reason))
                })
                .ok(),
            None if matches!(obj.get("unit_price"), None | Some(Value::Null)) => {
                errors.push(FieldError::new(format!("{path}.unit_price"), "is required"));
                None
            }
            None => None,
        };
        let tiers = parse_tiers(obj.get("tiers"), &format!("{path}.tiers"), &mut errors);
        if let (Some(sku), Some(unit_price), Some(tiers)) = (sku, unit_price, tiers) {
            out.push(PriceRow {
                sku,
                unit_price,
                tiers,
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Validation(errors))
    }
}

fn parse_tiers(raw: Option<&Value>, path: &str, errors: &mut Vec<FieldError>) -> Option<Vec<Tier>> {
    let list = match raw {
        None | Some(Value::Null) => return Some(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => {
            errors.push(FieldError::new(path, "must be a list of tiers"));
            return None;
        }
    };
    let before = errors.len();
    let mut tiers = Vec::with_capacity(list.len());
    for (i, tier) in list.iter().enumerate() {
        let tier_path = format!("{path}[{i}]");
        let Some(obj) = row_object(tier, &tier_path, &["min_quantity", "unit_price"], errors)
        else {
            continue;
        };
        let min_quantity = match obj.get("min_quantity") {
            Some(Value::Number(n)) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            _ => None,
        };
        if min_quantity.is_none() {
            errors.push(FieldError::new(
                format!("{tier_path}.min_quantity"),
                "must be a whole number of 2 or more",
            ));
        }
        let unit_price = match obj.get("unit_price") {
            Some(Value::String(raw)) => parse_unit_price(raw)
                .map_err(|r| errors.push(FieldError::new(format!("{tier_path}.unit_price"), r)))
                .ok(),
            None | Some(Value::Null) => {
                errors.push(FieldError::new(
                    format!("{tier_path}.unit_price"),
                    "is required",
                ));
                None
            }
            Some(_) => {
                errors.push(FieldError::new(
                    format!("{tier_path}.unit_price"),
                    "must be a decimal number as a string, e.g. \"12.50\"",
                ));
                None
            }
        };
        if let (Some(min_quantity), Some(unit_price)) = (min_quantity, unit_price) {
            tiers.push(Tier {
                min_quantity,
                unit_price,
            });
        }
    }
    if errors.len() > before {
        return None;
    }
    let tier_errors = check_tiers(&tiers);
    if !tier_errors.is_empty() {
        for (sub, reason) in tier_errors {
            errors.push(FieldError::new(format!("{path}{sub}"), reason));
        }
        return None;
    }
    tiers.sort_by_key(|t| t.min_quantity);
    Some(tiers)
}

/// Validates the rows of a bulk customer-price call as a whole.
pub fn parse_customer_price_rows(rows: &[Value]) -> AppResult<Vec<CustomerPriceRow>> {
    check_row_count(rows.len(), "prices")?;
    let mut errors = Vec::new();
    let mut seen = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let path = format!("prices[{i}]");
        let Some(obj) = row_object(
            row,
            &path,
            &["sku", "special_price", "discount_percent"],
            &mut errors,
        ) else {
            continue;
        };
        let before = errors.len();
        let sku = row_sku(obj, &path, &mut seen, i, "prices", &mut errors);
        let special_price =
            string_field(obj, "special_price", &path, &mut errors).and_then(|raw| {
                parse_unit_price(raw)
                    .map_err(|r| errors.push(FieldError::new(format!("{path}.special_price"), r)))
                    .ok()
            });
        let discount_percent =
            string_field(obj, "discount_percent", &path, &mut errors).and_then(|raw| {
                parse_discount_percent(raw)
                    .map_err(|r| {
                        errors.push(FieldError::new(format!("{path}.discount_percent"), r))
                    })
                    .ok()
            });
        if let (Some(sku), true) = (sku, errors.len() == before) {
            out.push(CustomerPriceRow {
                sku,
                special_price,
                // A zero stays: it exempts this SKU from the customer-wide discount.
                discount_percent,
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Validation(errors))
    }
}

// ---------------------------------------------------------------------------------------------
// Writes

/// Writes validated list prices (any number; 25 per BatchWriteItem, unprocessed items retried).
/// The list must exist; its currency is locked from now on. Returns how many were written.
pub async fn write_prices(store: &Store, list_id: &str, rows: &[PriceRow]) -> AppResult<usize> {
    let list = lock_currency(store, list_id).await?;
    let now = now_rfc3339();
    let mut writes = Vec::with_capacity(rows.len());
    for row in rows {
        let price = Price {
            price_list_id: list.id.clone(),
            sku: row.sku.clone(),
            unit_price: row.unit_price,
            tiers: row.tiers.clone(),
            version: None,
            updated_at: now.clone(),
        };
        let keys = Keys::new(
            keys::price_list_pk(&list.id),
            keys::price_sk(row.sku.as_str()),
        );
        writes.push(put_request(store::item(&keys, &price)?)?);
    }
    batch_write(store, writes).await?;
    Ok(rows.len())
}

/// Writes (or, for rows with neither part, removes) a customer's special prices and discounts.
pub async fn write_customer_prices(
    store: &Store,
    customer_id: &str,
    rows: &[CustomerPriceRow],
) -> AppResult<usize> {
    let now = now_rfc3339();
    let pk = keys::customer_pk(customer_id);
    let mut writes = Vec::with_capacity(rows.len());
    for row in rows {
        let sk = keys::customer_price_sk(row.sku.as_str());
        if row.special_price.is_none() && row.discount_percent.is_none() {
            let delete = DeleteRequest::builder()
                .set_key(Some(store::key_of(&pk, &sk)))
                .build()
                .map_err(AppError::internal)?;
            writes.push(WriteRequest::builder().delete_request(delete).build());
        } else {
            let record = CustomerPrice {
                customer_id: customer_id.to_string(),
                sku: row.sku.clone(),
                special_price: row.special_price,
                discount_percent: row.discount_percent,
                updated_at: now.clone(),
            };
            writes.push(put_request(store::item(&Keys::new(&pk, sk), &record)?)?);
        }
    }
    batch_write(store, writes).await?;
    Ok(rows.len())
}

fn put_request(item: store::Item) -> AppResult<WriteRequest> {
    let put = PutRequest::builder()
        .set_item(Some(item))
        .build()
        .map_err(AppError::internal)?;
    Ok(WriteRequest::builder().put_request(put).build())
}

/// BatchWriteItem in chunks of 25, a few chunks at a time, retrying unprocessed items with
/// backoff. Not atomic across chunks: callers validate everything before writing.
pub async fn batch_write(store: &Store, writes: Vec<WriteRequest>) -> Result<(), StoreError> {
    let mut chunks = writes
        .chunks(BATCH_WRITE_SIZE)
        .map(<[WriteRequest]>::to_vec)
        .collect::<Vec<_>>()
        .into_iter();
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.len() < BATCH_WRITES_IN_FLIGHT {
            match chunks.next() {
                Some(chunk) => {
                    let store = store.clone();
                    running.spawn(crate::aws_ops::inherit(async move {
                        write_chunk(&store, chunk).await
                    }));
                }
                None => break,
            }
        }
        match running.join_next().await {
            Some(Ok(Ok(()))) => {}
            Some(Ok(Err(e))) => return Err(e),
            Some(Err(join)) => return Err(StoreError::Other(join.to_string())),
            None => return Ok(()),
        }
    }
}

async fn write_chunk(store: &Store, chunk: Vec<WriteRequest>) -> Result<(), StoreError> {
    let mut pending = chunk;
    let mut attempt = 0u32;
    loop {
        let out = store
            .client()
            .batch_write_item()
            .request_items(store.table(), pending)
            .send()
            .await
            .map_err(sdk_error)?;
        pending = out
            .unprocessed_items
            .and_then(|mut u| u.remove(store.table()))
            .unwrap_or_default();
        if pending.is_empty() {
            return Ok(());
        }
        attempt += 1;
        if attempt > 10 {
            return Err(StoreError::Unavailable(format!(
                "{} writes still unprocessed after retries",
                pending.len()
            )));
        }
        tokio::time::sleep(std::time::Duration::from_millis(20 << attempt.min(6))).await;
    }
}

fn sdk_error<E, R>(err: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match &err {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            StoreError::Unavailable(format!("{err:?}"))
        }
        SdkError::ServiceError(service) => match service.err().code() {
            Some("ConditionalCheckFailedException") => StoreError::ConditionFailed,
            Some(
                "ProvisionedThroughputExceededException"
                | "ThrottlingException"
                | "RequestLimitExceeded"
                | "InternalServerError",
            ) => StoreError::Unavailable(service.err().to_string()),
            code => StoreError::Other(format!("{}: {}", code.unwrap_or("?"), service.err())),
        },
        _ => StoreError::Other(format!("{err:?}")),
    }
}

// ---------------------------------------------------------------------------------------------
// Reads

/// A list's prices by SKU, one page.
pub async fn list_prices(
    store: &Store,
    list_id: &str,
    cursor: Option<String>,
    limit: i32,
) -> AppResult<Page<Price>> {
    get_price_list(store, list_id).await?;
    let pk = keys::price_list_pk(list_id);
    check_cursor(cursor.as_deref(), keys::PK, &pk)?;
    Ok(store
        .query(
            QuerySpec::partition(pk)
                .prefix(keys::PRICE_SK_PREFIX)
                .limit(limit)
                .cursor(cursor),
        )
        .await?)
}

/// A customer's special prices and discounts by SKU, one page.
pub async fn list_customer_prices(
    store: &Store,
    customer_id: &str,
    cursor: Option<String>,
    limit: i32,
) -> AppResult<Page<CustomerPrice>> {
    let pk = keys::customer_pk(customer_id);
    check_cursor(cursor.as_deref(), keys::PK, &pk)?;
    Ok(store
        .query(
            QuerySpec::partition(pk)
                .prefix(keys::CUSTOMER_PRICE_SK_PREFIX)
                .limit(limit)
                .cursor(cursor),
        )
        .await?)
}

/// A cursor must be one this query handed out: decodable and of the same partition.
fn check_cursor(cursor: Option<&str>, attr: &str, partition: &str) -> AppResult<()> {
    let Some(cursor) = cursor else {
        return Ok(());
    };
    match store::decode_cursor(cursor) {
        Some(key) if matches!(key.get(attr), Some(AttributeValue::S(v)) if v == partition) => {
            Ok(())
        }
        _ => Err(AppError::invalid("cursor", "is not a cursor of this list")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(err: AppError) -> Vec<String> {
        match err {
            AppError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn unit_prices_are_non_negative_decimal_strings_with_four_decimals_at_most() {
        assert_eq!(parse_unit_price("120.50").unwrap().to_string(), "120.50");
        assert_eq!(parse_unit_price("7").unwrap().to_string(), "7.00");
        assert_eq!(parse_unit_price("0.1250").unwrap().to_string(), "0.125");
        assert!(parse_unit_price("0").is_ok());
        assert!(parse_unit_price("-1").is_err());
        assert!(parse_unit_price("1.23456").is_err());
        assert!(parse_unit_price("abc").is_err());
        assert!(parse_unit_price("").is_err());
        assert!(parse_discount_percent("100").is_ok());
        assert!(parse_discount_percent("100.01").is_err());
        assert!(parse_discount_percent("-2").is_err());
    }

    #[test]
    fn every_bad_row_is_named() {
        let rows = vec![
            json!({"sku": "A-1", "unit_price": "10.00", "tiers": [{"min_quantity": 10, "unit_price": "9.00"}]}),
            json!({"sku": "A-2", "unit_price": 10.5}),
            json!({"sku": "bad sku!", "unit_price": "1"}),
            json!({"sku": "A-1", "unit_price": "-3"}),
            json!({"sku": "A-4"}),
            json!({"sku": "A-5", "unit_price": "1", "tiers": [{"min_quantity": 1, "unit_price": "1"}, {"min_quantity": 5, "unit_price": "x"}]}),
            json!({"sku": "A-6", "unit_price": "1", "tiers": [{"min_quantity": 5, "unit_price": "1"}, {"min_quantity": 5, "unit_price": "0.9"}]}),
            json!("A-7"),
            json!({"sku": "A-8", "unit_price": "1", "colour": "red"}),
        ];
        assert_eq!(
            fields(parse_price_rows(&rows).unwrap_err()),
            [
                "prices[1].unit_price",
                "prices[2].sku",
                "prices[3].sku",
                "prices[3].unit_price",
                "prices[4].unit_price",
                "prices[5].tiers[1].unit_price",
                "prices[6].tiers[1].min_quantity",
                "prices[7]",
                "prices[8].colour",
            ]
        );
    }

    #[test]
    fn good_rows_come_back_typed_with_sorted_tiers() {
        let rows = vec![json!({"sku": "a-1", "unit_price": "10.00", "tiers": [
            {"min_quantity": 50, "unit_price": "8"}, {"min_quantity": 10, "unit_price": "9"}]})];
        let parsed = parse_price_rows(&rows).unwrap();
        assert_eq!(parsed[0].sku.as_str(), "A-1");
        assert_eq!(
            parsed[0]
                .tiers
                .iter()
                .map(|t| t.min_quantity)
                .collect::<Vec<_>>(),
            [10, 50]
        );
        assert!(parse_price_rows(&[]).is_err());
        assert!(parse_price_rows(&vec![json!({"sku": "A", "unit_price": "1"}); 1001]).is_err());
    }

    #[test]
    fn customer_rows_validate_and_empty_rows_mean_removal() {
        let rows = vec![
            json!({"sku": "A", "special_price": "9.90"}),
            json!({"sku": "B", "discount_percent": "150"}),
            json!({"sku": "C", "special_price": 3}),
        ];
        assert_eq!(
            fields(parse_customer_price_rows(&rows).unwrap_err()),
            ["prices[1].discount_percent", "prices[2].special_price"]
        );
        let rows = vec![
            json!({"sku": "A", "discount_percent": "5"}),
            json!({"sku": "B"}),
        ];
        let parsed = parse_customer_price_rows(&rows).unwrap();
        assert_eq!(parsed[0].discount_percent, Some(Decimal::from(5)));
        assert_eq!(parsed[1].special_price, None);
        assert_eq!(parsed[1].discount_percent, None);
    }
}
