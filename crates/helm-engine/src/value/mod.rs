//! The dynamic value tree shared by values handling, the Go-template engine and the diff.
//!
//! Its variants are the types Helm's values can have: numbers read from YAML files are
//! `Float` (Helm reads them through JSON), numbers from `--set` are `Int`.

use std::fmt;

use indexmap::IndexMap;

mod typed;

pub use typed::{TypedError, from_value, to_value};

/// A map that keeps insertion order; equality ignores order. Keys are hashed with foldhash,
/// several times faster than the standard SipHash on short keys (hashing was a tenth of a
/// `render`); its seed changes from process to process, and the order never depends on it.
pub type Map = IndexMap<String, Value, foldhash::fast::RandomState>;

/// A YAML/JSON value with Helm's number typing.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    /// `null`, `~` or nothing.
    #[default]
    Null,
    /// A boolean (YAML 1.1 also reads `yes`, `no`, `on`, `off`).
    Bool(bool),
    /// An integer: Helm's int64, as `--set` types them.
    Int(i64),
    /// A float64: every number read from a YAML or JSON file is one.
    Float(f64),
    /// A string.
    String(String),
    /// A list.
    List(Vec<Value>),
    /// A map with string keys.
    Map(Map),
}

impl Value {
    /// A short name of the type, as used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "map",
        }
    }

    /// The map inside, if this is a map.
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The map inside, mutably, if this is a map.
    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The list inside, if this is a list.
    pub fn as_list(&self) -> Option<&Vec<Value>> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a float, for either number variant.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The value at `path`, if every step exists.
    pub fn get_path(&self, path: &KeyPath) -> Option<&Value> {
        let mut current = self;
        for segment in path.segments() {
            current = match (segment, current) {
                (Segment::Key(k), Value::Map(m)) => m.get(k)?,
                (Segment::Index(i), Value::List(l)) => l.get(*i)?,
                _ => return None,
            };
        }
        Some(current)
    }

    /// The value at a dotted path of plain keys (`"database.postgresql.host"`).
    pub fn get_dotted(&self, dotted: &str) -> Option<&Value> {
        if dotted.is_empty() {
            return Some(self);
        }
        // Walked key by key, without building a KeyPath: the wiring looks values up often
        // (dots found with memchr: `str::split` on a char costs several times more here).
        let mut current = self;
        let mut rest = dotted;
        loop {
            let (key, more) = match memchr::memchr(b'.', rest.as_bytes()) {
                Some(dot) => (&rest[..dot], Some(&rest[dot + 1..])),
                None => (rest, None),
            };
            current = match current {
                Value::Map(m) => m.get(key)?,
                _ => return None,
            };
            match more {
                Some(next) => rest = next,
                None => return Some(current),
            }
        }
    }

    /// Semantic equality: numbers compare by value whatever their variant, maps ignore order.
    pub fn semantic_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => match (self, other) {
                (Value::Int(a), Value::Int(b)) => a == b,
                _ => self.as_f64() == other.as_f64(),
            },
            (Value::List(a), Value::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.semantic_eq(y))
            }
            (Value::Map(a), Value::Map(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| v.semantic_eq(w)))
            }
            _ => self == other,
        }
    }

    /// Converts to JSON. Integral floats within the exactly representable range become JSON
    /// integers, so that typed deserialization and JSON Schema's `integer` accept them.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => {
                const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
                if f.fract() == 0.0 && f.abs() <= EXACT {
                    J::from(*f as i64)
                } else {
                    serde_json::Number::from_f64(*f).map_or(J::Null, J::Number)
                }
            }
            Value::String(s) => J::String(s.clone()),
            Value::List(l) => J::Array(l.iter().map(Value::to_json).collect()),
            Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }

    /// Converts from JSON the way Helm reads JSON into values: every number is a float,
    /// unless `keep_integers` is set (as for values produced by our own typed model).
    pub fn from_json(json: &serde_json::Value, keep_integers: bool) -> Value {
        use serde_json::Value as J;
        match json {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => match (keep_integers, n.as_i64()) {
                (true, Some(i)) => Value::Int(i),
                _ => Value::Float(n.as_f64().unwrap_or(0.0)),
            },
            J::String(s) => Value::String(s.clone()),
            J::Array(a) => Value::List(a.iter().map(|v| Value::from_json(v, keep_integers)).collect()),
            J::Object(o) => {
                Value::Map(o.iter().map(|(k, v)| (k.clone(), Value::from_json(v, keep_integers))).collect())
            }
        }
    }
}

/// One step of a [`KeyPath`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// A map key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// A location inside a value tree, printed the way users write it: `hostnames[1]`,
/// `database.postgresql.host`, `podAnnotations["example.com/x"]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct KeyPath(Vec<Segment>);

impl KeyPath {
    /// The path of the whole tree.
    pub fn root() -> Self {
        KeyPath(Vec::new())
    }

    /// A path of plain keys separated by dots.
    pub fn from_dotted(dotted: &str) -> Self {
        if dotted.is_empty() {
            return KeyPath::root();
        }
        KeyPath(dotted.split('.').map(|k| Segment::Key(k.to_string())).collect())
    }

    /// Resolves a JSON pointer against `tree` so that numeric steps become list indexes only
    /// where the tree holds a list.
    pub fn from_json_pointer(pointer: &str, tree: &Value) -> Self {
        let mut path = KeyPath::root();
        let mut current = Some(tree);
        for raw in pointer.split('/').skip(1) {
            let token = raw.replace("~1", "/").replace("~0", "~");
            let segment = match (current, token.parse::<usize>()) {
                (Some(Value::List(_)), Ok(i)) => Segment::Index(i),
                _ => Segment::Key(token),
            };
            current = current.and_then(|v| match (&segment, v) {
                (Segment::Key(k), Value::Map(m)) => m.get(k),
                (Segment::Index(i), Value::List(l)) => l.get(*i),
                _ => None,
            });
            path.0.push(segment);
        }
        path
    }

    /// The steps from the root.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// Whether this is the root path.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// This path, then map key `key`.
    pub fn child_key(&self, key: &str) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Key(key.to_string()));
        next
    }

    /// This path, then list index `index`.
    pub fn child_index(&self, index: usize) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Index(index));
        next
    }

    /// The path one step up; `None` for the root.
    pub fn parent(&self) -> Option<Self> {
        let mut p = self.clone();
        p.0.pop().map(|_| p)
    }
}

/// A set of paths closed under parents, as a tree in which each step is stored once, so that
/// memory grows with the number of paths, not with their number times their depth. Node 0 is
/// the root; every other node is numbered in the order it was made, after its parent.
#[derive(Clone, Debug)]
pub(crate) struct PathTree {
    /// The child of a node reached by one step.
    children: foldhash::HashMap<(u32, Segment), u32>,
    len: u32,
}

impl Default for PathTree {
    fn default() -> Self {
        PathTree { children: foldhash::HashMap::default(), len: 1 }
    }
}

impl PathTree {
    /// How many nodes the tree has, the root included.
    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }

    /// The node reached from `parent` by `step`, made when it is new.
    pub(crate) fn child(&mut self, parent: u32, step: Segment) -> u32 {
        let next = self.len;
        let node = *self.children.entry((parent, step)).or_insert(next);
        if node == next {
            self.len = next.checked_add(1).expect("fewer than 2^32 paths");
        }
        node
    }

    /// The nodes along `path`, from the root's first child on, as far as the tree has them.
    pub(crate) fn walk<'a>(&'a self, path: &'a KeyPath) -> impl Iterator<Item = u32> + 'a {
        let mut node = 0;
        path.segments().iter().map_while(move |step| {
            node = *self.children.get(&(node, step.clone()))?;
            Some(node)
        })
    }

    /// The node of `path`, when the tree has it.
    pub(crate) fn node(&self, path: &KeyPath) -> Option<u32> {
        let mut count = 0;
        let last = self.walk(path).inspect(|_| count += 1).last();
        match last {
            None if path.is_root() => Some(0),
            Some(node) if count == path.segments().len() => Some(node),
            _ => None,
        }
    }

    /// Every step, as ((parent, step), child), parents before their children.
    pub(crate) fn into_steps(self) -> Vec<((u32, Segment), u32)> {
        let mut steps: Vec<((u32, Segment), u32)> = self.children.into_iter().collect();
        steps.sort_unstable_by_key(|(_, node)| *node);
        steps
    }
}

fn is_plain_key(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(top level)");
        }
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(k) if is_plain_key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Segment::Key(k) => write!(f, "[{}]", serde_json::Value::String(k.clone()))?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_lookups_split_at_every_dot() {
        let text = "a: {b: {c: 1}, '': {d: 2}}\n'': {e: 3}\nf: 4\n";
        let root = crate::yaml::load_yaml_documents(text).unwrap().remove(0).root.unwrap();
        // What splitting at each dot and walking the keys gives, empty keys included.
        let by_split = |dotted: &str| {
            dotted.split('.').try_fold(&root, |current, key| match current {
                Value::Map(m) => m.get(key),
                _ => None,
            })
        };
        for dotted in ["a.b.c", "a.b", "a..d", ".e", "f", "f.g", "a.b.c.d", "a.", "x", "a.b.", "..", "."] {
            assert_eq!(root.get_dotted(dotted), by_split(dotted), "{dotted:?}");
        }
        assert_eq!(root.get_dotted(""), Some(&root));
    }

    #[test]
    fn paths_print_like_users_write_them() {
        let p = KeyPath::root().child_key("hostnames").child_index(1);
        assert_eq!(p.to_string(), "hostnames[1]");
        let p = KeyPath::from_dotted("database.postgresql.host");
        assert_eq!(p.to_string(), "database.postgresql.host");
        let p = KeyPath::root().child_key("podAnnotations").child_key("example.com/x");
        assert_eq!(p.to_string(), "podAnnotations[\"example.com/x\"]");
    }

    #[test]
    fn json_pointer_uses_the_tree_to_tell_indexes_from_keys() {
        let tree = Value::from_json(&serde_json::json!({"a": [{"0": 1}], "m": {"0": 2}}), false);
        assert_eq!(KeyPath::from_json_pointer("/a/0/0", &tree).to_string(), "a[0][\"0\"]");
        assert_eq!(KeyPath::from_json_pointer("/m/0", &tree).to_string(), "m[\"0\"]");
    }

    #[test]
    fn semantic_equality_compares_numbers_by_value() {
        assert!(Value::Int(5).semantic_eq(&Value::Float(5.0)));
        assert!(!Value::Int(5).semantic_eq(&Value::Float(5.5)));
        assert!(!Value::Int(5).semantic_eq(&Value::String("5".into())));
    }

    #[test]
    fn integral_floats_become_json_integers() {
        assert_eq!(Value::Float(5432.0).to_json(), serde_json::json!(5432));
        assert_eq!(Value::Float(1.5).to_json(), serde_json::json!(1.5));
        assert_eq!(Value::Float(1e21).to_json(), serde_json::json!(1e21));
    }
}
