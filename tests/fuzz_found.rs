//! Inputs the fuzz targets (`fuzz/`, run with `cargo +nightly fuzz run TARGET`) found, kept in
//! `tests/fuzz_found/`, replayed against the same properties on every test run.

#[path = "support/properties.rs"]
mod properties;

fn replay(folder: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut checker = libvirt_xml::model::check::Checker::new();
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
        eprintln!("{}", path.display());
        properties::read_write_read(text);
        properties::lean_reading_matches_whole(text);
        properties::check_agrees_with_strict_reading(&mut checker, text);
        properties::fmt_is_idempotent(text);
        properties::diff_is_symmetric(text);
        let limits = libvirt_xml::model::Limits::default();
        properties::tree_same_both_ways(text, false, &limits).unwrap_or_else(|e| panic!("the two parsers differ: {e}"));
        count += 1;
    }
    assert!(count > 0, "no inputs in {}", dir.display());
}

#[test]
fn every_found_input_keeps_every_property() {
    replay("tests/fuzz_found");
}

/// The meant differences between `check` and strict reading (see
/// `properties::check_agrees_with_strict_reading`): valid for xmllint, refused by libvirt.
#[test]
fn what_the_schema_allows_and_libvirt_refuses_is_valid_for_check_and_refused_by_strict_reading() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_found");
    for (file, refused) in [
        ("check-listed-value-with-spaces.xml", "/domain/vcpu/@placement: invalid value ' static'"),
        ("check-octal-pci-domain.xml", "/domain/devices/interface/address/@domain: invalid value '080000'"),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        assert!(libvirt_xml::model::check::Checker::new().check_str(&text).is_valid(), "{file}");
        let strict = libvirt_xml::Document::<libvirt_xml::prelude::Domain>::parse_with(
            &text,
            libvirt_xml::ReadOptions::strict(),
        );
        let err = strict.expect_err(file).to_string();
        assert!(err.contains(refused), "{file}: {err}");
    }
}
