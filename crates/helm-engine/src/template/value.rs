//! The engine's values: the Go kinds that templates can observe.
//!
//! Go templates are typed: `eq` refuses to compare a `float64` with an `int`, `%T` prints the
//! Go type, `typeOf` and `kindOf` name it, and functions check their parameter types. So a
//! value here remembers its Go type: `Int` is Go's `int` (from `len`, literals, `atoi`),
//! `Int64` is `int64` (from `--set`, `add`, `int64`), `Float` is `float64` (every number read
//! from YAML or JSON). Maps are shared and mutable, as Go maps are: `set` changes the map in
//! place and every holder of it sees the change.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::rc::Rc;
use std::sync::Arc;

use super::sig::Sig;
use crate::value::{Map as PlainMap, Value};

/// The Go slice type of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SliceKind {
    /// `[]interface {}`
    Iface,
    /// `[]string`
    Str,
    /// `[]int`
    Int,
    /// Helm's `common.VersionSet` (a `[]string` with a `Has` method).
    VersionSet,
    /// `[]map[string]interface {}` (TOML's arrays of tables).
    Maps,
}

/// The Go map type of a map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum MapKind {
    /// `map[string]interface {}`
    Iface,
    /// Helm's `common.Values` (the top-level render values and `.Values`).
    Values,
    /// `map[string]string` (what Sprig's `split` returns).
    Str,
}

/// A Go list value.
#[derive(Clone, Debug)]
pub(crate) struct List {
    /// The Go slice type.
    pub kind: SliceKind,
    /// The elements.
    pub items: Vec<Val>,
    /// A nil slice (what `rest` of an empty list or `regexFindAll` without a match return):
    /// it prints as `[]` but encodes as JSON `null`, and `deepEqual` tells it from `[]`.
    pub nil: bool,
}

/// The contents of a Go map: entries are kept sorted by key, which is the order in which Go
/// prints maps and `range` visits them.
#[derive(Clone, Debug)]
pub(crate) struct MapData {
    /// The Go map type.
    pub kind: MapKind,
    /// The entries, by key. Templates change them only through [`MapData::insert`] and
    /// [`MapData::remove`], which note changes that later templates could see.
    pub entries: BTreeMap<String, Val>,
    /// The template execution during which the map was made (see [`Execution`]).
    made_in: u32,
    /// The map's number among those a [`WorldBuild`] made (from 1), 0 for any other.
    built: u32,
}

thread_local! {
    /// The template execution under way on this thread (0: none).
    static CURRENT_EXECUTION: Cell<u32> = const { Cell::new(0) };
    /// What the execution under way changed in maps made before it.
    static CHANGES: RefCell<Changes> = const { RefCell::new(Changes::None) };
    /// The maps made so far by the world build under way on this thread, if any.
    static BUILDING: RefCell<Option<Vec<MapRef>>> = const { RefCell::new(None) };
}

impl MapData {
    /// Sets `key`, as Go's `m[key] = value`.
    pub(crate) fn insert(&mut self, key: String, value: Val) {
        if self.changes_earlier_map() && self.entries.get(&key).is_none_or(|old| !same_scalar(old, &value)) {
            self.note_change(&key, Some(&value));
        }
        self.entries.insert(key, value);
    }

    /// Deletes `key`, as Go's `delete(m, key)`.
    pub(crate) fn remove(&mut self, key: &str) {
        if self.changes_earlier_map() && self.entries.contains_key(key) {
            self.note_change(key, None);
        }
        self.entries.remove(key);
    }

    fn changes_earlier_map(&self) -> bool {
        let current = CURRENT_EXECUTION.get();
        current != 0 && self.made_in != current
    }

    fn note_change(&self, key: &str, value: Option<&Val>) {
        let value = value.map(Scalar::of);
        CHANGES.with_borrow_mut(|changes| match (changes, self.built, value) {
            (Changes::Other, _, _) => {}
            (changes, 0, _) | (changes, _, Some(None)) => *changes = Changes::Other,
            (changes, map, value) => {
                let change = Change { map, key: key.to_string(), value: value.flatten() };
                match changes {
                    Changes::Replayable(list) => list.push(change),
                    other => *other = Changes::Replayable(vec![change]),
                }
            }
        });
    }
}

/// Whether a value set in place of another leaves the map as it was: the same scalar of the
/// same Go type (a map or list is never taken for the same, even when equal).
fn same_scalar(old: &Val, new: &Val) -> bool {
    match (old, new) {
        (Val::Nil, Val::Nil) => true,
        (Val::Bool(a), Val::Bool(b)) => a == b,
        (Val::Int(a), Val::Int(b)) | (Val::Int64(a), Val::Int64(b)) => a == b,
        (Val::Byte(a), Val::Byte(b)) => a == b,
        (Val::Float(a), Val::Float(b)) => a.to_bits() == b.to_bits(),
        (Val::Str(a), Val::Str(b)) => a == b,
        _ => false,
    }
}

/// What one template execution changed in maps made before it: later templates see it.
#[derive(Debug, Default)]
pub(crate) enum Changes {
    /// Nothing.
    #[default]
    None,
    /// Keys of a world's maps set to scalars or deleted: another thread's world built alike
    /// can be brought to the same state (see [`Change::apply`]).
    Replayable(Vec<Change>),
    /// Anything else (a map or list stored, a map made by an earlier execution changed).
    Other,
}

/// A key of a world's map set to a scalar (`Some`) or deleted (`None`).
#[derive(Clone, Debug)]
pub(crate) struct Change {
    map: u32,
    key: String,
    value: Option<Scalar>,
}

impl Change {
    /// Makes the same change in another world, whose maps `built` lists in the order its
    /// build made them.
    pub(crate) fn apply(&self, built: &[MapRef]) {
        let Some(map) = (self.map as usize).checked_sub(1).and_then(|at| built.get(at)) else { return };
        let mut map = map.borrow_mut();
        match &self.value {
            Some(value) => map.entries.insert(self.key.clone(), value.to_val()),
            None => map.entries.remove(&self.key),
        };
    }
}

/// A scalar template value that can move between threads.
#[derive(Clone, Debug)]
enum Scalar {
    Nil,
    Bool(bool),
    Int(i64),
    Int64(i64),
    Byte(u8),
    Float(f64),
    Str(String),
}

impl Scalar {
    fn of(value: &Val) -> Option<Scalar> {
        Some(match value {
            Val::Nil => Scalar::Nil,
            Val::Bool(b) => Scalar::Bool(*b),
            Val::Int(i) => Scalar::Int(*i),
            Val::Int64(i) => Scalar::Int64(*i),
            Val::Byte(b) => Scalar::Byte(*b),
            Val::Float(f) => Scalar::Float(*f),
            Val::Str(s) => Scalar::Str(s.to_string()),
            Val::Bytes(_) | Val::List(_) | Val::Map(_) | Val::Obj(_) => return None,
        })
    }

    fn to_val(&self) -> Val {
        match self {
            Scalar::Nil => Val::Nil,
            Scalar::Bool(b) => Val::Bool(*b),
            Scalar::Int(i) => Val::Int(*i),
            Scalar::Int64(i) => Val::Int64(*i),
            Scalar::Byte(b) => Val::Byte(*b),
            Scalar::Float(f) => Val::Float(*f),
            Scalar::Str(s) => Val::str(s),
        }
    }
}

/// One template's execution on this thread, numbered (from 1) so that the maps it makes are
/// told apart from those it was given. Templates executed in order affect one another only
/// by changing maps (`set`, `unset`, `merge` on `.Values` or `$`): an execution that changed
/// no map made before it left nothing a later template can see.
pub(crate) struct Execution(());

impl Execution {
    /// Starts execution number `number` (> 0) on this thread.
    pub(crate) fn start(number: u32) -> Execution {
        CURRENT_EXECUTION.set(number);
        CHANGES.set(Changes::None);
        Execution(())
    }

    /// Ends the execution: what it changed in maps made before it began.
    pub(crate) fn finish(self) -> Changes {
        CHANGES.take()
    }
}

impl Drop for Execution {
    fn drop(&mut self) {
        CURRENT_EXECUTION.set(0);
        CHANGES.set(Changes::None);
    }
}

/// The building of a world (the values templates execute with) on this thread: its maps
/// are numbered in the order they are made, so that two worlds built alike on two threads
/// name the same map alike (see [`Change`]).
pub(crate) struct WorldBuild(());

impl WorldBuild {
    pub(crate) fn start() -> WorldBuild {
        BUILDING.set(Some(Vec::new()));
        WorldBuild(())
    }

    /// The maps made, in order.
    pub(crate) fn finish(self) -> Vec<MapRef> {
        BUILDING.take().unwrap_or_default()
    }
}

impl Drop for WorldBuild {
    fn drop(&mut self) {
        BUILDING.set(None);
    }
}

/// A shared, mutable Go map.
pub(crate) type MapRef = Rc<RefCell<MapData>>;

/// A template value.
#[derive(Clone, Debug, Default)]
pub(crate) enum Val {
    /// A nil interface (a missing key, a YAML null, the `nil` literal).
    #[default]
    Nil,
    /// `bool`
    Bool(bool),
    /// `int`
    Int(i64),
    /// `int64`
    Int64(i64),
    /// `uint8` (indexing a string gives a byte).
    Byte(u8),
    /// `float64`
    Float(f64),
    /// `string`
    Str(Rc<str>),
    /// `[]uint8`
    Bytes(Arc<Vec<u8>>),
    /// A slice.
    List(Rc<List>),
    /// A map.
    Map(MapRef),
    /// A Go object with fields and methods (`.Capabilities`, `.Files`, a semver version).
    Obj(Rc<dyn GoObject>),
}

/// A Go value with fields and methods that the caller hands to templates or that a function
/// returns (Helm's `.Capabilities` and `.Files`, Sprig's semver versions). The executor
/// reaches fields and methods only through this trait, so the language knows no particular
/// object.
pub(crate) trait GoObject: Debug + Any {
    /// Go's type name, as `%T` and `typeOf` print it.
    fn type_name(&self) -> &'static str;

    /// Go's kind name, as `kindOf` prints it: `struct`, `ptr` or `map`.
    fn kind_name(&self) -> &'static str;

    /// Go's truth: structs and non-nil pointers are true, maps when not empty.
    fn truth(&self) -> bool {
        self.len() != Some(0)
    }

    /// The length, for map-like objects.
    fn len(&self) -> Option<usize> {
        None
    }

    /// Whether `other` equals this object as Go's `reflect.DeepEqual` sees them.
    fn same(&self, other: &dyn GoObject) -> bool;

    /// The object as `encoding/json` sees it (exported fields, JSON tags).
    fn to_json_val(&self) -> Val;

    /// For a struct, its fields as `encoding/json` writes them, in the struct's order (the map
    /// of [`GoObject::to_json_val`] has Go's sorted map order); `None` for other objects.
    fn json_fields(&self) -> Option<Vec<(&'static str, Val)>> {
        None
    }

    /// The object as go-yaml v3's encoder sees it (Helm's `toYamlPretty`).
    fn yaml_view(&self) -> YamlView;

    /// The object as BurntSushi's TOML encoder sees it (Helm's `toToml`).
    fn toml_view(&self) -> TomlView {
        TomlView::As(self.to_json_val())
    }

    /// A struct field or map entry (not a method).
    fn field(&self, _name: &str) -> Option<Val> {
        None
    }

    /// Whether the object is a struct whose field `name` exists but is unexported.
    fn unexported_field(&self, _name: &str) -> bool {
        false
    }

    /// The signature of method `name`, if the object has it.
    fn method_sig(&self, _name: &str) -> Option<Sig> {
        None
    }

    /// Calls method `name`, whose signature [`GoObject::method_sig`] gave, with arguments
    /// already checked against it.
    fn call_method(&self, name: &str, _args: &[Val]) -> Result<Val, String> {
        Err(format!("method {name} not found"))
    }

    /// Go's `%v` (with `plus`, `%+v`: struct field names), nested `depth` deep.
    fn fmt_v(&self, plus: bool, depth: usize) -> String;

    /// How a template action prints the object.
    fn print_top(&self) -> String {
        self.fmt_v(false, 0)
    }

    /// The (key, value) pairs `range` visits, sorted by key, for map-like objects.
    fn range_entries(&self) -> Option<Vec<(Val, Val)>> {
        None
    }
}

/// How go-yaml v3's encoder marshals a Go object, which it does by reflection rather than
/// through JSON.
pub(crate) enum YamlView {
    /// A struct: its exported fields in declaration order, under the names go-yaml gives them
    /// (without `yaml` tags, the field's name in lower case).
    Struct(Vec<(String, Val)>),
    /// Marshalled as this value: a `TextMarshaler`'s text, a `time.Duration`'s string, a
    /// named integer type's number, a named map type's entries.
    As(Val),
    /// A `time.Time`: its RFC 3339 text with nanoseconds, written plain.
    Time(String),
}

/// What BurntSushi's TOML encoder makes of an object.
pub(crate) enum TomlView {
    /// A struct: every field in declaration order, exported ones with their Go name and value,
    /// unexported ones as `None` (the encoder leaves them out, but their positions decide where
    /// it writes commas in an inline table).
    Struct(Vec<Option<(&'static str, Val)>>),
    /// Encoded as this value.
    As(Val),
}

impl dyn GoObject {
    /// The object as its concrete type, if it is a `T`.
    pub(crate) fn downcast_ref<T: GoObject>(&self) -> Option<&T> {
        (self as &dyn Any).downcast_ref::<T>()
    }
}

impl Val {
    /// A string value.
    pub(crate) fn str(s: impl AsRef<str>) -> Val {
        Val::Str(Rc::from(s.as_ref()))
    }

    /// A `[]interface {}`.
    pub(crate) fn list(items: Vec<Val>) -> Val {
        Val::List(Rc::new(List { kind: SliceKind::Iface, items, nil: false }))
    }

    /// A nil slice of the given Go type.
    pub(crate) fn nil_list(kind: SliceKind) -> Val {
        Val::List(Rc::new(List { kind, items: Vec::new(), nil: true }))
    }

    /// A slice of the given Go type.
    pub(crate) fn typed_list(kind: SliceKind, items: Vec<Val>) -> Val {
        Val::List(Rc::new(List { kind, items, nil: false }))
    }

    /// A `[]string`.
    pub(crate) fn str_list<I: IntoIterator<Item = S>, S: AsRef<str>>(items: I) -> Val {
        Val::typed_list(SliceKind::Str, items.into_iter().map(Val::str).collect())
    }

    /// A new `map[string]interface {}`.
    pub(crate) fn map(entries: BTreeMap<String, Val>) -> Val {
        Val::typed_map(MapKind::Iface, entries)
    }

    /// A new map of the given Go type.
    pub(crate) fn typed_map(kind: MapKind, entries: BTreeMap<String, Val>) -> Val {
        let made_in = CURRENT_EXECUTION.get();
        if made_in != 0 {
            return Val::Map(Rc::new(RefCell::new(MapData { kind, entries, made_in, built: 0 })));
        }
        BUILDING.with_borrow_mut(|building| {
            let built = building.as_ref().map_or(0, |maps| u32::try_from(maps.len() + 1).unwrap_or(0));
            let map = Rc::new(RefCell::new(MapData { kind, entries, made_in, built }));
            if let Some(maps) = building {
                maps.push(map.clone());
            }
            Val::Map(map)
        })
    }

    /// Whether this is a nil `[]string`, which Sprig's `sortAlpha` and `toStrings` return as
    /// they got it.
    pub(crate) fn is_nil_str_list(&self) -> bool {
        matches!(self, Val::List(l) if l.nil && l.kind == SliceKind::Str)
    }

    /// Whether this is a nil interface.
    pub(crate) fn is_nil(&self) -> bool {
        matches!(self, Val::Nil)
    }

    /// The string inside, if this is a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Go's type name, as `%T` and `typeOf` print it.
    pub(crate) fn type_name(&self) -> String {
        match self {
            Val::Nil => "<nil>".into(),
            Val::Bool(_) => "bool".into(),
            Val::Int(_) => "int".into(),
            Val::Int64(_) => "int64".into(),
            Val::Byte(_) => "uint8".into(),
            Val::Float(_) => "float64".into(),
            Val::Str(_) => "string".into(),
            Val::Bytes(_) => "[]uint8".into(),
            Val::List(l) => slice_type_name(l.kind).into(),
            Val::Map(m) => map_type_name(m.borrow().kind).into(),
            Val::Obj(o) => o.type_name().into(),
        }
    }

    /// Go's kind name, as `kindOf` prints it.
    pub(crate) fn kind_name(&self) -> &'static str {
        match self {
            Val::Nil => "invalid",
            Val::Bool(_) => "bool",
            Val::Int(_) => "int",
            Val::Int64(_) => "int64",
            Val::Byte(_) => "uint8",
            Val::Float(_) => "float64",
            Val::Str(_) => "string",
            Val::Bytes(_) | Val::List(_) => "slice",
            Val::Map(_) => "map",
            Val::Obj(o) => o.kind_name(),
        }
    }

    /// Go's truth (`if`, `and`, `or`, `not`): false for zero numbers, empty strings, lists
    /// and maps, false and nil; true otherwise (structs are always true).
    pub(crate) fn truth(&self) -> bool {
        match self {
            Val::Nil => false,
            Val::Bool(b) => *b,
            Val::Int(i) | Val::Int64(i) => *i != 0,
            Val::Byte(b) => *b != 0,
            Val::Float(f) => *f != 0.0,
            Val::Str(s) => !s.is_empty(),
            Val::Bytes(b) => !b.is_empty(),
            Val::List(l) => !l.items.is_empty(),
            Val::Map(m) => !m.borrow().entries.is_empty(),
            Val::Obj(o) => o.truth(),
        }
    }

    /// The length Go's `len` reports, for the kinds that have one.
    pub(crate) fn len(&self) -> Option<usize> {
        match self {
            Val::Str(s) => Some(s.len()),
            Val::Bytes(b) => Some(b.len()),
            Val::List(l) => Some(l.items.len()),
            Val::Map(m) => Some(m.borrow().entries.len()),
            Val::Obj(o) => o.len(),
            _ => None,
        }
    }

    /// The elements of a list (or of a byte slice, as bytes).
    pub(crate) fn list_items(&self) -> Option<Vec<Val>> {
        match self {
            Val::List(l) => Some(l.items.clone()),
            Val::Bytes(b) => Some(b.iter().map(|b| Val::Byte(*b)).collect()),
            _ => None,
        }
    }

    /// A snapshot of a map's entries.
    pub(crate) fn map_entries(&self) -> Option<BTreeMap<String, Val>> {
        match self {
            Val::Map(m) => Some(m.borrow().entries.clone()),
            _ => None,
        }
    }

    /// Converts a plain value tree (values files, `--set`) into template values: numbers
    /// from files are `float64`, integers from `--set` are `int64`.
    pub(crate) fn from_value(value: &Value) -> Val {
        match value {
            Value::Null => Val::Nil,
            Value::Bool(b) => Val::Bool(*b),
            Value::Int(i) => Val::Int64(*i),
            Value::Float(f) => Val::Float(*f),
            Value::String(s) => Val::str(s),
            Value::List(l) => Val::list(l.iter().map(Val::from_value).collect()),
            Value::Map(m) => Val::map(m.iter().map(|(k, v)| (k.clone(), Val::from_value(v))).collect()),
        }
    }

    /// Converts a plain map into a template map of the given kind.
    pub(crate) fn from_plain_map(map: &PlainMap, kind: MapKind) -> Val {
        Val::typed_map(kind, map.iter().map(|(k, v)| (k.clone(), Val::from_value(v))).collect())
    }

    /// Converts back into a plain value tree the way Go's `encoding/json` sees the value
    /// (byte slices become base64 text, objects their exported fields). Cycles and excessive
    /// nesting yield `None`.
    pub(crate) fn to_value(&self) -> Option<Value> {
        self.to_value_depth(0)
    }

    fn to_value_depth(&self, depth: usize) -> Option<Value> {
        if depth > MAX_NESTING {
            return None;
        }
        Some(match self {
            Val::Nil => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Int(i) | Val::Int64(i) => Value::Int(*i),
            Val::Byte(b) => Value::Int(i64::from(*b)),
            Val::Float(f) => Value::Float(*f),
            Val::Str(s) => Value::String(crate::strconv::replacing_raw_bytes(s).into_owned()),
            Val::Bytes(b) => Value::String(crate::base64::base64_encode(b)),
            Val::List(l) if l.nil => Value::Null,
            Val::List(l) => {
                let mut out = Vec::with_capacity(l.items.len());
                for item in &l.items {
                    out.push(item.to_value_depth(depth + 1)?);
                }
                Value::List(out)
            }
            Val::Map(m) => {
                let entries = m.try_borrow().ok()?.entries.clone();
                let mut out = PlainMap::default();
                for (k, v) in &entries {
                    out.insert(k.clone(), v.to_value_depth(depth + 1)?);
                }
                Value::Map(out)
            }
            Val::Obj(o) => o.to_json_val().to_value_depth(depth + 1)?,
        })
    }

    /// A deep copy: maps become new maps (Sprig's `deepCopy`).
    pub(crate) fn deep_copy(&self) -> Val {
        self.deep_copy_depth(0)
    }

    fn deep_copy_depth(&self, depth: usize) -> Val {
        if depth > MAX_NESTING {
            return Val::Nil;
        }
        match self {
            Val::List(l) => {
                Val::typed_list(l.kind, l.items.iter().map(|v| v.deep_copy_depth(depth + 1)).collect())
            }
            Val::Map(m) => {
                let data = m.borrow().clone();
                let entries =
                    data.entries.iter().map(|(k, v)| (k.clone(), v.deep_copy_depth(depth + 1))).collect();
                Val::typed_map(data.kind, entries)
            }
            Val::Bytes(b) => Val::Bytes(Arc::new(b.as_ref().clone())),
            other => other.clone(),
        }
    }
}

/// How deep values may nest before printing or converting gives up (a map can be made to
/// contain itself with `set`).
pub(crate) const MAX_NESTING: usize = 10_000;

/// The Go name of a slice type.
pub(crate) fn slice_type_name(kind: SliceKind) -> &'static str {
    match kind {
        SliceKind::Iface => "[]interface {}",
        SliceKind::Str => "[]string",
        SliceKind::Int => "[]int",
        SliceKind::VersionSet => "common.VersionSet",
        SliceKind::Maps => "[]map[string]interface {}",
    }
}

/// The Go name of a map type.
pub(crate) fn map_type_name(kind: MapKind) -> &'static str {
    match kind {
        MapKind::Iface => "map[string]interface {}",
        MapKind::Values => "common.Values",
        MapKind::Str => "map[string]string",
    }
}

/// Go's `==` on two values of the same comparable type, and `reflect.DeepEqual` for the
/// others (used by `has`, `uniq`, `without`, `deepEqual`).
pub(crate) fn deep_equal(a: &Val, b: &Val) -> bool {
    deep_equal_depth(a, b, 0)
}

fn deep_equal_depth(a: &Val, b: &Val, depth: usize) -> bool {
    if depth > MAX_NESTING {
        return false;
    }
    match (a, b) {
        (Val::Nil, Val::Nil) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Int(x), Val::Int(y)) | (Val::Int64(x), Val::Int64(y)) => x == y,
        (Val::Byte(x), Val::Byte(y)) => x == y,
        (Val::Float(x), Val::Float(y)) => x == y,
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::Bytes(x), Val::Bytes(y)) => x == y,
        (Val::List(x), Val::List(y)) => {
            x.kind == y.kind
                && x.nil == y.nil
                && x.items.len() == y.items.len()
                && x.items.iter().zip(&y.items).all(|(p, q)| deep_equal_depth(p, q, depth + 1))
        }
        (Val::Map(x), Val::Map(y)) => {
            if Rc::ptr_eq(x, y) {
                return true;
            }
            let (x, y) = (x.borrow().clone(), y.borrow().clone());
            x.kind == y.kind
                && x.entries.len() == y.entries.len()
                && x.entries
                    .iter()
                    .all(|(k, v)| y.entries.get(k).is_some_and(|w| deep_equal_depth(v, w, depth + 1)))
        }
        (Val::Obj(x), Val::Obj(y)) => Rc::ptr_eq(x, y) || x.same(y.as_ref()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map_of(value: &Val) -> &MapRef {
        match value {
            Val::Map(m) => m,
            _ => unreachable!("a map"),
        }
    }

    fn changes(execution: Execution) -> String {
        format!("{:?}", execution.finish())
    }

    #[test]
    fn changes_to_maps_made_before_an_execution_are_noted() {
        let build = WorldBuild::start();
        let world = Val::map(BTreeMap::from([("a".to_string(), Val::str("x"))]));
        let maps = build.finish();
        assert_eq!(maps.len(), 1);
        let world = map_of(&world);

        // The same scalar again: nothing changed.
        let execution = Execution::start(1);
        world.borrow_mut().insert("a".into(), Val::str("x"));
        assert_eq!(changes(execution), "None");

        let execution = Execution::start(2);
        world.borrow_mut().insert("a".into(), Val::str("y"));
        world.borrow_mut().remove("missing");
        world.borrow_mut().remove("a");
        assert_eq!(
            changes(execution),
            r#"Replayable([Change { map: 1, key: "a", value: Some(Str("y")) }, Change { map: 1, key: "a", value: None }])"#
        );

        // A map stored, or a change to a map an earlier execution made: not replayable.
        let execution = Execution::start(3);
        let made_now = Val::map(BTreeMap::new());
        map_of(&made_now).borrow_mut().insert("b".into(), Val::Int(1));
        assert_eq!(format!("{:?}", CHANGES.take()), "None");
        world.borrow_mut().insert("m".into(), made_now.clone());
        assert_eq!(changes(execution), "Other");
        let execution = Execution::start(4);
        map_of(&made_now).borrow_mut().insert("b".into(), Val::Int(2));
        assert_eq!(changes(execution), "Other");

        // Outside any execution nothing is noted.
        world.borrow_mut().insert("c".into(), Val::Int(3));
        assert_eq!(format!("{:?}", CHANGES.take()), "None");
    }

    #[test]
    fn a_change_made_in_one_world_is_made_alike_in_another() {
        let build = || {
            let build = WorldBuild::start();
            let inner = Val::map(BTreeMap::new());
            let outer = Val::map(BTreeMap::from([("inner".to_string(), inner)]));
            (outer, build.finish())
        };
        let (first, _) = build();
        let (second, second_maps) = build();
        let inner = |world: &Val| map_of(world).borrow().entries["inner"].clone();
        let execution = Execution::start(1);
        map_of(&inner(&first)).borrow_mut().insert("password".into(), Val::str("s3cret"));
        let Changes::Replayable(list) = execution.finish() else { panic!("replayable") };
        for change in &list {
            change.apply(&second_maps);
        }
        assert_eq!(format!("{:?}", inner(&second)), format!("{:?}", inner(&first)));
    }
}
