//! The email templates: one function per event type, each producing an HTML and a plain-text
//! body in the recipient's language. Templates are plain Rust (no template engine); every value
//! from an event is escaped before it reaches HTML.

pub mod approvals;
pub mod orders;

use serde::{Deserialize, Deserializer};

use super::html::{self, escape};
use super::i18n::{fill, strings, Strings};
use crate::config::Config;
use crate::settings::Settings;
use crate::types::{Email, Language, Phone};

/// What a template needs besides the event: the seller's branding and the link lifetimes.
#[derive(Debug, Clone)]
pub struct RenderContext {
    pub store_name: String,
    /// Digits of the seller's WhatsApp number: every customer-facing email links to it.
    pub seller_whatsapp: Option<String>,
    pub public_base_url: String,
    pub invitation_hours: i64,
    pub reset_minutes: i64,
    /// For events without a language, and for emails to the seller.
    pub default_language: Language,
}

impl RenderContext {
    pub fn new(settings: &Settings, config: &Config) -> Self {
        Self {
            store_name: settings.store_name.clone(),
            seller_whatsapp: settings
                .seller_whatsapp
                .as_ref()
                .map(|p| p.as_str().to_string()),
            public_base_url: config.public_base_url.trim_end_matches('/').to_string(),
            invitation_hours: config.invitation_hours,
            reset_minutes: config.reset_minutes,
            default_language: settings.default_language,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    pub language: Language,
    pub subject: String,
    pub html: String,
    pub text: String,
    /// The text body as recorded on the customer's timeline: single-use links (invitation,
    /// reset) are secrets, so they are blanked out there.
    pub record_text: String,
}

/// Placeholder for a secret link in the timeline copy of an email.
pub const REDACTED_LINK: &str = "[single-use link]";

/// An unknown or invalid language code falls back to the store's default instead of failing
/// the message.
fn lenient_language<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Language>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(d)?;
    Ok(value.and_then(|v| serde_json::from_value(v).ok()))
}

/// `AccessInvited`: an access was created or re-sent (F7).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AccessInvited {
    pub email: Email,
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "lenient_language")]
    pub language: Option<Language>,
    #[serde(default)]
    pub customer_id: Option<String>,
    pub invitation_url: String,
    /// The click-to-chat link staff may send the contact themselves; not part of the email
    /// (it opens a chat with the contact's own number).
    #[serde(default)]
    pub whatsapp_link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PasswordResetRequested {
    pub email: Email,
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "lenient_language")]
    pub language: Option<Language>,
    pub reset_url: String,
}

/// `AccountRequested`: a visitor asked for an account (F1); the seller is told.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AccountRequested {
    #[serde(default)]
    pub request_id: String,
    pub company: String,
    #[serde(default)]
    pub tax_id: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub message: Option<String>,
}

/// `CustomerEmailRequested`: staff wrote to a customer (F12).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CustomerEmailRequested {
    #[serde(default)]
    pub customer_id: Option<String>,
    /// `main` for the customer's main email, else a contact's email.
    pub to: String,
    pub subject: String,
    pub message: String,
    #[serde(default, deserialize_with = "lenient_language")]
    pub language: Option<Language>,
    #[serde(default)]
    pub author: String,
}

/// The value of `CustomerEmailRequested.to` that means the customer's main email.
pub const MAIN_EMAIL: &str = "main";

struct Parts<'a> {
    lang: Language,
    s: &'static Strings,
    ctx: &'a RenderContext,
    html: Vec<String>,
    text: Vec<String>,
}

impl<'a> Parts<'a> {
    fn new(lang: Language, ctx: &'a RenderContext) -> Self {
        Self {
            lang,
            s: strings(lang),
            ctx,
            html: Vec::new(),
            text: Vec::new(),
        }
    }

    fn store(&self) -> &str {
        &self.ctx.store_name
    }

    /// A paragraph from a string table entry, placeholders filled (escaped in the HTML copy).
    fn para(&mut self, template: &str, values: &[(&str, &str)]) {
        let escaped: Vec<(&str, String)> = values.iter().map(|(k, v)| (*k, escape(v))).collect();
        let escaped: Vec<(&str, &str)> = escaped.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.html.push(format!(
            "<p style=\"margin:0 0 16px\">{}</p>",
            fill(&escape(template), &escaped)
        ));
        self.text.push(fill(template, values));
    }

    fn greeting(&mut self, name: &str, email: &str) {
        let who = if name.trim().is_empty() {
            email
        } else {
            name.trim()
        };
        self.para(self.s.greeting, &[("name", who)]);
    }

    /// The call to action: a button, and the bare link for mail clients that hide buttons.
    fn action(&mut self, url: &str, label: &str) {
        self.html.push(html::button(url, label));
        self.text.push(format!("{label}:\n{url}"));
    }

    fn link_fallback(&mut self, url: &str) {
        self.html.push(format!(
            "<p style=\"margin:0 0 16px;font-size:13px;color:#57606a\">{}<br>{}</p>",
            escape(self.s.link_fallback),
            html::raw_link(url)
        ));
    }

    /// Footer of customer-facing emails: the seller's WhatsApp where set, and who sent it.
    fn customer_footer(&self) -> (String, String) {
        let mut html_lines = Vec::new();
        let mut text_lines = Vec::new();
        if let Some(link) = self.ctx.seller_whatsapp.as_deref().and_then(|phone| {
            html::whatsapp_link(
                phone,
                &fill(self.s.whatsapp_prefill, &[("store", self.store())]),
            )
        }) {
            html_lines.push(format!(
                "<a href=\"{}\" style=\"color:#1a7f37\">{}</a>",
                escape(&link),
                escape(self.s.whatsapp_cta)
            ));
            text_lines.push(format!("{}: {link}", self.s.whatsapp_cta));
        }
        let sent_by = fill(self.s.sent_by, &[("store", self.store())]);
        html_lines.push(escape(&sent_by));
        text_lines.push(sent_by);
        (html_lines.join("<br>\n"), text_lines.join("\n"))
    }

    fn finish(self, subject: String, footer: (String, String)) -> RenderedEmail {
        let (footer_html, footer_text) = footer;
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title></head>\n\
             <body style=\"margin:0;padding:0;background:#f4f5f7\">\n\
             <div style=\"max-width:600px;margin:0 auto;padding:24px;background:#ffffff;\
             font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1d2129\">\n\
             <h1 style=\"font-size:20px;margin:0 0 24px\">{store}</h1>\n{body}\n\
             <hr style=\"border:none;border-top:1px solid #e1e4e8;margin:32px 0 16px\">\n\
             <div style=\"font-size:13px;color:#57606a\">{footer_html}</div>\n</div>\n</body>\n</html>\n",
            lang = self.lang.code(),
            title = escape(&subject),
            store = escape(self.store()),
            body = self.html.join("\n"),
        );
        let text = format!("{}\n\n-- \n{footer_text}\n", self.text.join("\n\n"));
        RenderedEmail {
            language: self.lang,
            subject,
            record_text: text.clone(),
            html,
            text,
        }
    }
}

fn checked_link<'a>(field: &str, url: &'a str) -> Result<&'a str, String> {
    let url = url.trim();
    if html::is_web_link(url) {
        Ok(url)
    } else {
        Err(format!("{field} is not an http(s) link"))
    }
}

fn redact(mut email: RenderedEmail, secret: &str) -> RenderedEmail {
    email.record_text = email.record_text.replace(secret, REDACTED_LINK);
    email
}

pub fn access_invited(data: &AccessInvited, ctx: &RenderContext) -> Result<RenderedEmail, String> {
    let url = checked_link("invitation_url", &data.invitation_url)?;
    let mut p = Parts::new(data.language.unwrap_or(ctx.default_language), ctx);
    let s = p.s;
    let store = ctx.store_name.clone();
    p.greeting(&data.name, data.email.as_str());
    p.para(s.invite_intro, &[("store", &store)]);
    p.action(url, s.invite_button);
    let hours = ctx.invitation_hours.to_string();
    p.para(s.invite_validity, &[("hours", &hours)]);
    p.para(s.invite_login_hint, &[("email", data.email.as_str())]);
    p.link_fallback(url);
    let subject = fill(s.invite_subject, &[("store", &store)]);
    let footer = p.customer_footer();
    Ok(redact(p.finish(subject, footer), url))
}

pub fn password_reset(
    data: &PasswordResetRequested,
    ctx: &RenderContext,
) -> Result<RenderedEmail, String> {
    let url = checked_link("reset_url", &data.reset_url)?;
    let mut p = Parts::new(data.language.unwrap_or(ctx.default_language), ctx);
    let s = p.s;
    let store = ctx.store_name.clone();
    p.greeting(&data.name, data.email.as_str());
    p.para(s.reset_intro, &[("store", &store)]);
    p.action(url, s.reset_button);
    let minutes = ctx.reset_minutes.to_string();
    p.para(s.reset_validity, &[("minutes", &minutes)]);
    p.para(s.reset_ignore, &[]);
    p.link_fallback(url);
    let subject = fill(s.reset_subject, &[("store", &store)]);
    let footer = p.customer_footer();
    Ok(redact(p.finish(subject, footer), url))
}

/// The link in the seller's email: the admin's page of the request.
pub fn admin_request_url(ctx: &RenderContext, request_id: &str) -> String {
    if request_id.is_empty() {
        format!("{}/admin/account-requests", ctx.public_base_url)
    } else {
        format!(
            "{}/admin/account-requests/{}",
            ctx.public_base_url,
            urlencoding::encode(request_id)
        )
    }
}

/// To the seller, in the store's default language.
pub fn account_requested(
    data: &AccountRequested,
    ctx: &RenderContext,
) -> Result<RenderedEmail, String> {
    let company = data.company.trim();
    if company.is_empty() {
        return Err("company is empty".into());
    }
    let mut p = Parts::new(ctx.default_language, ctx);
    let s = p.s;
    p.para(s.request_intro, &[]);

    let rows = [
        (s.label_company, company),
        (s.label_tax_id, data.tax_id.trim()),
        (s.label_contact, data.contact_name.trim()),
        (s.label_email, data.email.trim()),
        (s.label_phone, data.phone.trim()),
        (s.label_address, data.address.trim()),
    ];
    let mut table = String::from(
        "<table style=\"border-collapse:collapse;margin:0 0 16px\" cellpadding=\"0\" cellspacing=\"0\">",
    );
    let mut text_rows = Vec::new();
    for (label, value) in rows.iter().filter(|(_, v)| !v.is_empty()) {
        table.push_str(&format!(
            "<tr><td style=\"padding:4px 16px 4px 0;color:#57606a\">{}</td>\
             <td style=\"padding:4px 0\">{}</td></tr>",
            escape(label),
            escape(value)
        ));
        text_rows.push(format!("{label}: {value}"));
    }
    table.push_str("</table>");
    p.html.push(table);
    p.text.push(text_rows.join("\n"));

    if let Some(message) = data.message.as_deref().map(str::trim) {
        if !message.is_empty() {
            p.html.push(format!(
                "<p style=\"margin:0 0 8px;color:#57606a\">{}</p>\n\
                 <blockquote style=\"margin:0 0 16px;padding-left:12px;border-left:3px solid #e1e4e8\">{}</blockquote>",
                escape(s.label_message),
                html::paragraphs(message)
            ));
            p.text.push(format!("{}:\n{message}", s.label_message));
        }
    }
    p.action(&admin_request_url(ctx, &data.request_id), s.request_button);

    // Where the visitor left a usable phone, the seller can answer on WhatsApp in one click.
    if let Ok(phone) = Phone::parse(data.phone.as_str()) {
        let name = if data.contact_name.trim().is_empty() {
            company
        } else {
            data.contact_name.trim()
        };
        let prefill = fill(
            s.request_whatsapp_prefill,
            &[
                ("name", name),
                ("company", company),
                ("store", &ctx.store_name),
            ],
        );
        if let Some(link) = html::whatsapp_link(phone.as_str(), &prefill) {
            p.html.push(format!(
                "<p style=\"margin:0 0 16px\"><a href=\"{}\" style=\"color:#1a7f37\">{}</a></p>",
                escape(&link),
                escape(s.request_whatsapp)
            ));
            p.text.push(format!("{}: {link}", s.request_whatsapp));
        }
    }
    let subject = fill(s.request_subject, &[("company", company)]);
    let footer = fill(s.sent_by, &[("store", &ctx.store_name)]);
    Ok(p.finish(subject, (escape(&footer), footer)))
}

/// Staff's own words (F12), as escaped paragraphs, with the customer footer.
pub fn customer_email(
    data: &CustomerEmailRequested,
    ctx: &RenderContext,
) -> Result<RenderedEmail, String> {
    let subject = data.subject.trim();
    if subject.is_empty() {
        return Err("subject is empty".into());
    }
    if data.message.trim().is_empty() {
        return Err("message is empty".into());
    }
    let mut p = Parts::new(data.language.unwrap_or(ctx.default_language), ctx);
    p.html.push(html::paragraphs(&data.message));
    p.text.push(data.message.trim().replace("\r\n", "\n"));
    let footer = p.customer_footer();
    Ok(p.finish(subject.to_string(), footer))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LANGS: [Language; 4] = [Language::Es, Language::PtBr, Language::Ro, Language::En];

    fn ctx(lang: Language) -> RenderContext {
        RenderContext {
            store_name: "Acme & Co".into(),
            seller_whatsapp: Some("5215512345678".into()),
            public_base_url: "https://shop.example.com".into(),
            invitation_hours: 72,
            reset_minutes: 30,
            default_language: lang,
        }
    }

    fn invited(lang: Option<Language>) -> AccessInvited {
        AccessInvited {
            email: Email::parse("ana@client.com").unwrap(),
            name: "Ana <Pérez>".into(),
            language: lang,
            customer_id: Some("c1".into()),
            invitation_url: "https://shop.example.com/set-password?token=abc&x=1".into(),
            whatsapp_link: None,
        }
    }

    #[test]
    fn invitation_in_each_language_carries_link_validity_and_whatsapp() {
        let expected = [
            (Language::Es, "Crear mi contraseña", "72 horas"),
            (Language::PtBr, "Criar minha senha", "72 horas"),
            (Language::Ro, "Creează parola", "72 ore"),
            (Language::En, "Set my password", "72 hours"),
        ];
        for (lang, button, validity) in expected {
            let email = access_invited(&invited(Some(lang)), &ctx(Language::Es)).unwrap();
            assert_eq!(email.language, lang);
            assert!(email.html.contains(&format!("lang=\"{}\"", lang.code())));
            assert!(email.html.contains(button), "{lang:?}");
            assert!(email.text.contains(validity), "{lang:?}: {}", email.text);
            assert!(email.html.contains(validity), "{lang:?}");
            // The link, escaped in HTML, verbatim in text.
            assert!(email
                .html
                .contains("href=\"https://shop.example.com/set-password?token=abc&amp;x=1\""));
            assert!(email
                .text
                .contains("https://shop.example.com/set-password?token=abc&x=1"));
            // User data is escaped; the store name too.
            assert!(email.html.contains("Ana &lt;Pérez&gt;"));
            assert!(!email.html.contains("<Pérez>"));
            assert!(email.html.contains("Acme &amp; Co"));
            assert!(email.subject.contains("Acme & Co"));
            // Seller's WhatsApp.
            assert!(email.html.contains("https://wa.me/5215512345678?text="));
            assert!(email.text.contains("https://wa.me/5215512345678?text="));
            // The timeline copy does not keep the secret link.
            assert!(!email.record_text.contains("token=abc"));
            assert!(email.record_text.contains(REDACTED_LINK));
        }
    }

    #[test]
    fn missing_language_falls_back_to_the_store_default() {
        for lang in LANGS {
            let email = access_invited(&invited(None), &ctx(lang)).unwrap();
            assert_eq!(email.language, lang);
        }
        // An unknown code in the event is not an error either.
        let data: AccessInvited = serde_json::from_value(serde_json::json!({
            "email": "a@b.co", "language": "fr", "invitation_url": "https://x.co/i?token=t"
        }))
        .unwrap();
        assert_eq!(data.language, None);
        assert_eq!(data.name, "");
        let email = access_invited(&data, &ctx(Language::Ro)).unwrap();
        assert!(email.text.starts_with("Bună ziua, a@b.co,"));
    }

    #[test]
    fn no_whatsapp_link_without_a_seller_number() {
        let mut c = ctx(Language::En);
        c.seller_whatsapp = None;
        let email = access_invited(&invited(None), &c).unwrap();
        assert!(!email.html.contains("wa.me"));
        assert!(email.text.contains("This email was sent by Acme & Co."));
    }

    #[test]
    fn links_must_be_web_links() {
        let mut data = invited(None);
        data.invitation_url = "javascript:alert(1)".into();
        assert!(access_invited(&data, &ctx(Language::En)).is_err());
    }

    #[test]
    fn password_reset_in_each_language() {
        let expected = [
            (Language::Es, "Restablece tu contraseña", "30 minutos"),
            (
                Language::PtBr,
                "Acme & Co: redefina sua senha",
                "30 minutos",
            ),
            (Language::Ro, "Resetează parola", "30 minute"),
            (Language::En, "Reset your", "30 minutes"),
        ];
        for (lang, subject, validity) in expected {
            let data = PasswordResetRequested {
                email: Email::parse("bo@client.com").unwrap(),
                name: "Bo".into(),
                language: Some(lang),
                reset_url: "https://shop.example.com/reset-password?token=r1".into(),
            };
            let email = password_reset(&data, &ctx(Language::Es)).unwrap();
            assert!(email.subject.contains(subject), "{}", email.subject);
            assert!(email.html.contains(validity), "{lang:?}");
            assert!(email
                .html
                .contains("https://shop.example.com/reset-password?token=r1"));
            assert!(email.html.contains("wa.me/5215512345678"));
            assert!(!email.record_text.contains("token=r1"));
        }
    }

    #[test]
    fn account_request_to_the_seller_in_the_default_language() {
        let data = AccountRequested {
            request_id: "r-42".into(),
            company: "Distribuidora <Sur>".into(),
            tax_id: "SUR010101AAA".into(),
            contact_name: "Luis".into(),
            email: "luis@sur.mx".into(),
            phone: "+52 55 8765 4321".into(),
            address: "Av. Sur 1 & 2".into(),
            message: Some("Hola\n\n<script>alert(1)</script>".into()),
        };
        let expected = [
            (Language::Es, "Nueva solicitud de cuenta", "Empresa"),
            (Language::PtBr, "Nova solicitação de conta", "Empresa"),
            (Language::Ro, "Cerere nouă de cont", "Firmă"),
            (Language::En, "New account request", "Company"),
        ];
        for (lang, subject, label) in expected {
            let email = account_requested(&data, &ctx(lang)).unwrap();
            assert_eq!(email.subject, format!("{subject}: Distribuidora <Sur>"));
            assert!(email.html.contains(label));
            assert!(email.html.contains("Distribuidora &lt;Sur&gt;"));
            assert!(!email.html.contains("<script>"));
            assert!(email.html.contains("&lt;script&gt;"));
            assert!(email.html.contains("SUR010101AAA"));
            assert!(email.html.contains("luis@sur.mx"));
            assert!(email.html.contains("Av. Sur 1 &amp; 2"));
            assert!(email
                .html
                .contains("https://shop.example.com/admin/account-requests/r-42"));
            // Reply to the visitor on WhatsApp.
            assert!(email.html.contains("https://wa.me/525587654321?text="));
            assert!(email.text.contains("Luis"));
        }
    }

    #[test]
    fn customer_email_is_the_staff_message_as_escaped_paragraphs() {
        for lang in LANGS {
            let data = CustomerEmailRequested {
                customer_id: Some("c1".into()),
                to: MAIN_EMAIL.into(),
                subject: "  Your order <123>  ".into(),
                message: "Dear client,\nthanks & regards.\n\nSecond <b>para</b>".into(),
                language: Some(lang),
                author: "Eva".into(),
            };
            let email = customer_email(&data, &ctx(Language::Es)).unwrap();
            assert_eq!(email.subject, "Your order <123>");
            assert!(email.html.contains("<title>Your order &lt;123&gt;</title>"));
            assert!(email
                .html
                .contains("Dear client,<br>\nthanks &amp; regards.</p>"));
            assert!(email.html.contains("Second &lt;b&gt;para&lt;/b&gt;</p>"));
            assert!(email.text.starts_with("Dear client,\nthanks & regards."));
            assert!(email.html.contains("wa.me/5215512345678"));
            assert!(email
                .text
                .contains(&fill(strings(lang).sent_by, &[("store", "Acme & Co")])));
            assert_eq!(email.record_text, email.text);
        }
        let blank = CustomerEmailRequested {
            customer_id: None,
            to: MAIN_EMAIL.into(),
            subject: " ".into(),
            message: "x".into(),
            language: None,
            author: String::new(),
        };
        assert!(customer_email(&blank, &ctx(Language::En)).is_err());
    }
}
