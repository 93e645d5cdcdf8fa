//! A guest NIC on a bridge of the host (`br0`, set up with netplan): the guest appears on the
//! host's network as a host of its own, reachable from outside.
//!
//! `cargo run --example bridge_nic`

use libvirt_xml::prelude::*;

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "bridged")
        .memory(ScaledInteger::gib(2))
        .vcpu(2)
        .os(Os::hvm())
        .device(Interface::bridge("br0").model("virtio"))
}

fn main() {
    print!("{}", guest().to_xml());
}
