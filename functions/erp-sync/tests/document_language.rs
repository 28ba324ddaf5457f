//! Document PDFs (F27) in the reader's language: a Spanish customer's invoice says "Factura"
//! with Mexican number and day-first dates, a Romanian customer's is in Romanian with its
//! diacritics (ă ș ț, extracted exactly), a contact's own language beats the customer's, and a
//! customer without a stored language gets the store's default. Checked on the PDF's text as
//! `pdftotext` reads it (what search and copy-and-paste get).

mod common;

use common::Harness;
use serde_json::{json, Value};
use shared::customers::contacts::contact_keys;
use shared::customers::{AccessState, Contact};
use shared::types::{Email, Language, Name};

fn invoice(key: &str, number: &str, customer: &str, currency: &str, description: &str) -> Value {
    json!({
        "erp_key": key, "kind": "invoice", "number": number, "customer_erp_key": customer,
        "issued_on": "2026-10-24", "due_on": "2026-11-23", "currency": currency,
        "lines": [{"sku": "DRL-500", "description": description, "quantity": "2", "unit_price": "2500.00",
                   "tax_rate": "0.16", "total": "5000.00"}],
        "subtotal": "5000.00", "tax": "800.00", "total": "5800.00", "paid": "1234.5",
        "version": 1
    })
}

fn profile_key(customer: &str) -> shared::store::Item {
    shared::store::key_of(
        &shared::store::keys::customer_pk(customer),
        shared::store::keys::CUSTOMER_PROFILE_SK,
    )
}

async fn customer_id(h: &Harness, erp_key: &str) -> String {
    shared::sync::apply::customers::mapping(h.store(), erp_key)
        .await
        .unwrap()
        .expect("mapped")
        .customer_id
}

/// Stores the contact `Harness::contact_token` signs for, with an active access and `language`,
/// and activates its customer (imported customers start inactive; sessions need both active).
async fn put_contact(h: &Harness, customer: &str, language: Option<Language>) {
    h.store()
        .client()
        .update_item()
        .table_name(h.store().table())
        .set_key(Some(profile_key(customer)))
        .update_expression("SET #status = :active")
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":active", shared::store::s("active"))
        .send()
        .await
        .unwrap();
    let mut contact = Contact::new(
        customer,
        Email::parse(format!("buyer@{customer}.example")).unwrap(),
        Name::parse("Bea Buyer").unwrap(),
    );
    contact.access = AccessState::Active;
    contact.language = language;
    h.store()
        .put(&contact_keys(customer, contact.email.as_str()), &contact)
        .await
        .unwrap();
}

/// The PDF of the ERP document `erp_key` as the contact of `customer` downloads it, as text.
async fn pdf_text(h: &Harness, customer: &str, erp_key: &str) -> String {
    let res = h
        .call(
            "GET",
            &format!(
                "/v1/documents/{}/pdf",
                shared::documents::document_id(erp_key)
            ),
            Some(&h.contact_token(customer, true)),
            None,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.json);
    assert_eq!(res.content_type.as_deref(), Some("application/pdf"));
    shared::documents::pdf::extract_text(&res.bytes)
}

fn assert_shows(text: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "{e:?} in:\n{text}");
    }
}

#[tokio::test]
async fn document_pdfs_speak_the_language_of_their_reader() {
    let h = Harness::new().await;
    let customers = h
        .push(
            "customers",
            json!([
                {"erp_key": "C-MX", "name": "Ferretería Ñandú", "legal_name": "Ferretería Ñandú S.A. de C.V.",
                 "tax_id": "FNA010101AA1", "email": "compras@nandu.mx", "language": "es", "version": 1},
                {"erp_key": "C-RO", "name": "Țesătoria Bârlad", "legal_name": "Țesătoria Bârlad SRL",
                 "tax_id": "RO12345678", "email": "achizitii@tesatoria.ro", "language": "ro", "version": 1},
                {"erp_key": "C-XX", "name": "Sin idioma", "tax_id": "SIN010101AA1", "email": "x@sin.mx",
                 "language": "ro", "version": 1},
            ]),
        )
        .await;
    assert_eq!(customers["applied"].as_u64(), Some(3), "{customers}");
    let mx = customer_id(&h, "C-MX").await;
    let ro = customer_id(&h, "C-RO").await;
    let xx = customer_id(&h, "C-XX").await;
    let docs = h
        .push(
            "documents",
            json!([
                invoice(
                    "F-MX-1",
                    "A-1001",
                    "C-MX",
                    "MXN",
                    "Taladro percutor 500 W, año 2026"
                ),
                invoice(
                    "F-RO-1",
                    "RO-2001",
                    "C-RO",
                    "RON",
                    "Mașină de găurit cu percuție"
                ),
                invoice("F-XX-1", "X-3001", "C-XX", "USD", "Drill"),
            ]),
        )
        .await;
    assert_eq!(docs["applied"].as_u64(), Some(3), "{docs}");
    // Contacts without a language of their own: the customer's applies.
    for customer in [&mx, &ro, &xx] {
        put_contact(&h, customer, None).await;
    }

    // Spanish (Mexico): decimal point and comma thousands, day-first dates.
    let es = pdf_text(&h, &mx, "F-MX-1").await;
    assert_shows(
        &es,
        &[
            "Factura",
            "Número A-1001",
            "Fecha: 24/10/2026",
            "Vence: 23/11/2026",
            "Emisor",
            "Cliente",
            "Ferretería Ñandú S.A. de C.V.",
            "Identificación fiscal: FNA010101AA1",
            "Descripción",
            "Cantidad",
            "Precio unitario",
            "Importe",
            "Taladro percutor 500 W, año 2026",
            "2,500.00",
            "Impuestos",
            "800.00 MXN",
            "Total",
            "5,800.00 MXN",
            "Pagado",
            "1,234.50 MXN",
            "Saldo",
            "4,565.50 MXN",
            "Página 1 de 1",
        ],
    );
    assert!(!es.contains("Invoice") && !es.contains("Balance"), "{es}");

    // Romanian: decimal comma, dotted dates, and ă ș ț extracted as the exact letters.
    let ro_text = pdf_text(&h, &ro, "F-RO-1").await;
    assert_shows(
        &ro_text,
        &[
            "Factură",
            "Nr. RO-2001",
            "Data emiterii: 24.10.2026",
            "Scadență: 23.11.2026",
            "Monedă: RON",
            "Furnizor",
            "Cumpărător",
            "Țesătoria Bârlad SRL",
            "Cod fiscal: RO12345678",
            "Denumire",
            "Preț unitar",
            "Mașină de găurit cu percuție",
            "2.500,00",
            "5.800,00 RON",
            "Achitat",
            "1.234,50 RON",
            "Rest de plată",
            "4.565,50 RON",
            "Pagina 1 din 1",
        ],
    );
    // No replacement characters nor cedilla look-alikes (ţ ş) in place of ț ș.
    assert!(
        !ro_text.contains('?') && !ro_text.contains('ţ') && !ro_text.contains('ş'),
        "{ro_text}"
    );

    // A contact's own language beats the customer's.
    put_contact(&h, &mx, Some(Language::PtBr)).await;
    let pt = pdf_text(&h, &mx, "F-MX-1").await;
    assert_shows(
        &pt,
        &[
            "Fatura",
            "Emissão: 24/10/2026",
            "Preço unitário",
            "5.800,00 MXN",
            "Saldo a pagar",
        ],
    );

    // A customer without a stored language: the store's default language setting.
    let mut settings = shared::settings::load(h.store()).await.unwrap();
    settings.default_language = Language::En;
    shared::settings::save(h.store(), &settings).await.unwrap();
    h.store()
        .client()
        .update_item()
        .table_name(h.store().table())
        .set_key(Some(profile_key(&xx)))
        .update_expression("REMOVE #language")
        .expression_attribute_names("#language", "language")
        .send()
        .await
        .unwrap();
    let en = pdf_text(&h, &xx, "F-XX-1").await;
    assert_shows(
        &en,
        &[
            "Invoice",
            "No. X-3001",
            "Issued: 2026-10-24",
            "Due: 2026-11-23",
            "5,800.00 USD",
            "Balance due",
            "Page 1 of 1",
        ],
    );
}
