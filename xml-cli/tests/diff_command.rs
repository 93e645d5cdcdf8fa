//! `xml-model diff A B`: identical files, reordered attributes and quoting, a unit libvirt calls
//! equal, a moved device, a removed device; exit codes 0, 1, 2 like diff.

use std::path::PathBuf;
use std::process::{Command, Output};

const GUEST: &str = "<domain type='kvm'>
  <name>web</name>
  <memory unit='GiB'>2</memory>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/web.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <target dev='sdb' bus='sata'/>
    </disk>
    <interface type='network'>
      <mac address='52:54:00:4c:58:01'/>
      <source network='default'/>
    </interface>
  </devices>
</domain>
";

fn files(name: &str, a: &str, b: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("xml-model-diff-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (pa, pb) = (dir.join("a.xml"), dir.join("b.xml"));
    std::fs::write(&pa, a).unwrap();
    std::fs::write(&pb, b).unwrap();
    (pa, pb)
}

fn diff(name: &str, a: &str, b: &str, libvirt: bool) -> (Option<i32>, String) {
    let (pa, pb) = files(name, a, b);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xml-model"));
    cmd.arg("diff");
    if libvirt {
        cmd.arg("--libvirt");
    }
    let o: Output = cmd.arg(&pa).arg(&pb).output().expect("runs");
    (o.status.code(), String::from_utf8(o.stdout).unwrap() + &String::from_utf8(o.stderr).unwrap())
}

#[test]
fn identical_files_exit_0_silently() {
    assert_eq!(diff("same", GUEST, GUEST, false), (Some(0), String::new()));
}

#[test]
fn attribute_order_quoting_and_whitespace_do_not_count() {
    let restyled = GUEST
        .replace("<disk type='file' device='disk'>", "<disk device=\"disk\"   type=\"file\">")
        .replace("\n    ", "\n        ");
    assert_eq!(diff("style", GUEST, &restyled, false), (Some(0), String::new()));
}

#[test]
fn a_unit_libvirt_calls_equal_differs_only_as_text() {
    let kib = GUEST.replace("<memory unit='GiB'>2</memory>", "<memory unit='KiB'>2097152</memory>");
    let (code, out) = diff("unit", GUEST, &kib, false);
    assert_eq!(code, Some(1));
    assert_eq!(out, "~ /domain/memory/@unit: GiB -> KiB\n~ /domain/memory: 2 -> 2097152\n");
    // libvirt stores every size in KiB: for it they are the same.
    assert_eq!(diff("unit-libvirt", GUEST, &kib, true), (Some(0), String::new()));
    // A real change of size is one either way.
    let more = GUEST.replace("<memory unit='GiB'>2</memory>", "<memory unit='KiB'>4194304</memory>");
    let (code, out) = diff("size-libvirt", GUEST, &more, true);
    assert_eq!((code, out.as_str()), (Some(1), "~ /domain/memory: 2 GiB -> 4194304 KiB\n"));
}

#[test]
fn a_moved_device_is_the_same_device() {
    let disk = "    <disk type='file' device='cdrom'>\n      <target dev='sdb' bus='sata'/>\n    </disk>\n";
    let moved = GUEST.replace(disk, "").replace("  </devices>", &format!("{disk}  </devices>"));
    assert_ne!(moved, GUEST);
    assert_eq!(diff("moved", GUEST, &moved, false), (Some(0), String::new()));
    // A change inside a moved device is named by the device's identity.
    let changed = moved.replace("<target dev='sdb' bus='sata'/>", "<target dev='sdb' bus='scsi'/>");
    let (code, out) = diff("moved-changed", GUEST, &changed, false);
    assert_eq!((code, out.as_str()), (Some(1), "~ /domain/devices/disk[sdb]/target/@bus: sata -> scsi\n"));
}

#[test]
fn a_removed_device_and_an_added_one() {
    let nic = "    <interface type='network'>\n      <mac address='52:54:00:4c:58:01'/>\n      <source network='default'/>\n    </interface>\n";
    let without = GUEST.replace(nic, "");
    let (code, out) = diff("removed", GUEST, &without, false);
    assert_eq!(code, Some(1));
    assert!(out.starts_with("- /domain/devices/interface[52:54:00:4c:58:01]: <interface type='network'"), "{out}");
    let (code, out) = diff("added", &without, GUEST, false);
    assert_eq!(code, Some(1));
    assert!(out.starts_with("+ /domain/devices/interface[52:54:00:4c:58:01]:"), "{out}");
}

#[test]
fn errors_exit_2() {
    let (code, out) = diff("broken", GUEST, "<domain><name>x</nam></domain>", false);
    assert_eq!(code, Some(2));
    assert!(out.contains("1:"), "{out}");
    let o = Command::new(env!("CARGO_BIN_EXE_xml-model"))
        .args(["diff", "/nonexistent/a.xml", "/nonexistent/b.xml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read"));
}
