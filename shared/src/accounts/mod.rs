//! Logins and the flows around them: login, invitations, password resets, registration requests.

pub mod login;
