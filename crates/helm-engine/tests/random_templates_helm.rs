//! Random templates against real helm. A seeded generator writes well-typed templates (every
//! function call gets arguments of the kinds it takes, so no template fails at run time) from
//! the functions, actions and values charts use; they go into one chart, which helm 4 and our
//! engine each render once. The outputs must be identical, template by template.
//!
//! The fixed sample of the conformance suite shows what was thought of; this shows what was
//! not: printing of values of every kind, numbers from YAML (float64) meeting integers from
//! functions, whitespace trimming, scoping, `<no value>`, string functions on multi-byte text.

mod support;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use helm_engine::{Map, RenderOptions, helm_template};

/// Templates per run, and the seed that makes them. A failure names the template, and the
/// same seed writes the same templates again. `HELM_ENGINE_RANDOM_SEED=N` tries other ones.
const TEMPLATES: usize = 3000;
const SEED: u64 = 0x6d61_696c_7563_6861;

fn seed() -> u64 {
    match std::env::var("HELM_ENGINE_RANDOM_SEED") {
        Ok(text) => text.parse().unwrap_or_else(|_| panic!("HELM_ENGINE_RANDOM_SEED={text} is not a number")),
        Err(_) => SEED,
    }
}

/// SplitMix64: small, and the same sequence on every machine.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// What an expression yields, as the functions taking it need it.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Str,
    /// Go integers (literals, `len`, `add`, ...); never numbers from values, which are float64.
    Int,
    Float,
    Bool,
    List,
    Map,
    Any,
}

const KINDS: [Kind; 6] = [Kind::Str, Kind::Int, Kind::Float, Kind::Bool, Kind::List, Kind::Map];

const VALUES: &str = r#"s: "Hello, World"
n: 3
f: 2.5
big: 1000000
tiny: 0.000001
b: true
empty: ""
zero: 0
text: "Ünïcödé straße"
json: '{"k": [1, 2]}'
l: [1, "two", 3.5, null, true]
m:
  a: 1
  b: "x y"
  c: [z, y]
  d: {e: f}
emptymap: {}
"#;

const YAML_TEXTS: &[&str] = &[
    "\"a: 1\"",
    "\"- x\\n- y\"",
    "\"[1, 2]\"",
    "\"{a: b, c: [d]}\"",
    "\"12\"",
    "\"\"",
    "\"null\"",
    "\"k: !!str 5\"",
    "\"a: &x 1\\nb: *x\"",
    "\"x: 1\\n---\\ny: 2\"",
    "\"yes: on\"",
    "\"a: b: c\"",
    "\"k: 'q\"",
    "$.Values.json",
    "$.Values.s",
    "(toYaml $.Values.m)",
    "(toJson $.Values.l)",
];

const JSON_TEXTS: &[&str] = &[
    "\"{\\\"a\\\": 1}\"",
    "\"[1, 2]\"",
    "\"12\"",
    "\"\"",
    "\"1.5e3\"",
    "\"{\\\"a\\\": [true, null]}\"",
    "\"{\\\"a\\\": }\"",
    "\"nul\"",
    "\"-\"",
    "$.Values.json",
    "$.Values.text",
    "(toJson $.Values.m)",
];

/// Leaves: expressions of a kind that call nothing generated.
fn leaf(r: &mut Random, kind: Kind) -> String {
    let choices: &[&str] = match kind {
        Kind::Str => &[
            "\"plain\"",
            "\"a b\"",
            "\"x\\ty\"",
            "`raw \\n`",
            "\"\"",
            "\"12\"",
            "\"-3\"",
            "\"a,b,,c\"",
            "\" padded \"",
            "\"<tag>&'\"",
            "\"CamelCase_snake-kebab\"",
            "$.Values.s",
            "$.Values.m.b",
            "$.Values.empty",
            "$.Values.text",
            "$.Values.json",
            "$.Chart.Name",
            "$.Release.Name",
            "$.Template.Name",
        ],
        Kind::Int => &["0", "3", "-2", "42", "1000000", "0x1F", "'a'", "(len $.Values.l)"],
        Kind::Float => &[
            "1.5",
            "2.0",
            "1e3",
            "-0.5",
            "0.1",
            "$.Values.n",
            "$.Values.f",
            "$.Values.big",
            "$.Values.tiny",
            "$.Values.zero",
        ],
        Kind::Bool => &["true", "false", "$.Values.b"],
        Kind::List => &["$.Values.l", "$.Values.m.c", "(list)", "(list 1 \"a\")"],
        Kind::Map => &["$.Values.m", "$.Values.m.d", "$.Values.emptymap", "(dict)", "(dict \"k\" \"v\")"],
        // `nil` is an argument only: as a command Go refuses it.
        Kind::Any => &["$.Values.missing", "$.Values.m.nothing", "(default nil nil)", "(list nil 1 | first)"],
    };
    if kind == Kind::Any && r.below(3) > 0 {
        let kind = KINDS[r.below(KINDS.len())];
        return leaf(r, kind);
    }
    r.pick(choices).to_string()
}

/// An expression of `kind`, calls nested at most `depth` deep.
fn expr(r: &mut Random, kind: Kind, depth: usize) -> String {
    if depth == 0 || r.below(4) == 0 {
        return leaf(r, kind);
    }
    let d = depth - 1;
    match kind {
        Kind::Str => str_call(r, d),
        Kind::Int => int_call(r, d),
        Kind::Float => float_call(r, d),
        Kind::Bool => bool_call(r, d),
        Kind::List => list_call(r, d),
        Kind::Map => map_call(r, d),
        Kind::Any => {
            if r.below(4) == 0 {
                any_call(r, d)
            } else {
                let kind = KINDS[r.below(KINDS.len())];
                expr(r, kind, depth)
            }
        }
    }
}

/// ASCII text, for the functions that cut strings at byte offsets: cutting a multi-byte
/// character is a documented difference (Go keeps the broken bytes, strings here are UTF-8).
fn ascii_str(r: &mut Random) -> String {
    let text =
        r.pick(&["\"plain\"", "\"a b\"", "\"\"", "$.Values.s", "$.Values.m.b", "\"CamelCase_snake-kebab\""]);
    match r.below(3) {
        0 => format!("(upper {text})"),
        _ => text.to_string(),
    }
}

fn str_call(r: &mut Random, d: usize) -> String {
    let e = |k: Kind, r: &mut Random| expr(r, k, d);
    match r.below(40) {
        0 => format!("(upper {})", e(Kind::Str, r)),
        1 => format!("(lower {})", e(Kind::Str, r)),
        2 => format!("(title {})", e(Kind::Str, r)),
        3 => format!("(trim {})", e(Kind::Str, r)),
        4 => format!("(quote {})", e(Kind::Any, r)),
        5 => format!("(squote {})", e(Kind::Any, r)),
        6 => format!("(toString {})", e(Kind::Any, r)),
        7 => format!("(toJson {})", e(Kind::Any, r)),
        8 => format!("(toYaml {})", e(Kind::Any, r)),
        9 => format!("(default {} {})", e(Kind::Str, r), e(Kind::Str, r)),
        10 => format!("(repeat 2 {})", e(Kind::Str, r)),
        11 => format!("(replace \"a\" \"-\" {})", e(Kind::Str, r)),
        12 => format!("(trunc {} {})", r.pick(&["0", "3", "-3", "100"]), ascii_str(r)),
        13 => format!("(b64enc {})", e(Kind::Str, r)),
        14 => format!("(cat {} {})", e(Kind::Any, r), e(Kind::Any, r)),
        15 => format!("(join \",\" {})", e(Kind::List, r)),
        16 => format!("(nospace {})", e(Kind::Str, r)),
        17 => {
            format!("({} {})", r.pick(&["snakecase", "camelcase", "kebabcase", "swapcase"]), e(Kind::Str, r))
        }
        18 => format!("(sha256sum {})", e(Kind::Str, r)),
        19 => format!("({} 2 {})", r.pick(&["indent", "nindent"]), e(Kind::Str, r)),
        20 => format!("(ternary {} {} {})", e(Kind::Str, r), e(Kind::Str, r), e(Kind::Bool, r)),
        21 => format!("(print {} {})", e(Kind::Any, r), e(Kind::Any, r)),
        22 => {
            let format = r.pick(&["\"%v|%s\"", "\"%q %v\"", "\"%T:%v\"", "\"%#v %v\""]);
            format!("(printf {format} {} {})", e(Kind::Any, r), e(Kind::Any, r))
        }
        23 => format!("(printf \"%d %x\" {} {})", e(Kind::Int, r), e(Kind::Int, r)),
        24 => format!(
            "(printf \"%05.2f %g %e\" {} {} {})",
            e(Kind::Float, r),
            e(Kind::Float, r),
            e(Kind::Float, r)
        ),
        25 => format!("({} {})", r.pick(&["html", "js", "urlquery"]), e(Kind::Any, r)),
        26 => format!("({} | trimSuffix \"d\" | trimPrefix \"H\")", e(Kind::Str, r)),
        27 => format!("(substr 0 2 {})", ascii_str(r)),
        28 => format!("({} 6 {})", r.pick(&["wrap", "abbrev"]), ascii_str(r)),
        29 => format!("(initials {})", e(Kind::Str, r)),
        // plural takes a Go int, which the int64 of sprig's arithmetic is not.
        30 => format!("(plural \"one\" \"many\" (len {}))", e(Kind::List, r)),
        31 => format!("(toString {})", e(Kind::Float, r)),
        32 => "(tpl \"{{ .Values.s }}/{{ .Template.Name }}\" $)".to_string(),
        33 => format!("(include \"probe.wrap\" {})", e(Kind::Any, r)),
        34 => format!("(b64dec (b64enc {}))", e(Kind::Str, r)),
        35 => format!("(regexReplaceAll \"[aeiou]\" {} \"_\")", e(Kind::Str, r)),
        36 => format!("(regexFind \"[A-Z][a-z]+\" {})", e(Kind::Str, r)),
        37 => format!("(kindOf {})", e(Kind::Any, r)),
        38 => format!("(typeOf {})", e(Kind::Any, r)),
        _ => format!("(toPrettyJson {})", e(Kind::Any, r)),
    }
}

fn int_call(r: &mut Random, d: usize) -> String {
    let e = |k: Kind, r: &mut Random| expr(r, k, d);
    match r.below(14) {
        0 => format!("(add {} {})", e(Kind::Int, r), e(Kind::Float, r)),
        1 => format!("(sub {} {})", e(Kind::Int, r), e(Kind::Int, r)),
        2 => format!("(mul {} {})", e(Kind::Int, r), e(Kind::Int, r)),
        3 => format!("(max {} {} {})", e(Kind::Int, r), e(Kind::Int, r), e(Kind::Float, r)),
        4 => format!("(min {} {})", e(Kind::Int, r), e(Kind::Int, r)),
        5 => format!("(len {})", e(Kind::Str, r)),
        6 => format!("(len {})", e(Kind::List, r)),
        7 => format!("(len {})", e(Kind::Map, r)),
        8 => format!("(int {})", e(Kind::Float, r)),
        9 => format!("(atoi {})", e(Kind::Str, r)),
        10 => format!("(mod {} 7)", e(Kind::Int, r)),
        11 => format!("(div {} 3)", e(Kind::Int, r)),
        12 => format!("(add1 {})", e(Kind::Int, r)),
        _ => format!("(int64 {})", e(Kind::Float, r)),
    }
}

fn float_call(r: &mut Random, d: usize) -> String {
    let e = |k: Kind, r: &mut Random| expr(r, k, d);
    match r.below(8) {
        0 => format!("(addf {} {})", e(Kind::Float, r), e(Kind::Int, r)),
        1 => format!("(mulf {} {})", e(Kind::Float, r), e(Kind::Float, r)),
        2 => format!("(float64 {})", e(Kind::Int, r)),
        3 => format!("(floor {})", e(Kind::Float, r)),
        4 => format!("(ceil {})", e(Kind::Float, r)),
        5 => format!("(round {} 1)", e(Kind::Float, r)),
        6 => format!("(divf {} 4)", e(Kind::Float, r)),
        _ => format!("(maxf {} {})", e(Kind::Float, r), e(Kind::Float, r)),
    }
}

fn bool_call(r: &mut Random, d: usize) -> String {
    let e = |k: Kind, r: &mut Random| expr(r, k, d);
    match r.below(16) {
        0 => format!("(eq {} {})", e(Kind::Int, r), e(Kind::Int, r)),
        1 => format!("(eq {} {} {})", e(Kind::Str, r), e(Kind::Str, r), e(Kind::Str, r)),
        2 => format!("(ne {} {})", e(Kind::Float, r), e(Kind::Float, r)),
        3 => format!("(lt {} {})", e(Kind::Int, r), e(Kind::Int, r)),
        4 => format!("(ge {} {})", e(Kind::Str, r), e(Kind::Str, r)),
        5 => format!("(and {} {})", e(Kind::Bool, r), e(Kind::Bool, r)),
        6 => format!("(not {})", e(Kind::Any, r)),
        7 => format!("(empty {})", e(Kind::Any, r)),
        8 => format!("(hasKey {} \"a\")", e(Kind::Map, r)),
        9 => format!("(contains {} {})", e(Kind::Str, r), e(Kind::Str, r)),
        10 => format!("(hasPrefix {} {})", e(Kind::Str, r), e(Kind::Str, r)),
        11 => format!("(has {} {})", e(Kind::Any, r), e(Kind::List, r)),
        12 => format!("(kindIs \"string\" {})", e(Kind::Any, r)),
        13 => format!("(typeIs \"float64\" {})", e(Kind::Any, r)),
        14 => format!("(regexMatch \"^[a-z ]+$\" {})", e(Kind::Str, r)),
        _ => format!("(deepEqual {} {})", e(Kind::Any, r), e(Kind::Any, r)),
    }
}

fn list_call(r: &mut Random, d: usize) -> String {
    let e = |k: Kind, r: &mut Random| expr(r, k, d);
    match r.below(16) {
        0 => format!("(list {} {})", e(Kind::Any, r), e(Kind::Any, r)),
        1 => format!("(keys {} | sortAlpha)", e(Kind::Map, r)),
        2 => format!("(splitList \",\" {})", e(Kind::Str, r)),
        3 => format!("(append {} {})", e(Kind::List, r), e(Kind::Any, r)),
        4 => format!("(uniq {})", e(Kind::List, r)),
        5 => format!("(reverse {})", e(Kind::List, r)),
        6 => format!("(compact {})", e(Kind::List, r)),
        7 => format!("(rest {})", e(Kind::List, r)),
        8 => format!("(initial {})", e(Kind::List, r)),
        9 => format!("(concat {} {})", e(Kind::List, r), e(Kind::List, r)),
        10 => format!("(sortAlpha {})", e(Kind::List, r)),
        11 => format!("(without {} {})", e(Kind::List, r), e(Kind::Any, r)),
        12 => format!("(until {})", r.pick(&["0", "3", "-2"])),
        13 => format!("(regexFindAll \"[a-z]+\" {} -1)", e(Kind::Str, r)),
        14 => format!("(values {} | sortAlpha)", e(Kind::Map, r)),
        _ => format!("(pluck \"a\" {} {})", e(Kind::Map, r), e(Kind::Map, r)),
    }
}

fn map_call(r: &mut Random, d: usize) -> String {
    let e = |k: Kind, r: &mut Random| expr(r, k, d);
    // The first argument of merge and set is always a new map: the values are shared by
    // every template, and changing them would make the order of rendering matter.
    match r.below(11) {
        0 => format!("(dict \"a\" {} \"b\" {})", e(Kind::Any, r), e(Kind::Any, r)),
        1 => format!("(merge (dict \"z\" 1 \"a\" 0) {})", e(Kind::Map, r)),
        2 => format!("(mergeOverwrite (dict \"z\" 1 \"a\" 0) {})", e(Kind::Map, r)),
        3 => format!("(omit {} \"a\")", e(Kind::Map, r)),
        4 => format!("(pick {} \"a\" \"b\")", e(Kind::Map, r)),
        5 => format!("(set (dict) \"k\" {})", e(Kind::Any, r)),
        6 => format!("(deepCopy {})", e(Kind::Map, r)),
        7 => format!("(fromYaml (toYaml {}))", e(Kind::Map, r)),
        8 => format!("(fromJson (toJson {}))", e(Kind::Map, r)),
        // Texts meant as YAML and JSON, valid and not. Random text would mostly test the
        // wording of YAML syntax errors, which differs (COMPATIBILITY.md).
        9 => format!("(fromYaml {})", r.pick(YAML_TEXTS)),
        _ => format!("(fromJson {})", r.pick(JSON_TEXTS)),
    }
}

fn any_call(r: &mut Random, d: usize) -> String {
    let e = |k: Kind, r: &mut Random| expr(r, k, d);
    match r.below(10) {
        0 => format!("(first {})", e(Kind::List, r)),
        1 => format!("(last {})", e(Kind::List, r)),
        2 => format!("(index {} \"a\")", e(Kind::Map, r)),
        3 => format!("(index $.Values.l {})", r.pick(&["0", "1", "3", "4"])),
        4 => format!("(coalesce {} {})", e(Kind::Any, r), e(Kind::Any, r)),
        5 => format!("(or {} {})", e(Kind::Any, r), e(Kind::Any, r)),
        6 => format!("(and {} {})", e(Kind::Any, r), e(Kind::Any, r)),
        7 => format!("(get {} \"b\")", e(Kind::Map, r)),
        8 => format!("(dig \"d\" \"e\" \"none\" {})", e(Kind::Map, r)),
        _ => format!("(default {} {})", e(Kind::Any, r), e(Kind::Any, r)),
    }
}

/// An action's delimiters, with or without trimming on either side.
fn open(r: &mut Random) -> &'static str {
    ["{{ ", "{{- "][r.below(2)]
}
fn close(r: &mut Random) -> &'static str {
    [" }}", " -}}"][r.below(2)]
}

/// A template body: text and actions, control structures nested at most `depth` deep.
/// `dot` says whether `.` is a value of the template's own making (inside range and with).
fn body(r: &mut Random, depth: usize, dot: bool, out: &mut String) {
    for _ in 0..1 + r.below(4) {
        match r.below(if depth == 0 { 3 } else { 9 }) {
            0 => out.push_str(r.pick(&["x", " ", "\n", "key: value\n", "  two  spaces ", "\t"])),
            1 | 2 => {
                let (o, c) = (open(r), close(r));
                let what = if dot && r.below(3) == 0 { ".".to_string() } else { expr(r, Kind::Any, 3) };
                let _ = write!(out, "{o}{what}{c}");
            }
            3 => {
                let (o, c) = (open(r), close(r));
                let _ = write!(out, "{o}if {}{c}", expr(r, Kind::Any, 2));
                body(r, depth - 1, dot, out);
                if r.below(2) == 0 {
                    let _ = write!(out, "{{{{ else if {} }}}}", expr(r, Kind::Bool, 2));
                    body(r, depth - 1, dot, out);
                }
                if r.below(2) == 0 {
                    out.push_str("{{ else }}");
                    body(r, depth - 1, dot, out);
                }
                let _ = write!(out, "{}end{}", open(r), close(r));
            }
            4 => {
                // An integer gives one variable only; lists and maps give two.
                let (over, vars) = match r.below(3) {
                    0 => (expr(r, Kind::List, 2), "$k, $v"),
                    1 => (expr(r, Kind::Map, 2), "$k, $v"),
                    _ => (r.pick(&["2", "0"]).to_string(), "$k"),
                };
                let (o, c) = (open(r), close(r));
                let _ = write!(out, "{o}range {vars} := {over}{c}[{{{{ $k }}}}]");
                if r.below(3) == 0 {
                    let _ = write!(
                        out,
                        "{{{{ if {} }}}}{{{{ {} }}}}{{{{ end }}}}",
                        expr(r, Kind::Bool, 1),
                        r.pick(&["break", "continue"])
                    );
                }
                body(r, depth - 1, true, out);
                if r.below(3) == 0 {
                    out.push_str("{{ else }}empty");
                }
                out.push_str("{{ end }}");
            }
            5 => {
                let (o, c) = (open(r), close(r));
                let _ = write!(out, "{o}with {}{c}", expr(r, Kind::Any, 2));
                body(r, depth - 1, true, out);
                if r.below(2) == 0 {
                    out.push_str("{{ else }}");
                    body(r, depth - 1, dot, out);
                }
                out.push_str("{{ end }}");
            }
            6 => {
                let _ = write!(out, "{{{{ $x := {} }}}}{{{{ $x }}}}", expr(r, Kind::Any, 2));
                if r.below(2) == 0 {
                    let _ = write!(out, "{{{{ $x = {} }}}}{{{{ $x | toJson }}}}", expr(r, Kind::Any, 1));
                }
            }
            7 => {
                let (o, c) = (open(r), close(r));
                let _ = write!(
                    out,
                    "{o}{} | {}{c}",
                    expr(r, Kind::Any, 2),
                    r.pick(&["toYaml", "toJson", "quote", "print", "toString | len"])
                );
            }
            _ => {
                out.push_str(r.pick(&[
                    "{{/* a comment */}}",
                    "{{- /* a comment */ -}}",
                    "{{- /* a comment */}}",
                ]));
            }
        }
    }
}

/// The chart: a helper every template may include, and one template per generated body,
/// each printing its body's output quoted as Go quotes (every control character escaped, so
/// any text at all is valid YAML).
fn write_chart(dir: &Path, bodies: &[String]) {
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).expect("a templates directory");
    std::fs::write(dir.join("Chart.yaml"), "apiVersion: v2\nname: probe\nversion: 1.0.0\n")
        .expect("Chart.yaml");
    std::fs::write(dir.join("values.yaml"), VALUES).expect("values.yaml");
    std::fs::write(templates.join("_helpers.tpl"), "{{- define \"probe.wrap\" }}<{{ . }}>{{ end }}\n")
        .expect("the helpers");
    for (i, text) in bodies.iter().enumerate() {
        let file = format!(
            "{{{{- define \"t{i:04}\" }}}}{text}{{{{ end -}}}}\nkind: Probe\nname: t{i:04}\nout: {{{{ include \"t{i:04}\" . | quote }}}}\n"
        );
        std::fs::write(templates.join(format!("t{i:04}.yaml")), file).expect("a template");
    }
}

/// The output of each template, by its source line (`# Source: probe/templates/t007.yaml`).
fn by_template(output: &str) -> Vec<(String, String)> {
    output
        .split("---\n")
        .filter(|doc| !doc.trim().is_empty())
        .map(|doc| {
            let (source, rest) = doc.split_once('\n').unwrap_or((doc, ""));
            (source.to_string(), rest.to_string())
        })
        .collect()
}

fn bodies() -> Vec<String> {
    let mut r = Random(seed());
    (0..TEMPLATES)
        .map(|_| {
            let mut text = String::new();
            body(&mut r, 2, false, &mut text);
            text
        })
        .collect()
}

#[test]
fn the_generator_is_reproducible_and_varied() {
    let (first, second) = (bodies(), bodies());
    assert_eq!(first, second, "the same seed writes the same templates");
    let distinct: std::collections::BTreeSet<&String> = first.iter().collect();
    assert!(distinct.len() > TEMPLATES * 9 / 10, "only {} distinct templates", distinct.len());
    for needle in ["range $k", "with ", "else if", "printf", "fromYaml", "$.Values.missing", "{{- "] {
        assert!(first.iter().any(|t| t.contains(needle)), "no template uses {needle}");
    }
}

#[test]
fn random_templates_render_as_helm_4_renders_them() {
    let Some(helm) = support::Oracle::Helm4.find() else {
        return;
    };
    let bodies = bodies();
    let scratch = tempfile::tempdir().expect("a scratch directory");
    let chart = scratch.path().join("probe");
    write_chart(&chart, &bodies);

    let output = Command::new(&helm)
        .arg("template")
        .arg(&chart)
        .env("HELM_CONFIG_HOME", scratch.path().join("config"))
        .env("HELM_CACHE_HOME", scratch.path().join("cache"))
        .env("HELM_DATA_HOME", scratch.path().join("data"))
        .env_remove("HELM_NAMESPACE")
        .env("KUBECONFIG", scratch.path().join("no-kubeconfig"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", helm.display()));
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let culprit = stderr
            .split("templates/t")
            .nth(1)
            .and_then(|rest| rest.get(..4))
            .and_then(|n| n.parse::<usize>().ok())
            .map(|i| bodies[i].as_str())
            .unwrap_or("(not found)");
        panic!(
            "helm 4 refused a generated template (the generator must write only valid ones):\n{stderr}\n{culprit}"
        );
    }
    let theirs = String::from_utf8(output.stdout).expect("helm prints UTF-8 here");
    let ours = helm_template(&chart, &Map::default(), &RenderOptions::default())
        .unwrap_or_else(|e| panic!("helm renders the chart, we fail: {e}"));

    if let Some(dump) = std::env::var_os("DUMP") {
        std::fs::write(dump, &theirs).unwrap();
    }
    let (theirs, ours) = (by_template(&theirs), by_template(&ours));
    assert_eq!(theirs.len(), TEMPLATES, "helm printed every template");
    let mut differing = Vec::new();
    for ((source, helm_text), (our_source, our_text)) in theirs.iter().zip(&ours) {
        if source != our_source || helm_text != our_text {
            let index: usize =
                source.trim_end_matches(".yaml").rsplit('t').next().and_then(|n| n.parse().ok()).unwrap_or(0);
            differing.push(format!(
                "--- {source}\ntemplate: {}\nhelm 4: {helm_text}ours:   {our_text}",
                bodies[index]
            ));
        }
    }
    assert_eq!(theirs.len(), ours.len(), "as many documents as helm");
    assert!(
        differing.is_empty(),
        "{} of {TEMPLATES} random templates differ from helm 4:\n{}",
        differing.len(),
        differing.join("\n")
    );
}
