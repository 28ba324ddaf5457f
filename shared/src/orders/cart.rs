//! F21 the cart: a server-side draft order per contact (it survives devices), holding SKUs and
//! quantities only and priced live on every read with the customer's current prices and stock.

use serde::{Deserialize, Serialize};

use super::model::{LineRequest, StoredCart};
use super::place::{line_keys, require_buying_customer, skus_of, validate_lines};
use super::{fetch, get, Fetched};
use crate::catalog::Sku;
use crate::customers::Customer;
use crate::error::{AppError, AppResult, FieldError};
use crate::pricing::quote::{merge_lines, StockLevels, MAX_LINE_QUANTITY};
use crate::pricing::{self, LineIssue, PriceBook, Quote};
use crate::settings::{Settings, StockDisplay};
use crate::store::{self, keys, Store};
use crate::types::now_rfc3339;

/// `PUT /v1/cart`: the whole cart (an empty `lines` empties it).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartUpdate {
    /// One of the customer's warehouses; default: the customer's default warehouse.
    #[serde(default)]
    pub warehouse_id: Option<String>,
    /// Up to 500 lines; same SKUs are merged. Only items the customer may buy.
    pub lines: Vec<LineRequest>,
}

/// The cart priced now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CartView {
    /// When the contact last changed it (`null`: never).
    pub updated_at: Option<String>,
    /// Lines, prices, tax and totals as placing it now would charge; `all_purchasable` says
    /// whether it can be ordered as it is.
    #[serde(flatten)]
    pub priced: Quote,
}

pub(crate) struct Loaded {
    pub customer: Customer,
    pub settings: Settings,
    pub cart: Option<StoredCart>,
}

/// The customer, the settings and the contact's cart: one BatchGet.
pub(crate) async fn load(
    store: &Store,
    customer_id: &str,
    owner: &str,
) -> AppResult<(Loaded, Fetched)> {
    let customer_pk = keys::customer_pk(customer_id);
    let mut fetched = Fetched::new();
    fetch(
        store,
        vec![
            (customer_pk.clone(), keys::CUSTOMER_PROFILE_SK.to_string()),
            (keys::SETTINGS_PK.to_string(), keys::SETTINGS_SK.to_string()),
            (customer_pk.clone(), keys::cart_sk(owner)),
        ],
        &mut fetched,
    )
    .await?;
    let customer: Customer = get(&fetched, &customer_pk, keys::CUSTOMER_PROFILE_SK)
        .map(|raw| store::from_item(raw.clone()))
        .transpose()?
        .ok_or(AppError::NotFound)?;
    let settings = get(&fetched, keys::SETTINGS_PK, keys::SETTINGS_SK)
        .map(|raw| store::from_item(raw.clone()))
        .transpose()?
        .unwrap_or_default();
    let cart = get(&fetched, &customer_pk, &keys::cart_sk(owner))
        .map(|raw| store::from_item(raw.clone()))
        .transpose()?;
    Ok((
        Loaded {
            customer,
            settings,
            cart,
        },
        fetched,
    ))
}

pub(crate) fn warehouse_for(customer: &Customer, wanted: Option<&str>) -> AppResult<String> {
    let wh = wanted
        .map(str::to_string)
        .or(customer.default_warehouse_id.clone())
        .or(customer.warehouse_ids.first().cloned())
        .ok_or_else(|| AppError::invalid("warehouse_id", "is required"))?;
    if !customer.warehouse_ids.contains(&wh) {
        return Err(AppError::invalid(
            "warehouse_id",
            "is not one of this customer's warehouses",
        ));
    }
    Ok(wh)
}

/// Everything needed to price lines of a set of SKUs, read once (one BatchGet per 100 keys, in
/// parallel), so several sets of those SKUs can be priced in memory.
pub(crate) struct Pricer {
    pub book: PriceBook,
    pub stock: StockLevels,
    pub display: StockDisplay,
    /// Visitors see the whole active catalog in B2B mode (F14).
    pub b2b_mode: bool,
}

impl Pricer {
    pub fn quote(&self, lines: &[LineRequest]) -> Quote {
        pricing::quote(lines, &self.book, &self.stock, self.display)
    }
}

pub(crate) async fn pricer(
    store: &Store,
    loaded: &Loaded,
    mut fetched: Fetched,
    warehouse_id: &str,
    skus: &[Sku],
) -> AppResult<Pricer> {
    let c = &loaded.customer;
    fetch(
        store,
        line_keys(c.price_list_id.as_deref(), &c.id, Some(warehouse_id), skus),
        &mut fetched,
    )
    .await?;
    let raws: Vec<store::Item> = fetched.into_values().collect();
    let items = pricing::service::items_of(&raws);
    let book = pricing::price_book(c, &items, &raws);
    if book.price_list().is_none() {
        return Err(AppError::conflict(
            "no-price-list",
            "this customer's price list does not exist; staff must assign an existing one",
        ));
    }
    Ok(Pricer {
        book,
        stock: StockLevels::from_fetched(warehouse_id, &raws),
        display: loaded.settings.stock_display,
        b2b_mode: loaded.settings.b2b_mode,
    })
}

async fn price(
    store: &Store,
    loaded: &Loaded,
    fetched: Fetched,
    warehouse_id: &str,
    lines: &[LineRequest],
) -> AppResult<Quote> {
    let pricer = pricer(store, loaded, fetched, warehouse_id, &skus_of(lines)).await?;
    Ok(pricer.quote(lines))
}

/// `GET /v1/cart`.
pub async fn get_cart(store: &Store, customer_id: &str, owner: &str) -> AppResult<CartView> {
    let (loaded, fetched) = load(store, customer_id, owner).await?;
    require_buying_customer(&loaded.customer)?;
    let cart = loaded.cart.clone();
    let wanted = cart.as_ref().and_then(|c| c.warehouse_id.clone());
    // A warehouse no longer assigned falls back to the default one.
    let warehouse_id = warehouse_for(&loaded.customer, wanted.as_deref())
        .or_else(|_| warehouse_for(&loaded.customer, None))?;
    let lines = cart.as_ref().map(|c| c.lines.clone()).unwrap_or_default();
    let priced = price(store, &loaded, fetched, &warehouse_id, &lines).await?;
    Ok(CartView {
        updated_at: cart.map(|c| c.updated_at),
        priced,
    })
}

/// `PUT /v1/cart`: validates against what the customer may buy and stores it.
pub async fn put_cart(
    store: &Store,
    customer_id: &str,
    owner: &str,
    update: CartUpdate,
) -> AppResult<CartView> {
    let mut errors = Vec::new();
    if !update.lines.is_empty() {
        validate_lines(&update.lines, &mut errors);
    }
    if update
        .warehouse_id
        .as_ref()
        .is_some_and(|w| w.trim().is_empty())
    {
        errors.push(FieldError::new("warehouse_id", "must not be empty"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (loaded, fetched) = load(store, customer_id, owner).await?;
    require_buying_customer(&loaded.customer)?;
    let warehouse_id = warehouse_for(&loaded.customer, update.warehouse_id.as_deref())?;
    let priced = price(store, &loaded, fetched, &warehouse_id, &update.lines).await?;
    // Items the customer cannot buy never enter the cart; short stock is shown, not refused.
    let errors: Vec<FieldError> = priced
        .lines
        .iter()
        .filter(|l| matches!(l.reason, Some(r) if r != LineIssue::StockShort))
        .map(|l| {
            let i = update
                .lines
                .iter()
                .position(|r| r.sku == l.sku)
                .unwrap_or(0);
            FieldError::new(
                format!("lines[{i}].sku"),
                format!("{}: {}", l.sku, l.message.clone().unwrap_or_default()),
            )
        })
        .collect();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let cart = StoredCart {
        customer_id: customer_id.to_string(),
        owner: owner.to_string(),
        warehouse_id: Some(warehouse_id),
        lines: merge_lines(&update.lines),
        updated_at: now_rfc3339(),
    };
    if cart.lines.is_empty() {
        store
            .delete(&keys::customer_pk(customer_id), &keys::cart_sk(owner))
            .await?;
    } else {
        store.put(&cart.keys(), &cart).await?;
    }
    Ok(CartView {
        updated_at: Some(cart.updated_at),
        priced,
    })
}

/// `POST /v1/cart/lines`: lines to add to the contact's cart in one action (quick order, a
/// saved list, previously purchased items).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartAddition {
    /// One of the customer's warehouses; default: the cart's, else the customer's default one.
    #[serde(default)]
    pub warehouse_id: Option<String>,
    /// 1 to 500 lines, added to the cart's (same SKUs merged: quantities add up).
    pub lines: Vec<LineRequest>,
}

/// A line that was not added, and why.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SkippedLine {
    pub sku: Sku,
    pub quantity: i64,
    pub reason: LineIssue,
    pub message: String,
}

/// The cart after lines were added to it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CartAdded {
    /// Lines not added because the customer cannot buy their item now (only when adding a saved
    /// list or a past order; explicit lines are refused with a 422 instead).
    pub skipped: Vec<SkippedLine>,
    pub cart: CartView,
}

/// Whether lines whose item cannot be bought are refused (422) or left out and reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unbuyable {
    Refuse,
    Skip,
}

const ADD_ATTEMPTS: u32 = 5;

/// `POST /v1/cart/lines`: explicit lines; any line whose item cannot be bought refuses all.
pub async fn add_to_cart(
    store: &Store,
    customer_id: &str,
    owner: &str,
    addition: CartAddition,
) -> AppResult<CartAdded> {
    add_lines(
        store,
        customer_id,
        owner,
        addition.warehouse_id.as_deref(),
        None,
        &addition.lines,
        Unbuyable::Refuse,
    )
    .await
}

/// Adds lines to the contact's cart: one read of the cart, customer and settings, one priced
/// read of the SKUs, one conditional write (retried if the same contact changed the cart in
/// between, e.g. from another tab). The merged cart keeps the 500-line cap: more is a 422,
/// nothing is cut. Short stock is shown, not refused (as in `PUT /v1/cart`).
pub(crate) async fn add_lines(
    store: &Store,
    customer_id: &str,
    owner: &str,
    warehouse_id: Option<&str>,
    fallback_warehouse: Option<&str>,
    lines: &[LineRequest],
    unbuyable: Unbuyable,
) -> AppResult<CartAdded> {
    let mut errors = Vec::new();
    super::place::validate_lines(lines, &mut errors);
    if warehouse_id.is_some_and(|w| w.trim().is_empty()) {
        errors.push(FieldError::new("warehouse_id", "must not be empty"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    for attempt in 0..ADD_ATTEMPTS {
        let (loaded, fetched) = load(store, customer_id, owner).await?;
        require_buying_customer(&loaded.customer)?;
        let previous = loaded.cart.clone();
        let assigned = |w: &String| loaded.customer.warehouse_ids.contains(w);
        let wanted = warehouse_id
            .map(str::to_string)
            .or_else(|| previous.as_ref().and_then(|c| c.warehouse_id.clone()))
            .or_else(|| fallback_warehouse.map(str::to_string).filter(assigned));
        let warehouse_id = match warehouse_for(&loaded.customer, wanted.as_deref()) {
            Ok(wh) => wh,
            // A cart warehouse no longer assigned falls back to the default one.
            Err(_) if warehouse_id.is_none() => warehouse_for(&loaded.customer, None)?,
            Err(e) => return Err(e),
        };
        let existing: Vec<LineRequest> = previous
            .as_ref()
            .map(|c| c.lines.clone())
            .unwrap_or_default();
        let mut all_skus = skus_of(&existing);
        all_skus.extend(skus_of(lines));
        let pricer = pricer(store, &loaded, fetched, &warehouse_id, &all_skus).await?;
        let requested = pricer.quote(lines);
        let mut skipped = Vec::new();
        let mut refused = Vec::new();
        for line in requested.lines.iter() {
            match line.reason {
                None | Some(LineIssue::StockShort) => {}
                Some(reason) => {
                    let i = lines.iter().position(|r| r.sku == line.sku).unwrap_or(0);
                    refused.push(FieldError::new(
                        format!("lines[{i}].sku"),
                        format!("{}: {}", line.sku, line.message.clone().unwrap_or_default()),
                    ));
                    skipped.push(SkippedLine {
                        sku: line.sku.clone(),
                        quantity: line.quantity,
                        reason,
                        message: line.message.clone().unwrap_or_default(),
                    });
                }
            }
        }
        if unbuyable == Unbuyable::Refuse && !refused.is_empty() {
            return Err(AppError::Validation(refused));
        }
        let mut merged = existing.clone();
        merged.extend(
            lines
                .iter()
                .filter(|l| !skipped.iter().any(|s| s.sku == l.sku))
                .cloned(),
        );
        let merged = merge_lines(&merged);
        if merged.len() > super::place::MAX_ORDER_LINES {
            return Err(AppError::invalid(
                "lines",
                format!(
                    "the cart would have {} lines; a cart holds at most {} (nothing was added)",
                    merged.len(),
                    super::place::MAX_ORDER_LINES
                ),
            ));
        }
        if let Some(line) = merged.iter().find(|l| l.quantity > MAX_LINE_QUANTITY) {
            let i = lines.iter().position(|r| r.sku == line.sku).unwrap_or(0);
            return Err(AppError::invalid(
                format!("lines[{i}].quantity"),
                format!(
                    "with the cart's {} this makes {}; at most {MAX_LINE_QUANTITY}",
                    line.sku, line.quantity
                ),
            ));
        }
        let cart = StoredCart {
            customer_id: customer_id.to_string(),
            owner: owner.to_string(),
            warehouse_id: Some(warehouse_id),
            lines: merged,
            updated_at: now_rfc3339(),
        };
        // Nothing buyable to add to an empty cart: no empty cart is stored (as `PUT /v1/cart`).
        if cart.lines.is_empty() {
            return Ok(CartAdded {
                skipped,
                cart: CartView {
                    updated_at: None,
                    priced: pricer.quote(&cart.lines),
                },
            });
        }
        // Only if nobody changed the cart since it was read (a lost update would drop lines).
        let written = match &previous {
            None => store.put_new(&cart.keys(), &cart).await,
            Some(prev) => {
                store
                    .put_if(
                        &cart.keys(),
                        &cart,
                        "#u = :u",
                        &[("#u", "updated_at")],
                        vec![(":u", store::s(&prev.updated_at))],
                    )
                    .await
            }
        };
        match written {
            Ok(()) => {
                return Ok(CartAdded {
                    skipped,
                    cart: CartView {
                        updated_at: Some(cart.updated_at),
                        priced: pricer.quote(&cart.lines),
                    },
                })
            }
            Err(store::StoreError::ConditionFailed) => super::backoff(attempt).await,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::conflict(
        "cart-busy",
        "the cart kept changing while lines were added; try again",
    ))
}
