//! `xml-model check` as a command: output lines, exit codes, JSON, many files on threads.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VALID: &str = "<domain type='qemu'>\n  <name>a</name>\n  <memory>1024</memory>\n  <os>\n    <type>hvm</type>\n  </os>\n</domain>\n";

fn check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xml-model")).arg("check").args(args).output().expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8")
}

/// A fresh folder with `files` (name, content) in it.
fn folder(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xml-model-check-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (f, text) in files {
        std::fs::write(dir.join(f), text).unwrap();
    }
    dir
}

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn valid_files_exit_0_with_one_line_each() {
    let dir = folder("valid", &[("a.xml", VALID), ("b.xml", VALID)]);
    let (a, b) = (dir.join("a.xml"), dir.join("b.xml"));
    let o = check(&[arg(&a), arg(&b)]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(stdout(&o), format!("{}: valid\n{}: valid\n", a.display(), b.display()));
}

#[test]
fn an_invalid_file_exits_1_with_a_line_per_problem() {
    let bad = VALID.replace("<memory>1024</memory>", "<memory>x</memory>").replace("<os>", "<os bogus='1'>");
    let dir = folder("invalid", &[("ok.xml", VALID), ("bad.xml", &bad)]);
    let (ok, badf) = (dir.join("ok.xml"), dir.join("bad.xml"));
    let o = check(&[arg(&ok), arg(&badf)]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0], format!("{}: valid", ok.display()));
    assert!(
        lines[1].starts_with(&format!("{}:3:11: invalid: /domain/memory: found text 'x'; expected ", badf.display())),
        "{out}"
    );
    assert!(
        lines[2].starts_with(&format!("{}:4:7: invalid: /domain/os/@bogus: found attribute 'bogus'", badf.display())),
        "{out}"
    );
}

#[test]
fn unreadable_files_and_usage_errors_exit_2() {
    let o = check(&["/nonexistent/guest.xml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/guest.xml: cannot read"), "{o:?}");
    assert_eq!(check(&[]).status.code(), Some(2));
    assert_eq!(check(&["--format", "yaml", "x.xml"]).status.code(), Some(2));
    assert_eq!(check(&["--jobs", "0", "x.xml"]).status.code(), Some(2));
}

#[test]
fn json_output_names_every_problem() {
    let bad = VALID.replace("type='qemu'", "type='qemuu'");
    let dir = folder("json", &[("ok.xml", VALID), ("bad.xml", &bad), ("broken.xml", "<domain>")]);
    let files = [dir.join("ok.xml"), dir.join("bad.xml"), dir.join("broken.xml")];
    let o = check(&["--format", "json", arg(&files[0]), arg(&files[1]), arg(&files[2])]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let items = v.as_array().expect("an array");
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["valid"], true);
    assert_eq!(items[0]["schema"], "domain");
    assert_eq!(items[1]["valid"], false);
    let p = &items[1]["problems"][0];
    assert_eq!(p["path"], "/domain/@type");
    assert_eq!((p["line"].as_u64(), p["column"].as_u64()), (Some(1), Some(9)));
    assert_eq!(p["found"], "'qemuu' for attribute 'type'");
    assert!(p["expected"].as_str().unwrap().contains("'kvm'"), "{p}");
    assert_eq!(items[2]["valid"], false);
    assert_eq!(items[2]["problems"][0]["expected"], "well-formed XML");
}

#[test]
fn many_files_on_several_threads_keep_their_order() {
    let bad = VALID.replace("<name>a</name>", "<name>a</name><name>b</name>");
    let mut files = Vec::new();
    for i in 0..40 {
        files.push((format!("{i:02}.xml"), if i % 7 == 3 { bad.clone() } else { VALID.to_owned() }));
    }
    let named: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let dir = folder("many", &named);
    let paths: Vec<PathBuf> = files.iter().map(|(n, _)| dir.join(n)).collect();
    let args: Vec<&str> = std::iter::once("--jobs").chain(["3"]).chain(paths.iter().map(|p| arg(p))).collect();
    let o = check(&args);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let firsts: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    let expected: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(firsts, expected);
    for (line, (_, text)) in out.lines().zip(&files) {
        assert_eq!(line.ends_with(": valid"), *text == VALID, "{line}");
    }
}
