//! Every key of the single table is built here, so the access patterns read in one place.
//!
//! | entity               | PK                  | SK                    | indexes                                   |
//! |----------------------|---------------------|-----------------------|-------------------------------------------|
//! | customer             | `CUST#<id>`         | `PROFILE`             | GSI1 `CUSTOMERS` / `<status>#<name>#<id>`; GSI2 `AGENT#<staff>` / name |
//! | contact              | `CUST#<id>`         | `CONTACT#<email>`     |                                           |
//! | login (unique email) | `LOGIN#<email>`     | `LOGIN`               | password hash, status, throttling         |
//! | one-time token       | `TOKEN#<sha256>`    | `TOKEN`               | TTL                                       |
//! | reset cool-down      | `RESETWAIT#<email>` | `RESETWAIT`           | TTL; one reset email per email per cool-down |
//! | tag membership       | `TAG#<tag>`         | `CUST#<id>`           |                                           |
//! | registration request | `REQ#<id>`          | `REQ`                 | GSI1 `REQS` / `<status>#<created>`        |
//! | request email guard  | `REQEMAIL#<email>`  | `REQEMAIL`            | one open request per email                |
//! | staff user           | `STAFF#<id>`        | `STAFF`               | GSI1 `STAFF` / email                      |
//! | settings             | `SETTINGS`          | `STORE`               |                                           |
//! | announcement         | `ANNOUNCEMENTS`     | `ANN#<id>`            |                                           |
//! | activity             | `ACT#<cust>`        | `<ts>#<id>`           | TTL                                       |
//! | timeline entry       | `CUST#<id>`         | `TIMELINE#<ts>#<id>`  |                                           |
//! | outbox event         | `OUTBOX`            | `<ts>#<id>`           | relayed to EventBridge, swept on schedule |
//! | item                 | `ITEM#<sku>`        | `ITEM`                | GSI1 `ITEMS`, GSI2 `TYPE#`, GSI3 `BRAND#` (see the catalog block below) |
//! | price list           | `PL#<id>`           | `META`                | GSI1 `PRICELISTS` / `<name>#<id>`         |
//! | price                | `PL#<id>`           | `SKU#<sku>`           | BatchGet for a page of items              |
//! | customer price       | `CUST#<id>`         | `PRICE#<sku>`         | special price / discount per SKU          |
//! | warehouse            | `WH#<id>`           | `META`                |                                           |
//! | stock                | `WH#<id>`           | `SKU#<sku>`           | on_hand, reserved                         |
//! | approval request     | `APPROVAL#<id>`     | `APPROVAL`            | F39; see the orders block below          |
//! | processed message    | `DONE#<consumer>#<event id>` | `DONE`       | TTL: consumer idempotency; `pending` with a lease until the effect happened, then `done` |

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
/// Any email's last password reset request (known or not, so both are treated alike).
pub fn reset_cooldown_pk(email: &str) -> String {
    format!("RESETWAIT#{email}")
}
pub const RESET_COOLDOWN_SK: &str = "RESETWAIT";
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

// Access (registration requests, customers): sort keys of the customer and request indexes.
/// GSI2 sort key of a customer under its agent (`AGENT#<staff>`): by name, then id.
pub fn agent_customer_sk(name: &str, id: &str) -> String {
    format!("{}#{id}", name.to_lowercase())
}
/// GSI1 sort key of a registration request under `REQS`: by status, then creation time.
pub fn request_status_sk(status: &str, created_at: &str, id: &str) -> String {
    format!("{status}#{created_at}#{id}")
}

// Pricing (owned by the pricing function): the price-list index, listing lists by name.
pub const PRICE_LISTS_INDEX_PK: &str = "PRICELISTS";
pub fn price_list_index_sk(name: &str, id: &str) -> String {
    format!("{}#{id}", name.to_lowercase())
}
pub const PRICE_SK_PREFIX: &str = "SKU#";
pub const CUSTOMER_PRICE_SK_PREFIX: &str = "PRICE#";

// Orders, quotes, carts (owned by the orders issue).
//
// | entity                 | PK                      | SK          | indexes                                                  |
// |------------------------|-------------------------|-------------|----------------------------------------------------------|
// | order                  | `ORDER#<id>`            | `ORDER`     | GSI1 `ORDERS#<cust>` / `<created>#<id>`; GSI2 `OPEN_ORDERS` / `<expires_at>#<id>` only while placed (sparse, expiry job); GSI3 `ORDERS` / `<status>#<created>#<id>` |
// | credit                 | `CUST#<id>`             | `CREDIT`    | open_orders, unpaid_<CUR> (per currency), limit (numbers): conditional ADD on ordering |
// | cart (draft order)     | `CUST#<id>`             | `CART#<owner>` | one per contact (owner = the principal's `sub`)        |
// | idempotency key        | `IDEM#<cust>#<key>`     | `IDEM`      | TTL 24 h                                                 |
// | reservation intent     | `INTENT#<order id>`     | `INTENT` / `DRAFT` | GSI2 `INTENTS` / `<created>#<id>` (sweeper)       |
// | stock job              | `STOCKJOB#<order id>`   | `JOB`       | GSI2 `STOCKJOBS` / `<created>#<id>` (sweeper): releases of large orders |
// | saved list (F38)       | `CUST#<id>`             | `LIST#<id>` | lines inside; `CUST#<id>` / `LISTS` counts them (cap)     |
// | quote                  | `QUOTE#<id>`            | `QUOTE`     | GSI1 `QUOTES#<cust>` / `<created>#<id>`; GSI2 `OPEN_QUOTES` / `<valid_until>#<id>` while answered; GSI3 `QUOTES` / `<status>#<created>#<id>` |
pub fn order_pk(id: &str) -> String {
    format!("ORDER#{id}")
}
pub const ORDER_SK: &str = "ORDER";
pub fn customer_orders_pk(customer_id: &str) -> String {
    format!("ORDERS#{customer_id}")
}
pub const OPEN_ORDERS_PK: &str = "OPEN_ORDERS";
pub const ORDERS_BY_STATUS_PK: &str = "ORDERS";
pub const CREDIT_SK: &str = "CREDIT";
pub fn cart_sk(owner: &str) -> String {
    format!("CART#{owner}")
}
pub fn idempotency_pk(customer_id: &str, key: &str) -> String {
    format!("IDEM#{customer_id}#{key}")
}
pub const IDEMPOTENCY_SK: &str = "IDEM";
pub fn intent_pk(order_id: &str) -> String {
    format!("INTENT#{order_id}")
}
pub const INTENT_SK: &str = "INTENT";
pub const INTENT_DRAFT_SK: &str = "DRAFT";
pub const INTENTS_INDEX_PK: &str = "INTENTS";
pub fn stock_job_pk(order_id: &str) -> String {
    format!("STOCKJOB#{order_id}")
}
pub const STOCK_JOB_SK: &str = "JOB";
pub const STOCK_JOBS_INDEX_PK: &str = "STOCKJOBS";
pub fn quote_pk(id: &str) -> String {
    format!("QUOTE#{id}")
}
pub const QUOTE_SK: &str = "QUOTE";
pub fn customer_quotes_pk(customer_id: &str) -> String {
    format!("QUOTES#{customer_id}")
}
pub const OPEN_QUOTES_PK: &str = "OPEN_QUOTES";
pub const QUOTES_BY_STATUS_PK: &str = "QUOTES";
// F39 approval requests (orders above a contact's spending limit, waiting for a manager).
// | approval request | `APPROVAL#<id>` | `APPROVAL` | GSI1 `APPROVALS#<cust>` / `<created>#<id>` (all of a customer's); GSI2 `PENDING_APPROVALS#<cust>` / `<created>#<id>` only while pending (sparse: managers' and staff's list); GSI3 `APPROVALS_BY#<cust>#<email>` / `<created>#<id>` (the requester's own) |
pub fn approval_pk(id: &str) -> String {
    format!("APPROVAL#{id}")
}
pub const APPROVAL_SK: &str = "APPROVAL";
pub fn customer_approvals_pk(customer_id: &str) -> String {
    format!("APPROVALS#{customer_id}")
}
pub fn pending_approvals_pk(customer_id: &str) -> String {
    format!("PENDING_APPROVALS#{customer_id}")
}
pub fn requester_approvals_pk(customer_id: &str, email: &str) -> String {
    format!("APPROVALS_BY#{customer_id}#{email}")
}
// Buying tools (F38): saved list `CUST#<id>` / `LIST#<list id>` (its lines inside); the count of
// a customer's lists `CUST#<id>` / `LISTS` (the cap is a condition of the create transaction).
pub fn saved_list_sk(id: &str) -> String {
    format!("LIST#{id}")
}
pub const SAVED_LIST_SK_PREFIX: &str = "LIST#";
pub const SAVED_LISTS_COUNT_SK: &str = "LISTS";

// Catalog (owned by the catalog function; see docs/catalog-search.md).
// Item `ITEM#<sku>`/`ITEM`, when active: GSI1 `ITEMS` / `<name>#<sku>`, GSI2 `TYPE#<type>` /
// `<name>#<sku>`, GSI3 `BRAND#<brand>` / `<type>#<name>#<sku>`; when inactive only GSI1
// `ITEMS#INACTIVE` / `<name>#<sku>` (names and types folded: see catalog::text).
// Search word `SEARCH#<first 2 chars>` / `<word>#<sku>`: one per indexed word of an active item,
// holding the item's summary. Facet counter `FACETS` / `TB#<type>#<brand>`: active items per
// (type, brand). Warehouse `WH#<id>`/`META`: GSI1 `WAREHOUSES` / `<id>`.
pub const ITEMS_INDEX_PK: &str = "ITEMS";
pub const INACTIVE_ITEMS_INDEX_PK: &str = "ITEMS#INACTIVE";
pub fn item_name_sk(sort_name: &str, sku: &str) -> String {
    format!("{sort_name}#{sku}")
}
pub fn item_type_index_pk(type_key: &str) -> String {
    format!("TYPE#{type_key}")
}
pub fn item_brand_index_pk(brand_key: &str) -> String {
    format!("BRAND#{brand_key}")
}
pub fn item_brand_index_sk(type_key: &str, sort_name: &str, sku: &str) -> String {
    format!("{type_key}#{sort_name}#{sku}")
}
pub fn search_pk(partition: &str) -> String {
    format!("SEARCH#{partition}")
}
pub fn search_sk(word: &str, sku: &str) -> String {
    format!("{word}#{sku}")
}
pub const FACETS_PK: &str = "FACETS";
pub fn facet_sk(type_key: &str, brand_key: &str) -> String {
    format!("TB#{type_key}#{brand_key}")
}
pub const WAREHOUSES_INDEX_PK: &str = "WAREHOUSES";

// ERP sync and documents (owned by the ERP sync issue; see docs/erp-contract.md).
//
// | entity                  | PK                          | SK                     | indexes / notes                          |
// |-------------------------|-----------------------------|------------------------|------------------------------------------|
// | inbound batch           | `ERPBATCH#<id>`             | `BATCH`                | kind, record and chunk counts            |
// | batch chunk result      | `ERPBATCH#<id>`             | `CHUNK#<nnnnn>`        | applied / ignored / rejected, row errors |
// | ERP key of a customer   | `ERPMAP#<kind>#<erp key>`   | `MAP`                  | portal id + version of the last record   |
// | outbound order state    | `ERPOUT#<order id>`         | `STATE`                | which events the ERP acknowledged        |
// | sync run                | `SYNCRUN#<id>`              | `RUN`                  | GSI1 `SYNCRUNS` / `<started>#<id>`       |
// | sync cursor             | `SYNC`                      | `CURSOR`               | where the next pull starts               |
// | document                | `DOC#<id>`                  | `DOC`                  | the whole document (by-id lookup)        |
// | document list entry     | `CUST#<id>`                 | `DOC#<date>#<number>`  | the customer's list and statement        |
pub fn erp_batch_pk(batch_id: &str) -> String {
    format!("ERPBATCH#{batch_id}")
}
pub const ERP_BATCH_SK: &str = "BATCH";
pub const ERP_CHUNK_SK_PREFIX: &str = "CHUNK#";
pub fn erp_chunk_sk(chunk: usize) -> String {
    format!("CHUNK#{chunk:05}")
}
pub fn erp_map_pk(kind: &str, erp_key: &str) -> String {
    format!("ERPMAP#{kind}#{erp_key}")
}
pub const ERP_MAP_SK: &str = "MAP";
pub fn erp_outbound_pk(order_id: &str) -> String {
    format!("ERPOUT#{order_id}")
}
pub const ERP_OUTBOUND_SK: &str = "STATE";
pub fn sync_run_pk(run_id: &str) -> String {
    format!("SYNCRUN#{run_id}")
}
pub const SYNC_RUN_SK: &str = "RUN";
pub const SYNC_RUNS_INDEX_PK: &str = "SYNCRUNS";
pub const SYNC_CURSOR_PK: &str = "SYNC";
pub const SYNC_CURSOR_SK: &str = "CURSOR";
pub fn document_pk(document_id: &str) -> String {
    format!("DOC#{document_id}")
}
pub const DOCUMENT_SK: &str = "DOC";
pub const DOCUMENT_ENTRY_SK_PREFIX: &str = "DOC#";
pub fn document_entry_sk(issued_on: &str, number: &str) -> String {
    format!("DOC#{issued_on}#{number}")
}

// Sales reports (owned by the reports issue; see docs/reports.md).
//
// | entity               | PK                                    | SK                          | notes |
// |----------------------|---------------------------------------|-----------------------------|-------|
// | report bucket        | `RPT#<scope>#<currency>#<dimension>`  | `D#<yyyy-mm-dd>[#<value>]` or `M#<yyyy-mm>#<value>` | counters (atomic ADD) |
// | report event marker  | `RPTDONE#<order id>#<event type>`     | `PART#<nnn>`                | one per transaction of an applied order event |
//
// Scope: `ALL`, `AGENT#<staff id>` (an agent's customers), `CUST#<customer id>` (one customer).
pub fn report_pk(scope: &str, currency: &str, dimension: &str) -> String {
    format!("RPT#{scope}#{currency}#{dimension}")
}
/// A day bucket; `value` is empty for the dimension-less totals.
pub fn report_day_sk(day: &str, value: &str) -> String {
    if value.is_empty() {
        format!("D#{day}")
    } else {
        format!("D#{day}#{value}")
    }
}
pub fn report_month_sk(month: &str, value: &str) -> String {
    format!("M#{month}#{value}")
}
pub fn report_marker_pk(order_id: &str, event_type: &str) -> String {
    format!("RPTDONE#{order_id}#{event_type}")
}
pub fn report_marker_sk(part: usize) -> String {
    format!("PART#{part:03}")
}
