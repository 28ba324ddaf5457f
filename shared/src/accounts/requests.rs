//! Registration requests (F1, F2). A visitor's request lands as `pending`; the answer is the
//! same whether or not the email is new, so nobody learns which emails have accounts. Admins
//! approve (creating the customer and its first contact), reject, block or delete requests.

use aws_sdk_dynamodb::types::{Delete, TransactWriteItem};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::Principal;
use crate::customers::contacts::contact_keys;
use crate::customers::model::{Contact, Customer, CustomerStatus};
use crate::customers::profile::{any_condition_failed, create_actions, tx_put_cond};
use crate::error::{AppError, AppResult};
use crate::messaging::{event_types, DomainEvent};
use crate::store::{self, keys, Keys, QuerySpec, Store, StoreError};
use crate::types::{new_id, now_rfc3339, Email, Language, Name, Phone, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Pending,
    Approved,
    Rejected,
    Blocked,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Approved => "approved",
            RequestStatus::Rejected => "rejected",
            RequestStatus::Blocked => "blocked",
        }
    }
}

/// The form a visitor submits (F1).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccountRequest {
    pub company: Name,
    pub tax_id: Name,
    pub contact_name: Name,
    pub email: Email,
    pub phone: Phone,
    pub address: Text,
    #[serde(default)]
    pub message: Option<Text>,
    #[serde(default, deserialize_with = "crate::customers::profile::opt_via_value")]
    pub language: Option<Language>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccountRequest {
    pub id: String,
    pub status: RequestStatus,
    pub company: Name,
    pub tax_id: Name,
    pub contact_name: Name,
    pub email: Email,
    pub phone: Phone,
    pub address: String,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub language: Language,
    pub created_at: String,
    pub updated_at: String,
    /// Staff id of whoever decided.
    #[serde(default)]
    pub decided_by: Option<String>,
    #[serde(default)]
    pub decided_at: Option<String>,
    /// The customer created on approval.
    #[serde(default)]
    pub customer_id: Option<String>,
}

/// What a visitor is told, always the same (no enumeration of emails).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestReceipt {
    pub status: &'static str,
    pub message: &'static str,
}

pub const RECEIPT: RequestReceipt = RequestReceipt {
    status: "pending",
    message: "Thank you. Your request was received and is pending approval; we will write to you by email.",
};

/// The guard that keeps one open request per email (`REQEMAIL#<email>`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct EmailGuard {
    email: Email,
    request_id: String,
    created_at: String,
}

fn request_keys(r: &AccountRequest) -> Keys {
    Keys::new(keys::request_pk(&r.id), keys::REQUEST_SK).gsi1(
        keys::REQUESTS_INDEX_PK,
        keys::request_status_sk(r.status.as_str(), &r.created_at, &r.id),
    )
}

fn guard_keys(email: &str) -> Keys {
    Keys::new(keys::request_email_pk(email), keys::REQUEST_EMAIL_SK)
}

/// F1: records a request unless the email already has a login or an open request. Returns the
/// events to relay: the request's, or for a duplicate (which records nothing) an
/// `AccountRequestDeclined` one, so both answers do the same work.
pub async fn submit(store: &Store, input: NewAccountRequest) -> AppResult<Vec<DomainEvent>> {
    if input.address.as_str().is_empty() {
        return Err(AppError::invalid("address", "must not be blank"));
    }
    if input.address.as_str().chars().count() > 1000 {
        return Err(AppError::invalid(
            "address",
            "must be at most 1000 characters",
        ));
    }
    let email = input.email.as_str().to_string();
    let now = now_rfc3339();
    let request = AccountRequest {
        id: new_id(),
        status: RequestStatus::Pending,
        company: input.company,
        tax_id: input.tax_id,
        contact_name: input.contact_name,
        email: input.email,
        phone: input.phone,
        address: input.address.into(),
        message: input.message.map(String::from).filter(|m| !m.is_empty()),
        language: input.language.unwrap_or_default(),
        created_at: now.clone(),
        updated_at: now.clone(),
        decided_by: None,
        decided_at: None,
        customer_id: None,
    };
    let event = DomainEvent::new(
        event_types::ACCOUNT_REQUESTED,
        None,
        json!({
            "request_id": request.id,
            "company": request.company,
            "tax_id": request.tax_id,
            "contact_name": request.contact_name,
            "email": request.email,
            "phone": request.phone,
            "address": request.address,
            "message": request.message,
            "language": request.language,
        }),
    );
    let guard = EmailGuard {
        email: request.email.clone(),
        request_id: request.id.clone(),
        created_at: now,
    };
    // The same work whether or not the email is known (one read, one transaction, one relayed
    // event), so the answer's time does not tell: a known email (a login or an open request)
    // writes only an `AccountRequestDeclined` event that nobody acts on.
    let known = !store
        .batch_get_items(vec![
            (keys::login_pk(&email), keys::LOGIN_SK.to_string()),
            (
                keys::request_email_pk(&email),
                keys::REQUEST_EMAIL_SK.to_string(),
            ),
        ])
        .await?
        .is_empty();
    let (event, actions) = if known {
        let declined = DomainEvent::new(event_types::ACCOUNT_REQUEST_DECLINED, None, json!({}));
        let actions = vec![declined.outbox_put(store)?];
        (declined, actions)
    } else {
        // The conditions still hold against a request racing this one.
        let actions = vec![
            store.tx_check(
                &keys::login_pk(&email),
                keys::LOGIN_SK,
                "attribute_not_exists(PK)",
                &[],
                vec![],
            )?,
            store.tx_put_new(&guard_keys(&email), &guard)?,
            store.tx_put_new(&request_keys(&request), &request)?,
            event.outbox_put(store)?,
        ];
        (event, actions)
    };
    match store.transact(actions).await {
        Ok(()) => {
            if known {
                tracing::info!("duplicate registration request ignored");
            }
            Ok(vec![event])
        }
        Err(e) if any_condition_failed(&e) => {
            tracing::info!("duplicate registration request ignored");
            Ok(Vec::new())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn get(store: &Store, id: &str) -> Result<Option<AccountRequest>, StoreError> {
    store.get(&keys::request_pk(id), keys::REQUEST_SK).await
}

/// F2: requests, optionally of one status, newest first.
pub async fn list(
    store: &Store,
    principal: &Principal,
    status: Option<RequestStatus>,
    limit: i32,
    cursor: Option<String>,
) -> AppResult<store::Page<AccountRequest>> {
    principal.require_staff()?;
    let mut spec = QuerySpec::index(keys::GSI1, keys::REQUESTS_INDEX_PK)
        .newest_first()
        .limit(limit)
        .cursor(cursor);
    if let Some(status) = status {
        spec = spec.prefix(format!("{}#", status.as_str()));
    }
    store.query(spec).await.map_err(|e| match e {
        StoreError::Other(m) if m == "bad cursor" => AppError::invalid("cursor", "is not valid"),
        other => other.into(),
    })
}

/// The write that moves a pending request to its decision (fails unless still pending).
fn decide_action(store: &Store, decided: &AccountRequest) -> Result<TransactWriteItem, StoreError> {
    tx_put_cond(
        store,
        &request_keys(decided),
        decided,
        "#status = :pending",
        &[("#status", "status")],
        vec![(":pending", store::s(RequestStatus::Pending.as_str()))],
    )
}

fn not_pending(request: &AccountRequest) -> AppError {
    AppError::conflict(
        "request-not-pending",
        format!("the request is already {}", request.status.as_str()),
    )
}

async fn load_pending(store: &Store, id: &str) -> AppResult<AccountRequest> {
    let request = get(store, id).await?.ok_or(AppError::NotFound)?;
    if request.status != RequestStatus::Pending {
        return Err(not_pending(&request));
    }
    Ok(request)
}

fn decided(request: &AccountRequest, status: RequestStatus, by: &Principal) -> AccountRequest {
    let now = now_rfc3339();
    AccountRequest {
        status,
        decided_by: Some(by.sub.clone()),
        decided_at: Some(now.clone()),
        updated_at: now,
        ..request.clone()
    }
}

/// The approved request and the customer it created.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Approval {
    pub request: AccountRequest,
    pub customer: Customer,
    pub contact: Contact,
}

/// F2: approving creates the customer (active) and its first contact (no access yet), in one
/// transaction with the request's change. The email guard stays: the email is now a contact.
pub async fn approve(store: &Store, principal: &Principal, id: &str) -> AppResult<Approval> {
    principal.require_admin()?;
    let request = load_pending(store, id).await?;
    let mut customer = Customer::new(
        &new_id(),
        CustomerStatus::Active,
        request.company.clone(),
        request.tax_id.clone(),
        request.email.clone(),
    );
    customer.phone = Some(request.phone.clone());
    customer.language = request.language;
    customer.registration_address = Some(request.address.clone());
    let mut contact = Contact::new(
        &customer.id,
        request.email.clone(),
        request.contact_name.clone(),
    );
    contact.phone = Some(request.phone.clone());
    contact.language = Some(request.language);
    let mut approved = decided(&request, RequestStatus::Approved, principal);
    approved.customer_id = Some(customer.id.clone());

    let mut actions = vec![decide_action(store, &approved)?];
    actions.extend(create_actions(store, &customer)?);
    actions.push(store.tx_put_new(
        &contact_keys(&customer.id, contact.email.as_str()),
        &contact,
    )?);
    match store.transact(actions).await {
        Ok(()) => Ok(Approval {
            request: approved,
            customer,
            contact,
        }),
        Err(e) if any_condition_failed(&e) => Err(AppError::conflict(
            "request-not-pending",
            "the request was decided meanwhile",
        )),
        Err(e) => Err(e.into()),
    }
}

/// F2: rejecting frees the email for a new request later.
pub async fn reject(store: &Store, principal: &Principal, id: &str) -> AppResult<AccountRequest> {
    principal.require_admin()?;
    let request = load_pending(store, id).await?;
    let rejected = decided(&request, RequestStatus::Rejected, principal);
    let actions = vec![
        decide_action(store, &rejected)?,
        release_guard(store, &request)?,
    ];
    finish(store.transact(actions).await, rejected)
}

/// F2: blocking keeps the email guard, so that email's future requests are silently ignored.
pub async fn block(store: &Store, principal: &Principal, id: &str) -> AppResult<AccountRequest> {
    principal.require_admin()?;
    let request = load_pending(store, id).await?;
    let blocked = decided(&request, RequestStatus::Blocked, principal);
    finish(
        store.transact(vec![decide_action(store, &blocked)?]).await,
        blocked,
    )
}

/// F2: deletes a request. A pending or rejected one also frees its email; the guard of an
/// approved (now a customer) or blocked one stays.
pub async fn delete(store: &Store, principal: &Principal, id: &str) -> AppResult<()> {
    principal.require_admin()?;
    let request = get(store, id).await?.ok_or(AppError::NotFound)?;
    let mut actions = vec![store.tx_delete(
        &keys::request_pk(id),
        keys::REQUEST_SK,
        Some("attribute_exists(PK)"),
    )?];
    if matches!(
        request.status,
        RequestStatus::Pending | RequestStatus::Rejected
    ) {
        actions.push(release_guard(store, &request)?);
    }
    match store.transact(actions).await {
        Ok(()) => Ok(()),
        Err(e) if any_condition_failed(&e) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// Deletes the email guard if it is this request's (a later request may own it). "Absent or
/// mine" as the condition, so a missing guard does not cancel the transaction.
fn release_guard(store: &Store, request: &AccountRequest) -> Result<TransactWriteItem, StoreError> {
    let k = guard_keys(request.email.as_str());
    let delete = Delete::builder()
        .table_name(store.table())
        .set_key(Some(store::key_of(&k.pk, &k.sk)))
        .condition_expression("attribute_not_exists(PK) OR request_id = :id")
        .expression_attribute_values(":id", store::s(&request.id))
        .build()
        .map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(TransactWriteItem::builder().delete(delete).build())
}

fn finish(result: Result<(), StoreError>, decided: AccountRequest) -> AppResult<AccountRequest> {
    match result {
        Ok(()) => Ok(decided),
        Err(e) if any_condition_failed(&e) => Err(AppError::conflict(
            "request-not-pending",
            "the request was decided meanwhile",
        )),
        Err(e) => Err(e.into()),
    }
}
