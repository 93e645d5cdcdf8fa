//! Guest memory on huge pages of the host's default size (`<memoryBacking><hugepages/>`),
//! from a hugetlbfs mount libvirt finds by itself. The host must have reserved enough pages
//! (`/sys/kernel/mm/hugepages/*/nr_hugepages`).
//!
//! `cargo run --example hugepages_default`

use libvirt_xml::prelude::*;

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "hugepages-default")
        .memory(ScaledInteger::gib(4))
        .vcpu(2)
        .os(Os::hvm())
        .memory_backing(MemoryBacking::huge_pages())
}

fn main() {
    print!("{}", guest().to_xml());
}
