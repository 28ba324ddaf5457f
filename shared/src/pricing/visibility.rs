//! F16: what a customer may buy. One rule, used by the catalog (listing, detail, search, facets),
//! the quote and order placement, so an item is invisible to a customer everywhere or nowhere.

use crate::catalog::Item;
use crate::customers::CatalogAccess;

/// Whether a customer with this catalog access may see and buy `item`: the item must be active
/// and inside the access (all items, one of the listed types, or one of the listed SKUs).
/// Types compare case-insensitively; SKUs compare as SKUs (trimmed, upper-cased).
pub fn customer_may_buy(access: &CatalogAccess, item: &Item) -> bool {
    item.active && access_includes(access, item)
}

/// The access part of [`customer_may_buy`], ignoring the active flag (so a quote can tell
/// "inactive" from "not in your catalog" without revealing items outside the access).
pub fn access_includes(access: &CatalogAccess, item: &Item) -> bool {
    match access {
        CatalogAccess::All => true,
        CatalogAccess::Types { types } => types
            .iter()
            .any(|t| t.trim().eq_ignore_ascii_case(item.item_type.trim())),
        CatalogAccess::Items { skus } => skus
            .iter()
            .any(|s| s.trim().eq_ignore_ascii_case(item.sku.as_str())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Sku;
    use rust_decimal::Decimal;

    fn item(sku: &str, item_type: &str, active: bool) -> Item {
        Item {
            sku: Sku::parse(sku).unwrap(),
            name: sku.into(),
            description: String::new(),
            item_type: item_type.into(),
            brand: String::new(),
            unit: "piece".into(),
            images: vec![],
            tax_rate: Decimal::ZERO,
            active,
            erp_key: None,
            version: None,
            updated_at: String::new(),
        }
    }

    #[test]
    fn all_access_sees_every_active_item() {
        assert!(customer_may_buy(
            &CatalogAccess::All,
            &item("A", "tools", true)
        ));
        assert!(!customer_may_buy(
            &CatalogAccess::All,
            &item("A", "tools", false)
        ));
    }

    #[test]
    fn type_access_limits_to_listed_types() {
        let access = CatalogAccess::Types {
            types: vec!["Tools".into()],
        };
        assert!(customer_may_buy(&access, &item("A", "tools", true)));
        assert!(!customer_may_buy(&access, &item("B", "paint", true)));
        assert!(!customer_may_buy(&access, &item("A", "tools", false)));
    }

    #[test]
    fn item_access_limits_to_listed_skus() {
        let access = CatalogAccess::Items {
            skus: vec!["a-1".into()],
        };
        assert!(customer_may_buy(&access, &item("A-1", "tools", true)));
        assert!(!customer_may_buy(&access, &item("A-2", "tools", true)));
        assert!(!customer_may_buy(
            &CatalogAccess::Items { skus: vec![] },
            &item("A-1", "tools", true)
        ));
    }
}
