//! The checked-in model in `xml-model/src/generated/` is what the codegen makes of the
//! pinned schema set (prost's bootstrap test): this fails when either went stale.

use std::path::Path;

#[test]
fn schemas_match_their_pins() {
    let dir = xml_codegen::schema_dir();
    let pins = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/SHA256SUMS")).unwrap();
    let out = std::process::Command::new("sha256sum")
        .args(pins.lines().map(|l| l.split_whitespace().nth(1).expect("a file name")))
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|e| panic!("sha256sum in {}: {e}", dir.display()));
    assert!(out.status.success(), "sha256sum failed in {}: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), pins, "the schemas in {} are not the pinned set", dir.display());
}

#[test]
fn checked_in_model_is_up_to_date() {
    let files =
        xml_codegen::generate(&xml_codegen::schema_dir(), &xml_codegen::config_path()).expect("the schemas load");
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../xml-model/src/generated");
    let mut stale = Vec::new();
    for (name, text) in &files {
        let path = out.join(format!("{name}.rs"));
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if &current != text {
            stale.push(path.display().to_string());
        }
    }
    let on_disk = std::fs::read_dir(&out).unwrap().count();
    assert_eq!(on_disk, files.len(), "files in {} that the codegen does not write", out.display());
    assert!(stale.is_empty(), "stale generated files (run `cargo run -p xml-codegen`): {stale:?}");
}
