//! A guest with a `custom` CPU: a named model (the guide's host reports
//! `Haswell-noTSX-IBRS`) with features required or taken away, and an explicit topology.
//!
//! `cargo run --example cpu_custom`

use libvirt_xml::prelude::*;

pub fn guest() -> Domain {
    let cpu = Cpu::custom("Haswell-noTSX-IBRS")
        .topology(CpuTopology::new(1, 2, 2))
        .feature(CpuFeature::require("vmx"))
        .feature(CpuFeature::disable("pdcm"));
    Domain::new(DomainType::Kvm, "cpu-custom").memory(ScaledInteger::gib(2)).vcpu(4).os(Os::hvm()).cpu(cpu)
}

fn main() {
    print!("{}", guest().to_xml());
}
