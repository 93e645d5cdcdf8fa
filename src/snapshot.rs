//! Snapshot review of the XML your code generates (feature `snapshot`): a document is checked
//! against libvirt's schemas and rules, then its XML is an [insta] snapshot that you review
//! once (`cargo insta review`) and that fails the test whenever the XML changes.
//!
//! In a test of yours (`tests/guests.rs`; the snapshot goes to `tests/snapshots/`):
//!
//! ```no_run
//! use libvirt_xml::prelude::*;
//!
//! let guest = Domain::new(DomainType::Kvm, "web").memory(ScaledInteger::gib(2)).vcpu(2).os(Os::hvm());
//! libvirt_xml::assert_xml_snapshot!(guest);
//! ```
//!
//! [insta]: https://insta.rs

use xml_model::check::Checker;
use xml_model::{ValidateRoot, XmlDocument};

/// The document's XML, after checking it: against libvirt's RNG schemas (the verdict of
/// `xmllint --relaxng`) and against what [`ValidateRoot::validate`] knows of libvirt's own
/// rules. Panics with every problem, each with its path in the document.
pub fn checked_xml<T: XmlDocument + ValidateRoot>(document: &T) -> String {
    let mut problems = Vec::new();
    if let Err(found) = document.validate() {
        problems.extend(found.iter().map(ToString::to_string));
    }
    let xml = document.to_xml();
    let report = Checker::new().check_str(&xml);
    if !report.is_valid() {
        problems.push(format!("libvirt's schemas refuse it: {report}"));
    }
    if !problems.is_empty() {
        panic!("<{}> is not valid:\n  {}\n{xml}", T::ROOT, problems.join("\n  "));
    }
    xml
}

/// Checks a document against libvirt's schemas and rules (panicking with every problem), then
/// asserts its XML against an insta snapshot: `assert_xml_snapshot!(guest)`, or with a name,
/// `assert_xml_snapshot!("web", guest)`. Review new and changed snapshots with
/// `cargo insta review`.
#[macro_export]
macro_rules! assert_xml_snapshot {
    ($document:expr $(,)?) => {{
        let xml = $crate::snapshot::checked_xml(&$document);
        $crate::__insta::assert_snapshot!(xml);
    }};
    ($name:expr, $document:expr $(,)?) => {{
        let xml = $crate::snapshot::checked_xml(&$document);
        $crate::__insta::assert_snapshot!($name, xml);
    }};
}
