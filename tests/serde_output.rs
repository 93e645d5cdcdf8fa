//! Serde and schemars on model types, for definitions kept as JSON or YAML and a JSON Schema
//! for editors. XML stays the reading and writing path; JSON keeps the same information
//! (spellings and unknown content included).

#![cfg(all(feature = "serde", feature = "schemars"))]

use libvirt_xml::{Document, Extras, Number, ScaledInteger, Xml};

#[derive(Debug, Clone, PartialEq, Xml, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[xml(root = "domain")]
struct Guest {
    #[xml(child = "name")]
    name: String,
    #[xml(child = "memory")]
    memory: Option<ScaledInteger>,
    #[xml(child = "vcpu")]
    vcpu: Option<Number<u32>>,
    #[xml(extras)]
    #[serde(default, skip_serializing_if = "Extras::is_empty")]
    extras: Extras,
}

#[test]
fn json_keeps_values_spellings_and_unknown_content() {
    let xml = "<domain>\n  <name>demo</name>\n  <memory unit='GiB'>4</memory>\n  <vcpu>0x2</vcpu>\n  <!-- kept -->\n  <future/>\n</domain>\n";
    let doc: Document<Guest> = Document::parse(xml).unwrap();
    let json = serde_json::to_value(&doc.root).unwrap();
    assert_eq!(json["name"], "demo");
    assert_eq!(json["memory"]["unit"], "GiB");
    assert_eq!(json["memory"]["value"], 4);
    assert_eq!(json["vcpu"], "0x2", "a non-canonical spelling survives as a string");
    assert!(json["extras"].is_object(), "unknown content is in the JSON too: {json}");

    let back: Guest = serde_json::from_value(json).unwrap();
    assert_eq!(Document::new(back).to_xml(), xml);
}

#[test]
fn json_schema_describes_the_type() {
    let schema = schemars::schema_for!(Guest);
    let text = serde_json::to_string(&schema).unwrap();
    for needle in ["\"name\"", "\"memory\"", "ScaledInteger", "\"required\""] {
        assert!(text.contains(needle), "{needle} missing from {text}");
    }
}
