//! The portal's ERP client keeps its API key to the configured ERP: it refuses plain `http://`
//! to another machine (the local simulator on loopback still works) and never follows a redirect.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use erp_sync::erp_http::{check_base_url, HttpErp};
use shared::sync::erp::{ErpApi, ErpError};

/// Serves `router` on an ephemeral loopback port; returns its base URL.
async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn redirects_are_not_followed_with_the_key() {
    // Where a hijacked or misconfigured ERP would send the portal: it counts keyed requests.
    let keyed = Arc::new(AtomicUsize::new(0));
    let seen = keyed.clone();
    let elsewhere = serve(axum::Router::new().fallback(move |headers: HeaderMap| {
        let seen = seen.clone();
        async move {
            if headers.contains_key("x-api-key") {
                seen.fetch_add(1, Ordering::SeqCst);
            }
            "{}"
        }
    }))
    .await;
    let target = format!("{elsewhere}/changes");
    let erp = serve(axum::Router::new().fallback(move || {
        let target = target.clone();
        async move { (StatusCode::TEMPORARY_REDIRECT, [("location", target)], "") }
    }))
    .await;

    let client = HttpErp::new(Some(erp), Some("the-portal-key".into()));
    match client.changes(None, 10).await {
        Err(ErpError::Rejected { status, message }) => {
            assert_eq!(status, 307);
            assert!(message.contains("redirect"), "{message}");
        }
        other => panic!("a redirect must be refused, got {other:?}"),
    }
    assert_eq!(keyed.load(Ordering::SeqCst), 0, "the key went elsewhere");
}

#[tokio::test]
async fn plain_http_is_refused_except_to_this_machine() {
    for refused in [
        "http://erp.example.com/api",
        "http://10.0.0.5:8080",
        "ftp://erp.example.com",
        "https://user:pw@erp.example.com",
        "not a url",
    ] {
        assert!(check_base_url(refused).is_err(), "{refused}");
        let client = HttpErp::new(Some(refused.into()), Some("k".into()));
        assert!(
            matches!(
                client.changes(None, 1).await,
                Err(ErpError::Misconfigured(_))
            ),
            "{refused} must not be called"
        );
    }
    for allowed in [
        "https://erp.example.com/api/",
        "http://127.0.0.1:4000",
        "http://localhost:4000",
        "http://[::1]:4000",
    ] {
        assert_eq!(
            check_base_url(allowed).as_deref(),
            Ok(allowed.trim_end_matches('/')),
            "{allowed}"
        );
    }
}
