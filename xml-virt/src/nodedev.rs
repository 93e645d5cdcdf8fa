//! The host's devices as libvirt sees them (`virsh nodedev-list`, `nodedev-dumpxml`), typed, to
//! find what to pass through; and handing a PCI device to VFIO and back (`nodedev-detach`,
//! `nodedev-reattach`, `nodedev-reset`).

use xml_model::generated::domaincommon::{HostPciAddress, Hostdev};
use xml_model::generated::nodedev::{Device, DeviceCapabilityType};

use crate::{Connection, Result};

/// Which host devices [`Connection::node_devices`] lists (`virsh nodedev-list --cap`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    /// Every device.
    All,
    /// PCI devices (`--cap pci`).
    Pci,
    /// USB devices (`--cap usb_device`).
    UsbDevice,
    /// Network interfaces (`--cap net`).
    Net,
    /// Block storage (`--cap storage`).
    Storage,
    /// Mediated devices (`--cap mdev`).
    Mdev,
}

impl DeviceKind {
    fn flags(self) -> u32 {
        match self {
            DeviceKind::All => 0,
            DeviceKind::Pci => virt::sys::VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV,
            DeviceKind::UsbDevice => virt::sys::VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_DEV,
            DeviceKind::Net => virt::sys::VIR_CONNECT_LIST_NODE_DEVICES_CAP_NET,
            DeviceKind::Storage => virt::sys::VIR_CONNECT_LIST_NODE_DEVICES_CAP_STORAGE,
            DeviceKind::Mdev => virt::sys::VIR_CONNECT_LIST_NODE_DEVICES_CAP_MDEV,
        }
    }
}

/// A device of the host.
pub struct NodeDevice {
    dev: virt::nodedev::NodeDevice,
}

impl std::fmt::Debug for NodeDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeDevice").field("name", &self.dev.name().ok()).finish()
    }
}

impl Connection {
    /// The host's devices of a kind, sorted by name (`virsh nodedev-list --cap pci`).
    pub fn node_devices(&self, kind: DeviceKind) -> Result<Vec<NodeDevice>> {
        let mut out: Vec<(String, NodeDevice)> = Vec::new();
        for dev in self.conn.list_all_node_devices(kind.flags())? {
            out.push((dev.name()?, NodeDevice { dev }));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out.into_iter().map(|(_, d)| d).collect())
    }

    /// A host device by its libvirt name (`pci_0000_00_1f_2`, `usb_1_2`).
    pub fn node_device(&self, name: &str) -> Result<NodeDevice> {
        Ok(NodeDevice { dev: self.conn.lookup_node_device_by_name(name)? })
    }
}

impl NodeDevice {
    /// Its libvirt name (`pci_0000_00_1f_2`).
    pub fn name(&self) -> Result<String> {
        Ok(self.dev.name()?)
    }

    /// Its description, typed (`virsh nodedev-dumpxml`): driver, parent, capabilities
    /// (PCI address and ids, USB bus and ids, IOMMU group...).
    pub fn dumpxml(&self) -> Result<Device> {
        let xml = self.dev.xml_desc(0)?;
        crate::error::typed(&xml)
    }

    /// The `<hostdev>` that passes this device to a guest: a PCI device by its address, a USB
    /// device by its vendor and product ids; `None` for a device of another kind.
    pub fn hostdev(&self) -> Result<Option<Hostdev>> {
        Ok(hostdev_of(&self.dumpxml()?))
    }

    /// Unbinds the PCI device from its host driver and binds it to `vfio-pci`, ready for a
    /// guest that does not manage it (`virsh nodedev-detach`).
    pub fn detach(&self) -> Result<()> {
        Ok(self.dev.detach_flags(Some("vfio"), 0)?)
    }

    /// Gives the PCI device back to its host driver (`virsh nodedev-reattach`).
    pub fn reattach(&self) -> Result<()> {
        Ok(self.dev.reattach()?)
    }

    /// Resets the PCI device (`virsh nodedev-reset`), for instance between guests.
    pub fn reset(&self) -> Result<()> {
        Ok(self.dev.reset()?)
    }
}

/// The `<hostdev>` for a described device (see [`NodeDevice::hostdev`]).
pub fn hostdev_of(device: &Device) -> Option<Hostdev> {
    device.capabilities.iter().find_map(|cap| match &cap.kind {
        DeviceCapabilityType::Pci(pci) => {
            // Numbers beyond a PCI address's fields are no address libvirt could take.
            let address = HostPciAddress::at(
                u32::try_from(pci.domain.get()).ok()?,
                u8::try_from(pci.bus.get()).ok()?,
                u8::try_from(pci.slot.get()).ok()?,
                u8::try_from(pci.function.get()).ok()?,
            );
            Some(Hostdev::pci(address).managed(true))
        }
        DeviceCapabilityType::UsbDevice(usb) => {
            let vendor = u16::try_from(usb.vendor.id.get()).ok()?;
            let product = u16::try_from(usb.product.id.get()).ok()?;
            Some(Hostdev::usb(vendor, product))
        }
        _ => None,
    })
}
