//! The error type of navlayer-ops.

use thiserror::Error;

/// Everything that can go wrong in a layer operation. Each message says what was wrong and,
/// where it helps, how to fix it.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum OpsError {
    /// `layout.aggregateFunction` (or a command-line value) is not one of the four functions.
    #[error("unknown aggregate function {value:?}: expected average, min, max or sum")]
    UnknownAggregateFunction {
        /// The value given.
        value: String,
    },
    /// The score expression does not parse.
    #[error("bad expression at column {column}: {message}\n{shown}", shown = excerpt(expression, *column))]
    ExpressionSyntax {
        /// The expression as given.
        expression: String,
        /// 1-based column (in characters).
        column: usize,
        /// What was expected.
        message: String,
    },
    /// The score expression names an unknown variable or function.
    #[error("bad expression at column {column}: {message}\n{shown}", shown = excerpt(expression, *column))]
    ExpressionName {
        /// The expression as given.
        expression: String,
        /// 1-based column (in characters).
        column: usize,
        /// What is wrong and what is available.
        message: String,
    },
    /// The expression uses a variable that has no layer.
    #[error("bad expression at column {column}: variable {variable} has no layer: {count} layer{s} given, so the variables are {range}\n{shown}",
        shown = excerpt(expression, *column), s = if *count == 1 { "" } else { "s" })]
    UnboundVariable {
        /// The expression as given.
        expression: String,
        /// 1-based column (in characters) of the variable's first use.
        column: usize,
        /// The variable letter.
        variable: char,
        /// Number of layers given.
        count: usize,
        /// `a` or `a–c`.
        range: String,
    },
    /// Evaluating the expression failed for one technique.
    #[error("expression {expression:?} has no real, finite value for {technique} ({values}): {message}; hint: guard the case, e.g. `b != 0 ? a / b : 0`")]
    Evaluation {
        /// The expression as given.
        expression: String,
        /// The technique (and tactic) evaluated.
        technique: String,
        /// The variable values, `a=1, b=0`.
        values: String,
        /// Why.
        message: String,
    },
    /// The layers do not share a domain (or ATT&CK version).
    #[error("the layers do not share {what}: {details}")]
    Mismatch {
        /// `a domain` or `an ATT&CK version`.
        what: String,
        /// Which layer has which value.
        details: String,
    },
    /// More layers than variables, or none.
    #[error("{0}")]
    LayerCount(String),
    /// A constant expression needs the catalogue to know every technique.
    #[error("expression {expression:?} uses no layer variable, so it scores every technique of the domain: this needs ATT&CK data (pass --data)")]
    ConstantNeedsCatalogue {
        /// The expression as given.
        expression: String,
    },
    /// A platform is not in the ATT&CK data.
    #[error("unknown platform {platform:?} in {domain} {release}: the platforms are {available}")]
    UnknownPlatform {
        /// The platform given.
        platform: String,
        /// Domain of the data.
        domain: String,
        /// Release of the data.
        release: String,
        /// The platforms of the data.
        available: String,
    },
    /// An `--inherit` field is unknown.
    #[error("unknown field {0:?} to inherit: expected comments, colors, links, metadata, enabled, filters, legend, gradient or all")]
    UnknownInheritField(String),
}

/// Characters of the expression shown on each side of the column in an error.
const EXCERPT_SIDE: usize = 60;

/// The expression around `column` (at most [`EXCERPT_SIDE`] characters on each side, `…` where
/// cut) and a caret under the column, indented two spaces. Control and bidirectional-override
/// characters are shown as `?` so a hostile expression cannot drive the terminal, and so the caret
/// stays aligned.
fn excerpt(expression: &str, column: usize) -> String {
    let chars: Vec<char> = expression.chars().collect();
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(EXCERPT_SIDE);
    let end = (at + EXCERPT_SIDE).min(chars.len());
    let mut line = String::from("  ");
    let mut caret = String::from("  ");
    if start > 0 {
        line.push('…');
        caret.push(' ');
    }
    for &c in &chars[start..end] {
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        line.push(if c.is_control() || bidi { '?' } else { c });
    }
    if end < chars.len() {
        line.push('…');
    }
    caret.push_str(&" ".repeat(at - start));
    caret.push('^');
    format!("{line}\n{caret}")
}
