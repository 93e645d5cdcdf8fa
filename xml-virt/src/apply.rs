//! `apply`: make libvirt's persistent definition say what a typed document says, redefining
//! only on a real change; and `edit`: change a definition in place without losing anything.
//!
//! # What `apply` guarantees
//!
//! `apply` makes at most one change to libvirt: a single `virDomainDefineXML` call, which
//! libvirt performs atomically (the new persistent definition replaces the old one, or the
//! old one stays). So when `apply` fails:
//! - before the define call (the daemon is unreachable, the guest cannot be read, the
//!   document is not a `<domain>`): nothing changed;
//! - at the define call (libvirt rejects the definition): nothing changed, the previous
//!   definition (or no guest, for a new one) remains;
//! - after it (re-reading the new definition fails): the new definition is in place; calling
//!   `apply` again is safe and reports whether anything is still to do.
//!
//! A running guest is never touched: the new definition takes effect at its next cold boot
//! ([`ApplyReport::pending_restart`]).

use xml_model::{Document, ReadOptions, XmlDocument, XmlRoot};

use crate::connection::check_root;
use crate::guest::XmlView;
use crate::{Connection, Error, Guest, Result};
use xml_model::diff::{differences, domain_name, Change};

/// What [`Connection::apply`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// There was no guest of that name: it was defined.
    Created,
    /// libvirt's definition differed: the guest was redefined.
    Redefined,
    /// libvirt's definition already said everything: nothing was sent to libvirt.
    Unchanged,
}

/// The result of [`Connection::apply`] or [`Guest::edit`].
#[derive(Debug)]
pub struct ApplyReport {
    /// The guest, as libvirt now has it.
    pub guest: Guest,
    /// Whether it was created, redefined or left alone.
    pub outcome: Outcome,
    /// What differed between libvirt's definition and the desired one, before applying.
    pub changes: Vec<Change>,
    /// What still differs after redefining: things libvirt dropped or normalised in a way the
    /// comparison does not understand (an attribute this libvirt version does not know, for
    /// instance). Empty when libvirt took everything.
    pub residual: Vec<Change>,
    /// The guest runs: the new definition takes effect when it next starts from cold.
    pub pending_restart: bool,
}

impl ApplyReport {
    /// Whether libvirt's definition was written.
    pub fn changed(&self) -> bool {
        self.outcome != Outcome::Unchanged
    }
}

impl Connection {
    /// Makes libvirt's persistent definition of the guest named in `desired` say what
    /// `desired` says: defines it when there is no such guest, redefines it when the
    /// definitions differ beyond libvirt's normalisation (see [`differences`]), and does
    /// nothing otherwise. Idempotent: applying the same document twice changes nothing the
    /// second time. See the module documentation for what holds when libvirt fails midway.
    pub fn apply<D: XmlRoot>(&self, desired: &D) -> Result<ApplyReport> {
        check_root::<D>()?;
        self.apply_xml(&desired.to_xml())
    }

    /// [`Connection::apply`] for a document as text.
    pub fn apply_xml(&self, desired: &str) -> Result<ApplyReport> {
        let name = domain_name(desired)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| Error::Invalid("the desired definition has no <name>".into()))?;
        let Some(existing) = self.find_guest(&name)? else {
            let guest = self.define_xml(desired)?;
            let residual = differences(desired, &guest.xml(XmlView::Inactive)?)?;
            return Ok(ApplyReport {
                guest,
                outcome: Outcome::Created,
                changes: Vec::new(),
                residual,
                pending_restart: false,
            });
        };
        let current = existing.xml(XmlView::Inactive)?;
        let changes = differences(desired, &current)?;
        let pending_restart = existing.is_active()?;
        if changes.is_empty() {
            return Ok(ApplyReport {
                guest: existing,
                outcome: Outcome::Unchanged,
                changes,
                residual: Vec::new(),
                pending_restart: false,
            });
        }
        // libvirt refuses to redefine a guest by name under a new UUID: keep the existing one
        // when the desired document does not give one.
        let xml = with_uuid(desired, &existing.uuid()?)?;
        let guest = self.define_xml(&xml)?;
        let residual = differences(desired, &guest.xml(XmlView::Inactive)?)?;
        Ok(ApplyReport { guest, outcome: Outcome::Redefined, changes, residual, pending_restart })
    }
}

impl Guest {
    /// Fetches the persistent definition, lets `change` modify it, and redefines the guest
    /// when something changed (`virsh edit`). The definition is read losslessly: elements
    /// and attributes the model does not know, other applications' metadata, comments and
    /// layout are written back as they were. Renaming is refused (libvirt would define a
    /// second guest); an unchanged definition is not written.
    pub fn edit<D, F>(&self, change: F) -> Result<ApplyReport>
    where
        D: XmlRoot,
        F: FnOnce(&mut D),
    {
        check_root::<D>()?;
        let before = self.xml(XmlView::Inactive)?;
        let mut doc = Document::<D>::parse_with(&before, ReadOptions::default())?;
        let unchanged = doc.to_xml();
        change(&mut doc.root);
        let after = doc.to_xml();
        let pending_restart = self.is_active()?;
        if after == unchanged {
            return Ok(ApplyReport {
                guest: self.clone_handle(),
                outcome: Outcome::Unchanged,
                changes: Vec::new(),
                residual: Vec::new(),
                pending_restart: false,
            });
        }
        let (old, new) = (domain_name(&before), domain_name(&after));
        if old != new {
            return Err(Error::Invalid(format!(
                "edit cannot rename guest {:?} to {:?}: libvirt would define a second guest",
                old.unwrap_or_default(),
                new.unwrap_or_default()
            )));
        }
        let changes = differences(&after, &before)?;
        let conn = Connection { conn: self.dom.connect()? };
        let guest = conn.define_xml(&after)?;
        let residual = differences(&after, &guest.xml(XmlView::Inactive)?)?;
        Ok(ApplyReport { guest, outcome: Outcome::Redefined, changes, residual, pending_restart })
    }

    fn clone_handle(&self) -> Guest {
        Guest { dom: self.dom.clone() }
    }
}

/// `desired` with `<uuid>` set to `uuid` right after `<name>`, unless it has one.
fn with_uuid(desired: &str, uuid: &str) -> Result<String> {
    let doc = xml_model::read::parse_document(desired)?;
    let root = doc.root_element();
    let element = |name: &str| root.children().find(|c| c.is_element() && c.has_tag_name(name));
    if element("uuid").is_some() {
        return Ok(desired.to_owned());
    }
    let name = element("name").ok_or_else(|| Error::Invalid("the desired definition has no <name>".into()))?;
    let end = name.range().end;
    Ok(format!("{}<uuid>{uuid}</uuid>{}", &desired[..end], &desired[end..]))
}
