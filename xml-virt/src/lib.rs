//! Define and run typed guests on a libvirt connection, through the `virt` crate.
//!
//! Documents go in and come out typed: [`Connection::define`] and [`Connection::apply`] take
//! any domain document type of the model (`XmlRoot`), [`Guest::dumpxml`] reads libvirt's
//! answer back into one, [`Guest::edit`] changes a definition without losing what the model
//! does not know. A typed document is checked with its `validate()` before libvirt sees it,
//! and one that fails is not sent ([`Error::Rejected`]); `define_xml` and `apply_xml` send
//! text as it is. The embedded `test:///default` driver needs no daemon, so examples default
//! to it; real runs use `qemu:///system` or `qemu:///session`.
//!
//! One concern per module: [`connection`](Connection) (opening, listing, defining),
//! [`guest`](Guest) (lifecycle, save and restore, dumpxml, edit), `apply` with the comparison
//! that understands libvirt's normalisation ([`differences`]), `device` (attach and detach),
//! `events` (lifecycle events), `host` (capabilities, the KVM check, huge page pools),
//! `network` (virtual networks, DHCP leases), `storage` (pools and volumes), `nodedev` (the
//! host's devices), `migrate`, and, with the `qemu` feature, `monitor` (QEMU monitor
//! commands).

/// A set of libvirt flags for one call, a newtype over its raw bits: combined with `|`,
/// read back with `bits()`.
macro_rules! libvirt_flags {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $flag:ident = $raw:path;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(u32);

        impl $name {
            $($(#[$fdoc])* pub const $flag: $name = $name($raw);)*

            /// The raw libvirt flags.
            pub fn bits(self) -> u32 {
                self.0
            }
        }

        impl ::std::ops::BitOr for $name {
            type Output = $name;
            fn bitor(self, rhs: $name) -> $name {
                $name(self.0 | rhs.0)
            }
        }
    };
}

mod apply;
mod connection;
mod device;
mod error;
mod events;
mod guest;
mod host;
mod migrate;
#[cfg(feature = "qemu")]
mod monitor;
mod network;
mod nodedev;
mod storage;

pub use apply::{ApplyReport, Outcome};
pub use connection::Connection;
pub use device::{DeviceFlags, DeviceXml};
pub use error::{Error, Result};
pub use events::{Events, GuestEvent, Lifecycle, StopReason};
pub use guest::{Guest, GuestState, Shutdown, UndefineFlags, XmlView};
pub use host::{huge_page_pools, hugetlbfs_mounts, kvm_check, DomainCapsQuery, HugePagePool, HugetlbfsMount, KvmCheck};
pub use migrate::MigrateOptions;
pub use network::{DhcpLease, NetworkApplyReport, NetworkState, VirtualNetwork};
pub use nodedev::{hostdev_of, DeviceKind, NodeDevice};
pub use storage::{PoolInfo, PoolState, StoragePool, StorageVolume};
pub use xml_model::diff::{differences, Change, ChangeKind};

/// libvirt's in-process test driver: no daemon; the connections of one process share its
/// host while one is open (`test:///path/to/node.xml` gives each connection its own).
pub const TEST_URI: &str = "test:///default";
