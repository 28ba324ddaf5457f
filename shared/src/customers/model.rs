//! The customer (a company account) and its contacts: F3-F6.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::auth::Permissions;
use crate::types::{Email, Language, Name, Phone, Tag};

/// F4. Imported customers start `inactive`; approved requests start `active`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    Pending,
    Active,
    Inactive,
    Blocked,
}

impl CustomerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerStatus::Pending => "pending",
            CustomerStatus::Active => "active",
            CustomerStatus::Inactive => "inactive",
            CustomerStatus::Blocked => "blocked",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AddressKind {
    Shipping,
    Billing,
    Both,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Address {
    pub id: String,
    pub kind: AddressKind,
    #[serde(default)]
    pub is_default: bool,
    pub line1: Name,
    #[serde(default)]
    pub line2: Option<String>,
    pub city: Name,
    #[serde(default)]
    pub state: Option<String>,
    pub postal_code: Name,
    /// ISO 3166-1 alpha-2.
    pub country: Name,
}

/// F3 credit: CASH customers pay up front; CREDIT ones buy within a limit for `credit_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum PaymentTerms {
    Cash,
    Credit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreditSetting {
    pub terms: PaymentTerms,
    #[serde(default)]
    pub credit_days: u32,
    /// Decimal string; zero for CASH.
    #[schema(value_type = String, example = "50000.00")]
    pub limit: Decimal,
    /// ISO 4217, e.g. `MXN`.
    pub currency: String,
}

/// F16: what the customer may buy; everything else is invisible to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, Default)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum CatalogAccess {
    #[default]
    All,
    /// Only items of these types (categories).
    Types { types: Vec<String> },
    /// Only these SKUs.
    Items { skus: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Customer {
    pub id: String,
    pub status: CustomerStatus,
    /// Trade name shown in the portal.
    pub name: Name,
    #[serde(default)]
    pub legal_name: Option<String>,
    pub tax_id: Name,
    /// The customer's main email (invoices, staff emails).
    pub email: Email,
    #[serde(default)]
    pub phone: Option<Phone>,
    #[serde(default)]
    pub language: Language,
    #[serde(default)]
    pub addresses: Vec<Address>,
    #[serde(default)]
    pub shipping_method: Option<String>,
    #[serde(default)]
    pub credit: Option<CreditSetting>,
    #[serde(default)]
    pub price_list_id: Option<String>,
    #[serde(default)]
    pub warehouse_ids: Vec<String>,
    #[serde(default)]
    pub default_warehouse_id: Option<String>,
    #[serde(default)]
    pub catalog_access: CatalogAccess,
    /// Cap on the value of open orders; `None` = the store settings' default.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub open_orders_cap: Option<Decimal>,
    /// Discount on every list price, percent (F19); per-SKU special prices are `CustomerPrice`s.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub discount_percent: Option<Decimal>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// The agent (staff id) who serves this customer.
    #[serde(default)]
    pub agent_id: Option<String>,
    /// The ERP's key for this customer, once synced.
    #[serde(default)]
    pub erp_key: Option<String>,
    /// F6: how many of its emails have an access (invited or active), recounted from the
    /// contacts in the same transaction as every access change.
    #[serde(default)]
    pub emails_with_access: u32,
    /// The free-text address of the registration request this customer was approved from,
    /// for staff to turn into structured addresses.
    #[serde(default)]
    pub registration_address: Option<String>,
    /// Its contacts' sessions issued at or before this time (seconds since the epoch) are
    /// ended: set when the customer is blocked or inactivated, so lifting it later does not
    /// bring old sessions back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sessions_valid_after: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

impl Customer {
    /// A customer with only its identity set and every other field at its default.
    pub fn new(id: &str, status: CustomerStatus, name: Name, tax_id: Name, email: Email) -> Self {
        let now = crate::types::now_rfc3339();
        Self {
            id: id.to_string(),
            status,
            name,
            legal_name: None,
            tax_id,
            email,
            phone: None,
            language: Language::default(),
            addresses: Vec::new(),
            shipping_method: None,
            credit: None,
            price_list_id: None,
            warehouse_ids: Vec::new(),
            default_warehouse_id: None,
            catalog_access: CatalogAccess::default(),
            open_orders_cap: None,
            discount_percent: None,
            tags: Vec::new(),
            agent_id: None,
            erp_key: None,
            emails_with_access: 0,
            registration_address: None,
            sessions_valid_after: None,
            created_at: now.clone(),
            updated_at: now,
        }
    }
}

/// F6: per-email access state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccessState {
    NotCreated,
    Invited,
    Active,
    Blocked,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contact {
    pub customer_id: String,
    pub email: Email,
    pub name: Name,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub phone: Option<Phone>,
    #[serde(default)]
    pub permissions: Permissions,
    pub access: AccessState,
    #[serde(default)]
    pub last_access_at: Option<String>,
    #[serde(default)]
    pub language: Option<Language>,
    /// F39: the most one order of this contact may total (tax included) before it needs a
    /// manager's approval; `None`: no limit. Always in the customer's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spending_limit: Option<SpendingLimit>,
    pub created_at: String,
}

/// F39: a per-order spending limit: an amount in the customer's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SpendingLimit {
    /// Decimal string, more than zero.
    #[schema(value_type = String, example = "5000.00")]
    pub amount: Decimal,
    /// ISO 4217: must be the customer's currency (its price list's).
    pub currency: String,
}

impl Contact {
    /// A new contact without access (F6: access `not_created`).
    pub fn new(customer_id: &str, email: Email, name: Name) -> Self {
        Self {
            customer_id: customer_id.to_string(),
            email,
            name,
            department: None,
            phone: None,
            permissions: Permissions::all(),
            access: AccessState::NotCreated,
            last_access_at: None,
            language: None,
            spending_limit: None,
            created_at: crate::types::now_rfc3339(),
        }
    }

    /// Whether this email counts as having access (F4, F6).
    pub fn has_access(&self) -> bool {
        matches!(self.access, AccessState::Invited | AccessState::Active)
    }
}

impl AccessState {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessState::NotCreated => "not_created",
            AccessState::Invited => "invited",
            AccessState::Active => "active",
            AccessState::Blocked => "blocked",
        }
    }
}
