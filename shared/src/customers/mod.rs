//! Customers and their contacts (F3-F6). The model is in [`model`]; the business actions
//! (create, update, status changes, readiness, contacts and accesses) live beside it.

pub mod model;

pub use model::*;
