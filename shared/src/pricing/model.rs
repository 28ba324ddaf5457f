//! Price lists and prices (F19).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalog::Sku;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PriceList {
    pub id: String,
    pub name: String,
    /// ISO 4217, e.g. `MXN`; every price of the list is in it.
    pub currency: String,
    /// Set by the first price upsert; from then on the currency is fixed, because every stored
    /// price of the list is an amount in it.
    #[serde(default)]
    pub has_prices: bool,
    #[serde(default)]
    pub created_at: String,
    pub updated_at: String,
}

/// From `min_quantity` units on, each unit costs `unit_price`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Tier {
    pub min_quantity: u32,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
}

/// The price of one SKU in one list, before tax.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Price {
    pub price_list_id: String,
    pub sku: Sku,
    #[schema(value_type = String, example = "120.50")]
    pub unit_price: Decimal,
    #[serde(default)]
    pub tiers: Vec<Tier>,
    #[serde(default)]
    pub version: Option<String>,
    pub updated_at: String,
}

/// A per-customer special price or discount on one SKU (F19). A special price replaces the
/// list price (tiers included); a discount applies to whatever price the tiers give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CustomerPrice {
    pub customer_id: String,
    pub sku: Sku,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub special_price: Option<Decimal>,
    /// Percent, e.g. `5` for 5 %.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub discount_percent: Option<Decimal>,
    pub updated_at: String,
}
