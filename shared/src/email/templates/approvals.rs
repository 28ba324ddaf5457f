//! F39 approval emails: a request waiting for the company's managers (with a WhatsApp link to
//! the requester), and a rejection with its reason to the requester; in es, pt-BR, ro and en,
//! with the seller's WhatsApp link in the footer like every customer email.

use super::orders::{customer_parts, link, money, reference};
use super::{fill, html, RenderContext, RenderedEmail};
use crate::email::html::escape;
use crate::orders::approvals::ApprovalNotice;
use crate::types::{Language, Phone};

pub struct ApprovalStrings {
    pub label_request: &'static str,
    pub label_requested_by: &'static str,
    pub label_total: &'static str,
    pub label_limit: &'static str,
    pub label_decided_by: &'static str,
    pub label_reason: &'static str,
    pub requested_subject: &'static str,
    pub requested_intro: &'static str,
    pub requested_note: &'static str,
    pub requested_button: &'static str,
    pub requested_whatsapp: &'static str,
    pub requested_whatsapp_prefill: &'static str,
    pub rejected_subject: &'static str,
    pub rejected_intro: &'static str,
    pub rejected_button: &'static str,
}

const ES: ApprovalStrings = ApprovalStrings {
    label_request: "Solicitud",
    label_requested_by: "Solicitado por",
    label_total: "Total",
    label_limit: "Límite por pedido",
    label_decided_by: "Rechazado por",
    label_reason: "Motivo",
    requested_subject: "Pedido por aprobar {request} de {name}",
    requested_intro: "{name} quiere hacer un pedido por encima de su límite. Espera tu aprobación:",
    requested_note: "Al aprobarlo se realiza el pedido con los precios y el stock de ese momento; no reserva nada mientras espera.",
    requested_button: "Revisar la solicitud",
    requested_whatsapp: "Escribir a {name} por WhatsApp",
    requested_whatsapp_prefill: "Hola, {name}: te escribo por tu solicitud de pedido {request}.",
    rejected_subject: "Tu solicitud de pedido {request} fue rechazada",
    rejected_intro: "Tu solicitud de pedido no fue aprobada, así que no se realizó el pedido.",
    rejected_button: "Ver mi solicitud",
};

const PT_BR: ApprovalStrings = ApprovalStrings {
    label_request: "Solicitação",
    label_requested_by: "Solicitado por",
    label_total: "Total",
    label_limit: "Limite por pedido",
    label_decided_by: "Recusado por",
    label_reason: "Motivo",
    requested_subject: "Pedido para aprovar {request} de {name}",
    requested_intro: "{name} quer fazer um pedido acima do seu limite. Ele aguarda a sua aprovação:",
    requested_note: "Ao aprovar, o pedido é feito com os preços e o estoque do momento; nada fica reservado enquanto espera.",
    requested_button: "Revisar a solicitação",
    requested_whatsapp: "Falar com {name} pelo WhatsApp",
    requested_whatsapp_prefill: "Olá, {name}, sobre a sua solicitação de pedido {request}.",
    rejected_subject: "Sua solicitação de pedido {request} foi recusada",
    rejected_intro: "Sua solicitação de pedido não foi aprovada, então o pedido não foi feito.",
    rejected_button: "Ver minha solicitação",
};

const RO: ApprovalStrings = ApprovalStrings {
    label_request: "Cerere",
    label_requested_by: "Cerută de",
    label_total: "Total",
    label_limit: "Limită pe comandă",
    label_decided_by: "Respinsă de",
    label_reason: "Motiv",
    requested_subject: "Comandă de aprobat {request} de la {name}",
    requested_intro: "{name} vrea să plaseze o comandă peste limita sa. Așteaptă aprobarea ta:",
    requested_note: "La aprobare, comanda se plasează cu prețurile și stocul de atunci; cât timp așteaptă, nu rezervă nimic.",
    requested_button: "Vezi cererea",
    requested_whatsapp: "Scrie-i lui {name} pe WhatsApp",
    requested_whatsapp_prefill: "Bună ziua, {name}, vă scriu despre cererea de comandă {request}.",
    rejected_subject: "Cererea ta de comandă {request} a fost respinsă",
    rejected_intro: "Cererea ta de comandă nu a fost aprobată, așa că nu s-a plasat nicio comandă.",
    rejected_button: "Vezi cererea mea",
};

const EN: ApprovalStrings = ApprovalStrings {
    label_request: "Request",
    label_requested_by: "Requested by",
    label_total: "Total",
    label_limit: "Per-order limit",
    label_decided_by: "Rejected by",
    label_reason: "Reason",
    requested_subject: "Order to approve {request} from {name}",
    requested_intro: "{name} wants to place an order above their limit. It waits for your approval:",
    requested_note: "Approving places the order at that moment's prices and stock; nothing is reserved while it waits.",
    requested_button: "Review the request",
    requested_whatsapp: "Message {name} on WhatsApp",
    requested_whatsapp_prefill: "Hello {name}, about your order request {request}.",
    rejected_subject: "Your order request {request} was rejected",
    rejected_intro: "Your order request was not approved, so no order was placed.",
    rejected_button: "View my request",
};

pub fn approval_strings(language: Language) -> &'static ApprovalStrings {
    match language {
        Language::Es => &ES,
        Language::PtBr => &PT_BR,
        Language::Ro => &RO,
        Language::En => &EN,
    }
}

fn name_of(data: &ApprovalNotice) -> String {
    let name = data.requested_by.trim();
    if name.is_empty() {
        data.requester.email.clone()
    } else {
        name.to_string()
    }
}

/// `ApprovalRequested`, to the company's managers (in the first one's language).
pub fn approval_requested(
    data: &ApprovalNotice,
    ctx: &RenderContext,
) -> Result<RenderedEmail, String> {
    let language = data.to.first().and_then(|r| r.language);
    let (mut p, o) = customer_parts(language, ctx);
    let a = approval_strings(p.lang);
    let request = reference(&data.approval_id);
    let name = name_of(data);
    p.para(a.requested_intro, &[("name", &name)]);
    p.facts(&[
        (a.label_request, request.clone()),
        (
            a.label_requested_by,
            format!("{name} <{}>", data.requester.email),
        ),
        (a.label_total, money(&data.total, &data.currency)),
        (a.label_limit, money(&data.limit, &data.currency)),
    ]);
    p.lines(o, &data.lines, data.line_count, &data.currency);
    p.para(a.requested_note, &[]);
    p.action(
        &link(ctx, "approvals", &data.approval_id),
        a.requested_button,
    );
    if let Some(phone) = data
        .requester_phone
        .as_deref()
        .and_then(|p| Phone::parse(p).ok())
    {
        let prefill = fill(
            a.requested_whatsapp_prefill,
            &[("name", &name), ("request", &request)],
        );
        if let Some(url) = html::whatsapp_link(phone.as_str(), &prefill) {
            let label = fill(a.requested_whatsapp, &[("name", &name)]);
            p.html.push(format!(
                "<p style=\"margin:0 0 16px\"><a href=\"{}\" style=\"color:#1a7f37\">{}</a></p>",
                escape(&url),
                escape(&label)
            ));
            p.text.push(format!("{label}: {url}"));
        }
    }
    let subject = fill(
        a.requested_subject,
        &[("request", &request), ("name", &name)],
    );
    let footer = p.customer_footer();
    Ok(p.finish(subject, footer))
}

/// `ApprovalRejected`, to the requester, with the reason.
pub fn approval_rejected(
    data: &ApprovalNotice,
    ctx: &RenderContext,
) -> Result<RenderedEmail, String> {
    let (mut p, _) = customer_parts(data.requester.language, ctx);
    let a = approval_strings(p.lang);
    let request = reference(&data.approval_id);
    p.greeting(&data.requester.name, &data.requester.email);
    p.para(a.rejected_intro, &[]);
    let mut facts = vec![
        (a.label_request, request.clone()),
        (a.label_total, money(&data.total, &data.currency)),
    ];
    if let Some(by) = data.decided_by.as_deref().filter(|b| !b.trim().is_empty()) {
        facts.push((a.label_decided_by, by.trim().to_string()));
    }
    if let Some(reason) = data.reason.as_deref().filter(|r| !r.trim().is_empty()) {
        facts.push((a.label_reason, reason.trim().to_string()));
    }
    p.facts(&facts);
    p.action(
        &link(ctx, "approvals", &data.approval_id),
        a.rejected_button,
    );
    let subject = fill(a.rejected_subject, &[("request", &request)]);
    let footer = p.customer_footer();
    Ok(p.finish(subject, footer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::events::Recipient;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn ctx() -> RenderContext {
        RenderContext {
            store_name: "Acme & Co".into(),
            seller_whatsapp: Some("5215512345678".into()),
            public_base_url: "https://shop.example.com".into(),
            invitation_hours: 72,
            reset_minutes: 30,
            default_language: Language::Es,
        }
    }

    fn notice(lang: Language) -> ApprovalNotice {
        let who = Recipient {
            email: "ana@cliente.mx".into(),
            name: "Ana <Pérez>".into(),
            language: Some(lang),
        };
        ApprovalNotice {
            approval_id: "0190aaaabbbbccccddddeeeeffff7777".into(),
            customer_id: "c1".into(),
            customer_name: "Cliente".into(),
            requested_by: "Ana <Pérez>".into(),
            requester: who.clone(),
            requester_phone: Some("+52 55 8765 4321".into()),
            currency: "MXN".into(),
            total: Decimal::from_str("11600.00").unwrap(),
            limit: Decimal::from_str("5000.00").unwrap(),
            line_count: 1,
            lines: vec![],
            to: vec![Recipient {
                email: "boss@cliente.mx".into(),
                name: "Boss".into(),
                language: Some(lang),
            }],
            decided_by: Some("Boss".into()),
            reason: Some("Too <much>".into()),
        }
    }

    #[test]
    fn managers_get_the_request_with_links_in_their_language() {
        for lang in [Language::Es, Language::PtBr, Language::Ro, Language::En] {
            let email = approval_requested(&notice(lang), &ctx()).unwrap();
            assert_eq!(email.language, lang);
            assert!(email.subject.contains("FFFF7777"), "{}", email.subject);
            assert!(email.html.contains("Ana &lt;Pérez&gt;"));
            assert!(email
                .html
                .contains("https://shop.example.com/approvals/0190aaaabbbbccccddddeeeeffff7777"));
            // The requester's WhatsApp and the seller's.
            assert!(email.html.contains("https://wa.me/525587654321"));
            assert!(email.html.contains("https://wa.me/5215512345678"));
            assert!(email.text.contains("11600.00 MXN") && email.text.contains("5000.00 MXN"));
        }
    }

    #[test]
    fn the_requester_reads_why_it_was_rejected() {
        let email = approval_rejected(&notice(Language::En), &ctx()).unwrap();
        assert_eq!(email.language, Language::En);
        assert!(email.html.contains("Too &lt;much&gt;"));
        assert!(email.subject.contains("FFFF7777"));
        assert!(email.html.contains("https://wa.me/5215512345678"));
    }
}
