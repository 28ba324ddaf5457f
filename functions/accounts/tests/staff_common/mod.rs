//! Fixtures for the staff-side tests (staff, impersonation, announcements, settings, me,
//! timeline): a fresh stack, staff users, customers and contacts written straight to the store,
//! session tokens, and the bad-input checks every write route must pass.
#![allow(dead_code)]

use axum::http::StatusCode;
use serde_json::Value;
use shared::auth::{Permissions, Principal, StaffRole};
use shared::customers::{
    AccessState, Contact, CreditSetting, Customer, CustomerStatus, PaymentTerms,
};
use shared::staff::{self, StaffUser};
use shared::store::{keys, Keys};
use shared::testing::{call, call_raw, TestEnv, TestResponse};
use shared::types::{Email, Language, Name, Tag};

pub struct Ctx {
    pub env: TestEnv,
    pub router: axum::Router,
}

pub async fn setup() -> Ctx {
    let env = TestEnv::new().await;
    let router = accounts::router(env.app());
    Ctx { env, router }
}

impl Ctx {
    pub fn secret(&self) -> &shared::auth::jwt::SigningKeys {
        &self.env.app.config.jwt_secret
    }

    /// A staff user (login invited, no password: no argon2 work in tests that do not log in).
    pub async fn staff(&self, email: &str, name: &str, role: StaffRole) -> (StaffUser, String) {
        let user = staff::create_staff_user(
            &self.env.app.store,
            Email::parse(email).unwrap(),
            Name::parse(name).unwrap(),
            role,
            None,
        )
        .await
        .unwrap();
        let token = Principal::staff(&user.id, user.name.as_str(), role, 60).token(self.secret());
        (user, token)
    }

    pub async fn admin(&self) -> (StaffUser, String) {
        self.staff("boss@seller.com", "Bea Boss", StaffRole::Admin)
            .await
    }

    pub async fn agent(&self, email: &str, name: &str) -> (StaffUser, String) {
        self.staff(email, name, StaffRole::Agent).await
    }

    /// An active customer with a credit setting, the given tags and agent.
    pub async fn customer(&self, name: &str, tags: &[&str], agent_id: Option<&str>) -> Customer {
        let id = shared::types::new_id();
        let mut customer = Customer::new(
            &id,
            CustomerStatus::Active,
            Name::parse(name).unwrap(),
            Name::parse("RFC123").unwrap(),
            Email::parse(format!(
                "main@{}.com",
                name.to_lowercase().replace(' ', "-")
            ))
            .unwrap(),
        );
        customer.tags = tags.iter().map(|t| Tag::parse(*t).unwrap()).collect();
        customer.agent_id = agent_id.map(str::to_string);
        customer.language = Language::Ro;
        customer.price_list_id = Some("pl-1".into());
        customer.warehouse_ids = vec!["wh-1".into(), "wh-2".into()];
        customer.default_warehouse_id = Some("wh-1".into());
        customer.shipping_method = Some("courier".into());
        customer.credit = Some(CreditSetting {
            terms: PaymentTerms::Credit,
            credit_days: 30,
            limit: rust_decimal::Decimal::new(5000000, 2),
            currency: "MXN".into(),
        });
        self.env
            .app
            .store
            .put(
                &Keys::new(keys::customer_pk(&id), keys::CUSTOMER_PROFILE_SK),
                &customer,
            )
            .await
            .unwrap();
        customer
    }

    pub async fn contact(
        &self,
        customer: &Customer,
        email: &str,
        language: Option<Language>,
    ) -> Contact {
        let mut contact = Contact::new(
            &customer.id,
            Email::parse(email).unwrap(),
            Name::parse("Ana Contact").unwrap(),
        );
        contact.language = language;
        // Its session ([`Ctx::contact_token`]) is checked against an active access.
        contact.access = AccessState::Active;
        self.env
            .app
            .store
            .put(
                &Keys::new(keys::customer_pk(&customer.id), keys::contact_sk(email)),
                &contact,
            )
            .await
            .unwrap();
        contact
    }

    pub fn contact_token(&self, contact: &Contact) -> String {
        Principal::contact(
            contact.email.as_str(),
            contact.name.as_str(),
            &contact.customer_id,
            Permissions::all(),
            60,
        )
        .token(self.secret())
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> TestResponse {
        call(&self.router, method, path, token, body).await
    }

    pub async fn call_raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &[u8],
    ) -> TestResponse {
        call_raw(&self.router, method, path, token, Some(body.to_vec()), &[]).await
    }

    /// Every message on the email queue right now, as EventBridge envelopes.
    pub async fn email_queue_messages(&self) -> Vec<Value> {
        let sqs = aws_sdk_sqs::Client::new(&self.env.sdk);
        let mut all = Vec::new();
        loop {
            let out = sqs
                .receive_message()
                .queue_url(&self.env.queues.email_queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .send()
                .await
                .unwrap();
            if out.messages().is_empty() {
                return all;
            }
            for m in out.messages() {
                all.push(serde_json::from_str(m.body().unwrap()).unwrap());
            }
        }
    }
}

/// A problem+json answer with `status`, naming `field` among its errors.
#[track_caller]
pub fn assert_problem(res: &TestResponse, status: StatusCode, field: &str) {
    assert_eq!(res.status, status, "{}", res.json);
    assert_eq!(
        res.content_type.as_deref(),
        Some("application/problem+json"),
        "{}",
        res.json
    );
    let fields: Vec<&str> = res.json["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        fields.contains(&field),
        "expected field {field} in {}",
        res.json
    );
}

/// The bad-input checks every write route passes: malformed JSON, a JSON array, an oversized
/// body, and each `(body, field)` case (missing, wrong type, invalid value) answered 422 naming
/// the field.
pub async fn assert_rejects_bad_input(
    ctx: &Ctx,
    method: &str,
    path: &str,
    token: &str,
    invalid: &[(Value, &str)],
) {
    let res = ctx.call_raw(method, path, Some(token), b"{not json").await;
    assert_problem(&res, StatusCode::BAD_REQUEST, "body");
    let res = ctx.call_raw(method, path, Some(token), b"[1, 2]").await;
    assert_problem(&res, StatusCode::BAD_REQUEST, "body");
    let huge = format!(
        "{{\"name\": \"{}\"}}",
        "x".repeat(shared::http::MAX_JSON_BODY + 10)
    );
    let res = ctx
        .call_raw(method, path, Some(token), huge.as_bytes())
        .await;
    assert_problem(&res, StatusCode::PAYLOAD_TOO_LARGE, "body");
    for (body, field) in invalid {
        let res = ctx
            .call(method, path, Some(token), Some(body.clone()))
            .await;
        assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY, field);
    }
}
