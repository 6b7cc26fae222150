//! The graph drawn as a finished SVG picture, laid out in process by the `layout-rs` crate (a
//! layered layout in the manner of Graphviz's `dot`), so that no Graphviz is needed.

use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::render::get_shape_size;
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

use super::{Graph, NodeKind, port_list};

/// The font size of every text we give the layout (the layout adds its own for some labels;
/// [`finish`] puts the style rules in a fixed order).
const FONT_SIZE: usize = 14;

/// The graph as an SVG document.
pub fn svg(graph: &Graph) -> String {
    let orientation = Orientation::TopToBottom;
    let mut visual = VisualGraph::new(orientation);
    let mut handles = Vec::new();
    for node in &graph.nodes {
        let text = std::iter::once(node.label.as_str())
            .chain(node.details.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("\n");
        let (fill, line, rounded) = match node.kind {
            NodeKind::Component => ("#ffffff", "#333333", 0),
            NodeKind::Entry => ("#e3eefc", "#2f6db5", 0),
            NodeKind::External => ("#f3f3f3", "#777777", 12),
            NodeKind::Internet => ("#fff4d6", "#b58a2f", 20),
        };
        let shape = ShapeKind::new_box(&text);
        let look = StyleAttr::new(Color::fast(line), 2, Some(Color::fast(fill)), rounded, FONT_SIZE);
        // Some room above and below the lines, which the layout's own size leaves tight.
        let size = get_shape_size(orientation, &shape, FONT_SIZE, false);
        let size = Point::new(size.x, size.y + FONT_SIZE as f64);
        handles.push((node.id.as_str(), visual.add_node(Element::create(shape, look, orientation, size))));
    }
    let handle = |id: &str| handles.iter().find(|(node, _)| *node == id).map(|(_, h)| *h);
    for edge in &graph.edges {
        let (Some(from), Some(to)) = (handle(&edge.from), handle(&edge.to)) else {
            continue;
        };
        let (color, width) = if edge.flow.is_none() { ("#b58a2f", 3) } else { ("#555555", 1) };
        let look = StyleAttr::new(Color::fast(color), width, None, 0, FONT_SIZE);
        let arrow = Arrow::new(
            LineEndKind::None,
            LineEndKind::Arrow,
            LineStyleKind::Normal,
            &port_list(&edge.ports),
            &look,
            &None,
            &None,
        );
        visual.add_edge(arrow, from, to);
    }
    let mut canvas = Canvas { svg: SVGWriter::new(), max: Point::zero() };
    visual.do_it(false, false, false, &mut canvas);
    finish(&canvas.svg.finalize(), canvas.max)
}

/// Room around the drawing, in pixels.
const MARGIN: f64 = 10.0;

/// The writer's document with the size of what was drawn, one font, and its style rules in
/// a fixed order.
fn finish(document: &str, max: Point) -> String {
    let (width, height) = (max.x.ceil() + MARGIN, max.y.ceil() + MARGIN);
    let mut out = String::with_capacity(document.len());
    let mut in_style = false;
    let mut style_rules = Vec::new();
    for line in document.split_inclusive('\n') {
        if let Some(start) = line.find("<svg ") {
            out.push_str(&line[..start]);
            out.push_str(&format!(
                "<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
                 xmlns=\"http://www.w3.org/2000/svg\">\n"
            ));
            continue;
        }
        if line.trim_end().ends_with("<style>") {
            in_style = true;
            out.push_str(line);
            continue;
        }
        if in_style && line.starts_with("</style>") {
            in_style = false;
            style_rules.sort();
            out.extend(style_rules.drain(..));
        }
        if in_style {
            style_rules.push(
                line.replace("font-family: Times, serif;", "font-family: Helvetica, Arial, sans-serif;"),
            );
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The SVG writer, measuring what is drawn: the writer's own measure of text is too rough
/// for the picture's size (labels were cut at the right edge).
struct Canvas {
    svg: SVGWriter,
    max: Point,
}

impl Canvas {
    fn reach(&mut self, point: Point) {
        self.max = Point::new(self.max.x.max(point.x), self.max.y.max(point.y));
    }

    /// Centred text: about 0.6 of the font size per character, a line per font size.
    fn reach_text(&mut self, center: Point, text: &str, font_size: usize) {
        let size = font_size as f64;
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
        let lines = text.lines().count().max(1) as f64;
        self.reach(Point::new(center.x + widest * size * 0.3, center.y + lines * size / 2.0 + size));
    }
}

impl RenderBackend for Canvas {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        look: &StyleAttr,
        properties: Option<String>,
        clip: Option<ClipHandle>,
    ) {
        self.reach(Point::new(xy.x + size.x, xy.y + size.y));
        self.svg.draw_rect(xy, size, look, properties, clip);
    }

    fn draw_line(&mut self, start: Point, stop: Point, look: &StyleAttr, properties: Option<String>) {
        self.reach(start);
        self.reach(stop);
        self.svg.draw_line(start, stop, look, properties);
    }

    fn draw_circle(&mut self, xy: Point, size: Point, look: &StyleAttr, properties: Option<String>) {
        self.reach(Point::new(xy.x + size.x / 2.0, xy.y + size.y / 2.0));
        self.svg.draw_circle(xy, size, look, properties);
    }

    fn draw_text(&mut self, xy: Point, text: &str, look: &StyleAttr) {
        self.reach_text(xy, text, look.font_size);
        self.svg.draw_text(xy, text, look);
    }

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        dashed: bool,
        head: (bool, bool),
        look: &StyleAttr,
        properties: Option<String>,
        text: &str,
    ) {
        for (a, b) in path {
            self.reach(*a);
            self.reach(*b);
        }
        self.svg.draw_arrow(path, dashed, head, look, properties, text);
    }

    fn create_clip(&mut self, xy: Point, size: Point, rounded_px: usize) -> ClipHandle {
        self.svg.create_clip(xy, size, rounded_px)
    }
}
