//! The generated names, checked on libvirt's whole schema set (`xml-codegen --audit` prints
//! the same figures): no type is named after an element (or attribute, or discriminating
//! value) that is not among its uses, no name says a word twice or ends in a module's name,
//! every type got one of its candidate names (or one codegen.toml gives), no field of a
//! choice of elements is named after something other than them, and no value is named only
//! after an item (`<target type>`) that many elements have.

use xml_codegen::audit;

fn model() -> xml_codegen::Model {
    let cfg = xml_codegen::config::Config::load(&xml_codegen::config_path()).expect("codegen.toml");
    xml_codegen::model_with(&xml_codegen::schema_dir(), xml_codegen::TOP_LEVEL, &cfg).expect("the schemas load")
}

#[test]
fn no_type_is_named_after_something_that_does_not_use_it() {
    let m = model();
    let f = audit::figures(&m.ir, &m.live);
    let misnamed: Vec<String> =
        f.misnamed.iter().map(|x| format!("{}::{} ({})", x.module, x.name, x.foreign.join(", "))).collect();
    assert!(misnamed.is_empty(), "named after something that does not use them:\n{}", misnamed.join("\n"));
    assert!(f.repeated_words.is_empty(), "names that repeat a word: {:?}", f.repeated_words);
    assert!(f.module_suffixes.is_empty(), "names ending in a module name: {:?}", f.module_suffixes);
    assert!(f.numbered.is_empty(), "no free candidate name (name them in codegen.toml): {:?}", f.numbered);
    assert_eq!(f.domain_copies, ["domaincommon::Domain"], "one domain type");
    let fields: Vec<String> = f
        .misnamed_choice_fields
        .iter()
        .map(|x| format!("{}::{} ({})", x.module, x.name, x.foreign.join(", ")))
        .collect();
    assert!(fields.is_empty(), "choice fields named after none of their elements:\n{}", fields.join("\n"));
    let unplaced: Vec<String> =
        f.unplaced.iter().map(|x| format!("{}::{} (`{}` in {} places)", x.module, x.name, x.word, x.places)).collect();
    assert!(unplaced.is_empty(), "named only after an item many elements have:\n{}", unplaced.join("\n"));
}

/// A value named only after its item, where a dozen elements have such an item, is caught:
/// `TargetType`, the generator's name for a character device's `<target type>`.
#[test]
fn a_type_named_only_after_a_common_item_is_caught() {
    let mut m = model();
    let id = *m
        .live
        .iter()
        .find(|&&id| m.ir.types[id].name == "CharTargetType" && m.ir.types[id].module == "domaincommon")
        .expect("the type of a character device's <target type>");
    // Checked as if the generator had named it: first as codegen.toml does, then as it did.
    m.ir.types[id].renamed_from = None;
    assert!(audit::figures(&m.ir, &m.live).unplaced.is_empty(), "`char` says whose target");
    m.ir.types[id].name = "TargetType".into();
    let f = audit::figures(&m.ir, &m.live);
    let caught: Vec<(&str, &str)> = f.unplaced.iter().map(|x| (x.name.as_str(), x.word.as_str())).collect();
    assert_eq!(caught, [("TargetType", "target")]);
    assert!(f.unplaced[0].places >= audit::UNPLACED_PLACES, "{} places", f.unplaced[0].places);
}

/// The field check: a choice named after where it was first met, or after nothing, is caught.
#[test]
fn a_choice_field_named_after_something_else_is_caught() {
    let mut m = model();
    let disk = *m
        .live
        .iter()
        .find(|&&id| m.ir.types[id].name == "Disk" && m.ir.types[id].module == "domaincommon")
        .expect("the disk");
    let xml_codegen::ir::Kind::Struct { fields, .. } = &mut m.ir.types[disk].kind else { panic!("a struct") };
    let choice = fields.iter_mut().find(|f| f.name == "throttlefilters_or_iotune").expect("the disk's I/O limits");
    // The name the generator gave before: from the first branch of <disk> it met.
    choice.name = "floppy_choice".into();
    let f = audit::figures(&m.ir, &m.live);
    let caught: Vec<(&str, &[String])> =
        f.misnamed_choice_fields.iter().map(|x| (x.name.as_str(), x.foreign.as_slice())).collect();
    assert_eq!(caught, [("Disk.floppy_choice", &["floppy".to_owned(), "choice".to_owned()][..])]);
}

/// The check itself: a name taken from one use of a shared type is caught.
#[test]
fn a_type_named_after_one_of_its_users_is_caught() {
    let mut m = model();
    let id = *m
        .live
        .iter()
        .find(|&&id| m.ir.types[id].name == "Address" && m.ir.types[id].module == "domaincommon")
        .expect("the device address");
    // The device address is used by every device; calling it after the floppy is wrong.
    m.ir.types[id].name = "FloppyAddress".into();
    let f = audit::figures(&m.ir, &m.live);
    let caught = f.misnamed.iter().find(|x| x.name == "FloppyAddress").expect("caught");
    assert_eq!(caught.foreign, ["floppy"]);
    assert!(caught.uses > 20, "{} uses", caught.uses);
}

/// A tag enum that is the content of several elements (`diskSource`: `<disk>`,
/// `<backingStore>`, `<dataStore>`) says so: its doc names each element its users are part
/// of, not only the first one the generator met.
#[test]
fn a_shared_tag_enum_names_every_element_it_is_the_content_of() {
    let m = model();
    let users = audit::users(&m.ir, &m.live);
    let mut unnamed = Vec::new();
    let mut shared = 0;
    for &id in &m.live {
        let t = &m.ir.types[id];
        if !matches!(t.kind, xml_codegen::ir::Kind::TagEnum { .. }) {
            continue;
        }
        let elements: std::collections::BTreeSet<&str> = users
            .get(&id)
            .into_iter()
            .flatten()
            .map(|u| m.ir.types[u.owner].element.as_str())
            .filter(|e| !e.is_empty())
            .collect();
        shared += (elements.len() > 1) as usize;
        for e in elements {
            if !t.doc.contains(&format!("`<{e}>`")) {
                unnamed.push(format!("{}::{} is part of <{e}>: \"{}\"", t.module, t.name, t.doc));
            }
        }
    }
    assert!(unnamed.is_empty(), "docs that leave out an element:\n{}", unnamed.join("\n"));
    assert!(shared >= 2, "only {shared} tag enums are shared: the test no longer looks at what it should");
}

/// A value type says whose it is when it has few places, and a struct shared by elements of
/// several names names them all; a value of many places (`YesNo`) says only what it holds.
#[test]
fn docs_say_where_a_value_or_a_shared_struct_is() {
    let m = model();
    let doc = |module: &str, name: &str| {
        let id = m.live.iter().find(|&&id| m.ir.types[id].name == name && m.ir.types[id].module == module);
        m.ir.types[*id.unwrap_or_else(|| panic!("{module}::{name}"))].doc.clone()
    };
    assert_eq!(
        doc("domaincommon", "NumatuneMemoryMode"),
        "`@mode` of `<memory>` in `<numatune>` and `<memnode>` in `<numatune>`: one of 'strict', 'preferred', \
         'interleave', 'restrictive'"
    );
    // A domain is also a snapshot's `<inactiveDomain>`.
    assert!(doc("domaincommon", "VcpuValue")
        .starts_with("The text of `<vcpu>` in `<domain>` or `<inactiveDomain>`: a value"));
    assert!(doc("domaincommon", "CharDevice").starts_with("`<parallel>` or `<serial>` ("));
    assert_eq!(doc("basictypes", "YesNo"), "One of 'yes', 'no'");
}
