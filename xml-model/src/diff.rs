//! Semantic differences between two documents.
//!
//! [`diff`] compares any two documents as XML, not as text: attribute order, quoting and
//! whitespace between elements do not count, and repeated elements are matched by what they
//! are (a disk by its target, a NIC by its MAC, a filesystem by its tag, a host device by its
//! source, a CPU feature by its name) rather than by position, so a moved device is the same
//! device.
//!
//! [`differences`] asks whether a desired domain definition says something libvirt's
//! definition does not, understanding how libvirt normalises what it is given.
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

use roxmltree::Node;

use crate::{Result, XmlValue};

/// One difference between the desired definition and libvirt's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Where: `/domain/memory`, `/domain/devices/disk[vdb]/driver/@cache`.
    pub path: String,
    /// What differs.
    pub kind: ChangeKind,
}

/// What kind of difference a [`Change`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
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
/// documents; empty when libvirt's definition already says everything the desired one does.
pub fn differences(desired: &str, actual: &str) -> Result<Vec<Change>> {
    let d = crate::read::parse_document(desired)?;
    let a = crate::read::parse_document(actual)?;
    let mut out = Vec::new();
    let (dr, ar) = (d.root_element(), a.root_element());
    if dr.tag_name() != ar.tag_name() {
        out.push(Change { path: "/".into(), kind: ChangeKind::Changed { from: label(ar), to: label(dr) } });
        return Ok(out);
    }
    compare(dr, ar, &format!("/{}", label(dr)), &mut out);
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

fn attribute_label(a: &roxmltree::Attribute<'_, '_>) -> String {
    match a.namespace() {
        Some(ns) => format!("@{{{ns}}}{}", a.name()),
        None => format!("@{}", a.name()),
    }
}

fn compare_both(a: Node<'_, '_>, b: Node<'_, '_>, path: &str, out: &mut Vec<Change>) {
    for attr in a.attributes() {
        let at = format!("{path}/{}", attribute_label(&attr));
        match b.attributes().find(|o| o.name() == attr.name() && o.namespace() == attr.namespace()) {
            None => out.push(Change { path: at, kind: ChangeKind::Removed(attr.value().to_owned()) }),
            Some(o) if o.value() != attr.value() => {
                out.push(Change { path: at, kind: changed(attr.value().to_owned(), o.value().to_owned()) })
            }
            Some(_) => {}
        }
    }
    for attr in b.attributes() {
        if !a.attributes().any(|o| o.name() == attr.name() && o.namespace() == attr.namespace()) {
            let at = format!("{path}/{}", attribute_label(&attr));
            out.push(Change { path: at, kind: ChangeKind::Added(attr.value().to_owned()) });
        }
    }
    let (ta, tb) = (own_text(a).unwrap_or_default(), own_text(b).unwrap_or_default());
    if ta != tb {
        out.push(Change { path: path.to_owned(), kind: changed(ta, tb) });
    }
    let ca: Vec<Node<'_, '_>> = a.children().filter(|c| c.is_element()).collect();
    let cb: Vec<Node<'_, '_>> = b.children().filter(|c| c.is_element()).collect();
    let mut used = vec![false; cb.len()];
    let same = |list: &[Node<'_, '_>], n: Node<'_, '_>| list.iter().filter(|o| o.tag_name() == n.tag_name()).count();
    let nth =
        |list: &[Node<'_, '_>], i: usize| list[..i].iter().filter(|o| o.tag_name() == list[i].tag_name()).count() + 1;
    for (i, &x) in ca.iter().enumerate() {
        // Same identity where the element has one, else the same place among its namesakes.
        let key = identity(x);
        let found = match &key {
            Some(k) => (0..cb.len())
                .find(|&j| !used[j] && cb[j].tag_name() == x.tag_name() && identity(cb[j]).as_ref() == Some(k)),
            None => {
                let place = nth(&ca, i);
                (0..cb.len()).find(|&j| {
                    !used[j] && cb[j].tag_name() == x.tag_name() && identity(cb[j]).is_none() && nth(&cb, j) == place
                })
            }
        };
        let here = format!("{path}/{}", child_label(x, same(&ca, x), nth(&ca, i)));
        match found {
            Some(j) => {
                used[j] = true;
                compare_both(x, cb[j], &here, out);
            }
            None => out.push(Change { path: here, kind: ChangeKind::Removed(summary(x)) }),
        }
    }
    for (j, &y) in cb.iter().enumerate() {
        if !used[j] {
            let here = format!("{path}/{}", child_label(y, same(&cb, y), nth(&cb, j)));
            out.push(Change { path: here, kind: ChangeKind::Added(summary(y)) });
        }
    }
}

/// The `<name>` of a domain document, if it has one (or of any document with a `<name>`).
pub fn domain_name(xml: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(xml).ok()?;
    let name = doc.root_element().children().find(|c| c.is_element() && c.has_tag_name("name"))?;
    Some(name.text().unwrap_or("").trim().to_owned())
}

fn compare(d: Node<'_, '_>, a: Node<'_, '_>, path: &str, out: &mut Vec<Change>) {
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
                let shown = |n: Node<'_, '_>| {
                    format!("{} {}", n.attribute(*attr).unwrap_or("none"), n.attribute("unit").unwrap_or("KiB"))
                };
                out.push(Change { path: format!("{path}/@{attr}"), kind: changed(shown(a), shown(d)) });
            }
        }
    }

    for attr in d.attributes() {
        if attr.namespace().is_none() && handled.contains(&attr.name()) {
            continue;
        }
        // A running guest's id is not part of its definition.
        if is_root && attr.name() == "id" && attr.namespace().is_none() {
            continue;
        }
        let at = format!("{path}/@{}", attr.name());
        match a.attributes().find(|o| o.name() == attr.name() && o.namespace() == attr.namespace()) {
            None => out.push(Change { path: at, kind: ChangeKind::Added(attr.value().to_owned()) }),
            Some(o) if !value_eq(attr.name(), attr.value(), o.value()) => {
                out.push(Change { path: at, kind: changed(o.value().to_owned(), attr.value().to_owned()) })
            }
            Some(_) => {}
        }
    }

    let actual: Vec<Node<'_, '_>> = a.children().filter(|c| c.is_element()).collect();
    let mut used = vec![false; actual.len()];
    let desired: Vec<Node<'_, '_>> = d.children().filter(|c| c.is_element()).collect();
    for (i, dc) in desired.iter().enumerate() {
        let same_name = desired.iter().filter(|o| o.tag_name() == dc.tag_name()).count();
        let nth = desired[..i].iter().filter(|o| o.tag_name() == dc.tag_name()).count() + 1;
        let child_path = format!("{path}/{}", child_label(*dc, same_name, nth));
        match pick(*dc, &actual, &used) {
            Some(j) => {
                used[j] = true;
                compare(*dc, actual[j], &child_path, out);
            }
            None => out.push(Change { path: child_path, kind: ChangeKind::Added(summary(*dc)) }),
        }
    }

    // What only libvirt's definition has: defaults, unless the desired one removed it.
    let defaults: Option<&[&str]> = if is_root {
        Some(DOMAIN_DEFAULTS)
    } else if a.has_tag_name("devices") && a.parent().is_some_and(|p| p.parent().is_some_and(|r| r.is_root())) {
        Some(DEVICE_DEFAULTS)
    } else if a.has_tag_name("metadata") {
        // libvirt never writes metadata of its own.
        Some(&[])
    } else {
        None
    };
    if let Some(defaults) = defaults {
        for (j, ac) in actual.iter().enumerate() {
            let own = ac.tag_name().namespace().is_none() && defaults.contains(&ac.tag_name().name());
            if !used[j] && is_root && ac.tag_name().namespace().is_none() && ac.has_tag_name("devices") {
                // libvirt writes <devices> even when empty: only the devices in it count.
                removed_devices(*ac, &format!("{path}/devices"), out);
            } else if !used[j] && !own {
                out.push(Change {
                    path: format!("{path}/{}", child_label(*ac, 1, 1)),
                    kind: ChangeKind::Removed(summary(*ac)),
                });
            }
        }
    }
}

/// The devices of libvirt's `<devices>` that libvirt would not have added by itself.
fn removed_devices(devices: Node<'_, '_>, path: &str, out: &mut Vec<Change>) {
    for dev in devices.children().filter(|c| c.is_element()) {
        let own = dev.tag_name().namespace().is_none() && DEVICE_DEFAULTS.contains(&dev.tag_name().name());
        if !own {
            out.push(Change {
                path: format!("{path}/{}", child_label(dev, 1, 1)),
                kind: ChangeKind::Removed(summary(dev)),
            });
        }
    }
}

/// Which of libvirt's children stands for desired child `dc`: the one with the same identity
/// (a disk's target, a filesystem's tag, a NIC's MAC, a host device's source), else the first
/// unused one saying the same, else the first unused one of that name.
fn pick(dc: Node<'_, '_>, actual: &[Node<'_, '_>], used: &[bool]) -> Option<usize> {
    let candidates: Vec<usize> =
        (0..actual.len()).filter(|&j| !used[j] && actual[j].tag_name() == dc.tag_name()).collect();
    if let Some(k) = identity(dc) {
        return candidates.into_iter().find(|&j| identity(actual[j]).as_deref() == Some(k.as_str()));
    }
    let agrees = |j: &usize| {
        let mut scratch = Vec::new();
        compare(dc, actual[*j], "", &mut scratch);
        scratch.is_empty()
    };
    candidates.iter().copied().find(agrees).or_else(|| candidates.first().copied())
}

/// What tells repeated devices apart, as libvirt does.
fn identity(n: Node<'_, '_>) -> Option<String> {
    let child = |name: &str| n.children().find(|c| c.is_element() && c.has_tag_name(name));
    match n.tag_name().name() {
        "disk" => child("target").and_then(|t| t.attribute("dev")).map(str::to_owned),
        "filesystem" => child("target").and_then(|t| t.attribute("dir")).map(str::to_owned),
        "interface" => child("mac").and_then(|m| m.attribute("address")).map(|a| a.to_ascii_lowercase()),
        "hostdev" => {
            let source = child("source")?;
            let mut parts = Vec::new();
            for e in source.descendants().filter(|e| e.is_element() && *e != source) {
                let mut attrs: Vec<String> = e
                    .attributes()
                    .map(|a| format!("{}={}", a.name(), int(a.value()).map_or(a.value().to_owned(), |v| v.to_string())))
                    .collect();
                attrs.sort();
                parts.push(format!("{}({})", e.tag_name().name(), attrs.join(",")));
            }
            Some(parts.join(" "))
        }
        "feature" if n.attribute("name").is_some() => n.attribute("name").map(str::to_owned),
        _ => None,
    }
}

fn child_label(n: Node<'_, '_>, same_name: usize, nth: usize) -> String {
    let name = label(n);
    match identity(n) {
        Some(k) if !k.is_empty() => format!("{name}[{k}]"),
        _ if same_name > 1 => format!("{name}[{nth}]"),
        _ => name,
    }
}

/// `prefix:name` for a namespaced element, `name` otherwise.
fn label(n: Node<'_, '_>) -> String {
    let tag = n.tag_name();
    match tag.namespace().and_then(|ns| n.lookup_prefix(ns)) {
        Some(prefix) if !prefix.is_empty() => format!("{prefix}:{}", tag.name()),
        _ => tag.name().to_owned(),
    }
}

/// The element's own text (not its children's), trimmed; `None` when blank.
fn own_text(n: Node<'_, '_>) -> Option<String> {
    let text: String = n.children().filter(|c| c.is_text()).filter_map(|c| c.text()).collect();
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The element's text as a number of bytes, when it is a size.
fn scaled_text(n: Node<'_, '_>) -> Option<u128> {
    let text = own_text(n)?;
    let unit = n.attribute("unit");
    if unit.is_none() && !KIB_ELEMENTS.contains(&n.tag_name().name()) {
        return None;
    }
    bytes(&text, unit)
}

fn scaled_label(n: Node<'_, '_>) -> String {
    match own_text(n) {
        Some(t) => format!("{t} {}", n.attribute("unit").unwrap_or("KiB")),
        None => "nothing".into(),
    }
}

/// Attribute `attr` as a number of bytes, with the element's `unit` (KiB without one).
fn scaled_attribute(n: Node<'_, '_>, attr: &str) -> Option<u128> {
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

/// An element in a line: its XML with whitespace collapsed, cut at 160 characters.
fn summary(n: Node<'_, '_>) -> String {
    let text = &n.document().input_text()[n.range()];
    let mut s = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.len() > 160 {
        let cut = (0..=160).rev().find(|i| s.is_char_boundary(*i)).unwrap_or(0);
        s.truncate(cut);
        s.push_str("...");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
