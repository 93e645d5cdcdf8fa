//! One small schema per RNG construct, lowered and emitted: snapshots of the generated code
//! (in the workspace's `snapshots/`) show what each construct becomes. The fixtures are RNG
//! grammars of this project's own, named `.xml` so they are not mistaken for libvirt's.

use std::path::Path;

fn generated(file: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let kind = file.trim_end_matches(".xml");
    let model = xml_codegen::model(&dir, &[(kind, file)]).unwrap_or_else(|e| panic!("{file}: {e}"));
    let files = xml_codegen::emit::emit(&model.ir, &model.live, "");
    files
        .into_iter()
        .filter(|(name, _)| name != "mod")
        .map(|(name, text)| format!("// ---- {name}.rs\n{text}"))
        .collect()
}

fn check(file: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let name = format!("codegen_{}", file.trim_end_matches(".xml"));
    settings.bind(|| insta::assert_snapshot!(name, generated(file)));
}

/// Choices of values become string enums; `data` beside values gives an `Other` variant.
#[test]
fn value_choice() {
    check("value_choice.xml");
}

/// `zeroOrMore(choice(element..))` becomes a `Vec` of an enum told apart by element name.
#[test]
fn element_choice() {
    check("element_choice.xml");
}

/// Groups told apart by an attribute value become a flattened tag enum with a default.
#[test]
fn tag_choice() {
    check("tag_choice.xml");
}

/// An element whose one requirement is its kind converts from each kind's content, and has a
/// constructor per kind whose content needs nothing (`Input::tablet()`, `Input::none()`), not
/// for one that needs something (`passthrough` needs its `<source>`).
#[test]
fn variant_constructors() {
    check("variant_constructors.xml");
}

/// Other choices merge into optional fields.
#[test]
fn merged_choice() {
    check("merged_choice.xml");
}

/// A recursive define gets a `Box`.
#[test]
fn recursion() {
    check("recursion.xml");
}

/// `include` with an overriding define, `notAllowed`, and `combine="interleave"`.
#[test]
fn include_override() {
    check("include_override.xml");
}

/// `interleave`, `anyName` (metadata) and a namespaced element.
#[test]
fn interleave_any() {
    check("interleave_any.xml");
}

/// Loading errors name the file and line.
#[test]
fn undefined_ref_is_an_error() {
    let dir = std::env::temp_dir().join(format!("xml-codegen-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("bad.rng"),
        "<grammar xmlns='http://relaxng.org/ns/structure/1.0'>\n<start><ref name='nowhere'/></start>\n</grammar>\n",
    )
    .unwrap();
    let err = xml_codegen::model(&dir, &[("bad", "bad.rng")]).err().expect("an undefined ref");
    assert_eq!(err.to_string(), "bad.rng:2: ref to undefined 'nowhere'");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// codegen.toml's `replace`: references go to the hand-written type, which is not generated.
#[test]
fn replaced_types_are_not_generated() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut model = xml_codegen::model(&dir, &[("tag_choice", "tag_choice.xml")]).unwrap();
    let cfg_dir = std::env::temp_dir().join(format!("codegen-replace-{}", std::process::id()));
    std::fs::create_dir_all(&cfg_dir).unwrap();
    let cfg_path = cfg_dir.join("codegen.toml");
    std::fs::write(&cfg_path, "[replace]\n\"tag_choice::DiskTarget\" = \"crate::custom::Target\"\n").unwrap();
    let cfg = xml_codegen::config::Config::load(&cfg_path).unwrap();
    cfg.apply(&mut model.ir, &model.live).unwrap();
    let text = &xml_codegen::emit::emit(&model.ir, &model.live, "")["tag_choice"];
    assert!(text.contains("pub target: crate::custom::Target,"), "{text}");
    assert!(!text.contains("pub struct DiskTarget"), "{text}");
    std::fs::remove_dir_all(&cfg_dir).unwrap();
}

/// codegen.toml's `[variant_constructors]`: an entry that names no constructor the generator
/// would make is an error, not an entry silently ignored.
#[test]
fn a_stale_variant_constructor_entry_is_an_error() {
    let mut cfg = xml_codegen::config::Config::load(&xml_codegen::config_path()).expect("codegen.toml");
    cfg.no_constructor.push("domaincommon::Input::joystick".into());
    let err = xml_codegen::model_with(&xml_codegen::schema_dir(), xml_codegen::TOP_LEVEL, &cfg)
        .err()
        .expect("the stale entry is refused");
    assert!(err.to_string().contains("domaincommon::Input::joystick"), "{err}");
}
