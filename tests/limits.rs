//! Hostile input: what would cost more than its size (an element with 200,000 attributes, a
//! text node of more than libxml2's 10,000,000 bytes, nesting deeper than any libvirt document)
//! is refused before parsing, by `Limits` a user can set, with the place and the limit named;
//! what is merely large (100,000 siblings) is read and checked.

use libvirt_xml::model::check::Checker;
use libvirt_xml::prelude::*;
use libvirt_xml::{ErrorKind, Limits};

fn many_attributes(n: usize) -> String {
    let attrs: Vec<String> = (0..n).map(|i| format!("a{i}='x'")).collect();
    format!("<domain type='kvm'>\n  <name {}>x</name>\n</domain>\n", attrs.join(" "))
}

fn limit_of(e: &libvirt_xml::Error) -> &'static str {
    match &e.kind {
        ErrorKind::OverLimit { limit, .. } => limit,
        other => panic!("not a limit: {other:?}"),
    }
}

#[test]
fn an_element_with_200000_attributes_is_refused_where_it_starts() {
    let xml = many_attributes(200_000);
    for options in [ReadOptions::default(), ReadOptions::strict(), ReadOptions::recover()] {
        let e = Document::<Domain>::parse_with(&xml, options).expect_err("refused");
        assert_eq!(limit_of(&e), "max_attributes");
        assert_eq!((e.line, e.column), (2, 3), "{e}");
        assert!(e.to_string().contains("attributes of <name>"), "{e}");
    }
    let report = Checker::new().check_str(&xml);
    assert_eq!(report.problems.len(), 1);
    let p = &report.problems[0];
    assert_eq!((p.line, p.column), (2, 3));
    assert!(p.message().contains("Limits::max_attributes"), "{}", p.message());
    assert!(libvirt_xml::model::generated::reformat(&xml, ReadOptions::recover()).is_err());
}

#[test]
fn the_limit_is_exact_and_set_by_the_user() {
    // 256 attributes are within the default: the schema, not the limit, refuses them.
    let xml = many_attributes(256);
    let report = Checker::new().check_str(&xml);
    assert!(!report.problems.iter().any(|p| p.message().contains("Limits")), "{report:?}");
    let e = Document::<Domain>::parse_with(&many_attributes(257), ReadOptions::default()).unwrap_err();
    assert_eq!(limit_of(&e), "max_attributes");

    let tight = ReadOptions { limits: Limits { max_attributes: 1, ..Limits::default() }, ..ReadOptions::default() };
    let e = Document::<Domain>::parse_with("<domain type='kvm' id='1'><name>x</name></domain>", tight).unwrap_err();
    assert_eq!(limit_of(&e), "max_attributes");
    let small = ReadOptions { limits: Limits { max_bytes: 10, ..Limits::default() }, ..ReadOptions::default() };
    let e = Document::<Domain>::parse_with("<domain type='kvm'><name>x</name></domain>", small).unwrap_err();
    assert_eq!(limit_of(&e), "max_bytes");
    assert!(e.to_string().contains("a document of 42 bytes"), "{e}");
}

#[test]
fn a_text_node_longer_than_libxml2_allows_is_refused_entities_included() {
    let limit = Limits::default().max_text;
    // Split by entity references, as a parser sees it: still one text node.
    let half = "y".repeat(limit / 2);
    let xml =
        format!("<domain type='kvm'>\n  <name>x</name>\n  <description>{half}&amp;{half}</description>\n</domain>\n");
    let e = Document::<Domain>::parse(&xml).unwrap_err();
    assert_eq!(limit_of(&e), "max_text");
    assert_eq!((e.line, e.column), (3, 16), "at the text's start: {e}");
    // Exactly the limit is accepted.
    let at_limit =
        format!("<domain type='kvm'><name>x</name><description>{}</description></domain>", "y".repeat(limit));
    let doc = Document::<Domain>::parse(&at_limit).unwrap();
    assert_eq!(doc.root.description.as_ref().map(|d| d.len()), Some(limit));
    // Without limits, a long text reads.
    let none = ReadOptions { limits: Limits::none(), ..ReadOptions::default() };
    assert!(Document::<Domain>::parse_with(&xml, none).is_ok());
}

#[test]
fn nesting_deeper_than_the_limit_is_refused_by_reading_and_checking() {
    let n = 100_000;
    let xml = format!(
        "<domain type='kvm'><name>x</name><metadata>{}{}</metadata></domain>",
        "<a>".repeat(n),
        "</a>".repeat(n)
    );
    let e = Document::<Domain>::parse(&xml).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooDeep { limit: 256 });
    // `check` reports depth as xmllint does, as a problem of the document at 257 levels.
    let report = Checker::new().check_str(&xml);
    assert!(report.problems[0].message().contains("at most 257 levels"), "{report:?}");
}

#[test]
fn a_hundred_thousand_siblings_are_read_and_checked() {
    let n = 100_000;
    let xml = format!(
        "<domain type='kvm'><name>x</name><metadata>{}</metadata></domain>",
        "<a:b xmlns:a='urn:x'/>".repeat(n)
    );
    let doc = Document::<Domain>::parse(&xml).unwrap();
    assert_eq!(doc.root.metadata.as_ref().map(|m| m.elements.len()), Some(n));
    assert!(Checker::new().check_str(&xml).is_valid());
}
