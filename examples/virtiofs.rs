//! A host directory shared with the guest by virtiofs: shared memory, and a `<filesystem>`
//! with the virtiofs driver, the host directory and the tag the guest mounts
//! (`mount -t virtiofs myfs /mnt` inside the guest).
//!
//! `cargo run --example virtiofs`

use libvirt_xml::prelude::*;

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "h-virtiofs")
        .memory(ScaledInteger::gib(4))
        .vcpu(2)
        .os(Os::hvm())
        .memory_backing(MemoryBacking::shared())
        .device(Filesystem::virtiofs("/var/guests/h-virtiofs", "myfs"))
}

fn main() {
    print!("{}", guest().to_xml());
}
