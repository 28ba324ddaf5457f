//! The customer profile (F3): create, read, update and list, with tag membership kept in the
//! same transaction as the profile (F11) and staff scoping (agents see only their customers).

use std::collections::BTreeSet;

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use super::model::*;
use crate::auth::{Principal, StaffRole};
use crate::error::{AppError, AppResult, FieldError};
use crate::store::{self, keys, Item, Keys, QuerySpec, Store, StoreError};
use crate::types::{new_id, now_rfc3339, Email, Language, Name, Phone, Tag};

/// Most tags one customer carries (each is a membership item written with the profile).
pub const MAX_TAGS: usize = 20;
pub const MAX_ADDRESSES: usize = 20;
pub const MAX_WAREHOUSES: usize = 50;

/// The keys of a customer's profile item: by status and name on GSI1, under its agent on GSI2.
/// Largest credit limit or open-orders cap, as for the ERP's amounts: the credit checks add
/// and subtract these with unpaid documents and open orders, which must not overflow.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

pub fn customer_keys(c: &Customer) -> Keys {
    let mut k = Keys::new(keys::customer_pk(&c.id), keys::CUSTOMER_PROFILE_SK).gsi1(
        keys::CUSTOMERS_INDEX_PK,
        keys::customer_status_sk(c.status.as_str(), c.name.as_str(), &c.id),
    );
    if let Some(agent) = &c.agent_id {
        k = k.gsi2(
            keys::agent_pk(agent),
            keys::agent_customer_sk(c.name.as_str(), &c.id),
        );
    }
    k
}

/// A tag membership item (`TAG#<tag>` / `CUST#<id>`): lists the customers of a tag.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TagMember {
    pub tag: Tag,
    pub customer_id: String,
}

fn tag_keys(tag: &Tag, customer_id: &str) -> Keys {
    Keys::new(keys::tag_pk(tag.as_str()), keys::customer_pk(customer_id))
}

/// A transactional put with a condition that needs values (the store's builder takes none).
pub(crate) fn tx_put_cond<T: Serialize>(
    store: &Store,
    keys: &Keys,
    entity: &T,
    condition: &str,
    names: &[(&str, &str)],
    values: Vec<(&str, AttributeValue)>,
) -> Result<TransactWriteItem, StoreError> {
    let mut put = Put::builder()
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

/// Whether a cancelled transaction failed on the action at `index` because of its condition.
pub(crate) fn condition_failed_at(err: &StoreError, index: usize) -> bool {
    match err {
        StoreError::TransactionCanceled(reasons) => reasons
            .get(index)
            .is_some_and(|r| r.as_deref() == Some("ConditionalCheckFailed")),
        StoreError::ConditionFailed => true,
        _ => false,
    }
}

/// Whether a transaction was cancelled by any failed condition (not by a conflict or outage).
pub(crate) fn any_condition_failed(err: &StoreError) -> bool {
    match err {
        StoreError::TransactionCanceled(reasons) => reasons
            .iter()
            .any(|r| r.as_deref() == Some("ConditionalCheckFailed")),
        StoreError::ConditionFailed => true,
        _ => false,
    }
}

pub(crate) fn concurrent_change() -> AppError {
    AppError::conflict(
        "concurrent-change",
        "the customer changed while this request was handled; read it again and retry",
    )
}

pub async fn get(store: &Store, id: &str) -> Result<Option<Customer>, StoreError> {
    store
        .get(&keys::customer_pk(id), keys::CUSTOMER_PROFILE_SK)
        .await
}

/// The customer, if this staff member may manage it: admins any, agents only their own.
/// Anything else (missing, someone else's, a contact's token) is a 404.
pub async fn load_for_staff(store: &Store, principal: &Principal, id: &str) -> AppResult<Customer> {
    principal.require_staff()?;
    let customer = get(store, id).await?.ok_or(AppError::NotFound)?;
    principal.ensure_can_manage(customer.agent_id.as_deref())?;
    Ok(customer)
}

/// Deserialises a field that may be absent (no change), `null` (clear it) or a value.
pub(crate) fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    de: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(de).map(Some)
}

/// Deserialises an enum field through a JSON value first, so a value of the wrong JSON type
/// (`{"status": 1}`) is a type error naming the field: serde_json reports it as a syntax error
/// of the whole body otherwise.
pub(crate) fn via_value<'de, T: serde::de::DeserializeOwned, D: Deserializer<'de>>(
    de: D,
) -> Result<T, D::Error> {
    let value = serde_json::Value::deserialize(de)?;
    T::deserialize(value).map_err(serde::de::Error::custom)
}

/// [`via_value`] for optional fields (with `#[serde(default)]`): `null` is `None`.
pub(crate) fn opt_via_value<'de, T: serde::de::DeserializeOwned, D: Deserializer<'de>>(
    de: D,
) -> Result<Option<T>, D::Error> {
    match serde_json::Value::deserialize(de)? {
        serde_json::Value::Null => Ok(None),
        value => T::deserialize(value)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

/// [`via_value`] for fields where absent, `null` and a value differ.
pub(crate) fn present_via_value<'de, T: serde::de::DeserializeOwned, D: Deserializer<'de>>(
    de: D,
) -> Result<Option<Option<T>>, D::Error> {
    opt_via_value(de).map(Some)
}

/// An address as staff send it; the id is kept when given, generated otherwise.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(deserialize_with = "via_value")]
    pub kind: AddressKind,
    #[serde(default)]
    pub is_default: bool,
    pub line1: Name,
    #[serde(default)]
    pub line2: Option<Name>,
    pub city: Name,
    #[serde(default)]
    pub state: Option<Name>,
    pub postal_code: Name,
    /// ISO 3166-1 alpha-2, e.g. `MX`.
    pub country: Name,
}

/// Changes to a customer profile (F3). Absent fields stay as they are; `null` clears a field.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerPatch {
    #[serde(default)]
    pub name: Option<Name>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub legal_name: Option<Option<Name>>,
    #[serde(default)]
    pub tax_id: Option<Name>,
    #[serde(default)]
    pub email: Option<Email>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<Phone>>,
    #[serde(default, deserialize_with = "opt_via_value")]
    pub language: Option<Language>,
    #[serde(default)]
    pub addresses: Option<Vec<AddressInput>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub shipping_method: Option<Option<Name>>,
    /// Admins only (a commercial term).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<CreditSetting>)]
    pub credit: Option<Option<CreditSetting>>,
    /// Admins only (a commercial term).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub price_list_id: Option<Option<String>>,
    #[serde(default)]
    pub warehouse_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub default_warehouse_id: Option<Option<String>>,
    /// Admins only (a commercial term).
    #[serde(default)]
    pub catalog_access: Option<CatalogAccess>,
    /// Admins only (a commercial term).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub open_orders_cap: Option<Option<Decimal>>,
    /// Admins only (a commercial term).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub discount_percent: Option<Option<Decimal>>,
    #[serde(default)]
    pub tags: Option<Vec<Tag>>,
    /// Admins only.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub agent_id: Option<Option<String>>,
}

/// A customer created by staff: identity fields, then any profile field of [`CustomerPatch`].
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    pub name: Name,
    pub tax_id: Name,
    pub email: Email,
    /// Defaults to `active`.
    #[serde(default, deserialize_with = "opt_via_value")]
    pub status: Option<CustomerStatus>,
    #[serde(default)]
    pub legal_name: Option<Name>,
    #[serde(default)]
    pub phone: Option<Phone>,
    #[serde(default, deserialize_with = "opt_via_value")]
    pub language: Option<Language>,
    #[serde(default)]
    pub addresses: Option<Vec<AddressInput>>,
    #[serde(default)]
    pub shipping_method: Option<Name>,
    #[serde(default)]
    pub credit: Option<CreditSetting>,
    #[serde(default)]
    pub price_list_id: Option<String>,
    #[serde(default)]
    pub warehouse_ids: Option<Vec<String>>,
    #[serde(default)]
    pub default_warehouse_id: Option<String>,
    #[serde(default)]
    pub catalog_access: Option<CatalogAccess>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub open_orders_cap: Option<Decimal>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub discount_percent: Option<Decimal>,
    #[serde(default)]
    pub tags: Option<Vec<Tag>>,
    #[serde(default)]
    pub agent_id: Option<String>,
}

impl NewCustomer {
    fn into_parts(self) -> (Customer, CustomerPatch) {
        let customer = Customer::new(
            &new_id(),
            self.status.unwrap_or(CustomerStatus::Active),
            self.name,
            self.tax_id,
            self.email,
        );
        let patch = CustomerPatch {
            legal_name: self.legal_name.map(Some),
            phone: self.phone.map(Some),
            language: self.language,
            addresses: self.addresses,
            shipping_method: self.shipping_method.map(Some),
            credit: self.credit.map(Some),
            price_list_id: self.price_list_id.map(Some),
            warehouse_ids: self.warehouse_ids,
            default_warehouse_id: self.default_warehouse_id.map(Some),
            catalog_access: self.catalog_access,
            open_orders_cap: self.open_orders_cap.map(Some),
            discount_percent: self.discount_percent.map(Some),
            tags: self.tags,
            agent_id: self.agent_id.map(Some),
            ..Default::default()
        };
        (customer, patch)
    }
}

/// Things a patch points at that must exist: checked with one BatchGet.
#[derive(Debug, Default)]
struct References {
    price_list: Option<String>,
    warehouses: Vec<String>,
    agent: Option<String>,
}

fn id_is_valid(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn is_currency(code: &str) -> bool {
    code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase())
}

/// Applies a patch to a customer, checking every field's own rules (pure). Returns the
/// references to verify, or every invalid field at once.
fn apply(patch: CustomerPatch, c: &mut Customer) -> Result<References, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut refs = References::default();
    if let Some(name) = patch.name {
        c.name = name;
    }
    if let Some(legal_name) = patch.legal_name {
        c.legal_name = legal_name.map(String::from);
    }
    if let Some(tax_id) = patch.tax_id {
        c.tax_id = tax_id;
    }
    if let Some(email) = patch.email {
        c.email = email;
    }
    if let Some(phone) = patch.phone {
        c.phone = phone;
    }
    if let Some(language) = patch.language {
        c.language = language;
    }
    if let Some(addresses) = patch.addresses {
        if addresses.len() > MAX_ADDRESSES {
            errors.push(FieldError::new(
                "addresses",
                format!("at most {MAX_ADDRESSES} addresses"),
            ));
        }
        let defaults = addresses.iter().filter(|a| a.is_default).count();
        if defaults > 1 {
            errors.push(FieldError::new(
                "addresses",
                "at most one address may be the default",
            ));
        }
        let mut out: Vec<Address> = addresses
            .into_iter()
            .map(|a| Address {
                id: a.id.filter(|id| id_is_valid(id)).unwrap_or_else(new_id),
                kind: a.kind,
                is_default: a.is_default,
                line1: a.line1,
                line2: a.line2.map(String::from),
                city: a.city,
                state: a.state.map(String::from),
                postal_code: a.postal_code,
                country: a.country,
            })
            .collect();
        // One default always: the first address when none is marked.
        if defaults == 0 {
            if let Some(first) = out.first_mut() {
                first.is_default = true;
            }
        }
        c.addresses = out;
    }
    if let Some(method) = patch.shipping_method {
        c.shipping_method = method.map(String::from);
    }
    if let Some(credit) = patch.credit {
        if let Some(credit) = &credit {
            if credit.limit.is_sign_negative() {
                errors.push(FieldError::new("credit.limit", "must not be negative"));
            }
            if credit.limit > Decimal::from(MAX_AMOUNT) {
                errors.push(FieldError::new(
                    "credit.limit",
                    format!("must be at most {MAX_AMOUNT}"),
                ));
            }
            if !is_currency(&credit.currency) {
                errors.push(FieldError::new(
                    "credit.currency",
                    "must be an ISO 4217 code such as MXN",
                ));
            }
            if credit.credit_days > 365 {
                errors.push(FieldError::new("credit.credit_days", "must be at most 365"));
            }
            if credit.terms == PaymentTerms::Credit && credit.credit_days == 0 {
                errors.push(FieldError::new(
                    "credit.credit_days",
                    "must be at least 1 for CREDIT terms",
                ));
            }
        }
        c.credit = credit;
    }
    if let Some(price_list_id) = patch.price_list_id {
        if let Some(id) = &price_list_id {
            if id_is_valid(id) {
                refs.price_list = Some(id.clone());
            } else {
                errors.push(FieldError::new("price_list_id", "is not a valid id"));
            }
        }
        c.price_list_id = price_list_id;
    }
    if let Some(warehouse_ids) = patch.warehouse_ids {
        let mut seen = BTreeSet::new();
        for (i, id) in warehouse_ids.iter().enumerate() {
            if !id_is_valid(id) {
                errors.push(FieldError::new(
                    format!("warehouse_ids[{i}]"),
                    "is not a valid id",
                ));
            } else if !seen.insert(id.clone()) {
                errors.push(FieldError::new(
                    format!("warehouse_ids[{i}]"),
                    "is repeated",
                ));
            }
        }
        if warehouse_ids.len() > MAX_WAREHOUSES {
            errors.push(FieldError::new(
                "warehouse_ids",
                format!("at most {MAX_WAREHOUSES} warehouses"),
            ));
        }
        refs.warehouses = warehouse_ids.clone();
        c.warehouse_ids = warehouse_ids;
    }
    if let Some(default) = patch.default_warehouse_id {
        c.default_warehouse_id = default;
    }
    // The default warehouse is one of the customer's; the first one when none is chosen.
    match &c.default_warehouse_id {
        Some(d) if !c.warehouse_ids.contains(d) => errors.push(FieldError::new(
            "default_warehouse_id",
            "must be one of warehouse_ids",
        )),
        None => c.default_warehouse_id = c.warehouse_ids.first().cloned(),
        _ => {}
    }
    if let Some(access) = patch.catalog_access {
        match &access {
            CatalogAccess::Types { types } if types.is_empty() => errors.push(FieldError::new(
                "catalog_access.types",
                "must list at least one type",
            )),
            CatalogAccess::Items { skus } if skus.is_empty() => errors.push(FieldError::new(
                "catalog_access.skus",
                "must list at least one SKU",
            )),
            _ => {}
        }
        c.catalog_access = access;
    }
    if let Some(cap) = patch.open_orders_cap {
        if cap.is_some_and(|v| v.is_sign_negative()) {
            errors.push(FieldError::new("open_orders_cap", "must not be negative"));
        }
        if cap.is_some_and(|v| v > Decimal::from(MAX_AMOUNT)) {
            errors.push(FieldError::new(
                "open_orders_cap",
                format!("must be at most {MAX_AMOUNT}"),
            ));
        }
        c.open_orders_cap = cap;
    }
    if let Some(discount) = patch.discount_percent {
        if discount.is_some_and(|d| d < Decimal::ZERO || d > Decimal::ONE_HUNDRED) {
            errors.push(FieldError::new(
                "discount_percent",
                "must be between 0 and 100",
            ));
        }
        c.discount_percent = discount;
    }
    if let Some(tags) = patch.tags {
        let unique: BTreeSet<Tag> = tags.into_iter().collect();
        if unique.len() > MAX_TAGS {
            errors.push(FieldError::new("tags", format!("at most {MAX_TAGS} tags")));
        }
        c.tags = unique.into_iter().collect();
    }
    if let Some(agent_id) = patch.agent_id {
        if let Some(id) = &agent_id {
            if id_is_valid(id) {
                refs.agent = Some(id.clone());
            } else {
                errors.push(FieldError::new("agent_id", "is not a valid id"));
            }
        }
        c.agent_id = agent_id;
    }
    if errors.is_empty() {
        Ok(refs)
    } else {
        Err(errors)
    }
}

/// Checks that the price list, warehouses and agent a patch names exist (one BatchGet).
async fn verify_references(store: &Store, refs: &References) -> AppResult<()> {
    let mut wanted = Vec::new();
    if let Some(pl) = &refs.price_list {
        wanted.push((keys::price_list_pk(pl), keys::META_SK.to_string()));
    }
    for wh in &refs.warehouses {
        wanted.push((keys::warehouse_pk(wh), keys::META_SK.to_string()));
    }
    if let Some(agent) = &refs.agent {
        wanted.push((keys::staff_pk(agent), keys::STAFF_SK.to_string()));
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let found = store.batch_get_items(wanted).await?;
    let has = |pk: &str, item_check: &dyn Fn(&Item) -> bool| {
        found.iter().any(|item| {
            item.get(keys::PK)
                .and_then(|v| v.as_s().ok())
                .map(String::as_str)
                == Some(pk)
                && item_check(item)
        })
    };
    let mut errors = Vec::new();
    if let Some(pl) = &refs.price_list {
        if !has(&keys::price_list_pk(pl), &|_| true) {
            errors.push(FieldError::new("price_list_id", "no such price list"));
        }
    }
    for (i, wh) in refs.warehouses.iter().enumerate() {
        if !has(&keys::warehouse_pk(wh), &|_| true) {
            errors.push(FieldError::new(
                format!("warehouse_ids[{i}]"),
                "no such warehouse",
            ));
        }
    }
    if let Some(agent) = &refs.agent {
        // An agent is an active staff user with the agent role.
        let is_agent = |item: &Item| {
            item.get("role")
                .and_then(|v| v.as_s().ok())
                .map(String::as_str)
                == Some("agent")
                && item.get("active").and_then(|v| v.as_bool().ok()) == Some(&true)
        };
        if !has(&keys::staff_pk(agent), &is_agent) {
            errors.push(FieldError::new("agent_id", "no such active agent"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// The transaction actions that move tag memberships from `before` to `after`.
fn tag_actions(
    store: &Store,
    customer_id: &str,
    before: &[Tag],
    after: &[Tag],
) -> Result<Vec<TransactWriteItem>, StoreError> {
    let mut actions = Vec::new();
    for tag in before.iter().filter(|t| !after.contains(t)) {
        let k = tag_keys(tag, customer_id);
        actions.push(store.tx_delete(&k.pk, &k.sk, None)?);
    }
    for tag in after.iter().filter(|t| !before.contains(t)) {
        actions.push(store.tx_put(
            &tag_keys(tag, customer_id),
            &TagMember {
                tag: tag.clone(),
                customer_id: customer_id.to_string(),
            },
        )?);
    }
    Ok(actions)
}

/// The actions that write a new customer and its tag memberships (used by approval too).
pub(crate) fn create_actions(
    store: &Store,
    customer: &Customer,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    let mut actions = vec![store.tx_put_new(&customer_keys(customer), customer)?];
    actions.extend(tag_actions(store, &customer.id, &[], &customer.tags)?);
    Ok(actions)
}

/// The actions that replace a customer read at `previous_updated_at` (optimistic concurrency:
/// the write fails if anything changed it since), with its tag memberships.
pub(crate) fn replace_actions(
    store: &Store,
    before: &Customer,
    after: &Customer,
    extra_condition: Option<(&str, Vec<(&str, AttributeValue)>)>,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    let mut condition = "updated_at = :previous_updated_at".to_string();
    let mut values = vec![(":previous_updated_at", store::s(&before.updated_at))];
    if let Some((extra, extra_values)) = extra_condition {
        condition = format!("{condition} AND ({extra})");
        values.extend(extra_values);
    }
    let mut actions = vec![tx_put_cond(
        store,
        &customer_keys(after),
        after,
        &condition,
        &[],
        values,
    )?];
    actions.extend(tag_actions(store, &after.id, &before.tags, &after.tags)?);
    Ok(actions)
}

/// F3: staff (admins) create a customer.
pub async fn create(
    store: &Store,
    principal: &Principal,
    input: NewCustomer,
) -> AppResult<Customer> {
    principal.require_admin()?;
    let (mut customer, patch) = input.into_parts();
    let refs = apply(patch, &mut customer).map_err(AppError::Validation)?;
    verify_references(store, &refs).await?;
    store.transact(create_actions(store, &customer)?).await?;
    Ok(customer)
}

/// The fields of `patch` that would change `c`'s commercial terms (what it pays, how much credit
/// it gets, what it may buy, who serves it). Only admins change them: an agent who could would
/// grant its own customer a 100 % discount or unlimited credit and then order on its behalf.
/// A field sent back unchanged (a form saving the whole profile) is not a change.
pub fn admin_only_changes(patch: &CustomerPatch, c: &Customer) -> Vec<FieldError> {
    let mut fields = Vec::new();
    if patch.credit.as_ref().is_some_and(|v| *v != c.credit) {
        fields.push("credit");
    }
    if patch
        .price_list_id
        .as_ref()
        .is_some_and(|v| *v != c.price_list_id)
    {
        fields.push("price_list_id");
    }
    if patch
        .open_orders_cap
        .as_ref()
        .is_some_and(|v| *v != c.open_orders_cap)
    {
        fields.push("open_orders_cap");
    }
    if patch
        .discount_percent
        .as_ref()
        .is_some_and(|v| *v != c.discount_percent)
    {
        fields.push("discount_percent");
    }
    if patch
        .catalog_access
        .as_ref()
        .is_some_and(|v| *v != c.catalog_access)
    {
        fields.push("catalog_access");
    }
    if patch.agent_id.as_ref().is_some_and(|v| *v != c.agent_id) {
        fields.push("agent_id");
    }
    fields
        .into_iter()
        .map(|f| FieldError::new(f, "only an admin may change the commercial terms"))
        .collect()
}

/// F3: staff update a customer's profile. Agents may edit their own customers' contact data,
/// addresses, warehouses and tags; commercial terms ([`admin_only_changes`]) and the agent
/// assignment are admins' only; status changes go through [`super::status::change_status`].
pub async fn update(
    store: &Store,
    principal: &Principal,
    id: &str,
    patch: CustomerPatch,
) -> AppResult<Customer> {
    let before = load_for_staff(store, principal, id).await?;
    if !principal.is_admin() {
        let refused = admin_only_changes(&patch, &before);
        if !refused.is_empty() {
            return Err(AppError::ForbiddenFields(refused));
        }
    }
    let mut after = before.clone();
    let refs = apply(patch, &mut after).map_err(AppError::Validation)?;
    verify_references(store, &refs).await?;
    after.updated_at = now_rfc3339();
    match store
        .transact(replace_actions(store, &before, &after, None)?)
        .await
    {
        Ok(()) => Ok(after),
        Err(e) if condition_failed_at(&e, 0) => Err(concurrent_change()),
        Err(e) => Err(e.into()),
    }
}

/// Filters of the customer list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerFilter {
    pub status: Option<CustomerStatus>,
    pub tag: Option<Tag>,
    /// Case-insensitive text found in the name, legal name, tax id or email.
    pub q: Option<String>,
    /// Staff id of the assigned agent.
    pub agent: Option<String>,
}

impl CustomerFilter {
    fn matches(&self, c: &Customer) -> bool {
        if self.status.is_some_and(|s| s != c.status) {
            return false;
        }
        if let Some(tag) = &self.tag {
            if !c.tags.contains(tag) {
                return false;
            }
        }
        if let Some(agent) = &self.agent {
            if c.agent_id.as_deref() != Some(agent.as_str()) {
                return false;
            }
        }
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let q = q.to_lowercase();
            let hay = [
                Some(c.name.as_str()),
                c.legal_name.as_deref(),
                Some(c.tax_id.as_str()),
                Some(c.email.as_str()),
            ];
            if !hay
                .into_iter()
                .flatten()
                .any(|h| h.to_lowercase().contains(&q))
            {
                return false;
            }
        }
        true
    }
}

/// Pages of the list read at most this many index pages before answering a short page.
const MAX_ROUNDS: usize = 5;

/// F3/F11: lists customers, newest filters applied on the most selective index. Agents only
/// ever see their own customers, whatever filter they send.
pub async fn list(
    store: &Store,
    principal: &Principal,
    mut filter: CustomerFilter,
    limit: i32,
    cursor: Option<String>,
) -> AppResult<store::Page<Customer>> {
    principal.require_staff()?;
    if principal.role != Some(StaffRole::Admin) {
        if filter.agent.as_deref().is_some_and(|a| a != principal.sub) {
            return Ok(store::Page {
                items: Vec::new(),
                next_cursor: None,
            });
        }
        filter.agent = Some(principal.sub.clone());
    }
    let by_tag = filter.agent.is_none() && filter.tag.is_some();
    let base = if let Some(agent) = &filter.agent {
        QuerySpec::index(keys::GSI2, keys::agent_pk(agent))
    } else if let Some(tag) = &filter.tag {
        QuerySpec::partition(keys::tag_pk(tag.as_str()))
    } else {
        let spec = QuerySpec::index(keys::GSI1, keys::CUSTOMERS_INDEX_PK);
        match filter.status {
            Some(status) => spec.prefix(format!("{}#", status.as_str())),
            None => spec,
        }
    };
    let mut items = Vec::new();
    let mut cursor = cursor;
    for _ in 0..MAX_ROUNDS {
        let remaining = limit - items.len() as i32;
        let spec = base.clone().limit(remaining).cursor(cursor.take());
        let (raw, next) = store.query_items(&spec).await.map_err(|e| match e {
            StoreError::Other(m) if m == "bad cursor" => {
                AppError::invalid("cursor", "is not valid")
            }
            other => other.into(),
        })?;
        let page: Vec<Customer> = if by_tag {
            let members: Vec<TagMember> = raw
                .into_iter()
                .map(store::from_item)
                .collect::<Result<_, _>>()?;
            let wanted = members
                .iter()
                .map(|m| {
                    (
                        keys::customer_pk(&m.customer_id),
                        keys::CUSTOMER_PROFILE_SK.to_string(),
                    )
                })
                .collect();
            let mut found: Vec<Customer> = store
                .batch_get_items(wanted)
                .await?
                .into_iter()
                .map(store::from_item)
                .collect::<Result<_, _>>()?;
            // BatchGet answers in any order: keep the membership (id) order.
            found.sort_by_key(|c| members.iter().position(|m| m.customer_id == c.id));
            found
        } else {
            raw.into_iter()
                .map(store::from_item)
                .collect::<Result<_, _>>()?
        };
        items.extend(page.into_iter().filter(|c| filter.matches(c)));
        cursor = next;
        if cursor.is_none() || items.len() as i32 >= limit {
            break;
        }
    }
    Ok(store::Page {
        items,
        next_cursor: cursor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer() -> Customer {
        Customer::new(
            "c1",
            CustomerStatus::Active,
            Name::parse("Acme").unwrap(),
            Name::parse("RFC1").unwrap(),
            Email::parse("a@acme.com").unwrap(),
        )
    }

    fn patch(json: serde_json::Value) -> CustomerPatch {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn absent_null_and_value_differ() {
        let mut c = customer();
        c.price_list_id = Some("pl1".into());
        apply(patch(serde_json::json!({})), &mut c).unwrap();
        assert_eq!(c.price_list_id.as_deref(), Some("pl1"));
        apply(patch(serde_json::json!({"price_list_id": null})), &mut c).unwrap();
        assert_eq!(c.price_list_id, None);
        let refs = apply(patch(serde_json::json!({"price_list_id": "pl2"})), &mut c).unwrap();
        assert_eq!(refs.price_list.as_deref(), Some("pl2"));
    }

    #[test]
    fn warehouses_default_and_rules() {
        let mut c = customer();
        apply(
            patch(serde_json::json!({"warehouse_ids": ["w1", "w2"]})),
            &mut c,
        )
        .unwrap();
        assert_eq!(c.default_warehouse_id.as_deref(), Some("w1"));
        let errs = apply(
            patch(serde_json::json!({"default_warehouse_id": "w9", "discount_percent": "120", "tags": ["a", "a"]})),
            &mut c,
        )
        .unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["default_warehouse_id", "discount_percent"]);
        assert_eq!(c.tags.len(), 1, "tags are deduplicated");
    }

    #[test]
    fn commercial_terms_are_admin_only_when_they_change() {
        let mut c = customer();
        c.discount_percent = Some(Decimal::new(5, 0));
        let refused = admin_only_changes(
            &patch(serde_json::json!({
                "agent_id": "ag2", "credit": null, "price_list_id": "pl9",
                "open_orders_cap": "1", "discount_percent": "100",
                "catalog_access": {"mode": "types", "types": ["x"]}, "shipping_method": "Moto"
            })),
            &c,
        );
        let fields: Vec<_> = refused.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "price_list_id",
                "open_orders_cap",
                "discount_percent",
                "catalog_access",
                "agent_id"
            ]
        );
        // The same values sent back are no change.
        let same = admin_only_changes(
            &patch(
                serde_json::json!({"discount_percent": "5.00", "credit": null, "shipping_method": "x"}),
            ),
            &c,
        );
        assert!(same.is_empty(), "{same:?}");
    }

    #[test]
    fn credit_rules() {
        let mut c = customer();
        let errs = apply(
            patch(serde_json::json!({"credit": {"terms": "CREDIT", "limit": "-1", "currency": "mxn"}})),
            &mut c,
        )
        .unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["credit.limit", "credit.currency", "credit.credit_days"]
        );
    }

    #[test]
    fn keys_follow_status_and_agent() {
        let mut c = customer();
        assert!(customer_keys(&c).gsi2.is_none());
        c.agent_id = Some("ag1".into());
        let k = customer_keys(&c);
        assert_eq!(k.gsi1.unwrap().1, "active#acme#c1");
        assert_eq!(k.gsi2.unwrap().0, "AGENT#ag1");
    }
}
