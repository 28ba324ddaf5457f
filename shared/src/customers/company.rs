//! F39 the buying company's own users: a contact holding "manage company" (granted by staff
//! only) sees the customer's other contacts, invites colleagues (the same invitation flow and
//! emails as staff invitations), sets their permissions and per-order spending limits, and
//! blocks or unblocks them.
//!
//! Rules, each enforced here and not in the UI:
//! - The manager is read from the table on every action (not from the session's 30 s cache),
//!   and every write carries a condition that the manager's contact is still active with
//!   "manage company": a manager blocked or demoted mid-way loses the rights at once, and
//!   parallel requests cannot get past a check.
//! - Only the manager's own customer's contacts are reachable (another customer's email: 404).
//! - A manager never grants more than it holds, never grants "manage company" (staff do), and
//!   never changes itself or another manager (staff do): no way up, and no manager wars.
//! - A spending limit is an amount in the customer's currency (its price list's); another
//!   currency is refused (422 naming `spending_limit.currency`).

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::access::{self, AccessAction, AccessChange, Guard};
use super::contacts::{self, ContactList, MAX_CONTACTS};
use super::model::{AccessState, Contact, Customer, SpendingLimit};
use super::profile::any_condition_failed;
use crate::auth::{Permissions, Principal};
use crate::config::Config;
use crate::error::{AppError, AppResult, FieldError};
use crate::store::{self, keys, Store, StoreError};
use crate::types::{Email, Language, Name, Phone};

/// The largest spending limit accepted (a typo guard, far above any order).
const MAX_LIMIT: i64 = 1_000_000_000;

/// The manager acting, as read now, with its customer.
pub struct Manager {
    pub customer: Customer,
    pub contact: Contact,
}

fn not_a_manager() -> AppError {
    AppError::Forbidden(
        "this route is for the company's managers (the \"manage company\" permission, granted by staff)"
            .into(),
    )
}

/// The caller as a manager of its customer, read from the table now (one BatchGet).
pub async fn manager(store: &Store, principal: &Principal) -> AppResult<Manager> {
    if principal.impersonated_by.is_some() {
        // Staff acting as the customer manage its people in the console, as staff.
        return Err(AppError::Forbidden(
            "staff acting as the customer manage its contacts in the console".into(),
        ));
    }
    let customer_id = principal.customer_scope()?;
    let pk = keys::customer_pk(customer_id);
    let found = store
        .batch_get_items(vec![
            (pk.clone(), keys::CUSTOMER_PROFILE_SK.to_string()),
            (pk.clone(), keys::contact_sk(&principal.sub)),
        ])
        .await?;
    let mut customer = None;
    let mut contact = None;
    for item in found {
        let sk = item.get(keys::SK).and_then(|v| v.as_s().ok()).cloned();
        match sk.as_deref() {
            Some(keys::CUSTOMER_PROFILE_SK) => customer = Some(store::from_item(item)?),
            Some(_) => contact = Some(store::from_item::<Contact>(item)?),
            None => {}
        }
    }
    let (Some(customer), Some(contact)) = (customer, contact) else {
        return Err(not_a_manager());
    };
    if contact.access != AccessState::Active || !contact.permissions.manage_company {
        return Err(not_a_manager());
    }
    Ok(Manager { customer, contact })
}

impl Manager {
    /// The condition every manager write carries: still active, still "manage company".
    fn guard(&self, store: &Store) -> Result<Guard, StoreError> {
        Ok(Guard {
            check: manager_check(store, &self.customer.id, self.contact.email.as_str())?,
            refused: not_a_manager,
        })
    }

    /// A colleague the manager may change: another non-manager contact of its customer.
    async fn colleague(&self, store: &Store, email: &Email) -> AppResult<(Vec<Contact>, Contact)> {
        if email == &self.contact.email {
            return Err(AppError::Forbidden(
                "managers do not change their own access, permissions or limit; staff do".into(),
            ));
        }
        let all = contacts::list(store, &self.customer.id).await?;
        let target = all
            .iter()
            .find(|c| &c.email == email)
            .cloned()
            .ok_or(AppError::NotFound)?;
        if target.permissions.manage_company {
            return Err(AppError::Forbidden(
                "another manager's access and permissions are changed by staff".into(),
            ));
        }
        Ok((all, target))
    }
}

/// Another customer's contact (or anyone's email that is not a contact here) is not found,
/// whoever asks: checked before the caller's rights, so the answer tells nothing of others.
async fn require_own_contact(store: &Store, principal: &Principal, email: &Email) -> AppResult<()> {
    let customer_id = principal.customer_scope()?;
    contacts::get(store, customer_id, email.as_str())
        .await?
        .map(|_| ())
        .ok_or(AppError::NotFound)
}

/// `ConditionCheck`: the contact is an active manager (used by approvals too).
pub(crate) fn manager_check(
    store: &Store,
    customer_id: &str,
    email: &str,
) -> Result<TransactWriteItem, StoreError> {
    store.tx_check(
        &keys::customer_pk(customer_id),
        &keys::contact_sk(email),
        "#access = :active AND #perm.#mc = :yes",
        &[
            ("#access", "access"),
            ("#perm", "permissions"),
            ("#mc", "manage_company"),
        ],
        vec![
            (":active", store::s(AccessState::Active.as_str())),
            (":yes", AttributeValue::Bool(true)),
        ],
    )
}

/// The customer's currency: its price list's (every order is in it), else its credit's.
pub async fn customer_currency(store: &Store, customer: &Customer) -> AppResult<Option<String>> {
    if let Some(list) = &customer.price_list_id {
        let raw = store
            .get_item(&keys::price_list_pk(list), keys::META_SK)
            .await?;
        if let Some(currency) = raw
            .as_ref()
            .and_then(|i| i.get("currency"))
            .and_then(|v| v.as_s().ok())
        {
            return Ok(Some(currency.clone()));
        }
    }
    Ok(customer.credit.as_ref().map(|c| c.currency.clone()))
}

/// Checks a spending limit against the customer's currency, naming the field.
pub async fn check_limit(
    store: &Store,
    customer: &Customer,
    limit: &SpendingLimit,
    errors: &mut Vec<FieldError>,
) -> AppResult<()> {
    if limit.amount <= Decimal::ZERO {
        errors.push(FieldError::new(
            "spending_limit.amount",
            "must be more than zero (send null for no limit)",
        ));
    } else if limit.amount > Decimal::from(MAX_LIMIT) || limit.amount.scale() > 2 {
        errors.push(FieldError::new(
            "spending_limit.amount",
            format!("must have at most 2 decimals and be at most {MAX_LIMIT}"),
        ));
    }
    match customer_currency(store, customer).await? {
        Some(currency) if currency == limit.currency => {}
        Some(currency) => errors.push(FieldError::new(
            "spending_limit.currency",
            format!(
                "must be the customer's currency, {currency}; {} is not",
                limit.currency
            ),
        )),
        None => errors.push(FieldError::new(
            "spending_limit.currency",
            "the customer has no price list yet, so no currency to set a limit in",
        )),
    }
    Ok(())
}

/// Permissions a manager may give: within its own, never "manage company".
fn check_permissions(granted: &Permissions, manager: &Permissions, errors: &mut Vec<FieldError>) {
    if granted.manage_company {
        errors.push(FieldError::new(
            "permissions.manage_company",
            "only staff grant the \"manage company\" permission",
        ));
    }
    for (field, wants, holds) in [
        ("place_orders", granted.place_orders, manager.place_orders),
        (
            "create_quotes",
            granted.create_quotes,
            manager.create_quotes,
        ),
        ("see_invoices", granted.see_invoices, manager.see_invoices),
    ] {
        if wants && !holds {
            errors.push(FieldError::new(
                format!("permissions.{field}"),
                "you cannot grant a permission you do not hold",
            ));
        }
    }
}

fn errors_or(errors: Vec<FieldError>) -> AppResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// `GET /v1/company/contacts`: every contact of the manager's customer.
pub async fn list(store: &Store, principal: &Principal) -> AppResult<ContactList> {
    let m = manager(store, principal).await?;
    let items = contacts::list(store, &m.customer.id).await?;
    Ok(ContactList {
        emails_with_access: items.iter().filter(|c| c.has_access()).count(),
        items,
    })
}

/// `POST /v1/company/contacts`: a colleague to invite.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompanyInvite {
    pub email: Email,
    pub name: Name,
    #[serde(default)]
    pub department: Option<Name>,
    #[serde(default)]
    pub phone: Option<Phone>,
    /// Defaults to the ordinary permissions the manager holds; never `manage_company`.
    #[serde(default)]
    pub permissions: Option<Permissions>,
    /// Defaults to the customer's language.
    #[serde(default, deserialize_with = "super::profile::opt_via_value")]
    pub language: Option<Language>,
    /// Optional per-order limit, in the customer's currency.
    #[serde(default)]
    pub spending_limit: Option<SpendingLimit>,
}

/// Adds the colleague and sends the invitation, in one transaction (the staff flow's email).
pub async fn invite(
    store: &Store,
    config: &Config,
    principal: &Principal,
    input: CompanyInvite,
) -> AppResult<AccessChange> {
    let m = manager(store, principal).await?;
    let own = m.contact.permissions;
    let permissions = input.permissions.unwrap_or(Permissions {
        place_orders: own.place_orders,
        create_quotes: own.create_quotes,
        see_invoices: own.see_invoices,
        manage_company: false,
    });
    let mut errors = Vec::new();
    check_permissions(&permissions, &own, &mut errors);
    if let Some(limit) = &input.spending_limit {
        check_limit(store, &m.customer, limit, &mut errors).await?;
    }
    errors_or(errors)?;
    let all = contacts::list(store, &m.customer.id).await?;
    if all.len() >= MAX_CONTACTS {
        return Err(AppError::conflict(
            "too-many-contacts",
            format!("a customer has at most {MAX_CONTACTS} contacts"),
        ));
    }
    if all.iter().any(|c| c.email == input.email) {
        return Err(AppError::conflict(
            "contact-exists",
            "this email is already a contact of this customer",
        ));
    }
    let mut contact = Contact::new(&m.customer.id, input.email, input.name);
    contact.department = input.department.map(String::from);
    contact.phone = input.phone;
    contact.permissions = permissions;
    contact.language = input.language.or(Some(m.customer.language));
    contact.spending_limit = input.spending_limit;
    access::create(
        store,
        config,
        &m.customer,
        &all,
        &contact,
        true,
        Some(m.guard(store)?),
    )
    .await
}

/// `PATCH /v1/company/contacts/{email}`: absent fields stay; `null` clears the limit,
/// department or phone.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompanyContactPatch {
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
    #[serde(default, deserialize_with = "super::profile::present")]
    #[schema(value_type = Option<SpendingLimit>)]
    pub spending_limit: Option<Option<SpendingLimit>>,
}

fn to_attr<T: serde::Serialize>(value: &T) -> Result<AttributeValue, StoreError> {
    serde_dynamo::to_attribute_value(value).map_err(|e| StoreError::Serde(e.to_string()))
}

pub async fn update(
    store: &Store,
    principal: &Principal,
    email: &Email,
    patch: CompanyContactPatch,
) -> AppResult<Contact> {
    require_own_contact(store, principal, email).await?;
    let m = manager(store, principal).await?;
    let (_, before) = m.colleague(store, email).await?;
    let mut errors = Vec::new();
    if let Some(permissions) = &patch.permissions {
        check_permissions(permissions, &m.contact.permissions, &mut errors);
    }
    if let Some(Some(limit)) = &patch.spending_limit {
        check_limit(store, &m.customer, limit, &mut errors).await?;
    }
    errors_or(errors)?;
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
    if let Some(limit) = patch.spending_limit {
        after.spending_limit = limit;
    }
    // Only these fields are written (a concurrent access change stays), on the condition the
    // colleague did not become a manager meanwhile; the manager's own check goes with it.
    let limit_expr = if after.spending_limit.is_some() {
        "SET #name = :name, #department = :department, #phone = :phone, #permissions = :permissions, #limit = :limit"
    } else {
        "SET #name = :name, #department = :department, #phone = :phone, #permissions = :permissions REMOVE #limit"
    };
    let mut values = vec![
        (":name", to_attr(&after.name)?),
        (":department", to_attr(&after.department)?),
        (":phone", to_attr(&after.phone)?),
        (":permissions", to_attr(&after.permissions)?),
        (":no", AttributeValue::Bool(false)),
    ];
    if let Some(limit) = &after.spending_limit {
        values.push((":limit", to_attr(limit)?));
    }
    let write = store.tx_update(
        &keys::customer_pk(&m.customer.id),
        &keys::contact_sk(email.as_str()),
        limit_expr,
        Some("attribute_exists(PK) AND (attribute_not_exists(#permissions.#mc) OR #permissions.#mc = :no)"),
        &[
            ("#name", "name"),
            ("#department", "department"),
            ("#phone", "phone"),
            ("#permissions", "permissions"),
            ("#limit", "spending_limit"),
            ("#mc", "manage_company"),
        ],
        values,
    )?;
    let check = manager_check(store, &m.customer.id, m.contact.email.as_str())?;
    match store.transact(vec![write, check]).await {
        Ok(()) => Ok(after),
        Err(e) if super::profile::condition_failed_at(&e, 1) => Err(not_a_manager()),
        Err(e) if any_condition_failed(&e) => Err(super::profile::concurrent_change()),
        Err(e) => Err(e.into()),
    }
}

/// `POST /v1/company/contacts/{email}/access`: create (for a contact staff added without
/// access), re-send, block or unblock a colleague's access, exactly as staff do.
pub async fn change_access(
    store: &Store,
    config: &Config,
    principal: &Principal,
    email: &Email,
    action: AccessAction,
) -> AppResult<AccessChange> {
    require_own_contact(store, principal, email).await?;
    let m = manager(store, principal).await?;
    let (all, target) = m.colleague(store, email).await?;
    access::apply(
        store,
        config,
        &m.customer,
        &all,
        &target,
        action,
        Some(m.guard(store)?),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managers_grant_only_what_they_hold_and_never_manage_company() {
        let manager = Permissions {
            see_invoices: false,
            manage_company: true,
            ..Permissions::all()
        };
        let mut errors = Vec::new();
        check_permissions(&Permissions::all(), &manager, &mut errors);
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["permissions.see_invoices"]);
        let mut errors = Vec::new();
        let escalate = Permissions {
            see_invoices: false,
            manage_company: true,
            ..Permissions::all()
        };
        check_permissions(&escalate, &manager, &mut errors);
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["permissions.manage_company"]);
        let mut errors = Vec::new();
        let fewer = Permissions {
            place_orders: false,
            see_invoices: false,
            ..Permissions::all()
        };
        check_permissions(&fewer, &manager, &mut errors);
        assert!(errors.is_empty());
        assert!(fewer.within(&manager));
        assert!(!Permissions::all().within(&manager));
    }
}
