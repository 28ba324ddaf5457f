//! F5 readiness: a customer cannot be invited or order until it has a price list, a credit
//! setting, at least one warehouse and a shipping method, and the price list and warehouses it
//! names exist.

use serde::Serialize;

use super::model::Customer;
use crate::error::{AppError, FieldError};
use crate::store::{keys, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    PriceList,
    Credit,
    Warehouse,
    ShippingMethod,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Readiness {
    pub customer_id: String,
    pub ready: bool,
    /// What is missing, each at most once.
    pub missing: Vec<Requirement>,
    /// Why, naming the profile field to fix.
    pub problems: Vec<FieldError>,
}

impl Readiness {
    /// The 409 answered when an action needs a ready customer.
    pub fn require(&self) -> Result<(), AppError> {
        if self.ready {
            return Ok(());
        }
        let names: Vec<&str> = self
            .missing
            .iter()
            .map(|m| match m {
                Requirement::PriceList => "price list",
                Requirement::Credit => "credit setting",
                Requirement::Warehouse => "warehouse",
                Requirement::ShippingMethod => "shipping method",
            })
            .collect();
        Err(AppError::Conflict {
            code: "customer-not-ready",
            message: format!("the customer is not ready: missing {}", names.join(", ")),
            errors: self.problems.clone(),
        })
    }
}

/// What the profile itself lacks (pure: no reads).
pub fn profile_gaps(c: &Customer) -> Vec<(Requirement, FieldError)> {
    let mut gaps = Vec::new();
    if c.price_list_id.is_none() {
        gaps.push((
            Requirement::PriceList,
            FieldError::new("price_list_id", "no price list assigned"),
        ));
    }
    if c.credit.is_none() {
        gaps.push((
            Requirement::Credit,
            FieldError::new("credit", "no credit setting"),
        ));
    }
    if c.warehouse_ids.is_empty() {
        gaps.push((
            Requirement::Warehouse,
            FieldError::new("warehouse_ids", "no warehouse assigned"),
        ));
    }
    if c.shipping_method
        .as_deref()
        .is_none_or(|m| m.trim().is_empty())
    {
        gaps.push((
            Requirement::ShippingMethod,
            FieldError::new("shipping_method", "no shipping method"),
        ));
    }
    gaps
}

/// Full readiness: the profile's gaps plus, with one BatchGet, whether the assigned price list
/// and warehouses exist.
pub async fn check(store: &Store, c: &Customer) -> Result<Readiness, StoreError> {
    let mut gaps = profile_gaps(c);
    let mut wanted = Vec::new();
    if let Some(pl) = &c.price_list_id {
        wanted.push((keys::price_list_pk(pl), keys::META_SK.to_string()));
    }
    for wh in &c.warehouse_ids {
        wanted.push((keys::warehouse_pk(wh), keys::META_SK.to_string()));
    }
    if !wanted.is_empty() {
        let found: Vec<String> = store
            .batch_get_items(wanted)
            .await?
            .into_iter()
            .filter_map(|item| item.get(keys::PK).and_then(|v| v.as_s().ok()).cloned())
            .collect();
        if let Some(pl) = &c.price_list_id {
            if !found.contains(&keys::price_list_pk(pl)) {
                gaps.push((
                    Requirement::PriceList,
                    FieldError::new("price_list_id", format!("price list {pl} does not exist")),
                ));
            }
        }
        for (i, wh) in c.warehouse_ids.iter().enumerate() {
            if !found.contains(&keys::warehouse_pk(wh)) {
                gaps.push((
                    Requirement::Warehouse,
                    FieldError::new(
                        format!("warehouse_ids[{i}]"),
                        format!("warehouse {wh} does not exist"),
                    ),
                ));
            }
        }
    }
    Ok(summarise(&c.id, gaps))
}

fn summarise(customer_id: &str, gaps: Vec<(Requirement, FieldError)>) -> Readiness {
    let mut missing = Vec::new();
    for (req, _) in &gaps {
        if !missing.contains(req) {
            missing.push(*req);
        }
    }
    Readiness {
        customer_id: customer_id.to_string(),
        ready: gaps.is_empty(),
        missing,
        problems: gaps.into_iter().map(|(_, e)| e).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customers::model::{CreditSetting, CustomerStatus, PaymentTerms};
    use crate::types::{Email, Name};

    #[test]
    fn lists_every_gap_then_none() {
        let mut c = Customer::new(
            "c1",
            CustomerStatus::Active,
            Name::parse("Acme").unwrap(),
            Name::parse("T1").unwrap(),
            Email::parse("a@b.co").unwrap(),
        );
        let r = summarise(&c.id, profile_gaps(&c));
        assert!(!r.ready);
        assert_eq!(
            r.missing,
            [
                Requirement::PriceList,
                Requirement::Credit,
                Requirement::Warehouse,
                Requirement::ShippingMethod
            ]
        );
        assert!(r.require().is_err());
        c.price_list_id = Some("pl".into());
        c.credit = Some(CreditSetting {
            terms: PaymentTerms::Cash,
            credit_days: 0,
            limit: Default::default(),
            currency: "MXN".into(),
        });
        c.warehouse_ids = vec!["w".into()];
        c.shipping_method = Some("courier".into());
        let r = summarise(&c.id, profile_gaps(&c));
        assert!(r.ready && r.missing.is_empty());
        assert!(r.require().is_ok());
    }
}
