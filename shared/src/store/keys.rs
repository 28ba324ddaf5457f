//! Every key of the single table is built here, so the access patterns read in one place.
//!
//! | entity               | PK                  | SK                    | indexes                                   |
//! |----------------------|---------------------|-----------------------|-------------------------------------------|
//! | customer             | `CUST#<id>`         | `PROFILE`             | GSI1 `CUSTOMERS` / `<status>#<name>#<id>`; GSI2 `AGENT#<staff>` / name |
//! | contact              | `CUST#<id>`         | `CONTACT#<email>`     |                                           |
//! | login (unique email) | `LOGIN#<email>`     | `LOGIN`               | password hash, status, throttling         |
//! | one-time token       | `TOKEN#<sha256>`    | `TOKEN`               | TTL                                       |
//! | tag membership       | `TAG#<tag>`         | `CUST#<id>`           |                                           |
//! | registration request | `REQ#<id>`          | `REQ`                 | GSI1 `REQS` / `<status>#<created>`        |
//! | request email guard  | `REQEMAIL#<email>`  | `REQEMAIL`            | one open request per email                |
//! | staff user           | `STAFF#<id>`        | `STAFF`               | GSI1 `STAFF` / email                      |
//! | settings             | `SETTINGS`          | `STORE`               |                                           |
//! | announcement         | `ANNOUNCEMENTS`     | `ANN#<id>`            |                                           |
//! | activity             | `ACT#<cust>`        | `<ts>#<id>`           | TTL                                       |
//! | timeline entry       | `CUST#<id>`         | `TIMELINE#<ts>#<id>`  |                                           |
//! | outbox event         | `OUTBOX`            | `<ts>#<id>`           | relayed to EventBridge, swept on schedule |
//! | item                 | `ITEM#<sku>`        | `ITEM`                | (catalog issue decides its indexes)       |
//! | price list           | `PL#<id>`           | `META`                |                                           |
//! | price                | `PL#<id>`           | `SKU#<sku>`           | BatchGet for a page of items              |
//! | customer price       | `CUST#<id>`         | `PRICE#<sku>`         | special price / discount per SKU          |
//! | warehouse            | `WH#<id>`           | `META`                |                                           |
//! | stock                | `WH#<id>`           | `SKU#<sku>`           | on_hand, reserved                         |
//! | processed message    | `DONE#<consumer>#<event id>` | `DONE`       | TTL: consumer idempotency                 |

pub const PK: &str = "PK";
pub const SK: &str = "SK";
pub const GSI1: &str = "GSI1";
pub const GSI2: &str = "GSI2";
pub const GSI3: &str = "GSI3";
pub const TTL: &str = "ttl";

/// The keys of one item: primary key, optional index keys and optional expiry (epoch seconds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keys {
    pub pk: String,
    pub sk: String,
    pub gsi1: Option<(String, String)>,
    pub gsi2: Option<(String, String)>,
    pub gsi3: Option<(String, String)>,
    pub ttl: Option<i64>,
}

impl Keys {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            pk: pk.into(),
            sk: sk.into(),
            ..Default::default()
        }
    }
    pub fn gsi1(mut self, pk: impl Into<String>, sk: impl Into<String>) -> Self {
        self.gsi1 = Some((pk.into(), sk.into()));
        self
    }
    pub fn gsi2(mut self, pk: impl Into<String>, sk: impl Into<String>) -> Self {
        self.gsi2 = Some((pk.into(), sk.into()));
        self
    }
    pub fn gsi3(mut self, pk: impl Into<String>, sk: impl Into<String>) -> Self {
        self.gsi3 = Some((pk.into(), sk.into()));
        self
    }
    pub fn ttl(mut self, epoch_seconds: i64) -> Self {
        self.ttl = Some(epoch_seconds);
        self
    }
}

pub fn customer_pk(customer_id: &str) -> String {
    format!("CUST#{customer_id}")
}
pub const CUSTOMER_PROFILE_SK: &str = "PROFILE";
pub const CUSTOMERS_INDEX_PK: &str = "CUSTOMERS";
pub fn customer_status_sk(status: &str, name: &str, id: &str) -> String {
    format!("{status}#{}#{id}", name.to_lowercase())
}
pub fn agent_pk(staff_id: &str) -> String {
    format!("AGENT#{staff_id}")
}
pub fn contact_sk(email: &str) -> String {
    format!("CONTACT#{email}")
}
pub const CONTACT_SK_PREFIX: &str = "CONTACT#";
pub fn login_pk(email: &str) -> String {
    format!("LOGIN#{email}")
}
pub const LOGIN_SK: &str = "LOGIN";
pub fn token_pk(token_hash: &str) -> String {
    format!("TOKEN#{token_hash}")
}
pub const TOKEN_SK: &str = "TOKEN";
pub fn tag_pk(tag: &str) -> String {
    format!("TAG#{tag}")
}
pub fn request_pk(id: &str) -> String {
    format!("REQ#{id}")
}
pub const REQUEST_SK: &str = "REQ";
pub const REQUESTS_INDEX_PK: &str = "REQS";
pub fn request_email_pk(email: &str) -> String {
    format!("REQEMAIL#{email}")
}
pub const REQUEST_EMAIL_SK: &str = "REQEMAIL";
pub fn staff_pk(id: &str) -> String {
    format!("STAFF#{id}")
}
pub const STAFF_SK: &str = "STAFF";
pub const STAFF_INDEX_PK: &str = "STAFF";
pub const SETTINGS_PK: &str = "SETTINGS";
pub const SETTINGS_SK: &str = "STORE";
pub const ANNOUNCEMENTS_PK: &str = "ANNOUNCEMENTS";
pub fn announcement_sk(id: &str) -> String {
    format!("ANN#{id}")
}
pub fn activity_pk(customer_id: &str) -> String {
    format!("ACT#{customer_id}")
}
pub fn timeline_sk(ts: &str, id: &str) -> String {
    format!("TIMELINE#{ts}#{id}")
}
pub const TIMELINE_SK_PREFIX: &str = "TIMELINE#";
pub const OUTBOX_PK: &str = "OUTBOX";
pub fn processed_pk(consumer: &str, event_id: &str) -> String {
    format!("DONE#{consumer}#{event_id}")
}
pub const PROCESSED_SK: &str = "DONE";

// Catalog and pricing.
pub fn item_pk(sku: &str) -> String {
    format!("ITEM#{sku}")
}
pub const ITEM_SK: &str = "ITEM";
pub fn price_list_pk(id: &str) -> String {
    format!("PL#{id}")
}
pub const META_SK: &str = "META";
pub fn price_sk(sku: &str) -> String {
    format!("SKU#{sku}")
}
pub fn customer_price_sk(sku: &str) -> String {
    format!("PRICE#{sku}")
}
pub fn warehouse_pk(id: &str) -> String {
    format!("WH#{id}")
}
pub fn stock_sk(sku: &str) -> String {
    format!("SKU#{sku}")
}
