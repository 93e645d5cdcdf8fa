//! Values are built with `new(required..)` and chaining setters; `validate()` checks what types do not
//! carry (patterns, ranges, rules across fields), with the document path of each problem. A
//! guest built in code is written in libvirt's order (snapshot).

mod support;

use libvirt_xml::{Number, ScaledInteger, Unit, ValidateRoot, XmlDocument};
use support::domain::*;

/// The guest of the seed guide, built in code: host-model CPU with `<maxphysaddr>`, huge
/// pages with shared access, a virtiofs share, USB and PCI passthrough.
fn seed_guest() -> Domain {
    Domain::new(DomainType::Kvm, "h-virtiofs")
        .memory(ScaledInteger::gib(4))
        .memory_backing(
            MemoryBacking::new()
                .hugepages(Hugepages::new().page(Page::new(2048u64).unit(Unit::kib())))
                .access(MemoryAccess::new(AccessMode::Shared)),
        )
        .vcpu(Vcpu::new(VcpuCount(Number::new(2))).placement(Placement::Static))
        .cpu(
            Cpu::new()
                .mode(CpuMode::HostModel)
                .maxphysaddr(MaxPhysAddr::new(PhysAddrMode::Passthrough).limit(PhysBits(Number::new(41)))),
        )
        .devices(
            Devices::new().item(virtiofs("/var/guests/h-virtiofs", "myfs")).item(Device::Hostdev(
                Hostdev::new(HostdevKind::Usb(UsbHostdev::new(
                    UsbSource::new().vendor(UsbId::new(0x0b6du16)).product(UsbId::new(0x3880u16)),
                )))
                .mode(HostdevMode::Subsystem)
                .managed(YesNo::Yes),
            )),
        )
}

#[test]
fn a_guest_built_in_code_is_written_in_libvirt_order() {
    let guest = seed_guest();
    assert_eq!(guest.validate(), Ok(()));
    let xml = guest.to_xml();
    support::snapshot_settings().bind(|| insta::assert_snapshot!("seed_guest_built_in_code", xml));
    // And it reads back to the same value.
    assert_eq!(Domain::from_xml_strict(&xml).unwrap(), guest);
}

#[test]
fn validate_reports_facets_with_paths() {
    let mut guest = seed_guest();
    guest.uuid = Some(Uuid("not-a-uuid".into()));
    guest.vcpu.as_mut().unwrap().count = VcpuCount(Number::new(0));
    guest.cpu.as_mut().unwrap().maxphysaddr.as_mut().unwrap().limit = Some(PhysBits(Number::new(99)));
    let problems = guest.validate().unwrap_err();
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [
            "/domain/uuid: value 'not-a-uuid' does not match the pattern [a-fA-F0-9]{8}-?[a-fA-F0-9]{4}-?[a-fA-F0-9]{4}-?[a-fA-F0-9]{4}-?[a-fA-F0-9]{12}",
            "/domain/vcpu: value 0 is out of range: expected from 1 to 4096",
            "/domain/cpu/maxphysaddr/@limit: value 99 is out of range: expected from 1 to 64",
        ]
    );
}

#[test]
fn validate_indexes_repeated_devices_and_reports_unknown_variants() {
    let xml = "<domain type='kvm'>\n  <name>n</name>\n  <devices>\n    <hostdev mode='subsystem' type='usb'><source/></hostdev>\n    <hostdev mode='subsystem' type='scsi'><source/></hostdev>\n  </devices>\n</domain>\n";
    let d = Domain::from_xml(xml).unwrap();
    let problems = d.validate().unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "/domain/devices/hostdev[2]");
    assert!(problems[0].message.contains("'scsi' is not one the model knows"), "{}", problems[0]);
    // Strict reading refuses it outright.
    assert!(Domain::from_xml_strict(xml).is_err());
}
