//! # navlayer-render
//!
//! The format-neutral matrix view of an ATT&CK Navigator layer ([`MatrixView`]): tactic
//! columns in matrix order, techniques and sub-techniques as the layer shows them (sorting,
//! hideDisabled, platform filters, expanded sub-techniques, aggregate scores, showID/showName),
//! cell colours (disabled, explicit colour, aggregate colour, gradient) with a readable text
//! colour, plus the escaping helpers every output uses. Each output format lives in its own
//! crate: `navlayer-render-svg` (SVG, PNG), `navlayer-render-html`, `navlayer-render-xlsx`,
//! `navlayer-render-table` (CSV, Markdown).

pub mod color;
pub mod escape;
pub mod options;
pub mod view;

pub use color::{GradientScale, Rgb};
pub use options::{Expand, Orientation, PageSize, Palette, RenderOptions, Theme};
pub use view::{
    format_score, links_text, metadata_text, Cell, Column, EntryRow, LegendEntry, Link, MatrixView,
    Meta, ENTRY_HEADERS,
};

/// Errors of the render crates.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// An option value that does not parse.
    #[error("invalid {option} {value:?}: {hint}")]
    Option {
        /// The option.
        option: String,
        /// The value given.
        value: String,
        /// What is accepted.
        hint: String,
    },
    /// An output backend failed.
    #[error("{format} output failed: {message}")]
    Backend {
        /// The format (`png`, `xlsx`, …).
        format: &'static str,
        /// What went wrong.
        message: String,
    },
}
