//! F26 quotes: a contact requests one (lines, a message); staff answer with a unit price per
//! line and a validity date; the customer accepts it, which places an order at the quoted
//! prices with every check of a normal order ([`super::place::accept_quote`]), or it expires.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::events::{QuoteNotice, Recipient};
use super::model::{Actor, LineRequest, Quote, QuoteLine, QuoteStatus};
use super::place::{line_keys, require_buying_customer, skus_of, validate_lines, Placer};
use super::{fetch, get, Fetched};
use crate::activity::Activity;
use crate::app::App;
use crate::auth::Principal;
use crate::customers::{Contact, Customer};
use crate::error::{AppError, AppResult, FieldError};
use crate::pricing::admin::MAX_UNIT_PRICE;
use crate::pricing::quote::{cents, merge_lines, StockLevels};
use crate::pricing::{self, LineIssue};
use crate::settings::Settings;
use crate::staff::customer_care::managed_customer;
use crate::store::{self, keys, Store, StoreError};
use crate::types::{new_id, now_rfc3339};

const MAX_NOTE_CHARS: usize = 2000;
/// Longest validity staff may give an answer.
pub const MAX_VALIDITY_DAYS: i64 = 180;

/// `POST /v1/quotes`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequestBody {
    /// One of the customer's warehouses; default: the customer's default warehouse.
    #[serde(default)]
    pub warehouse_id: Option<String>,
    /// 1 to 500 lines of items the customer may buy (same SKUs merged).
    pub lines: Vec<LineRequest>,
    /// What the customer asks for (up to 2000 characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// One answered line.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerLine {
    pub sku: crate::catalog::Sku,
    /// Net unit price before tax, in the quote's currency.
    #[schema(value_type = String, example = "99.50")]
    pub unit_price: Decimal,
}

/// `POST /v1/admin/quotes/{id}/answer`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteAnswer {
    /// A price for every line of the quote.
    pub lines: Vec<AnswerLine>,
    /// Until when the customer may accept: a date (`2025-07-31`, end of that day UTC) or an
    /// RFC 3339 instant; in the future, at most 180 days ahead.
    pub valid_until: String,
    #[serde(default)]
    pub note: Option<String>,
}

fn note_error(note: &Option<String>, errors: &mut Vec<FieldError>) {
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        errors.push(FieldError::new(
            "note",
            format!("must be at most {MAX_NOTE_CHARS} characters"),
        ));
    }
}

fn clean(note: Option<String>) -> Option<String> {
    note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty())
}

/// A contact (or staff acting as the customer) requests a quote.
pub async fn request_quote(
    app: &App,
    customer_id: &str,
    placer: &Placer,
    body: QuoteRequestBody,
) -> AppResult<Quote> {
    let mut errors = Vec::new();
    validate_lines(&body.lines, &mut errors);
    note_error(&body.note, &mut errors);
    if body
        .warehouse_id
        .as_ref()
        .is_some_and(|w| w.trim().is_empty())
    {
        errors.push(FieldError::new("warehouse_id", "must not be empty"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let store = &app.store;
    let customer_pk = keys::customer_pk(customer_id);
    let contact_email = placer.actor.contact_email().map(str::to_string);
    let mut wanted = vec![
        (customer_pk.clone(), keys::CUSTOMER_PROFILE_SK.to_string()),
        (keys::SETTINGS_PK.to_string(), keys::SETTINGS_SK.to_string()),
    ];
    if let Some(email) = &contact_email {
        wanted.push((customer_pk.clone(), keys::contact_sk(email)));
    }
    let mut fetched = Fetched::new();
    fetch(store, wanted, &mut fetched).await?;
    let customer: Customer = get(&fetched, &customer_pk, keys::CUSTOMER_PROFILE_SK)
        .map(|raw| store::from_item(raw.clone()))
        .transpose()?
        .ok_or(AppError::NotFound)?;
    let settings: Settings = get(&fetched, keys::SETTINGS_PK, keys::SETTINGS_SK)
        .map(|raw| store::from_item(raw.clone()))
        .transpose()?
        .unwrap_or_default();
    let contact: Option<Contact> = contact_email
        .as_ref()
        .and_then(|email| get(&fetched, &customer_pk, &keys::contact_sk(email)))
        .map(|raw| store::from_item(raw.clone()))
        .transpose()?;
    if let Some(permissions) = &placer.permissions {
        let may = contact
            .as_ref()
            .map(|c| c.permissions.create_quotes && c.has_access())
            .unwrap_or(permissions.create_quotes);
        if !may {
            return Err(AppError::Forbidden(
                "this contact may not request quotes".into(),
            ));
        }
    }
    require_buying_customer(&customer)?;
    let warehouse_id = body
        .warehouse_id
        .clone()
        .or(customer.default_warehouse_id.clone())
        .or(customer.warehouse_ids.first().cloned())
        .ok_or_else(|| AppError::invalid("warehouse_id", "is required"))?;
    if !customer.warehouse_ids.contains(&warehouse_id) {
        return Err(AppError::invalid(
            "warehouse_id",
            "is not one of this customer's warehouses",
        ));
    }
    fetch(
        store,
        line_keys(
            customer.price_list_id.as_deref(),
            customer_id,
            Some(&warehouse_id),
            &skus_of(&body.lines),
        ),
        &mut fetched,
    )
    .await?;
    let raws: Vec<store::Item> = fetched.into_values().collect();
    let items = pricing::service::items_of(&raws);
    let book = pricing::price_book(&customer, &items, &raws);
    let Some(currency) = book.currency().map(str::to_string) else {
        return Err(AppError::conflict(
            "no-price-list",
            "this customer's price list does not exist; staff must assign an existing one",
        ));
    };
    let stock = StockLevels::from_fetched(&warehouse_id, &raws);
    let priced = pricing::quote(&body.lines, &book, &stock, settings.stock_display);
    let mut errors = Vec::new();
    let mut lines = Vec::new();
    for line in &priced.lines {
        // Items without a price or stock can still be quoted; invisible or inactive ones not.
        if matches!(line.reason, Some(LineIssue::NotFound | LineIssue::Inactive)) {
            let i = body
                .lines
                .iter()
                .position(|r| r.sku == line.sku)
                .unwrap_or(0);
            errors.push(FieldError::new(
                format!("lines[{i}].sku"),
                format!("{}: {}", line.sku, line.message.clone().unwrap_or_default()),
            ));
            continue;
        }
        let item = book.item(&line.sku).expect("visible items were fetched");
        lines.push(QuoteLine {
            sku: line.sku.clone(),
            name: item.name.clone(),
            unit: item.unit.clone(),
            quantity: line.quantity,
            list_unit_price: line.unit_price,
            unit_price: None,
            tax_rate: item.tax_rate,
            subtotal: None,
            tax: None,
            total: None,
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    debug_assert_eq!(lines.len(), merge_lines(&body.lines).len());
    let now = now_rfc3339();
    let notify = match (&contact_email, &contact) {
        (Some(email), c) => Recipient {
            email: email.clone(),
            name: c
                .as_ref()
                .map(|c| c.name.to_string())
                .unwrap_or(placer.actor.name.clone()),
            language: Some(
                c.as_ref()
                    .and_then(|c| c.language)
                    .unwrap_or(customer.language),
            ),
        },
        _ => Recipient {
            email: customer.email.to_string(),
            name: customer.name.to_string(),
            language: Some(customer.language),
        },
    };
    let quote = Quote {
        id: new_id(),
        customer_id: customer.id.clone(),
        customer_name: customer.name.to_string(),
        status: QuoteStatus::Requested,
        warehouse_id,
        currency,
        lines,
        note: clean(body.note),
        requested_by: placer.actor.clone(),
        notify,
        subtotal: None,
        tax: None,
        total: None,
        answered_by: None,
        answered_at: None,
        answer_note: None,
        valid_until: None,
        accepted_by: None,
        accepted_at: None,
        order_id: None,
        agent_id: customer.agent_id.clone(),
        created_at: now.clone(),
        updated_at: now.clone(),
    };
    let activity = Activity {
        id: new_id(),
        customer_id: customer.id.clone(),
        at: now,
        kind: "quote_requested".into(),
        actor: placer.actor.id.clone(),
        actor_name: placer.actor.name.clone(),
        impersonated_by: placer
            .actor
            .impersonated_by
            .as_ref()
            .map(|s| s.name.clone()),
        detail: serde_json::json!({"quote_id": quote.id, "lines": quote.lines.len()}),
    };
    store
        .transact(vec![
            store.tx_put_new(&quote.keys(), &quote)?,
            super::place::activity_put(store, &activity)?,
        ])
        .await?;
    Ok(quote)
}

pub async fn load(store: &Store, quote_id: &str) -> Result<Option<Quote>, StoreError> {
    store.get(&keys::quote_pk(quote_id), keys::QUOTE_SK).await
}

/// The customer's own quote (404 for anyone else's), with its status as of now.
pub async fn customer_quote(store: &Store, customer_id: &str, quote_id: &str) -> AppResult<Quote> {
    let mut quote = load(store, quote_id)
        .await?
        .filter(|q| q.customer_id == customer_id)
        .ok_or(AppError::NotFound)?;
    quote.status = quote.effective_status(&now_rfc3339());
    Ok(quote)
}

/// A quote for staff who manage its customer (404 otherwise).
pub async fn staff_quote(store: &Store, staff: &Principal, quote_id: &str) -> AppResult<Quote> {
    let mut quote = load(store, quote_id).await?.ok_or(AppError::NotFound)?;
    managed_customer(store, staff, &quote.customer_id).await?;
    quote.status = quote.effective_status(&now_rfc3339());
    Ok(quote)
}

/// Parses `valid_until`: a date (end of that day, UTC) or an RFC 3339 instant.
fn parse_valid_until(raw: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let raw = raw.trim();
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Some(at.with_timezone(&chrono::Utc));
    }
    let date = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?;
    Some(date.and_hms_milli_opt(23, 59, 59, 999)?.and_utc())
}

/// Staff answer a requested quote with prices and a validity date.
pub async fn answer_quote(
    app: &App,
    staff: &Principal,
    quote_id: &str,
    answer: QuoteAnswer,
) -> AppResult<Quote> {
    let store = &app.store;
    let quote = load(store, quote_id).await?.ok_or(AppError::NotFound)?;
    managed_customer(store, staff, &quote.customer_id).await?;

    let mut errors = Vec::new();
    note_error(&answer.note, &mut errors);
    let now = chrono::Utc::now();
    let valid_until = match parse_valid_until(&answer.valid_until) {
        None => {
            errors.push(FieldError::new(
                "valid_until",
                "must be a date (YYYY-MM-DD) or an RFC 3339 date-time",
            ));
            None
        }
        Some(at) if at <= now => {
            errors.push(FieldError::new("valid_until", "must be in the future"));
            None
        }
        Some(at) if at > now + chrono::Duration::days(MAX_VALIDITY_DAYS) => {
            errors.push(FieldError::new(
                "valid_until",
                format!("must be at most {MAX_VALIDITY_DAYS} days ahead"),
            ));
            None
        }
        Some(at) => Some(at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
    };
    let mut answered = quote.clone();
    let mut priced = vec![false; quote.lines.len()];
    for (i, line) in answer.lines.iter().enumerate() {
        let Some(pos) = quote.lines.iter().position(|l| l.sku == line.sku) else {
            errors.push(FieldError::new(
                format!("lines[{i}].sku"),
                "is not a line of this quote",
            ));
            continue;
        };
        if priced[pos] {
            errors.push(FieldError::new(
                format!("lines[{i}].sku"),
                "is priced twice",
            ));
            continue;
        }
        // Bounded like every list price, so `price x quantity` (and the quote's sums) cannot
        // overflow a decimal.
        if line.unit_price.is_sign_negative()
            || line.unit_price.scale() > 4
            || line.unit_price > Decimal::from(MAX_UNIT_PRICE)
        {
            errors.push(FieldError::new(
                format!("lines[{i}].unit_price"),
                format!("must be from 0 to {MAX_UNIT_PRICE}, with at most 4 decimals"),
            ));
            continue;
        }
        priced[pos] = true;
        let l = &mut answered.lines[pos];
        let subtotal = cents(line.unit_price * Decimal::from(l.quantity));
        let tax = cents(subtotal * l.tax_rate);
        l.unit_price = Some(pricing::book::unit_amount(line.unit_price));
        l.subtotal = Some(subtotal);
        l.tax = Some(tax);
        l.total = Some(subtotal + tax);
    }
    let missing: Vec<String> = quote
        .lines
        .iter()
        .zip(&priced)
        .filter(|(_, done)| !**done)
        .map(|(l, _)| l.sku.to_string())
        .collect();
    if !missing.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "lines",
            format!("every line needs a price; missing: {}", missing.join(", ")),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if quote.status != QuoteStatus::Requested {
        return Err(AppError::conflict(
            "invalid-transition",
            format!(
                "the quote is {}; only a requested quote can be answered",
                quote.status.as_str()
            ),
        ));
    }
    let subtotal: Decimal = answered.lines.iter().filter_map(|l| l.subtotal).sum();
    let tax: Decimal = answered.lines.iter().filter_map(|l| l.tax).sum();
    let at = now_rfc3339();
    answered.status = QuoteStatus::Answered;
    answered.subtotal = Some(cents(subtotal));
    answered.tax = Some(cents(tax));
    answered.total = Some(cents(subtotal + tax));
    answered.valid_until = valid_until;
    answered.answered_by = Some(Actor::of(staff));
    answered.answered_at = Some(at.clone());
    answered.answer_note = clean(answer.note);
    answered.updated_at = at;

    let event = QuoteNotice::of(&answered, answered.notify.clone()).event();
    let put = super::intent::put_if(
        store,
        &answered.keys(),
        &answered,
        "#status = :requested AND updated_at = :seen",
        &[("#status", "status")],
        vec![
            (":requested", store::s(QuoteStatus::Requested.as_str())),
            (":seen", store::s(&quote.updated_at)),
        ],
    )?;
    match store.transact(vec![put, event.outbox_put(store)?]).await {
        Ok(()) => {}
        Err(StoreError::TransactionCanceled(_)) => {
            return Err(AppError::conflict(
                "invalid-transition",
                "the quote changed meanwhile (answered by someone else?); reload it",
            ))
        }
        Err(e) => return Err(e.into()),
    }
    super::relay(app, std::slice::from_ref(&event)).await;
    Ok(answered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_dates() {
        let end_of_day = parse_valid_until("2030-01-31").unwrap();
        assert_eq!(
            end_of_day.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "2030-01-31T23:59:59.999Z"
        );
        assert!(parse_valid_until("2030-01-31T10:00:00+02:00").is_some());
        assert!(parse_valid_until("31/01/2030").is_none());
        assert!(parse_valid_until("").is_none());
    }
}
