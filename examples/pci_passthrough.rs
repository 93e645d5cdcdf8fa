//! A host PCI device passed through by its address (an SR-IOV virtual function at
//! `0000:04:10.0`), `managed='yes'` so libvirt binds it to vfio-pci while the guest runs: in
//! the guest's definition, and alone, as the device XML `attach-device` takes.
//!
//! `cargo run --example pci_passthrough`

use libvirt_xml::model::to_fragment;
use libvirt_xml::prelude::*;

pub fn device() -> Hostdev {
    Hostdev::pci(HostPciAddress::at(0x0000, 0x04, 0x10, 0x0)).managed(true)
}

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "pci-passthrough").memory(ScaledInteger::gib(2)).vcpu(2).os(Os::hvm()).device(device())
}

fn main() {
    print!("{}", guest().to_xml());
    println!("\n<!-- the device alone, for attach-device and detach-device -->");
    println!("{}", to_fragment(&device(), "hostdev"));
}
