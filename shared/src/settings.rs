//! Store settings (F33): one item, read by most actions, defaults until staff save them.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::store::{keys, Keys, Store, StoreError};
use crate::types::{Email, Language};

/// F18: how availability is shown to customers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum StockDisplay {
    #[default]
    Quantity,
    YesNo,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Settings {
    /// F14: visitors may browse the catalog but never see prices or availability.
    pub b2b_mode: bool,
    pub stock_display: StockDisplay,
    /// F24: hours a placed order may stay unclaimed before it expires.
    pub order_claim_hours: u32,
    /// Default cap on the value of a customer's open orders (`None`: no cap).
    #[schema(value_type = Option<String>)]
    pub default_open_orders_cap: Option<Decimal>,
    /// F25: who at the seller hears of new account requests and orders.
    pub seller_notification_emails: Vec<Email>,
    /// Seller's WhatsApp number (digits, international) for links in customer emails.
    #[serde(default)]
    pub seller_whatsapp: Option<crate::types::Phone>,
    pub store_name: String,
    pub default_language: Language,
    /// ISO 4217.
    pub default_currency: String,
    pub updated_at: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            b2b_mode: true,
            stock_display: StockDisplay::Quantity,
            order_claim_hours: 48,
            default_open_orders_cap: None,
            seller_notification_emails: Vec::new(),
            seller_whatsapp: None,
            store_name: "B2B Portal".into(),
            default_language: Language::Es,
            default_currency: "MXN".into(),
            updated_at: None,
        }
    }
}

fn settings_keys() -> Keys {
    Keys::new(keys::SETTINGS_PK, keys::SETTINGS_SK)
}

pub async fn load(store: &Store) -> Result<Settings, StoreError> {
    Ok(store
        .get(keys::SETTINGS_PK, keys::SETTINGS_SK)
        .await?
        .unwrap_or_default())
}

pub async fn save(store: &Store, settings: &Settings) -> Result<(), StoreError> {
    store.put(&settings_keys(), settings).await
}
