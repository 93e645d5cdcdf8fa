//! Building guests in code with the generated API: the guide's guest as README.md shows it,
//! valid for `check` and for `xmllint --relaxng`, its XML a snapshot; `validate()` checks
//! what types do not carry, with the document path of each problem.

mod support;

use libvirt_xml::generated::domaincommon::{AddressListen, DriveAddress, Listen, VncGraphics};
use libvirt_xml::model::check::Checker;
use libvirt_xml::prelude::*;

/// The guest of the seed guide: host-model CPU with `<maxphysaddr>`, 2 MiB huge pages with
/// shared access, a virtiofs share, USB and PCI passthrough. README.md shows this code.
#[allow(clippy::let_and_return)] // the `let` is the README's statement, compared line by line
fn guide_guest() -> Domain {
    let guest = Domain::new(DomainType::Kvm, "h-virtiofs")
        .memory(ScaledInteger::gib(4))
        .vcpu(2)
        .os(Os::hvm())
        .cpu(Cpu::host_model().maxphysaddr(CpuMaxPhysAddr::passthrough().limit(41)))
        .memory_backing(MemoryBacking::shared().hugepages(Page::mib(2)))
        .device(Filesystem::virtiofs("/srv/share", "myfs"))
        .device(Hostdev::usb(0x0b6d, 0x3880))
        .device(Hostdev::pci(HostPciAddress::at(0x0000, 0x06, 0x10, 0x0)).managed(true));
    guest
}

/// The lines from `let guest = Domain::new(` to the `;` that ends the statement.
fn guest_code(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().skip_while(|l| !l.trim_start().starts_with("let guest = Domain::new(")) {
        out.push(line.trim().to_owned());
        if line.trim_end().ends_with(';') {
            break;
        }
    }
    out
}

#[test]
fn the_readme_builds_the_guide_guest_with_this_code() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let here = guest_code(include_str!("build_and_validate.rs"));
    assert!(here.len() > 3 && here.len() <= 30, "{here:?}");
    assert_eq!(guest_code(&readme), here, "README.md's guest is not the one tested here");
}

#[test]
fn the_readme_shows_the_guide_guests_xml() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme.split("```xml\n").nth(1).and_then(|rest| rest.split("```").next()).expect("an xml block");
    assert_eq!(block, guide_guest().to_xml(), "README.md's XML is not what the guide guest writes");
}

#[test]
fn the_guide_guest_is_valid_and_written_in_order() {
    let guest = guide_guest();
    assert_eq!(guest.validate(), Ok(()));
    let xml = guest.to_xml();
    let report = Checker::new().check_str(&xml);
    assert!(report.is_valid(), "{report}");
    support::xmllint(&xml, "domain.rng").unwrap_or_else(|e| panic!("xmllint refuses it: {e}\n{xml}"));
    support::snapshot_settings().bind(|| insta::assert_snapshot!("guide_guest_built_in_code", xml));
    // It reads back to the same value, strictly.
    assert_eq!(Domain::from_xml_strict(&xml).unwrap(), guest);
}

#[test]
fn typed_values_come_from_natural_ones() {
    let guest = guide_guest();
    let cpu = guest.cpu.as_deref().unwrap();
    assert_eq!(cpu.mode, Some(CpuMode::HostModel));
    assert_eq!(cpu.maxphysaddr.as_ref().unwrap().limit.as_ref().unwrap().get(), 41);
    assert_eq!(guest.memory.as_ref().unwrap().size.bytes(), Some(4 << 30));
    assert_eq!(guest.vcpu.as_ref().unwrap().value.get(), 2);
    let [Device::Filesystem(fs), Device::Hostdev(usb), Device::Hostdev(pci)] = guest.device_list() else {
        panic!("three devices: {:?}", guest.device_list());
    };
    assert_eq!(fs.target.dir, "myfs");
    assert!(libvirt_xml::model::to_fragment(&**usb, "hostdev").contains("<vendor id='0x0b6d'/>"));
    assert!(libvirt_xml::model::to_fragment(&**pci, "hostdev").contains("managed='yes'"));
}

/// Devices picked by kind, and edited in place, without a match over the device enum.
#[test]
fn devices_are_picked_by_kind() {
    let mut guest = guide_guest().device(Disk::file("/var/lib/libvirt/images/a.qcow2", "vda", TargetBus::Virtio));
    let devices = guest.device_list();
    assert_eq!(devices.iter().filter_map(Device::as_hostdev).count(), 2);
    assert_eq!(devices.iter().find_map(Device::as_filesystem).map(|fs| fs.target.dir.as_str()), Some("myfs"));
    assert!(devices[0].as_disk().is_some(), "the disk goes first, where libvirt writes disks");
    let disk = guest.device_list_mut().iter_mut().find_map(Device::as_disk_mut).expect("the disk");
    disk.target.dev = "vdb".into();
    assert!(guest.to_xml().contains("<target dev='vdb' bus='virtio'/>"), "{}", guest.to_xml());
}

/// The kinds of an element told apart by an attribute are picked like devices, by accessors
/// named after the value: a macvtap NIC's source device without a match, a constructed
/// tablet put on the USB bus.
#[test]
fn kinds_are_picked_by_their_attribute() {
    let guest = Domain::from_xml(
        "<domain type='kvm'><name>k</name><devices>\
         <interface type='direct'><source dev='eth0' mode='bridge'/></interface>\
         </devices></domain>",
    )
    .expect("reads");
    let nic = guest.device_list().iter().find_map(Device::as_interface).expect("a NIC");
    assert_eq!(nic.kind.as_direct().map(|d| d.source.dev.as_str()), Some("eth0"));
    assert!(nic.kind.as_network().is_none() && nic.network_name().is_none());
    let mut tablet = Input::tablet();
    tablet.kind.as_tablet_mut().expect("a tablet").set_bus(InputBus::Usb);
    assert!(tablet.kind.as_mouse().is_none(), "the content is shared, the kind is not");
    assert_eq!(libvirt_xml::model::to_fragment(&tablet, "input"), "<input type='tablet' bus='usb'/>");
}

/// Which host devices a guest passes through, read back without a match over the kinds.
#[test]
fn passed_through_devices_are_read_back() {
    let guest = Domain::from_xml(
        "<domain type='kvm'><name>p</name><devices>\
         <hostdev mode='subsystem' type='pci' managed='yes'><source>\
         <address domain='0x0000' bus='0x06' slot='0x10' function='0x2'/></source></hostdev>\
         <hostdev mode='subsystem' type='usb'><source><vendor id='0x0b6d'/>\
         <product id='0x3880'/></source></hostdev>\
         <hostdev mode='subsystem' type='usb'><source><address bus='1' device='5'/></source></hostdev>\
         </devices></domain>",
    )
    .expect("reads");
    let hostdevs: Vec<&Hostdev> = guest.device_list().iter().filter_map(Device::as_hostdev).collect();
    let pci: Vec<_> = hostdevs.iter().map(|h| h.pci_address()).collect();
    assert_eq!(pci, [Some(&HostPciAddress::at(0, 6, 0x10, 2)), None, None]);
    let usb: Vec<_> = hostdevs.iter().map(|h| h.usb_ids()).collect();
    assert_eq!(usb, [None, Some((0x0b6d, 0x3880)), None]);
}

/// A document read back is changed in place by the `set_` twins of the setters, boxed
/// children too, and what they do not touch is written as it was read.
#[test]
fn set_changes_a_read_document_in_place() {
    let before = "<domain type='kvm'>\n  <name>web</name>\n  <!-- sized by hand -->\n  \
                  <memory unit='KiB'>1048576</memory>\n  <vcpu placement='static'>1</vcpu>\n  \
                  <devices>\n    <disk type='file' device='disk'>\n      \
                  <source file='/var/lib/libvirt/images/web.qcow2'/>\n      \
                  <target dev='vda' bus='virtio'/>\n    </disk>\n  </devices>\n</domain>\n";
    let mut guest = Domain::from_xml(before).expect("reads");
    guest.set_memory(ScaledInteger::gib(2)).set_cpu(Cpu::host_model());
    if let Some(vcpu) = &mut guest.vcpu {
        vcpu.set_value(4);
    }
    let disk = guest.device_list_mut().iter_mut().find_map(Device::as_disk_mut).expect("the disk");
    disk.set_target(DiskTarget::new("sda").bus(TargetBus::Scsi)).set_readonly(true);
    let after = before
        .replace("<memory unit='KiB'>1048576</memory>", "<memory unit='GiB'>2</memory>")
        .replace("<vcpu placement='static'>1</vcpu>", "<vcpu placement='static'>4</vcpu>\n  <cpu mode='host-model'/>")
        .replace("<target dev='vda' bus='virtio'/>", "<target dev='sda' bus='scsi'/>\n      <readonly/>");
    assert_eq!(guest.to_xml(), after);
}

/// Devices picked out of a read guest come back in document order, and what stays is
/// written as it was read, in its place among comments and unknown content.
#[test]
fn devices_are_removed_by_what_they_are() {
    let cdrom = |dev: &str, iso: &str| {
        format!(
            "    <disk type='file' device='cdrom'>\n      <source file='{iso}'/>\n      \
             <target dev='{dev}' bus='sata'/>\n    </disk>\n"
        )
    };
    let kept = [
        "<domain type='kvm'>\n  <name>web</name>\n  <devices>\n    <!-- installer first -->\n",
        "    <vendor-thing x='1'/>\n    <disk type='file' device='disk'>\n      \
         <source file='/web.qcow2'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n",
        "    <!-- the NIC -->\n    <interface type='user'/>\n",
        "  </devices>\n</domain>\n",
    ];
    let before =
        [kept[0], &cdrom("sda", "/a.iso"), kept[1], &cdrom("sdb", "/b.iso"), kept[2], &cdrom("sdc", "/c.iso"), kept[3]]
            .concat();
    let mut guest = Domain::from_xml(&before).expect("reads");
    let cdroms = guest.remove_devices(|d| d.as_disk().is_some_and(|disk| disk.device.as_cdrom().is_some()));
    let paths: Vec<_> = cdroms.iter().filter_map(Device::as_disk).map(Disk::path).collect();
    assert_eq!(paths, [Some("/a.iso"), Some("/b.iso"), Some("/c.iso")]);
    assert_eq!(guest.device_list().iter().find_map(Device::as_disk).and_then(Disk::path), Some("/web.qcow2"));
    // The disk stays after the vendor's element and the NIC after its comment.
    assert_eq!(guest.to_xml(), kept.concat());
    // Nothing to take from a guest without <devices>, and none is made.
    let mut bare = Domain::new(DomainType::Kvm, "bare");
    assert!(bare.remove_devices(|_| true).is_empty());
    assert!(bare.devices.is_none());
}

/// The shortcuts for common devices write what libvirt's schemas and rules accept.
#[test]
fn shortcuts_for_common_devices() {
    let guest = Domain::new(DomainType::Kvm, "q35")
        .memory(ScaledInteger::gib(4))
        .vcpu(2)
        .os(Os::uefi().machine("q35").secure_boot(true))
        // x86 UEFI firmware needs ACPI (`validate()` says so without it).
        .features(Features::new().acpi(true))
        .device(Controller::virtio_scsi())
        .device(
            Disk::file("/var/lib/libvirt/images/q35.qcow2", "sda", TargetBus::Scsi)
                .format(DiskDriverType::Qcow2)
                // An address is made from the content of its type, as from the type itself.
                .address(DriveAddress::new().controller(0).bus(0).target(0).unit(0)),
        )
        .device(Device::serial(CharDevice::pty()))
        .device(Console::pty())
        .device(Graphics::vnc())
        .device(Graphics::spice())
        .device(Channel::guest_agent())
        .device(Channel::spice_agent())
        .device(Rng::urandom())
        // Generated: one constructor per kind whose content needs nothing.
        .clock(Clock::utc())
        .device(Interface::user())
        .device(Input::tablet().bus(InputBus::Usb))
        .device(Input::keyboard().bus(InputBus::Ps2))
        .device(Controller::usb())
        .device(Video::new().model(VideoModel::virtio()))
        .device(Tpm::new(TpmBackend::emulator()).model(TpmModel::TpmCrb))
        // Devices the schema keeps beside the list, in their own fields.
        .device(Watchdog::new(WatchdogModel::I6300esb).action(WatchdogAction::Reset))
        .device(Memballoon::new(MemballoonModel::Virtio));
    let xml = guest.to_xml();
    assert!(Checker::new().check_value(&guest).is_valid(), "{xml}");
    support::xmllint(&xml, "domain.rng").unwrap_or_else(|e| panic!("xmllint refuses it: {e}\n{xml}"));
    assert_eq!(guest.validate(), Ok(()));
    for part in [
        "<os firmware='efi'>\n    <type machine='q35'>hvm</type>\n    <firmware>\n      \
         <feature enabled='yes' name='secure-boot'/>\n      <feature enabled='yes' name='enrolled-keys'/>\n    \
         </firmware>\n  </os>",
        "<controller type='scsi' model='virtio-scsi'/>",
        "<driver name='qemu' type='qcow2'/>",
        "<address type='drive' controller='0' bus='0' target='0' unit='0'/>",
        "<serial type='pty'/>",
        "<console type='pty'>\n      <target type='serial' port='0'/>\n    </console>",
        "<channel type='unix'>\n      <target type='virtio' name='org.qemu.guest_agent.0'/>\n    </channel>",
        "<channel type='spicevmc'>\n      <target type='virtio' name='com.redhat.spice.0'/>\n    </channel>",
        "<graphics type='vnc' autoport='yes'/>",
        "<graphics type='spice' autoport='yes'/>",
        "<rng model='virtio'>\n      <backend model='random'>/dev/urandom</backend>\n    </rng>",
        "<clock offset='utc'/>",
        "<interface type='user'/>",
        "<input type='tablet' bus='usb'/>\n    <input type='keyboard' bus='ps2'/>",
        "<controller type='usb'/>",
        "<video>\n      <model type='virtio'/>\n    </video>",
        "<tpm model='tpm-crb'>\n      <backend type='emulator'/>\n    </tpm>",
        "<watchdog model='i6300esb' action='reset'/>\n    <memballoon model='virtio'/>\n  </devices>",
    ] {
        assert!(xml.contains(part), "{part} in\n{xml}");
    }
    let disk = guest.device_list().iter().find_map(Device::as_disk).expect("the disk");
    assert_eq!(disk.path(), Some("/var/lib/libvirt/images/q35.qcow2"));
    // `listen` is the attribute, so the adder of `<listen>` children is `push_listen`.
    let vnc =
        VncGraphics::new().listen("127.0.0.1").push_listen(Listen::new(AddressListen::new().address("127.0.0.1")));
    assert_eq!(
        libvirt_xml::model::to_fragment(&Graphics::new(vnc), "graphics"),
        "<graphics type='vnc' listen='127.0.0.1'>\n  <listen type='address' address='127.0.0.1'/>\n</graphics>"
    );
}

/// An optional empty element says what it says by being there: its setters take a `bool`.
#[test]
fn presence_flags_are_set_with_a_bool() {
    let features = Features::new().acpi(true).pae(true).pae(false);
    assert_eq!(libvirt_xml::model::to_fragment(&features, "features"), "<features>\n  <acpi/>\n</features>");
    // `true` keeps the element already there, with the content it was read with.
    let mut guest = Domain::from_xml(
        "<domain type='kvm'><name>f</name><features><acpi><x:y xmlns:x='urn:x'/></acpi></features></domain>",
    )
    .expect("reads");
    let features = guest.features.as_mut().expect("features");
    features.set_acpi(true).set_viridian(true);
    let xml = libvirt_xml::model::to_fragment(&**features, "features");
    assert!(xml.contains("<x:y xmlns:x='urn:x'/>") && xml.contains("<viridian/>"), "{xml}");
    features.set_acpi(false);
    assert_eq!(features.acpi, None);
}

#[test]
fn validate_reports_facets_with_paths() {
    let mut guest = guide_guest();
    guest.vcpu.as_mut().unwrap().value = 0.into();
    let problems = guest.validate().unwrap_err();
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(text, ["/domain/vcpu: value 0 is out of range: expected at least 1"]);
}

/// A device added to a guest read back goes where libvirt writes its kind: a disk after the
/// last disk, not after the controllers; a comment before the next device stays before it.
#[test]
fn added_devices_take_their_kinds_place() {
    let mut guest = Domain::from_xml(
        "<domain type='kvm'><name>web</name><devices>\
         <disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/></disk>\
         <!-- the USB controller -->\
         <controller type='usb' index='0'/>\
         <interface type='network'><source network='default'/></interface>\
         <memballoon model='virtio'/>\
         </devices></domain>",
    )
    .unwrap();
    guest.add_device(Disk::file("/b.img", "vdb", TargetBus::Virtio));
    guest.add_device(Filesystem::virtiofs("/srv", "share"));
    guest.add_device(Rng::urandom());
    let kinds: Vec<&str> =
        guest.device_list().iter().map(libvirt_xml::model::read::ElementChoice::element_name).collect();
    assert_eq!(kinds, ["disk", "disk", "controller", "filesystem", "interface", "rng"]);
    let xml = guest.to_xml();
    let at = |s: &str| xml.find(s).unwrap_or_else(|| panic!("{s} in {xml}"));
    assert!(at("/a.img") < at("/b.img") && at("/b.img") < at("<!-- the USB controller -->"), "{xml}");
    assert!(at("<!-- the USB controller -->") < at("<controller"), "{xml}");
    assert!(at("<controller") < at("<filesystem") && at("<filesystem") < at("<interface"), "{xml}");
    assert!(at("<interface") < at("<rng"), "{xml}");
    // Devices of one kind keep the order they were added in, whatever kinds come between.
    let built = Domain::new(DomainType::Kvm, "b")
        .device(Interface::network("default"))
        .device(Disk::file("/1.img", "vda", TargetBus::Virtio))
        .device(Interface::bridge("br0"))
        .device(Disk::file("/2.img", "vdb", TargetBus::Virtio));
    let names: Vec<String> = built
        .device_list()
        .iter()
        .map(|d| match (d.as_disk(), d.as_interface()) {
            (Some(disk), _) => disk.path().unwrap().to_owned(),
            (_, Some(nic)) => nic.network_name().or(nic.bridge_name()).unwrap().to_owned(),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(names, ["/1.img", "/2.img", "default", "br0"]);
}
