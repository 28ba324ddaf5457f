//! Pricing: price lists, tiers, per-customer prices and the quote engine. Plain functions,
//! called in-process by the catalog and orders functions.

pub mod model;

pub use model::*;
