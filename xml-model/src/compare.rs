//! Whether two documents say the same thing: the same elements in the same order, the same
//! attributes with identical values, the same non-blank text and the same comments.
//! Indentation and attribute order do not count. This is the round-trip criterion.

use crate::read::{node_path, Node};

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

fn at(node: Node<'_>) -> String {
    let pos = node.document().text_pos_at(node.range().start);
    format!("{} (line {})", node_path(node), pos.row)
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
            for attr in x.attributes() {
                let other = y.attributes().find(|o| o.name() == attr.name() && o.namespace() == attr.namespace());
                match other {
                    None => return Some(format!("{}/@{}: attribute missing after the round trip", at(x), attr.name())),
                    Some(o) if o.value() != attr.value() => {
                        return Some(format!("{}/@{}: '{}' became '{}'", at(x), attr.name(), attr.value(), o.value()))
                    }
                    Some(_) => {}
                }
            }
            if let Some(extra) =
                y.attributes().find(|o| x.attributes().all(|a| a.name() != o.name() || a.namespace() != o.namespace()))
            {
                return Some(format!("{}/@{}: attribute added by the round trip", at(x), extra.name()));
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
