//! Splunk security_content detections (`detections/**/*.yml`): `tags.mitre_attack_id` lists
//! the techniques; `status: deprecated` detections are skipped unless asked for. Platforms come
//! from the `data_source` names (`Sysmon EventID 1` → windows, `Linux Auditd …` → linux,
//! `O365 …` → office-365, `AWS CloudTrail` → iaas:aws, …); the link is the detection's page on
//! research.splunk.com when the file sits in one of its folders.

use serde::Deserialize;

use super::{FileParse, ParseContext};
use crate::input::{text_of, FileReport, Input};
use crate::item::{Item, TechRef};
use crate::options::Weight;
use crate::yaml::{self, Scalar, Scalars};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Detection {
    name: Scalar,
    id: Scalar,
    status: Scalar,
    search: Scalar,
    data_source: Scalars,
    tags: Option<Tags>,
    rba: Option<Rba>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Tags {
    mitre_attack_id: Scalars,
    risk_score: Scalar,
    confidence: Scalar,
    impact: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Rba {
    risk_objects: Vec<RiskObject>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RiskObject {
    score: Scalar,
}

/// Parses one Splunk detection file.
pub(super) fn parse(input: &Input, ctx: &ParseContext<'_>) -> FileParse {
    let text = match text_of(&input.bytes) {
        Ok(t) => t,
        Err((msg, at)) => return FileParse::new(FileReport::failed(&input.name, msg, Some(at))),
    };
    let det = match yaml::document::<Detection>(text) {
        Ok(Some(d)) => d,
        Ok(None) => return FileParse::new(FileReport::skipped(&input.name, "empty YAML file")),
        Err(e) => {
            return FileParse::new(FileReport::failed(
                &input.name,
                format!("YAML: {}", e.message),
                e.at,
            ))
        }
    };
    if det.name.text().is_none() && det.tags.is_none() && det.search.text().is_none() {
        return FileParse::new(FileReport::skipped(
            &input.name,
            "not a Splunk detection (no name, search or tags)",
        ));
    }
    if det
        .status
        .text()
        .is_some_and(|s| s.eq_ignore_ascii_case("deprecated"))
        && !ctx.include_deprecated
    {
        return FileParse::new(FileReport::skipped(
            &input.name,
            "deprecated detection (status: deprecated); include deprecated rules to count it",
        ));
    }
    let mut out = FileParse::new(FileReport::parsed(&input.name));
    let tags = det.tags.unwrap_or_default();
    if !tags.mitre_attack_id.is_list() {
        out.report
            .notes
            .push("tags.mitre_attack_id is not a list of IDs".to_string());
    }
    let weight = match ctx.weight {
        Some(Weight::RiskScore) => tags.risk_score.number().or_else(|| {
            det.rba.as_ref().and_then(|r| {
                r.risk_objects
                    .iter()
                    .filter_map(|o| o.score.number())
                    .reduce(f64::max)
            })
        }),
        Some(Weight::Confidence) => tags.confidence.number(),
        Some(Weight::Impact) => tags.impact.number(),
        _ => None,
    };
    let id = det.id.text().map(str::to_string);
    out.items.push(Item {
        name: det
            .name
            .text()
            .map(str::to_string)
            .unwrap_or_else(|| input.name.clone()),
        url: id.as_deref().and_then(|id| research_url(&input.name, id)),
        id,
        file: 0,
        weight,
        platforms: platforms(&det.data_source.texts()),
        tactics: Vec::new(),
        refs: tags
            .mitre_attack_id
            .texts()
            .into_iter()
            .map(TechRef::new)
            .collect(),
    });
    out
}

/// research.splunk.com/<folder>/<id>/ for a detection under `detections/<folder>/`.
fn research_url(path: &str, id: &str) -> Option<String> {
    let parts: Vec<&str> = path.split(['/', '\\']).collect();
    let at = parts.iter().rposition(|p| *p == "detections")?;
    let folder = *parts.get(at + 1)?;
    let known = ["application", "cloud", "endpoint", "network", "web"];
    let uuid_like = id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    (known.contains(&folder) && uuid_like)
        .then(|| format!("https://research.splunk.com/{folder}/{id}/"))
}

fn platforms(sources: &[&str]) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for s in sources {
        let l = s.to_ascii_lowercase();
        let p = if l.contains("linux") {
            "linux"
        } else if l.starts_with("windows")
            || l.starts_with("sysmon")
            || l.starts_with("powershell")
            || l.starts_with("ntlm")
        {
            "windows"
        } else if l.starts_with("o365") || l.starts_with("office 365") {
            "office-365"
        } else if l.starts_with("google workspace") || l.starts_with("g suite") {
            "google-workspace"
        } else if l.starts_with("okta")
            || l.starts_with("pingid")
            || l.starts_with("azure active directory")
        {
            "identity"
        } else if l.starts_with("aws") {
            "iaas:aws"
        } else if l.starts_with("azure") {
            "iaas:azure"
        } else if l.starts_with("gcp") || l.starts_with("google cloud") {
            "iaas:gcp"
        } else if l.starts_with("kubernetes") {
            "containers"
        } else if l.starts_with("github") || l.starts_with("circleci") || l.starts_with("gitlab") {
            "saas"
        } else if l.starts_with("palo alto")
            || l.starts_with("cisco")
            || l.starts_with("suricata")
            || l.starts_with("zeek")
            || l.starts_with("bro")
        {
            "network"
        } else {
            continue;
        };
        if !out.iter().any(|x| x == p) {
            out.push(p.to_string());
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_sources_give_platforms_and_folders_give_links() {
        assert_eq!(
            platforms(&["Sysmon EventID 1", "Windows Event Log Security 4688"]),
            Some(vec!["windows".to_string()])
        );
        assert_eq!(
            platforms(&["Sysmon for Linux EventID 1"]),
            Some(vec!["linux".to_string()])
        );
        assert_eq!(platforms(&["Splunk Stream HTTP"]), None);
        assert_eq!(
            research_url(
                "x/detections/endpoint/a.yml",
                "c32fab32-6aaf-492d-bfaf-acbed8e50cdf"
            )
            .as_deref(),
            Some("https://research.splunk.com/endpoint/c32fab32-6aaf-492d-bfaf-acbed8e50cdf/")
        );
        assert_eq!(
            research_url("x/other/a.yml", "c32fab32-6aaf-492d-bfaf-acbed8e50cdf"),
            None
        );
    }
}
