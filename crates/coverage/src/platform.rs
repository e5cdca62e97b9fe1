//! Platforms: the formats' own names (`linux`, `iaas:aws`, Sigma's `product: aws`) and ATT&CK's
//! (`Linux`, `IaaS`), and the `--platform` filter over both.
//!
//! A platform the user names is either one of the release's ATT&CK platforms (read from the
//! data), which an item matches when one of its own platforms stands for it (`iaas:aws` stands
//! for `IaaS`); or one of the formats' own names, which an item matches when it names that
//! platform or a sub-platform of it (`iaas` matches `iaas:aws`). Items that name no platform
//! (control mappings, lists, STIX reports, Sigma rules without a `product`) are kept for the
//! techniques that ATT&CK lists on the platform.

use std::collections::BTreeSet;

use navlayer_attack::{AttackObject, Catalogue};

use crate::CoverageError;

/// The ATT&CK platform names a format's platform name stands for, newest spelling first
/// (releases renamed some: `Office 365` and `Google Workspace` became `Office Suite`, `Azure AD`
/// became `Identity Provider`). The first one the release has is used.
pub(crate) fn attack_names(native: &str) -> &'static [&'static str] {
    let n = native.trim().to_ascii_lowercase();
    let base = n.split(':').next().unwrap_or("");
    match base {
        "windows" | "win" => &["Windows"],
        "linux" => &["Linux"],
        "macos" | "osx" | "mac" | "macosx" => &["macOS"],
        "esxi" | "vmware" => &["ESXi"],
        "iaas" | "aws" | "azure" | "gcp" | "cloud" | "google-cloud" | "oci" => &["IaaS"],
        "containers" | "container" | "kubernetes" | "docker" | "k8s" => &["Containers"],
        "office-365" | "office365" | "m365" | "o365" | "microsoft365" => {
            &["Office Suite", "Office 365"]
        }
        "google-workspace" | "google_workspace" | "gworkspace" | "gsuite" => {
            &["Office Suite", "Google Workspace"]
        }
        "azure-ad" | "azuread" | "entra" | "entra-id" | "okta" | "onelogin" | "pingid"
        | "identity" | "identity-provider" => &["Identity Provider", "Azure AD"],
        "saas" | "github" | "gitlab" | "bitbucket" | "slack" | "zoom" | "salesforce"
        | "circleci" => &["SaaS"],
        "network" | "network-devices" | "cisco" | "juniper" | "huawei" | "fortios"
        | "fortigate" | "paloalto" | "palo-alto" | "zeek" | "bro" | "suricata" => {
            &["Network Devices", "Network"]
        }
        "pre" => &["PRE"],
        _ => &[],
    }
}

/// One platform the user asked for.
#[derive(Debug, Clone)]
struct Wanted {
    /// As written, lower-cased.
    text: String,
    /// True when it is an ATT&CK platform of the release (else a format's own name).
    is_attack: bool,
    /// The ATT&CK platforms (release spelling) it stands for.
    attack: Vec<String>,
}

/// The `--platform` filter of a run.
#[derive(Debug, Clone)]
pub(crate) struct PlatformFilter {
    wanted: Vec<Wanted>,
}

impl PlatformFilter {
    /// Resolves the user's platforms against the release and the platforms the items name.
    /// `None` when no platform is asked for.
    pub fn new(
        asked: &[String],
        catalogue: &Catalogue,
        seen: &BTreeSet<String>,
    ) -> Result<Option<PlatformFilter>, CoverageError> {
        if asked.is_empty() {
            return Ok(None);
        }
        let available = catalogue.platforms();
        let in_release = |name: &str| {
            available
                .iter()
                .find(|a| a.eq_ignore_ascii_case(name))
                .cloned()
        };
        let mut wanted = Vec::new();
        for p in asked {
            let text = p.trim().to_ascii_lowercase();
            if let Some(a) = in_release(&text) {
                wanted.push(Wanted {
                    text,
                    is_attack: true,
                    attack: vec![a],
                });
                continue;
            }
            let attack: Vec<String> = attack_names(&text)
                .iter()
                .find_map(|n| in_release(n))
                .into_iter()
                .collect();
            let named = seen
                .iter()
                .any(|s| s == &text || s.starts_with(&format!("{text}:")));
            if attack.is_empty() && !named {
                let mut all: Vec<String> = available.clone();
                all.extend(seen.iter().cloned());
                return Err(CoverageError::UnknownPlatform {
                    platform: p.clone(),
                    domain: catalogue.domain().to_string(),
                    release: catalogue.release().to_string(),
                    available: all.join(", "),
                });
            }
            wanted.push(Wanted {
                text,
                is_attack: false,
                attack,
            });
        }
        Ok(Some(PlatformFilter { wanted }))
    }

    /// The ATT&CK platforms asked for (release spelling), for the layer's platform filter.
    pub fn attack_platforms(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for w in &self.wanted {
            for a in &w.attack {
                if !out.contains(a) {
                    out.push(a.clone());
                }
            }
        }
        out
    }

    /// Does an item with these platforms (format names, lower-case) match?
    pub fn item_matches(&self, natives: &[String]) -> bool {
        self.wanted.iter().any(|w| {
            natives.iter().any(|n| {
                if w.is_attack {
                    n == &w.text
                        || attack_names(n)
                            .iter()
                            .any(|a| w.attack.iter().any(|x| x.eq_ignore_ascii_case(a)))
                } else {
                    n == &w.text || n.starts_with(&format!("{}:", w.text))
                }
            })
        })
    }

    /// Is a technique on one of the platforms asked for (per ATT&CK)?
    pub fn technique_matches(&self, technique: &AttackObject) -> bool {
        self.wanted.iter().any(|w| {
            w.attack.iter().any(|a| {
                technique
                    .platforms
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(a))
            })
        })
    }

    /// The platforms as asked, for reports.
    pub fn describe(&self) -> String {
        self.wanted
            .iter()
            .map(|w| w.text.clone())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_stand_for_attack_platforms() {
        assert_eq!(attack_names("iaas:aws"), ["IaaS"]);
        assert_eq!(attack_names("Linux"), ["Linux"]);
        assert_eq!(attack_names("azure-ad")[0], "Identity Provider");
        assert!(attack_names("django").is_empty());
    }
}
