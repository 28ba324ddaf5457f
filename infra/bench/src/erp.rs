//! The ERP sync part of `make bench`: the time to apply an inbound batch of 10,000 items and
//! one of 10,000 stock rows into DynamoDB Local, and the DynamoDB requests each took (counted
//! by the SDK interceptor). The batches go the worker's way: validated, cut into the chunks the
//! queue carries, each chunk applied and its result recorded, one chunk after the other (as one
//! consumer would; Lambda would run chunks in parallel).
//!
//! The floor for comparison: BatchWriteItem takes 25 items per request, so 10,000 records are
//! at least 400 requests. Stock rows are conditional updates, 100 to a TransactWriteItems
//! (100 requests); each item is written with its search words (about 8 records) in one
//! transaction, 100 actions to a TransactWriteItems, and the facet counters follow, 100 to a
//! transaction. Figures are printed and merged into the results file.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{json, Value};
use shared::sync::batches::{apply_chunk, chunk_records, ChunkMessage};
use shared::sync::records::RecordKind;
use shared::testing::TestEnv;

use super::write_results;

const RECORDS: usize = 10_000;
const WORDS: &[&str] = &[
    "taladro",
    "sierra",
    "lijadora",
    "esmeril",
    "pulidora",
    "llave",
    "martillo",
    "pinza",
    "desarmador",
    "nivel",
    "escalera",
    "manguera",
    "pintura",
    "brocha",
    "tornillo",
    "taquete",
];

/// Applies one batch chunk by chunk; answers (seconds, DynamoDB requests, per operation).
async fn apply_batch(
    env: &TestEnv,
    counter: &shared::store::counter::RequestCounter,
    kind: RecordKind,
    records: Vec<Value>,
) -> Result<(f64, usize, BTreeMap<String, usize>), String> {
    let batch_id = shared::types::new_id();
    let chunks = chunk_records(&records);
    counter.reset();
    let started = Instant::now();
    let mut applied = 0;
    for (chunk, (offset, records)) in chunks.into_iter().enumerate() {
        let message = ChunkMessage {
            batch_id: batch_id.clone(),
            kind,
            chunk,
            offset,
            records,
        };
        let report = apply_chunk(&env.app.store, message, 1, false)
            .await
            .map_err(|e| format!("apply {}: {e}", kind.as_str()))?;
        if report.rejected > 0 {
            return Err(format!(
                "{} rows rejected: {:?}",
                report.rejected,
                report.errors.first()
            ));
        }
        applied += report.applied;
    }
    let seconds = started.elapsed().as_secs_f64();
    if applied != RECORDS {
        return Err(format!("{applied} of {RECORDS} {} applied", kind.as_str()));
    }
    let mut by_operation = BTreeMap::new();
    for op in counter.operations() {
        *by_operation.entry(op).or_insert(0) += 1;
    }
    Ok((seconds, counter.total(), by_operation))
}

pub async fn run() -> Result<(), String> {
    let (env, counter) = TestEnv::with_request_counter().await;
    let items: Vec<Value> = (0..RECORDS)
        .map(|i| {
            json!({
                "sku": format!("ERP-{i:05}"),
                "name": format!("{} {} {}", WORDS[i % WORDS.len()], WORDS[(i / 7) % WORDS.len()], i % 997),
                "item_type": format!("tipo {}", i % 20),
                "brand": format!("marca {}", i % 50),
                "unit": "pieza",
                "tax_rate": "0.16",
                "version": 1
            })
        })
        .collect();
    let stock: Vec<Value> = (0..RECORDS)
        .map(|i| {
            json!({
                "warehouse_id": if i % 2 == 0 { "MTY" } else { "CDMX" },
                "sku": format!("ERP-{:05}", i / 2),
                "on_hand": (i * 7) % 500,
                "version": 1
            })
        })
        .collect();

    println!();
    println!("erp sync bench: inbound batches of {RECORDS} records applied into DynamoDB Local");
    let (items_s, items_requests, items_ops) =
        apply_batch(&env, &counter, RecordKind::Items, items).await?;
    println!("  items  {items_s:>7.2} s   {items_requests:>6} DynamoDB requests {items_ops:?}");
    let (stock_s, stock_requests, stock_ops) =
        apply_batch(&env, &counter, RecordKind::Stock, stock).await?;
    println!("  stock  {stock_s:>7.2} s   {stock_requests:>6} DynamoDB requests {stock_ops:?}");
    println!(
        "  (BatchWriteItem floor: {} requests per {RECORDS} records; stock rows are conditional, 100 per transaction)",
        RECORDS / 25
    );

    let mut figures = BTreeMap::new();
    figures.insert("erp_items_10k_s", json!((items_s * 100.0).round() / 100.0));
    figures.insert("erp_items_10k_ddb_requests", json!(items_requests));
    figures.insert("erp_stock_10k_s", json!((stock_s * 100.0).round() / 100.0));
    figures.insert("erp_stock_10k_ddb_requests", json!(stock_requests));
    let path = write_results(&figures)?;
    println!("  written to {}", path.display());
    super::drop_table(&env.app.store).await;
    Ok(())
}
