//! What every variant of a tag enum has moves into the element that holds the enum: the
//! 14 kinds of `<interface>` share `<mac>`, `<model>`, `<target>`... which then are fields of
//! `Interface` itself, and reading a NIC's MAC needs no match. A variant left with nothing
//! of its own becomes a unit variant (`DiskDevice::Cdrom`).
//!
//! Attributes move whatever their place, to after the discriminating one. Child elements
//! move only from the start or the end of every variant's content, so that the order they
//! are written in (the owner's fields before the variant's, then after) stays the one the
//! schema's sequences ask for.

use std::collections::HashMap;

use crate::ir::*;

/// Whether two fields are the same item of the same type.
fn same(a: &Field, b: &Field) -> bool {
    a.role == b.role && a.ty == b.ty && a.occurs == b.occurs && a.non_empty == b.non_empty
}

fn is_child(f: &Field) -> bool {
    !matches!(f.role, Role::Attribute { .. })
}

/// The struct fields of a type (empty for other kinds).
fn fields(ir: &Ir, id: TypeId) -> &[Field] {
    match &ir.types[id].kind {
        Kind::Struct { fields, .. } => fields,
        _ => &[],
    }
}

/// The fields every payload has, split into those to put before the enum and after it.
fn common(ir: &Ir, payloads: &[TypeId]) -> (Vec<Field>, Vec<Field>) {
    let first = fields(ir, payloads[0]);
    let shared: Vec<&Field> =
        first.iter().filter(|f| payloads[1..].iter().all(|p| fields(ir, *p).iter().any(|g| same(f, g)))).collect();
    let is_shared = |f: &Field| shared.iter().any(|s| same(s, f));
    // Children: the shared ones that, in every payload, come before (or after) every child
    // of the payload's own.
    let mut before: Option<Vec<Field>> = None;
    let mut after: Option<Vec<Field>> = None;
    for p in payloads {
        let children: Vec<&Field> = fields(ir, *p).iter().filter(|f| is_child(f)).collect();
        let lead: Vec<Field> = children.iter().take_while(|f| is_shared(f)).map(|f| (*f).clone()).collect();
        let trail: Vec<Field> = children.iter().rev().take_while(|f| is_shared(f)).map(|f| (*f).clone()).collect();
        before = Some(match before {
            None => lead,
            Some(b) => b.into_iter().filter(|f| lead.iter().any(|g| same(f, g))).collect(),
        });
        after = Some(match after {
            None => trail,
            Some(a) => a.into_iter().filter(|f| trail.iter().any(|g| same(f, g))).collect(),
        });
    }
    let before = before.unwrap_or_default();
    let mut after: Vec<Field> =
        after.unwrap_or_default().into_iter().filter(|f| !before.iter().any(|g| same(f, g))).collect();
    // In the first payload's order.
    let pos = |f: &Field| first.iter().position(|g| same(f, g)).unwrap_or(usize::MAX);
    after.sort_by_key(pos);
    let mut before = before;
    before.sort_by_key(pos);
    // Attributes go after the discriminating one, as libvirt writes them
    // (`<filesystem type='mount' accessmode='passthrough'>`).
    let attributes: Vec<Field> = shared.iter().filter(|f| !is_child(f)).map(|f| (*f).clone()).collect();
    let mut trail = attributes;
    trail.extend(after);
    (before, trail)
}

/// Moves what all variants of each flattened tag enum share into the enum's owners.
pub fn hoist(ir: &mut Ir) {
    // Owners of each tag enum, by the index of the flatten field.
    let mut owners: HashMap<TypeId, Vec<TypeId>> = HashMap::new();
    for (id, t) in ir.types.iter().enumerate() {
        if let Kind::Struct { fields, .. } = &t.kind {
            for f in fields {
                if let (Role::Flatten, Ty::Named(e)) = (&f.role, &f.ty) {
                    if matches!(ir.types[*e].kind, Kind::TagEnum { .. }) {
                        owners.entry(*e).or_default().push(id);
                    }
                }
            }
        }
    }
    let mut enums: Vec<TypeId> = owners.keys().copied().collect();
    enums.sort();
    for e in enums {
        let Kind::TagEnum { variants, .. } = &ir.types[e].kind else { continue };
        let mut payloads: Vec<TypeId> = Vec::new();
        for v in variants {
            if let Ty::Named(p) = v.ty {
                if !payloads.contains(&p) && matches!(ir.types[p].kind, Kind::Struct { .. }) {
                    payloads.push(p);
                }
            }
        }
        if payloads.len() < 2 {
            continue;
        }
        let (lead, trail) = common(ir, &payloads);
        if lead.is_empty() && trail.is_empty() {
            continue;
        }
        // The owners must have none of these already (the same attribute twice is no XML).
        let clash = owners[&e].iter().any(|o| {
            fields(ir, *o)
                .iter()
                .any(|f| lead.iter().chain(&trail).any(|h| f.role == h.role && !matches!(f.role, Role::Flatten)))
        });
        if clash {
            continue;
        }
        for p in &payloads {
            if let Kind::Struct { fields, .. } = &mut ir.types[*p].kind {
                fields.retain(|f| !lead.iter().chain(&trail).any(|h| same(f, h)));
            }
        }
        for o in owners[&e].clone() {
            let old = fields(ir, o);
            let at = old.iter().position(|f| f.ty == Ty::Named(e) && f.role == Role::Flatten).expect("owner");
            let mut new: Vec<Field> = old[..at].to_vec();
            new.extend(lead.iter().cloned());
            new.push(old[at].clone());
            new.extend(trail.iter().cloned());
            new.extend(old[at + 1..].iter().cloned());
            crate::lower::name_fields(&mut new, ir);
            if let Kind::Struct { fields, .. } = &mut ir.types[o].kind {
                *fields = new;
            }
        }
    }
    simplify_variants(ir);
}

/// A variant whose content is nothing holds nothing (`DiskDevice::Cdrom`); one whose content
/// is only another choice told apart by an attribute holds that choice
/// (`DiskDevice::Disk(DiskSource)`).
fn simplify_variants(ir: &mut Ir) {
    for e in 0..ir.types.len() {
        let Kind::TagEnum { variants, .. } = &ir.types[e].kind else { continue };
        let new: Vec<Ty> = variants
            .iter()
            .map(|v| match v.ty {
                Ty::Named(p) => match fields(ir, p) {
                    [] if matches!(ir.types[p].kind, Kind::Struct { .. }) => Ty::Empty,
                    [only] if only.role == Role::Flatten
                        && matches!(&only.ty, Ty::Named(inner) if matches!(ir.types[*inner].kind, Kind::TagEnum { .. })) =>
                    {
                        only.ty.clone()
                    }
                    _ => v.ty.clone(),
                },
                _ => v.ty.clone(),
            })
            .collect();
        if let Kind::TagEnum { variants, .. } = &mut ir.types[e].kind {
            for (v, ty) in variants.iter_mut().zip(new) {
                v.ty = ty;
            }
        }
    }
}
