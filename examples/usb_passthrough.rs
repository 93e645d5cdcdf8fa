//! A host USB device passed through, found by vendor and product id (`lsusb` shows
//! `0b6d:3880`): in the guest's definition, and alone, as the device XML that
//! `virsh attach-device` (`Guest::attach_device`) and `detach-device` take.
//!
//! `cargo run --example usb_passthrough`

use libvirt_xml::model::to_fragment;
use libvirt_xml::prelude::*;

pub fn device() -> Hostdev {
    Hostdev::usb(0x0b6d, 0x3880).managed(true)
}

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "usb-passthrough").memory(ScaledInteger::gib(2)).vcpu(2).os(Os::hvm()).device(device())
}

fn main() {
    print!("{}", guest().to_xml());
    println!("\n<!-- the device alone, for attach-device and detach-device -->");
    println!("{}", to_fragment(&device(), "hostdev"));
}
