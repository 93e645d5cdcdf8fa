//! `assert_xml_snapshot!` used the way a user's own test uses it: the guest is checked, then
//! its XML is a snapshot beside this file (`tests/snapshots/`), reviewed with `cargo insta
//! review`.

#![cfg(feature = "snapshot")]

use libvirt_xml::prelude::*;

fn web_server() -> Domain {
    Domain::new(DomainType::Kvm, "web")
        .memory(ScaledInteger::gib(2))
        .vcpu(2)
        .os(Os::hvm())
        .cpu(Cpu::host_model())
        .memory_backing(MemoryBacking::shared())
        .device(Filesystem::virtiofs("/srv/www", "www"))
}

#[test]
fn the_web_server_guest() {
    libvirt_xml::assert_xml_snapshot!(web_server());
}

#[test]
fn a_named_snapshot_of_the_nat_network() {
    use libvirt_xml::generated::network::{Forward, ForwardMode, Ip};
    use std::net::Ipv4Addr;
    let network = Network::new("lab")
        .forward(Forward::new().mode(ForwardMode::Nat))
        .ip(Ip::new().address(Ipv4Addr::new(10, 0, 7, 1)).prefix(24));
    libvirt_xml::assert_xml_snapshot!("lab_network", network);
}

#[test]
#[should_panic(expected = "/domain/devices/filesystem: a virtiofs share needs shared guest memory")]
fn a_guest_libvirt_would_refuse_fails_before_any_snapshot() {
    let mut guest = web_server();
    guest.memory_backing = None;
    libvirt_xml::assert_xml_snapshot!(guest);
}

#[test]
#[should_panic(expected = "libvirt's schemas refuse it")]
fn a_guest_the_schema_refuses_fails_before_any_snapshot() {
    // An attribute the model keeps (it is unknown to it) but the schema does not allow.
    let guest = Domain::from_xml("<domain type='kvm' colour='blue'><name>x</name></domain>").unwrap();
    libvirt_xml::assert_xml_snapshot!(guest);
}
