//! How ЭКН's HTTP client trusts a server, as rustls configurations (ring, the provider the office
//! server uses too) handed to reqwest: Mozilla's roots plus an extra bundle (an office's
//! HTTPS-inspecting firewall, a national CA); one CA alone (an office behind its own CA, given at
//! joining); or one certificate pinned by its SHA-256 (an office whose certificate a person
//! confirmed at joining). Verification is never turned off: a pin still checks that the server
//! holds the pinned certificate's key.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use ekn_domain::digest::sha256_hex;

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Why a configuration could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TlsError(pub String);

/// What a PEM text holds: certificates, and whether a private key was among them.
pub struct Pem {
    pub certificates: Vec<CertificateDer<'static>>,
    pub has_private_key: bool,
}

/// Reads the certificates of a PEM text (anything else in it is noted, not kept).
pub fn read_pem(pem: &str) -> Result<Pem, TlsError> {
    use rustls::pki_types::pem::SectionKind;
    let mut certificates = Vec::new();
    let mut has_private_key = false;
    for item in <(SectionKind, Vec<u8>)>::pem_slice_iter(pem.as_bytes()) {
        match item {
            Ok((SectionKind::Certificate, der)) => certificates.push(CertificateDer::from(der)),
            Ok((SectionKind::PrivateKey | SectionKind::RsaPrivateKey | SectionKind::EcPrivateKey, _)) => {
                has_private_key = true
            }
            Ok(_) => {}
            Err(e) => return Err(TlsError(format!("not PEM: {e}"))),
        }
    }
    Ok(Pem { certificates, has_private_key })
}

/// A certificate's SHA-256 fingerprint (of its DER), as a person compares it with what an
/// administrator announced.
pub fn fingerprint(certificate: &CertificateDer<'_>) -> String {
    sha256_hex(certificate.as_ref())
}

/// Mozilla's roots plus `extra` (each checked to be usable as a trust anchor by the caller).
pub fn roots_with(extra: &[CertificateDer<'static>]) -> Result<RootCertStore, TlsError> {
    let mut roots = RootCertStore::empty();
    for der in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        // Mozilla's own roots are anchors by construction; one the parser refuses is skipped.
        let _ = roots.add(der.clone());
    }
    for der in extra {
        roots.add(der.clone()).map_err(|e| TlsError(format!("a certificate cannot be trusted as a CA: {e}")))?;
    }
    Ok(roots)
}

/// Only `cas` (an office's own CA given at joining).
pub fn roots_only(cas: &[CertificateDer<'static>]) -> Result<RootCertStore, TlsError> {
    let mut roots = RootCertStore::empty();
    for der in cas {
        roots.add(der.clone()).map_err(|e| TlsError(format!("the CA certificate cannot be trusted: {e}")))?;
    }
    if roots.is_empty() {
        return Err(TlsError("no CA certificate to trust".into()));
    }
    Ok(roots)
}

/// A blocking HTTP client builder that trusts Mozilla's roots, with ring as the TLS provider (the
/// product's clients add their own trust; this is for a plain HTTPS or loopback request).
pub fn client_builder() -> reqwest::blocking::ClientBuilder {
    let config = verifying(roots_with(&[]).expect("Mozilla's roots are trust anchors"))
        .expect("ring offers the default protocol versions");
    reqwest::blocking::Client::builder().tls_backend_preconfigured(config)
}

/// A client configuration verifying servers against `roots` (chain and host name).
pub fn verifying(roots: RootCertStore) -> Result<ClientConfig, TlsError> {
    Ok(ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// A client configuration that accepts exactly the certificate whose SHA-256 is `pin` (hex), and
/// checks that the server proves it holds that certificate's key.
pub fn pinned(pin: &str) -> Result<ClientConfig, TlsError> {
    let pin = pin.trim().to_ascii_lowercase().replace(':', "");
    if pin.len() != 64 || !pin.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(TlsError("a certificate's fingerprint is its SHA-256: 64 hex digits".into()));
    }
    let verifier = Arc::new(Pinned { pin, provider: provider() });
    Ok(ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// Accepts the one certificate whose fingerprint was confirmed, and no other.
#[derive(Debug)]
struct Pinned {
    pin: String,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if fingerprint(end_entity) == self.pin {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(format!(
                "the office presented a certificate with fingerprint {}, not the one confirmed at joining ({})",
                fingerprint(end_entity),
                self.pin
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// The rustls error inside an HTTP error, in words, if there is one. The error may be wrapped
/// in I/O errors on the way up, each of which hides what it wraps from `source()`, so those are
/// looked into too.
pub fn tls_reason(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    find_rustls(error, 0).map(|e| e.to_string())
}

fn find_rustls<'a>(error: &'a (dyn std::error::Error + 'static), depth: usize) -> Option<&'a rustls::Error> {
    if depth > 16 {
        return None;
    }
    if let Some(tls) = error.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    if let Some(inner) = error.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
        if let Some(tls) = find_rustls(inner, depth + 1) {
            return Some(tls);
        }
    }
    error.source().and_then(|source| find_rustls(source, depth + 1))
}
