//! The seed guide's `virsh` walk-through, from Rust with types: define a guest (host-model
//! CPU with `<maxphysaddr>`, huge pages with shared memory, a virtiofs share, USB
//! passthrough), list, start, autostart, reboot, read the live definition back typed,
//! destroy and undefine.
//!
//! `cargo run --example walkthrough [URI]`; the URI defaults to libvirt's embedded
//! `test:///default` driver, which needs no daemon.

// The domain types are the hand-written slice the tests use, until the generated model of
// the whole schema replaces them.
#[path = "../tests/support/domain.rs"]
mod domain;

use domain::*;
use libvirt_xml::virt::{Connection, TEST_URI};
use libvirt_xml::{Number, ScaledInteger, Unit, ValidateRoot, XmlDocument};

fn guest(name: &str, kind: DomainType) -> Domain {
    Domain::builder()
        .kind(kind)
        .name(name)
        .memory(ScaledInteger::new(256, Unit::mib()))
        .vcpu(Vcpu::builder().placement(Placement::Static).count(VcpuCount(Number::new(1))).build().unwrap())
        .os(Os::Hvm(HvmOs {
            os_type: OsType::builder().arch("x86_64").value("hvm").build().unwrap(),
            boot: vec![],
            extras: Default::default(),
        }))
        .cpu(Cpu {
            mode: Some(CpuMode::HostModel),
            maxphysaddr: Some(
                MaxPhysAddr::builder()
                    .mode(PhysAddrMode::Passthrough)
                    .limit(PhysBits(Number::new(41)))
                    .build()
                    .unwrap(),
            ),
            ..Default::default()
        })
        .memory_backing(MemoryBacking {
            hugepages: Some(Hugepages {
                pages: vec![Page::builder().size(2048u64).unit(Unit::kib()).build().unwrap()],
                ..Default::default()
            }),
            access: Some(MemoryAccess::builder().mode(AccessMode::Shared).build().unwrap()),
            ..Default::default()
        })
        .devices(Devices {
            items: vec![Device::Filesystem(virtiofs("/var/guests/h-virtiofs", "myfs"))],
            ..Default::default()
        })
        .build()
        .expect("every required field is set")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let uri = std::env::args().nth(1).unwrap_or_else(|| TEST_URI.to_owned());
    let conn = Connection::open(&uri)?;
    println!("connected to {}", conn.uri()?);

    let kind = if uri.starts_with("test:") { DomainType::Test } else { DomainType::Qemu };
    let name = format!("walkthrough-{}", std::process::id());
    let definition = guest(&name, kind);
    if let Err(problems) = definition.validate() {
        for p in problems {
            eprintln!("invalid: {p}");
        }
        return Err("the guest definition is invalid".into());
    }
    println!("defining:\n{}", definition.to_xml());

    let guest = conn.define(&definition)?; // virsh define
    println!("virsh list --all:");
    for (n, state) in conn.list()? {
        println!("  {n:<30} {state:?}");
    }
    guest.start()?; // virsh start
    guest.set_autostart(true)?; // virsh autostart
    println!("{name}: {:?}, autostart {}", guest.state()?, guest.autostart()?);
    guest.reboot()?; // virsh reboot

    let live: Domain = guest.dumpxml(false)?; // virsh dumpxml, typed
    let cpu = live.cpu.as_ref().and_then(|c| c.maxphysaddr.as_ref());
    println!(
        "live definition: {} KiB of memory, maxphysaddr {:?}",
        live.memory.as_ref().and_then(|m| m.kib()).unwrap_or(0),
        cpu.map(|m| &m.mode)
    );
    let kept = live.extras.nodes().len() + live.extras.attributes().len();
    println!("elements libvirt added that the slice does not model, kept as they were: {kept}");

    guest.destroy()?; // virsh destroy
    guest.set_autostart(false)?;
    guest.undefine()?; // virsh undefine
    println!("{name}: destroyed and undefined");
    Ok(())
}
