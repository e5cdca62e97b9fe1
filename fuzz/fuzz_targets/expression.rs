//! Fuzz target for the score expression language: any text must parse or give a syntax error,
//! never panic or overflow the stack, and whatever parses must evaluate (to a value or an
//! error) on a few variable bindings.
//!
//! Run: `cargo +nightly fuzz run expression fuzz/corpus/expression -- -max_total_time=300`
#![no_main]

use libfuzzer_sys::fuzz_target;
use navlayer_ops::Expr;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(expr) = Expr::parse(text) {
        for values in [&[][..], &[1.0, 0.0, -2.5], &[f64::MAX, f64::MIN_POSITIVE, 1e-300]] {
            let _ = expr.evaluate(values);
            let _ = expr.evaluate_number(values);
        }
        // Display of the variables and the source never panics either.
        let _ = (expr.variables(), expr.source());
    } else if let Err(e) = Expr::parse(text) {
        let _ = e.to_string();
    }
});
