//! Reading reports: a date range becomes a few Queries over bucket key ranges, whatever the
//! number of orders. Totals come from day buckets (at most 366); each dimension from month
//! buckets for the whole months of the range and day buckets for the partial months at its
//! edges (at most three Queries per dimension). Everything is summed here.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{dimension, Metric, Scope};
use crate::error::{AppError, AppResult};
use crate::pricing::currency::Currency;
use crate::store::{keys, Item, QuerySpec, Store, StoreError};

/// The longest range a report covers (a leap year).
pub const MAX_RANGE_DAYS: i64 = 366;
/// Rows of each table a report answers (the largest first); the CSV export has the same.
pub const MAX_ROWS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ReportGranularity)]
pub enum Granularity {
    Day,
    Week,
    Month,
}

/// `?from=&to=&currency=&granularity=` of every report route.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeParams {
    /// First day, `YYYY-MM-DD` (UTC); default 29 days before `to`.
    pub from: Option<String>,
    /// Last day, included; default today. At most 366 days after `from`.
    pub to: Option<String>,
    /// ISO 4217 code; default the store's currency.
    pub currency: Option<String>,
    /// `day` (default), `week` (from Monday) or `month`: the periods of the series.
    pub granularity: Option<String>,
}

/// A checked report range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub currency: String,
    pub granularity: Granularity,
}

fn parse_day(field: &str, raw: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, "must be a date YYYY-MM-DD"))
}

impl ReportRange {
    /// Checks the parameters; every problem names its field, all at once.
    pub fn parse(
        params: &RangeParams,
        default_currency: &str,
        today: NaiveDate,
    ) -> AppResult<Self> {
        let mut errors = Vec::new();
        let to = match params.to.as_deref() {
            None => Some(today),
            Some(raw) => parse_day("to", raw).map_err(|e| errors.push(e)).ok(),
        };
        let from = match params.from.as_deref() {
            None => to.map(|t| t - Duration::days(29)),
            Some(raw) => parse_day("from", raw).map_err(|e| errors.push(e)).ok(),
        };
        let currency = Currency::parse(
            params
                .currency
                .as_deref()
                .unwrap_or(default_currency)
                .trim(),
        )
        .map_err(|reason| errors.push(AppError::invalid("currency", reason)))
        .ok();
        let granularity = match params.granularity.as_deref().map(str::trim) {
            None | Some("day") => Some(Granularity::Day),
            Some("week") => Some(Granularity::Week),
            Some("month") => Some(Granularity::Month),
            Some(_) => {
                errors.push(AppError::invalid(
                    "granularity",
                    "must be day, week or month",
                ));
                None
            }
        };
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                errors.push(AppError::invalid("from", "must not be after to"));
            } else if (to - from).num_days() + 1 > MAX_RANGE_DAYS {
                errors.push(AppError::invalid(
                    "to",
                    format!("the range is at most {MAX_RANGE_DAYS} days"),
                ));
            }
        }
        if !errors.is_empty() {
            let fields = errors
                .into_iter()
                .flat_map(|e| match e {
                    AppError::Validation(f) => f,
                    _ => Vec::new(),
                })
                .collect();
            return Err(AppError::Validation(fields));
        }
        match (from, to, currency, granularity) {
            (Some(from), Some(to), Some(currency), Some(granularity)) => Ok(Self {
                from,
                to,
                currency: currency.as_str().to_string(),
                granularity,
            }),
            _ => Err(AppError::invalid("from", "invalid range")),
        }
    }
}

/// The counters of a bucket or a sum of buckets. Values are net of tax (order subtotals).
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = ReportFigures)]
pub struct Figures {
    pub placed_orders: i64,
    #[schema(value_type = String, example = "1200.00")]
    pub placed_value: Decimal,
    pub placed_qty: i64,
    pub claimed_orders: i64,
    pub fulfilled_orders: i64,
    #[schema(value_type = String, example = "1200.00")]
    pub fulfilled_value: Decimal,
    pub fulfilled_qty: i64,
    pub cancelled_orders: i64,
    #[schema(value_type = String, example = "0.00")]
    pub cancelled_value: Decimal,
    pub expired_orders: i64,
    #[schema(value_type = String, example = "0.00")]
    pub expired_value: Decimal,
}

impl Figures {
    fn add(&mut self, other: &Figures) {
        self.placed_orders += other.placed_orders;
        self.placed_value += other.placed_value;
        self.placed_qty += other.placed_qty;
        self.claimed_orders += other.claimed_orders;
        self.fulfilled_orders += other.fulfilled_orders;
        self.fulfilled_value += other.fulfilled_value;
        self.fulfilled_qty += other.fulfilled_qty;
        self.cancelled_orders += other.cancelled_orders;
        self.cancelled_value += other.cancelled_value;
        self.expired_orders += other.expired_orders;
        self.expired_value += other.expired_value;
    }

    /// Adds one metric's counts (the consumer's ADDs, or a recount from orders).
    pub fn count(&mut self, metric: Metric, orders: i64, value: Decimal, quantity: i64) {
        match metric {
            Metric::Placed => {
                self.placed_orders += orders;
                self.placed_value += value;
                self.placed_qty += quantity;
            }
            Metric::Claimed => self.claimed_orders += orders,
            Metric::Fulfilled => {
                self.fulfilled_orders += orders;
                self.fulfilled_value += value;
                self.fulfilled_qty += quantity;
            }
            Metric::Cancelled => {
                self.cancelled_orders += orders;
                self.cancelled_value += value;
            }
            Metric::Expired => {
                self.expired_orders += orders;
                self.expired_value += value;
            }
        }
    }

    fn of_item(item: &Item) -> Self {
        let number = |name: String| -> Decimal {
            item.get(&name)
                .and_then(|v| v.as_n().ok())
                .and_then(|n| Decimal::from_str(n).ok())
                .map(|mut v| {
                    // DynamoDB drops trailing zeros ("20"); money reads with its cents.
                    if v.scale() < 2 {
                        v.rescale(2);
                    }
                    v
                })
                .unwrap_or_default()
        };
        let whole = |name: String| -> i64 {
            item.get(&name)
                .and_then(|v| v.as_n().ok())
                .and_then(|n| n.parse().ok())
                .unwrap_or_default()
        };
        let mut f = Figures::default();
        for m in Metric::ALL {
            let k = m.as_str();
            f.count(
                m,
                whole(format!("{k}_orders")),
                number(format!("{k}_value")),
                whole(format!("{k}_qty")),
            );
        }
        f
    }
}

/// One period of a series.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ReportPeriod)]
pub struct Period {
    /// The period's first day (`YYYY-MM-DD`; a week starts on Monday, a month on the 1st).
    pub period: String,
    pub figures: Figures,
}

/// One row of a table: a customer, an item, a type, a brand, an agent or a warehouse.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ReportRow)]
pub struct Row {
    /// The customer id, SKU, type, brand, staff id or warehouse id.
    pub key: String,
    /// Its name where one is known (customer, item, agent), else the key.
    pub label: String,
    pub figures: Figures,
}

/// Orders per status change in the range (each order counts once per change).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ReportStatusRow)]
pub struct StatusRow {
    pub status: Metric,
    pub orders: i64,
    #[schema(value_type = String, example = "1200.00")]
    pub value: Decimal,
}

/// The sales report of a range (items 7): everything the console's Reports page shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SalesReport {
    pub from: String,
    pub to: String,
    pub currency: String,
    pub granularity: Granularity,
    /// `all`, or `agent` when the figures are one agent's customers' only.
    pub scope: String,
    pub totals: Figures,
    pub series: Vec<Period>,
    pub statuses: Vec<StatusRow>,
    /// Each table sorted by placed value, largest first (the top ones first).
    pub customers: Vec<Row>,
    pub items: Vec<Row>,
    pub item_types: Vec<Row>,
    pub brands: Vec<Row>,
    /// Admins only (empty in an agent's report).
    pub agents: Vec<Row>,
    pub warehouses: Vec<Row>,
}

/// A customer's purchases over time and its top items (item 8).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CustomerPurchases {
    pub customer_id: String,
    pub from: String,
    pub to: String,
    pub currency: String,
    pub granularity: Granularity,
    pub totals: Figures,
    pub series: Vec<Period>,
    pub items: Vec<Row>,
}

/// A bucket as read: its period (day or month), value and counters.
struct Bucket {
    day: String,
    value: String,
    label: Option<String>,
    figures: Figures,
}

fn bucket(item: &Item) -> Option<Bucket> {
    let sk = item.get(keys::SK)?.as_s().ok()?;
    let mut parts = sk.splitn(3, '#');
    let _kind = parts.next()?;
    let period = parts.next()?.to_string();
    let value = parts.next().unwrap_or_default().to_string();
    Some(Bucket {
        day: period,
        value,
        label: item.get("label").and_then(|v| v.as_s().ok()).cloned(),
        figures: Figures::of_item(item),
    })
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}
fn month(d: NaiveDate) -> String {
    d.format("%Y-%m").to_string()
}
fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}
fn last_of_month(d: NaiveDate) -> NaiveDate {
    let next = if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    };
    next.map(|n| n - Duration::days(1)).unwrap_or(d)
}

/// The sort-key ranges (inclusive) covering `from..=to` for a dimension's partition: day
/// buckets at the partial-month edges, month buckets in between. Since `D#<day>` sorts before
/// `D#<day>#<value>` and after every `D#<earlier day>#...`, a range ending at the next day's
/// bare key takes exactly the days asked for.
pub fn dimension_ranges(from: NaiveDate, to: NaiveDate) -> Vec<(String, String)> {
    let first_full = if from.day() == 1 {
        from
    } else {
        last_of_month(from) + Duration::days(1)
    };
    let last_full_end = if to == last_of_month(to) {
        to
    } else {
        first_of_month(to) - Duration::days(1)
    };
    let days = |a: NaiveDate, b: NaiveDate| {
        (
            keys::report_day_sk(&day(a), ""),
            keys::report_day_sk(&day(b + Duration::days(1)), ""),
        )
    };
    if first_full > last_full_end {
        return vec![days(from, to)];
    }
    let mut ranges = Vec::new();
    if from < first_full {
        ranges.push(days(from, first_full - Duration::days(1)));
    }
    ranges.push((
        format!("M#{}", month(first_full)),
        format!("M#{}", month(last_full_end + Duration::days(1))),
    ));
    if to > last_full_end {
        ranges.push(days(last_full_end + Duration::days(1), to));
    }
    ranges
}

async fn query_range(
    store: Store,
    pk: String,
    range: (String, String),
) -> Result<Vec<Item>, StoreError> {
    let mut spec = QuerySpec::partition(pk);
    spec.sk_between = Some(range);
    let mut all = Vec::new();
    loop {
        let (items, next) = store.query_items(&spec).await?;
        all.extend(items);
        match next {
            Some(cursor) => spec.cursor = Some(cursor),
            None => return Ok(all),
        }
    }
}

/// One table: the dimension's buckets over the range, summed per value, largest first.
async fn table(
    store: Store,
    pk: String,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Row>, StoreError> {
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for range in dimension_ranges(from, to) {
        for item in query_range(store.clone(), pk.clone(), range).await? {
            let Some(b) = bucket(&item) else { continue };
            let row = rows.entry(b.value.clone()).or_insert_with(|| Row {
                key: b.value.clone(),
                label: b.value.clone(),
                figures: Figures::default(),
            });
            if let Some(label) = b.label {
                row.label = label;
            }
            row.figures.add(&b.figures);
        }
    }
    let mut rows: Vec<Row> = rows.into_values().collect();
    rows.sort_by(|a, b| {
        b.figures
            .placed_value
            .cmp(&a.figures.placed_value)
            .then(b.figures.fulfilled_value.cmp(&a.figures.fulfilled_value))
            .then(a.key.cmp(&b.key))
    });
    rows.truncate(MAX_ROWS);
    Ok(rows)
}

fn period_start(d: NaiveDate, granularity: Granularity) -> NaiveDate {
    match granularity {
        Granularity::Day => d,
        Granularity::Week => d - Duration::days(i64::from(d.weekday().num_days_from_monday())),
        Granularity::Month => first_of_month(d),
    }
}

/// The totals' day buckets folded into periods (every period of the range, empty ones too).
async fn series(
    store: Store,
    pk: String,
    range: &ReportRange,
) -> Result<(Figures, Vec<Period>), StoreError> {
    let items = query_range(
        store,
        pk,
        (
            keys::report_day_sk(&day(range.from), ""),
            keys::report_day_sk(&day(range.to), ""),
        ),
    )
    .await?;
    let mut periods: BTreeMap<NaiveDate, Figures> = BTreeMap::new();
    let mut d = range.from;
    while d <= range.to {
        periods
            .entry(period_start(d, range.granularity))
            .or_default();
        d += Duration::days(1);
    }
    let mut totals = Figures::default();
    for item in &items {
        let Some(b) = bucket(item) else { continue };
        let Ok(date) = NaiveDate::parse_from_str(&b.day, "%Y-%m-%d") else {
            continue;
        };
        totals.add(&b.figures);
        periods
            .entry(period_start(date, range.granularity))
            .or_default()
            .add(&b.figures);
    }
    let series = periods
        .into_iter()
        .map(|(start, figures)| Period {
            period: day(start),
            figures,
        })
        .collect();
    Ok((totals, series))
}

fn statuses(t: &Figures) -> Vec<StatusRow> {
    vec![
        StatusRow {
            status: Metric::Placed,
            orders: t.placed_orders,
            value: t.placed_value,
        },
        StatusRow {
            status: Metric::Claimed,
            orders: t.claimed_orders,
            value: Decimal::ZERO,
        },
        StatusRow {
            status: Metric::Fulfilled,
            orders: t.fulfilled_orders,
            value: t.fulfilled_value,
        },
        StatusRow {
            status: Metric::Cancelled,
            orders: t.cancelled_orders,
            value: t.cancelled_value,
        },
        StatusRow {
            status: Metric::Expired,
            orders: t.expired_orders,
            value: t.expired_value,
        },
    ]
}

/// Runs the reads of a report at once (each a task of this function, for the IAM records).
async fn tables(
    store: &Store,
    scope: &Scope,
    range: &ReportRange,
    dims: &[&'static str],
) -> Result<HashMap<&'static str, Vec<Row>>, StoreError> {
    let mut tasks = tokio::task::JoinSet::new();
    for &dim in dims {
        let pk = keys::report_pk(&scope.key(), &range.currency, dim);
        let (store, from, to) = (store.clone(), range.from, range.to);
        tasks.spawn(crate::aws_ops::inherit(async move {
            table(store, pk, from, to).await.map(|rows| (dim, rows))
        }));
    }
    let mut out = HashMap::new();
    while let Some(done) = tasks.join_next().await {
        let (dim, rows) = done.map_err(|e| StoreError::Other(e.to_string()))??;
        out.insert(dim, rows);
    }
    Ok(out)
}

/// The sales report of `scope` (all orders, or one agent's customers').
pub async fn sales(
    store: &Store,
    scope: &Scope,
    range: &ReportRange,
) -> Result<SalesReport, StoreError> {
    let mut dims = vec![
        dimension::CUSTOMER,
        dimension::ITEM,
        dimension::ITEM_TYPE,
        dimension::BRAND,
        dimension::WAREHOUSE,
    ];
    if *scope == Scope::All {
        dims.push(dimension::AGENT);
    }
    let totals_pk = keys::report_pk(&scope.key(), &range.currency, dimension::TOTAL);
    let (series_result, tables_result) = tokio::join!(
        series(store.clone(), totals_pk, range),
        tables(store, scope, range, &dims)
    );
    let (totals, series) = series_result?;
    let mut tables = tables_result?;
    let mut agents = tables.remove(dimension::AGENT).unwrap_or_default();
    if !agents.is_empty() {
        // Agents' names: one BatchGetItem for the (few) staff in the table.
        let keys = agents
            .iter()
            .map(|r| (keys::staff_pk(&r.key), keys::STAFF_SK.to_string()))
            .collect();
        let names: HashMap<String, String> = store
            .batch_get_items(keys)
            .await?
            .iter()
            .filter_map(|i| {
                let id = i.get("id")?.as_s().ok()?.clone();
                let name = i.get("name")?.as_s().ok()?.clone();
                Some((id, name))
            })
            .collect();
        for row in &mut agents {
            if let Some(name) = names.get(&row.key) {
                row.label = name.clone();
            }
        }
    }
    Ok(SalesReport {
        from: day(range.from),
        to: day(range.to),
        currency: range.currency.clone(),
        granularity: range.granularity,
        scope: if *scope == Scope::All { "all" } else { "agent" }.into(),
        statuses: statuses(&totals),
        totals,
        series,
        customers: tables.remove(dimension::CUSTOMER).unwrap_or_default(),
        items: tables.remove(dimension::ITEM).unwrap_or_default(),
        item_types: tables.remove(dimension::ITEM_TYPE).unwrap_or_default(),
        brands: tables.remove(dimension::BRAND).unwrap_or_default(),
        agents,
        warehouses: tables.remove(dimension::WAREHOUSE).unwrap_or_default(),
    })
}

/// One customer's purchases: its series and its items (the caller checked the access).
pub async fn customer_purchases(
    store: &Store,
    customer_id: &str,
    range: &ReportRange,
) -> Result<CustomerPurchases, StoreError> {
    let scope = Scope::Customer(customer_id.to_string());
    let totals_pk = keys::report_pk(&scope.key(), &range.currency, dimension::TOTAL);
    let (series_result, tables_result) = tokio::join!(
        series(store.clone(), totals_pk, range),
        tables(store, &scope, range, &[dimension::ITEM])
    );
    let (totals, series) = series_result?;
    let mut tables = tables_result?;
    Ok(CustomerPurchases {
        customer_id: customer_id.to_string(),
        from: day(range.from),
        to: day(range.to),
        currency: range.currency.clone(),
        granularity: range.granularity,
        totals,
        series,
        items: tables.remove(dimension::ITEM).unwrap_or_default(),
    })
}

// CSV export ---------------------------------------------------------------------------------

/// The tables a CSV export can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ReportTable)]
pub enum Table {
    Series,
    Statuses,
    Customers,
    Items,
    ItemTypes,
    Brands,
    Agents,
    Warehouses,
}

impl Table {
    pub fn parse(raw: &str) -> AppResult<Self> {
        serde_json::from_value(serde_json::Value::String(raw.trim().to_string())).map_err(|_| {
            AppError::invalid(
                "table",
                "must be series, statuses, customers, items, item_types, brands, agents or warehouses",
            )
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            Table::Series => "series",
            Table::Statuses => "statuses",
            Table::Customers => "customers",
            Table::Items => "items",
            Table::ItemTypes => "item_types",
            Table::Brands => "brands",
            Table::Agents => "agents",
            Table::Warehouses => "warehouses",
        }
    }
}

const FIGURE_COLUMNS: [&str; 11] = [
    "placed_orders",
    "placed_value",
    "placed_qty",
    "claimed_orders",
    "fulfilled_orders",
    "fulfilled_value",
    "fulfilled_qty",
    "cancelled_orders",
    "cancelled_value",
    "expired_orders",
    "expired_value",
];

fn figure_cells(f: &Figures) -> Vec<String> {
    vec![
        f.placed_orders.to_string(),
        f.placed_value.to_string(),
        f.placed_qty.to_string(),
        f.claimed_orders.to_string(),
        f.fulfilled_orders.to_string(),
        f.fulfilled_value.to_string(),
        f.fulfilled_qty.to_string(),
        f.cancelled_orders.to_string(),
        f.cancelled_value.to_string(),
        f.expired_orders.to_string(),
        f.expired_value.to_string(),
    ]
}

fn write_csv(header: Vec<String>, rows: Vec<Vec<String>>) -> AppResult<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).map_err(AppError::internal)?;
    for row in rows {
        // Names come from customers and the catalog: never let a spreadsheet run them.
        writer
            .write_record(row.into_iter().map(crate::catalog::files::csv_escape))
            .map_err(AppError::internal)?;
    }
    let bytes = writer.into_inner().map_err(AppError::internal)?;
    String::from_utf8(bytes).map_err(AppError::internal)
}

fn with_figures(first: &[&str]) -> Vec<String> {
    first
        .iter()
        .chain(FIGURE_COLUMNS.iter())
        .map(|c| c.to_string())
        .collect()
}

pub fn series_csv(series: &[Period], currency: &str) -> AppResult<String> {
    write_csv(
        with_figures(&["period", "currency"]),
        series
            .iter()
            .map(|p| {
                let mut cells = vec![p.period.clone(), currency.to_string()];
                cells.extend(figure_cells(&p.figures));
                cells
            })
            .collect(),
    )
}

pub fn rows_csv(rows: &[Row], key_column: &str, currency: &str) -> AppResult<String> {
    write_csv(
        with_figures(&[key_column, "name", "currency"]),
        rows.iter()
            .map(|r| {
                let mut cells = vec![r.key.clone(), r.label.clone(), currency.to_string()];
                cells.extend(figure_cells(&r.figures));
                cells
            })
            .collect(),
    )
}

/// One table of a sales report as CSV.
pub fn sales_csv(report: &SalesReport, table: Table) -> AppResult<String> {
    let c = report.currency.as_str();
    match table {
        Table::Series => series_csv(&report.series, c),
        Table::Statuses => write_csv(
            vec![
                "status".into(),
                "orders".into(),
                "value".into(),
                "currency".into(),
            ],
            report
                .statuses
                .iter()
                .map(|s| {
                    vec![
                        s.status.as_str().into(),
                        s.orders.to_string(),
                        s.value.to_string(),
                        c.into(),
                    ]
                })
                .collect(),
        ),
        Table::Customers => rows_csv(&report.customers, "customer_id", c),
        Table::Items => rows_csv(&report.items, "sku", c),
        Table::ItemTypes => rows_csv(&report.item_types, "item_type", c),
        Table::Brands => rows_csv(&report.brands, "brand", c),
        Table::Agents => rows_csv(&report.agents, "agent_id", c),
        Table::Warehouses => rows_csv(&report.warehouses, "warehouse_id", c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_range_reads_whole_months_from_month_buckets_and_the_edges_from_days() {
        assert_eq!(
            dimension_ranges(d("2026-01-15"), d("2026-04-10")),
            vec![
                ("D#2026-01-15".into(), "D#2026-02-01".into()),
                ("M#2026-02".into(), "M#2026-04".into()),
                ("D#2026-04-01".into(), "D#2026-04-11".into()),
            ]
        );
        assert_eq!(
            dimension_ranges(d("2026-01-01"), d("2026-12-31")),
            vec![("M#2026-01".into(), "M#2027-01".into())]
        );
        assert_eq!(
            dimension_ranges(d("2026-03-05"), d("2026-03-20")),
            vec![("D#2026-03-05".into(), "D#2026-03-21".into())]
        );
    }

    #[test]
    fn bad_ranges_name_their_field() {
        let today = d("2026-11-30");
        let bad = |p: RangeParams| match ReportRange::parse(&p, "MXN", today) {
            Err(AppError::Validation(fields)) => {
                fields.into_iter().map(|f| f.field).collect::<Vec<_>>()
            }
            other => panic!("{other:?}"),
        };
        let p = |from: &str, to: &str| RangeParams {
            from: Some(from.into()),
            to: Some(to.into()),
            ..Default::default()
        };
        assert_eq!(bad(p("2026-02-01", "2026-01-01")), vec!["from"]);
        assert_eq!(bad(p("2024-01-01", "2026-01-01")), vec!["to"]);
        assert_eq!(bad(p("yesterday", "2026-01-01")), vec!["from"]);
        assert_eq!(
            bad(RangeParams {
                currency: Some("mxn".into()),
                granularity: Some("hour".into()),
                ..Default::default()
            }),
            vec!["currency", "granularity"]
        );
        let ok = ReportRange::parse(&p("2025-01-01", "2025-12-31"), "MXN", today).unwrap();
        assert_eq!(ok.granularity, Granularity::Day);
        assert_eq!(
            ReportRange::parse(&RangeParams::default(), "MXN", today)
                .unwrap()
                .from,
            d("2026-11-01")
        );
    }

    #[test]
    fn csv_cells_cannot_become_formulas() {
        let rows = vec![Row {
            key: "C1".into(),
            label: "=HYPERLINK(\"x\")".into(),
            figures: Figures::default(),
        }];
        let csv = rows_csv(&rows, "customer_id", "MXN").unwrap();
        assert!(
            csv.lines().nth(1).unwrap().starts_with("C1,\"'=HYPERLINK"),
            "{csv}"
        );
    }
}
