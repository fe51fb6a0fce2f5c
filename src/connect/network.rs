//! How the connectors reach the network: which certificate authorities they trust and which proxy
//! they go through. An office whose firewall inspects HTTPS re-signs every site with its own CA, and
//! a connector that only knows Mozilla's roots then fails every request with a TLS error; the
//! answer is to trust that CA too (an **extra bundle**, added to Mozilla's roots, never instead of
//! verification). A proxy is either the environment's (`HTTPS_PROXY`, `NO_PROXY`: the default),
//! none at all, or an address kept here — without a password, which has no place in the database
//! (a proxy that needs one is given through the environment).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};

/// Which proxy the connectors use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case", tag = "mode", content = "url")]
pub enum ProxySetting {
    /// `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` and `NO_PROXY`, as other tools read them.
    #[default]
    Environment,
    /// Straight to the portal, whatever the environment says.
    Direct,
    /// This proxy (`http://host:port`, no password).
    Url(String),
}

/// The connectors' network settings as kept (setting `connectors.network`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NetworkSettings {
    /// Extra certificate authorities in PEM, trusted beside Mozilla's roots.
    #[serde(default)]
    pub ca_bundle: Option<String>,
    #[serde(default)]
    pub proxy: ProxySetting,
}

/// Why a setting was refused: what to fix, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NetworkError(pub String);

impl NetworkSettings {
    /// Checks the bundle and the proxy; returns the SHA-256 fingerprints of the bundle's
    /// certificates (what a person compares with the CA their office announced).
    pub fn check(&self) -> Result<Vec<String>, NetworkError> {
        if let ProxySetting::Url(url) = &self.proxy {
            check_proxy(url)?;
        }
        match &self.ca_bundle {
            Some(pem) => Ok(bundle_certificates(pem)?.iter().map(|c| crate::api::sha256_hex(c.der())).collect()),
            None => Ok(Vec::new()),
        }
    }

    /// The TLS configuration: Mozilla's roots, plus the bundle when there is one.
    pub fn tls_config(&self) -> Result<TlsConfig, NetworkError> {
        let Some(pem) = &self.ca_bundle else {
            return Ok(TlsConfig::builder().build());
        };
        let mut roots: Vec<Certificate<'static>> =
            webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().map(|c| Certificate::from_der(c.as_ref())).collect();
        roots.extend(bundle_certificates(pem)?);
        Ok(TlsConfig::builder().root_certs(RootCerts::Specific(Arc::new(roots))).build())
    }

    /// The proxy ureq goes through, or `None` for a direct connection.
    pub fn ureq_proxy(&self) -> Result<Option<ureq::Proxy>, NetworkError> {
        match &self.proxy {
            ProxySetting::Environment => Ok(ureq::Proxy::try_from_env()),
            ProxySetting::Direct => Ok(None),
            ProxySetting::Url(url) => {
                check_proxy(url)?;
                ureq::Proxy::new(url).map(Some).map_err(|e| NetworkError(format!("the proxy '{url}': {e}")))
            }
        }
    }
}

/// A proxy address: http(s) or socks, a host, and no password (it would be kept in the clear).
fn check_proxy(url: &str) -> Result<(), NetworkError> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(NetworkError(format!("the proxy '{url}' is not an address like http://proxy.office:3128")));
    };
    if !matches!(scheme, "http" | "https" | "socks4" | "socks4a" | "socks5") {
        return Err(NetworkError(format!("the proxy's scheme '{scheme}': http, https, socks4, socks4a or socks5")));
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return Err(NetworkError(
            "a proxy's user and password are not kept in the database: put the address with them in HTTPS_PROXY \
             and choose the environment's proxy"
                .into(),
        ));
    }
    if authority.is_empty() {
        return Err(NetworkError(format!("the proxy '{url}' names no host")));
    }
    ureq::Proxy::new(url).map(|_| ()).map_err(|e| NetworkError(format!("the proxy '{url}': {e}")))
}

/// The certificates of a PEM bundle, each checked to be usable as a trust anchor. A private key
/// in it is refused (a CA bundle is public; a key there was pasted by mistake and must not be kept).
fn bundle_certificates(pem: &str) -> Result<Vec<Certificate<'static>>, NetworkError> {
    let mut certificates = Vec::new();
    for (n, item) in ureq::tls::parse_pem(pem.as_bytes()).enumerate() {
        match item {
            Ok(PemItem::Certificate(cert)) => {
                let der = rustls_pki_types::CertificateDer::from(cert.der());
                webpki::anchor_from_trusted_cert(&der).map_err(|e| {
                    NetworkError(format!("certificate {} of the CA bundle cannot be trusted as a CA: {e:?}", n + 1))
                })?;
                certificates.push(cert.to_owned());
            }
            Ok(PemItem::PrivateKey(_)) => {
                return Err(NetworkError(
                    "the CA bundle holds a private key: give only the CA's certificates (-----BEGIN CERTIFICATE-----)"
                        .into(),
                ))
            }
            Ok(_) => {}
            Err(e) => return Err(NetworkError(format!("the CA bundle is not PEM: {e}"))),
        }
    }
    if certificates.is_empty() {
        return Err(NetworkError("the CA bundle holds no certificate (-----BEGIN CERTIFICATE-----)".into()));
    }
    Ok(certificates)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CA: &str = include_str!("../../fixtures/tls/office-ca.pem");

    #[test]
    fn a_bundle_is_checked_and_fingerprinted() {
        let settings = NetworkSettings { ca_bundle: Some(CA.into()), proxy: ProxySetting::Environment };
        let fingerprints = settings.check().unwrap();
        assert_eq!(fingerprints.len(), 1);
        assert_eq!(fingerprints[0].len(), 64);
        assert!(settings.tls_config().is_ok());

        let refuse =
            |pem: &str| NetworkSettings { ca_bundle: Some(pem.into()), ..Default::default() }.check().unwrap_err().0;
        assert!(refuse("hello").contains("no certificate"), "{}", refuse("hello"));
        let key = include_str!("../../fixtures/tls/portal.key");
        assert!(refuse(&format!("{CA}{key}")).contains("private key"));
        let broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(refuse(broken).contains("certificate 1"), "{}", refuse(broken));
    }

    #[test]
    fn a_proxy_is_an_address_without_a_password() {
        let with = |url: &str| NetworkSettings { ca_bundle: None, proxy: ProxySetting::Url(url.into()) }.check();
        assert!(with("http://proxy.office:3128").is_ok());
        assert!(with("socks5://10.0.0.1:1080").is_ok());
        assert!(with("http://user:secret@proxy.office:3128").unwrap_err().0.contains("HTTPS_PROXY"));
        assert!(with("ftp://proxy.office").unwrap_err().0.contains("scheme"));
        assert!(with("proxy.office:3128").is_err());
        assert!(with("http://").is_err());
    }
}
