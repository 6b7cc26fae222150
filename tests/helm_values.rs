//! Values handling checked against the real helm 4 and helm 3: the generated schema gives
//! helm the same verdict as `validate` on every table file, and `-f`/`--set*` merging gives
//! the same values, with the same types, as helm's.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use helm_engine::{UserValues, Value, ValueInputs, format_float_json, load_yaml_documents};
use mailu_chart::values::{self, schema::values_schema_text};

/// A chart with our defaults and schema and one template that prints the merged values.
fn schema_chart(dir: &Path) {
    let defaults = Value::Map(values::defaults_tree()).to_json();
    write_chart(dir, &serde_json::to_string_pretty(&defaults).unwrap(), Some(&values_schema_text()));
}

const WALK_TEMPLATE: &str = r#"{{- define "walk" -}}
{{- $p := index . 0 -}}{{- $v := index . 1 -}}
{{- if kindIs "map" $v -}}
{{- if not $v }}{{ $p }}={}
{{ end -}}
{{- range $k, $x := $v }}{{ include "walk" (list (printf "%s.%s" $p $k) $x) }}{{ end -}}
{{- else if kindIs "slice" $v -}}
{{- if not $v }}{{ $p }}=[]
{{ end -}}
{{- range $i, $x := $v }}{{ include "walk" (list (printf "%s[%d]" $p $i) $x) }}{{ end -}}
{{- else }}{{ $p }}={{ kindOf $v }}:{{ toJson $v }}
{{ end -}}
{{- end -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: values
data:
  leaves: |
{{ include "walk" (list "" .Values) | indent 4 }}
"#;

fn write_chart(dir: &Path, values_yaml: &str, schema: Option<&str>) {
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("Chart.yaml"), "apiVersion: v2\nname: probe\nversion: 0.1.0\n").unwrap();
    std::fs::write(dir.join("values.yaml"), values_yaml).unwrap();
    if let Some(schema) = schema {
        std::fs::write(dir.join("values.schema.json"), schema).unwrap();
    }
    std::fs::write(dir.join("templates/values.yaml"), WALK_TEMPLATE).unwrap();
}

/// The merged values as the walk template prints them: one `path=kind:json` line per leaf.
fn leaves(value: &Value, path: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Map(m) if m.is_empty() => {
            out.insert(format!("{path}={{}}"));
        }
        Value::Map(m) => {
            for (k, v) in m {
                leaves(v, &format!("{path}.{k}"), out);
            }
        }
        Value::List(l) if l.is_empty() => {
            out.insert(format!("{path}=[]"));
        }
        Value::List(l) => {
            for (i, v) in l.iter().enumerate() {
                leaves(v, &format!("{path}[{i}]"), out);
            }
        }
        Value::Null => {
            out.insert(format!("{path}=invalid:null"));
        }
        Value::Bool(b) => {
            out.insert(format!("{path}=bool:{b}"));
        }
        Value::Int(i) => {
            out.insert(format!("{path}=int64:{i}"));
        }
        Value::Float(f) => {
            out.insert(format!("{path}=float64:{}", format_float_json(*f)));
        }
        Value::String(s) => {
            out.insert(format!("{path}=string:{}", serde_json::to_string(s).unwrap()));
        }
    }
}

/// Runs `helm template` on the chart and returns the printed leaves, or helm's error.
fn helm_leaves(helm: &Path, chart: &Path, args: &[String]) -> Result<BTreeSet<String>, String> {
    let mut all = vec!["template".to_string(), "probe".into(), chart.display().to_string()];
    all.extend(args.iter().cloned());
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let output = common::run(helm, &refs);
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let text = String::from_utf8(output.stdout).unwrap();
    let docs = load_yaml_documents(&text).unwrap();
    let doc = docs.into_iter().find_map(|d| d.root).expect("helm printed a document");
    let printed = doc.get_dotted("data.leaves").and_then(Value::as_str).unwrap_or_default().to_string();
    Ok(printed.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect())
}

fn is_beyond_schema(path: &Path) -> bool {
    std::fs::read_to_string(path).unwrap().lines().any(|l| l.starts_with("# beyond-schema"))
}

#[test]
fn helm_gives_the_schema_verdict_validate_gives() {
    let helms = common::helms();
    if helms.is_empty() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    schema_chart(dir.path());
    let bad = common::files_in("tests/values/bad", "yaml");
    let mut good = common::files_in("tests/values/good", "yaml");
    good.extend(common::files_in("values-examples", "yaml"));
    let mut failures = Vec::new();
    let mut rejected_by_helm = 0;
    for (name, helm) in &helms {
        for path in bad.iter().chain(&good) {
            let verdict = helm_leaves(helm, dir.path(), &["-f".into(), path.display().to_string()]);
            let should_pass = good.contains(path) || is_beyond_schema(path);
            match (verdict, should_pass) {
                (Ok(_), false) => failures.push(format!("{name} accepted {}", common::short(path))),
                (Err(e), true) => failures.push(format!("{name} rejected {}: {e}", common::short(path))),
                (Err(e), false) => {
                    assert!(e.contains("values don't meet the specifications of the schema"), "{name}: {e}");
                    rejected_by_helm += 1;
                }
                (Ok(_), true) => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(rejected_by_helm >= 30 * helms.len());
}

/// One merge scenario: values files and flags, compared with helm on a plain chart.
struct Scenario {
    files: &'static [&'static str],
    args: &'static [&'static str],
    /// Behaviour helm 4 introduced; helm 3 differs and we follow helm 4.
    helm4_only: bool,
}

const CHART_DEFAULTS: &str = r#"
deleteMe: 1
keep: kept
num: 5432
big: 52428800
fraction: 1.5
yes11: yes
octal: 010
nested:
  deleteChild: 1
  child: 2
  deeper: {a: 1, b: [x, y]}
list: [a, b, c]
listOfMaps:
  - name: first
    value: 1
emptyMap: {}
emptyList: []
nullDefault: null
"#;

const SCENARIOS: &[Scenario] = &[
    Scenario { files: &[], args: &[], helm4_only: false },
    Scenario {
        files: &[],
        args: &[
            "--set",
            "a=52428800,b=1.5,c=1e6,d=010,e=0x1F,f=99999999999999999999,g=true,h=TRUE,i=null,j=~,k=-5,l=+5,m=0",
        ],
        helm4_only: false,
    },
    Scenario {
        files: &[],
        args: &["--set", "deleteMe=null", "--set", "nested.deleteChild=null"],
        helm4_only: false,
    },
    Scenario {
        files: &[],
        args: &["--set", "list[1]=B", "--set", "listOfMaps[0].value=2"],
        helm4_only: false,
    },
    Scenario { files: &[], args: &["--set", "list[4]=E,l2[0][1]=x"], helm4_only: false },
    Scenario {
        files: &[],
        args: &["--set", r"e\.f=2,esc=a\,b", "--set", r#"q="quoted""#],
        helm4_only: false,
    },
    Scenario { files: &[], args: &["--set", "d={x,y},empty={},i=,nested.deeper.a=z"], helm4_only: false },
    Scenario {
        files: &[],
        args: &["--set", "h[0].n=1,h[0].m=2", "--set", "k=1", "--set", "k=2"],
        helm4_only: false,
    },
    Scenario { files: &[], args: &["--set-string", "s=5,t=true,u=null"], helm4_only: false },
    Scenario {
        files: &[],
        args: &["--set-json", r#"j=1.5e7,k=[1,"x",{"y":null}],l={"m":true},n="#],
        helm4_only: false,
    },
    // A whole JSON object given to --set-json.
    Scenario {
        files: &[],
        args: &["--set-json", r#"{"nested": {"child": 9}, "list": []}"#],
        helm4_only: true,
    },
    Scenario { files: &[], args: &["--set-literal", "lit=a,b=c\\n{x}"], helm4_only: false },
    Scenario {
        files: &[],
        args: &["--set", "num=1", "--set-string", "num=2", "--set-json", "num=3"],
        helm4_only: false,
    },
    Scenario {
        files: &[
            "num: 7\nnested:\n  child: 3\n  extra: {z: 1}\nlist: [q]\nyesno: [yes, no, on, off, y, n]\n",
        ],
        args: &[],
        helm4_only: false,
    },
    Scenario {
        files: &["nested:\n  deleteChild: null\ndeleteMe: null\nunknownNull: null\nnum: \"5432\"\n"],
        args: &[],
        helm4_only: false,
    },
    // Every document of a multi-document values file counts.
    Scenario {
        files: &["a: 1\n---\na: 2\nb: 3\n", "b: 4\nc: [1, 2]\n"],
        args: &["--set", "c[1]=x"],
        helm4_only: true,
    },
    Scenario { files: &["big: 1e21\nsmall: 0.00001\nint: 1_000\nhex: 0x1F\n"], args: &[], helm4_only: false },
    Scenario { files: &["nested: scalar\nkeep: {now: map}\n"], args: &[], helm4_only: false },
    Scenario {
        files: &["base: &b {p: 1, q: 2}\nother:\n  <<: *b\n  q: 3\ndate: 2024-01-02\ntime: 12:30\n"],
        args: &[],
        helm4_only: false,
    },
    Scenario { files: &["n: 3\ny: 1\n"], args: &[], helm4_only: false },
    // --set-file takes a file's text as a string; @DIR@ stands for the scratch directory.
    Scenario {
        files: &[],
        args: &["--set-file", "text=@DIR@/text.txt,nested.num=@DIR@/number.txt", "--set", "list[0]=x"],
        helm4_only: false,
    },
];

/// Files the --set-file scenario reads.
const SET_FILES: &[(&str, &str)] = &[("text.txt", "line one\nline two: 2\n"), ("number.txt", "42")];

/// The list of a `--set*` flag in the inputs.
fn set_flag<'a>(inputs: &'a mut ValueInputs, flag: &str) -> &'a mut Vec<String> {
    match flag {
        "--set" => &mut inputs.set,
        "--set-string" => &mut inputs.set_string,
        "--set-json" => &mut inputs.set_json,
        "--set-literal" => &mut inputs.set_literal,
        "--set-file" => &mut inputs.set_file,
        other => panic!("unknown flag {other}"),
    }
}

fn read_file(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))
}

/// `--set` texts helm refuses, and the reason it gives.
const REFUSED_SETS: &[(&str, &str)] = &[
    ("--set", "a"),
    ("--set", "a[x]=1"),
    ("--set", "a.=1"),
    ("--set", "a[-1]=1"),
    ("--set", "a[65537]=1"),
    ("--set", "a=1,,b=2"),
    ("--set", "a={b"),
    ("--set", "a[0]bc=1"),
    ("--set-string", "x[0]=1,x"),
    ("--set-literal", "a"),
    // A path through a value that is not a map or a list: Go's failed type assertion.
    ("--set", "a=x,a.b=1"),
    ("--set", "a=null,a.b=1"),
    ("--set", "a=true,a.b=1"),
    ("--set", "a={1},a.b=1"),
    ("--set", "a=1,a[0]=2"),
    ("--set", "a[0]=x,a[0][0]=1"),
    ("--set-string", "a=1,a.b=1"),
];

/// A scratch directory holding the chart that prints its merged values, and the chart's path.
fn probe_chart() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("chart");
    write_chart(&chart, CHART_DEFAULTS, None);
    (dir, chart)
}

#[test]
fn refused_set_flags_give_helms_reason() {
    let helms = common::helms();
    if helms.is_empty() {
        return;
    }
    let (_dir, chart) = probe_chart();
    let mut failures = Vec::new();
    for (flag, text) in REFUSED_SETS {
        let mut inputs = ValueInputs::default();
        set_flag(&mut inputs, flag).push(text.to_string());
        let ours = match UserValues::collect(&inputs, &mut read_file) {
            Ok(_) => "accepted".to_string(),
            Err(e) => e.to_string(),
        };
        for (name, helm) in &helms {
            let theirs = match helm_leaves(helm, &chart, &[flag.to_string(), text.to_string()]) {
                Ok(_) => "accepted".to_string(),
                Err(stderr) => stderr.trim_end().to_string(),
            };
            // helm: `Error: failed parsing --set data: <reason>`; ours names the flag and its
            // text instead of the flag's kind (COMPATIBILITY.md), with the same reason.
            let kind = flag.trim_start_matches("--");
            let reason =
                theirs.strip_prefix(&format!("Error: failed parsing --{kind} data: ")).unwrap_or(&theirs);
            let expected = format!("{flag} {text}: {reason}");
            if ours != expected {
                failures.push(format!("{name} {flag} {text}:\n  helm: {theirs}\n  ours: {ours}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn merged_values_and_their_types_match_helm() {
    let helms = common::helms();
    if helms.is_empty() {
        return;
    }
    let (dir, chart) = probe_chart();
    let defaults = match load_yaml_documents(CHART_DEFAULTS).unwrap().remove(0).root.unwrap() {
        Value::Map(m) => m,
        _ => unreachable!(),
    };
    for (name, text) in SET_FILES {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let mut failures = Vec::new();
    for (index, scenario) in SCENARIOS.iter().enumerate() {
        let mut args: Vec<String> = Vec::new();
        let mut inputs = ValueInputs::default();
        for (i, text) in scenario.files.iter().enumerate() {
            let path = dir.path().join(format!("s{index}-{i}.yaml"));
            std::fs::write(&path, text).unwrap();
            args.push("-f".into());
            args.push(path.display().to_string());
            inputs.files.push((path.display().to_string(), text.as_bytes().to_vec()));
        }
        for pair in scenario.args.chunks(2) {
            let text = pair[1].replace("@DIR@", &dir.path().display().to_string());
            args.push(pair[0].to_string());
            args.push(text.clone());
            set_flag(&mut inputs, pair[0]).push(text);
        }
        let user = UserValues::collect(&inputs, &mut read_file).unwrap();
        let merged =
            Value::Map(helm_engine::coalesce_values(user.values, &defaults, helm_engine::NullRule::Delete));
        let mut ours = BTreeSet::new();
        leaves(&merged, "", &mut ours);
        for (name, helm) in &helms {
            if scenario.helm4_only && *name != "helm 4" {
                continue;
            }
            match helm_leaves(helm, &chart, &args) {
                Ok(theirs) if theirs == ours => {}
                Ok(theirs) => failures.push(format!(
                    "scenario {index} ({name}) {args:?}:\n  only ours:   {:?}\n  only helm's: {:?}",
                    ours.difference(&theirs).collect::<Vec<_>>(),
                    theirs.difference(&ours).collect::<Vec<_>>()
                )),
                Err(e) => failures.push(format!("scenario {index} ({name}) {args:?}: helm failed: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
