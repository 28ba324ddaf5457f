//! Invitations (F7): a single-use, expiring link to set a password, sent by email (through the
//! `AccessInvited` event) and offered to staff as a WhatsApp click-to-chat link.

use chrono::Duration;
use serde_json::json;

use super::tokens::{self, IssuedToken, TokenPurpose};
use crate::config::Config;
use crate::messaging::{event_types, DomainEvent};
use crate::types::{Email, Language, Phone};

/// An invitation ready to be written: the token to store and the event that sends it.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub token: IssuedToken,
    pub url: String,
    pub whatsapp_link: String,
    pub event: DomainEvent,
}

/// Who is invited, and to what.
pub struct Invitee<'a> {
    pub email: &'a Email,
    pub name: &'a str,
    pub language: Language,
    pub phone: Option<&'a Phone>,
    /// `None` for staff.
    pub customer_id: Option<&'a str>,
    /// The seller's store name, as the message says who invites.
    pub store_name: &'a str,
}

/// The invitation text, in the invitee's language.
pub fn invitation_message(language: Language, name: &str, store_name: &str, url: &str) -> String {
    match language {
        Language::Es => format!(
            "Hola {name}, {store_name} te invita a su portal de pedidos. Crea tu contraseña aquí: {url}"
        ),
        Language::PtBr => format!(
            "Olá {name}, {store_name} convida você para o portal de pedidos. Crie sua senha aqui: {url}"
        ),
        Language::Ro => format!(
            "Bună {name}, {store_name} vă invită în portalul de comenzi. Setați parola aici: {url}"
        ),
        Language::En => format!(
            "Hello {name}, {store_name} invites you to its ordering portal. Set your password here: {url}"
        ),
    }
}

/// `https://wa.me/<digits>?text=...`; without a phone, WhatsApp lets staff pick the chat.
pub fn whatsapp_link(phone: Option<&Phone>, message: &str) -> String {
    let text = urlencoding::encode(message);
    match phone {
        Some(p) => format!("https://wa.me/{}?text={text}", p.as_str()),
        None => format!("https://wa.me/?text={text}"),
    }
}

/// Issues the token, builds the link, the WhatsApp link and the `AccessInvited` event.
pub fn prepare(config: &Config, invitee: &Invitee<'_>) -> Invitation {
    let token = tokens::issue(
        TokenPurpose::Invitation,
        invitee.email,
        Duration::hours(config.invitation_hours),
    );
    let url = tokens::invitation_url(&config.public_base_url, &token.token);
    let message = invitation_message(invitee.language, invitee.name, invitee.store_name, &url);
    let whatsapp_link = whatsapp_link(invitee.phone, &message);
    let event = DomainEvent::new(
        event_types::ACCESS_INVITED,
        invitee.customer_id,
        json!({
            "email": invitee.email,
            "name": invitee.name,
            "language": invitee.language,
            "customer_id": invitee.customer_id,
            "invitation_url": url,
            "whatsapp_link": whatsapp_link,
            "expires_at": token.record.expires_at,
            "store_name": invitee.store_name,
        }),
    );
    Invitation {
        token,
        url,
        whatsapp_link,
        event,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatsapp_links() {
        let phone = Phone::parse("+52 55 1234 5678").unwrap();
        let link = whatsapp_link(Some(&phone), "Hola Ana: https://x/set-password?token=a_b");
        assert_eq!(
            link,
            "https://wa.me/525512345678?text=Hola%20Ana%3A%20https%3A%2F%2Fx%2Fset-password%3Ftoken%3Da_b"
        );
        assert!(whatsapp_link(None, "hi").starts_with("https://wa.me/?text=hi"));
    }

    #[test]
    fn event_carries_the_link() {
        let config = Config::for_table("t", "b");
        let email = Email::parse("ana@acme.com").unwrap();
        let inv = prepare(
            &config,
            &Invitee {
                email: &email,
                name: "Ana",
                language: Language::PtBr,
                phone: None,
                customer_id: Some("c1"),
                store_name: "Loja",
            },
        );
        assert!(inv.url.contains(&inv.token.token));
        assert_eq!(inv.event.kind, "AccessInvited");
        assert_eq!(inv.event.data["invitation_url"], inv.url);
        assert_eq!(inv.event.data["language"], "pt-BR");
        assert!(inv.whatsapp_link.contains("Crie%20sua%20senha"));
    }
}
