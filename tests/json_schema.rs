//! The JSON Schema of the model (feature `schemars`) against the JSON form of real documents:
//! every schema-valid corpus document, read and turned into JSON, validates against the JSON
//! Schema of its kind; and what serde refuses in a hand-written definition (a misspelt field,
//! a value outside its set, a missing required field) the schema flags too, so an editor
//! shows it before anything runs.

#![cfg(feature = "schemars")]

mod support;

use libvirt_xml::generated::domaincommon::Domain;
use libvirt_xml::{with_document_kind, Document, XmlRoot};
use serde_json::{json, Value};

/// The JSON Schema of `T` as a validator (JSON Schema 2020-12, what schemars writes).
fn validator<T: schemars::JsonSchema>() -> jsonschema::Validator {
    let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap();
    jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("the schema of {} is not a schema: {e}", T::schema_name()))
}

/// The first few places where `instance` breaks the schema, with the JSON path of each.
fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .take(3)
        .map(|e| {
            let mut text = e.to_string();
            if text.len() > 300 {
                let cut = (0..=300).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
                text.truncate(cut);
                text.push_str("...");
            }
            format!("{text} at {}", e.instance_path())
        })
        .collect()
}

/// The documents of one kind: each read, turned into JSON and checked; `None` for a kind
/// whose type does not fit (never, as the kinds come from the same table).
fn check_kind<T>(files: &[(String, String)]) -> (usize, Vec<String>)
where
    T: XmlRoot + serde::Serialize + schemars::JsonSchema,
{
    let v = validator::<T>();
    let mut failures = Vec::new();
    for (path, xml) in files {
        let doc = match Document::<T>::parse(xml) {
            Ok(doc) => doc,
            Err(e) => {
                failures.push(format!("{path}: does not read: {e}"));
                continue;
            }
        };
        let instance = serde_json::to_value(&doc.root).unwrap();
        let found = errors(&v, &instance);
        if !found.is_empty() {
            failures.push(format!("{path}: {}", found.join("; ")));
        }
    }
    (files.len(), failures)
}

#[test]
fn every_schema_valid_document_validates_against_the_json_schema_of_its_kind() {
    let mut by_kind: std::collections::BTreeMap<String, Vec<(String, String)>> = Default::default();
    for entry in support::corpus().into_iter().filter(|e| e.schema_valid) {
        by_kind.entry(entry.kind).or_default().push((entry.path, entry.text));
    }
    let (mut total, mut failures) = (0, Vec::new());
    for (kind, files) in &by_kind {
        let (n, f) =
            with_document_kind!(kind.as_str(), check_kind(files), panic!("a kind the model does not know: {kind}"));
        eprintln!("{kind}: {} of {n} documents valid against the JSON Schema", n - f.len());
        total += n;
        failures.extend(f);
    }
    eprintln!("JSON Schema: {} of {total} schema-valid documents", total - failures.len());
    support::assert_covered("schema-valid domain documents", by_kind.get("domain").map_or(0, Vec::len), 2200);
    assert!(failures.is_empty(), "{} of {total}:\n{}", failures.len(), failures[..failures.len().min(30)].join("\n"));
}

/// The README's guest as a person writes it in YAML: only what they mean, values as libvirt
/// spells them.
fn readme_yaml() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("```yaml\n").expect("a YAML guest in README.md") + 8;
    let len = readme[start..].find("```").unwrap();
    readme[start..start + len].to_owned()
}

#[test]
fn the_readme_yaml_guest_reads_validates_and_writes_libvirt_xml() {
    let value: Value = serde_yaml_ng::from_str(&readme_yaml()).unwrap();
    let v = validator::<Domain>();
    assert_eq!(errors(&v, &value), Vec::<String>::new());
    // Through the JSON data model, as `xml-model convert` reads YAML: element choices are
    // one-key maps there, as in JSON, rather than YAML tags.
    let guest: Domain = serde_json::from_value(value).unwrap();
    let xml = Document::new(guest).to_xml();
    for part in [
        "<domain type='kvm'>",
        "<memory unit='GiB'>4</memory>",
        "<type>hvm</type>",
        "<driver type='virtiofs'/>",
        "<source dir='/srv/share'/>",
        "<target dir='myfs'/>",
    ] {
        assert!(xml.contains(part), "{part} missing from\n{xml}");
    }
    let report = libvirt_xml::model::check::Checker::new().check_str(&xml);
    assert!(report.is_valid(), "{xml}\n{report:?}");
}

#[test]
fn what_serde_refuses_the_schema_flags_with_its_path() {
    let v = validator::<Domain>();
    let good = json!({ "kind": "kvm", "name": "demo", "memory": { "size": { "value": 1, "unit": "GiB" } } });
    assert!(errors(&v, &good).is_empty());
    serde_json::from_value::<Domain>(good.clone()).unwrap();

    let cases = [
        ("a misspelt field", json!({ "kind": "kvm", "name": "demo", "memmory": {} }), "memmory"),
        ("a value outside its set", json!({ "kind": "kvmm", "name": "demo" }), "kvmm"),
        ("a required field missing", json!({ "kind": "kvm" }), "name"),
        ("a number out of range", json!({ "kind": "kvm", "name": "demo", "vcpu": { "value": -1 } }), "-1"),
    ];
    for (what, instance, word) in cases {
        let found = errors(&v, &instance);
        assert!(!found.is_empty(), "{what}: the schema accepts {instance}");
        let refused = serde_json::from_value::<Domain>(instance.clone()).expect_err(what).to_string();
        assert!(refused.contains(word), "{what}: serde's error does not name {word}: {refused}");
    }
}

#[test]
fn value_sets_are_libvirt_spellings_in_json() {
    let guest = libvirt_xml::prelude::Domain::new(libvirt_xml::prelude::DomainType::Kvm, "demo");
    let value = serde_json::to_value(&guest).unwrap();
    assert_eq!(value, json!({ "kind": "kvm", "name": "demo" }), "absent fields are left out");
    let schema = serde_json::to_value(schemars::schema_for!(Domain)).unwrap();
    let text = schema.to_string();
    assert!(text.contains("\"host-model\""), "the schema offers libvirt's values");
    assert!(text.contains("`<devices>`"), "fields are described by their element");
}
