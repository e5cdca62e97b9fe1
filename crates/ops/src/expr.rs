//! The score expression language of `combine`: the subset of math.js that the ATT&CK Navigator's
//! "create layer from other layers" accepts and that makes sense for scores, with math.js's
//! precedence and semantics (mathjs 12.4, the version the Navigator ships).
//!
//! * The expression is lower-cased first (the Navigator does the same), so `A + B` = `a + b`.
//! * Variables are the single letters `a` … `z`: the layers in argument order.
//! * Numbers: `3`, `2.5`, `.5`, `1e3`, `2.5e-2`. Constants: `true`, `false` (1 and 0 in
//!   arithmetic), `pi`.
//! * Operators, from the loosest to the tightest binding:
//!   `c ? x : y` (right-associative) · `or` · `xor` · `and` ·
//!   `== != < <= > >=` (chainable: `a < b < c` means `a < b and b < c`; equality is
//!   math.js's "nearly equal", relative tolerance 1e-12) · `+ -` · `* /` ·
//!   implicit multiplication (`2a`, `2(a + b)`, `(a)(b)`, `a b`) · `%` and `mod` ·
//!   unary `-`, `+`, `not` · `^` (right-associative, so `-2^2` = -4 and `2^-1` = 0.5).
//! * `x % y` is the modulus `x - y * floor(x / y)` (sign of `y`; `x % 0` = `x`), **but** a `%`
//!   followed by an operator, `)` or the end is a percentage, as in math.js: `50%` = 0.5,
//!   `a + 10%` = `a + a * 0.1`, and `7 % -3` is `7% - 3` = -2.93. Write `mod(7, -3)` or
//!   `7 % (-3)` for the modulus.
//! * `1/2a` is `(1/2) * a`: a number divided by a number followed by a name or `(` binds first
//!   (math.js's rule).
//! * Functions: `min max mean sum` (one or more arguments), `abs sqrt floor ceil sign`
//!   (one), `round(x)` and `round(x, n)` (n decimals, 0 – 15; halves away from zero on the
//!   shortest decimal form, so `round(1.005, 2)` = 1.01), `pow(x, y)`, `mod(x, y)`.
//!   `floor`, `ceil` and `round` first snap values within 1e-12 (relative) of a whole number.
//! * `and or xor not` treat 0 (and NaN) as false and anything else as true, and give booleans;
//!   comparisons give booleans; a boolean result becomes 1 or 0.
//! * A result that is not a real number (the square root or a fractional power of a negative
//!   number) is an error, as in the Navigator.
//!
//! Hostile expressions are bounded: at most [`MAX_TOKENS`] tokens and [`MAX_DEPTH`] levels of
//! nesting (parentheses, calls, unary operators, `^`, `?:`, `%`/`mod`), each refused with
//! an [`OpsError::ExpressionSyntax`] naming the limit. Left-associative chains (`a + b + …`,
//! `a * b * …`, `and`, `or`, `xor`) are one node evaluated in a loop, and `x + p%` refers to the
//! running value instead of copying `x`, so parsing and evaluation are linear in the input and
//! their recursion stays within the nesting limit.

use std::fmt::Write as _;

use crate::error::OpsError;

/// A value during evaluation: math.js keeps booleans as booleans until arithmetic needs a number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A number.
    Number(f64),
    /// A boolean (from a comparison, `and`, `or`, `xor`, `not`, `true`, `false`).
    Bool(bool),
}

impl Value {
    /// The number: booleans are 1 and 0.
    pub fn as_number(self) -> f64 {
        match self {
            Value::Number(n) => n,
            Value::Bool(b) => f64::from(u8::from(b)),
        }
    }

    /// Truthiness: 0 and NaN are false.
    pub fn truthy(self) -> bool {
        match self {
            Value::Number(n) => n != 0.0 && !n.is_nan(),
            Value::Bool(b) => b,
        }
    }
}

/// Number of variables (`a` … `z`).
pub const MAX_VARIABLES: usize = 26;

/// Deepest nesting an expression may have: each parenthesis, function call, unary operator,
/// `^`, `?` and `%`/`mod` opens a level. Real expressions nest a few levels; at 64 the parser and
/// the evaluator need under 256 KiB of stack in a release build and about 1.5 MiB in a debug
/// build, inside the 2 MiB of a tokio worker (typst's parser allows 256 on an 8 MiB main thread).
pub const MAX_DEPTH: usize = 64;

/// Most tokens (numbers, names, operators) an expression may have. An expression over 26 layers
/// needs a few dozen; the cap keeps parsing, the tree and evaluation small whatever is sent.
pub const MAX_TOKENS: usize = 10_000;

/// A parsed score expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    source: String,
    root: Node,
    /// Variables used (0 = `a`), with the column of their first use, sorted by variable.
    variables: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Num(f64),
    Bool(bool),
    Var(usize),
    /// `( … )`: transparent, but math.js's implicit multiplication rules look at it.
    Paren(Box<Node>),
    Unary(UnOp, Box<Node>),
    Binary(BinOp, Box<Node>, Box<Node>),
    /// A left-associative chain `x op y op z …` of one precedence level, evaluated in a loop
    /// (a left-deep tree of 10,000 terms would need 10,000 stack frames to evaluate and drop).
    Chain(Box<Node>, Vec<Link>),
    /// `x%` (= x / 100), remembered for the `a + 10%` rule.
    Percent(Box<Node>),
    /// Chained comparison: operands and the operators between them.
    Compare(Vec<CmpOp>, Vec<Node>),
    Cond(Box<Node>, Box<Node>, Box<Node>),
    Call(Func, Vec<Node>),
}

/// One step of a [`Node::Chain`]: `op node`, applied to the value so far.
#[derive(Debug, Clone, PartialEq)]
struct Link {
    op: BinOp,
    /// math.js's `x + p%` = `x + x * p%`: the operand is a percentage of the value so far
    /// (kept as a flag, not a copy of `x`: copying made `x + 1% + 1% + …` exponential).
    percent_of_running: bool,
    node: Node,
}

/// An operator of the infix levels (see [`Parser::binary`]).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Infix {
    Bin(BinOp),
    Cmp(CmpOp),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum UnOp {
    Neg,
    Plus,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    And,
    Or,
    Xor,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Func {
    Min,
    Max,
    Mean,
    Sum,
    Abs,
    Sqrt,
    Floor,
    Ceil,
    Sign,
    Round,
    Pow,
    Mod,
}

impl Func {
    const ALL: [(&'static str, Func); 12] = [
        ("min", Func::Min),
        ("max", Func::Max),
        ("mean", Func::Mean),
        ("sum", Func::Sum),
        ("abs", Func::Abs),
        ("sqrt", Func::Sqrt),
        ("floor", Func::Floor),
        ("ceil", Func::Ceil),
        ("sign", Func::Sign),
        ("round", Func::Round),
        ("pow", Func::Pow),
        ("mod", Func::Mod),
    ];

    fn by_name(name: &str) -> Option<Func> {
        Func::ALL.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }

    fn name(self) -> &'static str {
        Func::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }

    /// Allowed argument counts (min, max).
    fn arity(self) -> (usize, usize) {
        match self {
            Func::Min | Func::Max | Func::Mean | Func::Sum => (1, usize::MAX),
            Func::Abs | Func::Sqrt | Func::Floor | Func::Ceil | Func::Sign => (1, 1),
            Func::Round => (1, 2),
            Func::Pow | Func::Mod => (2, 2),
        }
    }

    fn list() -> String {
        Func::ALL
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

// ---------------------------------------------------------------- tokens

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    /// A name (variable, function, constant).
    Name(String),
    /// An operator or punctuation, including the named operators `and or xor not mod`.
    Op(&'static str),
    /// Operators math.js knows but this language does not support.
    Unsupported(String),
    End,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    /// 1-based column (in characters) of the token's first character.
    column: usize,
}

const OPS3: [&str; 1] = [">>>"];
const OPS2: [&str; 10] = ["==", "!=", "<=", ">=", "<<", ">>", ".*", "./", ".^", "^|"];
const OPS1: [&str; 22] = [
    ",", "(", ")", "[", "]", "{", "}", "\"", "'", ";", "+", "-", "*", "/", "%", "^", "~", "!", "&",
    "|", "=", ":",
];
const NAMED_OPS: [&str; 7] = ["mod", "to", "in", "and", "xor", "or", "not"];
const SUPPORTED: [&str; 17] = [
    "==", "!=", "<=", ">=", "<", ">", ",", "(", ")", "+", "-", "*", "/", "%", "^", "?", ":",
];

fn tokenize(chars: &[char], source: &str) -> Result<Vec<Token>, OpsError> {
    let mut tokens = Vec::new();
    let mut i = 0;
    let syntax = |column: usize, message: String| OpsError::ExpressionSyntax {
        expression: source.to_string(),
        column,
        message,
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '#' {
            // A comment runs to the end of the line.
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let column = i + 1;
        if tokens.len() >= MAX_TOKENS {
            return Err(syntax(
                column,
                format!("the expression has more than {MAX_TOKENS} tokens (numbers, names, operators); combine fewer terms"),
            ));
        }
        let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
        if let Some(op) = OPS3.iter().find(|op| rest.starts_with(**op)) {
            tokens.push(Token {
                tok: Tok::Unsupported((*op).to_string()),
                column,
            });
            i += 3;
            continue;
        }
        if let Some(op) = OPS2.iter().find(|op| rest.starts_with(**op)) {
            let tok = if SUPPORTED.contains(op) {
                Tok::Op(op)
            } else {
                Tok::Unsupported((*op).to_string())
            };
            tokens.push(Token { tok, column });
            i += 2;
            continue;
        }
        if let Some(op) = ["<", ">", "?"]
            .iter()
            .chain(OPS1.iter())
            .find(|op| rest.starts_with(**op))
        {
            let tok = if SUPPORTED.contains(op) {
                Tok::Op(op)
            } else {
                Tok::Unsupported((*op).to_string())
            };
            tokens.push(Token { tok, column });
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || c == '.' {
            let start = i;
            if c == '0' && matches!(chars.get(i + 1), Some('x' | 'b' | 'o')) {
                return Err(syntax(
                    column,
                    "hexadecimal, binary and octal numbers are not supported".into(),
                ));
            }
            if c == '.' {
                i += 1;
                if !chars.get(i).is_some_and(char::is_ascii_digit) {
                    return Err(syntax(column, "a number was expected after \".\"".into()));
                }
            } else {
                while chars.get(i).is_some_and(char::is_ascii_digit) {
                    i += 1;
                }
                if chars.get(i) == Some(&'.') {
                    i += 1;
                }
            }
            while chars.get(i).is_some_and(char::is_ascii_digit) {
                i += 1;
            }
            if matches!(chars.get(i), Some('e')) {
                let next = chars.get(i + 1).copied();
                if next.is_some_and(|n| n.is_ascii_digit() || n == '+' || n == '-') {
                    i += 1;
                    if matches!(chars.get(i), Some('+' | '-')) {
                        i += 1;
                    }
                    if !chars.get(i).is_some_and(char::is_ascii_digit) {
                        return Err(syntax(i + 1, "a digit was expected in the exponent".into()));
                    }
                    while chars.get(i).is_some_and(char::is_ascii_digit) {
                        i += 1;
                    }
                    if chars.get(i) == Some(&'.') {
                        return Err(syntax(i + 1, "a digit was expected, not \".\"".into()));
                    }
                } else if next == Some('.') {
                    return Err(syntax(i + 2, "a digit was expected, not \".\"".into()));
                }
            }
            let text: String = chars[start..i].iter().collect();
            let value: f64 = text
                .parse()
                .map_err(|_| syntax(column, format!("{text:?} is not a number")))?;
            tokens.push(Token {
                tok: Tok::Num(value),
                column,
            });
            continue;
        }
        if c.is_alphabetic() || c == '_' || c == '$' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
            {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            let tok = match NAMED_OPS.iter().find(|op| **op == name) {
                Some(op) if ["mod", "and", "xor", "or", "not"].contains(op) => Tok::Op(op),
                Some(_) => Tok::Unsupported(name),
                None => Tok::Name(name),
            };
            tokens.push(Token { tok, column });
            continue;
        }
        return Err(syntax(column, format!("unexpected character {c:?}")));
    }
    tokens.push(Token {
        tok: Tok::End,
        column: chars.len() + 1,
    });
    Ok(tokens)
}

// ---------------------------------------------------------------- parser

struct Parser<'a> {
    tokens: Vec<Token>,
    pos: usize,
    source: &'a str,
    variables: Vec<(usize, usize)>,
    /// Current nesting (see [`MAX_DEPTH`]), raised by [`Parser::enter`] where a construct
    /// recurses: `(`, a call, `?`, a unary operator, `^`, and each `%`/`mod` of a chain. Every
    /// cycle of the recursive descent passes through one of them.
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(&self.peek().tok, Tok::Op(o) if *o == op)
    }

    fn advance(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn error(&self, column: usize, message: impl Into<String>) -> OpsError {
        OpsError::ExpressionSyntax {
            expression: self.source.to_string(),
            column,
            message: message.into(),
        }
    }

    /// One level deeper; refused past [`MAX_DEPTH`]. Pair with [`Parser::leave`].
    fn enter(&mut self) -> Result<(), OpsError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(
                self.peek().column,
                format!("the expression nests deeper than {MAX_DEPTH} levels (parentheses, function calls, unary operators, ^, ?:, % and mod each open one)"),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self, levels: usize) {
        self.depth -= levels;
    }

    /// The error for a token that cannot start or continue an expression here.
    fn unexpected(&self) -> OpsError {
        let t = self.peek();
        match &t.tok {
            Tok::End => self.error(t.column, "unexpected end of expression: a value was expected"),
            Tok::Unsupported(op) => self.error(
                t.column,
                format!(
                    "operator {op:?} is not supported (use + - * / ^ % mod == != < <= > >= and or xor not ? :)"
                ),
            ),
            Tok::Op(op) => self.error(t.column, format!("a value was expected, not {op:?}")),
            Tok::Num(_) | Tok::Name(_) => self.error(t.column, "unexpected value: an operator was expected"),
        }
    }

    fn parse(&mut self) -> Result<Node, OpsError> {
        if matches!(self.peek().tok, Tok::End) {
            return Err(self.error(1, "the expression is empty"));
        }
        let node = self.conditional()?;
        match &self.peek().tok {
            Tok::End => Ok(node),
            Tok::Op(")") => Err(self.error(self.peek().column, "unmatched \")\"")),
            Tok::Op(":") => Err(self.error(
                self.peek().column,
                "\":\" without a matching \"?\" (ranges are not supported)",
            )),
            Tok::Op(",") => Err(self.error(self.peek().column, "\",\" outside a function call")),
            Tok::Unsupported(_) => Err(self.unexpected()),
            Tok::Op(op) => {
                Err(self.error(self.peek().column, format!("unexpected operator {op:?}")))
            }
            Tok::Num(_) | Tok::Name(_) => Err(self.error(
                self.peek().column,
                "unexpected value: an operator was expected before it",
            )),
        }
    }

    fn conditional(&mut self) -> Result<Node, OpsError> {
        let mut node = self.binary(0)?;
        while self.is_op("?") {
            self.advance();
            self.enter()?;
            let branches = self.branches();
            self.leave(1);
            let (yes, no) = branches?;
            node = Node::Cond(Box::new(node), Box::new(yes), Box::new(no));
        }
        Ok(node)
    }

    /// `yes : no` of a conditional.
    fn branches(&mut self) -> Result<(Node, Node), OpsError> {
        {
            let yes = self.conditional()?;
            if !self.is_op(":") {
                return Err(self.error(
                    self.peek().column,
                    "\":\" expected: the false part of \"cond ? x : y\" is missing",
                ));
            }
            self.advance();
            let no = self.conditional()?;
            Ok((yes, no))
        }
    }

    /// The infix operator at the cursor, with its level: `or` 0, `xor` 1, `and` 2, comparisons
    /// 3, `+ -` 4, `* /` 5 (implicit multiplication, `%` and the rest bind tighter).
    fn infix(&self) -> Option<(Infix, u8)> {
        let Tok::Op(op) = &self.peek().tok else {
            return None;
        };
        Some(match *op {
            "or" => (Infix::Bin(BinOp::Or), 0),
            "xor" => (Infix::Bin(BinOp::Xor), 1),
            "and" => (Infix::Bin(BinOp::And), 2),
            "==" => (Infix::Cmp(CmpOp::Eq), 3),
            "!=" => (Infix::Cmp(CmpOp::Ne), 3),
            "<" => (Infix::Cmp(CmpOp::Lt), 3),
            "<=" => (Infix::Cmp(CmpOp::Le), 3),
            ">" => (Infix::Cmp(CmpOp::Gt), 3),
            ">=" => (Infix::Cmp(CmpOp::Ge), 3),
            "+" => (Infix::Bin(BinOp::Add), 4),
            "-" => (Infix::Bin(BinOp::Sub), 4),
            "*" => (Infix::Bin(BinOp::Mul), 5),
            "/" => (Infix::Bin(BinOp::Div), 5),
            _ => return None,
        })
    }

    /// The infix levels `or` … `* /` by precedence climbing: the same trees as one function per
    /// level, in a third of the stack frames per parenthesis. Operators of one level form one
    /// [`Node::Chain`] (left-associative) or [`Node::Compare`] (chained comparison).
    fn binary(&mut self, min: u8) -> Result<Node, OpsError> {
        let mut node = self.implicit()?;
        // The level of the chain `node` is when this call built it.
        let mut built: Option<u8> = None;
        while let Some((infix, level)) = self.infix() {
            if level < min {
                break;
            }
            self.advance();
            let right = self.binary(level + 1)?;
            let same = built == Some(level);
            node = match (infix, node) {
                (Infix::Cmp(op), Node::Compare(mut ops, mut operands)) if same => {
                    ops.push(op);
                    operands.push(right);
                    Node::Compare(ops, operands)
                }
                (Infix::Cmp(op), left) => Node::Compare(vec![op], vec![left, right]),
                (Infix::Bin(op), left) => {
                    // math.js: `x + p%` means `x + x * p%`.
                    let link = Link {
                        op,
                        percent_of_running: level == 4 && matches!(right, Node::Percent(_)),
                        node: right,
                    };
                    match left {
                        Node::Chain(first, mut links) if same => {
                            links.push(link);
                            Node::Chain(first, links)
                        }
                        left => Node::Chain(Box::new(left), vec![link]),
                    }
                }
            };
            built = Some(level);
        }
        Ok(node)
    }

    fn implicit(&mut self) -> Result<Node, OpsError> {
        let first = self.rule2()?;
        let mut last_kind = kind_of(&first);
        let mut links = Vec::new();
        loop {
            let go = match &self.peek().tok {
                Tok::Name(_) => true,
                Tok::Op("(") => true,
                Tok::Num(_) => last_kind == Kind::Other,
                _ => false,
            };
            if !go {
                break;
            }
            let node = self.rule2()?;
            last_kind = kind_of(&node);
            links.push(Link {
                op: BinOp::Mul,
                percent_of_running: false,
                node,
            });
        }
        Ok(if links.is_empty() {
            first
        } else {
            Node::Chain(Box::new(first), links)
        })
    }

    /// math.js's "number / number name" rule: `1/2a` is `(1/2) a`.
    fn rule2(&mut self) -> Result<Node, OpsError> {
        let first = self.modulus()?;
        let mut last_is_number = is_rule2_node(&first);
        let mut links = Vec::new();
        while self.is_op("/") && last_is_number {
            let after_slash = self.tokens.get(self.pos + 1).map(|t| &t.tok);
            let after_number = self.tokens.get(self.pos + 2).map(|t| &t.tok);
            let matches = matches!(after_slash, Some(Tok::Num(_)))
                && matches!(after_number, Some(Tok::Name(_)) | Some(Tok::Op("(")));
            if !matches {
                break;
            }
            self.advance();
            let node = self.modulus()?;
            last_is_number = is_rule2_node(&node);
            links.push(Link {
                op: BinOp::Div,
                percent_of_running: false,
                node,
            });
        }
        Ok(if links.is_empty() {
            first
        } else {
            Node::Chain(Box::new(first), links)
        })
    }

    fn modulus(&mut self) -> Result<Node, OpsError> {
        let mut node = self.unary()?;
        // Each `%` or `mod` wraps the tree built so far one level deeper.
        let mut levels = 0;
        let result = loop {
            let percent_sign = self.is_op("%");
            if !percent_sign && !self.is_op("mod") {
                break Ok(node);
            }
            if let Err(e) = self.enter() {
                break Err(e);
            }
            levels += 1;
            self.advance();
            let next_is_delimiter = matches!(&self.peek().tok, Tok::End | Tok::Unsupported(_))
                || matches!(&self.peek().tok, Tok::Op(op) if *op != "(" && *op != "not");
            // `not` is a named delimiter in math.js too, but it cannot follow a percentage.
            if percent_sign && (next_is_delimiter || self.is_op("not")) {
                node = Node::Percent(Box::new(node));
            } else {
                match self.unary() {
                    Ok(right) => node = Node::Binary(BinOp::Mod, Box::new(node), Box::new(right)),
                    Err(e) => break Err(e),
                }
            }
        };
        self.leave(levels);
        result
    }

    fn unary(&mut self) -> Result<Node, OpsError> {
        let op = if self.is_op("-") {
            UnOp::Neg
        } else if self.is_op("+") {
            UnOp::Plus
        } else if self.is_op("not") {
            UnOp::Not
        } else {
            return self.pow();
        };
        self.advance();
        self.enter()?;
        let operand = self.unary();
        self.leave(1);
        Ok(Node::Unary(op, Box::new(operand?)))
    }

    fn pow(&mut self) -> Result<Node, OpsError> {
        let node = self.primary()?;
        if self.is_op("^") {
            self.advance();
            // Back to unary: `2^-3`, and right-associative: `2^3^2` = 2^9.
            self.enter()?;
            let exponent = self.unary();
            self.leave(1);
            return Ok(Node::Binary(
                BinOp::Pow,
                Box::new(node),
                Box::new(exponent?),
            ));
        }
        Ok(node)
    }

    fn primary(&mut self) -> Result<Node, OpsError> {
        let token = self.peek().clone();
        match token.tok {
            Tok::Num(n) => {
                self.advance();
                Ok(Node::Num(n))
            }
            Tok::Op("(") => {
                self.advance();
                self.enter()?;
                let inner = self.conditional();
                self.leave(1);
                let inner = inner?;
                if !self.is_op(")") {
                    return Err(self.error(
                        self.peek().column,
                        format!(
                            "\")\" expected to close the \"(\" at column {}",
                            token.column
                        ),
                    ));
                }
                self.advance();
                Ok(Node::Paren(Box::new(inner)))
            }
            Tok::Name(name) => {
                self.advance();
                if self.is_call(&name) {
                    return self.call(&name, token.column);
                }
                self.name(&name, token.column)
            }
            // math.js reads a named operator in value position as a name: `mod(7, 3)`.
            Tok::Op(op @ ("mod" | "and" | "or" | "xor")) => {
                self.advance();
                if self.is_call(op) {
                    return self.call(op, token.column);
                }
                self.name(op, token.column)
            }
            _ => Err(self.unexpected()),
        }
    }

    /// The arguments of a call, up to (not including) the closing `)`.
    fn arguments(&mut self) -> Result<Vec<Node>, OpsError> {
        let mut args = Vec::new();
        if !self.is_op(")") {
            args.push(self.conditional()?);
            while self.is_op(",") {
                self.advance();
                args.push(self.conditional()?);
            }
        }
        Ok(args)
    }

    /// A name followed by `(`: a function call. (`true(…)`: math.js multiplies a constant by a
    /// parenthesis instead of calling it, so `true` and `false` are never calls.)
    fn is_call(&self, name: &str) -> bool {
        self.is_op("(") && !matches!(name, "true" | "false")
    }

    /// A call of `name` at `column`, the cursor on its `(`. Kept small and off `name`'s frame:
    /// nested calls recurse through it.
    fn call(&mut self, name: &str, column: usize) -> Result<Node, OpsError> {
        let Some(func) = Func::by_name(name) else {
            return Err(self.unknown_function(name, column));
        };
        let open = self.advance().column;
        self.enter()?;
        let args = self.arguments();
        self.leave(1);
        let args = args?;
        if !self.is_op(")") {
            return Err(self.unclosed_call(name, open));
        }
        self.advance();
        let (min, max) = func.arity();
        if args.len() < min || args.len() > max {
            return Err(self.wrong_arity(func, args.len(), column));
        }
        Ok(Node::Call(func, args))
    }

    #[cold]
    #[inline(never)]
    fn unknown_function(&self, name: &str, column: usize) -> OpsError {
        let what = if is_variable(name) {
            format!("{name} is a layer variable, not a function: write {name} * (…) to multiply")
        } else {
            format!(
                "unknown function {name:?}: the functions are {}",
                Func::list()
            )
        };
        OpsError::ExpressionName {
            expression: self.source.to_string(),
            column,
            message: what,
        }
    }

    #[cold]
    #[inline(never)]
    fn unclosed_call(&self, name: &str, open: usize) -> OpsError {
        self.error(
            self.peek().column,
            format!("\")\" expected to close the call of {name} at column {open}"),
        )
    }

    #[cold]
    #[inline(never)]
    fn wrong_arity(&self, func: Func, given: usize, column: usize) -> OpsError {
        let expected = match func.arity() {
            (1, usize::MAX) => "one or more arguments".to_string(),
            (a, b) if a == b => format!("{a} argument{}", if a == 1 { "" } else { "s" }),
            (a, b) => format!("{a} to {b} arguments"),
        };
        self.error(
            column,
            format!("{} takes {expected}, not {given}", func.name()),
        )
    }

    fn name(&mut self, name: &str, column: usize) -> Result<Node, OpsError> {
        match name {
            "true" => Ok(Node::Bool(true)),
            "false" => Ok(Node::Bool(false)),
            "pi" => Ok(Node::Num(std::f64::consts::PI)),
            _ if is_variable(name) => {
                let index = usize::from(name.as_bytes()[0] - b'a');
                if !self.variables.iter().any(|(v, _)| *v == index) {
                    self.variables.push((index, column));
                }
                Ok(Node::Var(index))
            }
            _ if Func::by_name(name).is_some() => Err(OpsError::ExpressionName {
                expression: self.source.to_string(),
                column,
                message: format!("{name} is a function: call it as {name}(…)"),
            }),
            _ => Err(OpsError::ExpressionName {
                expression: self.source.to_string(),
                column,
                message: format!(
                    "unknown name {name:?}: layers are the single letters a, b, c, …; functions are {}",
                    Func::list()
                ),
            }),
        }
    }
}

fn is_variable(name: &str) -> bool {
    name.len() == 1 && name.as_bytes()[0].is_ascii_lowercase()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Constant,
    Operator,
    Other,
}

/// math.js's node classes, as far as implicit multiplication cares.
fn kind_of(node: &Node) -> Kind {
    match node {
        Node::Num(_) | Node::Bool(_) => Kind::Constant,
        Node::Unary(..)
        | Node::Binary(..)
        | Node::Chain(..)
        | Node::Percent(_)
        | Node::Compare(..) => Kind::Operator,
        _ => Kind::Other,
    }
}

/// math.js's `rule2Node`: a constant, or `-`/`+` applied to a constant.
fn is_rule2_node(node: &Node) -> bool {
    match node {
        Node::Num(_) | Node::Bool(_) => true,
        Node::Unary(UnOp::Neg | UnOp::Plus, inner) => {
            matches!(**inner, Node::Num(_) | Node::Bool(_))
        }
        _ => false,
    }
}

// ---------------------------------------------------------------- evaluation

/// math.js's relative tolerance for comparisons and rounding.
const EPSILON: f64 = 1e-12;

/// math.js `nearlyEqual(x, y, 1e-12)`.
fn nearly_equal(x: f64, y: f64) -> bool {
    if x == y {
        return true;
    }
    if x.is_nan() || y.is_nan() {
        return false;
    }
    if x.is_finite() && y.is_finite() {
        let diff = (x - y).abs();
        if diff <= f64::EPSILON {
            return true;
        }
        return diff <= x.abs().max(y.abs()) * EPSILON;
    }
    false
}

fn larger(x: f64, y: f64) -> bool {
    x > y && !nearly_equal(x, y)
}

fn smaller(x: f64, y: f64) -> bool {
    x < y && !nearly_equal(x, y)
}

fn compare(op: CmpOp, x: f64, y: f64) -> bool {
    match op {
        CmpOp::Eq => nearly_equal(x, y),
        CmpOp::Ne => !nearly_equal(x, y),
        CmpOp::Lt => smaller(x, y),
        CmpOp::Le => x <= y || nearly_equal(x, y),
        CmpOp::Gt => larger(x, y),
        CmpOp::Ge => x >= y || nearly_equal(x, y),
    }
}

/// math.js `round(x, n)` on the shortest decimal form of `x`, halves away from zero.
fn round_decimal(x: f64, decimals: i32) -> f64 {
    if !x.is_finite() {
        return x;
    }
    // `{:e}` gives the shortest round-trip digits, like JavaScript's String(x).
    let text = format!("{:e}", x.abs());
    let Some((mantissa, exponent)) = text.split_once('e') else {
        return x;
    };
    let Ok(exponent) = exponent.parse::<i32>() else {
        return x;
    };
    let digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    // value = 0.d0 d1 d2 … × 10^(exponent + 1); keep the digits down to 10^-decimals.
    let keep = exponent + 1 + decimals;
    let zero = if x < 0.0 { -0.0 } else { 0.0 };
    if keep < 0 {
        return zero;
    }
    let keep = keep as usize;
    if digits.len() <= keep {
        return x;
    }
    let mut kept: Vec<u8> = digits[..keep].to_vec();
    if digits[keep] >= 5 {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, 1);
                break;
            }
            i -= 1;
            if kept[i] == 9 {
                kept[i] = 0;
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    if kept.iter().all(|d| *d == 0) {
        return zero;
    }
    // The kept digits form an integer N; the result is N × 10^-decimals.
    let mut out = String::with_capacity(kept.len() + 8);
    if x < 0.0 {
        out.push('-');
    }
    for d in &kept {
        out.push(char::from(b'0' + d));
    }
    let _ = write!(out, "e{}", -decimals);
    out.parse().unwrap_or(x)
}

/// math.js `round(x, n)` with its snapping of values within 1e-12 of the rounded value.
fn round(x: f64, decimals: i32) -> f64 {
    if decimals >= 12 {
        return round_decimal(x, decimals);
    }
    let snapped = round_decimal(x, 12);
    let selected = if nearly_equal(x, snapped) { snapped } else { x };
    round_decimal(selected, decimals)
}

fn floor(x: f64) -> f64 {
    let r = round(x, 0);
    if nearly_equal(x, r) {
        r
    } else {
        x.floor()
    }
}

fn ceil(x: f64) -> f64 {
    let r = round(x, 0);
    if nearly_equal(x, r) {
        r
    } else {
        x.ceil()
    }
}

fn modulus(x: f64, y: f64) -> f64 {
    if y == 0.0 {
        x
    } else {
        x - y * floor(x / y)
    }
}

fn pow(x: f64, y: f64) -> Result<f64, String> {
    let y_integer = y.is_finite() && y.fract() == 0.0;
    if y_integer || x >= 0.0 || x.is_nan() {
        // math.js powNumber: a real 0 for |x| < 1 raised to +Infinity (and |x| > 1 to -Infinity).
        if (x * x < 1.0 && y == f64::INFINITY) || (x * x > 1.0 && y == f64::NEG_INFINITY) {
            return Ok(0.0);
        }
        return Ok(x.powf(y));
    }
    if (x * x < 1.0 && y == f64::INFINITY) || (x * x > 1.0 && y == f64::NEG_INFINITY) {
        return Ok(0.0);
    }
    Err(format!(
        "{} ^ {} is not a real number",
        fmt_number(x),
        fmt_number(y)
    ))
}

/// A number as JavaScript prints it (shortest form).
pub fn fmt_number(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if x == 0.0 {
        "0".into()
    } else {
        let s = format!("{x}");
        s
    }
}

impl Expr {
    /// Parses an expression (lower-cased first, as the Navigator does).
    pub fn parse(text: &str) -> Result<Expr, OpsError> {
        let lowered = text.to_ascii_lowercase();
        let chars: Vec<char> = lowered.chars().collect();
        let tokens = tokenize(&chars, text)?;
        let mut parser = Parser {
            tokens,
            pos: 0,
            source: text,
            variables: Vec::new(),
            depth: 0,
        };
        let root = parser.parse()?;
        let mut variables = parser.variables;
        variables.sort_unstable();
        Ok(Expr {
            source: text.to_string(),
            root,
            variables,
        })
    }

    /// The expression as given.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Variables used (0 = `a`, 1 = `b`, …), sorted, each with the 1-based column of its first use.
    pub fn variables(&self) -> &[(usize, usize)] {
        &self.variables
    }

    /// Evaluates with `values[i]` as the value of variable `i` (0 = `a`). A variable without a
    /// value is 0. Errors say why the result is not a real number.
    pub fn evaluate(&self, values: &[f64]) -> Result<Value, String> {
        eval(&self.root, values)
    }

    /// Evaluates to a number (booleans become 1 and 0, as in the Navigator). Non-finite results
    /// (division by zero, NaN) are errors.
    pub fn evaluate_number(&self, values: &[f64]) -> Result<f64, String> {
        let n = self.evaluate(values)?.as_number();
        if n.is_finite() {
            Ok(n)
        } else {
            Err(format!(
                "the result is {}, not a finite number",
                fmt_number(n)
            ))
        }
    }
}

fn eval(node: &Node, values: &[f64]) -> Result<Value, String> {
    Ok(match node {
        Node::Num(n) => Value::Number(*n),
        Node::Bool(b) => Value::Bool(*b),
        Node::Var(i) => Value::Number(values.get(*i).copied().unwrap_or(0.0)),
        Node::Paren(inner) => eval(inner, values)?,
        Node::Percent(inner) => Value::Number(eval(inner, values)?.as_number() / 100.0),
        Node::Unary(op, inner) => {
            let v = eval(inner, values)?;
            match op {
                UnOp::Neg => Value::Number(-v.as_number()),
                UnOp::Plus => Value::Number(v.as_number()),
                UnOp::Not => Value::Bool(!v.truthy()),
            }
        }
        Node::Binary(op, left, right) => {
            let l = eval(left, values)?;
            let r = eval(right, values)?;
            binary(*op, l, r)?
        }
        Node::Chain(first, links) => {
            let mut running = eval(first, values)?;
            for link in links {
                let mut r = eval(&link.node, values)?;
                if link.percent_of_running {
                    r = Value::Number(running.as_number() * r.as_number());
                }
                running = binary(link.op, running, r)?;
            }
            running
        }
        Node::Compare(ops, operands) => {
            let mut previous = eval(&operands[0], values)?.as_number();
            let mut result = true;
            for (op, operand) in ops.iter().zip(&operands[1..]) {
                let next = eval(operand, values)?.as_number();
                if !compare(*op, previous, next) {
                    result = false;
                    break;
                }
                previous = next;
            }
            Value::Bool(result)
        }
        Node::Cond(condition, yes, no) => {
            if eval(condition, values)?.truthy() {
                eval(yes, values)?
            } else {
                eval(no, values)?
            }
        }
        Node::Call(func, args) => call(*func, args, values)?,
    })
}

fn binary(op: BinOp, l: Value, r: Value) -> Result<Value, String> {
    Ok(match op {
        BinOp::And => Value::Bool(l.truthy() && r.truthy()),
        BinOp::Or => Value::Bool(l.truthy() || r.truthy()),
        BinOp::Xor => Value::Bool(l.truthy() != r.truthy()),
        _ => {
            let (x, y) = (l.as_number(), r.as_number());
            Value::Number(match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::Div => x / y,
                BinOp::Mod => modulus(x, y),
                BinOp::Pow => pow(x, y)?,
                BinOp::And | BinOp::Or | BinOp::Xor => unreachable_logic(),
            })
        }
    })
}

/// `And`/`Or`/`Xor` are handled before the arithmetic match; this keeps the match exhaustive.
fn unreachable_logic() -> f64 {
    f64::NAN
}

fn call(func: Func, args: &[Node], values: &[f64]) -> Result<Value, String> {
    let mut vals = Vec::with_capacity(args.len());
    for a in args {
        vals.push(eval(a, values)?);
    }
    let num = |i: usize| vals[i].as_number();
    Ok(match func {
        Func::Min | Func::Max => {
            // math.js keeps the first value not beaten (booleans stay booleans); NaN sticks.
            let mut best: Option<Value> = None;
            for v in &vals {
                let n = v.as_number();
                if n.is_nan() && matches!(v, Value::Number(_)) {
                    best = Some(Value::Number(f64::NAN));
                    continue;
                }
                best = match best {
                    None => Some(*v),
                    Some(b) => {
                        let beaten = if func == Func::Max {
                            larger(n, b.as_number())
                        } else {
                            smaller(n, b.as_number())
                        };
                        Some(if beaten { *v } else { b })
                    }
                };
            }
            best.unwrap_or(Value::Number(f64::NAN))
        }
        Func::Sum => Value::Number(vals.iter().map(|v| v.as_number()).sum()),
        Func::Mean => {
            Value::Number(vals.iter().map(|v| v.as_number()).sum::<f64>() / vals.len() as f64)
        }
        Func::Abs => Value::Number(num(0).abs()),
        Func::Sign => {
            let x = num(0);
            Value::Number(if x > 0.0 {
                1.0
            } else if x < 0.0 {
                -1.0
            } else {
                x
            })
        }
        Func::Sqrt => {
            let x = num(0);
            if x < 0.0 {
                return Err(format!("sqrt({}) is not a real number", fmt_number(x)));
            }
            Value::Number(x.sqrt())
        }
        Func::Floor => Value::Number(floor(num(0))),
        Func::Ceil => Value::Number(ceil(num(0))),
        Func::Round => {
            let decimals = if vals.len() > 1 { num(1) } else { 0.0 };
            if decimals.fract() != 0.0 || !(0.0..=15.0).contains(&decimals) {
                return Err(format!(
                    "round: the number of decimals must be a whole number from 0 to 15, not {}",
                    fmt_number(decimals)
                ));
            }
            Value::Number(round(num(0), decimals as i32))
        }
        Func::Pow => Value::Number(pow(num(0), num(1))?),
        Func::Mod => Value::Number(modulus(num(0), num(1))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(text: &str, vars: &[f64]) -> f64 {
        Expr::parse(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .evaluate(vars)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .as_number()
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(ev("1 + 2 * 3", &[]), 7.0);
        assert_eq!(ev("-2^2", &[]), -4.0);
        assert_eq!(ev("2^-2", &[]), 0.25);
        assert_eq!(ev("2^3^2", &[]), 512.0);
        assert_eq!(ev("(1 + 2) * 3", &[]), 9.0);
        assert_eq!(ev("10 - 4 - 3", &[]), 3.0);
        assert_eq!(ev("5 % 2 + 1", &[]), 2.0);
        assert_eq!(ev("not 1 + 1", &[]), 1.0); // (not 1) + 1
        assert_eq!(ev("0 ? 2 : 3 ? 4 : 5", &[]), 4.0);
    }

    #[test]
    fn variables_and_implicit_multiplication() {
        let v = [7.0, 3.0, 0.0];
        assert_eq!(ev("a + b", &v), 10.0);
        assert_eq!(ev("A + B", &v), 10.0);
        assert_eq!(ev("2a", &v), 14.0);
        assert_eq!(ev("a b", &v), 21.0);
        assert_eq!(ev("(a)b", &v), 21.0);
        assert_eq!(ev("2(a + b)", &v), 20.0);
        assert_eq!(ev("1/2a", &v), 3.5);
        assert_eq!(ev("a/2b", &v), 7.0 / 6.0);
    }

    #[test]
    fn modulus_and_percentage() {
        assert_eq!(ev("7 % 3", &[]), 1.0);
        assert_eq!(ev("-7 % 3", &[]), 2.0);
        assert_eq!(ev("7 mod 3", &[]), 1.0);
        assert_eq!(ev("5 % 0", &[]), 5.0);
        assert_eq!(ev("50%", &[]), 0.5);
        assert!((ev("7 % -3", &[]) - -2.93).abs() < 1e-12);
        assert!((ev("10 + 50%", &[]) - 15.0).abs() < 1e-12);
        assert_eq!(ev("mod(7, -3)", &[]), -2.0);
    }

    #[test]
    fn logic_and_comparisons() {
        let v = [7.0, 3.0, 0.0];
        assert_eq!(ev("a and b or c", &v), 1.0);
        assert_eq!(ev("a and c", &v), 0.0);
        assert_eq!(ev("1 xor 1", &[]), 0.0);
        assert_eq!(ev("0.1 + 0.2 == 0.3", &[]), 1.0);
        assert_eq!(ev("1 < 2 < 3", &[]), 1.0);
        assert_eq!(ev("3 > 2 > 1", &[]), 1.0);
        assert_eq!(ev("a == b ? 1 : 0", &v), 0.0);
        assert_eq!(ev("true + 1", &[]), 2.0);
        assert_eq!(ev("-true", &[]), -1.0);
    }

    #[test]
    fn functions() {
        assert_eq!(ev("max(1, true)", &[]), 1.0);
        assert_eq!(ev("min(3, 1, 2)", &[]), 1.0);
        assert_eq!(ev("mean(1, 2)", &[]), 1.5);
        assert_eq!(ev("sum(1, 2, 3)", &[]), 6.0);
        assert_eq!(ev("round(-2.5)", &[]), -3.0);
        assert_eq!(ev("round(2.5)", &[]), 3.0);
        assert_eq!(ev("round(1.005, 2)", &[]), 1.01);
        assert_eq!(ev("round(-1.005, 2)", &[]), -1.01);
        assert_eq!(ev("round(-0.4)", &[]), 0.0);
        assert_eq!(ev("round(99.5)", &[]), 100.0);
        assert_eq!(ev("round(0.0049, 2)", &[]), 0.0);
        assert_eq!(ev("round(0.005, 2)", &[]), 0.01);
        assert_eq!(ev("floor(0.1 * 3 * 10)", &[]), 3.0);
        assert_eq!(ev("floor(-0.5)", &[]), -1.0);
        assert_eq!(ev("ceil(-0.5)", &[]), 0.0);
        assert_eq!(ev("sqrt(16)", &[]), 4.0);
        assert_eq!(ev("abs(-true)", &[]), 1.0);
    }

    #[test]
    fn errors_point_at_the_column() {
        let cases = [
            ("a +* b", 4),
            ("(1", 3),
            ("1)", 2),
            ("1 ? 2", 6),
            ("2 3", 3),
            ("a & b", 3),
            ("foo(a)", 1),
            ("a(2)", 1),
            ("ab + 1", 1),
            ("round(1, 2, 3)", 1),
            ("", 1),
        ];
        for (text, column) in cases {
            match Expr::parse(text) {
                Err(OpsError::ExpressionSyntax { column: c, .. })
                | Err(OpsError::ExpressionName { column: c, .. }) => {
                    assert_eq!(c, column, "column for {text:?}")
                }
                other => panic!("{text:?}: expected an error, got {other:?}"),
            }
        }
    }

    #[test]
    fn non_real_results_are_errors() {
        assert!(Expr::parse("sqrt(-1)").unwrap().evaluate(&[]).is_err());
        assert!(Expr::parse("(-8)^(1/3)").unwrap().evaluate(&[]).is_err());
        assert!(Expr::parse("1/0").unwrap().evaluate_number(&[]).is_err());
        assert_eq!(ev("(-2)^2", &[]), 4.0);
    }

    fn syntax_message(text: &str) -> String {
        match Expr::parse(text) {
            Err(OpsError::ExpressionSyntax { message, .. }) => message,
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    /// Runs `f` on a thread with the stack of a tokio worker (2 MiB): a recursion that the limits
    /// did not bound would overflow it and abort the test binary. (At the limits a debug build
    /// needs about 1.5 MiB, a release build under 256 KiB.)
    fn on_small_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn nesting_is_bounded_with_a_clear_error() {
        on_small_stack(|| {
            for hostile in [
                "(".repeat(3_000),
                "abs(".repeat(3_000) + "1",
                "-".repeat(3_000) + "1",
                "not ".repeat(3_000) + "1",
                "2^".repeat(3_000) + "2",
                "1 ? ".repeat(3_000) + "1",
                "1".to_string() + &"%".repeat(3_000),
                "1".to_string() + &" mod 2".repeat(3_000),
            ] {
                let m = syntax_message(&hostile);
                assert!(m.contains("nests deeper than 64"), "{m}");
            }
            // Just inside the limit: parses and evaluates.
            let deep = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
            assert_eq!(Expr::parse(&deep).unwrap().evaluate_number(&[4.0]), Ok(4.0));
        });
    }

    #[test]
    fn the_deepest_allowed_tree_of_every_operator_evaluates_on_a_small_stack() {
        // Each level uses every precedence level once, so the tree is as deep as the nesting
        // limit allows (about ten nodes per level).
        let mut e = String::from("a");
        for _ in 0..MAX_DEPTH / 4 {
            e = format!("(1 ? 1 or 0 xor 0 and 1 == 1 + 2 * 3 a / 5 % 2 mod 3 - -({e})^1 : 0)");
        }
        on_small_stack(move || {
            let parsed = Expr::parse(&e).unwrap();
            assert!(parsed.evaluate_number(&[1.0]).is_ok());
        });
    }

    #[test]
    fn the_token_count_is_bounded() {
        // The inputs that aborted the CLI (exit 134) and the server: a sum of 40,000 terms and
        // 20,000 nested calls, conditionals and powers.
        for hostile in [
            vec!["a"; 40_000].join(" + "),
            "abs(".repeat(20_000),
            "1 ? ".repeat(20_000),
            "2^".repeat(20_000),
        ] {
            let m = syntax_message(&hostile);
            assert!(m.contains("more than 10000 tokens"), "{m}");
        }
        // Just under the cap: a flat chain is one node, evaluated in a loop.
        let flat = vec!["a"; 4_999].join(" + ");
        on_small_stack(move || {
            assert_eq!(
                Expr::parse(&flat).unwrap().evaluate_number(&[1.0]),
                Ok(4999.0)
            );
        });
        let product = vec!["a"; 4_999].join(" * ");
        assert_eq!(
            Expr::parse(&product).unwrap().evaluate_number(&[1.0]),
            Ok(1.0)
        );
    }

    #[test]
    fn percent_of_the_running_value_is_linear() {
        // Each `+ 1%` used to copy the tree built so far: 24 terms ran out of memory.
        let text = format!("a{}", " + 1%".repeat(3_000));
        let e = Expr::parse(&text).unwrap();
        let got = e.evaluate_number(&[100.0]).unwrap();
        assert!(
            (got - 100.0 * 1.01f64.powi(3_000)).abs() <= got.abs() * 1e-9,
            "{got}"
        );
        // Same meaning as math.js for the short forms.
        assert!((ev("a + 10% - 50%", &[10.0]) - 5.5).abs() < 1e-12);
        assert!((ev("a - 10% + 1", &[10.0]) - 10.0).abs() < 1e-12);
    }

    #[test]
    fn errors_on_long_expressions_show_an_excerpt_without_control_characters() {
        let text = format!("{}b # \u{1b}[31m\n +* 1", "a + ".repeat(2_000));
        let shown = Expr::parse(&text).unwrap_err().to_string();
        assert!(!shown.contains('\u{1b}'), "{shown:?}");
        assert!(shown.len() < 400, "{} bytes: {shown}", shown.len());
        let lines: Vec<&str> = shown.lines().collect();
        let caret = lines[2].find('^').unwrap();
        assert_eq!(lines[1].chars().nth(caret), Some('*'), "{shown}");
    }

    #[test]
    fn variables_are_listed_with_columns() {
        let e = Expr::parse("c + a * c").unwrap();
        assert_eq!(e.variables(), &[(0, 5), (2, 1)]);
    }
}
