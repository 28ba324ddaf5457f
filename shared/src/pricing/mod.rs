//! Pricing: price lists, tiers, per-customer prices and the quote engine. Plain functions,
//! called in-process by the catalog and orders functions.
//!
//! - [`book`]: `price_keys` / `price_book` / `load_price_book`: a customer's prices for a page of
//!   items from one BatchGet.
//! - [`quote`]: the pure quote engine (tiers, special prices, discounts, tax, rounding, reasons).
//! - [`visibility`]: F16, which items a customer may buy.
//! - [`admin`]: price lists, bulk price upserts, per-customer prices.
//! - [`service`]: the quote as a business action (customer, warehouse, one BatchGet).

pub mod admin;
pub mod book;
pub mod currency;
pub mod model;
pub mod quote;
pub mod service;
pub mod visibility;

pub use book::{load_price_book, price_book, price_keys, PriceBook, PricedUnit};
pub use currency::Currency;
pub use model::*;
pub use quote::{quote, LineIssue, Quote, QuoteLineRequest, QuotedLine, StockLevels};
pub use visibility::customer_may_buy;
