//! `xml-model fmt` as a user runs it: where it writes (and never writes), `--check`,
//! `--in-place`; and the command line's `--help` and `--version`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A document in libvirt's style: `fmt` leaves it as it is.
const FORMATTED: &str = "<domain type='qemu'>\n  <name>a</name>\n  <memory>1024</memory>\n</domain>\n";

fn xml_model(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xml-model")).current_dir(dir).args(args).output().expect("runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// A fresh folder `root` with `sub/a.xml` and `out/`.
fn tree(name: &str, content: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("xml-model-fmt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::create_dir_all(root.join("out")).unwrap();
    std::fs::write(root.join("sub/a.xml"), content).unwrap();
    root
}

/// Every file under `dir`, relative to it.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn out_dir_never_writes_outside_it_nor_over_the_input() {
    let root = tree("outdir", FORMATTED);
    // The case that once rewrote sub/a.xml itself: the input climbs out of the folder.
    let o = xml_model(&root.join("sub"), &["fmt", "--out-dir", "../out", "../sub/a.xml"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(files(&root.join("out")), ["a.xml"]);
    assert_eq!(std::fs::read_to_string(root.join("out/a.xml")).unwrap(), FORMATTED);
    // An absolute input goes under the folder by its absolute path.
    let abs = root.join("sub/a.xml");
    let o = xml_model(&root, &["fmt", "--out-dir", "out", abs.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let expected = root.join("out").join(abs.strip_prefix("/").unwrap());
    assert!(expected.exists(), "{:?}", files(&root.join("out")));
    // --out-dir onto the input's own folder is refused, the input untouched.
    std::fs::write(root.join("sub/a.xml"), "<domain type='qemu'><name>a</name></domain>").unwrap();
    let o = xml_model(&root.join("sub"), &["fmt", "--out-dir", ".", "a.xml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("would overwrite the input (use --in-place)"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(root.join("sub/a.xml")).unwrap(), "<domain type='qemu'><name>a</name></domain>");
    // Two inputs that would land on one output: the second is refused.
    let o = xml_model(&root.join("sub"), &["fmt", "--out-dir", "../out2", "a.xml", "../sub/a.xml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("would both be written to"), "{}", text(&o.stderr));
    // No temporary file is left behind.
    assert!(files(&root).iter().all(|f| !f.contains(".tmp")), "{:?}", files(&root));
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn without_options_fmt_writes_to_standard_output_only() {
    let root = tree("stdout", FORMATTED);
    let o = xml_model(&root, &["fmt", "sub/a.xml"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(text(&o.stdout), FORMATTED);
    assert_eq!(files(&root), ["sub/a.xml"]);
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn check_names_what_would_change_and_in_place_changes_it() {
    // `<name>` on the root's line: the model writes it on its own line.
    let unformatted = "<domain type='qemu'><name>a</name>\n  <memory>1024</memory>\n</domain>\n";
    let root = tree("check", unformatted);
    std::fs::write(root.join("sub/b.xml"), FORMATTED).unwrap();
    let o = xml_model(&root, &["fmt", "--check", "sub/a.xml", "sub/b.xml"]);
    let reformatted = text(&xml_model(&root, &["fmt", "sub/a.xml"]).stdout);
    assert_eq!(reformatted, FORMATTED);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "sub/a.xml\n");
    assert_eq!(std::fs::read_to_string(root.join("sub/a.xml")).unwrap(), unformatted, "--check writes nothing");
    let o = xml_model(&root, &["fmt", "--in-place", "sub/a.xml", "sub/b.xml"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(root.join("sub/a.xml")).unwrap(), reformatted);
    assert_eq!(xml_model(&root, &["fmt", "--check", "sub/a.xml", "sub/b.xml"]).status.code(), Some(0));
    // --check and --in-place together make no sense.
    assert_eq!(xml_model(&root, &["fmt", "--check", "--in-place", "sub/a.xml"]).status.code(), Some(2));
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn help_and_version() {
    let here = std::env::temp_dir();
    let o = xml_model(&here, &["--version"]);
    assert_eq!(text(&o.stdout), format!("xml-model {}\n", env!("CARGO_PKG_VERSION")));
    let help = text(&xml_model(&here, &["--help"]).stdout);
    for command in ["check", "fmt", "roundtrip"] {
        assert!(help.contains(command), "{help}");
    }
    let check = text(&xml_model(&here, &["check", "--help"]).stdout);
    assert!(check.contains("--format <FORMAT>") && check.contains("--jobs <N>"), "{check}");
    let fmt = text(&xml_model(&here, &["fmt", "--help"]).stdout);
    assert!(fmt.contains("--check") && fmt.contains("--in-place") && fmt.contains("--out-dir <DIR>"), "{fmt}");
    // Usage errors exit 2 and say what is wrong.
    let o = xml_model(&here, &["fmt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("<FILE>"), "{}", text(&o.stderr));
    assert_eq!(xml_model(&here, &["frobnicate"]).status.code(), Some(2));
}
