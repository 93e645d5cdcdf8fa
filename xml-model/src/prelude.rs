//! What composing a guest needs, in one import: `use libvirt_xml::prelude::*;`.
//!
//! The document types people write most (a domain and its devices, CPU and memory), the
//! values they hold, and the traits that read, write and check them. Everything else is in
//! `generated::<schema>`.

pub use crate::constructors::DevicesItem;
pub use crate::generated::basictypes::{HostdevDriver, OnOff, YesNo};
pub use crate::generated::cputypes::{
    Cpu, CpuFeature, CpuMaxPhysAddr, CpuMode, CpuModel, CpuNuma, CpuTopology, MaxphysaddrMode, MemoryAccessMode,
    NumaCell,
};
pub use crate::generated::domaincommon::{
    Channel, CharDevice, Clock, Console, Controller, Device, Devices, Disk, DiskDevice, DiskDriverType, DiskSource,
    DiskTarget, Domain, DomainType, Features, Filesystem, Graphics, HostPciAddress, Hostdev, Hugepages, Input,
    InputBus, Interface, InterfaceType, Memballoon, MemballoonModel, Memory, MemoryBacking, Os, Page, Rng, TargetBus,
    Tpm, TpmBackend, TpmModel, TpmVersion, Vcpu, Video, VideoModel, Watchdog, WatchdogAction, WatchdogModel,
};
#[cfg(feature = "network")]
pub use crate::generated::network::Network;
pub use crate::{
    CpuSet, Document, Empty, IpAddress, MacAddress, Number, ReadOptions, ScaledInteger, Unit, Uuid, XmlDocument,
};
pub use crate::{Validate, ValidateRoot};
