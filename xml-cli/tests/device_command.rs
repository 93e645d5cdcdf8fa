//! Device files (what `virsh attach-device` takes) with `check`, `fmt` and `diff`.

use std::path::{Path, PathBuf};
use std::process::Command;

const HOSTDEV: &str = "<hostdev mode='subsystem' type='usb' managed='yes'>\n  <source>\n    <vendor id='0x0b6d'/>\n    <product id='0x3880'/>\n  </source>\n</hostdev>\n";
const NIC: &str = "<interface type='network'>\n  <mac address='52:54:00:4c:58:01'/>\n  <source network='default'/>\n  <model type='virtio'/>\n</interface>\n";
const HOST_NIC: &str = "<interface type='ethernet' name='eth0'>\n  <start mode='onboot'/>\n  <protocol family='ipv4'>\n    <dhcp/>\n  </protocol>\n</interface>\n";

fn folder(files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xml-model-device-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_xml-model")).current_dir(dir).args(args).output().unwrap();
    (o.status.code(), String::from_utf8(o.stdout).unwrap() + &String::from_utf8(o.stderr).unwrap())
}

#[test]
fn device_files_check_format_and_diff() {
    let bad = HOSTDEV.replace("<product id='0x3880'/>", "<product id='0x3880' colour='blue'/>");
    let dir = folder(&[("usb.xml", HOSTDEV), ("nic.xml", NIC), ("host-nic.xml", HOST_NIC), ("bad.xml", &bad)]);
    // check: a device is checked as it would be inside <devices>.
    assert_eq!(run(&dir, &["check", "usb.xml"]), (Some(0), "usb.xml: valid (as a device)\n".into()));
    let (code, out) = run(&dir, &["check", "bad.xml"]);
    assert_eq!(code, Some(1));
    assert!(out.starts_with("bad.xml:4:26: invalid: /hostdev/source/product/@colour"), "{out}");
    // <interface>: a host interface when it is valid as one, else a guest's NIC, and says so.
    assert_eq!(run(&dir, &["check", "host-nic.xml"]), (Some(0), "host-nic.xml: valid\n".into()));
    assert_eq!(run(&dir, &["check", "nic.xml"]), (Some(0), "nic.xml: valid (as a device)\n".into()));
    let (code, out) = run(&dir, &["check", "--kind", "device", "host-nic.xml"]);
    assert_eq!(code, Some(1), "{out}");
    let (code, out) = run(&dir, &["check", "--kind", "devise", "usb.xml"]);
    assert_eq!(code, Some(2));
    assert!(out.contains("unknown kind 'devise'"), "{out}");
    // fmt: typed, in libvirt's style; a device file already in it comes back as it was.
    assert_eq!(run(&dir, &["fmt", "usb.xml"]), (Some(0), HOSTDEV.into()));
    assert_eq!(run(&dir, &["fmt", "nic.xml"]), (Some(0), NIC.into()));
    assert_eq!(run(&dir, &["fmt", "--check", "usb.xml", "nic.xml", "host-nic.xml"]).0, Some(0));
    assert_eq!(run(&dir, &["roundtrip", "usb.xml", "nic.xml"]).1, "roundtrip: 2 passed, 0 failed\n");
    // A device `Device` does not hold is still formatted, kept as it is.
    std::fs::write(dir.join("watchdog.xml"), "<watchdog model=\"i6300esb\"   action='reset'/>\n").unwrap();
    assert_eq!(run(&dir, &["fmt", "watchdog.xml"]), (Some(0), "<watchdog model='i6300esb' action='reset'/>\n".into()));
    assert_eq!(run(&dir, &["check", "watchdog.xml"]), (Some(0), "watchdog.xml: valid (as a device)\n".into()));
    // diff between device files.
    std::fs::write(dir.join("usb2.xml"), HOSTDEV.replace("0x3880", "0x3881")).unwrap();
    let (code, out) = run(&dir, &["diff", "usb.xml", "usb2.xml"]);
    assert_eq!(code, Some(1));
    assert!(out.contains("/hostdev"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}
