//! The error type of this crate.

use navlayer_attack::{Domain, Release};

/// Everything that can stop a migration or a release diff.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The layer's domain is not an ATT&CK domain the catalogues can serve.
    #[error("layer {layer:?}: domain {domain:?} is not an ATT&CK domain (expected enterprise-attack, mobile-attack or ics-attack)")]
    UnknownDomain {
        /// The layer name.
        layer: String,
        /// The domain the layer names.
        domain: String,
    },
    /// The layer's domain differs from the catalogues' domain.
    #[error("layer {layer:?} is a {layer_domain} layer but the ATT&CK data given is {data_domain} (hint: load the {layer_domain} releases)")]
    DomainMismatch {
        /// The layer name.
        layer: String,
        /// The layer's domain.
        layer_domain: Domain,
        /// The catalogues' domain.
        data_domain: Domain,
    },
    /// The two catalogues are of different domains.
    #[error("cannot compare {from_domain} {from} with {to_domain} {to}: the releases must be of one domain")]
    MixedDomains {
        /// Source release.
        from: Release,
        /// Its domain.
        from_domain: Domain,
        /// Target release.
        to: Release,
        /// Its domain.
        to_domain: Domain,
    },
    /// A changelog was asked for no pair of releases.
    #[error("no pair of releases to compare")]
    NoReleasePair,
    /// A report or layer could not be serialized.
    #[error("cannot serialize the {what}: {source}")]
    Serialize {
        /// What was being written.
        what: &'static str,
        /// The serde error.
        #[source]
        source: serde_json::Error,
    },
}
