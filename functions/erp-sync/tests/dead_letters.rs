//! F32: a record that cannot be applied (a document of a customer the ERP has not sent yet)
//! is retried, lands in the DLQ after maxReceiveCount receives, is listed to staff, and once
//! fixed (the customer sent) a replay applies it exactly once.

mod common;

use common::{d, Harness};
use serde_json::json;

#[tokio::test]
async fn a_poison_record_goes_to_the_dlq_and_replays_once_after_the_fix() {
    let h = Harness::new().await;
    let doc = json!({
        "erp_key": "F-9", "kind": "invoice", "number": "Z-9", "customer_erp_key": "C-LATE",
        "issued_on": "2025-01-10", "due_on": "2025-02-09", "currency": "MXN",
        "subtotal": "1000", "tax": "160", "total": "1160", "paid": "160", "version": 1
    });
    let res = h
        .erp(
            "POST",
            "/v1/erp/documents",
            Some(json!({"batch_id": "docs-1", "records": [doc.clone()]})),
        )
        .await;
    assert_eq!(res.status, 202, "{}", res.json);

    // Retried (each time it cannot be applied), then dead-lettered by the redrive policy.
    let drained = h.drain(30).await;
    assert_eq!(
        drained.failed,
        shared::localstack::MAX_RECEIVE_COUNT as usize,
        "{drained:?}"
    );
    assert_eq!(h.queue_depth(&h.env.queues.erp_sync_queue_url).await, 0);
    assert_eq!(h.queue_depth(&h.env.queues.erp_sync_dlq_url).await, 1);
    let status = h.batch_status("docs-1").await;
    assert_eq!(status["status"], "failed", "{status}");
    assert_eq!(status["errors"][0]["field"], "records[0].customer_erp_key");

    // Staff see it; agents and contacts may not.
    let admin = h.admin_token();
    let list = h
        .call("GET", "/v1/admin/sync/dead-letters", Some(&admin), None)
        .await;
    assert_eq!(list.status, 200, "{}", list.json);
    assert_eq!(list.json["items"][0]["kind"], "inbound_chunk");
    assert!(list.json["items"][0]["summary"]
        .as_str()
        .unwrap()
        .contains("docs-1"));
    assert_eq!(
        h.call(
            "GET",
            "/v1/admin/sync/dead-letters",
            Some(&h.agent_token()),
            None
        )
        .await
        .status,
        403
    );
    assert_eq!(
        h.call(
            "POST",
            "/v1/admin/sync/dead-letters/replay",
            Some(&h.agent_token()),
            Some(json!({}))
        )
        .await
        .status,
        403
    );
    // Bad input names the field.
    let bad = h
        .call(
            "POST",
            "/v1/admin/sync/dead-letters/replay",
            Some(&admin),
            Some(json!({"message_ids": "all"})),
        )
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.json["errors"][0]["field"], "message_ids");
    let empty = h
        .call(
            "POST",
            "/v1/admin/sync/dead-letters/replay",
            Some(&admin),
            Some(json!({"message_ids": []})),
        )
        .await;
    assert_eq!(empty.status, 422);
    assert_eq!(
        h.queue_depth(&h.env.queues.erp_sync_dlq_url).await,
        1,
        "bad requests replay nothing"
    );

    // The fix: the ERP sends the customer. Then the replay.
    let customer = h
        .push("customers", json!([{"erp_key": "C-LATE", "name": "Tardía", "tax_id": "TAR010101AA1", "email": "t@tardia.mx", "version": 1}]))
        .await;
    assert_eq!(customer["applied"].as_u64(), Some(1));
    let replay = h
        .call(
            "POST",
            "/v1/admin/sync/dead-letters/replay",
            Some(&admin),
            Some(json!({})),
        )
        .await;
    assert_eq!(replay.status, 200, "{}", replay.json);
    assert_eq!(replay.json["replayed"].as_array().unwrap().len(), 1);
    h.drain(20).await;
    let status = h.batch_status("docs-1").await;
    assert_eq!(
        (status["status"].as_str(), status["applied"].as_u64()),
        (Some("applied"), Some(1)),
        "{status}"
    );
    assert_eq!(h.queue_depth(&h.env.queues.erp_sync_dlq_url).await, 0);

    // Applied once: the unpaid total holds the invoice once, even when it is sent again.
    let customer_id = shared::sync::apply::customers::mapping(h.store(), "C-LATE")
        .await
        .unwrap()
        .unwrap()
        .customer_id;
    let unpaid = || async {
        shared::orders::credit::CreditRecord::load(h.store(), &customer_id)
            .await
            .unwrap()
            .unpaid_in("MXN")
    };
    assert_eq!(unpaid().await, d("1000"));
    let again = h.push("documents", json!([doc])).await;
    assert_eq!(again["ignored"].as_u64(), Some(1));
    assert_eq!(unpaid().await, d("1000"));
    let replay_again = h
        .call(
            "POST",
            "/v1/admin/sync/dead-letters/replay",
            Some(&admin),
            Some(json!({})),
        )
        .await;
    assert_eq!(replay_again.json["replayed"].as_array().unwrap().len(), 0);
}
