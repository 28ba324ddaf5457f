//! What each function's requests cost, for `make bench PARTS=cost` (infra/bench/src/cost.rs):
//! DynamoDB read and write units, EventBridge events, SES emails and SQS requests, per function
//! (the name [`super::within`] sets; `-` outside an entry point).
//!
//! Off by default: Lambda never calls [`enable`], so its requests are left as they are. Once
//! enabled, the [`super::Recorder`] interceptor asks every DynamoDB request for
//! `ReturnConsumedCapacity=TOTAL` and adds up the `ConsumedCapacity` of each response.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use aws_sdk_dynamodb::operation as op;
use aws_sdk_dynamodb::types::{ConsumedCapacity, ReturnConsumedCapacity};
use aws_smithy_runtime_api::client::interceptors::context::{Input, Output};

/// What one function's requests consumed since the last [`take`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    /// DynamoDB read units as the responses reported them (reads, queries, the reads of
    /// transactions' condition checks).
    pub read_units: f64,
    /// DynamoDB write units as reported.
    pub write_units: f64,
    pub dynamodb_requests: u64,
    /// Entries of `PutEvents` (each one a billed event).
    pub events: u64,
    /// Emails sent through SES (one per `SendEmail`).
    pub emails: u64,
    /// SQS API requests the function itself sent (messages put back with a delay...).
    pub sqs_requests: u64,
}

impl Usage {
    pub fn add(&mut self, other: &Usage) {
        self.read_units += other.read_units;
        self.write_units += other.write_units;
        self.dynamodb_requests += other.dynamodb_requests;
        self.events += other.events;
        self.emails += other.emails;
        self.sqs_requests += other.sqs_requests;
    }
}

static ENABLED: AtomicBool = AtomicBool::new(false);
static TALLY: Mutex<BTreeMap<String, Usage>> = Mutex::new(BTreeMap::new());

/// Starts tallying (for the rest of the process).
pub fn enable() {
    ENABLED.store(true, Ordering::SeqCst);
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// What was tallied since the last call, per function; the tally starts again from zero.
pub fn take() -> BTreeMap<String, Usage> {
    std::mem::take(&mut *lock())
}

fn lock() -> std::sync::MutexGuard<'static, BTreeMap<String, Usage>> {
    // A panic while holding the lock cannot leave the map inconsistent: keep counting.
    TALLY.lock().unwrap_or_else(|e| e.into_inner())
}

fn record(function: &str, f: impl FnOnce(&mut Usage)) {
    f(lock().entry(function.to_string()).or_default());
}

/// Sets `ReturnConsumedCapacity=TOTAL` on a DynamoDB request about to be serialized.
pub(super) fn ask_for_capacity(input: &mut Input) {
    macro_rules! total {
        ($($ty:ty),*) => {
            $(if let Some(i) = input.downcast_mut::<$ty>() {
                i.return_consumed_capacity = Some(ReturnConsumedCapacity::Total);
                return;
            })*
        };
    }
    total!(
        op::get_item::GetItemInput,
        op::put_item::PutItemInput,
        op::update_item::UpdateItemInput,
        op::delete_item::DeleteItemInput,
        op::query::QueryInput,
        op::scan::ScanInput,
        op::batch_get_item::BatchGetItemInput,
        op::batch_write_item::BatchWriteItemInput,
        op::transact_get_items::TransactGetItemsInput,
        op::transact_write_items::TransactWriteItemsInput
    );
}

/// Reads and writes by operation: a response reports `CapacityUnits`, split into read and
/// write units only for transactions (whose condition checks read).
fn split(operation: &str, c: &ConsumedCapacity) -> (f64, f64) {
    if c.read_capacity_units.is_some() || c.write_capacity_units.is_some() {
        return (
            c.read_capacity_units.unwrap_or_default(),
            c.write_capacity_units.unwrap_or_default(),
        );
    }
    let units = c.capacity_units.unwrap_or_default();
    match operation {
        "GetItem" | "Query" | "Scan" | "BatchGetItem" | "TransactGetItems" => (units, 0.0),
        _ => (0.0, units),
    }
}

/// Adds the capacity a DynamoDB response reports (one request, whatever it reports).
pub(super) fn count_dynamodb(function: &str, operation: &str, output: &Output) {
    let mut reported: Vec<&ConsumedCapacity> = Vec::new();
    macro_rules! one {
        ($($ty:ty),*) => {
            $(if let Some(o) = output.downcast_ref::<$ty>() {
                reported.extend(o.consumed_capacity.iter());
            })*
        };
    }
    macro_rules! many {
        ($($ty:ty),*) => {
            $(if let Some(o) = output.downcast_ref::<$ty>() {
                reported.extend(o.consumed_capacity.iter().flatten());
            })*
        };
    }
    one!(
        op::get_item::GetItemOutput,
        op::put_item::PutItemOutput,
        op::update_item::UpdateItemOutput,
        op::delete_item::DeleteItemOutput,
        op::query::QueryOutput,
        op::scan::ScanOutput
    );
    many!(
        op::batch_get_item::BatchGetItemOutput,
        op::batch_write_item::BatchWriteItemOutput,
        op::transact_get_items::TransactGetItemsOutput,
        op::transact_write_items::TransactWriteItemsOutput
    );
    let (read, write) = reported
        .into_iter()
        .map(|c| split(operation, c))
        .fold((0.0, 0.0), |(r, w), (r2, w2)| (r + r2, w + w2));
    record(function, |u| {
        u.dynamodb_requests += 1;
        u.read_units += read;
        u.write_units += write;
    });
}

/// Counts the billed messages of a request to another service: events put, emails sent,
/// SQS requests.
pub(super) fn count_other(function: &str, service: &str, operation: &str, input: &Input) {
    match (service, operation) {
        ("EventBridge", "PutEvents") => {
            let entries = input
                .downcast_ref::<aws_sdk_eventbridge::operation::put_events::PutEventsInput>()
                .map(|i| i.entries().len() as u64)
                .unwrap_or(1);
            record(function, |u| u.events += entries);
        }
        ("SESv2" | "SES", "SendEmail") => record(function, |u| u.emails += 1),
        ("SQS", _) => record(function, |u| u.sqs_requests += 1),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transactions_split_reads_and_writes_and_single_requests_go_by_operation() {
        let total = |units| ConsumedCapacity::builder().capacity_units(units).build();
        assert_eq!(split("GetItem", &total(0.5)), (0.5, 0.0));
        assert_eq!(split("Query", &total(3.0)), (3.0, 0.0));
        assert_eq!(split("UpdateItem", &total(1.0)), (0.0, 1.0));
        let tx = ConsumedCapacity::builder()
            .capacity_units(6.0)
            .read_capacity_units(2.0)
            .write_capacity_units(4.0)
            .build();
        assert_eq!(split("TransactWriteItems", &tx), (2.0, 4.0));
    }
}
