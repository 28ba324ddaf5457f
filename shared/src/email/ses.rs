//! Sending through SES v2 (moto locally): one Simple message with an HTML and a text part.

use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use base64::Engine;

use super::templates::RenderedEmail;

/// `From:` with the store name as display name. MIME encoded-word (RFC 2047), because SES
/// requires it for non-ASCII names and it also avoids quoting rules for commas and quotes.
pub fn from_address(store_name: &str, sender: &str) -> String {
    let name = store_name.trim();
    if name.is_empty() {
        return sender.to_string();
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(name.as_bytes());
    format!("=?UTF-8?B?{encoded}?= <{sender}>")
}

fn utf8(data: &str) -> Result<Content, String> {
    Content::builder()
        .data(data)
        .charset("UTF-8")
        .build()
        .map_err(|e| e.to_string())
}

/// Sends one email; returns SES's message id.
pub async fn send(
    ses: &aws_sdk_sesv2::Client,
    from: &str,
    to: &[String],
    reply_to: &[String],
    email: &RenderedEmail,
) -> Result<String, String> {
    let message = Message::builder()
        .subject(utf8(&email.subject)?)
        .body(
            Body::builder()
                .html(utf8(&email.html)?)
                .text(utf8(&email.text)?)
                .build(),
        )
        .build();
    let out = ses
        .send_email()
        .from_email_address(from)
        .destination(
            Destination::builder()
                .set_to_addresses(Some(to.to_vec()))
                .build(),
        )
        .set_reply_to_addresses((!reply_to.is_empty()).then(|| reply_to.to_vec()))
        .content(EmailContent::builder().simple(message).build())
        .send()
        .await
        .map_err(|e| {
            use aws_sdk_sesv2::error::ProvideErrorMetadata;
            format!(
                "SES send failed: {} {}",
                e.code().unwrap_or("unknown"),
                e.message().unwrap_or(&e.to_string())
            )
        })?;
    Ok(out.message_id.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_address_encodes_the_store_name() {
        assert_eq!(
            from_address("Acme", "no-reply@acme.com"),
            "=?UTF-8?B?QWNtZQ==?= <no-reply@acme.com>"
        );
        assert_eq!(from_address("  ", "a@b.co"), "a@b.co");
    }
}
