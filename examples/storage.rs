//! A pool of images in a directory, a qcow2 volume in it, and a guest whose disk is that
//! volume (`virsh pool-define-as --type dir`, `pool-build`, `pool-start`, `vol-create-as`,
//! then `<disk type='volume'>`): libvirt finds the file through the pool.
//!
//! `cargo run --example storage` (on `test:///default`, which keeps its pools in memory), or
//! `-- qemu:///system` (the pool's directory is made under /var/lib/libvirt/images and removed).

use libvirt_xml::generated::domaincommon::TargetBus;
use libvirt_xml::generated::storagepool::Pool;
use libvirt_xml::generated::storagevol::{FormatType, Volume};
use libvirt_xml::prelude::*;
use libvirt_xml::virt::{Connection, TEST_URI};

pub fn pool() -> Pool {
    Pool::dir("example-images", "/var/lib/libvirt/images/example-images")
}

pub fn volume() -> Volume {
    Volume::image("data.qcow2", ScaledInteger::gib(8), FormatType::Qcow2)
}

pub fn guest(kind: DomainType) -> Domain {
    Domain::new(kind, "with-a-volume").memory(ScaledInteger::mib(256)).vcpu(1).os(Os::hvm()).device(Disk::volume(
        "example-images",
        "data.qcow2",
        "vda",
        TargetBus::Virtio,
    ))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let uri = std::env::args().nth(1).unwrap_or_else(|| TEST_URI.to_owned());
    let conn = Connection::open(&uri)?;
    let kind = if conn.driver()? == "Test" { DomainType::Test } else { DomainType::Qemu };

    let pool = conn.define_pool(&pool())?;
    pool.build()?;
    pool.start()?;
    let volume = pool.create_volume(&volume())?;
    let (capacity, allocation) = volume.capacity_and_allocation()?;
    println!("{}: {capacity} bytes, {allocation} on the host", volume.path()?);

    let guest = conn.define(&guest(kind))?;
    print!("{}", guest.xml(libvirt_xml::virt::XmlView::Inactive)?);

    guest.undefine()?;
    volume.delete()?;
    pool.destroy()?;
    pool.delete()?;
    pool.undefine()?;
    Ok(())
}
