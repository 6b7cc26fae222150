//! The graph in Graphviz's DOT language, for `dot -Tsvg` and the many tools that read it.

use super::{Graph, Node, NodeKind, port_list};

/// The graph as DOT: the release's components in a cluster, the rest around it; every edge
/// labelled with its ports and with its purpose as a tooltip.
pub fn dot(graph: &Graph) -> String {
    let mut out = String::from("digraph mailu {\n");
    out.push_str("    rankdir=TB;\n");
    out.push_str(
        "    node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\"];\n",
    );
    out.push_str("    edge [fontname=\"Helvetica\", fontsize=10];\n");
    if !graph.policies {
        out.push_str(
            "    // NetworkPolicies are off: these are the flows Mailu uses, nothing else is blocked.\n",
        );
    }
    let mut wrote_release = false;
    for node in &graph.nodes {
        if node.kind == NodeKind::Component {
            if !wrote_release {
                out.push_str(&format!(
                    "    subgraph cluster_release {{\n        label={};\n",
                    quote(&graph.title)
                ));
                for component in graph.nodes.iter().filter(|n| n.kind == NodeKind::Component) {
                    out.push_str(&format!("        {}\n", statement(component)));
                }
                out.push_str("    }\n");
                wrote_release = true;
            }
            continue;
        }
        out.push_str(&format!("    {}\n", statement(node)));
    }
    for edge in &graph.edges {
        let style = if edge.flow.is_none() { ", style=bold" } else { "" };
        out.push_str(&format!(
            "    {} -> {} [label={}, tooltip={}{style}];\n",
            edge.from,
            edge.to,
            quote(&port_list(&edge.ports)),
            quote(&edge.purpose)
        ));
    }
    out.push_str("}\n");
    out
}

fn statement(node: &Node) -> String {
    let label = std::iter::once(node.label.as_str())
        .chain(node.details.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("\n");
    let look = match node.kind {
        NodeKind::Component => "",
        NodeKind::Entry => ", shape=trapezium, style=filled, fillcolor=\"#e3eefc\"",
        NodeKind::External => ", shape=cylinder, style=filled, fillcolor=\"#f3f3f3\"",
        NodeKind::Internet => ", shape=ellipse, style=filled, fillcolor=\"#fff4d6\"",
    };
    format!("{} [label={}{look}];", node.id, quote(&label))
}

/// A DOT string: quotes and backslashes escaped, line breaks as `\n` (centred lines).
fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"))
}
