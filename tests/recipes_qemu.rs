//! The examples of `examples/` on a real libvirtd with QEMU (`qemu:///system`, or
//! `$LIBVIRT_XML_E2E_URI`): every guest is defined, the ones this host can run are started
//! (CPU models, huge pages, shared memory, virtiofs), and the passthrough and CD-ROM devices
//! go into a definition and out again. Guests are made small (64 MiB, domain type `qemu`
//! unless `$LIBVIRT_XML_E2E_DOMAIN_TYPE` says otherwise) and named `lxv-*-<pid>`.
//! Skipped without a daemon unless `LIBVIRT_XML_E2E=1`, as in `virt_qemu.rs`.

#![cfg(feature = "virt")]

mod virt_support;

#[allow(dead_code)]
#[path = "../examples/autostart.rs"]
mod autostart;
#[allow(dead_code)]
#[path = "../examples/bridge_nic.rs"]
mod bridge_nic;
#[allow(dead_code)]
#[path = "../examples/cdrom.rs"]
mod cdrom;
#[allow(dead_code)]
#[path = "../examples/cpu_custom.rs"]
mod cpu_custom;
#[allow(dead_code)]
#[path = "../examples/cpu_host_model.rs"]
mod cpu_host_model;
#[allow(dead_code)]
#[path = "../examples/cpu_host_passthrough.rs"]
mod cpu_host_passthrough;
#[allow(dead_code)]
#[path = "../examples/cpu_maximum.rs"]
mod cpu_maximum;
#[allow(dead_code)]
#[path = "../examples/hugepages_default.rs"]
mod hugepages_default;
#[allow(dead_code)]
#[path = "../examples/hugepages_shared.rs"]
mod hugepages_shared;
#[allow(dead_code)]
#[path = "../examples/hugepages_sized.rs"]
mod hugepages_sized;
#[allow(dead_code)]
#[path = "../examples/maxphysaddr_emulate.rs"]
mod maxphysaddr_emulate;
#[allow(dead_code)]
#[path = "../examples/memory_shared.rs"]
mod memory_shared;
#[allow(dead_code)]
#[path = "../examples/pci_passthrough.rs"]
mod pci_passthrough;
#[allow(dead_code)]
#[path = "../examples/server.rs"]
mod server;
#[allow(dead_code)]
#[path = "../examples/usb_passthrough.rs"]
mod usb_passthrough;
#[allow(dead_code)]
#[path = "../examples/virtiofs.rs"]
mod virtiofs;
#[allow(dead_code)]
#[path = "../examples/windows.rs"]
mod windows;

use std::time::Duration;

use libvirt_xml::prelude::*;
use libvirt_xml::virt::{Connection, DeviceFlags, GuestState, Outcome, UndefineFlags, XmlView};
use virt_support::{daemon, domain_type, name, Cleanup};

/// An example's guest, small enough for the test host, under this test's name. A guest with
/// NUMA cells keeps its memory: libvirt makes `<memory>` the cells' total.
fn small(guest: Domain, name: &str) -> Domain {
    let numa = guest.cpu.as_ref().is_some_and(|c| c.numa.is_some());
    let guest = Domain { kind: domain_type(), name: name.into(), ..guest };
    if numa {
        guest
    } else {
        guest.memory(ScaledInteger::mib(64))
    }
}

/// Defines the guest, checks libvirt kept everything, and starts it when `start`; a started
/// guest must keep running. Returns libvirt's live (or persistent) definition.
fn run(conn: &Connection, what: &str, guest: Domain, start: bool) -> Domain {
    let n = name(what);
    let cleanup = Cleanup::new(conn, &n);
    let report = conn.apply(&small(guest, &n)).unwrap_or_else(|e| panic!("{what}: {e}"));
    let dropped: Vec<&str> = report.residual.iter().map(|c| c.path.as_str()).collect();
    assert!(dropped.is_empty(), "{what}: libvirt dropped {dropped:?}");
    if !start {
        return report.guest.dumpxml(XmlView::Inactive).unwrap();
    }
    report.guest.start().unwrap_or_else(|e| panic!("{what} does not start: {e}"));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(report.guest.state().unwrap(), GuestState::Running, "{what} keeps running");
    let live = report.guest.dumpxml(XmlView::Live).unwrap();
    drop(cleanup);
    live
}

#[test]
fn cpu_models_run() {
    let Some(conn) = daemon() else { return };
    for (what, guest) in [
        ("cpu-host-model", cpu_host_model::guest()),
        ("cpu-maximum", cpu_maximum::guest()),
        ("maxphysaddr-emulate", maxphysaddr_emulate::guest()),
    ] {
        let live = run(&conn, what, guest, true);
        assert!(live.cpu.is_some(), "{what}");
    }
    // `host-passthrough` needs KVM and a named model needs its features on the host: with
    // TCG these are definitions only.
    let kvm = domain_type() == DomainType::Kvm;
    let passthrough = run(&conn, "cpu-passthrough", cpu_host_passthrough::guest(), kvm);
    assert_eq!(passthrough.cpu.unwrap().mode, Some(CpuMode::HostPassthrough));
    let custom = run(&conn, "cpu-custom", cpu_custom::guest(), false);
    assert_eq!(custom.cpu.unwrap().features.len(), 2);
}

#[test]
fn memory_backings_and_virtiofs_run() {
    let Some(conn) = daemon() else { return };
    for (what, guest) in [
        ("hugepages-default", hugepages_default::guest()),
        ("memory-shared", memory_shared::guest()),
        ("hugepages-shared", hugepages_shared::guest()),
    ] {
        let live = run(&conn, what, guest.clone(), true);
        assert_eq!(live.memory_backing, guest.memory_backing, "{what}");
    }
    // The example's share, moved to a folder of this test, served by Debian's virtiofsd.
    let share = std::env::temp_dir().join(format!("libvirt-xml-e2e-recipe-share-{}", std::process::id()));
    std::fs::create_dir_all(&share).unwrap();
    let mut guest = virtiofs::guest();
    let virtiofsd = std::path::Path::new("/usr/lib/qemu/virtiofsd");
    for fs in guest.device_list_mut().iter_mut().filter_map(Device::as_filesystem_mut) {
        if let Some(mount) = fs.kind.as_mount_mut() {
            mount.source.dir = Some(share.display().to_string().as_str().into());
        }
        if virtiofsd.exists() {
            *fs = fs.clone().virtiofsd(&virtiofsd.display().to_string());
        }
    }
    let live = run(&conn, "virtiofs", guest, true);
    assert!(live.device_list().iter().any(|d| matches!(d, Device::Filesystem(_))));
    std::fs::remove_dir(&share).unwrap();
    // 1 GiB pages are not reserved here, and the NUMA cells hold 4 GiB: a definition only.
    let sized = run(&conn, "hugepages-sized", hugepages_sized::guest(), false);
    assert_eq!(sized.memory_backing.unwrap().hugepages.unwrap().pages.len(), 2);
}

#[test]
fn passthrough_and_cdrom_devices_go_in_and_out_of_a_definition() {
    let Some(conn) = daemon() else { return };
    // In the guests of the examples (the devices are not on this host: definitions only)...
    for (what, guest) in [
        ("usb-passthrough", usb_passthrough::guest()),
        ("pci-passthrough", pci_passthrough::guest()),
        ("cdrom", cdrom::guest()),
        ("bridge-nic", bridge_nic::guest()),
    ] {
        let defined = run(&conn, what, guest.clone(), false);
        assert_eq!(defined.device_list().len(), guest.device_list().len() + count_added(&defined), "{what}");
    }
    // ...and alone, as attach-device and detach-device take them.
    let n = name("recipe-devices");
    let cleanup = Cleanup::new(&conn, &n);
    let guest = conn.define(&small(Domain::new(DomainType::Kvm, "x").os(Os::hvm()), &n)).unwrap();
    let hostdevs = || {
        let now: Domain = guest.dumpxml(XmlView::Inactive).unwrap();
        now.device_list().iter().filter(|d| matches!(d, Device::Hostdev(_) | Device::Disk(_))).count()
    };
    let before = hostdevs();
    guest.attach_device(&usb_passthrough::device(), DeviceFlags::CONFIG).unwrap();
    guest.attach_device(&pci_passthrough::device(), DeviceFlags::CONFIG).unwrap();
    guest.attach_device(&cdrom::device(), DeviceFlags::CONFIG).unwrap();
    assert_eq!(hostdevs(), before + 3);
    guest.detach_device(&usb_passthrough::device(), DeviceFlags::CONFIG).unwrap();
    guest.detach_device(&pci_passthrough::device(), DeviceFlags::CONFIG).unwrap();
    guest.detach_device(&cdrom::device(), DeviceFlags::CONFIG).unwrap();
    assert_eq!(hostdevs(), before);
    drop(cleanup);
}

/// The devices libvirt adds to a definition by itself (controllers, input, memballoon...).
fn count_added(defined: &Domain) -> usize {
    defined
        .device_list()
        .iter()
        .filter(|d| !matches!(d, Device::Hostdev(_) | Device::Disk(_) | Device::Interface(_)))
        .count()
}

/// The Windows example is defined on the daemon with nothing dropped: its TPM, Secure Boot
/// firmware, Hyper-V enlightenments and clock. It is not started: its enlightenments need
/// KVM (QEMU under TCG refuses `hv-vpindex`).
#[test]
fn the_windows_guest_is_defined_as_written() {
    let Some(conn) = daemon() else { return };
    let defined = run(&conn, "windows-defined", windows::guest(), false);
    let guest = windows::guest();
    assert_eq!(defined.clock, guest.clock);
    assert_eq!(
        defined.features.as_ref().and_then(|f| f.hyperv.as_ref()),
        guest.features.as_ref().and_then(|f| f.hyperv.as_ref())
    );
    let tpm = |d: &Domain| {
        d.device_list().iter().filter_map(|d| d.as_tpm()).map(|t| (t.model, t.backend.version)).collect::<Vec<_>>()
    };
    assert_eq!(tpm(&defined), tpm(&guest));
}

/// The server example runs: libvirt picks its UEFI firmware and makes the guest agent's
/// socket. Its disk is an empty image of this test, and its NIC is taken out (the `default`
/// network need not be running here); the CPU model is the host's only with KVM. Then the
/// same guest asks for Secure Boot, and for firmware without it, and gets what it asked for.
#[test]
fn the_server_guest_runs_on_uefi_with_its_guest_agent_channel() {
    let Some(conn) = daemon() else { return };
    // As defined, everything is kept.
    let defined = run(&conn, "server-defined", server::guest(), false);
    assert_eq!(defined.os.as_ref().unwrap().firmware, server::guest().os.unwrap().firmware);

    let image = std::env::temp_dir().join(format!("libvirt-xml-e2e-server-{}.qcow2", std::process::id()));
    let made = std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&image)
        .arg("16M")
        .status()
        .expect("qemu-img runs");
    assert!(made.success());
    let mut guest = server::guest();
    guest.remove_devices(|d| d.as_disk().is_some() || d.as_interface().is_some());
    guest.add_device(Disk::file(&image.display().to_string(), "vda", TargetBus::Virtio).format(DiskDriverType::Qcow2));
    if domain_type() != DomainType::Kvm {
        guest.cpu = None;
    }
    for (what, secure_boot) in
        [("server", None), ("server-secure-boot", Some(true)), ("server-no-secure-boot", Some(false))]
    {
        let n = name(what);
        let cleanup = Cleanup::new(&conn, &n);
        let mut guest = guest.clone();
        if let Some(on) = secure_boot {
            guest = guest.os(Os::uefi().machine("q35").secure_boot(on));
        }
        let guest = small(guest, &n);
        let report = conn.apply(&guest).unwrap();
        report.guest.start().unwrap_or_else(|e| panic!("{what} does not start: {e}"));
        // The firmware libvirt picked is its own addition: the guest as written is unchanged.
        assert_eq!(conn.apply(&guest).unwrap().outcome, Outcome::Unchanged, "{what}");
        let live: Domain = report.guest.dumpxml(XmlView::Live).unwrap();
        let os = live.os.as_ref().unwrap();
        let loader = os.loader.as_ref().unwrap_or_else(|| panic!("{what}: libvirt picked no firmware"));
        let loader_path = loader.value.as_ref().map(|v| v.to_string()).unwrap_or_default();
        let variables = os.nvram.as_ref().and_then(|v| v.value.as_ref());
        let variables =
            std::path::PathBuf::from(variables.unwrap_or_else(|| panic!("{what}: no variables file")).to_string());
        report.guest.destroy().unwrap();
        if let Some(on) = secure_boot {
            assert_eq!(loader.secure == Some(YesNo::Yes), on, "{what}: {loader_path}");
        }
        // Once it has run, its UEFI variables keep a plain undefine from removing it.
        assert!(report.guest.undefine().is_err(), "{what}: libvirt keeps a guest with UEFI variables");
        assert!(variables.exists(), "{what}: {}", variables.display());
        match secure_boot {
            None => {
                let channel = live.device_list().iter().find_map(Device::as_channel).expect("the channel");
                let socket = channel.sources.first().and_then(|s| s.path.as_deref()).expect("a socket path");
                assert!(socket.ends_with("/org.qemu.guest_agent.0"), "{socket}");
                report.guest.undefine_with(UndefineFlags::NVRAM).unwrap();
                assert!(!variables.exists(), "the variables went with the guest");
            }
            // Moved away as a definition (to the test driver): the variables stay here.
            Some(_) => {
                let elsewhere = Connection::open(libvirt_xml::virt::TEST_URI).unwrap();
                report.guest.migrate_offline(&elsewhere, true).unwrap();
                assert!(variables.exists(), "{what}: the variables stay on this host");
                std::fs::remove_file(&variables).unwrap();
            }
        }
        assert!(conn.find_guest(&n).unwrap().is_none(), "{what}: gone from this host");
        drop(cleanup);
    }
    std::fs::remove_file(&image).unwrap();
}

#[test]
fn the_autostarted_guest_is_marked_on_the_daemon() {
    let Some(conn) = daemon() else { return };
    let n = name("autostart");
    let _cleanup = Cleanup::new(&conn, &n);
    let guest = Domain { name: n.as_str().into(), ..autostart::guest(domain_type()) };
    let defined = autostart::define_autostarted(&conn, &guest).unwrap();
    assert!(defined.autostart().unwrap());
    defined.set_autostart(false).unwrap();
}
