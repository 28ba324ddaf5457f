//! The simulator as `make dev` runs it: stopped and started again (a new process, here a new
//! `Simulator` on the same state file), it still has what it received, so an order event sent
//! again is answered with the same acknowledgement and not taken twice.

use serde_json::{json, Value};
use shared::sync::records::RecordKind;

fn order_event(event_id: &str, event_type: &str, sequence: u32) -> Value {
    json!({
        "contract": shared::sync::erp::CONTRACT,
        "event_id": event_id,
        "event_type": event_type,
        "sequence": sequence,
        "occurred_at": "2026-11-23T10:00:00Z",
        "order": {
            "id": "order-1", "customer_id": "c1", "customer_erp_key": null, "customer_name": "Acme",
            "status": "placed", "warehouse_id": "MTY", "currency": "MXN",
            "lines": [{"sku": "HAM-16", "name": "Martillo", "unit": "piece", "quantity": 5,
                       "unit_price": "100", "tax_rate": "0.16", "subtotal": "500", "tax": "80", "total": "580"}],
            "subtotal": "500", "tax": "80", "total": "580", "placed_by": "Ana", "created_at": "2026-11-23T10:00:00Z"
        }
    })
}

async fn post(url: &str, body: &Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{url}/orders"))
        .json(body)
        .send()
        .await
        .expect("the simulator answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

#[tokio::test]
async fn a_restarted_simulator_keeps_what_it_received() {
    let dir = std::env::temp_dir().join(format!("erp-sim-{}", shared::types::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");

    let (first, restored) = erp_simulator::Simulator::new(None)
        .with_state_file(&file)
        .unwrap();
    assert!(!restored, "no state yet");
    first.feed(
        RecordKind::Stock,
        vec![json!({"warehouse_id": "MTY", "sku": "HAM-16", "on_hand": 120, "version": 1})],
    );
    let running = first.start("127.0.0.1:0").await.unwrap();
    let (status, ack) = post(&running.url(), &order_event("e1", "order.placed", 1)).await;
    assert_eq!(status, 200, "{ack}");
    let number = ack["erp_number"].as_str().unwrap().to_string();
    running.stop().await;

    // A new process on the same file: the order, its number and the stock it took are there.
    let (second, restored) = erp_simulator::Simulator::new(None)
        .with_state_file(&file)
        .unwrap();
    assert!(restored);
    assert_eq!(second.received().len(), 1);
    assert_eq!(
        second.erp_number("order-1").as_deref(),
        Some(number.as_str())
    );
    assert_eq!(second.stock("MTY", "HAM-16"), Some(115));
    let running = second.start("127.0.0.1:0").await.unwrap();
    // The same event again: the same answer, not taken twice.
    let (status, again) = post(&running.url(), &order_event("e1", "order.placed", 1)).await;
    assert_eq!((status, &again["erp_number"]), (200, &ack["erp_number"]));
    assert_eq!(second.received().len(), 1);
    assert_eq!(second.stock("MTY", "HAM-16"), Some(115));
    // The cancel that follows it is taken in order: the stock comes back.
    let (status, _) = post(&running.url(), &order_event("e2", "order.cancelled", 3)).await;
    assert_eq!(status, 200);
    assert_eq!(second.stock("MTY", "HAM-16"), Some(120));
    running.stop().await;

    // A file that is not the simulator's state is refused, not silently replaced.
    std::fs::write(&file, b"not json").unwrap();
    assert!(erp_simulator::Simulator::new(None)
        .with_state_file(&file)
        .is_err());
    std::fs::remove_dir_all(&dir).ok();
}
