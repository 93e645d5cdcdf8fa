//! `<maxphysaddr mode='emulate' bits='42'/>`: a fixed number of physical address bits, the
//! same on every host.
//!
//! `cargo run --example maxphysaddr_emulate`

use libvirt_xml::prelude::*;

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "maxphysaddr-emulate")
        .memory(ScaledInteger::gib(2))
        .vcpu(2)
        .os(Os::hvm())
        .cpu(Cpu::host_model().maxphysaddr(CpuMaxPhysAddr::emulate(42)))
}

fn main() {
    print!("{}", guest().to_xml());
}
