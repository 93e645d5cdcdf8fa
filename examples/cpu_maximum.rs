//! A guest with the `maximum` CPU: the most capable CPU the hypervisor can give, emulated
//! where the host lacks a feature (with TCG, QEMU's `-cpu max`).
//!
//! `cargo run --example cpu_maximum`

use libvirt_xml::prelude::*;

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "cpu-maximum").memory(ScaledInteger::gib(2)).vcpu(2).os(Os::hvm()).cpu(Cpu::maximum())
}

fn main() {
    print!("{}", guest().to_xml());
}
