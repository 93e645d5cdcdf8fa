//! What a reader of the generated API meets, counted: values left as strings although the
//! schema gives them a type, type names taken from an element that does not use the type,
//! names that repeat a word or end in a module name, fields of a choice named after other
//! elements, types named only after an item many elements have, boxed fields, copies of the
//! domain.
//!
//! `cargo run -p xml-codegen -- --audit` prints the report; the codegen's tests hold the
//! figures that must stay at zero.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use crate::ir::*;
use crate::names::words;

/// Where a type is used: by which type, and as what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    pub owner: TypeId,
    /// The XML name it is used under: an element or attribute name, or a variant's key.
    pub xml: String,
    /// A variant's key (tag enums: the attribute value; choice enums: the element name).
    pub variant: Option<String>,
}

/// Every use of every live type.
pub fn users(ir: &Ir, live: &[TypeId]) -> HashMap<TypeId, Vec<Use>> {
    let mut out: HashMap<TypeId, Vec<Use>> = HashMap::new();
    for &owner in live {
        match &ir.types[owner].kind {
            Kind::Struct { fields, .. } => {
                for f in fields {
                    let Ty::Named(t) = f.ty else { continue };
                    let xml = match (&f.role, &ir.types[t].kind) {
                        (Role::Attribute { name } | Role::Child { name, .. }, _) => name.clone(),
                        (Role::Flatten, Kind::TagEnum { attribute, .. }) => attribute.clone(),
                        _ => String::new(),
                    };
                    out.entry(t).or_default().push(Use { owner, xml, variant: None });
                }
            }
            Kind::TagEnum { variants, .. } | Kind::ChoiceEnum { variants } => {
                let choice = matches!(ir.types[owner].kind, Kind::ChoiceEnum { .. });
                for v in variants {
                    let Ty::Named(t) = v.ty else { continue };
                    let xml = if choice { v.key.clone() } else { String::new() };
                    out.entry(t).or_default().push(Use { owner, xml, variant: Some(v.key.clone()) });
                }
            }
            Kind::ValueEnum { .. } | Kind::Newtype { .. } => {}
        }
    }
    out
}

/// Lower-case words of a name: `AddressTypePci` -> address, type, pci.
fn lower_words(s: &str) -> Vec<String> {
    words(s).into_iter().map(|w| w.to_ascii_lowercase()).collect()
}

/// Words that describe a shape without naming any element.
const NEUTRAL: &[&str] =
    &["value", "kind", "choice", "content", "common", "text", "item", "options", "group", "or", "child", "reference"];

/// Every XML name of the model (elements, attributes, discriminating values), as words.
fn vocabulary(ir: &Ir, live: &[TypeId]) -> BTreeSet<String> {
    let mut v = BTreeSet::new();
    for &id in live {
        match &ir.types[id].kind {
            Kind::Struct { fields, .. } => {
                for f in fields {
                    if let Role::Attribute { name } | Role::Child { name, .. } = &f.role {
                        v.extend(lower_words(name));
                    }
                }
            }
            Kind::TagEnum { attribute, variants } => {
                v.extend(lower_words(attribute));
                for x in variants {
                    v.extend(lower_words(&x.key));
                }
            }
            Kind::ChoiceEnum { variants } => {
                for x in variants {
                    v.extend(lower_words(&x.key));
                }
            }
            Kind::ValueEnum { .. } | Kind::Newtype { .. } => {}
        }
    }
    for r in &ir.roots {
        v.extend(lower_words(&r.1));
    }
    v.retain(|w| !NEUTRAL.contains(&w.as_str()));
    v
}

/// The words a use allows in the name of the type it uses: the XML name it is used under,
/// its variant, its owner's own name and uses, and the elements around it (`place`).
fn context(ir: &Ir, u: &Use, all: &HashMap<TypeId, Vec<Use>>, place: &[String]) -> BTreeSet<String> {
    let mut c: BTreeSet<String> = lower_words(&u.xml).into_iter().collect();
    for p in place {
        c.extend(lower_words(p));
        c.insert(p.to_ascii_lowercase().replace(['-', '_'], ""));
    }
    // The owner's element, when the owner is an element's struct (an enum's `element` is
    // where it was first met, not where all its uses are).
    if matches!(ir.types[u.owner].kind, Kind::Struct { extras: true, .. }) {
        c.extend(lower_words(&ir.types[u.owner].element));
    }
    if let Some(v) = &u.variant {
        c.extend(lower_words(v));
    }
    let owner = &ir.types[u.owner];
    c.extend(lower_words(&owner.name));
    if let Kind::TagEnum { attribute, .. } = &owner.kind {
        c.extend(lower_words(attribute));
    }
    for d in &owner.defines {
        c.extend(lower_words(d));
    }
    // The owner's own element names (a struct's `<source>` inside `<hostdev>`).
    for ou in all.get(&u.owner).into_iter().flatten() {
        c.extend(lower_words(&ou.xml));
    }
    c
}

/// Whether every vocabulary word of `name` is one `allowed` gives (a run of the name's words
/// may spell one allowed word: `MaxPhysAddr` for `maxphysaddr`). Returns the words not given.
fn foreign_words(name: &str, allowed: &BTreeSet<String>, vocabulary: &BTreeSet<String>) -> Vec<String> {
    let ws = lower_words(name);
    let mut covered = vec![false; ws.len()];
    for i in 0..ws.len() {
        let mut joined = String::new();
        for j in i..ws.len() {
            joined.push_str(&ws[j]);
            if allowed.contains(&joined) {
                covered[i..=j].iter_mut().for_each(|c| *c = true);
            }
        }
    }
    ws.iter()
        .zip(covered)
        .filter(|(w, c)| !c && vocabulary.contains(*w) && !NEUTRAL.contains(&w.as_str()))
        .map(|(w, _)| w.clone())
        .collect()
}

/// A type whose name uses a word of an element (or attribute, or discriminating value) that
/// is not among its uses: `FloppyAddress` for the `<address>` of every device. A field is
/// reported the same way ([`misnamed_choice_fields`]).
#[derive(Debug, Clone)]
pub struct Misnamed {
    pub module: String,
    /// The type's name; for a field, `Type.field`.
    pub name: String,
    /// The words of the name that come from elsewhere.
    pub foreign: Vec<String>,
    /// The fields and variants that have the type; 1 for a field.
    pub uses: usize,
}

/// Types named after something that does not use them. A type may take words from its
/// defines, from what all its uses have in common (the XML name, the variant, the owner),
/// and neutral words (`NEUTRAL`).
pub fn misnamed(ir: &Ir, live: &[TypeId]) -> Vec<Misnamed> {
    let all = users(ir, live);
    let places = crate::naming::places(ir, live);
    let vocab = vocabulary(ir, live);
    let mut out = Vec::new();
    for &id in live {
        let t = &ir.types[id];
        // A hand-written type, or a name a person chose in codegen.toml.
        if t.replaced_by.is_some() || t.renamed_from.is_some() {
            continue;
        }
        let uses = all.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        let foreign = foreign_words(&t.name, &allowed_words(ir, id, &all, &places), &vocab);
        if !foreign.is_empty() {
            out.push(Misnamed { module: t.module.clone(), name: t.name.clone(), foreign, uses: uses.len() });
        }
    }
    out.sort_by(|a, b| (&a.module, &a.name).cmp(&(&b.module, &b.name)));
    out
}

/// The words a type's name may use: those of its defines, root and values, and what all its
/// uses have in common.
fn allowed_words(
    ir: &Ir,
    id: TypeId,
    all: &HashMap<TypeId, Vec<Use>>,
    places: &HashMap<TypeId, Vec<Vec<String>>>,
) -> BTreeSet<String> {
    let t = &ir.types[id];
    let uses = all.get(&id).map(Vec::as_slice).unwrap_or(&[]);
    let no_places = Vec::new();
    let places = places.get(&id).unwrap_or(&no_places);
    let mut allowed: BTreeSet<String> = BTreeSet::new();
    for d in &t.defines {
        allowed.extend(lower_words(d));
        allowed.insert(d.to_ascii_lowercase().replace(['-', '_'], ""));
    }
    if let Some(r) = &t.root {
        allowed.extend(lower_words(r));
    }
    if let Some(d) = &t.content_define {
        allowed.extend(lower_words(d));
        allowed.insert(d.to_ascii_lowercase().replace(['-', '_'], ""));
    }
    match &t.kind {
        Kind::ValueEnum { values, .. } => {
            for v in values {
                allowed.extend(lower_words(v));
            }
        }
        Kind::TagEnum { attribute, .. } => allowed.extend(lower_words(attribute)),
        _ => {}
    }
    let mut common: Option<BTreeSet<String>> = None;
    for (i, u) in uses.iter().enumerate() {
        let c = context(ir, u, all, places.get(i).map(Vec::as_slice).unwrap_or(&[]));
        common = Some(match common {
            None => c,
            Some(prev) => prev.intersection(&c).cloned().collect(),
        });
    }
    allowed.extend(common.unwrap_or_default());
    // A name that lists every variant it is the content of (`HpetOrPitOrArmvtimerTimer`).
    let keys: BTreeSet<String> = uses.iter().filter_map(|u| u.variant.as_deref()).flat_map(lower_words).collect();
    let name_words: BTreeSet<String> = lower_words(&t.name).into_iter().collect();
    if !keys.is_empty() && keys.is_subset(&name_words) {
        allowed.extend(keys);
    }
    allowed
}

/// Fields holding a choice of child elements whose name is a placeholder (`rule_choice`) or
/// takes a word of an XML name that is neither one of the choice's elements nor its owner
/// (`floppy_choice` in `<disk>`, for `<throttlefilters>` or `<iotune>`), as `Type.field`.
/// Names codegen.toml gives are a person's choice, and not checked.
pub fn misnamed_choice_fields(ir: &Ir, live: &[TypeId]) -> Vec<Misnamed> {
    let vocab = vocabulary(ir, live);
    let mut out = Vec::new();
    for &owner in live {
        let Kind::Struct { fields, .. } = &ir.types[owner].kind else { continue };
        for f in fields.iter().filter(|f| f.role == Role::Choice && f.renamed_from.is_none()) {
            let Ty::Named(choice) = f.ty else { continue };
            let mut allowed: BTreeSet<String> = lower_words(&ir.types[owner].element).into_iter().collect();
            allowed.extend(ir.types[choice].defines.iter().flat_map(|d| lower_words(d)));
            if let Kind::ChoiceEnum { variants } = &ir.types[choice].kind {
                allowed.extend(variants.iter().flat_map(|v| lower_words(&v.key)));
            }
            let foreign: Vec<String> = f
                .name
                .split('_')
                .filter(|w| {
                    let one = crate::names::singular(w).unwrap_or_else(|| (*w).to_owned());
                    let xml_name = vocab.contains(*w) || vocab.contains(&one);
                    one == "choice" || (xml_name && !allowed.contains(*w) && !allowed.contains(&one))
                })
                .map(str::to_owned)
                .collect();
            if !foreign.is_empty() {
                let t = &ir.types[owner];
                out.push(Misnamed {
                    module: t.module.clone(),
                    name: format!("{}.{}", t.name, f.name),
                    foreign,
                    uses: 1,
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.module, &a.name).cmp(&(&b.module, &b.name)));
    out
}

/// A type named only after its own item when elements of many kinds have an item of that
/// name: `TargetType` for a character device's `<target type>`, though a dozen elements hold
/// a `<target>`. Its name says what, not whose.
#[derive(Debug, Clone)]
pub struct Unplaced {
    pub module: String,
    pub name: String,
    /// The most particular word of the name, and in how many places (parents of an element,
    /// elements holding an attribute) the schemas have an item of that name.
    pub word: String,
    pub places: usize,
}

/// From how many places on an item's name no longer says whose it is, within a module:
/// `<target>`, under ten elements of a domain, does not.
pub const UNPLACED_PLACES: usize = 6;

/// Types of one or two uses whose name has no word beyond the names of their own item (the
/// element or attribute they are, the element holding them; see [`Unplaced`]), when each
/// word is the name of an item in [`UNPLACED_PLACES`] places or more and the type is in
/// fewer than half of them. A type in most of them (`Alias`, every device's) is named well
/// by its item alone.
pub fn unplaced(ir: &Ir, live: &[TypeId]) -> Vec<Unplaced> {
    let all = users(ir, live);
    // The parents of the elements of each name, and the elements holding each attribute, in
    // each module (a network's `<interface>` does not make a domain's less particular).
    let mut parents: HashMap<(&str, String), BTreeSet<&str>> = HashMap::new();
    let mut holders: HashMap<(&str, String), BTreeSet<&str>> = HashMap::new();
    for &id in live {
        let t = &ir.types[id];
        let Kind::Struct { fields, .. } = &t.kind else { continue };
        for f in fields {
            match &f.role {
                Role::Child { name, .. } => parents.entry((t.module.as_str(), name.to_ascii_lowercase())),
                Role::Attribute { name } => holders.entry((t.module.as_str(), name.to_ascii_lowercase())),
                _ => continue,
            }
            .or_default()
            .insert(t.element.as_str());
        }
    }
    let mut out = Vec::new();
    for &id in live {
        let t = &ir.types[id];
        if t.replaced_by.is_some() || t.renamed_from.is_some() {
            continue;
        }
        let uses = all.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        if uses.is_empty() || uses.len() > 2 {
            continue;
        }
        // Where the type's own item is: for each of its names (its elements', the attributes
        // it is used as), the elements it is found in.
        let mut found: HashMap<String, BTreeSet<&str>> = HashMap::new();
        let mut is_attribute: BTreeSet<String> = BTreeSet::new();
        for u in uses {
            let owner = &ir.types[u.owner];
            let Kind::Struct { fields, .. } = &owner.kind else { continue };
            let attribute = fields.iter().any(|f| matches!(&f.role, Role::Attribute { name } if *name == u.xml));
            for w in lower_words(&u.xml) {
                if attribute {
                    is_attribute.insert(w.clone());
                }
                found.entry(w).or_default().insert(owner.element.as_str());
            }
            // The owner's element is found where the owner is used.
            let around: BTreeSet<&str> =
                all.get(&u.owner).into_iter().flatten().map(|ou| ir.types[ou.owner].element.as_str()).collect();
            for w in lower_words(&owner.element) {
                found.entry(w).or_default().extend(around.iter().copied());
            }
        }
        let name: Vec<String> = lower_words(&t.name).into_iter().filter(|w| !NEUTRAL.contains(&w.as_str())).collect();
        // A word places the type when few elements have an item of that name, or when the
        // type is in most of them.
        let unplaced_word = |w: &String| {
            let here = found.get(w)?.len();
            let index = if is_attribute.contains(w) { &holders } else { &parents };
            let n = index.get(&(t.module.as_str(), w.clone())).map_or(0, BTreeSet::len);
            (n >= UNPLACED_PLACES && here * 2 < n).then_some(n)
        };
        let Some(counted) = name.iter().map(|w| unplaced_word(w).map(|n| (w, n))).collect::<Option<Vec<_>>>() else {
            continue;
        };
        if let Some((word, n)) = counted.into_iter().min_by_key(|x| x.1) {
            out.push(Unplaced { module: t.module.clone(), name: t.name.clone(), word: word.clone(), places: n });
        }
    }
    out.sort_by(|a, b| (&a.module, &a.name).cmp(&(&b.module, &b.name)));
    out
}

/// Names that say a word twice (`AddressAddressType`).
pub fn repeated_words(ir: &Ir, live: &[TypeId]) -> Vec<String> {
    let mut out = Vec::new();
    for &id in live {
        let t = &ir.types[id];
        // Within each alternative of a name that lists them (`PciRootOrPcieRoot..`).
        let ws = lower_words(&t.name);
        let mut seen = BTreeSet::new();
        let mut repeated = false;
        for w in &ws {
            if w == "or" {
                seen.clear();
            } else if !seen.insert(w) {
                repeated = true;
            }
        }
        if repeated {
            out.push(format!("{}::{}", t.module, t.name));
        }
    }
    out.sort();
    out
}

/// Names that end in a module's name where the type has nothing of that name
/// (`SeclabelRelabelDomaincommon`, but not `DiskSourceNetwork`).
pub fn module_suffixes(ir: &Ir, live: &[TypeId]) -> Vec<String> {
    let all = users(ir, live);
    let places = crate::naming::places(ir, live);
    let modules: BTreeSet<String> = live.iter().map(|&id| ir.types[id].module.clone()).collect();
    let mut out = Vec::new();
    for &id in live {
        let t = &ir.types[id];
        let allowed = allowed_words(ir, id, &all, &places);
        let suffixed = modules.iter().any(|m| {
            let m_camel = crate::names::camel(m);
            t.name.len() > m_camel.len()
                && t.name.ends_with(m_camel.as_str())
                && !allowed.contains(&m.to_ascii_lowercase())
        });
        if suffixed {
            out.push(format!("{}::{}", t.module, t.name));
        }
    }
    out.sort();
    out
}

/// Whether a field holds text: a `String`, or a newtype of one that checks a pattern (what
/// the emitter makes of its type).
fn is_string(ir: &Ir, f: &Field) -> bool {
    match crate::emit::value_ty(ir, f) {
        Ty::String => true,
        Ty::Named(id) => matches!(ir.types[id].kind, Kind::Newtype { base: Ty::String, .. }),
        _ => false,
    }
}

/// The figures of the report.
#[derive(Debug, Default)]
pub struct Figures {
    pub attributes: usize,
    pub string_attributes: usize,
    /// String attributes (and text-only child elements) by the schema type they have.
    pub typed_as_string: BTreeMap<String, usize>,
    pub misnamed: Vec<Misnamed>,
    pub repeated_words: Vec<String>,
    pub module_suffixes: Vec<String>,
    /// Boxed public fields and variant payloads: (why, count).
    pub boxed: BTreeMap<&'static str, usize>,
    /// Structs with a domain's content (`<name>`, `<os>`, `<devices>`).
    pub domain_copies: Vec<String>,
    /// Types for which no candidate name was free (numbered until codegen.toml names them).
    pub numbered: Vec<String>,
    /// Fields of a choice of elements named after none of them (see [`misnamed_choice_fields`]).
    pub misnamed_choice_fields: Vec<Misnamed>,
    /// Types named only after an item many elements have (see [`unplaced`]).
    pub unplaced: Vec<Unplaced>,
}

/// Whether a schema type is free text, a path or a name: strings by nature.
pub fn is_textual(schema: &str) -> bool {
    let s = schema.to_ascii_lowercase();
    s.contains("path") || s.contains("name") || s.contains("text") || s == "xsd:string" || s == "xsd:token"
}

/// Counts everything the report shows.
pub fn figures(ir: &Ir, live: &[TypeId]) -> Figures {
    let mut f = Figures { misnamed: misnamed(ir, live), ..Figures::default() };
    f.repeated_words = repeated_words(ir, live);
    f.numbered = live
        .iter()
        .filter(|&&id| ir.types[id].numbered && ir.types[id].renamed_from.is_none())
        .map(|&id| format!("{}::{}", ir.types[id].module, ir.types[id].name))
        .collect();
    f.module_suffixes = module_suffixes(ir, live);
    f.misnamed_choice_fields = misnamed_choice_fields(ir, live);
    f.unplaced = unplaced(ir, live);
    for &id in live {
        let t = &ir.types[id];
        if t.replaced_by.is_some() {
            continue;
        }
        match &t.kind {
            Kind::Struct { fields, .. } => {
                for x in fields {
                    let value_child = matches!(x.role, Role::Child { .. }) && x.schema.0.is_some();
                    if matches!(x.role, Role::Attribute { .. }) {
                        f.attributes += 1;
                        if is_string(ir, x) {
                            f.string_attributes += 1;
                        }
                    }
                    if (matches!(x.role, Role::Attribute { .. } | Role::Text) || value_child) && is_string(ir, x) {
                        if let Some(s) = &x.schema.0 {
                            *f.typed_as_string.entry(s.clone()).or_default() += 1;
                        }
                    }
                    if x.boxed {
                        *f.boxed.entry(box_reason(ir, id, x)).or_default() += 1;
                    }
                }
                let has = |n: &str| fields.iter().any(|x| matches!(&x.role, Role::Child { name, .. } if name == n));
                if has("name") && has("os") && has("devices") {
                    f.domain_copies.push(format!("{}::{}", t.module, t.name));
                }
            }
            Kind::TagEnum { variants, .. } | Kind::ChoiceEnum { variants } => {
                for v in variants.iter().filter(|v| v.boxed) {
                    let reason = match v.ty {
                        Ty::Named(t) if crate::analyse::reaches(ir, t, id) => "recursion",
                        _ => "size (a variant's content of at least analyse::LARGE bytes)",
                    };
                    *f.boxed.entry(reason).or_default() += 1;
                }
            }
            Kind::ValueEnum { .. } | Kind::Newtype { .. } => {}
        }
    }
    f
}

fn box_reason(ir: &Ir, owner: TypeId, f: &Field) -> &'static str {
    match f.ty {
        Ty::Named(t) if crate::analyse::reaches(ir, t, owner) => "recursion",
        _ => "size (an optional child of at least analyse::LARGE_OPTIONAL bytes)",
    }
}

/// The report as text.
pub fn report(ir: &Ir, live: &[TypeId]) -> String {
    let f = figures(ir, live);
    let mut s = String::new();
    let textual: usize = f.typed_as_string.iter().filter(|(k, _)| is_textual(k)).map(|(_, n)| n).sum();
    let typed: usize = f.typed_as_string.iter().filter(|(k, _)| !is_textual(k)).map(|(_, n)| n).sum();
    let _ = writeln!(
        s,
        "attribute fields: {}, of which text (String, or a newtype of one): {}",
        f.attributes, f.string_attributes
    );
    let _ = writeln!(
        s,
        "text values (attributes, text, text-only elements) whose schema gives a type: {typed} \
         (and {textual} free text, paths and names)"
    );
    let mut by_count: Vec<_> = f.typed_as_string.iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (k, n) in &by_count {
        let what = if is_textual(k) { "text, path or name" } else { "typed by the schema" };
        let _ = writeln!(s, "  {n:>4}  {k}  ({what})");
    }
    let uses: usize = f.misnamed.iter().map(|m| m.uses).sum();
    let _ = writeln!(
        s,
        "types named after something that does not use them: {} (the type of {uses} fields and variants)",
        f.misnamed.len()
    );
    for m in &f.misnamed {
        let _ = writeln!(s, "  {}::{} ({} uses): {}", m.module, m.name, m.uses, m.foreign.join(", "));
    }
    let _ = writeln!(s, "fields of a choice named after none of its elements: {}", f.misnamed_choice_fields.len());
    for m in &f.misnamed_choice_fields {
        let _ = writeln!(s, "  {}::{}: {}", m.module, m.name, m.foreign.join(", "));
    }
    let _ =
        writeln!(s, "types named only after an item that {UNPLACED_PLACES} or more places have: {}", f.unplaced.len());
    for u in &f.unplaced {
        let _ = writeln!(s, "  {}::{}: `{}` is in {} places", u.module, u.name, u.word, u.places);
    }
    let renamed: Vec<String> = live
        .iter()
        .filter_map(|&id| {
            let t = &ir.types[id];
            t.renamed_from.as_ref().map(|from| format!("{}::{from} -> {}", t.module, t.name))
        })
        .collect();
    let _ = writeln!(s, "types renamed by schemas/codegen.toml (not checked above): {}", renamed.len());
    for r in &renamed {
        let _ = writeln!(s, "  {r}");
    }
    let mut renamed_fields = Vec::new();
    for &id in live {
        let t = &ir.types[id];
        if let Kind::Struct { fields, .. } = &t.kind {
            for x in fields {
                if let Some(from) = &x.renamed_from {
                    renamed_fields.push(format!("{}::{}.{from} -> {}", t.module, t.name, x.name));
                }
            }
        }
    }
    let _ = writeln!(s, "fields renamed by schemas/codegen.toml (not checked above): {}", renamed_fields.len());
    for r in &renamed_fields {
        let _ = writeln!(s, "  {r}");
    }
    let _ = writeln!(s, "numbered names (no candidate was free): {}", f.numbered.len());
    for n in &f.numbered {
        let _ = writeln!(s, "  {n}");
    }
    let _ = writeln!(s, "names that repeat a word: {}", f.repeated_words.len());
    for n in &f.repeated_words {
        let _ = writeln!(s, "  {n}");
    }
    let _ = writeln!(s, "names ending in a module name: {}", f.module_suffixes.len());
    for n in &f.module_suffixes {
        let _ = writeln!(s, "  {n}");
    }
    let total: usize = f.boxed.values().sum();
    let _ = writeln!(s, "boxed public fields and variant payloads: {total}");
    for (k, n) in &f.boxed {
        let _ = writeln!(s, "  {n:>4}  {k}");
    }
    let _ = writeln!(s, "structs with a domain's content: {}", f.domain_copies.len());
    for n in &f.domain_copies {
        let _ = writeln!(s, "  {n}");
    }
    s
}
