//! Mutation tests with `xmllint --relaxng` as the oracle: small edits of valid corpus
//! documents (a dropped attribute, a misspelt element, a value outside its enumeration, a
//! broken pattern, a duplicated element). `check`'s verdict must be xmllint's on every
//! mutant, and when the mutant is invalid a problem must point at the edited spot: its
//! line and a path at or under the edited element (for a dropped attribute, anywhere in
//! the edited element).
//!
//! Needs `xmllint` (Debian's `libxml2-utils`, which `.ci/run` installs).

#[allow(dead_code)]
#[path = "support/properties.rs"]
mod properties;
mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use libvirt_xml::model::check::Checker;
use libvirt_xml::model::read::node_path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Edit {
    DropAttribute,
    MisspellElement,
    OutsideEnumeration,
    BreakPattern,
    DuplicateElement,
}

const EDITS: [Edit; 5] =
    [Edit::DropAttribute, Edit::MisspellElement, Edit::OutsideEnumeration, Edit::BreakPattern, Edit::DuplicateElement];

/// A mutated document and where the edit is.
struct Mutant {
    kind: String,
    source: String,
    edit: Edit,
    text: String,
    line: u32,
    /// A problem for this edit has a path that starts with this.
    path: String,
}

/// A small deterministic generator, so runs are repeatable.
struct Lcg(u64);

impl Lcg {
    fn pick(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

fn splice(text: &str, range: std::ops::Range<usize>, with: &str) -> String {
    format!("{}{with}{}", &text[..range.start], &text[range.end..])
}

/// Applies `edit` to `text`, if the document has a place for it.
fn mutate(text: &str, edit: Edit, rng: &mut Lcg) -> Option<(String, u32, String)> {
    let doc = xml_model::read::parse_document(text).ok()?;
    let line_of = |pos: usize| doc.text_pos_at(pos).row;
    let elements: Vec<_> =
        doc.root().descendants().filter(|n| n.is_element() && n.parent_element().is_some()).collect();
    let attributes: Vec<_> =
        doc.root().descendants().filter(|n| n.is_element()).flat_map(|n| n.attributes().map(move |a| (n, a))).collect();
    match edit {
        Edit::DropAttribute => {
            let (node, attr) = *attributes.get(rng.pick(attributes.len()))?;
            // The attribute with the whitespace before it.
            let start = text[..attr.range().start].trim_end().len();
            Some((splice(text, start..attr.range().end, ""), line_of(node.range().start), node_path(node)))
        }
        Edit::MisspellElement => {
            let node = *elements.get(rng.pick(elements.len()))?;
            let qname = node.qualified_name();
            let r = node.range();
            let body = &text[r.clone()];
            let renamed = format!("{qname}x");
            let mut new_body = format!("<{renamed}{}", &body[1 + qname.len()..]);
            if let Some(stripped) = new_body.strip_suffix(&format!("</{qname}>")) {
                new_body = format!("{stripped}</{renamed}>");
            }
            let parent = node.parent_element().expect("not the root");
            Some((splice(text, r.clone(), &new_body), line_of(r.start), node_path(parent)))
        }
        Edit::OutsideEnumeration | Edit::BreakPattern => {
            // Words look like enumerations; numbers, addresses and identifiers have patterns.
            let wanted = |v: &str| match edit {
                Edit::OutsideEnumeration => !v.is_empty() && v.bytes().all(|b| b.is_ascii_lowercase()),
                _ => !v.is_empty() && v.bytes().any(|b| b.is_ascii_digit()),
            };
            let candidates: Vec<_> = attributes.iter().filter(|(_, a)| wanted(a.value())).collect();
            let (node, attr) = **candidates.get(rng.pick(candidates.len()))?;
            let value = match edit {
                Edit::OutsideEnumeration => "zzbogus".to_owned(),
                _ => format!("{}%!", attr.value()),
            };
            let name = &text[attr.range_qname()];
            let (line, path) = (line_of(attr.range().start), format!("{}/@{name}", node_path(node)));
            Some((splice(text, attr.range_value(), &value), line, path))
        }
        Edit::DuplicateElement => {
            let node = *elements.get(rng.pick(elements.len()))?;
            let r = node.range();
            let copy = text[r.clone()].to_owned();
            let indent: String = text[..r.start].rsplit('\n').next().unwrap_or("").to_owned();
            let indent = if indent.trim().is_empty() { indent } else { String::new() };
            let inserted = format!("{copy}\n{indent}");
            let line = line_of(r.start) + copy.matches('\n').count() as u32 + 1;
            let parent = node.parent_element().expect("not the root");
            Some((splice(text, r.start..r.start, &inserted), line, node_path(parent)))
        }
    }
}

/// xmllint's verdict for each file, one run per schema.
fn xmllint(schema: &Path, files: &[PathBuf]) -> BTreeMap<PathBuf, bool> {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--relaxng")
        .arg(schema)
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run xmllint (Debian package libxml2-utils): {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut verdicts = BTreeMap::new();
    for line in stderr.lines() {
        if let Some(f) = line.strip_suffix(" validates") {
            verdicts.insert(PathBuf::from(f), true);
        } else if let Some(f) = line.strip_suffix(" fails to validate") {
            verdicts.insert(PathBuf::from(f), false);
        }
    }
    for f in files {
        assert!(verdicts.contains_key(f), "xmllint gave no verdict on {}:\n{stderr}", f.display());
    }
    verdicts
}

#[test]
fn verdicts_on_edited_documents_agree_with_xmllint_and_point_at_the_edit() {
    let corpus = support::corpus();
    let schemas = support::shared_dir().join("libvirt-schemas/11.3.0");
    // Every fifth valid document of each kind, and at least three of each.
    let mut by_kind: BTreeMap<&str, Vec<&support::Entry>> = BTreeMap::new();
    for e in corpus.iter().filter(|e| e.schema_valid) {
        by_kind.entry(&e.kind).or_default().push(e);
    }
    let mut mutants = Vec::new();
    let mut rng = Lcg(0x5eed);
    for docs in by_kind.values() {
        for (i, e) in docs.iter().enumerate().filter(|(i, _)| i % 5 == 0 || *i < 3) {
            for edit in EDITS {
                let mut local = Lcg(rng.0 ^ (i as u64) << 8 ^ edit as u64);
                rng.pick(1);
                if let Some((text, line, path)) = mutate(&e.text, edit, &mut local) {
                    mutants.push(Mutant { kind: e.kind.clone(), source: e.path.clone(), edit, text, line, path });
                }
            }
        }
    }
    let dir = std::env::temp_dir().join(format!("check-mutations-{}", std::process::id()));
    let mut files: BTreeMap<&str, Vec<PathBuf>> = BTreeMap::new();
    let mut paths = Vec::new();
    for (i, m) in mutants.iter().enumerate() {
        let f = dir.join(&m.kind).join(format!("{i}.xml"));
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(&f, &m.text).unwrap();
        files.entry(&m.kind).or_default().push(f.clone());
        paths.push(f);
    }
    let mut oracle = BTreeMap::new();
    for (kind, fs) in &files {
        oracle.extend(xmllint(&schemas.join(format!("{kind}.rng")), fs));
    }

    let mut checker = Checker::new();
    let mut stats: BTreeMap<Edit, [usize; 3]> = BTreeMap::new();
    let mut failures = Vec::new();
    for (m, f) in mutants.iter().zip(&paths) {
        let report = checker.check_str(&m.text);
        assert_eq!(report, checker.check_str_by_tree(&m.text), "{}: checking as read and the tree differ", f.display());
        // Reading (strict reading's schema check included) from a lean tree gives what the
        // whole tree gives, on valid and invalid documents alike.
        properties::lean_reading_matches_whole(&m.text);
        let valid = oracle[f];
        let s = stats.entry(m.edit).or_default();
        s[0] += 1;
        if !valid {
            s[1] += 1;
        }
        if report.is_valid() != valid {
            failures.push(format!(
                "{:?} of {} ({}): xmllint says {valid}, check says:\n{report}",
                m.edit,
                m.source,
                f.display()
            ));
            continue;
        }
        if !valid {
            // A dropped attribute may be a discriminator with a default (`<disk>` without
            // `type` is a file disk): then what no longer fits is inside the same element.
            let at_edit = |p: &libvirt_xml::model::check::Problem| match m.edit {
                Edit::DropAttribute => p.line >= m.line && p.path.starts_with(&m.path),
                _ => p.line == m.line && p.path.starts_with(&m.path),
            };
            if report.problems.iter().any(at_edit) {
                s[2] += 1;
            } else {
                failures.push(format!(
                    "{:?} of {} ({}): no problem at line {} under {}:\n{report}",
                    m.edit,
                    m.source,
                    f.display(),
                    m.line,
                    m.path
                ));
            }
        }
    }
    eprintln!("mutants (all, invalid per xmllint, invalid and pointed at the edit):");
    for (edit, [all, invalid, pointed]) in &stats {
        eprintln!("  {:<20} {all:>4} {invalid:>4} {pointed:>4}", format!("{edit:?}"));
    }
    let total: usize = stats.values().map(|s| s[1]).sum();
    support::assert_covered("mutants invalid per xmllint", total, 200);
    if failures.is_empty() {
        std::fs::remove_dir_all(&dir).ok();
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n\n"));
}
