//! Benchmarks: rendering the manifests directly, writing the chart, and the built-in
//! Helm-compatible renderer parsing and rendering `chart-out`.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use mailu_chart::render::{Release, output};
use mailu_chart::values::{UserValues, ValueInputs};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn user_values(example: &str) -> UserValues {
    let path = root().join("values-examples").join(example);
    let inputs = ValueInputs {
        files: vec![(example.to_string(), std::fs::read(path).unwrap())],
        ..Default::default()
    };
    UserValues::collect(&inputs, &mut |_: &str| Err("no files".into())).unwrap()
}

fn benchmarks(c: &mut Criterion) {
    let release = Release::default();
    for example in ["minimal.yaml", "full.yaml"] {
        let user = user_values(example);
        c.bench_function(&format!("render {example} (validate, render, YAML)"), |b| {
            b.iter(|| {
                let values = mailu_chart::values::resolve(&user).unwrap();
                let mut manifests = mailu_chart::render::render(&values, &release).unwrap();
                output::install_order(&mut manifests);
                output::stream(&manifests)
            })
        });
    }
    c.bench_function("export the chart (in memory)", |b| {
        b.iter(|| mailu_chart::chart::chart_files().unwrap())
    });
    let chart_dir = root().join("chart-out");
    c.bench_function("built-in renderer: load and parse chart-out", |b| {
        b.iter(|| mailu_chart::gotmpl::load_chart(&chart_dir).unwrap())
    });
    let chart = mailu_chart::gotmpl::load_chart(&chart_dir).unwrap();
    let options = mailu_chart::gotmpl::RenderOptions {
        release_name: "mailu".into(),
        namespace: "mailu".into(),
        ..Default::default()
    };
    for example in ["minimal.yaml", "full.yaml"] {
        let user = user_values(example);
        c.bench_function(&format!("built-in renderer: render chart-out with {example}"), |b| {
            b.iter(|| {
                mailu_chart::gotmpl::render_chart(&chart, &user.values, &options)
                    .unwrap()
                    .template_output(&options)
                    .unwrap()
            })
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = benchmarks
}
criterion_main!(benches);
