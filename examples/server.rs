//! A Linux server guest of the kind virt-install makes (`virt-install --osinfo linux2022
//! --boot uefi --disk size=20 --network network=default --graphics vnc`): a q35 machine on
//! UEFI firmware (libvirt picks the firmware file), ACPI, the host's CPU model, a qcow2 disk
//! on virtio, a virtio NIC on the `default` network, a serial console, the QEMU guest
//! agent's channel, VNC with virtio video and a USB tablet, and a random number generator.
//!
//! `cargo run --example server`

use libvirt_xml::generated::domaincommon::{Apic, LifecycleAction};
use libvirt_xml::prelude::*;

pub fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "server")
        .memory(ScaledInteger::gib(4))
        .vcpu(2)
        .os(Os::uefi().machine("q35"))
        .features(Features::new().acpi(true).apic(Apic::new()))
        .cpu(Cpu::host_model())
        .clock(Clock::utc())
        .on_poweroff(LifecycleAction::Destroy)
        .device(
            Disk::file("/var/lib/libvirt/images/server.qcow2", "vda", TargetBus::Virtio).format(DiskDriverType::Qcow2),
        )
        .device(Interface::network("default").model("virtio"))
        .device(Device::serial(CharDevice::pty()))
        .device(Console::pty())
        .device(Channel::guest_agent())
        .device(Input::tablet().bus(InputBus::Usb))
        .device(Graphics::vnc())
        .device(Video::new().model(VideoModel::virtio()))
        .device(Rng::urandom())
}

fn main() {
    print!("{}", guest().to_xml());
}
