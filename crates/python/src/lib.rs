//! # navlayer-python
//!
//! navlayer for Python: the extension module `navlayer._navlayer`, built with PyO3 and maturin
//! (abi3, CPython ≥ 3.9), wrapped by the Python package in `python/navlayer` (the public API,
//! type stubs, `navlayer.compat`). Input: everything the library crates offer (catalogue,
//! layers, generate, ops, migrate, render, coverage); output: Python objects. Thin: every
//! computation is a call into a library crate; this crate converts arguments and results,
//! releases the interpreter during long work, and turns errors and panics into Python
//! exceptions.
//!
//! Layout: [`catalogue`] (`navlayer.Catalogue`), [`layer`] (`navlayer.Layer`, `Finding`),
//! [`ops`] (module functions), [`render`], [`coverage`] (coverage, heatmap, gaps), [`compat`]
//! (the engine of `navlayer.compat.MitreAttackData`), [`json`] (JSON text straight to Python
//! objects), [`errors`] and [`guard`] (exceptions, released interpreter, caught panics),
//! [`source`] (where a catalogue's bundle comes from).

mod catalogue;
mod compat;
mod coverage;
mod errors;
mod guard;
mod json;
mod layer;
mod ops;
mod render;
mod source;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _navlayer(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<catalogue::PyCatalogue>()?;
    m.add_class::<layer::PyLayer>()?;
    m.add_class::<layer::PyFinding>()?;
    m.add_class::<compat::CompatCore>()?;
    m.add_function(wrap_pyfunction!(ops::generate, m)?)?;
    m.add_function(wrap_pyfunction!(ops::generate_json, m)?)?;
    m.add_function(wrap_pyfunction!(ops::combine, m)?)?;
    m.add_function(wrap_pyfunction!(ops::diff, m)?)?;
    m.add_function(wrap_pyfunction!(ops::diff_layer, m)?)?;
    m.add_function(wrap_pyfunction!(ops::stats, m)?)?;
    m.add_function(wrap_pyfunction!(ops::filter_platforms, m)?)?;
    m.add_function(wrap_pyfunction!(ops::migrate, m)?)?;
    m.add_function(wrap_pyfunction!(ops::release_diff, m)?)?;
    m.add_function(wrap_pyfunction!(coverage::coverage, m)?)?;
    m.add_function(wrap_pyfunction!(coverage::coverage_from_texts, m)?)?;
    m.add_function(wrap_pyfunction!(coverage::heatmap, m)?)?;
    m.add_function(wrap_pyfunction!(coverage::gaps, m)?)?;
    m.add_function(wrap_pyfunction!(guard::_panic_for_tests, m)?)?;
    Ok(())
}
