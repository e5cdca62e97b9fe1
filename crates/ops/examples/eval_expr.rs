//! Evaluates score expressions read from stdin, one per line, with a=1, b=2, … given as
//! arguments (`eval_expr 7 3 0` sets a=7, b=3, c=0). Prints one result per line: the number,
//! or `error: …`. Used to compare the evaluator with math.js (see docs/combine.md).

use std::io::{BufRead, Write};

use navlayer_ops::expr::{fmt_number, Expr, Value};

fn main() {
    let values: Vec<f64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines().map_while(Result::ok) {
        let result = match Expr::parse(&line) {
            Err(e) => format!("error: {}", e.to_string().lines().next().unwrap_or("")),
            Ok(expr) => match expr.evaluate(&values) {
                Ok(Value::Bool(b)) => b.to_string(),
                Ok(Value::Number(n)) => fmt_number(n),
                Err(e) => format!("error: {e}"),
            },
        };
        if writeln!(out, "{result}").is_err() {
            break;
        }
    }
}
