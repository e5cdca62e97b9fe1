//! Aggregate scores of parent techniques, computed from the parent's own score and its
//! sub-techniques' scores exactly as the ATT&CK Navigator does
//! (`ViewModel.calculateAggregateScore` in attack-navigator's `nav-app/src/app/classes/view-model.ts`).
//!
//! The rules, for one parent technique in one tactic:
//!
//! * the scores taken are the parent's own score **and** the score of every *scored*
//!   sub-technique; an unscored parent still contributes `0` to `min`, `max` and `sum`
//!   (the Navigator starts its list with the parent's score or 0);
//! * when neither the parent nor any sub-technique is scored there is no aggregate (`None`);
//! * `average` divides the sum by the number of scored techniques (parent included when scored),
//!   or, with `countUnscored`, by the number of sub-techniques + 1 (unscored ones then count as 0);
//!   `countUnscored` has no effect on `min`, `max` and `sum`;
//! * the result is rounded to two decimals like JavaScript's `toFixed(2)` (ties away from zero
//!   on the exact binary value: `0.125` → `0.13`, `1.005` → `1.00`).
//!
//! `layout.aggregateFunction` is read like the Navigator reads it: exactly `average`, `min`,
//! `max` or `sum` (lower case); anything else, or no value, means `average`.
//!
//! ```
//! use navlayer_ops::aggregate::{aggregate_score, AggregateFunction, AggregateOptions};
//! let options = AggregateOptions { function: AggregateFunction::Average, count_unscored: false };
//! // Parent unscored, sub-techniques 5, unscored, 10: (5 + 10) / 2.
//! assert_eq!(aggregate_score(options, None, [Some(5.0), None, Some(10.0)]), Some(7.5));
//! let options = AggregateOptions { count_unscored: true, ..options };
//! // Counting unscored: (0 + 5 + 0 + 10) / 4.
//! assert_eq!(aggregate_score(options, None, [Some(5.0), None, Some(10.0)]), Some(3.75));
//! ```

use std::fmt;
use std::str::FromStr;

use navlayer_layer::{Layer, Layout};

use crate::error::OpsError;

/// How a parent's aggregate score is computed from its sub-techniques (`layout.aggregateFunction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AggregateFunction {
    /// Mean of the scores (the Navigator's default).
    #[default]
    Average,
    /// Smallest score (an unscored parent counts as 0).
    Min,
    /// Largest score (an unscored parent counts as 0).
    Max,
    /// Sum of the scores.
    Sum,
}

impl AggregateFunction {
    /// Every function, in the Navigator's order.
    pub const ALL: [AggregateFunction; 4] = [
        AggregateFunction::Average,
        AggregateFunction::Min,
        AggregateFunction::Max,
        AggregateFunction::Sum,
    ];

    /// The layer-file spelling: `average`, `min`, `max`, `sum`.
    pub fn as_str(self) -> &'static str {
        match self {
            AggregateFunction::Average => "average",
            AggregateFunction::Min => "min",
            AggregateFunction::Max => "max",
            AggregateFunction::Sum => "sum",
        }
    }

    /// Parses the layer-file spelling exactly as the Navigator accepts it (case-sensitive).
    pub fn parse(text: &str) -> Option<AggregateFunction> {
        AggregateFunction::ALL
            .into_iter()
            .find(|f| f.as_str() == text)
    }

    /// The function a layout asks for: `aggregateFunction` when it is one of the four values,
    /// else `average` (the Navigator ignores other values and keeps its default).
    pub fn from_layout(layout: Option<&Layout>) -> AggregateFunction {
        layout
            .and_then(|l| l.aggregate_function.as_deref())
            .and_then(AggregateFunction::parse)
            .unwrap_or_default()
    }
}

impl fmt::Display for AggregateFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AggregateFunction {
    type Err = OpsError;

    fn from_str(s: &str) -> Result<AggregateFunction, OpsError> {
        AggregateFunction::parse(s).ok_or_else(|| OpsError::UnknownAggregateFunction {
            value: s.to_string(),
        })
    }
}

/// The two layout settings that drive aggregation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AggregateOptions {
    /// `layout.aggregateFunction`.
    pub function: AggregateFunction,
    /// `layout.countUnscored` (only meaningful for `average`).
    pub count_unscored: bool,
}

impl AggregateOptions {
    /// The options a layout asks for (missing layout or values: `average`, not counting unscored).
    pub fn from_layout(layout: Option<&Layout>) -> AggregateOptions {
        let function = AggregateFunction::from_layout(layout);
        // The Navigator's `countUnscored` getter is false unless the function is `average`.
        let count_unscored = function == AggregateFunction::Average
            && layout.and_then(|l| l.count_unscored).unwrap_or(false);
        AggregateOptions {
            function,
            count_unscored,
        }
    }

    /// The options of a layer's `layout` block.
    pub fn from_layer(layer: &Layer) -> AggregateOptions {
        AggregateOptions::from_layout(layer.layout.as_ref())
    }
}

/// The aggregate score of a parent technique in one tactic.
///
/// `own` is the parent's score there, `subtechniques` the score of **every** sub-technique of the
/// parent in the same tactic (`None` for unscored ones; their number matters for
/// `countUnscored`). Returns `None` when neither the parent nor any sub-technique is scored.
/// See the [module documentation](self) for the rules.
pub fn aggregate_score<I>(
    options: AggregateOptions,
    own: Option<f64>,
    subtechniques: I,
) -> Option<f64>
where
    I: IntoIterator<Item = Option<f64>>,
{
    let mut valid = usize::from(own.is_some());
    let mut total_subs = 0usize;
    // The Navigator's list starts with the parent's score, or 0 when it is unscored.
    let first = own.unwrap_or(0.0);
    let (mut sum, mut min, mut max) = (first, first, first);
    for score in subtechniques {
        total_subs += 1;
        if let Some(s) = score {
            valid += 1;
            sum += s;
            min = js_min(min, s);
            max = js_max(max, s);
        }
    }
    if valid == 0 {
        return None;
    }
    let value = match options.function {
        AggregateFunction::Min => min,
        AggregateFunction::Max => max,
        AggregateFunction::Sum => sum,
        AggregateFunction::Average => {
            let divisor = if options.count_unscored {
                total_subs + 1
            } else {
                valid
            };
            sum / divisor as f64
        }
    };
    Some(to_fixed_2(value))
}

/// `Math.min` on two numbers: NaN wins.
fn js_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
    }
}

/// `Math.max` on two numbers: NaN wins.
fn js_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// `+x.toFixed(2)` as JavaScript computes it: the exact binary value rounded to two decimals,
/// ties away from zero, read back as a number.
pub fn to_fixed_2(x: f64) -> f64 {
    if !x.is_finite() || x.abs() >= 1e21 {
        return x;
    }
    // An exact tie at the third decimal is a value k/8 with k odd (0.125, 0.375, …): the only
    // binary fractions whose decimal expansion ends in a 5 at the third place.
    let eighths = x * 8.0;
    if eighths.fract() == 0.0 && eighths.abs() < 9.0e15 && (eighths as i64) % 2 != 0 {
        // Exact: x * 100 = 12.5 k. f64::round rounds half away from zero, as toFixed does.
        let hundredths = (x * 100.0).round();
        return hundredths / 100.0;
    }
    // Otherwise Rust's formatting rounds the exact value correctly, like toFixed.
    format!("{x:.2}").parse().unwrap_or(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(function: AggregateFunction, count_unscored: bool) -> AggregateOptions {
        AggregateOptions {
            function,
            count_unscored,
        }
    }

    #[test]
    fn to_fixed_matches_javascript() {
        // Values checked against node: (x).toFixed(2).
        let cases = [
            (0.125, 0.13),
            (0.375, 0.38),
            (0.625, 0.63),
            (-0.125, -0.13),
            (1.005, 1.0),
            (2.675, 2.67),
            (12.345, 12.35),
            (1.0 / 3.0, 0.33),
            (2.0 / 3.0, 0.67),
            (7.5, 7.5),
        ];
        for (x, expected) in cases {
            assert_eq!(to_fixed_2(x), expected, "toFixed(2) of {x}");
        }
    }

    #[test]
    fn average_of_scored_only() {
        // Parent 1, subs 2, unscored, 4: (1 + 2 + 4) / 3.
        let got = aggregate_score(
            opts(AggregateFunction::Average, false),
            Some(1.0),
            [Some(2.0), None, Some(4.0)],
        );
        assert_eq!(got, Some(2.33));
    }

    #[test]
    fn average_counting_unscored_divides_by_all() {
        // Parent 1, subs 2, unscored, 4: (1 + 2 + 0 + 4) / 4.
        let got = aggregate_score(
            opts(AggregateFunction::Average, true),
            Some(1.0),
            [Some(2.0), None, Some(4.0)],
        );
        assert_eq!(got, Some(1.75));
    }

    #[test]
    fn unscored_parent_counts_as_zero_for_min_and_max() {
        let subs = [Some(5.0), Some(10.0)];
        assert_eq!(
            aggregate_score(opts(AggregateFunction::Min, false), None, subs),
            Some(0.0)
        );
        assert_eq!(
            aggregate_score(opts(AggregateFunction::Max, false), None, [Some(-3.0)]),
            Some(0.0)
        );
        assert_eq!(
            aggregate_score(opts(AggregateFunction::Max, false), None, subs),
            Some(10.0)
        );
        assert_eq!(
            aggregate_score(opts(AggregateFunction::Sum, false), None, subs),
            Some(15.0)
        );
        // ... but not for the average without countUnscored.
        assert_eq!(
            aggregate_score(opts(AggregateFunction::Average, false), None, subs),
            Some(7.5)
        );
    }

    #[test]
    fn nothing_scored_means_no_aggregate() {
        for f in AggregateFunction::ALL {
            assert_eq!(aggregate_score(opts(f, true), None, [None, None]), None);
            assert_eq!(aggregate_score(opts(f, false), None, []), None);
        }
    }

    #[test]
    fn parent_alone() {
        for f in AggregateFunction::ALL {
            assert_eq!(aggregate_score(opts(f, false), Some(42.0), []), Some(42.0));
        }
        // With countUnscored the average divides by subs + 1.
        assert_eq!(
            aggregate_score(opts(AggregateFunction::Average, true), Some(42.0), [None]),
            Some(21.0)
        );
    }

    #[test]
    fn layout_parsing_follows_the_navigator() {
        let mut layout = Layout {
            aggregate_function: Some("max".into()),
            count_unscored: Some(true),
            ..Layout::default()
        };
        // countUnscored only applies to average.
        assert_eq!(
            AggregateOptions::from_layout(Some(&layout)),
            opts(AggregateFunction::Max, false)
        );
        layout.aggregate_function = Some("MAX".into());
        assert_eq!(
            AggregateOptions::from_layout(Some(&layout)),
            opts(AggregateFunction::Average, true)
        );
        assert_eq!(
            AggregateOptions::from_layout(None),
            opts(AggregateFunction::Average, false)
        );
        assert!("median".parse::<AggregateFunction>().is_err());
        assert_eq!(
            "sum".parse::<AggregateFunction>().ok(),
            Some(AggregateFunction::Sum)
        );
    }
}
