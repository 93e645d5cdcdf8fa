//! What `check` says about particular mistakes: the path, the position and what the schema
//! allows there; and checking values built in code.

use libvirt_xml::model::check::{check_str, Checker, Problem};
use libvirt_xml::model::generated::basictypes::ObjectNameWithSlash;
use libvirt_xml::model::generated::domaincommon::Domain;
use libvirt_xml::XmlDocument;

const GUEST: &str = "\
<domain type='kvm'>
  <name>demo</name>
  <memory unit='MiB'>512</memory>
  <os>
    <type arch='x86_64'>hvm</type>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/a.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/b.qcow2'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
  </devices>
</domain>
";

fn problems(text: &str) -> Vec<Problem> {
    check_str(text).problems
}

#[test]
fn a_valid_guest_has_no_problem() {
    assert_eq!(problems(GUEST), vec![]);
}

#[test]
fn an_unknown_attribute_is_named_with_its_place() {
    let text = GUEST.replace("<source file='/var/lib/libvirt/images/b.qcow2'/>", "<source file='/b' fiel='x'/>");
    let p = problems(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].path, "/domain/devices/disk[2]/source/@fiel");
    assert_eq!((p[0].line, p[0].column), (13, 25));
    assert_eq!(p[0].found, "attribute 'fiel'");
    // 'file' is given already; what else `<source>` of a file disk may have:
    assert!(p[0].expected.contains("'startupPolicy'"), "{}", p[0].expected);
}

#[test]
fn a_slip_of_the_keys_gets_the_name_or_value_meant() {
    let text = GUEST
        .replace(
            "<memory unit='MiB'>512</memory>",
            "<memory unit='MiB'>512</memory>\n  <currentmemory>512</currentmemory>",
        )
        .replace("<source file='/var/lib/libvirt/images/b.qcow2'/>", "<source fiel='/b.qcow2'/>")
        .replace("<target dev='vda' bus='virtio'/>", "<target dev='vda' bus='virtoi'/>")
        .replace("  </devices>", "    <disc type='file'/>\n  </devices>");
    let p = problems(&text);
    let said: Vec<String> = p.iter().map(|p| format!("{} -> {}", p.found, p.expected)).collect();
    assert_eq!(p.len(), 4, "{said:#?}");
    let hint = |i: usize| p[i].suggestion.as_deref();
    assert_eq!(p[0].found, "element <currentmemory>");
    assert_eq!(hint(0), Some("<currentMemory>"));
    assert!(p[0].message().ends_with("or the end of <domain>; did you mean <currentMemory>?"), "{}", p[0]);
    assert_eq!(p[1].found, "'virtoi' for attribute 'bus'");
    assert_eq!(hint(1), Some("'virtio'"));
    assert_eq!(p[2].found, "attribute 'fiel'");
    assert_eq!(hint(2), Some("'file'"));
    assert_eq!(p[3].found, "element <disc>");
    assert_eq!(hint(3), Some("<disk>"));
    // What is allowed says only that; the guess is apart.
    assert!(p.iter().all(|p| !p.expected.contains("did you mean")), "{said:#?}");
    // A name like none of those allowed gets no guess; nor does one of two letters of
    // which one differs (`cd`: `hd`, or `cdrom`?).
    let p = problems(&GUEST.replace("  </devices>", "    <gpu/>\n  </devices>"));
    assert_eq!((p.len(), p[0].suggestion.as_deref()), (1, None), "{p:?}");
    let p = problems(
        &GUEST.replace("<type arch='x86_64'>hvm</type>", "<type arch='x86_64'>hvm</type>\n    <boot dev='cd'/>"),
    );
    assert_eq!((p.len(), p[0].suggestion.as_deref()), (1, None), "{p:?}");
    // `of` is short for `off` more likely than a slip for `on`.
    let p = problems(&GUEST.replace("  </devices>", "    <memballoon model='virtio' autodeflate='of'/>\n  </devices>"));
    assert_eq!((p.len(), p[0].suggestion.as_deref()), (1, Some("'off'")), "{p:?}");
    // Values given as text, and the root element.
    let p = problems(&GUEST.replace("<type arch='x86_64'>hvm</type>", "<type arch='x86_64'>HVM</type>"));
    assert_eq!((p.len(), p[0].suggestion.as_deref()), (1, Some("'hvm'")), "{p:?}");
    let p = problems(&GUEST.replace("<domain type='kvm'>", "<domian type='kvm'>").replace("</domain>", "</domian>"));
    assert_eq!((p.len(), p[0].suggestion.as_deref()), (1, Some("<domain>")), "{p:?}");
}

#[test]
fn a_slip_in_a_namespaced_element_is_named_with_its_prefix_or_its_namespace() {
    let qemu = |body: &str, uri: &str| {
        GUEST
            .replace("<domain type='kvm'>", &format!("<domain type='kvm' xmlns:qemu='{uri}'>"))
            .replace("  </devices>\n", &format!("  </devices>\n  {body}\n"))
    };
    const QEMU: &str = "http://libvirt.org/schemas/domain/qemu/1.0";
    let p = problems(&qemu("<qemu:comandline><qemu:arg value='-s'/></qemu:comandline>", QEMU));
    assert_eq!(p[0].suggestion.as_deref(), Some("<qemu:commandline>"), "{p:?}");
    let p = problems(&qemu("<qemu:commandline><qemu:args value='-s'/></qemu:commandline>", QEMU));
    assert_eq!((p.len(), p[0].suggestion.as_deref()), (1, Some("<qemu:arg>")), "{p:?}");
    // The right name in another namespace: which one the schema means is said.
    let p = problems(&qemu(
        "<qemu:commandline><qemu:arg value='-s'/></qemu:commandline>",
        "http://libvirt.org/schemas/domain/qemu/1.1",
    ));
    assert_eq!(p[0].suggestion.as_deref(), Some(&*format!("<commandline> in namespace '{QEMU}'")), "{p:?}");
}

#[test]
fn strict_reading_says_what_may_stand_in_place_of_unknown_content() {
    use libvirt_xml::model::generated::domaincommon::Device;
    use libvirt_xml::model::{Document, ErrorKind, ReadOptions};
    let text = GUEST.replace("<source file='/var/lib/libvirt/images/b.qcow2'/>", "<source fiel='/b.qcow2'/>");
    let err = Document::<Domain>::parse_with(&text, ReadOptions::strict()).unwrap_err();
    assert_eq!((err.path.as_str(), err.line, err.column), ("/domain/devices/disk[2]/source/@fiel", 13, 15), "{err}");
    match &err.kind {
        ErrorKind::Unknown { what, expected } => {
            assert_eq!(what, "attribute 'fiel'");
            assert!(expected.contains("'startupPolicy'") && expected.ends_with("; did you mean 'file'?"), "{expected}");
        }
        other => panic!("{other:?}"),
    }
    // A device file (`virsh attach-device`'s) too.
    let disk = "<disk type='file' device='disk'>\n  <source file='/a.qcow2'/>\n  <target dev='vdb'/>\n  <readonyl/>\n</disk>\n";
    let err = Document::<Device>::parse_device(disk, ReadOptions::strict()).unwrap_err();
    assert_eq!(err.path, "/disk/readonyl", "{err}");
    assert!(err.to_string().ends_with("did you mean <readonly>?"), "{err}");
    // Text where only elements may stand: the reader's path names the text, the schema's
    // its element; it is one place.
    let vcpus = GUEST.replace("  <os>", "  <vcpus>2</vcpus>\n  <os>");
    let err = Document::<Domain>::parse_with(&vcpus, ReadOptions::strict()).unwrap_err();
    assert_eq!(err.path, "/domain/vcpus/text()", "{err}");
    assert!(err.to_string().ends_with("expected no text here"), "{err}");
    // Kept, not refused, when reading leniently.
    assert!(Document::<Domain>::parse(&text).is_ok());
}

#[test]
fn a_value_against_a_long_pattern_names_the_schemas_define_not_the_regex() {
    // An interface's IP address: IPv4's and IPv6's patterns are hundreds of characters.
    let text = GUEST.replace(
        "  </devices>",
        "    <interface type='network'>\n      <source network='default'/>\n      \
         <ip address='2001:db8::zz' prefix='64'/>\n    </interface>\n  </devices>",
    );
    let p = problems(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].path, "/domain/devices/interface/ip/@address");
    assert!(p[0].expected.contains("'ipv4Addr'") && p[0].expected.contains("'ipv6Addr'"), "{}", p[0].expected);
    assert!(p[0].expected.len() < 200, "a message to read, not a regex: {}", p[0].expected);
    // A short pattern is quoted, with its define.
    let p = problems(&GUEST.replace("unit='MiB'", "unit='MiBs'"));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].expected.contains("matching '([bB]") && p[0].expected.ends_with("(the schema's 'unit')"),
        "{}",
        p[0].expected
    );
}

#[test]
fn a_value_outside_the_enumeration_lists_the_allowed_values() {
    let text = GUEST.replace("bus='virtio'/>\n    </disk>\n  </devices>", "bus='virtual'/>\n    </disk>\n  </devices>");
    let p = problems(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].path, "/domain/devices/disk[2]/target/@bus");
    assert_eq!(p[0].found, "'virtual' for attribute 'bus'");
    for bus in ["'virtio'", "'sata'", "'usb'", "'scsi'"] {
        assert!(p[0].expected.contains(bus), "{}", p[0].expected);
    }
}

#[test]
fn a_missing_required_element_is_named() {
    let text = GUEST.replace("      <target dev='vda' bus='virtio'/>\n", "");
    let p = problems(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].path, "/domain/devices/disk[1]");
    assert_eq!(p[0].found, "the end of <disk>");
    assert_eq!(p[0].expected, "<target>");
}

#[test]
fn a_missing_required_attribute_is_named() {
    let text = GUEST.replace("<target dev='vdb' bus='virtio'/>", "<target bus='virtio'/>");
    let p = problems(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].path, "/domain/devices/disk[2]/target");
    assert_eq!(p[0].expected, "attribute 'dev'");
}

#[test]
fn a_misplaced_element_says_what_may_stand_there() {
    let text = GUEST.replace("  <name>demo</name>\n", "  <name>demo</name>\n  <nmae>x</nmae>\n");
    let p = problems(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].path, "/domain/nmae");
    assert_eq!((p[0].line, p[0].column), (3, 3));
    assert!(p[0].expected.contains("<uuid>") && p[0].expected.contains("<memory>"), "{}", p[0].expected);
}

#[test]
fn bad_text_and_numbers_out_of_range_are_values_problems() {
    let text = GUEST.replace("<memory unit='MiB'>512</memory>", "<memory unit='MiB'>lots</memory>");
    let p = problems(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].path, "/domain/memory");
    assert_eq!(p[0].found, "text 'lots'");
    assert!(p[0].expected.contains("unsignedLong"), "{}", p[0].expected);
}

#[test]
fn every_problem_of_a_document_is_reported() {
    let text = GUEST
        .replace("bus='virtio'/>\n    </disk>\n  </devices>", "bus='virtual'/>\n    </disk>\n  </devices>")
        .replace("<source file='/var/lib/libvirt/images/a.qcow2'/>", "<source file='/a' fiel='x'/>")
        .replace("<memory unit='MiB'>", "<memory unit='MiB' extra='1'>");
    let paths: Vec<String> = problems(&text).into_iter().map(|p| p.path).collect();
    assert_eq!(
        paths,
        ["/domain/memory/@extra", "/domain/devices/disk[1]/source/@fiel", "/domain/devices/disk[2]/target/@bus"]
    );
}

#[test]
fn not_well_formed_and_unknown_roots_are_problems_too() {
    let p = problems("<domain type='kvm'>\n  <name>x</nam>\n</domain>\n");
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].line, 2, "{p:?}");
    let p = problems("<guest/>");
    assert_eq!(p[0].path, "/guest");
    assert!(p[0].expected.contains("<domain>") && p[0].expected.contains("<pool>"), "{}", p[0].expected);
}

#[test]
fn the_report_prints_one_line_per_problem() {
    let mut checker = Checker::new();
    let dir = std::env::temp_dir().join(format!("check-messages-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("guest.xml");
    std::fs::write(&file, GUEST.replace("<name>demo</name>", "<name>demo</name><bogus/>")).unwrap();
    let report = checker.check_file(&file).unwrap();
    assert_eq!(report.schema, Some("domain"));
    let text = report.to_string();
    assert!(
        text.starts_with(&format!("{}:2:20: invalid: /domain/bogus: found element <bogus>; expected ", file.display())),
        "{text}"
    );
    std::fs::write(&file, GUEST).unwrap();
    assert_eq!(checker.check_file(&file).unwrap().to_string(), format!("{}: valid", file.display()));
    let missing = checker.check_file(dir.join("missing.xml")).unwrap_err().to_string();
    assert!(missing.starts_with(&format!("{}: cannot read: ", dir.join("missing.xml").display())), "{missing}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn values_built_in_code_are_checked_by_what_they_write() {
    let mut domain = Domain::from_xml(GUEST).unwrap();
    let mut checker = Checker::new();
    assert!(checker.check_value(&domain).is_valid());
    // The type holds any string; the schema's pattern refuses a line break.
    domain.name = ObjectNameWithSlash("two\nlines".to_owned());
    let report = checker.check_value(&domain);
    assert_eq!(report.problems.len(), 1, "{report}");
    assert_eq!(report.problems[0].path, "/domain/name");
}

#[test]
fn strict_reading_is_as_strict_as_the_schemas() {
    use libvirt_xml::{Document, ErrorKind, ReadOptions};
    // The types read a name with a line break; the schema's pattern refuses it.
    let text = GUEST.replace("<name>demo</name>", "<name>two\nlines</name>");
    assert!(Document::<Domain>::parse(&text).is_ok());
    let err = Document::<Domain>::parse_with(&text, ReadOptions::strict()).unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Schema { .. }), "{err}");
    assert_eq!((err.path.as_str(), err.line), ("/domain/name", 2), "{err}");
    assert!(err.to_string().contains("found text 'two\nlines'; expected a string matching"), "{err}");
    assert!(Document::<Domain>::parse_with(GUEST, ReadOptions::strict()).is_ok());
}

#[test]
fn a_missing_value_says_what_the_value_may_be() {
    let text = GUEST.replace("<memory unit='MiB'>512</memory>", "<memory unit='MiB'></memory>");
    let p = problems(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].path, "/domain/memory");
    assert_eq!(p[0].found, "the end of <memory>");
    assert!(p[0].expected.contains("unsignedLong"), "{}", p[0].expected);
}

/// `<metadata>` holds any elements, as deep as they go; libxml2 stops at 257 levels, and so
/// does `check` (without running out of stack on far deeper input).
#[test]
fn nesting_deeper_than_xmllint_allows_is_a_problem_not_a_crash() {
    let doc = |n: usize| {
        format!(
            "<domain type='kvm'><name>a</name><metadata><x:a xmlns:x='urn:x'>{}{}</x:a></metadata>\
             <memory>1</memory><os><type>hvm</type></os></domain>",
            "<x:a>".repeat(n),
            "</x:a>".repeat(n)
        )
    };
    // domain, metadata, the outer x:a: 3 levels before the repeated ones.
    assert!(problems(&doc(254)).is_empty());
    let p = problems(&doc(255));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].found, "element <x:a> nested 258 deep");
    assert_eq!(p[0].expected, "at most 257 levels of elements");
    // On a worker thread (2 MiB of stack, as `xml-model check` uses), far deeper input is
    // still just invalid.
    let deep = doc(100_000);
    let n = std::thread::spawn(move || Checker::new().check_str(&deep).problems.len()).join().unwrap();
    assert_eq!(n, 1);
}

/// xmllint validates documents with a DOCTYPE (expanding internal entities); so does `check`.
#[test]
fn a_doctype_is_allowed_as_xmllint_allows_it() {
    let text = "<?xml version='1.0'?>\n<!DOCTYPE domain [ <!ENTITY nm 'demo'> ]>\n\
                <domain type='kvm'><name>&nm;</name><memory>1</memory><os><type>hvm</type></os></domain>\n";
    assert_eq!(problems(text), vec![]);
    let p = problems(&text.replace("<memory>1</memory>", "<memory>&nm;</memory>"));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!((p[0].path.as_str(), p[0].found.as_str()), ("/domain/memory", "text 'demo'"));
}

/// A problem repeated (what a hostile document does, many times over) is said in full each
/// time, each with its own place, and the same as when it stands alone.
#[test]
fn a_repeated_problem_is_said_each_time_as_alone() {
    let one = problems(&GUEST.replace("<target dev='vda' bus='virtio'/>", "<target dev='vda' bus='virtio'/><bogus/>"));
    let three = problems(
        &GUEST.replace("<target dev='vda' bus='virtio'/>", "<target dev='vda' bus='virtio'/><bogus/><bogus/><bogus/>"),
    );
    assert_eq!(one.len(), 1);
    assert_eq!(three.len(), 3);
    for (i, p) in three.iter().enumerate() {
        assert_eq!((&p.found, &p.expected), (&one[0].found, &one[0].expected));
        assert_eq!(p.path, format!("/domain/devices/disk[1]/bogus[{}]", i + 1));
    }
    // Unknown attributes of one element, and of another element in the same state.
    let attrs = problems(
        &GUEST
            .replace("<target dev='vda'", "<target a='1' b='2' dev='vda'")
            .replace("<target dev='vdb'", "<target c='3' dev='vdb'"),
    );
    assert_eq!(attrs.len(), 3);
    assert!(attrs[0].expected.starts_with("an attribute of "), "{:?}", attrs[0]);
    assert!(attrs.iter().all(|p| p.expected == attrs[0].expected));
    let paths: Vec<&str> = attrs.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        ["/domain/devices/disk[1]/target/@a", "/domain/devices/disk[1]/target/@b", "/domain/devices/disk[2]/target/@c"]
    );
}

/// A checker remembers start tags by their text; the same text must still be judged by where
/// it stands, in which namespace, and by what a document type makes of its entities.
#[test]
fn a_start_tag_seen_before_is_judged_again_where_it_stands() {
    let mut warm = Checker::new();
    assert_eq!(warm.check_str(GUEST).problems, vec![]);
    let target = "<target dev='vda' bus='virtio'/>";
    let elsewhere = [
        // The same tag where it may not stand.
        GUEST.replace("<devices>", &format!("<devices>{target}")),
        GUEST.replace("<name>demo</name>", &format!("<name>demo</name>{target}")),
        // The same text in another namespace.
        GUEST.replace("<devices>", "<devices xmlns='urn:other'>"),
        GUEST.replace(
            "<disk type='file' device='disk'>\n      <source file='/var/lib/libvirt/images/a",
            "<disk type='file' device='disk' xmlns='urn:other'>\n      <source file='/var/lib/libvirt/images/a",
        ),
    ];
    // A document type may give an entity another value: first one the tag is valid with.
    let with_entity = |v: &str| {
        let doctype = format!("<!DOCTYPE domain [<!ENTITY v '{v}'>]>\n");
        doctype + &GUEST.replace("bus='virtio'/>\n    </disk>\n  </devices>", "bus='&v;'/>\n    </disk>\n  </devices>")
    };
    assert_eq!(warm.check_str(&with_entity("virtio")).problems, vec![]);
    for text in elsewhere.iter().chain([&with_entity("virtual")]) {
        let fresh = Checker::new().check_str(text).problems;
        assert!(!fresh.is_empty(), "not valid: {text}");
        assert_eq!(warm.check_str(text).problems, fresh, "{text}");
        // And the warm checker still finds the original valid.
        assert_eq!(warm.check_str(GUEST).problems, vec![]);
    }
}

#[test]
fn a_root_of_two_kinds_is_reported_as_the_one_it_is_closest_to() {
    // `<interface>` is a host interface document and a guest's NIC (a device file): one typo
    // in a NIC is reported as one problem of a NIC, not as four of a host interface.
    let nic = "<interface type='bridg'>\n  <source bridge='br0'/>\n  <model type='virtio'/>\n</interface>\n";
    let report = check_str(nic);
    assert_eq!(report.schema, Some("device"), "{report:?}");
    assert_eq!(report.problems.len(), 1, "{report:?}");
    assert_eq!(report.problems[0].suggestion.as_deref(), Some("'bridge'"));
    // And a host interface with a typo as a host interface.
    let host = "<interface type='ethernt' name='eth0'>\n  <start mode='onboot'/>\n</interface>\n";
    let report = check_str(host);
    assert_eq!(report.schema, Some("interface"), "{report:?}");
}

#[test]
fn an_element_out_of_place_is_told_where_it_goes() {
    let misplaced = GUEST
        .replace("  <os>", "  <boot dev='hd'/>\n  <os>")
        .replace("  <devices>", "  <disk type='file' device='disk'>\n    <target dev='vdc'/>\n  </disk>\n  <devices>");
    let p = problems(&misplaced);
    let said: Vec<String> = p.iter().map(|p| p.to_string()).collect();
    assert_eq!(p.len(), 2, "{said:#?}");
    assert_eq!(p[0].suggestion.as_deref(), Some("<boot> inside <os>"));
    assert!(p[0].message().ends_with("; did you mean <boot> inside <os>?"), "{}", p[0]);
    assert_eq!(p[1].suggestion.as_deref(), Some("<disk> inside <devices>"));
    // Where it may stand in many places, none is guessed.
    let p =
        problems(&GUEST.replace("  </devices>", "    <address type='pci' domain='0' bus='0' slot='3'/>\n  </devices>"));
    assert_eq!((p.len(), p[0].suggestion.as_deref()), (1, None), "{p:?}");
}
