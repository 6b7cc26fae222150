//! The executor: walks a parse tree with a data value and writes the output, with the
//! semantics of Go's `text/template/exec.go`: field chains on maps and objects, Go's argument
//! type checks, `missingkey=zero`, pipelines that pass the previous value as the last
//! argument, short-circuit `and`/`or`, variable scopes, `range` over lists, sorted maps and
//! integers, `break`/`continue`, and errors that name the template, line, column and node.

use foldhash::HashMap;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use super::ast::{Arg, Branch, Command, ListNode, Name, Node, Number, Pipe, Tree};
use super::error::{ExecFailure, GoError, Location};
use super::fmt::format_value;
use super::funcs::{FuncDef, FuncTable};
use super::sig::{Sig, Ty};
use super::value::{MapKind, SliceKind, Val};

/// Parsed templates by name.
pub(crate) type TemplateTrees = HashMap<String, Tree>;

/// A set of named templates that can call each other (Go's `*Template` and its associates).
#[derive(Clone, Debug, Default)]
pub(crate) struct TemplateSet {
    /// The name of the set's own template (`gotpl` in Helm); errors for unknown names cite it.
    pub root: String,
    /// The templates by name (shared with the copies of the set other threads execute with).
    trees: Arc<TemplateTrees>,
    /// The set this one extends: `tpl` runs its text with the chart's templates and its own,
    /// and Helm copies the whole set for that; a set that looks in its parent's after its own
    /// answers the same without the copy.
    parent: Option<Rc<TemplateSet>>,
}

impl TemplateSet {
    /// An empty set whose own template is called `root`.
    pub(crate) fn new(root: &str) -> TemplateSet {
        TemplateSet { root: root.to_string(), trees: Arc::default(), parent: None }
    }

    /// A set with every template of `parent`, to which templates can be added.
    pub(crate) fn extending(parent: &Rc<TemplateSet>) -> TemplateSet {
        TemplateSet { root: parent.root.clone(), trees: Arc::default(), parent: Some(parent.clone()) }
    }

    /// A set of the given templates (another set's, see [`TemplateSet::trees`]).
    pub(crate) fn with_trees(root: &str, trees: Arc<TemplateTrees>) -> TemplateSet {
        TemplateSet { root: root.to_string(), trees, parent: None }
    }

    /// The set's own templates by name: parse trees are plain data that other threads can
    /// share, where the set itself (and the values it runs with) stays on its thread.
    pub(crate) fn trees(&self) -> &Arc<TemplateTrees> {
        &self.trees
    }

    /// Adds parsed trees with Go's rule: an empty definition does not replace a non-empty
    /// one of the same name.
    pub(crate) fn add_trees(&mut self, trees: Vec<Tree>) {
        for tree in trees {
            if let Some(old) = self.lookup(&tree.name)
                && super::ast::is_empty_tree(&tree.root)
                && !super::ast::is_empty_tree(&old.root)
            {
                continue;
            }
            Arc::make_mut(&mut self.trees).insert(tree.name.clone(), tree);
        }
    }

    /// The template called `name`.
    pub(crate) fn lookup(&self, name: &str) -> Option<&Tree> {
        match self.trees.get(name) {
            Some(tree) => Some(tree),
            None => self.parent.as_ref().and_then(|parent| parent.lookup(name)),
        }
    }
}

/// Go's limit on nested `{{template}}` calls is 100000; ours is lower so that the Rust stack
/// of the rendering thread (see `engine`) is never exhausted.
pub(crate) const MAX_EXEC_DEPTH: usize = 100_000;

/// How deep `tpl` calls may nest. Helm has no limit: a `tpl` that calls itself runs until Go's
/// stack overflows (helm crashes), and every level copies the template set and the text of the
/// error below it, so memory grows with the square of the depth. Real charts nest `tpl` a few
/// levels; a hundred keeps the memory of the worst case to a few megabytes.
pub(crate) const MAX_TPL_DEPTH: usize = 100;

/// The shared state of one rendering: functions, recursion counts, depth. Missing keys
/// follow Go's `missingkey=zero`, the option Helm renders with.
pub(crate) struct Runtime {
    /// The functions templates may call.
    pub funcs: Rc<FuncTable>,
    /// How many times each template name is currently being executed by a function that
    /// runs templates by name (Helm's `include` limits the recursion with it).
    pub named_calls: RefCell<HashMap<String, usize>>,
    /// Nested template executions, across `include`, `tpl` and `template`.
    pub depth: Cell<usize>,
    /// Nested `tpl` calls (see [`MAX_TPL_DEPTH`]).
    pub tpl_depth: Cell<usize>,
    /// The trees of texts `tpl` parsed, by the template set's root name and the text: charts
    /// pass the same values through `tpl` from many templates.
    pub tpl_parsed: RefCell<HashMap<String, HashMap<String, Vec<Tree>>>>,
    /// The stack address where this runtime was created, and how much stack execution may
    /// use below it: deep recursion stops with an error instead of overflowing the stack.
    stack_base: usize,
    stack_budget: usize,
}

/// The address of a local variable: how deep the stack is right now.
#[inline(never)]
fn stack_position() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

impl Runtime {
    /// A runtime with the given functions, for a thread with at least `stack_size` bytes of
    /// stack left at this point (execution stops with an error well before using them).
    pub(crate) fn new(funcs: Rc<FuncTable>, stack_size: usize) -> Runtime {
        Runtime {
            funcs,
            named_calls: RefCell::new(HashMap::default()),
            depth: Cell::new(0),
            tpl_depth: Cell::new(0),
            tpl_parsed: RefCell::new(HashMap::default()),
            stack_base: stack_position(),
            // Keep a margin for the frames between two checks and for the caller.
            stack_budget: stack_size.saturating_sub(stack_size / 8 + (256 << 10)),
        }
    }

    /// An error when the stack is nearly exhausted (Go would grow its stack further).
    fn check_stack(&self) -> Result<(), String> {
        let used = self.stack_base.abs_diff(stack_position());
        if used > self.stack_budget {
            return Err("template execution nests too deeply for helm-engine".to_string());
        }
        Ok(())
    }
}

/// What a function sees besides its arguments: the runtime and the template set it was
/// called from (so that `include` inside `tpl` sees the templates `tpl` defined).
pub(crate) struct CallCtx<'a> {
    /// The runtime.
    pub rt: &'a Runtime,
    /// The calling template set.
    pub set: &'a Rc<TemplateSet>,
}

/// Executes template `name` of `set` with `data` (None is Go's nil) and returns the output;
/// an unknown name gives Go's `no template "x" associated with template "root"`.
pub(crate) fn execute(
    rt: &Runtime,
    set: &Rc<TemplateSet>,
    name: &str,
    data: Option<Val>,
) -> Result<String, GoError> {
    let Some(tree) = set.lookup(name) else {
        return Err(GoError::msg(format!(
            "template: no template {} associated with template {}",
            crate::strconv::quote(name),
            crate::strconv::quote(&set.root)
        )));
    };
    execute_tree(rt, set, tree, data)
}

/// Executes a given tree (which `tpl` parsed) within `set`.
pub(crate) fn execute_tree(
    rt: &Runtime,
    set: &Rc<TemplateSet>,
    tree: &Tree,
    data: Option<Val>,
) -> Result<String, GoError> {
    let mut out = String::new();
    let dot = match data {
        Some(v) if !v.is_nil() => Ev::Val(v),
        _ => Ev::Invalid,
    };
    let depth = rt.depth.get();
    if depth >= MAX_EXEC_DEPTH {
        return Err(GoError::Exec(Box::new(ExecFailure {
            name: tree.name.clone(),
            location: None,
            context: String::new(),
            message: format!("exceeded maximum template depth ({MAX_EXEC_DEPTH})"),
            cause: None,
        })));
    }
    rt.depth.set(depth + 1);
    let mut state = State {
        rt,
        set: set.clone(),
        tree,
        out: &mut out,
        vars: vec![("$".into(), dot.clone())],
        cur: Cur::None,
    };
    let result = state.walk_list(&dot, &tree.root);
    rt.depth.set(depth);
    result?;
    Ok(out)
}

/// A value during evaluation, with the distinctions Go's reflection makes.
#[derive(Clone, Debug)]
enum Ev {
    /// No value at all (Go's invalid `reflect.Value`): what a pipeline yields for nil.
    Invalid,
    /// A value held in an interface (a map element, a list element): a nil one is a nil
    /// interface, whose fields cannot be evaluated.
    Iface(Val),
    /// A value of its own type.
    Val(Val),
}

impl Ev {
    /// The value a function receives.
    fn into_val(self) -> Val {
        match self {
            Ev::Invalid => Val::Nil,
            Ev::Iface(v) | Ev::Val(v) => v,
        }
    }

    /// What a pipeline stage leaves: interfaces are opened, a nil one becomes no value.
    fn unwrap_iface(self) -> Ev {
        match self {
            Ev::Iface(Val::Nil) | Ev::Val(Val::Nil) => Ev::Invalid,
            Ev::Iface(v) => Ev::Val(v),
            other => other,
        }
    }
}

/// The node being evaluated, for error messages.
#[derive(Clone, Copy)]
enum Cur<'t> {
    None,
    Node(&'t Node),
    Pipe(&'t Pipe),
    Cmd(&'t Command),
    Arg(&'t Arg),
}

/// How a walk ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    Normal,
    Break,
    Continue,
}

type EResult<T> = Result<T, GoError>;

/// The callee of a call: a function from the table or a method of an object.
enum Callee<'f> {
    Func(&'f FuncDef),
    Method(Val, Sig),
}

struct State<'a> {
    rt: &'a Runtime,
    set: Rc<TemplateSet>,
    tree: &'a Tree,
    out: &'a mut String,
    vars: Vec<(String, Ev)>,
    cur: Cur<'a>,
}

impl<'a> State<'a> {
    fn at(&mut self, cur: Cur<'a>) {
        self.cur = cur;
    }

    fn errorf(&self, message: impl Into<String>) -> GoError {
        self.error_with(message.into(), None)
    }

    fn error_with(&self, message: String, cause: Option<GoError>) -> GoError {
        let (pos, context) = match self.cur {
            Cur::None => (None, String::new()),
            Cur::Node(n) => (Some(n.pos()), n.to_string()),
            Cur::Pipe(p) => (Some(p.pos), p.to_string()),
            Cur::Cmd(c) => (Some(c.pos), c.to_string()),
            Cur::Arg(a) => (Some(a.pos()), a.to_string()),
        };
        let location = pos.map(|pos| {
            let (line, col) = self.tree.line_col(pos);
            Location { file: self.tree.parse_name.to_string(), line, col }
        });
        GoError::Exec(Box::new(ExecFailure {
            name: self.tree.name.clone(),
            location,
            context,
            message,
            cause: cause.map(Box::new),
        }))
    }

    // ---- variables ----

    fn mark(&self) -> usize {
        self.vars.len()
    }

    fn pop(&mut self, mark: usize) {
        self.vars.truncate(mark);
    }

    fn push(&mut self, name: &str, value: Ev) {
        self.vars.push((name.to_string(), value));
    }

    fn set_var(&mut self, name: &str, value: Ev) -> EResult<()> {
        match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
            Some(slot) => {
                slot.1 = value;
                Ok(())
            }
            None => Err(self.errorf(format!("undefined variable: {name}"))),
        }
    }

    fn set_top_var(&mut self, n: usize, value: Ev) {
        let len = self.vars.len();
        if n <= len {
            self.vars[len - n].1 = value;
        }
    }

    fn var_value(&self, name: &str) -> EResult<Ev> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => Err(self.errorf(format!("undefined variable: {name}"))),
        }
    }

    // ---- walking ----

    fn walk_list(&mut self, dot: &Ev, list: &'a ListNode) -> EResult<Flow> {
        for node in &list.nodes {
            let flow = self.walk(dot, node)?;
            if flow != Flow::Normal {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, dot: &Ev, node: &'a Node) -> EResult<Flow> {
        self.at(Cur::Node(node));
        self.rt.check_stack().map_err(|m| self.errorf(m))?;
        match node {
            Node::Text { text, .. } => self.out.push_str(text),
            Node::Action { pipe, .. } => {
                let value = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.at(Cur::Node(node));
                    self.print_value(&value);
                }
            }
            Node::If(b) => return self.walk_if_or_with(false, dot, b),
            Node::With(b) => return self.walk_if_or_with(true, dot, b),
            Node::Range(b) => return self.walk_range(dot, node, b),
            Node::Template { name, pipe, .. } => self.walk_template(dot, node, name, pipe.as_deref())?,
            Node::Break { .. } => return Ok(Flow::Break),
            Node::Continue { .. } => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    fn print_value(&mut self, value: &Ev) {
        match value {
            Ev::Invalid => self.out.push_str("<no value>"),
            Ev::Iface(v) | Ev::Val(v) => match v {
                Val::Nil => self.out.push_str("<nil>"),
                Val::Obj(o) => self.out.push_str(&o.print_top()),
                other => self.out.push_str(&format_value(other, 'v', false, 0)),
            },
        }
    }

    fn walk_if_or_with(&mut self, with: bool, dot: &Ev, b: &'a Branch) -> EResult<Flow> {
        let mark = self.mark();
        let result = (|| {
            let value = self.eval_pipeline(dot, &b.pipe)?;
            let truth = match &value {
                Ev::Invalid => false,
                Ev::Iface(v) | Ev::Val(v) => v.truth(),
            };
            if truth {
                if with { self.walk_list(&value, &b.list) } else { self.walk_list(dot, &b.list) }
            } else if let Some(else_list) = &b.else_list {
                self.walk_list(dot, else_list)
            } else {
                Ok(Flow::Normal)
            }
        })();
        self.pop(mark);
        result
    }

    fn walk_range(&mut self, dot: &Ev, node: &'a Node, b: &'a Branch) -> EResult<Flow> {
        self.at(Cur::Node(node));
        let outer = self.mark();
        let result = self.walk_range_inner(dot, b);
        self.pop(outer);
        // A break ends only this range.
        result.map(|_| Flow::Normal)
    }

    fn walk_range_inner(&mut self, dot: &Ev, b: &'a Branch) -> EResult<Flow> {
        let value = self.eval_pipeline(dot, &b.pipe)?;
        let mark = self.mark();
        let val = match value {
            Ev::Invalid => None,
            Ev::Iface(v) | Ev::Val(v) => Some(v),
        };
        // (index, element) pairs; elements of interface slices and maps are interfaces. The
        // integers of `range N` are made one at a time, as Go does: a loop left by `break`
        // may name a huge N.
        let items: Box<dyn Iterator<Item = (Ev, Ev)>> = match &val {
            None => Box::new(std::iter::empty()),
            Some(Val::List(l)) => {
                let wrap = |v: &Val| {
                    if l.kind == SliceKind::Iface { Ev::Iface(v.clone()) } else { Ev::Val(v.clone()) }
                };
                let items: Vec<(Ev, Ev)> =
                    l.items.iter().enumerate().map(|(i, v)| (Ev::Val(Val::Int(i as i64)), wrap(v))).collect();
                Box::new(items.into_iter())
            }
            Some(Val::Bytes(bytes)) => {
                let items: Vec<(Ev, Ev)> = bytes
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Ev::Val(Val::Int(i as i64)), Ev::Val(Val::Byte(*v))))
                    .collect();
                Box::new(items.into_iter())
            }
            Some(Val::Map(m)) => {
                let data = m.borrow().clone();
                let iface = data.kind != MapKind::Str;
                Box::new(data.entries.into_iter().map(move |(k, v)| {
                    (Ev::Val(Val::str(&k)), if iface { Ev::Iface(v) } else { Ev::Val(v) })
                }))
            }
            Some(Val::Obj(o)) if o.range_entries().is_some() => Box::new(
                o.range_entries().unwrap_or_default().into_iter().map(|(k, v)| (Ev::Val(k), Ev::Val(v))),
            ),
            Some(v @ (Val::Int(_) | Val::Int64(_) | Val::Byte(_))) => {
                if b.pipe.decl.len() > 1 {
                    return Err(self.errorf(format!(
                        "can't use {} to iterate over more than one variable",
                        format_value(v, 'v', false, 0)
                    )));
                }
                let n = match v {
                    Val::Int(n) | Val::Int64(n) => *n,
                    Val::Byte(n) => i64::from(*n),
                    _ => 0,
                };
                let (int64, byte) = (matches!(v, Val::Int64(_)), matches!(v, Val::Byte(_)));
                let make = move |i: i64| {
                    if int64 {
                        Val::Int64(i)
                    } else if byte {
                        Val::Byte(i as u8)
                    } else {
                        Val::Int(i)
                    }
                };
                Box::new((0..n.max(0)).map(move |i| (Ev::Invalid, Ev::Val(make(i)))))
            }
            Some(other) => {
                return Err(
                    self.errorf(format!("range can't iterate over {}", format_value(other, 'v', false, 0)))
                );
            }
        };
        let mut items = items.peekable();
        if items.peek().is_none() {
            if let Some(else_list) = &b.else_list {
                return self.walk_list(dot, else_list);
            }
            return Ok(Flow::Normal);
        }
        for (index, elem) in items {
            let decl = &b.pipe.decl;
            if !decl.is_empty() {
                if b.pipe.is_assign {
                    let first = if decl.len() > 1 { index.clone() } else { elem.clone() };
                    self.set_var(&decl[0], first)?;
                } else {
                    self.set_top_var(1, elem.clone());
                }
            }
            if decl.len() > 1 {
                if b.pipe.is_assign {
                    self.set_var(&decl[1], elem.clone())?;
                } else {
                    self.set_top_var(2, index.clone());
                }
            }
            let flow = self.walk_list(&elem, &b.list);
            self.pop(mark);
            if flow? == Flow::Break {
                break;
            }
        }
        Ok(Flow::Normal)
    }

    fn walk_template(&mut self, dot: &Ev, node: &'a Node, name: &str, pipe: Option<&'a Pipe>) -> EResult<()> {
        self.at(Cur::Node(node));
        let set = self.set.clone();
        let Some(tree) = set.lookup(name) else {
            return Err(self.errorf(format!("template {} not defined", crate::strconv::quote(name))));
        };
        let depth = self.rt.depth.get();
        if depth >= MAX_EXEC_DEPTH {
            return Err(self.errorf(format!("exceeded maximum template depth ({MAX_EXEC_DEPTH})")));
        }
        let new_dot = match pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Ev::Invalid,
        };
        self.rt.depth.set(depth + 1);
        let mut state = State {
            rt: self.rt,
            set: set.clone(),
            tree,
            out: &mut *self.out,
            vars: vec![("$".into(), new_dot.clone())],
            cur: Cur::None,
        };
        let result = state.walk_list(&new_dot, &tree.root);
        self.rt.depth.set(depth);
        result.map(|_| ())
    }

    // ---- evaluation ----

    fn eval_pipeline(&mut self, dot: &Ev, pipe: &'a Pipe) -> EResult<Ev> {
        self.at(Cur::Pipe(pipe));
        self.rt.check_stack().map_err(|m| self.errorf(m))?;
        let mut value: Option<Ev> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(dot, cmd, value.take())?;
            value = Some(v.unwrap_iface());
        }
        let value = value.unwrap_or(Ev::Invalid);
        for name in &pipe.decl {
            if pipe.is_assign {
                self.set_var(name, value.clone())?;
            } else {
                self.push(name, value.clone());
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &'a [Arg], final_: &Option<Ev>) -> EResult<()> {
        if args.len() > 1 || final_.is_some() {
            let first = args.first().map(ToString::to_string).unwrap_or_default();
            return Err(self.errorf(format!("can't give argument to non-function {first}")));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Ev, cmd: &'a Command, final_: Option<Ev>) -> EResult<Ev> {
        let Some(first) = cmd.args.first() else {
            return Err(self.errorf("empty command"));
        };
        match first {
            Arg::Field { idents, .. } => {
                self.at(Cur::Arg(first));
                return self.eval_field_chain(dot, dot.clone(), first, idents, Some(&cmd.args), final_);
            }
            Arg::Chain { node, fields, .. } => {
                return self.eval_chain(dot, first, node, fields, Some(&cmd.args), final_);
            }
            Arg::Ident { name, .. } => {
                return self.eval_function(dot, first, name, Cur::Cmd(cmd), Some(&cmd.args), final_);
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &final_)?;
                return self.eval_pipeline(dot, p);
            }
            Arg::Var { idents, .. } => {
                return self.eval_variable(dot, first, idents, Some(&cmd.args), final_);
            }
            _ => {}
        }
        self.at(Cur::Arg(first));
        self.not_a_function(&cmd.args, &final_)?;
        match first {
            Arg::Bool { val, .. } => Ok(Ev::Val(Val::Bool(*val))),
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Nil { .. } => Err(self.errorf("nil is not a command")),
            Arg::Number { num, .. } => self.ideal_constant(first, num),
            Arg::Str { text, .. } => Ok(Ev::Val(Val::str(&**text))),
            _ => {
                Err(self
                    .errorf(format!("can't evaluate command {}", crate::strconv::quote(&first.to_string()))))
            }
        }
    }

    fn ideal_constant(&mut self, node: &'a Arg, num: &Number) -> EResult<Ev> {
        self.at(Cur::Arg(node));
        let text = &num.text;
        let is_hex_int = text.len() > 2
            && text.starts_with('0')
            && matches!(text.as_bytes()[1], b'x' | b'X')
            && !text.contains(['p', 'P']);
        let is_rune = text.starts_with('\'');
        if num.is_float && !is_hex_int && !is_rune && text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(Ev::Val(Val::Float(num.float)));
        }
        if num.is_int {
            return Ok(Ev::Val(Val::Int(num.int)));
        }
        if num.is_uint {
            return Err(self.errorf(format!("{text} overflows int")));
        }
        Ok(Ev::Invalid)
    }

    fn eval_chain(
        &mut self,
        dot: &Ev,
        chain: &'a Arg,
        node: &'a Arg,
        fields: &'a [Name],
        args: Option<&'a [Arg]>,
        final_: Option<Ev>,
    ) -> EResult<Ev> {
        self.at(Cur::Arg(chain));
        if fields.is_empty() {
            return Err(self.errorf("internal error: no fields in evalChainNode"));
        }
        if let Arg::Nil { .. } = node {
            return Err(self.errorf(format!("indirection through explicit nil in {chain}")));
        }
        let receiver = self.eval_arg(dot, None, node)?;
        self.eval_field_chain(dot, receiver, chain, fields, args, final_)
    }

    fn eval_variable(
        &mut self,
        dot: &Ev,
        node: &'a Arg,
        idents: &'a [Name],
        args: Option<&'a [Arg]>,
        final_: Option<Ev>,
    ) -> EResult<Ev> {
        self.at(Cur::Arg(node));
        let value = self.var_value(&idents[0])?;
        if idents.len() == 1 {
            if let Some(args) = args {
                self.not_a_function(args, &final_)?;
            } else if final_.is_some() {
                self.not_a_function(&[], &final_)?;
            }
            return Ok(value);
        }
        self.eval_field_chain(dot, value, node, &idents[1..], args, final_)
    }

    fn eval_field_chain(
        &mut self,
        dot: &Ev,
        mut receiver: Ev,
        node: &'a Arg,
        idents: &'a [Name],
        args: Option<&'a [Arg]>,
        final_: Option<Ev>,
    ) -> EResult<Ev> {
        let n = idents.len();
        for ident in &idents[..n.saturating_sub(1)] {
            receiver = self.eval_field(dot, ident, node, None, None, receiver)?;
        }
        match idents.last() {
            Some(last) => self.eval_field(dot, last, node, args, final_, receiver),
            None => Ok(receiver),
        }
    }

    fn eval_field(
        &mut self,
        dot: &Ev,
        name: &str,
        node: &'a Arg,
        args: Option<&'a [Arg]>,
        final_: Option<Ev>,
        receiver: Ev,
    ) -> EResult<Ev> {
        let (in_interface, value) = match receiver {
            Ev::Invalid | Ev::Val(Val::Nil) => return Ok(Ev::Invalid),
            Ev::Iface(Val::Nil) => {
                return Err(self.errorf(format!("nil pointer evaluating interface {{}}.{name}")));
            }
            Ev::Iface(v) => (true, v),
            Ev::Val(v) => (false, v),
        };
        // Only the errors name the type: it is not built for every field read.
        let type_name =
            |value: &Val| if in_interface { "interface {}".to_string() } else { value.type_name() };
        // Methods first.
        let method = match &value {
            Val::Obj(o) => o.method_sig(name),
            Val::List(l) if l.kind == SliceKind::VersionSet && name == "Has" => Some(Sig::fixed(&[Ty::Str])),
            Val::Map(m) => {
                let kind = m.borrow().kind;
                self.rt.funcs.map_method(kind, name).map(|d| d.sig)
            }
            _ => None,
        };
        if let Some(sig) = method {
            return self.eval_call(dot, Callee::Method(value, sig), Cur::Arg(node), name, args, final_);
        }
        let has_args = args.is_some_and(|a| a.len() > 1) || final_.is_some();
        match &value {
            Val::Map(m) => {
                if has_args {
                    return Err(self.errorf(format!("{name} is not a method but has arguments")));
                }
                let data = m.borrow();
                let found = data.entries.get(name).cloned();
                let iface = data.kind != MapKind::Str;
                drop(data);
                return Ok(match found {
                    Some(v) if iface => Ev::Iface(v),
                    Some(v) => Ev::Val(v),
                    None if iface => Ev::Iface(Val::Nil),
                    None => Ev::Val(Val::str("")),
                });
            }
            Val::Obj(o) => {
                if let Some(field) = o.field(name) {
                    if has_args {
                        let message = if o.kind_name() == "map" {
                            format!("{name} is not a method but has arguments")
                        } else {
                            format!("{name} has arguments but cannot be invoked as function")
                        };
                        return Err(self.errorf(message));
                    }
                    return Ok(Ev::Val(field));
                }
                if o.unexported_field(name) {
                    return Err(self.errorf(format!(
                        "{name} is an unexported field of struct type {}",
                        type_name(&value)
                    )));
                }
            }
            _ => {}
        }
        Err(self.errorf(format!("can't evaluate field {name} in type {}", type_name(&value))))
    }

    fn eval_function(
        &mut self,
        dot: &Ev,
        ident: &'a Arg,
        name: &str,
        cmd: Cur<'a>,
        args: Option<&'a [Arg]>,
        final_: Option<Ev>,
    ) -> EResult<Ev> {
        self.at(Cur::Arg(ident));
        let funcs = self.rt.funcs.clone();
        let Some(def) = funcs.get(name) else {
            return Err(self.errorf(format!("{} is not a defined function", crate::strconv::quote(name))));
        };
        self.eval_call(dot, Callee::Func(def), cmd, name, args, final_)
    }

    fn eval_call(
        &mut self,
        dot: &Ev,
        callee: Callee<'_>,
        node: Cur<'a>,
        name: &str,
        args: Option<&'a [Arg]>,
        final_: Option<Ev>,
    ) -> EResult<Ev> {
        let args: &'a [Arg] = match args {
            Some(a) if !a.is_empty() => &a[1..],
            _ => &[],
        };
        let sig = match &callee {
            Callee::Func(def) => def.sig,
            Callee::Method(_, sig) => *sig,
        };
        let num_in = args.len() + usize::from(final_.is_some());
        let num_fixed = if sig.variadic.is_some() { sig.params.len() } else { args.len() };
        if sig.variadic.is_some() {
            if num_in < num_fixed {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want at least {} got {}",
                    sig.params.len(),
                    args.len()
                )));
            }
        } else if num_in != sig.params.len() {
            return Err(self
                .errorf(format!("wrong number of args for {name}: want {} got {num_in}", sig.params.len())));
        }
        if let Some(why) = sig.unusable {
            return Err(self.errorf(why.to_string()));
        }
        let is_builtin = matches!(&callee, Callee::Func(def) if def.builtin);
        if is_builtin && (name == "and" || name == "or") {
            let mut v = Ev::Invalid;
            for arg in args {
                v = self.eval_arg(dot, Some(Ty::RValue), arg)?.unwrap_iface();
                let truth = match &v {
                    Ev::Invalid => false,
                    Ev::Iface(x) | Ev::Val(x) => x.truth(),
                };
                if truth == (name == "or") {
                    return Ok(v);
                }
            }
            if let Some(f) = final_ {
                v = self.validate_type(f, Some(Ty::RValue))?.unwrap_iface();
            }
            return Ok(v);
        }
        let mut argv: Vec<Val> = Vec::with_capacity(num_in);
        // Whether the first argument is no value at all (Go's zero reflect.Value), which
        // `len` cannot take apart from a nil interface.
        let mut first_invalid = false;
        let mut i = 0;
        while i < num_fixed && i < args.len() {
            let v = self.eval_arg(dot, Some(sig.param(i)), &args[i])?;
            first_invalid |= i == 0 && matches!(v, Ev::Invalid);
            argv.push(v.into_val());
            i += 1;
        }
        if let Some(rest) = sig.variadic {
            while i < args.len() {
                let v = self.eval_arg(dot, Some(rest), &args[i])?;
                argv.push(v.into_val());
                i += 1;
            }
        }
        if let Some(f) = final_ {
            let t = match sig.variadic {
                Some(rest) => {
                    if num_in - 1 < num_fixed {
                        sig.param(num_in - 1)
                    } else {
                        rest
                    }
                }
                None => sig.params.last().copied().unwrap_or(Ty::Any),
            };
            let v = self.validate_type(f, Some(t))?;
            first_invalid |= argv.is_empty() && matches!(v, Ev::Invalid);
            argv.push(v.into_val());
        }
        if is_builtin && name == "len" && first_invalid {
            // Go's `len` asks the type of the zero reflect.Value, which panics; the template
            // package reports the panic as the call's error.
            let e = GoError::msg("reflect: call of reflect.Value.Type on zero Value");
            self.at(node);
            return Err(self.error_with(format!("error calling len: {e}"), Some(e)));
        }
        if is_builtin && name == "call" {
            // Go names the callee in this error; there are no function values to call.
            return match argv.first() {
                None | Some(Val::Nil) => {
                    self.at(node);
                    Err(self.error_with(
                        "error calling call: call of nil".into(),
                        Some(GoError::msg("call of nil")),
                    ))
                }
                Some(v) => {
                    let callee = args.first().map(ToString::to_string).unwrap_or_default();
                    let e = GoError::msg(format!("non-function {callee} of type {}", v.type_name()));
                    self.at(node);
                    Err(self.error_with(format!("error calling call: {e}"), Some(e)))
                }
            };
        }
        // Go's functions here return `interface {}`; the objects' methods return their own
        // (concrete) types, which later field lookups and errors name.
        let concrete = matches!(&callee, Callee::Method(Val::Obj(_) | Val::List(_), _));
        let result = match &callee {
            Callee::Func(def) => {
                let ctx = CallCtx { rt: self.rt, set: &self.set };
                (def.f)(&ctx, &argv)
            }
            Callee::Method(Val::Obj(o), _) => o.call_method(name, &argv).map_err(GoError::msg),
            Callee::Method(Val::List(l), _) => {
                let wanted = argv.first().and_then(Val::as_str).unwrap_or("");
                Ok(Val::Bool(l.items.iter().any(|v| v.as_str() == Some(wanted))))
            }
            Callee::Method(Val::Map(m), _) => {
                let kind = m.borrow().kind;
                match self.rt.funcs.clone().map_method(kind, name) {
                    Some(def) => {
                        let mut with_receiver = Vec::with_capacity(argv.len() + 1);
                        with_receiver.push(Val::Map(m.clone()));
                        with_receiver.extend(argv.iter().cloned());
                        let ctx = CallCtx { rt: self.rt, set: &self.set };
                        (def.f)(&ctx, &with_receiver)
                    }
                    None => Err(GoError::msg(format!("method {name} not found"))),
                }
            }
            Callee::Method(..) => Err(GoError::msg(format!("method {name} not found"))),
        };
        match result {
            Ok(v) if concrete => Ok(Ev::Val(v)),
            Ok(v) => Ok(Ev::Iface(v)),
            Err(e) => {
                self.at(node);
                let message = format!("error calling {name}: {e}");
                Err(self.error_with(message, Some(e)))
            }
        }
    }

    /// Go's `validateType`: checks a value against a parameter type (None: untyped).
    fn validate_type(&self, value: Ev, typ: Option<Ty>) -> EResult<Ev> {
        let Some(typ) = typ else {
            return Ok(value);
        };
        match value {
            Ev::Invalid => {
                if typ.can_be_nil() {
                    Ok(match typ {
                        Ty::Any => Ev::Iface(Val::Nil),
                        Ty::RValue => Ev::Invalid,
                        other => Ev::Val(other.nil_value()),
                    })
                } else {
                    Err(self.errorf(format!("invalid value; expected {}", typ.go_name())))
                }
            }
            Ev::Iface(v) | Ev::Val(v) if matches!(typ, Ty::Any | Ty::RValue) => Ok(Ev::Val(v)),
            Ev::Iface(Val::Nil) | Ev::Val(Val::Nil) => {
                Err(self
                    .errorf(format!("wrong type for value; expected {}; got interface {{}}", typ.go_name())))
            }
            Ev::Iface(v) | Ev::Val(v) => {
                if typ.accepts(&v) {
                    Ok(Ev::Val(v))
                } else {
                    Err(self.errorf(format!(
                        "wrong type for value; expected {}; got {}",
                        typ.go_name(),
                        v.type_name()
                    )))
                }
            }
        }
    }

    /// Go's `evalArg`: evaluates an argument for a parameter of type `typ`.
    fn eval_arg(&mut self, dot: &Ev, typ: Option<Ty>, arg: &'a Arg) -> EResult<Ev> {
        self.at(Cur::Arg(arg));
        match arg {
            Arg::Dot { .. } => return self.validate_type(dot.clone(), typ),
            Arg::Nil { .. } => {
                return match typ {
                    None | Some(Ty::Any) => Ok(Ev::Iface(Val::Nil)),
                    Some(Ty::RValue) => Ok(Ev::Invalid),
                    Some(t) if t.can_be_nil() => Ok(Ev::Val(t.nil_value())),
                    Some(t) => Err(self.errorf(format!("cannot assign nil to {}", t.go_name()))),
                };
            }
            Arg::Field { idents, .. } => {
                let v = self.eval_field_chain(
                    dot,
                    dot.clone(),
                    arg,
                    idents,
                    Some(std::slice::from_ref(arg)),
                    None,
                )?;
                return self.validate_type(v, typ);
            }
            Arg::Var { idents, .. } => {
                let v = self.eval_variable(dot, arg, idents, None, None)?;
                return self.validate_type(v, typ);
            }
            Arg::Pipe(p) => {
                let v = self.eval_pipeline(dot, p)?;
                return self.validate_type(v, typ);
            }
            Arg::Ident { name, .. } => {
                let v = self.eval_function(dot, arg, name, Cur::Arg(arg), None, None)?;
                return self.validate_type(v, typ);
            }
            Arg::Chain { node, fields, .. } => {
                let v = self.eval_chain(dot, arg, node, fields, None, None)?;
                return self.validate_type(v, typ);
            }
            _ => {}
        }
        let typ = typ.unwrap_or(Ty::Any);
        match typ {
            Ty::Bool => match arg {
                Arg::Bool { val, .. } => Ok(Ev::Val(Val::Bool(*val))),
                _ => Err(self.errorf(format!("expected bool; found {arg}"))),
            },
            Ty::Float => match arg {
                Arg::Number { num, .. } if num.is_float => Ok(Ev::Val(Val::Float(num.float))),
                _ => Err(self.errorf(format!("expected float; found {arg}"))),
            },
            Ty::Int => match arg {
                Arg::Number { num, .. } if num.is_int => Ok(Ev::Val(Val::Int(num.int))),
                _ => Err(self.errorf(format!("expected integer; found {arg}"))),
            },
            // A named integer type: the method receiving it reads the number.
            Ty::Duration => match arg {
                Arg::Number { num, .. } if num.is_int => Ok(Ev::Val(Val::Int64(num.int))),
                _ => Err(self.errorf(format!("expected integer; found {arg}"))),
            },
            Ty::Str => match arg {
                Arg::Str { text, .. } => Ok(Ev::Val(Val::str(&**text))),
                _ => Err(self.errorf(format!("expected string; found {arg}"))),
            },
            // Go stores the literal into the unsigned type, keeping its low bits.
            Ty::Uint32 => match arg {
                Arg::Number { num, .. } if num.is_uint => Ok(Ev::Val(Val::Int(i64::from(num.uint as u32)))),
                _ => Err(self.errorf(format!("expected unsigned integer; found {arg}"))),
            },
            Ty::Any | Ty::RValue => self.eval_empty_interface(dot, arg),
            other => Err(self.errorf(format!("can't handle {arg} for arg of type {}", other.go_name()))),
        }
    }

    fn eval_empty_interface(&mut self, dot: &Ev, arg: &'a Arg) -> EResult<Ev> {
        self.at(Cur::Arg(arg));
        match arg {
            Arg::Bool { val, .. } => Ok(Ev::Val(Val::Bool(*val))),
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Number { num, .. } => self.ideal_constant(arg, num),
            Arg::Str { text, .. } => Ok(Ev::Val(Val::str(&**text))),
            _ => Err(self.errorf(format!("can't handle assignment of {arg} to empty interface argument"))),
        }
    }
}
