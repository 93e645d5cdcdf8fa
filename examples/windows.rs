//! A Windows 11 guest of the kind virt-install makes (`virt-install --osinfo win11 --cdrom
//! Win11.iso --disk size=64`): a q35 machine on UEFI firmware with Secure Boot, a TPM 2.0
//! (Windows 11 asks for both), the Hyper-V enlightenments and the clock virt-manager gives
//! Windows, a SATA disk and CD-ROM and an e1000e NIC (drivers Windows has before virtio-win
//! is installed), a USB tablet, VNC and a QXL display.
//!
//! The Hyper-V enlightenments need KVM: under TCG, QEMU refuses to start the guest.
//!
//! `cargo run --example windows`

use libvirt_xml::generated::domaincommon::{Apic, Hyperv};
use libvirt_xml::prelude::*;

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "win11")
        .memory(ScaledInteger::gib(4))
        .vcpu(2)
        .os(Os::uefi().secure_boot(true).machine("q35"))
        .features(Features::new().acpi(true).apic(Apic::new()).hyperv(Hyperv::windows()))
        .cpu(Cpu::host_passthrough())
        .clock(Clock::windows())
        .device(Disk::file("/var/lib/libvirt/images/win11.qcow2", "sda", TargetBus::Sata).format(DiskDriverType::Qcow2))
        .device(Disk::cdrom("sdb", TargetBus::Sata).medium("/var/lib/libvirt/images/Win11.iso"))
        .device(Interface::network("default").model("e1000e"))
        .device(Tpm::new(TpmBackend::emulator().version(TpmVersion::V20)).model(TpmModel::TpmCrb))
        .device(Input::tablet().bus(InputBus::Usb))
        .device(Graphics::vnc())
        .device(Video::new().model(VideoModel::qxl()))
}

fn main() {
    print!("{}", guest().to_xml());
}
