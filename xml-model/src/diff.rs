//! Semantic differences between two documents.
//!
//! [`diff`] compares any two documents as XML, not as text: attribute order, quoting and
//! whitespace between elements do not count, and repeated elements are matched by what they
//! are (a disk by its target, a NIC by its MAC, a filesystem by its tag, a host device by its
//! source, a controller by its type and index, a CPU feature by its name) rather than by
//! position, so a moved device is the same device.
//!
//! [`differences`] asks whether a desired domain (or virtual network) definition says
//! something libvirt's definition does not, understanding how libvirt normalises what it is
//! given.
//!
//! libvirt never stores a definition as written: sizes come back in KiB (`<memory
//! unit='GiB'>1</memory>` is `<memory unit='KiB'>1048576</memory>`), numbers may change base
//! (`slot='2'` is `slot='0x02'`), machine aliases are resolved (`pc` is `pc-i440fx-7.2`), and
//! it adds what it decides itself: a UUID, `<currentMemory>`, the emulator, controllers,
//! input devices, the balloon, PCI and drive addresses, default attributes. The comparison
//! therefore asks one question: does libvirt's definition state everything the desired one
//! states, with equivalent values? What libvirt added is not a difference, with one
//! exception: a top-level element or device present in libvirt's definition, missing from
//! the desired one, and not of a kind libvirt adds by itself, was removed by the user.
//!
//! Limits, by construction: an attribute or child the user dropped from inside an element
//! that stays is taken for a default libvirt added (state the new value instead), and an
//! element libvirt adds by itself (`<cpu>`, `<clock>`, controllers) cannot be removed by
//! leaving it out.

use std::collections::{HashMap, VecDeque};

use crate::read::Node;
use crate::tree::{AttributeFinder, ExpandedName};
use crate::{Result, XmlValue};

/// One difference between the desired definition and libvirt's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Change {
    /// Where: `/domain/memory`, `/domain/devices/disk[vdb]/driver/@cache`.
    pub path: String,
    /// What differs.
    pub kind: ChangeKind,
}

/// What kind of difference a [`Change`] is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// The desired definition states this; libvirt's does not have it.
    Added(String),
    /// Both state it with different values (after normalisation): libvirt's, then the desired.
    Changed {
        /// libvirt's value.
        from: String,
        /// The desired value.
        to: String,
    },
    /// libvirt's definition has this element; the desired one dropped it.
    Removed(String),
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            ChangeKind::Added(v) => write!(f, "{}: added {v}", self.path),
            ChangeKind::Changed { from, to } => write!(f, "{}: {from} -> {to}", self.path),
            ChangeKind::Removed(v) => write!(f, "{}: removed {v}", self.path),
        }
    }
}

/// Top-level elements libvirt fills in when a definition lacks them.
const DOMAIN_DEFAULTS: &[&str] =
    &["uuid", "currentMemory", "vcpu", "cpu", "clock", "on_poweroff", "on_reboot", "on_crash", "resource", "seclabel"];
/// What libvirt fills in for a virtual network: its UUID, the bridge's MAC address and the
/// bridge (named `virbrN` when the definition names none).
const NETWORK_DEFAULTS: &[&str] = &["uuid", "mac", "bridge"];
/// Devices libvirt adds by itself: the emulator, controllers, input, audio, the balloon,
/// a video card for graphics, a console for a serial port.
const DEVICE_DEFAULTS: &[&str] = &["emulator", "controller", "input", "audio", "memballoon", "video", "console"];
/// Elements whose number is in KiB when they have no `unit`.
const KIB_ELEMENTS: &[&str] = &[
    "memory",
    "currentMemory",
    "maxMemory",
    "hard_limit",
    "soft_limit",
    "swap_hard_limit",
    "min_guarantee",
    "size",
    "requested",
    "current",
    "block",
];
/// Attributes that hold a size whose unit is the element's `unit` attribute (KiB without one).
const SCALED_ATTRIBUTES: &[&str] = &["size", "memory"];

/// The differences between `desired` and `actual` (libvirt's definition), both `<domain>`
/// (or both `<network>`) documents; empty when libvirt's definition already says everything
/// the desired one does.
pub fn differences(desired: &str, actual: &str) -> Result<Vec<Change>> {
    let d = crate::read::parse_document(desired)?;
    let a = crate::read::parse_document(actual)?;
    let mut out = Vec::new();
    let (dr, ar) = (d.root_element(), a.root_element());
    if dr.tag_name() != ar.tag_name() {
        out.push(Change { path: "/".into(), kind: ChangeKind::Changed { from: label(ar), to: label(dr) } });
        return Ok(out);
    }
    let mut tries = Tries::for_documents(desired, actual);
    compare(dr, ar, &format!("/{}", label(dr)), &mut out, &mut tries, false);
    Ok(out)
}

/// The differences from document `a` to document `b`: [`ChangeKind::Added`] for what only
/// `b` has, [`ChangeKind::Removed`] for what only `a` has, [`ChangeKind::Changed`] from `a`'s
/// value to `b`'s. Empty when they say the same.
///
/// ```
/// use xml_model::diff::{diff, ChangeKind};
///
/// let a = "<domain type='kvm'><name>g</name><devices><disk type='file'><target dev='vda'/></disk>\
///          <disk type='file'><target dev='vdb'/></disk></devices></domain>";
/// let b = "<domain type=\"kvm\"><name>g</name><devices><disk type='block'><target dev='vdb'/></disk>\
///          <disk type='file'><target dev='vda'/></disk></devices></domain>";
/// let changes = diff(a, b).unwrap();
/// assert_eq!(changes.len(), 1);
/// assert_eq!(changes[0].path, "/domain/devices/disk[vdb]/@type");
/// assert_eq!(changes[0].kind, ChangeKind::Changed { from: "file".into(), to: "block".into() });
/// ```
pub fn diff(a: &str, b: &str) -> Result<Vec<Change>> {
    let da = crate::read::parse_document(a)?;
    let db = crate::read::parse_document(b)?;
    let (ra, rb) = (da.root_element(), db.root_element());
    let mut out = Vec::new();
    if ra.tag_name() != rb.tag_name() {
        out.push(Change { path: "/".into(), kind: ChangeKind::Changed { from: label(ra), to: label(rb) } });
        return Ok(out);
    }
    compare_both(ra, rb, &format!("/{}", label(ra)), &mut out);
    Ok(out)
}

fn attribute_label(a: &crate::read::Attribute<'_>) -> String {
    match a.namespace() {
        Some(ns) => format!("@{{{ns}}}{}", a.name()),
        None => format!("@{}", a.name()),
    }
}

fn compare_both(a: Node<'_>, b: Node<'_>, path: &str, out: &mut Vec<Change>) {
    let b_attributes = AttributeFinder::of(b);
    for attr in a.attributes() {
        let at = format!("{path}/{}", attribute_label(&attr));
        match b_attributes.get(&attr) {
            None => out.push(Change { path: at, kind: ChangeKind::Removed(attr.value().to_owned()) }),
            Some(o) if o.value() != attr.value() => {
                out.push(Change { path: at, kind: changed(attr.value().to_owned(), o.value().to_owned()) })
            }
            Some(_) => {}
        }
    }
    let a_attributes = AttributeFinder::of(a);
    for attr in b.attributes() {
        if a_attributes.get(&attr).is_none() {
            let at = format!("{path}/{}", attribute_label(&attr));
            out.push(Change { path: at, kind: ChangeKind::Added(attr.value().to_owned()) });
        }
    }
    let (ta, tb) = (own_text(a).unwrap_or_default(), own_text(b).unwrap_or_default());
    if ta != tb {
        out.push(Change { path: path.to_owned(), kind: changed(ta, tb) });
    }
    let (ca, cb) = (Children::of(a), Children::of(b));
    // Same identity where the element has one, else the same place among its namesakes.
    let mut by_identity = cb.by_identity();
    let mut by_place: HashMap<(ExpandedName<'_>, usize), usize> = (0..cb.nodes.len())
        .filter(|&j| cb.ids[j].is_none())
        .map(|j| ((cb.nodes[j].tag_name(), cb.places[j]), j))
        .collect();
    let mut used = vec![false; cb.nodes.len()];
    for (i, &x) in ca.nodes.iter().enumerate() {
        let found = match ca.ids[i].as_deref() {
            Some(k) => by_identity.get_mut(&(x.tag_name(), k)).and_then(VecDeque::pop_front),
            None => by_place.remove(&(x.tag_name(), ca.places[i])),
        };
        let here = format!("{path}/{}", ca.label(i));
        match found {
            Some(j) => {
                used[j] = true;
                compare_both(x, cb.nodes[j], &here, out);
            }
            None => out.push(Change { path: here, kind: ChangeKind::Removed(summary(x)) }),
        }
    }
    for (j, &y) in cb.nodes.iter().enumerate() {
        if !used[j] {
            let here = format!("{path}/{}", cb.label(j));
            out.push(Change { path: here, kind: ChangeKind::Added(summary(y)) });
        }
    }
}

/// The child elements of one element, with what matching them asks of each worked out once:
/// found by scanning, matching a document of many siblings would take time quadratic in
/// their number.
struct Children<'a> {
    nodes: Vec<Node<'a>>,
    /// Each child's identity (see [`identity`]).
    ids: Vec<Option<String>>,
    /// Each child's place among the children of its name, from 1.
    places: Vec<usize>,
    /// How many children have each name.
    counts: HashMap<ExpandedName<'a>, usize>,
    /// How many nodes finding their identities looked at.
    looked: usize,
}

impl<'a> Children<'a> {
    fn of(parent: Node<'a>) -> Self {
        let nodes: Vec<Node<'a>> = parent.children().filter(|c| c.is_element()).collect();
        let mut counts: HashMap<ExpandedName<'a>, usize> = HashMap::new();
        let places = nodes
            .iter()
            .map(|n| {
                let count = counts.entry(n.tag_name()).or_default();
                *count += 1;
                *count
            })
            .collect();
        let mut looked = 0;
        let ids = nodes
            .iter()
            .map(|&n| {
                let (id, work) = identity_counted(n);
                looked += work;
                id
            })
            .collect();
        Children { nodes, ids, places, counts, looked }
    }

    /// How child `i` is named in a path: by its identity, else by its place when others
    /// share its name.
    fn label(&self, i: usize) -> String {
        let n = self.nodes[i];
        child_label(n, self.ids[i].as_deref(), self.counts[&n.tag_name()], self.places[i])
    }

    /// The children that have an identity, in order, by name and identity.
    fn by_identity(&self) -> HashMap<(ExpandedName<'a>, &str), VecDeque<usize>> {
        let mut map: HashMap<_, VecDeque<usize>> = HashMap::new();
        for (j, id) in self.ids.iter().enumerate() {
            if let Some(k) = id {
                map.entry((self.nodes[j].tag_name(), k.as_str())).or_default().push_back(j);
            }
        }
        map
    }
}

/// What [`differences`] knows of its tries of which of libvirt's children says the same as a
/// desired child without an identity.
struct Tries {
    budget: Budget,
    /// Whether desired element `d` says nothing libvirt's element `a` does not, by the two
    /// elements' offsets in their documents, for each pair compared in a try where either has
    /// child elements. Such a pair is then compared once in a try: compared again inside the
    /// try of each enclosing pair, a chain of nested elements (a disk's `<backingStore>`s)
    /// took time exponential in its depth.
    agrees: HashMap<(usize, usize), bool>,
}

impl Tries {
    fn for_documents(desired: &str, actual: &str) -> Self {
        Tries { budget: Budget::for_documents(desired, actual), agrees: HashMap::new() }
    }

    /// Whether `d` and `a` are known to agree (or to differ).
    fn known(&self, d: Node<'_>, a: Node<'_>) -> Option<bool> {
        self.agrees.get(&(d.range().start, a.range().start)).copied()
    }

    /// Whether `d` says nothing `a` does not; `None` when the budget is spent and they were
    /// not compared before.
    fn agree(&mut self, d: Node<'_>, a: Node<'_>) -> Option<bool> {
        if let Some(known) = self.known(d, a) {
            return Some(known);
        }
        if self.budget.is_spent() {
            return None;
        }
        let mut first = Vec::new();
        compare(d, a, "", &mut first, self, true);
        Some(first.is_empty())
    }
}

/// How much trying may cost [`differences`]: with many namesakes and none agreeing, trying
/// each desired child against each of libvirt's would be quadratic. Each comparison in a try
/// is paid for with its own work (attributes, child nodes, the nodes looked at for their
/// identities); once the budget, [`Budget::PER_BYTE`] units for each byte of the documents, is
/// spent, children without an identity are matched in order.
struct Budget(usize);

impl Budget {
    /// Documents need far less: at most 0.2 units per byte in the corpus' 676 pairs of a
    /// test's input and libvirt's output, 0.86 in any of its pairs of neighbouring documents.
    const PER_BYTE: usize = 2;

    fn for_documents(desired: &str, actual: &str) -> Self {
        Budget((desired.len() + actual.len()).saturating_mul(Self::PER_BYTE))
    }

    fn spend(&mut self, work: usize) {
        self.0 = self.0.saturating_sub(work);
    }

    fn is_spent(&self) -> bool {
        self.0 == 0
    }
}

/// libvirt's children of one element not yet matched with a desired child, by name and in
/// order: a list for each name, linked through `next` and `prev`, so that taking one out
/// costs the same however many there are.
struct Unused<'a> {
    first: HashMap<ExpandedName<'a>, usize>,
    next: Vec<usize>,
    prev: Vec<usize>,
    used: Vec<bool>,
}

/// The end of an [`Unused`] list.
const END: usize = usize::MAX;

impl<'a> Unused<'a> {
    fn of(children: &Children<'a>) -> Self {
        let n = children.nodes.len();
        let (mut first, mut last) = (HashMap::new(), HashMap::new());
        let (mut next, mut prev) = (vec![END; n], vec![END; n]);
        for (j, c) in children.nodes.iter().enumerate() {
            match last.insert(c.tag_name(), j) {
                Some(p) => {
                    next[p] = j;
                    prev[j] = p;
                }
                None => {
                    first.insert(c.tag_name(), j);
                }
            }
        }
        Unused { first, next, prev, used: vec![false; n] }
    }

    /// The unused children named `name`, in order.
    fn named(&self, name: ExpandedName<'a>) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.first.get(&name).copied(), |&j| Some(self.next[j]).filter(|&n| n != END))
    }

    /// Marks child `j`, named `name`, used.
    fn take(&mut self, j: usize, name: ExpandedName<'a>) {
        self.used[j] = true;
        let (p, n) = (self.prev[j], self.next[j]);
        if p == END {
            if n == END {
                self.first.remove(&name);
            } else {
                self.first.insert(name, n);
            }
        } else {
            self.next[p] = n;
        }
        if n != END {
            self.prev[n] = p;
        }
    }
}

/// The `<name>` of a domain document, if it has one (or of any document with a `<name>`).
pub fn domain_name(xml: &str) -> Option<String> {
    let doc = crate::read::parse_document(xml).ok()?;
    let name = doc.root_element().children().find(|c| c.is_element() && c.has_tag_name("name"))?;
    Some(name.text().unwrap_or("").trim().to_owned())
}

/// What desired element `d` says that libvirt's element `a` does not, into `out`; when
/// `trying`, only whether it says anything (the first difference), which is kept in `tries`.
fn compare(d: Node<'_>, a: Node<'_>, path: &str, out: &mut Vec<Change>, tries: &mut Tries, trying: bool) {
    if !trying {
        return compare_elements(d, a, path, out, tries, false);
    }
    match tries.known(d, a) {
        Some(true) => {}
        // Only that it differs counts in a try.
        Some(false) => out.push(Change { path: String::new(), kind: changed(String::new(), String::new()) }),
        None => {
            compare_elements(d, a, path, out, tries, true);
            // Elements without children are as quickly compared again as looked up.
            let nested = |n: Node<'_>| n.children().any(|c| c.is_element());
            if nested(d) || nested(a) {
                tries.agrees.insert((d.range().start, a.range().start), out.is_empty());
            }
        }
    }
}

fn compare_elements(d: Node<'_>, a: Node<'_>, path: &str, out: &mut Vec<Change>, tries: &mut Tries, trying: bool) {
    if trying {
        // Paid for before it is done: the attributes and child nodes compared here.
        let nodes = |n: Node<'_>| 1 + n.attributes().count() + n.children().count();
        tries.budget.spend(nodes(d) + nodes(a));
    }
    let is_root = d.parent().is_some_and(|p| p.is_root());
    let mut handled: Vec<&str> = Vec::new();

    // A size written with a unit: compare bytes, not digits.
    if let Some(db) = scaled_text(d) {
        handled.push("unit");
        match scaled_text(a) {
            Some(ab) if ab == db => {}
            _ => out.push(Change { path: path.to_owned(), kind: changed(scaled_label(a), scaled_label(d)) }),
        }
    } else if let Some(dt) = own_text(d) {
        let at = own_text(a).unwrap_or_default();
        if !value_eq("", &dt, &at) {
            out.push(Change { path: path.to_owned(), kind: changed(at, dt) });
        }
    }
    for attr in SCALED_ATTRIBUTES {
        if let Some(db) = scaled_attribute(d, attr) {
            handled.extend([*attr, "unit"]);
            if scaled_attribute(a, attr) != Some(db) {
                let shown = |n: Node<'_>| {
                    format!("{} {}", n.attribute(attr).unwrap_or("none"), n.attribute("unit").unwrap_or("KiB"))
                };
                out.push(Change { path: format!("{path}/@{attr}"), kind: changed(shown(a), shown(d)) });
            }
        }
    }

    if trying && !out.is_empty() {
        return;
    }

    let a_attributes = AttributeFinder::of(a);
    for attr in d.attributes() {
        if attr.namespace().is_none() && handled.contains(&attr.name()) {
            continue;
        }
        // A running guest's id is not part of its definition.
        if is_root && attr.name() == "id" && attr.namespace().is_none() {
            continue;
        }
        let at = format!("{path}/@{}", attr.name());
        match a_attributes.get(&attr) {
            None => out.push(Change { path: at, kind: ChangeKind::Added(attr.value().to_owned()) }),
            Some(o) if !value_eq(attr.name(), attr.value(), o.value()) => {
                out.push(Change { path: at, kind: changed(o.value().to_owned(), attr.value().to_owned()) })
            }
            Some(_) => {}
        }
    }

    if trying && !out.is_empty() {
        return;
    }

    let (desired, actual) = (Children::of(d), Children::of(a));
    if trying {
        tries.budget.spend(desired.looked + actual.looked);
    }
    let facts = if is_root { RootFacts::of(a) } else { RootFacts::default() };
    let mut unused = Unused::of(&actual);
    let mut by_identity = actual.by_identity();
    for (i, &dc) in desired.nodes.iter().enumerate() {
        let child_path = format!("{path}/{}", desired.label(i));
        let found = match desired.ids[i].as_deref() {
            Some(k) => by_identity.get_mut(&(dc.tag_name(), k)).and_then(|q| first_unused(q, &unused)),
            None => agreeing(dc, &actual, &unused, tries),
        };
        if let Some(j) = found {
            unused.take(j, dc.tag_name());
        }
        let found = found.map(|j| actual.nodes[j]);
        match normalised(dc, found, &facts) {
            Normalised::Dropped => {}
            Normalised::Size(bytes) => {
                if found.and_then(scaled_text) != Some(bytes) {
                    let shown = found.map_or_else(|| "nothing".into(), scaled_label);
                    out.push(Change { path: child_path, kind: changed(shown, scaled_label(dc)) });
                }
            }
            Normalised::AsWritten => match found {
                Some(ac) if tries.known(dc, ac) == Some(true) => {}
                Some(ac) => compare(dc, ac, &child_path, out, tries, trying),
                // A try needs no summary: that it differs is all it asks.
                None if trying => out.push(Change { path: child_path, kind: ChangeKind::Added(String::new()) }),
                None => out.push(Change { path: child_path, kind: ChangeKind::Added(summary(dc)) }),
            },
        }
        if trying && !out.is_empty() {
            return;
        }
    }

    // What only libvirt's definition has: defaults, unless the desired one removed it.
    let defaults: Option<&[&str]> = if is_root {
        Some(match a.tag_name().name() {
            "domain" => DOMAIN_DEFAULTS,
            "network" => NETWORK_DEFAULTS,
            _ => &["uuid"],
        })
    } else if a.has_tag_name("devices") && a.parent().is_some_and(|p| p.parent().is_some_and(|r| r.is_root())) {
        Some(DEVICE_DEFAULTS)
    } else if a.has_tag_name("metadata") {
        // libvirt never writes metadata of its own.
        Some(&[])
    } else {
        None
    };
    if let Some(defaults) = defaults {
        // A console of a guest without serial ports is libvirt's cue to add the serial port
        // it stands for.
        let has = |name: &str| desired.nodes.iter().any(|c| c.tag_name().namespace().is_none() && c.has_tag_name(name));
        let serial_for_console = a.has_tag_name("devices") && has("console") && !has("serial");
        for (j, &ac) in actual.nodes.iter().enumerate() {
            let own = ac.tag_name().namespace().is_none()
                && (defaults.contains(&ac.tag_name().name()) || (serial_for_console && ac.has_tag_name("serial")));
            let used = unused.used[j];
            if !used && is_root && ac.tag_name().namespace().is_none() && ac.has_tag_name("devices") {
                // libvirt writes <devices> even when empty: only the devices in it count.
                removed_devices(ac, &format!("{path}/devices"), out);
            } else if !used && !own {
                out.push(Change {
                    path: format!("{path}/{}", child_label(ac, actual.ids[j].as_deref(), 1, 1)),
                    kind: ChangeKind::Removed(summary(ac)),
                });
            }
        }
    }
}

/// How a desired element compares, after libvirt's rules for what it keeps of it.
enum Normalised {
    /// Compared as written.
    AsWritten,
    /// libvirt does not keep it: not compared.
    Dropped,
    /// libvirt keeps this size in bytes (its own computation), whatever was written.
    Size(u128),
}

/// libvirt's rules for what it keeps of desired element `d` (`a` being libvirt's element
/// that stands for it, if any), each a rule of libvirt's parser as its documentation
/// (formatdomain) states it:
/// - a device `<alias>` is kept only when it is a user alias (`ua-` prefix); others are
///   names libvirt gives a running guest's devices itself;
/// - `<currentMemory>` is at most `<memory>`: a larger value stands for all of it;
/// - the `<source>` of a unix `<channel>` with no path, or with the path libvirt makes up in
///   its channel folder (`/var/lib/libvirt/qemu/channel/target/`), is libvirt's to fill in
///   when the guest starts.
fn normalised(d: Node<'_>, a: Option<Node<'_>>, root: &RootFacts) -> Normalised {
    if d.tag_name().namespace().is_some() {
        return Normalised::AsWritten;
    }
    let parent = d.parent_element();
    let at_root = parent.is_some_and(|p| p.parent().is_some_and(|r| r.is_root()));
    match d.tag_name().name() {
        "alias" if !d.attribute("name").is_some_and(|n| n.starts_with("ua-")) => {
            // Only of a device, not (say) a `<cpu><model>` or a network's alias.
            let of_device = parent.and_then(|p| p.parent_element()).is_some_and(|g| {
                g.has_tag_name("devices") && g.parent().is_some_and(|r| r.parent().is_some_and(|r| r.is_root()))
            });
            if of_device {
                return Normalised::Dropped;
            }
        }
        "currentMemory" if at_root => {
            if let (Some(want), Some(total)) = (scaled_text(d), a.and(root.memory)) {
                return Normalised::Size(want.min(total));
            }
        }
        "source" if parent.is_some_and(|p| p.has_tag_name("channel") && p.attribute("type") == Some("unix")) => {
            let generated = match d.attribute("path") {
                None => true,
                Some(path) => path
                    .strip_prefix("/var/lib/libvirt/qemu/channel/target/")
                    .is_some_and(|rest| rest.matches('/').count() == 1),
            };
            if generated && matches!(d.attribute("mode"), None | Some("bind")) {
                return Normalised::Dropped;
            }
        }
        _ => {}
    }
    Normalised::AsWritten
}

/// What libvirt's rules ask of the top-level elements, found once for all of them.
#[derive(Default)]
struct RootFacts {
    /// libvirt's `<memory>`, in bytes.
    memory: Option<u128>,
}

impl RootFacts {
    fn of(actual: Node<'_>) -> Self {
        RootFacts { memory: element(actual, "memory").and_then(scaled_text) }
    }
}

/// The first child element of `n` named `name`.
fn element<'a>(n: Node<'a>, name: &str) -> Option<Node<'a>> {
    n.children().find(|c| c.is_element() && c.has_tag_name(name))
}

/// The devices of libvirt's `<devices>` that libvirt would not have added by itself.
fn removed_devices(devices: Node<'_>, path: &str, out: &mut Vec<Change>) {
    for dev in devices.children().filter(|c| c.is_element()) {
        let own = dev.tag_name().namespace().is_none() && DEVICE_DEFAULTS.contains(&dev.tag_name().name());
        if !own {
            out.push(Change {
                path: format!("{path}/{}", child_label(dev, identity(dev).as_deref(), 1, 1)),
                kind: ChangeKind::Removed(summary(dev)),
            });
        }
    }
}

/// The first child of `queue` (libvirt's children of one name and identity) not yet used.
fn first_unused(queue: &mut VecDeque<usize>, unused: &Unused<'_>) -> Option<usize> {
    while let Some(&j) = queue.front() {
        if !unused.used[j] {
            return Some(j);
        }
        queue.pop_front();
    }
    None
}

/// Which of libvirt's children stands for desired child `dc`, which has no identity (a
/// disk's target, a NIC's MAC...: those are matched by it): the first unused one of its
/// name saying the same, else the first unused one of its name.
fn agreeing(dc: Node<'_>, actual: &Children<'_>, unused: &Unused<'_>, tries: &mut Tries) -> Option<usize> {
    let first = unused.named(dc.tag_name()).next()?;
    for j in unused.named(dc.tag_name()) {
        match tries.agree(dc, actual.nodes[j]) {
            Some(true) => return Some(j),
            Some(false) => {}
            None => break,
        }
    }
    Some(first)
}

/// What tells repeated devices apart, as libvirt does.
fn identity(n: Node<'_>) -> Option<String> {
    identity_counted(n).0
}

/// [`identity`], and how many nodes finding it looked at: the work it took, for [`Tries`].
fn identity_counted(n: Node<'_>) -> (Option<String>, usize) {
    let looked = std::cell::Cell::new(0);
    let count = |_: &Node<'_>| looked.set(looked.get() + 1);
    let child = |name: &str| n.children().inspect(count).find(|c| c.is_element() && c.has_tag_name(name));
    let id = match n.tag_name().name() {
        "disk" => child("target").and_then(|t| t.attribute("dev")).map(str::to_owned),
        "filesystem" => child("target").and_then(|t| t.attribute("dir")).map(str::to_owned),
        "interface" => child("mac").and_then(|m| m.attribute("address")).map(|a| a.to_ascii_lowercase()),
        "hostdev" => child("source").map(|source| {
            let mut parts = Vec::new();
            for e in source.descendants().inspect(count).filter(|e| e.is_element() && *e != source) {
                let mut attrs: Vec<String> = e
                    .attributes()
                    .map(|a| format!("{}={}", a.name(), int(a.value()).map_or(a.value().to_owned(), |v| v.to_string())))
                    .collect();
                attrs.sort();
                parts.push(format!("{}({})", e.tag_name().name(), attrs.join(",")));
            }
            parts.join(" ")
        }),
        "feature" if n.attribute("name").is_some() => n.attribute("name").map(str::to_owned),
        // libvirt tells controllers apart by type and index, and a USB companion controller
        // (which shares its master's index) by the first port it takes of it.
        "controller" => match (n.attribute("type"), n.attribute("index")) {
            (Some(kind), Some(index)) => match child("master").and_then(|m| m.attribute("startport")) {
                Some(port) => Some(format!("{kind} {index} port {port}")),
                None => Some(format!("{kind} {index}")),
            },
            _ => None,
        },
        _ => None,
    };
    (id, looked.get())
}

/// How child `n`, of identity `id`, is named in a path: by its identity, else by its place
/// (`nth` of `same_name`) when others share its name.
fn child_label(n: Node<'_>, id: Option<&str>, same_name: usize, nth: usize) -> String {
    let name = label(n);
    match id {
        Some(k) if !k.is_empty() => format!("{name}[{k}]"),
        _ if same_name > 1 => format!("{name}[{nth}]"),
        _ => name,
    }
}

/// `prefix:name` for a namespaced element, `name` otherwise.
fn label(n: Node<'_>) -> String {
    match n.tag_name().namespace() {
        Some(_) => n.qualified_name().to_owned(),
        None => n.tag_name().name().to_owned(),
    }
}

/// The element's own text (not its children's), trimmed; `None` when blank.
fn own_text(n: Node<'_>) -> Option<String> {
    let text: String = n.children().filter(|c| c.is_text()).filter_map(|c| c.text()).collect();
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The element's text as a number of bytes, when it is a size.
fn scaled_text(n: Node<'_>) -> Option<u128> {
    let text = own_text(n)?;
    let unit = n.attribute("unit");
    if unit.is_none() && !KIB_ELEMENTS.contains(&n.tag_name().name()) {
        return None;
    }
    bytes(&text, unit)
}

fn scaled_label(n: Node<'_>) -> String {
    match own_text(n) {
        Some(t) => format!("{t} {}", n.attribute("unit").unwrap_or("KiB")),
        None => "nothing".into(),
    }
}

/// Attribute `attr` as a number of bytes, with the element's `unit` (KiB without one).
fn scaled_attribute(n: Node<'_>, attr: &str) -> Option<u128> {
    let value = n.attribute(attr)?;
    // `size` is a size only beside a unit, or on a huge page.
    if n.attribute("unit").is_none() && !n.has_tag_name("page") && !(attr == "memory" && n.has_tag_name("cell")) {
        return None;
    }
    bytes(value, n.attribute("unit"))
}

fn bytes(value: &str, unit: Option<&str>) -> Option<u128> {
    let n = int(value)?;
    let per = match unit {
        Some(u) => crate::Unit::parse_xml(u).ok()?.bytes(),
        None => 1024,
    };
    u128::try_from(n).ok()?.checked_mul(u128::from(per))
}

/// A decimal or `0x` hexadecimal integer.
fn int(s: &str) -> Option<i128> {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => i128::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

/// Whether libvirt's value `actual` says what `desired` says.
fn value_eq(name: &str, desired: &str, actual: &str) -> bool {
    let (d, a) = (desired.trim(), actual.trim());
    if d == a {
        return true;
    }
    if let (Some(x), Some(y)) = (int(d), int(a)) {
        return x == y;
    }
    // Machine aliases resolve to the versioned type.
    if name == "machine" {
        let family = match d {
            "pc" => Some("pc-i440fx-"),
            "q35" => Some("pc-q35-"),
            _ => None,
        };
        if family.is_some_and(|f| a.starts_with(f)) {
            return true;
        }
    }
    // UUIDs and MAC addresses: hex digits in either case, with or without dashes.
    let hexish = |s: &str| s.chars().all(|c| c.is_ascii_hexdigit() || c == '-' || c == ':');
    if hexish(d) && hexish(a) {
        let norm = |s: &str| s.chars().filter(|c| *c != '-').collect::<String>().to_ascii_lowercase();
        return norm(d) == norm(a);
    }
    false
}

fn changed(from: String, to: String) -> ChangeKind {
    ChangeKind::Changed { from, to }
}

/// An element in a line: its XML with whitespace collapsed, cut at 160 characters (an
/// element of many megabytes is not copied whole to be cut).
fn summary(n: Node<'_>) -> String {
    const CUT: usize = 160;
    let text = &n.document().input_text()[n.range()];
    let mut s = String::new();
    for word in text.split_whitespace() {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(word);
        if s.len() > CUT {
            let cut = (0..=CUT).rev().find(|i| s.is_char_boundary(*i)).unwrap_or(0);
            s.truncate(cut);
            s.push_str("...");
            break;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::parse_document;

    fn diff(d: &str, a: &str) -> Vec<String> {
        differences(d, a).unwrap().iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn units_bases_aliases_and_defaults_are_not_changes() {
        let desired = "<domain type='qemu'><name>g</name><memory unit='GiB'>1</memory>\
            <os><type machine='pc'>hvm</type></os>\
            <devices><disk type='file' device='disk'><target dev='vda' bus='virtio'/>\
            <address type='pci' slot='2'/></disk></devices></domain>";
        let actual = "<domain type='qemu'><name>g</name><uuid>0755dc9b-a169-471d-baba-2515e95023ae</uuid>\
            <memory unit='KiB'>1048576</memory><currentMemory unit='KiB'>1048576</currentMemory>\
            <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type><boot dev='hd'/></os>\
            <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>\
            <disk type='file' device='disk'><driver name='qemu'/><target dev='vda' bus='virtio'/>\
            <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/></disk>\
            <controller type='usb' index='0'/><memballoon model='virtio'/></devices></domain>";
        assert_eq!(diff(desired, actual), Vec::<String>::new());
    }

    #[test]
    fn real_changes_are_named() {
        let desired = "<domain type='qemu'><name>g</name><memory unit='MiB'>512</memory>\
            <devices><disk type='file' device='disk'><target dev='vdb'/></disk></devices></domain>";
        let actual = "<domain type='qemu'><name>g</name><memory unit='KiB'>262144</memory>\
            <devices><disk type='file' device='disk'><target dev='vda'/></disk>\
            <interface type='network'><source network='default'/></interface></devices></domain>";
        assert_eq!(
            diff(desired, actual),
            [
                "/domain/memory: 262144 KiB -> 512 MiB",
                "/domain/devices/disk[vdb]: added <disk type='file' device='disk'><target dev='vdb'/></disk>",
                "/domain/devices/disk[vda]: removed <disk type='file' device='disk'><target dev='vda'/></disk>",
                "/domain/devices/interface: removed <interface type='network'><source network='default'/></interface>",
            ]
        );
    }

    #[test]
    fn devices_libvirt_writes_without_being_asked_count_only_for_what_is_in_them() {
        let desired = "<domain type='test'><name>g</name></domain>";
        let empty = "<domain type='test'><name>g</name><devices><emulator>/bin/q</emulator></devices></domain>";
        assert_eq!(diff(desired, empty), Vec::<String>::new());
        let full = "<domain type='test'><name>g</name><devices><disk><target dev='vda'/></disk></devices></domain>";
        assert_eq!(diff(desired, full), ["/domain/devices/disk[vda]: removed <disk><target dev='vda'/></disk>"]);
    }

    #[test]
    fn metadata_of_other_namespaces_counts() {
        let desired = "<domain type='test'><name>g</name><metadata><a:x xmlns:a='urn:a'>1</a:x></metadata></domain>";
        let actual = "<domain type='test'><name>g</name><metadata><a:x xmlns:a='urn:a'>2</a:x>\
            <b:y xmlns:b='urn:b'/></metadata></domain>";
        assert_eq!(
            diff(desired, actual),
            ["/domain/metadata/a:x: 2 -> 1", "/domain/metadata/b:y: removed <b:y xmlns:b='urn:b'/>"]
        );
    }

    /// A domain with `body` inside `<domain type='qemu'><name>g</name>...</domain>`.
    fn dom(body: &str) -> String {
        format!("<domain type='qemu'><name>g</name>{body}</domain>")
    }

    #[test]
    fn rule_only_user_aliases_are_kept() {
        let desired = dom("<devices><disk type='file'><target dev='vda'/><alias name='virtio-disk0'/></disk>\
            <input type='tablet'><alias name='input0'/></input></devices>");
        let actual = dom("<devices><disk type='file'><target dev='vda'/></disk><input type='tablet'/></devices>");
        assert_eq!(diff(&desired, &actual), Vec::<String>::new());
        // A user alias is kept by libvirt, so its absence is a change.
        let user = dom("<devices><disk type='file'><target dev='vda'/><alias name='ua-data'/></disk></devices>");
        assert_eq!(diff(&user, &actual), ["/domain/devices/disk[vda]/alias: added <alias name='ua-data'/>"]);
    }

    #[test]
    fn with_numa_cells_a_memory_that_is_not_the_cells_total_is_not_kept() {
        let cpu = "<cpu><numa><cell id='0' cpus='0' memory='1048576' unit='KiB'/></numa></cpu>";
        let desired =
            dom(&format!("<memory unit='KiB'>1179648</memory><currentMemory unit='KiB'>1179648</currentMemory>{cpu}"));
        let actual =
            dom(&format!("<memory unit='KiB'>1048576</memory><currentMemory unit='KiB'>1048576</currentMemory>{cpu}"));
        // QEMU's driver makes <memory> the cells' memory (and the memory devices'): the amount
        // written is not kept, which is a difference to tell (`apply` gives it as residual).
        assert_eq!(diff(&desired, &actual), ["/domain/memory: 1048576 KiB -> 1179648 KiB"]);
        let total = desired.replace("1179648", "1048576");
        assert_eq!(diff(&total, &actual), Vec::<String>::new());
        // Without cells, the written amount is what counts.
        let plain = |kib: u32| dom(&format!("<memory unit='KiB'>{kib}</memory>"));
        assert_eq!(diff(&plain(1179648), &plain(1048576)), ["/domain/memory: 1048576 KiB -> 1179648 KiB"]);
        // A change of a cell is still seen.
        let bigger = actual.replace("memory='1048576'", "memory='2097152'");
        assert_eq!(diff(&bigger, &actual), ["/domain/cpu/numa/cell/@memory: 1048576 KiB -> 2097152 KiB"]);
    }

    #[test]
    fn rule_current_memory_is_at_most_memory() {
        let desired = dom("<memory unit='MiB'>512</memory><currentMemory unit='GiB'>1</currentMemory>");
        let actual = dom("<memory unit='KiB'>524288</memory><currentMemory unit='KiB'>524288</currentMemory>");
        assert_eq!(diff(&desired, &actual), Vec::<String>::new());
        let smaller = dom("<memory unit='MiB'>512</memory><currentMemory unit='MiB'>256</currentMemory>");
        assert_eq!(diff(&smaller, &actual), ["/domain/currentMemory: 524288 KiB -> 256 MiB"]);
    }

    #[test]
    fn rule_a_console_brings_its_serial_port() {
        let desired = dom("<devices><console type='pty'/></devices>");
        let actual = dom("<devices><serial type='pty'><target port='0'/></serial>\
            <console type='pty'><target type='serial' port='0'/></console></devices>");
        assert_eq!(diff(&desired, &actual), Vec::<String>::new());
        // Without a console, a serial port only libvirt has was removed by the user.
        let none = dom("<devices/>");
        assert_eq!(
            diff(&none, &actual),
            ["/domain/devices/serial: removed <serial type='pty'><target port='0'/></serial>"]
        );
    }

    #[test]
    fn rule_unix_channel_paths_are_libvirts_to_make() {
        let channel = |source: &str| {
            dom(&format!(
                "<devices><channel type='unix'>{source}<target type='virtio' name='org.qemu.guest_agent.0'/>\
                 </channel></devices>"
            ))
        };
        let actual = channel("");
        assert_eq!(diff(&channel("<source mode='bind'/>"), &actual), Vec::<String>::new());
        let made_up =
            "<source mode='bind' path='/var/lib/libvirt/qemu/channel/target/domain-g/org.qemu.guest_agent.0'/>";
        assert_eq!(diff(&channel(made_up), &actual), Vec::<String>::new());
        // A path of the user's own is kept by libvirt.
        let own = channel("<source mode='bind' path='/run/g.sock'/>");
        assert_eq!(
            diff(&own, &actual),
            ["/domain/devices/channel/source: added <source mode='bind' path='/run/g.sock'/>"]
        );
    }

    #[test]
    fn children_without_identity_are_tried_until_the_budget_is_spent() {
        let desired = dom("<devices><input type='tablet' bus='usb'/></devices>");
        let actual = dom("<devices><input type='mouse' bus='ps2'/><input type='tablet' bus='usb'/></devices>");
        // The tablet is found past the mouse libvirt added.
        assert_eq!(diff(&desired, &actual), Vec::<String>::new());
        // With no budget left, the first input stands for it.
        let (d, a) = (parse_document(&desired).unwrap(), parse_document(&actual).unwrap());
        let mut out = Vec::new();
        let mut tries = Tries { budget: Budget(0), agrees: HashMap::new() };
        compare(d.root_element(), a.root_element(), "/domain", &mut out, &mut tries, false);
        let out: Vec<String> = out.iter().map(|c| c.to_string()).collect();
        assert_eq!(out, ["/domain/devices/input/@type: mouse -> tablet", "/domain/devices/input/@bus: ps2 -> usb"]);
    }

    #[test]
    fn a_deep_chain_of_backing_stores_is_compared_once_per_level() {
        // Tried again inside the try of each enclosing store, a chain of 100 took longer
        // than the universe has existed.
        let chain = |format: &str| {
            let open = "<backingStore type='file'><source file='/b'/>".repeat(100);
            let close = "</backingStore>".repeat(100);
            dom(&format!(
                "<devices><disk type='file'><target dev='vda'/>{open}<format type='{format}'/>{close}</disk></devices>"
            ))
        };
        assert_eq!(diff(&chain("raw"), &chain("raw")), Vec::<String>::new());
        let changes = diff(&chain("qcow2"), &chain("raw"));
        assert_eq!(changes.len(), 1, "{changes:?}");
        let path = format!("/domain/devices/disk[vda]{}/format/@type", "/backingStore".repeat(100));
        assert_eq!(changes[0], format!("{path}: raw -> qcow2"));
        // Each store is tried once: the tries cost a small part of the budget.
        let (desired, actual) = (chain("qcow2"), chain("raw"));
        let (d, a) = (parse_document(&desired).unwrap(), parse_document(&actual).unwrap());
        let mut tries = Tries::for_documents(&desired, &actual);
        let budget = tries.budget.0;
        compare(d.root_element(), a.root_element(), "/domain", &mut Vec::new(), &mut tries, false);
        let spent = budget - tries.budget.0;
        assert!(spent < (desired.len() + actual.len()) / 4, "the tries cost {spent} of {budget}");
    }

    #[test]
    fn unused_children_are_listed_by_name_in_order() {
        let doc = parse_document("<r><a/><b/><a/><a/><b/><a/></r>").unwrap();
        let children = Children::of(doc.root_element());
        let mut unused = Unused::of(&children);
        let a = children.nodes[0].tag_name();
        let b = children.nodes[1].tag_name();
        assert_eq!(unused.named(a).collect::<Vec<_>>(), [0, 2, 3, 5]);
        unused.take(2, a);
        assert_eq!(unused.named(a).collect::<Vec<_>>(), [0, 3, 5]);
        unused.take(0, a);
        unused.take(5, a);
        assert_eq!(unused.named(a).collect::<Vec<_>>(), [3]);
        unused.take(3, a);
        assert_eq!(unused.named(a).count(), 0);
        assert_eq!(unused.named(b).collect::<Vec<_>>(), [1, 4]);
        assert_eq!(children.places, [1, 1, 2, 3, 2, 4]);
        assert_eq!(children.label(4), "b[2]");
    }

    #[test]
    fn many_attributes_are_found_by_name() {
        let attrs: String = (0..40).map(|i| format!(" a{i}='{i}'")).collect();
        let moved: String = (0..40).rev().map(|i| format!(" a{i}='{}'", if i == 7 { 70 } else { i })).collect();
        let changes = super::diff(&format!("<r{attrs}/>"), &format!("<r{moved} z='1'/>")).unwrap();
        let changes: Vec<String> = changes.iter().map(|c| c.to_string()).collect();
        assert_eq!(changes, ["/r/@a7: 7 -> 70", "/r/@z: added 1"]);
    }

    #[test]
    fn controllers_are_matched_by_type_index_and_companion_port() {
        let a = dom("<devices><controller type='pci' index='0' model='pcie-root'/>\
            <controller type='usb' index='0' model='ich9-ehci1'/>\
            <controller type='usb' index='0' model='ich9-uhci1'><master startport='0'/></controller>\
            <controller type='sata' index='0'/></devices>");
        let b = dom("<devices><controller type='sata' index='0'/>\
            <controller type='usb' index='0' model='ich9-uhci1'><master startport='0'/></controller>\
            <controller type='usb' index='0' model='ich9-ehci1'/>\
            <controller type='pci' index='0' model='pcie-root'/></devices>");
        assert_eq!(super::diff(&a, &b).unwrap(), Vec::new(), "the same controllers in another order");
        let c = b.replace("model='ich9-ehci1'", "model='qemu-xhci'");
        let changes: Vec<String> = super::diff(&a, &c).unwrap().iter().map(|c| c.to_string()).collect();
        assert_eq!(changes, ["/domain/devices/controller[usb 0]/@model: ich9-ehci1 -> qemu-xhci"]);
    }
}
