//! F22 placing an order, as one business action.
//!
//! One attempt = one read (a BatchGet of the customer, its credit record, the settings, the
//! idempotency record, the contact, the items, prices and stock; split in parallel BatchGets of
//! 100 keys for large orders) and one write: a `TransactWriteItems` holding the order, the
//! idempotency record, the conditional credit update, one conditional stock update per merged
//! line, the outbox events and the activity record. Every check is made on what was read and
//! enforced again by the write's conditions; when a competing order wins a condition the whole
//! attempt is retried on fresh data, so refusals always come from the current state.
//! Orders with more lines than one transaction holds go through [`super::intent`].

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::approvals::{ApprovalRequest, ApprovalStatus};
use super::credit::{self, CreditGuard, CreditRecord};
use super::error::{OrderError, OrderResult, ShortLine};
use super::events::{placed_events, Recipient};
use super::model::{
    status_sk, Actor, ApprovalRef, LineRequest, Order, OrderLine, OrderStatus, Quote, QuoteStatus,
    StoredCart,
};
use super::stock::{self, StockSnapshot};
use super::{fetch, get, hint, remember_hint, CustomerHint, Fetched};
use crate::activity::Activity;
use crate::app::App;
use crate::auth::Permissions;
use crate::catalog::Sku;
use crate::customers::readiness::profile_gaps;
use crate::customers::{AccessState, Contact, Customer, CustomerStatus, SpendingLimit};
use crate::error::{AppError, AppResult, FieldError};
use crate::pricing::quote::{merge_lines, StockLevels, MAX_LINE_QUANTITY, MAX_QUOTE_LINES};
use crate::pricing::{self, LineIssue};
use crate::settings::{Settings, StockDisplay};
use crate::store::{self, keys, Keys, Store, StoreError};
use crate::types::{new_id, now_rfc3339};

/// Most lines an order may have (F22).
pub const MAX_ORDER_LINES: usize = MAX_QUOTE_LINES;
/// DynamoDB's limit of actions in one transaction.
pub const MAX_TRANSACTION_ACTIONS: usize = 100;
/// Actions of the single transaction besides the stock updates: order, idempotency record,
/// credit, two events, activity and the cart deletion or quote acceptance.
const FIXED_ACTIONS: usize = 7;
/// Orders with at most this many (merged) lines are placed in one transaction.
pub const SINGLE_TRANSACTION_LINES: usize = MAX_TRANSACTION_ACTIONS - FIXED_ACTIONS;
/// How long an idempotency record is kept.
pub const IDEMPOTENCY_HOURS: i64 = 24;
const MAX_NOTE_CHARS: usize = 2000;
const MAX_ATTEMPTS: u32 = 40;

/// `POST /v1/orders`: what to order.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceOrderRequest {
    /// One of the customer's warehouses; default: the cart's, else the customer's default one.
    #[serde(default)]
    pub warehouse_id: Option<String>,
    /// 1 to 500 lines (same SKUs are merged). Leave out to order the contact's cart, which is
    /// emptied by the same transaction.
    #[serde(default)]
    pub lines: Option<Vec<LineRequest>>,
    /// A message for the seller (up to 2000 characters).
    #[serde(default)]
    pub note: Option<String>,
}

impl PlaceOrderRequest {
    /// The checks that need no data, each naming its field.
    pub fn validate(&self) -> AppResult<()> {
        let mut errors = Vec::new();
        if let Some(lines) = &self.lines {
            validate_lines(lines, &mut errors);
        }
        if let Some(note) = &self.note {
            if note.chars().count() > MAX_NOTE_CHARS {
                errors.push(FieldError::new(
                    "note",
                    format!("must be at most {MAX_NOTE_CHARS} characters"),
                ));
            }
        }
        if let Some(wh) = &self.warehouse_id {
            if wh.trim().is_empty() {
                errors.push(FieldError::new("warehouse_id", "must not be empty"));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

/// Line count and quantities of requested lines.
pub fn validate_lines(lines: &[LineRequest], errors: &mut Vec<FieldError>) {
    if lines.is_empty() {
        errors.push(FieldError::new("lines", "must have at least one line"));
    }
    if lines.len() > MAX_ORDER_LINES {
        errors.push(FieldError::new(
            "lines",
            format!("must have at most {MAX_ORDER_LINES} lines"),
        ));
    }
    for (i, line) in lines.iter().enumerate() {
        if !(1..=MAX_LINE_QUANTITY).contains(&line.quantity) {
            errors.push(FieldError::new(
                format!("lines[{i}].quantity"),
                format!("must be between 1 and {MAX_LINE_QUANTITY}"),
            ));
        }
    }
    // Merged quantities must stay within the maximum too.
    if errors.is_empty() {
        for merged in merge_lines(lines) {
            if merged.quantity > MAX_LINE_QUANTITY {
                let i = lines.iter().position(|l| l.sku == merged.sku).unwrap_or(0);
                errors.push(FieldError::new(
                    format!("lines[{i}].quantity"),
                    format!(
                        "lines of {} add up to more than {MAX_LINE_QUANTITY}",
                        merged.sku
                    ),
                ));
            }
        }
    }
}

/// Checks an `Idempotency-Key` header value.
pub fn validate_idempotency_key(key: Option<&str>) -> AppResult<String> {
    let key = key.map(str::trim).unwrap_or_default();
    if key.is_empty() {
        return Err(AppError::invalid(
            "Idempotency-Key",
            "this header is required: a unique value per order (e.g. a UUID), re-sent on retries",
        ));
    }
    if key.len() > 128 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AppError::invalid(
            "Idempotency-Key",
            "must be 1-128 visible ASCII characters",
        ));
    }
    Ok(key.to_string())
}

/// Who places the order.
#[derive(Debug, Clone)]
pub struct Placer {
    pub actor: Actor,
    /// The session's permissions for contacts (and staff acting as a customer); `None` for staff
    /// placing through the admin route, who need no contact permission.
    pub permissions: Option<Permissions>,
}

/// Test hooks of the multi-step reservation.
#[derive(Debug, Clone, Default)]
pub struct PlaceOptions {
    /// Simulate a crash after this many reservation chunks were committed (`Some(chunk_count)`:
    /// after all of them, before the order is written); the sweeper must clean up.
    pub fail_after_chunk: Option<usize>,
}

/// The answer to a placement: the order as JSON, or the first answer replayed.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The order's id, or the approval request's when `pending_approval`.
    pub order_id: String,
    pub body: serde_json::Value,
    pub replayed: bool,
    /// F39: the order was above the contact's spending limit, so `body` is the approval
    /// request submitted instead (nothing reserved, no credit used).
    pub pending_approval: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum IdemState {
    /// A multi-step placement holds the key.
    Pending,
    Done,
}

/// `IDEM#<cust>#<key>` / `IDEM`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct IdempotencyRecord {
    pub customer_id: String,
    pub key: String,
    pub request_hash: String,
    pub state: IdemState,
    pub order_id: String,
    /// The first answer's body (JSON text).
    #[serde(default)]
    pub response: Option<String>,
    /// F39: the first answer was an approval request (`order_id` is its id), not an order.
    #[serde(default)]
    pub approval: bool,
    pub created_at: String,
}

impl IdempotencyRecord {
    pub fn keys(customer_id: &str, key: &str) -> Keys {
        Keys::new(keys::idempotency_pk(customer_id, key), keys::IDEMPOTENCY_SK)
            .ttl(chrono::Utc::now().timestamp() + IDEMPOTENCY_HOURS * 3600)
    }

    /// A record whose TTL passed is treated as gone (DynamoDB deletes expired items late).
    fn live(raw: Option<&store::Item>) -> Option<Self> {
        let raw = raw?;
        let expired = match raw.get(keys::TTL) {
            Some(AttributeValue::N(n)) => n
                .parse::<i64>()
                .is_ok_and(|ttl| ttl < chrono::Utc::now().timestamp()),
            _ => false,
        };
        if expired {
            return None;
        }
        store::from_item(raw.clone()).ok()
    }
}

/// Condition of writing a new idempotency record: none yet, or only an expired one.
const IDEM_FREE: &str = "attribute_not_exists(PK) OR #ttl < :now_epoch";

pub(crate) fn idem_put(
    store: &Store,
    record: &IdempotencyRecord,
) -> Result<TransactWriteItem, StoreError> {
    // tx_put_if has no names/values: build the put by hand.
    let item = store::item(
        &IdempotencyRecord::keys(&record.customer_id, &record.key),
        record,
    )?;
    let put = aws_sdk_dynamodb::types::Put::builder()
        .table_name(store.table())
        .set_item(Some(item))
        .condition_expression(IDEM_FREE)
        .expression_attribute_names("#ttl", keys::TTL)
        .expression_attribute_values(":now_epoch", store::n(chrono::Utc::now().timestamp()))
        .build()
        .map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// What to do with the cart or quote in the transaction that writes the order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Extra {
    /// Empty the cart the order was made from (if unchanged since read).
    Cart { owner: String, updated_at: String },
    /// Mark the quote accepted (if still answered and valid).
    Quote {
        quote_id: String,
        created_at: String,
        actor: Actor,
    },
    /// F39: mark the approval request approved (if still pending), naming the order.
    Approval { approval_id: String, actor: Actor },
}

impl Extra {
    pub fn action(&self, store: &Store, order: &Order) -> Result<TransactWriteItem, StoreError> {
        match self {
            Extra::Cart { owner, updated_at } => {
                let delete = aws_sdk_dynamodb::types::Delete::builder()
                    .table_name(store.table())
                    .set_key(Some(store::key_of(
                        &keys::customer_pk(&order.customer_id),
                        &keys::cart_sk(owner),
                    )))
                    .condition_expression("updated_at = :seen")
                    .expression_attribute_values(":seen", store::s(updated_at))
                    .build()
                    .map_err(|e| StoreError::Other(e.to_string()))?;
                Ok(TransactWriteItem::builder().delete(delete).build())
            }
            Extra::Quote {
                quote_id,
                created_at,
                actor,
            } => {
                let now = now_rfc3339();
                store.tx_update(
                    &keys::quote_pk(quote_id),
                    keys::QUOTE_SK,
                    "SET #status = :accepted, accepted_by = :actor, accepted_at = :now, order_id = :order, updated_at = :now, GSI3SK = :sk REMOVE GSI2PK, GSI2SK",
                    Some("#status = :answered AND valid_until > :now"),
                    &[("#status", "status")],
                    vec![
                        (":accepted", store::s(QuoteStatus::Accepted.as_str())),
                        (":answered", store::s(QuoteStatus::Answered.as_str())),
                        (":actor", to_attr(actor)?),
                        (":now", store::s(&now)),
                        (":order", store::s(&order.id)),
                        (
                            ":sk",
                            store::s(&status_sk(QuoteStatus::Accepted.as_str(), created_at, quote_id)),
                        ),
                    ],
                )
            }
            Extra::Approval { approval_id, actor } => {
                super::approvals::approve_action(store, approval_id, actor, &order.id)
            }
        }
    }
}

pub(crate) fn to_attr<T: Serialize>(value: &T) -> Result<AttributeValue, StoreError> {
    serde_dynamo::to_attribute_value(value).map_err(|e| StoreError::Serde(e.to_string()))
}

/// Everything one placement writes, decided from one read.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub order: Order,
    pub request_hash: String,
    pub idempotency_key: String,
    pub guard: CreditGuard,
    pub on_hand_seen: HashMap<Sku, i64>,
    pub activity: Activity,
    pub extra: Option<Extra>,
}

impl Plan {
    pub fn idem_done(&self) -> IdempotencyRecord {
        IdempotencyRecord {
            customer_id: self.order.customer_id.clone(),
            key: self.idempotency_key.clone(),
            request_hash: self.request_hash.clone(),
            state: IdemState::Done,
            order_id: self.order.id.clone(),
            response: Some(order_body(&self.order).to_string()),
            approval: false,
            created_at: self.order.created_at.clone(),
        }
    }

    pub fn reserve_actions(
        &self,
        store: &Store,
        lines: &[OrderLine],
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        lines
            .iter()
            .map(|l| {
                stock::reserve(
                    store,
                    &self.order.warehouse_id,
                    &l.sku,
                    l.quantity,
                    self.on_hand_seen.get(&l.sku).copied().unwrap_or(0),
                )
            })
            .collect()
    }
}

/// The activity record of a placement, written in its transaction.
pub(crate) fn activity_put(store: &Store, a: &Activity) -> Result<TransactWriteItem, StoreError> {
    let keys = Keys::new(
        keys::activity_pk(&a.customer_id),
        format!("{}#{}", a.at, a.id),
    )
    .ttl(chrono::Utc::now().timestamp() + 180 * 24 * 3600);
    store.tx_put(&keys, a)
}

pub fn order_body(order: &Order) -> serde_json::Value {
    serde_json::to_value(order).unwrap_or_default()
}

/// Where the lines come from.
#[derive(Debug, Clone)]
enum Origin<'a> {
    Request(&'a PlaceOrderRequest),
    Cart(&'a PlaceOrderRequest),
    Quote(&'a str),
    /// F39: a manager approves a pending approval request.
    Approval(&'a str),
}

impl Origin<'_> {
    fn hash(&self) -> String {
        let canonical = match self {
            Origin::Request(r) => serde_json::json!({"order": r}),
            Origin::Cart(r) => serde_json::json!({"cart": r}),
            Origin::Quote(id) => serde_json::json!({"quote": id}),
            Origin::Approval(id) => serde_json::json!({"approval": id}),
        };
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }
}

/// Places an order for `customer_id` (F22). The caller has checked that the placer may act for
/// the customer; everything else is checked here.
pub async fn place_order(
    app: &App,
    customer_id: &str,
    placer: &Placer,
    idempotency_key: &str,
    request: &PlaceOrderRequest,
    options: &PlaceOptions,
) -> OrderResult<Placed> {
    request.validate()?;
    let origin = if request.lines.is_some() {
        Origin::Request(request)
    } else {
        Origin::Cart(request)
    };
    run(app, customer_id, placer, idempotency_key, origin, options).await
}

/// F26: accepts an answered quote, which becomes an order at the quoted prices with the same
/// checks as any order (stock reserved now). Accepting twice answers the same order.
pub async fn accept_quote(
    app: &App,
    customer_id: &str,
    placer: &Placer,
    quote_id: &str,
    options: &PlaceOptions,
) -> OrderResult<Placed> {
    let key = format!("quote-accept:{quote_id}");
    run(
        app,
        customer_id,
        placer,
        &key,
        Origin::Quote(quote_id),
        options,
    )
    .await
}

/// F39: a manager approves a pending approval request: its lines become an order placed by
/// that manager, re-priced now, with every usual check. The request's id is the idempotency
/// key and the same transaction marks it approved, so approving twice (or in parallel) places
/// one order and answers it to every caller.
pub async fn approve(
    app: &App,
    customer_id: &str,
    placer: &Placer,
    approval_id: &str,
) -> OrderResult<Placed> {
    let key = format!("approval:{approval_id}");
    let origin = Origin::Approval(approval_id);
    let hash = origin.hash();
    match run(
        app,
        customer_id,
        placer,
        &key,
        origin,
        &PlaceOptions::default(),
    )
    .await
    {
        Ok(placed) => Ok(placed),
        Err(refused) => {
            // One read is not a snapshot: a parallel approval may have committed between this
            // attempt's read of the key and of the stock (or the request), which then looks
            // short (or decided). If it did, answer its order.
            let raw = app
                .store
                .get_item(
                    &keys::idempotency_pk(customer_id, &key),
                    keys::IDEMPOTENCY_SK,
                )
                .await?;
            match IdempotencyRecord::live(raw.as_ref()) {
                Some(record) if record.state == IdemState::Done => replay(&record, &hash),
                _ => Err(refused),
            }
        }
    }
}

async fn run(
    app: &App,
    customer_id: &str,
    placer: &Placer,
    idempotency_key: &str,
    origin: Origin<'_>,
    options: &PlaceOptions,
) -> OrderResult<Placed> {
    let request_hash = origin.hash();
    for attempt in 0..MAX_ATTEMPTS {
        if attempt > 0 {
            super::backoff(attempt).await;
        }
        match attempt_once(
            app,
            customer_id,
            placer,
            idempotency_key,
            &request_hash,
            &origin,
            options,
        )
        .await?
        {
            Attempt::Done(placed) => return Ok(placed),
            Attempt::Retry(why) => {
                tracing::debug!(attempt, why, "placement contended; retrying on fresh data");
            }
        }
    }
    Err(
        AppError::Unavailable("too many competing orders; nothing was placed, try again".into())
            .into(),
    )
}

pub(crate) enum Attempt {
    Done(Placed),
    Retry(&'static str),
}

/// The answer when the key was used before.
fn replay(record: &IdempotencyRecord, request_hash: &str) -> OrderResult<Placed> {
    if record.request_hash != request_hash {
        return Err(AppError::invalid(
            "Idempotency-Key",
            "was already used with a different request; use a new key for a new order",
        )
        .into());
    }
    match (record.state, &record.response) {
        (IdemState::Done, Some(body)) => Ok(Placed {
            order_id: record.order_id.clone(),
            body: serde_json::from_str(body).map_err(AppError::internal)?,
            replayed: true,
            pending_approval: record.approval,
        }),
        _ => Err(AppError::conflict(
            "idempotency-key-in-progress",
            "an order with this Idempotency-Key is still being placed; retry in a moment",
        )
        .into()),
    }
}

#[allow(clippy::too_many_arguments)]
async fn attempt_once(
    app: &App,
    customer_id: &str,
    placer: &Placer,
    idempotency_key: &str,
    request_hash: &str,
    origin: &Origin<'_>,
    options: &PlaceOptions,
) -> OrderResult<Attempt> {
    let store = &app.store;
    let customer_pk = keys::customer_pk(customer_id);
    let contact_email = placer.actor.contact_email().map(str::to_string);
    let cart_owner = placer.actor.id.clone();

    // One read for everything whose key is known now; with the remembered price list and
    // warehouse, that is everything for explicit lines.
    let mut wanted = vec![
        (customer_pk.clone(), keys::CUSTOMER_PROFILE_SK.to_string()),
        CreditRecord::key(customer_id),
        (keys::SETTINGS_PK.to_string(), keys::SETTINGS_SK.to_string()),
        (
            keys::idempotency_pk(customer_id, idempotency_key),
            keys::IDEMPOTENCY_SK.to_string(),
        ),
    ];
    if let Some(email) = &contact_email {
        wanted.push((customer_pk.clone(), keys::contact_sk(email)));
    }
    match origin {
        Origin::Cart(_) => wanted.push((customer_pk.clone(), keys::cart_sk(&cart_owner))),
        Origin::Quote(id) => wanted.push((keys::quote_pk(id), keys::QUOTE_SK.to_string())),
        Origin::Approval(id) => wanted.push((keys::approval_pk(id), keys::APPROVAL_SK.to_string())),
        Origin::Request(_) => {}
    }
    let guessed = hint(customer_id);
    if let (Origin::Request(req), Some(h)) = (origin, &guessed) {
        let skus = skus_of(req.lines.as_deref().unwrap_or_default());
        let warehouse = req.warehouse_id.clone().or(h.default_warehouse_id.clone());
        wanted.extend(line_keys(
            h.price_list_id.as_deref(),
            customer_id,
            warehouse.as_deref(),
            &skus,
        ));
    }
    let mut fetched = Fetched::new();
    fetch(store, wanted, &mut fetched).await?;

    let customer: Customer = match get(&fetched, &customer_pk, keys::CUSTOMER_PROFILE_SK) {
        Some(raw) => store::from_item(raw.clone())?,
        None => return Err(AppError::NotFound.into()),
    };
    if let Some(record) = IdempotencyRecord::live(get(
        &fetched,
        &keys::idempotency_pk(customer_id, idempotency_key),
        keys::IDEMPOTENCY_SK,
    )) {
        return replay(&record, request_hash).map(Attempt::Done);
    }
    let settings: Settings = match get(&fetched, keys::SETTINGS_PK, keys::SETTINGS_SK) {
        Some(raw) => store::from_item(raw.clone())?,
        None => Settings::default(),
    };
    let contact: Option<Contact> = match &contact_email {
        Some(email) => get(&fetched, &customer_pk, &keys::contact_sk(email))
            .map(|raw| store::from_item(raw.clone()))
            .transpose()?,
        None => None,
    };

    // Who may order, and whether this customer may.
    let approval: Option<ApprovalRequest> = match origin {
        Origin::Approval(id) => {
            let found: Option<ApprovalRequest> =
                get(&fetched, &keys::approval_pk(id), keys::APPROVAL_SK)
                    .map(|raw| store::from_item(raw.clone()))
                    .transpose()?;
            let found = found
                .filter(|a| a.customer_id == customer_id)
                .ok_or(AppError::NotFound)?;
            // The approver as stored now (not the session's copy): still an active manager.
            let manages = contact
                .as_ref()
                .is_some_and(|c| c.permissions.manage_company && c.access == AccessState::Active);
            if !manages {
                return Err(AppError::Forbidden(
                    "only the company's managers approve orders".into(),
                )
                .into());
            }
            if contact_email.as_deref() == Some(found.requested_by.id.as_str()) {
                return Err(AppError::Forbidden(
                    "another manager approves your own request".into(),
                )
                .into());
            }
            if found.status != ApprovalStatus::Pending {
                return Err(AppError::conflict(
                    "approval-not-pending",
                    format!(
                        "this request is {}; only a pending request can be approved",
                        found.status.as_str()
                    ),
                )
                .into());
            }
            Some(found)
        }
        _ => None,
    };
    if let (Some(permissions), None) = (&placer.permissions, &approval) {
        // The contact's current record wins over the session's copy of its permissions.
        let may = contact
            .as_ref()
            .map(|c| c.permissions.place_orders && c.has_access())
            .unwrap_or(permissions.place_orders);
        if !may {
            return Err(AppError::Forbidden("this contact may not place orders".into()).into());
        }
    }
    require_buying_customer(&customer)?;

    // The lines, the warehouse and where each line sits in the request (to name fields).
    let (lines, warehouse_id, note, field_prefix, extra, quote) = match origin {
        Origin::Approval(id) => {
            let a = approval.as_ref().ok_or(AppError::NotFound)?;
            let lines = a
                .lines
                .iter()
                .map(|l| LineRequest {
                    sku: l.sku.clone(),
                    quantity: l.quantity,
                })
                .collect();
            let extra = Extra::Approval {
                approval_id: (*id).to_string(),
                actor: placer.actor.clone(),
            };
            (
                lines,
                Some(a.warehouse_id.clone()),
                a.note.clone(),
                "lines",
                Some(extra),
                None,
            )
        }
        Origin::Request(req) => (
            req.lines.clone().unwrap_or_default(),
            req.warehouse_id.clone(),
            req.note.clone(),
            "lines",
            None,
            None,
        ),
        Origin::Cart(req) => {
            let cart: Option<StoredCart> = get(&fetched, &customer_pk, &keys::cart_sk(&cart_owner))
                .map(|raw| store::from_item(raw.clone()))
                .transpose()?;
            let Some(cart) = cart.filter(|c| !c.lines.is_empty()) else {
                return Err(AppError::invalid(
                    "lines",
                    "is required: the cart is empty, so send the lines to order",
                )
                .into());
            };
            let extra = Extra::Cart {
                owner: cart.owner.clone(),
                updated_at: cart.updated_at.clone(),
            };
            (
                cart.lines.clone(),
                req.warehouse_id.clone().or(cart.warehouse_id.clone()),
                req.note.clone(),
                "cart.lines",
                Some(extra),
                None,
            )
        }
        Origin::Quote(id) => {
            let quote: Option<Quote> = get(&fetched, &keys::quote_pk(id), keys::QUOTE_SK)
                .map(|raw| store::from_item(raw.clone()))
                .transpose()?;
            let quote = quote
                .filter(|q| q.customer_id == customer_id)
                .ok_or(AppError::NotFound)?;
            let status = quote.effective_status(&now_rfc3339());
            if status != QuoteStatus::Answered {
                return Err(AppError::conflict(
                    "quote-not-acceptable",
                    format!(
                        "this quote is {}; only an answered quote within its validity can be accepted",
                        status.as_str()
                    ),
                )
                .into());
            }
            let lines = quote
                .lines
                .iter()
                .map(|l| LineRequest {
                    sku: l.sku.clone(),
                    quantity: l.quantity,
                })
                .collect();
            let extra = Extra::Quote {
                quote_id: quote.id.clone(),
                created_at: quote.created_at.clone(),
                actor: placer.actor.clone(),
            };
            (
                lines,
                Some(quote.warehouse_id.clone()),
                quote.note.clone(),
                "lines",
                Some(extra),
                Some(quote),
            )
        }
    };
    let warehouse_id = warehouse_id
        .or(customer.default_warehouse_id.clone())
        .or(customer.warehouse_ids.first().cloned())
        .ok_or_else(|| AppError::invalid("warehouse_id", "is required"))?;
    if !customer.warehouse_ids.contains(&warehouse_id) {
        return Err(
            AppError::invalid("warehouse_id", "is not one of this customer's warehouses").into(),
        );
    }

    // Whatever the first read could not guess.
    let skus = skus_of(&lines);
    fetch(
        store,
        line_keys(
            customer.price_list_id.as_deref(),
            customer_id,
            Some(&warehouse_id),
            &skus,
        ),
        &mut fetched,
    )
    .await?;
    let fresh_hint = CustomerHint {
        price_list_id: customer.price_list_id.clone(),
        default_warehouse_id: customer.default_warehouse_id.clone(),
    };
    if guessed.as_ref() != Some(&fresh_hint) {
        remember_hint(customer_id, fresh_hint);
    }

    let raws: Vec<store::Item> = fetched.values().cloned().collect();
    let items = pricing::service::items_of(&raws);
    let book = pricing::price_book(&customer, &items, &raws);
    let Some(currency) = book.currency().map(str::to_string) else {
        return Err(AppError::conflict(
            "no-price-list",
            "this customer's price list does not exist; staff must assign an existing one",
        )
        .into());
    };
    let snapshot = StockSnapshot::from_fetched(&warehouse_id, &raws);

    let order_lines = match &quote {
        None => price_lines(
            &lines,
            field_prefix,
            &book,
            &snapshot,
            settings.stock_display,
        )?,
        Some(quote) => quoted_lines(quote, &book, &snapshot, settings.stock_display)?,
    };
    let (subtotal, tax, total) = totals(&order_lines);
    let currency = quote
        .as_ref()
        .map(|q| q.currency.clone())
        .unwrap_or(currency);

    // F39: above the contact's spending limit, the order waits for a manager instead.
    let limit = contact
        .as_ref()
        .and_then(|c| c.spending_limit.clone())
        .filter(|l| total > l.amount || l.currency != currency);
    if let (Some(limit), Some(c)) = (limit, &contact) {
        match origin {
            Origin::Request(_) | Origin::Cart(_) => {
                let submission = Submission {
                    customer: &customer,
                    contact: c,
                    placer,
                    warehouse_id: &warehouse_id,
                    lines: order_lines,
                    note,
                    currency,
                    totals: (subtotal, tax, total),
                    limit,
                    idempotency_key,
                    request_hash,
                    extra,
                };
                return submit_for_approval(app, submission).await;
            }
            Origin::Quote(_) => {
                return Err(AppError::conflict(
                    "above-spending-limit",
                    format!(
                        "this quote totals {total} {currency}, above your limit of {} {}; ask one of your company's managers to accept it",
                        limit.amount, limit.currency
                    ),
                )
                .into())
            }
            Origin::Approval(_) => {}
        }
    }

    let record = CreditRecord::from_item(get(&fetched, &customer_pk, keys::CREDIT_SK));
    let guard = credit::check_credit(
        &customer,
        &record,
        settings.default_open_orders_cap,
        total,
        &currency,
    )
    .map_err(|r| r.into_error(&currency))?;

    let now = now_rfc3339();
    let notify = match (&approval, &contact_email, &contact) {
        // The requester hears of the order its request became.
        (Some(a), _, _) => a.requester.clone(),
        (None, contact_email, contact) => match (contact_email, contact) {
            (Some(email), Some(c)) => Recipient {
                email: email.clone(),
                name: c.name.to_string(),
                language: Some(c.language.unwrap_or(customer.language)),
            },
            (Some(email), None) => Recipient {
                email: email.clone(),
                name: placer.actor.name.clone(),
                language: Some(customer.language),
            },
            _ => Recipient {
                email: customer.email.to_string(),
                name: customer.name.to_string(),
                language: Some(customer.language),
            },
        },
    };
    let order = Order {
        id: new_id(),
        customer_id: customer.id.clone(),
        customer_name: customer.name.to_string(),
        status: OrderStatus::Placed,
        warehouse_id: warehouse_id.clone(),
        currency,
        subtotal,
        tax,
        total,
        lines: order_lines,
        note: note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
        placed_by: placer.actor.clone(),
        notify,
        contact_email: contact_email.clone(),
        contact_phone: contact
            .as_ref()
            .and_then(|c| c.phone.as_ref())
            .or(customer.phone.as_ref())
            .map(|p| p.to_string()),
        quote_id: quote.as_ref().map(|q| q.id.clone()),
        agent_id: customer.agent_id.clone(),
        created_at: now.clone(),
        updated_at: now.clone(),
        expires_at: super::hours_from_now(settings.order_claim_hours.max(1)),
        claimed_by: None,
        claimed_at: None,
        fulfilled_by: None,
        fulfilled_at: None,
        cancelled_by: None,
        cancelled_at: None,
        cancel_reason: None,
        expired_at: None,
        erp_number: None,
        erp_acknowledged_at: None,
        approval: approval.as_ref().map(|a| ApprovalRef {
            approval_id: a.id.clone(),
            requested_by: a.requested_by.clone(),
            approved_by: placer.actor.clone(),
        }),
    };
    let activity = Activity {
        id: new_id(),
        customer_id: customer.id.clone(),
        at: now.clone(),
        kind: if quote.is_some() {
            "quote_accepted"
        } else if approval.is_some() {
            "approval_approved"
        } else {
            "order_placed"
        }
        .into(),
        actor: placer.actor.id.clone(),
        actor_name: placer.actor.name.clone(),
        impersonated_by: placer
            .actor
            .impersonated_by
            .as_ref()
            .map(|s| s.name.clone()),
        detail: serde_json::json!({
            "order_id": order.id, "total": order.total, "currency": order.currency,
            "lines": order.lines.len(), "quote_id": order.quote_id,
        }),
    };
    let on_hand_seen = order
        .lines
        .iter()
        .map(|l| (l.sku.clone(), snapshot.on_hand(&l.sku)))
        .collect();
    let plan = Plan {
        order,
        request_hash: request_hash.to_string(),
        idempotency_key: idempotency_key.to_string(),
        guard,
        on_hand_seen,
        activity,
        extra,
    };
    if plan.order.lines.len() <= SINGLE_TRANSACTION_LINES {
        place_in_one_transaction(app, plan).await
    } else {
        super::intent::place_in_steps(app, plan, options).await
    }
}

async fn place_in_one_transaction(app: &App, plan: Plan) -> OrderResult<Attempt> {
    let store = &app.store;
    let order = &plan.order;
    let events = placed_events(order);
    let mut actions = vec![
        store.tx_put_new(&order.keys(), order)?,
        idem_put(store, &plan.idem_done())?,
        credit::reserve_action(
            store,
            &order.customer_id,
            order.total,
            &order.currency,
            &plan.guard,
        )?,
    ];
    actions.extend(plan.reserve_actions(store, &order.lines)?);
    for event in &events {
        actions.push(event.outbox_put(store)?);
    }
    actions.push(activity_put(store, &plan.activity)?);
    if let Some(extra) = &plan.extra {
        actions.push(extra.action(store, order)?);
    }
    match store.transact(actions).await {
        Ok(()) => {
            super::relay(app, &events).await;
            Ok(Attempt::Done(Placed {
                order_id: order.id.clone(),
                body: order_body(order),
                replayed: false,
                pending_approval: false,
            }))
        }
        Err(err) if super::is_contention(&err) => Ok(Attempt::Retry(
            // Index 1 is the idempotency record: the next read replays the winner's answer.
            match &err {
                StoreError::TransactionCanceled(r)
                    if r.get(1).and_then(|c| c.as_deref()) == Some("ConditionalCheckFailed") =>
                {
                    "idempotency key taken"
                }
                _ => "stock, credit or a competing transaction",
            },
        )),
        Err(err) => Err(err.into()),
    }
}

/// What an order above the contact's limit becomes instead (F39).
struct Submission<'a> {
    customer: &'a Customer,
    contact: &'a Contact,
    placer: &'a Placer,
    warehouse_id: &'a str,
    lines: Vec<OrderLine>,
    note: Option<String>,
    currency: String,
    totals: (Decimal, Decimal, Decimal),
    limit: SpendingLimit,
    idempotency_key: &'a str,
    request_hash: &'a str,
    extra: Option<Extra>,
}

/// Submits the order for approval: one transaction holding the request, the idempotency
/// record (a retry answers the same request), the emptied cart, the managers' email event and
/// the activity. Nothing is reserved and no credit is used.
async fn submit_for_approval(app: &App, s: Submission<'_>) -> OrderResult<Attempt> {
    let store = &app.store;
    let now = now_rfc3339();
    let (subtotal, tax, total) = s.totals;
    let request = ApprovalRequest {
        id: new_id(),
        customer_id: s.customer.id.clone(),
        customer_name: s.customer.name.to_string(),
        status: ApprovalStatus::Pending,
        requested_by: s.placer.actor.clone(),
        requester: Recipient {
            email: s.contact.email.as_str().to_string(),
            name: s.contact.name.to_string(),
            language: Some(s.contact.language.unwrap_or(s.customer.language)),
        },
        requester_phone: s.contact.phone.as_ref().map(|p| p.to_string()),
        warehouse_id: s.warehouse_id.to_string(),
        currency: s.currency,
        lines: s.lines,
        subtotal,
        tax,
        total,
        limit: s.limit,
        note: s
            .note
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()),
        created_at: now.clone(),
        updated_at: now.clone(),
        decided_by: None,
        decided_at: None,
        reason: None,
        order_id: None,
    };
    let body = serde_json::to_value(&request).map_err(AppError::internal)?;
    let idem = IdempotencyRecord {
        customer_id: request.customer_id.clone(),
        key: s.idempotency_key.to_string(),
        request_hash: s.request_hash.to_string(),
        state: IdemState::Done,
        order_id: request.id.clone(),
        response: Some(body.to_string()),
        approval: true,
        created_at: now.clone(),
    };
    let fallback = Recipient {
        email: s.customer.email.to_string(),
        name: s.customer.name.to_string(),
        language: Some(s.customer.language),
    };
    let event = super::approvals::requested_event(store, &request, fallback).await?;
    let activity = Activity {
        id: new_id(),
        customer_id: request.customer_id.clone(),
        at: now,
        kind: "approval_requested".into(),
        actor: s.placer.actor.id.clone(),
        actor_name: s.placer.actor.name.clone(),
        impersonated_by: None,
        detail: serde_json::json!({
            "approval_id": request.id, "total": request.total, "currency": request.currency,
            "lines": request.lines.len(), "limit": request.limit.amount,
        }),
    };
    let mut actions = vec![
        store.tx_put_new(&request.keys(), &request)?,
        idem_put(store, &idem)?,
        event.outbox_put(store)?,
        activity_put(store, &activity)?,
    ];
    if let Some(Extra::Cart { owner, updated_at }) = &s.extra {
        let delete = aws_sdk_dynamodb::types::Delete::builder()
            .table_name(store.table())
            .set_key(Some(store::key_of(
                &keys::customer_pk(&request.customer_id),
                &keys::cart_sk(owner),
            )))
            .condition_expression("updated_at = :seen")
            .expression_attribute_values(":seen", store::s(updated_at))
            .build()
            .map_err(|e| StoreError::Other(e.to_string()))?;
        actions.push(TransactWriteItem::builder().delete(delete).build());
    }
    match store.transact(actions).await {
        Ok(()) => {
            super::relay(app, std::slice::from_ref(&event)).await;
            Ok(Attempt::Done(Placed {
                order_id: request.id.clone(),
                body,
                replayed: false,
                pending_approval: true,
            }))
        }
        Err(err) if super::is_contention(&err) => Ok(Attempt::Retry("approval submission")),
        Err(err) => Err(err.into()),
    }
}

/// F4/F5: an active customer with everything it needs to order.
pub fn require_buying_customer(customer: &Customer) -> AppResult<()> {
    if customer.status != CustomerStatus::Active {
        return Err(AppError::conflict(
            "customer-not-active",
            format!(
                "this customer account is {}; it cannot order",
                customer.status.as_str()
            ),
        ));
    }
    let gaps = profile_gaps(customer);
    if !gaps.is_empty() {
        let names: Vec<String> = gaps.iter().map(|(_, e)| e.field.clone()).collect();
        return Err(AppError::Conflict {
            code: "customer-not-ready",
            message: format!(
                "this customer cannot order yet: missing {}",
                names.join(", ")
            ),
            errors: gaps.into_iter().map(|(_, e)| e).collect(),
        });
    }
    Ok(())
}

pub(crate) fn skus_of(lines: &[LineRequest]) -> Vec<Sku> {
    let mut skus: Vec<Sku> = lines.iter().map(|l| l.sku.clone()).collect();
    skus.sort();
    skus.dedup();
    skus
}

/// Item, price and stock keys of `skus`.
pub(crate) fn line_keys(
    price_list_id: Option<&str>,
    customer_id: &str,
    warehouse_id: Option<&str>,
    skus: &[Sku],
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = skus
        .iter()
        .map(|s| (keys::item_pk(s.as_str()), keys::ITEM_SK.to_string()))
        .collect();
    // `price_keys` needs a customer; only its id and price list matter.
    let mut c = Customer::new(
        customer_id,
        CustomerStatus::Active,
        crate::types::Name::parse("-").expect("name"),
        crate::types::Name::parse("-").expect("name"),
        crate::types::Email::parse("x@x.co").expect("email"),
    );
    c.price_list_id = price_list_id.map(str::to_string);
    out.extend(pricing::price_keys(&c, skus));
    if let Some(wh) = warehouse_id {
        out.extend(StockLevels::keys(wh, skus));
    }
    out
}

fn issue_field(prefix: &str, index: usize, issue: LineIssue) -> String {
    match issue {
        LineIssue::InvalidQuantity | LineIssue::StockShort => format!("{prefix}[{index}].quantity"),
        _ => format!("{prefix}[{index}].sku"),
    }
}

/// Prices requested lines with the customer's prices (the client's prices are never read).
pub(crate) fn price_lines(
    lines: &[LineRequest],
    prefix: &str,
    book: &pricing::PriceBook,
    snapshot: &StockSnapshot,
    display: StockDisplay,
) -> OrderResult<Vec<OrderLine>> {
    let first_index: HashMap<&Sku, usize> = lines
        .iter()
        .enumerate()
        .rev()
        .map(|(i, l)| (&l.sku, i))
        .collect();
    let levels = StockLevels::from_map("", snapshot.available_map());
    let quoted = pricing::quote(lines, book, &levels, display);
    let mut errors = Vec::new();
    let mut short = Vec::new();
    let mut out = Vec::with_capacity(quoted.lines.len());
    for line in quoted.lines {
        let index = first_index.get(&line.sku).copied().unwrap_or(0);
        match line.reason {
            None => out.push(OrderLine {
                name: line.name.unwrap_or_default(),
                unit: line.unit.unwrap_or_default(),
                quantity: line.quantity,
                unit_price: line.unit_price.unwrap_or_default(),
                tax_rate: line.tax_rate.unwrap_or_default(),
                subtotal: line.subtotal.unwrap_or_default(),
                tax: line.tax.unwrap_or_default(),
                total: line.total.unwrap_or_default(),
                sku: line.sku,
            }),
            Some(LineIssue::StockShort) => short.push(ShortLine {
                available: (display == StockDisplay::Quantity)
                    .then(|| snapshot.available(&line.sku)),
                requested: line.quantity,
                field: issue_field(prefix, index, LineIssue::StockShort),
                sku: line.sku,
            }),
            Some(issue) => errors.push(FieldError::new(
                issue_field(prefix, index, issue),
                format!(
                    "{}: {}",
                    line.sku,
                    line.message.unwrap_or_else(|| "cannot be ordered".into())
                ),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors).into());
    }
    if !short.is_empty() {
        return Err(OrderError::StockShort(short));
    }
    Ok(out)
}

/// The lines of an accepted quote: its prices, today's stock, and items still sold to it.
fn quoted_lines(
    quote: &Quote,
    book: &pricing::PriceBook,
    snapshot: &StockSnapshot,
    display: StockDisplay,
) -> OrderResult<Vec<OrderLine>> {
    let mut errors = Vec::new();
    let mut short = Vec::new();
    let mut out = Vec::with_capacity(quote.lines.len());
    for (i, line) in quote.lines.iter().enumerate() {
        let buyable = book.item(&line.sku).is_some_and(|item| book.may_buy(item));
        if !buyable {
            errors.push(FieldError::new(
                format!("lines[{i}].sku"),
                format!("{}: this item is no longer sold to you", line.sku),
            ));
            continue;
        }
        let (Some(unit_price), Some(subtotal), Some(tax), Some(total)) =
            (line.unit_price, line.subtotal, line.tax, line.total)
        else {
            errors.push(FieldError::new(
                format!("lines[{i}].unit_price"),
                "has no quoted price",
            ));
            continue;
        };
        let available = snapshot.available(&line.sku);
        if available < line.quantity {
            short.push(ShortLine {
                sku: line.sku.clone(),
                requested: line.quantity,
                available: (display == StockDisplay::Quantity).then_some(available),
                field: format!("lines[{i}].quantity"),
            });
            continue;
        }
        out.push(OrderLine {
            sku: line.sku.clone(),
            name: line.name.clone(),
            unit: line.unit.clone(),
            quantity: line.quantity,
            unit_price,
            tax_rate: line.tax_rate,
            subtotal,
            tax,
            total,
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Conflict {
            code: "quote-not-acceptable",
            message: "some quoted items can no longer be ordered".into(),
            errors,
        }
        .into());
    }
    if !short.is_empty() {
        return Err(OrderError::StockShort(short));
    }
    Ok(out)
}

pub(crate) fn totals(lines: &[OrderLine]) -> (Decimal, Decimal, Decimal) {
    let subtotal: Decimal = lines.iter().map(|l| l.subtotal).sum();
    let tax: Decimal = lines.iter().map(|l| l.tax).sum();
    (
        pricing::quote::cents(subtotal),
        pricing::quote::cents(tax),
        pricing::quote::cents(subtotal + tax),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(sku: &str, quantity: i64) -> LineRequest {
        LineRequest {
            sku: Sku::parse(sku).unwrap(),
            quantity,
        }
    }

    fn fields(err: AppError) -> Vec<String> {
        match err {
            AppError::Validation(e) => e.into_iter().map(|e| e.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn request_checks_name_the_field() {
        let req = PlaceOrderRequest {
            warehouse_id: Some(" ".into()),
            lines: Some(vec![line("A", 1), line("B", 0), line("C", 1_000_001)]),
            note: Some("x".repeat(2001)),
        };
        assert_eq!(
            fields(req.validate().unwrap_err()),
            [
                "lines[1].quantity",
                "lines[2].quantity",
                "note",
                "warehouse_id"
            ]
        );
        let empty = PlaceOrderRequest {
            lines: Some(vec![]),
            ..Default::default()
        };
        assert_eq!(fields(empty.validate().unwrap_err()), ["lines"]);
        let too_many = PlaceOrderRequest {
            lines: Some((0..501).map(|i| line(&format!("S{i}"), 1)).collect()),
            ..Default::default()
        };
        assert_eq!(fields(too_many.validate().unwrap_err()), ["lines"]);
        // Merged lines above the maximum.
        let merged = PlaceOrderRequest {
            lines: Some(vec![line("A", 600_000), line("a", 600_000)]),
            ..Default::default()
        };
        assert_eq!(
            fields(merged.validate().unwrap_err()),
            ["lines[0].quantity"]
        );
        assert!(PlaceOrderRequest::default().validate().is_ok());
    }

    #[test]
    fn idempotency_keys_are_required_and_bounded() {
        assert!(validate_idempotency_key(None).is_err());
        assert!(validate_idempotency_key(Some("  ")).is_err());
        assert!(validate_idempotency_key(Some("has space")).is_err());
        assert!(validate_idempotency_key(Some(&"k".repeat(129))).is_err());
        assert_eq!(validate_idempotency_key(Some(" abc-1 ")).unwrap(), "abc-1");
    }

    #[test]
    fn the_same_request_hashes_the_same_and_a_different_one_does_not() {
        let a = PlaceOrderRequest {
            lines: Some(vec![line("a", 1)]),
            ..Default::default()
        };
        let b = PlaceOrderRequest {
            lines: Some(vec![line("A", 1)]),
            ..Default::default()
        };
        let c = PlaceOrderRequest {
            lines: Some(vec![line("A", 2)]),
            ..Default::default()
        };
        assert_eq!(Origin::Request(&a).hash(), Origin::Request(&b).hash());
        assert_ne!(Origin::Request(&a).hash(), Origin::Request(&c).hash());
        assert_ne!(Origin::Request(&a).hash(), Origin::Cart(&a).hash());
    }
}
