//! What the connectors' network is, as data: which proxy they go through and which extra
//! certificate authorities they trust beside Mozilla's roots. Kept as a workstation's setting and
//! handed out by an office with its pulls (`sync::OfficeNetwork`); checking a bundle and turning
//! the settings into a TLS configuration and a proxy is `connect::network`'s.

use serde::{Deserialize, Serialize};

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

impl NetworkSettings {
    /// What a workstation's connectors use when its office hands out settings too: both CA
    /// bundles are trusted; the workstation's own proxy wins when it chose one (a laptop away from
    /// the office), else the office's.
    pub fn with_office(&self, office: &NetworkSettings) -> NetworkSettings {
        let ca_bundle = match (&self.ca_bundle, &office.ca_bundle) {
            (Some(own), Some(office)) => Some(format!("{}\n{office}", own.trim_end())),
            (own, office) => own.clone().or_else(|| office.clone()),
        };
        let proxy = match self.proxy {
            ProxySetting::Environment => office.proxy.clone(),
            _ => self.proxy.clone(),
        };
        NetworkSettings { ca_bundle, proxy }
    }
}
