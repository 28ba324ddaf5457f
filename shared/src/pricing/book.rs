//! A customer's prices for a set of items, read in one BatchGet and answered in memory.
//!
//! A caller (catalog page, quote, order) asks [`price_keys`] for the keys it must read, adds
//! its own keys (items, stock) to the same `Store::batch_get_items` call, and hands everything
//! fetched to [`price_book`], which picks out the records it knows by their `PK`/`SK`.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::model::{CustomerPrice, Price, PriceList, Tier};
use super::visibility::customer_may_buy;
use crate::catalog::{Item, Sku};
use crate::customers::Customer;
use crate::store::{self, keys, Store, StoreError};

/// Unit prices (after discounts) keep up to this many decimals, so that a screw at 0.125 stays
/// exact; line amounts are rounded to cents (see [`super::quote`]).
pub const UNIT_PRICE_DECIMALS: u32 = 4;

/// The keys of everything needed to price `skus` for `customer`: the list's `META` (currency),
/// the list price of each SKU and the customer's own special price / discount of each SKU.
/// A customer without a price list gets only its own records' keys (and no prices).
pub fn price_keys(customer: &Customer, skus: &[Sku]) -> Vec<(String, String)> {
    let mut out = Vec::with_capacity(skus.len() * 2 + 1);
    let customer_pk = keys::customer_pk(&customer.id);
    if let Some(list) = &customer.price_list_id {
        let list_pk = keys::price_list_pk(list);
        out.push((list_pk.clone(), keys::META_SK.to_string()));
        for sku in skus {
            out.push((list_pk.clone(), keys::price_sk(sku.as_str())));
        }
    }
    for sku in skus {
        out.push((customer_pk.clone(), keys::customer_price_sk(sku.as_str())));
    }
    out
}

/// One unit of one SKU at a given quantity, as this customer pays it (before tax).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PricedUnit {
    /// ISO 4217 code of the customer's price list.
    pub currency: String,
    /// The list's base unit price (quantity 1, no tier, no discount).
    #[schema(value_type = String, example = "120.50")]
    pub list_unit_price: Decimal,
    /// The quantity tier that set the price, if any (ignored when a special price applies).
    pub tier_applied: Option<Tier>,
    /// The customer's special price for this SKU, which replaces list and tier prices.
    #[schema(value_type = Option<String>)]
    pub special_price: Option<Decimal>,
    /// The discount applied, percent: the SKU's own for this customer, else the customer-wide one.
    #[schema(value_type = Option<String>)]
    pub discount_percent: Option<Decimal>,
    /// What one unit costs this customer before tax.
    #[schema(value_type = String, example = "114.475")]
    pub unit_price: Decimal,
    /// The item's tax rate as a fraction (`0.16` = 16 %).
    #[schema(value_type = String, example = "0.16")]
    pub tax_rate: Decimal,
    /// The list's quantity tiers at this customer's net price (empty when a special price applies),
    /// for showing "from 10 units: ..." next to an item.
    pub tiers: Vec<Tier>,
}

/// A customer's prices for a set of items. Only items the customer may buy (F16) are priced.
#[derive(Debug, Clone, Default)]
pub struct PriceBook {
    price_list: Option<PriceList>,
    catalog_access: crate::customers::CatalogAccess,
    customer_discount: Option<Decimal>,
    prices: HashMap<Sku, Price>,
    customer_prices: HashMap<Sku, CustomerPrice>,
    items: HashMap<Sku, Item>,
}

fn attr<'a>(item: &'a store::Item, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(value)) => Some(value.as_str()),
        _ => None,
    }
}

/// Builds the price book from what a BatchGet returned (any other records are ignored).
/// Records that do not parse are skipped with a warning rather than failing a whole page.
pub fn price_book(customer: &Customer, items: &[Item], fetched: &[store::Item]) -> PriceBook {
    let list_pk = customer.price_list_id.as_deref().map(keys::price_list_pk);
    let customer_pk = keys::customer_pk(&customer.id);
    let mut book = PriceBook {
        catalog_access: customer.catalog_access.clone(),
        // The profile is written elsewhere; a percentage outside 0-100 is never applied.
        customer_discount: customer
            .discount_percent
            .filter(|d| !d.is_zero() && *d > Decimal::ZERO && *d <= Decimal::ONE_HUNDRED),
        items: items.iter().map(|i| (i.sku.clone(), i.clone())).collect(),
        ..Default::default()
    };
    for raw in fetched {
        let (Some(pk), Some(sk)) = (attr(raw, keys::PK), attr(raw, keys::SK)) else {
            continue;
        };
        if Some(pk) == list_pk.as_deref() {
            if sk == keys::META_SK {
                match store::from_item::<PriceList>(raw.clone()) {
                    Ok(list) => book.price_list = Some(list),
                    Err(e) => tracing::warn!(pk, sk, error = %e, "unreadable price list"),
                }
            } else if sk.starts_with("SKU#") {
                match store::from_item::<Price>(raw.clone()) {
                    Ok(price) => {
                        book.prices.insert(price.sku.clone(), price);
                    }
                    Err(e) => tracing::warn!(pk, sk, error = %e, "unreadable price"),
                }
            }
        } else if pk == customer_pk && sk.starts_with("PRICE#") {
            match store::from_item::<CustomerPrice>(raw.clone()) {
                Ok(price) => {
                    book.customer_prices.insert(price.sku.clone(), price);
                }
                Err(e) => tracing::warn!(pk, sk, error = %e, "unreadable customer price"),
            }
        }
    }
    book
}

/// Reads and builds the price book of `items` for `customer` in one `batch_get_items` call.
pub async fn load_price_book(
    store: &Store,
    customer: &Customer,
    items: &[Item],
) -> Result<PriceBook, StoreError> {
    let skus: Vec<Sku> = items.iter().map(|i| i.sku.clone()).collect();
    let fetched = store.batch_get_items(price_keys(customer, &skus)).await?;
    Ok(price_book(customer, items, &fetched))
}

/// `price * (100 - percent) / 100`, rounded to [`UNIT_PRICE_DECIMALS`].
fn discounted(price: Decimal, percent: Option<Decimal>) -> Decimal {
    let net = match percent {
        Some(p) => price * (Decimal::ONE_HUNDRED - p) / Decimal::ONE_HUNDRED,
        None => price,
    };
    unit_amount(net)
}

/// A unit price as shown: at most [`UNIT_PRICE_DECIMALS`] decimals (half away from zero), no
/// trailing zeros past the cents, at least two decimals (`12` -> `12.00`, `0.1250` -> `0.125`).
pub fn unit_amount(value: Decimal) -> Decimal {
    let mut v = value
        .round_dp_with_strategy(UNIT_PRICE_DECIMALS, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    if v.scale() < 2 {
        v.rescale(2);
    }
    v
}

/// The tier for `quantity`: the highest `min_quantity` not above it.
pub fn tier_for(tiers: &[Tier], quantity: u32) -> Option<&Tier> {
    tiers
        .iter()
        .filter(|t| t.min_quantity <= quantity)
        .max_by_key(|t| t.min_quantity)
}

impl PriceBook {
    /// The customer's price list, when it exists.
    pub fn price_list(&self) -> Option<&PriceList> {
        self.price_list.as_ref()
    }

    /// The currency every price of this book is in.
    pub fn currency(&self) -> Option<&str> {
        self.price_list.as_ref().map(|l| l.currency.as_str())
    }

    /// The customer's catalog access (F16) the book was built with.
    pub fn catalog_access(&self) -> &crate::customers::CatalogAccess {
        &self.catalog_access
    }

    /// The item as given to [`price_book`], if it was.
    pub fn item(&self, sku: &Sku) -> Option<&Item> {
        self.items.get(sku)
    }

    /// Whether the customer may buy this item (F16; see [`customer_may_buy`]).
    pub fn may_buy(&self, item: &Item) -> bool {
        customer_may_buy(&self.catalog_access, item)
    }

    /// What one unit of `sku` costs this customer when buying `quantity` units.
    ///
    /// Rules: the list price, or the tier with the highest `min_quantity <= quantity`; a
    /// customer special price replaces both; then a discount applies: the SKU's own discount for
    /// this customer, else the customer-wide `discount_percent`. `None` when the item was not
    /// given, the customer may not buy it, the customer has no (existing) price list, or the
    /// list has no price for it.
    pub fn price(&self, sku: &Sku, quantity: u32) -> Option<PricedUnit> {
        let item = self.items.get(sku)?;
        if !self.may_buy(item) {
            return None;
        }
        let list = self.price_list.as_ref()?;
        let price = self.prices.get(sku)?;
        let own = self.customer_prices.get(sku);
        let special_price = own.and_then(|c| c.special_price);
        let discount_percent = own
            .and_then(|c| c.discount_percent)
            .or(self.customer_discount)
            .filter(|d| !d.is_zero());
        let tier_applied = if special_price.is_some() {
            None
        } else {
            tier_for(&price.tiers, quantity).cloned()
        };
        let base = special_price
            .or(tier_applied.as_ref().map(|t| t.unit_price))
            .unwrap_or(price.unit_price);
        let tiers = if special_price.is_some() {
            Vec::new()
        } else {
            let mut tiers: Vec<Tier> = price
                .tiers
                .iter()
                .map(|t| Tier {
                    min_quantity: t.min_quantity,
                    unit_price: discounted(t.unit_price, discount_percent),
                })
                .collect();
            tiers.sort_by_key(|t| t.min_quantity);
            tiers
        };
        Some(PricedUnit {
            currency: list.currency.clone(),
            list_unit_price: unit_amount(price.unit_price),
            tier_applied,
            special_price,
            discount_percent,
            unit_price: discounted(base, discount_percent),
            tax_rate: item.tax_rate,
            tiers,
        })
    }
}
