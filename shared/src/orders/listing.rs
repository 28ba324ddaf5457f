//! Lists of orders and quotes: the customer's own (GSI1 `ORDERS#<cust>` / `QUOTES#<cust>`,
//! newest first) and the staff's (GSI3 by status then date; agents see only their customers).
//!
//! An agent sees the orders and quotes of the customers assigned to it *now*: the `agent_id`
//! copied into an order when it was placed goes stale when staff reassign the customer, so the
//! lists check each page's customers against their current profiles ([`CurrentAssignment`]:
//! one BatchGetItem per page, never a request per order, never a scan).

use std::collections::HashMap;

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
        Keep::Each(&|o: &Order| status.is_none_or(|s| o.status == s)),
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
    filtered::<Quote>(
        store,
        spec,
        limit,
        Keep::Each(&|_: &Quote| true),
        &["GSI1PK", "GSI1SK"],
    )
    .await
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
            Keep::Each(&|o: &Order| status.is_none_or(|s| o.status == s)),
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
        filtered::<Order>(
            store,
            spec,
            limit,
            Keep::Assigned(CurrentAssignment::of(store, staff), |o: &Order| {
                o.customer_id.as_str()
            }),
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
            Keep::Each(&|q: &Quote| status.is_none_or(|s| q.status == s)),
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
    filtered::<Quote>(
        store,
        spec,
        limit,
        Keep::Assigned(CurrentAssignment::of(store, staff), |q: &Quote| {
            q.customer_id.as_str()
        }),
        &["GSI3PK", "GSI3SK"],
    )
    .await
}

/// Which customers the calling agent serves now, learnt from the customers' current profiles
/// as the pages of a list come (each customer read once per list). Admins see every customer.
struct CurrentAssignment<'a> {
    store: &'a Store,
    /// The agent's staff id; `None` for admins.
    agent: Option<&'a str>,
    serves: HashMap<String, bool>,
}

impl<'a> CurrentAssignment<'a> {
    fn of(store: &'a Store, staff: &'a Principal) -> Self {
        Self {
            store,
            agent: (staff.role == Some(StaffRole::Agent)).then_some(staff.sub.as_str()),
            serves: HashMap::new(),
        }
    }

    /// For each customer id in `page`: whether the caller may see it. Reads the profiles not
    /// yet seen in one BatchGetItem (a page holds at most 101 entries, so at most two).
    async fn keep<'i>(&mut self, page: impl Iterator<Item = &'i str>) -> AppResult<Vec<bool>> {
        let ids: Vec<&str> = page.collect();
        let Some(agent) = self.agent else {
            return Ok(vec![true; ids.len()]);
        };
        let unknown: Vec<(String, String)> = ids
            .iter()
            .filter(|id| !self.serves.contains_key(**id))
            .map(|id| (keys::customer_pk(id), keys::CUSTOMER_PROFILE_SK.to_string()))
            .collect();
        if !unknown.is_empty() {
            for raw in self.store.batch_get_items(unknown).await? {
                let id = raw
                    .get(keys::PK)
                    .and_then(|v| v.as_s().ok())
                    .and_then(|pk| pk.strip_prefix("CUST#"))
                    .map(str::to_string);
                let assigned = raw.get("agent_id").and_then(|v| v.as_s().ok());
                if let Some(id) = id {
                    self.serves
                        .insert(id, assigned.map(String::as_str) == Some(agent));
                }
            }
        }
        // A customer whose profile is gone is nobody's any more.
        Ok(ids
            .iter()
            .map(|id| self.serves.get(*id).copied().unwrap_or(false))
            .collect())
    }
}

/// Which items of a list to keep.
enum Keep<'a, T> {
    /// Decided item by item, without reading anything.
    Each(&'a (dyn Fn(&T) -> bool + Sync)),
    /// Items of customers the caller manages now; the function names an item's customer.
    Assigned(CurrentAssignment<'a>, fn(&T) -> &str),
}

impl<T> Keep<'_, T> {
    /// For each item of a page: whether to keep it (at most one read for the whole page).
    async fn page(&mut self, page: &[T]) -> AppResult<Vec<bool>> {
        match self {
            Keep::Each(keep) => Ok(page.iter().map(keep).collect()),
            Keep::Assigned(assignment, customer_of) => {
                let customer_of = *customer_of;
                assignment.keep(page.iter().map(customer_of)).await
            }
        }
    }
}

/// Most pages read to fill one filtered page.
const MAX_PAGES: usize = 10;

/// Reads pages until `limit` items pass `keep` (or the end); `keep` answers for a whole page
/// at once, so it reads what it needs in one request. The cursor points just after the
/// last item returned, so nothing is skipped when a page is cut short.
async fn filtered<T: DeserializeOwned + Sync>(
    store: &Store,
    mut spec: QuerySpec,
    limit: i32,
    mut keep: Keep<'_, T>,
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
        let mut cursors = Vec::with_capacity(raws.len());
        let mut page = Vec::with_capacity(raws.len());
        for raw in raws {
            cursors.push(cursor_of(&raw, index_keys));
            page.push(store::from_item::<T>(raw)?);
        }
        let kept = keep.page(&page).await?;
        let mut cut_short = false;
        for ((last_key, item), kept) in cursors.into_iter().zip(page).zip(kept) {
            if items.len() == limit {
                cut_short = true;
                break;
            }
            if kept {
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
