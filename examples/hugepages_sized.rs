//! Explicit huge page sizes per guest NUMA node: node 0 on 2 MiB pages, node 1 on 1 GiB
//! pages. A page's `nodeset` names guest NUMA cells, so the CPU declares them.
//!
//! `cargo run --example hugepages_sized`

use libvirt_xml::prelude::*;

pub fn guest() -> Domain {
    let numa = CpuNuma::new().cell(NumaCell::of(0, 0..=1, ScaledInteger::gib(2))).cell(NumaCell::of(
        1,
        2..=3,
        ScaledInteger::gib(2),
    ));
    let pages = [Page::mib(2).nodeset(0), Page::gib(1).nodeset(1)];
    Domain::new(DomainType::Kvm, "hugepages-sized")
        .memory(ScaledInteger::gib(4))
        .vcpu(4)
        .os(Os::hvm())
        .cpu(Cpu::host_model().numa(numa))
        .memory_backing(MemoryBacking::new().hugepages(pages))
}

fn main() {
    print!("{}", guest().to_xml());
}
