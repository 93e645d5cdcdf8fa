//! Huge pages and shared access together: 2 MiB pages that the host can share, the guide's
//! memory backing for a virtiofs guest that wants huge pages.
//!
//! `cargo run --example hugepages_shared`

use libvirt_xml::prelude::*;

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "hugepages-shared")
        .memory(ScaledInteger::gib(4))
        .vcpu(2)
        .os(Os::hvm())
        .memory_backing(MemoryBacking::shared().hugepages(Page::mib(2)))
}

fn main() {
    print!("{}", guest().to_xml());
}
