//! Text-only elements (`<name>demo</name>`, `<vcpu>2</vcpu>`): any [`XmlValue`] is one.

use crate::read::{Node, ReadCtx, ReadElement};
use crate::value::XmlValue;
use crate::write::{WriteElement, Writer};
use crate::{ErrorKind, Result};

impl<T: XmlValue> ReadElement for T {
    fn read_element(node: Node<'_>, ctx: &mut ReadCtx<'_>) -> Result<Self> {
        // A plain value has nowhere to keep attributes, comments or child elements: they
        // are errors here, never dropped. (Types that keep them are structs with extras.)
        if let Some(attr) = node.attributes().next() {
            let what = format!("attribute '{}'", attr.name());
            let expected = "text only (this element's type keeps no attributes)".to_owned();
            return Err(ctx.error_at_attribute(node, &attr, ErrorKind::Unknown { what, expected }));
        }
        let mut text = None;
        for child in node.children() {
            if !child.is_text() {
                let what = match child.node_type() {
                    crate::read::NodeType::Element => {
                        format!("element <{}>", child.tag_name().name())
                    }
                    crate::read::NodeType::Comment => "comment".to_owned(),
                    _ => "processing instruction".to_owned(),
                };
                let expected = "text only".to_owned();
                return Err(ctx.error_at(child, ErrorKind::Unknown { what, expected }));
            }
            text = Some(child);
        }
        match text {
            Some(t) => ctx.parse_text(t),
            None => ctx.empty_text(node),
        }
    }
}

impl<T: XmlValue> WriteElement for T {
    fn write_element(&self, name: &str, w: &mut Writer) {
        w.start(name);
        w.text(0, self);
        w.end(name, &crate::extras::EmptyStyle::SelfClosing);
    }
}
