//! Sheets built row by row the way pandas builds a DataFrame from a list of dicts: columns in the
//! order their keys first appear, missing cells empty.

use std::sync::Arc;

use serde_json::Value;

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// No value (pandas' NaN): an empty cell.
    Empty,
    /// Text (shared: the same relationship row appears in several sheets).
    Text(Arc<str>),
    /// A boolean (`is sub-technique`, `supports remote`).
    Bool(bool),
}

impl Cell {
    /// The cell as text (`TRUE`/`FALSE` for booleans, as Excel shows them).
    pub fn text(&self) -> &str {
        match self {
            Cell::Empty => "",
            Cell::Text(t) => t,
            Cell::Bool(true) => "True",
            Cell::Bool(false) => "False",
        }
    }
}

/// A merged range of a matrix sheet (0-based, inclusive), with the text it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    /// First row.
    pub first_row: u32,
    /// First column.
    pub first_col: u16,
    /// Last row.
    pub last_row: u32,
    /// Last column.
    pub last_col: u16,
    /// The text.
    pub text: String,
    /// True for a tactic header (bold, centred), false for a technique with sub-techniques.
    pub header: bool,
}

/// One sheet: a header row and rows of cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    /// Sheet name (at most 31 characters).
    pub name: String,
    /// Column headers.
    pub columns: Vec<String>,
    /// Rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
    /// Merged ranges (matrices only).
    pub merges: Vec<Merge>,
}

/// Key equality; keys are string constants, so most comparisons are settled by the pointer.
fn same_key(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}

/// One row being built: key/value pairs in insertion order; setting a key again replaces its
/// value in place (as a dict does).
#[derive(Debug, Default, Clone)]
pub struct Row(Vec<(&'static str, Cell)>);

impl Row {
    /// Sets a value.
    pub fn set(&mut self, key: &'static str, value: Cell) {
        match self.0.iter_mut().find(|(k, _)| same_key(k, key)) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// Sets a text value.
    pub fn text(&mut self, key: &'static str, value: impl Into<Arc<str>>) {
        self.set(key, Cell::Text(value.into()));
    }

    /// The value of a key.
    pub fn get(&self, key: &str) -> Option<&Cell> {
        self.0
            .iter()
            .find(|(k, _)| same_key(k, key))
            .map(|(_, v)| v)
    }

    /// Takes the value of a key out of the row.
    fn take(&mut self, key: &str) -> Cell {
        match self.0.iter_mut().find(|(k, _)| same_key(k, key)) {
            Some((_, v)) => std::mem::replace(v, Cell::Empty),
            None => Cell::Empty,
        }
    }
}

/// A table being built from rows.
#[derive(Debug, Default, Clone)]
pub struct Table {
    columns: Vec<&'static str>,
    rows: Vec<Row>,
}

impl Table {
    /// Adds a row; its new keys become new columns.
    pub fn push(&mut self, row: Row) {
        for (k, _) in &row.0 {
            if !self.columns.iter().any(|c| same_key(c, k)) {
                self.columns.push(k);
            }
        }
        self.rows.push(row);
    }

    /// True when the table has no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Rows, for post-processing.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Sorts rows by the text of a column (stable, empty last).
    pub fn sort_by(&mut self, column: &str) {
        fn key<'r>(r: &'r Row, column: &str) -> Option<&'r str> {
            r.get(column).map(Cell::text)
        }
        self.rows
            .sort_by(|a, b| match (key(a, column), key(b, column)) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
    }

    /// Adds a column at the end with one value per row (in row order).
    pub fn add_column(&mut self, name: &'static str, values: Vec<Cell>) {
        for (row, v) in self.rows.iter_mut().zip(values) {
            row.set(name, v);
        }
        if !self.columns.iter().any(|c| same_key(c, name)) {
            self.columns.push(name);
        }
    }

    /// The same columns, no rows.
    pub fn header_only(&self) -> Table {
        Table {
            columns: self.columns.clone(),
            rows: Vec::new(),
        }
    }

    /// Keeps only these columns, in this order (pandas' `reindex(columns=…)`).
    pub fn reindex(&mut self, columns: &[&'static str]) {
        self.columns = columns.to_vec();
    }

    /// The finished sheet.
    pub fn into_sheet(self, name: &str) -> Sheet {
        let columns = &self.columns;
        let rows = self
            .rows
            .into_iter()
            .map(|mut r| columns.iter().map(|c| r.take(c)).collect())
            .collect();
        Sheet {
            name: name.to_string(),
            columns: self.columns.iter().map(|c| c.to_string()).collect(),
            rows,
            merges: Vec::new(),
        }
    }
}

/// A string field of a STIX object.
pub fn str_field<'a>(o: &'a Value, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Value::as_str)
}

/// A list-of-strings field of a STIX object.
pub fn list_field<'a>(o: &'a Value, key: &str) -> Option<Vec<&'a str>> {
    o.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
}

/// `", ".join(sorted(list))`.
pub fn join_sorted(mut items: Vec<&str>, sep: &str) -> String {
    items.sort_unstable();
    items.join(sep)
}

/// `", ".join(sorted(list, key=str.lower))`.
pub fn join_sorted_lower(mut items: Vec<&str>) -> String {
    items.sort_by_key(|s| s.to_lowercase());
    items.join(", ")
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A STIX timestamp as attackToExcel writes it: `15 April 2025`.
pub fn format_date(timestamp: &str) -> String {
    let date = timestamp.get(..10).unwrap_or(timestamp);
    let mut parts = date.split('-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return timestamp.to_string();
    };
    match m
        .parse::<usize>()
        .ok()
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
    {
        Some(month) => format!("{d} {month} {y}"),
        None => timestamp.to_string(),
    }
}
