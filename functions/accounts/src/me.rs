//! `GET /v1/me`: who the caller is. For a contact (or staff acting as a customer): the customer
//! profile summary, the credit summary and the announcements active now for that customer. For
//! staff: the staff user.

use axum::extract::State;
use axum::Json;
use rust_decimal::Decimal;
use serde::Serialize;
use shared::announcements::{self, Announcement};
use shared::auth::Principal;
use shared::customers::{Customer, CustomerStatus, PaymentTerms};
use shared::orders::credit::{self, CreditRecord};
use shared::routes;
use shared::routes::ApiRouter;
use shared::staff::{self, StaffUser};
use shared::store::keys;
use shared::types::{Language, Name};
use shared::{AppError, AppResult, AppState};

pub(crate) fn routes() -> ApiRouter<AppState> {
    ApiRouter::new().routes(routes!(me))
}

/// The parts of the customer profile the portal needs to work for the customer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CustomerSummary {
    pub id: String,
    pub name: Name,
    pub status: CustomerStatus,
    pub language: Language,
    pub price_list_id: Option<String>,
    pub warehouse_ids: Vec<String>,
    pub default_warehouse_id: Option<String>,
    pub shipping_method: Option<String>,
}

impl From<&Customer> for CustomerSummary {
    fn from(c: &Customer) -> Self {
        Self {
            id: c.id.clone(),
            name: c.name.clone(),
            status: c.status,
            language: c.language,
            price_list_id: c.price_list_id.clone(),
            warehouse_ids: c.warehouse_ids.clone(),
            default_warehouse_id: c.default_warehouse_id.clone(),
            shipping_method: c.shipping_method.clone(),
        }
    }
}

/// Credit at a glance: `available = limit - open_orders - unpaid` (never below zero, zero for
/// CASH), as placing an order counts it; amounts as decimal strings.
#[derive(Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct CreditSummary {
    pub terms: PaymentTerms,
    pub credit_days: u32,
    #[schema(value_type = String, example = "50000.00")]
    pub limit: Decimal,
    pub currency: String,
    /// Value of placed orders not yet invoiced.
    #[schema(value_type = String, example = "0.00")]
    pub open_orders: Decimal,
    /// Invoices not yet paid.
    #[schema(value_type = String, example = "0.00")]
    pub unpaid: Decimal,
    #[schema(value_type = String, example = "50000.00")]
    pub available: Decimal,
}

fn cents(mut amount: Decimal) -> Decimal {
    amount.rescale(2);
    amount
}

/// The customer's credit summary from its credit record: open orders and unpaid documents (in
/// the credit's currency) as the order check counts them, and `available` exactly as ordering
/// enforces it (never below zero; zero for CASH customers, who get no credit).
pub fn credit_summary(customer: &Customer, record: &CreditRecord) -> Option<CreditSummary> {
    let credit = customer.credit.as_ref()?;
    Some(CreditSummary {
        terms: credit.terms,
        credit_days: credit.credit_days,
        limit: cents(credit.limit),
        currency: credit.currency.clone(),
        open_orders: cents(record.open_orders),
        unpaid: cents(record.unpaid_in(&credit.currency)),
        available: cents(credit::available(customer, record).unwrap_or(Decimal::ZERO)),
    })
}

/// What the portal needs to know of the store to show it (F33).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StoreSummary {
    pub name: String,
    /// IANA time zone the portal shows times in.
    pub time_zone: String,
    pub default_currency: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    pub principal: Principal,
    pub store: StoreSummary,
    /// For staff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff: Option<StaffUser>,
    /// For contacts and impersonated sessions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<CustomerSummary>,
    /// `null` while the customer has no credit setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credit: Option<Option<CreditSummary>>,
    /// Active now for this customer: audience all or one of its tags, `starts_at <= now < ends_at`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub announcements: Option<Vec<Announcement>>,
}

/// The caller: principal, and either the staff user or the customer's summary, credit and
/// active announcements.
#[utoipa::path(get, path = "/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, description = "no valid session")))]
async fn me(State(app): State<AppState>, principal: Principal) -> AppResult<Json<Me>> {
    let settings = shared::settings::load(&app.store).await?;
    let store = StoreSummary {
        name: settings.store_name,
        time_zone: settings.time_zone,
        default_currency: settings.default_currency,
    };
    if principal.is_staff() {
        let staff = staff::current(&app.store, &principal).await?;
        return Ok(Json(Me {
            principal,
            store,
            staff: Some(staff),
            customer: None,
            credit: None,
            announcements: None,
        }));
    }
    let customer_id = principal.customer_scope()?;
    let customer_pk = keys::customer_pk(customer_id);
    let (customer, record) = tokio::join!(
        app.store
            .get::<Customer>(&customer_pk, keys::CUSTOMER_PROFILE_SK),
        CreditRecord::load(&app.store, customer_id)
    );
    let customer = customer?.ok_or(AppError::NotFound)?;
    let record = record?;
    let announcements =
        announcements::active_for(&app.store, &customer.tags, chrono::Utc::now()).await?;
    let credit = credit_summary(&customer, &record);
    Ok(Json(Me {
        store,
        customer: Some(CustomerSummary::from(&customer)),
        credit: Some(credit),
        announcements: Some(announcements),
        staff: None,
        principal,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn available_is_limit_minus_commitments_in_cents() {
        let mut customer = Customer::new(
            "C1",
            CustomerStatus::Active,
            Name::parse("Uno").unwrap(),
            Name::parse("X").unwrap(),
            shared::types::Email::parse("a@uno.mx").unwrap(),
        );
        customer.credit = Some(shared::customers::CreditSetting {
            terms: PaymentTerms::Credit,
            credit_days: 30,
            limit: Decimal::new(50000, 0),
            currency: "MXN".into(),
        });
        let record = CreditRecord {
            open_orders: Decimal::new(120050, 2),
            unpaid_by_currency: [("MXN".to_string(), Decimal::new(1000, 0))].into(),
        };
        let s = credit_summary(&customer, &record).unwrap();
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["limit"], "50000.00");
        assert_eq!(json["open_orders"], "1200.50");
        assert_eq!(json["unpaid"], "1000.00");
        assert_eq!(json["available"], "47799.50");
    }
}
