//! F6 contacts: the people (one email each) who log in for a customer, with their permissions.
//! Their access is changed through [`super::access`].

use serde::{Deserialize, Serialize};

use super::model::{Contact, Customer};
use super::profile::{any_condition_failed, load_for_staff};
use crate::auth::{Permissions, Principal};
use crate::error::{AppError, AppResult};
use crate::store::{keys, Keys, QuerySpec, Store, StoreError};
use crate::types::{Email, Language, Name, Phone};

/// Most contacts one customer may have (the list is read whole).
pub const MAX_CONTACTS: usize = 200;

pub fn contact_keys(customer_id: &str, email: &str) -> Keys {
    Keys::new(keys::customer_pk(customer_id), keys::contact_sk(email))
}

/// Every contact of a customer, by email.
pub async fn list(store: &Store, customer_id: &str) -> Result<Vec<Contact>, StoreError> {
    store
        .query_all(
            QuerySpec::partition(keys::customer_pk(customer_id)).prefix(keys::CONTACT_SK_PREFIX),
        )
        .await
}

pub async fn get(
    store: &Store,
    customer_id: &str,
    email: &str,
) -> Result<Option<Contact>, StoreError> {
    store
        .get(&keys::customer_pk(customer_id), &keys::contact_sk(email))
        .await
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContact {
    pub email: Email,
    pub name: Name,
    #[serde(default)]
    pub department: Option<Name>,
    #[serde(default)]
    pub phone: Option<Phone>,
    /// Defaults to everything allowed.
    #[serde(default)]
    pub permissions: Option<Permissions>,
    /// Defaults to the customer's language.
    #[serde(default, deserialize_with = "super::profile::opt_via_value")]
    pub language: Option<Language>,
}

/// Changes to a contact; absent fields stay, `null` clears department, phone or language.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPatch {
    #[serde(default)]
    pub name: Option<Name>,
    #[serde(default, deserialize_with = "super::profile::present")]
    #[schema(value_type = Option<String>)]
    pub department: Option<Option<Name>>,
    #[serde(default, deserialize_with = "super::profile::present")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<Phone>>,
    #[serde(default)]
    pub permissions: Option<Permissions>,
    #[serde(default, deserialize_with = "super::profile::present_via_value")]
    #[schema(value_type = Option<Language>)]
    pub language: Option<Option<Language>>,
    /// F39: the per-order spending limit in the customer's currency; `null` removes it.
    #[serde(default, deserialize_with = "super::profile::present")]
    #[schema(value_type = Option<super::model::SpendingLimit>)]
    pub spending_limit: Option<Option<super::model::SpendingLimit>>,
}

/// The contacts of a customer and how many of their emails have access (F6).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContactList {
    pub items: Vec<Contact>,
    pub emails_with_access: usize,
}

pub async fn list_for_staff(
    store: &Store,
    principal: &Principal,
    customer_id: &str,
) -> AppResult<ContactList> {
    load_for_staff(store, principal, customer_id).await?;
    let items = list(store, customer_id).await?;
    Ok(ContactList {
        emails_with_access: items.iter().filter(|c| c.has_access()).count(),
        items,
    })
}

/// Adds a contact without access; an email already a contact of this customer is a 409.
pub async fn create(
    store: &Store,
    principal: &Principal,
    customer_id: &str,
    input: NewContact,
) -> AppResult<Contact> {
    let customer: Customer = load_for_staff(store, principal, customer_id).await?;
    let existing = list(store, customer_id).await?;
    if existing.len() >= MAX_CONTACTS {
        return Err(AppError::conflict(
            "too-many-contacts",
            format!("a customer has at most {MAX_CONTACTS} contacts"),
        ));
    }
    let mut contact = Contact::new(customer_id, input.email, input.name);
    contact.department = input.department.map(String::from);
    contact.phone = input.phone;
    contact.permissions = input.permissions.unwrap_or_default();
    contact.language = input.language.or(Some(customer.language));
    match store
        .put_new(&contact_keys(customer_id, contact.email.as_str()), &contact)
        .await
    {
        Ok(()) => Ok(contact),
        Err(StoreError::ConditionFailed) => Err(AppError::conflict(
            "contact-exists",
            "this email is already a contact of this customer",
        )),
        Err(e) => Err(e.into()),
    }
}

/// Edits a contact's data and permissions (its access has its own route).
pub async fn update(
    store: &Store,
    principal: &Principal,
    customer_id: &str,
    email: &Email,
    patch: ContactPatch,
) -> AppResult<Contact> {
    let customer = load_for_staff(store, principal, customer_id).await?;
    if let Some(Some(limit)) = &patch.spending_limit {
        let mut errors = Vec::new();
        super::company::check_limit(store, &customer, limit, &mut errors).await?;
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
    }
    let before = get(store, customer_id, email.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    let mut after = before.clone();
    if let Some(name) = patch.name {
        after.name = name;
    }
    if let Some(department) = patch.department {
        after.department = department.map(String::from);
    }
    if let Some(phone) = patch.phone {
        after.phone = phone;
    }
    if let Some(permissions) = patch.permissions {
        after.permissions = permissions;
    }
    if let Some(language) = patch.language {
        after.language = language;
    }
    if let Some(limit) = patch.spending_limit {
        after.spending_limit = limit;
    }
    // Only the fields edited here are written, so a concurrent access change is not undone.
    let mut values = vec![
        (":name", to_attr(&after.name)?),
        (":department", to_attr(&after.department)?),
        (":phone", to_attr(&after.phone)?),
        (":permissions", to_attr(&after.permissions)?),
        (":language", to_attr(&after.language)?),
    ];
    if let Some(limit) = &after.spending_limit {
        values.push((":limit", to_attr(limit)?));
    }
    let put = store.tx_update(
        &keys::customer_pk(customer_id),
        &keys::contact_sk(email.as_str()),
        if after.spending_limit.is_some() {
            "SET #name = :name, #department = :department, #phone = :phone, #permissions = :permissions, #language = :language, #limit = :limit"
        } else {
            "SET #name = :name, #department = :department, #phone = :phone, #permissions = :permissions, #language = :language REMOVE #limit"
        },
        Some("attribute_exists(PK)"),
        &[
            ("#name", "name"),
            ("#department", "department"),
            ("#phone", "phone"),
            ("#permissions", "permissions"),
            ("#language", "language"),
            ("#limit", "spending_limit"),
        ],
        values,
    )?;
    match store.transact(vec![put]).await {
        Ok(()) => Ok(after),
        Err(e) if any_condition_failed(&e) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn to_attr<T: Serialize>(
    value: &T,
) -> Result<aws_sdk_dynamodb::types::AttributeValue, StoreError> {
    serde_dynamo::to_attribute_value(value).map_err(|e| StoreError::Serde(e.to_string()))
}
