//! What staff do around one customer: read its activity (F10), keep internal notes on its
//! timeline (F11) and write to it by email (F12). Every action first checks that the staff
//! member may manage the customer: admins all, agents only their assigned ones; anything else is
//! a 404 so nothing about other customers leaks.

use serde::{Deserialize, Serialize};

use crate::activity::{self, Activity};
use crate::auth::Principal;
use crate::customers::{Contact, Customer};
use crate::error::{AppError, AppResult, FieldError};
use crate::messaging::{event_types, DomainEvent};
use crate::store::{keys, Page, Store};
use crate::timeline::{self, Attachment, TimelineEntry, TimelineKind};
use crate::types::{Email, Language, Name, Text};

use super::{current, paging::checked_cursor, StaffUser};

/// Most attachments one note may carry.
pub const MAX_ATTACHMENTS: usize = 10;

/// The calling staff member (still active) and the customer, if they may manage it.
pub async fn managed_customer(
    store: &Store,
    acting: &Principal,
    customer_id: &str,
) -> AppResult<(StaffUser, Customer)> {
    acting.require_staff()?;
    let customer_pk = keys::customer_pk(customer_id);
    let (staff, customer) = tokio::join!(
        current(store, acting),
        store.get::<Customer>(&customer_pk, keys::CUSTOMER_PROFILE_SK)
    );
    let staff = staff?;
    let customer = customer?.ok_or(AppError::NotFound)?;
    acting.ensure_can_manage(customer.agent_id.as_deref())?;
    Ok((staff, customer))
}

/// F10: the customer's activity, newest first.
pub async fn activity(
    store: &Store,
    acting: &Principal,
    customer_id: &str,
    limit: i32,
    cursor: Option<String>,
) -> AppResult<Page<Activity>> {
    let (_, customer) = managed_customer(store, acting, customer_id).await?;
    let cursor = checked_cursor(cursor, keys::PK, &keys::activity_pk(&customer.id))?;
    Ok(activity::list(store, &customer.id, limit, cursor).await?)
}

/// F11: the customer's internal timeline (notes and emails sent), newest first.
pub async fn timeline(
    store: &Store,
    acting: &Principal,
    customer_id: &str,
    limit: i32,
    cursor: Option<String>,
) -> AppResult<Page<TimelineEntry>> {
    let (_, customer) = managed_customer(store, acting, customer_id).await?;
    let cursor = checked_cursor(cursor, keys::PK, &keys::customer_pk(&customer.id))?;
    Ok(timeline::list(store, &customer.id, limit, cursor).await?)
}

/// An attachment's link: an absolute `http(s)` URL of at most 2,000 characters. Files live
/// elsewhere (a document store, a shared drive); the note keeps the link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "https://files.example.com/contract.pdf")]
pub struct AttachmentUrl(String);

impl TryFrom<String> for AttachmentUrl {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        let value = raw.trim().to_string();
        let rest = value
            .strip_prefix("https://")
            .or_else(|| value.strip_prefix("http://"));
        let host_ok = rest.is_some_and(|r| {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty()
        });
        if !host_ok {
            Err("must be an absolute http or https URL".into())
        } else if value.chars().count() > 2000 {
            Err("must be at most 2000 characters".into())
        } else if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Err("must not contain spaces or control characters".into())
        } else {
            Ok(Self(value))
        }
    }
}

impl From<AttachmentUrl> for String {
    fn from(value: AttachmentUrl) -> String {
        value.0
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewAttachment {
    pub name: Name,
    pub url: AttachmentUrl,
}

/// Body of `POST /v1/admin/customers/{id}/timeline`: an internal note customers never see.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewNote {
    pub body: Text,
    #[serde(default)]
    pub attachments: Vec<NewAttachment>,
}

impl NewNote {
    fn validate(&self) -> AppResult<()> {
        let mut errors = Vec::new();
        if self.body.as_str().is_empty() {
            errors.push(FieldError::new("body", "must not be blank"));
        }
        if self.attachments.len() > MAX_ATTACHMENTS {
            errors.push(FieldError::new(
                "attachments",
                format!("must hold at most {MAX_ATTACHMENTS} attachments"),
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

/// F11: adds a note to the customer's timeline, authored by the calling staff member.
pub async fn add_note(
    store: &Store,
    acting: &Principal,
    customer_id: &str,
    note: NewNote,
) -> AppResult<TimelineEntry> {
    note.validate()?;
    let (staff, customer) = managed_customer(store, acting, customer_id).await?;
    let mut entry = TimelineEntry::new(
        &customer.id,
        TimelineKind::Note,
        staff.name.as_str(),
        note.body.as_str(),
    );
    entry.attachments = note
        .attachments
        .into_iter()
        .map(|a| Attachment {
            name: a.name.into(),
            url: a.url.into(),
        })
        .collect();
    // Only while the customer exists: a note must never outlive it as an orphan.
    let actions = vec![
        store.tx_put_new(&entry.keys(), &entry)?,
        customer_exists(store, &customer.id)?,
    ];
    store.transact(actions).await.map_err(|err| match err {
        crate::store::StoreError::TransactionCanceled(_) => AppError::NotFound,
        other => other.into(),
    })?;
    Ok(entry)
}

fn customer_exists(
    store: &Store,
    customer_id: &str,
) -> Result<aws_sdk_dynamodb::types::TransactWriteItem, crate::store::StoreError> {
    store.tx_check(
        &keys::customer_pk(customer_id),
        keys::CUSTOMER_PROFILE_SK,
        "attribute_exists(PK)",
        &[],
        Vec::new(),
    )
}

/// Who a staff email goes to: `"main"` (the customer's main email) or one of its contacts'
/// emails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Recipient {
    Main,
    Contact(Email),
}

impl TryFrom<String> for Recipient {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        if raw.trim().eq_ignore_ascii_case("main") {
            return Ok(Recipient::Main);
        }
        Email::parse(raw).map(Recipient::Contact).map_err(|_| {
            "must be \"main\" or the email address of one of the customer's contacts".into()
        })
    }
}

impl From<Recipient> for String {
    fn from(value: Recipient) -> String {
        match value {
            Recipient::Main => "main".into(),
            Recipient::Contact(email) => email.into(),
        }
    }
}

/// Body of `POST /v1/admin/customers/{id}/emails`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct EmailRequest {
    /// `"main"` or a contact's email.
    #[schema(value_type = String, example = "main")]
    pub to: Recipient,
    pub subject: Name,
    /// Plain text; paragraphs separated by blank lines, rendered by the email templates.
    pub message: Text,
}

/// What `POST /v1/admin/customers/{id}/emails` answers (202): the email is queued.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EmailQueued {
    pub event_id: String,
    pub to: Email,
    pub subject: Name,
    pub language: Language,
}

/// F12: queues an email to the customer (its main email or a contact's) through the outbox.
/// The notifications function sends it in the recipient's language and logs it on the
/// timeline. Returns the answer and the committed events, to relay.
pub async fn request_email(
    store: &Store,
    acting: &Principal,
    customer_id: &str,
    request: EmailRequest,
) -> AppResult<(EmailQueued, Vec<DomainEvent>)> {
    if request.message.as_str().is_empty() {
        return Err(AppError::invalid("message", "must not be blank"));
    }
    let (staff, customer) = managed_customer(store, acting, customer_id).await?;
    let (to, language) = match &request.to {
        Recipient::Main => (customer.email.clone(), customer.language),
        Recipient::Contact(email) if *email == customer.email => {
            (customer.email.clone(), customer.language)
        }
        Recipient::Contact(email) => {
            let contact: Contact = store
                .get(
                    &keys::customer_pk(&customer.id),
                    &keys::contact_sk(email.as_str()),
                )
                .await?
                .ok_or_else(|| {
                    AppError::invalid(
                        "to",
                        "is not the customer's main email or one of its contacts",
                    )
                })?;
            (contact.email, contact.language.unwrap_or(customer.language))
        }
    };
    let event = DomainEvent::new(
        event_types::CUSTOMER_EMAIL_REQUESTED,
        Some(&customer.id),
        serde_json::json!({
            "customer_id": customer.id,
            "to": to,
            "subject": request.subject,
            "message": request.message,
            "language": language,
            "author": staff.name,
            "author_id": staff.id,
        }),
    );
    let actions = vec![
        event.outbox_put(store)?,
        customer_exists(store, &customer.id)?,
    ];
    store.transact(actions).await.map_err(|err| match err {
        crate::store::StoreError::TransactionCanceled(_) => AppError::NotFound,
        other => other.into(),
    })?;
    Ok((
        EmailQueued {
            event_id: event.id.clone(),
            to,
            subject: request.subject,
            language,
        },
        vec![event],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_urls() {
        assert!(AttachmentUrl::try_from("https://x.com/a.pdf".to_string()).is_ok());
        for bad in [
            "ftp://x.com/a",
            "https://",
            "x.com/a",
            "https://x.com/a b",
            "javascript:alert(1)",
        ] {
            assert!(AttachmentUrl::try_from(bad.to_string()).is_err(), "{bad}");
        }
    }

    #[test]
    fn recipients() {
        assert_eq!(
            Recipient::try_from("MAIN".to_string()).unwrap(),
            Recipient::Main
        );
        assert_eq!(
            Recipient::try_from("Ana@X.com".to_string()).unwrap(),
            Recipient::Contact(Email::parse("ana@x.com").unwrap())
        );
        assert!(Recipient::try_from("nobody".to_string()).is_err());
    }
}
