//! F28: the customer's statement: paid, unpaid, overdue and not yet due, and the credit still
//! available (the limit minus unpaid documents minus open orders, as the order check counts it).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::model::{DocumentKind, DocumentSummary};
use crate::customers::{Customer, PaymentTerms};
use crate::orders::credit::CreditRecord;

/// Totals of the customer's invoices in one currency.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CurrencyTotals {
    pub currency: String,
    pub invoices: usize,
    #[schema(value_type = String, example = "1500.00")]
    pub invoiced: Decimal,
    #[schema(value_type = String, example = "1000.00")]
    pub paid: Decimal,
    #[schema(value_type = String, example = "500.00")]
    pub unpaid: Decimal,
    /// Unpaid and past the due date.
    #[schema(value_type = String, example = "200.00")]
    pub overdue: Decimal,
    #[schema(value_type = String, example = "300.00")]
    pub not_yet_due: Decimal,
}

/// The statement's credit figures (`StatementCredit` in the API document: `/v1/me` has its own,
/// different `CreditSummary`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = StatementCredit)]
pub struct CreditSummary {
    /// `CASH` or `CREDIT`; `null` when the customer has no credit setting.
    pub terms: Option<PaymentTerms>,
    pub currency: Option<String>,
    #[schema(value_type = String)]
    pub limit: Decimal,
    /// Unpaid documents, as the order check counts them.
    #[schema(value_type = String)]
    pub unpaid: Decimal,
    /// Value of placed and claimed orders.
    #[schema(value_type = String)]
    pub open_orders: Decimal,
    /// `limit - unpaid - open_orders`, never below zero; zero for CASH customers.
    #[schema(value_type = String)]
    pub available: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Statement {
    pub customer_id: String,
    /// The date overdue is judged on (`YYYY-MM-DD`, UTC).
    pub as_of: String,
    /// The currency of the top-level totals: the customer's credit currency, else the one most
    /// of its invoices are in.
    pub currency: String,
    #[schema(value_type = String)]
    pub paid: Decimal,
    #[schema(value_type = String)]
    pub unpaid: Decimal,
    #[schema(value_type = String)]
    pub overdue: Decimal,
    #[schema(value_type = String)]
    pub not_yet_due: Decimal,
    pub credit: CreditSummary,
    /// Every currency the customer has invoices in (usually one).
    pub by_currency: Vec<CurrencyTotals>,
}

fn cents(mut value: Decimal) -> Decimal {
    value = value.round_dp(2);
    value.rescale(2);
    value
}

/// The statement from the customer's documents (their list entries) and credit record.
pub fn statement(
    customer: &Customer,
    credit: &CreditRecord,
    documents: &[DocumentSummary],
    today: &str,
    default_currency: &str,
) -> Statement {
    let mut by_currency: BTreeMap<String, CurrencyTotals> = BTreeMap::new();
    for doc in documents.iter().filter(|d| d.kind == DocumentKind::Invoice) {
        let totals = by_currency
            .entry(doc.currency.clone())
            .or_insert_with(|| CurrencyTotals {
                currency: doc.currency.clone(),
                ..Default::default()
            });
        totals.invoices += 1;
        if doc.status == super::model::DocumentStatus::Cancelled {
            continue;
        }
        totals.invoiced += doc.total;
        totals.paid += doc.paid.min(doc.total);
        totals.unpaid += doc.balance;
        if doc.is_overdue(today) {
            totals.overdue += doc.balance;
        } else {
            totals.not_yet_due += doc.balance;
        }
    }
    for totals in by_currency.values_mut() {
        totals.invoiced = cents(totals.invoiced);
        totals.paid = cents(totals.paid);
        totals.unpaid = cents(totals.unpaid);
        totals.overdue = cents(totals.overdue);
        totals.not_yet_due = cents(totals.not_yet_due);
    }
    let setting = customer.credit.as_ref();
    let currency = setting
        .map(|c| c.currency.clone())
        .or_else(|| {
            by_currency
                .values()
                .max_by_key(|t| t.invoices)
                .map(|t| t.currency.clone())
        })
        .unwrap_or_else(|| default_currency.to_string());
    let main = by_currency
        .get(&currency)
        .cloned()
        .unwrap_or(CurrencyTotals {
            currency: currency.clone(),
            ..Default::default()
        });
    let limit = setting
        .filter(|c| c.terms == PaymentTerms::Credit)
        .map(|c| c.limit)
        .unwrap_or(Decimal::ZERO);
    // What ordering enforces (zero for CASH customers, whom no credit is extended).
    let available = crate::orders::credit::available(customer, credit).unwrap_or(Decimal::ZERO);
    let unpaid = credit.unpaid_in(&currency);
    Statement {
        customer_id: customer.id.clone(),
        as_of: today.to_string(),
        currency,
        paid: main.paid,
        unpaid: main.unpaid,
        overdue: main.overdue,
        not_yet_due: main.not_yet_due,
        credit: CreditSummary {
            terms: setting.map(|c| c.terms),
            currency: setting.map(|c| c.currency.clone()),
            limit: cents(limit),
            unpaid: cents(unpaid),
            open_orders: cents(credit.open_orders),
            available: cents(available),
        },
        by_currency: by_currency.into_values().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customers::{CreditSetting, CustomerStatus};
    use crate::documents::model::DocumentStatus;
    use crate::types::{Email, Name};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn invoice(total: &str, paid: &str, due: &str, status: DocumentStatus) -> DocumentSummary {
        let balance =
            crate::documents::model::balance_of(DocumentKind::Invoice, status, d(total), d(paid));
        DocumentSummary {
            id: "x".into(),
            kind: DocumentKind::Invoice,
            number: "1".into(),
            status,
            issued_on: "2025-01-01".into(),
            due_on: Some(due.into()),
            currency: "MXN".into(),
            total: d(total),
            paid: d(paid),
            balance,
        }
    }

    #[test]
    fn splits_unpaid_into_overdue_and_not_yet_due_and_subtracts_open_orders() {
        let mut customer = Customer::new(
            "C1",
            CustomerStatus::Active,
            Name::parse("Uno").unwrap(),
            Name::parse("X").unwrap(),
            Email::parse("a@uno.mx").unwrap(),
        );
        customer.credit = Some(CreditSetting {
            terms: PaymentTerms::Credit,
            credit_days: 30,
            limit: d("10000"),
            currency: "MXN".into(),
        });
        let docs = vec![
            invoice("1000", "1000", "2025-01-31", DocumentStatus::Issued),
            invoice("500", "100", "2025-01-31", DocumentStatus::Issued),
            invoice("300", "0", "2025-03-31", DocumentStatus::Issued),
            invoice("999", "0", "2025-01-31", DocumentStatus::Cancelled),
        ];
        let credit = CreditRecord {
            open_orders: d("1200"),
            unpaid_by_currency: [("MXN".to_string(), d("700"))].into(),
        };
        let s = statement(&customer, &credit, &docs, "2025-02-15", "MXN");
        assert_eq!(s.paid, d("1100.00"));
        assert_eq!(s.unpaid, d("700.00"));
        assert_eq!(s.overdue, d("400.00"));
        assert_eq!(s.not_yet_due, d("300.00"));
        assert_eq!(s.credit.available, d("8100.00"));
        assert_eq!(s.paid.to_string(), "1100.00");
        assert_eq!(s.by_currency[0].invoices, 4);
    }

    #[test]
    fn cash_customers_have_no_credit_available() {
        let customer = Customer::new(
            "C1",
            CustomerStatus::Active,
            Name::parse("Uno").unwrap(),
            Name::parse("X").unwrap(),
            Email::parse("a@uno.mx").unwrap(),
        );
        let s = statement(
            &customer,
            &CreditRecord::default(),
            &[],
            "2025-02-15",
            "USD",
        );
        assert_eq!(s.currency, "USD");
        assert_eq!(s.credit.available, Decimal::ZERO);
        assert!(s.credit.terms.is_none());
    }
}
