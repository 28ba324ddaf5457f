//! The words and number/date formats of the document PDFs (F27), one table per language (es,
//! pt-BR, ro, en), in the language of the customer who reads them (see
//! [`super::reader_language`]). Every label of the PDF comes from [`DocumentLabels`]; nothing
//! else in the renderer is English.
//!
//! Formats, per what a customer in each country expects:
//! - `es` (the portal's Spanish-speaking customers are in Mexico): `1,234.56`, decimal point and
//!   comma thousands (Mexican usage, unlike Spain), dates `23/11/2026`.
//! - `pt-BR` (Brazil): `1.234,56`, dates `23/11/2026`.
//! - `ro` (Romania): `1.234,56`, dates `23.11.2026` (the dotted day.month.year Romanian
//!   invoices and official documents use).
//! - `en` (customers abroad): `1,234.56`, dates ISO `2026-11-23` (unambiguous whichever
//!   English convention, day-first or month-first, the reader is used to).
//!
//! Amounts are followed by the ISO 4217 code (`5,800.00 MXN`, `5.800,00 RON`): documents may be in
//! a currency other than the local one, and the code is what invoices print.

use rust_decimal::Decimal;

use super::model::DocumentKind;
use crate::types::Language;

/// Every label printed on a document PDF. Adding a field fails to compile until each language
/// has it (and [`DocumentLabels::all`] lists it, which the completeness test checks).
#[derive(Debug)]
pub struct DocumentLabels {
    pub invoice: &'static str,
    pub proforma: &'static str,
    pub receipt: &'static str,
    /// Before the document's number ("No. A-1001").
    pub number: &'static str,
    pub issued_on: &'static str,
    pub due_on: &'static str,
    pub currency: &'static str,
    /// Printed on a document voided in the ERP.
    pub cancelled: &'static str,
    /// Header of the issuer's fiscal data.
    pub seller: &'static str,
    /// Header of the receiver's fiscal data.
    pub customer: &'static str,
    /// Before a party's tax id (generic on purpose: the seller and the customer may be in
    /// different countries, so a national name like RFC or CNPJ could be wrong for one of them).
    pub tax_id: &'static str,
    pub sku: &'static str,
    pub description: &'static str,
    pub quantity: &'static str,
    pub unit_price: &'static str,
    /// A line's amount.
    pub amount: &'static str,
    pub subtotal: &'static str,
    pub tax: &'static str,
    pub total: &'static str,
    /// What was paid on an invoice or proforma.
    pub paid: &'static str,
    /// What a receipt records as received.
    pub received: &'static str,
    /// What the customer still owes on an invoice.
    pub balance_due: &'static str,
    pub references: &'static str,
    /// The footer's page counter, with `{page}` and `{pages}`.
    pub page_of: &'static str,
}

const ES: DocumentLabels = DocumentLabels {
    invoice: "Factura",
    proforma: "Factura proforma",
    receipt: "Recibo",
    number: "Número",
    issued_on: "Fecha",
    due_on: "Vence",
    currency: "Moneda",
    cancelled: "DOCUMENTO CANCELADO",
    seller: "Emisor",
    customer: "Cliente",
    tax_id: "Identificación fiscal",
    sku: "SKU",
    description: "Descripción",
    quantity: "Cantidad",
    unit_price: "Precio unitario",
    amount: "Importe",
    subtotal: "Subtotal",
    tax: "Impuestos",
    total: "Total",
    paid: "Pagado",
    received: "Recibido",
    balance_due: "Saldo",
    references: "Referencias",
    page_of: "Página {page} de {pages}",
};

const PT_BR: DocumentLabels = DocumentLabels {
    invoice: "Fatura",
    proforma: "Fatura pró-forma",
    receipt: "Recibo",
    number: "Número",
    issued_on: "Emissão",
    due_on: "Vencimento",
    currency: "Moeda",
    cancelled: "DOCUMENTO CANCELADO",
    seller: "Emitente",
    customer: "Cliente",
    tax_id: "Identificação fiscal",
    sku: "SKU",
    description: "Descrição",
    quantity: "Quantidade",
    unit_price: "Preço unitário",
    amount: "Valor",
    subtotal: "Subtotal",
    tax: "Impostos",
    total: "Total",
    paid: "Pago",
    received: "Recebido",
    balance_due: "Saldo a pagar",
    references: "Referências",
    page_of: "Página {page} de {pages}",
};

const RO: DocumentLabels = DocumentLabels {
    invoice: "Factură",
    proforma: "Factură proformă",
    receipt: "Chitanță",
    number: "Nr.",
    issued_on: "Data emiterii",
    due_on: "Scadență",
    currency: "Monedă",
    cancelled: "DOCUMENT ANULAT",
    seller: "Furnizor",
    customer: "Cumpărător",
    tax_id: "Cod fiscal",
    sku: "Cod",
    description: "Denumire",
    quantity: "Cantitate",
    unit_price: "Preț unitar",
    amount: "Valoare",
    subtotal: "Subtotal",
    tax: "Taxe",
    total: "Total",
    paid: "Achitat",
    received: "Încasat",
    balance_due: "Rest de plată",
    references: "Referințe",
    page_of: "Pagina {page} din {pages}",
};

const EN: DocumentLabels = DocumentLabels {
    invoice: "Invoice",
    proforma: "Proforma invoice",
    receipt: "Receipt",
    number: "No.",
    issued_on: "Issued",
    due_on: "Due",
    currency: "Currency",
    cancelled: "CANCELLED",
    seller: "Seller",
    customer: "Customer",
    tax_id: "Tax ID",
    sku: "SKU",
    description: "Description",
    quantity: "Qty",
    unit_price: "Unit price",
    amount: "Amount",
    subtotal: "Subtotal",
    tax: "Tax",
    total: "Total",
    paid: "Paid",
    received: "Received",
    balance_due: "Balance due",
    references: "References",
    page_of: "Page {page} of {pages}",
};

pub fn labels(language: Language) -> &'static DocumentLabels {
    match language {
        Language::Es => &ES,
        Language::PtBr => &PT_BR,
        Language::Ro => &RO,
        Language::En => &EN,
    }
}

impl DocumentLabels {
    /// The document kind's title ("Factura", "Chitanță"...).
    pub fn kind(&self, kind: DocumentKind) -> &'static str {
        match kind {
            DocumentKind::Invoice => self.invoice,
            DocumentKind::Proforma => self.proforma,
            DocumentKind::Receipt => self.receipt,
        }
    }

    /// "Página 1 de 2".
    pub fn page(&self, page: usize, pages: usize) -> String {
        self.page_of
            .replace("{page}", &page.to_string())
            .replace("{pages}", &pages.to_string())
    }

    /// Every label with its field name. The destructuring makes a new field a compile error
    /// here until it is listed, so the completeness test sees every label.
    pub fn all(&self) -> Vec<(&'static str, &'static str)> {
        let DocumentLabels {
            invoice,
            proforma,
            receipt,
            number,
            issued_on,
            due_on,
            currency,
            cancelled,
            seller,
            customer,
            tax_id,
            sku,
            description,
            quantity,
            unit_price,
            amount,
            subtotal,
            tax,
            total,
            paid,
            received,
            balance_due,
            references,
            page_of,
        } = self;
        vec![
            ("invoice", *invoice),
            ("proforma", *proforma),
            ("receipt", *receipt),
            ("number", *number),
            ("issued_on", *issued_on),
            ("due_on", *due_on),
            ("currency", *currency),
            ("cancelled", *cancelled),
            ("seller", *seller),
            ("customer", *customer),
            ("tax_id", *tax_id),
            ("sku", *sku),
            ("description", *description),
            ("quantity", *quantity),
            ("unit_price", *unit_price),
            ("amount", *amount),
            ("subtotal", *subtotal),
            ("tax", *tax),
            ("total", *total),
            ("paid", *paid),
            ("received", *received),
            ("balance_due", *balance_due),
            ("references", *references),
            ("page_of", *page_of),
        ]
    }
}

/// The decimal mark and the thousands separator of a language (see the module comment).
fn separators(language: Language) -> (char, char) {
    match language {
        Language::Es | Language::En => ('.', ','),
        Language::PtBr | Language::Ro => (',', '.'),
    }
}

/// `value` with at least `min_decimals` decimals (more when it has more significant ones),
/// grouped in thousands, in the language's separators.
fn format_number(value: Decimal, min_decimals: u32, language: Language) -> String {
    let mut value = value.normalize();
    if value.scale() < min_decimals {
        value.rescale(min_decimals);
    }
    let plain = value.abs().to_string();
    let (int_part, frac_part) = match plain.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (plain.as_str(), None),
    };
    let (decimal_mark, group_mark) = separators(language);
    let mut out = String::with_capacity(plain.len() + plain.len() / 3 + 2);
    if value.is_sign_negative() && !value.is_zero() {
        out.push('-');
    }
    for (i, digit) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            out.push(group_mark);
        }
        out.push(digit);
    }
    if let Some(frac) = frac_part {
        out.push(decimal_mark);
        out.push_str(frac);
    }
    out
}

/// An amount: two decimals, or more when the ERP gave more (unit prices of 0.125).
pub fn format_amount(value: Decimal, language: Language) -> String {
    format_number(value, 2, language)
}

/// An amount with its currency code: `5,800.00 MXN`, `5.800,00 RON`.
pub fn format_money(value: Decimal, currency: &str, language: Language) -> String {
    format!("{} {currency}", format_amount(value, language))
}

/// A quantity: as many decimals as it has (`2`, `1,5` in pt-BR / ro).
pub fn format_quantity(value: Decimal, language: Language) -> String {
    format_number(value, 0, language)
}

/// A `YYYY-MM-DD` date as the reader writes dates; anything else is printed as given.
pub fn format_date(iso: &str, language: Language) -> String {
    let Ok(date) = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") else {
        return iso.to_string();
    };
    let pattern = match language {
        Language::Es | Language::PtBr => "%d/%m/%Y",
        Language::Ro => "%d.%m.%Y",
        Language::En => "%Y-%m-%d",
    };
    date.format(pattern).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    const LANGUAGES: [Language; 4] = [Language::Es, Language::PtBr, Language::Ro, Language::En];

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn every_language_has_every_label() {
        let count = labels(Language::En).all().len();
        for language in LANGUAGES {
            let all = labels(language).all();
            assert_eq!(all.len(), count, "{language:?}");
            for (name, text) in &all {
                assert!(!text.trim().is_empty(), "{language:?} {name}");
                assert_eq!(text.trim(), *text, "{language:?} {name} has stray spaces");
            }
            let page = labels(language).page(2, 3);
            assert!(
                page.contains('2') && page.contains('3') && !page.contains('{'),
                "{language:?}: {page}"
            );
        }
    }

    #[test]
    fn translations_are_not_english_left_overs() {
        let en = labels(Language::En);
        // Labels that are the same word in some languages ("Total", "SKU", "Subtotal").
        let shared_words = ["sku", "subtotal", "total"];
        for language in [Language::Es, Language::PtBr, Language::Ro] {
            for ((name, text), (_, english)) in labels(language).all().into_iter().zip(en.all()) {
                if !shared_words.contains(&name) {
                    assert_ne!(text, english, "{language:?} {name} is still English");
                }
            }
        }
        assert_eq!(labels(Language::Es).kind(DocumentKind::Invoice), "Factura");
        assert_eq!(labels(Language::Ro).kind(DocumentKind::Receipt), "Chitanță");
        assert_eq!(labels(Language::PtBr).kind(DocumentKind::Invoice), "Fatura");
        assert_eq!(
            labels(Language::En).kind(DocumentKind::Proforma),
            "Proforma invoice"
        );
        assert_eq!(labels(Language::Es).page(1, 2), "Página 1 de 2");
        assert_eq!(labels(Language::Ro).page(1, 2), "Pagina 1 din 2");
    }

    #[test]
    fn every_label_prints_without_a_replacement_character() {
        for language in LANGUAGES {
            for (name, text) in labels(language).all() {
                assert!(
                    super::super::pdf::encodes_exactly(text),
                    "{language:?} {name}: {text} has a character the PDF fonts cannot show"
                );
            }
        }
    }

    #[test]
    fn amounts_use_the_language_separators_and_keep_cents() {
        let cases = [
            (
                "1234567.5",
                [
                    "1,234,567.50",
                    "1.234.567,50",
                    "1.234.567,50",
                    "1,234,567.50",
                ],
            ),
            ("5800", ["5,800.00", "5.800,00", "5.800,00", "5,800.00"]),
            ("999.99", ["999.99", "999,99", "999,99", "999.99"]),
            ("0.125", ["0.125", "0,125", "0,125", "0.125"]),
            ("10.100", ["10.10", "10,10", "10,10", "10.10"]),
            (
                "-1500.2",
                ["-1,500.20", "-1.500,20", "-1.500,20", "-1,500.20"],
            ),
            ("0", ["0.00", "0,00", "0,00", "0.00"]),
            ("-0.00", ["0.00", "0,00", "0,00", "0.00"]),
            (
                "100000",
                ["100,000.00", "100.000,00", "100.000,00", "100,000.00"],
            ),
        ];
        for (value, expected) in cases {
            for (language, want) in LANGUAGES.into_iter().zip(expected) {
                assert_eq!(
                    format_amount(d(value), language),
                    want,
                    "{value} {language:?}"
                );
            }
        }
        assert_eq!(format_money(d("5800"), "MXN", Language::Es), "5,800.00 MXN");
        assert_eq!(format_money(d("5800"), "RON", Language::Ro), "5.800,00 RON");
        assert_eq!(format_money(d("12.5"), "BRL", Language::PtBr), "12,50 BRL");
    }

    #[test]
    fn quantities_keep_only_their_decimals() {
        assert_eq!(format_quantity(d("2.000"), Language::Es), "2");
        assert_eq!(format_quantity(d("1.5"), Language::PtBr), "1,5");
        assert_eq!(format_quantity(d("1.5"), Language::En), "1.5");
        assert_eq!(format_quantity(d("12500"), Language::Ro), "12.500");
    }

    #[test]
    fn dates_follow_the_language() {
        assert_eq!(format_date("2026-11-23", Language::Es), "23/11/2026");
        assert_eq!(format_date("2026-11-23", Language::PtBr), "23/11/2026");
        assert_eq!(format_date("2026-11-23", Language::Ro), "23.11.2026");
        assert_eq!(format_date("2026-11-23", Language::En), "2026-11-23");
        assert_eq!(format_date("2026-01-05", Language::Es), "05/01/2026");
        // Not a date: printed as the ERP sent it rather than dropped.
        assert_eq!(format_date("soon", Language::Es), "soon");
    }
}
