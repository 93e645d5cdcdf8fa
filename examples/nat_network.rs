//! The guide's default network: NAT to the outside through the host, a bridge for the
//! guests, DHCP on 192.168.122.0/24; and a guest whose NIC is on it.
//!
//! `cargo run --example nat_network`

use std::net::Ipv4Addr;

use libvirt_xml::generated::network::{Bridge, Dhcp, Forward, ForwardMode, Ip, Range};
use libvirt_xml::prelude::*;

pub fn network() -> Network {
    let dhcp = Dhcp::new().range(Range::new(Ipv4Addr::new(192, 168, 122, 2), Ipv4Addr::new(192, 168, 122, 254)));
    Network::new("default")
        .forward(Forward::new().mode(ForwardMode::Nat))
        .bridge(Bridge::new().name("virbr0").stp(true).delay(0))
        .ip(Ip::new().address(Ipv4Addr::new(192, 168, 122, 1)).netmask(Ipv4Addr::new(255, 255, 255, 0)).dhcp(dhcp))
}

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "nat-guest")
        .memory(ScaledInteger::gib(2))
        .vcpu(2)
        .os(Os::hvm())
        .device(Interface::network("default").model("virtio"))
}

fn main() {
    print!("{}", network().to_xml());
    print!("{}", guest().to_xml());
}
