//! The seed guide's `virsh` walk-through, from Rust with types, against any libvirt URI:
//! check KVM (`kvm-ok`), read the host's capabilities and huge page pools, define a guest the
//! way the guide builds it (host-model CPU with `<maxphysaddr>`, huge pages with shared
//! memory, a virtiofs share) after checking it against libvirt's schemas, list, start,
//! autostart, reboot, attach a CD-ROM, read the live definition back typed, ask the QEMU
//! monitor for the registers, save and restore, edit, shut down (destroying after a
//! timeout), migrate the definition offline and back, and undefine.
//!
//! `cargo run --example walkthrough [URI [OTHER_HOST_URI]]`; the URI is the argument, else
//! `$LIBVIRT_XML_URI`, else libvirt's embedded `test:///default` driver, which needs no
//! daemon. On a real libvirtd: `cargo run --features qemu --example walkthrough --
//! qemu:///system`. The definition migrates to the other host when one is given (the URI that
//! `scripts/second-host up` prints), else to a private test-driver host.

use std::error::Error;
use std::path::PathBuf;
use std::time::Duration;

use libvirt_xml::generated::basictypes::Arch;
use libvirt_xml::generated::domaincommon::TargetBus;
use libvirt_xml::model::check::Checker;
use libvirt_xml::prelude::*;
use libvirt_xml::virt::{
    huge_page_pools, hugetlbfs_mounts, kvm_check, Connection, DeviceFlags, DomainCapsQuery, Shutdown, XmlView, TEST_URI,
};

/// Removes what the walk-through made, even when a step fails.
struct Cleanup<'c> {
    conn: &'c Connection,
    name: String,
    files: Vec<PathBuf>,
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        if let Ok(Some(g)) = self.conn.find_guest(&self.name) {
            let _ = g.destroy();
            let _ = g.set_autostart(false);
            let _ = g.undefine();
        }
        for f in self.files.iter().rev() {
            let _ = std::fs::remove_file(f).or_else(|_| std::fs::remove_dir(f));
        }
    }
}

/// The guest as the guide builds it, in types: a host-model CPU with `<maxphysaddr>`, shared
/// memory (on 2 MiB huge pages when the host has some) and a virtiofs share.
fn guest(name: &str, kind: DomainType, share: &str, hugepages: bool, limit: bool) -> Domain {
    // "Controlling addressing bits": the best the hardware gives, up to 41 bits (`limit` is
    // libvirt 9.3's; older versions drop it, so it is left out there).
    let maxphysaddr = CpuMaxPhysAddr::passthrough();
    let maxphysaddr = if limit { maxphysaddr.limit(41) } else { maxphysaddr };
    // "Sharing files between Host<->Guest": shared memory, on huge pages when there are some.
    let backing = if hugepages { MemoryBacking::shared().hugepages(Page::mib(2)) } else { MemoryBacking::shared() };
    Domain::new(kind, name)
        .memory(ScaledInteger::mib(128))
        .vcpu(1)
        .os(Os::hvm().arch(Arch::X8664))
        .cpu(Cpu::host_model().maxphysaddr(maxphysaddr))
        .memory_backing(backing)
        .device(Filesystem::virtiofs(share, "myfs"))
}

fn main() -> Result<(), Box<dyn Error>> {
    let uri = std::env::args().nth(1).or_else(|| std::env::var("LIBVIRT_XML_URI").ok()).unwrap_or(TEST_URI.into());

    // kvm-ok
    println!("kvm-ok: {}", kvm_check().summary());

    let conn = Connection::open(&uri)?;
    let test_driver = conn.driver()?.eq_ignore_ascii_case("test");
    let version = conn.libvirt_version()?;
    println!(
        "connected to {} ({} driver, libvirt {}.{}.{}, on {})",
        conn.uri()?,
        conn.driver()?,
        version.0,
        version.1,
        version.2,
        conn.hostname()?
    );

    // virsh capabilities: the host CPU libvirt sees, and the huge page sizes.
    let caps = conn.capabilities()?;
    let cpu = &caps.host.cpu;
    let pages: Vec<String> =
        cpu.pages.iter().map(|p| format!("{} {}", p.size, p.unit.as_ref().map_or("KiB", |u| u.as_str()))).collect();
    println!(
        "host CPU: {} {}, {} features, maxphysaddr {:?}, page sizes: {}",
        cpu.vendor.as_deref().unwrap_or("(no vendor)"),
        cpu.model.as_deref().unwrap_or("(no model)"),
        cpu.features.len(),
        cpu.maxphysaddr.as_ref().map(|m| (&m.mode, &m.bits)),
        pages.join(", ")
    );
    match conn.domain_capabilities(&DomainCapsQuery::new()) {
        Ok(dc) => {
            println!("domain capabilities: {} guests for {} on {}", dc.domain, dc.arch, dc.machine.unwrap_or_default())
        }
        Err(e) => println!("domain capabilities: not offered here ({e})"),
    }

    // Huge pages: the pools per size and NUMA node, and where they are mounted.
    let pools = huge_page_pools()?;
    for p in &pools {
        let node = p.node.map_or("all nodes".to_owned(), |n| format!("node {n}"));
        println!("huge pages {} KiB on {node}: {} reserved, {} free", p.size_kib, p.total, p.free);
    }
    for m in hugetlbfs_mounts()? {
        println!("hugetlbfs at {} ({:?} KiB pages)", m.path.display(), m.page_size_kib);
    }
    let free_2m = pools.iter().find(|p| p.size_kib == 2048 && p.node.is_none()).map_or(0, |p| p.free);
    let hugepages = test_driver || free_2m >= 64;
    if !hugepages {
        println!("fewer than 64 free 2 MiB pages: the guest's shared memory will not be on huge pages");
    }

    let name = format!("walkthrough-{}", std::process::id());
    let share = std::env::temp_dir().join(format!("{name}-share"));
    let save = std::env::temp_dir().join(format!("{name}.state"));
    std::fs::create_dir_all(&share)?;
    let _cleanup = Cleanup { conn: &conn, name: name.clone(), files: vec![share.clone(), save.clone()] };

    // virsh define, the idempotent way: apply creates it, applying again changes nothing.
    let kind = if test_driver { DomainType::Test } else { DomainType::Qemu };
    let definition = guest(&name, kind, &share.display().to_string(), hugepages, version >= (9, 3, 0));
    println!("defining:\n{}", definition.to_xml());
    // xml-model check: valid against libvirt's schemas before libvirt sees it.
    let report = Checker::new().check_value(&definition);
    if !report.is_valid() {
        return Err(format!("the definition breaks libvirt's schemas:\n{report}").into());
    }
    println!("check: valid against libvirt's schemas ({})", report.schema.unwrap_or("?"));
    let report = conn.apply(&definition)?;
    println!("apply: {:?}", report.outcome);
    for r in &report.residual {
        println!("  libvirt did not keep: {r}");
    }
    println!("apply again: {:?}", conn.apply(&definition)?.outcome);
    let guest = report.guest;

    println!("virsh list --all:");
    for (n, state) in conn.list()? {
        println!("  {n:<30} {state:?}");
    }

    // virsh attach-disk --config: an empty CD-ROM drive in the definition.
    let cdrom = Disk::cdrom("hdc", TargetBus::Ide);
    match guest.attach_device(&cdrom, DeviceFlags::CONFIG) {
        Ok(()) => println!("CD-ROM drive hdc attached to the definition"),
        Err(e) => println!("attach-disk: not offered here ({e})"),
    }

    guest.start()?; // virsh start
    guest.set_autostart(true)?; // virsh autostart
    println!("{name}: {:?}, autostart {}", guest.state()?, guest.autostart()?);
    guest.reboot()?; // virsh reboot

    let live: Domain = guest.dumpxml(XmlView::Live)?; // virsh dumpxml, typed
    let memory = live.memory.as_ref().map(|m| m.size.to_string());
    println!(
        "live definition: memory {}, CPU mode {:?}, maxphysaddr {:?}",
        memory.unwrap_or_default(),
        live.cpu.as_ref().and_then(|c| c.mode.as_ref()),
        live.cpu.as_ref().and_then(|c| c.maxphysaddr.as_ref()).map(|m| (&m.mode, &m.bits, &m.limit))
    );

    // virsh qemu-monitor-command --hmp 'info registers'
    #[cfg(feature = "qemu")]
    if !test_driver {
        let registers = guest.monitor_hmp("info registers")?;
        println!("info registers:\n{}", registers.lines().take(3).collect::<Vec<_>>().join("\n"));
    }

    // virsh save / virsh restore. QEMU cannot save a guest with a virtiofs share (its
    // vhost-user device is not migratable): libvirt says so, and the walk-through goes on.
    let guest = match guest.save(&save) {
        Ok(()) => {
            println!("saved to {}: {:?}", save.display(), guest.state()?);
            let guest = conn.restore(&save)?;
            println!("restored: {:?}", guest.state()?);
            guest
        }
        Err(e) => {
            println!("save refused: {e}");
            guest
        }
    };

    // virsh edit: a description, and the CD-ROM drive taken out again; nothing else is lost.
    let edit = guest.edit(|d: &mut Domain| {
        d.set_description("made by the libvirt-xml walk-through");
        d.remove_devices(|device| device.as_disk().is_some_and(|disk| disk.target.dev == "hdc"));
    })?;
    println!(
        "edit: {:?}, {} change(s), takes effect at next boot: {}",
        edit.outcome,
        edit.changes.len(),
        edit.pending_restart
    );

    // virsh shutdown, then destroy when the guest does not stop in time.
    match guest.shutdown(Duration::from_secs(3))? {
        Shutdown::Clean { after } => println!("shut down cleanly in {after:?}"),
        Shutdown::Destroyed { waited, .. } => println!("still running after {waited:?}: destroyed"),
        Shutdown::AlreadyOff => println!("already off"),
    }

    // Offline migration: the definition moves to another host and back (virsh migrate
    // --offline): the one given, else a private test-driver host.
    let other = match std::env::args().nth(2) {
        Some(other_uri) => Connection::open(&other_uri)?,
        None => {
            let node = std::env::temp_dir().join(format!("{name}-node.xml"));
            std::fs::write(&node, "<node/>\n")?;
            let other = Connection::open(&format!("test://{}", node.display()));
            std::fs::remove_file(&node)?;
            other?
        }
    };
    let moved = guest.migrate_offline(&other, true)?;
    println!("migrated offline to {} ({}): {}", other.uri()?, other.hostname()?, moved.name()?);
    let guest = moved.migrate_offline(&conn, true)?;
    println!("and back: {}", guest.name()?);

    guest.set_autostart(false)?;
    guest.undefine()?; // virsh undefine
    println!("{name}: undefined");
    Ok(())
}
