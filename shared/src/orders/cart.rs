//! F21 the cart: a server-side draft order per contact (it survives devices), holding SKUs and
//! quantities only and priced live on every read with the customer's current prices and stock.

use serde::{Deserialize, Serialize};

use super::model::{LineRequest, StoredCart};
use super::place::{line_keys, require_buying_customer, skus_of, validate_lines};
use super::{fetch, get, Fetched};
use crate::customers::Customer;
use crate::error::{AppError, AppResult, FieldError};
use crate::pricing::quote::{merge_lines, StockLevels};
use crate::pricing::{self, LineIssue, Quote};
use crate::settings::Settings;
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

struct Loaded {
    customer: Customer,
    settings: Settings,
    cart: Option<StoredCart>,
}

async fn load(store: &Store, customer_id: &str, owner: &str) -> AppResult<(Loaded, Fetched)> {
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

fn warehouse_for(customer: &Customer, wanted: Option<&str>) -> AppResult<String> {
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

async fn price(
    store: &Store,
    loaded: &Loaded,
    mut fetched: Fetched,
    warehouse_id: &str,
    lines: &[LineRequest],
) -> AppResult<Quote> {
    let c = &loaded.customer;
    fetch(
        store,
        line_keys(
            c.price_list_id.as_deref(),
            &c.id,
            Some(warehouse_id),
            &skus_of(lines),
        ),
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
    let stock = StockLevels::from_fetched(warehouse_id, &raws);
    Ok(pricing::quote(
        lines,
        &book,
        &stock,
        loaded.settings.stock_display,
    ))
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
