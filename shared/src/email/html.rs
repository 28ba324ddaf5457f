//! Small HTML and link helpers for the email templates. Every value that comes from a user
//! (names, companies, staff messages, URLs) goes through [`escape`] before it reaches HTML.

/// Escapes text for an HTML text node or a double-quoted attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Plain text (a staff-written message) as escaped HTML: blank lines separate paragraphs, a
/// single line break stays a line break.
pub fn paragraphs(text: &str) -> String {
    let normalized = text.replace("\r\n", "\n");
    normalized
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let lines: Vec<String> = p.lines().map(|l| escape(l.trim_end())).collect();
            format!("<p style=\"margin:0 0 16px\">{}</p>", lines.join("<br>\n"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Only absolute http(s) links may go into an email (no `javascript:` or relative links).
pub fn is_web_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A WhatsApp click-to-chat link (`https://wa.me/<digits>?text=...`). `None` when the number
/// has no digits.
pub fn whatsapp_link(phone: &str, message: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    Some(format!(
        "https://wa.me/{digits}?text={}",
        urlencoding::encode(message)
    ))
}

/// An email-safe button (a styled link).
pub fn button(url: &str, label: &str) -> String {
    format!(
        "<p style=\"margin:24px 0\"><a href=\"{}\" style=\"background:#1f6feb;color:#ffffff;\
         padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block\">{}</a></p>",
        escape(url),
        escape(label)
    )
}

/// A plain link whose text is the URL itself (for "copy this link" fallbacks).
pub fn raw_link(url: &str) -> String {
    let url = escape(url);
    format!("<a href=\"{url}\" style=\"color:#1f6feb;word-break:break-all\">{url}</a>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<b>"Tom" & 'Jerry'</b>"#),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
        assert_eq!(escape("Ñandú São Paulo ș"), "Ñandú São Paulo ș");
    }

    #[test]
    fn paragraphs_split_on_blank_lines_and_escape() {
        let html = paragraphs("Hola <team>,\r\nline two\n\n\n  Bye & thanks  \n");
        assert_eq!(
            html,
            "<p style=\"margin:0 0 16px\">Hola &lt;team&gt;,<br>\nline two</p>\n\
             <p style=\"margin:0 0 16px\">Bye &amp; thanks</p>"
        );
        assert_eq!(paragraphs("  \n\n "), "");
    }

    #[test]
    fn only_http_links_are_accepted() {
        assert!(is_web_link("https://shop.example.com/x?token=a"));
        assert!(is_web_link("http://localhost:3000/set-password?token=a"));
        assert!(!is_web_link("javascript:alert(1)"));
        assert!(!is_web_link("/relative"));
        assert!(!is_web_link("https://x.com/a b"));
    }

    #[test]
    fn whatsapp_links_keep_digits_and_encode_the_text() {
        assert_eq!(
            whatsapp_link("+52 55 1234 5678", "Hola & adiós").as_deref(),
            Some("https://wa.me/525512345678?text=Hola%20%26%20adi%C3%B3s")
        );
        assert_eq!(whatsapp_link("n/a", "x"), None);
    }

    #[test]
    fn buttons_escape_their_url() {
        let html = button("https://x.com/?a=1&b=\"2\"", "Go <now>");
        assert!(html.contains("href=\"https://x.com/?a=1&amp;b=&quot;2&quot;\""));
        assert!(html.contains(">Go &lt;now&gt;</a>"));
    }
}
