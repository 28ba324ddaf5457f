//! F38 saved lists: named lists of SKUs and quantities belonging to a customer (every contact of
//! the customer sees and edits them), added to the cart whole.
//!
//! A list is one item `CUST#<id>` / `LIST#<list id>` (its lines inside: at most 500, ~20 KB);
//! `CUST#<id>` / `LISTS` counts them, so the cap of lists per customer is a condition of the
//! same transaction that creates or deletes one (two contacts creating the 51st at once cannot
//! both succeed).

use serde::{Deserialize, Serialize};

use super::cart::{self, add_lines, pricer, warehouse_for, CartAdded, Unbuyable};
use super::model::LineRequest;
use super::place::{skus_of, validate_lines};
use crate::error::{AppError, AppResult, FieldError};
use crate::pricing::{LineIssue, Quote};
use crate::store::{self, keys, Keys, QuerySpec, Store, StoreError};
use crate::types::{new_id, now_rfc3339};

/// Most lists per customer.
pub const MAX_LISTS: i64 = 50;
/// Most lines per list (a cart's maximum).
pub const MAX_LIST_LINES: usize = 500;
const MAX_NAME_CHARS: usize = 80;

/// A saved list as stored and answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SavedList {
    pub id: String,
    pub customer_id: String,
    pub name: String,
    /// Same SKUs merged.
    pub lines: Vec<LineRequest>,
    /// Who created it (a contact's email, or staff acting as the customer).
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

impl SavedList {
    fn keys(&self) -> Keys {
        Keys::new(
            keys::customer_pk(&self.customer_id),
            keys::saved_list_sk(&self.id),
        )
    }
}

/// A list in the customer's lists.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SavedListSummary {
    pub id: String,
    pub name: String,
    pub line_count: usize,
    pub created_by: String,
    pub updated_at: String,
}

/// A list with its lines priced now (names, prices, availability, what cannot be bought).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SavedListView {
    pub list: SavedList,
    pub priced: Quote,
}

/// `POST /v1/lists`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSavedList {
    /// 1 to 80 characters.
    pub name: String,
    /// Up to 500 lines (may be empty).
    #[serde(default)]
    pub lines: Vec<LineRequest>,
}

/// `PATCH /v1/lists/{id}`: a new name, and/or the whole new set of lines.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedListPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub lines: Option<Vec<LineRequest>>,
}

fn check_name(name: &str, errors: &mut Vec<FieldError>) -> String {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        errors.push(FieldError::new(
            "name",
            format!("must be 1 to {MAX_NAME_CHARS} characters"),
        ));
    } else if name.chars().any(char::is_control) {
        errors.push(FieldError::new(
            "name",
            "must not contain control characters",
        ));
    }
    name.to_string()
}

fn check_lines(lines: &[LineRequest], errors: &mut Vec<FieldError>) {
    if lines.len() > MAX_LIST_LINES {
        errors.push(FieldError::new(
            "lines",
            format!("must have at most {MAX_LIST_LINES} lines"),
        ));
    } else if !lines.is_empty() {
        validate_lines(lines, errors);
    }
}

/// Lines of items the customer cannot see are refused (a list holds the customer's items);
/// items that are inactive or short now are kept: they may come back.
async fn check_items(
    store: &Store,
    customer_id: &str,
    owner: &str,
    lines: &[LineRequest],
) -> AppResult<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let (loaded, fetched) = cart::load(store, customer_id, owner).await?;
    let wh = warehouse_for(&loaded.customer, None)?;
    let priced = pricer(store, &loaded, fetched, &wh, &skus_of(lines))
        .await?
        .quote(lines);
    let errors: Vec<FieldError> = priced
        .lines
        .iter()
        .filter(|l| l.reason == Some(LineIssue::NotFound))
        .map(|l| {
            let i = lines.iter().position(|r| r.sku == l.sku).unwrap_or(0);
            FieldError::new(
                format!("lines[{i}].sku"),
                format!("{}: this item is not in your catalog", l.sku),
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// The customer's lists, by name.
pub async fn list_lists(store: &Store, customer_id: &str) -> AppResult<Vec<SavedListSummary>> {
    let lists: Vec<SavedList> = store
        .query_all(
            QuerySpec::partition(keys::customer_pk(customer_id)).prefix(keys::SAVED_LIST_SK_PREFIX),
        )
        .await?;
    let mut out: Vec<SavedListSummary> = lists
        .into_iter()
        .map(|l| SavedListSummary {
            line_count: l.lines.len(),
            id: l.id,
            name: l.name,
            created_by: l.created_by,
            updated_at: l.updated_at,
        })
        .collect();
    out.sort_by_key(|l| l.name.to_lowercase());
    Ok(out)
}

async fn load_list(store: &Store, customer_id: &str, id: &str) -> AppResult<SavedList> {
    // Ids are ours (no '#'): anything else cannot name a list, and must not reach a key.
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(AppError::NotFound);
    }
    store
        .get(&keys::customer_pk(customer_id), &keys::saved_list_sk(id))
        .await?
        .ok_or(AppError::NotFound)
}

/// One list of the customer, priced now (404 for another customer's).
pub async fn get_list(
    store: &Store,
    customer_id: &str,
    owner: &str,
    id: &str,
) -> AppResult<SavedListView> {
    let list = load_list(store, customer_id, id).await?;
    let (loaded, fetched) = cart::load(store, customer_id, owner).await?;
    let wanted = loaded.cart.as_ref().and_then(|c| c.warehouse_id.clone());
    let wh = warehouse_for(&loaded.customer, wanted.as_deref())
        .or_else(|_| warehouse_for(&loaded.customer, None))?;
    let priced = pricer(store, &loaded, fetched, &wh, &skus_of(&list.lines))
        .await?
        .quote(&list.lines);
    Ok(SavedListView { list, priced })
}

/// Creates a list; the 51st is refused (409), counted in the same transaction.
pub async fn create_list(
    store: &Store,
    customer_id: &str,
    owner: &str,
    body: NewSavedList,
) -> AppResult<SavedList> {
    let mut errors = Vec::new();
    let name = check_name(&body.name, &mut errors);
    check_lines(&body.lines, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    check_items(store, customer_id, owner, &body.lines).await?;
    let now = now_rfc3339();
    let list = SavedList {
        id: new_id(),
        customer_id: customer_id.to_string(),
        name,
        lines: crate::pricing::quote::merge_lines(&body.lines),
        created_by: owner.to_string(),
        created_at: now.clone(),
        updated_at: now,
    };
    let pk = keys::customer_pk(customer_id);
    let count = store.tx_update(
        &pk,
        keys::SAVED_LISTS_COUNT_SK,
        "ADD #n :one",
        Some("attribute_not_exists(#n) OR #n < :max"),
        &[("#n", "count")],
        vec![(":one", store::n(1)), (":max", store::n(MAX_LISTS))],
    )?;
    match store
        .transact(vec![count, store.tx_put_new(&list.keys(), &list)?])
        .await
    {
        Ok(()) => Ok(list),
        Err(StoreError::TransactionCanceled(_)) => Err(AppError::conflict(
            "too-many-lists",
            format!("a customer keeps at most {MAX_LISTS} lists; delete one first"),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Renames a list and/or replaces its lines.
pub async fn update_list(
    store: &Store,
    customer_id: &str,
    owner: &str,
    id: &str,
    patch: SavedListPatch,
) -> AppResult<SavedList> {
    let mut errors = Vec::new();
    let name = patch.name.as_deref().map(|n| check_name(n, &mut errors));
    if let Some(lines) = &patch.lines {
        check_lines(lines, &mut errors);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    // Another customer's list is a 404 whatever the body says.
    let mut list = load_list(store, customer_id, id).await?;
    if name.is_none() && patch.lines.is_none() {
        return Err(AppError::invalid("name", "give a new name or lines"));
    }
    if let Some(lines) = &patch.lines {
        check_items(store, customer_id, owner, lines).await?;
        list.lines = crate::pricing::quote::merge_lines(lines);
    }
    if let Some(name) = name {
        list.name = name;
    }
    let previous = std::mem::replace(&mut list.updated_at, now_rfc3339());
    // Only over the version read: a colleague's edit in between is not silently lost.
    match store
        .put_if(
            &list.keys(),
            &list,
            "#u = :u",
            &[("#u", "updated_at")],
            vec![(":u", store::s(&previous))],
        )
        .await
    {
        Ok(()) => Ok(list),
        Err(StoreError::ConditionFailed) => Err(AppError::conflict(
            "list-changed",
            "someone changed or deleted this list meanwhile; open it again",
        )),
        Err(e) => Err(e.into()),
    }
}

/// Deletes a list (404 when there is none).
pub async fn delete_list(store: &Store, customer_id: &str, id: &str) -> AppResult<()> {
    let list = load_list(store, customer_id, id).await?;
    let pk = keys::customer_pk(customer_id);
    let actions = vec![
        store.tx_delete(&pk, &list.keys().sk, Some("attribute_exists(PK)"))?,
        store.tx_update(
            &pk,
            keys::SAVED_LISTS_COUNT_SK,
            "ADD #n :minus",
            Some("#n > :zero"),
            &[("#n", "count")],
            vec![(":minus", store::n(-1)), (":zero", store::n(0))],
        )?,
    ];
    match store.transact(actions).await {
        Ok(()) => Ok(()),
        // Deleted meanwhile by a colleague.
        Err(StoreError::TransactionCanceled(_)) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// Adds the whole list to the contact's cart; lines whose item cannot be bought now are left
/// out and reported.
pub async fn add_list_to_cart(
    store: &Store,
    customer_id: &str,
    owner: &str,
    id: &str,
) -> AppResult<CartAdded> {
    let list = load_list(store, customer_id, id).await?;
    if list.lines.is_empty() {
        return Err(AppError::conflict("empty-list", "this list has no lines"));
    }
    let added = add_lines(
        store,
        customer_id,
        owner,
        None,
        None,
        &list.lines,
        Unbuyable::Skip,
    )
    .await?;
    Ok(added)
}
