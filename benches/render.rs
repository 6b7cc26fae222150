//! Benchmarks: rendering the manifests directly, writing the chart, and the built-in
//! Helm-compatible renderer parsing and rendering `chart-out`.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use helm_engine::{UserValues, ValueInputs};
use mailu_chart::render::{Release, output};

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
        b.iter(|| helm_engine::load_chart(&chart_dir).unwrap())
    });
    let chart = helm_engine::load_chart(&chart_dir).unwrap();
    let options = helm_engine::RenderOptions {
        release_name: "mailu".into(),
        namespace: "mailu".into(),
        ..Default::default()
    };
    for example in ["minimal.yaml", "full.yaml"] {
        let user = user_values(example);
        c.bench_function(&format!("built-in renderer: render chart-out with {example}"), |b| {
            b.iter(|| {
                helm_engine::render_chart(&chart, &user.values, &options)
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
