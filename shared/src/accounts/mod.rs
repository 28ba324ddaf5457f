//! Logins and the flows around them: login, invitations, password resets, registration requests.

pub mod auth;
#[cfg(feature = "testing")]
pub mod fixtures;
pub mod invitations;
pub mod login;
pub mod requests;
pub mod tokens;
