//! Outbound sync and the ERP offline (F30, F32): order events go from the bus to the queue to
//! the ERP; while the ERP is down they are retried; when it is back each reaches it exactly once
//! and in order per order (a cancel never overtakes its create), and the acknowledgement marks
//! the order.

mod common;

use std::collections::{HashMap, HashSet};

use common::{event_of, order, text, Harness};
use shared::messaging::event_types;
use shared::orders::OrderStatus;
use shared::sync::erp::OrderEventType;

#[tokio::test]
async fn with_the_erp_down_100_orders_reach_it_once_and_in_order_when_it_is_back() {
    // Real backoff (1 s, 4 s, ...), so that retries do not spin on the same messages.
    let mut h = Harness::with_retry_base(1).await;
    h.stop_erp().await;

    // 100 orders: all placed; 20 then claimed; 30 cancelled, 10 of those after a claim.
    let mut events = Vec::new();
    let mut expected: HashMap<String, Vec<OrderEventType>> = HashMap::new();
    for i in 0..100 {
        let mut o = order(
            &format!("order-{i:03}"),
            "cust-1",
            "MTY",
            &[("SKU-1", 1 + i % 4), ("SKU-2", 2)],
        );
        h.put_order(&o).await;
        let mut kinds = vec![(event_types::ORDER_PLACED, OrderEventType::Placed)];
        if i < 30 {
            if i < 10 {
                kinds.push((event_types::ORDER_CLAIMED, OrderEventType::Claimed));
            }
            kinds.push((event_types::ORDER_CANCELLED, OrderEventType::Cancelled));
        } else if i < 50 {
            kinds.push((event_types::ORDER_CLAIMED, OrderEventType::Claimed));
        }
        for (kind, outbound) in kinds {
            match outbound {
                OrderEventType::Placed => {}
                OrderEventType::Claimed => {
                    o.status = OrderStatus::Claimed;
                    o.claimed_at = Some(shared::types::now_rfc3339());
                }
                OrderEventType::Cancelled => {
                    o.status = OrderStatus::Cancelled;
                    o.cancelled_at = Some(shared::types::now_rfc3339());
                }
            }
            events.push(event_of(&o, kind));
            expected.entry(o.id.clone()).or_default().push(outbound);
        }
        h.put_order(&o).await;
    }
    // Published newest first, so that cancels and claims reach the queue before their creates.
    events.reverse();
    for chunk in events.chunks(10) {
        h.publish(chunk).await;
    }
    assert_eq!(events.len(), 160);

    // The ERP is down: every event is tried and put back, again and again, far more times than
    // the queue's maxReceiveCount, and none of them is dead-lettered: an outage is not the
    // messages' fault.
    let mut tried = 0;
    let mut failed = 0;
    let enough = events.len() * (shared::localstack::MAX_RECEIVE_COUNT as usize + 2);
    for _ in 0..2_000 {
        let (received, f) = h.round().await;
        tried += received;
        failed += f;
        if tried >= enough {
            break;
        }
        if received == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }
    assert!(
        tried >= enough,
        "every message was tried again and again ({tried})"
    );
    assert_eq!(failed, 0, "put back, not failed: no receive is used up");
    assert!(h.sim.received().is_empty());
    assert_eq!(h.queue_depth(&h.env.queues.erp_sync_dlq_url).await, 0);

    // Back: everything goes through (after the retry delays).
    h.start_erp().await;
    h.drain_all(std::time::Duration::from_secs(120)).await;
    assert_eq!(
        h.queue_depth(&h.env.queues.erp_sync_dlq_url).await,
        0,
        "nothing dead-lettered"
    );

    let received = h.sim.received();
    assert!(
        h.sim.out_of_order().is_empty(),
        "{:?}",
        h.sim.out_of_order()
    );
    let ids: HashSet<&str> = received.iter().map(|m| m.event_id.as_str()).collect();
    assert_eq!(ids.len(), received.len(), "each event once");
    assert_eq!(
        ids,
        events.iter().map(|e| e.id.as_str()).collect::<HashSet<_>>(),
        "every event"
    );
    let mut per_order: HashMap<String, Vec<OrderEventType>> = HashMap::new();
    for m in &received {
        per_order
            .entry(m.order.id.clone())
            .or_default()
            .push(m.event_type);
        assert_eq!(m.sequence, m.event_type.sequence());
        assert_eq!(m.contract, shared::sync::erp::CONTRACT);
    }
    assert_eq!(per_order, expected, "in order per order");

    // Every order is marked with the ERP's acknowledgement and number.
    for i in [0, 42, 99] {
        let id = format!("order-{i:03}");
        let raw = h.raw_order(&id).await;
        assert!(text(&raw, "erp_acknowledged_at").is_some(), "{id} marked");
        assert_eq!(text(&raw, "erp_number"), h.sim.erp_number(&id));
        // The orders code reads the mark: the order shows the ERP's number to its readers.
        let order: shared::orders::Order = shared::store::from_item(raw).unwrap();
        assert_eq!(order.erp_number, h.sim.erp_number(&id));
        assert!(order.erp_acknowledged_at.is_some());
        assert_eq!(
            order.summary().erp_number,
            order.erp_number,
            "staff lists show it"
        );
    }
    let cancelled = h.raw_order("order-005").await;
    assert!(text(&cancelled, "erp_cancel_acknowledged_at").is_some());

    // The exported orders list shows them to staff.
    let page = h
        .call(
            "GET",
            "/v1/admin/sync/orders?limit=200",
            Some(&h.admin_token()),
            None,
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.json);
    assert_eq!(page.json["items"].as_array().unwrap().len(), 100);
    assert_eq!(
        h.call("GET", "/v1/admin/sync/orders", Some(&h.agent_token()), None)
            .await
            .status,
        403
    );

    // A redelivered event (the bus is at-least-once) is not sent again.
    h.publish(&events[..5]).await;
    h.drain_all(std::time::Duration::from_secs(30)).await;
    assert_eq!(h.sim.received().len(), received.len());
}

#[tokio::test]
async fn an_event_the_erp_keeps_refusing_lands_in_the_dlq_and_replays_once() {
    let h = Harness::new().await;
    let o = order("order-poison", "cust-1", "MTY", &[("SKU-1", 1)]);
    h.put_order(&o).await;
    h.sim.reject_order("order-poison", true);
    h.publish(&[event_of(&o, event_types::ORDER_PLACED)]).await;
    // maxReceiveCount (5) failed receives; the next receive moves it to the DLQ (moto honours
    // the redrive policy).
    let drained = h.drain(30).await;
    assert_eq!(
        drained.failed,
        shared::localstack::MAX_RECEIVE_COUNT as usize,
        "{drained:?}"
    );
    assert_eq!(h.queue_depth(&h.env.queues.erp_sync_queue_url).await, 0);
    assert_eq!(h.queue_depth(&h.env.queues.erp_sync_dlq_url).await, 1);

    let admin = h.admin_token();
    let list = h
        .call("GET", "/v1/admin/sync/dead-letters", Some(&admin), None)
        .await;
    assert_eq!(list.status, 200, "{}", list.json);
    let items = list.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["kind"], "order_event");
    assert!(items[0]["summary"]
        .as_str()
        .unwrap()
        .contains("order-poison"));
    // Listing does not consume it.
    assert_eq!(h.queue_depth(&h.env.queues.erp_sync_dlq_url).await, 1);

    // The ERP is fixed; staff replay the message.
    h.sim.reject_order("order-poison", false);
    let id = items[0]["message_id"].as_str().unwrap();
    let replay = h
        .call(
            "POST",
            "/v1/admin/sync/dead-letters/replay",
            Some(&admin),
            Some(serde_json::json!({"message_ids": [id]})),
        )
        .await;
    assert_eq!(replay.status, 200, "{}", replay.json);
    assert_eq!(replay.json["replayed"].as_array().unwrap().len(), 1);
    h.drain(20).await;
    assert_eq!(h.sim.received().len(), 1);
    assert!(text(&h.raw_order("order-poison").await, "erp_number").is_some());
    assert_eq!(h.queue_depth(&h.env.queues.erp_sync_dlq_url).await, 0);
}
