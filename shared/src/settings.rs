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
    /// Sender of the store's emails; `None`: the deployment's `SENDER_EMAIL`. Must be an
    /// identity verified in SES.
    #[serde(default)]
    pub sender_email: Option<Email>,
    pub store_name: String,
    pub default_language: Language,
    /// ISO 4217.
    pub default_currency: String,
    /// The store's IANA time zone (`America/Mexico_City`): the portal shows times in it.
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    pub updated_at: Option<String>,
}

fn default_time_zone() -> String {
    "UTC".into()
}

/// An IANA time zone name as `Area/Location[/Sub]` (`America/Argentina/Buenos_Aires`, `UTC`,
/// `Etc/GMT+6`). The shape only: the browsers and the emails check it against their own
/// time zone database and fall back to UTC for a name they do not know.
pub fn is_time_zone(name: &str) -> bool {
    let part = |p: &str| {
        !p.is_empty()
            && p.len() <= 32
            && p.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_+-".contains(c))
    };
    name.len() <= 64 && name.split('/').count() <= 3 && name.split('/').all(part)
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
            sender_email: None,
            store_name: "B2B Portal".into(),
            default_language: Language::Es,
            default_currency: "MXN".into(),
            time_zone: default_time_zone(),
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

/// Most seller notification addresses (F25) a store may list.
pub const MAX_NOTIFICATION_EMAILS: usize = 20;
/// Longest time an order may wait to be claimed: 30 days.
pub const MAX_ORDER_CLAIM_HOURS: u32 = 720;

impl Settings {
    /// The rules the typed fields cannot say, each naming its field.
    pub fn validate(&self) -> crate::AppResult<()> {
        use crate::FieldError;
        let mut errors = Vec::new();
        if !(1..=MAX_ORDER_CLAIM_HOURS).contains(&self.order_claim_hours) {
            errors.push(FieldError::new(
                "order_claim_hours",
                format!("must be between 1 and {MAX_ORDER_CLAIM_HOURS}"),
            ));
        }
        if self
            .default_open_orders_cap
            .is_some_and(|cap| cap.is_sign_negative())
        {
            errors.push(FieldError::new(
                "default_open_orders_cap",
                "must not be negative",
            ));
        }
        if self.seller_notification_emails.len() > MAX_NOTIFICATION_EMAILS {
            errors.push(FieldError::new(
                "seller_notification_emails",
                format!("must list at most {MAX_NOTIFICATION_EMAILS} addresses"),
            ));
        }
        let name = self.store_name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            errors.push(FieldError::new("store_name", "must be 1 to 200 characters"));
        } else if !crate::types::is_one_line(name) {
            // The store name is the sender's name and part of email subjects.
            errors.push(FieldError::new(
                "store_name",
                "must be one line of text, without control characters",
            ));
        }
        if !(self.default_currency.len() == 3
            && self
                .default_currency
                .chars()
                .all(|c| c.is_ascii_uppercase()))
        {
            errors.push(FieldError::new(
                "default_currency",
                "must be an ISO 4217 code such as MXN",
            ));
        }
        if !is_time_zone(&self.time_zone) {
            errors.push(FieldError::new(
                "time_zone",
                "must be an IANA time zone name such as America/Mexico_City",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(crate::AppError::Validation(errors))
        }
    }
}

#[cfg(test)]
mod validation_tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_are_named() {
        assert!(Settings::default().validate().is_ok());
        let bad = Settings {
            order_claim_hours: 0,
            default_open_orders_cap: Some(Decimal::new(-1, 0)),
            store_name: "  ".into(),
            default_currency: "mxn".into(),
            time_zone: "Mexico City".into(),
            ..Settings::default()
        };
        let Err(crate::AppError::Validation(errors)) = bad.validate() else {
            panic!("validation expected")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "order_claim_hours",
                "default_open_orders_cap",
                "store_name",
                "default_currency",
                "time_zone"
            ]
        );
    }

    #[test]
    fn time_zones_are_iana_names() {
        for ok in [
            "UTC",
            "America/Mexico_City",
            "America/Argentina/Buenos_Aires",
            "Europe/Bucharest",
            "Etc/GMT+6",
        ] {
            assert!(is_time_zone(ok), "{ok}");
        }
        for bad in [
            "",
            "Mexico City",
            "America/",
            "/UTC",
            "America/Mexico_City/x/y",
            "<script>",
            "America/../etc",
        ] {
            assert!(!is_time_zone(bad), "{bad}");
        }
    }

    #[test]
    fn settings_saved_before_the_time_zone_existed_read_as_utc() {
        let mut json = serde_json::to_value(Settings::default()).unwrap();
        json.as_object_mut().unwrap().remove("time_zone");
        let read: Settings = serde_json::from_value(json).unwrap();
        assert_eq!(read.time_zone, "UTC");
    }
}
