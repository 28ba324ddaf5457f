//! Order and quote emails (F25): the seller's notice of a new order (with a WhatsApp link to
//! the contact), the customer's confirmation, status changes (claimed, fulfilled, cancelled,
//! expired) and answered quotes, in es, pt-BR, ro and en. Same building blocks as the other
//! templates ([`Parts`]); every value from the event is escaped before it reaches HTML.

use super::{fill, html, Parts, RenderContext, RenderedEmail};
use crate::email::html::escape;
use crate::orders::events::{NoticeLine, OrderNotice, QuoteNotice};
use crate::orders::OrderStatus;
use crate::types::{Language, Phone};

/// Lines listed in an email; the rest are counted.
pub const EMAIL_MAX_LINES: usize = 20;

pub struct OrderStrings {
    pub label_order: &'static str,
    pub label_customer: &'static str,
    pub label_placed_by: &'static str,
    pub label_total: &'static str,
    pub label_lines: &'static str,
    pub label_warehouse: &'static str,
    pub label_deadline: &'static str,
    pub label_reason: &'static str,
    pub col_item: &'static str,
    pub col_quantity: &'static str,
    pub col_unit_price: &'static str,
    pub col_total: &'static str,
    pub more_lines: &'static str,
    // To the seller.
    pub placed_subject: &'static str,
    pub placed_intro: &'static str,
    pub placed_deadline: &'static str,
    pub placed_button: &'static str,
    pub placed_whatsapp: &'static str,
    pub placed_whatsapp_prefill: &'static str,
    // To the customer.
    pub confirm_subject: &'static str,
    pub confirm_intro: &'static str,
    pub confirm_deadline: &'static str,
    pub order_button: &'static str,
    pub claimed_subject: &'static str,
    pub claimed_intro: &'static str,
    pub fulfilled_subject: &'static str,
    pub fulfilled_intro: &'static str,
    pub cancelled_subject: &'static str,
    pub cancelled_intro: &'static str,
    pub expired_subject: &'static str,
    pub expired_intro: &'static str,
    pub quote_subject: &'static str,
    pub quote_intro: &'static str,
    pub quote_validity: &'static str,
    pub quote_button: &'static str,
}

const ES: OrderStrings = OrderStrings {
    label_order: "Pedido",
    label_customer: "Cliente",
    label_placed_by: "Realizado por",
    label_total: "Total",
    label_lines: "Líneas",
    label_warehouse: "Almacén",
    label_deadline: "Tomar antes del",
    label_reason: "Motivo",
    col_item: "Artículo",
    col_quantity: "Cantidad",
    col_unit_price: "Precio unitario",
    col_total: "Importe",
    more_lines: "… y {count} líneas más.",
    placed_subject: "Nuevo pedido {order} de {customer}",
    placed_intro: "{customer} realizó un pedido en el portal. Tómalo para atenderlo.",
    placed_deadline: "Si nadie lo toma antes del {deadline}, se cancelará automáticamente y su stock volverá a estar disponible.",
    placed_button: "Ver el pedido",
    placed_whatsapp: "Escribir a {name} por WhatsApp",
    placed_whatsapp_prefill: "Hola, {name}: te escribimos de {store} por tu pedido {order}.",
    confirm_subject: "Recibimos tu pedido {order}",
    confirm_intro: "Gracias por tu pedido. Lo recibimos y el equipo de {store} lo atenderá pronto; tu stock ya está reservado.",
    confirm_deadline: "Si no se atiende antes del {deadline}, se cancelará automáticamente y te avisaremos.",
    order_button: "Ver mi pedido",
    claimed_subject: "Tu pedido {order} está en preparación",
    claimed_intro: "{store} tomó tu pedido y lo está preparando.",
    fulfilled_subject: "Tu pedido {order} fue surtido",
    fulfilled_intro: "{store} surtió tu pedido. ¡Gracias por tu compra!",
    cancelled_subject: "Tu pedido {order} fue cancelado",
    cancelled_intro: "Tu pedido fue cancelado y el stock que reservaba se liberó.",
    expired_subject: "Tu pedido {order} venció",
    expired_intro: "Nadie tomó tu pedido a tiempo, así que se canceló automáticamente y el stock que reservaba se liberó. Si aún lo necesitas, puedes volver a pedirlo.",
    quote_subject: "Respondimos tu cotización {quote}",
    quote_intro: "{store} respondió tu solicitud de cotización con estos precios:",
    quote_validity: "Puedes aceptarla hasta el {date}; al aceptarla se convierte en un pedido.",
    quote_button: "Ver la cotización",
};

const PT_BR: OrderStrings = OrderStrings {
    label_order: "Pedido",
    label_customer: "Cliente",
    label_placed_by: "Feito por",
    label_total: "Total",
    label_lines: "Linhas",
    label_warehouse: "Depósito",
    label_deadline: "Assumir até",
    label_reason: "Motivo",
    col_item: "Item",
    col_quantity: "Quantidade",
    col_unit_price: "Preço unitário",
    col_total: "Valor",
    more_lines: "… e mais {count} linhas.",
    placed_subject: "Novo pedido {order} de {customer}",
    placed_intro: "{customer} fez um pedido no portal. Assuma-o para atendê-lo.",
    placed_deadline: "Se ninguém o assumir até {deadline}, ele será cancelado automaticamente e o estoque voltará a ficar disponível.",
    placed_button: "Ver o pedido",
    placed_whatsapp: "Falar com {name} pelo WhatsApp",
    placed_whatsapp_prefill: "Olá, {name}, aqui é da {store}, sobre o seu pedido {order}.",
    confirm_subject: "Recebemos seu pedido {order}",
    confirm_intro: "Obrigado pelo seu pedido. Nós o recebemos e a equipe da {store} vai atendê-lo em breve; o estoque já está reservado.",
    confirm_deadline: "Se não for atendido até {deadline}, será cancelado automaticamente e avisaremos você.",
    order_button: "Ver meu pedido",
    claimed_subject: "Seu pedido {order} está em preparação",
    claimed_intro: "A {store} assumiu seu pedido e está preparando.",
    fulfilled_subject: "Seu pedido {order} foi atendido",
    fulfilled_intro: "A {store} atendeu seu pedido. Obrigado pela compra!",
    cancelled_subject: "Seu pedido {order} foi cancelado",
    cancelled_intro: "Seu pedido foi cancelado e o estoque reservado foi liberado.",
    expired_subject: "Seu pedido {order} expirou",
    expired_intro: "Ninguém assumiu seu pedido a tempo, então ele foi cancelado automaticamente e o estoque reservado foi liberado. Se ainda precisar, você pode pedir de novo.",
    quote_subject: "Respondemos seu orçamento {quote}",
    quote_intro: "A {store} respondeu sua solicitação de orçamento com estes preços:",
    quote_validity: "Você pode aceitá-lo até {date}; ao aceitar, ele se torna um pedido.",
    quote_button: "Ver o orçamento",
};

const RO: OrderStrings = OrderStrings {
    label_order: "Comanda",
    label_customer: "Client",
    label_placed_by: "Plasată de",
    label_total: "Total",
    label_lines: "Linii",
    label_warehouse: "Depozit",
    label_deadline: "De preluat până la",
    label_reason: "Motiv",
    col_item: "Articol",
    col_quantity: "Cantitate",
    col_unit_price: "Preț unitar",
    col_total: "Valoare",
    more_lines: "… și încă {count} linii.",
    placed_subject: "Comandă nouă {order} de la {customer}",
    placed_intro: "{customer} a plasat o comandă în portal. Preia-o pentru a o onora.",
    placed_deadline: "Dacă nimeni nu o preia până la {deadline}, va fi anulată automat, iar stocul va redeveni disponibil.",
    placed_button: "Vezi comanda",
    placed_whatsapp: "Scrie-i lui {name} pe WhatsApp",
    placed_whatsapp_prefill: "Bună ziua, {name}, vă scriem de la {store} despre comanda {order}.",
    confirm_subject: "Am primit comanda ta {order}",
    confirm_intro: "Îți mulțumim pentru comandă. Am primit-o, iar echipa {store} o va onora în curând; stocul este deja rezervat.",
    confirm_deadline: "Dacă nu este preluată până la {deadline}, va fi anulată automat și te vom anunța.",
    order_button: "Vezi comanda mea",
    claimed_subject: "Comanda ta {order} este în pregătire",
    claimed_intro: "{store} a preluat comanda ta și o pregătește.",
    fulfilled_subject: "Comanda ta {order} a fost livrată",
    fulfilled_intro: "{store} a onorat comanda ta. Îți mulțumim!",
    cancelled_subject: "Comanda ta {order} a fost anulată",
    cancelled_intro: "Comanda ta a fost anulată, iar stocul rezervat a fost eliberat.",
    expired_subject: "Comanda ta {order} a expirat",
    expired_intro: "Nimeni nu a preluat comanda ta la timp, așa că a fost anulată automat, iar stocul rezervat a fost eliberat. Dacă încă ai nevoie, o poți plasa din nou.",
    quote_subject: "Am răspuns la oferta ta {quote}",
    quote_intro: "{store} a răspuns cererii tale de ofertă cu aceste prețuri:",
    quote_validity: "O poți accepta până la {date}; acceptată, devine comandă.",
    quote_button: "Vezi oferta",
};

const EN: OrderStrings = OrderStrings {
    label_order: "Order",
    label_customer: "Customer",
    label_placed_by: "Placed by",
    label_total: "Total",
    label_lines: "Lines",
    label_warehouse: "Warehouse",
    label_deadline: "Claim by",
    label_reason: "Reason",
    col_item: "Item",
    col_quantity: "Quantity",
    col_unit_price: "Unit price",
    col_total: "Amount",
    more_lines: "… and {count} more lines.",
    placed_subject: "New order {order} from {customer}",
    placed_intro: "{customer} placed an order in the portal. Claim it to handle it.",
    placed_deadline: "If nobody claims it by {deadline}, it is cancelled automatically and its stock becomes available again.",
    placed_button: "View the order",
    placed_whatsapp: "Message {name} on WhatsApp",
    placed_whatsapp_prefill: "Hello {name}, this is {store} about your order {order}.",
    confirm_subject: "We received your order {order}",
    confirm_intro: "Thank you for your order. We received it and the {store} team will handle it soon; your stock is reserved.",
    confirm_deadline: "If it is not handled by {deadline}, it is cancelled automatically and we will let you know.",
    order_button: "View my order",
    claimed_subject: "Your order {order} is being prepared",
    claimed_intro: "{store} took over your order and is preparing it.",
    fulfilled_subject: "Your order {order} was fulfilled",
    fulfilled_intro: "{store} fulfilled your order. Thank you for your purchase!",
    cancelled_subject: "Your order {order} was cancelled",
    cancelled_intro: "Your order was cancelled and the stock it reserved was released.",
    expired_subject: "Your order {order} expired",
    expired_intro: "Nobody claimed your order in time, so it was cancelled automatically and the stock it reserved was released. If you still need it, you can order again.",
    quote_subject: "We answered your quote {quote}",
    quote_intro: "{store} answered your quote request with these prices:",
    quote_validity: "You can accept it until {date}; once accepted it becomes an order.",
    quote_button: "View the quote",
};

pub fn order_strings(language: Language) -> &'static OrderStrings {
    match language {
        Language::Es => &ES,
        Language::PtBr => &PT_BR,
        Language::Ro => &RO,
        Language::En => &EN,
    }
}

/// The short reference people read: the last 8 characters of the id, upper-cased.
pub fn reference(id: &str) -> String {
    let start = id.len().saturating_sub(8);
    id[start..].to_uppercase()
}

/// `2026-01-31T18:05:00.000Z` -> `2026-01-31 18:05 UTC`.
pub fn when(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|at| {
            at.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or_else(|_| rfc3339.to_string())
}

pub(super) fn money(amount: &rust_decimal::Decimal, currency: &str) -> String {
    format!("{amount} {currency}")
}

pub(super) fn link(ctx: &RenderContext, path: &str, id: &str) -> String {
    format!("{}/{path}/{}", ctx.public_base_url, urlencoding::encode(id))
}

impl Parts<'_> {
    /// A two-column table of labels and values.
    pub(super) fn facts(&mut self, rows: &[(&str, String)]) {
        let mut table = String::from(
            "<table style=\"border-collapse:collapse;margin:0 0 16px\" cellpadding=\"0\" cellspacing=\"0\">",
        );
        let mut text = Vec::new();
        for (label, value) in rows.iter().filter(|(_, v)| !v.trim().is_empty()) {
            table.push_str(&format!(
                "<tr><td style=\"padding:4px 16px 4px 0;color:#57606a\">{}</td>\
                 <td style=\"padding:4px 0\">{}</td></tr>",
                escape(label),
                escape(value)
            ));
            text.push(format!("{label}: {value}"));
        }
        table.push_str("</table>");
        self.html.push(table);
        self.text.push(text.join("\n"));
    }

    /// The first lines, with a count of the rest.
    pub(super) fn lines(
        &mut self,
        o: &OrderStrings,
        lines: &[NoticeLine],
        line_count: usize,
        currency: &str,
    ) {
        let cell = "padding:6px 8px;border-bottom:1px solid #e1e4e8";
        let mut table = format!(
            "<table style=\"border-collapse:collapse;width:100%;margin:0 0 16px;font-size:14px\" cellpadding=\"0\" cellspacing=\"0\">\
             <tr><th style=\"{cell};text-align:left\">{}</th><th style=\"{cell};text-align:right\">{}</th>\
             <th style=\"{cell};text-align:right\">{}</th><th style=\"{cell};text-align:right\">{}</th></tr>",
            escape(o.col_item),
            escape(o.col_quantity),
            escape(o.col_unit_price),
            escape(o.col_total)
        );
        let mut text = Vec::new();
        for l in lines.iter().take(EMAIL_MAX_LINES) {
            table.push_str(&format!(
                "<tr><td style=\"{cell}\">{} <span style=\"color:#57606a\">({})</span></td>\
                 <td style=\"{cell};text-align:right\">{} {}</td><td style=\"{cell};text-align:right\">{}</td>\
                 <td style=\"{cell};text-align:right\">{}</td></tr>",
                escape(&l.name),
                escape(&l.sku),
                l.quantity,
                escape(&l.unit),
                escape(&money(&l.unit_price, currency)),
                escape(&money(&l.total, currency))
            ));
            text.push(format!(
                "- {} ({}): {} {} x {} = {}",
                l.name,
                l.sku,
                l.quantity,
                l.unit,
                money(&l.unit_price, currency),
                money(&l.total, currency)
            ));
        }
        table.push_str("</table>");
        self.html.push(table);
        let shown = lines.len().min(EMAIL_MAX_LINES);
        if line_count > shown {
            let more = fill(
                o.more_lines,
                &[("count", &(line_count - shown).to_string())],
            );
            self.html.push(format!(
                "<p style=\"margin:0 0 16px;color:#57606a\">{}</p>",
                escape(&more)
            ));
            text.push(more);
        }
        self.text.push(text.join("\n"));
    }
}

/// `OrderPlaced`, to the seller in the store's language: what was ordered, by whom, the claim
/// deadline, a link to the order and a WhatsApp link to the contact.
pub fn order_placed(data: &OrderNotice, ctx: &RenderContext) -> Result<RenderedEmail, String> {
    let mut p = Parts::new(ctx.default_language, ctx);
    let o = order_strings(ctx.default_language);
    let order = reference(&data.order_id);
    let customer = data.customer_name.trim().to_string();
    p.para(o.placed_intro, &[("customer", &customer)]);
    let deadline = when(&data.expires_at);
    let who = match &data.contact_email {
        Some(email) => format!("{} <{email}>", data.placed_by),
        None => data.placed_by.clone(),
    };
    p.facts(&[
        (o.label_order, order.clone()),
        (o.label_customer, customer.clone()),
        (o.label_placed_by, who),
        (o.label_warehouse, data.warehouse_id.clone()),
        (o.label_lines, data.line_count.to_string()),
        (o.label_total, money(&data.total, &data.currency)),
        (o.label_deadline, deadline.clone()),
    ]);
    p.lines(o, &data.lines, data.line_count, &data.currency);
    p.para(o.placed_deadline, &[("deadline", &deadline)]);
    p.action(&link(ctx, "admin/orders", &data.order_id), o.placed_button);
    if let Some(phone) = data
        .contact_phone
        .as_deref()
        .and_then(|p| Phone::parse(p).ok())
    {
        let name = if data.placed_by.trim().is_empty() {
            customer.as_str()
        } else {
            data.placed_by.trim()
        };
        let prefill = fill(
            o.placed_whatsapp_prefill,
            &[
                ("name", name),
                ("store", &ctx.store_name),
                ("order", &order),
            ],
        );
        if let Some(url) = html::whatsapp_link(phone.as_str(), &prefill) {
            let label = fill(o.placed_whatsapp, &[("name", name)]);
            p.html.push(format!(
                "<p style=\"margin:0 0 16px\"><a href=\"{}\" style=\"color:#1a7f37\">{}</a></p>",
                escape(&url),
                escape(&label)
            ));
            p.text.push(format!("{label}: {url}"));
        }
    }
    let subject = fill(
        o.placed_subject,
        &[("order", &order), ("customer", &customer)],
    );
    let footer = fill(p.s.sent_by, &[("store", &ctx.store_name)]);
    Ok(p.finish(subject, (escape(&footer), footer)))
}

pub(super) fn customer_parts<'a>(
    data_language: Option<Language>,
    ctx: &'a RenderContext,
) -> (Parts<'a>, &'static OrderStrings) {
    let lang = data_language.unwrap_or(ctx.default_language);
    (Parts::new(lang, ctx), order_strings(lang))
}

/// `OrderConfirmationRequested`: the customer's confirmation.
pub fn order_confirmation(
    data: &OrderNotice,
    ctx: &RenderContext,
) -> Result<RenderedEmail, String> {
    let (mut p, o) = customer_parts(data.to.language, ctx);
    let order = reference(&data.order_id);
    let store = ctx.store_name.clone();
    p.greeting(&data.to.name, &data.to.email);
    p.para(o.confirm_intro, &[("store", &store)]);
    p.facts(&[
        (o.label_order, order.clone()),
        (o.label_warehouse, data.warehouse_id.clone()),
        (o.label_total, money(&data.total, &data.currency)),
    ]);
    p.lines(o, &data.lines, data.line_count, &data.currency);
    p.para(o.confirm_deadline, &[("deadline", &when(&data.expires_at))]);
    p.action(&link(ctx, "orders", &data.order_id), o.order_button);
    let subject = fill(o.confirm_subject, &[("order", &order)]);
    let footer = p.customer_footer();
    Ok(p.finish(subject, footer))
}

/// `OrderClaimed`, `OrderFulfilled`, `OrderCancelled`, `OrderExpired`: the new status, to the
/// customer.
pub fn order_status(data: &OrderNotice, ctx: &RenderContext) -> Result<RenderedEmail, String> {
    let (mut p, o) = customer_parts(data.to.language, ctx);
    let (subject, intro) = match data.status {
        OrderStatus::Claimed => (o.claimed_subject, o.claimed_intro),
        OrderStatus::Fulfilled => (o.fulfilled_subject, o.fulfilled_intro),
        OrderStatus::Cancelled => (o.cancelled_subject, o.cancelled_intro),
        OrderStatus::Expired => (o.expired_subject, o.expired_intro),
        OrderStatus::Placed => {
            return Err("a placed order is confirmed, not a status change".into())
        }
    };
    let order = reference(&data.order_id);
    let store = ctx.store_name.clone();
    p.greeting(&data.to.name, &data.to.email);
    p.para(intro, &[("store", &store)]);
    let mut facts = vec![
        (o.label_order, order.clone()),
        (o.label_total, money(&data.total, &data.currency)),
    ];
    if let Some(reason) = data.reason.as_deref().filter(|r| !r.trim().is_empty()) {
        facts.push((o.label_reason, reason.trim().to_string()));
    }
    p.facts(&facts);
    p.action(&link(ctx, "orders", &data.order_id), o.order_button);
    let subject = fill(subject, &[("order", &order)]);
    let footer = p.customer_footer();
    Ok(p.finish(subject, footer))
}

/// `QuoteAnswered`: the prices and until when the customer may accept.
pub fn quote_answered(data: &QuoteNotice, ctx: &RenderContext) -> Result<RenderedEmail, String> {
    let (mut p, o) = customer_parts(data.to.language, ctx);
    let quote = reference(&data.quote_id);
    let store = ctx.store_name.clone();
    p.greeting(&data.to.name, &data.to.email);
    p.para(o.quote_intro, &[("store", &store)]);
    p.lines(o, &data.lines, data.line_count, &data.currency);
    p.facts(&[(o.label_total, money(&data.total, &data.currency))]);
    if let Some(note) = data
        .answer_note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        p.html.push(html::paragraphs(note));
        p.text.push(note.to_string());
    }
    p.para(o.quote_validity, &[("date", &when(&data.valid_until))]);
    p.action(&link(ctx, "quotes", &data.quote_id), o.quote_button);
    let subject = fill(o.quote_subject, &[("quote", &quote)]);
    let footer = p.customer_footer();
    Ok(p.finish(subject, footer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::events::Recipient;
    use rust_decimal::Decimal;
    use std::str::FromStr;

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

    fn notice(status: OrderStatus, lang: Language, lines: usize) -> OrderNotice {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        OrderNotice {
            order_id: "0190aaaabbbbccccddddeeeeffff1234".into(),
            customer_id: "c1".into(),
            customer_name: "Ferretería <Uno>".into(),
            status,
            warehouse_id: "W1".into(),
            currency: "MXN".into(),
            subtotal: d("100.00"),
            tax: d("16.00"),
            total: d("116.00"),
            line_count: lines,
            lines: (0..lines)
                .map(|i| NoticeLine {
                    sku: format!("SKU-{i}"),
                    name: format!("Martillo <{i}>"),
                    quantity: 2,
                    unit: "piece".into(),
                    unit_price: d("50.00"),
                    total: d("116.00"),
                })
                .collect(),
            lines_truncated: false,
            created_at: "2026-01-01T10:00:00.000Z".into(),
            expires_at: "2026-01-03T10:00:00.000Z".into(),
            to: Recipient {
                email: "ana@uno.mx".into(),
                name: "Ana".into(),
                language: Some(lang),
            },
            placed_by: "Ana Pérez".into(),
            contact_email: Some("ana@uno.mx".into()),
            contact_phone: Some("+52 55 8765 4321".into()),
            actor: Some("Luis".into()),
            reason: Some("Out of <season>".into()),
            quote_id: None,
        }
    }

    #[test]
    fn the_seller_gets_the_order_with_a_whatsapp_link_to_the_contact() {
        for lang in LANGS {
            let email =
                order_placed(&notice(OrderStatus::Placed, Language::En, 3), &ctx(lang)).unwrap();
            assert_eq!(email.language, lang);
            let o = order_strings(lang);
            assert!(email.subject.contains("FFFF1234"), "{}", email.subject);
            assert!(email.subject.contains("Ferretería <Uno>"));
            assert!(email.html.contains("Ferretería &lt;Uno&gt;"));
            assert!(!email.html.contains("<Uno>"));
            assert!(email.html.contains("https://wa.me/525587654321?text="));
            assert!(email.html.contains(
                "https://shop.example.com/admin/orders/0190aaaabbbbccccddddeeeeffff1234"
            ));
            assert!(email.html.contains("116.00 MXN"));
            assert!(email.html.contains("2026-01-03 10:00 UTC"));
            assert!(email.html.contains(&escape(o.placed_button)));
            assert!(email.text.contains("Martillo <0>"));
        }
    }

    #[test]
    fn the_customer_gets_a_confirmation_and_status_changes_in_its_language() {
        for lang in LANGS {
            let o = order_strings(lang);
            let email =
                order_confirmation(&notice(OrderStatus::Placed, lang, 25), &ctx(Language::Es))
                    .unwrap();
            assert_eq!(email.language, lang);
            assert_eq!(
                email.subject,
                fill(o.confirm_subject, &[("order", "FFFF1234")])
            );
            assert!(email
                .html
                .contains("https://shop.example.com/orders/0190aaaabbbbccccddddeeeeffff1234"));
            // 20 lines listed, 5 counted.
            assert!(email.text.contains(&fill(o.more_lines, &[("count", "5")])));
            assert!(
                email.html.contains("wa.me/5215512345678"),
                "the seller's WhatsApp"
            );
            for (status, subject) in [
                (OrderStatus::Claimed, o.claimed_subject),
                (OrderStatus::Fulfilled, o.fulfilled_subject),
                (OrderStatus::Cancelled, o.cancelled_subject),
                (OrderStatus::Expired, o.expired_subject),
            ] {
                let email = order_status(&notice(status, lang, 1), &ctx(Language::Es)).unwrap();
                assert_eq!(email.subject, fill(subject, &[("order", "FFFF1234")]));
                assert!(email.html.contains("Out of &lt;season&gt;"));
            }
            assert!(order_status(&notice(OrderStatus::Placed, lang, 1), &ctx(lang)).is_err());
        }
    }

    #[test]
    fn answered_quotes_show_prices_and_validity() {
        let n = notice(OrderStatus::Placed, Language::Ro, 2);
        let q = QuoteNotice {
            quote_id: "0190aaaabbbbccccddddeeeeffff9999".into(),
            customer_id: "c1".into(),
            customer_name: "Uno".into(),
            currency: "RON".into(),
            total: n.total,
            line_count: 2,
            lines: n.lines.clone(),
            valid_until: "2026-02-01T23:59:59.999Z".into(),
            answer_note: Some("Best <price>".into()),
            to: n.to.clone(),
        };
        let email = quote_answered(&q, &ctx(Language::Es)).unwrap();
        assert_eq!(email.language, Language::Ro);
        assert!(email.subject.contains("FFFF9999"));
        assert!(email.html.contains("2026-02-01 23:59 UTC"));
        assert!(email.html.contains("Best &lt;price&gt;"));
        assert!(email
            .html
            .contains("https://shop.example.com/quotes/0190aaaabbbbccccddddeeeeffff9999"));
    }

    #[test]
    fn every_language_has_every_order_string() {
        for lang in LANGS {
            let o = order_strings(lang);
            assert!(
                o.placed_subject.contains("{order}") && o.placed_subject.contains("{customer}")
            );
            assert!(o.confirm_deadline.contains("{deadline}"));
            assert!(o.quote_validity.contains("{date}"));
            assert!(o.more_lines.contains("{count}"));
            for s in [
                o.claimed_subject,
                o.fulfilled_subject,
                o.cancelled_subject,
                o.expired_subject,
            ] {
                assert!(s.contains("{order}"), "{lang:?}");
            }
        }
    }
}
