//! Definitions as JSON (feature `serde`): every corpus document the model reads goes
//! XML -> JSON -> XML and comes back exactly as the XML round trip gives it (which is the
//! document itself, as corpus_model.rs shows): JSON keeps unknown content, spellings and
//! layout.

#![cfg(feature = "serde")]

mod support;

use libvirt_xml::{with_document_kind, Document, XmlRoot};

/// XML -> JSON -> XML through the document type `T`, beside XML -> XML; `None` when the XML
/// does not read.
fn through_json<T>(xml: &str) -> Option<Result<(String, String), String>>
where
    T: XmlRoot + serde::Serialize + serde::de::DeserializeOwned,
{
    let doc = Document::<T>::parse(xml).ok()?;
    let direct = doc.to_xml();
    let json = match serde_json::to_string(&doc.root) {
        Ok(j) => j,
        Err(e) => return Some(Err(format!("to JSON: {e}"))),
    };
    let back: T = match serde_json::from_str(&json) {
        Ok(v) => v,
        Err(e) => return Some(Err(format!("from JSON: {e}"))),
    };
    Some(Ok((Document { root: back, ..doc }.to_xml(), direct)))
}

#[test]
fn every_corpus_document_survives_json() {
    let (mut total, mut same) = (0, 0);
    let mut failures = Vec::new();
    for entry in support::corpus() {
        let xml = &entry.text;
        let result = with_document_kind!(
            entry.kind.as_str(),
            through_json(xml),
            panic!("a document kind this test does not know: {}", entry.kind)
        );
        let Some(result) = result else { continue };
        total += 1;
        match result {
            Ok((out, direct)) if out == direct => same += 1,
            Ok((out, direct)) => failures.push(format!(
                "{}: {:?}",
                entry.path,
                libvirt_xml::model::compare::first_difference(&direct, &out)
            )),
            Err(e) => failures.push(format!("{}: {e}", entry.path)),
        }
    }
    eprintln!("XML -> JSON -> XML: {same} of {total} as the XML round trip writes them");
    support::assert_covered("documents through JSON", total, 2900);
    assert!(failures.is_empty(), "{} of {total}:\n{}", failures.len(), failures[..failures.len().min(10)].join("\n"));
}
