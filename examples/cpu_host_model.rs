//! A guest with the `host-model` CPU: libvirt picks the named model closest to the host's CPU
//! and adds the host's other features, so the guest sees nearly the host CPU and can still
//! migrate to a similar host.
//!
//! `cargo run --example cpu_host_model`

use libvirt_xml::prelude::*;

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "cpu-host-model")
        .memory(ScaledInteger::gib(2))
        .vcpu(2)
        .os(Os::hvm())
        .cpu(Cpu::host_model())
}

fn main() {
    print!("{}", guest().to_xml());
}
