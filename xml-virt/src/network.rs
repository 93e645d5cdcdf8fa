//! Virtual networks: defining a typed `<network>` (`virsh net-define`), starting it, marking it
//! to start with the host, reading it back.

use xml_model::generated::network::Network;
use xml_model::{Document, ReadOptions, XmlDocument};

use crate::{Connection, Error, Result};

/// A virtual network of a connection.
pub struct VirtualNetwork {
    net: virt::network::Network,
}

impl std::fmt::Debug for VirtualNetwork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VirtualNetwork").field("name", &self.net.name().ok()).finish()
    }
}

impl Connection {
    /// Defines (or redefines) a persistent virtual network, as `virsh net-define`. A network of
    /// the same name keeps its UUID when the new definition gives none.
    pub fn define_network(&self, network: &Network) -> Result<VirtualNetwork> {
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
        match self.network(name) {
            Ok(n) => Ok(Some(n)),
            Err(e) if e.libvirt_code() == Some("NoNetwork") => Ok(None),
            Err(e) => Err(e),
        }
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

    /// Its definition, typed (`virsh net-dumpxml`).
    pub fn dumpxml(&self) -> Result<Network> {
        let xml = self.net.xml_desc(0)?;
        Ok(Document::<Network>::parse_with(&xml, ReadOptions::default())?.root)
    }
}
