//! The examples of `examples/`, one per configuration of the guide: each one's XML is a
//! reviewed insta snapshot (`snapshots/example_*.snap`) that `check` and `xmllint --relaxng`
//! accept, and libvirt's `test:///default` driver defines each guest and defines and starts
//! the network. `recipes_qemu.rs` runs the guests and attaches the devices on a real libvirtd
//! (the test driver cannot attach devices).

mod support;

// Each example is compiled here as a module, so that the test calls the code users run.
#[cfg(feature = "virt")]
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
#[path = "../examples/large_guest_hpb.rs"]
mod large_guest_hpb;
#[allow(dead_code)]
#[path = "../examples/maxphysaddr_emulate.rs"]
mod maxphysaddr_emulate;
#[allow(dead_code)]
#[path = "../examples/maxphysaddr_limit.rs"]
mod maxphysaddr_limit;
#[allow(dead_code)]
#[path = "../examples/maxphysaddr_passthrough.rs"]
mod maxphysaddr_passthrough;
#[allow(dead_code)]
#[path = "../examples/memory_shared.rs"]
mod memory_shared;
#[allow(dead_code)]
#[path = "../examples/nat_network.rs"]
mod nat_network;
#[allow(dead_code)]
#[path = "../examples/pci_passthrough.rs"]
mod pci_passthrough;
#[allow(dead_code)]
#[path = "../examples/server.rs"]
mod server;
#[allow(dead_code)]
#[path = "../examples/storage.rs"]
mod storage;
#[allow(dead_code)]
#[path = "../examples/usb_passthrough.rs"]
mod usb_passthrough;
#[allow(dead_code)]
#[path = "../examples/virtiofs.rs"]
mod virtiofs;
#[allow(dead_code)]
#[path = "../examples/windows.rs"]
mod windows;

use libvirt_xml::model::check::Checker;
use libvirt_xml::model::to_fragment;
use libvirt_xml::prelude::*;

/// Every example's guest, by the example's name.
fn guests() -> Vec<(&'static str, Domain)> {
    vec![
        ("cpu_host_model", cpu_host_model::guest()),
        ("cpu_host_passthrough", cpu_host_passthrough::guest()),
        ("cpu_maximum", cpu_maximum::guest()),
        ("cpu_custom", cpu_custom::guest()),
        ("maxphysaddr_passthrough", maxphysaddr_passthrough::guest()),
        ("maxphysaddr_limit", maxphysaddr_limit::guest()),
        ("maxphysaddr_emulate", maxphysaddr_emulate::guest()),
        ("large_guest_hpb", large_guest_hpb::guest()),
        ("hugepages_default", hugepages_default::guest()),
        ("hugepages_sized", hugepages_sized::guest()),
        ("memory_shared", memory_shared::guest()),
        ("hugepages_shared", hugepages_shared::guest()),
        ("virtiofs", virtiofs::guest()),
        ("usb_passthrough", usb_passthrough::guest()),
        ("pci_passthrough", pci_passthrough::guest()),
        ("cdrom", cdrom::guest()),
        ("nat_network", nat_network::guest()),
        ("bridge_nic", bridge_nic::guest()),
        ("storage", storage::guest(DomainType::Kvm)),
        ("server", server::guest()),
        ("windows", windows::guest()),
    ]
}

/// The snapshot is the reviewed XML; `check` and xmllint both accept it.
fn accepted(snapshot: &str, xml: &str, schema: &str) {
    let report = Checker::new().check_str(xml);
    assert!(report.is_valid(), "{snapshot}: {report}\n{xml}");
    support::xmllint(xml, schema).unwrap_or_else(|e| panic!("{snapshot}: xmllint refuses it: {e}\n{xml}"));
    support::snapshot_settings().bind(|| insta::assert_snapshot!(snapshot, xml));
}

#[test]
fn every_example_guest_is_valid_and_reviewed() {
    let guests = guests();
    assert_eq!(guests.len(), 21);
    for (name, guest) in &guests {
        assert_eq!(guest.validate(), Ok(()), "{name}");
        accepted(&format!("example_{name}"), &guest.to_xml(), "domain.rng");
        // What is written reads back to the same value, strictly.
        assert_eq!(&Domain::from_xml_strict(&guest.to_xml()).unwrap(), guest, "{name}");
    }
}

#[test]
fn the_nat_network_is_valid_and_reviewed() {
    accepted("example_nat_network_network", &nat_network::network().to_xml(), "network.rng");
}

#[test]
fn the_storage_pool_and_volume_are_valid_and_reviewed() {
    accepted("example_storage_pool", &storage::pool().to_xml(), "storagepool.rng");
    accepted("example_storage_volume", &storage::volume().to_xml(), "storagevol.rng");
}

#[test]
fn devices_alone_are_the_elements_attach_device_takes() {
    let devices = [
        ("example_usb_passthrough_device", to_fragment(&usb_passthrough::device(), "hostdev")),
        ("example_pci_passthrough_device", to_fragment(&pci_passthrough::device(), "hostdev")),
        ("example_cdrom_device", to_fragment(&cdrom::device(), "disk")),
    ];
    for (name, xml) in devices {
        // The schema checks a device inside a guest: wrap it in the smallest one.
        let guest = format!("<domain type='kvm'><name>d</name><devices>{xml}</devices></domain>");
        support::xmllint(&guest, "domain.rng").unwrap_or_else(|e| panic!("{name}: {e}\n{xml}"));
        support::snapshot_settings().bind(|| insta::assert_snapshot!(name, xml));
    }
}

/// Each guest and device on libvirt's embedded test driver.
#[cfg(feature = "virt")]
mod test_driver {
    use libvirt_xml::prelude::*;
    use libvirt_xml::virt::{Connection, Outcome, TEST_URI};

    use super::*;

    fn connection() -> Connection {
        Connection::open(TEST_URI).expect("the test driver is built into libvirt")
    }

    #[test]
    fn every_example_guest_is_defined() {
        let conn = connection();
        for (name, guest) in guests() {
            let guest = Domain { kind: DomainType::Test, ..guest };
            let report = conn.apply(&guest).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(report.outcome, Outcome::Created, "{name}");
            // libvirt before 9.3 does not know <maxphysaddr limit=..> and drops it: the report
            // says so instead of letting it go silently.
            let dropped: Vec<&str> = report.residual.iter().map(|c| c.path.as_str()).collect();
            if name == "maxphysaddr_limit" && conn.libvirt_version().unwrap() < (9, 3, 0) {
                assert_eq!(dropped, ["/domain/cpu/maxphysaddr/@limit"], "{name}");
                report.guest.undefine().unwrap();
                continue;
            }
            assert!(dropped.is_empty(), "{name}: libvirt dropped {dropped:?}");
            // Applying it again finds nothing to change.
            assert_eq!(conn.apply(&guest).unwrap().outcome, Outcome::Unchanged, "{name}");
            report.guest.undefine().unwrap();
        }
    }

    #[test]
    fn the_autostarted_guest_is_marked() {
        let conn = connection();
        let guest = autostart::guest(DomainType::Test);
        let defined = autostart::define_autostarted(&conn, &guest).unwrap();
        assert!(defined.autostart().unwrap());
        defined.undefine().unwrap();
    }

    #[test]
    fn the_storage_pool_holds_the_volume_the_guest_uses() {
        let conn = connection();
        let pool = conn.define_pool(&storage::pool()).unwrap();
        pool.build().unwrap();
        pool.start().unwrap();
        let volume = pool.create_volume(&storage::volume()).unwrap();
        assert_eq!(volume.capacity_and_allocation().unwrap().0, 8 << 30);
        assert_eq!(volume.dumpxml().unwrap().name, storage::volume().name);
        let guest = conn.apply(&storage::guest(DomainType::Test)).unwrap();
        assert!(guest.residual.is_empty(), "{:?}", guest.residual);
        guest.guest.undefine().unwrap();
        volume.delete().unwrap();
        pool.destroy().unwrap();
        pool.undefine().unwrap();
    }

    #[test]
    fn the_nat_network_is_defined_and_started() {
        let conn = connection();
        // The test driver has its own `default` network: redefining it keeps its UUID.
        let network = nat_network::network();
        let defined = conn.define_network(&network).unwrap();
        let back = defined.dumpxml().unwrap();
        assert_eq!(back.forward.as_ref().and_then(|f| f.mode), network.forward.as_ref().unwrap().mode);
        assert_eq!(back.ips, network.ips);
        // A second one, started and stopped.
        let other = Network { name: "lxv-recipe-nat".into(), ..network };
        let other = conn.define_network(&other).unwrap();
        other.start().unwrap();
        assert!(other.is_active().unwrap());
        other.set_autostart(true).unwrap();
        assert!(other.autostart().unwrap());
        other.destroy().unwrap();
        other.undefine().unwrap();
    }
}
