//! Definitions as JSON (feature `serde`): every corpus document the model reads goes
//! XML -> JSON -> XML and comes back exactly as the XML round trip gives it (which is the
//! document itself, as corpus_model.rs shows): JSON keeps unknown content, spellings and
//! layout.

#![cfg(feature = "serde")]

mod support;

use libvirt_xml::generated as g;
use libvirt_xml::{Document, XmlRoot};

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
    let dir = support::corpus_dir();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let (mut total, mut same) = (0, 0);
    let mut failures = Vec::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let xml = std::fs::read_to_string(dir.join(cols[1])).unwrap();
        let result = match cols[0] {
            "domain" => through_json::<g::domaincommon::Domain>(&xml),
            "capability" => through_json::<g::capability::Capabilities>(&xml),
            "domaincaps" => through_json::<g::domaincaps::DomainCapabilities>(&xml),
            "network" => through_json::<g::network::Network>(&xml),
            "networkport" => through_json::<g::networkport::NetworkPort>(&xml),
            "storagepool" => through_json::<g::storagepool::Pool>(&xml),
            "storagevol" => through_json::<g::storagevol::Volume>(&xml),
            "storagepoolcaps" => through_json::<g::storagepoolcaps::StoragePoolCapabilities>(&xml),
            "nodedev" => through_json::<g::nodedev::Device>(&xml),
            "secret" => through_json::<g::secret::Secret>(&xml),
            "nwfilter" => through_json::<g::nwfilter::Filter>(&xml),
            "nwfilterbinding" => through_json::<g::nwfilterbinding::FilterBinding>(&xml),
            "interface" => through_json::<g::interface::Interface>(&xml),
            "domainsnapshot" => through_json::<g::domainsnapshot::DomainSnapshot>(&xml),
            "domaincheckpoint" => through_json::<g::domaincheckpoint::DomainCheckpoint>(&xml),
            "domainbackup" => through_json::<g::domainbackup::DomainBackup>(&xml),
            other => panic!("a document kind this test does not know: {other}"),
        };
        let Some(result) = result else { continue };
        total += 1;
        match result {
            Ok((out, direct)) if out == direct => same += 1,
            Ok((out, direct)) => failures.push(format!(
                "{}: {:?}",
                cols[1],
                libvirt_xml::model::compare::first_difference(&direct, &out)
            )),
            Err(e) => failures.push(format!("{}: {e}", cols[1])),
        }
    }
    eprintln!("XML -> JSON -> XML: {same} of {total} as the XML round trip writes them");
    assert!(total > 2_900, "{total}");
    assert!(failures.is_empty(), "{} of {total}:\n{}", failures.len(), failures[..failures.len().min(10)].join("\n"));
}
