//! F23/F24 the seller's handling of orders: a state machine whose every transition is one
//! transaction conditioned on the order's current status, so stock and credit are released
//! exactly once however many callers race (two staff members, the customer, the expiry job).
//!
//! ```text
//! placed --claim--> claimed --fulfil--> fulfilled
//!   |  \                |
//!   |   \--cancel--> cancelled <--cancel (staff)
//!   \--expire--> expired
//! ```
//! Claiming removes the order from the sparse expiry index, so a claimed order never expires.
//! Orders with more lines than one transaction holds release their stock through a stock job
//! written in the transition's transaction and run right after (the sweeper resumes it if the
//! process dies), so the status change and the release can never disagree.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use serde::{Deserialize, Serialize};

use super::credit;
use super::events::OrderNotice;
use super::model::{status_sk, Actor, Order, OrderStatus};
use super::place::{to_attr, MAX_TRANSACTION_ACTIONS};
use super::stock;
use crate::app::App;
use crate::auth::Principal;
use crate::catalog::Sku;
use crate::error::{AppError, AppResult};
use crate::messaging::event_types;
use crate::staff::customer_care::managed_customer;
use crate::store::{self, keys, Keys, QuerySpec, Store, StoreError};
use crate::types::now_rfc3339;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderAction {
    Claim,
    Fulfil,
    Cancel,
    Expire,
}

impl OrderAction {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderAction::Claim => "claim",
            OrderAction::Fulfil => "fulfil",
            OrderAction::Cancel => "cancel",
            OrderAction::Expire => "expire",
        }
    }
}

/// Who asks for a transition.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// A contact (or staff acting as the customer): only its own orders, only cancel a placed one.
    Customer(&'a str),
    /// Staff through the admin routes: admins, or the customer's agent.
    Staff(&'a Principal),
    /// The expiry schedule.
    System,
}

/// The state machine (pure). `None`: the transition is not allowed from `current`.
pub fn next_status(
    current: OrderStatus,
    action: OrderAction,
    by_customer: bool,
) -> Option<OrderStatus> {
    use OrderStatus::*;
    match (current, action) {
        (Placed, OrderAction::Claim) if !by_customer => Some(Claimed),
        (Claimed, OrderAction::Fulfil) if !by_customer => Some(Fulfilled),
        (Placed, OrderAction::Cancel) => Some(Cancelled),
        (Claimed, OrderAction::Cancel) if !by_customer => Some(Cancelled),
        (Placed, OrderAction::Expire) => Some(Expired),
        _ => None,
    }
}

fn invalid(order: &Order, action: OrderAction) -> AppError {
    AppError::conflict(
        "invalid-transition",
        format!(
            "the order is {}; it cannot be {}",
            order.status.as_str(),
            match action {
                OrderAction::Claim => "claimed",
                OrderAction::Fulfil => "fulfilled (claim it first)",
                OrderAction::Cancel => "cancelled",
                OrderAction::Expire => "expired",
            }
        ),
    )
}

/// Most lines released inside the transition's own transaction (order, credit and event
/// take the other actions).
pub const INLINE_STOCK_LINES: usize = MAX_TRANSACTION_ACTIONS - 4;

pub async fn load(store: &Store, order_id: &str) -> Result<Option<Order>, StoreError> {
    store.get(&keys::order_pk(order_id), keys::ORDER_SK).await
}

/// Reads an order the scope may see (404 otherwise).
pub async fn load_scoped(store: &Store, order_id: &str, scope: Scope<'_>) -> AppResult<Order> {
    let order = load(store, order_id).await?.ok_or(AppError::NotFound)?;
    match scope {
        Scope::Customer(customer_id) if order.customer_id != customer_id => Err(AppError::NotFound),
        Scope::Staff(principal) => {
            managed_customer(store, principal, &order.customer_id).await?;
            Ok(order)
        }
        _ => Ok(order),
    }
}

/// A customer session cancels one of its customer's placed orders. Cancelling undoes an order
/// (its reservation and credit), so it takes the permission that placing one takes: a contact
/// who may only look at orders or request quotes must not cancel a colleague's order. The
/// session's permissions are the contact's stored ones (see [`crate::auth::revocation`]).
pub async fn cancel_as_customer(
    app: &App,
    principal: &Principal,
    order_id: &str,
    reason: Option<String>,
) -> AppResult<Order> {
    let customer_id = principal.customer_scope()?;
    if !principal.permissions.place_orders {
        return Err(AppError::Forbidden(
            "this contact may not cancel orders: that needs the place-orders permission".into(),
        ));
    }
    transition(
        app,
        order_id,
        Scope::Customer(customer_id),
        &Actor::of(principal),
        OrderAction::Cancel,
        reason,
    )
    .await
}

/// Applies `action` to the order. Answers the order as it is afterwards.
pub async fn transition(
    app: &App,
    order_id: &str,
    scope: Scope<'_>,
    actor: &Actor,
    action: OrderAction,
    reason: Option<String>,
) -> AppResult<Order> {
    let reason = reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if reason.as_ref().is_some_and(|r| r.chars().count() > 1000) {
        return Err(AppError::invalid(
            "reason",
            "must be at most 1000 characters",
        ));
    }
    let mut order = load_scoped(&app.store, order_id, scope).await?;
    for attempt in 0..10u32 {
        match apply(
            app,
            &order,
            actor,
            action,
            reason.as_deref(),
            matches!(scope, Scope::Customer(_)),
        )
        .await
        {
            Ok(done) => return Ok(done),
            Err(Applied::Stale) => {
                // Someone changed it first: decide again on the current order.
                order = load(&app.store, order_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
            }
            Err(Applied::Contended) => super::backoff(attempt).await,
            Err(Applied::Refused(e)) => return Err(e),
        }
    }
    Err(AppError::Unavailable("the order is busy; try again".into()))
}

enum Applied {
    Stale,
    Contended,
    Refused(AppError),
}

impl From<StoreError> for Applied {
    fn from(e: StoreError) -> Self {
        Applied::Refused(e.into())
    }
}

async fn apply(
    app: &App,
    order: &Order,
    actor: &Actor,
    action: OrderAction,
    reason: Option<&str>,
    by_customer: bool,
) -> Result<Order, Applied> {
    let store = &app.store;
    let Some(next) = next_status(order.status, action, by_customer) else {
        return Err(Applied::Refused(invalid(order, action)));
    };
    let now = now_rfc3339();
    if action == OrderAction::Expire && order.expires_at.as_str() > now.as_str() {
        return Err(Applied::Refused(AppError::conflict(
            "not-due",
            "the order's claim deadline has not passed",
        )));
    }
    let mut updated = order.clone();
    updated.status = next;
    updated.updated_at = now.clone();
    let mut set = vec![
        "#status = :next".to_string(),
        "updated_at = :now".to_string(),
        "GSI3SK = :sk".to_string(),
    ];
    let mut values: Vec<(&str, AttributeValue)> = vec![
        (":next", store::s(next.as_str())),
        (":current", store::s(order.status.as_str())),
        (":now", store::s(&now)),
        (
            ":sk",
            store::s(&status_sk(next.as_str(), &order.created_at, &order.id)),
        ),
        (":actor", to_attr(actor)?),
    ];
    match action {
        OrderAction::Claim => {
            set.push("claimed_by = :actor, claimed_at = :now".into());
            updated.claimed_by = Some(actor.clone());
            updated.claimed_at = Some(now.clone());
        }
        OrderAction::Fulfil => {
            set.push("fulfilled_by = :actor, fulfilled_at = :now".into());
            updated.fulfilled_by = Some(actor.clone());
            updated.fulfilled_at = Some(now.clone());
        }
        OrderAction::Cancel => {
            set.push("cancelled_by = :actor, cancelled_at = :now, cancel_reason = :reason".into());
            values.push((
                ":reason",
                reason.map(store::s).unwrap_or(AttributeValue::Null(true)),
            ));
            updated.cancelled_by = Some(actor.clone());
            updated.cancelled_at = Some(now.clone());
            updated.cancel_reason = reason.map(str::to_string);
        }
        OrderAction::Expire => {
            set.push("expired_at = :now, expired_by = :actor".into());
            updated.expired_at = Some(now.clone());
        }
    }
    let expression = format!("SET {} REMOVE GSI2PK, GSI2SK", set.join(", "));
    let mut actions = vec![store.tx_update(
        &keys::order_pk(&order.id),
        keys::ORDER_SK,
        &expression,
        Some("#status = :current"),
        &[("#status", "status")],
        values,
    )?];
    let stock_kind = match action {
        OrderAction::Claim => None,
        OrderAction::Fulfil => Some(JobKind::Ship),
        OrderAction::Cancel | OrderAction::Expire => Some(JobKind::Release),
    };
    if action == OrderAction::Fulfil && order.lines.len() > INLINE_STOCK_LINES {
        // Too many lines for one transaction: check the goods are on hand before committing
        // (each chunk of the ship job is conditioned too, see `stock::ship`).
        let short = lines_not_on_hand(store, order).await?;
        if !short.is_empty() {
            return Err(Applied::Refused(short_on_hand(order, &short)));
        }
    }
    let mut job = None;
    if let Some(kind) = stock_kind {
        actions.push(credit::release_action(
            store,
            &order.customer_id,
            order.total,
        )?);
        if order.lines.len() <= INLINE_STOCK_LINES {
            for line in &order.lines {
                actions.push(kind.action(store, &order.warehouse_id, &line.sku, line.quantity)?);
            }
        } else {
            let j = StockJob::of(order, kind);
            actions.push(store.tx_put_new(&j.keys(), &j)?);
            job = Some(j);
        }
    }
    let event_kind = match action {
        OrderAction::Claim => event_types::ORDER_CLAIMED,
        OrderAction::Fulfil => event_types::ORDER_FULFILLED,
        OrderAction::Cancel => event_types::ORDER_CANCELLED,
        OrderAction::Expire => event_types::ORDER_EXPIRED,
    };
    let actor_name = (actor.kind != super::model::ActorKind::System).then_some(actor.name.as_str());
    let event = OrderNotice::of(&updated, actor_name, reason).event(event_kind);
    actions.push(event.outbox_put(store)?);

    match store.transact(actions).await {
        Ok(()) => {
            super::relay(app, std::slice::from_ref(&event)).await;
            if let Some(job) = job {
                if let Err(err) = run_stock_job(store, &job.order_id).await {
                    // Committed with the status change: the sweeper finishes it.
                    tracing::warn!(order_id = %job.order_id, error = %err, "stock job left for the sweeper");
                }
            }
            Ok(updated)
        }
        Err(StoreError::TransactionCanceled(reasons))
            if reasons.first().and_then(|r| r.as_deref()) == Some("ConditionalCheckFailed") =>
        {
            Err(Applied::Stale)
        }
        // Actions 2.. are the inline stock lines: a ship refused means the goods are not on hand.
        Err(StoreError::TransactionCanceled(reasons))
            if action == OrderAction::Fulfil
                && job.is_none()
                && !not_on_hand(order, &reasons, 2).is_empty() =>
        {
            Err(Applied::Refused(short_on_hand(
                order,
                &not_on_hand(order, &reasons, 2),
            )))
        }
        Err(err) if super::is_contention(&err) => Err(Applied::Contended),
        Err(err) => Err(err.into()),
    }
}

/// Lines (indexes) whose ship action, at `first + line` of a cancelled transaction, was refused.
fn not_on_hand(order: &Order, reasons: &[Option<String>], first: usize) -> Vec<usize> {
    (0..order.lines.len())
        .filter(|i| {
            reasons.get(first + i).and_then(|r| r.as_deref()) == Some("ConditionalCheckFailed")
        })
        .collect()
}

/// Lines of `order` whose warehouse has fewer units on hand than the line ships.
async fn lines_not_on_hand(store: &Store, order: &Order) -> Result<Vec<usize>, StoreError> {
    let found = store
        .batch_get_items(
            order
                .lines
                .iter()
                .map(|l| crate::catalog::stock::stock_key(&order.warehouse_id, &l.sku))
                .collect(),
        )
        .await?;
    let snapshot = stock::StockSnapshot::from_fetched(&order.warehouse_id, &found);
    Ok((0..order.lines.len())
        .filter(|&i| snapshot.on_hand(&order.lines[i].sku) < order.lines[i].quantity)
        .collect())
}

/// The 409 of a fulfilment whose goods are not (all) on hand.
fn short_on_hand(order: &Order, lines: &[usize]) -> AppError {
    AppError::Conflict {
        code: "stock-short",
        message: format!(
            "warehouse {} has fewer units on hand than this order ships; correct the stock count (or cancel the order) first",
            order.warehouse_id
        ),
        errors: lines
            .iter()
            .map(|&i| {
                crate::error::FieldError::new(
                    format!("lines[{i}].quantity"),
                    format!(
                        "{} units of {} are not on hand in {}",
                        order.lines[i].quantity, order.lines[i].sku, order.warehouse_id
                    ),
                )
            })
            .collect(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Give reserved units back (cancel, expire).
    Release,
    /// The goods left: on hand and reserved go down (fulfil).
    Ship,
}

impl JobKind {
    fn action(
        self,
        store: &Store,
        warehouse_id: &str,
        sku: &Sku,
        quantity: i64,
    ) -> Result<TransactWriteItem, StoreError> {
        match self {
            JobKind::Release => stock::release(store, warehouse_id, sku, quantity),
            JobKind::Ship => stock::ship(store, warehouse_id, sku, quantity),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobLine {
    pub sku: Sku,
    pub quantity: i64,
}

/// `STOCKJOB#<order>` / `JOB`: the stock changes of a large order's transition, chunk by chunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockJob {
    pub order_id: String,
    pub warehouse_id: String,
    pub kind: JobKind,
    pub lines: Vec<JobLine>,
    pub chunk_size: usize,
    pub chunks_done: usize,
    pub created_at: String,
}

impl StockJob {
    fn of(order: &Order, kind: JobKind) -> Self {
        Self {
            order_id: order.id.clone(),
            warehouse_id: order.warehouse_id.clone(),
            kind,
            lines: order
                .lines
                .iter()
                .map(|l| JobLine {
                    sku: l.sku.clone(),
                    quantity: l.quantity,
                })
                .collect(),
            chunk_size: MAX_TRANSACTION_ACTIONS - 1,
            chunks_done: 0,
            created_at: now_rfc3339(),
        }
    }

    fn keys(&self) -> Keys {
        Keys::new(keys::stock_job_pk(&self.order_id), keys::STOCK_JOB_SK).gsi2(
            keys::STOCK_JOBS_INDEX_PK,
            format!("{}#{}", self.created_at, self.order_id),
        )
    }

    fn chunk_count(&self) -> usize {
        self.lines.len().div_ceil(self.chunk_size.max(1))
    }
}

/// Runs (or resumes) a stock job to the end. Each chunk is conditioned on `chunks_done`, so
/// concurrent runners apply each chunk once.
pub async fn run_stock_job(store: &Store, order_id: &str) -> Result<(), StoreError> {
    let pk = keys::stock_job_pk(order_id);
    for round in 0..200u32 {
        let Some(job) = store.get::<StockJob>(&pk, keys::STOCK_JOB_SK).await? else {
            return Ok(());
        };
        let index = job.chunks_done;
        let start = (index * job.chunk_size).min(job.lines.len());
        let end = ((index + 1) * job.chunk_size).min(job.lines.len());
        let mut actions = job.lines[start..end]
            .iter()
            .map(|l| {
                job.kind
                    .action(store, &job.warehouse_id, &l.sku, l.quantity)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let last = index + 1 >= job.chunk_count();
        if last {
            let delete = aws_sdk_dynamodb::types::Delete::builder()
                .table_name(store.table())
                .set_key(Some(store::key_of(&pk, keys::STOCK_JOB_SK)))
                .condition_expression("chunks_done = :done")
                .expression_attribute_values(":done", store::n(index))
                .build()
                .map_err(|e| StoreError::Other(e.to_string()))?;
            actions.push(TransactWriteItem::builder().delete(delete).build());
        } else {
            actions.push(store.tx_update(
                &pk,
                keys::STOCK_JOB_SK,
                "SET chunks_done = :next",
                Some("chunks_done = :done"),
                &[],
                vec![(":next", store::n(index + 1)), (":done", store::n(index))],
            )?);
        }
        let stock_actions = end - start;
        match store.transact(actions).await {
            Ok(()) if last => return Ok(()),
            Ok(()) => {}
            Err(StoreError::TransactionCanceled(reasons))
                if job.kind == JobKind::Ship
                    && reasons
                        .iter()
                        .take(stock_actions)
                        .flatten()
                        .any(|r| r == "ConditionalCheckFailed") =>
            {
                // Counted below the order after the fulfilment's check: the job waits (the
                // sweeper retries it) until the stock is corrected, rather than going negative.
                return Err(StoreError::Other(format!(
                    "stock job {order_id}: goods not on hand; waiting for a stock correction"
                )));
            }
            Err(err) if super::is_contention(&err) => super::backoff(round.min(6)).await,
            Err(err) => return Err(err),
        }
    }
    Err(StoreError::Other(format!(
        "stock job {order_id}: could not finish after many rounds"
    )))
}

/// Resumes stock jobs older than `older_than_seconds` (their runner died). Returns how many.
pub async fn resume_stock_jobs(
    store: &Store,
    older_than_seconds: i64,
) -> Result<usize, StoreError> {
    let cutoff = (chrono::Utc::now() - chrono::Duration::seconds(older_than_seconds))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut resumed = 0;
    let mut cursor = None;
    loop {
        let page = store
            .query::<StockJob>(QuerySpec {
                index: Some(keys::GSI2),
                pk: keys::STOCK_JOBS_INDEX_PK.into(),
                sk_between: Some(("0".into(), format!("{cutoff}#~"))),
                limit: Some(50),
                cursor,
                ..Default::default()
            })
            .await?;
        for job in page.items {
            run_stock_job(store, &job.order_id).await?;
            resumed += 1;
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(resumed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    #[test]
    fn the_state_machine() {
        let staff = |s, a| next_status(s, a, false);
        let customer = |s, a| next_status(s, a, true);
        assert_eq!(staff(Placed, OrderAction::Claim), Some(Claimed));
        assert_eq!(staff(Claimed, OrderAction::Fulfil), Some(Fulfilled));
        assert_eq!(staff(Placed, OrderAction::Cancel), Some(Cancelled));
        assert_eq!(staff(Claimed, OrderAction::Cancel), Some(Cancelled));
        assert_eq!(staff(Placed, OrderAction::Expire), Some(Expired));
        // Invalid transitions.
        assert_eq!(staff(Placed, OrderAction::Fulfil), None);
        assert_eq!(staff(Claimed, OrderAction::Claim), None);
        assert_eq!(
            staff(Claimed, OrderAction::Expire),
            None,
            "a claimed order never expires"
        );
        for done in [Fulfilled, Cancelled, Expired] {
            for action in [
                OrderAction::Claim,
                OrderAction::Fulfil,
                OrderAction::Cancel,
                OrderAction::Expire,
            ] {
                assert_eq!(staff(done, action), None);
            }
        }
        // Customers only cancel placed orders.
        assert_eq!(customer(Placed, OrderAction::Cancel), Some(Cancelled));
        assert_eq!(customer(Claimed, OrderAction::Cancel), None);
        assert_eq!(customer(Placed, OrderAction::Claim), None);
    }
}
