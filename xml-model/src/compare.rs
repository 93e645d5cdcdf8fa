//! Whether two documents say the same thing: the same elements in the same order, the same
//! attributes with identical values, the same non-blank text and the same comments.
//! Indentation and attribute order do not count. This is the round-trip criterion.

use crate::read::{node_path, Node};
use crate::tree::AttributeFinder;

/// The first difference between two XML texts, described with its path and line in `a`;
/// `None` when they are equivalent.
pub fn first_difference(a: &str, b: &str) -> Option<String> {
    let da = match crate::read::Tree::parse(a, false, &crate::Limits::none()) {
        Ok(d) => d,
        Err(e) => return Some(format!("first text does not parse: {e}")),
    };
    let db = match crate::read::Tree::parse(b, false, &crate::Limits::none()) {
        Ok(d) => d,
        Err(e) => return Some(format!("second text does not parse: {e}")),
    };
    compare_children(da.root(), db.root())
}

/// Where `node` is: its path and line.
fn at(node: Node<'_>) -> String {
    line_of(node, node_path(node))
}

/// Where attribute `name` of `node` is.
fn at_attribute(node: Node<'_>, name: &str) -> String {
    line_of(node, format!("{}/@{name}", node_path(node)))
}

fn line_of(node: Node<'_>, path: String) -> String {
    let pos = node.document().text_pos_at(node.range().start);
    format!("{path} (line {})", pos.row)
}

/// The nodes that count: elements, comments, and text that is not only whitespace.
fn significant<'a>(node: Node<'a>) -> impl Iterator<Item = Node<'a>> {
    node.children().filter(|c| match c.node_type() {
        crate::read::NodeType::Text => !c.text().unwrap_or("").trim().is_empty(),
        crate::read::NodeType::Element | crate::read::NodeType::Comment | crate::read::NodeType::PI => true,
        crate::read::NodeType::Root => false,
    })
}

fn compare_children(a: Node<'_>, b: Node<'_>) -> Option<String> {
    let mut ia = significant(a);
    let mut ib = significant(b);
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return None,
            (Some(x), None) => return Some(format!("{}: missing after the round trip", at(x))),
            (None, Some(y)) => return Some(format!("{}: added by the round trip", at(y))),
            (Some(x), Some(y)) => {
                if let Some(d) = compare_node(x, y) {
                    return Some(d);
                }
            }
        }
    }
}

fn compare_node(x: Node<'_>, y: Node<'_>) -> Option<String> {
    if x.node_type() != y.node_type() {
        return Some(format!("{}: a {:?} became a {:?}", at(x), x.node_type(), y.node_type()));
    }
    match x.node_type() {
        crate::read::NodeType::Element => {
            if x.tag_name() != y.tag_name() {
                return Some(format!("{}: element <{}> became <{}>", at(x), x.tag_name().name(), y.tag_name().name()));
            }
            let (in_x, in_y) = (AttributeFinder::of(x), AttributeFinder::of(y));
            for attr in x.attributes() {
                match in_y.get(&attr) {
                    None => {
                        return Some(format!(
                            "{}: attribute missing after the round trip",
                            at_attribute(x, attr.name())
                        ))
                    }
                    Some(o) if o.value() != attr.value() => {
                        let at = at_attribute(x, attr.name());
                        return Some(format!("{at}: '{}' became '{}'", attr.value(), o.value()));
                    }
                    Some(_) => {}
                }
            }
            if let Some(extra) = y.attributes().find(|o| in_x.get(o).is_none()) {
                return Some(format!("{}: attribute added by the round trip", at_attribute(x, extra.name())));
            }
            compare_children(x, y)
        }
        _ if x.text() != y.text() => Some(format!(
            "{}: {:?} became {:?}",
            at(x),
            crate::error::quote(x.text().unwrap_or("")),
            crate::error::quote(y.text().unwrap_or(""))
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::first_difference;

    #[test]
    fn attributes_are_matched_by_name_whatever_their_number() {
        for n in [3, 40] {
            let attrs = |order: &mut dyn Iterator<Item = usize>, changed: Option<usize>| -> String {
                order.map(|i| format!(" a{i}='{}'", if Some(i) == changed { 99 } else { i })).collect()
            };
            let a = format!("<r{}/>", attrs(&mut (0..n), None));
            assert_eq!(first_difference(&a, &format!("<r{}/>", attrs(&mut (0..n).rev(), None))), None);
            let changed = format!("<r{}/>", attrs(&mut (0..n).rev(), Some(1)));
            assert_eq!(first_difference(&a, &changed).unwrap(), "/r/@a1 (line 1): '1' became '99'");
            let fewer = format!("<r{}/>", attrs(&mut (1..n), None));
            assert_eq!(
                first_difference(&a, &fewer).unwrap(),
                "/r/@a0 (line 1): attribute missing after the round trip"
            );
            let more = format!("<r{} z='1'/>", attrs(&mut (0..n), None));
            assert_eq!(first_difference(&a, &more).unwrap(), "/r/@z (line 1): attribute added by the round trip");
        }
    }
}
