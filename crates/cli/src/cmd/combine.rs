//! `navlayer combine`, `union`, `intersect`, `subtract`: new layers from other layers
//! (the Navigator's "create layer from other layers", headless). The logic is in navlayer-ops.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use navlayer_layer::write::{to_json, Style};
use navlayer_layer::Layer;
use navlayer_ops::combine::{combine, variable_name, CombineOptions, Inherit};
use navlayer_ops::setops::{set_operation, ScoreRule, SetOperation};
use navlayer_ops::{Expr, OpsError};

use crate::context::Context;
use crate::exit::check_failed;

/// Reads layer files (a file holding an array of layers gives several), in order.
/// Reads a file that must hold exactly one layer, and loads the catalogue of the layer's domain
/// (the release given with `--attack-version`, else the newest). `command` names the caller in
/// the error message.
pub fn read_one_layer_with_catalogue(
    ctx: &Context,
    file: &Path,
    command: &str,
) -> anyhow::Result<(Layer, std::sync::Arc<navlayer_attack::Catalogue>)> {
    let mut layers = read_layers(&[file.to_path_buf()])?;
    if layers.len() != 1 {
        return Err(check_failed(format!(
            "{} holds {} layers: {command} works on a file holding one layer",
            file.display(),
            layers.len()
        )));
    }
    let Some((_, layer)) = layers.pop() else {
        return Err(check_failed("no layer"));
    };
    let domain = navlayer_attack::Domain::parse_lenient(&layer.domain).unwrap_or(ctx.global.domain);
    let catalogue = ctx.catalogue_for(domain, ctx.global.attack_version)?;
    Ok((layer, catalogue))
}

pub fn read_layers(files: &[PathBuf]) -> anyhow::Result<Vec<(String, Layer)>> {
    read_layers_up_to(files, usize::MAX)
}

/// [`read_layers`], refusing (exit 1, before reading on) as soon as more than `limit` layers are
/// read: combine binds at most 26, however many files are named.
fn read_layers_up_to(files: &[PathBuf], limit: usize) -> anyhow::Result<Vec<(String, Layer)>> {
    let mut out = Vec::new();
    for file in files {
        if out.len() > limit {
            break;
        }
        let loaded = navlayer_layer::read_layer_file(file).map_err(|e| match e {
            navlayer_layer::LayerError::Io { .. } => anyhow::Error::new(e),
            other => check_failed(other.to_string()),
        })?;
        if loaded.is_empty() {
            return Err(check_failed(format!(
                "{}: the file holds no layer",
                file.display()
            )));
        }
        let many = loaded.len() > 1;
        for (i, l) in loaded.into_iter().enumerate() {
            let label = if many {
                format!("{}[{i}]", file.display())
            } else {
                file.display().to_string()
            };
            out.push((label, l.layer));
        }
    }
    if out.len() > limit {
        return Err(check_failed(format!(
            "more than {limit} layers given (the variables a–z bind at most {limit})"
        )));
    }
    Ok(out)
}

/// Maps a library error to exit 1 (the input failed a check).
pub fn ops_error(e: OpsError) -> anyhow::Error {
    check_failed(e.to_string())
}

fn write_layer(
    layer: &Layer,
    output: Option<&Path>,
    compact: bool,
    force: bool,
) -> anyhow::Result<()> {
    let style = if compact {
        Style::Compact
    } else {
        Style::Pretty
    };
    crate::output::emit(output, to_json(layer, style).as_bytes(), force)
}

/// `a` or `b`: a variable letter naming a layer.
fn parse_variable(s: &str) -> Result<usize, String> {
    let t = s.trim().to_ascii_lowercase();
    match t.as_bytes() {
        [c @ b'a'..=b'z'] => Ok(usize::from(c - b'a')),
        _ => Err(format!(
            "{s:?} is not a layer variable: expected a letter a–z"
        )),
    }
}

/// `FIELD=VAR`, e.g. `comments=a`.
fn parse_inherit(s: &str) -> Result<(String, usize), String> {
    let (field, var) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected FIELD=VARIABLE, e.g. comments=a"))?;
    let field = field.trim().to_ascii_lowercase();
    let known = Inherit::FIELDS.contains(&field.as_str())
        || [
            "all", "comment", "color", "colour", "colours", "link", "filter",
        ]
        .contains(&field.as_str());
    if !known {
        return Err(format!(
            "unknown field {field:?}: expected {} or all",
            Inherit::FIELDS.join(", ")
        ));
    }
    Ok((field, parse_variable(var)?))
}

#[derive(Args, Debug)]
#[command(
    after_help = "Rules (as the ATT&CK Navigator's \"create layer from other layers\"; details in docs/combine.md):
  * FILEs bind to the variables a, b, c … in order (at most 26; a file holding several layers
    binds one variable per layer). All layers must share the domain, and the ATT&CK major
    version where they state one.
  * The expression is lower-cased. Numbers, + - * / ^ % (modulus; a % before an operator or the
    end is a percentage, as in math.js), unary -, parentheses, == != < <= > >= (chainable),
    and or xor not, cond ? x : y, implicit multiplication (2a), true, false, pi, and the
    functions min max mean sum abs round floor ceil sqrt sign pow mod.
  * Techniques scored: those with an entry in a layer the expression uses. Per technique (and
    per tactic where entries are tactic-scoped), a layer without a score contributes 0; when
    no used layer scores it, it stays unscored. true/false become 1/0.
  * A result that is not a finite real number (a / 0, sqrt(-1)) is an error naming the
    technique; guard it: `b != 0 ? a / b : 0`.
  * An expression without variables scores every technique of the ATT&CK data (needs --data).
  * Comments, colors, links, metadata, enabled state, filters, legend and gradient come from
    the layer named by --inherit-from (all of them) or --inherit FIELD=VAR (one each);
    otherwise the gradient is the Navigator's default stretched to the range of the results
    (transparent-to-blue for results 0 and 1).

Examples:
  navlayer combine --expr 'a + b' group1.json group2.json -o both.json
  navlayer combine --expr 'a and not b' apt29.json detections.json --name 'gaps' -o gaps.json
  navlayer combine --expr 'max(a, b, c)' x.json y.json z.json --inherit-from a
  navlayer combine --expr '(a + b) / 2' q1.json q2.json --inherit comments=b --inherit colors=a"
)]
pub struct CombineArgs {
    /// Score expression over the variables a, b, c … (one per layer, in order).
    #[arg(short, long, value_name = "EXPR")]
    expr: String,
    /// Layer files, bound to a, b, c … in order.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Name of the new layer (default: "layer by operation", as the Navigator).
    #[arg(long)]
    name: Option<String>,
    /// Take every inheritable field (comments, colors, links, metadata, enabled, filters,
    /// legend, gradient) from this layer (a, b, …).
    #[arg(long, value_name = "VAR", value_parser = parse_variable)]
    inherit_from: Option<usize>,
    /// Take one field from one layer: FIELD=VAR, FIELD one of comments, colors, links,
    /// metadata, enabled, filters, legend, gradient, all (repeatable; applied after
    /// --inherit-from).
    #[arg(long, value_name = "FIELD=VAR", value_parser = parse_inherit)]
    inherit: Vec<(String, usize)>,
    /// Output file (default: stdout).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    force: bool,
    /// Write compact JSON (one line).
    #[arg(long)]
    compact: bool,
}

pub fn run(ctx: &Context, args: CombineArgs) -> anyhow::Result<ExitCode> {
    let expr = Expr::parse(&args.expr).map_err(ops_error)?;
    navlayer_ops::combine::check_layer_count(args.files.len()).map_err(ops_error)?;
    let layers: Vec<Layer> = read_layers_up_to(&args.files, navlayer_ops::expr::MAX_VARIABLES)?
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    let mut inherit = args.inherit_from.map(Inherit::all).unwrap_or_default();
    for (field, var) in &args.inherit {
        inherit.set(field, *var).map_err(ops_error)?;
    }
    // The ATT&CK data is optional, except for constant expressions.
    let catalogue = if ctx.global.data.is_some() || expr.variables().is_empty() {
        let domain = layers
            .first()
            .and_then(|l| navlayer_attack::Domain::parse_lenient(&l.domain))
            .unwrap_or(ctx.global.domain);
        Some(ctx.catalogue_for(domain, ctx.global.attack_version)?)
    } else {
        None
    };
    let options = CombineOptions {
        name: args.name,
        inherit,
        catalogue: catalogue.as_deref(),
    };
    let result = combine(&layers, &expr, &options).map_err(ops_error)?;
    let used: Vec<usize> = expr.variables().iter().map(|(v, _)| *v).collect();
    for (i, _) in layers.iter().enumerate() {
        let inherited = [
            inherit.comments,
            inherit.colors,
            inherit.links,
            inherit.metadata,
            inherit.enabled,
            inherit.filters,
            inherit.legend,
            inherit.gradient,
        ]
        .contains(&Some(i));
        if !used.contains(&i) && !inherited {
            eprintln!(
                "note: layer {} ({}) is not used by the expression",
                variable_name(i),
                args.files
                    .get(i)
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            );
        }
    }
    write_layer(&result, args.output.as_deref(), args.compact, args.force)?;
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum RuleArg {
    /// The largest score.
    Max,
    /// The smallest score.
    Min,
    /// The sum of the scores.
    Sum,
    /// The mean of the scores.
    Mean,
    /// How many layers contain the technique.
    Count,
}

impl From<RuleArg> for ScoreRule {
    fn from(r: RuleArg) -> ScoreRule {
        match r {
            RuleArg::Max => ScoreRule::Max,
            RuleArg::Min => ScoreRule::Min,
            RuleArg::Sum => ScoreRule::Sum,
            RuleArg::Mean => ScoreRule::Mean,
            RuleArg::Count => ScoreRule::Count,
        }
    }
}

#[derive(Args, Debug)]
#[command(
    after_help = "A layer contains a technique (in a tactic) when the entry that applies there is enabled
and has a score, colour, comment, metadata or links. The score of a technique is computed from
the layers containing it by --score; comments are joined, the colour is the first layer's,
links and metadata are merged. Layout, filters, legend and gradient are the first layer's.

Examples:
  navlayer union apt28.json apt29.json turla.json -o russia.json
  navlayer union g1.json g2.json g3.json --score count -o heatmap.json   how many groups use it
  navlayer intersect q1.json q2.json --score min"
)]
pub struct SetArgs {
    /// Layer files.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// How to score a technique from the layers containing it.
    #[arg(long, value_enum, default_value_t = RuleArg::Max)]
    score: RuleArg,
    /// Name of the new layer.
    #[arg(long)]
    name: Option<String>,
    /// Output file (default: stdout).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    force: bool,
    /// Write compact JSON (one line).
    #[arg(long)]
    compact: bool,
}

#[derive(Args, Debug)]
#[command(
    after_help = "A layer contains a technique (in a tactic) when the entry that applies there is enabled
and has a score, colour, comment, metadata or links. The result keeps A's entries and settings.

Examples:
  navlayer subtract apt29.json detections.json -o gaps.json    what my detections miss
  navlayer subtract q2.json q1.json -o new-in-q2.json"
)]
pub struct SubtractArgs {
    /// The layer to take techniques from.
    #[arg(value_name = "A")]
    a: PathBuf,
    /// Layers whose techniques are removed from A.
    #[arg(value_name = "B", required = true)]
    others: Vec<PathBuf>,
    /// Name of the new layer.
    #[arg(long)]
    name: Option<String>,
    /// Output file (default: stdout).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    force: bool,
    /// Write compact JSON (one line).
    #[arg(long)]
    compact: bool,
}

fn run_set(args: SetArgs, op: SetOperation) -> anyhow::Result<ExitCode> {
    let layers: Vec<Layer> = read_layers(&args.files)?
        .into_iter()
        .map(|(_, l)| l)
        .collect();
    let result = set_operation(&layers, op, args.score.into(), args.name).map_err(ops_error)?;
    write_layer(&result, args.output.as_deref(), args.compact, args.force)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_union(_ctx: &Context, args: SetArgs) -> anyhow::Result<ExitCode> {
    run_set(args, SetOperation::Union)
}

pub fn run_intersect(_ctx: &Context, args: SetArgs) -> anyhow::Result<ExitCode> {
    run_set(args, SetOperation::Intersect)
}

pub fn run_subtract(_ctx: &Context, args: SubtractArgs) -> anyhow::Result<ExitCode> {
    let mut files = vec![args.a];
    files.extend(args.others);
    let layers: Vec<Layer> = read_layers(&files)?.into_iter().map(|(_, l)| l).collect();
    let result = set_operation(&layers, SetOperation::Subtract, ScoreRule::Max, args.name)
        .map_err(ops_error)?;
    write_layer(&result, args.output.as_deref(), args.compact, args.force)?;
    Ok(ExitCode::SUCCESS)
}
