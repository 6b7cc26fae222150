//! The graph as a Mermaid flowchart, for Markdown pages (GitHub and most documentation sites
//! draw it).

use super::{Graph, Node, NodeKind, port_list};

/// The graph as Mermaid text: the internet at the top, the entry points, the release's
/// components in a box, the services outside below. Thick arrows are the way in from the
/// internet; thin ones the flows the NetworkPolicies allow.
pub fn mermaid(graph: &Graph) -> String {
    let mut out = String::from("flowchart TB\n");
    if !graph.policies {
        out.push_str(
            "    %% NetworkPolicies are off: these are the flows Mailu uses, nothing else is blocked.\n",
        );
    }
    let outside = |kind: NodeKind| graph.nodes.iter().filter(move |n| n.kind == kind);
    let mut wrote_release = false;
    for node in &graph.nodes {
        if node.kind == NodeKind::Component {
            if !wrote_release {
                out.push_str(&format!("    subgraph release [\"{}\"]\n", graph.title));
                for component in outside(NodeKind::Component) {
                    out.push_str(&format!("        {}\n", shape(component)));
                }
                out.push_str("    end\n");
                wrote_release = true;
            }
            continue;
        }
        out.push_str(&format!("    {}\n", shape(node)));
    }
    for edge in &graph.edges {
        let arrow = if edge.flow.is_none() { "==>" } else { "-->" };
        out.push_str(&format!("    {} {arrow}|\"{}\"| {}\n", edge.from, port_list(&edge.ports), edge.to));
    }
    for (class, kind, style) in [
        ("entry", NodeKind::Entry, "fill:#e3eefc,stroke:#2f6db5"),
        ("outside", NodeKind::External, "fill:#f3f3f3,stroke:#777777"),
        ("internet", NodeKind::Internet, "fill:#fff4d6,stroke:#b58a2f"),
    ] {
        let ids: Vec<&str> = outside(kind).map(|n| n.id.as_str()).collect();
        if !ids.is_empty() {
            out.push_str(&format!("    classDef {class} {style}\n    class {} {class}\n", ids.join(",")));
        }
    }
    out
}

/// A node with its shape: components as boxes, entry points as trapezoids, databases as
/// cylinders, the internet as a stadium.
fn shape(node: &Node) -> String {
    let text = std::iter::once(node.label.as_str())
        .chain(node.details.iter().map(String::as_str))
        .map(escape)
        .collect::<Vec<_>>()
        .join("<br/>");
    let (open, close) = match node.kind {
        NodeKind::Component => ("[", "]"),
        NodeKind::Entry => ("[/", "\\]"),
        NodeKind::External => ("[(", ")]"),
        NodeKind::Internet => ("([", "])"),
    };
    format!("{}{open}\"{text}\"{close}", node.id)
}

/// Text inside a quoted Mermaid label: quotes and angle brackets as entities.
fn escape(text: &str) -> String {
    text.replace('"', "#quot;").replace('<', "#60;").replace('>', "#62;")
}
