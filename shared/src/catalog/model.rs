//! Items, warehouses and stock (F15, F17, F18).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A SKU: 1-64 characters of letters, digits, `-`, `_`, `.` and `/`, upper-cased.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "ABC-123")]
pub struct Sku(String);

impl TryFrom<String> for Sku {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        let value = raw.trim().to_uppercase();
        if !value.is_empty()
            && value.len() <= 64
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        {
            Ok(Sku(value))
        } else {
            Err("must be 1-64 characters of letters, digits, '-', '_', '.' or '/'".into())
        }
    }
}

impl From<Sku> for String {
    fn from(value: Sku) -> String {
        value.0
    }
}

impl Sku {
    pub fn parse(value: impl Into<String>) -> Result<Self, String> {
        Self::try_from(value.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Sku {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Item {
    pub sku: Sku,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The item type (category), e.g. `tools`.
    pub item_type: String,
    #[serde(default)]
    pub brand: String,
    /// Unit of sale, e.g. `piece`, `box`, `kg`.
    pub unit: String,
    #[serde(default)]
    pub images: Vec<String>,
    /// Tax rate as a fraction, e.g. `0.16` for 16 % VAT.
    #[schema(value_type = String, example = "0.16")]
    pub tax_rate: Decimal,
    pub active: bool,
    #[serde(default)]
    pub erp_key: Option<String>,
    /// ERP version / modification stamp; older inbound records are ignored.
    #[serde(default)]
    pub version: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Warehouse {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub address: Option<String>,
    pub active: bool,
    pub updated_at: String,
}

/// Stock of one item in one warehouse. Available = on hand - reserved (never below zero: the
/// order placement's conditional writes guarantee it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Stock {
    pub warehouse_id: String,
    pub sku: Sku,
    pub on_hand: i64,
    #[serde(default)]
    pub reserved: i64,
    pub updated_at: String,
}

impl Stock {
    pub fn available(&self) -> i64 {
        (self.on_hand - self.reserved).max(0)
    }
}
