//! The recoverable multi-step reservation of orders larger than one transaction (F22, up to
//! 500 lines).
//!
//! 1. One transaction records the intent (a small control item and a draft holding the order),
//!    takes the idempotency key (`pending`) and adds the order to the customer's open orders.
//! 2. Stock is reserved in chunks of 99 lines, each chunk a transaction that also advances the
//!    control item's `chunks_done` (conditioned on its current value and on `reserving`), so
//!    the control item always says exactly which chunks hold stock.
//! 3. One transaction writes the order and its events, completes the idempotency record and
//!    deletes the intent (conditioned on every chunk being done).
//!
//! If a chunk finds stock short, the placer undoes what it reserved. If the process dies midway,
//! the sweeper (run by the expiry schedule) finds intents older than a few minutes through the
//! `INTENTS` index: those with every chunk reserved are finished (the client's retry with the
//! same key then gets the order), the others undone. Undoing first flips the intent to
//! `undoing`, which stops a late chunk from reserving more, then releases chunk by chunk
//! (each release conditioned on `chunks_done`), and finally releases the credit and deletes the
//! intent in one transaction: whoever runs it, and however often, each unit is released once.

use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::{Deserialize, Serialize};

use super::credit;
use super::error::OrderResult;
use super::events::placed_events;
use super::model::Order;
use super::place::{
    activity_put, idem_put, order_body, Attempt, Extra, IdemState, IdempotencyRecord, PlaceOptions,
    Placed, Plan, MAX_TRANSACTION_ACTIONS,
};
use super::stock;
use crate::activity::Activity;
use crate::app::App;
use crate::error::AppError;
use crate::messaging::DomainEvent;
use crate::store::{self, keys, Keys, QuerySpec, Store, StoreError};
use crate::types::now_rfc3339;

/// Stock updates per chunk: with the control update, a full transaction.
pub const CHUNK_LINES: usize = MAX_TRANSACTION_ACTIONS - 1;
/// Tries of one chunk against competing transactions before giving up (and undoing).
const CHUNK_TRIES: u32 = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntentState {
    Reserving,
    Undoing,
}

impl IntentState {
    fn as_str(self) -> &'static str {
        match self {
            IntentState::Reserving => "reserving",
            IntentState::Undoing => "undoing",
        }
    }
}

/// `INTENT#<order>` / `INTENT`: which chunks hold stock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntentControl {
    pub order_id: String,
    pub customer_id: String,
    pub state: IntentState,
    pub chunk_size: usize,
    pub chunk_count: usize,
    pub chunks_done: usize,
    pub created_at: String,
}

impl IntentControl {
    fn keys(&self) -> Keys {
        Keys::new(keys::intent_pk(&self.order_id), keys::INTENT_SK).gsi2(
            keys::INTENTS_INDEX_PK,
            format!("{}#{}", self.created_at, self.order_id),
        )
    }
}

/// `INTENT#<order>` / `DRAFT`: everything needed to finish or undo.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct IntentDraft {
    pub order: Order,
    pub request_hash: String,
    pub idempotency_key: String,
    pub activity: Activity,
    #[serde(default)]
    pub extra: Option<Extra>,
}

/// A put with a condition and its own names and values.
pub(crate) fn put_if<T: Serialize>(
    store: &Store,
    keys: &Keys,
    entity: &T,
    condition: &str,
    names: &[(&str, &str)],
    values: Vec<(&str, aws_sdk_dynamodb::types::AttributeValue)>,
) -> Result<TransactWriteItem, StoreError> {
    let mut put = aws_sdk_dynamodb::types::Put::builder()
        .table_name(store.table())
        .set_item(Some(store::item(keys, entity)?))
        .condition_expression(condition);
    for (k, v) in names {
        put = put.expression_attribute_names(*k, *v);
    }
    for (k, v) in values {
        put = put.expression_attribute_values(k, v);
    }
    let put = put.build().map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(TransactWriteItem::builder().put(put).build())
}

fn chunk_of(order: &Order, index: usize, size: usize) -> &[super::model::OrderLine] {
    let start = (index * size).min(order.lines.len());
    let end = ((index + 1) * size).min(order.lines.len());
    &order.lines[start..end]
}

fn failed_at(err: &StoreError, index: usize) -> bool {
    matches!(err, StoreError::TransactionCanceled(r) if r.get(index).and_then(|c| c.as_deref()) == Some("ConditionalCheckFailed"))
}

fn any_condition_failed(err: &StoreError) -> bool {
    matches!(err, StoreError::TransactionCanceled(r) if r.iter().flatten().any(|c| c == "ConditionalCheckFailed"))
}

/// Steps 1-3 for the placer. `Retry` after undoing what it did when competing orders won.
pub(crate) async fn place_in_steps(
    app: &App,
    plan: Plan,
    options: &PlaceOptions,
) -> OrderResult<Attempt> {
    let store = &app.store;
    let order = &plan.order;
    let chunk_count = order.lines.len().div_ceil(CHUNK_LINES);
    let control = IntentControl {
        order_id: order.id.clone(),
        customer_id: order.customer_id.clone(),
        state: IntentState::Reserving,
        chunk_size: CHUNK_LINES,
        chunk_count,
        chunks_done: 0,
        created_at: now_rfc3339(),
    };
    let draft = IntentDraft {
        order: order.clone(),
        request_hash: plan.request_hash.clone(),
        idempotency_key: plan.idempotency_key.clone(),
        activity: plan.activity.clone(),
        extra: plan.extra.clone(),
    };
    let pending = IdempotencyRecord {
        state: IdemState::Pending,
        response: None,
        ..plan.idem_done()
    };
    // Step 1.
    let actions = vec![
        store.tx_put_new(&control.keys(), &control)?,
        store.tx_put_new(
            &Keys::new(keys::intent_pk(&order.id), keys::INTENT_DRAFT_SK),
            &draft,
        )?,
        idem_put(store, &pending)?,
        credit::reserve_action(
            store,
            &order.customer_id,
            order.total,
            &order.currency,
            &plan.guard,
        )?,
    ];
    match store.transact(actions).await {
        Ok(()) => {}
        Err(err) if super::is_contention(&err) => {
            return Ok(Attempt::Retry(if failed_at(&err, 2) {
                "idempotency key taken"
            } else {
                "credit or a competing transaction"
            }))
        }
        Err(err) => return Err(err.into()),
    }
    if options.fail_after_chunk == Some(0) {
        return Err(AppError::Internal("injected failure after 0 chunks".into()).into());
    }

    // Step 2.
    for index in 0..chunk_count {
        let lines = chunk_of(order, index, CHUNK_LINES);
        let mut tries = 0;
        loop {
            let mut actions = plan.reserve_actions(store, lines)?;
            actions.push(advance_chunk(
                store,
                &order.id,
                index,
                IntentState::Reserving,
            )?);
            let control_index = actions.len() - 1;
            match store.transact(actions).await {
                Ok(()) => break,
                Err(err) if any_condition_failed(&err) => {
                    // Stock went short under us, or a sweeper took the intent over: undo, and let
                    // a fresh attempt decide (it refuses with the short lines if still short).
                    let why = if failed_at(&err, control_index) {
                        "intent taken over"
                    } else {
                        "stock reserved by a competing order"
                    };
                    undo(store, &order.id).await?;
                    return Ok(Attempt::Retry(why));
                }
                Err(err) if super::is_contention(&err) && tries < CHUNK_TRIES => {
                    tries += 1;
                    super::backoff(tries).await;
                }
                Err(err) => {
                    undo(store, &order.id).await?;
                    if super::is_contention(&err) {
                        return Ok(Attempt::Retry("too much contention on a chunk"));
                    }
                    return Err(err.into());
                }
            }
        }
        if options.fail_after_chunk == Some(index + 1) {
            return Err(
                AppError::Internal(format!("injected failure after {} chunks", index + 1)).into(),
            );
        }
    }

    // Step 3.
    let mut tries = 0;
    loop {
        let (actions, events) = finish_actions(store, &draft, chunk_count)?;
        match store.transact(actions).await {
            Ok(()) => {
                super::relay(app, &events).await;
                return Ok(Attempt::Done(Placed {
                    order_id: order.id.clone(),
                    body: order_body(order),
                    replayed: false,
                    pending_approval: false,
                }));
            }
            Err(err)
                if super::is_contention(&err)
                    && !any_condition_failed(&err)
                    && tries < CHUNK_TRIES =>
            {
                tries += 1;
                super::backoff(tries).await;
            }
            Err(err) => {
                // The quote or cart changed, or the intent was taken over: undo and start again.
                undo(store, &order.id).await?;
                if super::is_contention(&err) {
                    return Ok(Attempt::Retry("the order could not be completed"));
                }
                return Err(err.into());
            }
        }
    }
}

/// `chunks_done: index -> index + 1`, only in the expected state.
fn advance_chunk(
    store: &Store,
    order_id: &str,
    index: usize,
    state: IntentState,
) -> Result<TransactWriteItem, StoreError> {
    store.tx_update(
        &keys::intent_pk(order_id),
        keys::INTENT_SK,
        "SET chunks_done = :next",
        Some("chunks_done = :done AND #state = :state"),
        &[("#state", "state")],
        vec![
            (":next", store::n(index + 1)),
            (":done", store::n(index)),
            (":state", store::s(state.as_str())),
        ],
    )
}

/// The transaction of step 3, and the events it writes.
fn finish_actions(
    store: &Store,
    draft: &IntentDraft,
    chunk_count: usize,
) -> Result<(Vec<TransactWriteItem>, Vec<DomainEvent>), StoreError> {
    let order = &draft.order;
    let events = placed_events(order);
    let done = IdempotencyRecord {
        customer_id: order.customer_id.clone(),
        key: draft.idempotency_key.clone(),
        request_hash: draft.request_hash.clone(),
        state: IdemState::Done,
        order_id: order.id.clone(),
        response: Some(order_body(order).to_string()),
        approval: false,
        created_at: order.created_at.clone(),
    };
    let intent_pk = keys::intent_pk(&order.id);
    let mut actions = vec![
        store.tx_put_new(&order.keys(), order)?,
        put_if(
            store,
            &IdempotencyRecord::keys(&order.customer_id, &draft.idempotency_key),
            &done,
            "#state = :pending AND order_id = :order",
            &[("#state", "state")],
            vec![
                (":pending", store::s("pending")),
                (":order", store::s(&order.id)),
            ],
        )?,
        store.tx_delete(&intent_pk, keys::INTENT_DRAFT_SK, None)?,
        activity_put(store, &draft.activity)?,
    ];
    // The control item: every chunk must be reserved, and nobody undoing.
    actions.push({
        let delete = aws_sdk_dynamodb::types::Delete::builder()
            .table_name(store.table())
            .set_key(Some(store::key_of(&intent_pk, keys::INTENT_SK)))
            .condition_expression("chunks_done = :all AND #state = :reserving")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":all", store::n(chunk_count))
            .expression_attribute_values(":reserving", store::s(IntentState::Reserving.as_str()))
            .build()
            .map_err(|e| StoreError::Other(e.to_string()))?;
        TransactWriteItem::builder().delete(delete).build()
    });
    for event in &events {
        actions.push(event.outbox_put(store)?);
    }
    if let Some(extra) = &draft.extra {
        actions.push(extra.action(store, order)?);
    }
    Ok((actions, events))
}

async fn load_control(store: &Store, order_id: &str) -> Result<Option<IntentControl>, StoreError> {
    store.get(&keys::intent_pk(order_id), keys::INTENT_SK).await
}

/// The draft; `None` when a concurrent undo or finish removed the intent since its control was
/// read (the caller reads the control again).
async fn load_draft(store: &Store, order_id: &str) -> Result<Option<IntentDraft>, StoreError> {
    store
        .get(&keys::intent_pk(order_id), keys::INTENT_DRAFT_SK)
        .await
}

/// Undoes an intent: releases every reserved chunk, the credit and the idempotency key, and
/// deletes the intent. Safe to run concurrently and repeatedly. `true` if this call removed it.
pub async fn undo(store: &Store, order_id: &str) -> Result<bool, StoreError> {
    for round in 0..200u32 {
        let Some(control) = load_control(store, order_id).await? else {
            return Ok(false);
        };
        let result = match control.state {
            IntentState::Reserving => {
                store
                    .transact(vec![store.tx_update(
                        &keys::intent_pk(order_id),
                        keys::INTENT_SK,
                        "SET #state = :undoing",
                        Some("#state = :reserving AND chunks_done = :seen"),
                        &[("#state", "state")],
                        vec![
                            (":undoing", store::s(IntentState::Undoing.as_str())),
                            (":reserving", store::s(IntentState::Reserving.as_str())),
                            (":seen", store::n(control.chunks_done)),
                        ],
                    )?])
                    .await
            }
            IntentState::Undoing if control.chunks_done > 0 => {
                let Some(draft) = load_draft(store, order_id).await? else {
                    continue;
                };
                let index = control.chunks_done - 1;
                let mut actions = chunk_of(&draft.order, index, control.chunk_size)
                    .iter()
                    .map(|l| stock::release(store, &draft.order.warehouse_id, &l.sku, l.quantity))
                    .collect::<Result<Vec<_>, _>>()?;
                actions.push(store.tx_update(
                    &keys::intent_pk(order_id),
                    keys::INTENT_SK,
                    "SET chunks_done = :index",
                    Some("chunks_done = :done AND #state = :undoing"),
                    &[("#state", "state")],
                    vec![
                        (":index", store::n(index)),
                        (":done", store::n(index + 1)),
                        (":undoing", store::s(IntentState::Undoing.as_str())),
                    ],
                )?);
                store.transact(actions).await
            }
            IntentState::Undoing => {
                let Some(draft) = load_draft(store, order_id).await? else {
                    continue;
                };
                let order = &draft.order;
                let intent_pk = keys::intent_pk(order_id);
                let control_delete = {
                    let delete = aws_sdk_dynamodb::types::Delete::builder()
                        .table_name(store.table())
                        .set_key(Some(store::key_of(&intent_pk, keys::INTENT_SK)))
                        .condition_expression("chunks_done = :zero AND #state = :undoing")
                        .expression_attribute_names("#state", "state")
                        .expression_attribute_values(":zero", store::n(0))
                        .expression_attribute_values(
                            ":undoing",
                            store::s(IntentState::Undoing.as_str()),
                        )
                        .build()
                        .map_err(|e| StoreError::Other(e.to_string()))?;
                    TransactWriteItem::builder().delete(delete).build()
                };
                let idem_delete = {
                    let delete = aws_sdk_dynamodb::types::Delete::builder()
                        .table_name(store.table())
                        .set_key(Some(store::key_of(
                            &keys::idempotency_pk(&order.customer_id, &draft.idempotency_key),
                            keys::IDEMPOTENCY_SK,
                        )))
                        .condition_expression(
                            "attribute_not_exists(PK) OR (#state = :pending AND order_id = :order)",
                        )
                        .expression_attribute_names("#state", "state")
                        .expression_attribute_values(":pending", store::s("pending"))
                        .expression_attribute_values(":order", store::s(order_id))
                        .build()
                        .map_err(|e| StoreError::Other(e.to_string()))?;
                    TransactWriteItem::builder().delete(delete).build()
                };
                let done = store
                    .transact(vec![
                        control_delete,
                        store.tx_delete(&intent_pk, keys::INTENT_DRAFT_SK, None)?,
                        credit::release_action(store, &order.customer_id, order.total)?,
                        idem_delete,
                    ])
                    .await;
                match done {
                    Ok(()) => return Ok(true),
                    Err(e) => Err(e),
                }
            }
        };
        match result {
            Ok(()) => {}
            Err(err) if super::is_contention(&err) => super::backoff(round.min(6)).await,
            Err(err) => return Err(err),
        }
    }
    Err(StoreError::Other(format!(
        "intent {order_id}: could not undo after many rounds"
    )))
}

/// What one sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IntentSweep {
    pub finished: usize,
    pub undone: usize,
}

/// Finishes or undoes intents created more than `older_than_seconds` ago (the placer of a
/// younger one may still be working). Found through the `INTENTS` index, never a scan.
pub async fn sweep_intents(app: &App, older_than_seconds: i64) -> Result<IntentSweep, StoreError> {
    let store = &app.store;
    let cutoff = (chrono::Utc::now() - chrono::Duration::seconds(older_than_seconds))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut report = IntentSweep::default();
    let mut cursor = None;
    loop {
        let page = store
            .query::<IntentControl>(QuerySpec {
                index: Some(keys::GSI2),
                pk: keys::INTENTS_INDEX_PK.into(),
                sk_between: Some(("0".into(), format!("{cutoff}#~"))),
                limit: Some(50),
                cursor,
                ..Default::default()
            })
            .await?;
        for seen in page.items {
            // The index may lag: decide on the item itself.
            let Some(control) = load_control(store, &seen.order_id).await? else {
                continue;
            };
            if control.state == IntentState::Reserving && control.chunks_done == control.chunk_count
            {
                let Some(draft) = load_draft(store, &control.order_id).await? else {
                    continue;
                };
                let (actions, events) = finish_actions(store, &draft, control.chunk_count)?;
                match store.transact(actions).await {
                    Ok(()) => {
                        super::relay(app, &events).await;
                        report.finished += 1;
                        continue;
                    }
                    Err(err) if super::is_contention(&err) => {
                        tracing::warn!(order_id = %control.order_id, error = %err, "intent could not be finished; undoing it");
                    }
                    Err(err) => return Err(err),
                }
            }
            if undo(store, &control.order_id).await? {
                report.undone += 1;
            }
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(report),
        }
    }
}
