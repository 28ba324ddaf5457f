//! F39 approval requests: an order above its contact's spending limit is not placed. It is
//! submitted for approval instead (by [`super::place`], in the same business action as any
//! placement: one transaction holding the request, the idempotency record, the emptied cart,
//! the managers' email event and the activity), reserving no stock and using no credit.
//!
//! - **Approve** (a manager, not the requester): the request's lines are placed as an order
//!   by that manager through the usual placement ([`super::place::approve`]) with every check
//!   (stock, credit, cap, catalog), **re-priced at approval**: today's prices apply, and the
//!   approver sees the current total next to the requested one before approving
//!   ([`ApprovalView::current`]). The order's idempotency key is the request's id and the same
//!   transaction moves the request from `pending` to `approved`, so approving twice or in
//!   parallel places one order (the later ones answer it again).
//! - **Reject** (a manager, with a reason) tells the requester by email; **withdraw** (the
//!   requester) takes it back. Both are conditional on `pending`.
//! - Staff see a customer's pending requests in its console page.

use aws_sdk_dynamodb::types::TransactWriteItem;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::events::{NoticeLine, Recipient, NOTICE_MAX_LINES};
use super::model::{created_sk, Actor, OrderLine};
use crate::app::App;
use crate::auth::Principal;
use crate::customers::company;
use crate::customers::SpendingLimit;
use crate::error::{AppError, AppResult, FieldError};
use crate::messaging::DomainEvent;
use crate::store::{keys, Keys, Page, QuerySpec, Store, StoreError};
use crate::types::now_rfc3339;

use crate::messaging::event_types::{APPROVAL_REJECTED, APPROVAL_REQUESTED};

const MAX_REASON_CHARS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
}

impl ApprovalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalStatus::Pending => "pending",
            ApprovalStatus::Approved => "approved",
            ApprovalStatus::Rejected => "rejected",
            ApprovalStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            ApprovalStatus::Pending,
            ApprovalStatus::Approved,
            ApprovalStatus::Rejected,
            ApprovalStatus::Withdrawn,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// An order waiting for a manager: the cart as it was (lines priced then), where from, and
/// what the requester wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApprovalRequest {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub status: ApprovalStatus,
    pub requested_by: Actor,
    /// Who hears of the decision (the requester).
    pub requester: Recipient,
    #[serde(default)]
    pub requester_phone: Option<String>,
    pub warehouse_id: String,
    /// ISO 4217; every amount is in it.
    pub currency: String,
    /// The lines priced when requested (approval re-prices them).
    pub lines: Vec<OrderLine>,
    #[schema(value_type = String, example = "12000.00")]
    pub subtotal: Decimal,
    #[schema(value_type = String, example = "1920.00")]
    pub tax: Decimal,
    #[schema(value_type = String, example = "13920.00")]
    pub total: Decimal,
    /// The requester's limit the total went over.
    pub limit: SpendingLimit,
    #[serde(default)]
    pub note: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default)]
    pub decided_by: Option<Actor>,
    #[serde(default)]
    pub decided_at: Option<String>,
    /// Why it was rejected.
    #[serde(default)]
    pub reason: Option<String>,
    /// The order placed on approval.
    #[serde(default)]
    pub order_id: Option<String>,
}

impl ApprovalRequest {
    pub fn keys(&self) -> Keys {
        let sk = created_sk(&self.created_at, &self.id);
        let mut k = Keys::new(keys::approval_pk(&self.id), keys::APPROVAL_SK)
            .gsi1(keys::customer_approvals_pk(&self.customer_id), sk.clone())
            .gsi3(
                keys::requester_approvals_pk(&self.customer_id, &self.requested_by.id),
                sk.clone(),
            );
        if self.status == ApprovalStatus::Pending {
            k = k.gsi2(keys::pending_approvals_pk(&self.customer_id), sk);
        }
        k
    }

    fn notice(&self) -> ApprovalNotice {
        ApprovalNotice {
            approval_id: self.id.clone(),
            customer_id: self.customer_id.clone(),
            customer_name: self.customer_name.clone(),
            requested_by: self.requested_by.name.clone(),
            requester: self.requester.clone(),
            requester_phone: self.requester_phone.clone(),
            currency: self.currency.clone(),
            total: self.total,
            limit: self.limit.amount,
            line_count: self.lines.len(),
            lines: self
                .lines
                .iter()
                .take(NOTICE_MAX_LINES)
                .map(|l| NoticeLine {
                    sku: l.sku.to_string(),
                    name: l.name.clone(),
                    quantity: l.quantity,
                    unit: l.unit.clone(),
                    unit_price: l.unit_price,
                    total: l.total,
                })
                .collect(),
            to: Vec::new(),
            decided_by: self.decided_by.as_ref().map(|a| a.name.clone()),
            reason: self.reason.clone(),
        }
    }
}

/// Data of the approval events: what the email templates read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalNotice {
    pub approval_id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub requested_by: String,
    pub requester: Recipient,
    #[serde(default)]
    pub requester_phone: Option<String>,
    pub currency: String,
    pub total: Decimal,
    pub limit: Decimal,
    pub line_count: usize,
    pub lines: Vec<NoticeLine>,
    /// `ApprovalRequested`: the managers; `ApprovalRejected`: the requester.
    pub to: Vec<Recipient>,
    #[serde(default)]
    pub decided_by: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// The managers' email event of a new request: every active manager but the requester (none:
/// the customer's main email, so the request is not silently stuck).
pub(crate) async fn requested_event(
    store: &Store,
    request: &ApprovalRequest,
    fallback: Recipient,
) -> Result<DomainEvent, StoreError> {
    let contacts = crate::customers::contacts::list(store, &request.customer_id).await?;
    let mut to: Vec<Recipient> = contacts
        .iter()
        .filter(|c| {
            c.permissions.manage_company && c.access == crate::customers::AccessState::Active
        })
        .filter(|c| c.email.as_str() != request.requested_by.id)
        .map(|c| Recipient {
            email: c.email.as_str().to_string(),
            name: c.name.to_string(),
            language: c.language,
        })
        .collect();
    if to.is_empty() {
        to.push(fallback);
    }
    let mut notice = request.notice();
    notice.to = to;
    Ok(DomainEvent::new(
        APPROVAL_REQUESTED,
        Some(&request.customer_id),
        serde_json::to_value(&notice).unwrap_or_default(),
    ))
}

/// The approval request's write in the transaction that approves it (placing the order).
pub(crate) fn approve_action(
    store: &Store,
    approval_id: &str,
    approver: &Actor,
    order_id: &str,
) -> Result<TransactWriteItem, StoreError> {
    let now = now_rfc3339();
    store.tx_update(
        &keys::approval_pk(approval_id),
        keys::APPROVAL_SK,
        "SET #status = :approved, decided_by = :actor, decided_at = :now, order_id = :order, updated_at = :now REMOVE GSI2PK, GSI2SK",
        Some("#status = :pending"),
        &[("#status", "status")],
        vec![
            (":approved", crate::store::s(ApprovalStatus::Approved.as_str())),
            (":pending", crate::store::s(ApprovalStatus::Pending.as_str())),
            (":actor", super::place::to_attr(approver)?),
            (":now", crate::store::s(&now)),
            (":order", crate::store::s(order_id)),
        ],
    )
}

/// What a list or a detail shows: the request, and for managers deciding a pending one, what
/// it costs today.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApprovalView {
    #[serde(flatten)]
    pub request: ApprovalRequest,
    /// Pending requests only: today's prices and stock for the same lines (approval
    /// re-prices), so the approver sees the total it will place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<CurrentPrice>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CurrentPrice {
    #[schema(value_type = String)]
    pub subtotal: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    /// Whether every line can be ordered now as requested (catalog and stock).
    pub all_purchasable: bool,
    /// Whether the total differs from the requested one.
    pub changed: bool,
}

/// Who is looking: a manager (read now) sees every request of the customer; anyone else only
/// its own.
enum Viewer {
    Manager,
    Requester(String),
}

async fn viewer(store: &Store, principal: &Principal) -> AppResult<(String, Viewer)> {
    let customer_id = principal.customer_scope()?.to_string();
    if principal.permissions.manage_company && principal.impersonated_by.is_none() {
        // The session says manager: confirm it on the stored record (a demotion holds at once).
        if company::manager(store, principal).await.is_ok() {
            return Ok((customer_id, Viewer::Manager));
        }
    }
    Ok((customer_id, Viewer::Requester(principal.sub.clone())))
}

pub async fn load(store: &Store, id: &str) -> AppResult<Option<ApprovalRequest>> {
    Ok(store.get(&keys::approval_pk(id), keys::APPROVAL_SK).await?)
}

/// `GET /v1/approvals`: managers see the customer's requests (`status=pending`: those waiting),
/// others their own, newest first.
pub async fn list(
    store: &Store,
    principal: &Principal,
    status: Option<ApprovalStatus>,
    limit: i32,
    cursor: Option<String>,
) -> AppResult<Page<ApprovalRequest>> {
    let (customer_id, viewer) = viewer(store, principal).await?;
    let (index, pk, attr) = match (&viewer, status) {
        (Viewer::Manager, Some(ApprovalStatus::Pending)) => (
            keys::GSI2,
            keys::pending_approvals_pk(&customer_id),
            "GSI2PK",
        ),
        (Viewer::Manager, _) => (
            keys::GSI1,
            keys::customer_approvals_pk(&customer_id),
            "GSI1PK",
        ),
        (Viewer::Requester(email), _) => (
            keys::GSI3,
            keys::requester_approvals_pk(&customer_id, email),
            "GSI3PK",
        ),
    };
    let cursor = crate::staff::paging::checked_cursor(cursor, attr, &pk)?;
    let mut page: Page<ApprovalRequest> = store
        .query(
            QuerySpec::index(index, pk)
                .newest_first()
                .limit(limit)
                .cursor(cursor),
        )
        .await?;
    if let Some(status) = status {
        page.items.retain(|a| a.status == status);
    }
    Ok(page)
}

/// `GET /v1/approvals/{id}`: a manager's or the requester's view (anyone else: 404).
pub async fn get(app: &App, principal: &Principal, id: &str) -> AppResult<ApprovalView> {
    let (customer_id, viewer) = viewer(&app.store, principal).await?;
    let request = load(&app.store, id)
        .await?
        .filter(|a| a.customer_id == customer_id)
        .filter(|a| match &viewer {
            Viewer::Manager => true,
            Viewer::Requester(email) => &a.requested_by.id == email,
        })
        .ok_or(AppError::NotFound)?;
    let current = if request.status == ApprovalStatus::Pending {
        current_price(app, &request).await
    } else {
        None
    };
    Ok(ApprovalView { request, current })
}

/// Today's price of a pending request (none when it cannot be priced at all now).
async fn current_price(app: &App, request: &ApprovalRequest) -> Option<CurrentPrice> {
    let quote = crate::pricing::service::quote_for_customer(
        &app.store,
        &request.customer_id,
        &crate::pricing::service::QuoteRequest {
            warehouse_id: request.warehouse_id.clone(),
            lines: request
                .lines
                .iter()
                .map(|l| super::LineRequest {
                    sku: l.sku.clone(),
                    quantity: l.quantity,
                })
                .collect(),
        },
    )
    .await
    .ok()?;
    Some(CurrentPrice {
        changed: quote.total != request.total,
        subtotal: quote.subtotal,
        tax: quote.tax,
        total: quote.total,
        all_purchasable: quote.all_purchasable,
    })
}

/// `POST /v1/approvals/{id}/reject`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// Why (1 to 1000 characters): the requester reads it in the email.
    pub reason: String,
}

fn not_pending(request: &ApprovalRequest) -> AppError {
    AppError::conflict(
        "approval-not-pending",
        format!(
            "this request is {}; only a pending request can be decided or withdrawn",
            request.status.as_str()
        ),
    )
}

/// Rejects a pending request with a reason (a manager, not the requester).
pub async fn reject(
    app: &App,
    principal: &Principal,
    id: &str,
    body: RejectRequest,
) -> AppResult<ApprovalRequest> {
    let reason = body.reason.trim().to_string();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(AppError::Validation(vec![FieldError::new(
            "reason",
            format!("must be 1 to {MAX_REASON_CHARS} characters"),
        )]));
    }
    let customer_id = principal.customer_scope()?;
    let request = load(&app.store, id)
        .await?
        .filter(|a| a.customer_id == customer_id)
        .ok_or(AppError::NotFound)?;
    let m = company::manager(&app.store, principal).await?;
    if request.requested_by.id == m.contact.email.as_str() {
        return Err(AppError::Forbidden(
            "another manager decides your own request".into(),
        ));
    }
    if request.status != ApprovalStatus::Pending {
        return Err(not_pending(&request));
    }
    let actor = Actor::of(principal);
    let mut after = request.clone();
    after.status = ApprovalStatus::Rejected;
    after.decided_by = Some(actor.clone());
    after.decided_at = Some(now_rfc3339());
    after.updated_at = now_rfc3339();
    after.reason = Some(reason.clone());
    let mut notice = after.notice();
    notice.to = vec![after.requester.clone()];
    let event = DomainEvent::new(
        APPROVAL_REJECTED,
        Some(&after.customer_id),
        serde_json::to_value(&notice).unwrap_or_default(),
    );
    let store = &app.store;
    let actions = vec![
        decide_action(store, &after)?,
        company::manager_check(store, &m.customer.id, m.contact.email.as_str())?,
        event.outbox_put(store)?,
    ];
    commit_decision(app, actions, &[event], &after).await?;
    Ok(after)
}

/// Withdraws one's own pending request.
pub async fn withdraw(app: &App, principal: &Principal, id: &str) -> AppResult<ApprovalRequest> {
    let customer_id = principal.customer_scope()?;
    let request = load(&app.store, id)
        .await?
        .filter(|a| a.customer_id == customer_id && a.requested_by.id == principal.sub)
        .ok_or(AppError::NotFound)?;
    if request.status != ApprovalStatus::Pending {
        return Err(not_pending(&request));
    }
    let mut after = request.clone();
    after.status = ApprovalStatus::Withdrawn;
    after.decided_by = Some(Actor::of(principal));
    after.decided_at = Some(now_rfc3339());
    after.updated_at = now_rfc3339();
    commit_decision(app, vec![decide_action(&app.store, &after)?], &[], &after).await?;
    Ok(after)
}

/// The request's move out of `pending` (reject, withdraw): the whole record, on condition.
fn decide_action(store: &Store, after: &ApprovalRequest) -> Result<TransactWriteItem, StoreError> {
    let pending = crate::store::s(ApprovalStatus::Pending.as_str());
    let item = crate::store::item(&after.keys(), after)?;
    let put = aws_sdk_dynamodb::types::Put::builder()
        .table_name(store.table())
        .set_item(Some(item))
        .condition_expression("#status = :pending")
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":pending", pending)
        .build()
        .map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(TransactWriteItem::builder().put(put).build())
}

async fn commit_decision(
    app: &App,
    actions: Vec<TransactWriteItem>,
    events: &[DomainEvent],
    after: &ApprovalRequest,
) -> AppResult<()> {
    match app.store.transact(actions).await {
        Ok(()) => {
            super::relay(app, events).await;
            Ok(())
        }
        Err(e) if crate::customers::profile::condition_failed_at(&e, 0) => {
            // Someone decided first: answer with what it is now.
            let now = load(&app.store, &after.id)
                .await?
                .ok_or(AppError::NotFound)?;
            Err(not_pending(&now))
        }
        Err(e) if crate::customers::profile::condition_failed_at(&e, 1) => Err(
            AppError::Forbidden("you no longer manage this company".into()),
        ),
        Err(e) => Err(e.into()),
    }
}

/// Staff: a customer's pending requests (console customer page).
pub async fn pending_for_staff(
    store: &Store,
    principal: &Principal,
    customer_id: &str,
) -> AppResult<Vec<ApprovalRequest>> {
    crate::customers::profile::load_for_staff(store, principal, customer_id).await?;
    Ok(store
        .query_all(
            QuerySpec::index(keys::GSI2, keys::pending_approvals_pk(customer_id)).newest_first(),
        )
        .await?)
}
