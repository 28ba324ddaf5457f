//! The SDK configuration every function, tool and test builds its AWS clients from, with the
//! one HTTPS client they all share.
//!
//! The SDK crates are built without their default features (see the workspace's Cargo.toml):
//! those would link two HTTP stacks and aws-lc, and read the host's certificate store at every
//! cold start (about 3 ms of a function's init). Here instead: hyper 1 and rustls with ring (the
//! stack the ERP client, reqwest, uses too), and Mozilla's root certificates compiled into the
//! binary (`webpki-root-certs`), handed to the client once per process.

use std::sync::OnceLock;

use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;

/// The HTTPS client (plain HTTP too, for the local stack), built once per process.
pub fn http_client() -> SharedHttpClient {
    static CLIENT: OnceLock<SharedHttpClient> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            let trust = TrustStore::empty()
                .with_native_roots(false)
                .with_pem_certificate(root_certificates_pem());
            let context = TlsContext::builder()
                .with_trust_store(trust)
                .build()
                .expect("a trust store of valid certificates");
            SharedHttpClient::new(ConnectOnFirstRequest(
                aws_smithy_http_client::Builder::new()
                    .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
                    .tls_context(context)
                    .build_https(),
            ))
        })
        .clone()
}

/// The SDK's HTTPS client, minus its check at client construction: there it builds a whole TLS
/// connector (parsing every root certificate) and throws it away, once for each SDK client a
/// cold start creates (DynamoDB, EventBridge, SQS...). The connector the first request builds
/// is the one kept (cached per settings), so that check only cost the cold start time.
#[derive(Debug)]
struct ConnectOnFirstRequest(SharedHttpClient);

impl HttpClient for ConnectOnFirstRequest {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.0.http_connector(settings, components)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

/// The SDK's defaults (credentials, region and endpoints from the standard environment), with
/// [`http_client`]; add settings before `.load()`.
///
/// Where the keys and the region are in the environment (Lambda sets both, as do the local
/// scripts) they are taken from there directly: the default chains would find them first anyway,
/// but building them costs a cold start an STS client (web identity) and the other providers.
pub fn defaults() -> aws_config::ConfigLoader {
    let mut loader =
        aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(http_client());
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("AWS_ACCESS_KEY_ID") && set("AWS_SECRET_ACCESS_KEY") {
        loader = loader.credentials_provider(
            aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
        );
    }
    if let Some(region) = std::env::var("AWS_REGION").ok().filter(|r| !r.is_empty()) {
        loader = loader.region(aws_config::Region::new(region));
    }
    loader
}

/// What `aws_config::load_from_env()` gives with the SDK's default features.
pub async fn load_from_env() -> aws_config::SdkConfig {
    defaults().load().await
}

/// Mozilla's root certificates as one PEM document: the SDK's trust store takes PEM only.
/// Encoding them costs well under a millisecond, once; reading the host's store cost more.
fn root_certificates_pem() -> Vec<u8> {
    use base64::Engine;
    let mut pem = String::with_capacity(256 * 1024);
    for cert in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        let b64 = base64::engine::general_purpose::STANDARD.encode(cert.as_ref());
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        for line in b64.as_bytes().chunks(64) {
            // base64 output is ASCII, so every chunk is valid UTF-8.
            pem.push_str(std::str::from_utf8(line).unwrap_or_default());
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
    }
    pem.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_certificates_round_trip_through_pem() {
        use rustls_pki_types::pem::PemObject;
        use rustls_pki_types::CertificateDer;
        let pem = root_certificates_pem();
        let parsed: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<_, _>>()
            .expect("valid PEM");
        assert_eq!(parsed.len(), webpki_root_certs::TLS_SERVER_ROOT_CERTS.len());
        assert!(parsed.len() > 100, "Mozilla's store has over 100 roots");
        assert_eq!(
            parsed[0].as_ref(),
            webpki_root_certs::TLS_SERVER_ROOT_CERTS[0].as_ref()
        );
    }
}
