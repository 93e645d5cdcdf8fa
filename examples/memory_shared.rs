//! Guest memory the host can share with other processes (`<access mode='shared'/>`): what
//! vhost-user devices such as virtiofs need.
//!
//! `cargo run --example memory_shared`

use libvirt_xml::prelude::*;

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "memory-shared")
        .memory(ScaledInteger::gib(4))
        .vcpu(2)
        .os(Os::hvm())
        .memory_backing(MemoryBacking::shared())
}

fn main() {
    print!("{}", guest().to_xml());
}
