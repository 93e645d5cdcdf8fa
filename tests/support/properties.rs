//! What must hold for any input, however hostile: shared by the fuzz targets (`fuzz/`) and the
//! regression test that replays what they found (`tests/fuzz_found.rs`). Each function panics,
//! naming the property, when it does not hold.

use std::fmt::Write;

use xml_model::check::Checker;
use xml_model::generated::domaincommon::Domain;
use xml_model::generated::reformat_with;
use xml_model::read::{Node, NodeType, Tree};
use xml_model::write::Layout;
use xml_model::{Document, Limits, ReadOptions};

/// Reading (default and strict) then writing gives a text that reads back to the same value
/// and writes the same text again.
pub fn read_write_read(text: &str) {
    for options in [ReadOptions::default(), ReadOptions::strict(), ReadOptions::recover()] {
        let Ok(doc) = Document::<Domain>::parse_with(text, options) else { continue };
        let written = doc.to_xml();
        let again = Document::<Domain>::parse_with(&written, options)
            .unwrap_or_else(|e| panic!("what was written ({options:?}) does not read back: {e}\n{written}"));
        if again.root != doc.root {
            let (a, b) = (format!("{:#?}", doc.root), format!("{:#?}", again.root));
            let first = a.lines().zip(b.lines()).position(|(x, y)| x != y).unwrap_or(0);
            let around = |t: &str| t.lines().skip(first.saturating_sub(8)).take(40).collect::<Vec<_>>().join("\n");
            panic!(
                "read -> write -> read changed the value ({options:?}):\n{written}\nread:\n{}\nread again:\n{}",
                around(&a),
                around(&b)
            );
        }
        assert_eq!(again.to_xml(), written, "writing is not stable ({options:?})");
    }
}

/// Reading from a lean tree (indentation left out) gives what reading the whole tree gives:
/// the same value, spellings and unknown content included, or the same error; for every kind
/// of document, kept (default), recovered and strict (whose schema check then walks the lean
/// tree).
pub fn lean_reading_matches_whole(text: &str) {
    use xml_model::read::with_whole_trees;
    for options in [ReadOptions::default(), ReadOptions::recover(), ReadOptions::strict()] {
        let lean = Document::<Domain>::parse_with(text, options).map(|d| format!("{d:?}"));
        let whole = with_whole_trees(|| Document::<Domain>::parse_with(text, options).map(|d| format!("{d:?}")));
        assert_eq!(lean, whole, "a domain read from a lean tree differs ({options:?})");
        let lean = reformat_with(text, options, Layout::AsRead);
        let whole = with_whole_trees(|| reformat_with(text, options, Layout::AsRead));
        assert_eq!(lean, whole, "a document read from a lean tree differs ({options:?})");
    }
}

/// `check` never panics, and says valid exactly when strict reading accepts the document (for
/// a domain, which strict reading checks against the schema).
///
/// Two differences are meant, where the schema allows more than libvirt's parser, which strict
/// reading follows (`check` follows xmllint):
/// - a listed value with whitespace around it (`type=' nmdm'`): Relax NG compares `<value>`s as
///   tokens; libvirt compares them exactly (`virEnumFromString`);
/// - a number in libvirt's any-base form (base 0 of `strtoul`) with a leading `0` and an `8` or
///   `9` (`<address domain='080000'>`): the schema's pattern takes it as hexadecimal digits;
///   libvirt reads a leading `0` as octal and refuses it.
///
/// Checking as the document is read (no tree) and checking its tree give the same report,
/// and `checker`, which has seen other documents (and remembers their tags), the report of a
/// checker that has seen none.
pub fn check_agrees_with_strict_reading(checker: &mut Checker, text: &str) {
    let report = checker.check_str(text);
    assert_eq!(report, checker.check_str_by_tree(text), "checking as read and checking the tree differ");
    assert_eq!(report, Checker::new().check_str(text), "a checker that has seen other documents and a new one differ");
    let is_domain = xml_model::read::parse_document(text).is_ok_and(|d| d.root_element().tag_name().name() == "domain");
    if !is_domain {
        return;
    }
    let strict = Document::<Domain>::parse_with(text, ReadOptions::strict());
    match (&strict, report.is_valid()) {
        (Ok(_), true) | (Err(_), false) => {}
        (Err(e), true) if is_padded_listed_value(e) || is_octal_with_8_or_9(e) => {}
        (Ok(_), false) => panic!("strict reading accepts what check refuses: {:?}", report.problems),
        (Err(e), true) => panic!("check accepts what strict reading refuses: {e}"),
    }
}

/// Whether strict reading refused a value of a listed set only for whitespace around it.
fn is_padded_listed_value(e: &xml_model::Error) -> bool {
    let xml_model::ErrorKind::InvalidValue { value, expected } = &e.kind else { return false };
    let trimmed = value.trim_matches([' ', '\t', '\n', '\r']);
    trimmed != value && expected.starts_with("one of ") && expected.contains(&format!("'{trimmed}'"))
}

/// Whether strict reading refused an any-base number that libvirt, too, reads as octal.
fn is_octal_with_8_or_9(e: &xml_model::Error) -> bool {
    let xml_model::ErrorKind::InvalidValue { value, expected } = &e.kind else { return false };
    let v = value.trim_matches([' ', '\t', '\n', '\r']);
    expected.contains("0.. octal")
        && v.len() > 1
        && v.starts_with('0')
        && v.bytes().all(|b| b.is_ascii_digit())
        && v.bytes().any(|b| b == b'8' || b == b'9')
}

/// `fmt` (recovering reading, libvirt's style) is idempotent: formatting its output changes
/// nothing.
pub fn fmt_is_idempotent(text: &str) {
    let Ok(once) = reformat_with(text, ReadOptions::recover(), Layout::Restyled) else { return };
    let twice = reformat_with(&once, ReadOptions::recover(), Layout::Restyled)
        .unwrap_or_else(|e| panic!("fmt's output does not read back: {e}\n{once}"));
    assert_eq!(twice, once, "fmt is not idempotent");
}

/// `diff` finds nothing between a document and itself, and between two documents (`text`
/// split at its first NUL) finds what it finds the other way round turned about: what one
/// way removes the other adds, and a change from one value to another comes back as the
/// change from the other to the one. `differences` (desired against libvirt's) does not
/// panic either way. Returns how many differences `diff` found.
pub fn diff_is_symmetric(text: &str) -> usize {
    use xml_model::diff::{diff, differences, ChangeKind};
    let (a, b) = text.split_once('\0').unwrap_or((text, text));
    if let Ok(same) = diff(a, a) {
        assert_eq!(same, Vec::new(), "diff finds differences between a document and itself");
    }
    let turned = |kind: ChangeKind| match kind {
        ChangeKind::Added(v) => ChangeKind::Removed(v),
        ChangeKind::Removed(v) => ChangeKind::Added(v),
        ChangeKind::Changed { from, to } => ChangeKind::Changed { from: to, to: from },
    };
    let mut found = 0;
    if let (Ok(forth), Ok(back)) = (diff(a, b), diff(b, a)) {
        found = forth.len();
        let mut forth: Vec<String> = forth.into_iter().map(|c| format!("{:?}", turned(c.kind))).collect();
        let mut back: Vec<String> = back.into_iter().map(|c| format!("{:?}", c.kind)).collect();
        forth.sort();
        back.sort();
        assert_eq!(forth, back, "diff one way is not diff the other way turned about");
    }
    let _ = (differences(a, b), differences(b, a));
    found
}

/// Everything the readers and the checker can ask of a tree, written out.
fn dump_tree(doc: &Tree<'_>) -> String {
    let mut out = String::new();
    for n in doc.root().descendants() {
        let depth = std::iter::successors(n.parent(), Node::parent).count();
        let pad = "  ".repeat(depth);
        let r = n.range();
        match n.node_type() {
            NodeType::Root => writeln!(out, "root {:?}", n.text()),
            NodeType::Element => {
                let tag = n.tag_name();
                writeln!(
                    out,
                    "{pad}<{}> {:?} {:?} {r:?} text={:?}",
                    n.qualified_name(),
                    tag.namespace(),
                    tag.name(),
                    n.text()
                )
                .unwrap();
                for a in n.attributes() {
                    let (q, ar) = (a.qualified_name(), a.range());
                    writeln!(
                        out,
                        "{pad}  @{q} {:?} {:?} = {:?} {ar:?} {:?}",
                        a.namespace(),
                        a.name(),
                        a.value(),
                        a.range_qname()
                    )
                    .unwrap();
                }
                for d in n.namespace_declarations() {
                    writeln!(out, "{pad}  xmlns {d:?}").unwrap();
                }
                writeln!(out, "{pad}  attribute('name')={:?}", n.attribute("name"))
            }
            NodeType::Text => writeln!(out, "{pad}text {:?} at {}", n.text(), r.start),
            NodeType::Comment => writeln!(out, "{pad}comment {:?} {r:?}", n.text()),
            NodeType::PI => writeln!(out, "{pad}pi {:?} {r:?}", n.pi()),
        }
        .unwrap();
    }
    out
}

/// The document tree's own pass (also as it builds a large document's tree) and roxmltree's
/// (`Tree::parse_with_roxmltree`) give the same tree, or refuse `text` with the same error;
/// says how they differ, if they do. `Ok(true)` when the quick pass took the document itself.
pub fn tree_same_both_ways(text: &str, allow_dtd: bool, limits: &Limits) -> Result<bool, String> {
    let quick = Tree::parse(text, allow_dtd, limits);
    let reference = Tree::parse_with_roxmltree(text, allow_dtd, limits);
    // A large document's tree, which reads most attributes again from their tags.
    let scanning = Tree::parse_scanning_attributes(text, allow_dtd, limits);
    if scanning.as_ref().map(dump_tree) != quick.as_ref().map(dump_tree) {
        return Err("the tree that reads attributes from their tags differs".into());
    }
    match (quick, reference) {
        (Ok(q), Ok(r)) => {
            let (dq, dr) = (dump_tree(&q), dump_tree(&r));
            if dq != dr {
                let line = dq.lines().zip(dr.lines()).find(|(a, b)| a != b);
                return Err(format!("trees differ: {line:?}"));
            }
            Ok(!q.is_copied())
        }
        (Err(q), Err(r)) if q == r => Ok(false),
        (q, r) => Err(format!("quick: {:?}\nroxmltree: {:?}", q.map(|_| "a tree"), r.map(|_| "a tree"))),
    }
}
