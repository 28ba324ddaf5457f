//! The one library crate: domain model and rules, the DynamoDB store, auth, HTTP helpers and
//! messaging. Function crates are thin adapters over this.

pub mod accounts;
pub mod activity;
pub mod announcements;
pub mod app;
pub mod auth;
pub mod aws;
pub mod aws_ops;
pub mod catalog;
pub mod config;
pub mod customers;
pub mod documents;
pub mod email;
pub mod error;
pub mod http;
pub mod localstack;
pub mod messaging;
pub mod openapi;
pub mod orders;
pub mod pricing;
pub mod reports;
pub mod routes;
#[cfg(feature = "secrets")]
pub mod secrets;
pub mod settings;
pub mod staff;
pub mod store;
#[cfg(all(feature = "sqs", feature = "secrets"))]
pub mod sync;
pub mod telemetry;
pub mod timeline;
pub mod types;

pub use app::{App, AppState};
pub use error::{AppError, AppResult, FieldError};

#[cfg(feature = "testing")]
pub mod testing;
