//! Opening a connection, listing, defining and looking guests up, restoring saved guests.

use std::path::Path;

use xml_model::{ValidateRoot, XmlDocument, XmlRoot};

use crate::error::validated;
use crate::guest::{Guest, GuestState};
use crate::{Error, Result};

/// An open connection to a hypervisor.
pub struct Connection {
    pub(crate) conn: virt::connect::Connect,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").field("uri", &self.conn.uri().ok()).finish()
    }
}

impl Connection {
    /// Opens a connection to `uri` (`qemu:///system`, `qemu:///session`, `test:///default`,
    /// a remote URI such as `qemu+ssh://host/system`).
    pub fn open(uri: &str) -> Result<Self> {
        // libvirt prints every error to stderr by default; they are returned instead.
        virt::error::clear_error_callback();
        crate::events::start_event_loop();
        Ok(Connection { conn: virt::connect::Connect::open(Some(uri))? })
    }

    /// The URI libvirt says this connection has.
    pub fn uri(&self) -> Result<String> {
        Ok(self.conn.uri()?)
    }

    /// The host's name as libvirt sees it.
    pub fn hostname(&self) -> Result<String> {
        Ok(self.conn.hostname()?)
    }

    /// The version of libvirt behind the connection (the daemon's for a remote one), as
    /// `(major, minor, micro)`: what a definition may use depends on it.
    pub fn libvirt_version(&self) -> Result<(u32, u32, u32)> {
        let v = self.conn.lib_version()?;
        Ok((v / 1_000_000, v / 1000 % 1000, v % 1000))
    }

    /// The driver's name as libvirt spells it: `QEMU`, `TEST`, ...
    pub fn driver(&self) -> Result<String> {
        Ok(self.conn.driver_type()?)
    }

    /// Defines (or redefines) a persistent guest from a typed document, as `virsh define`,
    /// once it passes `validate()` ([`Error::Rejected`] with every problem when it does not).
    /// Use [`Connection::apply`] to redefine only when something changed.
    pub fn define<D: XmlRoot + ValidateRoot>(&self, domain: &D) -> Result<Guest> {
        check_root::<D>()?;
        validated(domain)?;
        self.define_xml(&domain.to_xml())
    }

    /// Defines (or redefines) a guest from XML as it is, as `virsh define` does: nothing is
    /// checked before libvirt sees it.
    pub fn define_xml(&self, xml: &str) -> Result<Guest> {
        Ok(Guest { dom: self.conn.define_domain_xml(xml)? })
    }

    /// Looks a guest up by name.
    pub fn guest(&self, name: &str) -> Result<Guest> {
        Ok(Guest { dom: self.conn.lookup_domain_by_name(name)? })
    }

    /// Looks a guest up by name; `None` when libvirt has no guest of that name.
    pub fn find_guest(&self, name: &str) -> Result<Option<Guest>> {
        crate::error::found(self.guest(name), "NoDomain")
    }

    /// Every guest, running or not, with its state, sorted by name (`virsh list --all`).
    pub fn list(&self) -> Result<Vec<(String, GuestState)>> {
        let mut out = Vec::new();
        for dom in self.conn.list_all_domains(0)? {
            let guest = Guest { dom };
            // One undefined since the listing (by another client) is not listed.
            if let Some(state) = crate::error::found(guest.state(), "NoDomain")? {
                out.push((guest.name()?, state));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Restores a guest saved with [`Guest::save`] (`virsh restore`) and returns it, running.
    pub fn restore(&self, path: &Path) -> Result<Guest> {
        let file = path_str(path)?;
        // The saved image names the guest: read it first, so the restored guest can be
        // returned without guessing which domain appeared.
        let name = self.saved_guest_name(file)?;
        self.conn.restore_domain(file)?;
        match name {
            Some(name) => self.guest(&name),
            None => Err(Error::Invalid(format!(
                "restored {}, but the driver cannot say which guest it held",
                path.display()
            ))),
        }
    }

    /// The guest definition stored in a save file, typed.
    pub fn saved_definition<D: XmlRoot>(&self, path: &Path) -> Result<D> {
        let xml = self.conn.save_image_xml_desc(path_str(path)?, virt::sys::VIR_DOMAIN_XML_SECURE)?;
        Ok(D::from_xml(&xml)?)
    }

    fn saved_guest_name(&self, file: &str) -> Result<Option<String>> {
        match self.conn.save_image_xml_desc(file, virt::sys::VIR_DOMAIN_XML_SECURE) {
            Ok(xml) => Ok(xml_model::diff::domain_name(&xml)),
            Err(e) => {
                let e = Error::from(e);
                if e.libvirt_code() == Some("NoSupport") {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }
}

/// The document must be a `<domain>`: libvirt would refuse anything else with a less clear message.
pub(crate) fn check_root<D: XmlRoot>() -> Result<()> {
    if D::ROOT == "domain" {
        Ok(())
    } else {
        Err(Error::Invalid(format!("a guest definition is a <domain> document, not <{}>", D::ROOT)))
    }
}

/// libvirt takes paths as C strings: UTF-8 without NUL bytes.
pub(crate) fn path_str(path: &Path) -> Result<&str> {
    let s = path.to_str().ok_or_else(|| Error::Invalid(format!("{} is not UTF-8", path.display())))?;
    if s.contains('\0') {
        return Err(Error::Invalid(format!("{s:?} holds a NUL byte")));
    }
    Ok(s)
}
