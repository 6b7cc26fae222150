//! The function table a template executes with: the language defines how functions are
//! declared and called, the caller decides which exist (Go's builtins, plus whatever library
//! it adds; `crate::funcs` adds Sprig's and Helm's).
//!
//! Each function declares its Go signature; the executor checks and converts arguments
//! against it exactly as Go's reflection-based call does, so the functions themselves can
//! rely on the declared types.

use foldhash::HashMap;
use std::any::Any;
use std::borrow::Cow;

use super::error::GoError;
use super::exec::CallCtx;
use super::sig::Sig;
use super::value::{MapKind, Val};

/// A function's implementation: arguments already checked against the signature.
pub(crate) type NativeFn = fn(&CallCtx<'_>, &[Val]) -> Result<Val, GoError>;

/// One function.
#[derive(Clone)]
pub(crate) struct FuncDef {
    /// The Go signature.
    pub sig: Sig,
    /// The implementation.
    pub f: NativeFn,
    /// A Go builtin (`and` and `or` short-circuit).
    pub builtin: bool,
}

/// The functions and methods a table defines, apart from the library's state: built once
/// and shared by every table made from them.
#[derive(Clone, Default)]
pub(crate) struct FuncDefs {
    map: HashMap<&'static str, FuncDef>,
    /// Methods of named map types (Helm's `Values.AsMap`, ...), by type and name.
    map_methods: HashMap<(MapKind, &'static str), FuncDef>,
}

impl FuncDefs {
    /// Whether a function called `name` exists: what a parser asks, on any thread.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }
}

/// The function map.
pub(crate) struct FuncTable {
    defs: Cow<'static, FuncDefs>,
    /// State the library keeps for one rendering (Sprig's random source and clock); the
    /// language only carries it to the functions.
    host: Option<Box<dyn Any>>,
}

impl Default for FuncTable {
    fn default() -> Self {
        FuncTable { defs: Cow::Owned(FuncDefs::default()), host: None }
    }
}

impl FuncTable {
    /// Go's builtin functions (`and`, `or`, `not`, `len`, `index`, `print`, `eq`, ...), which
    /// every template has.
    pub(crate) fn go_builtins() -> FuncTable {
        let mut t = FuncTable::default();
        super::builtins::register(&mut t);
        t
    }

    /// A table with the functions of `defs`, shared rather than copied (adding to it copies
    /// them first).
    pub(crate) fn sharing(defs: &'static FuncDefs) -> FuncTable {
        FuncTable { defs: Cow::Borrowed(defs), host: None }
    }

    /// The table's functions, to be shared by other tables.
    pub(crate) fn into_defs(self) -> FuncDefs {
        self.defs.into_owned()
    }

    /// Adds (or replaces) a function.
    pub(crate) fn add(&mut self, name: &'static str, sig: Sig, f: NativeFn) {
        self.defs.to_mut().map.insert(name, FuncDef { sig, f, builtin: false });
    }

    /// Adds a Go builtin.
    pub(crate) fn add_builtin(&mut self, name: &'static str, sig: Sig, f: NativeFn) {
        self.defs.to_mut().map.insert(name, FuncDef { sig, f, builtin: true });
    }

    /// The function called `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&FuncDef> {
        self.defs.map.get(name)
    }

    /// Adds a method to a named map type; the function receives the map as its first
    /// argument, then the arguments checked against `sig`.
    pub(crate) fn add_map_method(&mut self, kind: MapKind, name: &'static str, sig: Sig, f: NativeFn) {
        debug_assert!(
            name.starts_with(|c: char| c.is_ascii_uppercase()),
            "Go exports methods by capital: {name}"
        );
        self.defs.to_mut().map_methods.insert((kind, name), FuncDef { sig, f, builtin: false });
    }

    /// The method `name` of maps of type `kind`.
    pub(crate) fn map_method(&self, kind: MapKind, name: &str) -> Option<&FuncDef> {
        // Every field read on a map asks; the keys of values rarely start with a capital,
        // which every method's name does.
        if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            return None;
        }
        // The key's name must live as long as the table; look it up by value instead.
        self.defs.map_methods.iter().find(|((k, n), _)| *k == kind && *n == name).map(|(_, d)| d)
    }

    /// Hands the library's state to its functions, which find it with [`FuncTable::host`].
    pub(crate) fn set_host<T: Any>(&mut self, state: T) {
        self.host = Some(Box::new(state));
    }

    /// The library's state, if it is a `T`.
    pub(crate) fn host<T: Any>(&self) -> Option<&T> {
        self.host.as_ref().and_then(|h| h.downcast_ref::<T>())
    }

    /// The names of the functions, apart from the table (which holds the library's state,
    /// and so stays on its thread): what a parser asks, on any thread.
    pub(crate) fn names(&self) -> &FuncDefs {
        &self.defs
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
