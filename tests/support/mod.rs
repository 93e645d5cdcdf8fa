//! Shared by the integration tests: the hand-written domain slice and paths to the data
//! beside the project.
#![allow(dead_code)]

pub mod domain;

use std::path::PathBuf;

/// Documents libvirt wrote itself (the corpus path of one): `*out*` folders and
/// `.x86_64-latest.xml`-style names.
pub fn libvirt_formatted(path: &str) -> bool {
    let (dirs, file) = path.rsplit_once('/').unwrap_or(("", path));
    dirs.split('/').any(|d| d.contains("out")) || file.contains("-latest.") || file.contains(".x86_64-")
}

/// `../shared` beside the workspace, or `$LIBVIRT_XML_SHARED`.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("LIBVIRT_XML_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

/// One document of libvirt's test corpus, as `MANIFEST.tsv` lists it.
pub struct Entry {
    /// The top-level schema (`domain`).
    pub kind: String,
    /// The path inside the corpus folder.
    pub path: String,
    /// What `xmllint --relaxng` says of it (the manifest's `rng` column).
    pub schema_valid: bool,
    pub text: String,
}

/// The corpus folder: `$LIBVIRT_XML_CORPUS`, else `corpus/libvirt-11.3.0` of the shared data.
pub fn corpus_dir() -> PathBuf {
    std::env::var_os("LIBVIRT_XML_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| shared_dir().join("corpus/libvirt-11.3.0"))
}

/// Whether the tests read the corpus in `../shared` (libvirt 11.3.0's test documents) rather
/// than one named by `$LIBVIRT_XML_CORPUS`: the counts the tests know of it hold only there.
pub fn is_shared_corpus() -> bool {
    std::env::var_os("LIBVIRT_XML_CORPUS").is_none()
}

/// Guards a corpus test against passing on nothing: on the shared corpus it must have seen at
/// least `minimum` of `what`, so that a truncated copy fails. Any other corpus (held-out
/// documents, a newer libvirt's) is taken as it is: every document in it is still checked,
/// and the count is printed.
pub fn assert_covered(what: &str, count: usize, minimum: usize) {
    eprintln!("{what}: {count}");
    if is_shared_corpus() {
        assert!(count >= minimum, "{what}: {count}, fewer than the {minimum} of the shared corpus: is it complete?");
    }
}

/// Every document the manifest lists, read.
pub fn corpus() -> Vec<Entry> {
    let dir = corpus_dir();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join("MANIFEST.tsv").display()));
    manifest
        .lines()
        .skip(1)
        .map(|line| {
            let c: Vec<&str> = line.split('\t').collect();
            let text = std::fs::read_to_string(dir.join(c[1])).unwrap_or_else(|e| panic!("{}: {e}", c[1]));
            Entry { kind: c[0].to_owned(), path: c[1].to_owned(), schema_valid: c[3] == "valid", text }
        })
        .collect()
}

/// The seed guide's text.
pub fn seed_text() -> String {
    let dir = shared_dir().join("seed");
    let mut out = String::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the seed folder {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        out.push_str(&std::fs::read_to_string(&p).expect("seed file"));
    }
    out
}

/// The fenced ```xml blocks of a markdown text, trimmed.
pub fn xml_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim_start() == "```xml" => current = Some(String::new()),
            Some(_) if line.trim_start() == "```" => blocks.push(current.take().expect("open").trim().to_owned()),
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    blocks
}

/// insta settings that keep snapshots in the workspace's `snapshots/` folder.
pub fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

/// libvirt's schema folder: `$LIBVIRT_SCHEMAS`, else `libvirt-schemas/11.3.0` of the shared data.
pub fn schema_dir() -> PathBuf {
    std::env::var_os("LIBVIRT_SCHEMAS")
        .map(PathBuf::from)
        .unwrap_or_else(|| shared_dir().join("libvirt-schemas/11.3.0"))
}

/// What `xmllint --noout --relaxng` says of a document against one of libvirt's top-level
/// schemas (`domain.rng`): `Ok` when it validates, else its messages.
pub fn xmllint(xml: &str, schema: &str) -> Result<(), String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "libvirt-xml-xmllint-{}-{}.xml",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, xml).expect("temporary file");
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--relaxng")
        .arg(schema_dir().join(schema))
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run xmllint (Debian package libxml2-utils): {e}"));
    let _ = std::fs::remove_file(&path);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.success() {
        Ok(())
    } else {
        Err(stderr)
    }
}
