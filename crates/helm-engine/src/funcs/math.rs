//! Sprig's arithmetic: integer functions convert with `cast.ToInt64` (so `add 1 2.5` is 3),
//! the `...f` functions compute in decimal as shopspring/decimal does (`addf 0.1 0.2` is 0.3).

use super::conv::{to_float64, to_int64};
use crate::strconv::shortest_digits;
use crate::template::error::GoError;
use crate::template::funcs::{FuncTable, arg, arg_int};
use crate::template::sig::{Sig, Ty};
use crate::template::value::{SliceKind, Val};

type R = Result<Val, GoError>;

fn divide_by_zero() -> GoError {
    GoError::msg("runtime error: integer divide by zero")
}

pub(crate) fn register(t: &mut FuncTable) {
    let any1 = Sig::fixed(&[Ty::Any]);
    let any2 = Sig::fixed(&[Ty::Any, Ty::Any]);
    let any_var = Sig::variadic(&[Ty::Any], Ty::Any);
    t.add("add1", any1, |_, a| Ok(Val::Int64(to_int64(&arg(a, 0)).wrapping_add(1))));
    t.add("add", Sig::variadic(&[], Ty::Any), |_, a| {
        Ok(Val::Int64(a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v)))))
    });
    t.add("sub", any2, |_, a| Ok(Val::Int64(to_int64(&arg(a, 0)).wrapping_sub(to_int64(&arg(a, 1))))));
    t.add("div", any2, |_, a| {
        let d = to_int64(&arg(a, 1));
        if d == 0 {
            return Err(divide_by_zero());
        }
        Ok(Val::Int64(to_int64(&arg(a, 0)).wrapping_div(d)))
    });
    t.add("mod", any2, |_, a| {
        let d = to_int64(&arg(a, 1));
        if d == 0 {
            return Err(divide_by_zero());
        }
        Ok(Val::Int64(to_int64(&arg(a, 0)).wrapping_rem(d)))
    });
    t.add("mul", any_var, |_, a| {
        Ok(Val::Int64(a.iter().skip(1).fold(to_int64(&arg(a, 0)), |acc, v| acc.wrapping_mul(to_int64(v)))))
    });
    t.add("add1f", any1, |_, a| decimal_op(&arg(a, 0), &[Val::Int(1)], Op::Add));
    t.add("addf", Sig::variadic(&[], Ty::Any), |_, a| decimal_op(&Val::Float(0.0), a, Op::Add));
    t.add("subf", any_var, |_, a| decimal_op(&arg(a, 0), &a[1..], Op::Sub));
    t.add("divf", any_var, |_, a| decimal_div(&arg(a, 0), &a[1..]));
    t.add("mulf", any_var, |_, a| decimal_op(&arg(a, 0), &a[1..], Op::Mul));
    for name in ["biggest", "max"] {
        t.add(name, any_var, |_, a| Ok(Val::Int64(a.iter().map(to_int64).max().unwrap_or(0))));
    }
    t.add("min", any_var, |_, a| Ok(Val::Int64(a.iter().map(to_int64).min().unwrap_or(0))));
    t.add("maxf", any_var, |_, a| {
        Ok(Val::Float(a.iter().skip(1).fold(to_float64(&arg(a, 0)), |m, v| go_max(m, to_float64(v)))))
    });
    t.add("minf", any_var, |_, a| {
        Ok(Val::Float(a.iter().skip(1).fold(to_float64(&arg(a, 0)), |m, v| go_min(m, to_float64(v)))))
    });
    t.add("ceil", any1, |_, a| Ok(Val::Float(to_float64(&arg(a, 0)).ceil())));
    t.add("floor", any1, |_, a| Ok(Val::Float(to_float64(&arg(a, 0)).floor())));
    t.add("round", Sig::variadic(&[Ty::Any, Ty::Int], Ty::Float), |_, a| {
        let round_on = match a.get(2) {
            Some(Val::Float(f)) => *f,
            _ => 0.5,
        };
        Ok(Val::Float(round(to_float64(&arg(a, 0)), arg_int(a, 1), round_on)))
    });
    t.add("until", Sig::fixed(&[Ty::Int]), |_, a| {
        let n = arg_int(a, 0);
        let step = if n < 0 { -1 } else { 1 };
        until_step(0, n, step)
    });
    t.add("untilStep", Sig::fixed(&[Ty::Int, Ty::Int, Ty::Int]), |_, a| {
        until_step(arg_int(a, 0), arg_int(a, 1), arg_int(a, 2))
    });
    t.add("seq", Sig::variadic(&[], Ty::Int), |_, a| seq(a));
}

/// How many elements a generated list may have (Go would try to allocate them all).
const MAX_RANGE: i64 = 10_000_000;

fn until_step_vec(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, GoError> {
    let mut out = Vec::new();
    if stop < start {
        if step >= 0 {
            return Ok(out);
        }
        let mut i = start;
        while i > stop {
            out.push(i);
            if out.len() as i64 > MAX_RANGE {
                return Err(GoError::msg("runtime error: makeslice: len out of range"));
            }
            i = i.saturating_add(step);
        }
        return Ok(out);
    }
    if step <= 0 {
        return Ok(out);
    }
    let mut i = start;
    while i < stop {
        out.push(i);
        if out.len() as i64 > MAX_RANGE {
            return Err(GoError::msg("runtime error: makeslice: len out of range"));
        }
        i = match i.checked_add(step) {
            Some(n) => n,
            None => break,
        };
    }
    Ok(out)
}

fn until_step(start: i64, stop: i64, step: i64) -> R {
    let items = until_step_vec(start, stop, step)?;
    Ok(Val::typed_list(SliceKind::Int, items.into_iter().map(Val::Int).collect()))
}

fn seq(a: &[Val]) -> R {
    let p: Vec<i64> = a
        .iter()
        .map(|v| match v {
            Val::Int(i) | Val::Int64(i) => *i,
            _ => 0,
        })
        .collect();
    // Go's int arithmetic wraps: `seq` of the largest int gives nothing.
    let items = match p.len() {
        1 => {
            let (start, end) = (1, p[0]);
            let inc = if end < start { -1 } else { 1 };
            until_step_vec(start, end.wrapping_add(inc), inc)?
        }
        2 => {
            let (start, end) = (p[0], p[1]);
            let step = if end < start { -1 } else { 1 };
            until_step_vec(start, end.wrapping_add(step), step)?
        }
        3 => {
            let (start, step, end) = (p[0], p[1], p[2]);
            let mut inc = 1;
            if end < start {
                inc = -1;
                if step > 0 {
                    return Ok(Val::str(""));
                }
            }
            until_step_vec(start, end.wrapping_add(inc), step)?
        }
        _ => return Ok(Val::str("")),
    };
    Ok(Val::str(items.iter().map(i64::to_string).collect::<Vec<_>>().join(" ")))
}

/// Go's `math.Max`: NaN wins, and +0 is larger than -0 (Rust's `max` may pick either zero).
fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == 0.0 && b == 0.0 {
        if a.is_sign_negative() { b } else { a }
    } else {
        a.max(b)
    }
}

/// Go's `math.Min`: NaN wins, and -0 is smaller than +0.
fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == 0.0 && b == 0.0 {
        if a.is_sign_negative() { a } else { b }
    } else {
        a.min(b)
    }
}

fn round(val: f64, places: i64, round_on: f64) -> f64 {
    let pow = 10f64.powf(places as f64);
    let digit = pow * val;
    let frac = digit.fract();
    let r = if frac >= round_on { digit.ceil() } else { digit.floor() };
    r / pow
}

#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
}

/// A decimal number: mantissa × 10^exp.
#[derive(Clone, Copy, Debug)]
struct Dec {
    m: i128,
    e: i32,
}

impl Dec {
    /// shopspring's `NewFromFloat`: the shortest decimal that reads back as `f`.
    fn from_f64(f: f64) -> Option<Dec> {
        if !f.is_finite() {
            return None;
        }
        if f == 0.0 {
            return Some(Dec { m: 0, e: 0 });
        }
        let (neg, digits, exp) = shortest_digits(f, 64);
        let m: i128 = digits.parse().ok()?;
        let e = exp - (digits.len() as i32 - 1);
        Some(Dec { m: if neg { -m } else { m }, e })
    }

    fn align(a: Dec, b: Dec) -> Option<(i128, i128, i32)> {
        let e = a.e.min(b.e);
        let scale = |d: Dec| -> Option<i128> { d.m.checked_mul(10i128.checked_pow((d.e - e) as u32)?) };
        Some((scale(a)?, scale(b)?, e))
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.m, self.e).parse().unwrap_or(f64::NAN)
    }
}

/// A decimal operand: shopspring's `NewFromFloat` refuses what is not a finite number
/// (`addf "NaN" 1`: `Cannot create a Decimal from NaN`), and Sprig's call fails with it.
fn decimal_operand(v: &Val) -> Result<f64, GoError> {
    let x = to_float64(v);
    if x.is_finite() {
        return Ok(x);
    }
    let shown = if x.is_nan() {
        "NaN"
    } else if x > 0.0 {
        "+Inf"
    } else {
        "-Inf"
    };
    Err(GoError::msg(format!("Cannot create a Decimal from {shown}")))
}

fn decimal_op(first: &Val, rest: &[Val], op: Op) -> R {
    let mut acc_f = decimal_operand(first)?;
    let mut acc = Dec::from_f64(acc_f);
    for v in rest {
        let x = decimal_operand(v)?;
        let next = match (acc, Dec::from_f64(x)) {
            (Some(a), Some(b)) => match op {
                Op::Add | Op::Sub => Dec::align(a, b).and_then(|(p, q, e)| {
                    let m = if matches!(op, Op::Add) { p.checked_add(q) } else { p.checked_sub(q) };
                    m.map(|m| Dec { m, e })
                }),
                Op::Mul => a.m.checked_mul(b.m).map(|m| Dec { m, e: a.e + b.e }),
            },
            _ => None,
        };
        acc_f = match op {
            Op::Add => acc_f + x,
            Op::Sub => acc_f - x,
            Op::Mul => acc_f * x,
        };
        acc = next;
    }
    Ok(Val::Float(match acc {
        Some(d) => d.to_f64(),
        None => acc_f,
    }))
}

/// shopspring's `Div` rounds the quotient to 16 decimal places.
fn decimal_div(first: &Val, rest: &[Val]) -> R {
    let mut acc = decimal_operand(first)?;
    for v in rest {
        let x = decimal_operand(v)?;
        if x == 0.0 {
            return Err(GoError::msg("decimal division by 0"));
        }
        let q = acc / x;
        acc = format!("{q:.16}").parse().unwrap_or(q);
    }
    // A decimal zero has no sign: `divf -0.0 4` is 0, not -0.
    Ok(Val::Float(if acc == 0.0 { 0.0 } else { acc }))
}
