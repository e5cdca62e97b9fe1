//! Matrix sheets (`matricesToDf`): each matrix as a grid of technique names under tactic
//! headers, with a sub-technique column beside each tactic that has sub-techniques, merged cells
//! for techniques with several sub-techniques and for tactic headers; and one such grid per
//! platform.

use navlayer_attack::{ObjectId, ObjectKind, RelationKind};
use serde_json::Value;

use crate::frames::Stix;
use crate::table::{list_field, str_field, Cell, Merge, Sheet};

/// Display order of platform matrices. Which platforms get one comes from the data (the
/// platforms of active techniques); this only orders them, as attackToExcel does.
const ORDER: [&str; 22] = [
    "PRE",
    "Windows",
    "macOS",
    "Linux",
    "Cloud",
    "Office Suite",
    "Identity Provider",
    "SaaS",
    "IaaS",
    "Network Devices",
    "Containers",
    "ESXi",
    "Android",
    "iOS",
    "Field Controller/RTU/PLC/IED",
    "Safety Instrumented System/Protection Relay",
    "Control Server",
    "Input/Output Server",
    "Human-Machine Interface",
    "Engineering Workstation",
    "Data Historian",
    "Network",
];

/// Platforms ATT&CK shows together as the Cloud matrix.
const CLOUD: [&str; 4] = ["Office Suite", "Identity Provider", "SaaS", "IaaS"];

/// The platform matrices of a release: its techniques' platforms (not "None"), plus Cloud when
/// any cloud platform is there, in attackToExcel's order.
fn platforms(stix: &Stix) -> Vec<String> {
    let mut list: Vec<String> = stix
        .cat
        .platforms()
        .into_iter()
        .filter(|p| p != "None")
        .collect();
    if list.iter().any(|p| CLOUD.contains(&p.as_str())) {
        list.push("Cloud".into());
    }
    let rank = |p: &str| ORDER.iter().position(|o| *o == p).unwrap_or(ORDER.len());
    list.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.cmp(b)));
    list
}

fn on_platform(stix: &Stix, id: ObjectId, platform: Option<&str>) -> bool {
    let Some(p) = platform else { return true };
    let wanted: Vec<String> = if p == "Cloud" {
        CLOUD.iter().map(|c| c.to_lowercase()).collect()
    } else {
        vec![p.to_lowercase()]
    };
    list_field(stix.obj(id), "x_mitre_platforms")
        .unwrap_or_default()
        .iter()
        .any(|x| wanted.contains(&x.to_lowercase()))
}

fn name(stix: &Stix, id: ObjectId) -> String {
    str_field(stix.obj(id), "name").unwrap_or("").to_string()
}

/// A grid being built: columns of cells and the merges, as attackToExcel's lists.
#[derive(Default, Clone)]
struct Grid {
    headers: Vec<String>,
    columns: Vec<Vec<String>>,
    merges: Vec<Merge>,
}

impl Grid {
    /// `build_technique_and_sub_columns`.
    fn add_tactic(
        &mut self,
        stix: &Stix,
        tactic_name: &str,
        techniques: &[ObjectId],
        platform: Option<&str>,
    ) {
        self.headers.push(tactic_name.to_string());
        let mut tech_col: Vec<String> = Vec::new();
        let mut sub_col: Vec<String> = Vec::new();
        let col = (self.headers.len() - 1) as u16;
        for &t in techniques {
            tech_col.push(name(stix, t));
            let subs: Vec<ObjectId> = stix
                .cat
                .incoming(t)
                .iter()
                .map(|&r| stix.cat.relationship(r))
                .filter(|r| r.kind == RelationKind::SubtechniqueOf)
                .filter_map(|r| r.source)
                .collect();
            if subs.is_empty() {
                sub_col.push(String::new());
                continue;
            }
            let top = tech_col.len();
            let mut subs: Vec<ObjectId> = subs
                .into_iter()
                .filter(|&s| on_platform(stix, s, platform) && stix.cat.object(s).is_active())
                .collect();
            subs.sort_by_key(|&s| name(stix, s));
            for (i, &s) in subs.iter().enumerate() {
                if i != 0 {
                    tech_col.push(String::new());
                }
                sub_col.push(name(stix, s));
            }
            let bottom = tech_col.len();
            if top != bottom {
                // Rows are 1-based below the header row: the technique's rows top..=bottom.
                self.merges.push(Merge {
                    first_row: top as u32,
                    first_col: col,
                    last_row: bottom as u32,
                    last_col: col,
                    text: name(stix, t),
                    header: false,
                });
            }
        }
        self.columns.push(tech_col);
        if sub_col.iter().any(|s| !s.is_empty()) {
            self.columns.push(sub_col);
            self.headers.push(String::new());
            self.merges.push(Merge {
                first_row: 0,
                first_col: col,
                last_row: 0,
                last_col: col + 1,
                text: tactic_name.to_string(),
                header: true,
            });
        }
    }

    fn longest(&self) -> usize {
        self.columns.iter().map(Vec::len).max().unwrap_or(0)
    }

    fn into_sheet(mut self, name: &str, rows: usize) -> Sheet {
        for c in &mut self.columns {
            c.resize(rows.max(c.len()), String::new());
        }
        let height = self.columns.iter().map(Vec::len).max().unwrap_or(0);
        let rows = (0..height)
            .map(|r| {
                self.columns
                    .iter()
                    .map(|c| {
                        let v = &c[r];
                        if v.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(v.as_str().into())
                        }
                    })
                    .collect()
            })
            .collect();
        Sheet {
            name: name.to_string(),
            columns: self.headers,
            rows,
            merges: self.merges,
        }
    }
}

/// attackToExcel's sheet name: `/` and `\` become " or ", other characters Excel forbids a
/// space; longer than 31 characters is cut to 28 and "...".
pub(crate) fn sheet_name(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars() {
        match c {
            '\\' | '/' => s.push_str(" or "),
            '*' | '[' | ']' | ':' | '?' => s.push(' '),
            c => s.push(c),
        }
    }
    if s.chars().count() > 31 {
        s = s.chars().take(28).collect::<String>() + "...";
    }
    s
}

/// The matrices: (main matrices, platform matrices), as sheets named as attackToExcel names them.
pub(crate) fn matrices(stix: &Stix) -> (Vec<Sheet>, Vec<Sheet>) {
    let matrices = stix.active(&["x-mitre-matrix"]);
    let platforms = platforms(stix);
    let mut main: Vec<(String, Grid)> = Vec::new();
    let mut subs: Vec<(String, Grid)> = Vec::new();
    let domain = stix.domain.short_name();
    let domain_title = format!("{}{}", domain[..1].to_uppercase(), &domain[1..]);
    for &m in &matrices {
        let mv: &Value = stix.obj(m);
        let mname = str_field(mv, "name").unwrap_or("");
        let display = if matrices.len() == 1 {
            mname.to_string()
        } else {
            format!("{domain_title} {mname}")
        };
        let mut grid = Grid::default();
        let mut per_platform: Vec<Grid> = vec![Grid::default(); platforms.len()];
        for tactic_ref in list_field(mv, "tactic_refs").unwrap_or_default() {
            let Some(tactic) = stix.get(tactic_ref) else {
                continue;
            };
            let tv = stix.obj(tactic);
            let tname = str_field(tv, "name").unwrap_or("");
            let short = str_field(tv, "x_mitre_shortname").unwrap_or("");
            let mut techniques: Vec<ObjectId> = stix
                .cat
                .ids()
                .filter(|&t| {
                    let o = stix.cat.object(t);
                    o.kind == ObjectKind::Technique
                        && o.is_active()
                        && phases(stix.obj(t)).contains(&short)
                })
                .collect();
            techniques.sort_by_key(|&t| name(stix, t));
            grid.add_tactic(stix, tname, &techniques, None);
            for (p, g) in platforms.iter().zip(per_platform.iter_mut()) {
                let on: Vec<ObjectId> = techniques
                    .iter()
                    .copied()
                    .filter(|&t| on_platform(stix, t, Some(p)))
                    .collect();
                if !on.is_empty() {
                    g.add_tactic(stix, tname, &on, Some(p));
                }
            }
        }
        main.push((display.clone(), grid));
        for (p, g) in platforms.iter().zip(per_platform) {
            if !g.columns.is_empty() {
                let n = if matrices.len() == 1 {
                    p.clone()
                } else {
                    format!("{p} {mname}")
                };
                subs.push((n, g));
            }
        }
    }
    // attackToExcel squares every grid to the longest column seen so far (main first).
    let combined = main.len() + subs.len();
    let sheet = |n: &str| {
        if combined == 1 {
            "matrix".to_string()
        } else {
            sheet_name(&format!("{n} matrix"))
        }
    };
    let mut longest = main.iter().map(|(_, g)| g.longest()).max().unwrap_or(0);
    let main_sheets = main.into_iter().map(|(n, g)| {
        let l = g.longest();
        g.into_sheet(&sheet(&n), l)
    });
    let main_sheets: Vec<Sheet> = main_sheets.collect();
    let sub_sheets = subs
        .into_iter()
        .map(|(n, g)| {
            longest = longest.max(g.longest());
            g.into_sheet(&sheet(&n), longest)
        })
        .collect();
    (main_sheets, sub_sheets)
}

fn phases(v: &Value) -> Vec<&str> {
    v.get("kill_chain_phases")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| str_field(p, "phase_name"))
                .collect()
        })
        .unwrap_or_default()
}
