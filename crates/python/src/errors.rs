//! Errors of the library crates as Python exceptions (`navlayer._errors`), carrying the message,
//! the file, the JSON pointer and the line/column where the library knows them.

use std::path::Path;

use pyo3::exceptions::{PyFileExistsError, PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Which Python exception a [`Failure`] becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// `navlayer.LayerError`
    Layer,
    /// `navlayer.DataError`
    Data,
    /// `navlayer.OpsError`
    Ops,
    /// `navlayer.GenerateError`
    Generate,
    /// `navlayer.MigrateError`
    Migrate,
    /// `navlayer.RenderError`
    Render,
    /// `navlayer.CoverageError`
    Coverage,
    /// `navlayer.InternalError` (a caught panic)
    Internal,
    /// `ValueError` (a bad argument)
    Value,
    /// `TypeError` (an argument of the wrong type, an unknown option)
    Type,
    /// `FileExistsError` (a write that would replace a file without `force=True`)
    Exists,
    /// `OSError` (writing a file failed)
    Os,
}

impl Class {
    fn navlayer_name(self) -> Option<&'static str> {
        Some(match self {
            Class::Layer => "LayerError",
            Class::Data => "DataError",
            Class::Ops => "OpsError",
            Class::Generate => "GenerateError",
            Class::Migrate => "MigrateError",
            Class::Render => "RenderError",
            Class::Coverage => "CoverageError",
            Class::Internal => "InternalError",
            _ => return None,
        })
    }
}

/// An error produced while detached from the interpreter; becomes a Python exception once
/// re-attached ([`Failure::into_pyerr`]).
#[derive(Debug, Clone)]
pub struct Failure {
    /// The exception class.
    pub class: Class,
    /// The message (the library error's `Display`).
    pub message: String,
    /// Where, as far as the library says.
    pub at: Box<Location>,
}

/// Where a failure is: the exception's attributes besides the message.
#[derive(Debug, Clone, Default)]
pub struct Location {
    /// The file concerned.
    pub path: Option<String>,
    /// JSON pointer of the offending value.
    pub pointer: Option<String>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
    /// Stable category name.
    pub kind: Option<String>,
}

impl Failure {
    /// A failure with a message only.
    pub fn new(class: Class, message: impl Into<String>) -> Failure {
        Failure {
            class,
            message: message.into(),
            at: Box::default(),
        }
    }

    /// Sets the stable category name.
    pub fn kind(mut self, kind: &str) -> Failure {
        self.at.kind = Some(kind.to_string());
        self
    }

    /// Sets the file concerned.
    pub fn path(mut self, path: impl AsRef<Path>) -> Failure {
        self.at.path = Some(path.as_ref().display().to_string());
        self
    }

    /// Sets the JSON pointer.
    pub fn pointer(mut self, pointer: impl Into<String>) -> Failure {
        self.at.pointer = Some(pointer.into());
        self
    }

    /// Sets the column (in a file, or in an expression).
    pub fn column(mut self, column: usize) -> Failure {
        self.at.column = Some(column);
        self
    }

    fn at(mut self, line: usize, column: usize) -> Failure {
        self.at.line = Some(line);
        self.column(column)
    }

    /// The Python exception.
    pub fn into_pyerr(self, py: Python<'_>) -> PyErr {
        match self.class.navlayer_name() {
            Some(name) => match self.build(py, name) {
                Ok(err) | Err(err) => err,
            },
            None => match self.class {
                Class::Type => PyTypeError::new_err(self.message),
                Class::Exists => PyFileExistsError::new_err(self.message),
                Class::Os => PyOSError::new_err(self.message),
                _ => PyValueError::new_err(self.message),
            },
        }
    }

    fn build(&self, py: Python<'_>, name: &str) -> PyResult<PyErr> {
        let class = py.import("navlayer._errors")?.getattr(name)?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("path", &self.at.path)?;
        kwargs.set_item("pointer", &self.at.pointer)?;
        kwargs.set_item("line", self.at.line)?;
        kwargs.set_item("column", self.at.column)?;
        kwargs.set_item("kind", &self.at.kind)?;
        let value = class.call((self.message.as_str(),), Some(&kwargs))?;
        Ok(PyErr::from_value(value))
    }
}

/// `Result` of work done detached from the interpreter.
pub type Outcome<T> = Result<T, Failure>;

impl From<navlayer_attack::AttackError> for Failure {
    fn from(e: navlayer_attack::AttackError) -> Failure {
        use navlayer_attack::AttackError as E;
        let message = e.to_string();
        let f = Failure::new(Class::Data, message);
        match &e {
            E::Io { path, .. } => f.path(path).kind("io"),
            E::Json {
                path, line, column, ..
            } => f.path(path).at(*line, *column).kind("json"),
            E::NotABundle { path, .. } => f.path(path).pointer("").kind("not-a-bundle"),
            E::UnknownBundleDomain { path, .. } => f.path(path).kind("unknown-domain"),
            E::UnknownRelease { path } => f.path(path).kind("unknown-release"),
            E::UnknownDomain { .. } => f.kind("unknown-domain"),
            E::BadRelease { .. } => f.kind("bad-release"),
            E::TooLarge { path, .. } => f.path(path).kind("too-large"),
        }
    }
}

impl From<navlayer_source::SourceError> for Failure {
    fn from(e: navlayer_source::SourceError) -> Failure {
        Failure::new(Class::Data, e.to_string()).kind("source")
    }
}

impl From<navlayer_layer::LayerError> for Failure {
    fn from(e: navlayer_layer::LayerError) -> Failure {
        use navlayer_layer::LayerError as E;
        let f = Failure::new(Class::Layer, e.to_string()).kind(e.kind());
        match &e {
            E::Io { path, .. } => f.path(path),
            E::TooLarge { input, .. } => f.path(input),
            E::Encoding {
                input,
                line,
                column,
                ..
            }
            | E::Json {
                input,
                line,
                column,
                ..
            } => f.path(input).at(*line, *column),
            E::NotALayer { input, pointer, .. } => f.path(input).pointer(pointer.clone()),
        }
    }
}

impl From<navlayer_ops::OpsError> for Failure {
    fn from(e: navlayer_ops::OpsError) -> Failure {
        use navlayer_ops::OpsError as E;
        let f = Failure::new(Class::Ops, e.to_string());
        match &e {
            E::ExpressionSyntax { column, .. }
            | E::ExpressionName { column, .. }
            | E::UnboundVariable { column, .. } => f.column(*column).kind("expression"),
            E::Evaluation { .. } => f.kind("evaluation"),
            E::Mismatch { .. } => f.kind("mismatch"),
            _ => f.kind("ops"),
        }
    }
}

impl From<navlayer_generate::GenerateError> for Failure {
    fn from(e: navlayer_generate::GenerateError) -> Failure {
        let kind = if e.is_no_techniques() {
            "no-techniques"
        } else {
            "generate"
        };
        Failure::new(Class::Generate, e.to_string()).kind(kind)
    }
}

impl From<navlayer_migrate::MigrateError> for Failure {
    fn from(e: navlayer_migrate::MigrateError) -> Failure {
        Failure::new(Class::Migrate, e.to_string()).kind("migrate")
    }
}

impl From<navlayer_render::RenderError> for Failure {
    fn from(e: navlayer_render::RenderError) -> Failure {
        match e {
            // A render option that does not parse is a bad argument.
            navlayer_render::RenderError::Option { .. } => {
                Failure::new(Class::Value, e.to_string())
            }
            _ => Failure::new(Class::Render, e.to_string()).kind("render"),
        }
    }
}

impl From<navlayer_coverage::CoverageError> for Failure {
    fn from(e: navlayer_coverage::CoverageError) -> Failure {
        use navlayer_coverage::CoverageError as E;
        let message = e.to_string();
        match &e {
            // An option value the run cannot use is a bad argument.
            E::BadOption(_) | E::BadDate(_) | E::UnknownPlatform { .. } => {
                Failure::new(Class::Value, message)
            }
            E::Io { path, .. } | E::Dates { path, .. } => Failure::new(Class::Coverage, message)
                .path(path)
                .kind(e.kind()),
            _ => Failure::new(Class::Coverage, message).kind(e.kind()),
        }
    }
}
