//! The kinds' features: `cargo test -p xml-model` runs these with domains only (the default
//! features), `cargo test --workspace` with every kind (the command line turns them all on).
//! An integration test, as `with_document_kind!` is for other crates.

use xml_model::generated::reformat;
use xml_model::ReadOptions;

const NETWORK: &str = "<network>\n  <name>default</name>\n</network>\n";

fn root_name<T: xml_model::XmlRoot>() -> &'static str {
    T::ROOT
}

#[test]
fn domains_are_always_there() {
    let domain = "<domain type='kvm'>\n  <name>a</name>\n</domain>\n";
    assert_eq!(reformat(domain, ReadOptions::default()).unwrap(), domain);
    assert_eq!(xml_model::with_document_kind!("domain", root_name(), "off"), "domain");
}

#[cfg(feature = "network")]
#[test]
fn a_kind_with_its_feature_reads() {
    assert_eq!(reformat(NETWORK, ReadOptions::default()).unwrap(), NETWORK);
    assert_eq!(xml_model::with_document_kind!("network", root_name(), "off"), "network");
}

#[cfg(not(feature = "network"))]
#[test]
fn a_kind_without_its_feature_is_an_error_naming_the_feature() {
    let err = reformat(NETWORK, ReadOptions::default()).unwrap_err().to_string();
    assert!(err.contains("feature `network`") && err.contains("1:1"), "{err}");
    assert_eq!(xml_model::with_document_kind!("network", root_name(), "off"), "off");
}
