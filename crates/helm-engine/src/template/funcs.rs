//! The function table a template executes with: the language defines how functions are
//! declared and called, the caller decides which exist (Go's builtins, plus whatever library
//! it adds; `crate::funcs` adds Sprig's and Helm's).
//!
//! Each function declares its Go signature; the executor checks and converts arguments
//! against it exactly as Go's reflection-based call does, so the functions themselves can
//! rely on the declared types.

use std::collections::HashMap;

use super::error::GoError;
use super::exec::CallCtx;
use super::sig::Sig;
use super::value::Val;

/// A function's implementation: arguments already checked against the signature.
pub(crate) type NativeFn = fn(&CallCtx<'_>, &[Val]) -> Result<Val, GoError>;

/// One function.
pub(crate) struct FuncDef {
    /// The Go signature.
    pub sig: Sig,
    /// The implementation.
    pub f: NativeFn,
    /// A Go builtin (`and` and `or` short-circuit).
    pub builtin: bool,
}

/// The function map.
#[derive(Default)]
pub(crate) struct FuncTable {
    map: HashMap<&'static str, FuncDef>,
}

impl FuncTable {
    /// Go's builtin functions (`and`, `or`, `not`, `len`, `index`, `print`, `eq`, ...), which
    /// every template has.
    pub(crate) fn go_builtins() -> FuncTable {
        let mut t = FuncTable::default();
        super::builtins::register(&mut t);
        t
    }

    /// Adds (or replaces) a function.
    pub(crate) fn add(&mut self, name: &'static str, sig: Sig, f: NativeFn) {
        self.map.insert(name, FuncDef { sig, f, builtin: false });
    }

    /// Adds a Go builtin.
    pub(crate) fn add_builtin(&mut self, name: &'static str, sig: Sig, f: NativeFn) {
        self.map.insert(name, FuncDef { sig, f, builtin: true });
    }

    /// The function called `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&FuncDef> {
        self.map.get(name)
    }

    /// Whether a function called `name` exists.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }
}

/// The string at argument `i` (arguments are checked, so a string parameter holds one).
pub(crate) fn arg_str(args: &[Val], i: usize) -> &str {
    args.get(i).and_then(Val::as_str).unwrap_or("")
}

/// The integer at argument `i`.
pub(crate) fn arg_int(args: &[Val], i: usize) -> i64 {
    match args.get(i) {
        Some(Val::Int(n) | Val::Int64(n)) => *n,
        Some(Val::Byte(b)) => i64::from(*b),
        _ => 0,
    }
}

/// The argument at `i`, or nil.
pub(crate) fn arg(args: &[Val], i: usize) -> Val {
    args.get(i).cloned().unwrap_or(Val::Nil)
}

/// Go's panic text when `reflect.TypeOf(nil).Kind()` is called on a nil argument.
pub(crate) const NIL_DEREFERENCE: &str = "runtime error: invalid memory address or nil pointer dereference";
