//! Copying roxmltree's tree, for the documents the quick pass leaves to it.

use rustc_hash::FxHashMap;

use super::{AttrData, DeclData, Document, NodeData, NodeType, Span, NONE, OWNED, XML_NS};

pub(super) fn from_roxmltree<'a>(src: &roxmltree::Document<'a>) -> Document<'a> {
    let mut doc = Document::empty(src.input_text());
    doc.copied = true;
    let mut uris = FxHashMap::default();
    // (roxmltree node, our parent): children are pushed in reverse so they come out in order.
    let mut stack: Vec<(roxmltree::Node<'_, 'a>, u32)> = src.root().children().rev().map(|c| (c, 0)).collect();
    while let Some((node, parent)) = stack.pop() {
        let range = Span::input(node.range());
        let id = match node.node_type() {
            roxmltree::NodeType::Element => element(&mut doc, &mut uris, node, parent, range),
            roxmltree::NodeType::Text | roxmltree::NodeType::Comment => {
                let kind = if node.is_text() { NodeType::Text } else { NodeType::Comment };
                let text = doc.own(node.text().unwrap_or(""));
                doc.append(NodeData::new(kind, parent, range, text))
            }
            roxmltree::NodeType::PI => {
                let pi = node.pi().expect("a PI node has a PI");
                let target = doc.own(pi.target);
                let data = NodeData::new(NodeType::PI, parent, range, target);
                if let Some(value) = pi.value {
                    let value = doc.own(value);
                    doc.pi_values.push((doc.nodes.len() as u32, value));
                }
                doc.append(data)
            }
            roxmltree::NodeType::Root => continue,
        };
        stack.extend(node.children().rev().map(|c| (c, id)));
    }
    doc
}

fn uri(doc: &mut Document<'_>, uris: &mut FxHashMap<String, u32>, uri: Option<&str>) -> u32 {
    match uri {
        None => NONE,
        Some(XML_NS) => 0,
        Some(u) => *uris.entry(u.to_owned()).or_insert_with(|| {
            let span = doc.own(u);
            doc.uris.push(span);
            doc.uris.len() as u32 - 1
        }),
    }
}

fn element<'a>(
    doc: &mut Document<'a>,
    uris: &mut FxHashMap<String, u32>,
    node: roxmltree::Node<'_, 'a>,
    parent: u32,
    range: Span,
) -> u32 {
    let input = doc.input;
    let qname = qualified_name(node, input);
    let text = doc.own(qname);
    let mut data = NodeData::new(NodeType::Element, parent, range, text);
    data.local = local_start(text, node.tag_name().name());
    data.ns = uri(doc, uris, node.tag_name().namespace());
    data.attrs = doc.attrs.len() as u32;
    for a in node.attributes() {
        let qname = doc.own(&input[a.range_qname()]);
        let local = local_start(qname, a.name());
        let value = doc.own(a.value());
        let ns = uri(doc, uris, a.namespace());
        doc.attrs.push(AttrData { qname, local, value, ns, range: Span::input(a.range()) });
    }
    let node_id = doc.nodes.len() as u32;
    let start = doc.decls.len();
    for (offset, prefix, namespace) in declarations(node, input) {
        let prefix = prefix.map_or(Span::ABSENT, |p| doc.own(p));
        let uri = doc.own(namespace);
        doc.decls.push(DeclData { node: node_id, prefix, uri, offset: offset as u32 });
    }
    data.declares = doc.decls.len() > start;
    doc.append(data)
}

/// Where `local`, the last part of the qualified name kept at `qname`, starts (with the
/// flag `qname`'s start has: it is in the document's own text).
fn local_start(qname: Span, local: &str) -> u32 {
    (qname.end - local.len() as u32) | (qname.start & OWNED)
}

/// The element's name as written in the source, prefix included.
fn qualified_name<'a>(node: roxmltree::Node<'_, '_>, src: &'a str) -> &'a str {
    let rest = &src[node.range().start + 1..];
    let end = rest.find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>').unwrap_or(rest.len());
    &rest[..end]
}

/// The namespace declarations written in `node`'s start tag, in order: (offset of the
/// `xmlns`, prefix, URI). Read from the tag's text, as roxmltree keeps only the bindings in
/// force, not which tag declared them (a declaration repeating its parent's is lost there);
/// each URI is roxmltree's, its references resolved.
fn declarations<'n>(node: roxmltree::Node<'n, '_>, src: &str) -> Vec<(usize, Option<&'n str>, &'n str)> {
    // No namespace in force (but `xml:`): none declared, and no tag to read.
    if node.namespaces().all(|ns| ns.uri() == XML_NS) {
        return Vec::new();
    }
    let start = node.range().start;
    let mut out = Vec::new();
    for (at, name) in start_tag_names(&src[start..]) {
        let prefix = match name.strip_prefix("xmlns") {
            Some("") => None,
            Some(rest) => match rest.strip_prefix(':') {
                Some(p) => Some(p),
                None => continue,
            },
            None => continue,
        };
        if let Some(ns) = node.namespaces().find(|ns| ns.name() == prefix) {
            out.push((start + at, ns.name(), ns.uri()));
        }
    }
    out
}

/// The attribute names of the start tag `tag` begins with (at its `<`), with their offsets:
/// names, `=`, quoted values and spaces, up to the `>` outside quotes.
fn start_tag_names(tag: &str) -> Vec<(usize, &str)> {
    let bytes = tag.as_bytes();
    let mut names = Vec::new();
    // Past `<` and the element's name.
    let mut i = bytes.iter().position(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/').unwrap_or(bytes.len());
    while i < bytes.len() {
        match bytes[i] {
            b'>' => break,
            b'\'' | b'"' => {
                let quote = bytes[i];
                i += 1 + bytes[i + 1..].iter().position(|b| *b == quote).unwrap_or(bytes.len());
                i += 1;
            }
            b if b.is_ascii_whitespace() || b == b'=' || b == b'/' => i += 1,
            _ => {
                let end = i + bytes[i..]
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || *b == b'=' || *b == b'>' || *b == b'/')
                    .unwrap_or(bytes.len() - i);
                names.push((i, &tag[i..end]));
                i = end;
            }
        }
    }
    names
}
