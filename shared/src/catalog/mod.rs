//! The catalog: items, search, warehouses and stock.

pub mod model;

pub use model::*;
