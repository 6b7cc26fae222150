//! `to_yaml` and `to_yaml_pretty` checked byte for byte against Helm's `toYaml` and
//! `toYamlPretty` in helm 4 and helm 3: hundreds of tricky values go into a chart's
//! values.yaml, a template prints the function of each one as base64 (so every byte
//! survives), and each must equal our output minus its final newline.

mod support;

use std::fmt::Write as _;
use std::path::Path;

use helm_engine::{KeyOrder, Value, to_yaml, to_yaml_pretty};
use serde_json::{Value as Json, json};

/// Marks key sets on which go-yaml's comparison may not be transitive: Helm then orders the
/// keys differently from run to run, so only the lines themselves are compared.
const UNORDERED: &str = "unordered keys";

/// Nesting of the `deep` value: with `{"deep": ...}` around it, one level below go-yaml's
/// limit of 10000.
const DEEP: usize = 9_998;

/// A small deterministic generator, so that failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Strings that exercise go-yaml's typing, quoting, escaping and folding.
fn tricky_strings() -> Vec<String> {
    let mut out: Vec<String> = [
        // YAML 1.1 words and near misses.
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "yES",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "true",
        "True",
        "TRUE",
        "tRUE",
        "false",
        "False",
        "FALSE",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
        "~",
        "null",
        "Null",
        "NULL",
        "nULL",
        "",
        ".nan",
        ".NaN",
        ".NAN",
        ".inf",
        ".Inf",
        ".INF",
        "+.inf",
        "-.inf",
        "-.Inf",
        "<<",
        "=",
        "NaN",
        "Infinity",
        "inf",
        "-inf",
        "yes!",
        "on ",
        "y1",
        "o",
        "t",
        "f", // numbers spelled as strings
        "0",
        "1",
        "-1",
        "+1",
        "-0",
        "+0",
        "010",
        "08",
        "09",
        "0x1F",
        "0X1f",
        "0o17",
        "0O17",
        "0b101",
        "0B101",
        "-0b101",
        "+0b1",
        "0b102",
        "1e3",
        "1E3",
        "1e+3",
        "1e-3",
        "1.5",
        ".5",
        "-.5",
        "+.5",
        "5.",
        "1_000",
        "1__0",
        "_1",
        "1_",
        "0x_1F",
        "1,000",
        "1e400",
        "-1e400",
        "1e-400",
        ".1e400",
        "99999999999999999999",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "9223372036854775807",
        "9223372036854775808",
        "1e",
        "1e+",
        "e3",
        "0x",
        "0xG",
        "0.0.0",
        "1..2",
        "1.2.3",
        "+",
        "-",
        "+-1",
        "--1",
        "0_",
        "0o",
        "0b", // base 60 and timestamps
        "1:20",
        "1:20:30",
        "-1:20",
        "+1:2.5",
        "1:60",
        "1:5_",
        "190:20:30.15",
        "1_0:5:59.5_",
        "1:",
        ":1",
        "1::2",
        "12:30",
        "12:30:45",
        "2024-01-02",
        "2024-1-2",
        "2024-01-02T10:00:00Z",
        "2024-01-02t10:00:00Z",
        "2024-01-02 10:00:00",
        "2024-01-02   1:2:3",
        "2024-01-02T10:00:00+01:00",
        "2024-01-02T10:00:00-24:00",
        "2024-01-02T10:00:00+25:00",
        "2024-01-02T10:00:00.123456789Z",
        "2024-01-02T10:00:00,5Z",
        "2024-01-02T10:00:00.Z",
        "2024-01-02T10:00:00",
        "2024-01-02T24:00:00Z",
        "2024-01-02 10:00:00.5",
        "2024-01-02 10:00:00Z",
        "2024-13-01",
        "2024-00-01",
        "2024-02-29",
        "2023-02-29",
        "2024-02-30",
        "2024-04-31",
        "2024-01-32",
        "2024-01-00",
        "2024-1-123",
        "2024-01-02x",
        "20240-01-02",
        "202-01-02",
        // indicators and spaces
        " a",
        "a ",
        " ",
        "  ",
        "\t",
        "a\tb",
        "\ta",
        "a\t",
        "a: b",
        "a:b",
        "a :b",
        "a:",
        "a: ",
        "a #b",
        "a#b",
        "#",
        "a #",
        "#a",
        "key: value",
        "http://x.y/z?q=1#f",
        "- a",
        "-a",
        "--",
        "---",
        "---a",
        "--- a",
        "...",
        "....",
        "...a",
        "a ---",
        "? a",
        "?a",
        ": a",
        ":a",
        "-",
        "?",
        ":",
        ",",
        ",a",
        "a,b",
        "[a]",
        "]",
        "{a}",
        "}",
        "&a",
        "*a",
        "!a",
        "|a",
        ">a",
        "'a",
        "\"a",
        "%a",
        "@a",
        "`a",
        "a'",
        "a\"",
        "a[b]",
        "a{b}",
        "a,",
        "a?",
        "a!",
        "a|b",
        "a>b",
        "a&b",
        "a*b",
        "a%b",
        "a@b",
        "a`b",
        "=eq",
        "!!str",
        "&anchor x",
        "*alias",
        // quotes and backslashes
        "it's",
        "'",
        "''",
        "\"",
        "a\"b",
        "a\\b",
        "\\",
        "C:\\path\\to",
        "\\n",
        "'quoted'",
        "\"dq\"",
        // controls and special characters
        "\u{0}",
        "\u{1}",
        "\u{7}",
        "\u{8}",
        "\u{b}",
        "\u{c}",
        "\r",
        "\u{1b}",
        "\u{1f}",
        "a\rb",
        "a\r",
        "\u{7f}",
        "a\u{7f}",
        "\u{80}",
        "\u{84}",
        "\u{9f}",
        "\u{a0}",
        "a\u{a0}b",
        "\u{ad}",
        "\u{2028}",
        "\u{2029}",
        "a\u{2028}b",
        "a \u{2028}b",
        "a\u{2028} b",
        "\u{feff}",
        "a\u{feff}",
        "\u{feff}a b\"",
        "\u{fffd}",
        "\u{fffe}",
        "\u{ffff}",
        "\u{e000}",
        "\u{d7ff}",
        "\u{10ffff}",
        "a\u{0}b",
        "a\u{0}#b",
        // unicode
        "été",
        "日本語",
        "Ωmega",
        "😀",
        "a😀b",
        "a 😀",
        "ℕ",
        "١٢٣",
        "²",
        "naïve café",
        "Ω: x",
        "ü-",
        // line breaks
        "a\nb",
        "a\n",
        "a\n\n",
        "a\n\n\n",
        "\n",
        "\n\n",
        "\na",
        "\n\na",
        " a\nb",
        "  a\n  b\n",
        "a\n b",
        "a \nb",
        "a\nb ",
        "a\n\tb",
        "a\r\nb\r\n",
        "\ta\nb",
        "a\n\n b",
        "# c\nd",
        "- a\n- b",
        "a\u{2028}b\nc",
        "a\nb\u{85}c",
        " \n",
        "\n ",
        "a\n ",
        "key: x\nother: y\n",
        "'a'\n",
        "\u{2028}\n",
        "a\u{2029}\n",
        // next-line characters, which the JSON trip folds
        "a\u{85}b",
        "a \u{85} b",
        "a\u{85}\u{85}b",
        "\u{85}a",
        "a\u{85}",
        "a\u{85} \u{85}b",
        "a\u{85}--- b",
        "a\u{85}---",
        "a\u{85}...\u{85}",
        " \u{85} ",
        "a\u{85} --- b",
        "a\u{85}---\u{85}",
        "\u{85}",
        "a  \u{85}",
        "a\u{85}\u{85}\u{85}",
        "a\u{85}\n",
        "x\u{85}-- y",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();

    // Long text around the folding column, in every quoting style.
    let sentence = "The quick brown fox jumps over the lazy dog and keeps running far away";
    for len in [70, 76, 78, 79, 80, 81, 82, 83, 85, 90, 120, 170, 250] {
        let text: String = sentence.repeat(5).chars().take(len).collect();
        out.push(text.clone());
        out.push(format!(" {text}"));
        out.push(format!("{text} "));
        out.push(format!("#{text}"));
        out.push(text.replace(' ', "  "));
        out.push(format!("{text}\u{1}"));
        out.push(text.replace("fox", "fox\t"));
        out.push(text.replace("dog", "d'o\"g"));
        out.push(format!("{text}\nsecond line {text}"));
        out.push(format!("{}  x {}", "y".repeat(len), "z".repeat(10)));
    }
    out.push("x".repeat(200));
    out.push(format!("{} end", "x".repeat(200)));
    out.push(format!("{}  end", "a ".repeat(45)));
    out.push(format!("{} \u{2028} tail", "a ".repeat(45)));
    out.push(format!("'{}'", "q ".repeat(50)));
    out.push(format!("{}é{}", "é ".repeat(40), " é".repeat(10)));
    out.push("😀 ".repeat(50));
    out.push(format!("\u{feff}{}", "bom ".repeat(25)));
    out.push("\u{85}".repeat(3) + &"w ".repeat(50));
    out
}

/// Keys: the tricky strings that JSON keys can be, plus length limits.
fn tricky_keys() -> Vec<String> {
    let mut keys: Vec<String> = tricky_strings().into_iter().filter(|k| k.chars().count() < 300).collect();
    keys.push("k".repeat(128));
    keys.push("k".repeat(129));
    keys.push("é".repeat(64));
    keys.push("é".repeat(65));
    keys.push("k ".repeat(64));
    keys.push("k ".repeat(70));
    keys.push(format!(" {}", "k".repeat(130)));
    keys.push(format!("{}\u{1}", "k".repeat(130)));
    keys.push("x".repeat(900));
    keys
}

/// Values as Helm reads them from values.yaml (every number a float), with a name each; which
/// key sets have one order depends on the `function` compared.
fn cases(function: Function) -> Vec<(String, Json)> {
    let mut cases: Vec<(String, Json)> = Vec::new();
    for s in tricky_strings() {
        cases.push((format!("string {s:?}"), json!(s)));
        cases.push((format!("map value {s:?}"), json!({ "k": s.clone() })));
        cases.push((format!("nested {s:?}"), json!({ "a": [{ "b": [s.clone()] }] })));
    }
    for k in tricky_keys() {
        cases.push((format!("key {k:?}"), json!({ k.clone(): "v" })));
        cases.push((format!("key with map {k:?}"), json!({ k.clone(): { "x": [1, {}] } })));
        cases.push((format!("key with list {k:?}"), json!([{ k.clone(): ["a", { "b": "c" }] }])));
    }
    let numbers = json!([
        52428800,
        1e21,
        0.00001,
        1e20,
        9007199254740993u64,
        -0.0,
        1.0,
        1.5,
        -1.5,
        0.1,
        1e-7,
        1e-6,
        123456789012345678u64,
        1e300,
        5e-324,
        18446744073709551615u64,
        1e19,
        12345678901234567890u64,
        9223372036854775808u64,
        -9223372036854775808i64,
        -1e19,
        1234567,
        1000000,
        0,
        -1,
        2.71,
        2.5e-5,
        1.7976931348623157e308,
        100,
        1e2,
        4294967296u64
    ]);
    for n in numbers.as_array().unwrap() {
        cases.push((format!("number {n}"), n.clone()));
        cases.push((format!("number in map {n}"), json!({ "n": n.clone() })));
    }
    cases.push(("all numbers".into(), numbers));
    cases.push(("scalars".into(), json!([true, false, null, { "t": true, "n": null }])));
    let structures = [
        json!({}),
        json!([]),
        json!(null),
        json!({ "a": {}, "b": [], "c": null, "d": [{}], "e": [[]], "f": [null] }),
        json!([[[]]]),
        json!([[["a", "b"], "c"], { "d": [["e"]] }]),
        json!([{ "a": 1, "b": [1, 2], "c": { "d": { "e": [{ "f": "g" }] } } }]),
        json!({ "list": ["a", { "x": 1, "y": 2 }], "m": { "l": [] } }),
        json!({ "z": { "y": { "x": { "w": { "v": ["deep", "a: b", "line1\nline2", "word ".repeat(30)] } } } } }),
        json!([{ "a\nb": { "c": [1] } }, { "k".repeat(140): [{ "x": "y" }] }]),
        json!({ "a": "line\n", "b": { "c": " lead\nx" }, "d": ["\n", "x\n\n"] }),
    ];
    for (i, s) in structures.into_iter().enumerate() {
        cases.push((format!("structure {i}"), s));
    }
    // Key order. go-yaml's comparison of keys is not always transitive (`x9y` < `x10y` <
    // `x12` < `x1a` < `x9y`); Helm then orders such sets differently from run to run.
    let mut key_sets: Vec<Vec<String>> = [
        vec!["b", "a", "c", "B", "A", "_", "-", "~", "1", "10", "9", "01", "001", "a10", "a9", "a1", "a01"],
        vec!["v1.0", "v1.10", "v1.2", "port80", "port8080", "port443", "x0", "x00", "x000"],
        vec!["x10y", "x9y", "x1", "x-1", "x_1", "X1", "x1a", "x12", "x2"],
        vec!["é", "e", "z", "Z", "日", "ß", "ä1", "ä10", "ä9", "١", "²", "½"],
        vec!["a.b", "a-b", "a_b", "a/b", "ab", "a b", "a0b", "a00b", "a000b"],
        vec!["1", "01", "0a"],
        vec!["0a", "01", "1", "0b", "00", "10", "1a", "a", "x010", "x01a", "x1"],
    ]
    .iter()
    .map(|set| set.iter().map(|k| k.to_string()).collect())
    .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let alphabets: [&[&str]; 3] = [
        &["1", "9", "a", "b", "A", "-", "_", "x", "é", "2", "12", "."],
        &["0", "1", "a", "-", "00", "10", "01"],
        &["a", "b", "-", "1", "2", "9"],
    ];
    for round in 0..300 {
        let alphabet = alphabets[round % 3];
        let size = 2 + rng.below(if round < 150 { 14 } else { 120 });
        let set: Vec<String> =
            (0..size).map(|_| (0..1 + rng.below(4)).map(|_| rng.pick(alphabet)).collect()).collect();
        key_sets.push(set);
    }
    for (i, set) in key_sets.iter().enumerate() {
        let mut seen = std::collections::HashSet::new();
        let set: Vec<&String> = set.iter().filter(|k| seen.insert(*k)).collect();
        let set: Vec<String> = set.into_iter().cloned().collect();
        let label = if transitive_order(&set, function) { "order" } else { UNORDERED };
        let map: serde_json::Map<String, Json> = set.iter().map(|k| (k.clone(), json!(k))).collect();
        cases.push((format!("{label} {i} {set:?}"), Json::Object(map)));
    }
    // The pairwise order, which Helm gives the same every time.
    for round in 0..400 {
        let alphabet = alphabets[round % 3];
        let [a, b]: [String; 2] =
            std::array::from_fn(|_| (0..1 + rng.below(5)).map(|_| rng.pick(alphabet)).collect());
        cases.push((format!("pair {a:?} {b:?}"), json!({ a: 1, b: 2 })));
    }
    // Random documents built from the tricky strings.
    let strings = tricky_strings();
    let keys = tricky_keys();
    for round in 0..300 {
        let value = random_value(&mut rng, &strings, &keys, 0);
        cases.push((format!("random value {round}"), value));
    }
    cases
}

/// One of the functions compared: Helm's name for it, and ours.
#[derive(Clone, Copy)]
struct Function {
    name: &'static str,
    ours: fn(&Value) -> String,
}

const TO_YAML: Function = Function { name: "toYaml", ours: |v| to_yaml(v, KeyOrder::Sorted) };
const TO_YAML_PRETTY: Function = Function { name: "toYamlPretty", ours: to_yaml_pretty };

/// Whether our order of `keys` is the only one: go-yaml's comparison, read off our output for
/// every pair (the "pair" cases check pairs against Helm), is transitive on them exactly
/// when the keys beat 0, 1, 2, ... others.
fn transitive_order(keys: &[String], function: Function) -> bool {
    let mut wins = vec![0; keys.len()];
    for i in 0..keys.len() {
        for j in i + 1..keys.len() {
            let pair = Value::Map(
                [(keys[i].clone(), Value::Int(0)), (keys[j].clone(), Value::Int(1))].into_iter().collect(),
            );
            let yaml = (function.ours)(&pair);
            let i_first = yaml.lines().next().is_some_and(|line| line.ends_with(": 0"));
            wins[if i_first { i } else { j }] += 1;
        }
    }
    wins.sort_unstable();
    wins.iter().enumerate().all(|(rank, w)| *w == rank)
}

fn random_value(rng: &mut Rng, strings: &[String], keys: &[String], depth: usize) -> Json {
    match rng.below(if depth > 4 { 4 } else { 7 }) {
        0 | 1 => json!(strings[rng.below(strings.len())]),
        2 => [json!(1.5), json!(7), json!(1e21), json!(-0.25), json!(true), Json::Null][rng.below(6)].clone(),
        3 => json!(rng.pick(&["a", "b b", "yes", "x: y"])),
        4 | 5 => {
            let n = rng.below(4);
            let mut map = serde_json::Map::new();
            for _ in 0..n {
                map.insert(keys[rng.below(keys.len())].clone(), random_value(rng, strings, keys, depth + 1));
            }
            Json::Object(map)
        }
        _ => {
            let n = rng.below(4);
            Json::Array((0..n).map(|_| random_value(rng, strings, keys, depth + 1)).collect())
        }
    }
}

/// JSON text that go-yaml reads back exactly: characters its reader refuses or takes for
/// line breaks are escaped (surrogate pairs would be refused, so no `\u` outside the BMP).
fn yaml_safe_json(value: &Json) -> String {
    let text = serde_json::to_string(value).unwrap();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}') {
            write!(out, "\\u{:04x}", c as u32).unwrap();
        } else {
            out.push(c);
        }
    }
    out
}

/// Values for which the template builds the argument itself, with the value we expect.
fn template_cases() -> Vec<(&'static str, &'static str, Value)> {
    let key = |k: String| Value::Map([(k, Value::Float(1.0))].into_iter().collect());
    let nested = |depth: usize| {
        let mut v = Value::List(vec![]);
        for _ in 1..depth {
            v = Value::List(vec![v]);
        }
        v
    };
    vec![
        ("nan", r#"float64 "NaN""#, Value::Float(f64::NAN)),
        ("inf", r#"dict "a" (float64 "+Inf")"#, key_value("a", Value::Float(f64::INFINITY))),
        ("int", "dict \"i\" 5 \"j\" -7", {
            Value::Map(
                [("i".to_string(), Value::Int(5)), ("j".to_string(), Value::Int(-7))].into_iter().collect(),
            )
        }),
        ("key 1022", r#"dict (repeat 1022 "x") 1"#, key("x".repeat(1022))),
        ("key 1023", r#"dict (repeat 1023 "x") 1"#, key("x".repeat(1023))),
        ("key lt 1017", r#"dict (printf "<%s" (repeat 1016 "x")) 1"#, key(format!("<{}", "x".repeat(1016)))),
        ("key lt 1018", r#"dict (printf "<%s" (repeat 1017 "x")) 1"#, key(format!("<{}", "x".repeat(1017)))),
        (
            "key bs 1020",
            r#"dict (printf "\b%s" (repeat 1020 "x")) 1"#,
            key(format!("\u{8}{}", "x".repeat(1020))),
        ),
        (
            "key bs 1021",
            r#"dict (printf "\b%s" (repeat 1021 "x")) 1"#,
            key(format!("\u{8}{}", "x".repeat(1021))),
        ),
        ("key nel", r#"dict (printf "a%sb" (.Values.nel)) 1"#, key("a\u{85}b".into())),
        ("depth 9999", "list .Values.deep", nested(DEEP + 1)),
        ("depth 10000", "list (list .Values.deep)", nested(DEEP + 2)),
        ("depth 10001", "list (list (list .Values.deep))", nested(DEEP + 3)),
    ]
}

fn key_value(k: &str, v: Value) -> Value {
    Value::Map([(k.to_string(), v)].into_iter().collect())
}

fn write_chart(dir: &Path, cases: &[(String, Json)], function: Function) {
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("Chart.yaml"), "apiVersion: v2\nname: emit\nversion: 0.1.0\n").unwrap();
    let list = Json::Array(cases.iter().map(|(_, v)| v.clone()).collect());
    let deep = format!("{}{}", "[".repeat(DEEP), "]".repeat(DEEP));
    let values =
        format!("{{\"cases\": {}, \"nel\": \"\\u0085\", \"deep\": {deep}}}\n", yaml_safe_json(&list));
    std::fs::write(dir.join("values.yaml"), values).unwrap();
    let name = function.name;
    let mut template = format!(
        "{{{{- range $i, $v := .Values.cases }}}}\n#CASE {{{{ $i }}}} {{{{ {name} $v | b64enc }}}}\n{{{{- end }}}}\n",
    );
    for (i, (_, expr, _)) in template_cases().iter().enumerate() {
        writeln!(template, "#EXTRA {i} {{{{ {name} ({expr}) | b64enc }}}}").unwrap();
    }
    std::fs::write(dir.join("templates/out.yaml"), template).unwrap();
}

fn base64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut bits = 0u32;
    let mut count = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => panic!("not base64: {c}"),
        };
        bits = (bits << 6) | u32::from(v);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}

/// Helm's output per marker (`CASE` or `EXTRA`) and index.
fn helm_outputs(helm: &Path, chart: &Path) -> Vec<(String, usize, String)> {
    let output = support::run(helm, &["template", "x", chart.to_str().unwrap()]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    stdout
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix('#')?;
            let mut parts = rest.splitn(3, ' ');
            let marker = parts.next()?.to_string();
            let index = parts.next()?.parse().ok()?;
            let b64 = parts.next().unwrap_or("");
            Some((marker, index, String::from_utf8(base64_decode(b64)).unwrap()))
        })
        .collect()
}

/// Our output the way Helm's function returns it.
fn ours(value: &Value, function: Function) -> String {
    let text = (function.ours)(value);
    text.strip_suffix('\n').map(str::to_string).unwrap_or(text)
}

fn compare_with_helm(function: Function) {
    let helms = support::helms();
    if helms.is_empty() {
        return;
    }
    let cases = cases(function);
    let dir = tempfile::tempdir().unwrap();
    write_chart(dir.path(), &cases, function);
    let extras = template_cases();
    let mut report = String::new();
    for (name, helm) in &helms {
        let outputs = helm_outputs(helm, dir.path());
        assert_eq!(outputs.len(), cases.len() + extras.len(), "{name}: every case printed");
        let mut failures = 0;
        for (marker, index, helm_text) in outputs {
            let (label, value) = match marker.as_str() {
                "CASE" => (cases[index].0.clone(), Value::from_json(&cases[index].1, false)),
                _ => (extras[index].0.to_string(), extras[index].2.clone()),
            };
            let our_text = ours(&value, function);
            let same = if label.starts_with(UNORDERED) {
                let lines = |text: &str| {
                    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
                    lines.sort();
                    lines
                };
                lines(&our_text) == lines(&helm_text)
            } else {
                our_text == helm_text
            };
            if !same {
                failures += 1;
                if failures <= 20 {
                    writeln!(report, "{name}: {label}:\n  helm: {helm_text:?}\n  ours: {our_text:?}")
                        .unwrap();
                }
            }
        }
        if failures > 0 {
            writeln!(report, "{name}: {failures} of {} cases differ", cases.len() + extras.len()).unwrap();
        } else {
            let unordered = cases.iter().filter(|(label, _)| label.starts_with(UNORDERED)).count();
            eprintln!(
                "{name}: all {} {} cases agree ({unordered} key sets without a defined order compared line by line)",
                cases.len() + extras.len(),
                function.name
            );
        }
    }
    assert!(report.is_empty(), "{report}");
}

/// Runs the comparison on a thread with room for the 10000-deep values, which are dropped
/// recursively.
fn compare_on_big_stack(function: Function) {
    let worker =
        std::thread::Builder::new().stack_size(256 << 20).spawn(move || compare_with_helm(function)).unwrap();
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn to_yaml_matches_helm_to_yaml() {
    compare_on_big_stack(TO_YAML);
}

#[test]
fn to_yaml_pretty_matches_helm_to_yaml_pretty() {
    compare_on_big_stack(TO_YAML_PRETTY);
}
