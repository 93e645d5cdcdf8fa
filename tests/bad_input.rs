//! Bad input gets a clear error with file, path, line, column and what was expected: never a
//! panic, never a stack overflow, never silently dropped data. All on the generated `Domain`.

use libvirt_xml::prelude::*;
use libvirt_xml::ErrorKind;

fn parse(xml: &str) -> libvirt_xml::Error {
    Document::<Domain>::parse(xml).expect_err("must be refused")
}

fn parse_strict(xml: &str) -> libvirt_xml::Error {
    Document::<Domain>::parse_with(xml, ReadOptions::strict()).expect_err("must be refused")
}

#[test]
fn not_well_formed() {
    let e = parse("<domain type='kvm'>\n  <name>x</nam>\n</domain>");
    assert!(matches!(e.kind, ErrorKind::NotWellFormed(_)), "{e}");
    assert_eq!(e.line, 2, "{e}");
    assert!(e.to_string().starts_with("2:"), "{e}");
}

/// A file cut short (or missing an end tag) is placed at its end, inside the elements still
/// open, not at its start.
#[test]
fn a_document_cut_short_is_placed_at_its_end() {
    let cut = "<domain type='kvm'>\n  <name>x</name>\n  <devices>\n    <disk type='file'>\n";
    let e = parse(cut);
    assert_eq!((e.line, e.column, e.path.as_str()), (5, 1, "/domain/devices/disk"), "{e}");
    assert_eq!(
        e.to_string(),
        "5:1: /domain/devices/disk: not well-formed XML: the document ends inside <disk> (opened at 4:5): it \
         is cut short, or its end tag is missing"
    );
    // Cut in the middle of a tag: inside the element that holds it.
    let e = parse("<domain type='kvm'>\n  <name>x</name>\n  <devices>\n    <disk type='fi");
    assert_eq!((e.line, e.column, e.path.as_str()), (4, 19, "/domain/devices"), "{e}");
    assert!(e.to_string().contains("inside <devices> (opened at 3:3)"), "{e}");
    // The schema checker says the same.
    let report = libvirt_xml::model::check::Checker::new().check_str(cut);
    assert!(report.to_string().contains("5:1") && report.to_string().contains("ends inside <disk>"), "{report}");
}

#[test]
fn wrong_root_element() {
    let e = parse("<network>\n  <name>default</name>\n</network>");
    assert_eq!(e.kind, ErrorKind::WrongRoot { found: "network".into(), expected: "domain".into() });
    assert_eq!((e.line, e.column, e.path.as_str()), (1, 1, "/network"));
}

#[test]
fn missing_required_attribute() {
    let e = parse("<domain type='kvm'>\n  <name>x</name>\n  <devices>\n    <disk type='file'>\n      <target bus='virtio'/>\n    </disk>\n  </devices>\n</domain>");
    assert_eq!(e.kind, ErrorKind::MissingAttribute { name: "dev".into() });
    assert_eq!((e.line, e.column), (5, 7));
    assert_eq!(e.path, "/domain/devices/disk/target");
    assert_eq!(e.to_string(), "5:7: /domain/devices/disk/target: missing required attribute 'dev'");
}

#[test]
fn missing_required_element() {
    let e = parse("<domain type='kvm'>\n  <memory>1</memory>\n</domain>");
    assert_eq!(e.kind, ErrorKind::MissingElement { name: "name".into() });
    assert_eq!(e.path, "/domain");
}

#[test]
fn value_of_the_wrong_type() {
    let e = parse("<domain type='kvm'>\n  <name>x</name>\n  <vcpu>two</vcpu>\n</domain>");
    assert_eq!((e.line, e.column, e.path.as_str()), (3, 9, "/domain/vcpu/text()"), "{e}");
    let ErrorKind::InvalidValue { value, expected } = &e.kind else { panic!("{e}") };
    assert_eq!(value, "two");
    assert!(expected.contains("an integer from 0 to 65535"), "{expected}");

    let e = parse("<domain type='kvm'><name>x</name><cpu mode='host-modle'/></domain>");
    assert_eq!(e.path, "/domain/cpu/@mode");
    assert!(e.to_string().contains("expected one of 'custom', 'host-model', 'host-passthrough', 'maximum'"), "{e}");
}

#[test]
fn two_variants_content_mixed() {
    // <driver> belongs to PCI host devices; in a USB one strict mode names both sides.
    let xml = "<domain type='kvm'>\n  <name>x</name>\n  <devices>\n    <hostdev mode='subsystem' type='usb'>\n      <source>\n        <vendor id='0x1'/>\n        <product id='0x2'/>\n      </source>\n      <driver name='vfio'/>\n    </hostdev>\n  </devices>\n</domain>\n";
    let e = parse_strict(xml);
    assert_eq!((e.line, e.column), (9, 7), "{e}");
    assert_eq!(
        e.to_string(),
        "9:7: /domain/devices/hostdev/driver: element <driver> (which belongs to type='pci') cannot be combined with type='usb'"
    );
    // Without strict mode it is kept where it stood, like any unknown content.
    assert_eq!(Document::<Domain>::parse(xml).unwrap().to_xml(), xml);

    // Two branches of a once-only choice.
    let e = parse_strict("<domain type='kvm'><name>x</name><name>y</name></domain>");
    assert!(matches!(e.kind, ErrorKind::Duplicate { .. }), "{e}");
    assert_eq!(e.path, "/domain/name[2]");
}

#[test]
fn invalid_utf8() {
    let mut bytes = b"<domain type='kvm'>\n  <name>caf".to_vec();
    bytes.push(0xe9); // Latin-1 e-acute
    bytes.extend_from_slice(b"</name>\n</domain>\n");
    let e = Document::<Domain>::from_bytes_with(&bytes, ReadOptions::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidUtf8);
    assert_eq!((e.line, e.column), (2, 12));
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let depth = 10_000;
    let mut xml = String::from("<domain type='kvm'><name>x</name><metadata>");
    for _ in 0..depth {
        xml.push_str("<a>");
    }
    for _ in 0..depth {
        xml.push_str("</a>");
    }
    xml.push_str("</metadata></domain>");
    let e = parse(&xml);
    assert_eq!(e.kind, ErrorKind::TooDeep { limit: 256 }, "{e}");
    assert_eq!(e.line, 1);

    // Unknown content nests the same way.
    let unknown = xml.replace("<metadata>", "<unknown>").replace("</metadata>", "</unknown>");
    assert!(matches!(parse(&unknown).kind, ErrorKind::TooDeep { .. }));
}

#[test]
fn huge_attribute_value_is_quoted_briefly() {
    // 50 MiB is over the default document size (`Limits::max_bytes`): without limits.
    let unlimited = ReadOptions { limits: libvirt_xml::Limits::none(), ..ReadOptions::default() };
    let big = "9".repeat(50 * 1024 * 1024);
    let xml = format!("<domain type='kvm'><name>x</name><vcpu current='{big}'>1</vcpu></domain>");
    let e = Document::<Domain>::parse_with(&xml, unlimited).unwrap_err();
    assert_eq!(e.path, "/domain/vcpu/@current");
    let msg = e.to_string();
    assert!(msg.len() < 300, "message of {} bytes", msg.len());
    assert!(msg.contains("(52428800 bytes)"), "{msg}");

    // A huge value that is valid is kept whole.
    let xml = format!("<domain type='kvm'><name>{big}</name></domain>");
    let d = Document::<Domain>::parse_with(&xml, unlimited).unwrap();
    assert_eq!(d.root.name.as_str().len(), big.len());
}

#[test]
fn errors_name_the_file() {
    let dir = std::env::temp_dir().join(format!("libvirt-xml-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("guest.xml");
    std::fs::write(&path, "<domain type='kvm'>\n  <vcpu>1</vcpu>\n</domain>\n").unwrap();
    let e = Document::<Domain>::read_file(&path, ReadOptions::default()).unwrap_err();
    assert_eq!(e.file.as_deref(), Some(path.as_path()));
    assert!(
        e.to_string().starts_with(&format!("{}:1:1: /domain: missing required element <name>", path.display())),
        "{e}"
    );
    let missing = Document::<Domain>::read_file(dir.join("absent.xml"), ReadOptions::default()).unwrap_err();
    assert!(matches!(missing.kind, ErrorKind::Io(_)), "{missing}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn text_only_elements_refuse_what_they_cannot_keep() {
    // <name> is a plain String: an attribute there would be lost, so it is an error.
    let e = parse("<domain type='kvm'><name lang='en'>x</name></domain>");
    assert_eq!(e.path, "/domain/name/@lang");
    assert!(matches!(e.kind, ErrorKind::Unknown { .. }));
}
