//! # navlayer-render
//!
//! Input: a [`navlayer_layer::Layer`] and the [`navlayer_attack::Catalogue`] of its release.
//! Output: a format-neutral [`MatrixView`] and its page [`layout::Drawing`] for the format crates
//! (`navlayer-render-svg` for SVG and PNG, `navlayer-render-pdf`, `navlayer-render-html`,
//! `navlayer-render-xlsx`, `navlayer-render-table` for CSV and Markdown).
//!
//! # Steps
//! 1. [`MatrixView::build`]: tactic columns in matrix order (per matrix of the domain), techniques
//!    and sub-techniques as the layer shows them (sorting, hideDisabled, platform filters,
//!    expanded sub-techniques, `annotatedOnly`, aggregate scores, showID/showName), cell colours
//!    (disabled, explicit colour, aggregate colour, gradient) with a readable text colour.
//! 2. [`layout::layout`]: the page: the Navigator's header boxes, side / flat / mini matrix, and
//!    the largest cell font at which every label fits (or, with `fit: auto`, the smallest preset
//!    page at which text stays at least 6 pt).
//! 3. A format crate draws the view (HTML, XLSX, tables) or the drawing (SVG, PNG, PDF).
//!
//! [`RenderOptions`] deserialises from camelCase JSON, so every caller passes the same options.

pub mod color;
pub mod escape;
pub mod layout;
pub mod options;
pub mod text;
pub mod view;

pub use color::{GradientScale, Rgb};
pub use layout::{layout, Drawing};
pub use options::{
    Fit, HeaderParts, LayoutKind, Marks, Orientation, PageSize, Pages, Palette, RenderOptions,
    Scores, Subtechniques, Theme,
};
pub use view::{
    format_score, links_text, metadata_text, Cell, Column, EntryRow, LegendEntry, Link, MatrixInfo,
    MatrixView, Meta, ENTRY_HEADERS,
};

/// Errors of the render crates.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    /// The stated minimum text size cannot be met.
    #[error("cell text would be {size} pt on {page}, below the minimum of {min} pt (hint: use --fit auto, a larger --page, or lower --min-font-size)")]
    Unreadable {
        /// The size the page allows, in points.
        size: f64,
        /// The minimum asked for.
        min: f64,
        /// The page tried.
        page: String,
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
