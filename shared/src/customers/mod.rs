//! Customers and their contacts (F3-F6). The model is in [`model`]; the business actions
//! (create, update, status changes, readiness, contacts and accesses) live beside it.

pub mod access;
pub mod company;
pub mod contacts;
pub mod model;
pub mod profile;
pub mod readiness;
pub mod status;

pub use model::*;
