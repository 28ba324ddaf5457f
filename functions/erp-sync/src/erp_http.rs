//! The ERP's endpoint over HTTP (contract v1): `POST {base}/orders` and
//! `GET {base}/changes?since=`, with the portal's key in `X-Api-Key`.

use std::time::Duration;

use shared::sync::erp::{ChangesPage, ErpApi, ErpError, OrderAck, OrderEventMessage};

pub struct HttpErp {
    client: reqwest::Client,
    base_url: Option<String>,
    api_key: Option<String>,
}

impl HttpErp {
    pub fn new(base_url: Option<String>, api_key: Option<String>) -> Self {
        let client = reqwest::Client::builder()
            // An ERP that is down should fail fast: the message is retried later anyway.
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap_or_default();
        Self {
            client,
            base_url: base_url.map(|b| b.trim_end_matches('/').to_string()),
            api_key,
        }
    }

    fn url(&self, path: &str) -> Result<String, ErpError> {
        let base = self.base_url.as_deref().ok_or(ErpError::NotConfigured)?;
        Ok(format!("{base}{path}"))
    }

    fn with_key(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.api_key {
            Some(key) => request.header("X-Api-Key", key),
            None => request,
        }
    }
}

/// 2xx: the answer; 408, 429 and 5xx: unreachable (retry); other 4xx: refused.
async fn read<T: serde::de::DeserializeOwned>(
    response: Result<reqwest::Response, reqwest::Error>,
) -> Result<T, ErpError> {
    let response = response.map_err(|e| ErpError::Unreachable(e.to_string()))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| ErpError::Unreachable(e.to_string()))?;
    if status.is_success() {
        return serde_json::from_slice(&body).map_err(|e| ErpError::BadAnswer(e.to_string()));
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
            .client
            .post(self.url("/orders")?)
            .header("Idempotency-Key", &message.event_id)
            .json(message);
        read(self.with_key(request).send().await).await
    }

    async fn changes(&self, since: Option<&str>, limit: u32) -> Result<ChangesPage, ErpError> {
        let mut query = vec![("limit", limit.to_string())];
        if let Some(cursor) = since {
            query.push(("since", cursor.to_string()));
        }
        let request = self.client.get(self.url("/changes")?).query(&query);
        read(self.with_key(request).send().await).await
    }
}
