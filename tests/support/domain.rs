//! A hand-written slice of libvirt's `<domain>`, written with the derives the way the RNG
//! codegen will write the whole model: name, memory with units, vcpu, os (told apart by the
//! text of `<type>`), cpu with `<maxphysaddr>`, memoryBacking, and a `<devices>` list with
//! disk, filesystem and hostdev variants.
#![allow(dead_code)]

use libvirt_xml::{AnyElement, Extras, HexNumber, Number, ScaledInteger, Unit, Unrecognized, Xml, XmlValue};

/// `<domain>`.
#[derive(Debug, Clone, PartialEq, Xml)]
#[xml(root = "domain")]
pub struct Domain {
    /// `@type`: the hypervisor.
    #[xml(attribute = "type")]
    pub kind: DomainType,
    /// `@id` of a running domain.
    #[xml(attribute = "id")]
    pub id: Option<Number<i32>>,
    /// `<name>`.
    #[xml(child = "name")]
    pub name: String,
    /// `<uuid>`.
    #[xml(child = "uuid")]
    pub uuid: Option<Uuid>,
    /// `<metadata>`: other applications' elements.
    #[xml(child = "metadata")]
    pub metadata: Option<Metadata>,
    /// `<memory>`.
    #[xml(child = "memory")]
    pub memory: Option<ScaledInteger>,
    /// `<currentMemory>`.
    #[xml(child = "currentMemory")]
    pub current_memory: Option<ScaledInteger>,
    /// `<memoryBacking>`.
    #[xml(child = "memoryBacking")]
    pub memory_backing: Option<MemoryBacking>,
    /// `<vcpu>`.
    #[xml(child = "vcpu")]
    pub vcpu: Option<Vcpu>,
    /// `<os>`.
    #[xml(child = "os")]
    pub os: Option<Os>,
    /// `<cpu>`.
    #[xml(child = "cpu")]
    pub cpu: Option<Cpu>,
    /// `<devices>`.
    #[xml(child = "devices")]
    pub devices: Option<Devices>,
    #[xml(extras)]
    pub extras: Extras,
}

/// `domain/@type`.
#[derive(Debug, Clone, PartialEq, XmlValue)]
pub enum DomainType {
    Qemu,
    Kvm,
    Test,
    #[xml(other)]
    Other(String),
}

/// A UUID (libvirt's pattern: 32 hex digits, dashes optional in the usual places).
#[derive(Debug, Clone, PartialEq, XmlValue)]
#[xml(pattern = "[a-fA-F0-9]{8}-?[a-fA-F0-9]{4}-?[a-fA-F0-9]{4}-?[a-fA-F0-9]{4}-?[a-fA-F0-9]{12}")]
pub struct Uuid(pub String);

/// `<metadata>`.
#[derive(Debug, Clone, PartialEq, Default, Xml)]
pub struct Metadata {
    #[xml(any)]
    pub items: Vec<AnyElement>,
    #[xml(extras)]
    pub extras: Extras,
}

/// `<vcpu>`.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct Vcpu {
    #[xml(attribute = "placement")]
    pub placement: Option<Placement>,
    #[xml(attribute = "current")]
    pub current: Option<Number<u32>>,
    #[xml(text)]
    pub count: VcpuCount,
    #[xml(extras)]
    pub extras: Extras,
}

/// The number of vCPUs: at least one.
#[derive(Debug, Clone, PartialEq, XmlValue)]
#[xml(min = 1, max = 4096)]
pub struct VcpuCount(pub Number<u32>);

#[derive(Debug, Clone, PartialEq, XmlValue)]
pub enum Placement {
    Static,
    Auto,
}

/// `<os>`, told apart by the text of its `<type>`.
#[derive(Debug, Clone, PartialEq, Xml)]
#[xml(child_text = "type")]
pub enum Os {
    #[xml(value = "hvm")]
    Hvm(HvmOs),
    #[xml(value = "exe")]
    Exe(ExeOs),
    /// A value this slice does not model; its content is kept as unknown content.
    #[xml(other)]
    Other(Unrecognized),
}

/// `<os>` of a full virtual machine.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct HvmOs {
    #[xml(child = "type")]
    pub os_type: OsType,
    #[xml(child = "boot")]
    pub boot: Vec<Boot>,
    #[xml(extras)]
    pub extras: Extras,
}

/// `<os>` of a container.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct ExeOs {
    #[xml(child = "type")]
    pub os_type: OsType,
    #[xml(child = "init")]
    pub init: Option<String>,
    #[xml(extras)]
    pub extras: Extras,
}

/// `<os><type>`.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct OsType {
    #[xml(attribute = "arch")]
    pub arch: Option<String>,
    #[xml(attribute = "machine")]
    pub machine: Option<String>,
    #[xml(text)]
    pub value: String,
    #[xml(extras)]
    pub extras: Extras,
}

/// `<boot>`.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct Boot {
    #[xml(attribute = "dev")]
    pub dev: String,
    #[xml(extras)]
    pub extras: Extras,
}

/// `<cpu>`.
#[derive(Debug, Clone, PartialEq, Default, Xml)]
pub struct Cpu {
    #[xml(attribute = "mode")]
    pub mode: Option<CpuMode>,
    #[xml(attribute = "match")]
    pub match_: Option<String>,
    #[xml(attribute = "check")]
    pub check: Option<String>,
    #[xml(attribute = "migratable")]
    pub migratable: Option<OnOff>,
    #[xml(child = "arch")]
    pub arch: Option<String>,
    #[xml(child = "model")]
    pub model: Option<CpuModel>,
    #[xml(child = "vendor")]
    pub vendor: Option<String>,
    #[xml(child = "topology")]
    pub topology: Option<Topology>,
    #[xml(child = "maxphysaddr")]
    pub maxphysaddr: Option<MaxPhysAddr>,
    #[xml(child = "feature")]
    pub features: Vec<CpuFeature>,
    #[xml(extras)]
    pub extras: Extras,
}

#[derive(Debug, Clone, PartialEq, XmlValue)]
pub enum CpuMode {
    Custom,
    HostModel,
    HostPassthrough,
    Maximum,
}

#[derive(Debug, Clone, PartialEq, XmlValue)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Clone, PartialEq, XmlValue)]
pub enum YesNo {
    Yes,
    No,
}

/// `<cpu><model>`.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct CpuModel {
    #[xml(attribute = "fallback")]
    pub fallback: Option<String>,
    #[xml(text)]
    pub name: String,
    #[xml(extras)]
    pub extras: Extras,
}

/// `<topology>`.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct Topology {
    #[xml(attribute = "sockets")]
    pub sockets: Number<u32>,
    #[xml(attribute = "dies")]
    pub dies: Option<Number<u32>>,
    #[xml(attribute = "clusters")]
    pub clusters: Option<Number<u32>>,
    #[xml(attribute = "cores")]
    pub cores: Number<u32>,
    #[xml(attribute = "threads")]
    pub threads: Number<u32>,
    #[xml(extras)]
    pub extras: Extras,
}

/// `<maxphysaddr>`: how many physical address bits the guest sees.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct MaxPhysAddr {
    #[xml(attribute = "mode")]
    pub mode: PhysAddrMode,
    #[xml(attribute = "bits")]
    pub bits: Option<PhysBits>,
    #[xml(attribute = "limit")]
    pub limit: Option<PhysBits>,
    #[xml(extras)]
    pub extras: Extras,
}

#[derive(Debug, Clone, PartialEq, XmlValue)]
pub enum PhysAddrMode {
    Emulate,
    Passthrough,
}

/// Physical address bits: the schema's `unsignedInt` limited to what CPUs can have.
#[derive(Debug, Clone, PartialEq, XmlValue)]
#[xml(min = 1, max = 64)]
pub struct PhysBits(pub Number<u32>);

/// `<feature>` of a CPU.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct CpuFeature {
    #[xml(attribute = "policy")]
    pub policy: Option<String>,
    #[xml(attribute = "name")]
    pub name: String,
    #[xml(extras)]
    pub extras: Extras,
}

/// `<memoryBacking>`.
#[derive(Debug, Clone, PartialEq, Default, Xml)]
pub struct MemoryBacking {
    #[xml(child = "hugepages")]
    pub hugepages: Option<Hugepages>,
    #[xml(child = "nosharepages")]
    pub nosharepages: Option<Empty>,
    #[xml(child = "locked")]
    pub locked: Option<Empty>,
    #[xml(child = "source")]
    pub source: Option<MemorySource>,
    #[xml(child = "access")]
    pub access: Option<MemoryAccess>,
    #[xml(extras)]
    pub extras: Extras,
}

/// An element with no content of its own (`<locked/>`).
#[derive(Debug, Clone, PartialEq, Default, Xml)]
pub struct Empty {
    #[xml(extras)]
    pub extras: Extras,
}

/// `<hugepages>`.
#[derive(Debug, Clone, PartialEq, Default, Xml)]
pub struct Hugepages {
    #[xml(child = "page")]
    pub pages: Vec<Page>,
    #[xml(extras)]
    pub extras: Extras,
}

/// `<hugepages><page>`.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct Page {
    #[xml(attribute = "size")]
    pub size: Number<u64>,
    #[xml(attribute = "unit")]
    pub unit: Option<Unit>,
    #[xml(attribute = "nodeset")]
    pub nodeset: Option<String>,
    #[xml(extras)]
    pub extras: Extras,
}

/// `<memoryBacking><source>`.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct MemorySource {
    #[xml(attribute = "type")]
    pub kind: String,
    #[xml(extras)]
    pub extras: Extras,
}

/// `<memoryBacking><access>`.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct MemoryAccess {
    #[xml(attribute = "mode")]
    pub mode: AccessMode,
    #[xml(extras)]
    pub extras: Extras,
}

#[derive(Debug, Clone, PartialEq, XmlValue)]
pub enum AccessMode {
    Shared,
    Private,
}

/// `<devices>`: devices in document order.
#[derive(Debug, Clone, PartialEq, Default, Xml)]
pub struct Devices {
    #[xml(choice)]
    pub items: Vec<Device>,
    #[xml(extras)]
    pub extras: Extras,
}

/// A device, told apart by its element name.
#[derive(Debug, Clone, PartialEq, Xml)]
#[xml(elements)]
pub enum Device {
    #[xml(element = "emulator")]
    Emulator(String),
    #[xml(element = "disk")]
    Disk(Disk),
    #[xml(element = "filesystem")]
    Filesystem(Filesystem),
    #[xml(element = "hostdev")]
    Hostdev(Hostdev),
}

/// `<disk>`.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct Disk {
    #[xml(child = "driver")]
    pub driver: Option<DiskDriver>,
    #[xml(flatten)]
    pub source: DiskSource,
    #[xml(attribute = "device")]
    pub device: Option<DiskDevice>,
    #[xml(child = "target")]
    pub target: DiskTarget,
    #[xml(child = "readonly")]
    pub readonly: Option<Empty>,
    #[xml(child = "address")]
    pub address: Option<Address>,
    #[xml(extras)]
    pub extras: Extras,
}

/// What backs a disk, told apart by `disk/@type` (`file` when absent).
#[derive(Debug, Clone, PartialEq, Xml)]
#[xml(tag = "type")]
pub enum DiskSource {
    #[xml(value = "file", default)]
    File(FileDisk),
    #[xml(value = "block")]
    Block(BlockDisk),
    /// A value this slice does not model; its content is kept as unknown content.
    #[xml(other)]
    Other(Unrecognized),
}

#[derive(Debug, Clone, PartialEq, Default, Xml)]
pub struct FileDisk {
    #[xml(child = "source")]
    pub source: Option<FileSource>,
}

#[derive(Debug, Clone, PartialEq, Xml)]
pub struct FileSource {
    #[xml(attribute = "file")]
    pub file: Option<String>,
    #[xml(extras)]
    pub extras: Extras,
}

#[derive(Debug, Clone, PartialEq, Default, Xml)]
pub struct BlockDisk {
    #[xml(child = "source")]
    pub source: Option<BlockSource>,
}

#[derive(Debug, Clone, PartialEq, Xml)]
pub struct BlockSource {
    #[xml(attribute = "dev")]
    pub dev: Option<String>,
    #[xml(extras)]
    pub extras: Extras,
}

#[derive(Debug, Clone, PartialEq, XmlValue)]
pub enum DiskDevice {
    Disk,
    Cdrom,
    Floppy,
    Lun,
}

#[derive(Debug, Clone, PartialEq, Xml)]
pub struct DiskDriver {
    #[xml(attribute = "name")]
    pub name: Option<String>,
    #[xml(attribute = "type")]
    pub format: Option<String>,
    #[xml(extras)]
    pub extras: Extras,
}

#[derive(Debug, Clone, PartialEq, Xml)]
pub struct DiskTarget {
    #[xml(attribute = "dev")]
    pub dev: String,
    #[xml(attribute = "bus")]
    pub bus: Option<String>,
    #[xml(extras)]
    pub extras: Extras,
}

/// `<address>`, told apart by `@type`.
#[derive(Debug, Clone, PartialEq, Xml)]
#[xml(tag = "type")]
pub enum Address {
    #[xml(value = "pci")]
    Pci(PciAddress),
    #[xml(value = "drive")]
    Drive(DriveAddress),
    #[xml(value = "usb")]
    Usb(UsbAddress),
    /// A value this slice does not model; its content is kept as unknown content.
    #[xml(other)]
    Other(Unrecognized),
}

/// A PCI address; hex numbers keep their spelling.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct PciAddress {
    #[xml(attribute = "domain")]
    pub domain: Option<Number<u32>>,
    #[xml(attribute = "bus")]
    pub bus: Option<Number<u8>>,
    #[xml(attribute = "slot")]
    pub slot: Option<Number<u8>>,
    #[xml(attribute = "function")]
    pub function: Option<Number<u8>>,
    #[xml(attribute = "multifunction")]
    pub multifunction: Option<OnOff>,
    #[xml(extras)]
    pub extras: Extras,
}

#[derive(Debug, Clone, PartialEq, Xml)]
pub struct DriveAddress {
    #[xml(attribute = "controller")]
    pub controller: Option<Number<u32>>,
    #[xml(attribute = "bus")]
    pub bus: Option<Number<u32>>,
    #[xml(attribute = "target")]
    pub target: Option<Number<u32>>,
    #[xml(attribute = "unit")]
    pub unit: Option<Number<u32>>,
    #[xml(extras)]
    pub extras: Extras,
}

#[derive(Debug, Clone, PartialEq, Xml)]
pub struct UsbAddress {
    #[xml(attribute = "bus")]
    pub bus: Number<u32>,
    #[xml(attribute = "port")]
    pub port: Option<String>,
    #[xml(extras)]
    pub extras: Extras,
}

/// `<filesystem>`.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct Filesystem {
    #[xml(attribute = "type")]
    pub kind: Option<String>,
    #[xml(attribute = "accessmode")]
    pub accessmode: Option<String>,
    #[xml(child = "driver")]
    pub driver: Option<FsDriver>,
    #[xml(child = "source")]
    pub source: Option<FsSource>,
    #[xml(child = "target")]
    pub target: FsTarget,
    #[xml(child = "readonly")]
    pub readonly: Option<Empty>,
    #[xml(extras)]
    pub extras: Extras,
}

#[derive(Debug, Clone, PartialEq, Xml)]
pub struct FsDriver {
    #[xml(attribute = "type")]
    pub kind: Option<String>,
    #[xml(attribute = "queue")]
    pub queue: Option<Number<u32>>,
    #[xml(extras)]
    pub extras: Extras,
}

#[derive(Debug, Clone, PartialEq, Xml)]
pub struct FsSource {
    #[xml(attribute = "dir")]
    pub dir: Option<String>,
    #[xml(attribute = "file")]
    pub file: Option<String>,
    #[xml(extras)]
    pub extras: Extras,
}

#[derive(Debug, Clone, PartialEq, Xml)]
pub struct FsTarget {
    #[xml(attribute = "dir")]
    pub dir: String,
    #[xml(extras)]
    pub extras: Extras,
}

/// `<hostdev>`: host devices passed through to the guest.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct Hostdev {
    #[xml(attribute = "mode")]
    pub mode: Option<HostdevMode>,
    #[xml(flatten)]
    pub kind: HostdevKind,
    #[xml(attribute = "managed")]
    pub managed: Option<YesNo>,
    #[xml(child = "address")]
    pub address: Option<Address>,
    #[xml(extras)]
    pub extras: Extras,
}

#[derive(Debug, Clone, PartialEq, XmlValue)]
pub enum HostdevMode {
    Subsystem,
    Capabilities,
}

/// The kind of host device, told apart by `hostdev/@type`.
#[derive(Debug, Clone, PartialEq, Xml)]
#[xml(tag = "type")]
pub enum HostdevKind {
    #[xml(value = "usb")]
    Usb(UsbHostdev),
    #[xml(value = "pci")]
    Pci(PciHostdev),
    /// A value this slice does not model; its content is kept as unknown content.
    #[xml(other)]
    Other(Unrecognized),
}

#[derive(Debug, Clone, PartialEq, Xml)]
pub struct UsbHostdev {
    #[xml(child = "source")]
    pub source: UsbSource,
}

#[derive(Debug, Clone, PartialEq, Xml)]
pub struct UsbSource {
    #[xml(attribute = "startupPolicy")]
    pub startup_policy: Option<String>,
    #[xml(child = "vendor")]
    pub vendor: Option<UsbId>,
    #[xml(child = "product")]
    pub product: Option<UsbId>,
    #[xml(child = "address")]
    pub address: Option<UsbSourceAddress>,
    #[xml(extras)]
    pub extras: Extras,
}

/// A USB vendor or product id (`0x0b6d`): hexadecimal, with or without `0x`.
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct UsbId {
    #[xml(attribute = "id")]
    pub id: HexNumber<u16, 4>,
    #[xml(extras)]
    pub extras: Extras,
}

#[derive(Debug, Clone, PartialEq, Xml)]
pub struct UsbSourceAddress {
    #[xml(attribute = "bus")]
    pub bus: Number<u32>,
    #[xml(attribute = "device")]
    pub device: Number<u32>,
    #[xml(extras)]
    pub extras: Extras,
}

#[derive(Debug, Clone, PartialEq, Xml)]
pub struct PciHostdev {
    #[xml(child = "source")]
    pub source: PciSource,
    #[xml(child = "rom")]
    pub rom: Option<Rom>,
}

#[derive(Debug, Clone, PartialEq, Xml)]
pub struct PciSource {
    #[xml(attribute = "writeFiltering")]
    pub write_filtering: Option<YesNo>,
    #[xml(child = "address")]
    pub address: HostPciAddress,
    #[xml(extras)]
    pub extras: Extras,
}

/// The host PCI address of a passed-through device (no `type` attribute).
#[derive(Debug, Clone, PartialEq, Xml)]
pub struct HostPciAddress {
    #[xml(attribute = "domain")]
    pub domain: Option<Number<u32>>,
    #[xml(attribute = "bus")]
    pub bus: Number<u8>,
    #[xml(attribute = "slot")]
    pub slot: Number<u8>,
    #[xml(attribute = "function")]
    pub function: Number<u8>,
    #[xml(extras)]
    pub extras: Extras,
}

#[derive(Debug, Clone, PartialEq, Xml)]
pub struct Rom {
    #[xml(attribute = "bar")]
    pub bar: Option<OnOff>,
    #[xml(attribute = "file")]
    pub file: Option<String>,
    #[xml(extras)]
    pub extras: Extras,
}

/// The seed guide's virtiofs share: host `dir` mounted in the guest under `tag`.
pub fn virtiofs(dir: &str, tag: &str) -> Filesystem {
    Filesystem::new(FsTarget::new(tag))
        .kind("mount")
        .accessmode("passthrough")
        .driver(FsDriver::new().kind("virtiofs"))
        .source(FsSource::new().dir(dir))
}
