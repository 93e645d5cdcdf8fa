//! Constructors for what people build most, on the generated types: a guest, its CPU, its
//! memory backing, a virtiofs share, host devices passed through.
//!
//! They are thin: each fills the generated fields and returns the generated type, so
//! everything else about the value is reached as usual (`Cpu::host_model().check(..)`).
//!
//! ```
//! use xml_model::prelude::*;
//!
//! let guest = Domain::new(DomainType::Kvm, "h-virtiofs")
//!     .memory(ScaledInteger::gib(4))
//!     .vcpu(2)
//!     .os(Os::hvm())
//!     .cpu(Cpu::host_model().maxphysaddr(CpuMaxPhysAddr::passthrough().limit(41)))
//!     .memory_backing(MemoryBacking::shared().hugepages(Page::mib(2)))
//!     .device(Filesystem::virtiofs("/srv/share", "myfs"))
//!     .device(Hostdev::usb(0x0b6d, 0x3880))
//!     .device(Hostdev::pci(HostPciAddress::at(0x0000, 0x06, 0x10, 0x0)).managed(true));
//! assert_eq!(guest.devices.as_ref().map(|d| d.devices.len()), Some(3));
//! ```

use crate::generated::basictypes::{Arch, OnOff, YesNo};
use crate::generated::cputypes::{
    Cpu, CpuFeature, CpuMaxPhysAddr, CpuMode, CpuModel, FeaturePolicy, MaxphysaddrMode, MemoryAccessMode, NumaCell,
};
use crate::generated::domaincommon::{
    Access, AddressListen, BridgeInterface, BridgeInterfaceSource, Channel, ChannelTarget, ChannelTargetType,
    CharDevice, CharDeviceTarget, CharSourceType, CharTargetType, Clock, Console, Controller, CustomHyperv, Device,
    Devices, Disk, DiskDevice, DiskDriverType, DiskSource, DiskTarget, Domain, FileDiskSource, FileSource, Filesystem,
    FilesystemAccessmode, FilesystemTarget, Firmware, FirmwareFeature, FirmwareFeatureName, FsBinary, FsDriver,
    Graphics, GraphicsType, GuestOsType, HostPciAddress, Hostdev, Hugepages, Hyperv, Input, InputBus, InputType,
    Interface, Iommu, Listen, Memballoon, MemoryBacking, MountFilesystem, MountFilesystemSource, NetworkInterface,
    Nvram, Os, OsFirmware, OsType, Page, Panic, PciAddress, PciHostdev, PciSubsystemHostdevSource, Product, Pstore,
    RandomBackend, Rng, RngBackend, ScsiController, ScsiControllerModel, SpiceGraphics, Spinlocks, Stimer,
    SubsystemHostdev, SubsystemHostdevType, TargetBus, Timer, TimerName, TimerTickpolicy, Tlbflush, UsbHostdev,
    UsbSubsystemHostdevSource, Vendor, VirtioModel, VncGraphics, VolumeDiskSource, VolumeSource, Vsock, Watchdog,
};
use crate::{CpuSet, HexNumber, ScaledInteger, Unit};

impl From<bool> for YesNo {
    fn from(b: bool) -> Self {
        if b {
            YesNo::Yes
        } else {
            YesNo::No
        }
    }
}

impl From<bool> for OnOff {
    fn from(b: bool) -> Self {
        if b {
            OnOff::On
        } else {
            OnOff::Off
        }
    }
}

impl Domain {
    /// Adds a device to `<devices>` (made when there is none yet): one of the list of
    /// [`Device`]s, or one the schema keeps beside it ([`DevicesItem`]). A device of the list
    /// goes where libvirt writes its kind (a disk after the last disk, before the
    /// controllers), so that the guest is written as libvirt gives it back; devices of one
    /// kind keep the order they were added in. A guest has one
    /// `<memballoon>`, `<nvram>`, `<iommu>`, `<vsock>` and `<pstore>`: adding one replaces
    /// the one there was.
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// use xml_model::generated::domaincommon::{Memballoon, MemballoonModel, Watchdog, WatchdogModel};
    ///
    /// let guest = Domain::new(DomainType::Kvm, "web")
    ///     .device(Graphics::vnc())
    ///     .device(Watchdog::new(WatchdogModel::I6300esb))
    ///     .device(Memballoon::new(MemballoonModel::Virtio));
    /// let devices = guest.devices.as_deref().expect("<devices>");
    /// assert_eq!((devices.devices.len(), devices.watchdogs.len()), (1, 1));
    /// assert!(devices.memballoon.is_some());
    /// ```
    #[must_use]
    pub fn device(mut self, device: impl DevicesItem) -> Self {
        self.add_device(device);
        self
    }

    /// [`Domain::device`] in place, for a guest read back or the closure of `Guest::edit`
    /// (a `<memballoon>`, `<nvram>`, `<iommu>`, `<vsock>` or `<pstore>` replaces the one
    /// there was).
    pub fn add_device(&mut self, device: impl DevicesItem) -> &mut Self {
        device.add_to(self.devices.get_or_insert_with(Default::default));
        self
    }

    /// The devices of `<devices>`, in document order (none when there is no `<devices>`).
    pub fn device_list(&self) -> &[Device] {
        self.devices.as_deref().map_or(&[], |d: &Devices| &d.devices)
    }

    /// [`Domain::device_list`], to change: `<devices>` is made when there is none, as
    /// [`Domain::add_device`] makes it. To take devices out, [`Domain::remove_devices`]
    /// keeps the others in their places among comments and unknown content, where a
    /// `retain` on this list moves each up into the place of one taken out.
    ///
    /// ```
    /// use xml_model::prelude::*;
    ///
    /// let mut guest = Domain::from_xml(
    ///     "<domain type='kvm'><name>web</name><devices>\
    ///      <interface type='network'><source network='default'/></interface>\
    ///      </devices></domain>",
    /// )?;
    /// for nic in guest.device_list_mut().iter_mut().filter_map(Device::as_interface_mut) {
    ///     nic.set_model("virtio");
    /// }
    /// assert!(guest.to_xml().contains("<model type='virtio'/>"));
    /// # Ok::<(), xml_model::Error>(())
    /// ```
    pub fn device_list_mut(&mut self) -> &mut Vec<Device> {
        &mut self.devices.get_or_insert_with(Default::default).devices
    }

    /// Takes the devices of the list that `which` picks out of the guest, and gives them
    /// back in document order (to detach them from the running guest too, for instance).
    /// The rest keep their order; a guest with no `<devices>` is left as it is.
    ///
    /// ```
    /// use xml_model::prelude::*;
    ///
    /// let mut guest = Domain::new(DomainType::Kvm, "web")
    ///     .device(Disk::file("/images/web.qcow2", "vda", TargetBus::Virtio))
    ///     .device(Disk::cdrom("sda", TargetBus::Sata).medium("/images/install.iso"));
    /// let cdroms = guest.remove_devices(|d| d.as_disk().is_some_and(|disk| disk.device.as_cdrom().is_some()));
    /// assert_eq!(cdroms.len(), 1);
    /// assert_eq!(guest.device_list().len(), 1);
    /// ```
    pub fn remove_devices(&mut self, mut which: impl FnMut(&Device) -> bool) -> Vec<Device> {
        let Some(devices) = self.devices.as_deref_mut() else { return Vec::new() };
        let (mut removed, mut indices) = (Vec::new(), Vec::new());
        let mut kept = Vec::with_capacity(devices.devices.len());
        for (i, device) in std::mem::take(&mut devices.devices).into_iter().enumerate() {
            if which(&device) {
                removed.push(device);
                indices.push(i);
            } else {
                kept.push(device);
            }
        }
        devices.devices = kept;
        devices.extras.forget_items(Devices::DEVICES_RANK, &indices);
        removed
    }
}

/// What [`Domain::device`] adds to `<devices>`: a [`Device`] of its list (and all that
/// converts into one: a [`Disk`], an [`Interface`]...), or one of the devices libvirt's schema
/// keeps apart from that list, each in its own field of [`Devices`]: a [`Watchdog`] or a
/// [`Panic`] is added to its list, a [`Memballoon`], [`Nvram`], [`Iommu`], [`Vsock`] or
/// [`Pstore`] (of which a guest has one) replaces the one there was.
pub trait DevicesItem {
    /// Puts the device in its place in `devices`.
    fn add_to(self, devices: &mut Devices);
}

/// The order libvirt writes the kinds of devices in (virDomainDefFormat; `virsh dumpxml`
/// shows it): a device added in code takes its kind's place, so that what is written is
/// what libvirt gives back.
const LIBVIRT_DEVICE_ORDER: &[&str] = &[
    "emulator",
    "disk",
    "controller",
    "lease",
    "filesystem",
    "interface",
    "smartcard",
    "serial",
    "parallel",
    "console",
    "channel",
    "input",
    "tpm",
    "graphics",
    "sound",
    "audio",
    "video",
    "hostdev",
    "redirdev",
    "redirfilter",
    "hub",
    "watchdog",
    "memballoon",
    "rng",
    "nvram",
    "panic",
    "shmem",
    "memory",
    "iommu",
    "vsock",
    "crypto",
    "pstore",
];

fn libvirt_rank(device: &Device) -> usize {
    let name = crate::read::ElementChoice::element_name(device);
    LIBVIRT_DEVICE_ORDER.iter().position(|n| *n == name).unwrap_or(LIBVIRT_DEVICE_ORDER.len())
}

impl<T: Into<Device>> DevicesItem for T {
    /// After the last device of a kind libvirt writes before it or with it: after the disks
    /// for a disk, at the start for the first disk of a guest that has other devices.
    fn add_to(self, devices: &mut Devices) {
        let device = self.into();
        let rank = libvirt_rank(&device);
        let at = devices.devices.iter().rposition(|d| libvirt_rank(d) <= rank).map_or(0, |i| i + 1);
        devices.devices.insert(at, device);
        devices.extras.insert_item(Devices::DEVICES_RANK, at);
    }
}

impl DevicesItem for Watchdog {
    fn add_to(self, devices: &mut Devices) {
        devices.watchdogs.push(self);
    }
}

impl DevicesItem for Panic {
    fn add_to(self, devices: &mut Devices) {
        devices.panics.push(self);
    }
}

/// The devices of which a guest has one: adding one replaces the one there was.
macro_rules! one_per_guest {
    ($($ty:ident => $set:ident),* $(,)?) => {$(
        impl DevicesItem for $ty {
            fn add_to(self, devices: &mut Devices) {
                devices.$set(self);
            }
        }
    )*};
}

one_per_guest!(
    Memballoon => set_memballoon,
    Nvram => set_nvram,
    Iommu => set_iommu,
    Vsock => set_vsock,
    Pstore => set_pstore,
);

impl Os {
    /// `<os><type>hvm</type></os>`: a fully virtualized machine (what QEMU/KVM runs; libvirt
    /// asks for an OS type though the schema does not).
    pub fn hvm() -> Self {
        Os::new().kind(OsType::new().value(GuestOsType::Hvm))
    }

    /// `<os firmware='efi'>`, fully virtualized: UEFI firmware that libvirt picks from what
    /// the host has (OVMF on x86_64, found through the descriptors in
    /// `/usr/share/qemu/firmware`), with a file for the guest's UEFI variables that it makes
    /// on the first start. On x86 the firmware needs ACPI (`Features::new().acpi(true)`;
    /// `validate()` says so). A guest that has run goes with
    /// `Guest::undefine_with(UndefineFlags::NVRAM)`.
    pub fn uefi() -> Self {
        Os::hvm().firmware(OsFirmware::Efi)
    }

    /// Asks for UEFI firmware with Secure Boot on and the usual keys enrolled, as Windows 11
    /// wants (`<firmware><feature enabled='yes' name='secure-boot'/><feature enabled='yes'
    /// name='enrolled-keys'/></firmware>`), or (`false`) for firmware without Secure Boot
    /// (`<feature enabled='no' name='secure-boot'/>`). libvirt picks by these features only
    /// for [`Os::uefi`]; on x86_64, Secure Boot needs a q35 machine.
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// let os = Os::uefi().machine("q35").secure_boot(true);
    /// assert!(xml_model::to_fragment(&os, "os").contains("<feature enabled='yes' name='secure-boot'/>"));
    /// ```
    #[must_use]
    pub fn secure_boot(self, on: bool) -> Self {
        let feature = |name| FirmwareFeature::new(on, name);
        let features = match on {
            true => vec![feature(FirmwareFeatureName::SecureBoot), feature(FirmwareFeatureName::EnrolledKeys)],
            false => vec![feature(FirmwareFeatureName::SecureBoot)],
        };
        self.firmware_features(Firmware::new().features(features))
    }

    /// The machine type (`<type machine='pc-q35-jammy-hpb'>`): which board QEMU emulates.
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// let os = Os::hvm().machine("pc-q35-jammy-hpb");
    /// assert_eq!(xml_model::to_fragment(&os, "os"), "<os>\n  <type machine='pc-q35-jammy-hpb'>hvm</type>\n</os>");
    /// ```
    #[must_use]
    pub fn machine(mut self, machine: &str) -> Self {
        self.kind.get_or_insert_with(Default::default).machine = Some(machine.to_owned());
        self
    }

    /// The guest's architecture (`<type arch='x86_64'>`); without it libvirt takes the
    /// host's.
    ///
    /// ```
    /// use xml_model::generated::basictypes::Arch;
    /// use xml_model::prelude::*;
    /// let os = Os::hvm().arch(Arch::Aarch64).machine("virt");
    /// assert_eq!(xml_model::to_fragment(&os, "os"), "<os>\n  <type arch='aarch64' machine='virt'>hvm</type>\n</os>");
    /// ```
    #[must_use]
    pub fn arch(mut self, arch: Arch) -> Self {
        self.kind.get_or_insert_with(Default::default).arch = Some(arch);
        self
    }
}

impl Cpu {
    /// `<cpu mode='host-model'>`: the host's CPU model and features, as far as the
    /// hypervisor can give them and migration allows.
    pub fn host_model() -> Self {
        Cpu::new().mode(CpuMode::HostModel)
    }

    /// `<cpu mode='host-passthrough'>`: the host CPU itself, all features included.
    pub fn host_passthrough() -> Self {
        Cpu::new().mode(CpuMode::HostPassthrough)
    }

    /// `<cpu mode='maximum'>`: the most capable CPU the hypervisor can emulate.
    pub fn maximum() -> Self {
        Cpu::new().mode(CpuMode::Maximum)
    }

    /// `<cpu mode='custom'><model>..</model>`: a named CPU model (`Haswell-noTSX-IBRS`);
    /// add features with [`Cpu::feature`].
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// let cpu = Cpu::custom("Haswell-noTSX-IBRS").feature(CpuFeature::require("vmx"));
    /// assert_eq!(
    ///     xml_model::to_fragment(&cpu, "cpu"),
    ///     "<cpu mode='custom'>\n  <model>Haswell-noTSX-IBRS</model>\n  <feature policy='require' name='vmx'/>\n</cpu>"
    /// );
    /// ```
    pub fn custom(model: &str) -> Self {
        Cpu::new().mode(CpuMode::Custom).model(CpuModel::new().value(model))
    }
}

impl NumaCell {
    /// A guest NUMA node: its id, its vCPUs and its memory
    /// (`<cell id='0' cpus='0-1' memory='2' unit='GiB'/>`).
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// let cell = NumaCell::of(0, 0..=1, ScaledInteger::gib(2));
    /// assert_eq!(xml_model::to_fragment(&cell, "cell"), "<cell id='0' cpus='0-1' memory='2' unit='GiB'/>");
    /// ```
    pub fn of(id: u32, cpus: impl Into<CpuSet>, memory: ScaledInteger) -> Self {
        NumaCell::new(memory.value).unit(memory.unit.unwrap_or_else(Unit::kib)).id(id).cpus(cpus)
    }
}

impl CpuFeature {
    /// `<feature policy='require' name='..'/>`: the guest gets the feature; starting fails on
    /// a host without it.
    pub fn require(name: &str) -> Self {
        CpuFeature::new(FeaturePolicy::Require, name)
    }

    /// `<feature policy='disable' name='..'/>`: the guest does not get the feature.
    pub fn disable(name: &str) -> Self {
        CpuFeature::new(FeaturePolicy::Disable, name)
    }
}

impl CpuMaxPhysAddr {
    /// `<maxphysaddr mode='passthrough'/>`: the host's number of physical address bits
    /// (add a `limit` to cap it).
    pub fn passthrough() -> Self {
        CpuMaxPhysAddr::new(MaxphysaddrMode::Passthrough)
    }

    /// `<maxphysaddr mode='emulate' bits='..'/>`: a fixed number of physical address bits.
    pub fn emulate(bits: u32) -> Self {
        CpuMaxPhysAddr::new(MaxphysaddrMode::Emulate).bits(bits)
    }
}

impl MemoryBacking {
    /// `<memoryBacking><access mode='shared'/>`: guest memory the host can share (what
    /// virtiofs needs).
    pub fn shared() -> Self {
        MemoryBacking::new().access(Access::new(MemoryAccessMode::Shared))
    }

    /// `<memoryBacking><hugepages/>`: huge pages of the host's default size.
    pub fn huge_pages() -> Self {
        MemoryBacking::new().hugepages(Hugepages::new())
    }
}

impl Page {
    /// A huge page size in KiB (`<page size='2048' unit='KiB'/>`).
    pub fn kib(size: u64) -> Self {
        Page::new(size).unit(Unit::kib())
    }

    /// A huge page size in MiB, written in KiB as libvirt writes it.
    pub fn mib(size: u64) -> Self {
        Page::kib(size * 1024)
    }

    /// A huge page size in GiB, written in KiB as libvirt writes it.
    pub fn gib(size: u64) -> Self {
        Page::kib(size * 1024 * 1024)
    }
}

/// `<hugepages>` of one page size.
impl From<Page> for Hugepages {
    fn from(page: Page) -> Self {
        Hugepages::new().page(page)
    }
}

/// `<hugepages>` of these page sizes.
impl<const N: usize> From<[Page; N]> for Hugepages {
    fn from(pages: [Page; N]) -> Self {
        Hugepages::new().pages(pages)
    }
}

impl Disk {
    /// A disk backed by an image file, seen by the guest as `dev` on `bus`
    /// (`Disk::file("/var/lib/libvirt/images/web.qcow2", "vda", TargetBus::Virtio)`).
    pub fn file(path: &str, dev: &str, bus: TargetBus) -> Self {
        let source = FileDiskSource::new().source(FileSource::new().file(path));
        Disk::new(DiskDevice::Disk(DiskSource::File(source)), DiskTarget::new(dev).bus(bus))
    }

    /// A read-only CD-ROM drive, `dev` on `bus`, with no medium in it
    /// (`virsh attach-disk --type cdrom`); [`Disk::medium`] puts an image in.
    pub fn cdrom(dev: &str, bus: TargetBus) -> Self {
        Disk::new(DiskDevice::Cdrom(DiskSource::File(FileDiskSource::new())), DiskTarget::new(dev).bus(bus))
            .readonly(true)
    }

    /// A disk backed by volume `volume` of storage pool `pool`, seen by the guest as `dev`
    /// on `bus` (`<disk type='volume'><source pool='..' volume='..'/>`): libvirt finds the
    /// file (or block device) through the pool.
    pub fn volume(pool: &str, volume: &str, dev: &str, bus: TargetBus) -> Self {
        let source = VolumeDiskSource::new().source(VolumeSource::new(pool, volume));
        Disk::new(DiskDevice::Disk(DiskSource::Volume(source)), DiskTarget::new(dev).bus(bus))
    }

    /// The image file a file-backed disk or CD-ROM reads (`virsh change-media --insert`);
    /// a disk of another source is returned as it was.
    #[must_use]
    pub fn medium(mut self, path: &str) -> Self {
        if let Some(DiskSource::File(f)) = self.source_mut() {
            f.set_source(FileSource::new().file(path));
        }
        self
    }

    /// The image's format, read by QEMU's driver (`<driver name='qemu' type='qcow2'/>`):
    /// without it libvirt takes the image as raw.
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// let disk = Disk::file("/images/web.qcow2", "vda", TargetBus::Virtio).format(DiskDriverType::Qcow2);
    /// assert!(xml_model::to_fragment(&disk, "disk").contains("<driver name='qemu' type='qcow2'/>"));
    /// ```
    #[must_use]
    pub fn format(mut self, format: DiskDriverType) -> Self {
        let driver = self.driver.get_or_insert_with(Default::default);
        driver.name.get_or_insert_with(|| "qemu".into());
        driver.kind = Some(format);
        self
    }

    /// The `<source>` of a floppy, disk or CD-ROM, whatever its type (a file, a block
    /// device, a network image...); `None` for a `lun`, whose sources are its own.
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// let disk = Disk::file("/images/web.qcow2", "vda", TargetBus::Virtio);
    /// assert_eq!(disk.source().and_then(DiskSource::path), Some("/images/web.qcow2"));
    /// ```
    pub fn source(&self) -> Option<&DiskSource> {
        match &self.device {
            DiskDevice::Disk(s) | DiskDevice::Cdrom(s) | DiskDevice::Floppy(s) => Some(s),
            DiskDevice::Lun(_) => None,
        }
    }

    /// [`Disk::source`], to change.
    pub fn source_mut(&mut self) -> Option<&mut DiskSource> {
        match &mut self.device {
            DiskDevice::Disk(s) | DiskDevice::Cdrom(s) | DiskDevice::Floppy(s) => Some(s),
            DiskDevice::Lun(_) => None,
        }
    }

    /// The host path the disk reads ([`DiskSource::path`] of its [`Disk::source`]): a
    /// file's, a block device's or a directory's; `None` for a network image, a volume of a
    /// pool, an empty drive and a `lun`.
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// let disk = Disk::cdrom("sda", TargetBus::Sata);
    /// assert_eq!(disk.path(), None);
    /// assert_eq!(disk.medium("/images/install.iso").path(), Some("/images/install.iso"));
    /// ```
    pub fn path(&self) -> Option<&str> {
        self.source().and_then(DiskSource::path)
    }
}

impl DiskSource {
    /// The host path a disk reads: a file's `file`, a block device's `dev`, a directory's
    /// `dir`; `None` for a network image, a volume of a pool, and an empty drive.
    pub fn path(&self) -> Option<&str> {
        match self {
            DiskSource::File(f) => f.source.as_ref()?.file.as_deref(),
            DiskSource::Block(b) => b.source.as_ref()?.dev.as_deref(),
            DiskSource::Dir(d) => d.source.as_ref().map(|s| s.dir.as_str()),
            _ => None,
        }
    }
}

impl CharDevice {
    /// A pseudo-terminal (`type='pty'`), which `virsh console` attaches to; a `<serial>`
    /// with [`Device::serial`].
    pub fn pty() -> Self {
        CharDevice::new(CharSourceType::Pty)
    }
}

impl Device {
    /// `<serial>`: a character device is also a `<parallel>`, so it does not convert into a
    /// device by itself.
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// let guest = Domain::new(DomainType::Kvm, "demo").device(Device::serial(CharDevice::pty()));
    /// assert!(guest.to_xml().contains("<serial type='pty'/>"));
    /// ```
    pub fn serial(device: CharDevice) -> Self {
        Device::Serial(Box::new(device))
    }

    /// `<parallel>` (see [`Device::serial`]).
    pub fn parallel(device: CharDevice) -> Self {
        Device::Parallel(Box::new(device))
    }
}

impl Console {
    /// The console on the first serial port, a pseudo-terminal
    /// (`<console type='pty'><target type='serial' port='0'/></console>`), as virt-install
    /// writes it.
    pub fn pty() -> Self {
        let target = CharDeviceTarget::new().kind(CharTargetType::Serial).port("0");
        Console::new().kind(CharSourceType::Pty).target(target)
    }
}

impl Channel {
    /// The channel of the QEMU guest agent (`qemu-ga` in the guest), as virt-install writes
    /// it: `<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>`.
    /// libvirt makes the socket and picks its path.
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// let guest = Domain::new(DomainType::Kvm, "demo").device(Channel::guest_agent());
    /// assert!(guest.to_xml().contains("<target type='virtio' name='org.qemu.guest_agent.0'/>"));
    /// ```
    pub fn guest_agent() -> Self {
        Channel::virtio("org.qemu.guest_agent.0")
    }

    /// The channel of the SPICE agent (`spice-vdagent` in the guest: clipboard, display
    /// size): `<channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>`.
    /// It needs SPICE graphics ([`Graphics::spice`]).
    pub fn spice_agent() -> Self {
        Channel::new(CharSourceType::Spicevmc).target(Self::virtio_port("com.redhat.spice.0"))
    }

    /// A virtio serial port the guest finds by `name` (`/dev/virtio-ports/<name>`), on a UNIX
    /// socket of the host that libvirt makes: `<channel type='unix'><target type='virtio'
    /// name='..'/></channel>`.
    pub fn virtio(name: &str) -> Self {
        Channel::new(CharSourceType::Unix).target(Self::virtio_port(name))
    }

    fn virtio_port(name: &str) -> ChannelTarget {
        ChannelTarget::new().kind(ChannelTargetType::Virtio).name(name)
    }
}

impl Hyperv {
    /// The Hyper-V enlightenments virt-manager turns on for a Windows guest, which make
    /// Windows run as it does on Hyper-V (fewer exits for timers, interrupts and TLB
    /// flushes): `<hyperv mode='custom'>` with `relaxed`, `vapic`, `spinlocks` (8191
    /// retries), `vpindex`, `runtime`, `synic`, `stimer`, `frequencies`, `tlbflush` and `ipi`
    /// on. Each needs KVM to offer it; virt-manager leaves out what the host's domain
    /// capabilities do not list. QEMU starts `stimer` only beside the Hyper-V clock: use it
    /// with [`Clock::windows`], which has the `hypervclock` timer.
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// use xml_model::generated::domaincommon::Hyperv;
    /// let guest = Domain::new(DomainType::Kvm, "win11")
    ///     .memory(ScaledInteger::gib(4))
    ///     .features(Features::new().acpi(true).hyperv(Hyperv::windows()))
    ///     .clock(Clock::windows());
    /// assert!(guest.to_xml().contains("<spinlocks state='on' retries='8191'/>"));
    /// assert_eq!(guest.validate(), Ok(()));
    /// ```
    pub fn windows() -> Self {
        let hyperv = CustomHyperv::new()
            .relaxed(OnOff::On)
            .vapic(OnOff::On)
            .spinlocks(Spinlocks::new(OnOff::On).retries(8191))
            .vpindex(OnOff::On)
            .runtime(OnOff::On)
            .synic(OnOff::On)
            .stimer(Stimer::new().state(OnOff::On))
            .frequencies(OnOff::On)
            .tlbflush(Tlbflush::new().state(OnOff::On))
            .ipi(OnOff::On);
        Hyperv::from(hyperv)
    }
}

impl Clock {
    /// The clock virt-manager gives a Windows guest: in local time (Windows keeps the
    /// real-time clock in local time, not UTC), the RTC catching up on ticks it missed, the
    /// PIT delaying them, no HPET, and the Hyper-V clock (`hypervclock`, which
    /// [`Hyperv::windows`]'s `stimer` needs).
    pub fn windows() -> Self {
        Clock::localtime()
            .timer(Timer::rtc().tickpolicy(TimerTickpolicy::Catchup))
            .timer(Timer::pit().tickpolicy(TimerTickpolicy::Delay))
            .timer(Timer::hpet().present(false))
            .timer(Timer::hypervclock().present(true))
    }
}

impl Timer {
    /// What the timer does with ticks the guest missed while it was not running
    /// (`tickpolicy`): `Timer::rtc().tickpolicy(TimerTickpolicy::Catchup)`.
    ///
    /// # Panics
    ///
    /// On a `kvmclock` or `hypervclock` timer, which have no tick policy.
    #[must_use]
    pub fn tickpolicy(mut self, policy: TimerTickpolicy) -> Self {
        self.set_tickpolicy(policy);
        self
    }

    /// [`Timer::tickpolicy`] on a timer held by `&mut`.
    ///
    /// # Panics
    ///
    /// On a `kvmclock` or `hypervclock` timer, which have no tick policy.
    pub fn set_tickpolicy(&mut self, policy: TimerTickpolicy) -> &mut Self {
        let slot = match &mut self.name {
            TimerName::Platform(t) | TimerName::Rtc(t) => &mut t.tickpolicy,
            TimerName::Hpet(t) | TimerName::Pit(t) | TimerName::Armvtimer(t) => &mut t.tickpolicy,
            TimerName::Tsc(t) => &mut t.tickpolicy,
            TimerName::Kvmclock => panic!("<timer name='kvmclock'> has no tickpolicy"),
            TimerName::Hypervclock => panic!("<timer name='hypervclock'> has no tickpolicy"),
        };
        *slot = Some(policy);
        self
    }
}

impl Graphics {
    /// A VNC display on a port libvirt picks (`<graphics type='vnc' autoport='yes'/>`),
    /// listening where libvirt's `vnc_listen` says (127.0.0.1 unless the host changed it).
    pub fn vnc() -> Self {
        Graphics::new(VncGraphics::new().autoport(true))
    }

    /// A SPICE display on ports libvirt picks (`<graphics type='spice' autoport='yes'/>`).
    pub fn spice() -> Self {
        Graphics::new(SpiceGraphics::new().autoport(true))
    }

    /// Listening on `address` too (`<listen type='address' address='0.0.0.0'/>`), for the
    /// displays that listen on the network: VNC, SPICE and RDP. The others have no address,
    /// and are left as they are.
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// let xml = Device::from(Graphics::vnc().listen_on("0.0.0.0")).to_xml();
    /// assert!(xml.contains("<listen type='address' address='0.0.0.0'/>"), "{xml}");
    /// ```
    #[must_use]
    pub fn listen_on(mut self, address: &str) -> Self {
        let listen = Listen::new(AddressListen::new().address(address));
        match &mut self.kind {
            GraphicsType::Vnc(vnc) => vnc.listens.push(listen),
            GraphicsType::Spice(spice) => spice.listens.push(listen),
            GraphicsType::Rdp(rdp) => rdp.listens.push(listen),
            _ => {}
        }
        self
    }
}

impl Controller {
    /// A virtio SCSI controller (`<controller type='scsi' model='virtio-scsi'/>`), the bus of
    /// disks on [`TargetBus::Scsi`].
    pub fn virtio_scsi() -> Self {
        Controller::new(ScsiController::new().model(ScsiControllerModel::VirtioScsi))
    }
}

impl Rng {
    /// A virtio random number generator fed by the host's `/dev/urandom`
    /// (`<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>`).
    pub fn urandom() -> Self {
        Rng::new(VirtioModel::Virtio, RngBackend::new(RandomBackend::new().value("/dev/urandom")))
    }
}

impl Filesystem {
    /// A host directory shared with the guest by virtiofs, mounted there by `tag`:
    /// `<filesystem type='mount' accessmode='passthrough'>` with `<driver type='virtiofs'/>`.
    /// The guest needs shared memory ([`MemoryBacking::shared`]).
    pub fn virtiofs(dir: &str, tag: &str) -> Self {
        Filesystem::new(MountFilesystem::new(MountFilesystemSource::new().dir(dir)), FilesystemTarget::new(tag))
            .accessmode(FilesystemAccessmode::Passthrough)
            .driver(FsDriver::virtiofs())
    }

    /// The virtiofsd program that serves a virtiofs share (`<binary path='..'/>`), for hosts
    /// where libvirt does not find it by itself (Debian 12: `/usr/lib/qemu/virtiofsd`). Only
    /// mount filesystems have one; others are returned as they were.
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// let fs = Filesystem::virtiofs("/srv/share", "myfs").virtiofsd("/usr/lib/qemu/virtiofsd");
    /// assert!(xml_model::to_fragment(&fs, "filesystem").contains("<binary path='/usr/lib/qemu/virtiofsd'/>"));
    /// ```
    #[must_use]
    pub fn virtiofsd(mut self, path: &str) -> Self {
        if let Some(mount) = self.kind.as_mount_mut() {
            mount.set_binary(FsBinary::new().path(path));
        }
        self
    }
}

impl Interface {
    /// A NIC on a libvirt virtual network (`<interface type='network'><source
    /// network='default'/>`): the default NAT network of the guide, or any other.
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// let nic = Interface::network("default").model("virtio");
    /// assert_eq!(
    ///     xml_model::to_fragment(&nic, "interface"),
    ///     "<interface type='network'>\n  <source network='default'/>\n  <model type='virtio'/>\n</interface>"
    /// );
    /// ```
    pub fn network(network: &str) -> Self {
        Interface::new(NetworkInterface::new(network))
    }

    /// A NIC on a bridge of the host (`<interface type='bridge'><source bridge='br0'/>`):
    /// the guest is a host of the bridge's network.
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// let nic = Interface::bridge("br0");
    /// assert_eq!(xml_model::to_fragment(&nic, "interface"), "<interface type='bridge'>\n  <source bridge='br0'/>\n</interface>");
    /// ```
    pub fn bridge(bridge: &str) -> Self {
        Interface::new(BridgeInterface::new().source(BridgeInterfaceSource::from(bridge)))
    }

    /// The virtual network a `type='network'` NIC is on (`<source network='default'/>`);
    /// `None` for a NIC of another type (whose source `self.kind.as_direct()` and its kin
    /// give).
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// assert_eq!(Interface::network("default").network_name(), Some("default"));
    /// assert_eq!(Interface::bridge("br0").network_name(), None);
    /// ```
    pub fn network_name(&self) -> Option<&str> {
        self.kind.as_network().map(|n| n.source.network.as_str())
    }

    /// The host bridge a `type='bridge'` NIC is on (`<source bridge='br0'/>`); `None` for a
    /// NIC of another type. (The bridge a network NIC ends up on is the network's.)
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// assert_eq!(Interface::bridge("br0").bridge_name(), Some("br0"));
    /// ```
    pub fn bridge_name(&self) -> Option<&str> {
        self.kind.as_bridge().and_then(|b| b.source.as_ref()).map(|s| s.bridge.as_str())
    }
}

impl Input {
    /// The bus a tablet, mouse or keyboard is on (`<input type='tablet' bus='usb'/>`, the
    /// pointer virt-install gives a guest). A passthrough input is always on virtio and an
    /// evdev one has no bus: they are returned as they were.
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// let tablet = Input::tablet().bus(InputBus::Usb);
    /// assert_eq!(xml_model::to_fragment(&tablet, "input"), "<input type='tablet' bus='usb'/>");
    /// ```
    #[must_use]
    pub fn bus(mut self, bus: InputBus) -> Self {
        if let InputType::Tablet(c) | InputType::Mouse(c) | InputType::Keyboard(c) = &mut self.kind {
            c.set_bus(bus);
        }
        self
    }
}

impl HostPciAddress {
    /// The host PCI address `domain:bus:slot.function` (`0000:06:10.0` is
    /// `at(0x0000, 0x06, 0x10, 0x0)`), written in hexadecimal as libvirt writes it.
    pub fn at(domain: u32, bus: u8, slot: u8, function: u8) -> Self {
        HostPciAddress::new().domain(HexNumber::new(domain)).bus(HexNumber::new(bus)).slot(slot).function(function)
    }
}

/// `0000:06:10.0`, as `lspci -D` and `virsh nodedev-list` write a PCI address (a part left
/// out is 0).
impl std::fmt::Display for HostPciAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (domain, bus, slot, function) = (&self.domain, &self.bus, &self.slot, &self.function);
        write_pci_address(f, [domain.as_ref().map(|n| n.get()), bus.as_ref().map(|n| n.get().into())], slot, function)
    }
}

/// `0000:00:03.0`, as the guest's `lspci -D` writes the address (a part left out is 0).
impl std::fmt::Display for PciAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (domain, bus, slot, function) = (&self.domain, &self.bus, &self.slot, &self.function);
        write_pci_address(f, [domain.as_ref().map(|n| n.get()), bus.as_ref().map(|n| n.get().into())], slot, function)
    }
}

fn write_pci_address(
    f: &mut std::fmt::Formatter<'_>,
    [domain, bus]: [Option<u32>; 2],
    slot: &Option<crate::PciSlot>,
    function: &Option<crate::PciFunction>,
) -> std::fmt::Result {
    let (slot, function) = (slot.as_ref().map_or(0, |n| n.get()), function.as_ref().map_or(0, |n| n.get()));
    write!(f, "{:04x}:{:02x}:{slot:02x}.{function:x}", domain.unwrap_or(0), bus.unwrap_or(0))
}

impl Hostdev {
    /// A host USB device passed through, found by its vendor and product ids
    /// (`lsusb` shows them as `0b6d:3880`).
    pub fn usb(vendor: u16, product: u16) -> Self {
        let source = UsbSubsystemHostdevSource::new().vendor(Vendor::new(vendor)).product(Product::new(product));
        Hostdev::subsystem(UsbHostdev::new(source))
    }

    /// A host PCI device passed through (an SR-IOV virtual function, a GPU), by its address.
    pub fn pci(address: HostPciAddress) -> Self {
        let source = PciSubsystemHostdevSource::new(address);
        Hostdev::subsystem(PciHostdev::new(source))
    }

    /// `<hostdev mode='subsystem'>` of this kind.
    pub fn subsystem(kind: impl Into<SubsystemHostdevType>) -> Self {
        Hostdev::new(SubsystemHostdev::new(kind))
    }

    /// The host address of a PCI device passed through (what [`Hostdev::pci`] takes);
    /// `None` for other kinds.
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// let vf = Hostdev::pci(HostPciAddress::at(0x0000, 0x06, 0x10, 0x2));
    /// assert_eq!(vf.pci_address(), Some(&HostPciAddress::at(0x0000, 0x06, 0x10, 0x2)));
    /// assert_eq!(Hostdev::usb(0x0b6d, 0x3880).pci_address(), None);
    /// ```
    pub fn pci_address(&self) -> Option<&HostPciAddress> {
        Some(&self.mode.as_subsystem()?.kind.as_pci()?.source.address)
    }

    /// The vendor and product ids of a USB device passed through by them (what
    /// [`Hostdev::usb`] takes); `None` for other kinds, and for a USB device found by its
    /// bus and device numbers.
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// assert_eq!(Hostdev::usb(0x0b6d, 0x3880).usb_ids(), Some((0x0b6d, 0x3880)));
    /// ```
    pub fn usb_ids(&self) -> Option<(u16, u16)> {
        let source = &self.mode.as_subsystem()?.kind.as_usb()?.source;
        Some((source.vendor.as_ref()?.id.get(), source.product.as_ref()?.id.get()))
    }

    /// `managed='yes'`: libvirt detaches the device from its host driver when the guest
    /// starts and gives it back when it stops. Only subsystem devices have it; others are
    /// returned as they were.
    #[must_use]
    pub fn managed(mut self, managed: bool) -> Self {
        if let Some(subsystem) = self.mode.as_subsystem_mut() {
            subsystem.set_managed(managed);
        }
        self
    }
}

#[cfg(feature = "storagepool")]
impl crate::generated::storagepool::Pool {
    /// A pool of image files in the host directory `path` (`virsh pool-define-as NAME dir
    /// --target PATH`); `build` on the runtime's pool makes the directory.
    pub fn dir(name: &str, path: &str) -> Self {
        use crate::generated::storagepool::{DirPool, Target};
        Self::new(DirPool::new(name, Target::new(path)))
    }
}

#[cfg(feature = "storagevol")]
impl crate::generated::storagevol::Volume {
    /// An image of `capacity` in `format` (`virsh vol-create-as POOL NAME SIZE --format
    /// qcow2`); the pool decides where its file goes.
    pub fn image(name: &str, capacity: ScaledInteger, format: crate::generated::storagevol::FormatType) -> Self {
        use crate::generated::storagevol::{Format, Target};
        Self::new(name, Target::new().format(Format::new(format))).capacity(capacity)
    }
}
