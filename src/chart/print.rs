//! A tree printed as the YAML text of a Helm template: fixed parts as YAML, values as `{{ }}`
//! actions, conditional parts inside `{{- if }}` blocks, the values' own maps and lists through
//! `toYaml`, shared fragments and ConfigMap data as `define`s of `_helpers.tpl`. Render
//! evaluates the same tree, so for any values helm's output of the template is the object render
//! prints.
//!
//! Every action that ends a line of its own starts with `{{-`, which removes the line break
//! before it; the text that follows it starts on a new line again. So a block that prints
//! nothing leaves no trace, and `key:` followed by `{{- else }} {}` prints `key: {}`.

use std::collections::BTreeMap;

use super::go::unparen;
use crate::components::expr::{Cond, Expr};
use crate::components::tree::{Content, DataBlock, Node, Object, Part, Presence};
use helm_engine::Value;
use helm_engine::go_quote as quote;
use helm_engine::{KeyOrder, to_yaml};

/// Prints objects, collecting the `define`s and fixed files they need.
#[derive(Default)]
pub struct Printer {
    /// Helper name → (what it is, its body up to and with its `end`).
    helpers: BTreeMap<String, (String, String)>,
    /// Files shipped under `files/`: name → content.
    files: BTreeMap<String, String>,
}

fn line(out: &mut String, indent: usize, text: &str) {
    out.extend(std::iter::repeat_n(' ', indent));
    out.push_str(text);
    out.push('\n');
}

/// A fixed text as a YAML scalar.
fn yaml_scalar(text: &str) -> String {
    if text.contains("{{") {
        // Would be read as an action: print it through one.
        return format!("{{{{ {} | quote }}}}", quote(text));
    }
    let yaml = to_yaml(&Value::String(text.to_string()), KeyOrder::AsGiven);
    let yaml = yaml.trim_end_matches('\n');
    if yaml.contains('\n') {
        // Folded over lines at the emitter's own indentation: one double-quoted line instead
        // (Go's quoting is valid YAML).
        return quote(text);
    }
    yaml.to_string()
}

/// The condition for `if`.
fn condition(cond: &Cond) -> String {
    unparen(&cond.to_go()).to_string()
}

impl Printer {
    /// The whole template of an object.
    pub fn object(&mut self, object: &Object) -> String {
        let mut out = String::new();
        for check in object.checks.iter() {
            let fails = match &check.holds {
                Cond::Not(failing) => condition(failing),
                holds => format!("not {}", holds.to_go()),
            };
            line(&mut out, 0, &format!("{{{{- if {fails} }}}}"));
            line(&mut out, 0, &format!("{{{{- fail {} }}}}", check.message.to_go()));
            line(&mut out, 0, "{{- end }}");
        }
        let conditional = !object.when.is_always();
        if conditional {
            line(&mut out, 0, &format!("{{{{- if {} }}}}", condition(&object.when)));
        }
        for about in object.about.lines() {
            line(&mut out, 0, &format!("# {about}"));
        }
        match &object.body {
            Node::Map(parts) => self.parts(parts, true, 0, &mut out),
            other => panic!("{}: an object is a map, not {other:?}", object.path),
        }
        if conditional {
            line(&mut out, 0, "{{- end }}");
        }
        out
    }

    /// The `define`s the printed objects use, each with a comment, in name order.
    pub fn helpers(&self) -> Vec<String> {
        self.helpers
            .iter()
            .map(|(name, (about, body))| {
                format!("{{{{/* {about} */}}}}\n{{{{- define \"{name}\" -}}}}\n{body}")
            })
            .collect()
    }

    /// The fixed files the chart ships under `files/`, by name.
    pub fn files(&self) -> &BTreeMap<String, String> {
        &self.files
    }

    /// Adds a `define`; `body` ends with its `end` action.
    fn define(&mut self, name: String, about: String, body: String) {
        if let Some((_, existing)) = self.helpers.get(&name) {
            assert_eq!(existing, &body, "two different definitions of {name}");
            return;
        }
        self.helpers.insert(name, (about, body));
    }

    /// The parts of a map or list; neighbours under the same condition share one `if`.
    fn parts(&mut self, parts: &[Part], is_map: bool, indent: usize, out: &mut String) {
        let condition_of = |part: &Part| match part {
            Part::Entry(_, _, Presence::When(cond)) | Part::Item(_, Presence::When(cond)) => {
                Some(cond.clone())
            }
            _ => None,
        };
        // Several maps of the values spliced into one map (common labels and a component's) may
        // share keys: printed one after the other, a key would be there twice. They are merged
        // where the first one stands, a later map's value winning, as `render` has it.
        let spliced: Vec<&str> = parts
            .iter()
            .filter_map(|p| match p {
                Part::Splice(path) => Some(&**path),
                _ => None,
            })
            .collect();
        let merged = is_map && spliced.len() > 1;
        let mut rest = parts;
        while let Some(first) = rest.first() {
            if merged && let Part::Splice(path) = first {
                if **path == *spliced[0] {
                    let maps: Vec<String> =
                        spliced.iter().map(|p| format!("(default (dict) $.Values.{p})")).collect();
                    line(out, indent, &format!("{{{{- with mergeOverwrite (dict) {} }}}}", maps.join(" ")));
                    line(out, indent, &format!("{{{{- toYaml . | nindent {indent} }}}}"));
                    line(out, indent, "{{- end }}");
                }
                rest = &rest[1..];
                continue;
            }
            let Some(cond) = condition_of(first) else {
                self.part(first, indent, out);
                rest = &rest[1..];
                continue;
            };
            let count = rest.iter().take_while(|p| condition_of(p).as_ref() == Some(&cond)).count();
            line(out, indent, &format!("{{{{- if {} }}}}", condition(&cond)));
            for part in &rest[..count] {
                self.part(part, indent, out);
            }
            line(out, indent, "{{- end }}");
            rest = &rest[count..];
        }
    }

    /// One part, its own condition (if any) already tested.
    fn part(&mut self, part: &Part, indent: usize, out: &mut String) {
        match part {
            Part::Entry(key, value, presence) => self.entry(key, value, presence, indent, out),
            Part::Item(value, Presence::NonEmpty) => {
                line(out, indent, &format!("{{{{- if {} }}}}", condition(&value.non_empty())));
                self.item(value, indent, out);
                line(out, indent, "{{- end }}");
            }
            Part::Item(value, _) => self.item(value, indent, out),
            Part::Each(seq, item) => {
                line(out, indent, &format!("{{{{- range {} }}}}", unparen(&seq.to_go())));
                self.item(item, indent, out);
                line(out, indent, "{{- end }}");
            }
            Part::Splice(path) => {
                line(out, indent, &format!("{{{{- with $.Values.{path} }}}}"));
                line(out, indent, &format!("{{{{- toYaml . | nindent {indent} }}}}"));
                line(out, indent, "{{- end }}");
            }
            Part::Include(name, fragment) => {
                let Node::Map(fragment_parts) = &**fragment else {
                    panic!("{name}: a fragment is a map");
                };
                let mut body = String::new();
                self.parts(fragment_parts, true, 0, &mut body);
                body.push_str("{{- end -}}");
                self.define(name.to_string(), format!("Part of every object: {name}."), body);
                line(out, indent, &format!("{{{{- include \"{name}\" $ | nindent {indent} }}}}"));
            }
        }
    }

    fn entry(&mut self, key: &str, value: &Node, presence: &Presence, indent: usize, out: &mut String) {
        let key = yaml_scalar(key);
        match presence {
            Presence::Always | Presence::When(_) => self.entry_body(&key, value, indent, out, false),
            Presence::NonEmpty => match value {
                // `with` names the value once and tests it.
                Node::Text(expr) => {
                    line(out, indent, &format!("{{{{- with {} }}}}", unparen(&expr.to_go())));
                    line(out, indent, &format!("{key}: {{{{ . | quote }}}}"));
                    line(out, indent, "{{- end }}");
                }
                Node::Values(path) => {
                    line(out, indent, &format!("{{{{- with $.Values.{path} }}}}"));
                    line(out, indent, &format!("{key}:"));
                    line(out, indent + 2, &format!("{{{{- toYaml . | nindent {} }}}}", indent + 2));
                    line(out, indent, "{{- end }}");
                }
                _ if !value.may_be_empty() => self.entry_body(&key, value, indent, out, true),
                _ => {
                    line(out, indent, &format!("{{{{- if {} }}}}", condition(&value.non_empty())));
                    self.entry_body(&key, value, indent, out, true);
                    line(out, indent, "{{- end }}");
                }
            },
        }
    }

    /// `key: value`; `known_non_empty` when a surrounding condition already rules out an empty
    /// map or list.
    fn entry_body(
        &mut self,
        key: &str,
        value: &Node,
        indent: usize,
        out: &mut String,
        known_non_empty: bool,
    ) {
        match value {
            Node::Map(parts) | Node::List(parts) => {
                let is_map = matches!(value, Node::Map(_));
                if parts.is_empty() {
                    line(out, indent, &format!("{key}: {}", if is_map { "{}" } else { "[]" }));
                    return;
                }
                line(out, indent, &format!("{key}:"));
                let guard = (!known_non_empty && value.may_be_empty()).then(|| value.non_empty());
                if let Some(cond) = &guard {
                    line(out, indent + 2, &format!("{{{{- if {} }}}}", condition(cond)));
                }
                self.parts(parts, is_map, indent + 2, out);
                if guard.is_some() {
                    line(out, indent + 2, &format!("{{{{- else }}}} {}", if is_map { "{}" } else { "[]" }));
                    line(out, indent + 2, "{{- end }}");
                }
            }
            Node::Values(path) => {
                line(out, indent, &format!("{key}:"));
                line(out, indent + 2, &format!("{{{{- toYaml $.Values.{path} | nindent {} }}}}", indent + 2));
            }
            Node::Data(block) => {
                let helper = self.data_helper(block);
                line(out, indent, &format!("{key}:"));
                line(out, indent + 2, &format!("{{{{- include \"{helper}\" $ | nindent {} }}}}", indent + 2));
            }
            scalar => {
                let text = self.scalar(scalar);
                line(out, indent, &format!("{key}: {text}"));
            }
        }
    }

    fn item(&mut self, value: &Node, indent: usize, out: &mut String) {
        match value {
            Node::Map(parts) | Node::List(parts) if !parts.is_empty() => {
                let is_map = matches!(value, Node::Map(_));
                let inner = indent + 2;
                let mut body = String::new();
                let guard = value.may_be_empty().then(|| value.non_empty());
                if let Some(cond) = &guard {
                    line(&mut body, inner, &format!("{{{{- if {} }}}}", condition(cond)));
                }
                self.parts(parts, is_map, inner, &mut body);
                if guard.is_some() {
                    line(&mut body, inner, &format!("{{{{- else }}}} {}", if is_map { "{}" } else { "[]" }));
                    line(&mut body, inner, "{{- end }}");
                }
                // The first line goes after the dash when it is plain YAML; an action there
                // would remove the dash's space.
                if body[inner..].starts_with("{{") {
                    line(out, indent, "-");
                    out.push_str(&body);
                } else {
                    out.extend(std::iter::repeat_n(' ', indent));
                    out.push_str("- ");
                    out.push_str(&body[inner..]);
                }
            }
            Node::Map(_) => line(out, indent, "- {}"),
            Node::List(_) => line(out, indent, "- []"),
            Node::Values(_) | Node::Data(_) => panic!("a values subtree or data block is not an item"),
            scalar => {
                let text = self.scalar(scalar);
                line(out, indent, &format!("- {text}"));
            }
        }
    }

    fn scalar(&mut self, node: &Node) -> String {
        match node {
            Node::Str(text) => yaml_scalar(text),
            Node::Int(number) => number.to_string(),
            Node::Bool(flag) => flag.to_string(),
            Node::Text(Expr::Lit(text)) => yaml_scalar(text),
            Node::Text(expr) => format!("{{{{ {} | quote }}}}", unparen(&expr.to_go())),
            Node::Number(path) => format!("{{{{ int $.Values.{path} }}}}"),
            Node::Checksum(block) => {
                let helper = self.data_helper(block);
                format!("{{{{ include \"{helper}\" $ | sha256sum | quote }}}}")
            }
            other => panic!("not a scalar: {other:?}"),
        }
    }

    /// Defines the helper that prints a ConfigMap's data (and those of its computed files), and
    /// returns its name. Both the ConfigMap and the checksums of the pods that read it include
    /// it, so they agree.
    fn data_helper(&mut self, block: &DataBlock) -> String {
        let name = format!("mailu.{}.data", block.name);
        let mut body = String::from("{{- $data := dict -}}\n");
        if let Some(extra) = &block.extra {
            line(
                &mut body,
                0,
                &format!(
                    "{{{{- range $name, $content := $.Values.{extra} }}}}{{{{ $_ := set $data $name $content }}}}{{{{ end -}}}}"
                ),
            );
        }
        for entry in block.entries.iter() {
            let value = match &entry.content {
                Content::Static { file, text } => {
                    self.files.insert(file.to_string(), text.to_string());
                    format!("($.Files.Get \"files/{file}\")")
                }
                Content::Value(expr) => expr.to_go(),
                Content::File(expr) => {
                    let helper = format!("mailu.{}.{}", block.name, entry.key);
                    // `define ... -}}` trims white space before the file's first line, and an
                    // `end` without `{{-` keeps its last line break.
                    let text = expr.to_go_text();
                    assert!(!text.starts_with(char::is_whitespace), "{helper} starts with white space");
                    self.define(
                        helper.clone(),
                        format!("{} of <release>-{}.", entry.key, block.name),
                        format!("{text}{{{{ end -}}}}"),
                    );
                    format!("(include \"{helper}\" $)")
                }
            };
            let set = format!("$_ := set $data {} {value}", quote(&entry.key));
            if entry.when.is_always() {
                line(&mut body, 0, &format!("{{{{- {set} -}}}}"));
            } else {
                line(
                    &mut body,
                    0,
                    &format!("{{{{- if {} }}}}{{{{ {set} }}}}{{{{ end -}}}}", condition(&entry.when)),
                );
            }
        }
        body.push_str("{{- toYaml $data -}}\n{{- end -}}");
        self.define(name.clone(), format!("The data of <release>-{}.", block.name), body);
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::expr::Cond;
    use crate::components::tree::{Object, list, map};

    /// What helm makes of a printed template, rendered with no values.
    fn rendered(body: Node) -> helm_engine::Value {
        let object = Object {
            path: "t.yaml".into(),
            when: Cond::Always,
            about: "".into(),
            checks: Default::default(),
            body,
        };
        let text = Printer::default().object(&object);
        let yaml = helm_engine::render_text("t", &text, &helm_engine::Map::default()).unwrap();
        helm_engine::load_yaml_documents(&yaml).unwrap().remove(0).root.unwrap()
    }

    #[test]
    fn empty_and_full_collections_as_list_items() {
        let item = |node| Part::Item(node, Presence::Always);
        let full = map([Part::Entry("a".into(), Node::Int(1), Presence::Always)]);
        let body = map([Part::Entry(
            "items".into(),
            list([item(map([])), item(list([])), item(full)]),
            Presence::Always,
        )]);
        let expected =
            helm_engine::load_yaml_documents("items:\n- {}\n- []\n- a: 1\n").unwrap().remove(0).root;
        assert_eq!(Some(rendered(body)), expected);
    }
}
