//! The customer's documents (F27) and statement (F28). Documents come from the ERP (written by
//! [`crate::sync`]); the portal lists them, renders each as a PDF and sums them up.
//!
//! Storage: the whole document at `DOC#<id>` / `DOC` (the by-id lookup), and a summary in the
//! customer's partition at `CUST#<id>` / `DOC#<issued on>#<number>` (lists, newest first, and
//! the statement). Both are written in one transaction with the change of the customer's
//! `unpaid` total on its credit record, which the order placement's credit check reads.

pub mod i18n;
pub mod model;
pub mod pdf;
pub mod render;
pub mod statement;

use aws_sdk_dynamodb::types::AttributeValue;

pub use model::*;
pub use statement::{CreditSummary, CurrencyTotals, Statement};

use crate::customers::{AddressKind, Customer};
use crate::error::{AppError, AppResult};
use crate::orders::credit::CreditRecord;
use crate::store::{self, keys, Page, QuerySpec, Store, StoreError};
use crate::types::Language;

pub async fn get(store: &Store, id: &str) -> Result<Option<Document>, StoreError> {
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(None);
    }
    store.get(&keys::document_pk(id), keys::DOCUMENT_SK).await
}

/// One of the customer's documents; another customer's (or a missing one) is a 404.
pub async fn get_for_customer(store: &Store, customer_id: &str, id: &str) -> AppResult<Document> {
    match get(store, id).await? {
        Some(doc) if doc.customer_id == customer_id => Ok(doc),
        _ => Err(AppError::NotFound),
    }
}

/// The customer's documents, newest first, optionally of one kind.
pub async fn list(
    store: &Store,
    customer_id: &str,
    kind: Option<DocumentKind>,
    cursor: Option<String>,
    limit: i32,
) -> AppResult<Page<DocumentSummary>> {
    let start = match &cursor {
        Some(c) => {
            let key = store::decode_cursor(c)
                .filter(|k| {
                    k.get(keys::PK)
                        .and_then(|v| v.as_s().ok())
                        .map(String::as_str)
                        == Some(keys::customer_pk(customer_id).as_str())
                })
                .ok_or_else(|| AppError::invalid("cursor", "is not a cursor this list gave"))?;
            Some(key)
        }
        None => None,
    };
    let mut req = store
        .client()
        .query()
        .table_name(store.table())
        .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
        .expression_attribute_values(":pk", store::s(&keys::customer_pk(customer_id)))
        .expression_attribute_values(":prefix", store::s(keys::DOCUMENT_ENTRY_SK_PREFIX))
        .scan_index_forward(false)
        .limit(limit)
        .set_exclusive_start_key(start);
    if let Some(kind) = kind {
        req = req
            .filter_expression("#kind = :kind")
            .expression_attribute_names("#kind", "kind")
            .expression_attribute_values(":kind", AttributeValue::S(kind.as_str().into()));
    }
    let out = req
        .send()
        .await
        .map_err(|e| AppError::internal(format!("documents query: {}", e.into_service_error())))?;
    let items = out
        .items
        .unwrap_or_default()
        .into_iter()
        .map(store::from_item)
        .collect::<Result<Vec<DocumentSummary>, _>>()?;
    Ok(Page {
        items,
        next_cursor: out.last_evaluated_key.as_ref().map(store::encode_cursor),
    })
}

/// Every document summary of the customer (for the statement).
pub async fn all_summaries(
    store: &Store,
    customer_id: &str,
) -> Result<Vec<DocumentSummary>, StoreError> {
    store
        .query_all(
            QuerySpec::partition(keys::customer_pk(customer_id))
                .prefix(keys::DOCUMENT_ENTRY_SK_PREFIX),
        )
        .await
}

/// F28 for one customer, as of `today` (`YYYY-MM-DD`).
pub async fn customer_statement(
    store: &Store,
    customer_id: &str,
    today: &str,
) -> AppResult<Statement> {
    let customer = crate::customers::profile::get(store, customer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let credit = CreditRecord::load(store, customer_id).await?;
    let documents = all_summaries(store, customer_id).await?;
    let settings = crate::settings::load(store).await?;
    Ok(statement::statement(
        &customer,
        &credit,
        &documents,
        today,
        &settings.default_currency,
    ))
}

/// The language a document PDF is printed in, the order emails use: the reading contact's own
/// language, else the customer's, else the store's default language setting, else Spanish.
pub fn resolve_language(
    contact: Option<Language>,
    customer: Option<Language>,
    store_default: Option<Language>,
) -> Language {
    contact
        .or(customer)
        .or(store_default)
        .unwrap_or(Language::Es)
}

/// The customer (for its fiscal data on the PDF) and the language its documents are printed in
/// for the contact `contact_email` (`None` when staff act as the customer: the customer's
/// language). The store's settings are read only when neither has a stored language.
pub async fn customer_and_language(
    store: &Store,
    customer_id: &str,
    contact_email: Option<&str>,
) -> AppResult<(Customer, Language)> {
    /// The customer's language as stored: `Customer` defaults a missing one, which would hide
    /// the fall-back to the store's default.
    #[derive(serde::Deserialize)]
    struct StoredLanguage {
        #[serde(default)]
        language: Option<Language>,
    }
    let item = store
        .get_item(&keys::customer_pk(customer_id), keys::CUSTOMER_PROFILE_SK)
        .await?
        .ok_or(AppError::NotFound)?;
    let stored: StoredLanguage = store::from_item(item.clone())?;
    let customer: Customer = store::from_item(item)?;
    let contact_language = match contact_email {
        Some(email) => crate::customers::contacts::get(store, customer_id, email)
            .await?
            .and_then(|contact| contact.language),
        None => None,
    };
    let store_default = if contact_language.or(stored.language).is_none() {
        Some(crate::settings::load(store).await?.default_language)
    } else {
        None
    };
    let language = resolve_language(contact_language, stored.language, store_default);
    Ok((customer, language))
}

/// The customer's fiscal identity from its profile: legal name (or trade name), tax id and
/// billing address (or the default one).
pub fn customer_party(customer: &Customer) -> Party {
    let address = customer
        .addresses
        .iter()
        .find(|a| matches!(a.kind, AddressKind::Billing | AddressKind::Both))
        .or_else(|| customer.addresses.iter().find(|a| a.is_default))
        .map(|a| {
            let mut first = a.line1.as_str().to_string();
            if let Some(line2) = a.line2.as_deref().filter(|l| !l.is_empty()) {
                first = format!("{first}, {line2}");
            }
            let mut second = format!("{} {}", a.postal_code.as_str(), a.city.as_str());
            if let Some(state) = a.state.as_deref().filter(|s| !s.is_empty()) {
                second = format!("{second}, {state}");
            }
            format!("{first}\n{second}, {}", a.country.as_str())
        });
    Party {
        name: customer
            .legal_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| customer.name.as_str().to_string()),
        tax_id: customer.tax_id.as_str().to_string(),
        address,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contact_language_wins_then_the_customer_then_the_store() {
        use Language::*;
        assert_eq!(resolve_language(Some(Ro), Some(PtBr), Some(En)), Ro);
        assert_eq!(resolve_language(None, Some(PtBr), Some(En)), PtBr);
        assert_eq!(resolve_language(None, None, Some(En)), En);
        assert_eq!(resolve_language(None, None, None), Es);
    }
}
