//! Item records and everything derived from them: listing index keys, search words and facet
//! counters. Every write of an item keeps the three in step: the API writes an item, its words
//! and its counter change in one transaction; imports write them in bulk (see [`super::files`]).

use std::collections::{BTreeMap, HashSet};

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use serde::{Deserialize, Serialize};

use super::model::{Item, ItemPatch, ItemSummary, Sku};
use super::text;
use crate::error::{AppError, AppResult};
use crate::store::{self, keys, Keys, Store, StoreError};
use crate::types::now_rfc3339;

/// The keys of an item record: listing indexes only while it is active (so the storefront's
/// indexes never hold an inactive item), the inactive list otherwise.
pub fn item_keys(item: &Item) -> Keys {
    let sku = item.sku.as_str();
    let name = text::sort_name(&item.name);
    let base = Keys::new(keys::item_pk(sku), keys::ITEM_SK);
    if !item.active {
        return base.gsi1(
            keys::INACTIVE_ITEMS_INDEX_PK,
            keys::item_name_sk(&name, sku),
        );
    }
    let type_key = item.type_key();
    let brand_key = item.brand_key();
    let keys = base
        .gsi1(keys::ITEMS_INDEX_PK, keys::item_name_sk(&name, sku))
        .gsi2(
            keys::item_type_index_pk(&type_key),
            keys::item_name_sk(&name, sku),
        );
    if brand_key.is_empty() {
        keys
    } else {
        keys.gsi3(
            keys::item_brand_index_pk(&brand_key),
            keys::item_brand_index_sk(&type_key, &name, sku),
        )
    }
}

/// The stored form of an item: the entity, its keys, and the folded type and brand the
/// storefront filters on.
/// Every write gives the record a new `rev`, which conditional updates compare (optimistic
/// concurrency that does not depend on clock resolution).
pub fn item_record(item: &Item) -> Result<store::Item, StoreError> {
    let mut record = store::item(&item_keys(item), item)?;
    record.insert("type_key".into(), store::s(&item.type_key()));
    record.insert("brand_key".into(), store::s(&item.brand_key()));
    record.insert(REV.into(), store::s(&crate::types::new_id()));
    Ok(record)
}

const REV: &str = "rev";

/// An item as stored, with the revision a conditional write must match.
#[derive(Debug, Clone)]
pub struct StoredItem {
    pub item: Item,
    pub rev: Option<String>,
}

impl StoredItem {
    pub fn from_record(record: store::Item) -> Result<Self, StoreError> {
        let rev = record.get(REV).and_then(|v| v.as_s().ok()).cloned();
        Ok(Self {
            item: store::from_item(record)?,
            rev,
        })
    }
}

/// One indexed word of an active item, carrying what a search result shows, so one Query
/// answers a search term without reading the items.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchEntry {
    #[serde(flatten)]
    pub summary: ItemSummary,
    pub word: String,
    pub type_key: String,
    pub brand_key: String,
    /// All indexed words of the item, space-separated with a leading and trailing space, so
    /// `contains(text, " <term>")` tests "some word starts with term" server-side.
    pub text: String,
}

impl SearchEntry {
    pub fn words(&self) -> Vec<String> {
        self.text.split_whitespace().map(str::to_string).collect()
    }
}

/// The search words of an item (none when inactive).
pub fn search_words(item: &Item) -> Vec<String> {
    if !item.active {
        return Vec::new();
    }
    text::index_tokens(&item.name, &item.brand, item.sku.as_str())
}

pub fn search_key(word: &str, sku: &Sku) -> (String, String) {
    (
        keys::search_pk(&text::partition_of(word)),
        keys::search_sk(word, sku.as_str()),
    )
}

/// The search records of an item: one per word.
pub fn search_records(item: &Item) -> Result<Vec<store::Item>, StoreError> {
    let words = search_words(item);
    let text = format!(" {} ", words.join(" "));
    let summary = ItemSummary::from(item);
    words
        .iter()
        .map(|word| {
            let (pk, sk) = search_key(word, &item.sku);
            store::item(
                &Keys::new(pk, sk),
                &SearchEntry {
                    summary: summary.clone(),
                    word: word.clone(),
                    type_key: item.type_key(),
                    brand_key: item.brand_key(),
                    text: text.clone(),
                },
            )
        })
        .collect()
}

/// The facet an active item counts in: (type key, brand key) with their labels.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FacetKey {
    pub type_key: String,
    pub brand_key: String,
}

pub fn facet_of(item: &Item) -> Option<(FacetKey, (String, String))> {
    item.active.then(|| {
        (
            FacetKey {
                type_key: item.type_key(),
                brand_key: item.brand_key(),
            },
            (item.item_type.clone(), item.brand.clone()),
        )
    })
}

/// Net changes of facet counters (and the labels to store) for a set of item changes.
#[derive(Debug, Default)]
pub struct FacetDeltas {
    deltas: BTreeMap<FacetKey, (i64, String, String)>,
}

impl FacetDeltas {
    /// Records `before` -> `after` (either may be absent: created, or never existed).
    pub fn record(&mut self, before: Option<&Item>, after: Option<&Item>) {
        if let Some((key, (t, b))) = before.and_then(facet_of) {
            let entry = self.deltas.entry(key).or_insert((0, t, b));
            entry.0 -= 1;
        }
        if let Some((key, (t, b))) = after.and_then(facet_of) {
            let entry = self.deltas.entry(key).or_insert((0, t.clone(), b.clone()));
            entry.0 += 1;
            // The newest labels win ("tools" -> "Tools").
            entry.1 = t;
            entry.2 = b;
        }
    }

    /// `(key, delta, type label, brand label)` of every counter that changes.
    pub fn changes(&self) -> impl Iterator<Item = (&FacetKey, i64, &str, &str)> {
        self.deltas
            .iter()
            .filter(|(_, (d, _, _))| *d != 0)
            .map(|(k, (d, t, b))| (k, *d, t.as_str(), b.as_str()))
    }
}

const FACET_UPDATE: &str = "SET item_type = :t, brand = :b ADD #n :d";

fn facet_values(
    delta: i64,
    type_label: &str,
    brand_label: &str,
) -> Vec<(&'static str, AttributeValue)> {
    vec![
        (":t", store::s(type_label)),
        (":b", store::s(brand_label)),
        (":d", store::n(delta)),
    ]
}

/// Counter changes as transaction actions (one per counter; no two on the same counter, so
/// up to 100 of them fit in one TransactWriteItems).
pub fn facet_update_actions(
    store: &Store,
    deltas: &FacetDeltas,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    deltas
        .changes()
        .map(|(key, delta, t, b)| {
            store.tx_update(
                keys::FACETS_PK,
                &keys::facet_sk(&key.type_key, &key.brand_key),
                FACET_UPDATE,
                None,
                &[("#n", "count")],
                facet_values(delta, t, b),
            )
        })
        .collect()
}

/// Applies counter changes (one UpdateItem each; a handful per import chunk).
pub async fn apply_facet_deltas(store: &Store, deltas: &FacetDeltas) -> Result<(), StoreError> {
    for (key, delta, t, b) in deltas.changes() {
        let mut req = store
            .client()
            .update_item()
            .table_name(store.table())
            .set_key(Some(store::key_of(
                keys::FACETS_PK,
                &keys::facet_sk(&key.type_key, &key.brand_key),
            )))
            .update_expression(FACET_UPDATE)
            .expression_attribute_names("#n", "count");
        for (k, v) in facet_values(delta, t, b) {
            req = req.expression_attribute_values(k, v);
        }
        req.send()
            .await
            .map_err(|e| StoreError::Other(format!("facet counter: {}", e.into_service_error())))?;
    }
    Ok(())
}

/// Reads one item (inactive ones too).
pub async fn get_item(store: &Store, sku: &Sku) -> Result<Option<Item>, StoreError> {
    Ok(get_stored(store, sku).await?.map(|s| s.item))
}

pub async fn get_stored(store: &Store, sku: &Sku) -> Result<Option<StoredItem>, StoreError> {
    store
        .get_item(&keys::item_pk(sku.as_str()), keys::ITEM_SK)
        .await?
        .map(StoredItem::from_record)
        .transpose()
}

/// The stored items of many SKUs (absent ones left out), read in bulk.
pub async fn get_stored_many<'a>(
    store: &Store,
    skus: impl IntoIterator<Item = &'a Sku>,
    concurrency: usize,
) -> Result<std::collections::HashMap<Sku, StoredItem>, StoreError> {
    let keys = skus
        .into_iter()
        .map(|sku| (keys::item_pk(sku.as_str()), keys::ITEM_SK.to_string()))
        .collect();
    Ok(store
        .batch_get_many(keys, concurrency)
        .await?
        .into_iter()
        .filter_map(|raw| StoredItem::from_record(raw).ok())
        .map(|s| (s.item.sku.clone(), s))
        .collect())
}

/// The condition that the stored item is still the one read.
pub fn unchanged_condition(rev: Option<&str>) -> (String, Vec<(&'static str, AttributeValue)>) {
    match rev {
        Some(rev) => ("#rev = :rev".into(), vec![(":rev", store::s(rev))]),
        None => (
            "attribute_exists(PK) AND attribute_not_exists(#rev)".into(),
            vec![],
        ),
    }
}

fn put_action(
    store: &Store,
    record: store::Item,
    condition: &str,
    values: Vec<(&str, AttributeValue)>,
) -> Result<TransactWriteItem, StoreError> {
    let mut put = Put::builder()
        .table_name(store.table())
        .set_item(Some(record))
        .condition_expression(condition);
    if condition.contains("#rev") {
        put = put.expression_attribute_names("#rev", REV);
    }
    for (k, v) in values {
        put = put.expression_attribute_values(k, v);
    }
    let put = put.build().map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// The writes that move an item from `before` to `after`: the item (conditional on `before`
/// being what is stored) and its search words (the dropped ones deleted). They belong in one
/// transaction: written apart, a retry that finds the item done would skip its words.
pub fn item_write_actions(
    store: &Store,
    before: Option<&StoredItem>,
    after: &Item,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    let mut actions = Vec::new();
    let record = item_record(after)?;
    actions.push(match before {
        None => put_action(store, record, "attribute_not_exists(PK)", vec![])?,
        Some(prev) => {
            let (condition, values) = unchanged_condition(prev.rev.as_deref());
            put_action(store, record, &condition, values)?
        }
    });
    let before = before.map(|b| &b.item);
    let new_words: HashSet<String> = search_words(after).into_iter().collect();
    if let Some(prev) = before {
        for word in search_words(prev) {
            if !new_words.contains(&word) {
                let (pk, sk) = search_key(&word, &prev.sku);
                actions.push(store.tx_delete(&pk, &sk, None)?);
            }
        }
    }
    for record in search_records(after)? {
        let put = Put::builder()
            .table_name(store.table())
            .set_item(Some(record))
            .build()
            .map_err(|e| StoreError::Other(e.to_string()))?;
        actions.push(TransactWriteItem::builder().put(put).build());
    }
    Ok(actions)
}

/// The transaction that moves an item from `before` to `after`: its writes and its facet
/// counters.
fn item_change_actions(
    store: &Store,
    before: Option<&StoredItem>,
    after: &Item,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    let mut actions = item_write_actions(store, before, after)?;
    let mut deltas = FacetDeltas::default();
    deltas.record(before.map(|b| &b.item), Some(after));
    actions.extend(facet_update_actions(store, &deltas)?);
    Ok(actions)
}

/// Creates an item (409 `item-exists` when the SKU is taken).
pub async fn create_item(store: &Store, item: Item) -> AppResult<Item> {
    let actions = item_change_actions(store, None, &item)?;
    match store.transact(actions).await {
        Ok(()) => Ok(item),
        Err(StoreError::TransactionCanceled(reasons))
            if reasons.first().and_then(|r| r.as_deref()) == Some("ConditionalCheckFailed") =>
        {
            Err(AppError::conflict(
                "item-exists",
                format!("an item with SKU {} already exists", item.sku),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Applies a patch (422 naming the field when invalid; 409 `item-changed` when someone else
/// changed the item meanwhile, so nothing is lost silently).
pub async fn update_item(store: &Store, sku: &Sku, patch: &ItemPatch) -> AppResult<Item> {
    let current = get_stored(store, sku).await?.ok_or(AppError::NotFound)?;
    let updated = patch
        .apply(&current.item, &now_rfc3339())
        .map_err(AppError::Validation)?;
    let actions = item_change_actions(store, Some(&current), &updated)?;
    match store.transact(actions).await {
        Ok(()) => Ok(updated),
        Err(StoreError::TransactionCanceled(reasons))
            if reasons.first().and_then(|r| r.as_deref()) == Some("ConditionalCheckFailed") =>
        {
            Err(AppError::conflict(
                "item-changed",
                "the item was changed by someone else meanwhile; reload it and try again",
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Staff listing by name: active items, or the inactive ones.
pub async fn list_items(
    store: &Store,
    active: bool,
    cursor: Option<String>,
    limit: i32,
) -> AppResult<store::Page<Item>> {
    let pk = if active {
        keys::ITEMS_INDEX_PK
    } else {
        keys::INACTIVE_ITEMS_INDEX_PK
    };
    if let Some(c) = &cursor {
        if store::decode_cursor(c).is_none() {
            return Err(AppError::invalid(
                "cursor",
                "is not a cursor this list gave",
            ));
        }
    }
    let spec = store::QuerySpec::index(keys::GSI1, pk)
        .limit(limit)
        .cursor(cursor);
    store.query(spec).await.map_err(|e| match e {
        StoreError::Other(msg) if msg.contains("ValidationException") => {
            AppError::invalid("cursor", "is not a cursor this list gave")
        }
        other => other.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn item(active: bool, item_type: &str, brand: &str) -> Item {
        Item {
            sku: Sku::parse("A-1").unwrap(),
            name: "Taladro Percutor".into(),
            description: String::new(),
            item_type: item_type.into(),
            brand: brand.into(),
            unit: "piece".into(),
            images: vec![],
            tax_rate: Decimal::ZERO,
            active,
            erp_key: None,
            version: None,
            updated_at: "t".into(),
        }
    }

    #[test]
    fn inactive_items_leave_the_storefront_indexes() {
        let keys = item_keys(&item(false, "Tools", "Bosch"));
        assert_eq!(keys.gsi1.unwrap().0, "ITEMS#INACTIVE");
        assert!(keys.gsi2.is_none() && keys.gsi3.is_none());
        assert!(search_words(&item(false, "Tools", "Bosch")).is_empty());
        let keys = item_keys(&item(true, "Power Tools", "Bosch"));
        assert_eq!(
            keys.gsi1,
            Some(("ITEMS".into(), "taladro percutor#A-1".into()))
        );
        assert_eq!(keys.gsi2.unwrap().0, "TYPE#power-tools");
        assert_eq!(
            keys.gsi3,
            Some((
                "BRAND#bosch".into(),
                "power-tools#taladro percutor#A-1".into()
            ))
        );
    }

    #[test]
    fn facet_deltas_net_out() {
        let mut deltas = FacetDeltas::default();
        let a = item(true, "Tools", "Bosch");
        deltas.record(Some(&a), Some(&a));
        assert_eq!(deltas.changes().count(), 0);
        let b = item(true, "Paint", "Bosch");
        deltas.record(Some(&a), Some(&b));
        let changes: Vec<_> = deltas
            .changes()
            .map(|(k, d, _, _)| (k.type_key.clone(), d))
            .collect();
        assert_eq!(changes, vec![("paint".into(), 1), ("tools".into(), -1)]);
        let mut deltas = FacetDeltas::default();
        deltas.record(Some(&a), Some(&item(false, "Tools", "Bosch")));
        assert_eq!(deltas.changes().next().unwrap().1, -1);
    }
}
