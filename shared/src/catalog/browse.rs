//! The storefront reads (F14-F18): list, search, detail and facets, each answering only what
//! the caller may see, and for a customer with its own prices and availability.
//!
//! Request budget of a page (proved by a test that counts requests): for a customer
//! 1. one BatchGetItem: the customer's profile and the store settings;
//! 2. one Query (an index partition, or a search-word partition) -- or, for a customer limited
//!    to listed SKUs, one BatchGetItem of the next SKUs of its list;
//! 3. one BatchGetItem: the price list, the page's list prices and special prices, and the
//!    stock of the page in the customer's warehouses (plus those warehouses' records).
//!
//! Never a request per item, never a Scan. Step 3 must fit in one BatchGetItem (100 keys):
//! `2 + W + L * (2 + W)` keys for `L` items and `W` warehouses, so a customer's page holds
//! `min(limit, (98 - W) / (2 + W))` items: the full [`MAX_LIMIT`] up to two warehouses, fewer
//! (with a cursor to the rest) beyond.

use std::collections::{HashMap, HashSet};

use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::items::SearchEntry;
use super::model::{Item, ItemSummary, Sku, Stock, Warehouse};
use super::{stock, text};
use crate::auth::{Principal, PrincipalKind};
use crate::customers::{CatalogAccess, Customer};
use crate::error::{AppError, AppResult};
use crate::http::PageOf;
use crate::pricing::{customer_may_buy, price_book, price_keys, PriceBook, PricedUnit};
use crate::settings::{Settings, StockDisplay};
use crate::store::{self, keys, schema, Store, StoreError};

pub const MAX_LIMIT: usize = 24;
pub const DEFAULT_LIMIT: usize = 24;
/// Keys one BatchGetItem reads at most.
const BATCH_KEYS: usize = 100;
/// When a query's results are filtered (types a customer may see, a brand within a type,
/// further search words), it reads this many times the page so a page is usually full; the
/// rest comes through the cursor.
const OVERFETCH: usize = 8;

/// Who is looking, as the catalog needs to know it.
#[derive(Debug, Clone)]
pub enum Viewer {
    /// Not logged in: in B2B mode sees items, never prices or availability (F14).
    Visitor,
    /// Staff not acting as a customer: every active item, no prices (they are per customer).
    Staff,
    /// A contact, or staff acting as the customer (F9): its items, prices and availability.
    Customer(Box<Customer>),
}

#[derive(Debug, Clone)]
pub struct Context {
    pub viewer: Viewer,
    pub settings: Settings,
}

fn attr<'a>(item: &'a store::Item, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(value)) => Some(value.as_str()),
        _ => None,
    }
}

impl Context {
    /// Reads what the caller's view depends on: the settings, and for a customer its profile,
    /// in one request. A visitor when B2B mode is off must log in (401): the catalog is closed.
    pub async fn load(store: &Store, principal: Option<&Principal>) -> AppResult<Self> {
        let customer_id = match principal {
            Some(p) if p.kind == PrincipalKind::Contact => Some(p.customer_scope()?.to_string()),
            _ => None,
        };
        let Some(customer_id) = customer_id else {
            let settings = crate::settings::load(store).await?;
            let viewer = match principal {
                Some(_) => Viewer::Staff,
                None if settings.b2b_mode => Viewer::Visitor,
                None => return Err(AppError::Unauthenticated),
            };
            return Ok(Self { viewer, settings });
        };
        let profile_pk = keys::customer_pk(&customer_id);
        let fetched = store
            .batch_get_items(vec![
                (profile_pk.clone(), keys::CUSTOMER_PROFILE_SK.to_string()),
                (keys::SETTINGS_PK.to_string(), keys::SETTINGS_SK.to_string()),
            ])
            .await?;
        let mut customer = None;
        let mut settings = Settings::default();
        for raw in fetched {
            if attr(&raw, keys::PK) == Some(keys::SETTINGS_PK) {
                settings = store::from_item(raw)?;
            } else if attr(&raw, keys::PK) == Some(profile_pk.as_str()) {
                customer = Some(store::from_item::<Customer>(raw)?);
            }
        }
        let customer = customer.ok_or(AppError::NotFound)?;
        Ok(Self {
            viewer: Viewer::Customer(Box::new(customer)),
            settings,
        })
    }

    fn customer(&self) -> Option<&Customer> {
        match &self.viewer {
            Viewer::Customer(c) => Some(c),
            _ => None,
        }
    }

    /// Whether this viewer may see `item` at all.
    fn may_see(&self, item: &Item) -> bool {
        match self.customer() {
            Some(customer) => customer_may_buy(&customer.catalog_access, item),
            None => item.active,
        }
    }

    /// Items on one page for this viewer: the request budget bounds a customer's page.
    fn page_size(&self, requested: usize) -> usize {
        match self.customer() {
            Some(c) => {
                let w = c.warehouse_ids.len();
                let budget = BATCH_KEYS.saturating_sub(2 + w) / (2 + w);
                requested.min(budget).max(1)
            }
            None => requested,
        }
    }
}

/// What a customer's catalog access means for queries: type keys or SKUs, sorted and unique.
#[derive(Debug, Clone, PartialEq)]
enum Scope {
    All,
    Types(Vec<String>),
    Items(Vec<Sku>),
}

impl Scope {
    fn of(ctx: &Context) -> Self {
        match ctx.customer().map(|c| &c.catalog_access) {
            None | Some(CatalogAccess::All) => Scope::All,
            Some(CatalogAccess::Types { types }) => {
                let mut keys: Vec<String> = types
                    .iter()
                    .map(|t| text::key_of(t))
                    .filter(|k| !k.is_empty())
                    .collect();
                keys.sort();
                keys.dedup();
                Scope::Types(keys)
            }
            Some(CatalogAccess::Items { skus }) => {
                let mut skus: Vec<Sku> = skus
                    .iter()
                    .filter_map(|s| Sku::parse(s.clone()).ok())
                    .collect();
                skus.sort();
                skus.dedup();
                Scope::Items(skus)
            }
        }
    }
}

/// `?q=&type=&brand=&cursor=&limit=` of the catalog list. Values are strings so that a bad one
/// is a 422 naming it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BrowseQuery {
    /// Search words (name, brand, SKU): every word must start a word of the item, accents and
    /// case ignored. At least one word of 2 or more characters.
    pub q: Option<String>,
    /// Only items of this type (as the facets list them).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub item_type: Option<String>,
    /// Only items of this brand.
    pub brand: Option<String>,
    /// `next_cursor` of the previous page (with the same q/type/brand).
    pub cursor: Option<String>,
    /// Items per page, 1-24 (default 24). A customer with more than two warehouses gets fewer
    /// per page (see the catalog design notes), and follows `next_cursor` for the rest.
    pub limit: Option<String>,
}

fn non_blank(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl BrowseQuery {
    fn limit(&self) -> AppResult<usize> {
        match non_blank(&self.limit) {
            None => Ok(DEFAULT_LIMIT),
            Some(raw) => match raw.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
                _ => Err(AppError::invalid(
                    "limit",
                    format!("must be a whole number from 1 to {MAX_LIMIT}"),
                )),
            },
        }
    }

    fn terms(&self) -> AppResult<Vec<String>> {
        let Some(q) = non_blank(&self.q) else {
            return Ok(Vec::new());
        };
        if q.chars().count() > 200 {
            return Err(AppError::invalid("q", "must be at most 200 characters"));
        }
        let terms = text::query_terms(q);
        match terms.first() {
            Some(t) if t.chars().count() >= text::PARTITION_CHARS => {
                Ok(terms.into_iter().take(8).collect())
            }
            _ => Err(AppError::invalid(
                "q",
                format!(
                    "needs a word of at least {} letters or digits",
                    text::PARTITION_CHARS
                ),
            )),
        }
    }

    fn key_filter(value: &Option<String>, field: &str) -> AppResult<Option<String>> {
        match non_blank(value) {
            None => Ok(None),
            Some(raw) => {
                let key = text::key_of(raw);
                if key.is_empty() || raw.chars().count() > 80 {
                    Err(AppError::invalid(field, "is not a type or brand name"))
                } else {
                    Ok(Some(key))
                }
            }
        }
    }
}

/// Server-side filters of a query (FilterExpression), all optional.
#[derive(Debug, Clone, Default)]
struct Filter {
    types_in: Option<Vec<String>>,
    type_eq: Option<String>,
    brand_eq: Option<String>,
    /// Search words beyond the one the query is keyed on.
    more_terms: Vec<String>,
}

impl Filter {
    fn is_empty(&self) -> bool {
        self.types_in.is_none()
            && self.type_eq.is_none()
            && self.brand_eq.is_none()
            && self.more_terms.is_empty()
    }
}

/// How a page is read.
#[derive(Debug, Clone)]
enum Plan {
    /// Nothing can match (e.g. a type the customer may not see): no request at all.
    Empty,
    /// One Query on an index partition (`index`) or a search-word partition of the table.
    Query {
        index: Option<&'static str>,
        pk: String,
        sk_prefix: Option<String>,
        filter: Filter,
        /// The search word the query is keyed on, when searching.
        search: Option<String>,
    },
    /// A customer limited to listed SKUs: walk its own list, in SKU order.
    Skus {
        skus: Vec<Sku>,
        type_eq: Option<String>,
        brand_eq: Option<String>,
        terms: Vec<String>,
    },
}

fn plan(
    scope: &Scope,
    terms: Vec<String>,
    type_eq: Option<String>,
    brand_eq: Option<String>,
) -> Plan {
    if let Scope::Items(skus) = scope {
        return Plan::Skus {
            skus: skus.clone(),
            type_eq,
            brand_eq,
            terms,
        };
    }
    let allowed = match scope {
        Scope::Types(types) => Some(types.clone()),
        _ => None,
    };
    if let (Some(allowed), Some(t)) = (&allowed, &type_eq) {
        if !allowed.contains(t) {
            return Plan::Empty;
        }
    }
    if allowed.as_ref().is_some_and(Vec::is_empty) {
        return Plan::Empty;
    }
    // With a type filter the allowed-types check is already done above.
    let types_in = if type_eq.is_some() {
        None
    } else {
        allowed.clone()
    };
    if let Some((driver, more)) = terms.split_first() {
        return Plan::Query {
            index: None,
            pk: keys::search_pk(&text::partition_of(driver)),
            sk_prefix: Some(driver.clone()),
            filter: Filter {
                types_in,
                type_eq,
                brand_eq,
                more_terms: more.to_vec(),
            },
            search: Some(driver.clone()),
        };
    }
    if let Some(t) = type_eq {
        return Plan::Query {
            index: Some(keys::GSI2),
            pk: keys::item_type_index_pk(&t),
            sk_prefix: None,
            filter: Filter {
                brand_eq,
                ..Default::default()
            },
            search: None,
        };
    }
    if let Some(b) = brand_eq {
        // GSI3 sorts a brand's items by type: one allowed type is a key prefix, not a filter.
        let (sk_prefix, types_in) = match types_in {
            Some(types) if types.len() == 1 => (Some(format!("{}#", types[0])), None),
            other => (None, other),
        };
        return Plan::Query {
            index: Some(keys::GSI3),
            pk: keys::item_brand_index_pk(&b),
            sk_prefix,
            filter: Filter {
                types_in,
                ..Default::default()
            },
            search: None,
        };
    }
    match types_in {
        Some(types) if types.len() == 1 => Plan::Query {
            index: Some(keys::GSI2),
            pk: keys::item_type_index_pk(&types[0]),
            sk_prefix: None,
            filter: Filter::default(),
            search: None,
        },
        types_in => Plan::Query {
            index: Some(keys::GSI1),
            pk: keys::ITEMS_INDEX_PK.into(),
            sk_prefix: None,
            filter: Filter {
                types_in,
                ..Default::default()
            },
            search: None,
        },
    }
}

// Cursors: which query they continue (so one cannot be replayed against another) and where.

#[derive(Serialize, Deserialize)]
struct Cursor {
    /// The query this cursor continues.
    s: String,
    /// The last key read (Query) ...
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    k: HashMap<String, String>,
    /// ... or the last SKU of a customer's own list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    a: Option<String>,
}

fn encode(cursor: &Cursor) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(cursor).unwrap_or_default())
}

fn decode(raw: Option<&str>, shape: &str) -> AppResult<Option<Cursor>> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Cursor>(&bytes).ok())
        .filter(|c| c.s == shape)
        .map(Some)
        .ok_or_else(|| {
            AppError::invalid(
                "cursor",
                "is not a cursor of this listing (use next_cursor with the same q, type and brand)",
            )
        })
}

fn key_attrs(index: Option<&str>) -> Vec<&'static str> {
    let mut attrs = vec![keys::PK, keys::SK];
    if let Some(index) = index {
        if let Some((_, pk, sk)) = schema::INDEXES.into_iter().find(|(n, _, _)| *n == index) {
            attrs.push(pk);
            attrs.push(sk);
        }
    }
    attrs
}

fn cursor_at(shape: &str, index: Option<&str>, raw: &store::Item) -> String {
    let k = key_attrs(index)
        .into_iter()
        .filter_map(|a| attr(raw, a).map(|v| (a.to_string(), v.to_string())))
        .collect();
    encode(&Cursor {
        s: shape.to_string(),
        k,
        a: None,
    })
}

/// An item rebuilt from a summary, for rules that take an item (visibility, pricing).
fn summary_item(summary: &ItemSummary) -> Item {
    Item {
        sku: summary.sku.clone(),
        name: summary.name.clone(),
        description: String::new(),
        item_type: summary.item_type.clone(),
        brand: summary.brand.clone(),
        unit: summary.unit.clone(),
        images: summary.image.iter().cloned().collect(),
        tax_rate: summary.tax_rate,
        active: true,
        erp_key: None,
        version: None,
        updated_at: String::new(),
    }
}

/// Reads the summaries of one page (without prices): the plan's one request.
async fn read_page(
    store: &Store,
    ctx: &Context,
    plan: Plan,
    page: usize,
    cursor: Option<&str>,
) -> AppResult<(Vec<ItemSummary>, Option<String>)> {
    match plan {
        Plan::Empty => {
            decode(cursor, "empty")?;
            Ok((Vec::new(), None))
        }
        Plan::Query {
            index,
            pk,
            sk_prefix,
            filter,
            search,
        } => {
            let shape = format!(
                "{}|{pk}|{}",
                index.unwrap_or("table"),
                sk_prefix.as_deref().unwrap_or("")
            );
            let start = decode(cursor, &shape)?;
            // Read what a full page needs: exactly the page when every entry read is shown;
            // twice the page for a plain search (an item listed at its first matching word
            // only); more when a filter drops entries.
            let fetch = match (filter.is_empty(), &search) {
                (true, None) => page,
                (true, Some(_)) => page * 2,
                (false, _) => page * OVERFETCH,
            };
            let (raw_items, last_key) = query(
                store,
                index,
                &pk,
                sk_prefix.as_deref(),
                &filter,
                fetch,
                start,
            )
            .await?;
            let mut out: Vec<ItemSummary> = Vec::with_capacity(page);
            let mut seen = HashSet::new();
            let mut last_kept = None;
            for (i, raw) in raw_items.iter().enumerate() {
                if out.len() == page {
                    break;
                }
                let summary = match &search {
                    Some(driver) => {
                        let entry: SearchEntry = store::from_item(raw.clone())?;
                        // An item with two words starting with the search word is listed
                        // at the first of them only (so never twice, even across pages).
                        let earlier = entry.words().iter().any(|w| {
                            w.as_str() < entry.word.as_str() && w.starts_with(driver.as_str())
                        });
                        if earlier {
                            continue;
                        }
                        entry.summary
                    }
                    None => ItemSummary::from(&store::from_item::<Item>(raw.clone())?),
                };
                if !seen.insert(summary.sku.clone()) || !ctx.may_see(&summary_item(&summary)) {
                    continue;
                }
                out.push(summary);
                last_kept = Some(i);
            }
            let next = match last_kept {
                Some(i) if out.len() == page && (i + 1 < raw_items.len() || last_key.is_some()) => {
                    Some(cursor_at(&shape, index, &raw_items[i]))
                }
                _ if out.len() == page => None,
                _ => last_key.map(|k| {
                    encode(&Cursor {
                        s: shape.clone(),
                        k,
                        a: None,
                    })
                }),
            };
            Ok((out, next))
        }
        Plan::Skus {
            skus,
            type_eq,
            brand_eq,
            terms,
        } => {
            let start = decode(cursor, "skus")?;
            let after = start.and_then(|c| c.a);
            let from = match &after {
                Some(a) => skus.partition_point(|s| s.as_str() <= a.as_str()),
                None => 0,
            };
            let chunk = &skus[from..(from + BATCH_KEYS).min(skus.len())];
            let wanted = chunk
                .iter()
                .map(|s| (keys::item_pk(s.as_str()), keys::ITEM_SK.to_string()))
                .collect();
            let found: HashMap<Sku, Item> = if chunk.is_empty() {
                HashMap::new()
            } else {
                store
                    .batch_get_items(wanted)
                    .await?
                    .into_iter()
                    .filter_map(|raw| store::from_item::<Item>(raw).ok())
                    .map(|i| (i.sku.clone(), i))
                    .collect()
            };
            let mut out = Vec::with_capacity(page);
            let mut last_kept = None;
            for (i, sku) in chunk.iter().enumerate() {
                if out.len() == page {
                    break;
                }
                let Some(item) = found.get(sku) else { continue };
                let matches = ctx.may_see(item)
                    && type_eq.as_ref().is_none_or(|t| *t == item.type_key())
                    && brand_eq.as_ref().is_none_or(|b| *b == item.brand_key())
                    && (terms.is_empty()
                        || text::matches_all(
                            &terms,
                            &text::index_tokens(&item.name, &item.brand, item.sku.as_str()),
                        ));
                if matches {
                    out.push(ItemSummary::from(item));
                    last_kept = Some(i);
                }
            }
            let more_after_chunk = from + chunk.len() < skus.len();
            let resume_after = match last_kept {
                Some(i) if out.len() == page && (i + 1 < chunk.len() || more_after_chunk) => {
                    Some(chunk[i].clone())
                }
                _ if out.len() == page => None,
                _ if more_after_chunk => chunk.last().cloned(),
                _ => None,
            };
            let next = resume_after.map(|sku| {
                encode(&Cursor {
                    s: "skus".into(),
                    k: HashMap::new(),
                    a: Some(sku.to_string()),
                })
            });
            Ok((out, next))
        }
    }
}

/// One Query with optional key prefix and filter, up to `limit` items evaluated.
async fn query(
    store: &Store,
    index: Option<&'static str>,
    pk: &str,
    sk_prefix: Option<&str>,
    filter: &Filter,
    limit: usize,
    start: Option<Cursor>,
) -> AppResult<(Vec<store::Item>, Option<HashMap<String, String>>)> {
    let attrs = key_attrs(index);
    let (pk_attr, sk_attr) = match index {
        None => (keys::PK, keys::SK),
        Some(_) => (attrs[2], attrs[3]),
    };
    let mut condition = "#pk = :pk".to_string();
    let mut req = store
        .client()
        .query()
        .table_name(store.table())
        .set_index_name(index.map(str::to_string))
        .expression_attribute_names("#pk", pk_attr)
        .expression_attribute_values(":pk", store::s(pk))
        .limit(limit.min(1_000) as i32);
    if let Some(prefix) = sk_prefix {
        condition.push_str(" AND begins_with(#sk, :sk)");
        req = req
            .expression_attribute_names("#sk", sk_attr)
            .expression_attribute_values(":sk", store::s(prefix));
    }
    let mut filters = Vec::new();
    if let Some(types) = &filter.types_in {
        let names: Vec<String> = (0..types.len()).map(|i| format!(":ty{i}")).collect();
        filters.push(format!("#tk IN ({})", names.join(", ")));
        for (name, t) in names.iter().zip(types) {
            req = req.expression_attribute_values(name, store::s(t));
        }
        req = req.expression_attribute_names("#tk", "type_key");
    }
    if let Some(t) = &filter.type_eq {
        filters.push("#tk = :teq".into());
        req = req
            .expression_attribute_names("#tk", "type_key")
            .expression_attribute_values(":teq", store::s(t));
    }
    if let Some(b) = &filter.brand_eq {
        filters.push("#bk = :beq".into());
        req = req
            .expression_attribute_names("#bk", "brand_key")
            .expression_attribute_values(":beq", store::s(b));
    }
    for (i, term) in filter.more_terms.iter().enumerate() {
        filters.push(format!("contains(#text, :w{i})"));
        req = req
            .expression_attribute_names("#text", "text")
            .expression_attribute_values(format!(":w{i}"), store::s(&format!(" {term}")));
    }
    if !filters.is_empty() {
        req = req.filter_expression(filters.join(" AND "));
    }
    if let Some(start) = start {
        let wanted = key_attrs(index);
        if start.k.len() != wanted.len() || !wanted.iter().all(|a| start.k.contains_key(*a)) {
            return Err(AppError::invalid(
                "cursor",
                "is not a cursor of this listing",
            ));
        }
        req = req.set_exclusive_start_key(Some(
            start
                .k
                .into_iter()
                .map(|(k, v)| (k, store::s(&v)))
                .collect(),
        ));
    }
    let out = req
        .key_condition_expression(condition)
        .send()
        .await
        .map_err(|e| store_error(e.into_service_error().to_string()))?;
    let last = out.last_evaluated_key.map(|key| {
        key.into_iter()
            .filter_map(|(k, v)| v.as_s().ok().map(|v| (k, v.clone())))
            .collect()
    });
    Ok((out.items.unwrap_or_default(), last))
}

fn store_error(message: String) -> AppError {
    AppError::from(StoreError::Other(message))
}

// Prices and availability -----------------------------------------------------------------------

/// Availability of an item in one of the customer's warehouses.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WarehouseAvailability {
    pub warehouse_id: String,
    pub name: String,
    /// The customer's default warehouse for orders.
    pub is_default: bool,
    pub in_stock: bool,
    /// Units available (on hand minus reserved); absent when the store shows only yes/no (F18).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
}

/// Availability of an item in the customer's warehouses (F17, F18).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Availability {
    pub in_stock: bool,
    /// Units available over all the customer's warehouses; absent in yes/no mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    pub warehouses: Vec<WarehouseAvailability>,
}

/// What one customer needs beside the items: prices, stock, its warehouses.
struct Offer {
    book: PriceBook,
    stock: HashMap<(String, Sku), Stock>,
    warehouses: HashMap<String, Warehouse>,
}

impl Offer {
    /// One BatchGetItem for the prices, stock and warehouses of `items`.
    async fn load(store: &Store, customer: &Customer, items: &[Item]) -> AppResult<Self> {
        let skus: Vec<Sku> = items.iter().map(|i| i.sku.clone()).collect();
        let mut wanted = price_keys(customer, &skus);
        for wh in &customer.warehouse_ids {
            wanted.push((keys::warehouse_pk(wh), keys::META_SK.to_string()));
            wanted.extend(skus.iter().map(|sku| stock::stock_key(wh, sku)));
        }
        let fetched = if items.is_empty() {
            Vec::new()
        } else {
            store.batch_get_items(wanted).await?
        };
        let mut warehouses = HashMap::new();
        for raw in &fetched {
            if attr(raw, keys::SK) == Some(keys::META_SK)
                && attr(raw, keys::PK).is_some_and(|pk| pk.starts_with("WH#"))
            {
                if let Ok(w) = store::from_item::<Warehouse>(raw.clone()) {
                    warehouses.insert(w.id.clone(), w);
                }
            }
        }
        Ok(Self {
            book: price_book(customer, items, &fetched),
            stock: stock::stock_of(&fetched),
            warehouses,
        })
    }

    fn availability(&self, customer: &Customer, display: StockDisplay, sku: &Sku) -> Availability {
        let show = |n: i64| (display == StockDisplay::Quantity).then_some(n);
        let mut total = 0;
        let mut warehouses = Vec::new();
        for id in &customer.warehouse_ids {
            // Inactive or unknown warehouses are not offered.
            let Some(w) = self.warehouses.get(id).filter(|w| w.active) else {
                continue;
            };
            let available = self
                .stock
                .get(&(id.clone(), sku.clone()))
                .map(Stock::available)
                .unwrap_or(0);
            total += available;
            warehouses.push(WarehouseAvailability {
                warehouse_id: id.clone(),
                name: w.name.clone(),
                is_default: customer.default_warehouse_id.as_deref() == Some(id),
                in_stock: available > 0,
                quantity: show(available),
            });
        }
        Availability {
            in_stock: total > 0,
            quantity: show(total),
            warehouses,
        }
    }
}

/// One item of a catalog page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CatalogItem {
    #[serde(flatten)]
    pub item: ItemSummary,
    /// The customer's own price for one unit (absent for visitors and staff, and when the
    /// customer's price list has no price for the item).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<PricedUnit>,
    /// Availability in the customer's warehouses (absent for visitors and staff).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability: Option<Availability>,
}

/// One item in full.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CatalogItemDetail {
    pub sku: Sku,
    pub name: String,
    pub description: String,
    pub item_type: String,
    pub brand: String,
    pub unit: String,
    pub images: Vec<String>,
    #[schema(value_type = String, example = "0.16")]
    pub tax_rate: rust_decimal::Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<PricedUnit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability: Option<Availability>,
}

/// A page of the catalog as this viewer sees it.
pub async fn list(
    store: &Store,
    ctx: &Context,
    query: &BrowseQuery,
) -> AppResult<PageOf<CatalogItem>> {
    let page = ctx.page_size(query.limit()?);
    let terms = query.terms()?;
    let type_eq = BrowseQuery::key_filter(&query.item_type, "type")?;
    let brand_eq = BrowseQuery::key_filter(&query.brand, "brand")?;
    let plan = plan(&Scope::of(ctx), terms, type_eq, brand_eq);
    let (summaries, next_cursor) =
        read_page(store, ctx, plan, page, query.cursor.as_deref()).await?;
    let items = match ctx.customer() {
        None => summaries
            .into_iter()
            .map(|item| CatalogItem {
                item,
                price: None,
                availability: None,
            })
            .collect(),
        Some(customer) => {
            let full: Vec<Item> = summaries.iter().map(summary_item).collect();
            let offer = Offer::load(store, customer, &full).await?;
            summaries
                .into_iter()
                .map(|item| CatalogItem {
                    price: offer.book.price(&item.sku, 1),
                    availability: Some(offer.availability(
                        customer,
                        ctx.settings.stock_display,
                        &item.sku,
                    )),
                    item,
                })
                .collect()
        }
    };
    Ok(PageOf { items, next_cursor })
}

/// One item, or 404 when this viewer may not see it (inactive, or outside the customer's
/// catalog: F16 makes it invisible, not forbidden).
pub async fn detail(store: &Store, ctx: &Context, sku: &str) -> AppResult<CatalogItemDetail> {
    let sku = Sku::parse(sku).map_err(|_| AppError::NotFound)?;
    let item_key = (keys::item_pk(sku.as_str()), keys::ITEM_SK.to_string());
    let (item, offer) = match ctx.customer() {
        None => {
            let item: Option<Item> = store.get(&item_key.0, &item_key.1).await?;
            (item, None)
        }
        Some(customer) => {
            // The item, its price and stock in one request; priced only if visible.
            let mut wanted = vec![item_key.clone()];
            wanted.extend(price_keys(customer, std::slice::from_ref(&sku)));
            for wh in &customer.warehouse_ids {
                wanted.push((keys::warehouse_pk(wh), keys::META_SK.to_string()));
                wanted.push(stock::stock_key(wh, &sku));
            }
            let fetched = store.batch_get_items(wanted).await?;
            let item = fetched
                .iter()
                .find(|raw| {
                    attr(raw, keys::PK) == Some(item_key.0.as_str())
                        && attr(raw, keys::SK) == Some(keys::ITEM_SK)
                })
                .map(|raw| store::from_item::<Item>(raw.clone()))
                .transpose()?;
            let offer = item.as_ref().map(|item| {
                let mut warehouses = HashMap::new();
                for raw in &fetched {
                    if attr(raw, keys::SK) == Some(keys::META_SK)
                        && attr(raw, keys::PK).is_some_and(|pk| pk.starts_with("WH#"))
                    {
                        if let Ok(w) = store::from_item::<Warehouse>(raw.clone()) {
                            warehouses.insert(w.id.clone(), w);
                        }
                    }
                }
                Offer {
                    book: price_book(customer, std::slice::from_ref(item), &fetched),
                    stock: stock::stock_of(&fetched),
                    warehouses,
                }
            });
            (item, offer)
        }
    };
    let item = item.filter(|i| ctx.may_see(i)).ok_or(AppError::NotFound)?;
    let (price, availability) = match (ctx.customer(), offer) {
        (Some(customer), Some(offer)) => (
            offer.book.price(&item.sku, 1),
            Some(offer.availability(customer, ctx.settings.stock_display, &item.sku)),
        ),
        _ => (None, None),
    };
    Ok(CatalogItemDetail {
        sku: item.sku,
        name: item.name,
        description: item.description,
        item_type: item.item_type,
        brand: item.brand,
        unit: item.unit,
        images: item.images,
        tax_rate: item.tax_rate,
        price,
        availability,
    })
}

// Facets -------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Facet {
    /// What to pass as `type=` / `brand=`.
    pub value: String,
    pub label: String,
    /// Items of this type (or brand) the viewer can see.
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Facets {
    pub types: Vec<Facet>,
    pub brands: Vec<Facet>,
}

#[derive(Deserialize)]
struct FacetCounter {
    #[serde(rename = "SK")]
    sk: String,
    item_type: String,
    brand: String,
    count: i64,
}

fn facets_from<'a>(
    pairs: impl Iterator<Item = (String, String, String, String, i64)> + 'a,
) -> Facets {
    let mut types: HashMap<String, (String, i64)> = HashMap::new();
    let mut brands: HashMap<String, (String, i64)> = HashMap::new();
    for (type_key, type_label, brand_key, brand_label, count) in pairs {
        if count <= 0 {
            continue;
        }
        types.entry(type_key).or_insert((type_label, 0)).1 += count;
        if !brand_key.is_empty() {
            brands.entry(brand_key).or_insert((brand_label, 0)).1 += count;
        }
    }
    let sorted = |map: HashMap<String, (String, i64)>| {
        let mut out: Vec<Facet> = map
            .into_iter()
            .map(|(value, (label, count))| Facet {
                value,
                label,
                count,
            })
            .collect();
        out.sort_by(|a, b| {
            a.label
                .to_lowercase()
                .cmp(&b.label.to_lowercase())
                .then(a.value.cmp(&b.value))
        });
        out
    };
    Facets {
        types: sorted(types),
        brands: sorted(brands),
    }
}

/// Types and brands with the number of items the viewer can see. Everyone but customers
/// limited to listed SKUs reads the maintained counters (one Query of a small partition);
/// those customers' own items are read by key (one BatchGetItem per 100 listed SKUs).
pub async fn facets(store: &Store, ctx: &Context) -> AppResult<Facets> {
    let scope = Scope::of(ctx);
    if let Scope::Items(skus) = &scope {
        let wanted: Vec<(String, String)> = skus
            .iter()
            .map(|s| (keys::item_pk(s.as_str()), keys::ITEM_SK.to_string()))
            .collect();
        let items: Vec<Item> = if wanted.is_empty() {
            Vec::new()
        } else {
            store
                .batch_get_items(wanted)
                .await?
                .into_iter()
                .filter_map(|raw| store::from_item::<Item>(raw).ok())
                .filter(|i| ctx.may_see(i))
                .collect()
        };
        return Ok(facets_from(items.into_iter().map(|i| {
            (
                i.type_key(),
                i.item_type.clone(),
                i.brand_key(),
                i.brand.clone(),
                1,
            )
        })));
    }
    let counters: Vec<FacetCounter> = store
        .query_all(store::QuerySpec::partition(keys::FACETS_PK).prefix("TB#"))
        .await?;
    let allowed: Option<HashSet<String>> = match scope {
        Scope::Types(types) => Some(types.into_iter().collect()),
        _ => None,
    };
    Ok(facets_from(counters.into_iter().filter_map(|c| {
        let rest = c.sk.strip_prefix("TB#")?;
        let (type_key, brand_key) = rest.split_once('#')?;
        if allowed.as_ref().is_some_and(|a| !a.contains(type_key)) {
            return None;
        }
        Some((
            type_key.to_string(),
            c.item_type,
            brand_key.to_string(),
            c.brand,
            c.count,
        ))
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_pick_the_narrowest_partition() {
        let types = Scope::Types(vec!["paint".into(), "tools".into()]);
        match plan(&types, vec![], Some("paint".into()), None) {
            Plan::Query {
                index, pk, filter, ..
            } => {
                assert_eq!((index, pk.as_str()), (Some(keys::GSI2), "TYPE#paint"));
                assert!(filter.is_empty());
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            plan(&types, vec![], Some("food".into()), None),
            Plan::Empty
        ));
        match plan(&types, vec![], None, None) {
            Plan::Query { index, filter, .. } => {
                assert_eq!(index, Some(keys::GSI1));
                assert_eq!(filter.types_in.unwrap().len(), 2);
            }
            other => panic!("{other:?}"),
        }
        let one = Scope::Types(vec!["tools".into()]);
        match plan(&one, vec![], None, Some("bosch".into())) {
            Plan::Query {
                index,
                sk_prefix,
                filter,
                ..
            } => {
                assert_eq!(index, Some(keys::GSI3));
                assert_eq!(sk_prefix.as_deref(), Some("tools#"));
                assert!(filter.is_empty());
            }
            other => panic!("{other:?}"),
        }
        match plan(&Scope::All, vec!["taladro".into(), "bo".into()], None, None) {
            Plan::Query {
                index,
                pk,
                sk_prefix,
                filter,
                search,
            } => {
                assert_eq!((index, pk.as_str()), (None, "SEARCH#ta"));
                assert_eq!(sk_prefix.as_deref(), Some("taladro"));
                assert_eq!(filter.more_terms, vec!["bo".to_string()]);
                assert_eq!(search.as_deref(), Some("taladro"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            plan(&Scope::Types(vec![]), vec![], None, None),
            Plan::Empty
        ));
    }

    #[test]
    fn cursors_belong_to_their_listing() {
        let c = encode(&Cursor {
            s: "GSI1|ITEMS|".into(),
            k: HashMap::new(),
            a: None,
        });
        assert!(decode(Some(&c), "GSI1|ITEMS|").unwrap().is_some());
        assert!(decode(Some(&c), "GSI2|TYPE#x|").is_err());
        assert!(decode(Some("garbage"), "GSI1|ITEMS|").is_err());
        assert!(decode(None, "GSI1|ITEMS|").unwrap().is_none());
    }
}
