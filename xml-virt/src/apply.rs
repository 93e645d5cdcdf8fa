//! `apply`: make libvirt's persistent definition say what a typed document says, redefining
//! only on a real change; and `edit`: change a definition in place without losing anything.
//!
//! # What `apply` guarantees
//!
//! `apply` makes one change to libvirt: a single `virDomainDefineXML` call, which libvirt
//! performs atomically (the new persistent definition replaces the old one, or the old one
//! stays); a second call only puts libvirt's previous text back when the first changed
//! nothing but the order of its elements (see below). So when `apply` fails:
//! - before the define call (the daemon is unreachable, the guest cannot be read, the
//!   document is not a `<domain>`): nothing changed;
//! - at the define call (libvirt rejects the definition): nothing changed, the previous
//!   definition (or no guest, for a new one) remains;
//! - after it (re-reading the new definition fails): the new definition is in place; calling
//!   `apply` again is safe and reports whether anything is still to do.
//!
//! A running guest is never touched: the new definition takes effect at its next cold boot
//! ([`ApplyReport::pending_restart`]).
//!
//! # How `apply` decides
//!
//! First by comparing: when libvirt's stored definition already states everything the
//! desired one does ([`differences`], which knows libvirt's normalisations), nothing is sent.
//! Otherwise the comparison may be unsure (this libvirt drops an element a newer schema
//! allows; a driver rewrites a value in a way no rule describes), so libvirt decides: the
//! desired definition is defined, with what libvirt generated itself kept (UUID, MAC
//! addresses, Open vSwitch interface ids), and libvirt's stored definition before and after
//! that call are compared as text. The same text means libvirt took nothing new: the outcome
//! is [`Outcome::Unchanged`], no restart is pending, and what the comparison found is
//! reported once as [`ApplyReport::residual`], not as a change. When the texts differ only in
//! order (the same elements, as [`xml_model::diff::diff`] matches them), libvirt's previous
//! text is defined back and the outcome is `Unchanged` too. So a second `apply` of any
//! definition libvirt accepted is `Unchanged` and leaves libvirt's definition as it was,
//! unless libvirt itself changed it in between (a failed start can: the report then says
//! what `apply` put back).

use std::collections::HashMap;

use xml_model::validate::{Problem, Rule};
use xml_model::{Document, ReadOptions, ValidateRoot, XmlDocument, XmlRoot};

use crate::connection::check_root;
use crate::error::validated;
use crate::guest::XmlView;
use crate::{Connection, Error, Guest, Result};
use xml_model::diff::{differences, domain_name, Change};
use xml_model::read::Node;

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
    /// `desired` says: defines it when there is no such guest, and otherwise redefines it
    /// unless the definitions already agree. Idempotent: applying the same document twice
    /// changes nothing the second time, and the second call reports
    /// [`Outcome::Unchanged`]. A document that fails `validate()` is not sent
    /// ([`Error::Rejected`]). See the module documentation for how it decides and what holds
    /// when libvirt fails midway.
    pub fn apply<D: XmlRoot + ValidateRoot>(&self, desired: &D) -> Result<ApplyReport> {
        check_root::<D>()?;
        validated(desired)?;
        self.apply_xml(&desired.to_xml())
    }

    /// [`Connection::apply`] for a document as text, sent as it is: nothing is checked before
    /// libvirt sees it.
    pub fn apply_xml(&self, desired: &str) -> Result<ApplyReport> {
        Ok(apply_object::<Guest>(self, desired)?.into())
    }
}

/// What `apply` needs of a kind of libvirt object with a persistent definition (a guest, a
/// virtual network).
pub(crate) trait Persistent: Sized {
    /// The object of that name, if there is one.
    fn find(conn: &Connection, name: &str) -> Result<Option<Self>>;
    /// Defines (or redefines) it from `xml`.
    fn define(conn: &Connection, xml: &str) -> Result<Self>;
    /// Its persistent definition as libvirt stores it.
    fn stored(&self) -> Result<String>;
    /// Whether it runs (a redefinition then waits for its next start).
    fn is_active(&self) -> Result<bool>;
}

impl Persistent for Guest {
    fn find(conn: &Connection, name: &str) -> Result<Option<Self>> {
        conn.find_guest(name)
    }
    fn define(conn: &Connection, xml: &str) -> Result<Self> {
        conn.define_xml(xml)
    }
    fn stored(&self) -> Result<String> {
        self.xml(XmlView::Inactive)
    }
    fn is_active(&self) -> Result<bool> {
        Guest::is_active(self)
    }
}

/// What `apply` did to an object, before it is named for its kind.
pub(crate) struct Applied<T> {
    pub object: T,
    pub outcome: Outcome,
    pub changes: Vec<Change>,
    pub residual: Vec<Change>,
    pub pending_restart: bool,
}

impl<T> Applied<T> {
    /// libvirt's definition says what it said before: no change, no restart pending, and
    /// `residual` what it does not keep of the desired one.
    fn unchanged(object: T, residual: Vec<Change>) -> Self {
        Applied { object, outcome: Outcome::Unchanged, changes: Vec::new(), residual, pending_restart: false }
    }
}

impl From<Applied<Guest>> for ApplyReport {
    fn from(a: Applied<Guest>) -> Self {
        ApplyReport {
            guest: a.object,
            outcome: a.outcome,
            changes: a.changes,
            residual: a.residual,
            pending_restart: a.pending_restart,
        }
    }
}

/// `apply` for any persistent object: see the module documentation.
pub(crate) fn apply_object<T: Persistent>(conn: &Connection, desired: &str) -> Result<Applied<T>> {
    let name = domain_name(desired)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| Error::Invalid("the desired definition has no <name>".into()))?;
    let Some(existing) = T::find(conn, &name)? else {
        let object = T::define(conn, desired)?;
        let residual = differences(desired, &object.stored()?)?;
        return Ok(Applied {
            object,
            outcome: Outcome::Created,
            changes: Vec::new(),
            residual,
            pending_restart: false,
        });
    };
    let before = existing.stored()?;
    let changes = differences(desired, &before)?;
    if changes.is_empty() {
        return Ok(Applied::unchanged(existing, Vec::new()));
    }
    let running = existing.is_active()?;
    let xml = keep_generated(desired, &before)?;
    redefine(conn, &xml, &before, changes, running)
}

/// Defines `xml` over an object whose stored definition was `before` (`changes` being what
/// the comparison found), and lets libvirt's stored definition decide what happened: when it
/// is the same text after the define call, libvirt took nothing new and the outcome is
/// [`Outcome::Unchanged`], what the comparison found being only what libvirt drops or
/// normalises in a way it does not know (the residual).
fn redefine<T: Persistent>(
    conn: &Connection,
    xml: &str,
    before: &str,
    changes: Vec<Change>,
    running: bool,
) -> Result<Applied<T>> {
    let object = T::define(conn, xml)?;
    let after = object.stored()?;
    let residual = differences(xml, &after)?;
    if after == before {
        return Ok(Applied::unchanged(object, residual));
    }
    let moved = xml_model::diff::diff(before, &after)?;
    if moved.is_empty() {
        // The same definition in another order (libvirt copies a running guest's definition
        // at start, and lists its controllers in another order than a define does): put
        // libvirt's previous text back, so that nothing changed, byte for byte.
        let object = T::define(conn, before)?;
        return Ok(Applied::unchanged(object, residual));
    }
    // What libvirt did not take is residual, not a change; when the comparison saw nothing
    // else, what changed is what libvirt's two definitions tell. (A set: each change looked
    // up in the list would be quadratic in their number.)
    let not_taken: std::collections::HashSet<&Change> = residual.iter().collect();
    let mut changes: Vec<Change> = changes.into_iter().filter(|c| !not_taken.contains(c)).collect();
    if changes.is_empty() {
        changes = moved;
    }
    Ok(Applied { object, outcome: Outcome::Redefined, changes, residual, pending_restart: running })
}

impl Guest {
    /// Fetches the persistent definition, lets `change` modify it, and redefines the guest
    /// when something changed (`virsh edit`). The definition is read losslessly: elements
    /// and attributes the model does not know, other applications' metadata, comments and
    /// layout are written back as they were. Renaming is refused (libvirt would define a
    /// second guest); an unchanged definition is not written; one the change makes fail
    /// `validate()` is not sent ([`Error::Rejected`], with the problems the change added).
    pub fn edit<D, F>(&self, change: F) -> Result<ApplyReport>
    where
        D: XmlRoot + ValidateRoot,
        F: FnOnce(&mut D),
    {
        check_root::<D>()?;
        let before = self.xml(XmlView::Inactive)?;
        let mut doc = Document::<D>::parse_with(&before, ReadOptions::default())?;
        let unchanged = doc.to_xml();
        let problems_before = doc.root.validate().err().unwrap_or_default();
        change(&mut doc.root);
        added_problems(problems_before, doc.root.validate().err().unwrap_or_default())?;
        let after = doc.to_xml();
        let running = self.is_active()?;
        if after == unchanged {
            return Ok(Applied::unchanged(self.clone_handle(), Vec::new()).into());
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
        Ok(redefine::<Guest>(&conn, &after, &before, changes, running)?.into())
    }

    fn clone_handle(&self) -> Guest {
        Guest { dom: self.dom.clone() }
    }
}

/// [`Error::Rejected`] with the problems `after` has that `before` had not. They are told
/// apart by what they say, not where: a device added before a problem moves its path, and
/// what libvirt stored (which its own checks passed) is not for an edit to refuse.
fn added_problems(before: Vec<Problem>, after: Vec<Problem>) -> Result<()> {
    let said = |p: &Problem| {
        let rule = match p.rule {
            Rule::Schema => "",
            Rule::Libvirt(source) => source,
        };
        (p.message.clone(), rule)
    };
    let mut known: HashMap<(String, &str), usize> = HashMap::new();
    for p in &before {
        *known.entry(said(p)).or_default() += 1;
    }
    let mut added = Vec::new();
    for p in after {
        match known.get_mut(&said(&p)) {
            Some(n) if *n > 0 => *n -= 1,
            _ => added.push(p),
        }
    }
    if added.is_empty() {
        Ok(())
    } else {
        Err(Error::Rejected(added))
    }
}

/// `desired` with what libvirt made up when it first defined the object, taken from its
/// stored definition `stored`, wherever `desired` leaves it to libvirt: the UUID (libvirt
/// refuses to redefine an object by name under a new one), each NIC's MAC address and each
/// Open vSwitch port's `interfaceid`, a network's bridge name and MAC address (libvirt would
/// make new ones on every define, so the definition would never settle). NICs are matched by
/// their place among the `<interface>`s, and only when both definitions have as many.
fn keep_generated(desired: &str, stored: &str) -> Result<String> {
    let d = xml_model::read::parse_document(desired)?;
    let s = xml_model::read::parse_document(stored)?;
    let (droot, sroot) = (d.root_element(), s.root_element());
    // (from, to, text): replace `desired[from..to]` with `text`.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    if child(droot, "uuid").is_none() {
        if let (Some(name), Some(uuid)) = (child(droot, "name"), child(sroot, "uuid").and_then(|u| u.text())) {
            let at = name.range().end;
            edits.push((at, at, format!("<uuid>{}</uuid>", uuid.trim())));
        }
    }
    if droot.has_tag_name("network") {
        keep_network_generated(desired, droot, sroot, &mut edits);
    }
    let (dnics, snics) = (interfaces(droot), interfaces(sroot));
    if dnics.len() == snics.len() {
        for (dn, sn) in dnics.into_iter().zip(snics) {
            if child(dn, "mac").is_none() {
                if let Some(mac) = child(sn, "mac").and_then(|m| m.attribute("address")) {
                    let at = start_tag_end(desired, dn);
                    edits.push((at, at, format!("<mac address='{mac}'/>")));
                }
            }
            let id =
                child(sn, "virtualport").and_then(|v| child(v, "parameters")).and_then(|p| p.attribute("interfaceid"));
            if let (Some(port), Some(id)) = (child(dn, "virtualport"), id) {
                match child(port, "parameters") {
                    Some(p) if p.attribute("interfaceid").is_none() => {
                        let at = name_end(desired, p);
                        edits.push((at, at, format!(" interfaceid='{id}'")));
                    }
                    Some(_) => {}
                    None if desired[..start_tag_end(desired, port)].ends_with("/>") => {
                        // `<virtualport type='openvswitch'/>`: open it to hold the parameters.
                        let end = start_tag_end(desired, port);
                        edits.push((end - 2, end, format!("><parameters interfaceid='{id}'/></virtualport>")));
                    }
                    None => {
                        let at = start_tag_end(desired, port);
                        edits.push((at, at, format!("<parameters interfaceid='{id}'/>")));
                    }
                }
            }
        }
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = desired.to_owned();
    for (from, to, text) in edits {
        out.replace_range(from..to, &text);
    }
    Ok(out)
}

/// What libvirt makes up for a virtual network left to it: the bridge's MAC address and the
/// bridge's name (`virbrN`, the first free one).
fn keep_network_generated(desired: &str, droot: Node<'_>, sroot: Node<'_>, edits: &mut Vec<(usize, usize, String)>) {
    let Some(name) = child(droot, "name") else { return };
    let after_name = name.range().end;
    if child(droot, "mac").is_none() {
        if let Some(mac) = child(sroot, "mac").and_then(|m| m.attribute("address")) {
            edits.push((after_name, after_name, format!("<mac address='{mac}'/>")));
        }
    }
    let Some(bridge) = child(sroot, "bridge").and_then(|b| b.attribute("name")) else { return };
    match child(droot, "bridge") {
        Some(b) if b.attribute("name").is_none() => {
            let at = name_end(desired, b);
            edits.push((at, at, format!(" name='{bridge}'")));
        }
        Some(_) => {}
        None => edits.push((after_name, after_name, format!("<bridge name='{bridge}'/>"))),
    }
}

/// `xml` (a domain, network, pool... document) with `<uuid>uuid</uuid>` right after its
/// `<name>`, unless it has a UUID: what keeps an object's identity when it is redefined.
pub(crate) fn with_uuid_of(xml: &str, uuid: &str) -> Result<String> {
    let doc = xml_model::read::parse_document(xml)?;
    let root = doc.root_element();
    match (child(root, "uuid"), child(root, "name")) {
        (None, Some(name)) => {
            let at = name.range().end;
            Ok(format!("{}<uuid>{uuid}</uuid>{}", &xml[..at], &xml[at..]))
        }
        _ => Ok(xml.to_owned()),
    }
}

fn child<'a>(n: Node<'a>, name: &str) -> Option<Node<'a>> {
    n.children().find(|c| c.is_element() && c.tag_name().namespace().is_none() && c.has_tag_name(name))
}

/// The `<interface>`s of a domain's `<devices>`.
fn interfaces<'a>(domain: Node<'a>) -> Vec<Node<'a>> {
    let Some(devices) = child(domain, "devices") else { return Vec::new() };
    devices
        .children()
        .filter(|c| c.is_element() && c.tag_name().namespace().is_none() && c.has_tag_name("interface"))
        .collect()
}

/// Where the start tag of element `n` ends (just after its `>`).
fn start_tag_end(text: &str, n: Node<'_>) -> usize {
    let mut quote = None;
    for (i, c) in text[n.range()].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if q == c => quote = None,
            (None, '>') => return n.range().start + i + 1,
            _ => {}
        }
    }
    n.range().end
}

/// Where the name of element `n` ends in its start tag: a new attribute goes there.
fn name_end(text: &str, n: Node<'_>) -> usize {
    let tag = &text[n.range()];
    n.range().start + tag.find(|c: char| c.is_whitespace() || c == '/' || c == '>').unwrap_or(tag.len())
}

#[cfg(test)]
mod tests {
    use super::keep_generated;

    const STORED: &str = "<domain type='kvm'><name>g</name><uuid>0755dc9b-a169-471d-baba-2515e95023ae</uuid>\
        <devices><interface type='bridge'><mac address='52:54:00:12:34:56'/><source bridge='br0'/>\
        <virtualport type='openvswitch'><parameters interfaceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f'/>\
        </virtualport></interface></devices></domain>";

    fn nic(inner: &str) -> String {
        format!(
            "<domain type='kvm'><name>g</name><devices><interface type='bridge'>{inner}</interface></devices></domain>"
        )
    }

    #[test]
    fn what_libvirt_made_up_is_kept() {
        let kept = |inner: &str| keep_generated(&nic(inner), STORED).unwrap();
        let uuid = "<uuid>0755dc9b-a169-471d-baba-2515e95023ae</uuid>";
        let mac = "<mac address='52:54:00:12:34:56'/>";
        let id = "interfaceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f'";
        assert_eq!(
            kept("<source bridge='br0'/><virtualport type='openvswitch'/>"),
            nic(&format!(
                "{mac}<source bridge='br0'/><virtualport type='openvswitch'><parameters {id}/></virtualport>"
            ))
            .replace("</name>", &format!("</name>{uuid}"))
        );
        assert!(kept("<virtualport type='openvswitch'><parameters profileid='p'/></virtualport>")
            .contains(&format!("<parameters {id} profileid='p'/>")));
        assert!(kept("<virtualport type='openvswitch'>\n</virtualport>").contains(&format!("<parameters {id}/>\n")));
    }

    #[test]
    fn what_the_desired_definition_states_is_not_touched() {
        let own = nic("<mac address='52:54:00:ab:cd:ef'/><virtualport type='openvswitch'>\
            <parameters interfaceid='11111111-2222-3333-4444-555555555555'/></virtualport>")
        .replace("</name>", "</name><uuid>11111111-2222-3333-4444-555555555555</uuid>");
        assert_eq!(keep_generated(&own, STORED).unwrap(), own);
        // NICs are matched by place only when both definitions have as many.
        let two = nic("<source bridge='br0'/></interface><interface type='network'><source network='n'/>");
        assert!(!keep_generated(&two, STORED).unwrap().contains("<mac"));
    }
}
