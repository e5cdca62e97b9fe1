//! The error type of layer generation.

use std::path::PathBuf;

use crate::LayerKind;

/// Everything that can go wrong while generating or writing per-object layers.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The object is not a mitigation, group, software, campaign or asset.
    #[error("{id} is a {found}; attack.mitre.org publishes layers only for mitigations, groups, software, campaigns and assets")]
    NotGeneratable {
        /// ATT&CK ID (or STIX id) of the object.
        id: String,
        /// What the object is (`technique`, `tactic`, …).
        found: String,
    },
    /// The object is of another kind than the one asked for.
    #[error("{id} is a {found}, not a {expected}; try `navlayer generate {suggested} {id}`")]
    WrongKind {
        /// ATT&CK ID of the object.
        id: String,
        /// The kind asked for.
        expected: LayerKind,
        /// What the object is.
        found: String,
        /// The generate sub-command that fits the object, if any.
        suggested: String,
    },
    /// The object has no ATT&CK ID, so the website has no page (and no layer) for it.
    #[error("{stix_id} has no ATT&CK ID; attack.mitre.org publishes no layer for it")]
    NoAttackId {
        /// STIX id of the object.
        stix_id: String,
    },
    /// The object is revoked: the website has no layer for it.
    #[error("{id} ({name}) is revoked{replacement}; attack.mitre.org publishes no layer for it")]
    Revoked {
        /// ATT&CK ID of the object.
        id: String,
        /// Name of the object.
        name: String,
        /// ` by X` when the replacement is known.
        replacement: String,
    },
    /// The object is used in (or mitigates, targets) no technique of the domain: the website
    /// publishes no layer for it.
    #[error("{id} ({name}): no {domain} technique is {verb} it in ATT&CK {release}, so there is no layer (attack.mitre.org publishes none)")]
    NoTechniques {
        /// ATT&CK ID of the object.
        id: String,
        /// Name of the object.
        name: String,
        /// `mitigated by`, `used by` or `targeted by`.
        verb: &'static str,
        /// Domain display name (`Enterprise`, `Mobile`, `ICS`).
        domain: &'static str,
        /// Release of the catalogue.
        release: String,
    },
    /// A sub-technique's parent technique is not in the bundle (malformed data; the website's
    /// build fails on it).
    #[error(
        "sub-technique {technique} used by {id} has no parent technique {parent} in the bundle"
    )]
    MissingParent {
        /// The object whose layer was being built.
        id: String,
        /// The sub-technique.
        technique: String,
        /// The parent ATT&CK ID that was looked up.
        parent: String,
    },
    /// An output file exists and overwriting was not allowed.
    #[error("{} already exists; pass --force to overwrite it", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// Writing an output file failed.
    #[error("writing {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl GenerateError {
    /// True for the "nothing to generate" case (an object used in no technique of the domain).
    pub fn is_no_techniques(&self) -> bool {
        matches!(self, GenerateError::NoTechniques { .. })
    }
}
