//! A guest with the `host-passthrough` CPU: the host CPU itself, every feature included. The
//! fastest and most exact, but the guest can only migrate to an identical host.
//!
//! `cargo run --example cpu_host_passthrough`

use libvirt_xml::prelude::*;

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "cpu-host-passthrough")
        .memory(ScaledInteger::gib(2))
        .vcpu(2)
        .os(Os::hvm())
        .cpu(Cpu::host_passthrough())
}

fn main() {
    print!("{}", guest().to_xml());
}
