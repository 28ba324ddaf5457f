//! F24 the scheduled job: expires placed orders whose claim deadline passed (found through the
//! sparse `OPEN_ORDERS` index, which holds placed orders only: never a scan), expires answered
//! quotes past their validity (`OPEN_QUOTES`), and sweeps what crashed processes left behind
//! (reservation intents, stock jobs).
//!
//! Each expiry is the `expire` transition: one transaction conditioned on the order still being
//! placed, so two overlapping runs release each order's stock once.

use serde::Serialize;

use super::handling::{self, OrderAction, Scope};
use super::intent::{self, IntentSweep};
use super::model::{status_sk, Actor, Order, Quote, QuoteStatus};
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::store::{self, keys, QuerySpec, StoreError};
use crate::types::now_rfc3339;

/// Intents and stock jobs younger than this may still have a live process working on them
/// (longer than any function's timeout).
pub const SWEEP_AFTER_SECONDS: i64 = 180;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExpiryReport {
    /// Orders this run expired.
    pub expired: usize,
    /// Due orders another run (or a claim, or a cancel) handled first.
    pub skipped: usize,
    pub quotes_expired: usize,
    pub intents: IntentSweep,
    pub stock_jobs_resumed: usize,
    /// Due orders and quotes this run could not expire (each logged with its id); they stay
    /// due, so the next run tries them again. One never stops the others.
    pub failed: usize,
}

/// The scheduled run: everything due now; intents and stock jobs older than
/// [`SWEEP_AFTER_SECONDS`].
pub async fn expire_due_orders(app: &App) -> AppResult<ExpiryReport> {
    run(app, &now_rfc3339(), SWEEP_AFTER_SECONDS).await
}

/// Like [`expire_due_orders`] with an explicit "now" and sweep age (tests).
pub async fn run(app: &App, now: &str, sweep_after_seconds: i64) -> AppResult<ExpiryReport> {
    // Leftovers first: a finished intent becomes an order that may itself be due.
    let mut report = ExpiryReport {
        intents: intent::sweep_intents(app, sweep_after_seconds).await?,
        stock_jobs_resumed: handling::resume_stock_jobs(&app.store, sweep_after_seconds).await?,
        ..Default::default()
    };

    let actor = Actor::system();
    let mut cursor = None;
    loop {
        let (raws, next_cursor) = app
            .store
            .query_items(&QuerySpec {
                index: Some(keys::GSI2),
                pk: keys::OPEN_ORDERS_PK.into(),
                sk_between: Some(("0".into(), format!("{now}#~"))),
                limit: Some(100),
                cursor,
                ..Default::default()
            })
            .await?;
        for raw in raws {
            let key = raw
                .get(keys::PK)
                .and_then(|v| v.as_s().ok())
                .cloned()
                .unwrap_or_default();
            let order = match store::from_item::<Order>(raw) {
                Ok(order) => order,
                Err(e) => {
                    tracing::error!(order = %key, error = %e, "unreadable due order; left for the next run");
                    report.failed += 1;
                    continue;
                }
            };
            match handling::transition(
                app,
                &order.id,
                Scope::System,
                &actor,
                OrderAction::Expire,
                None,
            )
            .await
            {
                Ok(_) => report.expired += 1,
                // Claimed, cancelled or expired by someone else since the index was read.
                Err(AppError::Conflict { .. }) | Err(AppError::NotFound) => report.skipped += 1,
                Err(e) => {
                    tracing::error!(order_id = %order.id, error = %e, "could not expire the order; the next run tries again");
                    report.failed += 1;
                }
            }
        }
        match next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let (quotes_expired, quotes_failed) = expire_quotes(app, now).await?;
    report.quotes_expired = quotes_expired;
    report.failed += quotes_failed;
    Ok(report)
}

/// Answered quotes past their validity become `expired` (conditioned, so once). Returns how
/// many expired and how many failed (logged, tried again next run).
async fn expire_quotes(app: &App, now: &str) -> Result<(usize, usize), StoreError> {
    let store = &app.store;
    let mut expired = 0;
    let mut failed = 0;
    let mut cursor = None;
    loop {
        let page = store
            .query::<Quote>(QuerySpec {
                index: Some(keys::GSI2),
                pk: keys::OPEN_QUOTES_PK.into(),
                sk_between: Some(("0".into(), format!("{now}#~"))),
                limit: Some(100),
                cursor,
                ..Default::default()
            })
            .await?;
        for quote in page.items {
            let action = store.tx_update(
                &keys::quote_pk(&quote.id),
                keys::QUOTE_SK,
                "SET #status = :expired, updated_at = :now, GSI3SK = :sk REMOVE GSI2PK, GSI2SK",
                Some("#status = :answered AND valid_until <= :now"),
                &[("#status", "status")],
                vec![
                    (":expired", store::s(QuoteStatus::Expired.as_str())),
                    (":answered", store::s(QuoteStatus::Answered.as_str())),
                    (":now", store::s(now)),
                    (
                        ":sk",
                        store::s(&status_sk(
                            QuoteStatus::Expired.as_str(),
                            &quote.created_at,
                            &quote.id,
                        )),
                    ),
                ],
            )?;
            match store.transact(vec![action]).await {
                Ok(()) => expired += 1,
                Err(StoreError::TransactionCanceled(_)) => {}
                Err(e) => {
                    tracing::error!(quote_id = %quote.id, error = %e, "could not expire the quote; the next run tries again");
                    failed += 1;
                }
            }
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok((expired, failed)),
        }
    }
}
