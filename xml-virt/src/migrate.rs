//! Migration: offline (the persistent definition moves, as `virsh migrate --offline`) and
//! live or post-copy through libvirt's migration API, with typed options.

use xml_model::{XmlDocument, XmlRoot};

use crate::connection::check_root;
use crate::guest::{UndefineFlags, XmlView};
use crate::{Connection, Error, Guest, Result};

/// How to migrate: the `virDomainMigrateFlags` and the typed parameters of
/// `virDomainMigrate3`. Start from [`MigrateOptions::live`] or [`MigrateOptions::offline`]
/// and chain the setters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrateOptions {
    /// Keep the guest running while its memory is copied (`--live`).
    pub live: bool,
    /// Allow switching to post-copy ([`Guest::migrate_start_postcopy`]) (`--postcopy`).
    pub postcopy: bool,
    /// Only the persistent definition moves; the guest need not run (`--offline`).
    pub offline: bool,
    /// Make the guest persistent on the destination (`--persistent`).
    pub persistent: bool,
    /// Remove the definition from the source afterwards (`--undefinesource`).
    pub undefine_source: bool,
    /// Leave the guest paused on the destination (`--suspend`).
    pub paused: bool,
    /// The source daemon talks to the destination itself (`--p2p`).
    pub peer_to_peer: bool,
    /// Carry the migration stream through the daemons' connection (`--tunnelled`).
    pub tunnelled: bool,
    /// Copy non-shared disks as well (`--copy-storage-all`).
    pub copy_storage: bool,
    /// Slow the guest down until the copy converges (`--auto-converge`).
    pub auto_converge: bool,
    /// Compress the migration stream (`--compressed`).
    pub compressed: bool,
    /// Abort on an I/O error during the migration (`--abort-on-error`).
    pub abort_on_error: bool,
    /// Encrypt the stream with TLS (`--tls`).
    pub tls: bool,
    /// Migrate even when libvirt thinks it unsafe (`--unsafe`).
    pub allow_unsafe: bool,
    /// Bandwidth limit in MiB/s (`--bandwidth`).
    pub bandwidth_mib_s: Option<u64>,
    /// Bandwidth limit in MiB/s once in post-copy (`--postcopy-bandwidth`).
    pub postcopy_bandwidth_mib_s: Option<u64>,
    /// Parallel connections (`--parallel-connections`; sets the parallel flag).
    pub parallel_connections: Option<i32>,
    /// The guest's name on the destination (`--dname`).
    pub dest_name: Option<String>,
    /// The definition to use on the destination (`--xml`), as a document.
    pub dest_xml: Option<String>,
    /// The hypervisor's migration URI (`--migrateuri`, `tcp://host:port`).
    pub uri: Option<String>,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $field:ident: $ty:ty),* $(,)?) => {
        $($(#[$doc])* pub fn $field(mut self, value: $ty) -> Self {
            self.$field = value;
            self
        })*
    };
}

impl MigrateOptions {
    /// A live migration of a running guest, persistent on the destination.
    pub fn live() -> Self {
        MigrateOptions { live: true, persistent: true, ..Default::default() }
    }

    /// An offline migration: the persistent definition moves (libvirt requires
    /// `persistent` with `offline`).
    pub fn offline() -> Self {
        MigrateOptions { offline: true, persistent: true, ..Default::default() }
    }

    setters! {
        /// Sets [`MigrateOptions::postcopy`].
        postcopy: bool,
        /// Sets [`MigrateOptions::persistent`].
        persistent: bool,
        /// Sets [`MigrateOptions::undefine_source`].
        undefine_source: bool,
        /// Sets [`MigrateOptions::paused`].
        paused: bool,
        /// Sets [`MigrateOptions::peer_to_peer`].
        peer_to_peer: bool,
        /// Sets [`MigrateOptions::tunnelled`].
        tunnelled: bool,
        /// Sets [`MigrateOptions::copy_storage`].
        copy_storage: bool,
        /// Sets [`MigrateOptions::auto_converge`].
        auto_converge: bool,
        /// Sets [`MigrateOptions::compressed`].
        compressed: bool,
        /// Sets [`MigrateOptions::abort_on_error`].
        abort_on_error: bool,
        /// Sets [`MigrateOptions::tls`].
        tls: bool,
        /// Sets [`MigrateOptions::allow_unsafe`].
        allow_unsafe: bool,
    }

    /// Limits the bandwidth, in MiB/s.
    pub fn bandwidth_mib_s(mut self, limit: u64) -> Self {
        self.bandwidth_mib_s = Some(limit);
        self
    }

    /// Limits the post-copy bandwidth, in MiB/s.
    pub fn postcopy_bandwidth_mib_s(mut self, limit: u64) -> Self {
        self.postcopy_bandwidth_mib_s = Some(limit);
        self
    }

    /// Uses `n` parallel connections.
    pub fn parallel_connections(mut self, n: i32) -> Self {
        self.parallel_connections = Some(n);
        self
    }

    /// Renames the guest on the destination.
    pub fn dest_name(mut self, name: impl Into<String>) -> Self {
        self.dest_name = Some(name.into());
        self
    }

    /// Uses this definition on the destination (paths that differ there, for instance).
    pub fn dest_definition<D: XmlRoot>(mut self, domain: &D) -> Result<Self> {
        check_root::<D>()?;
        self.dest_xml = Some(domain.to_xml());
        Ok(self)
    }

    /// Sets the hypervisor's migration URI.
    pub fn uri(mut self, uri: impl Into<String>) -> Self {
        self.uri = Some(uri.into());
        self
    }

    /// The `virDomainMigrateFlags` these options stand for.
    pub fn flags(&self) -> u32 {
        use virt::sys::*;
        let pairs = [
            (self.live, VIR_MIGRATE_LIVE),
            (self.postcopy, VIR_MIGRATE_POSTCOPY),
            (self.offline, VIR_MIGRATE_OFFLINE),
            (self.persistent, VIR_MIGRATE_PERSIST_DEST),
            (self.undefine_source, VIR_MIGRATE_UNDEFINE_SOURCE),
            (self.paused, VIR_MIGRATE_PAUSED),
            (self.peer_to_peer, VIR_MIGRATE_PEER2PEER),
            (self.tunnelled, VIR_MIGRATE_TUNNELLED),
            (self.copy_storage, VIR_MIGRATE_NON_SHARED_DISK),
            (self.auto_converge, VIR_MIGRATE_AUTO_CONVERGE),
            (self.compressed, VIR_MIGRATE_COMPRESSED),
            (self.abort_on_error, VIR_MIGRATE_ABORT_ON_ERROR),
            (self.tls, VIR_MIGRATE_TLS),
            (self.allow_unsafe, VIR_MIGRATE_UNSAFE),
            (self.parallel_connections.is_some(), VIR_MIGRATE_PARALLEL),
        ];
        pairs.iter().filter(|(on, _)| *on).fold(0, |acc, (_, f)| acc | f)
    }

    /// Checks the combinations libvirt would refuse, with a clearer message.
    fn check(&self) -> Result<()> {
        if self.offline && self.live {
            return Err(Error::Invalid("a migration is either live or offline, not both".into()));
        }
        if self.offline && !self.persistent {
            return Err(Error::Invalid(
                "an offline migration must make the guest persistent on the destination".into(),
            ));
        }
        if self.tunnelled && !self.peer_to_peer {
            return Err(Error::Invalid("a tunnelled migration is peer to peer".into()));
        }
        Ok(())
    }

    fn parameters(&self) -> virt::domain::MigrateParameters {
        virt::domain::MigrateParameters {
            bandwidth: self.bandwidth_mib_s,
            bandwidth_postcopy: self.postcopy_bandwidth_mib_s,
            parallel_connections: self.parallel_connections,
            dest_name: self.dest_name.clone(),
            dest_xml: self.dest_xml.clone(),
            uri: self.uri.clone(),
            ..Default::default()
        }
    }
}

impl Guest {
    /// Migrates the guest to the host `dest` is connected to (`virDomainMigrate3`: this
    /// process talks to both daemons) and returns it there.
    pub fn migrate(&self, dest: &Connection, options: &MigrateOptions) -> Result<Guest> {
        options.check()?;
        if options.peer_to_peer {
            return Err(Error::Invalid(
                "a peer-to-peer migration takes the destination's URI: use migrate_to_uri".into(),
            ));
        }
        let dom = self.dom.migrate3(&dest.conn, options.parameters(), options.flags())?;
        Ok(Guest { dom })
    }

    /// Migrates the guest with the source daemon talking to the destination itself
    /// (`virDomainMigrateToURI3`, peer to peer): `dest_uri` is a libvirt URI as the source
    /// host sees it (`qemu+ssh://dest/system`).
    pub fn migrate_to_uri(&self, dest_uri: &str, options: &MigrateOptions) -> Result<()> {
        let options = options.clone().peer_to_peer(true);
        options.check()?;
        Ok(self.dom.migrate_to_uri3(Some(dest_uri), options.parameters(), options.flags())?)
    }

    /// Switches a running migration started with [`MigrateOptions::postcopy`] to post-copy
    /// (`virsh migrate-postcopy`): the guest runs on the destination from now on.
    pub fn migrate_start_postcopy(&self) -> Result<()> {
        // The `virt` crate has no safe wrapper for virDomainMigrateStartPostCopy.
        // SAFETY: the domain pointer is valid while `self` lives; flags must be 0.
        let rc = unsafe { virt::sys::virDomainMigrateStartPostCopy(self.dom.as_ptr(), 0) };
        if rc < 0 {
            return Err(Error::last_libvirt());
        }
        Ok(())
    }

    /// Moves the persistent definition to `dest` without libvirt's migration protocol: it is
    /// defined there (secure content included), then, when `undefine_source` is set and
    /// that worked, removed here. Works between any two connections (different drivers,
    /// `test:///default`), with the guest running or not; nothing of a running instance
    /// moves. If the definition cannot be defined on `dest`, the source is left as it was.
    ///
    /// The UEFI variables of a guest that has run do not move: the file stays on this host
    /// (`virsh undefine --keep-nvram`), and the guest starts on `dest` from a fresh one.
    pub fn migrate_offline(&self, dest: &Connection, undefine_source: bool) -> Result<Guest> {
        let xml = self.xml(XmlView::Inactive)?;
        let moved = dest.define_xml(&xml)?;
        if undefine_source {
            // A plain undefine refuses a guest with a variables file; asking to keep it is
            // refused by drivers without UEFI (the test driver), so it comes second, and
            // the first refusal is the one told.
            self.undefine().or_else(|refused| self.undefine_with(UndefineFlags::KEEP_NVRAM).map_err(|_| refused))?;
        }
        Ok(moved)
    }
}
