//! Moving a layer to another ATT&CK release through navlayer-migrate: the source and target
//! catalogues picked as `navlayer migrate` picks them, the migration on the blocking pool, and
//! the choices of a review (`drop`) applied to its result. Used by `POST /api/migrate` and by
//! the guided upgrade `POST /api/layers/{key}/upgrade`.

use std::collections::BTreeSet;

use navlayer_attack::{Domain, Release};
use navlayer_layer::Layer;

use crate::error::ApiError;
use crate::router::AppState;
use crate::support::{blocking, parse_release, shorten, ApiResult, Deadline};

/// A migrated layer with its report.
#[derive(Debug)]
pub struct Migrated {
    /// The layer on the target release.
    pub layer: Layer,
    /// What happened to every entry.
    pub report: navlayer_migrate::LayerReport,
    /// How the source release was picked, when the layer did not name it exactly.
    pub notes: Vec<String>,
    /// The source release.
    pub from: Release,
    /// The target release.
    pub to: Release,
}

/// Migrates `layer` from `from` (else the release its `versions.attack` names, as
/// `navlayer migrate` picks it) to `to` (`X.Y` or `latest`; default the newest).
pub async fn migrate(
    state: &AppState,
    deadline: Deadline,
    layer: Layer,
    from: Option<&str>,
    to: Option<&str>,
) -> ApiResult<Migrated> {
    let domain = Domain::parse_lenient(&layer.domain).ok_or_else(|| {
        ApiError::unprocessable(
            format!("unknown domain {:?}", shorten(&layer.domain)),
            "/layer/domain",
        )
    })?;
    let to = parse_release(to.unwrap_or("latest"))?;
    let target = state.catalogues.get(domain, to, deadline).await?;
    let mut notes = Vec::new();
    let from = match from {
        Some(f) => parse_release(f)?.unwrap_or(target.release()),
        None => {
            let available: Vec<Release> = state
                .catalogues
                .releases()?
                .into_iter()
                .filter(|r| r.domain == domain)
                .map(|r| r.release)
                .collect();
            let wanted = layer
                .versions
                .as_ref()
                .and_then(|v| v.attack.as_deref())
                .and_then(|a| a.split('.').next()?.trim().parse::<u32>().ok())
                .ok_or_else(|| {
                    ApiError::unprocessable(
                        "the layer does not say its ATT&CK version (versions.attack): give `from` (X.Y)",
                        "/from",
                    )
                })?;
            let (r, note) = navlayer_migrate::pick_source_release(
                Release {
                    major: wanted,
                    minor: 0,
                },
                &available,
                target.release(),
            );
            notes.extend(note);
            r
        }
    };
    let source = state.catalogues.get(domain, Some(from), deadline).await?;
    let (src, tgt) = (source.clone(), target.clone());
    let m = blocking(state, deadline, move || {
        let pair = navlayer_migrate::ReleasePair::new(&src, &tgt)
            .map_err(|e| ApiError::unprocessable(e.to_string(), "/from"))?;
        navlayer_migrate::migrate_layer(&pair, &layer, &navlayer_migrate::MigrateOptions::default())
            .map_err(|e| ApiError::unprocessable(e.to_string(), ""))
    })
    .await?;
    Ok(Migrated {
        layer: m.layer,
        report: m.report,
        notes,
        from: source.release(),
        to: target.release(),
    })
}

impl Migrated {
    /// Drops, from the migrated layer, the entries made from the source entries `drop` (indices
    /// into the source layer's techniques, as the report's `index`): a review's "drop" choices.
    /// Returns how many migrated entries were removed.
    pub fn drop_sources(&mut self, drop: &BTreeSet<usize>) -> usize {
        let gone: BTreeSet<usize> = self
            .report
            .entries
            .iter()
            .filter(|e| drop.contains(&e.index))
            .flat_map(|e| e.destinations.iter().map(|d| d.index))
            .collect();
        let mut i = 0;
        self.layer.techniques.retain(|_| {
            let keep = !gone.contains(&i);
            i += 1;
            keep
        });
        gone.len()
    }

    /// One line for a revision note: `upgrade from ATT&CK v16.1 to v18.1: 40 kept, 2 replaced, …`.
    pub fn summary(&self, dropped: usize) -> String {
        let actions: Vec<String> = self
            .report
            .actions
            .iter()
            .map(|(a, n)| format!("{n} {}", a.label()))
            .collect();
        let mut s = format!(
            "upgrade from ATT&CK v{} to v{}: {}",
            self.from,
            self.to,
            actions.join(", ")
        );
        if dropped > 0 {
            s.push_str(&format!("; {dropped} dropped in review"));
        }
        s
    }
}
