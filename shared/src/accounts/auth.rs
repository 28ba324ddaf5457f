//! Login (F7), invitation acceptance and password reset. Every failure of a login answers the
//! same 401 and takes the same time (unknown email, wrong password, throttled, blocked,
//! inactive customer), so nothing reveals whether an email exists.
//!
//! Throttling: each attempt is reserved on the login with a conditional write (the count of
//! failures read must still be the stored one) *before* its password is checked, so parallel
//! guesses cannot all be evaluated: one wins each count, the others are refused unchecked.
//! After [`FREE_ATTEMPTS`] failures in a row each further attempt waits a growing delay
//! ([`delay_after`]), rather than a hard lock that anyone knowing an email could set off
//! again and again. A per-client limit belongs in front (the README's WAF rate rule).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::login::{self, Login, LoginOwner, LoginStatus};
use super::tokens::{self, TokenPurpose};
use crate::auth::keys::SessionKeys;
use crate::auth::password::{hash_password, validate_new_password, verify_password};
use crate::auth::{revocation, Principal, PrincipalKind};
use crate::config::Config;
use crate::customers::model::{AccessState, Contact, CustomerStatus};
use crate::customers::{contacts, profile};
use crate::error::{AppError, AppResult};
use crate::messaging::{event_types, DomainEvent};
use crate::staff::StaffUser;
use crate::store::{self, keys, Store};
use crate::types::{now_rfc3339, Email, Language};

/// Failed attempts in a row evaluated without delay.
pub const FREE_ATTEMPTS: u32 = 3;
/// The delay after [`FREE_ATTEMPTS`] failures; it doubles with each further failure...
pub const FIRST_DELAY_SECONDS: i64 = 30;
/// ... up to this.
pub const MAX_DELAY_SECONDS: i64 = 15 * 60;
/// Longer passwords are refused before any hashing (argon2 cost grows with input).
const MAX_PASSWORD_INPUT: usize = 1024;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: Email,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Session {
    /// Bearer token (HS256 JWT).
    pub token: String,
    pub expires_at: String,
    pub principal: Principal,
}

/// The one answer to every failed login.
fn failed() -> AppError {
    AppError::Unauthenticated
}

/// How long the next attempt must wait after `failures` failures in a row: nothing for the
/// first [`FREE_ATTEMPTS`], then 30 s, 1 min, 2 min... at most 15 minutes. A password reset
/// (or a success) starts over.
pub fn delay_after(failures: u32) -> Duration {
    if failures < FREE_ATTEMPTS {
        return Duration::zero();
    }
    let doublings = (failures - FREE_ATTEMPTS).min(20);
    Duration::seconds((FIRST_DELAY_SECONDS << doublings).min(MAX_DELAY_SECONDS))
}

/// Reserves one attempt on `email`'s login: counts it as a failure and sets the delay the next
/// one waits, on the condition that the login exists, its count is still the one read (`seen`)
/// and no delay is pending. Of parallel attempts that read the same count only one wins; the
/// others are not evaluated. `false` when refused (unknown email, throttled, slot taken): the
/// same request either way, so its time does not tell which.
async fn reserve_attempt(
    store: &Store,
    email: &str,
    seen: u32,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let failures = seen.saturating_add(1);
    let millis = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let condition = if seen == 0 {
        "attribute_exists(PK) AND (attribute_not_exists(failed_attempts) OR failed_attempts = :seen) AND (attribute_not_exists(retry_at) OR attribute_type(retry_at, :null) OR retry_at <= :now)"
    } else {
        "attribute_exists(PK) AND failed_attempts = :seen AND (attribute_not_exists(retry_at) OR attribute_type(retry_at, :null) OR retry_at <= :now)"
    };
    let result = store
        .update(
            &keys::login_pk(email),
            keys::LOGIN_SK,
            "SET failed_attempts = :next, retry_at = :retry_at",
            Some(condition),
            &[],
            vec![
                (":seen", store::n(seen)),
                (":next", store::n(failures)),
                // Both written with milliseconds, so they compare as strings.
                (":retry_at", store::s(&millis(now + delay_after(failures)))),
                (":now", store::s(&millis(now))),
                // A login written with no delay holds `retry_at` as a NULL.
                (":null", store::s("NULL")),
            ],
        )
        .await;
    match result {
        Ok(()) => Ok(true),
        Err(store::StoreError::ConditionFailed) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Logs in with email and password; returns the session.
pub async fn login(
    store: &Store,
    config: &Config,
    keys: &SessionKeys,
    input: LoginRequest,
) -> AppResult<Session> {
    if input.password.len() > MAX_PASSWORD_INPUT {
        return Err(AppError::invalid("password", "is too long"));
    }
    // Before anything is written: without the keys no session could be handed out.
    let keys = keys.get().await?;
    let email = input.email.as_str();
    // Every refusal does the same work (one read, one conditional write, one argon2 check), so
    // the time does not tell an unknown email from a throttled one or a wrong password.
    let found = login::get(store, email).await?;
    let seen = found.as_ref().map_or(0, |l| l.failed_attempts);
    let reserved = reserve_attempt(store, email, seen, Utc::now()).await?;
    let Some(login) = found.filter(|_| reserved) else {
        // Unknown, throttled or raced: no guess is evaluated.
        verify_password(&input.password, None).await;
        return Err(failed());
    };
    // The attempt is counted already: a wrong password needs no further write.
    if !verify_password(&input.password, login.password_hash.as_deref()).await {
        return Err(failed());
    }
    if login.status != LoginStatus::Active {
        return Err(failed());
    }
    let principal = match &login.owner {
        LoginOwner::Contact { customer_id } => {
            let customer = profile::get(store, customer_id).await?;
            let contact = contacts::get(store, customer_id, email).await?;
            match (customer, contact) {
                (Some(customer), Some(contact))
                    if customer.status == CustomerStatus::Active
                        && contact.access == AccessState::Active =>
                {
                    Principal::contact(
                        email,
                        contact.name.as_str(),
                        customer_id,
                        contact.permissions,
                        config.session_minutes,
                    )
                    .issued_after(
                        login
                            .sessions_valid_after
                            .max(customer.sessions_valid_after),
                    )
                }
                _ => return Err(failed()),
            }
        }
        LoginOwner::Staff { staff_id } => {
            let staff: Option<StaffUser> =
                store.get(&keys::staff_pk(staff_id), keys::STAFF_SK).await?;
            match staff {
                Some(staff) if staff.active => Principal::staff(
                    staff_id,
                    staff.name.as_str(),
                    staff.role,
                    config.session_minutes,
                )
                .issued_after(login.sessions_valid_after.max(staff.sessions_valid_after)),
                _ => return Err(failed()),
            }
        }
    };
    let now = now_rfc3339();
    store
        .transact(vec![store.tx_update(
            &keys::login_pk(email),
            keys::LOGIN_SK,
            "SET failed_attempts = :zero, last_login_at = :now REMOVE retry_at, locked_until",
            Some("attribute_exists(PK)"),
            &[],
            vec![(":zero", store::n(0)), (":now", store::s(&now))],
        )?])
        .await?;
    if let LoginOwner::Contact { customer_id } = &login.owner {
        touch_contact(store, customer_id, email, &now).await;
        crate::activity::record(store, &principal, "login", json!({})).await;
    }
    Ok(Session {
        token: principal.token(keys),
        expires_at: principal
            .expires_at()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        principal,
    })
}

/// F6 last access; best effort (a failed write must not fail the login).
async fn touch_contact(store: &Store, customer_id: &str, email: &str, now: &str) {
    let update = store.tx_update(
        &keys::customer_pk(customer_id),
        &keys::contact_sk(email),
        "SET last_access_at = :now",
        Some("attribute_exists(PK)"),
        &[],
        vec![(":now", store::s(now))],
    );
    let result = match update {
        Ok(action) => store.transact(vec![action]).await,
        Err(e) => Err(e),
    };
    if let Err(err) = result {
        tracing::warn!(error = %err, "contact last access not recorded");
    }
}

/// Sessions a record ends one by one (logouts); past this a logout ends every session of the
/// login issued until then, which bounds the record's size.
pub const MAX_ENDED_SESSIONS: usize = 50;

/// Ends the session `principal` presents (`POST /v1/auth/logout`). Its id joins the ended
/// sessions of the record the revocation check reads on every request (the staff item, also
/// for a staff member acting as a customer; the contact item), so no request is added there.
/// A token without an id (issued before ids existed) ends with every session issued until it.
pub async fn logout(store: &Store, principal: &Principal) -> AppResult<()> {
    let (pk, sk, is_staff) = match (principal.kind, &principal.impersonated_by) {
        (PrincipalKind::Staff, _) => (
            keys::staff_pk(&principal.sub),
            keys::STAFF_SK.to_string(),
            true,
        ),
        (PrincipalKind::Contact, Some(staff)) => (
            keys::staff_pk(&staff.staff_id),
            keys::STAFF_SK.to_string(),
            true,
        ),
        (PrincipalKind::Contact, None) => {
            let customer_id = principal
                .customer_id
                .as_deref()
                .ok_or(AppError::Unauthenticated)?;
            (
                keys::customer_pk(customer_id),
                keys::contact_sk(&principal.sub),
                false,
            )
        }
    };
    let record = store
        .get_item(&pk, &sk)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let ended = record
        .get("ended_sessions")
        .and_then(|v| v.as_l().ok())
        .map_or(0, Vec::len);
    let valid_after = record
        .get("sessions_valid_after")
        .and_then(|v| v.as_n().ok())
        .and_then(|n| n.parse::<i64>().ok());
    let mut values = Vec::new();
    let mut update = match &principal.sid {
        Some(sid) if ended < MAX_ENDED_SESSIONS => {
            values.push((
                ":sid",
                aws_sdk_dynamodb::types::AttributeValue::L(vec![store::s(sid)]),
            ));
            values.push((
                ":none",
                aws_sdk_dynamodb::types::AttributeValue::L(Vec::new()),
            ));
            "SET ended_sessions = list_append(if_not_exists(ended_sessions, :none), :sid)"
                .to_string()
        }
        sid => {
            let until = if sid.is_some() {
                Utc::now().timestamp()
            } else {
                principal.iat
            };
            values.push((
                ":after",
                store::n(valid_after.max(Some(until)).unwrap_or(until)),
            ));
            "SET sessions_valid_after = :after REMOVE ended_sessions".to_string()
        }
    };
    if is_staff {
        // The version moves, so a staff update based on an older read cannot undo the logout.
        update = update.replacen(
            "SET ",
            "SET version = if_not_exists(version, :zero) + :one, ",
            1,
        );
        values.push((":zero", store::n(0)));
        values.push((":one", store::n(1)));
    }
    store
        .update(&pk, &sk, &update, Some("attribute_exists(PK)"), &[], values)
        .await?;
    if let (PrincipalKind::Contact, None, Some(customer_id)) = (
        principal.kind,
        &principal.impersonated_by,
        &principal.customer_id,
    ) {
        revocation::forget_contact(store, customer_id, &principal.sub);
    }
    Ok(())
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    /// The `token` query parameter of the emailed link.
    pub token: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PasswordSet {
    pub email: Email,
    pub status: &'static str,
}

/// F7: sets the password with an invitation token and activates the access. The token is
/// consumed in the same transaction, so a second use fails.
pub async fn accept_invitation(store: &Store, input: SetPassword) -> AppResult<PasswordSet> {
    set_password_with_token(store, input, TokenPurpose::Invitation).await
}

/// Sets a password with a token of `purpose`: the token must be the login's pending one, and is
/// consumed with the change. An invited login (and its contact's access) becomes active, so a
/// reset link also serves someone who lost their invitation.
async fn set_password_with_token(
    store: &Store,
    input: SetPassword,
    purpose: TokenPurpose,
) -> AppResult<PasswordSet> {
    validate_new_password("password", &input.password)?;
    let (hash, record) = tokens::load_valid(store, &input.token, purpose).await?;
    let usable = |status: LoginStatus| match purpose {
        TokenPurpose::Invitation => status == LoginStatus::Invited,
        TokenPurpose::PasswordReset => {
            matches!(status, LoginStatus::Active | LoginStatus::Invited)
        }
    };
    let login = login::get(store, record.email.as_str())
        .await?
        .filter(|l| usable(l.status) && l.pending_token_hash.as_deref() == Some(&hash))
        .ok_or_else(tokens::invalid_token)?;
    let password_hash = hash_password(&input.password).await?;
    // A new password ends every session issued until now (someone who knew the old one may
    // hold a session), on the login (so the next login starts after it) and on the record
    // each request reads (so the ended sessions are refused).
    let ended_at = store::n(revocation::end_sessions_bound(login.sessions_valid_after));
    let mut actions = vec![
        tokens::tx_consume(store, &hash)?,
        store.tx_update(
            &keys::login_pk(login.email.as_str()),
            keys::LOGIN_SK,
            "SET #status = :active, password_hash = :password, failed_attempts = :zero, updated_at = :now, sessions_valid_after = :ended_at REMOVE pending_token_hash, retry_at, locked_until",
            Some("#status = :expected AND pending_token_hash = :hash"),
            &[("#status", "status")],
            vec![
                (":active", store::s(LoginStatus::Active.as_str())),
                (":expected", store::s(login.status.as_str())),
                (":password", store::s(&password_hash)),
                (":hash", store::s(&hash)),
                (":zero", store::n(0)),
                (":now", store::s(&now_rfc3339())),
                (":ended_at", ended_at.clone()),
            ],
        )?,
    ];
    match (&login.owner, login.status) {
        (LoginOwner::Contact { customer_id }, LoginStatus::Invited) => {
            actions.push(store.tx_update(
                &keys::customer_pk(customer_id),
                &keys::contact_sk(login.email.as_str()),
                "SET #access = :active, sessions_valid_after = :ended_at",
                Some("#access = :invited"),
                &[("#access", "access")],
                vec![
                    (":active", store::s(AccessState::Active.as_str())),
                    (":invited", store::s(AccessState::Invited.as_str())),
                    (":ended_at", ended_at),
                ],
            )?)
        }
        (LoginOwner::Contact { customer_id }, _) => actions.push(store.tx_update(
            &keys::customer_pk(customer_id),
            &keys::contact_sk(login.email.as_str()),
            "SET sessions_valid_after = :ended_at",
            Some("attribute_exists(PK)"),
            &[],
            vec![(":ended_at", ended_at)],
        )?),
        (LoginOwner::Staff { staff_id }, _) => actions.push(store.tx_update(
            &keys::staff_pk(staff_id),
            keys::STAFF_SK,
            // The version moves, so a staff update based on an older read cannot undo this.
            "SET sessions_valid_after = :ended_at, version = if_not_exists(version, :zero) + :one",
            Some("attribute_exists(PK)"),
            &[],
            vec![
                (":ended_at", ended_at),
                (":zero", store::n(0)),
                (":one", store::n(1)),
            ],
        )?),
    }
    let result = store.transact(actions).await;
    if let (Ok(()), LoginOwner::Contact { customer_id }) = (&result, &login.owner) {
        revocation::forget_contact(store, customer_id, login.email.as_str());
    }
    match result {
        Ok(()) => Ok(PasswordSet {
            email: login.email,
            status: match purpose {
                TokenPurpose::Invitation => "active",
                TokenPurpose::PasswordReset => "password_changed",
            },
        }),
        Err(e) if profile::any_condition_failed(&e) => Err(tokens::invalid_token()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    pub email: Email,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResetReceipt {
    pub status: &'static str,
    pub message: &'static str,
}

pub const RESET_RECEIPT: ResetReceipt = ResetReceipt {
    status: "accepted",
    message: "If this email has an active access, a link to choose a new password is on its way.",
};

/// At most one reset email (and one token replacement) per email per this many minutes; a
/// request within it is answered the same and does nothing.
pub const RESET_COOLDOWN_MINUTES: i64 = 5;

/// The cool-down claim of `email`'s reset requests, written in every request's transaction (an
/// unknown email's too, so the two cannot be told apart): it fails while the last one is
/// younger than the cool-down.
fn reset_cooldown_claim(
    store: &Store,
    email: &str,
    now: DateTime<Utc>,
) -> AppResult<aws_sdk_dynamodb::types::TransactWriteItem> {
    let until = now + Duration::minutes(RESET_COOLDOWN_MINUTES);
    let keys = store::Keys::new(keys::reset_cooldown_pk(email), keys::RESET_COOLDOWN_SK)
        .ttl(until.timestamp() + 3600);
    Ok(profile::tx_put_cond(
        store,
        &keys,
        &json!({ "until": until.timestamp() }),
        "attribute_not_exists(PK) OR #until <= :now",
        &[("#until", "until")],
        vec![(":now", store::n(now.timestamp()))],
    )?)
}

/// Who the reset email greets, in which language, or `None` when this login gets no reset.
/// Always one BatchGetItem of two keys, whoever asks (a contact, a staff member, an unknown
/// email), so the work does not tell them apart.
async fn reset_recipient(
    store: &Store,
    email: &str,
    login: Option<&Login>,
) -> AppResult<Option<(String, Language, Option<String>)>> {
    let settings = (keys::SETTINGS_PK.to_string(), keys::SETTINGS_SK.to_string());
    let wanted = match login.map(|l| &l.owner) {
        Some(LoginOwner::Contact { customer_id }) => vec![
            (
                keys::customer_pk(customer_id),
                keys::CUSTOMER_PROFILE_SK.to_string(),
            ),
            (keys::customer_pk(customer_id), keys::contact_sk(email)),
        ],
        Some(LoginOwner::Staff { staff_id }) => {
            vec![
                (keys::staff_pk(staff_id), keys::STAFF_SK.to_string()),
                settings,
            ]
        }
        // The same shape of read, for nobody.
        None => vec![
            settings,
            (
                keys::reset_cooldown_pk(email),
                keys::RESET_COOLDOWN_SK.to_string(),
            ),
        ],
    };
    let items = store.batch_get_items(wanted).await?;
    let find = |pk: &str, sk: &str| {
        items.iter().find(|i| {
            i.get(keys::PK)
                .and_then(|v| v.as_s().ok())
                .map(String::as_str)
                == Some(pk)
                && i.get(keys::SK)
                    .and_then(|v| v.as_s().ok())
                    .map(String::as_str)
                    == Some(sk)
        })
    };
    Ok(match login.map(|l| &l.owner) {
        Some(LoginOwner::Contact { customer_id }) => {
            let pk = keys::customer_pk(customer_id);
            let customer: Option<crate::customers::Customer> = find(&pk, keys::CUSTOMER_PROFILE_SK)
                .map(|i| store::from_item(i.clone()))
                .transpose()?;
            let contact: Option<Contact> = find(&pk, &keys::contact_sk(email))
                .map(|i| store::from_item(i.clone()))
                .transpose()?;
            match (customer, contact) {
                (Some(c), Some(contact))
                    if c.status == CustomerStatus::Active && contact.has_access() =>
                {
                    Some((
                        contact.name.to_string(),
                        contact.language.unwrap_or(c.language),
                        Some(c.id),
                    ))
                }
                _ => None,
            }
        }
        Some(LoginOwner::Staff { staff_id }) => {
            let staff: Option<StaffUser> = find(&keys::staff_pk(staff_id), keys::STAFF_SK)
                .map(|i| store::from_item(i.clone()))
                .transpose()?;
            let language = find(keys::SETTINGS_PK, keys::SETTINGS_SK)
                .map(|i| store::from_item::<crate::settings::Settings>(i.clone()))
                .transpose()?
                .unwrap_or_default()
                .default_language;
            staff
                .filter(|s| s.active)
                .map(|s| (s.name.to_string(), language, None))
        }
        None => None,
    })
}

/// Requests a reset link. Always the same answer, after the same work whether or not the email
/// is known (one GetItem, one BatchGetItem, one transaction, one relayed event), so neither
/// the answer nor its time tells: only an active or invited login (of an active customer's
/// contact with access, or of an active staff member) gets a token, which replaces any earlier
/// one, and a `PasswordResetRequested` event; any other email a `PasswordResetDeclined` event
/// that nobody acts on. Both carry the email's cool-down claim: within
/// [`RESET_COOLDOWN_MINUTES`] of the last request nothing is written, sent or replaced.
pub async fn request_password_reset(
    store: &Store,
    config: &Config,
    input: PasswordResetRequest,
) -> AppResult<Vec<DomainEvent>> {
    let email = input.email.as_str();
    let now = Utc::now();
    let login = login::get(store, email)
        .await?
        .filter(|l| matches!(l.status, LoginStatus::Active | LoginStatus::Invited));
    let recipient = reset_recipient(store, email, login.as_ref()).await?;
    let mut actions = vec![reset_cooldown_claim(store, email, now)?];
    let event = match (login, recipient) {
        (Some(login), Some((name, language, customer_id))) => {
            let token = tokens::issue(
                TokenPurpose::PasswordReset,
                &login.email,
                Duration::minutes(config.reset_minutes),
            );
            let reset_url = tokens::reset_url(&config.public_base_url, &token.token);
            let event = DomainEvent::new(
                event_types::PASSWORD_RESET_REQUESTED,
                customer_id.as_deref(),
                json!({
                    "email": login.email,
                    "name": name,
                    "language": language,
                    "customer_id": customer_id,
                    "reset_url": reset_url,
                    "expires_at": token.record.expires_at,
                }),
            );
            actions.push(store.tx_update(
                &keys::login_pk(login.email.as_str()),
                keys::LOGIN_SK,
                "SET pending_token_hash = :hash, updated_at = :now",
                Some("#status = :expected"),
                &[("#status", "status")],
                vec![
                    (":hash", store::s(&token.hash)),
                    (":expected", store::s(login.status.as_str())),
                    (":now", store::s(&now_rfc3339())),
                ],
            )?);
            actions.push(token.tx_put(store)?);
            if let Some(old) = &login.pending_token_hash {
                actions.push(store.tx_delete(&keys::token_pk(old), keys::TOKEN_SK, None)?);
            }
            event
        }
        _ => DomainEvent::new(event_types::PASSWORD_RESET_DECLINED, None, json!({})),
    };
    actions.push(event.outbox_put(store)?);
    match store.transact(actions).await {
        Ok(()) => Ok(vec![event]),
        // Within the cool-down (or blocked meanwhile): nothing, and the same answer.
        Err(e) if profile::any_condition_failed(&e) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// Sets a new password with a reset token, consuming it; also lifts the login's throttle.
pub async fn confirm_password_reset(store: &Store, input: SetPassword) -> AppResult<PasswordSet> {
    set_password_with_token(store, input, TokenPurpose::PasswordReset).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_are_bounded() {
        assert_eq!(delay_after(0), Duration::zero());
        assert_eq!(delay_after(FREE_ATTEMPTS - 1), Duration::zero());
        assert_eq!(delay_after(FREE_ATTEMPTS), Duration::seconds(30));
        assert_eq!(delay_after(FREE_ATTEMPTS + 1), Duration::seconds(60));
        assert_eq!(delay_after(FREE_ATTEMPTS + 2), Duration::seconds(120));
        assert_eq!(delay_after(FREE_ATTEMPTS + 10), Duration::minutes(15));
        assert_eq!(delay_after(u32::MAX), Duration::minutes(15));
    }
}
