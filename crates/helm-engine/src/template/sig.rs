//! Go parameter types of functions and methods, and Go's rules for passing values to them.
//!
//! Templates call Go functions through reflection, which checks every argument against the
//! declared parameter type: a `float64` from a values file passed to `trunc`'s `int`
//! parameter fails with `wrong type for value; expected int; got float64`. The engine
//! reproduces these checks from the declared signature of each function.

use super::value::{MapKind, SliceKind, Val};

/// The Go type of one parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    /// `interface {}`: anything.
    Any,
    /// `reflect.Value`: anything, used by Go's own builtins.
    RValue,
    /// `string`
    Str,
    /// `int`
    Int,
    /// `float64`
    Float,
    /// `bool`
    Bool,
    /// `map[string]interface {}`
    IfaceMap,
    /// `[]interface {}`
    IfaceSlice,
    /// `uint32` (Sprig's `derivePassword` counter): only a number literal can be one.
    Uint32,
    /// A named struct type of a library (`time.Time`, `sprig.certificate`): accepts the
    /// objects whose Go type name is this.
    Named(&'static str),
    /// `time.Duration`: an integer literal (passed on as an `int64`) or a duration.
    Duration,
    /// `*time.Location`: a location, or nil.
    Location,
    /// `[]uint8`
    Bytes,
}

impl Ty {
    /// The Go spelling, for error messages.
    pub(crate) fn go_name(self) -> &'static str {
        match self {
            Ty::Any => "interface {}",
            Ty::RValue => "reflect.Value",
            Ty::Str => "string",
            Ty::Int => "int",
            Ty::Float => "float64",
            Ty::Bool => "bool",
            Ty::IfaceMap => "map[string]interface {}",
            Ty::IfaceSlice => "[]interface {}",
            Ty::Uint32 => "uint32",
            Ty::Named(name) => name,
            Ty::Duration => DURATION,
            Ty::Location => LOCATION,
            Ty::Bytes => "[]uint8",
        }
    }

    /// Whether Go's `nil` is a value of this type.
    pub(crate) fn can_be_nil(self) -> bool {
        matches!(self, Ty::Any | Ty::RValue | Ty::IfaceMap | Ty::IfaceSlice | Ty::Location | Ty::Bytes)
    }

    /// The zero value of a type that can be nil (what an absent value becomes).
    pub(crate) fn nil_value(self) -> Val {
        match self {
            Ty::IfaceMap => Val::map(Default::default()),
            Ty::IfaceSlice => Val::list(Vec::new()),
            Ty::Bytes => Val::Bytes(Default::default()),
            _ => Val::Nil,
        }
    }

    /// Go's assignability of a (non-interface) value to this type.
    pub(crate) fn accepts(self, v: &Val) -> bool {
        match (self, v) {
            (Ty::Any | Ty::RValue, _) => true,
            (Ty::Str, Val::Str(_)) => true,
            (Ty::Int, Val::Int(_)) => true,
            (Ty::Float, Val::Float(_)) => true,
            (Ty::Bool, Val::Bool(_)) => true,
            // A named map type is assignable to its unnamed underlying type.
            (Ty::IfaceMap, Val::Map(m)) => matches!(m.borrow().kind, MapKind::Iface | MapKind::Values),
            (Ty::IfaceSlice, Val::List(l)) => l.kind == SliceKind::Iface,
            (Ty::Named(name), Val::Obj(o)) => o.type_name() == name,
            (Ty::Duration, Val::Obj(o)) => o.type_name() == DURATION,
            (Ty::Location, Val::Obj(o)) => o.type_name() == LOCATION,
            (Ty::Bytes, Val::Bytes(_)) => true,
            _ => false,
        }
    }
}

/// Go's name of the duration type.
pub(crate) const DURATION: &str = "time.Duration";
/// Go's name of the location type (a pointer: templates only ever hold `*time.Location`).
pub(crate) const LOCATION: &str = "*time.Location";

/// A Go function signature: fixed parameters, then optionally a variadic one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sig {
    /// The fixed parameters.
    pub params: &'static [Ty],
    /// The element type of the variadic parameter, if any.
    pub variadic: Option<Ty>,
    /// Why templates cannot call a method with these results (Go's `goodFunc`), for methods
    /// with three results or a second one that is not an error.
    pub unusable: Option<&'static str>,
}

impl Sig {
    /// A signature with fixed parameters only.
    pub(crate) const fn fixed(params: &'static [Ty]) -> Sig {
        Sig { params, variadic: None, unusable: None }
    }

    /// A method templates find but cannot call, refused with `why` once its arguments
    /// are counted.
    pub(crate) const fn unusable(params: &'static [Ty], why: &'static str) -> Sig {
        Sig { params, variadic: None, unusable: Some(why) }
    }

    /// A signature with fixed parameters and a variadic tail.
    pub(crate) const fn variadic(params: &'static [Ty], rest: Ty) -> Sig {
        Sig { params, variadic: Some(rest), unusable: None }
    }

    /// The type expected at argument position `i`.
    pub(crate) fn param(&self, i: usize) -> Ty {
        self.params.get(i).copied().or(self.variadic).unwrap_or(Ty::Any)
    }
}
