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

// ---------------------------------------------------------------------------------------------
// Input validation, shared by the JSON routes and the import files (so a row of a CSV file is
// judged exactly like a POST body). Errors name the field relative to the item (`tax_rate`).

use std::str::FromStr;

use crate::error::FieldError;

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;
pub const MAX_LABEL_CHARS: usize = 80;
pub const MAX_UNIT_CHARS: usize = 20;
pub const MAX_IMAGES: usize = 20;
pub const MAX_IMAGE_URL_CHARS: usize = 1_000;
pub const TAX_RATE_DECIMALS: u32 = 4;

/// An item as a create request or an import row gives it. Decimals travel as strings.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    #[schema(example = "DRL-500")]
    pub sku: String,
    #[schema(example = "Taladro percutor 500 W")]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The item type (category); customers may be limited to some types (F16).
    #[schema(example = "Herramientas")]
    pub item_type: String,
    #[serde(default)]
    #[schema(example = "Bosch")]
    pub brand: String,
    #[schema(example = "piece")]
    pub unit: String,
    /// Absolute http(s) URLs, at most 20.
    #[serde(default)]
    pub images: Vec<String>,
    /// A fraction from 0 to 1 as a string, e.g. `"0.16"`.
    #[schema(example = "0.16")]
    pub tax_rate: String,
    #[serde(default = "default_true")]
    pub active: bool,
}

fn default_true() -> bool {
    true
}

/// Changes to an item; absent fields keep their value. `active: false` deactivates it: it
/// disappears from the storefront and from every customer's catalog.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub item_type: Option<String>,
    pub brand: Option<String>,
    pub unit: Option<String>,
    pub images: Option<Vec<String>>,
    #[schema(example = "0.16")]
    pub tax_rate: Option<String>,
    pub active: Option<bool>,
}

fn no_control(value: &str) -> bool {
    !value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
}

fn label(
    field: &str,
    raw: &str,
    required: bool,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    let value = raw.trim().to_string();
    if value.is_empty() {
        if required {
            errors.push(FieldError::new(field, "is required"));
        }
    } else if value.chars().count() > max {
        errors.push(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    } else if !no_control(&value) || value.contains('\n') {
        errors.push(FieldError::new(field, "must be one line of text"));
    } else if super::text::key_of(&value).is_empty() {
        errors.push(FieldError::new(field, "must contain a letter or digit"));
    }
    value
}

/// Parses a tax rate: a decimal fraction from 0 to 1, at most 4 decimals.
pub fn parse_tax_rate(raw: &str) -> Result<Decimal, String> {
    let value = Decimal::from_str(raw.trim())
        .map_err(|_| "must be a decimal fraction as a string, e.g. \"0.16\"".to_string())?;
    if value < Decimal::ZERO || value > Decimal::ONE {
        return Err("must be between 0 and 1 (0.16 = 16 %)".into());
    }
    if value.normalize().scale() > TAX_RATE_DECIMALS {
        return Err(format!("must have at most {TAX_RATE_DECIMALS} decimals"));
    }
    Ok(value.normalize())
}

fn check_images(images: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    if images.len() > MAX_IMAGES {
        errors.push(FieldError::new(
            "images",
            format!("at most {MAX_IMAGES} images"),
        ));
    }
    let mut out = Vec::with_capacity(images.len());
    for (i, raw) in images.iter().enumerate() {
        let url = raw.trim();
        let valid = (url.starts_with("https://") || url.starts_with("http://"))
            && url.len() > "https://".len()
            && url.chars().count() <= MAX_IMAGE_URL_CHARS
            && !url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '|');
        if valid {
            out.push(url.to_string());
        } else {
            errors.push(FieldError::new(
                format!("images[{i}]"),
                format!("must be an http(s) URL of at most {MAX_IMAGE_URL_CHARS} characters, without spaces or '|'"),
            ));
        }
    }
    out
}

fn check_description(raw: &str, errors: &mut Vec<FieldError>) -> String {
    let value = raw.trim().to_string();
    if value.chars().count() > MAX_DESCRIPTION_CHARS {
        errors.push(FieldError::new(
            "description",
            format!("must be at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    } else if !no_control(&value) {
        errors.push(FieldError::new(
            "description",
            "must not contain control characters",
        ));
    }
    value
}

impl ItemInput {
    /// The item this input describes, or every problem with it.
    pub fn validate(&self, now: &str) -> Result<Item, Vec<FieldError>> {
        let mut errors = Vec::new();
        let sku = Sku::parse(self.sku.clone())
            .map_err(|reason| errors.push(FieldError::new("sku", reason)))
            .ok();
        let name = label("name", &self.name, true, MAX_NAME_CHARS, &mut errors);
        let description = check_description(&self.description, &mut errors);
        let item_type = label(
            "item_type",
            &self.item_type,
            true,
            MAX_LABEL_CHARS,
            &mut errors,
        );
        let brand = label("brand", &self.brand, false, MAX_LABEL_CHARS, &mut errors);
        let unit = label("unit", &self.unit, true, MAX_UNIT_CHARS, &mut errors);
        let images = check_images(&self.images, &mut errors);
        let tax_rate = parse_tax_rate(&self.tax_rate)
            .map_err(|reason| errors.push(FieldError::new("tax_rate", reason)))
            .ok();
        match (sku, tax_rate) {
            (Some(sku), Some(tax_rate)) if errors.is_empty() => Ok(Item {
                sku,
                name,
                description,
                item_type,
                brand,
                unit,
                images,
                tax_rate,
                active: self.active,
                erp_key: None,
                version: None,
                updated_at: now.to_string(),
            }),
            _ => Err(errors),
        }
    }
}

impl ItemPatch {
    /// `current` with the patch applied, or every problem with the patch.
    pub fn apply(&self, current: &Item, now: &str) -> Result<Item, Vec<FieldError>> {
        let input = ItemInput {
            sku: current.sku.to_string(),
            name: self.name.clone().unwrap_or_else(|| current.name.clone()),
            description: self
                .description
                .clone()
                .unwrap_or_else(|| current.description.clone()),
            item_type: self
                .item_type
                .clone()
                .unwrap_or_else(|| current.item_type.clone()),
            brand: self.brand.clone().unwrap_or_else(|| current.brand.clone()),
            unit: self.unit.clone().unwrap_or_else(|| current.unit.clone()),
            images: self
                .images
                .clone()
                .unwrap_or_else(|| current.images.clone()),
            tax_rate: self
                .tax_rate
                .clone()
                .unwrap_or_else(|| current.tax_rate.to_string()),
            active: self.active.unwrap_or(current.active),
        };
        let mut item = input.validate(now)?;
        item.erp_key = current.erp_key.clone();
        item.version = current.version.clone();
        Ok(item)
    }
}

impl Item {
    /// The key of its type, for filters and access checks ("Power Tools" = "power-tools").
    pub fn type_key(&self) -> String {
        super::text::key_of(&self.item_type)
    }
    pub fn brand_key(&self) -> String {
        super::text::key_of(&self.brand)
    }
}

/// An item as the catalog lists it (the detail route adds the description and all images).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemSummary {
    pub sku: Sku,
    pub name: String,
    pub item_type: String,
    #[serde(default)]
    pub brand: String,
    pub unit: String,
    #[schema(value_type = String, example = "0.16")]
    pub tax_rate: Decimal,
    /// The first image, if any.
    #[serde(default)]
    pub image: Option<String>,
}

impl From<&Item> for ItemSummary {
    fn from(item: &Item) -> Self {
        Self {
            sku: item.sku.clone(),
            name: item.name.clone(),
            item_type: item.item_type.clone(),
            brand: item.brand.clone(),
            unit: item.unit.clone(),
            tax_rate: item.tax_rate,
            image: item.images.first().cloned(),
        }
    }
}

// Warehouses ----------------------------------------------------------------------------------

/// A warehouse code: 1-32 letters, digits, `-` or `_` (kept as given: customers refer to it).
pub fn check_warehouse_id(id: &str) -> Result<(), String> {
    if !id.is_empty()
        && id.len() <= 32
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(())
    } else {
        Err("must be 1-32 letters, digits, '-' or '_'".into())
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WarehouseInput {
    /// A code such as `MTY` (made up when absent).
    #[serde(default)]
    #[schema(example = "MTY")]
    pub id: Option<String>,
    #[schema(example = "Monterrey")]
    pub name: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default = "default_true")]
    pub active: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WarehousePatch {
    pub name: Option<String>,
    /// An empty string removes the address.
    pub address: Option<String>,
    pub active: Option<bool>,
}

fn check_address(raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    let value = raw.map(str::trim).filter(|a| !a.is_empty())?;
    if value.chars().count() > 300 || !no_control(value) {
        errors.push(FieldError::new(
            "address",
            "must be at most 300 characters of text",
        ));
    }
    Some(value.to_string())
}

impl WarehouseInput {
    pub fn validate(&self, now: &str) -> Result<Warehouse, Vec<FieldError>> {
        let mut errors = Vec::new();
        let id = match &self.id {
            Some(id) => {
                let id = id.trim().to_string();
                if let Err(reason) = check_warehouse_id(&id) {
                    errors.push(FieldError::new("id", reason));
                }
                id
            }
            None => crate::types::new_id(),
        };
        let name = label("name", &self.name, true, MAX_LABEL_CHARS, &mut errors);
        let address = check_address(self.address.as_deref(), &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Warehouse {
            id,
            name,
            address,
            active: self.active,
            updated_at: now.to_string(),
        })
    }
}

impl WarehousePatch {
    pub fn apply(&self, current: &Warehouse, now: &str) -> Result<Warehouse, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = match &self.name {
            Some(name) => label("name", name, true, MAX_LABEL_CHARS, &mut errors),
            None => current.name.clone(),
        };
        let address = match &self.address {
            Some(address) => check_address(Some(address), &mut errors),
            None => current.address.clone(),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Warehouse {
            id: current.id.clone(),
            name,
            address,
            active: self.active.unwrap_or(current.active),
            updated_at: now.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ItemInput {
        ItemInput {
            sku: "drl-500".into(),
            name: " Taladro 500 W ".into(),
            description: String::new(),
            item_type: "Herramientas".into(),
            brand: "Bosch".into(),
            unit: "piece".into(),
            images: vec!["https://img.example.com/a.jpg".into()],
            tax_rate: "0.160".into(),
            active: true,
        }
    }

    #[test]
    fn valid_input_is_normalised() {
        let item = input().validate("now").unwrap();
        assert_eq!(item.sku.as_str(), "DRL-500");
        assert_eq!(item.name, "Taladro 500 W");
        assert_eq!(item.tax_rate.to_string(), "0.16");
        assert_eq!(item.type_key(), "herramientas");
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut bad = input();
        bad.sku = "no spaces".into();
        bad.name = "  ".into();
        bad.tax_rate = "1.5".into();
        bad.images = vec!["ftp://x".into()];
        let fields: Vec<String> = bad
            .validate("now")
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["sku", "name", "images[0]", "tax_rate"]);
        assert!(parse_tax_rate("0.12345").is_err());
        assert!(parse_tax_rate("-0.1").is_err());
        assert!(parse_tax_rate("abc").is_err());
    }

    #[test]
    fn patch_keeps_what_it_does_not_name() {
        let item = input().validate("t0").unwrap();
        let patch = ItemPatch {
            active: Some(false),
            ..Default::default()
        };
        let patched = patch.apply(&item, "t1").unwrap();
        assert!(!patched.active);
        assert_eq!(patched.name, item.name);
        assert_eq!(patched.updated_at, "t1");
        let bad = ItemPatch {
            unit: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(bad.apply(&item, "t1").unwrap_err()[0].field, "unit");
    }
}
