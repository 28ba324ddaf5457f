//! The DynamoDB store: one table, keys from [`keys`], items (de)serialised with `serde_dynamo`.
//! Entities never carry their keys; [`item`] adds them when writing and reads ignore them.

pub mod counter;
pub mod keys;
pub mod schema;

use std::collections::HashMap;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use aws_sdk_dynamodb::Client;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub use keys::Keys;

pub type Item = HashMap<String, AttributeValue>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("condition failed")]
    ConditionFailed,
    /// A transaction was cancelled; one entry per action, `Some(code)` where that action failed
    /// (`ConditionalCheckFailed`, `TransactionConflict`, ...).
    #[error("transaction cancelled: {0:?}")]
    TransactionCanceled(Vec<Option<String>>),
    #[error("DynamoDB unavailable: {0}")]
    Unavailable(String),
    #[error("DynamoDB error: {0}")]
    Other(String),
    #[error("item (de)serialisation: {0}")]
    Serde(String),
}

impl StoreError {
    fn from_sdk<E, R>(err: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        match &err {
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
                StoreError::Unavailable(format!("{err:?}"))
            }
            SdkError::ServiceError(service) => {
                let e = service.err();
                match e.code() {
                    Some("ConditionalCheckFailedException") => StoreError::ConditionFailed,
                    Some(
                        "ProvisionedThroughputExceededException"
                        | "ThrottlingException"
                        | "RequestLimitExceeded"
                        | "InternalServerError",
                    ) => StoreError::Unavailable(format!("{e}")),
                    _ => StoreError::Other(format!("{}: {}", e.code().unwrap_or("?"), e)),
                }
            }
            _ => StoreError::Other(format!("{err:?}")),
        }
    }
}

/// Serialises an entity and adds its keys.
pub fn item<T: Serialize>(keys: &Keys, entity: &T) -> Result<Item, StoreError> {
    let mut item: Item =
        serde_dynamo::to_item(entity).map_err(|e| StoreError::Serde(e.to_string()))?;
    item.insert(keys::PK.into(), s(&keys.pk));
    item.insert(keys::SK.into(), s(&keys.sk));
    for (slot, (_, pk_attr, sk_attr)) in [&keys.gsi1, &keys.gsi2, &keys.gsi3]
        .into_iter()
        .zip(schema::INDEXES)
    {
        if let Some((pk, sk)) = slot {
            item.insert(pk_attr.into(), s(pk));
            item.insert(sk_attr.into(), s(sk));
        }
    }
    if let Some(ttl) = keys.ttl {
        item.insert(keys::TTL.into(), AttributeValue::N(ttl.to_string()));
    }
    Ok(item)
}

pub fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, StoreError> {
    serde_dynamo::from_item(item).map_err(|e| StoreError::Serde(e.to_string()))
}

pub fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_string())
}

pub fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

pub fn key_of(pk: &str, sk: &str) -> Item {
    HashMap::from([(keys::PK.into(), s(pk)), (keys::SK.into(), s(sk))])
}

/// The `#name` and `:value` placeholders of an expression as the SDK takes them; `None` when
/// there are none (DynamoDB refuses an empty map).
fn expression_maps(
    names: &[(&str, &str)],
    values: Vec<(&str, AttributeValue)>,
) -> (Option<HashMap<String, String>>, Option<Item>) {
    let names: HashMap<String, String> = names
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let values: Item = values
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    (
        (!names.is_empty()).then_some(names),
        (!values.is_empty()).then_some(values),
    )
}

/// One page of a query and the opaque cursor of the next one.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// What to query: a partition of the table or of an index, optionally narrowed by sort key.
#[derive(Debug, Clone, Default)]
pub struct QuerySpec {
    pub index: Option<&'static str>,
    pub pk: String,
    pub sk_prefix: Option<String>,
    /// Inclusive sort-key range, for time windows.
    pub sk_between: Option<(String, String)>,
    pub limit: Option<i32>,
    pub cursor: Option<String>,
    pub newest_first: bool,
}

impl QuerySpec {
    pub fn partition(pk: impl Into<String>) -> Self {
        Self {
            pk: pk.into(),
            ..Default::default()
        }
    }
    pub fn index(index: &'static str, pk: impl Into<String>) -> Self {
        Self {
            index: Some(index),
            pk: pk.into(),
            ..Default::default()
        }
    }
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.sk_prefix = Some(prefix.into());
        self
    }
    pub fn limit(mut self, limit: i32) -> Self {
        self.limit = Some(limit);
        self
    }
    pub fn cursor(mut self, cursor: Option<String>) -> Self {
        self.cursor = cursor;
        self
    }
    pub fn newest_first(mut self) -> Self {
        self.newest_first = true;
        self
    }
}

/// Cursors are the `LastEvaluatedKey` (string attributes only), base64url JSON.
pub fn encode_cursor(key: &Item) -> String {
    let map: HashMap<&str, &str> = key
        .iter()
        .filter_map(|(k, v)| v.as_s().ok().map(|v| (k.as_str(), v.as_str())))
        .collect();
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(&map).unwrap_or_default())
}

pub fn decode_cursor(cursor: &str) -> Option<Item> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    let map: HashMap<String, String> = serde_json::from_slice(&bytes).ok()?;
    Some(map.into_iter().map(|(k, v)| (k, s(&v))).collect())
}

#[derive(Clone, Debug)]
pub struct Store {
    client: Client,
    table: String,
}

impl Store {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    pub async fn get_item(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_of(pk, sk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::from_sdk)?;
        Ok(out.item)
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        pk: &str,
        sk: &str,
    ) -> Result<Option<T>, StoreError> {
        self.get_item(pk, sk).await?.map(from_item).transpose()
    }

    /// Writes (or replaces) an item.
    pub async fn put<T: Serialize>(&self, keys: &Keys, entity: &T) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item(keys, entity)?))
            .send()
            .await
            .map_err(StoreError::from_sdk)?;
        Ok(())
    }

    /// Writes an item only if no item has its key yet (`ConditionFailed` otherwise).
    pub async fn put_new<T: Serialize>(&self, keys: &Keys, entity: &T) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item(keys, entity)?))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await
            .map_err(StoreError::from_sdk)?;
        Ok(())
    }

    /// Writes an item when `condition` holds on the stored one (`ConditionFailed` otherwise).
    pub async fn put_if<T: Serialize>(
        &self,
        keys: &Keys,
        entity: &T,
        condition: &str,
        names: &[(&str, &str)],
        values: Vec<(&str, AttributeValue)>,
    ) -> Result<(), StoreError> {
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item(keys, entity)?))
            .condition_expression(condition);
        let (names, values) = expression_maps(names, values);
        put = put
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values);
        put.send().await.map_err(StoreError::from_sdk)?;
        Ok(())
    }

    /// Deletes an item when `condition` holds (`ConditionFailed` otherwise).
    pub async fn delete_if(
        &self,
        pk: &str,
        sk: &str,
        condition: &str,
        names: &[(&str, &str)],
        values: Vec<(&str, AttributeValue)>,
    ) -> Result<(), StoreError> {
        let mut delete = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_of(pk, sk)))
            .condition_expression(condition);
        let (names, values) = expression_maps(names, values);
        delete = delete
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values);
        delete.send().await.map_err(StoreError::from_sdk)?;
        Ok(())
    }

    pub async fn delete(&self, pk: &str, sk: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_of(pk, sk)))
            .send()
            .await
            .map_err(StoreError::from_sdk)?;
        Ok(())
    }

    /// One page of a query.
    pub async fn query<T: DeserializeOwned>(&self, spec: QuerySpec) -> Result<Page<T>, StoreError> {
        let (items, next) = self.query_items(&spec).await?;
        Ok(Page {
            items: items.into_iter().map(from_item).collect::<Result<_, _>>()?,
            next_cursor: next,
        })
    }

    /// Every item of a query, following pages (for small partitions only).
    pub async fn query_all<T: DeserializeOwned>(
        &self,
        mut spec: QuerySpec,
    ) -> Result<Vec<T>, StoreError> {
        let mut all = Vec::new();
        loop {
            let (items, next) = self.query_items(&spec).await?;
            for item in items {
                all.push(from_item(item)?);
            }
            match next {
                Some(cursor) => spec.cursor = Some(cursor),
                None => return Ok(all),
            }
        }
    }

    pub async fn query_items(
        &self,
        spec: &QuerySpec,
    ) -> Result<(Vec<Item>, Option<String>), StoreError> {
        let (pk_attr, sk_attr) = match spec.index {
            None => (keys::PK.to_string(), keys::SK.to_string()),
            Some(index) => {
                let (_, pk, sk) = schema::INDEXES
                    .into_iter()
                    .find(|(name, _, _)| *name == index)
                    .ok_or_else(|| StoreError::Other(format!("unknown index {index}")))?;
                (pk.to_string(), sk.to_string())
            }
        };
        let mut condition = "#pk = :pk".to_string();
        let mut req = self
            .client
            .query()
            .table_name(&self.table)
            .set_index_name(spec.index.map(str::to_string))
            .expression_attribute_names("#pk", pk_attr)
            .expression_attribute_values(":pk", s(&spec.pk))
            .scan_index_forward(!spec.newest_first)
            .set_limit(spec.limit);
        if let Some(prefix) = &spec.sk_prefix {
            condition.push_str(" AND begins_with(#sk, :sk)");
            req = req
                .expression_attribute_names("#sk", sk_attr.clone())
                .expression_attribute_values(":sk", s(prefix));
        } else if let Some((from, to)) = &spec.sk_between {
            condition.push_str(" AND #sk BETWEEN :from AND :to");
            req = req
                .expression_attribute_names("#sk", sk_attr.clone())
                .expression_attribute_values(":from", s(from))
                .expression_attribute_values(":to", s(to));
        }
        if let Some(cursor) = &spec.cursor {
            let start = decode_cursor(cursor).ok_or(StoreError::Other("bad cursor".into()))?;
            req = req.set_exclusive_start_key(Some(start));
        }
        let out = req
            .key_condition_expression(condition)
            .send()
            .await
            .map_err(StoreError::from_sdk)?;
        let next = out.last_evaluated_key.as_ref().map(encode_cursor);
        Ok((out.items.unwrap_or_default(), next))
    }

    /// Reads many items by key in as few requests as DynamoDB allows (100 keys each), retrying
    /// unprocessed keys. Missing items are simply absent from the answer.
    pub async fn batch_get_items(
        &self,
        keys: Vec<(String, String)>,
    ) -> Result<Vec<Item>, StoreError> {
        use aws_sdk_dynamodb::types::KeysAndAttributes;
        let mut found = Vec::with_capacity(keys.len());
        let mut unique = keys;
        unique.sort();
        unique.dedup();
        for chunk in unique.chunks(100) {
            let mut pending = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(chunk.iter().map(|(pk, sk)| key_of(pk, sk)).collect()))
                    .consistent_read(true)
                    .build()
                    .map_err(|e| StoreError::Other(e.to_string()))?,
            );
            let mut attempt = 0u32;
            while let Some(request) = pending.take() {
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(StoreError::from_sdk)?;
                if let Some(mut responses) = out.responses {
                    found.extend(responses.remove(&self.table).unwrap_or_default());
                }
                pending = out
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(&self.table))
                    .filter(|k| !k.keys.is_empty());
                if pending.is_some() {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(20 << attempt.min(6)))
                        .await;
                }
            }
        }
        Ok(found)
    }

    /// [`Self::batch_get_items`] over any number of keys (bulk imports, ERP batches): the
    /// unique keys in requests of 100, `concurrency` requests in flight at once.
    pub async fn batch_get_many(
        &self,
        keys: Vec<(String, String)>,
        concurrency: usize,
    ) -> Result<Vec<Item>, StoreError> {
        let mut unique = keys;
        unique.sort();
        unique.dedup();
        let mut pending = unique
            .chunks(100)
            .map(<[_]>::to_vec)
            .collect::<Vec<_>>()
            .into_iter();
        let mut found = Vec::with_capacity(unique.len());
        let mut running = tokio::task::JoinSet::new();
        loop {
            while running.len() < concurrency.max(1) {
                let Some(chunk) = pending.next() else { break };
                let store = self.clone();
                running.spawn(crate::aws_ops::inherit(async move {
                    store.batch_get_items(chunk).await
                }));
            }
            match running.join_next().await {
                None => return Ok(found),
                Some(Ok(result)) => found.extend(result?),
                Some(Err(e)) => return Err(StoreError::Other(e.to_string())),
            }
        }
    }

    /// Runs one transaction: all actions happen or none.
    pub async fn transact(&self, actions: Vec<TransactWriteItem>) -> Result<(), StoreError> {
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(actions))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(service)) => {
                let err = service.into_err();
                if let aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(c) = &err {
                    let reasons = c
                        .cancellation_reasons()
                        .iter()
                        .map(|r| r.code().filter(|c| *c != "None").map(str::to_string))
                        .collect();
                    return Err(StoreError::TransactionCanceled(reasons));
                }
                Err(StoreError::Other(format!(
                    "{}: {err}",
                    err.code().unwrap_or("?")
                )))
            }
            Err(other) => Err(StoreError::from_sdk(other)),
        }
    }

    // Builders of transaction actions, so callers never repeat the table name.

    pub fn tx_put<T: Serialize>(
        &self,
        keys: &Keys,
        entity: &T,
    ) -> Result<TransactWriteItem, StoreError> {
        self.tx_put_if(keys, entity, None)
    }

    pub fn tx_put_new<T: Serialize>(
        &self,
        keys: &Keys,
        entity: &T,
    ) -> Result<TransactWriteItem, StoreError> {
        self.tx_put_if(keys, entity, Some("attribute_not_exists(PK)"))
    }

    pub fn tx_put_if<T: Serialize>(
        &self,
        keys: &Keys,
        entity: &T,
        condition: Option<&str>,
    ) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item(keys, entity)?))
            .set_condition_expression(condition.map(str::to_string))
            .build()
            .map_err(|e| StoreError::Other(e.to_string()))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    pub fn tx_delete(
        &self,
        pk: &str,
        sk: &str,
        condition: Option<&str>,
    ) -> Result<TransactWriteItem, StoreError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key_of(pk, sk)))
            .set_condition_expression(condition.map(str::to_string))
            .build()
            .map_err(|e| StoreError::Other(e.to_string()))?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    /// A single conditional UpdateItem (outside a transaction, so parallel callers on one item
    /// are serialised by DynamoDB instead of cancelling each other); a failed condition is
    /// [`StoreError::ConditionFailed`].
    pub async fn update(
        &self,
        pk: &str,
        sk: &str,
        update_expression: &str,
        condition: Option<&str>,
        names: &[(&str, &str)],
        values: Vec<(&str, AttributeValue)>,
    ) -> Result<(), StoreError> {
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_of(pk, sk)))
            .update_expression(update_expression)
            .set_condition_expression(condition.map(str::to_string));
        let (names, values) = expression_maps(names, values);
        req = req
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values);
        req.send().await.map_err(StoreError::from_sdk)?;
        Ok(())
    }

    /// An update with its own expression, names and values.
    pub fn tx_update(
        &self,
        pk: &str,
        sk: &str,
        update_expression: &str,
        condition: Option<&str>,
        names: &[(&str, &str)],
        values: Vec<(&str, AttributeValue)>,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key_of(pk, sk)))
            .update_expression(update_expression)
            .set_condition_expression(condition.map(str::to_string));
        let (names, values) = expression_maps(names, values);
        update = update
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values);
        let update = update
            .build()
            .map_err(|e| StoreError::Other(e.to_string()))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// A condition on an item that the transaction does not change.
    pub fn tx_check(
        &self,
        pk: &str,
        sk: &str,
        condition: &str,
        names: &[(&str, &str)],
        values: Vec<(&str, AttributeValue)>,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut check = aws_sdk_dynamodb::types::ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key_of(pk, sk)))
            .condition_expression(condition);
        let (names, values) = expression_maps(names, values);
        check = check
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values);
        let check = check
            .build()
            .map_err(|e| StoreError::Other(e.to_string()))?;
        Ok(TransactWriteItem::builder().condition_check(check).build())
    }

    /// Whether the table answers (for `/v1/health`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.client
            .describe_table()
            .table_name(&self.table)
            .send()
            .await
            .map_err(StoreError::from_sdk)?;
        Ok(())
    }
}
