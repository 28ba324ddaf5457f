//! Issue 13, items 7-8: the report aggregates equal a recount from the orders after a burst of
//! concurrent placements, claims, fulfilments, cancellations and expiries delivered with
//! duplicates (the same message twice at once, and the same step under another event id);
//! the report routes through the router: agents' scope, bad ranges, CSV.

mod common;

use std::collections::{BTreeMap, HashMap};

use axum::http::StatusCode;
use common::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use shared::auth::{Permissions, StaffRole};
use shared::orders::Order;
use shared::reports::read::{self, Figures, Granularity, ReportRange, Row};
use shared::reports::{Metric, Scope};
use shared::store::keys;

const BRANDS: [&str; 3] = ["Truper", "Urrea", "=cmd"];
const TYPES: [&str; 2] = ["tools", "fasteners"];

/// The recount: every order's steps, straight from the orders.
#[derive(Default, Debug)]
struct Recount {
    totals: Figures,
    customers: BTreeMap<String, Figures>,
    items: BTreeMap<String, Figures>,
    types: BTreeMap<String, Figures>,
    brands: BTreeMap<String, Figures>,
    agents: BTreeMap<String, Figures>,
    warehouses: BTreeMap<String, Figures>,
}

fn recount<'a>(
    orders: impl Iterator<Item = &'a Order>,
    facts: &HashMap<String, (String, String)>,
) -> Recount {
    let mut r = Recount::default();
    for o in orders {
        let qty: i64 = o.lines.iter().map(|l| l.quantity).sum();
        for m in Metric::ALL {
            if m.at(o).is_none() {
                continue;
            }
            r.totals.count(m, 1, o.subtotal, qty);
            if m == Metric::Claimed {
                continue;
            }
            r.customers
                .entry(o.customer_id.clone())
                .or_default()
                .count(m, 1, o.subtotal, qty);
            r.warehouses
                .entry(o.warehouse_id.clone())
                .or_default()
                .count(m, 1, o.subtotal, qty);
            if let Some(agent) = &o.agent_id {
                r.agents
                    .entry(agent.clone())
                    .or_default()
                    .count(m, 1, o.subtotal, qty);
            }
            for l in &o.lines {
                let sku = l.sku.to_string();
                let (t, b) = &facts[&sku];
                r.items
                    .entry(sku)
                    .or_default()
                    .count(m, 1, l.subtotal, l.quantity);
                r.types
                    .entry(t.clone())
                    .or_default()
                    .count(m, 0, l.subtotal, l.quantity);
                r.brands
                    .entry(b.clone())
                    .or_default()
                    .count(m, 0, l.subtotal, l.quantity);
            }
        }
    }
    r
}

fn as_map(rows: &[Row]) -> BTreeMap<String, Figures> {
    rows.iter()
        .map(|r| (r.key.clone(), r.figures.clone()))
        .collect()
}

fn wide_range() -> ReportRange {
    // Around today (a midnight during the test included).
    let today = chrono::Utc::now().date_naive();
    ReportRange {
        from: today - chrono::Duration::days(1),
        to: today + chrono::Duration::days(1),
        currency: "MXN".into(),
        granularity: Granularity::Day,
    }
}

#[tokio::test]
async fn aggregates_equal_a_recount_after_a_concurrent_burst_with_duplicate_deliveries() {
    let w = World::new().await;
    let agent = shared::accounts::fixtures::put_staff(
        &w.env.app,
        "luis@seller.com",
        "Luis",
        StaffRole::Agent,
        None,
    )
    .await;
    let served = w
        .customer(
            "Served",
            CustomerSpec {
                agent_id: Some(agent.id.clone()),
                ..Default::default()
            },
        )
        .await;
    let other = w.customer("Other", CustomerSpec::default()).await;
    let third = w.customer("Third", CustomerSpec::default()).await;
    let mut facts = HashMap::new();
    for i in 0..12 {
        let sku = format!("S{i:02}");
        let (t, b) = (TYPES[i % 2], BRANDS[i % 3]);
        report_item(&w, &sku, t, b, &format!("{}.25", 10 + i)).await;
        facts.insert(sku, (t.to_string(), b.to_string()));
    }
    let tokens = [
        w.contact(&served, "a@served.mx", Permissions::all()).await,
        w.contact(&other, "a@other.mx", Permissions::all()).await,
        w.contact(&third, "a@third.mx", Permissions::all()).await,
    ];

    // A burst of placements at once; one order has 12 lines (several transactions per event).
    let mut placing = tokio::task::JoinSet::new();
    for n in 0..15usize {
        let (token, router) = (tokens[n % 3].clone(), w.router.clone());
        let lines: Vec<Value> = if n == 0 {
            (0..12)
                .map(|i| json!({"sku": format!("S{i:02}"), "quantity": i + 1}))
                .collect()
        } else {
            vec![
                json!({"sku": format!("S{:02}", n % 12), "quantity": n}),
                json!({"sku": format!("S{:02}", (n + 5) % 12), "quantity": 2}),
            ]
        };
        placing.spawn(async move {
            let res = shared::testing::call_raw(
                &router,
                "POST",
                "/v1/orders",
                Some(&token),
                Some(json!({"lines": lines}).to_string().into_bytes()),
                &[("idempotency-key", &format!("burst-{n}"))],
            )
            .await;
            assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
            (n, res.json["id"].as_str().unwrap().to_string())
        });
    }
    let mut ids = BTreeMap::new();
    while let Some(done) = placing.join_next().await {
        let (n, id) = done.unwrap();
        ids.insert(n, id);
    }

    // At once: the customer cancels some, staff claim (and fulfil) others.
    let mut acting = tokio::task::JoinSet::new();
    for (&n, id) in &ids {
        let (router, admin, token, id) = (
            w.router.clone(),
            w.admin_token.clone(),
            tokens[n % 3].clone(),
            id.clone(),
        );
        acting.spawn(async move {
            let call = |path: String, token: String| {
                let router = router.clone();
                async move {
                    shared::testing::call(&router, "POST", &path, Some(&token), Some(json!({})))
                        .await
                }
            };
            match n % 5 {
                0 | 1 => {
                    let r = call(format!("/v1/orders/{id}/cancel"), token).await;
                    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
                }
                2 => {
                    let r = call(format!("/v1/admin/orders/{id}/claim"), admin.clone()).await;
                    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
                    let r = call(format!("/v1/admin/orders/{id}/fulfil"), admin).await;
                    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
                }
                3 => {
                    let r = call(format!("/v1/admin/orders/{id}/claim"), admin).await;
                    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
                }
                _ => {} // left placed: expires below
            }
        });
    }
    while let Some(done) = acting.join_next().await {
        done.unwrap();
    }
    // Nobody claimed the rest in time: they expire.
    for (&n, id) in &ids {
        if n % 5 == 4 {
            make_due(&w, id).await;
        }
    }
    orders::expire_due_orders(w.env.app()).await.unwrap();

    // Every event the rule routed: 15 placed, 6 cancelled, 3 claimed + fulfilled, 3 claimed,
    // 3 expired.
    let expected = 15 + 6 + 3 * 2 + 3 + 3;
    // (What a relay right after a commit missed, the scheduled sweep relays.)
    shared::messaging::sweep_outbox(w.store(), &w.env.app.events)
        .await
        .unwrap();
    let bodies = report_messages(&w, expected).await;
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for b in &bodies {
        let v: Value = serde_json::from_str(b).unwrap();
        *kinds
            .entry(v["detail"]["type"].as_str().unwrap_or("?").to_string())
            .or_default() += 1;
    }
    assert_eq!(bodies.len(), expected, "{kinds:?}");

    // Deliveries: every message once, every third one also twice more at the same moment in
    // other batches, and every fourth again under a new event id (a replay).
    let mut batches: Vec<Vec<String>> = bodies.chunks(7).map(<[String]>::to_vec).collect();
    let dupes: Vec<String> = bodies.iter().step_by(3).cloned().collect();
    batches.push(dupes.clone());
    batches.push(dupes);
    let replays: Vec<String> = bodies
        .iter()
        .step_by(4)
        .map(|b| {
            let mut v: Value = serde_json::from_str(b).unwrap();
            v["detail"]["id"] = json!(shared::types::new_id());
            v.to_string()
        })
        .collect();
    batches.push(replays);
    let mut delivering = tokio::task::JoinSet::new();
    for batch in batches {
        let w_app = w.env.app.clone();
        delivering.spawn(async move {
            let mut event = aws_lambda_events::event::sqs::SqsEvent::default();
            for (i, body) in batch.iter().enumerate() {
                let mut m = aws_lambda_events::event::sqs::SqsMessage::default();
                m.message_id = Some(format!("m{i}"));
                m.body = Some(body.clone());
                event.records.push(m);
            }
            orders::handle_report_events(&w_app, event)
                .await
                .batch_item_failures
                .len()
        });
    }
    let mut failed = 0;
    while let Some(done) = delivering.join_next().await {
        failed += done.unwrap();
    }
    assert_eq!(failed, 0, "every delivery is counted or found counted");

    // The recount from the orders themselves.
    let orders: Vec<Order> = {
        let raw = w
            .store()
            .batch_get_items(
                ids.values()
                    .map(|id| (keys::order_pk(id), keys::ORDER_SK.to_string()))
                    .collect(),
            )
            .await
            .unwrap();
        raw.into_iter()
            .map(|i| shared::store::from_item(i).unwrap())
            .collect()
    };
    assert_eq!(orders.len(), 15);
    let all = recount(orders.iter(), &facts);
    assert_eq!(all.totals.placed_orders, 15);
    assert_eq!(all.totals.cancelled_orders, 6);
    assert_eq!(all.totals.fulfilled_orders, 3);
    assert_eq!(all.totals.claimed_orders, 6);
    assert_eq!(all.totals.expired_orders, 3);

    let range = wide_range();
    let report = read::sales(w.store(), &Scope::All, &range).await.unwrap();
    assert_eq!(report.totals, all.totals);
    let series_sum = report.series.iter().fold(Figures::default(), |mut acc, p| {
        acc.placed_orders += p.figures.placed_orders;
        acc.placed_value += p.figures.placed_value;
        acc.expired_orders += p.figures.expired_orders;
        acc
    });
    assert_eq!(series_sum.placed_orders, 15);
    assert_eq!(series_sum.placed_value, all.totals.placed_value);
    assert_eq!(series_sum.expired_orders, 3);
    assert_eq!(as_map(&report.customers), all.customers);
    assert_eq!(as_map(&report.items), all.items);
    assert_eq!(as_map(&report.item_types), all.types);
    assert_eq!(as_map(&report.brands), all.brands);
    assert_eq!(as_map(&report.agents), all.agents);
    assert_eq!(as_map(&report.warehouses), all.warehouses);
    assert_eq!(report.agents[0].label, "Luis");
    assert!(report.customers[0].figures.placed_value >= report.customers[1].figures.placed_value);

    // The agent's scope holds its customer's orders only, and equals their recount.
    let theirs = recount(orders.iter().filter(|o| o.customer_id == served), &facts);
    let agent_report = read::sales(w.store(), &Scope::Agent(agent.id.clone()), &range)
        .await
        .unwrap();
    assert_eq!(agent_report.totals, theirs.totals);
    assert_eq!(as_map(&agent_report.customers), theirs.customers);
    assert_eq!(as_map(&agent_report.items), theirs.items);
    assert_eq!(as_map(&agent_report.brands), theirs.brands);
    assert!(agent_report.agents.is_empty());

    // One customer's purchases (item 8).
    let third_count = recount(orders.iter().filter(|o| o.customer_id == third), &facts);
    let purchases = read::customer_purchases(w.store(), &third, &range)
        .await
        .unwrap();
    assert_eq!(purchases.totals, third_count.totals);
    assert_eq!(as_map(&purchases.items), third_count.items);

    // Weekly and monthly series add up to the same totals as days.
    for granularity in [Granularity::Week, Granularity::Month] {
        let r = read::sales(
            w.store(),
            &Scope::All,
            &ReportRange {
                granularity,
                ..range.clone()
            },
        )
        .await
        .unwrap();
        let placed: Decimal = r.series.iter().map(|p| p.figures.placed_value).sum();
        assert_eq!(placed, all.totals.placed_value, "{granularity:?}");
    }
}

#[tokio::test]
async fn report_routes_check_ranges_scope_agents_and_export_csv() {
    let w = World::new().await;
    let agent = shared::accounts::fixtures::put_staff(
        &w.env.app,
        "luis@seller.com",
        "Luis",
        StaffRole::Agent,
        None,
    )
    .await;
    let agent_token =
        shared::accounts::fixtures::staff_token(&w.env.app, &agent.id, "Luis", StaffRole::Agent);
    let served = w
        .customer(
            "Served",
            CustomerSpec {
                agent_id: Some(agent.id.clone()),
                ..Default::default()
            },
        )
        .await;
    let other = w.customer("=Other", CustomerSpec::default()).await;
    report_item(&w, "A", "tools", "Truper", "10.00").await;
    let t1 = w.contact(&served, "a@served.mx", Permissions::all()).await;
    let t2 = w.contact(&other, "a@other.mx", Permissions::all()).await;
    for (token, key, q) in [(&t1, "1", 2), (&t2, "1", 3)] {
        let res = w
            .place(token, key, json!({"lines": [{"sku": "A", "quantity": q}]}))
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    }
    let bodies = report_messages(&w, 2).await;
    assert_eq!(deliver_reports(&w, &bodies).await, Vec::<String>::new());
    // A redelivery changes nothing.
    assert_eq!(deliver_reports(&w, &bodies).await, Vec::<String>::new());

    let today = chrono::Utc::now().date_naive();
    let q = format!(
        "from={}&to={}&currency=MXN",
        today - chrono::Duration::days(1),
        today + chrono::Duration::days(1)
    );
    let all = w
        .call(
            "GET",
            &format!("/v1/admin/reports/sales?{q}"),
            &w.admin_token,
            None,
        )
        .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.json);
    assert_eq!(all.json["totals"]["placed_orders"], 2);
    assert_eq!(all.json["totals"]["placed_value"], "50.00");
    assert_eq!(all.json["customers"].as_array().unwrap().len(), 2);

    // The agent sees its customer only, whatever it asks.
    let mine = w
        .call(
            "GET",
            &format!("/v1/admin/reports/sales?{q}"),
            &agent_token,
            None,
        )
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.json);
    assert_eq!(mine.json["scope"], "agent");
    assert_eq!(mine.json["totals"]["placed_orders"], 1);
    assert_eq!(mine.json["totals"]["placed_value"], "20.00");
    assert_eq!(mine.json["customers"][0]["key"], served.as_str());
    assert_eq!(mine.json["customers"].as_array().unwrap().len(), 1);
    let sneaky = w
        .call(
            "GET",
            &format!("/v1/admin/reports/sales?{q}&agent={}", w.admin.id),
            &agent_token,
            None,
        )
        .await;
    assert_eq!(sneaky.status, StatusCode::FORBIDDEN);
    let foreign = w
        .call(
            "GET",
            &format!("/v1/admin/reports/customers/{other}?{q}"),
            &agent_token,
            None,
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let own = w
        .call(
            "GET",
            &format!("/v1/admin/reports/customers/{served}?{q}"),
            &agent_token,
            None,
        )
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.json);
    assert_eq!(own.json["items"][0]["key"], "A");
    assert_eq!(own.json["items"][0]["figures"]["placed_qty"], 2);
    // Admins may look at one agent's customers.
    let by_agent = w
        .call(
            "GET",
            &format!("/v1/admin/reports/sales?{q}&agent={}", agent.id),
            &w.admin_token,
            None,
        )
        .await;
    assert_eq!(by_agent.json["totals"]["placed_orders"], 1);
    // Customers may not read reports at all.
    let buyer = w
        .call("GET", &format!("/v1/admin/reports/sales?{q}"), &t1, None)
        .await;
    assert_eq!(buyer.status, StatusCode::FORBIDDEN);

    // Bad ranges: 422 naming the field.
    for (query, field) in [
        ("from=2026-02-01&to=2026-01-01", "from"),
        ("from=2024-01-01&to=2026-01-01", "to"),
        ("from=2026-13-01", "from"),
        ("currency=XYZ", "currency"),
        ("currency=mxn", "currency"),
        ("granularity=hour", "granularity"),
    ] {
        let res = w
            .call(
                "GET",
                &format!("/v1/admin/reports/sales?{query}"),
                &w.admin_token,
                None,
            )
            .await;
        assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, field);
    }
    let res = w
        .call(
            "GET",
            &format!("/v1/admin/reports/sales/export?{q}&table=nope"),
            &w.admin_token,
            None,
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, "table");

    // CSV: every table; a name that looks like a formula is escaped.
    for table in [
        "series",
        "statuses",
        "customers",
        "items",
        "item_types",
        "brands",
        "agents",
        "warehouses",
    ] {
        let res = shared::testing::call_raw(
            &w.router,
            "GET",
            &format!("/v1/admin/reports/sales/export?{q}&table={table}"),
            Some(&w.admin_token),
            None,
            &[],
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{table}");
        assert!(res
            .content_type
            .as_deref()
            .unwrap_or_default()
            .starts_with("text/csv"));
        let text = String::from_utf8(res.bytes).unwrap();
        if table == "customers" {
            assert!(
                text.contains(&format!("{other},'=Other,MXN,1,30.00,3")),
                "{text}"
            );
        }
    }
    let csv = shared::testing::call_raw(
        &w.router,
        "GET",
        &format!("/v1/admin/reports/customers/{served}/export?{q}&table=items"),
        Some(&agent_token),
        None,
        &[],
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = String::from_utf8(csv.bytes).unwrap();
    assert!(
        text.starts_with("sku,name,currency,placed_orders,placed_value"),
        "{text}"
    );
    assert!(text.contains("A,Item A,MXN,1,20.00,2"), "{text}");
}
