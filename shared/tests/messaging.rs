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
async fn a_claim_is_leased_until_done_and_only_its_holder_releases_it() {
    use messaging::Claim;
    use std::time::Duration;
    let env = TestEnv::new().await;
    let store = &env.app.store;
    let hour = Duration::from_secs(3600);

    let Claim::Acquired(first) = messaging::claim(store, "email", "e1", hour).await.unwrap() else {
        panic!("a new event is free");
    };
    // A live lease: nobody else takes it.
    assert_eq!(
        messaging::claim(store, "email", "e1", hour).await.unwrap(),
        Claim::Busy
    );
    messaging::release(store, &first).await.unwrap();
    let Claim::Acquired(second) = messaging::claim(store, "email", "e1", Duration::ZERO)
        .await
        .unwrap()
    else {
        panic!("a released event is free again");
    };
    // Its holder died: the lease ran out, the next delivery takes it over, and the old
    // holder's late release does not free it.
    let Claim::Acquired(third) = messaging::claim(store, "email", "e1", hour).await.unwrap() else {
        panic!("an expired lease is taken over");
    };
    messaging::release(store, &second).await.unwrap();
    assert_eq!(
        messaging::claim(store, "email", "e1", hour).await.unwrap(),
        Claim::Busy
    );
    messaging::complete(store, &third, "ses-1").await.unwrap();
    assert_eq!(
        messaging::claim(store, "email", "e1", Duration::ZERO)
            .await
            .unwrap(),
        Claim::Done
    );
    // Releasing a done claim changes nothing.
    messaging::release(store, &third).await.unwrap();
    assert_eq!(
        messaging::claim(store, "email", "e1", hour).await.unwrap(),
        Claim::Done
    );
}
