//! Documents and statement (F27, F28): documents from the ERP are listed only to their own
//! customer (another customer's answer 404), render as a PDF whose text shows the number and
//! total, count against the credit (unpaid), and the statement sums them up.

mod common;

use common::{d, Harness};
use serde_json::{json, Value};

fn days(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

fn invoice(
    key: &str,
    number: &str,
    customer: &str,
    total: &str,
    paid: &str,
    due_in: i64,
    version: u64,
) -> Value {
    let total_d = d(total);
    let subtotal = (total_d / d("1.16")).round_dp(2);
    let tax = total_d - subtotal;
    json!({
        "erp_key": key, "kind": "invoice", "number": number, "customer_erp_key": customer,
        "issued_on": days(due_in - 30), "due_on": days(due_in), "currency": "MXN",
        "lines": [{"sku": "DRL-500", "description": "Taladro percutor 500 W", "quantity": "1", "unit": "piece",
                   "unit_price": subtotal.to_string(), "tax_rate": "0.16", "total": subtotal.to_string()}],
        "subtotal": subtotal.to_string(), "tax": tax.to_string(), "total": total, "paid": paid,
        "issuer": {"name": "Distribuidora Demo S.A. de C.V.", "tax_id": "DDE990101AA1", "address": "Av. Industrial 100\nMonterrey"},
        "version": version
    })
}

async fn customer_id(h: &Harness, erp_key: &str) -> String {
    shared::sync::apply::customers::mapping(h.store(), erp_key)
        .await
        .unwrap()
        .expect("mapped")
        .customer_id
}

async fn unpaid(h: &Harness, customer: &str) -> rust_decimal::Decimal {
    shared::orders::credit::CreditRecord::load(h.store(), customer)
        .await
        .unwrap()
        .unpaid_in("MXN")
}

#[tokio::test]
async fn documents_are_private_render_as_pdf_and_make_the_statement() {
    let h = Harness::new().await;
    let customers = h
        .push(
            "customers",
            json!([
                {"erp_key": "C-A", "name": "Ferretería A", "legal_name": "Ferretería A S.A. de C.V.", "tax_id": "FAA010101AA1",
                 "email": "a@a.mx", "credit": {"terms": "CREDIT", "credit_days": 30, "limit": "20000", "currency": "MXN"}, "version": 1},
                {"erp_key": "C-B", "name": "Ferretería B", "tax_id": "FBB010101BB1", "email": "b@b.mx", "version": 1},
            ]),
        )
        .await;
    assert_eq!(customers["applied"].as_u64(), Some(2));
    let (a, b) = (customer_id(&h, "C-A").await, customer_id(&h, "C-B").await);
    let docs = h
        .push(
            "documents",
            json!([
                invoice("F-1001", "A-1001", "C-A", "5800.00", "2000.00", -15, 1),
                invoice("F-1002", "A-1002", "C-A", "2320.00", "0", 20, 1),
                {"erp_key": "R-501", "kind": "receipt", "number": "R-501", "customer_erp_key": "C-A", "issued_on": days(-10),
                 "currency": "MXN", "subtotal": "2000", "tax": "0", "total": "2000", "paid": "2000", "references": ["A-1001"], "version": 1},
                {"erp_key": "P-77", "kind": "proforma", "number": "P-77", "customer_erp_key": "C-A", "issued_on": days(-1),
                 "currency": "MXN", "subtotal": "100", "tax": "16", "total": "116", "version": 1},
                invoice("F-2001", "B-2001", "C-B", "1160.00", "0", 10, 1),
            ]),
        )
        .await;
    assert_eq!(
        (docs["status"].as_str(), docs["applied"].as_u64()),
        (Some("applied"), Some(5)),
        "{docs}"
    );
    // Unpaid documents count against the credit check of orders.
    assert_eq!(unpaid(&h, &a).await, d("6120.00"));
    assert_eq!(unpaid(&h, &b).await, d("1160.00"));

    let token_a = h.contact_session(&a, true).await;
    let list = h.call("GET", "/v1/documents", Some(&token_a), None).await;
    assert_eq!(list.status, 200, "{}", list.json);
    let items = list.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0]["number"], "P-77", "newest first");
    let invoices = h
        .call("GET", "/v1/documents?kind=invoice", Some(&token_a), None)
        .await;
    assert_eq!(invoices.json["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        h.call("GET", "/v1/documents?kind=memo", Some(&token_a), None)
            .await
            .status,
        422
    );
    assert_eq!(
        h.call("GET", "/v1/documents?limit=0", Some(&token_a), None)
            .await
            .status,
        422
    );

    let id_of = |key: &str| shared::documents::document_id(key);
    let doc = h
        .call(
            "GET",
            &format!("/v1/documents/{}", id_of("F-1001")),
            Some(&token_a),
            None,
        )
        .await;
    assert_eq!(doc.status, 200);
    assert_eq!(
        (doc.json["number"].as_str(), doc.json["balance"].as_str()),
        (Some("A-1001"), Some("3800.00"))
    );

    // Another customer's document does not exist for A; nor does B's for a contact of A.
    for path in [
        format!("/v1/documents/{}", id_of("F-2001")),
        format!("/v1/documents/{}/pdf", id_of("F-2001")),
        "/v1/documents/nope".to_string(),
    ] {
        let res = h.call("GET", &path, Some(&token_a), None).await;
        assert_eq!(res.status, 404, "{path}");
    }
    let token_b = h.contact_session(&b, true).await;
    let b_list = h.call("GET", "/v1/documents", Some(&token_b), None).await;
    assert_eq!(b_list.json["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        h.call(
            "GET",
            &format!("/v1/documents/{}", id_of("F-1001")),
            Some(&token_b),
            None
        )
        .await
        .status,
        404
    );
    // Contacts without see_invoices, staff without acting as the customer, and no token.
    assert_eq!(
        h.call(
            "GET",
            "/v1/documents",
            Some(&h.contact_session(&a, false).await),
            None
        )
        .await
        .status,
        403
    );
    assert_eq!(
        h.call(
            "GET",
            "/v1/statement",
            Some(&h.contact_session(&a, false).await),
            None
        )
        .await
        .status,
        403
    );
    assert_eq!(
        h.call("GET", "/v1/documents", Some(&h.admin_token()), None)
            .await
            .status,
        403
    );
    assert_eq!(h.call("GET", "/v1/documents", None, None).await.status, 401);

    // The PDF opens and its text shows the number and total.
    let pdf = h
        .call(
            "GET",
            &format!("/v1/documents/{}/pdf", id_of("F-1001")),
            Some(&token_a),
            None,
        )
        .await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.content_type.as_deref(), Some("application/pdf"));
    assert!(pdf.bytes.starts_with(b"%PDF-1.4"));
    let text = shared::documents::pdf::extract_text(&pdf.bytes);
    // The customer has the default language (es): Spanish labels, Mexican number format.
    for expected in [
        "Factura",
        "A-1001",
        "5,800.00 MXN",
        "2,000.00 MXN",
        "3,800.00 MXN",
        "Ferretería A S.A. de C.V.",
        "FAA010101AA1",
        "DDE990101AA1",
        "Taladro percutor 500 W",
    ] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    let activity = shared::activity::list(h.store(), &a, 10, None)
        .await
        .unwrap();
    assert!(activity
        .items
        .iter()
        .any(|x| x.kind == "document_downloaded"));

    // The statement, with open orders counted against the credit.
    h.store()
        .client()
        .update_item()
        .table_name(h.store().table())
        .set_key(Some(shared::store::key_of(&format!("CUST#{a}"), "CREDIT")))
        .update_expression("ADD open_orders :v")
        .expression_attribute_values(":v", shared::store::n(1000))
        .send()
        .await
        .unwrap();
    let statement = h.call("GET", "/v1/statement", Some(&token_a), None).await;
    assert_eq!(statement.status, 200, "{}", statement.json);
    let s = &statement.json;
    assert_eq!(s["currency"], "MXN");
    assert_eq!(s["paid"], "2000.00");
    assert_eq!(s["unpaid"], "6120.00");
    assert_eq!(s["overdue"], "3800.00");
    assert_eq!(s["not_yet_due"], "2320.00");
    assert_eq!(s["credit"]["limit"], "20000.00");
    assert_eq!(s["credit"]["available"], "12880.00", "20000 - 6120 - 1000");

    // A payment recorded in the ERP (a newer version) lowers the unpaid total once, however
    // often it is sent; an older version changes nothing.
    let paid = invoice("F-1001", "A-1001", "C-A", "5800.00", "5800.00", -15, 2);
    h.push("documents", json!([paid.clone()])).await;
    h.push("documents", json!([paid])).await;
    h.push(
        "documents",
        json!([invoice("F-1001", "A-1001", "C-A", "5800.00", "0", -15, 1)]),
    )
    .await;
    assert_eq!(unpaid(&h, &a).await, d("2320.00"));
    let s = h
        .call("GET", "/v1/statement", Some(&token_a), None)
        .await
        .json;
    assert_eq!(
        (s["overdue"].as_str(), s["unpaid"].as_str()),
        (Some("0.00"), Some("2320.00"))
    );
}

#[tokio::test]
async fn documents_in_another_currency_do_not_eat_the_credit() {
    let h = Harness::new().await;
    h.push(
        "customers",
        json!([{"erp_key": "C-A", "name": "Ferretería A", "tax_id": "FAA010101AA1", "email": "a@a.mx",
                "credit": {"terms": "CREDIT", "credit_days": 30, "limit": "20000", "currency": "MXN"}, "version": 1}]),
    )
    .await;
    let a = customer_id(&h, "C-A").await;
    let mut in_dollars = invoice("F-9001", "US-9001", "C-A", "1160.00", "0", 10, 1);
    in_dollars["currency"] = json!("USD");
    let docs = h
        .push(
            "documents",
            json!([
                invoice("F-1001", "A-1001", "C-A", "2320.00", "0", 10, 1),
                in_dollars.clone()
            ]),
        )
        .await;
    assert_eq!(docs["applied"].as_u64(), Some(2), "{docs}");
    // 1,160 dollars are not 1,160 pesos: only the MXN invoice counts against the MXN limit.
    assert_eq!(unpaid(&h, &a).await, d("2320.00"));
    let token = h.contact_session(&a, true).await;
    let s = h.call("GET", "/v1/statement", Some(&token), None).await;
    assert_eq!(s.status, 200, "{}", s.json);
    assert_eq!(s.json["credit"]["unpaid"], "2320.00", "{}", s.json);
    assert_eq!(s.json["credit"]["available"], "17680.00", "{}", s.json);

    // The dollar invoice moving to pesos (a corrected version) moves its balance with it.
    in_dollars["currency"] = json!("MXN");
    in_dollars["version"] = json!(2);
    let moved = h.push("documents", json!([in_dollars])).await;
    assert_eq!(moved["applied"].as_u64(), Some(1), "{moved}");
    assert_eq!(unpaid(&h, &a).await, d("3480.00"));
    let record = shared::orders::credit::CreditRecord::load(h.store(), &a)
        .await
        .unwrap();
    assert_eq!(record.unpaid_in("USD"), d("0.00"));
}
