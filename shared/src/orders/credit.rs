//! The customer's credit record (`CUST#<id>` / `CREDIT`) and the F22 rule on open orders.
//!
//! The record holds numbers DynamoDB can add atomically: `open_orders` (value of placed and
//! claimed orders), `unpaid_<CUR>` (unpaid documents in currency `CUR`, set by the documents /
//! ERP sync: only those in the customer's credit currency count against its limit, and a change
//! of that currency then counts the right ones) and `limit` (mirrored from the customer's credit
//! setting). DynamoDB conditions cannot do arithmetic, so
//! "`open_orders + total <= limit - unpaid` and `<= cap`" is written as
//! `open_orders <= :max_open_before` (computed here from what was read) and
//! `unpaid_<CUR> <= :unpaid_seen`: concurrent orders only make `open_orders` grow, so the
//! condition holds exactly when the order still fits, whatever was committed since the read.

use std::collections::BTreeMap;
use std::str::FromStr;

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::customers::{Customer, PaymentTerms};
use crate::error::{AppError, FieldError};
use crate::store::{self, keys, Store, StoreError};
use crate::types::now_rfc3339;

/// What the credit record says now (missing record or attribute = zero).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CreditRecord {
    pub open_orders: Decimal,
    /// Unpaid documents per currency code.
    pub unpaid_by_currency: BTreeMap<String, Decimal>,
}

/// The record's attribute holding the unpaid documents in `currency`.
pub fn unpaid_attribute(currency: &str) -> String {
    format!("unpaid_{}", currency.trim().to_ascii_uppercase())
}

fn number(item: &store::Item, name: &str) -> Decimal {
    match item.get(name) {
        Some(AttributeValue::N(n)) => Decimal::from_str(n)
            .or_else(|_| Decimal::from_scientific(n))
            .unwrap_or_default(),
        Some(AttributeValue::S(s)) => Decimal::from_str(s).unwrap_or_default(),
        _ => Decimal::ZERO,
    }
}

impl CreditRecord {
    pub fn key(customer_id: &str) -> (String, String) {
        (keys::customer_pk(customer_id), keys::CREDIT_SK.to_string())
    }

    pub fn from_item(item: Option<&store::Item>) -> Self {
        match item {
            None => Self::default(),
            Some(item) => Self {
                open_orders: number(item, "open_orders"),
                unpaid_by_currency: item
                    .keys()
                    .filter_map(|name| name.strip_prefix("unpaid_"))
                    .map(|currency| {
                        (
                            currency.to_string(),
                            number(item, &unpaid_attribute(currency)),
                        )
                    })
                    .collect(),
            },
        }
    }

    /// Unpaid documents in `currency` (other currencies never count against a limit in this one).
    pub fn unpaid_in(&self, currency: &str) -> Decimal {
        self.unpaid_by_currency
            .get(&currency.trim().to_ascii_uppercase())
            .copied()
            .unwrap_or_default()
    }

    pub async fn load(store: &Store, customer_id: &str) -> Result<Self, StoreError> {
        let (pk, sk) = Self::key(customer_id);
        Ok(Self::from_item(store.get_item(&pk, &sk).await?.as_ref()))
    }
}

/// Why an order does not fit the customer's credit or cap.
#[derive(Debug, Clone, PartialEq)]
pub enum CreditRefusal {
    /// CREDIT customers: `total > limit - unpaid - open_orders`.
    CreditExceeded { available: Decimal, total: Decimal },
    /// `open_orders + total > cap`.
    CapExceeded {
        cap: Decimal,
        open_orders: Decimal,
        total: Decimal,
    },
    /// The credit limit is in another currency than the order.
    CurrencyMismatch { credit: String, order: String },
}

impl CreditRefusal {
    pub fn into_error(self, currency: &str) -> AppError {
        match self {
            CreditRefusal::CreditExceeded { available, total } => AppError::Conflict {
                code: "credit-exceeded",
                message: format!(
                    "the order total {total} {currency} exceeds the available credit {available} {currency} (limit minus unpaid documents minus open orders)"
                ),
                errors: vec![FieldError::new(
                    "total",
                    format!("exceeds the available credit of {available} {currency}"),
                )],
            },
            CreditRefusal::CapExceeded {
                cap,
                open_orders,
                total,
            } => AppError::Conflict {
                code: "open-orders-cap-exceeded",
                message: format!(
                    "open orders would reach {} {currency}, above this customer's cap of {cap} {currency}",
                    open_orders + total
                ),
                errors: vec![FieldError::new(
                    "total",
                    format!(
                        "with the open orders ({open_orders} {currency}) exceeds the cap of {cap} {currency}"
                    ),
                )],
            },
            CreditRefusal::CurrencyMismatch { credit, order } => AppError::Conflict {
                code: "currency-mismatch",
                message: format!(
                    "the credit limit is in {credit} but the order is in {order}; staff must align the customer's credit and price list"
                ),
                errors: vec![FieldError::new("credit.currency", format!("is {credit}, not {order}"))],
            },
        }
    }
}

/// The bound the credit update is conditioned on, computed from the record as read.
#[derive(Debug, Clone, PartialEq)]
pub struct CreditGuard {
    /// `open_orders` must not exceed this before adding the order (`None`: no limit, no cap).
    pub max_open_before: Option<Decimal>,
    /// CREDIT customers: the unpaid attribute of the credit currency must not have grown since
    /// the read.
    pub unpaid_seen: Option<(String, Decimal)>,
    pub limit: Option<Decimal>,
}

/// F22: whether an order of `total` fits, and the condition that keeps it true at write time.
pub fn check_credit(
    customer: &Customer,
    record: &CreditRecord,
    default_cap: Option<Decimal>,
    total: Decimal,
    currency: &str,
) -> Result<CreditGuard, CreditRefusal> {
    let mut bounds: Vec<Decimal> = Vec::new();
    let mut guard = CreditGuard {
        max_open_before: None,
        unpaid_seen: None,
        limit: None,
    };
    if let Some(credit) = customer
        .credit
        .as_ref()
        .filter(|c| c.terms == PaymentTerms::Credit)
    {
        if !credit.currency.eq_ignore_ascii_case(currency) {
            return Err(CreditRefusal::CurrencyMismatch {
                credit: credit.currency.clone(),
                order: currency.to_string(),
            });
        }
        let unpaid = record.unpaid_in(&credit.currency);
        let available = credit.limit - unpaid - record.open_orders;
        if total > available {
            return Err(CreditRefusal::CreditExceeded {
                available: available.max(Decimal::ZERO),
                total,
            });
        }
        bounds.push(credit.limit - unpaid - total);
        guard.unpaid_seen = Some((unpaid_attribute(&credit.currency), unpaid));
        guard.limit = Some(credit.limit);
    }
    if let Some(cap) = customer.open_orders_cap.or(default_cap) {
        if record.open_orders + total > cap {
            return Err(CreditRefusal::CapExceeded {
                cap,
                open_orders: record.open_orders,
                total,
            });
        }
        bounds.push(cap - total);
    }
    guard.max_open_before = bounds.into_iter().min();
    Ok(guard)
}

/// The credit still available to a CREDIT customer, as [`check_credit`] counts it: the limit
/// minus unpaid documents in the credit's currency minus open orders, never below zero. `None`
/// for customers without credit terms (CASH or no setting): ordering checks no credit for them.
pub fn available(customer: &Customer, record: &CreditRecord) -> Option<Decimal> {
    let credit = customer
        .credit
        .as_ref()
        .filter(|c| c.terms == PaymentTerms::Credit)?;
    Some(
        (credit.limit - record.unpaid_in(&credit.currency) - record.open_orders).max(Decimal::ZERO),
    )
}

/// The conditional `ADD open_orders :total` for the placement's transaction.
pub fn reserve_action(
    store: &Store,
    customer_id: &str,
    total: Decimal,
    currency: &str,
    guard: &CreditGuard,
) -> Result<TransactWriteItem, StoreError> {
    let (pk, sk) = CreditRecord::key(customer_id);
    let mut conditions = Vec::new();
    let mut values = vec![
        (":total", store::n(total)),
        (":now", store::s(&now_rfc3339())),
        (":currency", store::s(currency)),
        (":customer", store::s(customer_id)),
    ];
    if let Some(max) = guard.max_open_before {
        conditions.push("(attribute_not_exists(open_orders) OR open_orders <= :max_open)");
        values.push((":max_open", store::n(max)));
    }
    let mut names: Vec<(&str, &str)> = Vec::new();
    if let Some((attribute, unpaid)) = &guard.unpaid_seen {
        conditions.push("(attribute_not_exists(#unpaid) OR #unpaid <= :unpaid_seen)");
        names.push(("#unpaid", attribute.as_str()));
        values.push((":unpaid_seen", store::n(unpaid)));
    }
    let mut update =
        "ADD open_orders :total SET updated_at = :now, currency = :currency, customer_id = :customer"
            .to_string();
    if let Some(limit) = guard.limit {
        update.push_str(", #limit = :limit");
        names.push(("#limit", "limit"));
        values.push((":limit", store::n(limit)));
    }
    let condition = (!conditions.is_empty()).then(|| conditions.join(" AND "));
    store.tx_update(&pk, &sk, &update, condition.as_deref(), &names, values)
}

/// `ADD open_orders -:total`: the order stopped being open (fulfilled, cancelled, expired).
pub fn release_action(
    store: &Store,
    customer_id: &str,
    total: Decimal,
) -> Result<TransactWriteItem, StoreError> {
    let (pk, sk) = CreditRecord::key(customer_id);
    store.tx_update(
        &pk,
        &sk,
        "ADD open_orders :minus SET updated_at = :now",
        None,
        &[],
        vec![
            (":minus", store::n(-total)),
            (":now", store::s(&now_rfc3339())),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customers::{CreditSetting, CustomerStatus};
    use crate::types::{Email, Name};

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn customer(terms: PaymentTerms, limit: &str, cap: Option<&str>) -> Customer {
        let mut c = Customer::new(
            "C1",
            CustomerStatus::Active,
            Name::parse("Uno").unwrap(),
            Name::parse("X").unwrap(),
            Email::parse("a@uno.mx").unwrap(),
        );
        c.credit = Some(CreditSetting {
            terms,
            credit_days: 30,
            limit: d(limit),
            currency: "MXN".into(),
        });
        c.open_orders_cap = cap.map(d);
        c
    }

    fn record(open: &str, unpaid: &str) -> CreditRecord {
        CreditRecord {
            open_orders: d(open),
            unpaid_by_currency: [("MXN".to_string(), d(unpaid))].into(),
        }
    }

    #[test]
    fn credit_customers_buy_within_limit_minus_unpaid_minus_open() {
        let c = customer(PaymentTerms::Credit, "1000", None);
        let r = record("300", "200");
        // 1000 - 200 - 300 = 500 available.
        let guard = check_credit(&c, &r, None, d("500"), "MXN").unwrap();
        assert_eq!(guard.max_open_before, Some(d("300")));
        assert_eq!(
            guard.unpaid_seen,
            Some(("unpaid_MXN".to_string(), d("200")))
        );
        assert_eq!(
            check_credit(&c, &r, None, d("500.01"), "MXN"),
            Err(CreditRefusal::CreditExceeded {
                available: d("500"),
                total: d("500.01")
            })
        );
    }

    #[test]
    fn the_tighter_of_credit_and_cap_bounds_the_write() {
        let c = customer(PaymentTerms::Credit, "1000", Some("400"));
        let guard = check_credit(&c, &record("100", "0"), None, d("250"), "MXN").unwrap();
        // Credit allows open <= 750, the cap open <= 150.
        assert_eq!(guard.max_open_before, Some(d("150")));
        assert!(matches!(
            check_credit(&c, &record("100", "0"), None, d("301"), "MXN"),
            Err(CreditRefusal::CapExceeded { .. })
        ));
    }

    #[test]
    fn cash_customers_are_bounded_by_the_cap_only_and_the_default_cap_applies() {
        let c = customer(PaymentTerms::Cash, "0", None);
        let guard = check_credit(&c, &record("0", "99999"), None, d("5000"), "MXN").unwrap();
        assert_eq!(guard.max_open_before, None);
        assert_eq!(guard.unpaid_seen, None);
        let guard =
            check_credit(&c, &record("100", "0"), Some(d("1000")), d("900"), "MXN").unwrap();
        assert_eq!(guard.max_open_before, Some(d("100")));
        assert!(
            check_credit(&c, &record("100", "0"), Some(d("1000")), d("900.01"), "MXN").is_err()
        );
        // The customer's own cap wins over the default.
        let c = customer(PaymentTerms::Cash, "0", Some("5000"));
        assert!(check_credit(&c, &record("100", "0"), Some(d("1000")), d("4900"), "MXN").is_ok());
    }

    #[test]
    fn credit_in_another_currency_is_refused() {
        let c = customer(PaymentTerms::Credit, "1000", None);
        assert!(matches!(
            check_credit(&c, &record("0", "0"), None, d("1"), "USD"),
            Err(CreditRefusal::CurrencyMismatch { .. })
        ));
    }

    #[test]
    fn numbers_are_read_from_the_record() {
        let item: store::Item = [
            ("open_orders".to_string(), AttributeValue::N("12.5".into())),
            ("unpaid_MXN".to_string(), AttributeValue::N("3".into())),
            ("unpaid_USD".to_string(), AttributeValue::N("40".into())),
        ]
        .into_iter()
        .collect();
        let read = CreditRecord::from_item(Some(&item));
        assert_eq!(read.open_orders, d("12.5"));
        assert_eq!(read.unpaid_in("MXN"), d("3"));
        assert_eq!(read.unpaid_in("usd"), d("40"));
        assert_eq!(read.unpaid_in("EUR"), Decimal::ZERO);
        // Unpaid documents in another currency leave the MXN credit alone.
        let c = customer(PaymentTerms::Credit, "100", None);
        assert_eq!(available(&c, &read), Some(d("84.5")));
        assert!(check_credit(&c, &read, None, d("84.5"), "MXN").is_ok());
        assert_eq!(CreditRecord::from_item(None), CreditRecord::default());
    }
}
