//! `<maxphysaddr mode='passthrough'/>`: the guest gets as many physical address bits as the
//! host CPU has (QEMU's default is 40), what a guest with more than a terabyte needs.
//!
//! `cargo run --example maxphysaddr_passthrough`

use libvirt_xml::prelude::*;

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "maxphysaddr-passthrough")
        .memory(ScaledInteger::gib(2))
        .vcpu(2)
        .os(Os::hvm())
        .cpu(Cpu::host_passthrough().maxphysaddr(CpuMaxPhysAddr::passthrough()))
}

fn main() {
    print!("{}", guest().to_xml());
}
