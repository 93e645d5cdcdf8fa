//! A large guest (1.5 TiB) on one of Ubuntu's `-hpb` ("host-physical-bits") machine types:
//! beyond 1 TiB the guest needs more than QEMU's default 40 address bits, and
//! `pc-q35-jammy-hpb` gives it the host's. `<maxphysaddr mode='passthrough'/>` says the same
//! on any machine type (libvirt 8.7 and later).
//!
//! `cargo run --example large_guest_hpb`

use libvirt_xml::prelude::*;

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "large-hpb")
        .memory(ScaledInteger::gib(1536))
        .vcpu(64)
        .os(Os::hvm().machine("pc-q35-jammy-hpb"))
        .cpu(Cpu::host_passthrough().maxphysaddr(CpuMaxPhysAddr::passthrough()))
}

fn main() {
    print!("{}", guest().to_xml());
}
