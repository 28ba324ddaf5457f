//! Functions read the secrets they need from Secrets Manager (moto here), once, and only those:
//! the session signing keys for the functions that verify sessions (read in the background from
//! the cold start on, awaited by the first request that needs them), the ERP keys for the
//! erp-sync function and its worker (at cold start). Without the secret variables (the dev
//! server) the keys come from `JWT_SECRET` and `ERP_API_KEY*`. One test: it sets process-wide
//! variables.

use serde_json::{json, Value};
use shared::auth::jwt::SigningKeys;
use shared::testing::TestEnv;

const K1: &str = "previous-key-0123456789abcdef0123456789";
const K2: &str = "current-key-0123456789abcdef0123456789a";

async fn secret(env: &TestEnv, name: &str, value: Value) -> String {
    aws_sdk_secretsmanager::Client::new(&env.sdk)
        .create_secret()
        .name(format!("{}-{name}", env.names.table))
        .secret_string(value.to_string())
        .send()
        .await
        .expect("moto serves Secrets Manager")
        .arn
        .expect("arn")
}

fn set(name: &str, value: &str) {
    // SAFETY: this binary's only test; nothing else reads the environment concurrently.
    unsafe { std::env::set_var(name, value) }
}

fn unset(name: &str) {
    // SAFETY: as in `set`.
    unsafe { std::env::remove_var(name) }
}

#[tokio::test]
async fn functions_read_their_secrets_at_cold_start() {
    let env = TestEnv::new().await;
    let session = secret(
        &env,
        "session",
        json!({"signing_kid": "k2", "k2": K2, "k1": K1}),
    )
    .await;
    let erp = secret(
        &env,
        "erp",
        json!({"inbound": "inbound-key-1", "outbound": "outbound-key-1"}),
    )
    .await;
    for (name, value) in [
        ("TABLE_NAME", env.names.table.as_str()),
        ("EVENT_BUS_NAME", env.names.bus.as_str()),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("JWT_KEYS_SECRET_ID", session.as_str()),
        ("ERP_KEYS_SECRET_ID", erp.as_str()),
        ("ERP_SYNC_QUEUE_URL", env.queues.erp_sync_queue_url.as_str()),
    ] {
        set(name, value);
    }
    for name in ["JWT_SECRET", "ERP_API_KEY", "ERP_API_KEY_OUT"] {
        unset(name);
    }

    // A token signed before the rotation (k1) still verifies; new tokens are signed with k2.
    let previous =
        SigningKeys::from_secret_json(&json!({"signing_kid": "k1", "k1": K1}).to_string()).unwrap();
    let old_token = previous.sign(&json!({"sub": "someone"}));
    let session_apps = [
        ("accounts", accounts::cold_start().await),
        ("catalog", catalog::cold_start().await),
        ("pricing", pricing::cold_start().await),
        ("orders", orders::cold_start().await),
        (
            "erp-sync",
            erp_sync::ErpSync::cold_start_http()
                .await
                .map(|s| s.ctx.app.clone()),
        ),
    ];
    for (function, app) in session_apps {
        let app = app.unwrap_or_else(|e| panic!("{function}: {e}"));
        // Read on first use, as that function's code (its IAM policy allows the read).
        let keys = shared::aws_ops::within(function, app.session_keys.get())
            .await
            .expect(function);
        assert_eq!(keys.signing_kid(), "k2", "{function}");
        assert!(keys.verify::<Value>(&old_token).is_some(), "{function}");
    }

    let http = erp_sync::ErpSync::cold_start_http().await.unwrap();
    let inbound = shared::aws_ops::within(
        "erp-sync",
        http.ctx.settings.inbound_key_matches(Some("inbound-key-1")),
    );
    assert!(inbound.await.unwrap());
    let worker = erp_sync::ErpSync::cold_start_worker().await.unwrap();
    let keys = shared::aws_ops::within("erp-sync-worker", worker.ctx.settings.erp_keys());
    assert_eq!(
        keys.await.unwrap().outbound.as_deref(),
        Some("outbound-key-1")
    );
    // The worker neither signs nor verifies sessions: it holds no signing key.
    assert!(worker.ctx.app.session_keys.get().await.is_err());
    let schedule = erp_sync::ErpSync::cold_start_schedule().await.unwrap();
    assert!(schedule.ctx.app.session_keys.get().await.is_err());
    assert_eq!(
        schedule.ctx.settings.erp_keys().await.unwrap().outbound,
        None
    );

    // A secret that cannot be read does not crash the cold start: requests that need no session
    // are served, one with a token is a 503 problem (and the next one reads again).
    set("JWT_KEYS_SECRET_ID", &format!("{session}-missing"));
    let missing = catalog::cold_start()
        .await
        .expect("the cold start does not wait for the keys");
    assert!(matches!(
        missing.session_keys.get().await,
        Err(shared::AppError::Unavailable(_))
    ));
    let router = catalog::router(missing);
    let health = shared::testing::call(&router, "GET", "/v1/catalog/items", None, None).await;
    assert_ne!(health.status, 503, "{:?}", health.json);
    let signed =
        shared::testing::call(&router, "GET", "/v1/catalog/items", Some(&old_token), None).await;
    assert_eq!(signed.status, 503, "{:?}", signed.json);
    assert_eq!(
        signed.content_type.as_deref(),
        Some("application/problem+json")
    );

    // Nor does an unreadable ERP secret: the ERP's calls get a 503 problem until it is read.
    set("ERP_KEYS_SECRET_ID", &format!("{erp}-missing"));
    let no_erp_keys = erp_sync::ErpSync::cold_start_http()
        .await
        .expect("the cold start does not wait for the ERP keys");
    let router = erp_sync::router_with(no_erp_keys);
    let refused = shared::testing::call_raw(
        &router,
        "POST",
        "/v1/erp/items",
        None,
        Some(b"{}".to_vec()),
        &[("x-api-key", "inbound-key-1")],
    )
    .await;
    assert_eq!(refused.status, 503, "{:?}", refused.json);

    // Locally (no secret variables) the environment's keys stay in force.
    unset("JWT_KEYS_SECRET_ID");
    unset("ERP_KEYS_SECRET_ID");
    let no_key = accounts::cold_start()
        .await
        .err()
        .expect("no key at all fails");
    assert!(no_key.contains("JWT_SECRET"), "{no_key}");
    set("JWT_SECRET", "a-local-secret-of-at-least-32-characters");
    set("ERP_API_KEY", "local-inbound");
    let local = accounts::cold_start().await.unwrap();
    assert_eq!(
        local.session_keys.get().await.unwrap().signing_kid(),
        "local"
    );
    let local_http = erp_sync::ErpSync::cold_start_http().await.unwrap();
    assert!(local_http
        .ctx
        .settings
        .inbound_key_matches(Some("local-inbound"))
        .await
        .unwrap());
}
