//! Lists of orders and quotes: the customer's own (GSI1 `ORDERS#<cust>` / `QUOTES#<cust>`,
//! newest first) and the staff's (GSI3 by status then date; agents see only their customers).

use serde::de::DeserializeOwned;

use super::model::{Order, OrderStatus, OrderSummary, Quote, QuoteStatus};
use crate::auth::{Principal, StaffRole};
use crate::error::{AppError, AppResult};
use crate::staff::customer_care::managed_customer;
use crate::staff::paging::checked_cursor;
use crate::store::{self, encode_cursor, keys, Page, QuerySpec, Store};

/// One page of the customer's orders, newest first.
pub async fn customer_orders(
    store: &Store,
    customer_id: &str,
    status: Option<OrderStatus>,
    limit: i32,
    cursor: Option<String>,
) -> AppResult<Page<OrderSummary>> {
    let pk = keys::customer_orders_pk(customer_id);
    let cursor = checked_cursor(cursor, "GSI1PK", &pk)?;
    let spec = QuerySpec::index(keys::GSI1, pk)
        .newest_first()
        .cursor(cursor);
    let page = filtered::<Order>(
        store,
        spec,
        limit,
        |o| status.is_none_or(|s| o.status == s),
        &["GSI1PK", "GSI1SK"],
    )
    .await?;
    Ok(Page {
        items: page.items.iter().map(Order::summary).collect(),
        next_cursor: page.next_cursor,
    })
}

/// One page of the customer's quotes, newest first.
pub async fn customer_quotes(
    store: &Store,
    customer_id: &str,
    limit: i32,
    cursor: Option<String>,
) -> AppResult<Page<Quote>> {
    let pk = keys::customer_quotes_pk(customer_id);
    let cursor = checked_cursor(cursor, "GSI1PK", &pk)?;
    let spec = QuerySpec::index(keys::GSI1, pk)
        .newest_first()
        .cursor(cursor);
    filtered::<Quote>(store, spec, limit, |_| true, &["GSI1PK", "GSI1SK"]).await
}

/// Staff lists: `status` and `customer` filters; an agent sees only its customers' orders.
pub async fn staff_orders(
    store: &Store,
    staff: &Principal,
    status: Option<OrderStatus>,
    customer_id: Option<&str>,
    limit: i32,
    cursor: Option<String>,
) -> AppResult<Page<OrderSummary>> {
    staff.require_staff()?;
    let page = if let Some(customer_id) = customer_id {
        // 404 unless the staff member manages the customer.
        managed_customer(store, staff, customer_id).await?;
        let pk = keys::customer_orders_pk(customer_id);
        let cursor = checked_cursor(cursor, "GSI1PK", &pk)?;
        let spec = QuerySpec::index(keys::GSI1, pk)
            .newest_first()
            .cursor(cursor);
        filtered::<Order>(
            store,
            spec,
            limit,
            |o| status.is_none_or(|s| o.status == s),
            &["GSI1PK", "GSI1SK"],
        )
        .await?
    } else {
        let cursor = checked_cursor(cursor, "GSI3PK", keys::ORDERS_BY_STATUS_PK)?;
        let mut spec = QuerySpec::index(keys::GSI3, keys::ORDERS_BY_STATUS_PK)
            .newest_first()
            .cursor(cursor);
        if let Some(s) = status {
            spec = spec.prefix(format!("{}#", s.as_str()));
        }
        let agent = (staff.role == Some(StaffRole::Agent)).then(|| staff.sub.clone());
        filtered::<Order>(
            store,
            spec,
            limit,
            |o| {
                agent
                    .as_deref()
                    .is_none_or(|a| o.agent_id.as_deref() == Some(a))
            },
            &["GSI3PK", "GSI3SK"],
        )
        .await?
    };
    Ok(Page {
        items: page.items.iter().map(Order::summary).collect(),
        next_cursor: page.next_cursor,
    })
}

/// Staff list of quotes (e.g. `requested` ones to answer).
pub async fn staff_quotes(
    store: &Store,
    staff: &Principal,
    status: Option<QuoteStatus>,
    customer_id: Option<&str>,
    limit: i32,
    cursor: Option<String>,
) -> AppResult<Page<Quote>> {
    staff.require_staff()?;
    if let Some(customer_id) = customer_id {
        managed_customer(store, staff, customer_id).await?;
        let pk = keys::customer_quotes_pk(customer_id);
        let cursor = checked_cursor(cursor, "GSI1PK", &pk)?;
        let spec = QuerySpec::index(keys::GSI1, pk)
            .newest_first()
            .cursor(cursor);
        return filtered::<Quote>(
            store,
            spec,
            limit,
            |q| status.is_none_or(|s| q.status == s),
            &["GSI1PK", "GSI1SK"],
        )
        .await;
    }
    let cursor = checked_cursor(cursor, "GSI3PK", keys::QUOTES_BY_STATUS_PK)?;
    let mut spec = QuerySpec::index(keys::GSI3, keys::QUOTES_BY_STATUS_PK)
        .newest_first()
        .cursor(cursor);
    if let Some(s) = status {
        spec = spec.prefix(format!("{}#", s.as_str()));
    }
    let agent = (staff.role == Some(StaffRole::Agent)).then(|| staff.sub.clone());
    filtered::<Quote>(
        store,
        spec,
        limit,
        |q| {
            agent
                .as_deref()
                .is_none_or(|a| q.agent_id.as_deref() == Some(a))
        },
        &["GSI3PK", "GSI3SK"],
    )
    .await
}

/// Most pages read to fill one filtered page.
const MAX_PAGES: usize = 10;

/// Reads pages until `limit` items pass `keep` (or the end). The cursor points just after the
/// last item returned, so nothing is skipped when a page is cut short.
async fn filtered<T: DeserializeOwned>(
    store: &Store,
    mut spec: QuerySpec,
    limit: i32,
    keep: impl Fn(&T) -> bool,
    index_keys: &[&str],
) -> AppResult<Page<T>> {
    let limit = limit.max(1) as usize;
    let mut items = Vec::new();
    let mut next_cursor = None;
    for _ in 0..MAX_PAGES {
        spec.limit = Some(limit as i32 + 1);
        let (raws, next) = store.query_items(&spec).await.map_err(|e| match e {
            store::StoreError::Other(m) if m.contains("cursor") => {
                AppError::invalid("cursor", "is not a cursor this list returned")
            }
            other => other.into(),
        })?;
        let mut cut_short = false;
        for raw in raws {
            if items.len() == limit {
                cut_short = true;
                break;
            }
            let last_key = cursor_of(&raw, index_keys);
            let item: T = store::from_item(raw)?;
            if keep(&item) {
                items.push(item);
            }
            next_cursor = Some(last_key);
        }
        if cut_short {
            return Ok(Page { items, next_cursor });
        }
        match next {
            Some(n) => spec.cursor = Some(n),
            None => {
                return Ok(Page {
                    items,
                    next_cursor: None,
                })
            }
        }
        if items.len() == limit {
            return Ok(Page {
                items,
                next_cursor: spec.cursor.clone(),
            });
        }
    }
    Ok(Page {
        items,
        next_cursor: spec.cursor.clone().or(next_cursor),
    })
}

/// The `LastEvaluatedKey` that continues after `raw` in an index query.
fn cursor_of(raw: &store::Item, index_keys: &[&str]) -> String {
    let mut key = store::Item::new();
    for attr in [keys::PK, keys::SK].iter().chain(index_keys) {
        if let Some(v) = raw.get(*attr) {
            key.insert((*attr).to_string(), v.clone());
        }
    }
    encode_cursor(&key)
}
