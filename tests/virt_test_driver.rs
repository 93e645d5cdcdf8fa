//! The runtime against libvirt's embedded `test:///default` driver (in-process, no daemon):
//! everything that driver supports.

#![cfg(feature = "virt")]

use std::time::Duration;

use libvirt_xml::generated::cputypes::{Distances, NumaDistance};
use libvirt_xml::generated::domaincommon::TargetBus;
use libvirt_xml::prelude::*;
use libvirt_xml::virt::{
    ChangeKind, Connection, DeviceFlags, Error, GuestState, MigrateOptions, Outcome, Shutdown, XmlView, TEST_URI,
};
use libvirt_xml::{AnyElement, ReadOptions};

/// A test-driver guest of this much memory and these disks.
fn domain(name: &str, memory: ScaledInteger, disks: &[&str]) -> Domain {
    let guest = Domain::new(DomainType::Test, name).memory(memory).os(Os::hvm()).devices(Devices::new());
    disks.iter().fold(guest, |g, dev| g.device(disk(dev)))
}

fn minimal(name: &str) -> Domain {
    domain(name, ScaledInteger::mib(128), &[])
}

/// A guest libvirt refuses though `validate()` finds nothing, as only the connection can know
/// it: the UUID of the test driver's own guest `test` under another name ("domain 'test'
/// already exists with uuid"), to see what becomes of libvirt's own errors.
fn refused_by_libvirt_only(name: &str) -> Domain {
    let uuid = libvirt_xml::Uuid::from_u128(0x6695eb01_f6a4_8304_79aa_97f2502e193f);
    let guest = minimal(name).uuid(uuid);
    assert_eq!(guest.validate(), Ok(()));
    guest
}

fn disk(dev: &str) -> Disk {
    Disk::file(&format!("/guest/{dev}.img"), dev, TargetBus::Virtio)
}

#[test]
fn define_start_dump_destroy_undefine() {
    let conn = Connection::open(TEST_URI).unwrap();
    let guest = conn.define(&minimal("t-lifecycle")).unwrap();
    assert_eq!(guest.state().unwrap(), GuestState::Shutoff);
    assert!(guest.is_persistent().unwrap());
    assert!(conn.list().unwrap().iter().any(|(n, s)| n == "t-lifecycle" && *s == GuestState::Shutoff));
    guest.start().unwrap();
    assert_eq!(guest.state().unwrap(), GuestState::Running);

    // libvirt normalises: memory comes back in KiB, the same amount.
    let live: Domain = guest.dumpxml(XmlView::Live).unwrap();
    let memory = live.memory.as_ref().unwrap();
    assert_eq!(memory.size.to_string(), "131072 KiB");
    assert!(live.id.is_some(), "a running guest has an id");
    let inactive: Domain = guest.dumpxml(XmlView::Inactive).unwrap();
    assert!(inactive.id.is_none());
    assert_eq!(inactive.uuid, Some(guest.uuid().unwrap()));

    guest.suspend().unwrap();
    assert_eq!(guest.state().unwrap(), GuestState::Paused);
    guest.resume().unwrap();
    guest.reboot().unwrap();
    assert_eq!(guest.state().unwrap(), GuestState::Running);
    guest.destroy().unwrap();
    assert_eq!(guest.state().unwrap(), GuestState::Shutoff);
    guest.undefine().unwrap();
    assert!(conn.find_guest("t-lifecycle").unwrap().is_none());
}

/// A definition that breaks a rule `validate()` knows is not sent: on this one, a NUMA
/// distance to a cell that does not exist, Debian 12's libvirt writes outside its memory.
#[test]
fn what_validate_refuses_is_not_sent() {
    let conn = Connection::open(TEST_URI).unwrap();
    let to =
        |cells: &[(u32, u8)]| Distances::new().siblings(cells.iter().map(|&(id, value)| NumaDistance::new(id, value)));
    let cell0 = NumaCell::of(0, 0, ScaledInteger::mib(64)).distances(to(&[(0, 10), (2, 21)]));
    let cell1 = NumaCell::of(1, 1, ScaledInteger::mib(64));
    let guest = minimal("t-rejected").vcpu(2).cpu(Cpu::host_model().numa(CpuNuma::new().cell(cell0).cell(cell1)));
    let place = "/domain/cpu/numa/cell[1]/distances/sibling[2]/@id";
    for result in [conn.define(&guest).map(drop), conn.apply(&guest).map(drop)] {
        let Err(Error::Rejected(problems)) = result else { panic!("sent to libvirt: {result:?}") };
        assert_eq!(problems.iter().map(|p| p.path.as_str()).collect::<Vec<_>>(), [place]);
    }
    assert!(conn.find_guest("t-rejected").unwrap().is_none());
    let message = conn.define(&guest).unwrap_err().to_string();
    assert!(message.starts_with(&format!("not sent to libvirt: {place}: ")), "{message}");
    // The same guest without the distance to nowhere is defined.
    let fixed = minimal("t-rejected").vcpu(2).cpu(
        Cpu::host_model().numa(
            CpuNuma::new()
                .cell(NumaCell::of(0, 0, ScaledInteger::mib(64)).distances(to(&[(0, 10), (1, 21)])))
                .cell(NumaCell::of(1, 1, ScaledInteger::mib(64)).distances(to(&[(0, 21), (1, 10)]))),
        ),
    );
    let defined = conn.define(&fixed).unwrap();
    // An edit that adds the distance to nowhere is refused with what it added, and nothing
    // changes; one that keeps the definition valid goes through.
    let edit = defined.edit(|d: &mut Domain| {
        let numa = d.cpu.as_mut().and_then(|c| c.numa.as_mut()).expect("the NUMA cells");
        numa.cells[0].distances.as_mut().expect("cell 0's distances").siblings[1].id = 2u32.into();
    });
    let Err(Error::Rejected(problems)) = edit else { panic!("sent to libvirt: {edit:?}") };
    assert_eq!(problems.iter().map(|p| p.path.as_str()).collect::<Vec<_>>(), [place]);
    let stored: Domain = defined.dumpxml(XmlView::Inactive).unwrap();
    assert_eq!(stored.cpu.unwrap().numa.unwrap().cells[0].distances.as_ref().unwrap().siblings[1].id.get(), 1);
    assert!(defined.edit(|d: &mut Domain| d.vcpu = Some(Vcpu::new(4u16).into())).unwrap().changed());
    defined.undefine().unwrap();
}

#[test]
fn autostart_on_and_off() {
    let conn = Connection::open(TEST_URI).unwrap();
    let guest = conn.define(&minimal("t-autostart")).unwrap();
    assert!(!guest.autostart().unwrap());
    guest.set_autostart(true).unwrap();
    assert!(guest.autostart().unwrap());
    guest.set_autostart(false).unwrap();
    assert!(!guest.autostart().unwrap());
}

#[test]
fn shutdown_of_a_cooperative_guest_is_clean_and_of_a_stopped_one_is_nothing() {
    let conn = Connection::open(TEST_URI).unwrap();
    let guest = conn.define(&minimal("t-shutdown")).unwrap();
    assert!(matches!(guest.shutdown(Duration::from_secs(1)).unwrap(), Shutdown::AlreadyOff));
    guest.start().unwrap();
    // The test driver's guests obey at once.
    let outcome = guest.shutdown(Duration::from_secs(5)).unwrap();
    assert!(matches!(outcome, Shutdown::Clean { .. }), "{outcome:?}");
    assert_eq!(guest.state().unwrap(), GuestState::Shutoff);
}

#[test]
fn save_and_restore() {
    let conn = Connection::open(TEST_URI).unwrap();
    let guest = conn.define(&minimal("t-save")).unwrap();
    guest.start().unwrap();
    let dir = std::env::temp_dir().join(format!("libvirt-xml-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("t-save.state");
    guest.save(&file).unwrap();
    assert_eq!(guest.state().unwrap(), GuestState::Shutoff, "a saved guest stops");
    assert!(file.is_file(), "the state file exists");
    let restored = conn.restore(&file).unwrap();
    assert_eq!(restored.name().unwrap(), "t-save");
    assert_eq!(restored.state().unwrap(), GuestState::Running);

    // Saving to a folder that does not exist fails with libvirt's reason, and the guest runs on.
    let Err(e) = restored.save(&dir.join("missing/t-save.state")) else { panic!("saved into a missing folder") };
    assert!(matches!(e, Error::Libvirt { .. }), "{e}");
    assert_eq!(restored.state().unwrap(), GuestState::Running);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn apply_creates_then_changes_nothing_then_redefines_on_a_real_change() {
    let conn = Connection::open(TEST_URI).unwrap();
    let desired = domain("t-apply", ScaledInteger::mib(128), &["vda"]);
    let first = conn.apply(&desired).unwrap();
    assert_eq!(first.outcome, Outcome::Created);
    assert!(first.residual.is_empty(), "{:?}", first.residual);
    let uuid = first.guest.uuid().unwrap();

    let second = conn.apply(&desired).unwrap();
    assert_eq!(second.outcome, Outcome::Unchanged, "{:?}", second.changes);

    // The same amount in other units is no change.
    let same = domain("t-apply", ScaledInteger::kib(131072), &["vda"]);
    assert_eq!(conn.apply(&same).unwrap().outcome, Outcome::Unchanged);

    // More memory and a second disk are; the UUID is kept.
    let bigger = domain("t-apply", ScaledInteger::gib(1), &["vda", "vdb"]);
    let third = conn.apply(&bigger).unwrap();
    assert_eq!(third.outcome, Outcome::Redefined);
    let paths: Vec<&str> = third.changes.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["/domain/memory", "/domain/devices/disk[vdb]"], "{:?}", third.changes);
    assert!(third.residual.is_empty(), "{:?}", third.residual);
    assert_eq!(third.guest.uuid().unwrap(), uuid);
    assert_eq!(conn.apply(&bigger).unwrap().outcome, Outcome::Unchanged);

    // Dropping a disk is a removal.
    let fewer = domain("t-apply", ScaledInteger::gib(1), &["vdb"]);
    let fourth = conn.apply(&fewer).unwrap();
    assert_eq!(fourth.outcome, Outcome::Redefined);
    assert!(
        fourth
            .changes
            .iter()
            .any(|c| c.path == "/domain/devices/disk[vda]" && matches!(c.kind, ChangeKind::Removed(_))),
        "{:?}",
        fourth.changes
    );
    let now: Domain = fourth.guest.dumpxml(XmlView::Inactive).unwrap();
    assert_eq!(now.devices.as_ref().unwrap().devices.len(), 1);
}

#[test]
fn apply_to_a_running_guest_says_a_restart_is_pending() {
    let conn = Connection::open(TEST_URI).unwrap();
    conn.apply(&minimal("t-apply-running")).unwrap().guest.start().unwrap();
    let report = conn.apply(&domain("t-apply-running", ScaledInteger::mib(256), &[])).unwrap();
    assert_eq!(report.outcome, Outcome::Redefined);
    assert!(report.pending_restart);
    let live: Domain = report.guest.dumpxml(XmlView::Live).unwrap();
    assert_eq!(live.memory.unwrap().size.value, 131072, "the running instance is untouched");
}

/// A test-driver guest as text: a NIC with no MAC (libvirt makes one up) and, when `dropped`,
/// QEMU's command-line passthrough, which the test driver does not keep.
fn guest_text(name: &str, memory_mib: u32, dropped: bool) -> String {
    let commandline =
        if dropped { "<qemu:commandline><qemu:arg value='-no-user-config'/></qemu:commandline>" } else { "" };
    format!(
        "<domain type='test' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'><name>{name}</name>\
         <memory unit='MiB'>{memory_mib}</memory><os><type>hvm</type></os>\
         <devices><interface type='network'><source network='default'/></interface></devices>{commandline}</domain>"
    )
}

#[test]
fn apply_of_what_libvirt_drops_is_unchanged_and_reports_it_as_residual() {
    let conn = Connection::open(TEST_URI).unwrap();
    let desired = guest_text("t-apply-residual", 128, true);
    let first = conn.apply_xml(&desired).unwrap();
    assert_eq!(first.outcome, Outcome::Created);
    let dropped: Vec<&str> = first.residual.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(dropped, ["/domain/qemu:commandline"], "{:?}", first.residual);
    let stored = first.guest.xml(XmlView::Inactive).unwrap();
    assert!(stored.contains("<mac address="), "libvirt made up a MAC:\n{stored}");

    // The comparison sees a difference, so libvirt decides: its stored definition is the same
    // text after the define call (the MAC it made up is kept, not made up again).
    for _ in 0..2 {
        let again = conn.apply_xml(&desired).unwrap();
        assert_eq!(again.outcome, Outcome::Unchanged, "{:?}", again.changes);
        assert!(again.changes.is_empty(), "{:?}", again.changes);
        assert_eq!(again.residual, first.residual);
        assert!(!again.pending_restart);
        assert_eq!(again.guest.xml(XmlView::Inactive).unwrap(), stored, "byte-identical");
    }

    // On a running guest too, and no restart is pending.
    first.guest.start().unwrap();
    let running = conn.apply_xml(&desired).unwrap();
    assert_eq!((running.outcome, running.pending_restart), (Outcome::Unchanged, false));

    // A real change beside the dropped element is a change, and the residual stays apart.
    let bigger = conn.apply_xml(&guest_text("t-apply-residual", 256, true)).unwrap();
    assert_eq!(bigger.outcome, Outcome::Redefined);
    assert!(bigger.pending_restart);
    let paths: Vec<&str> = bigger.changes.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["/domain/memory"], "{:?}", bigger.changes);
    assert_eq!(bigger.residual, first.residual);
    let mac = |xml: &str| xml.split("<mac address='").nth(1).map(|r| r[..17].to_owned());
    assert_eq!(mac(&bigger.guest.xml(XmlView::Inactive).unwrap()), mac(&stored), "the MAC is kept");
    first.guest.destroy().unwrap();
    first.guest.undefine().unwrap();
}

#[test]
fn apply_that_libvirt_rejects_leaves_the_previous_definition() {
    let conn = Connection::open(TEST_URI).unwrap();
    conn.apply(&minimal("t-apply-rejected")).unwrap();
    let bad = refused_by_libvirt_only("t-apply-rejected");
    let Err(e) = conn.apply(&bad) else { panic!("libvirt accepted a second guest with one UUID") };
    assert!(matches!(e, Error::Libvirt { .. }), "{e}");
    let kept: Domain = conn.guest("t-apply-rejected").unwrap().dumpxml(XmlView::Inactive).unwrap();
    assert_eq!(kept.memory.unwrap().size.value, 131072, "the previous definition stays");

    // A nameless document never reaches libvirt.
    let nameless = conn.apply_xml("<domain type='test'><memory>1</memory></domain>").unwrap_err();
    assert!(matches!(nameless, Error::Invalid(_)), "{nameless}");
}

#[test]
fn edit_keeps_unknown_elements_and_foreign_metadata() {
    let conn = Connection::open(TEST_URI).unwrap();
    // Another application's metadata, in its own namespace.
    let info = AnyElement::new("app:info")
        .with_attribute("xmlns:app", "http://example.org/app/1")
        .with_child(AnyElement::new("app:owner").with_child("ops"));
    let metadata = libvirt_xml::generated::basictypes::Metadata::new().element(info);
    let guest = conn.define(&minimal("t-edit").metadata(metadata)).unwrap();

    let report = guest
        .edit(|d: &mut Domain| {
            d.memory.as_mut().unwrap().size.value = 262144.into();
            d.description = Some("edited".into());
        })
        .unwrap();
    assert_eq!(report.outcome, Outcome::Redefined);
    assert!(report.residual.is_empty(), "{:?}", report.residual);
    let xml = guest.xml(XmlView::Inactive).unwrap();
    assert!(xml.contains("<memory unit='KiB'>262144</memory>"), "{xml}");
    assert!(xml.contains("<description>edited</description>"), "{xml}");
    assert!(xml.contains("<app:owner>ops</app:owner>") && xml.contains("http://example.org/app/1"), "{xml}");

    // No change, no define; a rename is refused before libvirt sees it.
    assert_eq!(guest.edit(|_: &mut Domain| {}).unwrap().outcome, Outcome::Unchanged);
    let rename = guest.edit(|d: &mut Domain| d.name = "t-other".into()).unwrap_err();
    assert!(matches!(rename, Error::Invalid(_)), "{rename}");
    assert!(conn.find_guest("t-other").unwrap().is_none());
}

#[test]
fn attach_and_detach_in_the_definition_or_a_clear_refusal() {
    let conn = Connection::open(TEST_URI).unwrap();
    let guest = conn.define(&minimal("t-devices")).unwrap();
    let count = |g: &libvirt_xml::virt::Guest| {
        let d: Domain = g.dumpxml(XmlView::Inactive).unwrap();
        d.devices.map_or(0, |d| d.devices.iter().filter(|x| matches!(x, Device::Disk(_))).count())
    };
    match guest.attach_device(&disk("vdc"), DeviceFlags::CONFIG) {
        Ok(()) => {
            assert_eq!(count(&guest), 1);
            guest.detach_device(&disk("vdc"), DeviceFlags::CONFIG).unwrap();
            assert_eq!(count(&guest), 0);
        }
        // Older test drivers have no device hotplug: that is a clear refusal, not a crash.
        Err(e) => assert_eq!(e.libvirt_code(), Some("NoSupport"), "{e}"),
    }
    // A device that fails validate() is not sent, as a whole device or as its own type.
    let bad = Hostdev::pci(HostPciAddress::at(0, 6, 0x10, 8));
    let sent = [
        guest.attach_device(&bad, DeviceFlags::CONFIG),
        guest.update_device(&Device::from(bad.clone()), DeviceFlags::CONFIG),
    ];
    for result in sent {
        let Err(Error::Rejected(problems)) = result else { panic!("sent to libvirt: {result:?}") };
        assert_eq!(problems.iter().map(|p| p.path.as_str()).collect::<Vec<_>>(), ["/hostdev/source/address/@function"]);
    }
    guest.undefine().unwrap();
}

#[test]
fn typed_capabilities() {
    let conn = Connection::open(TEST_URI).unwrap();
    let caps = conn.capabilities().unwrap();
    assert!(!caps.guests.is_empty(), "the test driver offers guests");
}

/// A host of its own: the test driver loaded from a node file gets private state per
/// connection (every `test:///default` connection of a process shares one host).
fn private_host(tag: &str) -> (Connection, std::path::PathBuf) {
    let file = std::env::temp_dir().join(format!("libvirt-xml-node-{tag}-{}.xml", std::process::id()));
    std::fs::write(&file, "<node/>\n").unwrap();
    (Connection::open(&format!("test://{}", file.display())).unwrap(), file)
}

#[test]
fn offline_migration_between_two_hosts() {
    let (source, f1) = private_host("source");
    let (dest, f2) = private_host("dest");
    let guest = source.define(&minimal("t-migrate")).unwrap();
    assert!(dest.find_guest("t-migrate").unwrap().is_none(), "two hosts");
    let uuid = guest.uuid().unwrap();

    let moved = guest.migrate_offline(&dest, true).unwrap();
    assert_eq!(moved.uuid().unwrap(), uuid, "the same guest");
    assert!(source.find_guest("t-migrate").unwrap().is_none(), "undefined on the source");

    // A destination that refuses (a guest of that name with another UUID) keeps the source as it was.
    let again = dest.define(&minimal("t-migrate-2")).unwrap();
    source.define(&minimal("t-migrate-2")).unwrap();
    let Err(e) = again.migrate_offline(&source, true) else { panic!("defined a second guest of the same name") };
    assert!(matches!(e, Error::Libvirt { .. }), "{e}");
    assert!(dest.find_guest("t-migrate-2").unwrap().is_some(), "the source keeps its guest");

    // libvirt's own migration protocol is not in the test driver: a clear error.
    let Err(e) = moved.migrate(&source, &MigrateOptions::offline()) else { panic!("the test driver migrated") };
    assert!(matches!(e, Error::Libvirt { .. }), "{e}");
    for f in [f1, f2] {
        std::fs::remove_file(f).unwrap();
    }
}

#[test]
fn migrate_options_are_libvirts_flags() {
    use libvirt_xml::virt::MigrateOptions as M;
    let live = M::live().postcopy(true).undefine_source(true).bandwidth_mib_s(100);
    // VIR_MIGRATE_LIVE | PERSIST_DEST | UNDEFINE_SOURCE | POSTCOPY
    assert_eq!(live.flags(), 1 | 8 | 16 | 32768);
    assert_eq!(live.bandwidth_mib_s, Some(100));
    // VIR_MIGRATE_OFFLINE | PERSIST_DEST
    assert_eq!(M::offline().flags(), 1024 | 8);
    let conn = Connection::open(TEST_URI).unwrap();
    let guest = conn.define(&minimal("t-migrate-options")).unwrap();
    let both = M { offline: true, ..M::live() };
    let e = guest.migrate(&conn, &both).unwrap_err();
    assert!(matches!(e, Error::Invalid(_)), "{e}");
}

#[test]
fn errors_keep_libvirts_code_and_message() {
    let Err(e) = Connection::open("bogus+unknown:///nowhere") else { panic!("opened a bogus URI") };
    assert!(matches!(e, Error::Libvirt { .. }), "{e}");
    assert!(e.to_string().starts_with("libvirt: "), "{e}");

    // A daemon that does not run: nobody listens on this socket.
    let Err(e) = Connection::open("qemu+unix:///system?socket=/nonexistent/libvirt-sock") else {
        panic!("connected to a daemon that does not exist")
    };
    assert!(e.to_string().contains("/nonexistent/libvirt-sock"), "the error names the socket: {e}");

    let conn = Connection::open(TEST_URI).unwrap();
    let Err(e) = conn.guest("no-such-guest") else { panic!("found a missing guest") };
    assert_eq!(e.libvirt_code(), Some("NoDomain"), "{e}");

    let bad = refused_by_libvirt_only("t-bad");
    let Err(e) = conn.define(&bad) else { panic!("libvirt accepted a second guest with one UUID") };
    assert!(matches!(e, Error::Libvirt { .. }), "{e}");
    assert!(conn.find_guest("t-bad").unwrap().is_none(), "nothing half-defined is left");

    // A document that is not a domain never reaches libvirt.
    let caps = conn.capabilities().unwrap();
    let Err(e) = conn.define(&caps) else { panic!("defined capabilities as a guest") };
    assert!(matches!(e, Error::Invalid(_)), "{e}");
}

/// USB ids and PCI addresses are read as libvirt reads them (strtoul with base 0): a user's
/// file with `<product id='3880'/>` means 3880 (0x0f28), not 0x3880. libvirt itself says so.
#[test]
fn ids_are_read_as_libvirt_reads_them() {
    use libvirt_xml::generated::domaincommon::{HostdevMode, SubsystemHostdevType};
    let conn = Connection::open(TEST_URI).unwrap();
    // As a user's file would have it: decimal, octal and hexadecimal spellings.
    let file = "<hostdev mode='subsystem' type='usb'><source><vendor id='3880'/><product id='010'/></source></hostdev>";
    let usb: Hostdev = libvirt_xml::model::from_fragment(file, "hostdev", ReadOptions::default()).unwrap();
    let pci = Hostdev::pci(HostPciAddress::at(0, 10, 0o10, 7));
    let guest = conn.define(&minimal("t-ids").device(usb.clone()).device(pci.clone())).unwrap();
    let stored: Domain = guest.dumpxml(XmlView::Inactive).unwrap();
    let ids: Vec<(u16, u16)> = stored
        .device_list()
        .iter()
        .filter_map(|d| match d {
            Device::Hostdev(h) => match &h.mode {
                HostdevMode::Subsystem(s) => match &s.kind {
                    SubsystemHostdevType::Usb(u) => {
                        Some((u.source.vendor.as_ref()?.id.get(), u.source.product.as_ref()?.id.get()))
                    }
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
        .collect();
    // libvirt wrote them back as 0x0f28 and 0x0008: the values we read from '3880' and '010'.
    assert_eq!(ids, [(3880, 8)]);
    let xml = guest.xml(XmlView::Inactive).unwrap();
    assert!(xml.contains("<vendor id='0x0f28'/>") && xml.contains("<product id='0x0008'/>"), "{xml}");
    assert!(xml.contains("bus='0x0a' slot='0x08' function='0x7'"), "{xml}");
    guest.undefine().unwrap();
}

#[test]
fn lifecycle_events_arrive_in_order_typed() {
    use libvirt_xml::virt::{Lifecycle, StopReason};
    let conn = Connection::open(TEST_URI).unwrap();
    let all = conn.events().unwrap();
    let guest = conn.define(&minimal("t-events")).unwrap();
    let mine = guest.events().unwrap();
    let other = conn.define(&minimal("t-events-other")).unwrap();
    guest.start().unwrap();
    guest.suspend().unwrap();
    guest.resume().unwrap();
    guest.destroy().unwrap();
    guest.undefine().unwrap();
    other.undefine().unwrap();

    let wait = Duration::from_secs(10);
    // libvirt queues events and dispatches them later to whoever is subscribed then, so the
    // definition, just before subscribing, may be seen too.
    let first = mine.wait_for(wait, |e| e.lifecycle != Lifecycle::Defined).expect("an event");
    let rest = (0..4).map(|_| mine.next_within(wait).expect("an event").lifecycle);
    let seen: Vec<Lifecycle> = std::iter::once(first.lifecycle).chain(rest).collect();
    assert_eq!(first.name, "t-events");
    assert_eq!(
        seen,
        [
            Lifecycle::Started,
            Lifecycle::Suspended,
            Lifecycle::Resumed,
            Lifecycle::Stopped(StopReason::Destroyed),
            Lifecycle::Undefined
        ]
    );
    assert_eq!(mine.next_within(Duration::from_millis(200)), None, "only this guest's events");
    // The connection-wide subscription saw both guests, from their definition on (and the
    // guests of the other tests, which share the driver's host).
    let ours = |e: &libvirt_xml::virt::GuestEvent| e.name.starts_with("t-events");
    let everything: Vec<(String, Lifecycle)> =
        (0..8).map(|_| all.wait_for(wait, ours).map(|e| (e.name, e.lifecycle)).expect("an event")).collect();
    assert_eq!(everything[0], ("t-events".to_owned(), Lifecycle::Defined));
    assert_eq!(everything[1], ("t-events-other".to_owned(), Lifecycle::Defined));
    assert_eq!(everything[7], ("t-events-other".to_owned(), Lifecycle::Undefined));
}

#[test]
fn network_apply_is_idempotent_and_redefines_on_a_real_change() {
    use libvirt_xml::generated::network::{Forward, ForwardMode, Ip};
    use std::net::Ipv4Addr;
    let conn = Connection::open(TEST_URI).unwrap();
    let desired = Network::new("t-net")
        .ip(Ip::new().address(Ipv4Addr::new(10, 213, 250, 1)).netmask(Ipv4Addr::new(255, 255, 255, 0)));
    let first = conn.apply_network(&desired).unwrap();
    assert_eq!(first.outcome, Outcome::Created);
    let uuid = first.network.uuid().unwrap();
    assert_eq!(conn.apply_network(&desired).unwrap().outcome, Outcome::Unchanged);

    let routed = desired.clone().forward(Forward::new().mode(ForwardMode::Route));
    let second = conn.apply_network(&routed).unwrap();
    assert_eq!(second.outcome, Outcome::Redefined);
    let paths: Vec<&str> = second.changes.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["/network/forward"], "{:?}", second.changes);
    assert_eq!(second.network.uuid().unwrap(), uuid);
    assert_eq!(conn.apply_network(&routed).unwrap().outcome, Outcome::Unchanged);
    assert!(conn.networks().unwrap().iter().any(|n| n.name == "t-net" && !n.active && n.persistent));
    second.network.undefine().unwrap();
}

/// Listing while another client defines and undefines: what vanishes between the listing
/// and the questions about each object is left out, not an error.
#[test]
fn listings_leave_out_what_another_client_undefines_meanwhile() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let done = Arc::new(AtomicBool::new(false));
    let churn = {
        let done = done.clone();
        std::thread::spawn(move || {
            let conn = Connection::open(TEST_URI).unwrap();
            for i in 0..400 {
                let name = format!("t-churn-{i}");
                conn.define(&minimal(&name)).unwrap().undefine().unwrap();
                conn.define_network(&Network::new(&name)).unwrap().undefine().unwrap();
            }
            done.store(true, Ordering::SeqCst);
        })
    };
    let conn = Connection::open(TEST_URI).unwrap();
    let mut rounds = 0;
    while !done.load(Ordering::SeqCst) {
        conn.list().unwrap();
        conn.networks().unwrap();
        conn.pools().unwrap();
        rounds += 1;
    }
    churn.join().unwrap();
    assert!(rounds > 0);
}

/// The Hyper-V rules of `validate()` are libvirt's own: sent as they are, libvirt's parser
/// refuses the same definitions; the Windows shortcuts are defined and read back as written.
#[test]
fn libvirt_refuses_what_the_hyperv_rules_refuse() {
    use libvirt_xml::generated::domaincommon::{CustomHyperv, Hyperv, Spinlocks, VendorId};
    let conn = Connection::open(TEST_URI).unwrap();
    let with = |hyperv: CustomHyperv| minimal("t-hyperv").features(Features::new().hyperv(hyperv));
    let refused = [
        (CustomHyperv::new().spinlocks(Spinlocks::new(OnOff::On).retries(100)), "at least 4095"),
        (CustomHyperv::new().spinlocks(Spinlocks::new(OnOff::On)), "retries"),
        (CustomHyperv::new().vendor_id(VendorId::new(OnOff::On)), "vendor_id"),
    ];
    for (hyperv, says) in refused {
        let guest = with(hyperv);
        let Err(Error::Rejected(problems)) = conn.define(&guest) else { panic!("sent to libvirt") };
        assert_eq!(problems.len(), 1, "{problems:?}");
        let error = conn.define_xml(&guest.to_xml()).map(drop).expect_err("libvirt refuses it too");
        assert!(error.to_string().contains(says), "{error}");
    }
    let windows =
        minimal("t-hyperv").features(Features::new().acpi(true).hyperv(Hyperv::windows())).clock(Clock::windows());
    let defined = conn.define(&windows).unwrap();
    let stored: Domain = defined.dumpxml(XmlView::Inactive).unwrap();
    assert_eq!(stored.features, windows.features);
    assert_eq!(stored.clock, windows.clock);
    defined.undefine().unwrap();
}

/// Two disks with one target: `validate()` refuses it before libvirt sees it, and libvirt's
/// own parser, sent the same definition unchecked, refuses it too.
#[test]
fn libvirt_refuses_two_disks_with_one_target() {
    let conn = Connection::open(TEST_URI).unwrap();
    let guest = minimal("t-targets").device(Disk::file("/tmp/a.img", "vda", TargetBus::Virtio)).device(Disk::file(
        "/tmp/b.img",
        "vda",
        TargetBus::Virtio,
    ));
    let Err(Error::Rejected(problems)) = conn.define(&guest) else { panic!("sent to libvirt") };
    assert_eq!(problems.iter().map(|p| p.path.as_str()).collect::<Vec<_>>(), ["/domain/devices/disk[2]/target/@dev"]);
    let error = conn.define_xml(&guest.to_xml()).map(drop).expect_err("libvirt refuses it too");
    assert!(error.to_string().contains("target 'vda' duplicated"), "{error}");
}

/// The memory rules of `validate()` are libvirt's own: sent unchecked, libvirt's parser
/// refuses the same definitions, and lowers a `<currentMemory>` above `<memory>`, which
/// `validate()` reports rather than let it pass unsaid.
#[test]
fn libvirt_refuses_what_the_memory_rules_refuse_and_lowers_current_memory() {
    use libvirt_xml::generated::domaincommon::{MaxMemory, MemoryDevice, MemoryDeviceTarget, MemoryModel};
    let conn = Connection::open(TEST_URI).unwrap();
    let dimm = |size| MemoryDevice::new(MemoryModel::Dimm, MemoryDeviceTarget::new(size));
    let hotpluggable = minimal("t-memory").max_memory(MaxMemory::new(ScaledInteger::gib(1)).slots(4));
    let mut no_memory = minimal("t-memory");
    no_memory.memory = None;
    let refused = [
        (hotpluggable.device(dimm(ScaledInteger::mib(256))), "Total size of memory devices exceeds"),
        (minimal("t-memory").max_memory(MaxMemory::new(ScaledInteger::mib(64)).slots(4)), "maximum memory size"),
        (no_memory, "Memory size must be specified"),
        (
            minimal("t-memory")
                .max_memory(MaxMemory::new(ScaledInteger::gib(1)).slots(4))
                .device(MemoryDevice::new(MemoryModel::Dimm, MemoryDeviceTarget::new(ScaledInteger::mib(64)).node(0))),
            "no NUMA nodes configured",
        ),
    ];
    for (guest, says) in refused {
        let Err(Error::Rejected(problems)) = conn.define(&guest) else { panic!("sent to libvirt") };
        assert_eq!(problems.len(), 1, "{problems:?}");
        let error = conn.define_xml(&guest.to_xml()).map(drop).expect_err("libvirt refuses it too");
        assert!(error.to_string().contains(says), "{error}");
    }
    let above = minimal("t-memory").current_memory(ScaledInteger::mib(512));
    let problems = above.validate().unwrap_err();
    assert_eq!(problems.iter().map(|p| p.path.as_str()).collect::<Vec<_>>(), ["/domain/currentMemory"]);
    let defined = conn.define_xml(&above.to_xml()).unwrap();
    let stored: Domain = defined.dumpxml(XmlView::Inactive).unwrap();
    assert_eq!(stored.current_memory.and_then(|m| m.in_kib()), Some(128 * 1024), "lowered to <memory>");
    defined.undefine().unwrap();
}

/// The device rules of `validate()` are libvirt's own: each device, sent unchecked, is
/// refused by libvirt's parser with its own message. (libvirt 11.3 also asks a virtio-pmem
/// device for `access='shared'`, which libvirt 9.0.0, Debian 12's, does not yet.)
#[test]
fn libvirt_refuses_what_the_device_rules_refuse() {
    use libvirt_xml::generated::basictypes::YesNo;
    use libvirt_xml::generated::domaincommon::{
        Audio, AudioId, Cid, DeviceBoot, InputBus, MaxMemory, MemoryDevice, MemoryDeviceSource, MemoryDeviceTarget,
        MemoryModel, NoneAudio, Shmem, ShmemName, Sound, SoundModel, VirtioModel, Vsock,
    };
    let conn = Connection::open(TEST_URI).unwrap();
    let guest = || minimal("t-devices").os(Os::hvm().arch(libvirt_xml::generated::basictypes::Arch::X8664));
    let mut path_fs = Filesystem::virtiofs("/a", "a").boot(DeviceBoot::new(1));
    path_fs.driver = None;
    let hotplug = || guest().max_memory(MaxMemory::new(ScaledInteger::gib(4)).slots(4));
    let memory = |model, target: MemoryDeviceTarget| hotplug().device(MemoryDevice::new(model, target));
    let target = || MemoryDeviceTarget::new(ScaledInteger::mib(64));
    let file = || MemoryDeviceSource::new().path("/var/lib/libvirt/pmem");
    let refused = [
        // Not a device: a guest's name, which libvirt names files after.
        (minimal("t/devices"), "name t/devices cannot contain '/'"),
        (
            guest().device(Filesystem::virtiofs("/a", "tag")).device(Filesystem::virtiofs("/b", "tag")),
            "filesystem target 'tag' specified twice",
        ),
        (guest().device(path_fs), "boot order is only supported for virtiofs"),
        (guest().device(Vsock::new().model(VirtioModel::Virtio).cid(Cid::new().address(2))), "guest CIDs must be >= 3"),
        (guest().device(Input::tablet().bus(InputBus::Ps2)), "ps2 bus does not support tablet"),
        (guest().device(Input::mouse().bus(InputBus::Xen)), "unsupported input bus xen"),
        (
            guest().device(Input::tablet().bus(InputBus::Usb).model(VirtioModel::Virtio)),
            "only bus 'virtio' is supported for input model 'virtio'",
        ),
        (
            guest().device(Audio::new(1, NoneAudio::new())).device(Sound::new(SoundModel::Ich9).audio(AudioId::new(2))),
            "no audio device with ID 2",
        ),
        (guest().device(Shmem::new(ShmemName("..".to_owned()))), "shmem name cannot be equal to '..'"),
        (memory(MemoryModel::Nvdimm, target()), "path is required for model 'nvdimm'"),
        (
            hotplug().device(MemoryDevice::new(MemoryModel::Nvdimm, target()).source(file()).discard(YesNo::Yes)),
            "discard is not supported for nvdimms",
        ),
        (
            memory(MemoryModel::VirtioMem, target().block(ScaledInteger::kib(3072)).requested(ScaledInteger::kib(0))),
            "block size must be a power of two",
        ),
        (
            memory(MemoryModel::VirtioMem, target().block(ScaledInteger::kib(2048)).requested(ScaledInteger::mib(128))),
            "requested size must be smaller than or equal to @size",
        ),
        (
            memory(
                MemoryModel::VirtioMem,
                target().block(ScaledInteger::kib(4096)).requested(ScaledInteger::kib(2048)),
            ),
            "requested size must be an integer multiple of block size",
        ),
    ];
    for (guest, says) in refused {
        let Err(Error::Rejected(problems)) = conn.define(&guest) else { panic!("sent to libvirt: {says}") };
        assert_eq!(problems.len(), 1, "{problems:?}");
        let error = conn.define_xml(&guest.to_xml()).map(drop).expect_err(says);
        assert!(error.to_string().contains(says), "{error}");
    }
}
