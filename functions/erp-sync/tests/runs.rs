//! F31: a sync started by hand (or by the schedule) pulls the ERP's changes since the last
//! cursor and applies them; the history lists each run with start, end, counts and errors. And
//! end to end with the ERP's stock: an order the ERP acknowledged is in its figures, and the
//! portal does not subtract it twice.

mod common;

use common::{event_of, number, order, Harness};
use serde_json::json;
use shared::messaging::event_types;
use shared::sync::records::RecordKind;

async fn run(h: &Harness) -> serde_json::Value {
    let res = h
        .call("POST", "/v1/admin/sync/run", Some(&h.admin_token()), None)
        .await;
    assert_eq!(res.status, 202, "{}", res.json);
    assert_eq!(res.json["status"], "queued");
    h.drain(30).await;
    let id = res.json["id"].as_str().unwrap();
    let one = h
        .call(
            "GET",
            &format!("/v1/admin/sync/runs/{id}"),
            Some(&h.admin_token()),
            None,
        )
        .await;
    assert_eq!(one.status, 200);
    one.json
}

fn counts(run: &serde_json::Value, kind: &str) -> (u64, u64, u64, u64) {
    let c = run["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} counts in {run}"));
    let n = |f: &str| c[f].as_u64().unwrap();
    (n("received"), n("applied"), n("ignored"), n("rejected"))
}

#[tokio::test]
async fn manual_runs_pull_changes_since_the_cursor_and_keep_a_history() {
    let mut h = Harness::new().await;
    h.sim.feed(
        RecordKind::Items,
        vec![
            json!({"sku": "HAM-16", "name": "Martillo", "item_type": "Herramientas", "unit": "piece", "tax_rate": "0.16", "version": 1}),
            json!({"sku": "BAD SKU", "name": "Roto", "item_type": "Herramientas", "unit": "piece", "tax_rate": "0.16", "version": 1}),
        ],
    );
    h.sim.feed(
        RecordKind::Stock,
        vec![json!({"warehouse_id": "MTY", "sku": "HAM-16", "on_hand": 50, "version": 1})],
    );

    let first = run(&h).await;
    assert_eq!(first["status"], "succeeded", "{first}");
    assert_eq!(first["trigger"], "manual");
    assert!(first["started_at"].is_string() && first["finished_at"].is_string());
    assert_eq!(counts(&first, "items"), (2, 1, 0, 1));
    assert_eq!(counts(&first, "stock"), (1, 1, 0, 0));
    assert_eq!(first["errors"][0]["field"], "changes.items[1].sku");
    assert_eq!(number(&h.stock("MTY", "HAM-16").await, "on_hand"), 50);

    // Nothing new: the next run pulls nothing (the cursor moved).
    let second = run(&h).await;
    assert_eq!(second["status"], "succeeded");
    assert!(second["counts"].as_array().unwrap().is_empty(), "{second}");
    assert_eq!(second["cursor_from"], first["cursor_to"]);

    // The ERP is down: the run fails and says why; the next one catches up.
    h.sim.feed(
        RecordKind::Stock,
        vec![json!({"warehouse_id": "MTY", "sku": "HAM-16", "on_hand": 45, "version": 2})],
    );
    h.stop_erp().await;
    let failed = run(&h).await;
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["error"].as_str().unwrap().contains("did not answer"),
        "{failed}"
    );
    h.start_erp().await;
    let third = run(&h).await;
    assert_eq!(counts(&third, "stock"), (1, 1, 0, 0));
    assert_eq!(number(&h.stock("MTY", "HAM-16").await, "on_hand"), 45);

    // The history, newest first; admins only.
    let list = h
        .call(
            "GET",
            "/v1/admin/sync/runs?limit=10",
            Some(&h.admin_token()),
            None,
        )
        .await;
    assert_eq!(list.status, 200);
    let ids: Vec<&str> = list.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [&third["id"], &failed["id"], &second["id"], &first["id"]].map(|v| v.as_str().unwrap())
    );
    assert_eq!(
        h.call(
            "GET",
            "/v1/admin/sync/runs?limit=0",
            Some(&h.admin_token()),
            None
        )
        .await
        .status,
        422
    );
    assert_eq!(
        h.call(
            "GET",
            "/v1/admin/sync/runs?cursor=garbage",
            Some(&h.admin_token()),
            None
        )
        .await
        .status,
        422
    );
    assert_eq!(
        h.call("POST", "/v1/admin/sync/run", Some(&h.agent_token()), None)
            .await
            .status,
        403
    );
    assert_eq!(
        h.call(
            "GET",
            "/v1/admin/sync/runs",
            Some(&h.contact_session("c1", true).await),
            None
        )
        .await
        .status,
        403
    );

    // The schedule starts the same kind of run.
    let summary = erp_sync::scheduled_run(&h.sync).await.unwrap();
    assert!(summary.contains("queued"));
    h.drain(10).await;
    let list = h
        .call(
            "GET",
            "/v1/admin/sync/runs?limit=1",
            Some(&h.admin_token()),
            None,
        )
        .await;
    assert_eq!(list.json["items"][0]["trigger"], "schedule");
    assert_eq!(list.json["items"][0]["status"], "succeeded");
}

/// What the orders code does to `reserved` when it places or cancels.
async fn reserve(h: &Harness, q: i64) {
    h.store()
        .client()
        .update_item()
        .table_name(h.store().table())
        .set_key(Some(shared::store::key_of("WH#MTY", "SKU#DRL-1")))
        .update_expression("ADD reserved :q")
        .expression_attribute_values(":q", shared::store::n(q))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_order_the_erp_acknowledged_is_not_subtracted_twice() {
    let h = Harness::new().await;
    h.sim.feed(
        RecordKind::Stock,
        vec![json!({"warehouse_id": "MTY", "sku": "DRL-1", "on_hand": 50, "version": 1})],
    );
    run(&h).await;
    let available = |s: &shared::store::Item| number(s, "on_hand") - number(s, "reserved");
    assert_eq!(available(&h.stock("MTY", "DRL-1").await), 50);

    // The portal sells 5 (the orders code reserves them), and tells the ERP.
    let mut o = order("order-1", "c-1", "MTY", &[("DRL-1", 5)]);
    h.put_order(&o).await;
    reserve(&h, 5).await;
    assert_eq!(available(&h.stock("MTY", "DRL-1").await), 45);
    h.publish(&[event_of(&o, event_types::ORDER_PLACED)]).await;
    h.drain(10).await;
    // The ERP took it: its own figure is now 45, and it says so in its next changes.
    assert_eq!(h.sim.stock("MTY", "DRL-1"), Some(45));
    let synced = run(&h).await;
    assert_eq!(counts(&synced, "stock"), (1, 1, 0, 0));
    let stock = h.stock("MTY", "DRL-1").await;
    assert_eq!(
        (
            number(&stock, "erp_on_hand"),
            number(&stock, "on_hand"),
            number(&stock, "reserved")
        ),
        (45, 50, 5)
    );
    assert_eq!(available(&stock), 45, "not 40: the order is counted once");

    // Cancelled: the orders code releases the reservation, the ERP gives its units back.
    o.status = shared::orders::OrderStatus::Cancelled;
    h.put_order(&o).await;
    reserve(&h, -5).await;
    h.publish(&[event_of(&o, event_types::ORDER_CANCELLED)])
        .await;
    h.drain(10).await;
    assert_eq!(h.sim.stock("MTY", "DRL-1"), Some(50));
    run(&h).await;
    let stock = h.stock("MTY", "DRL-1").await;
    assert_eq!(
        (number(&stock, "on_hand"), number(&stock, "reserved")),
        (50, 0)
    );
}

/// A pull is bounded per queue message ([`PAGES_PER_MESSAGE`] pages): a run with more pages
/// goes on in new messages, each within the worker's timeout, and ends with every record.
#[tokio::test]
async fn a_long_pull_continues_in_new_messages() {
    use shared::sync::runs::PAGES_PER_MESSAGE;
    let h = Harness::with_pull_page_size(1).await;
    let pages = PAGES_PER_MESSAGE as i64 * 2 + 1;
    h.sim.feed(
        RecordKind::Items,
        (1..=pages)
            .map(|v| json!({"sku": format!("SKU-{v}"), "name": format!("Item {v}"), "item_type": "Herramientas", "unit": "piece", "tax_rate": "0.16", "version": 1}))
            .collect(),
    );
    let res = h
        .call("POST", "/v1/admin/sync/run", Some(&h.admin_token()), None)
        .await;
    assert_eq!(res.status, 202, "{}", res.json);
    let id = res.json["id"].as_str().unwrap().to_string();
    let get = || async {
        h.call(
            "GET",
            &format!("/v1/admin/sync/runs/{id}"),
            Some(&h.admin_token()),
            None,
        )
        .await
        .json
    };

    // The first message pulls PAGES_PER_MESSAGE pages and queues the rest of the run.
    assert_eq!(h.round().await, (1, 0));
    let first = get().await;
    assert_eq!(first["status"], "running", "{first}");
    assert_eq!(first["pages"], PAGES_PER_MESSAGE);
    assert_eq!(h.queue_depth(&h.env.queues.erp_sync_queue_url).await, 1);

    h.drain(10).await;
    let done = get().await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["pages"], pages);
    assert_eq!(counts(&done, "items"), (pages as u64, pages as u64, 0, 0));
    assert_eq!(done["cursor_from"], first["cursor_from"]);
}
