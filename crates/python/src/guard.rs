//! The two ways into the engine: detached from the interpreter (loads, renders, every long
//! computation: other Python threads keep running) and attached (building Python objects). Both
//! turn a Rust panic into `navlayer.InternalError`, so a panic never unwinds into Python.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::prelude::*;

use crate::errors::{Class, Failure, Outcome};

/// Runs `work` with the interpreter released (the GIL, on builds that have one).
pub fn detached<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> Outcome<T> + Send,
{
    let result = py.detach(|| catch_unwind(AssertUnwindSafe(work)));
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(failure)) => Err(failure.into_pyerr(py)),
        Err(panic) => Err(panicked(panic).into_pyerr(py)),
    }
}

/// Runs `work` attached to the interpreter (it builds Python objects).
pub fn attached<T>(py: Python<'_>, work: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(panic) => Err(panicked(panic).into_pyerr(py)),
    }
}

fn panicked(panic: Box<dyn Any + Send>) -> Failure {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string());
    Failure::new(
        Class::Internal,
        format!("internal error in navlayer (a bug; please report it): {what}"),
    )
    .kind("panic")
}

/// Panics inside the engine, detached or not (`navlayer._navlayer._panic_for_tests`): lets the
/// test suite prove that a panic becomes `navlayer.InternalError` and leaves the interpreter
/// usable.
#[pyfunction]
#[pyo3(signature = (message, detach = true))]
pub fn _panic_for_tests(py: Python<'_>, message: String, detach: bool) -> PyResult<()> {
    if detach {
        detached(py, move || -> Outcome<()> { panic!("{message}") })
    } else {
        attached(py, move || -> PyResult<()> { panic!("{message}") })
    }
}
