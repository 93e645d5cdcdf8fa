//! The hand-written domain slice against all of libvirt's domain test documents: whatever the
//! slice does not model is kept as unknown content, so every document that parses comes
//! back equivalent, and the ones libvirt itself formatted come back byte for byte.

mod support;

use libvirt_xml::model::compare::first_difference;
use libvirt_xml::Document;
use support::domain::Domain;

#[test]
fn every_domain_document_round_trips_through_the_slice() {
    let dir = support::corpus_dir();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let (mut equivalent, mut exact, mut formatted, mut refused) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[0] != "domain" {
            continue;
        }
        let path = cols[1];
        let schema_valid = cols[3] == "valid";
        let text = std::fs::read_to_string(dir.join(path)).expect("corpus file");
        let doc = match Document::<Domain>::parse(&text) {
            Ok(d) => d,
            // A document the schema rejects may lack what the slice requires: that is a
            // clear error, not a loss. Every valid document must read.
            Err(e) if !schema_valid => {
                eprintln!("schema-invalid document refused: {path}: {e}");
                refused += 1;
                continue;
            }
            Err(e) => {
                failures.push(format!("{path}: {e}"));
                continue;
            }
        };
        let out = doc.to_xml();
        match first_difference(&text, &out) {
            Some(d) => failures.push(format!("{path}: {d}")),
            None => equivalent += 1,
        }
        if support::libvirt_formatted(path) {
            formatted += 1;
            if out == text {
                exact += 1;
            } else if failures.len() < 40 {
                let line = text.lines().zip(out.lines()).position(|(a, b)| a != b).unwrap_or(0);
                failures.push(format!(
                    "{path}: not byte for byte at line {}: {:?} vs {:?}",
                    line + 1,
                    text.lines().nth(line),
                    out.lines().nth(line)
                ));
            }
        }
    }
    eprintln!(
        "domain corpus through the slice: {equivalent} equivalent, {exact} of {formatted} libvirt-formatted \
         byte for byte, {refused} schema-invalid refused"
    );
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    support::assert_covered("documents read through the slice", equivalent, 2000);
}
