//! Render: every object of the deployment (see [`crate::objects`]) evaluated against concrete
//! values, each tagged with the chart template path that produces the same object in the
//! exported chart.

mod evaluate;
pub mod output;

use crate::eval::Ctx;
use crate::objects;
use crate::values::Values;
use helm_engine::Value;

pub use evaluate::Evaluation;
pub use objects::CHART_NAME;

/// Where the objects go: `--release-name` and `-n/--namespace`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub name: String,
    pub namespace: String,
}

impl Default for Release {
    fn default() -> Self {
        Release { name: "mailu".into(), namespace: "mailu".into() }
    }
}

/// One rendered object and the chart template that produces it.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// Template path inside the chart, like `templates/admin/deployment.yaml`.
    pub source: String,
    pub object: Value,
}

impl Manifest {
    pub fn new(source: String, object: Value) -> Self {
        Manifest { source, object }
    }

    pub fn kind(&self) -> &str {
        self.object.get_dotted("kind").and_then(Value::as_str).unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        self.object.get_dotted("metadata.name").and_then(Value::as_str).unwrap_or_default()
    }
}

/// A release name or namespace Kubernetes would refuse: the message says which and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidRelease(pub String);

/// The values as the tree expressions read (integers as integers).
pub fn values_tree(values: &Values) -> Value {
    helm_engine::to_value(values).expect("values serialize")
}

/// Every object for these values, in chart template order (see [`output::install_order`]).
pub fn render(values: &Values, release: &Release) -> Result<Vec<Manifest>, InvalidRelease> {
    let mut manifests = Vec::new();
    render_each(values, release, |source, object| manifests.push(Manifest::new(source, object)))?;
    Ok(manifests)
}

/// One rendered object as the YAML document `render` prints, without its tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// Template path inside the chart, like `templates/admin/deployment.yaml`.
    pub source: String,
    pub kind: String,
    /// The object as YAML, in the order of its fields, without the final newline.
    pub yaml: String,
}

/// [`render`] with each object written as YAML once evaluated: printing needs only the texts,
/// and the trees of all objects (several times the size of their text) never exist at once.
pub fn render_documents(values: &Values, release: &Release) -> Result<Vec<Document>, InvalidRelease> {
    let mut documents = Vec::new();
    render_each(values, release, |source, object| {
        let kind = object.get_dotted("kind").and_then(Value::as_str).unwrap_or_default().to_string();
        documents.push(Document { source, kind, yaml: output::document(&object) });
    })?;
    Ok(documents)
}

/// The checks the chart makes before it renders anything (a release name or namespace
/// Kubernetes would refuse), for the commands that print what the release would be named.
pub fn check_release(ctx: &Ctx) -> Result<(), InvalidRelease> {
    for object in objects::all() {
        if let Some(check) = object.checks.iter().find(|c| !c.holds.eval(ctx)) {
            return Err(InvalidRelease(check.message.eval(ctx)));
        }
    }
    Ok(())
}

/// Evaluates every object the values ask for, in chart template order, and hands each with
/// its template path to `each`.
fn render_each(
    values: &Values,
    release: &Release,
    mut each: impl FnMut(String, Value),
) -> Result<(), InvalidRelease> {
    let tree = values_tree(values);
    let ctx = Ctx::new(&tree, &release.name, &release.namespace);
    check_release(&ctx)?;
    let evaluation = Evaluation::default();
    for object in objects::all().iter().filter(|o| o.when.eval(&ctx)) {
        each(object.path.to_string(), evaluation.evaluate(&object.body, &ctx));
    }
    Ok(())
}
