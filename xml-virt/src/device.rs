//! Attaching, detaching and updating typed devices, live and/or in the persistent definition.

use xml_model::generated::domaincommon as dc;
use xml_model::validate::{Problem, Validate, Validator};
use xml_model::write::{WriteChoice, Writer};

use crate::{Error, Guest, Result};

libvirt_flags! {
    /// Where a device change applies (`virDomainDeviceModifyFlags`): the running guest, the
    /// persistent definition, or both. Combine with `|`.
    DeviceFlags {
        /// The guest's current state: live when it runs, the definition when it is off.
        CURRENT = virt::sys::VIR_DOMAIN_DEVICE_MODIFY_CURRENT;
        /// The running guest (hotplug); lost when it stops.
        LIVE = virt::sys::VIR_DOMAIN_DEVICE_MODIFY_LIVE;
        /// The persistent definition; used from the next start.
        CONFIG = virt::sys::VIR_DOMAIN_DEVICE_MODIFY_CONFIG;
        /// For updates: force the change (eject a locked CD-ROM tray).
        FORCE = virt::sys::VIR_DOMAIN_DEVICE_MODIFY_FORCE;
    }
}

/// A typed device as the XML element libvirt's device calls take.
pub trait DeviceXml {
    /// The device element (`<disk>...</disk>`).
    fn device_xml(&self) -> String;
    /// What `validate()` finds in the device alone (its values out of range or pattern, the
    /// rules of libvirt's code about it), with paths from its element (`/hostdev/...`).
    fn device_problems(&self) -> Vec<Problem>;
}

impl DeviceXml for dc::Device {
    fn device_xml(&self) -> String {
        let mut w = Writer::with_capacity(512);
        self.write_choice(&mut w);
        w.into_string()
    }
    fn device_problems(&self) -> Vec<Problem> {
        let mut v = Validator::default();
        self.validate_choice(&mut v, None);
        v.finish()
    }
}

macro_rules! device_elements {
    ($($ty:ident => $name:literal),* $(,)?) => {
        $(impl DeviceXml for dc::$ty {
            fn device_xml(&self) -> String {
                xml_model::to_fragment(self, $name)
            }
            fn device_problems(&self) -> Vec<Problem> {
                let mut v = Validator::new($name);
                self.validate_with(&mut v);
                v.finish()
            }
        })*
    };
}

device_elements! {
    Disk => "disk",
    Filesystem => "filesystem",
    Hostdev => "hostdev",
    Interface => "interface",
    Controller => "controller",
    Input => "input",
    Graphics => "graphics",
    Video => "video",
    Console => "console",
    Channel => "channel",
    Rng => "rng",
    MemoryDevice => "memory",
    Redirdev => "redirdev",
    Shmem => "shmem",
    Sound => "sound",
    Watchdog => "watchdog",
    Vsock => "vsock",
}

impl<T: DeviceXml + ?Sized> DeviceXml for &T {
    fn device_xml(&self) -> String {
        (**self).device_xml()
    }
    fn device_problems(&self) -> Vec<Problem> {
        (**self).device_problems()
    }
}

/// The device's element, once it passes `validate()` ([`Error::Rejected`] when it does not).
fn validated(device: &(impl DeviceXml + ?Sized)) -> Result<String> {
    match device.device_problems() {
        problems if problems.is_empty() => Ok(device.device_xml()),
        problems => Err(Error::Rejected(problems)),
    }
}

impl Guest {
    /// Attaches a device (`virsh attach-device`): hotplugs it into the running guest with
    /// [`DeviceFlags::LIVE`], adds it to the definition with [`DeviceFlags::CONFIG`]. A
    /// device that fails `validate()` is not sent ([`Error::Rejected`]).
    pub fn attach_device(&self, device: &impl DeviceXml, flags: DeviceFlags) -> Result<()> {
        Ok(self.dom.attach_device_flags(&validated(device)?, flags.bits())?)
    }

    /// Detaches a device (`virsh detach-device`), found by its identity (a disk by its
    /// target, a host device by its source). libvirt may return before the guest has let
    /// go of a live device (a PCI unplug needs the guest's consent): check
    /// [`Guest::dumpxml`] when that matters.
    pub fn detach_device(&self, device: &impl DeviceXml, flags: DeviceFlags) -> Result<()> {
        Ok(self.dom.detach_device_flags(&device.device_xml(), flags.bits())?)
    }

    /// Changes a device in place (`virsh update-device`): a CD-ROM's medium, a NIC's link.
    /// A device that fails `validate()` is not sent ([`Error::Rejected`]).
    pub fn update_device(&self, device: &impl DeviceXml, flags: DeviceFlags) -> Result<()> {
        Ok(self.dom.update_device_flags(&validated(device)?, flags.bits())?)
    }
}
