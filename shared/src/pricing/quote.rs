//! The quote engine: lines in, priced lines, tax and totals out, with which lines cannot be
//! bought and why. Pure and exact (`Decimal`), used by `POST /v1/pricing/quote`, the cart and
//! order placement alike.
//!
//! Rounding rule: a unit price keeps up to four decimals ([`super::book::unit_amount`]); each
//! line's subtotal (`unit_price x quantity`) and tax (`subtotal x tax_rate`) are rounded to
//! cents half away from zero (`MidpointAwayFromZero`), the line total is their sum, and the
//! order's subtotal, tax and total are the sums of the rounded purchasable lines, so the lines
//! always add up to the totals exactly.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::book::PriceBook;
use super::model::Tier;
use crate::catalog::{Sku, Stock};
use crate::settings::StockDisplay;
use crate::store::{self, keys};

/// Most lines one quote (and one order) may have.
pub const MAX_QUOTE_LINES: usize = 500;
/// Most units of one SKU on one line.
pub const MAX_LINE_QUANTITY: i64 = 1_000_000;

/// One requested line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QuoteLineRequest {
    pub sku: Sku,
    /// Units, 1 to 1,000,000; anything else makes the line not purchasable (`invalid_quantity`).
    pub quantity: i64,
}

/// Why a line cannot be bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineIssue {
    /// No such item in this customer's catalog (also for items the customer may not see, so
    /// nothing about them leaks).
    NotFound,
    /// The item is in the customer's catalog but no longer sold.
    Inactive,
    /// Quantity below 1 or above the maximum.
    InvalidQuantity,
    /// The customer's price list has no price for the item.
    NoPrice,
    /// The chosen warehouse has fewer units available than asked.
    StockShort,
}

impl LineIssue {
    fn message(self, available: Option<i64>) -> String {
        match self {
            LineIssue::NotFound => "this item is not in your catalog".into(),
            LineIssue::Inactive => "this item is no longer sold".into(),
            LineIssue::InvalidQuantity => {
                format!("the quantity must be between 1 and {MAX_LINE_QUANTITY}")
            }
            LineIssue::NoPrice => "this item has no price in your price list".into(),
            LineIssue::StockShort => match available {
                Some(n) => format!("only {n} available in the chosen warehouse"),
                None => "not enough stock in the chosen warehouse".into(),
            },
        }
    }
}

/// Availability of a line's item in the chosen warehouse, shown as the settings say (F18).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LineAvailability {
    pub in_stock: bool,
    /// Units available (on hand - reserved); absent when stock is shown only as yes/no.
    pub available_quantity: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct QuotedLine {
    pub sku: Sku,
    pub quantity: i64,
    pub purchasable: bool,
    pub reason: Option<LineIssue>,
    /// Human explanation of `reason`.
    pub message: Option<String>,
    pub name: Option<String>,
    pub unit: Option<String>,
    #[schema(value_type = Option<String>)]
    pub list_unit_price: Option<Decimal>,
    pub tier_applied: Option<Tier>,
    #[schema(value_type = Option<String>)]
    pub special_price: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub discount_percent: Option<Decimal>,
    /// Net unit price before tax.
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub tax_rate: Option<Decimal>,
    /// `unit_price x quantity`, rounded to cents.
    #[schema(value_type = Option<String>)]
    pub subtotal: Option<Decimal>,
    /// `subtotal x tax_rate`, rounded to cents.
    #[schema(value_type = Option<String>)]
    pub tax: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub total: Option<Decimal>,
    pub availability: Option<LineAvailability>,
}

/// A priced set of lines. Totals add up the purchasable lines only.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Quote {
    /// The price list's currency; every amount is in it.
    pub currency: Option<String>,
    pub price_list_id: Option<String>,
    pub warehouse_id: String,
    pub lines: Vec<QuotedLine>,
    #[schema(value_type = String, example = "1200.00")]
    pub subtotal: Decimal,
    #[schema(value_type = String, example = "192.00")]
    pub tax: Decimal,
    #[schema(value_type = String, example = "1392.00")]
    pub total: Decimal,
    /// True when every line can be bought as asked.
    pub all_purchasable: bool,
    pub stock_display: StockDisplay,
}

/// Available units per SKU in one warehouse.
#[derive(Debug, Clone, Default)]
pub struct StockLevels {
    pub warehouse_id: String,
    available: HashMap<Sku, i64>,
}

impl StockLevels {
    /// The stock keys (`WH#<wh>`/`SKU#<sku>`) to add to the same BatchGet as the prices.
    pub fn keys(warehouse_id: &str, skus: &[Sku]) -> Vec<(String, String)> {
        let pk = keys::warehouse_pk(warehouse_id);
        skus.iter()
            .map(|sku| (pk.clone(), keys::stock_sk(sku.as_str())))
            .collect()
    }

    /// Picks this warehouse's stock records out of fetched items; a SKU without one has none.
    pub fn from_fetched(warehouse_id: &str, fetched: &[store::Item]) -> Self {
        let pk = keys::warehouse_pk(warehouse_id);
        let mut available = HashMap::new();
        for raw in fetched {
            let is_stock = matches!(raw.get(keys::PK), Some(AttributeValue::S(p)) if *p == pk)
                && matches!(raw.get(keys::SK), Some(AttributeValue::S(s)) if s.starts_with("SKU#"));
            if !is_stock {
                continue;
            }
            match store::from_item::<Stock>(raw.clone()) {
                Ok(stock) => {
                    available.insert(stock.sku.clone(), stock.available());
                }
                Err(e) => tracing::warn!(error = %e, "unreadable stock record"),
            }
        }
        Self {
            warehouse_id: warehouse_id.to_string(),
            available,
        }
    }

    pub fn from_map(warehouse_id: &str, available: HashMap<Sku, i64>) -> Self {
        Self {
            warehouse_id: warehouse_id.to_string(),
            available,
        }
    }

    pub fn available(&self, sku: &Sku) -> i64 {
        self.available.get(sku).copied().unwrap_or(0).max(0)
    }
}

/// Merges lines of the same SKU (quantities added), keeping the first one's position.
pub fn merge_lines(lines: &[QuoteLineRequest]) -> Vec<QuoteLineRequest> {
    let mut merged: Vec<QuoteLineRequest> = Vec::with_capacity(lines.len());
    let mut position: HashMap<&Sku, usize> = HashMap::new();
    for line in lines {
        match position.get(&line.sku) {
            Some(&i) => {
                merged[i].quantity = merged[i].quantity.saturating_add(line.quantity);
            }
            None => {
                position.insert(&line.sku, merged.len());
                merged.push(line.clone());
            }
        }
    }
    merged
}

/// Rounds money to cents, half away from zero, always showing two decimals.
pub fn cents(value: Decimal) -> Decimal {
    let mut v = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    v.rescale(2);
    v
}

/// Prices `lines` (duplicates merged) for the book's customer against `stock`.
pub fn quote(
    lines: &[QuoteLineRequest],
    book: &PriceBook,
    stock: &StockLevels,
    display: StockDisplay,
) -> Quote {
    let mut out = Vec::with_capacity(lines.len());
    let (mut subtotal, mut tax) = (Decimal::ZERO, Decimal::ZERO);
    for line in merge_lines(lines) {
        let quoted = quote_line(&line, book, stock, display);
        if quoted.purchasable {
            subtotal += quoted.subtotal.unwrap_or_default();
            tax += quoted.tax.unwrap_or_default();
        }
        out.push(quoted);
    }
    Quote {
        currency: book.currency().map(str::to_string),
        price_list_id: book.price_list().map(|l| l.id.clone()),
        warehouse_id: stock.warehouse_id.clone(),
        all_purchasable: out.iter().all(|l| l.purchasable),
        lines: out,
        subtotal: cents(subtotal),
        tax: cents(tax),
        total: cents(subtotal + tax),
        stock_display: display,
    }
}

fn quote_line(
    line: &QuoteLineRequest,
    book: &PriceBook,
    stock: &StockLevels,
    display: StockDisplay,
) -> QuotedLine {
    let mut quoted = QuotedLine {
        sku: line.sku.clone(),
        quantity: line.quantity,
        purchasable: false,
        reason: None,
        message: None,
        name: None,
        unit: None,
        list_unit_price: None,
        tier_applied: None,
        special_price: None,
        discount_percent: None,
        unit_price: None,
        tax_rate: None,
        subtotal: None,
        tax: None,
        total: None,
        availability: None,
    };
    let refuse = |mut q: QuotedLine, issue: LineIssue, available: Option<i64>| {
        q.purchasable = false;
        q.reason = Some(issue);
        q.message = Some(issue.message(available));
        q
    };
    // Items outside the customer's access look exactly like items that do not exist.
    let item = match book.item(&line.sku) {
        Some(item) if super::visibility::access_includes(book.catalog_access(), item) => item,
        _ => return refuse(quoted, LineIssue::NotFound, None),
    };
    quoted.name = Some(item.name.clone());
    quoted.unit = Some(item.unit.clone());
    if !book.may_buy(item) {
        return refuse(quoted, LineIssue::Inactive, None);
    }
    let available = stock.available(&line.sku);
    quoted.availability = Some(LineAvailability {
        in_stock: available > 0,
        available_quantity: (display == StockDisplay::Quantity).then_some(available),
    });
    if !(1..=MAX_LINE_QUANTITY).contains(&line.quantity) {
        return refuse(quoted, LineIssue::InvalidQuantity, None);
    }
    let Some(priced) = book.price(&line.sku, line.quantity as u32) else {
        return refuse(quoted, LineIssue::NoPrice, None);
    };
    let subtotal = cents(priced.unit_price * Decimal::from(line.quantity));
    let tax = cents(subtotal * priced.tax_rate);
    quoted.list_unit_price = Some(priced.list_unit_price);
    quoted.tier_applied = priced.tier_applied;
    quoted.special_price = priced.special_price;
    quoted.discount_percent = priced.discount_percent;
    quoted.unit_price = Some(priced.unit_price);
    quoted.tax_rate = Some(priced.tax_rate);
    quoted.subtotal = Some(subtotal);
    quoted.tax = Some(tax);
    quoted.total = Some(subtotal + tax);
    if available < line.quantity {
        let shown = (display == StockDisplay::Quantity).then_some(available);
        return refuse(quoted, LineIssue::StockShort, shown);
    }
    quoted.purchasable = true;
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Item;
    use crate::customers::{CatalogAccess, Customer};
    use crate::pricing::{price_book, CustomerPrice, Price, PriceList};
    use crate::store::Keys;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn sku(s: &str) -> Sku {
        Sku::parse(s).unwrap()
    }

    fn customer(discount: Option<&str>, access: CatalogAccess) -> Customer {
        serde_json::from_value(serde_json::json!({
            "id": "C1", "status": "active", "name": "Ferretería Uno", "tax_id": "XAXX010101000",
            "email": "buyer@uno.mx", "price_list_id": "PL1", "warehouse_ids": ["W1"],
            "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
            "catalog_access": access,
            "discount_percent": discount,
        }))
        .unwrap()
    }

    fn item(code: &str, item_type: &str, tax: &str, active: bool) -> Item {
        Item {
            sku: sku(code),
            name: format!("Item {code}"),
            description: String::new(),
            item_type: item_type.into(),
            brand: String::new(),
            unit: "piece".into(),
            images: vec![],
            tax_rate: d(tax),
            active,
            erp_key: None,
            version: None,
            updated_at: String::new(),
        }
    }

    fn price(code: &str, unit: &str, tiers: &[(u32, &str)]) -> crate::store::Item {
        let p = Price {
            price_list_id: "PL1".into(),
            sku: sku(code),
            unit_price: d(unit),
            tiers: tiers
                .iter()
                .map(|(m, p)| Tier {
                    min_quantity: *m,
                    unit_price: d(p),
                })
                .collect(),
            version: None,
            updated_at: String::new(),
        };
        crate::store::item(&Keys::new("PL#PL1", format!("SKU#{code}")), &p).unwrap()
    }

    fn own(code: &str, special: Option<&str>, discount: Option<&str>) -> crate::store::Item {
        let p = CustomerPrice {
            customer_id: "C1".into(),
            sku: sku(code),
            special_price: special.map(d),
            discount_percent: discount.map(d),
            updated_at: String::new(),
        };
        crate::store::item(&Keys::new("CUST#C1", format!("PRICE#{code}")), &p).unwrap()
    }

    fn list(currency: &str) -> crate::store::Item {
        let l = PriceList {
            id: "PL1".into(),
            name: "Mayoreo".into(),
            currency: currency.into(),
            has_prices: true,
            created_at: String::new(),
            updated_at: String::new(),
        };
        crate::store::item(&Keys::new("PL#PL1", "META"), &l).unwrap()
    }

    fn line(code: &str, quantity: i64) -> QuoteLineRequest {
        QuoteLineRequest {
            sku: sku(code),
            quantity,
        }
    }

    fn plenty(codes: &[&str]) -> StockLevels {
        StockLevels::from_map("W1", codes.iter().map(|c| (sku(c), 1_000)).collect())
    }

    #[test]
    fn highest_tier_not_above_the_quantity_wins() {
        let c = customer(None, CatalogAccess::All);
        let items = [item("A", "tools", "0.16", true)];
        let book = price_book(
            &c,
            &items,
            &[
                list("MXN"),
                price("A", "10.00", &[(50, "8.00"), (10, "9.00")]),
            ],
        );
        let unit = |q| book.price(&sku("A"), q).unwrap();
        assert_eq!(unit(9).unit_price, d("10.00"));
        assert_eq!(unit(9).tier_applied, None);
        assert_eq!(unit(10).unit_price, d("9.00"));
        assert_eq!(unit(10).tier_applied.unwrap().min_quantity, 10);
        assert_eq!(unit(49).unit_price, d("9.00"));
        assert_eq!(unit(50).unit_price, d("8.00"));
        assert_eq!(unit(5000).unit_price, d("8.00"));
        assert_eq!(unit(1).currency, "MXN");
        assert_eq!(unit(1).list_unit_price, d("10.00"));
        // Tiers for display come sorted.
        assert_eq!(
            unit(1)
                .tiers
                .iter()
                .map(|t| t.min_quantity)
                .collect::<Vec<_>>(),
            [10, 50]
        );
    }

    #[test]
    fn special_price_replaces_list_and_tiers_and_discount_applies_after() {
        let c = customer(Some("10"), CatalogAccess::All);
        let items = [
            item("A", "tools", "0.16", true),
            item("B", "tools", "0.16", true),
        ];
        let book = price_book(
            &c,
            &items,
            &[
                list("MXN"),
                price("A", "10.00", &[(10, "9.00")]),
                price("B", "200.00", &[]),
                own("A", Some("7.50"), None),
                own("B", None, Some("2.5")),
            ],
        );
        let a = book.price(&sku("A"), 20).unwrap();
        assert_eq!(a.special_price, Some(d("7.50")));
        assert_eq!(a.tier_applied, None);
        assert!(a.tiers.is_empty());
        // Customer-wide 10 % applies to the special price: 7.50 * 0.90.
        assert_eq!(a.discount_percent, Some(d("10")));
        assert_eq!(a.unit_price, d("6.75"));
        // The SKU's own 2.5 % overrides the customer-wide 10 %.
        let b = book.price(&sku("B"), 1).unwrap();
        assert_eq!(b.discount_percent, Some(d("2.5")));
        assert_eq!(b.unit_price, d("195.00"));
        // A 0 % SKU discount exempts the SKU from the customer-wide one.
        let book = price_book(
            &c,
            &items,
            &[
                list("MXN"),
                price("B", "200.00", &[]),
                own("B", None, Some("0")),
            ],
        );
        let b = book.price(&sku("B"), 1).unwrap();
        assert_eq!(b.discount_percent, None);
        assert_eq!(b.unit_price, d("200.00"));
    }

    #[test]
    fn discounted_unit_prices_keep_four_decimals() {
        let c = customer(Some("5"), CatalogAccess::All);
        let items = [
            item("A", "tools", "0.16", true),
            item("S", "screws", "0.16", true),
        ];
        let book = price_book(
            &c,
            &items,
            &[
                list("MXN"),
                price("A", "120.50", &[]),
                price("S", "0.33333", &[]),
            ],
        );
        // 120.50 * 0.95 = 114.475 exactly.
        assert_eq!(
            book.price(&sku("A"), 1).unwrap().unit_price.to_string(),
            "114.475"
        );
        // 0.33333 * 0.95 = 0.3166635 -> 0.3167 (half away from zero at 4 decimals).
        assert_eq!(
            book.price(&sku("S"), 1).unwrap().unit_price.to_string(),
            "0.3167"
        );
    }

    #[test]
    fn line_amounts_round_half_away_from_zero_and_totals_add_the_rounded_lines() {
        let c = customer(None, CatalogAccess::All);
        let items = [
            item("A", "tools", "0.10", true),
            item("S", "screws", "0.16", true),
        ];
        let book = price_book(
            &c,
            &items,
            &[
                list("EUR"),
                price("A", "10.25", &[]),
                price("S", "0.125", &[]),
            ],
        );
        let q = quote(
            &[line("A", 1), line("S", 3)],
            &book,
            &plenty(&["A", "S"]),
            StockDisplay::Quantity,
        );
        let a = &q.lines[0];
        // 10.25 * 0.10 = 1.025 -> 1.03 (banker's rounding would give 1.02).
        assert_eq!(a.subtotal.unwrap().to_string(), "10.25");
        assert_eq!(a.tax.unwrap().to_string(), "1.03");
        assert_eq!(a.total.unwrap().to_string(), "11.28");
        let s = &q.lines[1];
        // 0.125 * 3 = 0.375 -> 0.38; 0.38 * 0.16 = 0.0608 -> 0.06.
        assert_eq!(s.subtotal.unwrap().to_string(), "0.38");
        assert_eq!(s.tax.unwrap().to_string(), "0.06");
        assert_eq!(q.subtotal.to_string(), "10.63");
        assert_eq!(q.tax.to_string(), "1.09");
        assert_eq!(q.total.to_string(), "11.72");
        assert_eq!(q.currency.as_deref(), Some("EUR"));
        assert!(q.all_purchasable);
    }

    #[test]
    fn every_reason_a_line_cannot_be_bought() {
        let c = customer(
            None,
            CatalogAccess::Types {
                types: vec!["tools".into()],
            },
        );
        let items = [
            item("OK", "tools", "0.16", true),
            item("HIDDEN", "paint", "0.16", true),
            item("OLD", "tools", "0.16", false),
            item("NOPRICE", "tools", "0.16", true),
            item("SHORT", "tools", "0.16", true),
        ];
        let book = price_book(
            &c,
            &items,
            &[
                list("MXN"),
                price("OK", "10.00", &[]),
                price("HIDDEN", "10.00", &[]),
                price("OLD", "10.00", &[]),
                price("SHORT", "10.00", &[]),
            ],
        );
        let stock = StockLevels::from_map(
            "W1",
            [(sku("OK"), 5), (sku("SHORT"), 3), (sku("NOPRICE"), 9)]
                .into_iter()
                .collect(),
        );
        let lines = [
            line("OK", 2),
            line("HIDDEN", 1),
            line("OLD", 1),
            line("NOPRICE", 1),
            line("SHORT", 4),
            line("OK", 0),
            line("MISSING", 1),
        ];
        let q = quote(&lines, &book, &stock, StockDisplay::Quantity);
        // OK appears twice: merged into one line of 2 + 0 units.
        assert_eq!(q.lines.len(), 6);
        let by = |code: &str| q.lines.iter().find(|l| l.sku.as_str() == code).unwrap();
        assert!(by("OK").purchasable);
        assert_eq!(by("OK").quantity, 2);
        assert_eq!(by("HIDDEN").reason, Some(LineIssue::NotFound));
        // An invisible item says nothing about itself.
        assert_eq!(by("HIDDEN").name, None);
        assert_eq!(by("HIDDEN").unit_price, None);
        assert_eq!(by("HIDDEN").availability, None);
        assert_eq!(by("MISSING").reason, Some(LineIssue::NotFound));
        assert_eq!(by("OLD").reason, Some(LineIssue::Inactive));
        assert_eq!(by("NOPRICE").reason, Some(LineIssue::NoPrice));
        let short = by("SHORT");
        assert_eq!(short.reason, Some(LineIssue::StockShort));
        assert!(!short.purchasable);
        assert_eq!(
            short.availability.as_ref().unwrap().available_quantity,
            Some(3)
        );
        assert!(short.message.as_deref().unwrap().contains('3'));
        // Totals count only the purchasable line.
        assert_eq!(q.subtotal, d("20.00"));
        assert_eq!(q.tax, d("3.20"));
        assert_eq!(q.total, d("23.20"));
        assert!(!q.all_purchasable);

        let q = quote(
            &[line("OK", -1), line("SHORT", 1_000_001)],
            &book,
            &stock,
            StockDisplay::Quantity,
        );
        assert!(q
            .lines
            .iter()
            .all(|l| l.reason == Some(LineIssue::InvalidQuantity)));
        assert_eq!(q.total, d("0.00"));
    }

    #[test]
    fn yes_no_display_hides_quantities() {
        let c = customer(None, CatalogAccess::All);
        let items = [item("A", "tools", "0.16", true)];
        let book = price_book(&c, &items, &[list("MXN"), price("A", "1.00", &[])]);
        let stock = StockLevels::from_map("W1", [(sku("A"), 3)].into_iter().collect());
        let q = quote(&[line("A", 5)], &book, &stock, StockDisplay::YesNo);
        let l = &q.lines[0];
        assert_eq!(l.reason, Some(LineIssue::StockShort));
        assert_eq!(
            l.availability,
            Some(LineAvailability {
                in_stock: true,
                available_quantity: None
            })
        );
        assert!(!l.message.as_deref().unwrap().contains('3'));
    }

    #[test]
    fn another_lists_prices_and_another_customers_records_are_ignored() {
        let c = customer(None, CatalogAccess::All);
        let items = [item("A", "tools", "0.16", true)];
        let mut foreign_price = price("A", "1.00", &[]);
        foreign_price.insert("PK".into(), AttributeValue::S("PL#OTHER".into()));
        let mut foreign_own = own("A", Some("0.50"), None);
        foreign_own.insert("PK".into(), AttributeValue::S("CUST#C2".into()));
        let book = price_book(
            &c,
            &items,
            &[list("MXN"), foreign_price.clone(), foreign_own.clone()],
        );
        assert_eq!(book.price(&sku("A"), 1), None);
        let book = price_book(
            &c,
            &items,
            &[
                list("MXN"),
                price("A", "3.00", &[]),
                foreign_price,
                foreign_own,
            ],
        );
        assert_eq!(book.price(&sku("A"), 1).unwrap().unit_price, d("3.00"));
    }

    #[test]
    fn price_keys_cover_list_meta_prices_and_own_records() {
        let c = customer(None, CatalogAccess::All);
        let keys = crate::pricing::price_keys(&c, &[sku("A"), sku("B")]);
        assert_eq!(keys.len(), 5);
        assert!(keys.contains(&("PL#PL1".into(), "META".into())));
        assert!(keys.contains(&("PL#PL1".into(), "SKU#B".into())));
        assert!(keys.contains(&("CUST#C1".into(), "PRICE#A".into())));
    }
}
