//! The catalog: items, search, warehouses and stock (F14-F18, F20).
//!
//! - [`model`]: items, warehouses, stock and the validation of their inputs.
//! - [`text`]: folding of text for sorting, filtering and search.
//! - [`items`]: item records, their listing indexes, search words and facet counters.
//! - [`warehouses`], [`stock`]: warehouses and on-hand / reserved stock.
//! - [`browse`]: the storefront reads (list, search, detail, facets) with prices and availability.
//! - [`files`]: CSV / JSON import and export of items, prices and stock.

pub mod browse;
pub mod files;
pub mod items;
pub mod model;
pub mod stock;
pub mod text;
pub mod warehouses;

pub use model::*;
