//! The parse tree. Every node keeps the byte offset where Go's parser places it, so that
//! execution errors can name the same line and column as Go (`file:3:14`); `Display` prints a
//! node the way Go's `String` methods do, which is what error messages quote after `at <`.

use std::fmt::{self, Display, Write};
use std::sync::Arc;

/// A name or literal in a parsed template: most are short enough to be stored inline, and
/// parsed trees can move between threads.
pub(crate) type Name = smol_str::SmolStr;

/// A parsed template: a file's body or one `define`/`block`.
#[derive(Clone, Debug)]
pub(crate) struct Tree {
    /// The template's name (the file path, or the defined name).
    pub name: String,
    /// The name of what was parsed (the file path): error locations use it.
    pub parse_name: Arc<str>,
    /// The source text, for turning offsets into lines and columns.
    pub text: Arc<str>,
    /// The body (shared by the trees of files with the same text).
    pub root: Arc<ListNode>,
}

impl Tree {
    /// The 1-based line and 0-based column of a byte offset, as Go's `ErrorContext` counts
    /// them (the column is a byte count from the start of the line).
    pub(crate) fn line_col(&self, pos: usize) -> (usize, usize) {
        let pos = pos.min(self.text.len());
        let before = &self.text.as_bytes()[..pos];
        let line = 1 + before.iter().filter(|b| **b == b'\n').count();
        let col = match before.iter().rposition(|b| *b == b'\n') {
            Some(nl) => pos - (nl + 1),
            None => pos,
        };
        (line, col)
    }
}

/// A run of a template's text, kept as a range of the file's one copy: most nodes are text,
/// and a copy of each cost an allocation per node.
#[derive(Clone)]
pub(crate) struct TextPart {
    source: Arc<str>,
    start: usize,
    end: usize,
}

impl TextPart {
    /// `source[start..end]`; the range lies on character boundaries of `source`.
    pub(crate) fn new(source: &Arc<str>, start: usize, end: usize) -> TextPart {
        debug_assert!(source.get(start..end).is_some());
        TextPart { source: source.clone(), start, end }
    }
}

impl std::ops::Deref for TextPart {
    type Target = str;
    fn deref(&self) -> &str {
        &self.source[self.start..self.end]
    }
}

impl fmt::Debug for TextPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// Whether a body is empty in Go's sense (only blank text and comments), which decides
/// whether a later definition of the same name replaces an earlier one.
pub(crate) fn is_empty_tree(list: &ListNode) -> bool {
    list.nodes.iter().all(|n| match n {
        Node::Text { text, .. } => text.trim().is_empty(),
        _ => false,
    })
}

/// A sequence of nodes.
#[derive(Clone, Debug, Default)]
pub(crate) struct ListNode {
    /// The nodes.
    pub nodes: Vec<Node>,
}

/// A statement-level node.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    /// Plain text.
    Text {
        /// Offset.
        pos: usize,
        /// The text.
        text: TextPart,
    },
    /// `{{ pipeline }}`
    Action {
        /// Offset of the pipeline's first token.
        pos: usize,
        /// The pipeline.
        pipe: Pipe,
    },
    // The larger variants are boxed: a `Node` is as large as its largest variant, and most
    // nodes are text and actions.
    /// `{{if}}`
    If(Box<Branch>),
    /// `{{range}}`
    Range(Box<Branch>),
    /// `{{with}}`
    With(Box<Branch>),
    /// `{{template "name" pipeline}}` (also what `{{block}}` leaves in place).
    Template {
        /// Offset of the name.
        pos: usize,
        /// The template's name.
        name: Name,
        /// The data, if given.
        pipe: Option<Box<Pipe>>,
    },
    /// `{{break}}`
    Break {
        /// Offset.
        pos: usize,
    },
    /// `{{continue}}`
    Continue {
        /// Offset.
        pos: usize,
    },
}

impl Node {
    /// The node's offset.
    pub(crate) fn pos(&self) -> usize {
        match self {
            Node::Text { pos, .. }
            | Node::Action { pos, .. }
            | Node::Template { pos, .. }
            | Node::Break { pos }
            | Node::Continue { pos } => *pos,
            Node::If(b) | Node::Range(b) | Node::With(b) => b.pos,
        }
    }
}

/// The parts of `if`, `range` and `with`.
#[derive(Clone, Debug)]
pub(crate) struct Branch {
    /// Offset of the pipeline.
    pub pos: usize,
    /// The condition or collection.
    pub pipe: Pipe,
    /// The body.
    pub list: ListNode,
    /// The `else` part.
    pub else_list: Option<ListNode>,
}

/// A pipeline, with optional variable declarations or assignments.
#[derive(Clone, Debug, Default)]
pub(crate) struct Pipe {
    /// Offset.
    pub pos: usize,
    /// `$x = ...` rather than `$x := ...`.
    pub is_assign: bool,
    /// The variables declared or assigned.
    pub decl: Vec<Name>,
    /// The commands, separated by `|`.
    pub cmds: Vec<Command>,
}

/// One command of a pipeline: an operand followed by arguments.
#[derive(Clone, Debug)]
pub(crate) struct Command {
    /// Offset.
    pub pos: usize,
    /// The operands.
    pub args: Vec<Arg>,
}

/// A parsed number literal, with every type it can stand for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Number {
    /// The spelling.
    pub text: String,
    /// It is an integer that fits `int64`.
    pub is_int: bool,
    /// It is an integer that fits `uint64`.
    pub is_uint: bool,
    /// It can be a `float64`.
    pub is_float: bool,
    /// The `int64` value.
    pub int: i64,
    /// The `uint64` value.
    pub uint: u64,
    /// The `float64` value.
    pub float: f64,
}

/// An operand.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    /// `.A.B`
    Field {
        /// Offset.
        pos: usize,
        /// The names after each dot.
        idents: Vec<Name>,
    },
    /// `(pipeline).A.B`
    Chain {
        /// Offset of the first field.
        pos: usize,
        /// What the fields apply to.
        node: Box<Arg>,
        /// The field names.
        fields: Vec<Name>,
    },
    /// A function name.
    Ident {
        /// Offset.
        pos: usize,
        /// The name.
        name: Name,
    },
    /// `$x.A.B`
    Var {
        /// Offset.
        pos: usize,
        /// `$x` then the field names.
        idents: Vec<Name>,
    },
    /// `.`
    Dot {
        /// Offset.
        pos: usize,
    },
    /// `nil`
    Nil {
        /// Offset.
        pos: usize,
    },
    /// `true` or `false`.
    Bool {
        /// Offset.
        pos: usize,
        /// The value.
        val: bool,
    },
    /// A number.
    Number {
        /// Offset.
        pos: usize,
        /// The number (boxed: it is larger than every other operand).
        num: Box<Number>,
    },
    /// A string literal.
    Str {
        /// Offset.
        pos: usize,
        /// The spelling, quotes included, when it is not the value in double quotes (a raw
        /// string, or one with escapes): error messages quote the literal as written.
        quoted: Option<Box<str>>,
        /// The value.
        text: Name,
    },
    /// `(pipeline)`
    Pipe(Box<Pipe>),
}

impl Arg {
    /// The operand's offset.
    pub(crate) fn pos(&self) -> usize {
        match self {
            Arg::Field { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Ident { pos, .. }
            | Arg::Var { pos, .. }
            | Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::Bool { pos, .. }
            | Arg::Number { pos, .. }
            | Arg::Str { pos, .. } => *pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

impl Display for ListNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for node in &self.nodes {
            write!(f, "{node}")?;
        }
        Ok(())
    }
}

impl Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Text { text, .. } => f.write_str(text),
            Node::Action { pipe, .. } => write!(f, "{{{{{pipe}}}}}"),
            Node::If(b) => write_branch(f, "if", b),
            Node::Range(b) => write_branch(f, "range", b),
            Node::With(b) => write_branch(f, "with", b),
            Node::Template { name, pipe, .. } => {
                write!(f, "{{{{template {}", crate::strconv::quote(name))?;
                if let Some(p) = pipe {
                    write!(f, " {p}")?;
                }
                f.write_str("}}")
            }
            Node::Break { .. } => f.write_str("{{break}}"),
            Node::Continue { .. } => f.write_str("{{continue}}"),
        }
    }
}

fn write_branch(f: &mut fmt::Formatter<'_>, name: &str, b: &Branch) -> fmt::Result {
    write!(f, "{{{{{name} {}}}}}{}", b.pipe, b.list)?;
    if let Some(e) = &b.else_list {
        write!(f, "{{{{else}}}}{e}")?;
    }
    f.write_str("{{end}}")
}

impl Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            f.write_str(&self.decl.join(", "))?;
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            match a {
                Arg::Pipe(p) => write!(f, "({p})")?,
                other => write!(f, "{other}")?,
            }
        }
        Ok(())
    }
}

impl Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Field { idents, .. } => {
                for id in idents {
                    write!(f, ".{id}")?;
                }
                Ok(())
            }
            Arg::Chain { node, fields, .. } => {
                match node.as_ref() {
                    Arg::Pipe(p) => write!(f, "({p})")?,
                    other => write!(f, "{other}")?,
                }
                for field in fields {
                    write!(f, ".{field}")?;
                }
                Ok(())
            }
            Arg::Ident { name, .. } => f.write_str(name),
            Arg::Var { idents, .. } => f.write_str(&idents.join(".")),
            Arg::Dot { .. } => f.write_char('.'),
            Arg::Nil { .. } => f.write_str("nil"),
            Arg::Bool { val, .. } => f.write_str(if *val { "true" } else { "false" }),
            Arg::Number { num, .. } => f.write_str(&num.text),
            Arg::Str { quoted: Some(quoted), .. } => f.write_str(quoted),
            Arg::Str { quoted: None, text, .. } => write!(f, "\"{text}\""),
            Arg::Pipe(p) => write!(f, "{p}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A template of a few hundred kilobytes parses into tens of thousands of nodes and
    /// operands; their size is most of the parse trees' memory.
    #[test]
    fn nodes_and_operands_stay_small() {
        assert!(size_of::<Node>() <= 80, "{}", size_of::<Node>());
        assert!(size_of::<Arg>() <= 48, "{}", size_of::<Arg>());
    }
}
