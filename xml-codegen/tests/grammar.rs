//! The simplified grammar `check` runs on, for small schemas: snapshots (in the workspace's
//! `snapshots/`) show what simplification makes of refs, recursion, `optional`,
//! `zeroOrMore`, `interleave`, facets and `except`.

use std::path::Path;

fn check(file: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let kind = file.trim_end_matches(".xml");
    let text = xml_codegen::grammar::generate(&dir, &[(kind, file)], "").unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(format!("grammar_{kind}"), text));
}

/// Facets become datatype entries; `except` a `DataExcept`; `zeroOrMore` a choice of
/// `oneOrMore` and empty.
#[test]
fn facets_and_except() {
    check("facets_except.xml");
}

/// A recursive define: the element refers back to itself by index.
#[test]
fn recursion() {
    check("recursion.xml");
}

/// Includes with overrides and `combine="interleave"`.
#[test]
fn include_override() {
    check("include_override.xml");
}

/// A schema the checker cannot honour is refused at generation, naming the place.
#[test]
fn unsupported_facets_are_refused() {
    let dir = std::env::temp_dir().join(format!("grammar-refuse-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("bad.xml"),
        "<grammar xmlns='http://relaxng.org/ns/structure/1.0' datatypeLibrary='http://www.w3.org/2001/XMLSchema-datatypes'>\n\
         <start><element name='a'><data type='string'><param name='totalDigits'>3</param></data></element></start>\n\
         </grammar>\n",
    )
    .unwrap();
    let err = xml_codegen::grammar::generate(&dir, &[("bad", "bad.xml")], "").unwrap_err();
    assert_eq!(err.to_string(), "bad.xml:2: facet 'totalDigits' is not supported");
    std::fs::remove_dir_all(&dir).unwrap();
}
