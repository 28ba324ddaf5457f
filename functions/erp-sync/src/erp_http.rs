//! The ERP's endpoint over HTTP (contract v1): `POST {base}/orders` and
//! `GET {base}/changes?since=`, with the portal's key in `X-Api-Key`.
//!
//! The key must only ever reach the configured ERP: the endpoint must be `https://` (plain
//! `http://` only to this machine, for the local simulator), and redirects are not followed
//! (a redirect would carry the key to wherever the answer points).

use std::sync::OnceLock;
use std::time::Duration;

use shared::sync::erp::{ChangesPage, ErpApi, ErpError, OrderAck, OrderEventMessage};

pub struct HttpErp {
    /// Built on first use: most invocations of the HTTP function never call the ERP, and its
    /// TLS set-up has no place in the cold start.
    client: OnceLock<reqwest::Client>,
    /// The checked endpoint, or why it is refused.
    base_url: Option<Result<String, String>>,
    api_key: Option<String>,
    /// In AWS the key comes from the ERP keys' secret instead, read on first use.
    key_secret: Option<shared::secrets::ErpKeysSecret>,
}

/// The ERP endpoint as the portal may call it: an absolute `https://` URL, or `http://` to a
/// loopback host (`localhost`, `127.0.0.0/8`, `::1`). Returned without a trailing `/`.
pub fn check_base_url(raw: &str) -> Result<String, String> {
    let url = reqwest::Url::parse(raw.trim()).map_err(|e| format!("not a URL ({e})"))?;
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or("has no host")?;
    let loopback = match host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
    {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(
                "must be https:// (plain http:// would send the API key in clear text; it is only allowed to this machine)"
                    .into(),
            )
        }
        other => return Err(format!("must be https://, not {other}://")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials; the key goes in ERP_API_KEY_OUT".into());
    }
    Ok(raw.trim().trim_end_matches('/').to_string())
}

impl HttpErp {
    pub fn new(base_url: Option<String>, api_key: Option<String>) -> Self {
        let base_url = base_url.map(|raw| {
            let checked = check_base_url(&raw);
            if let Err(reason) = &checked {
                tracing::error!(%reason, "ERP_BASE_URL refused; nothing is sent to the ERP");
            }
            checked
        });
        Self {
            client: OnceLock::new(),
            base_url,
            api_key,
            key_secret: None,
        }
    }

    /// Sends the outbound key of the ERP keys' secret (when there is one) instead.
    pub fn with_key_secret(mut self, secret: Option<shared::secrets::ErpKeysSecret>) -> Self {
        self.key_secret = secret;
        self
    }

    fn client(&self) -> &reqwest::Client {
        self.client.get_or_init(|| {
            reqwest::Client::builder()
                // An ERP that is down should fail fast: the message is retried later anyway.
                .connect_timeout(Duration::from_secs(3))
                .timeout(Duration::from_secs(20))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default()
        })
    }

    fn url(&self, path: &str) -> Result<String, ErpError> {
        match &self.base_url {
            None => Err(ErpError::NotConfigured),
            Some(Err(reason)) => Err(ErpError::Misconfigured(reason.clone())),
            Some(Ok(base)) => Ok(format!("{base}{path}")),
        }
    }

    /// The request with the key the portal presents. A secret that cannot be read now is an
    /// unreachable ERP: the message waits and is tried again.
    async fn with_key(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, ErpError> {
        let key = match &self.key_secret {
            Some(secret) => secret
                .get()
                .await
                .map_err(ErpError::Unreachable)?
                .outbound
                .clone(),
            None => self.api_key.clone(),
        };
        Ok(match key {
            Some(key) => request.header("X-Api-Key", key),
            None => request,
        })
    }
}

/// 2xx: the answer; 408, 429 and 5xx: unreachable (retry); other 4xx: refused.
async fn read<T: serde::de::DeserializeOwned>(
    response: Result<reqwest::Response, reqwest::Error>,
) -> Result<T, ErpError> {
    let response = response.map_err(|e| ErpError::Unreachable(e.to_string()))?;
    let status = response.status();
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(200).collect::<String>());
    let body = response
        .bytes()
        .await
        .map_err(|e| ErpError::Unreachable(e.to_string()))?;
    if status.is_success() {
        return serde_json::from_slice(&body).map_err(|e| ErpError::BadAnswer(e.to_string()));
    }
    if status.is_redirection() {
        // Not followed: it would carry the API key to another address.
        return Err(ErpError::Rejected {
            status: status.as_u16(),
            message: format!(
                "the ERP answered a redirect (to {}), which the portal does not follow; set ERP_BASE_URL to the final address",
                location.as_deref().unwrap_or("nowhere")
            ),
        });
    }
    let message: String = String::from_utf8_lossy(&body).chars().take(500).collect();
    if status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429 {
        Err(ErpError::Unreachable(format!("{status}: {message}")))
    } else {
        Err(ErpError::Rejected {
            status: status.as_u16(),
            message,
        })
    }
}

impl ErpApi for HttpErp {
    async fn send_order_event(&self, message: &OrderEventMessage) -> Result<OrderAck, ErpError> {
        let request = self
            .client()
            .post(self.url("/orders")?)
            .header("Idempotency-Key", &message.event_id)
            .json(message);
        read(self.with_key(request).await?.send().await).await
    }

    async fn changes(&self, since: Option<&str>, limit: u32) -> Result<ChangesPage, ErpError> {
        let mut query = vec![("limit", limit.to_string())];
        if let Some(cursor) = since {
            query.push(("since", cursor.to_string()));
        }
        let request = self.client().get(self.url("/changes")?).query(&query);
        read(self.with_key(request).await?.send().await).await
    }
}
