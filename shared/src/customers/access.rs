//! F6/F7 accesses: per email *not created*, *invited*, *active* or *blocked*. Staff create,
//! re-send (a new link), block and unblock them. Each action is one transaction over the
//! customer (access count, `updated_at`), the contact, the email's login, the token and the
//! outbox; the caller relays the returned events after the commit.

use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::{Deserialize, Serialize};

use super::contacts;
use super::model::{AccessState, Contact, Customer, CustomerStatus};
use super::profile::{concurrent_change, condition_failed_at, load_for_staff};
use super::readiness;
use crate::accounts::invitations::{self, Invitation, Invitee};
use crate::accounts::login::{self, login_keys, Login, LoginOwner, LoginStatus};
use crate::auth::Principal;
use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::messaging::DomainEvent;
use crate::store::{self, keys, Store, StoreError};
use crate::types::{now_rfc3339, Email};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccessAction {
    Create,
    Resend,
    Block,
    Unblock,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRequest {
    #[serde(deserialize_with = "super::profile::via_value")]
    pub action: AccessAction,
}

/// The access after the action, with the WhatsApp link of the invitation when one was sent.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccessOutcome {
    pub email: Email,
    pub access: AccessState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub whatsapp_link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation_expires_at: Option<String>,
    /// How many emails of the customer have access now (F6).
    pub emails_with_access: u32,
}

/// What the handler answers and the events it relays once committed.
pub struct AccessChange {
    pub outcome: AccessOutcome,
    pub events: Vec<DomainEvent>,
}

fn access_conflict(code: &'static str, message: &str) -> AppError {
    AppError::conflict(code, message.to_string())
}

/// Recounts the emails with access as they will be after `email` moves to `new_state`.
fn count_after(contacts: &[Contact], email: &Email, new_state: AccessState) -> u32 {
    contacts
        .iter()
        .filter(|c| {
            if &c.email == email {
                matches!(new_state, AccessState::Invited | AccessState::Active)
            } else {
                c.has_access()
            }
        })
        .count() as u32
}

/// The customer write of every access action: the new count and a fresh `updated_at`, on the
/// condition nothing changed it since it was read (and, when granting, that it is active).
fn customer_action(
    store: &Store,
    customer: &Customer,
    count: u32,
    require_active: bool,
) -> Result<TransactWriteItem, StoreError> {
    let mut condition = "updated_at = :previous".to_string();
    let mut values = vec![
        (":previous", store::s(&customer.updated_at)),
        (":count", store::n(count)),
        (":now", store::s(&now_rfc3339())),
    ];
    let mut names: Vec<(&str, &str)> = Vec::new();
    if require_active {
        condition.push_str(" AND #status = :active");
        values.push((":active", store::s(CustomerStatus::Active.as_str())));
        names.push(("#status", "status"));
    }
    store.tx_update(
        &keys::customer_pk(&customer.id),
        keys::CUSTOMER_PROFILE_SK,
        "SET emails_with_access = :count, updated_at = :now",
        Some(&condition),
        &names,
        values,
    )
}

fn contact_action(
    store: &Store,
    contact: &Contact,
    new_state: AccessState,
) -> Result<TransactWriteItem, StoreError> {
    store.tx_update(
        &keys::customer_pk(&contact.customer_id),
        &keys::contact_sk(contact.email.as_str()),
        "SET #access = :new",
        Some("#access = :old"),
        &[("#access", "access")],
        vec![
            (":new", store::s(new_state.as_str())),
            (":old", store::s(contact.access.as_str())),
        ],
    )
}

/// A customer must be active and ready (F5) before any invitation goes out.
async fn require_invitable(store: &Store, customer: &Customer) -> AppResult<()> {
    if customer.status != CustomerStatus::Active {
        return Err(AppError::conflict(
            "customer-not-active",
            format!(
                "the customer is {}; only active customers get accesses",
                customer.status.as_str()
            ),
        ));
    }
    readiness::check(store, customer).await?.require()
}

fn prepare_invitation(
    config: &Config,
    store_name: &str,
    customer: &Customer,
    contact: &Contact,
) -> Invitation {
    invitations::prepare(
        config,
        &Invitee {
            email: &contact.email,
            name: contact.name.as_str(),
            language: contact.language.unwrap_or(customer.language),
            phone: contact.phone.as_ref(),
            customer_id: Some(&customer.id),
            store_name,
        },
    )
}

/// Applies an access action for one contact of a customer the staff member may manage.
pub async fn change_access(
    store: &Store,
    config: &Config,
    principal: &Principal,
    customer_id: &str,
    email: &Email,
    action: AccessAction,
) -> AppResult<AccessChange> {
    let customer = load_for_staff(store, principal, customer_id).await?;
    let all_contacts = contacts::list(store, customer_id).await?;
    let contact = all_contacts
        .iter()
        .find(|c| &c.email == email)
        .cloned()
        .ok_or(AppError::NotFound)?;
    apply(
        store,
        config,
        &customer,
        &all_contacts,
        &contact,
        action,
        None,
    )
    .await
}

/// A condition the action's transaction must also meet (F39: the acting manager still holds
/// "manage company"), and the error answered when it does not.
pub(crate) struct Guard {
    pub check: TransactWriteItem,
    pub refused: fn() -> AppError,
}

/// Commits an access action's transaction with the guard last; a failed guard answers its own
/// error, anything else goes back to the caller's matching.
async fn commit(
    store: &Store,
    mut actions: Vec<TransactWriteItem>,
    guard: Option<Guard>,
) -> Result<Result<(), StoreError>, AppError> {
    let Some(guard) = guard else {
        return Ok(store.transact(actions).await);
    };
    let at = actions.len();
    actions.push(guard.check);
    match store.transact(actions).await {
        Err(e)
            if condition_failed_at(&e, at) && matches!(e, StoreError::TransactionCanceled(_)) =>
        {
            Err((guard.refused)())
        }
        other => Ok(other),
    }
}

/// Applies `action` to `contact` (one of `all`, the customer's contacts), for staff or (with a
/// guard) for a manager of the customer (F39).
pub(crate) async fn apply(
    store: &Store,
    config: &Config,
    customer: &Customer,
    all: &[Contact],
    contact: &Contact,
    action: AccessAction,
    guard: Option<Guard>,
) -> AppResult<AccessChange> {
    match action {
        AccessAction::Create => create(store, config, customer, all, contact, false, guard).await,
        AccessAction::Resend => resend(store, config, customer, all, contact, guard).await,
        AccessAction::Block => block(store, customer, all, contact, guard).await,
        AccessAction::Unblock => unblock(store, config, customer, all, contact, guard).await,
    }
}

async fn store_name(store: &Store) -> AppResult<String> {
    Ok(crate::settings::load(store).await?.store_name)
}

fn outcome(
    contact: &Contact,
    access: AccessState,
    count: u32,
    invitation: Option<&Invitation>,
) -> AccessOutcome {
    AccessOutcome {
        email: contact.email.clone(),
        access,
        whatsapp_link: invitation.map(|i| i.whatsapp_link.clone()),
        invitation_expires_at: invitation.map(|i| i.token.record.expires_at.clone()),
        emails_with_access: count,
    }
}

/// Creates the access of `contact`; with `new_contact`, the contact itself is written in the
/// same transaction (a manager's invitation of a colleague: one business action).
pub(crate) async fn create(
    store: &Store,
    config: &Config,
    customer: &Customer,
    all: &[Contact],
    contact: &Contact,
    new_contact: bool,
    guard: Option<Guard>,
) -> AppResult<AccessChange> {
    if contact.access != AccessState::NotCreated {
        return Err(access_conflict(
            "access-exists",
            "this contact already has an access; use resend, block or unblock",
        ));
    }
    require_invitable(store, customer).await?;
    let invitation = prepare_invitation(config, &store_name(store).await?, customer, contact);
    let count = count_after(all, &contact.email, AccessState::Invited);
    let login = Login::invited(
        contact.email.clone(),
        LoginOwner::Contact {
            customer_id: customer.id.clone(),
        },
        &invitation.token.hash,
    );
    let contact_write = if new_contact {
        let mut invited = contact.clone();
        invited.access = AccessState::Invited;
        store.tx_put_new(
            &contacts::contact_keys(&customer.id, contact.email.as_str()),
            &invited,
        )?
    } else {
        contact_action(store, contact, AccessState::Invited)?
    };
    let actions = vec![
        customer_action(store, customer, count, true)?,
        contact_write,
        // One login per email across every customer and the staff.
        store.tx_put_new(&login_keys(contact.email.as_str()), &login)?,
        invitation.token.tx_put(store)?,
        invitation.event.outbox_put(store)?,
    ];
    match commit(store, actions, guard).await? {
        Ok(()) => {}
        Err(e) if condition_failed_at(&e, 2) => {
            return Err(access_conflict(
                "email-has-login",
                "this email already has a login (as a contact of another customer or as staff)",
            ))
        }
        Err(e) if new_contact && condition_failed_at(&e, 1) => {
            return Err(access_conflict(
                "contact-exists",
                "this email is already a contact of this customer",
            ))
        }
        Err(e) if condition_failed_at(&e, 0) || condition_failed_at(&e, 1) => {
            return Err(concurrent_change())
        }
        Err(e) => return Err(e.into()),
    }
    Ok(AccessChange {
        outcome: outcome(contact, AccessState::Invited, count, Some(&invitation)),
        events: vec![invitation.event],
    })
}

/// The contact's login, which must be this customer's.
async fn own_login(store: &Store, customer: &Customer, contact: &Contact) -> AppResult<Login> {
    let login = login::get(store, contact.email.as_str()).await?.filter(
        |l| matches!(&l.owner, LoginOwner::Contact { customer_id } if customer_id == &customer.id),
    );
    login.ok_or_else(|| {
        AppError::conflict(
            "login-missing",
            "this contact's login does not belong to this customer",
        )
    })
}

fn login_update(
    store: &Store,
    login: &Login,
    expression: &str,
    extra_values: Vec<(&str, aws_sdk_dynamodb::types::AttributeValue)>,
) -> Result<TransactWriteItem, StoreError> {
    let mut values = vec![
        (":expected", store::s(login.status.as_str())),
        (":now", store::s(&now_rfc3339())),
    ];
    values.extend(extra_values);
    store.tx_update(
        &keys::login_pk(login.email.as_str()),
        keys::LOGIN_SK,
        expression,
        Some("#status = :expected"),
        &[("#status", "status")],
        values,
    )
}

async fn resend(
    store: &Store,
    config: &Config,
    customer: &Customer,
    all: &[Contact],
    contact: &Contact,
    guard: Option<Guard>,
) -> AppResult<AccessChange> {
    if contact.access != AccessState::Invited {
        return Err(access_conflict(
            "access-not-invited",
            "only a pending invitation can be re-sent; active contacts use the password reset",
        ));
    }
    require_invitable(store, customer).await?;
    let login = own_login(store, customer, contact).await?;
    let invitation = prepare_invitation(config, &store_name(store).await?, customer, contact);
    let count = count_after(all, &contact.email, AccessState::Invited);
    let mut actions = vec![
        customer_action(store, customer, count, true)?,
        store.tx_check(
            &keys::customer_pk(&customer.id),
            &keys::contact_sk(contact.email.as_str()),
            "#access = :invited",
            &[("#access", "access")],
            vec![(":invited", store::s(AccessState::Invited.as_str()))],
        )?,
        // The new token replaces the old one: only the pending hash is accepted.
        login_update(
            store,
            &login,
            "SET pending_token_hash = :hash, updated_at = :now",
            vec![(":hash", store::s(&invitation.token.hash))],
        )?,
        invitation.token.tx_put(store)?,
        invitation.event.outbox_put(store)?,
    ];
    if let Some(old) = &login.pending_token_hash {
        actions.push(store.tx_delete(&keys::token_pk(old), keys::TOKEN_SK, None)?);
    }
    match commit(store, actions, guard).await? {
        Ok(()) => {}
        Err(e) if super::profile::any_condition_failed(&e) => return Err(concurrent_change()),
        Err(e) => return Err(e.into()),
    }
    Ok(AccessChange {
        outcome: outcome(contact, AccessState::Invited, count, Some(&invitation)),
        events: vec![invitation.event],
    })
}

async fn block(
    store: &Store,
    customer: &Customer,
    all: &[Contact],
    contact: &Contact,
    guard: Option<Guard>,
) -> AppResult<AccessChange> {
    let count = count_after(all, &contact.email, AccessState::Blocked);
    match contact.access {
        AccessState::Blocked => {
            return Ok(AccessChange {
                outcome: outcome(contact, AccessState::Blocked, count, None),
                events: Vec::new(),
            })
        }
        AccessState::NotCreated => {
            return Err(access_conflict(
                "no-access",
                "this contact has no access to block",
            ))
        }
        AccessState::Invited | AccessState::Active => {}
    }
    let login = own_login(store, customer, contact).await?;
    // Every session of the contact ends for good: an unblock does not bring them back.
    let ended_at = store::n(crate::auth::revocation::end_sessions_bound(
        login.sessions_valid_after,
    ));
    let mut actions = vec![
        customer_action(store, customer, count, false)?,
        store.tx_update(
            &keys::customer_pk(&contact.customer_id),
            &keys::contact_sk(contact.email.as_str()),
            "SET #access = :new, sessions_valid_after = :ended_at",
            Some("#access = :old"),
            &[("#access", "access")],
            vec![
                (":new", store::s(AccessState::Blocked.as_str())),
                (":old", store::s(contact.access.as_str())),
                (":ended_at", ended_at.clone()),
            ],
        )?,
        login_update(
            store,
            &login,
            "SET #status = :blocked, updated_at = :now, sessions_valid_after = :ended_at REMOVE pending_token_hash",
            vec![
                (":blocked", store::s(LoginStatus::Blocked.as_str())),
                (":ended_at", ended_at),
            ],
        )?,
    ];
    if let Some(old) = &login.pending_token_hash {
        actions.push(store.tx_delete(&keys::token_pk(old), keys::TOKEN_SK, None)?);
    }
    match commit(store, actions, guard).await? {
        Ok(()) => {}
        Err(e) if super::profile::any_condition_failed(&e) => return Err(concurrent_change()),
        Err(e) => return Err(e.into()),
    }
    Ok(AccessChange {
        outcome: outcome(contact, AccessState::Blocked, count, None),
        events: Vec::new(),
    })
}

/// Unblocking gives back an active access if a password was set, else a new invitation.
async fn unblock(
    store: &Store,
    config: &Config,
    customer: &Customer,
    all: &[Contact],
    contact: &Contact,
    guard: Option<Guard>,
) -> AppResult<AccessChange> {
    if contact.access != AccessState::Blocked {
        return Err(access_conflict(
            "access-not-blocked",
            "only a blocked access can be unblocked",
        ));
    }
    require_invitable(store, customer).await?;
    let login = own_login(store, customer, contact).await?;
    let (new_state, invitation) = if login.password_hash.is_some() {
        (AccessState::Active, None)
    } else {
        let inv = prepare_invitation(config, &store_name(store).await?, customer, contact);
        (AccessState::Invited, Some(inv))
    };
    let count = count_after(all, &contact.email, new_state);
    let mut actions = vec![
        customer_action(store, customer, count, true)?,
        contact_action(store, contact, new_state)?,
    ];
    match &invitation {
        None => actions.push(login_update(
            store,
            &login,
            "SET #status = :active, failed_attempts = :zero, updated_at = :now REMOVE retry_at, locked_until",
            vec![
                (":active", store::s(LoginStatus::Active.as_str())),
                (":zero", store::n(0)),
            ],
        )?),
        Some(inv) => {
            actions.push(login_update(
                store,
                &login,
                "SET #status = :invited, pending_token_hash = :hash, failed_attempts = :zero, updated_at = :now REMOVE retry_at, locked_until",
                vec![
                    (":invited", store::s(LoginStatus::Invited.as_str())),
                    (":hash", store::s(&inv.token.hash)),
                    (":zero", store::n(0)),
                ],
            )?);
            actions.push(inv.token.tx_put(store)?);
            actions.push(inv.event.outbox_put(store)?);
        }
    }
    match commit(store, actions, guard).await? {
        Ok(()) => {}
        Err(e) if super::profile::any_condition_failed(&e) => return Err(concurrent_change()),
        Err(e) => return Err(e.into()),
    }
    Ok(AccessChange {
        outcome: outcome(contact, new_state, count, invitation.as_ref()),
        events: invitation.map(|i| vec![i.event]).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Name;

    #[test]
    fn counts_after_a_change() {
        let mk = |email: &str, access| {
            let mut c = Contact::new(
                "c1",
                Email::parse(email).unwrap(),
                Name::parse("X").unwrap(),
            );
            c.access = access;
            c
        };
        let all = vec![
            mk("a@x.co", AccessState::Active),
            mk("b@x.co", AccessState::NotCreated),
            mk("c@x.co", AccessState::Blocked),
        ];
        let b = Email::parse("b@x.co").unwrap();
        let a = Email::parse("a@x.co").unwrap();
        assert_eq!(count_after(&all, &b, AccessState::Invited), 2);
        assert_eq!(count_after(&all, &a, AccessState::Blocked), 0);
    }
}
