//! Virtual networks: defining or applying a typed `<network>` (`virsh net-define`), starting
//! it, marking it to start with the host, listing them, reading one back and the DHCP leases
//! its dnsmasq handed out (`virsh net-dhcp-leases`).

use std::ffi::CStr;
use std::net::IpAddr;

use xml_model::diff::Change;
use xml_model::generated::network::Network;
use xml_model::XmlDocument;

use crate::apply::{apply_object, Applied, Persistent};
use crate::{Connection, Error, Outcome, Result};

/// A virtual network of a connection.
pub struct VirtualNetwork {
    net: virt::network::Network,
}

impl std::fmt::Debug for VirtualNetwork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VirtualNetwork").field("name", &self.net.name().ok()).finish()
    }
}

/// The result of [`Connection::apply_network`], as [`ApplyReport`](crate::ApplyReport) is for
/// guests.
#[derive(Debug)]
pub struct NetworkApplyReport {
    /// The network, as libvirt now has it.
    pub network: VirtualNetwork,
    /// Whether it was created, redefined or left alone.
    pub outcome: Outcome,
    /// What differed between libvirt's definition and the desired one, before applying.
    pub changes: Vec<Change>,
    /// What libvirt did not keep of the desired definition.
    pub residual: Vec<Change>,
    /// The network runs: the new definition takes effect when it is next started.
    pub pending_restart: bool,
}

impl From<Applied<VirtualNetwork>> for NetworkApplyReport {
    fn from(a: Applied<VirtualNetwork>) -> Self {
        NetworkApplyReport {
            network: a.object,
            outcome: a.outcome,
            changes: a.changes,
            residual: a.residual,
            pending_restart: a.pending_restart,
        }
    }
}

impl Persistent for VirtualNetwork {
    fn find(conn: &Connection, name: &str) -> Result<Option<Self>> {
        conn.find_network(name)
    }
    fn define(conn: &Connection, xml: &str) -> Result<Self> {
        Ok(VirtualNetwork { net: conn.conn.define_network_xml(xml)? })
    }
    fn stored(&self) -> Result<String> {
        match self.net.xml_desc(virt::sys::VIR_NETWORK_XML_INACTIVE) {
            Ok(xml) => Ok(xml),
            // The test driver knows no flags here; it keeps one definition anyway.
            Err(e) if matches!(e.code(), virt::enumutil::Enum::Known(virt::error::ErrorNumber::InvalidArg)) => {
                Ok(self.net.xml_desc(0)?)
            }
            Err(e) => Err(e.into()),
        }
    }
    fn is_active(&self) -> Result<bool> {
        VirtualNetwork::is_active(self)
    }
}

/// A virtual network's state, as `virsh net-list --all` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkState {
    /// Its name.
    pub name: String,
    /// Whether it runs.
    pub active: bool,
    /// Whether it starts with the host.
    pub autostart: bool,
    /// Whether it has a persistent definition (a network created from XML without one does
    /// not).
    pub persistent: bool,
    /// Its bridge on the host (`virbr0`), when it has one.
    pub bridge: Option<String>,
}

/// An address lease a network's DHCP server handed out (`virsh net-dhcp-leases`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DhcpLease {
    /// The network's bridge the client is on.
    pub interface: String,
    /// The client's MAC address (for IPv4).
    pub mac: Option<String>,
    /// The address handed out.
    pub address: IpAddr,
    /// Its prefix length.
    pub prefix: u32,
    /// The name the client gave, if any.
    pub hostname: Option<String>,
    /// The client id it gave, if any.
    pub client_id: Option<String>,
    /// When the lease ends, in seconds since the Unix epoch.
    pub expiry: i64,
}

impl Connection {
    /// Makes libvirt's persistent definition of the network named in `desired` say what
    /// `desired` says, as [`Connection::apply`] does for guests: created when missing,
    /// redefined only on a real change (libvirt's stored definition before and after decides
    /// when the comparison is unsure), with the UUID, bridge name and MAC address libvirt gave
    /// it kept. A running network is not restarted. One that fails `validate()` is not sent
    /// ([`Error::Rejected`](crate::Error::Rejected)).
    pub fn apply_network(&self, desired: &Network) -> Result<NetworkApplyReport> {
        crate::error::validated(desired)?;
        Ok(apply_object::<VirtualNetwork>(self, &desired.to_xml())?.into())
    }

    /// Every virtual network, running or not, sorted by name (`virsh net-list --all`).
    pub fn networks(&self) -> Result<Vec<NetworkState>> {
        let mut out = Vec::new();
        for net in self.conn.list_all_networks(0)? {
            let state = || -> Result<NetworkState> {
                Ok(NetworkState {
                    name: net.name()?,
                    active: net.is_active()?,
                    autostart: net.autostart()?,
                    persistent: net.is_persistent()?,
                    bridge: net.bridge_name().ok(),
                })
            };
            // One undefined since the listing (by another client) is not listed.
            out.extend(crate::error::found(state(), "NoNetwork")?);
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Defines (or redefines) a persistent virtual network, as `virsh net-define`. A network of
    /// the same name keeps its UUID when the new definition gives none. One that fails
    /// `validate()` is not sent ([`Error::Rejected`](crate::Error::Rejected)).
    pub fn define_network(&self, network: &Network) -> Result<VirtualNetwork> {
        crate::error::validated(network)?;
        let mut network = network.clone();
        if network.uuid.is_none() {
            if let Some(existing) = self.find_network(&network.name)? {
                network.uuid = Some(existing.uuid()?);
            }
        }
        Ok(VirtualNetwork { net: self.conn.define_network_xml(&network.to_xml())? })
    }

    /// Looks a virtual network up by name.
    pub fn network(&self, name: &str) -> Result<VirtualNetwork> {
        Ok(VirtualNetwork { net: self.conn.lookup_network_by_name(name)? })
    }

    /// Looks a virtual network up by name; `None` when there is none of that name.
    pub fn find_network(&self, name: &str) -> Result<Option<VirtualNetwork>> {
        crate::error::found(self.network(name), "NoNetwork")
    }
}

impl VirtualNetwork {
    /// Its name.
    pub fn name(&self) -> Result<String> {
        Ok(self.net.name()?)
    }

    /// Its UUID.
    pub fn uuid(&self) -> Result<xml_model::Uuid> {
        let text = self.net.uuid_string()?;
        text.parse().map_err(|_| Error::Invalid(format!("libvirt gave the network UUID {text:?}")))
    }

    /// Starts it (`virsh net-start`): creates its bridge and, for NAT, the firewall rules.
    pub fn start(&self) -> Result<()> {
        Ok(self.net.create()?)
    }

    /// Stops it (`virsh net-destroy`).
    pub fn destroy(&self) -> Result<()> {
        Ok(self.net.destroy()?)
    }

    /// Removes its persistent definition (`virsh net-undefine`).
    pub fn undefine(&self) -> Result<()> {
        Ok(self.net.undefine()?)
    }

    /// Whether it runs.
    pub fn is_active(&self) -> Result<bool> {
        Ok(self.net.is_active()?)
    }

    /// Marks it to start with the host, or not (`virsh net-autostart [--disable]`).
    pub fn set_autostart(&self, on: bool) -> Result<()> {
        Ok(self.net.set_autostart(on)?)
    }

    /// Whether it starts with the host.
    pub fn autostart(&self) -> Result<bool> {
        Ok(self.net.autostart()?)
    }

    /// Its bridge on the host (`virbr0`).
    pub fn bridge_name(&self) -> Result<String> {
        Ok(self.net.bridge_name()?)
    }

    /// The addresses its DHCP server handed out and still holds (`virsh net-dhcp-leases`).
    pub fn dhcp_leases(&self) -> Result<Vec<DhcpLease>> {
        let mut leases: *mut virt::sys::virNetworkDHCPLeasePtr = std::ptr::null_mut();
        // SAFETY: the network pointer is valid while `self` lives; libvirt fills `leases` with
        // an array of `n` leases that the caller frees, each with virNetworkDHCPLeaseFree.
        let n = unsafe { virt::sys::virNetworkGetDHCPLeases(self.net.as_ptr(), std::ptr::null(), &mut leases, 0) };
        if n < 0 {
            return Err(Error::last_libvirt());
        }
        let text = |p: *const std::os::raw::c_char| {
            // SAFETY: a NUL-terminated string of the lease, or null.
            (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
        };
        let mut out = Vec::new();
        for i in 0..usize::try_from(n).unwrap_or(0) {
            // SAFETY: `i` is within the `n` leases libvirt returned.
            let lease = unsafe { *leases.add(i) };
            // SAFETY: each lease pointer is valid until freed below.
            let l = unsafe { &*lease };
            let address = text(l.ipaddr).and_then(|a| a.parse().ok());
            if let Some(address) = address {
                out.push(DhcpLease {
                    interface: text(l.iface).unwrap_or_default(),
                    mac: text(l.mac),
                    address,
                    prefix: l.prefix,
                    hostname: text(l.hostname),
                    client_id: text(l.clientid),
                    expiry: l.expirytime,
                });
            }
            // SAFETY: freed once, after its last use.
            unsafe { virt::sys::virNetworkDHCPLeaseFree(lease) };
        }
        if !leases.is_null() {
            // SAFETY: the array libvirt allocated, its leases freed above.
            unsafe { libc::free(leases.cast()) };
        }
        Ok(out)
    }

    /// Its definition, typed (`virsh net-dumpxml`).
    pub fn dumpxml(&self) -> Result<Network> {
        let xml = self.net.xml_desc(0)?;
        crate::error::typed(&xml)
    }
}
