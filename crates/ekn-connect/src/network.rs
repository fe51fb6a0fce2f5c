//! How the connectors reach the network: which certificate authorities they trust and which proxy
//! they go through (the settings themselves are data in `domain::network`; this is what makes
//! them a rustls configuration and a reqwest proxy, and checks them). An office whose firewall inspects HTTPS re-signs every site with its own CA, and
//! a connector that only knows Mozilla's roots then fails every request with a TLS error; the
//! answer is to trust that CA too (an **extra bundle**, added to Mozilla's roots, never instead of
//! verification). A proxy is either the environment's (`HTTPS_PROXY`, `NO_PROXY`: the default),
//! none at all, or an address kept here — without a password, which has no place in the database
//! (a proxy that needs one is given through the environment).

pub use ekn_domain::network::{NetworkSettings, ProxySetting};

use super::tls::{self, TlsError};

/// The command-line options that change the settings, shared by `ekn connect network` and
/// `ekn-office connectors-network`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct NetworkFlags {
    /// A PEM file of extra CA certificates to trust beside Mozilla's roots.
    #[arg(long, value_name = "FILE", conflicts_with = "no_ca_bundle")]
    pub ca_bundle: Option<std::path::PathBuf>,
    /// Forget the extra CA bundle.
    #[arg(long)]
    pub no_ca_bundle: bool,
    /// Go through this proxy (http://host:port; a password goes in HTTPS_PROXY instead).
    #[arg(long, value_name = "URL", conflicts_with_all = ["direct", "proxy_from_env"])]
    pub proxy: Option<String>,
    /// Connect straight to the portals, whatever the environment says.
    #[arg(long, conflicts_with = "proxy_from_env")]
    pub direct: bool,
    /// Use HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment (the default).
    #[arg(long)]
    pub proxy_from_env: bool,
}

impl NetworkFlags {
    pub fn change_anything(&self) -> bool {
        self.ca_bundle.is_some() || self.no_ca_bundle || self.proxy.is_some() || self.direct || self.proxy_from_env
    }

    /// The settings with these options applied (the bundle read from its file; checked later).
    pub fn applied_to(&self, mut settings: NetworkSettings) -> Result<NetworkSettings, NetworkError> {
        if let Some(path) = &self.ca_bundle {
            let pem = ekn_disk::read_to_string(path).map_err(|e| NetworkError(format!("{}: {e}", path.display())))?;
            settings.ca_bundle = Some(pem);
        }
        if self.no_ca_bundle {
            settings.ca_bundle = None;
        }
        if let Some(url) = &self.proxy {
            settings.proxy = ProxySetting::Url(url.clone());
        } else if self.direct {
            settings.proxy = ProxySetting::Direct;
        } else if self.proxy_from_env {
            settings.proxy = ProxySetting::Environment;
        }
        Ok(settings)
    }
}

/// Why a setting was refused: what to fix, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NetworkError(pub String);

/// What the connectors make of the settings (the settings are the domain's data; a trait because
/// the type lives in `ekn-domain`, which knows nothing of rustls or reqwest).
pub trait NetworkSettingsExt {
    /// Checks the bundle and the proxy; returns the SHA-256 fingerprints of the bundle's
    /// certificates (what a person compares with the CA their office announced).
    fn check(&self) -> Result<Vec<String>, NetworkError>;
    /// The TLS configuration: Mozilla's roots, plus the bundle when there is one.
    fn tls_config(&self) -> Result<rustls::ClientConfig, NetworkError>;
    /// The proxy the connectors go through: `Some(None)` straight to the portal, `Some(proxy)`
    /// through one, `None` the environment's (reqwest reads `HTTPS_PROXY`/`NO_PROXY` itself).
    fn proxy(&self) -> Result<Option<Option<reqwest::Proxy>>, NetworkError>;
}

impl NetworkSettingsExt for NetworkSettings {
    fn check(&self) -> Result<Vec<String>, NetworkError> {
        if let ProxySetting::Url(url) = &self.proxy {
            check_proxy(url)?;
        }
        match &self.ca_bundle {
            Some(pem) => Ok(bundle_certificates(pem)?.iter().map(tls::fingerprint).collect()),
            None => Ok(Vec::new()),
        }
    }

    fn tls_config(&self) -> Result<rustls::ClientConfig, NetworkError> {
        let extra = match &self.ca_bundle {
            Some(pem) => bundle_certificates(pem)?,
            None => Vec::new(),
        };
        let roots = tls::roots_with(&extra).map_err(|e: TlsError| NetworkError(e.0))?;
        tls::verifying(roots).map_err(|e| NetworkError(e.0))
    }

    fn proxy(&self) -> Result<Option<Option<reqwest::Proxy>>, NetworkError> {
        match &self.proxy {
            ProxySetting::Environment => Ok(None),
            ProxySetting::Direct => Ok(Some(None)),
            ProxySetting::Url(url) => {
                check_proxy(url)?;
                reqwest::Proxy::all(url)
                    .map(|p| Some(Some(p)))
                    .map_err(|e| NetworkError(format!("the proxy '{url}': {e}")))
            }
        }
    }
}

/// A proxy address: http(s) or socks, a host, and no password (it would be kept in the clear).
fn check_proxy(url: &str) -> Result<(), NetworkError> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(NetworkError(format!("the proxy '{url}' is not an address like http://proxy.office:3128")));
    };
    if !matches!(scheme, "http" | "https" | "socks4" | "socks4a" | "socks5" | "socks5h") {
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
    reqwest::Proxy::all(url).map(|_| ()).map_err(|e| NetworkError(format!("the proxy '{url}': {e}")))
}

/// The certificates of a PEM bundle, each checked to be usable as a trust anchor. A private key
/// in it is refused (a CA bundle is public; a key there was pasted by mistake and must not be kept).
fn bundle_certificates(pem: &str) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, NetworkError> {
    let read = tls::read_pem(pem).map_err(|e| NetworkError(format!("the CA bundle is {}", e.0)))?;
    if read.has_private_key {
        return Err(NetworkError(
            "the CA bundle holds a private key: give only the CA's certificates (-----BEGIN CERTIFICATE-----)".into(),
        ));
    }
    for (n, der) in read.certificates.iter().enumerate() {
        webpki::anchor_from_trusted_cert(der).map_err(|e| {
            NetworkError(format!("certificate {} of the CA bundle cannot be trusted as a CA: {e:?}", n + 1))
        })?;
    }
    if read.certificates.is_empty() {
        return Err(NetworkError("the CA bundle holds no certificate (-----BEGIN CERTIFICATE-----)".into()));
    }
    Ok(read.certificates)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CA: &str = include_str!("../../../fixtures/tls/office-ca.pem");

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
        let key = include_str!("../../../fixtures/tls/portal.key");
        assert!(refuse(&format!("{CA}{key}")).contains("private key"));
        let broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(refuse(broken).contains("certificate 1"), "{}", refuse(broken));
    }

    #[test]
    fn the_office_adds_its_bundle_and_its_proxy_unless_the_workstation_chose_one() {
        let office =
            NetworkSettings { ca_bundle: Some(CA.into()), proxy: ProxySetting::Url("http://proxy.office:3128".into()) };
        let own = NetworkSettings::default();
        assert_eq!(own.with_office(&office), office);
        let own = NetworkSettings { ca_bundle: Some(CA.into()), proxy: ProxySetting::Direct };
        let both = own.with_office(&office);
        assert_eq!(both.proxy, ProxySetting::Direct);
        assert_eq!(both.check().unwrap().len(), 2, "both bundles are trusted");
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
