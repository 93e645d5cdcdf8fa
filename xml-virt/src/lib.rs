//! Define and run typed guests on a libvirt connection, through the `virt` crate.
//!
//! Documents go in and come out typed: `define` takes any document type of the model
//! (`XmlRoot`), `dumpxml` reads libvirt's answer back into one. The embedded
//! `test:///default` driver needs no daemon, so examples default to it.

mod error;

pub use error::{Error, Result};

use xml_model::{Document, ReadOptions, XmlRoot};

/// libvirt's in-process test driver: no daemon, a fresh host per connection.
pub const TEST_URI: &str = "test:///default";

/// An open connection to a hypervisor.
pub struct Connection {
    conn: virt::connect::Connect,
}

/// A guest's run state, as libvirt reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuestState {
    NoState,
    Running,
    Blocked,
    Paused,
    Shutdown,
    Shutoff,
    Crashed,
    Suspended,
    /// A state this library does not know (a newer libvirt).
    Unknown,
}

/// A guest known to libvirt.
pub struct Guest {
    dom: virt::domain::Domain,
}

impl Connection {
    /// Opens a connection to `uri` (`qemu:///system`, `qemu:///session`, `test:///default`,
    /// a remote URI).
    pub fn open(uri: &str) -> Result<Self> {
        // libvirt prints every error to stderr by default; they are returned instead.
        virt::error::clear_error_callback();
        Ok(Connection { conn: virt::connect::Connect::open(Some(uri))? })
    }

    /// The URI libvirt says this connection has.
    pub fn uri(&self) -> Result<String> {
        Ok(self.conn.uri()?)
    }

    /// Defines (or redefines) a persistent guest from a typed document.
    pub fn define<D: XmlRoot>(&self, domain: &D) -> Result<Guest> {
        let xml = xml_model::XmlDocument::to_xml(domain);
        Ok(Guest { dom: self.conn.define_domain_xml(&xml)? })
    }

    /// Looks a guest up by name.
    pub fn guest(&self, name: &str) -> Result<Guest> {
        Ok(Guest { dom: self.conn.lookup_domain_by_name(name)? })
    }

    /// Every guest, running or not, with its state.
    pub fn list(&self) -> Result<Vec<(String, GuestState)>> {
        let mut out = Vec::new();
        for dom in self.conn.list_all_domains(0)? {
            let guest = Guest { dom };
            out.push((guest.name()?, guest.state()?));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }
}

impl Guest {
    /// The guest's name.
    pub fn name(&self) -> Result<String> {
        Ok(self.dom.name()?)
    }

    /// The run state.
    pub fn state(&self) -> Result<GuestState> {
        use virt::domain::DomainState as S;
        let (state, _) = self.dom.state()?;
        let known: std::result::Result<S, _> = state.into();
        Ok(match known.ok() {
            Some(S::NoState) => GuestState::NoState,
            Some(S::Running) => GuestState::Running,
            Some(S::Blocked) => GuestState::Blocked,
            Some(S::Paused) => GuestState::Paused,
            Some(S::Shutdown) => GuestState::Shutdown,
            Some(S::Shutoff) => GuestState::Shutoff,
            Some(S::Crashed) => GuestState::Crashed,
            Some(S::PMSuspended) => GuestState::Suspended,
            None => GuestState::Unknown,
        })
    }

    /// Starts the guest.
    pub fn start(&self) -> Result<()> {
        Ok(self.dom.create()?)
    }

    /// Stops the guest at once (pulls the plug).
    pub fn destroy(&self) -> Result<()> {
        Ok(self.dom.destroy()?)
    }

    /// Asks the guest to reboot.
    pub fn reboot(&self) -> Result<()> {
        Ok(self.dom.reboot(0)?)
    }

    /// Turns starting with the host on or off.
    pub fn set_autostart(&self, on: bool) -> Result<()> {
        Ok(self.dom.set_autostart(on)?)
    }

    /// Whether the guest starts with the host.
    pub fn autostart(&self) -> Result<bool> {
        Ok(self.dom.autostart()?)
    }

    /// Removes the persistent definition.
    pub fn undefine(&self) -> Result<()> {
        Ok(self.dom.undefine()?)
    }

    /// The definition, typed: the live one, or the inactive (persistent) one.
    pub fn dumpxml<D: XmlRoot>(&self, inactive: bool) -> Result<D> {
        let flags = if inactive { virt::sys::VIR_DOMAIN_XML_INACTIVE } else { 0 };
        let xml = self.dom.xml_desc(flags)?;
        Ok(Document::<D>::parse_with(&xml, ReadOptions::default())?.root)
    }
}
