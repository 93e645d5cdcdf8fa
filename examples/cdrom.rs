//! A CD-ROM drive with an installer image in it: in the guest's definition, and alone, as
//! the device XML `virsh attach-device` takes (what `virsh attach-disk --type cdrom` writes).
//!
//! `cargo run --example cdrom`

use libvirt_xml::model::to_fragment;
use libvirt_xml::prelude::*;

pub fn device() -> Disk {
    Disk::cdrom("sdb", TargetBus::Sata).medium("/var/lib/libvirt/images/ubuntu-24.04-live-server-amd64.iso")
}

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "cdrom").memory(ScaledInteger::gib(2)).vcpu(2).os(Os::hvm()).device(device())
}

fn main() {
    print!("{}", guest().to_xml());
    println!("\n<!-- the drive alone, for attach-device -->");
    println!("{}", to_fragment(&device(), "disk"));
}
