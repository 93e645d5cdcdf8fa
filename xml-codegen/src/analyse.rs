//! After lowering: merge identical types (schemas that include the same files, elements of
//! one content define) and box what is recursive or rare and large. Naming is in `naming`.

use std::collections::{HashMap, HashSet};

use crate::ir::*;

/// Rewrites every type reference through `map`.
fn remap(kind: &mut Kind, map: &[TypeId]) {
    let fix = |t: &mut Ty| {
        if let Ty::Named(id) = t {
            *id = map[*id];
        }
    };
    match kind {
        Kind::Struct { fields, .. } => fields.iter_mut().for_each(|f| fix(&mut f.ty)),
        Kind::TagEnum { variants, .. } | Kind::ChoiceEnum { variants } => {
            variants.iter_mut().for_each(|v| fix(&mut v.ty))
        }
        Kind::ValueEnum { .. } | Kind::Newtype { .. } => {}
    }
}

/// Merges structurally identical types; returns the surviving ids.
///
/// Types that refer to each other in cycles (a disk source holding a data store holding a
/// disk source) are only equal if assumed so first, so this is partition refinement (as in
/// automaton minimisation): start from classes of equal shape with references left out,
/// then split classes whose members refer to different classes, until nothing splits.
pub fn dedupe(ir: &mut Ir) -> Vec<TypeId> {
    let n = ir.types.len();
    let sorted = |values: &[String]| {
        let mut v = values.to_vec();
        v.sort();
        v
    };
    let defined_choices: HashSet<String> = ir
        .types
        .iter()
        .filter_map(|t| match &t.kind {
            Kind::ValueEnum { values, other } if !t.defines.is_empty() => {
                Some(format!("values|{other}|{:?}", sorted(values)))
            }
            _ => None,
        })
        .collect();
    let shape = |t: &TypeDef| {
        let mut kind = t.kind.clone();
        let none: Vec<TypeId> = vec![usize::MAX; n];
        remap(&mut kind, &none); // references erased: shape only
                                 // One type per content: elements of one content define (`<domain>`,
                                 // `<inactiveDomain>`) merge whatever their names and roots.
                                 // A choice of values that is the very choice of a define is that define's type
                                 // wherever it stands (`<os><type arch>` of xen and hvm guests, merged, is the
                                 // `archnames` of basictypes; a `no|yes` is `virYesNo`).
        if let Kind::ValueEnum { values, other } = &t.kind {
            let key = format!("values|{other}|{:?}", sorted(values));
            if defined_choices.contains(&key) {
                return key;
            }
        }
        let key = t.content_define.as_deref().unwrap_or(&t.hints[0]);
        format!("{key}|{}|{:?}", t.module, kind)
    };
    let mut class: Vec<usize> = {
        let mut ids: HashMap<String, usize> = HashMap::new();
        ir.types
            .iter()
            .map(|t| {
                let k = shape(t);
                let len = ids.len();
                *ids.entry(k).or_insert(len)
            })
            .collect()
    };
    loop {
        let mut ids: HashMap<(usize, Vec<usize>), usize> = HashMap::new();
        let next: Vec<usize> = (0..n)
            .map(|id| {
                let refs: Vec<usize> = edges(&ir.types[id].kind, false).into_iter().map(|t| class[t]).collect();
                let len = ids.len();
                *ids.entry((class[id], refs)).or_insert(len)
            })
            .collect();
        let stable = ids.len() == class.iter().collect::<HashSet<_>>().len();
        class = next;
        if stable {
            break;
        }
    }
    let mut first: HashMap<usize, TypeId> = HashMap::new();
    let map: Vec<TypeId> = (0..n).map(|id| *first.entry(class[id]).or_insert(id)).collect();
    // A merged type is the body of every define its members were, and a root if one was.
    for (id, &to) in map.iter().enumerate() {
        if to != id {
            if ir.types[to].root.is_none() {
                ir.types[to].root = ir.types[id].root.clone();
            }
            let defines = std::mem::take(&mut ir.types[id].defines);
            let into = &mut ir.types[to].defines;
            for d in defines {
                if !into.contains(&d) {
                    into.push(d);
                }
            }
        }
    }
    for t in ir.types.iter_mut() {
        remap(&mut t.kind, &map);
    }
    for r in ir.roots.iter_mut() {
        r.2 = map[r.2];
    }
    let mut live: Vec<TypeId> = (0..n).filter(|&i| map[i] == i).collect();
    // Only what the roots reach.
    let reach = reachable(ir);
    live.retain(|i| reach.contains(i));
    live
}

fn edges(kind: &Kind, direct_only: bool) -> Vec<TypeId> {
    let mut out = Vec::new();
    match kind {
        Kind::Struct { fields, .. } => {
            for f in fields {
                if let Ty::Named(t) = f.ty {
                    if !direct_only || f.occurs != Occurs::Many {
                        out.push(t);
                    }
                }
            }
        }
        Kind::TagEnum { variants, .. } | Kind::ChoiceEnum { variants } => {
            out.extend(variants.iter().filter_map(|v| if let Ty::Named(t) = v.ty { Some(t) } else { None }))
        }
        Kind::ValueEnum { .. } | Kind::Newtype { .. } => {}
    }
    out
}

fn reachable(ir: &Ir) -> HashSet<TypeId> {
    let mut seen = HashSet::new();
    let mut stack: Vec<TypeId> = ir.roots.iter().map(|r| r.2).collect();
    while let Some(t) = stack.pop() {
        if seen.insert(t) {
            stack.extend(edges(&ir.types[t].kind, false));
        }
    }
    seen
}

/// A variant's content of this many bytes or more is boxed: other content then costs a
/// pointer, not its whole size.
pub const LARGE: usize = 160;

/// An optional child, or one element of a choice (a `<devices>` item), of this many bytes or
/// more is boxed: absent (as most of libvirt's optional elements are in any one document), it
/// then costs a pointer, not its whole size, and a list of choices costs a pointer per item.
/// Lower than [`LARGE`]: a field's setter and a choice's `From` box for the caller, while the
/// content of an attribute-discriminated variant is spelt out.
pub const LARGE_OPTIONAL: usize = 24;

/// Boxes what must be (a field whose type contains its struct again without a `Vec`
/// between) and what is rare and large (an optional child of [`LARGE_OPTIONAL`] bytes or
/// more, a variant's content of [`LARGE`] bytes or more). Nothing else: a user builds and matches the rest as it is.
pub fn box_recursion(ir: &mut Ir, live: &[TypeId]) {
    for &id in live {
        match &mut ir.types[id].kind {
            Kind::Struct { fields, .. } => fields.iter_mut().for_each(|f| f.boxed = false),
            Kind::TagEnum { variants, .. } | Kind::ChoiceEnum { variants } => {
                variants.iter_mut().for_each(|v| v.boxed = false)
            }
            Kind::ValueEnum { .. } | Kind::Newtype { .. } => {}
        }
    }
    for &id in live {
        let Kind::Struct { fields, .. } = &ir.types[id].kind else { continue };
        let boxed: Vec<bool> = fields
            .iter()
            .map(|f| matches!(f.ty, Ty::Named(t) if f.occurs != Occurs::Many && reaches(ir, t, id)))
            .collect();
        if let Kind::Struct { fields, .. } = &mut ir.types[id].kind {
            for (f, b) in fields.iter_mut().zip(boxed) {
                f.boxed = b;
            }
        }
    }
    // Sizes change as content is boxed: settle.
    for _ in 0..4 {
        let mut sizes = HashMap::new();
        let mut changed = false;
        for &id in live {
            let size_of = |ir: &Ir, t: &Ty, sizes: &mut HashMap<TypeId, usize>| match t {
                Ty::Named(n)
                    if matches!(
                        ir.types[*n].kind,
                        Kind::Struct { .. } | Kind::TagEnum { .. } | Kind::ChoiceEnum { .. }
                    ) =>
                {
                    size(ir, *n, sizes, &mut Vec::new())
                }
                _ => 0,
            };
            let mut kind = ir.types[id].kind.clone();
            let choice = matches!(kind, Kind::ChoiceEnum { .. });
            match &mut kind {
                Kind::Struct { fields, .. } => {
                    for f in fields.iter_mut() {
                        let large = f.occurs == Occurs::Optional
                            && matches!(f.role, Role::Child { .. })
                            && size_of(ir, &f.ty, &mut sizes) >= LARGE_OPTIONAL;
                        if large && !f.boxed {
                            f.boxed = true;
                            changed = true;
                        }
                    }
                }
                Kind::TagEnum { variants, .. } | Kind::ChoiceEnum { variants } => {
                    // A choice of elements is built through `From` (`.device(disk)`), which
                    // boxes for the caller: box as an optional child is.
                    let large = if choice { LARGE_OPTIONAL } else { LARGE };
                    for v in variants.iter_mut() {
                        if !v.boxed && size_of(ir, &v.ty, &mut sizes) >= large {
                            v.boxed = true;
                            changed = true;
                        }
                    }
                }
                Kind::ValueEnum { .. } | Kind::Newtype { .. } => {}
            }
            ir.types[id].kind = kind;
        }
        if !changed {
            break;
        }
    }
}

/// The size a value of a type takes in memory, estimated: what decides boxing. Close to
/// what rustc lays out (`-Zprint-type-sizes`), so that what is boxed is what is large: an
/// `Option` is taken to cost nothing over its value (nearly every value type here has a
/// niche for `None`), a number is 16 bytes (24 for 64-bit ones, whose value leaves no
/// padding for the niche).
pub fn size(ir: &Ir, id: TypeId, memo: &mut HashMap<TypeId, usize>, stack: &mut Vec<TypeId>) -> usize {
    if let Some(s) = memo.get(&id) {
        return *s;
    }
    if stack.contains(&id) {
        return 8;
    }
    stack.push(id);
    let mut ty_size = |t: &Ty, boxed: bool, stack: &mut Vec<TypeId>| -> usize {
        if boxed {
            return 8;
        }
        match t {
            Ty::String => 24,
            Ty::Number(n) => number_size(n),
            Ty::Empty => 8,
            Ty::Any => 80,
            Ty::Runtime(p) => runtime_size(p).unwrap_or(24),
            Ty::Named(n) => size(ir, *n, memo, stack),
        }
    };
    let s = match &ir.types[id].kind {
        Kind::Struct { fields, extras } => {
            let mut total = if *extras { 8 } else { 0 };
            for f in fields {
                total += match f.occurs {
                    Occurs::Many => 24,
                    Occurs::Optional | Occurs::One => ty_size(&f.ty, f.boxed, stack),
                };
            }
            total.next_multiple_of(8)
        }
        Kind::TagEnum { variants, .. } | Kind::ChoiceEnum { variants } => {
            variants.iter().map(|v| ty_size(&v.ty, v.boxed, stack)).max().unwrap_or(0) + 8
        }
        Kind::ValueEnum { other: true, .. } => 24,
        Kind::ValueEnum { .. } => 1,
        Kind::Newtype { base, .. } => ty_size(base, false, stack),
    };
    stack.pop();
    memo.insert(id, s);
    s
}

/// `Number<T>`'s size: the value, and beside it one thin pointer to a spelling kept as read.
fn number_size(int: &str) -> usize {
    if int.ends_with("64") || int.ends_with("128") || int.ends_with("size") {
        24
    } else {
        16
    }
}

/// The sizes of the runtime's value types, by the paths `codegen.toml` names them with
/// (`tests/layout.rs` holds each to what rustc gives, and fails on a path missing here).
const RUNTIME_SIZES: &[(&str, usize)] = &[
    ("crate::ScaledInteger", 40),
    ("crate::Unit", 8),
    ("crate::IpAddress", 32),
    ("crate::Uuid", 24),
    ("crate::CpuSet", 32),
    ("crate::Ipv6Address", 24),
    ("crate::HexNumber<u64, 1>", 24),
    ("crate::MacAddress", 16),
    ("crate::Ipv4Address", 16),
    ("crate::PciSlot", 16),
    ("crate::PciFunction", 16),
    ("crate::HexNumber<u32, 4>", 16),
    ("crate::HexNumber<u16, 4>", 16),
    ("crate::HexNumber<u8, 2>", 16),
    ("crate::HexNumber<u8, 1>", 16),
    ("crate::Number<u16, crate::AnyBase>", 16),
    ("crate::Number<u32, crate::Octal>", 16),
    ("crate::Number<u32, crate::Base16<8>>", 16),
    ("crate::OrVariable<crate::MacAddress>", 24),
    ("crate::OrVariable<crate::Ipv4Address>", 24),
    ("crate::OrVariable<crate::Number<u8>>", 24),
    ("crate::OrVariable<crate::Number<u16>>", 24),
    ("crate::OrVariable<crate::Number<u32>>", 24),
    ("crate::OrVariable<crate::Ipv6Address>", 32),
    ("crate::OrVariable<crate::Netmask<crate::Ipv4Address>>", 32),
    ("crate::OrVariable<crate::Netmask<crate::Ipv6Address>>", 32),
];

/// The size of a hand-written value type of the runtime, by its path, when the table knows it
/// (one it does not is estimated as a `String`).
pub fn runtime_size(path: &str) -> Option<usize> {
    RUNTIME_SIZES.iter().find(|(p, _)| *p == path).map(|&(_, size)| size)
}

/// Whether `from` contains `to` (or `from` itself) through fields that are not lists: the
/// path that makes a type infinitely large unless something on it is boxed.
pub fn reaches(ir: &Ir, from: TypeId, to: TypeId) -> bool {
    let mut seen = HashSet::new();
    let mut stack = vec![from];
    while let Some(t) = stack.pop() {
        if t == to {
            return true;
        }
        if seen.insert(t) {
            stack.extend(edges(&ir.types[t].kind, true));
        }
    }
    false
}
