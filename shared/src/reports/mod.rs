//! Sales reports (issue 13, items 7-8): counters per day and month kept up to date by a
//! consumer of the order events ([`aggregate`]), read by key range ([`read`]). Never a scan,
//! never a read of the orders themselves at report time. The design, sizes and costs are in
//! `docs/reports.md`.

pub mod aggregate;
pub mod read;

use serde::{Deserialize, Serialize};

use crate::messaging::event_types;

/// The order events the `reports` queue's rule routes to the aggregates consumer. A test
/// checks `template.yaml`'s `ReportsRule` lists exactly these.
pub const REPORT_EVENT_TYPES: &[&str] = &[
    event_types::ORDER_PLACED,
    event_types::ORDER_CLAIMED,
    event_types::ORDER_FULFILLED,
    event_types::ORDER_CANCELLED,
    event_types::ORDER_EXPIRED,
];

/// The `reports` queue's rule.
pub fn report_event_pattern() -> serde_json::Value {
    serde_json::json!({"source": [crate::messaging::EVENT_SOURCE], "detail-type": REPORT_EVENT_TYPES})
}

/// What an order event counts: each order passes each of these at most once, at a time the
/// order records (so a redelivery or a replay lands in the same bucket).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ReportMetric)]
pub enum Metric {
    Placed,
    Claimed,
    Fulfilled,
    Cancelled,
    Expired,
}

impl Metric {
    pub const ALL: [Metric; 5] = [
        Metric::Placed,
        Metric::Claimed,
        Metric::Fulfilled,
        Metric::Cancelled,
        Metric::Expired,
    ];

    pub fn of_event(kind: &str) -> Option<Self> {
        match kind {
            event_types::ORDER_PLACED => Some(Metric::Placed),
            event_types::ORDER_CLAIMED => Some(Metric::Claimed),
            event_types::ORDER_FULFILLED => Some(Metric::Fulfilled),
            event_types::ORDER_CANCELLED => Some(Metric::Cancelled),
            event_types::ORDER_EXPIRED => Some(Metric::Expired),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Placed => "placed",
            Metric::Claimed => "claimed",
            Metric::Fulfilled => "fulfilled",
            Metric::Cancelled => "cancelled",
            Metric::Expired => "expired",
        }
    }

    /// When the order passed this step (RFC 3339, UTC): the bucket's day.
    pub fn at(self, order: &crate::orders::Order) -> Option<&str> {
        match self {
            Metric::Placed => Some(order.created_at.as_str()),
            Metric::Claimed => order.claimed_at.as_deref(),
            Metric::Fulfilled => order.fulfilled_at.as_deref(),
            Metric::Cancelled => order.cancelled_at.as_deref(),
            Metric::Expired => order.expired_at.as_deref(),
        }
    }
}

/// The dimensions a bucket is kept by (the last part of its partition key).
pub mod dimension {
    pub const TOTAL: &str = "TOTAL";
    pub const CUSTOMER: &str = "CUST";
    pub const ITEM: &str = "ITEM";
    pub const ITEM_TYPE: &str = "TYPE";
    pub const BRAND: &str = "BRAND";
    pub const AGENT: &str = "AGENT";
    pub const WAREHOUSE: &str = "WH";
}

/// Whose figures a bucket holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every order (admins).
    All,
    /// The orders of one agent's customers (the agent's own reports).
    Agent(String),
    /// One customer's orders (its page in the console).
    Customer(String),
}

impl Scope {
    pub fn key(&self) -> String {
        match self {
            Scope::All => "ALL".into(),
            Scope::Agent(id) => format!("AGENT#{id}"),
            Scope::Customer(id) => format!("CUST#{id}"),
        }
    }
}
