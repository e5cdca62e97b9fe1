//! Elastic detection-rules (`rules/**/*.toml`), read as its own Navigator layer builder
//! (`detection_rules/navigator.py`) reads them: every `[[rule.threat]]` entry of framework
//! "MITRE ATT&CK" names a tactic, and the rule counts for each technique listed there and for
//! each of its sub-techniques, in that tactic. Rules with `maturity = "deprecated"` are skipped
//! unless asked for. Platforms come from the `OS: …` tags, else from cloud data-source tags.

use serde::Deserialize;

use super::{FileParse, ParseContext};
use crate::input::{line_column, text_of, FileReport, Input};
use crate::item::{Item, TechRef};
use crate::options::Weight;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RuleFile {
    metadata: Metadata,
    rule: Option<Rule>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Metadata {
    maturity: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Rule {
    name: Option<String>,
    rule_id: Option<String>,
    risk_score: Option<f64>,
    severity: Option<String>,
    tags: Vec<String>,
    threat: Vec<Threat>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Threat {
    framework: Option<String>,
    tactic: Option<Named>,
    technique: Vec<Technique>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Named {
    id: Option<String>,
    name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Technique {
    id: Option<String>,
    subtechnique: Vec<Named>,
}

/// Parses one Elastic rule file.
pub(super) fn parse(input: &Input, ctx: &ParseContext<'_>) -> FileParse {
    let text = match text_of(&input.bytes) {
        Ok(t) => t,
        Err((msg, at)) => return FileParse::new(FileReport::failed(&input.name, msg, Some(at))),
    };
    let file: RuleFile = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            let at = e.span().map(|s| line_column(text, s.start));
            let message = e.message().lines().next().unwrap_or("").trim().to_string();
            return FileParse::new(FileReport::failed(
                &input.name,
                format!("TOML: {message}"),
                at,
            ));
        }
    };
    let Some(rule) = file.rule else {
        return FileParse::new(FileReport::skipped(
            &input.name,
            "no [rule] table: not a detection rule",
        ));
    };
    let maturity = file.metadata.maturity.as_deref().unwrap_or("");
    if maturity.eq_ignore_ascii_case("deprecated") && !ctx.include_deprecated {
        return FileParse::new(FileReport::skipped(
            &input.name,
            "deprecated rule (maturity = \"deprecated\"); include deprecated rules to count it",
        ));
    }
    let mut out = FileParse::new(FileReport::parsed(&input.name));
    let mut item = Item {
        name: rule
            .name
            .clone()
            .or_else(|| rule.rule_id.clone())
            .unwrap_or_else(|| input.name.clone()),
        id: rule.rule_id.clone(),
        url: None,
        file: 0,
        weight: match ctx.weight {
            Some(Weight::RiskScore) => rule.risk_score,
            Some(Weight::Severity) => rule.severity.as_deref().and_then(severity),
            _ => None,
        },
        platforms: platforms(&rule.tags),
        tactics: Vec::new(),
        refs: Vec::new(),
    };
    for threat in &rule.threat {
        let framework = threat.framework.as_deref().unwrap_or("MITRE ATT&CK");
        if !framework.eq_ignore_ascii_case("MITRE ATT&CK") {
            out.report
                .notes
                .push(format!("threat entry of framework {framework:?} ignored"));
            continue;
        }
        let tactic = threat
            .tactic
            .as_ref()
            .and_then(|t| t.name.clone().or_else(|| t.id.clone()));
        for t in &threat.technique {
            let ids =
                t.id.iter()
                    .chain(t.subtechnique.iter().filter_map(|s| s.id.as_ref()));
            for id in ids {
                item.refs.push(TechRef {
                    tactic: tactic.clone(),
                    ..TechRef::new(id.as_str())
                });
            }
        }
    }
    out.items.push(item);
    out
}

fn severity(text: &str) -> Option<f64> {
    match text.trim().to_ascii_lowercase().as_str() {
        "low" => Some(1.0),
        "medium" => Some(2.0),
        "high" => Some(3.0),
        "critical" => Some(4.0),
        _ => None,
    }
}

/// `OS: Linux` tags, else the cloud or SaaS a `Data Source:` / `Domain:` tag names.
fn platforms(tags: &[String]) -> Option<Vec<String>> {
    let os: Vec<String> = tags
        .iter()
        .filter_map(|t| t.strip_prefix("OS:"))
        .map(|t| t.trim().to_ascii_lowercase())
        .collect();
    if !os.is_empty() {
        return Some(os);
    }
    let mut out = Vec::new();
    for t in tags {
        let Some(source) = t.strip_prefix("Data Source:") else {
            continue;
        };
        let s = source.trim().to_ascii_lowercase();
        let p = if s == "aws" || s.starts_with("amazon web services") {
            "aws"
        } else if s == "azure" {
            "azure"
        } else if s == "gcp" || s.starts_with("google cloud") {
            "gcp"
        } else if s.starts_with("microsoft 365") || s.starts_with("microsoft office 365") {
            "m365"
        } else if s.starts_with("google workspace") {
            "google-workspace"
        } else if s.starts_with("okta") || s.contains("entra id") || s.contains("azure ad") {
            "identity"
        } else if s.starts_with("kubernetes") {
            "kubernetes"
        } else if s.starts_with("github") || s.starts_with("gitlab") {
            "saas"
        } else {
            continue;
        };
        if !out.iter().any(|x: &String| x == p) {
            out.push(p.to_string());
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::MappingFilter;

    const RULE: &str = r#"
[metadata]
maturity = "production"

[rule]
name = "Rule A"
rule_id = "abc"
risk_score = 47
severity = "medium"
tags = ["OS: Linux", "Tactic: Persistence"]

[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1574"
[[rule.threat.technique.subtechnique]]
id = "T1574.006"
[rule.threat.tactic]
id = "TA0005"
name = "Defense Evasion"
"#;

    #[test]
    fn threat_entries_give_scoped_references() {
        let f = MappingFilter::default();
        let ctx = ParseContext {
            weight: Some(Weight::RiskScore),
            include_deprecated: false,
            min_level: None,
            min_status: None,
            mappings: &f,
        };
        let out = parse(&Input::new("a.toml", RULE), &ctx);
        let item = &out.items[0];
        let refs: Vec<(&str, Option<&str>)> = item
            .refs
            .iter()
            .map(|r| (r.id.as_str(), r.tactic.as_deref()))
            .collect();
        assert_eq!(
            refs,
            [
                ("T1574", Some("Defense Evasion")),
                ("T1574.006", Some("Defense Evasion"))
            ]
        );
        assert_eq!(item.weight, Some(47.0));
        assert_eq!(item.platforms, Some(vec!["linux".to_string()]));
        let dep = RULE.replace("production", "deprecated");
        let out = parse(&Input::new("a.toml", dep), &ctx);
        assert_eq!(out.report.outcome, crate::Outcome::Skipped);
        let bad = parse(&Input::new("a.toml", "[rule\nname = 1"), &ctx);
        assert_eq!(bad.report.outcome, crate::Outcome::Failed);
        assert_eq!(bad.report.line, Some(1));
    }
}
