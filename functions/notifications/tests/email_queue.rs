//! The `email` queue consumer against DynamoDB Local and moto: exactly-once sending, the
//! timeline record, failures reported per message (and the claim released), the outbox sweep.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use serde_json::{json, Value};
use std::time::Duration;

use shared::messaging::{self, event_types, Claim, DomainEvent};
use shared::settings::{self, Settings};
use shared::store::{keys, Keys};
use shared::testing::{sent_emails, TestEnv};
use shared::timeline::{self, TimelineKind};
use shared::types::{new_id, Email, Phone};
use shared::App;

fn unique_email(prefix: &str) -> String {
    format!("{prefix}-{}@example.net", &new_id()[16..])
}

/// The body EventBridge's rule puts on the queue for this event.
fn envelope(event: &DomainEvent) -> String {
    json!({
        "version": "0",
        "id": new_id(),
        "detail-type": event.kind,
        "source": "b2b-portal",
        "account": "123456789012",
        "time": "2025-01-15T10:30:01Z",
        "region": "us-east-1",
        "resources": [],
        "detail": event,
    })
    .to_string()
}

/// An SQS batch as Lambda delivers it: (message id, body) per record.
fn batch(messages: &[(&str, String)]) -> SqsEvent {
    let records: Vec<Value> = messages
        .iter()
        .map(|(id, body)| {
            json!({
                "messageId": id,
                "receiptHandle": format!("rh-{id}"),
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:b2b-portal-email",
                "awsRegion": "us-east-1"
            })
        })
        .collect();
    serde_json::from_value(json!({ "Records": records })).expect("valid SqsEvent")
}

fn failures(response: &SqsBatchResponse) -> Vec<String> {
    response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect()
}

async fn emails_to(recipient: &str) -> Vec<Value> {
    sent_emails()
        .await
        .into_iter()
        .filter(|m| {
            m["destinations"]["ToAddresses"]
                .as_array()
                .is_some_and(|to| to.iter().any(|a| a == recipient))
        })
        .collect()
}

fn invitation(recipient: &str, customer_id: &str, language: &str) -> DomainEvent {
    DomainEvent::new(
        event_types::ACCESS_INVITED,
        Some(customer_id),
        json!({
            "email": recipient,
            "name": "Ana Pérez",
            "language": language,
            "customer_id": customer_id,
            "invitation_url": format!("http://localhost:3000/set-password?token=tok-{customer_id}"),
            "whatsapp_link": "https://wa.me/5215500000000?text=Hola",
            "expires_at": "2030-01-01T00:00:00.000Z",
            "store_name": "Acme"
        }),
    )
}

async fn save_settings(app: &App, change: impl FnOnce(&mut Settings)) {
    let mut s = settings::load(&app.store).await.unwrap();
    change(&mut s);
    settings::save(&app.store, &s).await.unwrap();
}

#[tokio::test]
async fn an_invitation_delivered_twice_sends_one_email_and_records_it_once() {
    let env = TestEnv::new().await;
    let app = env.app();
    save_settings(&app, |s| {
        s.store_name = "Acme Wholesale".into();
        s.seller_whatsapp = Some(Phone::parse("+52 55 1111 2222").unwrap());
    })
    .await;
    let recipient = unique_email("invited");
    let customer_id = new_id();
    let event = invitation(&recipient, &customer_id, "pt-BR");
    let body = envelope(&event);

    let first = notifications::handle(&app, batch(&[("m-1", body.clone())])).await;
    assert_eq!(failures(&first), Vec::<String>::new());
    // The redelivery (same event, new SQS message id) and a duplicate inside one batch.
    let again = notifications::handle(&app, batch(&[("m-2", body.clone()), ("m-3", body)])).await;
    assert_eq!(failures(&again), Vec::<String>::new());

    let sent = emails_to(&recipient).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let html = sent[0]["body"].as_str().unwrap();
    assert!(html.contains(&format!(
        "http://localhost:3000/set-password?token=tok-{customer_id}"
    )));
    assert!(
        html.contains("Criar minha senha"),
        "in the contact's language"
    );
    assert!(html.contains("https://wa.me/525511112222?text="));
    assert_eq!(
        sent[0]["subject"],
        "Acme Wholesale: seu acesso ao portal de pedidos"
    );
    assert!(sent[0]["source"]
        .as_str()
        .unwrap()
        .ends_with("<no-reply@example.com>"));

    let entries = timeline::list(&app.store, &customer_id, 50, None)
        .await
        .unwrap()
        .items;
    assert_eq!(entries.len(), 1, "{entries:?}");
    let entry = &entries[0];
    assert_eq!(entry.kind, TimelineKind::Email);
    assert_eq!(entry.to, vec![recipient.clone()]);
    assert_eq!(entry.event_id.as_deref(), Some(event.id.as_str()));
    assert_eq!(entry.author, "system");
    assert_eq!(
        entry.subject.as_deref(),
        Some("Acme Wholesale: seu acesso ao portal de pedidos")
    );
    assert!(
        !entry.body.contains("token="),
        "the single-use link stays out of the timeline"
    );
}

#[tokio::test]
async fn a_lost_timeline_entry_is_written_on_redelivery_without_a_second_email() {
    let env = TestEnv::new().await;
    let app = env.app();
    let recipient = unique_email("repair");
    let customer_id = new_id();
    let event = invitation(&recipient, &customer_id, "en");
    let body = envelope(&event);
    assert!(
        failures(&notifications::handle(&app, batch(&[("m-1", body.clone())])).await).is_empty()
    );

    // As if the timeline write had failed after the send.
    app.store
        .delete(
            &keys::customer_pk(&customer_id),
            &keys::timeline_sk(&event.occurred_at, &event.id),
        )
        .await
        .unwrap();
    assert!(failures(&notifications::handle(&app, batch(&[("m-2", body)])).await).is_empty());

    assert_eq!(emails_to(&recipient).await.len(), 1);
    let entries = timeline::list(&app.store, &customer_id, 50, None)
        .await
        .unwrap()
        .items;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].event_id.as_deref(), Some(event.id.as_str()));
}

#[tokio::test]
async fn a_refused_send_is_a_batch_failure_and_releases_the_claim() {
    let env = TestEnv::new().await;
    // moto, like SES, refuses a sender that is not a verified identity (address or domain).
    let mut config = env.app.config.clone();
    config.sender_email = format!("no-reply@unverified-{}.example", &new_id()[20..]);
    let unverified = App::new(config, &env.sdk);
    let recipient = unique_email("refused");
    let customer_id = new_id();
    let event = invitation(&recipient, &customer_id, "es");
    let body = envelope(&event);

    let response = notifications::handle(&unverified, batch(&[("m-fail", body.clone())])).await;
    assert_eq!(failures(&response), vec!["m-fail".to_string()]);
    assert!(emails_to(&recipient).await.is_empty());
    assert!(timeline::list(&env.app.store, &customer_id, 50, None)
        .await
        .unwrap()
        .items
        .is_empty());

    // The claim was released: the redelivered message is sent once SES accepts it.
    let retry = notifications::handle(&env.app, batch(&[("m-retry", body)])).await;
    assert!(failures(&retry).is_empty());
    assert_eq!(emails_to(&recipient).await.len(), 1);
    assert_eq!(
        messaging::claim(&env.app.store, "email", &event.id, Duration::ZERO)
            .await
            .unwrap(),
        Claim::Done,
        "done by the successful retry"
    );
}

#[tokio::test]
async fn a_crash_between_claim_and_send_loses_no_email_and_a_live_claim_is_not_doubled() {
    let env = TestEnv::new().await;
    let app = env.app();
    let recipient = unique_email("crashed");
    let event = invitation(&recipient, &new_id(), "es");
    let body = envelope(&event);

    // A delivery claimed the event and then died before SES was called (a timeout, a crash):
    // its lease ran out (claimed with none left, so the test need not wait).
    let Claim::Acquired(_) = messaging::claim(&app.store, "email", &event.id, Duration::ZERO)
        .await
        .unwrap()
    else {
        panic!("the event was free");
    };
    let redelivered = notifications::handle(&app, batch(&[("m-redelivered", body.clone())])).await;
    assert!(failures(&redelivered).is_empty());
    assert_eq!(
        emails_to(&recipient).await.len(),
        1,
        "the redelivery sent it"
    );

    // After that success, another redelivery sends nothing.
    let again = notifications::handle(&app, batch(&[("m-again", body)])).await;
    assert!(failures(&again).is_empty());
    assert_eq!(emails_to(&recipient).await.len(), 1);

    // While another delivery still holds a live lease, a duplicate waits (retried later)
    // rather than sending a second email or acknowledging one that may never go out.
    let other = unique_email("in-flight");
    let in_flight = invitation(&other, &new_id(), "es");
    let Claim::Acquired(held) = messaging::claim(
        &app.store,
        "email",
        &in_flight.id,
        Duration::from_secs(3600),
    )
    .await
    .unwrap() else {
        panic!("the event was free");
    };
    let duplicate = notifications::handle(&app, batch(&[("m-dup", envelope(&in_flight))])).await;
    assert_eq!(failures(&duplicate), vec!["m-dup".to_string()]);
    assert!(emails_to(&other).await.is_empty());
    // The holder gives up (its send failed): the retry sends it.
    messaging::release(&app.store, &held).await.unwrap();
    let retry = notifications::handle(&app, batch(&[("m-dup", envelope(&in_flight))])).await;
    assert!(failures(&retry).is_empty());
    assert_eq!(emails_to(&other).await.len(), 1);
}

#[tokio::test]
async fn malformed_messages_fail_alone_and_unknown_events_are_acknowledged() {
    let env = TestEnv::new().await;
    let app = env.app();
    let recipient = unique_email("mixed");
    let good = invitation(&recipient, &new_id(), "ro");
    let unknown = DomainEvent::new("OrderShipped", Some("c1"), json!({"order_id": "o1"}));
    let bad_data = DomainEvent::new(
        event_types::ACCESS_INVITED,
        Some("c1"),
        json!({"email": "x@example.net", "name": "No link"}),
    );
    let bad_email = DomainEvent::new(
        event_types::PASSWORD_RESET_REQUESTED,
        None,
        json!({"email": "not-an-email", "reset_url": "https://x.example/r?token=t"}),
    );
    let response = notifications::handle(
        &app,
        batch(&[
            ("not-json", "{oops".to_string()),
            (
                "no-detail",
                json!({"detail-type": "AccessInvited"}).to_string(),
            ),
            ("unknown", envelope(&unknown)),
            ("bad-data", envelope(&bad_data)),
            ("bad-email", envelope(&bad_email)),
            ("good", envelope(&good)),
        ]),
    )
    .await;
    assert_eq!(
        failures(&response),
        vec!["not-json", "no-detail", "bad-data", "bad-email"]
    );
    assert_eq!(
        emails_to(&recipient).await.len(),
        1,
        "the good one still went out"
    );
    // Failed events leave no claim behind, so a fixed redelivery would be handled.
    assert!(matches!(
        messaging::claim(&app.store, "email", &bad_data.id, Duration::ZERO)
            .await
            .unwrap(),
        Claim::Acquired(_)
    ));
}

#[tokio::test]
async fn staff_email_to_main_reaches_the_customer_and_its_timeline() {
    let env = TestEnv::new().await;
    let app = env.app();
    save_settings(&app, |s| {
        s.seller_whatsapp = Some(Phone::parse("+40 721 000 111").unwrap());
    })
    .await;
    let main_email = unique_email("main");
    let customer_id = new_id();
    let customer = json!({
        "id": customer_id, "status": "active", "name": "Cliente Sur", "tax_id": "RO123",
        "email": main_email, "language": "ro",
        "created_at": "2025-01-01T00:00:00.000Z", "updated_at": "2025-01-01T00:00:00.000Z"
    });
    app.store
        .put(
            &Keys::new(keys::customer_pk(&customer_id), keys::CUSTOMER_PROFILE_SK),
            &customer,
        )
        .await
        .unwrap();
    let event = DomainEvent::new(
        event_types::CUSTOMER_EMAIL_REQUESTED,
        Some(&customer_id),
        json!({
            "customer_id": customer_id, "to": "main", "subject": "Oferta <nouă>",
            "message": "Bună ziua,\navem o ofertă.\n\n<b>Mulțumim</b>", "language": "ro",
            "author": "Eva Staff", "author_id": "s1"
        }),
    );
    let response = notifications::handle(&app, batch(&[("m-1", envelope(&event))])).await;
    assert!(failures(&response).is_empty());

    let sent = emails_to(&main_email).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["subject"], "Oferta <nouă>");
    let html = sent[0]["body"].as_str().unwrap();
    assert!(html.contains("Bună ziua,<br>\navem o ofertă.</p>"));
    assert!(html.contains("&lt;b&gt;Mulțumim&lt;/b&gt;"));
    assert!(html.contains("https://wa.me/40721000111?text="));
    assert!(html.contains("Scrie-ne pe WhatsApp"));

    let entries = timeline::list(&app.store, &customer_id, 50, None)
        .await
        .unwrap()
        .items;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].author, "Eva Staff");
    assert_eq!(entries[0].to, vec![main_email]);
    assert!(entries[0].body.contains("avem o ofertă."));
}

#[tokio::test]
async fn account_requests_are_sent_to_the_seller_notification_emails() {
    let env = TestEnv::new().await;
    let app = env.app();
    let seller = unique_email("seller");
    save_settings(&app, |s| {
        s.seller_notification_emails = vec![Email::parse(seller.as_str()).unwrap()];
        s.default_language = shared::types::Language::En;
    })
    .await;
    let event = DomainEvent::new(
        event_types::ACCOUNT_REQUESTED,
        None,
        json!({
            "request_id": "r1", "company": "Sur & Hijos", "tax_id": "SUR0101",
            "contact_name": "Luis", "email": "luis@sur.example", "phone": "+52 55 8765 4321",
            "message": "Queremos comprar."
        }),
    );
    let response = notifications::handle(&app, batch(&[("m-1", envelope(&event))])).await;
    assert!(failures(&response).is_empty());
    let sent = emails_to(&seller).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["subject"], "New account request: Sur & Hijos");
    let html = sent[0]["body"].as_str().unwrap();
    assert!(html.contains("Sur &amp; Hijos"));
    assert!(html.contains("luis@sur.example"));
    assert!(html.contains("/admin/account-requests/r1"));
    assert!(html.contains("https://wa.me/525587654321?text="));
}

#[tokio::test]
async fn the_outbox_sweep_relays_leftovers_to_the_email_queue() {
    let env = TestEnv::new().await;
    let app = env.app();
    let recipient = unique_email("swept");
    let event = DomainEvent::new(
        event_types::PASSWORD_RESET_REQUESTED,
        None,
        json!({
            "email": recipient, "name": "Bo", "language": "en",
            "reset_url": "http://localhost:3000/reset-password?token=swept"
        }),
    );
    // Committed with its business action, but never relayed (the function died).
    app.store
        .transact(vec![event.outbox_put(&app.store).unwrap()])
        .await
        .unwrap();
    assert_eq!(notifications::sweep(&app).await.unwrap(), 1);
    assert_eq!(
        notifications::sweep(&app).await.unwrap(),
        0,
        "outbox emptied"
    );

    let sqs = aws_sdk_sqs::Client::new(&env.sdk);
    let received = sqs
        .receive_message()
        .queue_url(&env.queues.email_queue_url)
        .max_number_of_messages(10)
        .wait_time_seconds(2)
        .send()
        .await
        .unwrap();
    let messages: Vec<(String, String)> = received
        .messages()
        .iter()
        .map(|m| {
            (
                m.message_id().unwrap().to_string(),
                m.body().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let parsed = notifications::parse_body(&messages[0].1).unwrap();
    assert_eq!(parsed, event);

    // And the consumer handles what the rule delivered.
    let refs: Vec<(&str, String)> = messages
        .iter()
        .map(|(id, body)| (id.as_str(), body.clone()))
        .collect();
    let response = notifications::handle(&app, batch(&refs)).await;
    assert!(failures(&response).is_empty());
    let sent = emails_to(&recipient).await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0]["body"]
        .as_str()
        .unwrap()
        .contains("http://localhost:3000/reset-password?token=swept"));
}
