//! The generated model against all of libvirt's test documents (`../shared/corpus`):
//! every document round-trips without loss (recovering mode), every document the schemas
//! accept reads completely into types (strict mode), and every document libvirt itself
//! formatted comes back byte for byte. Numbers are printed per schema kind.

#[allow(dead_code)]
#[path = "support/properties.rs"]
mod properties;
mod support;

use std::collections::BTreeMap;

use libvirt_xml::model::check::Checker;
use libvirt_xml::model::compare::first_difference;
use libvirt_xml::model::generated::{reformat, reformat_with};
use libvirt_xml::model::write::Layout;
use libvirt_xml::ReadOptions;

use support::corpus;

fn report(title: &str, counts: &BTreeMap<String, (usize, usize)>) {
    eprintln!("{title}:");
    for (kind, (ok, all)) in counts {
        eprintln!("  {kind:<18} {ok:>5} of {all}");
    }
}

#[test]
fn every_document_round_trips_without_loss() {
    let corpus = corpus();
    support::assert_covered("documents", corpus.len(), 2930);
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for e in &corpus {
        let c = counts.entry(e.kind.clone()).or_default();
        c.1 += 1;
        let out = match reformat(&e.text, ReadOptions::recover()) {
            Ok(out) => out,
            // A root that does not fit the model (a required item missing) cannot be typed;
            // such a document is schema-invalid and only the tools' verbatim fallback keeps
            // it. Named, not hidden:
            Err(err) if !e.schema_valid => {
                eprintln!("not typed (schema-invalid): {}: {err}", e.path);
                continue;
            }
            Err(err) => {
                failures.push(format!("{}: {err}", e.path));
                continue;
            }
        };
        match first_difference(&e.text, &out) {
            None => c.0 += 1,
            Some(d) => failures.push(format!("{}: {d}", e.path)),
        }
    }
    report("round trip without loss", &counts);
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    let total: usize = counts.values().map(|c| c.0).sum();
    support::assert_covered("documents round-tripped", total, 2929);
}

/// `diff` of each document with the next in the corpus (neighbours are often variants of one
/// test) is the same both ways round, and finds nothing between a document and itself.
#[test]
fn diff_is_the_same_both_ways_on_neighbouring_documents() {
    let corpus = corpus();
    let mut differing = 0;
    for pair in corpus.windows(2) {
        let found = properties::diff_is_symmetric(&format!("{}\0{}", pair[0].text, pair[1].text));
        differing += usize::from(found > 0);
    }
    support::assert_covered("neighbouring documents that differ", differing, 2000);
}

#[test]
fn every_schema_valid_document_reads_completely_in_strict_mode() {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for e in corpus().iter().filter(|e| e.schema_valid) {
        let c = counts.entry(e.kind.clone()).or_default();
        c.1 += 1;
        match reformat(&e.text, ReadOptions::strict()) {
            Ok(out) if first_difference(&e.text, &out).is_none() => c.0 += 1,
            Ok(out) => failures.push(format!("{}: {}", e.path, first_difference(&e.text, &out).unwrap())),
            Err(err) => failures.push(format!("{}: {err}", e.path)),
        }
    }
    report("strict reading of schema-valid documents", &counts);
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn documents_libvirt_formatted_come_back_byte_for_byte() {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for e in corpus().iter().filter(|e| support::libvirt_formatted(&e.path)) {
        let c = counts.entry(e.kind.clone()).or_default();
        c.1 += 1;
        match reformat(&e.text, ReadOptions::default()) {
            Ok(out) if out == e.text => c.0 += 1,
            Ok(out) => {
                let line = e.text.lines().zip(out.lines()).position(|(a, b)| a != b).unwrap_or(0);
                failures.push(format!("{}: line {} differs: {:?}", e.path, line + 1, out.lines().nth(line)));
            }
            Err(err) => failures.push(format!("{}: {err}", e.path)),
        }
    }
    report("libvirt-formatted documents byte for byte", &counts);
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    let total: usize = counts.values().map(|c| c.1).sum();
    support::assert_covered("libvirt-formatted documents", total, 1000);
}

/// Every document of every kind, hand-written ones too: how many come back byte for byte.
/// Those that do not lay a line out unlike the rest of their file (several elements on one
/// line, other blanks) or mix quotes inside one tag; their content comes back (see
/// `every_document_round_trips`).
#[test]
fn most_documents_come_back_byte_for_byte() {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for e in corpus() {
        let Ok(out) = reformat(&e.text, ReadOptions::default()) else { continue };
        let c = counts.entry(e.kind.clone()).or_default();
        c.1 += 1;
        c.0 += usize::from(out == e.text);
    }
    report("documents that read, byte for byte", &counts);
    let same: usize = counts.values().map(|c| c.0).sum();
    support::assert_covered("documents byte for byte", same, 2829);
    support::assert_covered("domain documents byte for byte", counts.get("domain").map_or(0, |c| c.0), 2291);
}

/// A value built in code is written in the model's own order (libvirt's, the schema's). That
/// order must be one the schemas accept: every schema-valid document, written in the model's
/// order instead of the order it was read in, is still valid.
#[test]
fn the_models_own_order_is_schema_valid() {
    let mut checker = Checker::new();
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for e in corpus().iter().filter(|e| e.schema_valid) {
        let c = counts.entry(e.kind.clone()).or_default();
        c.1 += 1;
        let out = match reformat_with(&e.text, ReadOptions::default(), Layout::Model) {
            Ok(out) => out,
            Err(err) => {
                failures.push(format!("{}: {err}", e.path));
                continue;
            }
        };
        let report = checker.check_str(&out);
        if report.is_valid() {
            c.0 += 1;
        } else {
            failures.push(format!("{}: {}", e.path, report.problems[0]));
        }
    }
    report("valid when written in the model's own order", &counts);
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
