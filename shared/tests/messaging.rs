//! The outbox -> EventBridge -> rule -> SQS path, against the real moto server.

use shared::messaging::{self, event_types, DomainEvent};
use shared::store::{keys, QuerySpec};
use shared::testing::TestEnv;

#[tokio::test]
async fn committed_events_reach_the_email_queue_and_leave_the_outbox() {
    let env = TestEnv::new().await;
    let app = env.app();
    let event = DomainEvent::new(
        event_types::ACCESS_INVITED,
        Some("c1"),
        serde_json::json!({"email": "a@b.co"}),
    );
    app.store
        .transact(vec![event.outbox_put(&app.store).unwrap()])
        .await
        .unwrap();
    messaging::relay(&app.store, &app.events, std::slice::from_ref(&event)).await;

    let left: Vec<DomainEvent> = app
        .store
        .query_all(QuerySpec::partition(keys::OUTBOX_PK))
        .await
        .unwrap();
    assert!(left.is_empty(), "relayed events leave the outbox");

    let sqs = aws_sdk_sqs::Client::new(&env.sdk);
    let out = sqs
        .receive_message()
        .queue_url(&env.queues.email_queue_url)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap();
    let bodies: Vec<serde_json::Value> = out
        .messages()
        .iter()
        .map(|m| serde_json::from_str(m.body().unwrap()).unwrap())
        .collect();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(bodies[0]["detail-type"], "AccessInvited");
    assert_eq!(bodies[0]["detail"]["id"], event.id.as_str());
}

#[tokio::test]
async fn the_sweep_relays_what_a_failed_relay_left_behind() {
    let env = TestEnv::new().await;
    let app = env.app();
    let event = DomainEvent::new(
        event_types::PASSWORD_RESET_REQUESTED,
        None,
        serde_json::json!({}),
    );
    app.store
        .transact(vec![event.outbox_put(&app.store).unwrap()])
        .await
        .unwrap();
    // No relay: as if the function crashed right after the commit.
    assert_eq!(
        messaging::sweep_outbox(&app.store, &app.events)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        messaging::sweep_outbox(&app.store, &app.events)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn claim_once_dedupes() {
    let env = TestEnv::new().await;
    let store = &env.app.store;
    assert!(messaging::claim_once(store, "email", "e1").await.unwrap());
    assert!(!messaging::claim_once(store, "email", "e1").await.unwrap());
    messaging::release_claim(store, "email", "e1")
        .await
        .unwrap();
    assert!(messaging::claim_once(store, "email", "e1").await.unwrap());
}
