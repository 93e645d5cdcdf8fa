//! Device documents (what `virsh attach-device` takes), made from the corpus: every device of
//! every schema-valid domain document as its own file. Each is valid checked alone as a device
//! (the verdict it gets inside its domain), reads typed, strictly too, and is written back
//! byte for byte.

mod support;

use libvirt_xml::model::check::Checker;
use libvirt_xml::prelude::*;

/// (file, device text, libvirt wrote it) for every device of every schema-valid domain
/// document, each distinct text once, moved to the left margin as a file of its own is.
fn device_files() -> Vec<(String, String, bool)> {
    let mut seen = std::collections::HashSet::new();
    let dir = support::corpus_dir();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut out = Vec::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[0] != "domain" || cols[3] != "valid" {
            continue;
        }
        let text = std::fs::read_to_string(dir.join(cols[1])).unwrap();
        let doc = roxmltree::Document::parse_with_options(
            &text,
            roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
        )
        .unwrap();
        let Some(devices) = doc.root_element().children().find(|c| c.has_tag_name("devices")) else { continue };
        let formatted = support::libvirt_formatted(cols[1]);
        for (i, device) in devices.children().filter(|c| c.is_element()).enumerate() {
            let margin = " ".repeat(doc.text_pos_at(device.range().start).col as usize - 1);
            let lines: Vec<&str> = text[device.range()].split('\n').collect();
            let dedented: Vec<&str> = lines
                .iter()
                .enumerate()
                .map(|(n, l)| if n == 0 { l } else { l.strip_prefix(&margin).unwrap_or(l) })
                .collect();
            let file = dedented.join("\n");
            if seen.insert(file.clone()) {
                out.push((format!("{}#{}", cols[1], i + 1), file, formatted));
            }
        }
    }
    out
}

#[test]
fn every_device_of_the_corpus_is_a_valid_device_document() {
    let files = device_files();
    support::assert_covered("device files", files.len(), 3000);
    let mut checker = Checker::new();
    let mut as_device = Checker::new().as_kind(Some("device"));
    let (mut kinds, mut interfaces_as_host) = (std::collections::BTreeSet::new(), 0);
    let mut failures = Vec::new();
    for (file, text, _) in &files {
        // Namespace prefixes declared on the domain do not travel with the device.
        if text.contains(':') && roxmltree::Document::parse(text).is_err() {
            continue;
        }
        let alone = checker.check_str(text);
        let forced = as_device.check_str(text);
        // The same device inside the smallest domain: the verdict it has in a document.
        let inside = checker.check_str(&format!("<domain type='kvm'><name>d</name><devices>{text}</devices></domain>"));
        if !(forced.is_valid() && inside.is_valid() && alone.is_valid()) {
            failures.push(format!("{file}: alone {alone} / as device {forced} / inside {inside}"));
            continue;
        }
        if alone.schema == Some("interface") {
            interfaces_as_host += 1;
        }
        kinds.insert(text[1..].split(|c: char| !c.is_alphanumeric()).next().unwrap().to_owned());
    }
    assert!(
        failures.is_empty(),
        "{} of {}:\n{}",
        failures.len(),
        files.len(),
        failures[..failures.len().min(10)].join("\n")
    );
    eprintln!("device kinds: {kinds:?}");
    support::assert_covered("device kinds", kinds.len(), 26);
    // A guest's <interface> is not a host interface document: the device reading wins.
    assert_eq!(interfaces_as_host, 0);
}

#[test]
fn every_device_document_reads_typed_and_comes_back() {
    // Devices a domain keeps as fields of <devices> rather than in its list (see
    // xml_model::device) are read by their own types; here, the ones `Device` holds.
    let mut failures = Vec::new();
    let (mut exact, mut equivalent, mut fields) = (0, 0, 0);
    let files = device_files();
    for (file, text, formatted) in &files {
        if text.contains(':') && roxmltree::Document::parse(text).is_err() {
            continue;
        }
        let root = text[1..].split(|c: char| !c.is_alphanumeric()).next().unwrap();
        if !<Device as libvirt_xml::model::read::ElementChoice>::accepts(root) {
            fields += 1;
            continue;
        }
        match Device::from_xml_with(text, ReadOptions::strict()) {
            Ok(device) => {
                let out = device.to_xml();
                if out.trim_end() == text {
                    exact += 1;
                } else if *formatted {
                    failures.push(format!("{file}: not byte for byte:\n{text}\n---\n{out}"));
                } else {
                    // Hand-written layout is re-indented; nothing else may change.
                    match libvirt_xml::model::diff::diff(text, &out) {
                        Ok(d) if d.is_empty() => equivalent += 1,
                        other => failures.push(format!("{file}: {other:?}")),
                    }
                }
            }
            Err(e) => failures.push(format!("{file}: {e}")),
        }
    }
    eprintln!("device files: {exact} byte for byte, {equivalent} equivalent, {fields} read by their own types");
    assert!(
        failures.is_empty(),
        "{} of {}:\n{}",
        failures.len(),
        files.len(),
        failures[..failures.len().min(5)].join("\n")
    );
    support::assert_covered("device files byte for byte", exact, 2000);
    support::assert_covered("device files read by their own types", fields, 1);
}

#[test]
fn a_device_document_refuses_what_is_not_a_device() {
    let e = Device::from_xml("<domain type='kvm'><name>x</name></domain>").unwrap_err();
    assert!(e.to_string().contains("expected <disk>, <controller>"), "{e}");
    // Strict reading checks the device as the domain schema does.
    let bad = "<hostdev mode='subsystem' type='pci'>\n  <source>\n    <address domain='0x0000' bus='0x06' slot='0x20' function='0x0'/>\n  </source>\n</hostdev>\n";
    assert!(Device::from_xml(bad).is_ok());
    let e = Device::from_xml_with(bad, ReadOptions::strict()).unwrap_err();
    assert_eq!((e.line, e.path.as_str()), (3, "/hostdev/source/address/@slot"), "{e}");
    assert!(!Checker::new().check_str(bad).is_valid());
}

#[test]
fn a_guest_nic_is_not_a_host_interface_document() {
    use libvirt_xml::generated::interface::Interface as HostInterface;
    let nic = "<interface type='network'>\n  <source network='default'/>\n</interface>\n";
    // The same root, two kinds: each reading takes its own.
    assert!(Document::<HostInterface>::parse_with(nic, ReadOptions::strict()).is_err());
    assert!(Device::from_xml_with(nic, ReadOptions::strict()).is_ok());
}
