//! The web UI next to the API, as CloudFront does in AWS: the built single-page app (`ui/dist`)
//! at `/`, every app path that is not a file answered with `index.html` (the app routes it),
//! while anything under `/v1` that no function serves keeps answering a problem+json 404, so an
//! API client never receives HTML.

use std::path::{Path, PathBuf};

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::header::{HeaderValue, CACHE_CONTROL};
use shared::AppError;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// Where the built UI is: `UI_DIST_DIR`, or the workspace's `ui/dist`.
pub fn dist_dir() -> PathBuf {
    match std::env::var("UI_DIST_DIR") {
        Ok(dir) if !dir.trim().is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist"),
    }
}

/// `api` with the UI in `dist` served for every path the API does not route.
pub fn with_ui(api: axum::Router, dist: &Path) -> axum::Router {
    // ServeDir refuses `..` and other escapes from `dist`; a path that is not a file falls back
    // to index.html with 200, so deep links (`/orders/…`) open the app.
    let spa = ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html")));
    api.fallback(move |req: Request| serve(spa.clone(), req))
}

type Spa = ServeDir<ServeFile>;

async fn serve(spa: Spa, req: Request) -> Response {
    let path = req.uri().path();
    if path == "/v1" || path.starts_with("/v1/") {
        return AppError::NotFound.into_response();
    }
    // Vite names the files under /assets/ by their content hash: cache them for good; anything
    // else (index.html above all) is revalidated so a rebuild shows at once.
    let cache = if path.starts_with("/assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut res = match spa.oneshot(req).await {
        Ok(res) => res.into_response(),
        Err(never) => match never {},
    };
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;

    fn fixture() -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("ui-dist-{}-{}", std::process::id(), uuid_like()));
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html><title>app</title>").unwrap();
        std::fs::write(dir.join("assets/app-abc.js"), "console.log(1)").unwrap();
        dir
    }

    fn uuid_like() -> u128 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    }

    async fn call(router: &axum::Router, path: &str) -> (u16, String, String, String) {
        let req = Request::builder()
            .uri(path)
            .body(axum::body::Body::empty())
            .unwrap();
        let res = router.clone().oneshot(req).await.unwrap();
        let status = res.status().as_u16();
        let header = |name| {
            res.headers()
                .get(name)
                .map(|v: &HeaderValue| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        let (ctype, cache) = (header("content-type"), header("cache-control"));
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            ctype,
            cache,
            String::from_utf8_lossy(&body).into_owned(),
        )
    }

    #[tokio::test]
    async fn the_app_is_served_with_deep_links_while_unknown_api_paths_stay_json_404() {
        let dist = fixture();
        let api = axum::Router::new().route("/v1/health", get(|| async { "ok" }));
        let router = with_ui(api, &dist);

        let (status, _, _, body) = call(&router, "/v1/health").await;
        assert_eq!(
            (status, body.as_str()),
            (200, "ok"),
            "the API still answers"
        );

        let (status, ctype, cache, body) = call(&router, "/").await;
        assert_eq!(status, 200);
        assert!(ctype.starts_with("text/html"), "{ctype}");
        assert_eq!(cache, "no-cache");
        assert!(body.contains("<title>app</title>"));

        for deep in ["/orders/01J0ABC", "/catalog?q=x", "/admin/customers/42"] {
            let (status, _, _, body) = call(&router, deep).await;
            assert_eq!(status, 200, "{deep}");
            assert!(body.contains("<title>app</title>"), "{deep} opens the app");
        }

        let (status, ctype, cache, body) = call(&router, "/assets/app-abc.js").await;
        assert_eq!((status, body.as_str()), (200, "console.log(1)"));
        assert!(ctype.contains("javascript"), "{ctype}");
        assert!(cache.contains("immutable"));

        for api_path in ["/v1/no-such-route", "/v1", "/v1/orders/x/y/z"] {
            let (status, ctype, _, body) = call(&router, api_path).await;
            assert_eq!(status, 404, "{api_path}");
            assert_eq!(ctype, "application/problem+json", "{api_path}");
            assert!(!body.contains("<title>"), "{api_path} is not the app");
        }

        // Nothing outside the folder is reachable.
        std::fs::write(dist.parent().unwrap().join("secret.txt"), "secret").ok();
        for escape in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/assets/..%2f..%2fsecret.txt",
        ] {
            let (_, _, _, body) = call(&router, escape).await;
            assert!(!body.contains("secret"), "{escape} escaped the folder");
        }
        std::fs::remove_dir_all(&dist).ok();
    }
}
