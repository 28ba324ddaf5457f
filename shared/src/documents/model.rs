//! Invoices, proformas and receipts as the ERP issues them (F27), and what they add to the
//! customer's unpaid balance (F28).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::store::{keys, Keys};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Invoice,
    Proforma,
    Receipt,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::Proforma => "proforma",
            DocumentKind::Receipt => "receipt",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Invoice, Self::Proforma, Self::Receipt]
            .into_iter()
            .find(|k| k.as_str() == value)
    }
}

/// `cancelled` documents (voided in the ERP) stay visible but owe nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    #[default]
    Issued,
    Cancelled,
}

/// Fiscal identity of the seller (issuer) or of the customer (receiver), as printed on the
/// document when it was issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Party {
    pub name: String,
    pub tax_id: String,
    #[serde(default)]
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentLine {
    #[serde(default)]
    pub sku: Option<String>,
    pub description: String,
    #[schema(value_type = String, example = "2")]
    pub quantity: Decimal,
    #[serde(default)]
    pub unit: Option<String>,
    #[schema(value_type = String, example = "114.50")]
    pub unit_price: Decimal,
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "0.16")]
    pub tax_rate: Option<Decimal>,
    /// The line's amount as the ERP computed it.
    #[schema(value_type = String, example = "229.00")]
    pub total: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Document {
    /// The portal's id (derived from the ERP key, so re-sending a document keeps its id).
    pub id: String,
    /// The ERP's key of the document.
    pub erp_key: String,
    pub kind: DocumentKind,
    pub number: String,
    #[serde(default)]
    pub status: DocumentStatus,
    pub customer_id: String,
    /// `YYYY-MM-DD`.
    pub issued_on: String,
    /// `YYYY-MM-DD`; invoices bought on credit.
    #[serde(default)]
    pub due_on: Option<String>,
    /// ISO 4217.
    pub currency: String,
    pub lines: Vec<DocumentLine>,
    #[schema(value_type = String)]
    pub subtotal: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    /// Paid so far (invoices) or the amount received (receipts).
    #[schema(value_type = String)]
    pub paid: Decimal,
    /// What the customer still owes on this document: invoices only, `total - paid`.
    #[schema(value_type = String)]
    pub balance: Decimal,
    #[serde(default)]
    pub issuer: Option<Party>,
    #[serde(default)]
    pub receiver: Option<Party>,
    /// Numbers of related documents (the invoices a receipt pays, ...).
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// The ERP version of this record (normalised; see `sync::version`).
    pub version: String,
    pub updated_at: String,
}

/// A document in the customer's list (`CUST#<id>` / `DOC#<date>#<number>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentSummary {
    pub id: String,
    pub kind: DocumentKind,
    pub number: String,
    #[serde(default)]
    pub status: DocumentStatus,
    pub issued_on: String,
    #[serde(default)]
    pub due_on: Option<String>,
    pub currency: String,
    #[schema(value_type = String)]
    pub total: Decimal,
    #[schema(value_type = String)]
    pub paid: Decimal,
    #[schema(value_type = String)]
    pub balance: Decimal,
}

/// The portal id of the document the ERP knows by `erp_key`: stable, URL-safe, and revealing
/// nothing about other customers' numbering.
pub fn document_id(erp_key: &str) -> String {
    let digest = Sha256::digest(format!("document:{erp_key}").as_bytes());
    hex::encode(&digest[..12])
}

/// What a document adds to the customer's unpaid total: issued invoices' open amount.
pub fn balance_of(
    kind: DocumentKind,
    status: DocumentStatus,
    total: Decimal,
    paid: Decimal,
) -> Decimal {
    // "0.00", not "0": amounts keep the scale of money.
    let zero = Decimal::new(0, 2);
    if kind == DocumentKind::Invoice && status == DocumentStatus::Issued {
        (total - paid).max(zero)
    } else {
        zero
    }
}

impl Document {
    pub fn keys(&self) -> Keys {
        Keys::new(keys::document_pk(&self.id), keys::DOCUMENT_SK)
    }

    pub fn entry_keys(&self) -> Keys {
        Keys::new(
            keys::customer_pk(&self.customer_id),
            keys::document_entry_sk(&self.issued_on, &self.number),
        )
    }

    pub fn summary(&self) -> DocumentSummary {
        DocumentSummary {
            id: self.id.clone(),
            kind: self.kind,
            number: self.number.clone(),
            status: self.status,
            issued_on: self.issued_on.clone(),
            due_on: self.due_on.clone(),
            currency: self.currency.clone(),
            total: self.total,
            paid: self.paid,
            balance: self.balance,
        }
    }
}

impl DocumentSummary {
    /// Unpaid and past its due date on `today` (`YYYY-MM-DD`).
    pub fn is_overdue(&self, today: &str) -> bool {
        self.balance > Decimal::ZERO && self.due_on.as_deref().is_some_and(|due| due < today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn only_issued_invoices_owe() {
        let issued = DocumentStatus::Issued;
        assert_eq!(
            balance_of(DocumentKind::Invoice, issued, d("100"), d("30")),
            d("70")
        );
        assert_eq!(
            balance_of(DocumentKind::Invoice, issued, d("100"), d("130")),
            d("0")
        );
        assert_eq!(
            balance_of(DocumentKind::Proforma, issued, d("100"), d("0")),
            d("0")
        );
        assert_eq!(
            balance_of(DocumentKind::Receipt, issued, d("100"), d("100")),
            d("0")
        );
        assert_eq!(
            balance_of(
                DocumentKind::Invoice,
                DocumentStatus::Cancelled,
                d("100"),
                d("0")
            ),
            d("0")
        );
    }

    #[test]
    fn ids_are_stable_and_opaque() {
        assert_eq!(document_id("F-1"), document_id("F-1"));
        assert_ne!(document_id("F-1"), document_id("F-2"));
        assert_eq!(document_id("F-1").len(), 24);
    }

    #[test]
    fn overdue_needs_a_balance_and_a_past_due_date() {
        let mut s = DocumentSummary {
            id: "x".into(),
            kind: DocumentKind::Invoice,
            number: "1".into(),
            status: DocumentStatus::Issued,
            issued_on: "2025-01-01".into(),
            due_on: Some("2025-01-31".into()),
            currency: "MXN".into(),
            total: d("10"),
            paid: d("0"),
            balance: d("10"),
        };
        assert!(s.is_overdue("2025-02-01"));
        assert!(!s.is_overdue("2025-01-31"));
        s.balance = Decimal::ZERO;
        assert!(!s.is_overdue("2025-02-01"));
    }
}
