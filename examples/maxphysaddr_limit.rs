//! `<maxphysaddr mode='passthrough' limit='41'/>`: the host's address bits, but at most 41, so
//! the guest can migrate between hosts of a cluster whose CPUs have different numbers of bits.
//!
//! `cargo run --example maxphysaddr_limit`

use libvirt_xml::prelude::*;

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "maxphysaddr-limit")
        .memory(ScaledInteger::gib(2))
        .vcpu(2)
        .os(Os::hvm())
        .cpu(Cpu::host_model().maxphysaddr(CpuMaxPhysAddr::passthrough().limit(41)))
}

fn main() {
    print!("{}", guest().to_xml());
}
