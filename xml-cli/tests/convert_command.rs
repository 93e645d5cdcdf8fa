//! `xml-model convert` and `xml-model json-schema`: XML -> JSON/YAML -> XML gives the document
//! back byte for byte as the XML round trip writes it, for one document of every kind in libvirt's corpus and for a device
//! file; errors in a hand-written JSON or YAML definition name the file, line, column and the
//! field's path; the JSON Schema is printed per kind.

use std::path::PathBuf;
use std::process::Command;

fn xml_model(args: &[&str]) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_xml-model")).args(args).output().expect("runs");
    (o.status.code(), String::from_utf8(o.stdout).unwrap(), String::from_utf8(o.stderr).unwrap())
}

/// `$LIBVIRT_XML_CORPUS`, else libvirt 11.3.0's corpus in `../shared` (or `$LIBVIRT_XML_SHARED`).
fn corpus_dir() -> PathBuf {
    std::env::var_os("LIBVIRT_XML_CORPUS").map(PathBuf::from).unwrap_or_else(|| {
        std::env::var_os("LIBVIRT_XML_SHARED")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
            .join("corpus/libvirt-11.3.0")
    })
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xml-model-convert-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn one_document_of_every_kind_survives_json_and_yaml() {
    let dir = corpus_dir();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("the corpus (LIBVIRT_XML_SHARED)");
    let mut seen = std::collections::BTreeSet::new();
    let work = scratch("kinds");
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[0] == "schema" || cols[3] != "valid" || !seen.insert(cols[0].to_owned()) {
            continue;
        }
        let file = dir.join(cols[1]);
        let original = std::fs::read_to_string(&file).unwrap();
        // JSON and YAML hold the root element; what stands around it (an XML declaration,
        // comments) is said to be left out.
        let tree = xml_model::read::parse_document(&original).unwrap();
        let range = tree.root_element().range();
        let root_alone = format!("{}\n", &original[range.clone()]);
        let surrounded = !original[..range.start].trim().is_empty() || !original[range.end..].trim().is_empty();
        for form in ["json", "yaml"] {
            // JSON and YAML carry no kind: the command is told it.
            let (code, converted, err) = xml_model(&["convert", "--to", form, file.to_str().unwrap()]);
            assert_eq!(code, Some(0), "{}: {err}", cols[1]);
            assert_eq!(err.contains("left out"), surrounded, "{}: {err}", cols[1]);
            let kept = work.join(format!("{}.{form}", cols[0]));
            std::fs::write(&kept, converted).unwrap();
            let (code, back, err) = xml_model(&["convert", "--to", "xml", "--kind", cols[0], kept.to_str().unwrap()]);
            assert_eq!(code, Some(0), "{} as {form}: {err}", cols[1]);
            // As XML -> XML gives it, for a document in libvirt's layout: the JSON and YAML
            // forms carry none (a `Document` keeps its own, `Document::style`).
            let direct = xml_model::generated::reformat(&root_alone, xml_model::ReadOptions::recover()).unwrap();
            if xml_model::write::TextStyle::of(&root_alone) == xml_model::write::TextStyle::LIBVIRT {
                assert_eq!(back, direct, "{} through {form}", cols[1]);
            }
            assert_eq!(xml_model::compare::first_difference(&root_alone, &back), None);
        }
    }
    // The shared corpus has every kind; another (held-out documents) has what it has.
    assert!(seen.len() >= 15 || std::env::var_os("LIBVIRT_XML_CORPUS").is_some(), "{seen:?}");
}

#[test]
fn a_device_file_survives_json_and_yaml() {
    let dir = scratch("device");
    let file = dir.join("disk.xml");
    let xml = "<disk type='file' device='disk'>\n  <driver name='qemu' type='qcow2'/>\n  <source file='/var/lib/libvirt/images/data.qcow2'/>\n  <target dev='vdb' bus='virtio'/>\n</disk>\n";
    std::fs::write(&file, xml).unwrap();
    for form in ["json", "yaml"] {
        let (code, out, err) = xml_model(&["convert", "--to", form, file.to_str().unwrap()]);
        assert_eq!(code, Some(0), "{err}");
        let kept = dir.join(format!("disk.{form}"));
        std::fs::write(&kept, out).unwrap();
        let (code, back, err) = xml_model(&["convert", "--to", "xml", "--kind", "device", kept.to_str().unwrap()]);
        assert_eq!(code, Some(0), "{err}");
        assert_eq!(back, xml, "through {form}");
    }
}

/// A device file's comments are the file's: `fmt` and `roundtrip` keep them, as they do a
/// domain's, and `convert` to JSON says it leaves them out rather than dropping them unsaid.
#[test]
fn a_device_files_comments_are_kept_or_said_to_be_left_out() {
    let dir = scratch("device-comments");
    let file = dir.join("disk.xml");
    let xml = "<?xml version='1.0'?>\n<!-- the data disk -->\n<disk type='file' device='disk'>\n  <source file='/srv/data.img'/>\n  <target dev='vdb' bus='virtio'/>\n</disk>\n<!-- end -->\n";
    std::fs::write(&file, xml).unwrap();
    let path = file.to_str().unwrap();
    let (code, out, err) = xml_model(&["fmt", path]);
    assert_eq!((code, out.as_str()), (Some(0), xml), "{err}");
    let (code, _, err) = xml_model(&["roundtrip", path]);
    assert_eq!(code, Some(0), "{err}");
    let (code, out, err) = xml_model(&["convert", "--to", "xml", path]);
    assert_eq!((code, out.as_str()), (Some(0), xml), "{err}");
    let (code, _, err) = xml_model(&["convert", "--to", "json", path]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("note: the XML declaration, 1 comment before the root element, 1 comment after it left out"),
        "{err}"
    );
}

#[test]
fn a_hand_written_yaml_guest_becomes_libvirt_xml() {
    let dir = scratch("yaml");
    let file = dir.join("guest.yaml");
    std::fs::write(
        &file,
        "kind: kvm\nname: demo\nmemory:\n  size: { value: 2, unit: GiB }\nvcpu: { value: 2 }\nos:\n  kind: { value: hvm }\n",
    )
    .unwrap();
    let (code, out, err) = xml_model(&["convert", "--to", "xml", file.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out,
        "<domain type='kvm'>\n  <name>demo</name>\n  <memory unit='GiB'>2</memory>\n  <vcpu>2</vcpu>\n  <os>\n    <type>hvm</type>\n  </os>\n</domain>\n"
    );
}

#[test]
fn errors_name_the_file_the_place_and_the_field() {
    let dir = scratch("errors");
    let json = dir.join("guest.json");
    std::fs::write(
        &json,
        "{\n  \"kind\": \"kvm\",\n  \"name\": \"demo\",\n  \"vcpu\": { \"value\": 2, \"placment\": \"static\" }\n}\n",
    )
    .unwrap();
    let (code, out, err) = xml_model(&["convert", "--to", "xml", json.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (Some(2), ""), "{err}");
    assert!(err.contains("guest.json:4:"), "{err}");
    assert!(err.contains("vcpu.placment") && err.contains("unknown field"), "{err}");

    let yaml = dir.join("guest.yaml");
    std::fs::write(&yaml, "kind: kvmm\nname: demo\n").unwrap();
    let (code, _, err) = xml_model(&["convert", "--to", "xml", yaml.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("guest.yaml:1:") && err.contains("\"kvmm\"") && err.contains("'kvm'"), "{err}");

    let (code, _, err) = xml_model(&["convert", "--to", "xml", "--kind", "guest", yaml.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown kind \"guest\"") && err.contains("domain, capability"), "{err}");
}

#[test]
fn json_schema_is_printed_per_kind() {
    let (code, out, err) = xml_model(&["json-schema", "domain"]);
    assert_eq!(code, Some(0), "{err}");
    let schema: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(schema["title"], "Domain");
    assert_eq!(schema["required"], serde_json::json!(["kind", "name"]));
    assert!(schema["$defs"]["Disk"].is_object(), "the types are definitions of the schema");

    let (code, out, _) = xml_model(&["json-schema", "network"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("\"title\": \"Network\""));
    let (code, _, err) = xml_model(&["json-schema", "guest"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("nwfilter") && err.contains("device"), "{err}");
}
