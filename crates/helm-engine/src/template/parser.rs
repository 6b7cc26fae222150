//! The parser: tokens into [`Tree`]s, one for the text itself and one per `define` or
//! `block`, with Go's grammar, checks (undefined variables and functions, `break` outside
//! `range`, ...) and error texts, including the line Go reports.

use std::sync::Arc;

use super::ast::{Arg, Branch, Command, ListNode, Name, Node, Number, Pipe, TextPart, Tree, is_empty_tree};
use super::lexer::{Item, Kind, Lexer};
use crate::strconv::{parse_float, parse_int, parse_uint, quote, unquote, unquote_char};

/// A parse error, displayed as Go's `template: NAME:LINE: MESSAGE`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("template: {name}:{line}: {message}")]
pub(crate) struct ParseError {
    /// The name of the text parsed (the file).
    pub name: String,
    /// The line Go reports (that of the last token read).
    pub line: usize,
    /// The message.
    pub message: String,
}

/// How deeply parentheses and control structures may nest before parsing gives up (Go's
/// limit is 10000 parentheses; ours also bounds the stack).
const MAX_DEPTH: usize = 1000;

/// Parses `text` as the template `name`. `has_func` says which function names exist. The
/// result holds the tree of the text itself and one per definition, in the order Go adds
/// them to the set.
pub(crate) fn parse(
    name: &str,
    text: &str,
    has_func: &dyn Fn(&str) -> bool,
) -> Result<Vec<Tree>, ParseError> {
    parse_file(name, text, has_func).map(|file| file.trees)
}

/// What [`parse_file`] found in a file.
#[derive(Debug)]
pub(crate) struct ParsedFile {
    /// As [`parse`] returns them.
    pub trees: Vec<Tree>,
    /// The text defines a template named like the file itself (merged with the file's own
    /// tree, by Go's rules, so the trees alone no longer tell).
    pub defines_itself: bool,
}

/// [`parse`], telling also whether the text defines a template named like the file.
pub(crate) fn parse_file(
    name: &str,
    text: &str,
    has_func: &dyn Fn(&str) -> bool,
) -> Result<ParsedFile, ParseError> {
    let mut p = Parser {
        lex: Lexer::new(text, !has_func("break"), !has_func("continue")),
        token: [eof_item(), eof_item(), eof_item()],
        peek_count: 0,
        parse_name: Arc::from(name),
        text: Arc::from(text),
        has_func,
        trees: Vec::new(),
        vars: vec!["$".into()],
        range_depth: 0,
        action_line: 0,
        depth: 0,
        open_nodes: Vec::new(),
        open_cmds: Vec::new(),
        open_args: Vec::new(),
    };
    let root = p.parse_top()?;
    let defines_itself = p.trees.iter().any(|t| t.name == name);
    let tree = Tree {
        name: name.to_string(),
        parse_name: p.parse_name.clone(),
        text: p.text.clone(),
        root: Arc::new(root),
    };
    p.add(tree)?;
    Ok(ParsedFile { trees: p.trees, defines_itself })
}

/// A name of the template's text. Nearly all fit a [`Name`]'s inline room (23 bytes), and
/// copying them there with `new_inline` made parsing Bitnami's templates about 2.5 % faster
/// than the general constructor, which copies through `memcpy`.
fn name_of(text: &str) -> Name {
    const INLINE: usize = 23;
    if text.len() <= INLINE { Name::new_inline(text) } else { Name::new(text) }
}

fn eof_item() -> Item<'static> {
    Item { kind: Kind::Eof, pos: 0, val: "", line: 0 }
}

struct Parser<'a> {
    lex: Lexer<'a>,
    token: [Item<'a>; 3],
    peek_count: usize,
    parse_name: Arc<str>,
    text: Arc<str>,
    has_func: &'a dyn Fn(&str) -> bool,
    trees: Vec<Tree>,
    vars: Vec<String>,
    range_depth: usize,
    action_line: usize,
    depth: usize,
    /// The nodes, commands and arguments of the lists being parsed (nested lists above the
    /// ones that contain them), each list moved out at its end into a vector of its exact
    /// size: growing every list in place would reallocate as it grew and leave the spare
    /// room of its last doubling in the tree.
    open_nodes: Vec<Node>,
    open_cmds: Vec<Command>,
    open_args: Vec<Arg>,
}

type PResult<T> = Result<T, ParseError>;

impl<'a> Parser<'a> {
    fn errorf(&self, message: impl Into<String>) -> ParseError {
        ParseError { name: self.parse_name.to_string(), line: self.token[0].line, message: message.into() }
    }

    fn next(&mut self) -> Item<'a> {
        if self.peek_count > 0 {
            self.peek_count -= 1;
        } else {
            self.token[0] = self.lex.next_item();
        }
        self.token[self.peek_count]
    }

    fn backup(&mut self) {
        self.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item<'a>) {
        self.token[1] = t1;
        self.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item<'a>, t1: Item<'a>) {
        self.token[1] = t1;
        self.token[2] = t2;
        self.peek_count = 3;
    }

    fn peek(&mut self) -> Item<'a> {
        if self.peek_count > 0 {
            return self.token[self.peek_count - 1];
        }
        self.peek_count = 1;
        self.token[0] = self.lex.next_item();
        self.token[0]
    }

    fn next_non_space(&mut self) -> Item<'a> {
        loop {
            let t = self.next();
            if t.kind != Kind::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item<'a> {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn expect(&mut self, kind: Kind, context: &str) -> PResult<Item<'a>> {
        let t = self.next_non_space();
        if t.kind != kind {
            return Err(self.unexpected(&t, context));
        }
        Ok(t)
    }

    fn unexpected(&self, token: &Item<'_>, context: &str) -> ParseError {
        let message = self.lex.error_message();
        let token_text = token.describe(message);
        if token.kind == Kind::Error {
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != token.line {
                extra = format!(" in action started at {}:{}", self.parse_name, self.action_line);
                if message.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{token_text}{extra}"));
        }
        self.errorf(format!("unexpected {token_text} in {context}"))
    }

    /// Adds a finished tree to the set, with Go's rule for names defined twice in one text.
    fn add(&mut self, tree: Tree) -> PResult<()> {
        match self.trees.iter().position(|t| t.name == tree.name) {
            None => self.trees.push(tree),
            Some(i) if is_empty_tree(&self.trees[i].root) => self.trees[i] = tree,
            Some(_) if !is_empty_tree(&tree.root) => {
                return Err(
                    self.errorf(format!("template: multiple definition of template {}", quote(&tree.name)))
                );
            }
            Some(_) => {}
        }
        Ok(())
    }

    fn parse_top(&mut self) -> PResult<ListNode> {
        let base = self.open_nodes.len();
        while self.peek().kind != Kind::Eof {
            if self.peek().kind == Kind::LeftDelim {
                let delim = self.next();
                if self.next_non_space().kind == Kind::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.backup2(delim);
            }
            let node = self.text_or_action()?;
            match node {
                Parsed::End => return Err(self.errorf("unexpected {{end}}")),
                Parsed::Else => return Err(self.errorf("unexpected {{else}}")),
                Parsed::Node(n) => self.open_nodes.push(n),
            }
        }
        Ok(ListNode { nodes: take_from(&mut self.open_nodes, base) })
    }

    /// Runs `f` with fresh per-tree state (a definition has its own variables).
    fn with_tree_state<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        let vars = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let range_depth = std::mem::replace(&mut self.range_depth, 0);
        let action_line = std::mem::replace(&mut self.action_line, 0);
        let result = f(self);
        self.vars = vars;
        self.range_depth = range_depth;
        self.action_line = action_line;
        result
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let context = "define clause";
        self.with_tree_state(|p| {
            let name_tok = p.next_non_space();
            if !matches!(name_tok.kind, Kind::String | Kind::RawString) {
                return Err(p.unexpected(&name_tok, context));
            }
            let name = unquote(name_tok.val).map_err(|e| p.errorf(e))?;
            p.expect(Kind::RightDelim, context)?;
            let (root, end) = p.item_list()?;
            if let Parsed::Else = end {
                return Err(p.errorf(format!("unexpected {{{{else}}}} in {context}")));
            }
            let tree =
                Tree { name, parse_name: p.parse_name.clone(), text: p.text.clone(), root: Arc::new(root) };
            p.add(tree)
        })
    }

    /// `textOrAction*` up to `{{end}}` or `{{else}}`, which is returned separately.
    fn item_list(&mut self) -> PResult<(ListNode, Parsed)> {
        let base = self.open_nodes.len();
        while self.peek_non_space().kind != Kind::Eof {
            match self.text_or_action()? {
                Parsed::Node(n) => self.open_nodes.push(n),
                end => return Ok((ListNode { nodes: take_from(&mut self.open_nodes, base) }, end)),
            }
        }
        Err(self.errorf("unexpected EOF"))
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.kind {
            Kind::Text => {
                // A text token is the input from its offset on.
                let text = TextPart::new(&self.text, token.pos, token.pos + token.val.len());
                debug_assert_eq!(&*text, token.val);
                Ok(Parsed::Node(Node::Text { pos: token.pos, text }))
            }
            Kind::LeftDelim => {
                self.action_line = token.line;
                let result = self.action();
                self.action_line = 0;
                result
            }
            _ => Err(self.unexpected(&token, "input")),
        }
    }

    fn action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.kind {
            Kind::Block => return self.block_control().map(Parsed::Node),
            Kind::Break => return self.break_control(token.pos, "{{break}}", true).map(Parsed::Node),
            Kind::Continue => return self.break_control(token.pos, "{{continue}}", false).map(Parsed::Node),
            Kind::Else => return self.else_control(),
            Kind::End => {
                self.expect(Kind::RightDelim, "end")?;
                return Ok(Parsed::End);
            }
            Kind::If => return self.control("if").map(Parsed::Node),
            Kind::Range => return self.control("range").map(Parsed::Node),
            Kind::Template => return self.template_control().map(Parsed::Node),
            Kind::With => return self.control("with").map(Parsed::Node),
            _ => {}
        }
        self.backup();
        let token = self.peek();
        let pipe = self.pipeline("command", Kind::RightDelim)?;
        Ok(Parsed::Node(Node::Action { pos: token.pos, pipe }))
    }

    fn break_control(&mut self, pos: usize, context: &str, is_break: bool) -> PResult<Node> {
        let token = self.next_non_space();
        if token.kind != Kind::RightDelim {
            return Err(self.unexpected(&token, context));
        }
        if self.range_depth == 0 {
            return Err(self.errorf(format!("{context} outside {{{{range}}}}")));
        }
        Ok(if is_break { Node::Break { pos } } else { Node::Continue { pos } })
    }

    fn else_control(&mut self) -> PResult<Parsed> {
        let peek = self.peek_non_space();
        // "{{else if" and "{{else with" leave the keyword for the enclosing control.
        if matches!(peek.kind, Kind::If | Kind::With) {
            return Ok(Parsed::Else);
        }
        self.expect(Kind::RightDelim, "else")?;
        Ok(Parsed::Else)
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.errorf("max expression depth exceeded"));
        }
        Ok(())
    }

    fn control(&mut self, context: &str) -> PResult<Node> {
        self.enter()?;
        let result = self.control_inner(context);
        self.depth -= 1;
        result
    }

    fn control_inner(&mut self, context: &str) -> PResult<Node> {
        let vars_mark = self.vars.len();
        let result = (|| {
            let pipe = self.pipeline(context, Kind::RightDelim)?;
            if context == "range" {
                self.range_depth += 1;
            }
            let listed = self.item_list();
            if context == "range" {
                self.range_depth -= 1;
            }
            let (list, next) = listed?;
            let mut else_list = None;
            if let Parsed::Else = next {
                if context == "if" && self.peek().kind == Kind::If {
                    self.next();
                    let inner = self.control("if")?;
                    else_list = Some(ListNode { nodes: vec![inner] });
                } else if context == "with" && self.peek().kind == Kind::With {
                    self.next();
                    let inner = self.control("with")?;
                    else_list = Some(ListNode { nodes: vec![inner] });
                } else {
                    let (list, next) = self.item_list()?;
                    if let Parsed::Else = next {
                        return Err(self.errorf("expected end; found {{else}}"));
                    }
                    else_list = Some(list);
                }
            }
            let branch = Branch { pos: pipe.pos, pipe, list, else_list };
            Ok(match context {
                "if" => Node::If(Box::new(branch)),
                "range" => Node::Range(Box::new(branch)),
                _ => Node::With(Box::new(branch)),
            })
        })();
        self.vars.truncate(vars_mark);
        result
    }

    fn parse_template_name(&mut self, token: &Item<'_>, context: &str) -> PResult<String> {
        match token.kind {
            Kind::String | Kind::RawString => unquote(token.val).map_err(|e| self.errorf(e)),
            _ => Err(self.unexpected(token, context)),
        }
    }

    fn block_control(&mut self) -> PResult<Node> {
        let context = "block clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, context)?;
        let pipe = self.pipeline(context, Kind::RightDelim)?;
        self.enter()?;
        let body = self.with_tree_state(|p| {
            let (root, end) = p.item_list()?;
            if let Parsed::Else = end {
                return Err(p.errorf(format!("unexpected {{{{else}}}} in {context}")));
            }
            Ok(root)
        });
        self.depth -= 1;
        let root = body?;
        let tree = Tree {
            name: name.clone(),
            parse_name: self.parse_name.clone(),
            text: self.text.clone(),
            root: Arc::new(root),
        };
        self.add(tree)?;
        Ok(Node::Template { pos: token.pos, name: name.into(), pipe: Some(Box::new(pipe)) })
    }

    fn template_control(&mut self) -> PResult<Node> {
        let context = "template clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, context)?;
        let mut pipe = None;
        if self.next_non_space().kind != Kind::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(context, Kind::RightDelim)?);
        }
        Ok(Node::Template { pos: token.pos, name: name.into(), pipe: pipe.map(Box::new) })
    }

    fn pipeline(&mut self, context: &str, end: Kind) -> PResult<Pipe> {
        let token = self.peek_non_space();
        let mut pipe = Pipe { pos: token.pos, ..Pipe::default() };
        let base = self.open_cmds.len();
        // Declarations or assignments.
        loop {
            let v = self.peek_non_space();
            if v.kind != Kind::Variable {
                break;
            }
            self.next();
            let token_after = self.peek();
            let next = self.peek_non_space();
            if matches!(next.kind, Kind::Assign | Kind::Declare) {
                pipe.is_assign = next.kind == Kind::Assign;
                self.next_non_space();
                pipe.decl.push(name_of(v.val));
                self.vars.push(v.val.to_string());
                break;
            } else if next.kind == Kind::Char && next.val == "," {
                self.next_non_space();
                pipe.decl.push(name_of(v.val));
                self.vars.push(v.val.to_string());
                if context == "range" && pipe.decl.len() < 2 {
                    match self.peek_non_space().kind {
                        Kind::Variable | Kind::RightDelim | Kind::RightParen => continue,
                        _ => return Err(self.errorf("range can only initialize variables")),
                    }
                }
                return Err(self.errorf(format!("too many declarations in {context}")));
            } else if token_after.kind == Kind::Space {
                self.backup3(v, token_after);
                break;
            } else {
                self.backup2(v);
                break;
            }
        }
        loop {
            let token = self.next_non_space();
            if token.kind == end {
                pipe.cmds = take_from(&mut self.open_cmds, base);
                self.check_pipeline(&pipe, context)?;
                return Ok(pipe);
            }
            match token.kind {
                Kind::Bool
                | Kind::CharConstant
                | Kind::Complex
                | Kind::Dot
                | Kind::Field
                | Kind::Identifier
                | Kind::Number
                | Kind::Nil
                | Kind::RawString
                | Kind::String
                | Kind::Variable
                | Kind::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    self.open_cmds.push(cmd);
                }
                _ => return Err(self.unexpected(&token, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(format!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if let Some(
                Arg::Bool { .. } | Arg::Dot { .. } | Arg::Nil { .. } | Arg::Number { .. } | Arg::Str { .. },
            ) = c.args.first()
            {
                return Err(self.errorf(format!("non executable command in pipeline stage {}", i + 1)));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        let pos = self.peek_non_space().pos;
        let base = self.open_args.len();
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                self.open_args.push(operand);
            }
            let token = self.next();
            match token.kind {
                Kind::Space => continue,
                Kind::RightDelim | Kind::RightParen => self.backup(),
                Kind::Pipe => {}
                _ => return Err(self.unexpected(&token, "operand")),
            }
            break;
        }
        if self.open_args.len() == base {
            return Err(self.errorf("empty command"));
        }
        Ok(Command { pos, args: take_from(&mut self.open_args, base) })
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().kind != Kind::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields = Vec::new();
        while self.peek().kind == Kind::Field {
            let t = self.next();
            fields.push(name_of(&t.val[1..]));
        }
        // Fields after a field or variable extend it; the node takes the position of the
        // first added field, as in Go.
        Ok(Some(match node {
            Arg::Field { mut idents, .. } => {
                idents.extend(fields);
                Arg::Field { pos: chain_pos, idents }
            }
            Arg::Var { mut idents, .. } => {
                idents.extend(fields);
                Arg::Var { pos: chain_pos, idents }
            }
            Arg::Bool { .. } | Arg::Str { .. } | Arg::Number { .. } | Arg::Nil { .. } | Arg::Dot { .. } => {
                return Err(self.errorf(format!("unexpected . after term {}", quote(&node.to_string()))));
            }
            other => Arg::Chain { pos: chain_pos, node: Box::new(other), fields },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let token = self.next_non_space();
        let pos = token.pos;
        Ok(Some(match token.kind {
            Kind::Identifier => {
                if !(self.has_func)(token.val) {
                    return Err(self.errorf(format!("function {} not defined", quote(token.val))));
                }
                Arg::Ident { pos, name: name_of(token.val) }
            }
            Kind::Dot => Arg::Dot { pos },
            Kind::Nil => Arg::Nil { pos },
            Kind::Variable => {
                let first = token.val.split('.').next().unwrap_or("");
                if !self.vars.iter().any(|var| var == first) {
                    return Err(self.errorf(format!("undefined variable {}", quote(first))));
                }
                Arg::Var { pos, idents: vec![name_of(token.val)] }
            }
            Kind::Field => Arg::Field { pos, idents: vec![name_of(&token.val[1..])] },
            Kind::Bool => Arg::Bool { pos, val: token.val == "true" },
            Kind::CharConstant | Kind::Complex | Kind::Number => {
                let num = new_number(token.val, token.kind).map_err(|e| self.errorf(e))?;
                Arg::Number { pos, num: Box::new(num) }
            }
            Kind::LeftParen => {
                self.enter()?;
                let pipe = self.pipeline("parenthesized pipeline", Kind::RightParen);
                self.depth -= 1;
                Arg::Pipe(Box::new(pipe?))
            }
            // A quoted string without escapes is its own text (the lexer ends a string at
            // its first unescaped quote and refuses line breaks in it).
            Kind::String if token.val.len() >= 2 && !token.val.as_bytes().contains(&b'\\') => {
                Arg::Str { pos, quoted: None, text: name_of(&token.val[1..token.val.len() - 1]) }
            }
            Kind::String | Kind::RawString => {
                let text = unquote(token.val).map_err(|e| self.errorf(e))?;
                let plain = token.val.strip_prefix('"').and_then(|v| v.strip_suffix('"')) == Some(&*text);
                Arg::Str { pos, quoted: (!plain).then(|| Box::from(token.val)), text: name_of(&text) }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

/// The items of `stack` from `base` on, moved into a vector of their number.
fn take_from<T>(stack: &mut Vec<T>, base: usize) -> Vec<T> {
    stack.drain(base..).collect()
}

/// What one `textOrAction` produced: a node, or the `{{end}}`/`{{else}}` that ends a list.
enum Parsed {
    Node(Node),
    End,
    Else,
}

/// Go's number literal rules: which of int, uint and float a literal can be.
pub(crate) fn new_number(text: &str, kind: Kind) -> Result<Number, String> {
    let mut n = Number {
        text: text.to_string(),
        is_int: false,
        is_uint: false,
        is_float: false,
        int: 0,
        uint: 0,
        float: 0.0,
    };
    match kind {
        Kind::CharConstant => {
            let body = &text[1..];
            let (c, tail) = unquote_char(body, '\'')?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            let r = c.chars().next().map_or(0, |c| c as i64);
            n.int = r;
            n.is_int = true;
            n.uint = r as u64;
            n.is_uint = true;
            n.float = r as f64;
            n.is_float = true;
            return Ok(n);
        }
        Kind::Complex => {
            return Err(format!("complex number {text} is not supported by helm-engine"));
        }
        _ => {}
    }
    if text.ends_with('i') && parse_float(&text[..text.len() - 1]).is_some() {
        return Err(format!("complex number {text} is not supported by helm-engine"));
    }
    let u = parse_uint(text, 0);
    if let Some(u) = u {
        n.is_uint = true;
        n.uint = u;
    }
    if let Some(i) = parse_int(text, 0) {
        n.is_int = true;
        n.int = i;
        if i == 0 {
            n.is_uint = true;
            n.uint = u.unwrap_or(0);
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float = n.int as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float = n.uint as f64;
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", quote(text)));
        }
        n.is_float = true;
        n.float = f;
        if f.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
            n.is_int = true;
            n.int = f as i64;
        }
        if f.fract() == 0.0 && (0.0..1.844_674_407_370_955_2e19).contains(&f) {
            n.is_uint = true;
            n.uint = f as u64;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!("illegal number syntax: {}", quote(text)));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn funcs(name: &str) -> bool {
        matches!(name, "printf" | "include" | "eq")
    }

    fn err(text: &str) -> String {
        parse("t", text, &funcs).unwrap_err().to_string()
    }

    #[test]
    fn parses_defines_and_bodies() {
        let trees = parse("t", "a{{ define \"x\" }}X{{ end }}b{{ .A.B | printf \"%v\" }}", &funcs).unwrap();
        let names: Vec<&str> = trees.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["x", "t"]);
        assert_eq!(trees[1].root.to_string(), "ab{{.A.B | printf \"%v\"}}");
    }

    #[test]
    fn string_literals_print_as_written() {
        let text = "{{ printf \"%v\" `raw\\n` \"tab\\t\" \"\" }}";
        let trees = parse("t", text, &funcs).unwrap();
        assert_eq!(trees[0].root.to_string(), "{{printf \"%v\" `raw\\n` \"tab\\t\" \"\"}}");
    }

    #[test]
    fn errors_match_go() {
        assert_eq!(err("y: {{ .Values.a.b }"), "template: t:1: unexpected \"}\" in operand");
        assert_eq!(err("{{ foo }}"), "template: t:1: function \"foo\" not defined");
        assert_eq!(err("{{ $x }}"), "template: t:1: undefined variable \"$x\"");
        assert_eq!(err("{{ end }}"), "template: t:1: unexpected {{end}}");
        assert_eq!(err("{{ if 1 }}\n{{ break }}{{ end }}"), "template: t:2: {{break}} outside {{range}}");
        assert_eq!(err("{{ if 1 }}"), "template: t:1: unexpected EOF");
        assert_eq!(err("{{ 1 | 2 }}"), "template: t:1: non executable command in pipeline stage 2");
        assert_eq!(err("{{\n.x"), "template: t:2: unclosed action started at t:1");
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            rng_seed: proptest::test_runner::RngSeed::Fixed(677),
            ..proptest::test_runner::Config::default()
        })]

        #[test]
        fn parsing_arbitrary_text_never_panics(text in proptest::prelude::any::<String>()) {
            let _ = parse("t", &text, &funcs);
        }
    }

    #[test]
    fn numbers() {
        let n = new_number("0x1F", Kind::Number).unwrap();
        assert!(n.is_int && n.int == 31);
        let n = new_number("1.0", Kind::Number).unwrap();
        assert!(n.is_float && n.is_int);
        assert!(
            new_number("99999999999999999999", Kind::Number).unwrap_err().starts_with("integer overflow")
        );
        assert_eq!(new_number("'a'", Kind::CharConstant).unwrap().int, 97);
    }
}
