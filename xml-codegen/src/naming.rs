//! Names for the generated types, chosen from what a type is and where it is used.
//!
//! Each type gets a list of candidate names, best first:
//!
//! 1. the RNG define it is the body of (`address` -> `Address`, `virYesNo` -> `YesNo`:
//!    libvirt's C prefix `vir` is dropped). These are *strong*: a define names one thing.
//! 2. for an element, its name, then its name qualified by the elements around it that all
//!    its uses share, nearest first (`<source>` of `<hostdev>` -> `HostdevSource`); for the
//!    content of one variant, the variant and the element (`<address type='pci'>` ->
//!    `PciAddress`); for a choice told apart by an attribute, the element and the attribute
//!    (`DiskDevice`); for values, the attribute and its element (`DiskSnapshot`), the
//!    attribute alone, or the values themselves when there are few (`YesNo`).
//!
//! Names are unique within a module. Where several types want one name, a strong candidate
//! wins over weak ones and the others take their next candidate; between equals, all take
//! their next one, so a shared shape is never named after whichever user came first. A word
//! is never repeated (`Address` + `AddressType` is `AddressType`), and no module name is
//! added. What is still not right is renamed in `schemas/codegen.toml`; `xml-codegen
//! --audit` and the codegen's tests check the result.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::audit::{users, Use};
use crate::ir::*;
use crate::names::{camel, singular, words};

/// A candidate name and whether it comes from a define.
#[derive(Debug, Clone)]
struct Candidate {
    name: String,
    strong: bool,
}

/// Element and attribute names that say little alone.
const GENERIC: &[&str] = &[
    "source",
    "target",
    "address",
    "driver",
    "model",
    "name",
    "type",
    "value",
    "mode",
    "state",
    "backend",
    "protocol",
    "format",
    "id",
    "policy",
    "placement",
    "bus",
    "size",
    "unit",
    "entry",
    "item",
    "option",
    "config",
    "settings",
];

/// Names of the prelude and the runtime that generated names must not shadow.
const RESERVED: &[&str] = &["Option", "String", "Vec", "Box", "Result", "Some", "None", "Ok", "Err", "Default", "Self"];

/// Joins name parts into one CamelCase name, dropping a word already said
/// (`Address` + `AddressType` -> `AddressType`, `Model` + `ModelType` -> `ModelType`).
pub fn join(parts: &[String]) -> String {
    let mut out: Vec<String> = Vec::new();
    for p in parts {
        for w in words(&camel(p)) {
            let w = {
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                    None => continue,
                }
            };
            if !out.iter().any(|o| o.eq_ignore_ascii_case(&w)) {
                out.push(w);
            }
        }
    }
    out.concat()
}

/// A define's name as a type name: libvirt's C prefix `vir` goes (`virYesNo` -> `YesNo`).
fn define_name(d: &str) -> String {
    let stripped = d.strip_prefix("vir").filter(|r| r.starts_with(|c: char| c.is_ascii_uppercase()));
    camel(stripped.unwrap_or(d))
}

/// Whether a type is the content of one variant of a tag enum.
fn is_payload(ir: &Ir, id: TypeId, uses: &[Use]) -> bool {
    !uses.is_empty() && uses.iter().all(|u| matches!(ir.types[u.owner].kind, Kind::TagEnum { .. })) && {
        matches!(ir.types[id].kind, Kind::Struct { .. })
    }
}

struct Namer<'a> {
    ir: &'a Ir,
    uses: HashMap<TypeId, Vec<Use>>,
}

impl Namer<'_> {
    fn uses(&self, id: TypeId) -> &[Use] {
        self.uses.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The element a use sits in: the owner's element, seen through enums and variant
    /// payloads. With the variant keys passed on the way.
    fn place(&self, u: &Use, depth: u32) -> Vec<String> {
        let owner = &self.ir.types[u.owner];
        let mut out = Vec::new();
        if depth > 5 {
            return out;
        }
        match &owner.kind {
            Kind::TagEnum { .. } => {
                // The variant goes with its element: `pci controller`.
                let up = self.common_place(u.owner, depth + 1).unwrap_or_default();
                match (&u.variant, up.split_first()) {
                    (Some(k), Some((e, rest))) => {
                        out.push(format!("{k} {e}"));
                        out.extend(rest.iter().cloned());
                    }
                    (Some(k), None) => out.push(k.clone()),
                    (None, _) => out.extend(up),
                }
            }
            Kind::ChoiceEnum { .. } => {
                if let Some(first) = self.common_place(u.owner, depth + 1) {
                    out.extend(first);
                }
            }
            _ => {
                if is_payload(self.ir, u.owner, self.uses(u.owner)) {
                    if let Some(first) = self.common_place(u.owner, depth + 1) {
                        out.extend(first);
                    }
                } else if let Some(word) = self.element_word(u.owner) {
                    out.push(word);
                    if let Some(up) = self.common_place(u.owner, depth + 1) {
                        out.extend(up);
                    }
                }
            }
        }
        out
    }

    /// The word an element struct stands for in its children's names: its element's name
    /// when it is used under one (or is a root), else the define of its content
    /// (`<serial>`, `<console>` and `<parallel>` are all `qemucdev`).
    fn element_word(&self, id: TypeId) -> Option<String> {
        let t = &self.ir.types[id];
        if let Some(n) = self.used_as(id) {
            return Some(n);
        }
        if let Some(r) = &t.root {
            return Some(r.clone());
        }
        t.content_define.clone().or_else(|| t.defines.first().cloned())
    }

    /// What all uses of a type have around them, nearest first.
    fn common_place(&self, id: TypeId, depth: u32) -> Option<Vec<String>> {
        let uses = self.uses(id);
        let places: Vec<Vec<String>> = uses.iter().map(|u| self.place(u, depth)).collect();
        let first = places.first()?.clone();
        let mut common = Vec::new();
        for (i, w) in first.iter().enumerate() {
            if places.iter().all(|p| p.get(i) == Some(w)) {
                common.push(w.clone());
                continue;
            }
            // `user interface` and `vdpa interface` are both in an `interface`.
            let last = |e: &String| e.rsplit(' ').next().map(str::to_owned);
            if places.iter().all(|p| p.get(i).and_then(last) == last(w)) {
                common.extend(last(w));
            }
            break;
        }
        Some(common)
    }

    /// The element word of the tag enum(s) a payload is a variant of: the element the enum
    /// is flattened into, through enums that are variants of enums.
    fn element_word_of_enum(&self, uses: &[Use]) -> Option<String> {
        let mut owners: HashSet<String> = HashSet::new();
        for u in uses {
            owners.extend(self.enclosing_element(u.owner, 0));
        }
        (owners.len() == 1).then(|| owners.into_iter().next().expect("one"))
    }

    /// The element words of the element structs an enum (or payload) is content of.
    fn enclosing_element(&self, id: TypeId, depth: u32) -> Vec<String> {
        if depth > 8 {
            return Vec::new();
        }
        let mut out = Vec::new();
        for u in self.uses(id) {
            let owner = &self.ir.types[u.owner];
            let is_element =
                matches!(owner.kind, Kind::Struct { .. }) && !is_payload(self.ir, u.owner, self.uses(u.owner));
            if is_element {
                out.extend(self.element_word(u.owner));
            } else {
                out.extend(self.enclosing_element(u.owner, depth + 1));
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The XML names a type is used under, if they are all one.
    fn used_as(&self, id: TypeId) -> Option<String> {
        let names: HashSet<&str> = self.uses(id).iter().map(|u| u.xml.as_str()).filter(|x| !x.is_empty()).collect();
        (names.len() == 1).then(|| names.into_iter().next().expect("one").to_owned())
    }

    /// `base` alone, then qualified by the places all uses share, nearest first.
    fn qualified(&self, id: TypeId, base: &str, out: &mut Vec<Candidate>) {
        let bare = Candidate { name: join(&[base.to_owned()]), strong: false };
        // A generic name alone says little (`Source`, `Type`): it comes after the
        // qualified ones.
        let generic = GENERIC.contains(&base.to_ascii_lowercase().as_str());
        if !generic {
            out.push(bare.clone());
        }
        let place = self.common_place(id, 0).unwrap_or_default();
        for n in 1..=place.len().min(3) {
            let mut parts: Vec<String> = place[..n].iter().rev().cloned().collect();
            parts.push(base.to_owned());
            out.push(Candidate { name: join(&parts), strong: false });
        }
        if generic {
            out.push(bare);
        }
    }

    fn candidates(&self, id: TypeId) -> Vec<Candidate> {
        let t = &self.ir.types[id];
        let mut out: Vec<Candidate> = Vec::new();
        // A document's root is named after its element (`Domain`, whatever defines it).
        if let Some(root) = &t.root {
            out.push(Candidate { name: camel(root), strong: true });
        }
        let mut defines: Vec<&String> = t.defines.iter().collect();
        defines.sort_by_key(|d| (d.len(), d.as_str()));
        // One define names the type; of several (a merge of alternatives: `<type>` of a xen,
        // hvm or exe `<os>`), none does, and they come last.
        if let [d] = defines.as_slice() {
            out.push(Candidate { name: define_name(d), strong: true });
        }
        if let Some(d) = &t.content_define {
            out.push(Candidate { name: define_name(d), strong: true });
        }
        let uses = self.uses(id);
        match &t.kind {
            Kind::Struct { .. } if is_payload(self.ir, id, uses) => {
                let mut keys: Vec<&str> = uses.iter().filter_map(|u| u.variant.as_deref()).collect();
                keys.dedup();
                let attribute = uses.iter().find_map(|u| match &self.ir.types[u.owner].kind {
                    Kind::TagEnum { attribute, .. } => Some(attribute.clone()),
                    _ => None,
                });
                // What the variant is a kind of: the element the choice is in, or, where the
                // choice is in several (`diskSource` is in `<disk>`, `<backingStore>` and
                // `<dataStore>`), the choice's define (`FileDiskSource`).
                let enum_define = uses.iter().find_map(|u| match self.ir.types[u.owner].defines.as_slice() {
                    [d] => Some(d.clone()),
                    _ => None,
                });
                let element = self.element_word_of_enum(uses).or(enum_define).unwrap_or_else(|| t.element.clone());
                if keys.len() == 1 {
                    out.push(Candidate { name: join(&[keys[0].to_owned(), element.clone()]), strong: false });
                } else if keys.len() <= 3 {
                    // The content several variants share, named after all of them.
                    let joined = keys.iter().map(|k| join(&[k.to_string()])).collect::<Vec<_>>().join("Or");
                    out.push(Candidate {
                        name: format!("{joined}{}", join(std::slice::from_ref(&element))),
                        strong: false,
                    });
                }
                // Then qualified by where the variant is (`SourcePciAddress`).
                let place = self.common_place(id, 0).unwrap_or_default();
                for n in 2..=place.len().min(4) {
                    let parts: Vec<String> = place[..n].iter().rev().cloned().collect();
                    out.push(Candidate { name: join(&parts), strong: false });
                }
                if let Some(a) = attribute {
                    out.push(Candidate { name: join(&[element.clone(), a, "Common".into()]), strong: false });
                }
            }
            Kind::Struct { .. } => {
                let element = self.used_as(id).unwrap_or_else(|| t.element.clone());
                self.qualified(id, &element, &mut out);
            }
            Kind::TagEnum { attribute, .. } => {
                let owners: HashSet<&str> = uses.iter().map(|u| self.ir.types[u.owner].element.as_str()).collect();
                if owners.len() == 1 {
                    out.push(Candidate { name: join(&[t.element.clone(), attribute.clone()]), strong: false });
                }
                self.qualified(id, attribute, &mut out);
                out.retain(|c| c.name != camel(attribute));
                // Where an element of the attribute's name is there too (`<model>` beside
                // `@model`), the choice is the kind.
                let kinds: Vec<Candidate> = out
                    .iter()
                    .filter(|c| !c.strong)
                    .map(|c| Candidate { name: format!("{}Kind", c.name), strong: false })
                    .collect();
                out.extend(kinds);
            }
            Kind::ChoiceEnum { .. } => {
                let many = uses.iter().any(|u| {
                    matches!(&self.ir.types[u.owner].kind, Kind::Struct { fields, .. }
                        if fields.iter().any(|f| f.ty == Ty::Named(id) && f.occurs == Occurs::Many))
                });
                if let Some(s) = singular(&t.element).filter(|_| many) {
                    out.push(Candidate { name: camel(&s), strong: false });
                }
                out.push(Candidate { name: join(&[t.element.clone(), "Child".into()]), strong: false });
                self.qualified(id, "Child", &mut out);
            }
            Kind::ValueEnum { values, .. } => {
                if let Some(name) = self.used_as(id) {
                    let owners: HashSet<&str> = uses.iter().map(|u| self.ir.types[u.owner].element.as_str()).collect();
                    if owners.len() == 1 {
                        let owner = owners.into_iter().next().expect("one").to_owned();
                        out.push(Candidate { name: join(&[owner, name.clone()]), strong: false });
                    }
                }
                // A small set of one-word values names itself (`YesNo`, `OnOff`).
                let one_word =
                    values.iter().all(|v| v.starts_with(|c: char| c.is_ascii_alphabetic()) && words(v).len() == 1);
                if values.len() <= 3 && one_word {
                    out.push(Candidate { name: join(values), strong: false });
                }
                if let Some(name) = self.used_as(id) {
                    self.qualified(id, &name, &mut out);
                }
                // Values that all start with one word (`virtio`, `virtio-transitional`):
                // that word and what they are (`VirtioModel`).
                if let (Some(name), Some(first)) = (self.used_as(id), values.first()) {
                    let w = words(first).first().cloned().unwrap_or_default();
                    if !w.is_empty() && values.iter().all(|v| words(v).first() == Some(&w)) {
                        out.push(Candidate { name: join(&[w, name]), strong: false });
                    }
                }
            }
            Kind::Newtype { .. } => {
                if let Some(name) = self.used_as(id) {
                    let owners: HashSet<&str> = uses.iter().map(|u| self.ir.types[u.owner].element.as_str()).collect();
                    if owners.len() == 1 {
                        let owner = owners.into_iter().next().expect("one").to_owned();
                        out.push(Candidate { name: join(&[owner, name.clone()]), strong: false });
                    }
                    self.qualified(id, &name, &mut out);
                }
            }
        }
        if defines.len() > 1 {
            for d in &defines {
                out.push(Candidate { name: define_name(d), strong: false });
            }
        }
        // The old context hints, as a last resort (the audit names what comes of them).
        for h in &t.hints {
            out.push(Candidate { name: join(std::slice::from_ref(h)), strong: false });
        }
        let mut seen = HashSet::new();
        out.retain(|c| !c.name.is_empty() && !RESERVED.contains(&c.name.as_str()) && seen.insert(c.name.clone()));
        out
    }
}

/// For each type, the elements (and variants) around each of its uses, nearest first: the
/// words a name may take from its place (see `audit`).
pub fn places(ir: &Ir, live: &[TypeId]) -> HashMap<TypeId, Vec<Vec<String>>> {
    let namer = Namer { ir, uses: users(ir, live) };
    live.iter().map(|&id| (id, namer.uses(id).iter().map(|u| namer.place(u, 0)).collect())).collect()
}

/// Which of several types that want one name keeps it: a define's name first, then an
/// element's, the content of a variant, a choice, a value.
fn tier(ir: &Ir, id: TypeId, strong: bool) -> u8 {
    if strong {
        return 0;
    }
    match &ir.types[id].kind {
        Kind::Struct { extras: true, .. } => 1,
        Kind::Struct { .. } => 2,
        Kind::TagEnum { .. } | Kind::ChoiceEnum { .. } => 3,
        Kind::ValueEnum { .. } | Kind::Newtype { .. } => 4,
    }
}

/// How the types called `name` got their names: their defines, uses, places and candidate
/// names (for `xml-codegen --explain NAME`).
pub fn explain(ir: &Ir, live: &[TypeId], name: &str) -> String {
    let namer = Namer { ir, uses: users(ir, live) };
    let mut out = String::new();
    for &id in live.iter().filter(|&&id| ir.types[id].name == name) {
        let t = &ir.types[id];
        out.push_str(&format!(
            "{}::{} ({}; element {:?}, defines {:?}, content define {:?})\n",
            t.module, t.name, t.doc, t.element, t.defines, t.content_define
        ));
        for u in namer.uses(id) {
            let o = &ir.types[u.owner];
            out.push_str(&format!(
                "  used by {}::{} as {:?} (variant {:?}), place {:?}\n",
                o.module,
                o.name,
                u.xml,
                u.variant,
                namer.place(u, 0)
            ));
        }
        let cands: Vec<String> =
            namer.candidates(id).iter().map(|c| format!("{}{}", c.name, if c.strong { "!" } else { "" })).collect();
        out.push_str(&format!("  candidates (! from a define): {}\n", cands.join(", ")));
    }
    // Who else wanted the name.
    for &id in live.iter().filter(|&&id| ir.types[id].name != name) {
        if namer.candidates(id).iter().any(|c| c.name == name) {
            let t = &ir.types[id];
            out.push_str(&format!("  also wanted by {}::{} ({})\n", t.module, t.name, t.doc));
        }
    }
    out
}

/// The module a type belongs in: the file of the define it is the body of, where that is
/// one file; else where it was made.
fn module_of(ir: &Ir, id: TypeId) -> String {
    let t = &ir.types[id];
    for d in &t.defines {
        if let Some(ms) = ir.define_modules.get(d) {
            if ms.contains(&t.module) {
                return t.module.clone();
            }
            if ms.len() == 1 {
                return ms[0].clone();
            }
        }
    }
    t.module.clone()
}

/// Names every live type (and moves shared ones into the module of their define).
pub fn name_types(ir: &mut Ir, live: &[TypeId]) {
    for &id in live {
        let m = module_of(ir, id);
        ir.types[id].module = m;
    }
    let cands: HashMap<TypeId, Vec<Candidate>> = {
        let namer = Namer { ir, uses: users(ir, live) };
        live.iter().map(|&id| (id, namer.candidates(id))).collect()
    };
    let use_counts: HashMap<TypeId, usize> = {
        let uses = users(ir, live);
        live.iter().map(|&id| (id, uses.get(&id).map_or(0, Vec::len))).collect()
    };
    let depths: HashMap<TypeId, usize> = {
        let namer = Namer { ir, uses: users(ir, live) };
        live.iter().map(|&id| (id, namer.common_place(id, 0).map_or(0, |p| p.len()))).collect()
    };
    let mut level: HashMap<TypeId, usize> = live.iter().map(|&id| (id, 0)).collect();
    let mut settled: HashSet<TypeId> = HashSet::new();
    for _round in 0..64 {
        let mut groups: BTreeMap<(String, String), Vec<TypeId>> = BTreeMap::new();
        for &id in live {
            let c = &cands[&id];
            let name = c
                .get(level[&id])
                .map_or_else(|| format!("{}{id}", c.last().map_or("T", |c| &c.name)), |c| c.name.clone());
            groups.entry((ir.types[id].module.clone(), name)).or_default().push(id);
        }
        let mut moved = false;
        for ids in groups.values() {
            if ids.len() < 2 {
                continue;
            }
            // A settled type (one that won this name before) keeps it; else the one type of
            // the best tier, if there is one.
            let tier_of = |id: &TypeId| {
                let strong = cands[id].get(level[id]).is_some_and(|c| c.strong);
                tier(ir, *id, strong)
            };
            let best = ids.iter().map(tier_of).min().expect("a group");
            let mut best_ids: Vec<TypeId> = ids.iter().copied().filter(|id| tier_of(id) == best).collect();
            // Between equals, the one used most (the address of every device over the
            // address of one source).
            let most = best_ids.iter().map(|id| use_counts[id]).max().unwrap_or(0);
            best_ids.retain(|id| use_counts[id] == most);
            // Then the one nearer the document's root (more general).
            let nearest = best_ids.iter().map(|id| depths[id]).min().unwrap_or(0);
            best_ids.retain(|id| depths[id] == nearest);
            let keeper = ids.iter().copied().find(|id| settled.contains(id)).or(match best_ids.as_slice() {
                [one] => Some(*one),
                _ => None,
            });
            for &id in ids {
                if Some(id) == keeper {
                    settled.insert(id);
                    continue;
                }
                if level[&id] < cands[&id].len() {
                    *level.get_mut(&id).expect("level") += 1;
                    moved = true;
                }
            }
        }
        if !moved {
            break;
        }
    }
    let names: Vec<(TypeId, String, bool)> = live
        .iter()
        .map(|&id| {
            let c = &cands[&id];
            match c.get(level[&id]) {
                Some(c) => (id, c.name.clone(), false),
                None => (id, format!("{}{id}", c.last().map_or("T", |c| &c.name)), true),
            }
        })
        .collect();
    for (id, name, numbered) in names {
        ir.types[id].name = name;
        ir.types[id].numbered = numbered;
    }
}
