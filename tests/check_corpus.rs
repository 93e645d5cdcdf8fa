//! `check` against `xmllint --relaxng` on all of libvirt's test documents: the verdict is
//! the manifest's `rng` column for every one, both ways (nothing xmllint rejects passes,
//! nothing it accepts fails), and every rejection says where. Checking as the document is
//! read (no tree) gives the report that walking its tree gives.

mod support;

use std::collections::BTreeMap;

use libvirt_xml::model::check::Checker;

#[test]
fn every_verdict_agrees_with_xmllint() {
    let corpus = support::corpus();
    support::assert_covered("documents", corpus.len(), 2930);
    let mut checker = Checker::new();
    let mut counts: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    let mut disagreements = Vec::new();
    for e in &corpus {
        let report = checker.check_str(&e.text);
        assert_eq!(report, checker.check_str_by_tree(&e.text), "{}: checking as read and the tree differ", e.path);
        let c = counts.entry(e.kind.as_str()).or_default();
        c[usize::from(e.schema_valid)] += 1;
        if report.is_valid() == e.schema_valid {
            c[2 + usize::from(e.schema_valid)] += 1;
        } else {
            let why = report.problems.first().map(|p| p.to_string()).unwrap_or_else(|| "valid".to_owned());
            disagreements.push(format!(
                "{} (xmllint: {}): {why}",
                e.path,
                if e.schema_valid { "valid" } else { "invalid" }
            ));
        }
        if let Some(schema) = report.schema {
            assert_eq!(schema, e.kind, "{}: checked as the wrong kind", e.path);
        }
        for p in &report.problems {
            assert!(p.line > 0 && p.column > 0, "{}: a problem without a position: {p}", e.path);
            assert!(p.path.starts_with('/'), "{}: a problem without a path: {p}", e.path);
        }
    }
    eprintln!("agreement with xmllint (invalid agreed/all, valid agreed/all):");
    for (kind, [invalid, valid, invalid_ok, valid_ok]) in &counts {
        eprintln!("  {kind:<18} invalid {invalid_ok:>3} of {invalid:<3} valid {valid_ok:>5} of {valid}");
    }
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
}
