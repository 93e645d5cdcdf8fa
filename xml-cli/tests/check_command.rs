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
    // The guess is a field of its own, for tools; the message ends with it.
    assert_eq!(p["suggestion"], "'qemu'", "{p}");
    assert!(!p["expected"].as_str().unwrap().contains("did you mean"), "{p}");
    assert!(p["message"].as_str().unwrap().ends_with("; did you mean 'qemu'?"), "{p}");
    assert_eq!(items[2]["valid"], false);
    assert_eq!(items[2]["problems"][0]["suggestion"], serde_json::Value::Null);
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

/// The schema set of the libvirt installed here (Debian 12's libvirt0: 9.0.0). `.ci/run`
/// installs it with libvirt-dev; without it these tests fail rather than pass unseen.
const INSTALLED: &str = "/usr/share/libvirt/schemas";

/// `<maxphysaddr limit>` came with libvirt 9.3: the installed 9.0.0 would drop it silently.
const NEWER: &str = "<domain type='kvm'>\n  <name>a</name>\n  <memory>1024</memory>\n  <os>\n    <type>hvm</type>\n  </os>\n  <cpu mode='host-passthrough'>\n    <maxphysaddr mode='passthrough' limit='39'/>\n  </cpu>\n</domain>\n";

#[test]
fn schemas_of_an_installed_libvirt_flag_what_it_is_too_old_for() {
    assert!(Path::new(INSTALLED).join("domain.rng").is_file(), "{INSTALLED} is missing: install libvirt0");
    let dir = folder("schemas", &[("new.xml", NEWER), ("old.xml", VALID)]);
    let (new, old) = (dir.join("new.xml"), dir.join("old.xml"));

    // The compiled-in 11.3.0 set: valid.
    let o = check(&[arg(&new)]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");

    // 9.0.0's: the attribute is flagged with its path and position, in the same words.
    let o = check(&["--schemas", INSTALLED, arg(&new), arg(&old)]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with(&format!(
            "{}:8:37: invalid: /domain/cpu/maxphysaddr/@limit: found attribute 'limit'; expected an attribute of 'bits'",
            new.display()
        )),
        "{out}"
    );
    assert_eq!(lines[1], format!("{}: valid", old.display()));

    // And as JSON, for tools.
    let o = check(&["--format", "json", "--schemas", INSTALLED, arg(&new)]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(json[0]["valid"], false, "{json}");
    assert_eq!(json[0]["problems"][0]["path"], "/domain/cpu/maxphysaddr/@limit", "{json}");
}

#[test]
fn schemas_from_a_folder_that_is_not_one_is_a_usage_error() {
    let dir = folder("not-schemas", &[("a.xml", VALID)]);
    let o = check(&["--schemas", arg(&dir), arg(&dir.join("a.xml"))]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("no domain.rng: not a libvirt schema folder"), "{err}");

    // A schema folder with a broken schema names the file.
    let broken = folder(
        "broken-schemas",
        &[(
            "domain.rng",
            "<grammar xmlns='http://relaxng.org/ns/structure/1.0'><start><ref name='nowhere'/></start></grammar>",
        )],
    );
    let o = check(&["--schemas", arg(&broken), arg(&dir.join("a.xml"))]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("domain.rng") && err.contains("nowhere"), "{err}");
}

#[test]
fn rules_hold_a_valid_domain_to_libvirt_s_own_rules_at_their_lines() {
    // Valid against the schema (xmllint agrees), refused by libvirt's define: two disks on one
    // target, and a vsock CID libvirt reserves.
    let disk = "    <disk type='file' device='disk'>\n      <source file='/a.img'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n";
    let devices = format!("  <devices>\n{disk}{disk}    <vsock model='virtio'>\n      <cid auto='no' address='2'/>\n    </vsock>\n  </devices>\n");
    let refused = VALID.replace("</domain>", &format!("{devices}</domain>"));
    let dir = folder("rules", &[("refused.xml", &refused), ("ok.xml", VALID)]);
    let (bad, ok) = (dir.join("refused.xml"), dir.join("ok.xml"));

    // The schema alone passes it, as xmllint does.
    let o = check(&[arg(&bad)]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");

    let o = check(&["--rules", arg(&ok), arg(&bad)]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0], format!("{}: valid", ok.display()));
    assert_eq!(
        lines[1],
        format!(
            "{}:14:15: invalid: /domain/devices/disk[2]/target/@dev: target 'vda' is already the target of \
             disk[1]: each disk needs a target of its own (a rule of libvirt's src/conf/domain_validate.c, not of \
             the schema)",
            bad.display()
        )
    );
    assert!(lines[2].starts_with(&format!("{}:17:22: invalid: /domain/devices/vsock/cid/@address: ", bad.display())));

    let o = check(&["--rules", "--format", "json", arg(&bad)]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(json[0]["valid"], false, "{json}");
    assert_eq!(json[0]["problems"], serde_json::json!([]), "{json}");
    let rule = &json[0]["rules"][1];
    assert_eq!(
        (&rule["path"], &rule["line"], &rule["column"]),
        (&"/domain/devices/vsock/cid/@address".into(), &17.into(), &22.into())
    );
    assert_eq!(rule["source"], "src/conf/domain_validate.c", "{json}");
}
