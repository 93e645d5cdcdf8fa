//! After lowering: merge identical types (schemas that include the same files), give every
//! type a name unique in its module, and box the fields that make a type contain itself.

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
    let shape = |t: &TypeDef| {
        let mut kind = t.kind.clone();
        let none: Vec<TypeId> = vec![usize::MAX; n];
        remap(&mut kind, &none); // references erased: shape only
        format!("{}|{}|{:?}|{:?}", t.hints[0], t.module, t.root, kind)
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
    // A merged type is the body of every define its members were.
    for (id, &to) in map.iter().enumerate() {
        if to != id {
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

/// Boxes struct fields whose type contains the struct again without a `Vec` between, and,
/// so that absent or alternative content costs a pointer rather than its whole size,
/// optional child structs and the struct payloads of enum variants.
pub fn box_recursion(ir: &mut Ir, live: &[TypeId]) {
    let is_struct = |ir: &Ir, t: &Ty| matches!(t, Ty::Named(id) if matches!(ir.types[*id].kind, Kind::Struct { .. }));
    for &id in live {
        let mut kind = ir.types[id].kind.clone();
        match &mut kind {
            Kind::Struct { fields, .. } => {
                for f in fields.iter_mut() {
                    f.boxed =
                        f.occurs == Occurs::Optional && matches!(f.role, Role::Child { .. }) && is_struct(ir, &f.ty);
                }
            }
            Kind::TagEnum { variants, .. } | Kind::ChoiceEnum { variants } => {
                for v in variants.iter_mut() {
                    v.boxed = is_struct(ir, &v.ty);
                }
            }
            Kind::ValueEnum { .. } | Kind::Newtype { .. } => {}
        }
        ir.types[id].kind = kind;
    }
    let direct: HashMap<TypeId, Vec<TypeId>> = live.iter().map(|&t| (t, edges(&ir.types[t].kind, true))).collect();
    let reaches = |from: TypeId, to: TypeId| -> bool {
        let mut seen = HashSet::new();
        let mut stack = vec![from];
        while let Some(t) = stack.pop() {
            if t == to {
                return true;
            }
            if seen.insert(t) {
                if let Some(next) = direct.get(&t) {
                    stack.extend(next);
                }
            }
        }
        false
    };
    for &id in live {
        let Kind::Struct { fields, .. } = &ir.types[id].kind else { continue };
        let boxed: Vec<bool> =
            fields.iter().map(|f| matches!(f.ty, Ty::Named(t) if f.occurs != Occurs::Many && reaches(t, id))).collect();
        if let Kind::Struct { fields, .. } = &mut ir.types[id].kind {
            for (f, b) in fields.iter_mut().zip(boxed) {
                f.boxed |= b;
            }
        }
    }
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

/// Gives each live type the first of its name hints that is free in its module.
pub fn name_types(ir: &mut Ir, live: &[TypeId]) {
    let mut used: HashMap<String, HashSet<String>> = HashMap::new();
    // Roots and types closer to them choose first: order by the hint chain's length.
    let mut order = live.to_vec();
    order.sort_by_key(|&t| (ir.types[t].root.is_none(), t));
    for id in order {
        let t = &ir.types[id];
        let taken = used.entry(t.module.clone()).or_default();
        // Names of the prelude and the runtime stay unambiguous.
        const RESERVED: &[&str] = &["Option", "String", "Vec", "Box", "Result", "Some", "None", "Ok", "Err", "Default"];
        let mut name = t.hints.iter().find(|h| !taken.contains(*h) && !RESERVED.contains(&h.as_str())).cloned();
        if name.is_none() {
            let last = t.hints.last().cloned().unwrap_or_default();
            let mut n = format!("{last}{}", crate::names::camel(&t.module));
            while taken.contains(&n) {
                n.push_str("Alt");
            }
            name = Some(n);
        }
        let name = name.expect("chosen");
        taken.insert(name.clone());
        ir.types[id].name = name;
    }
}
