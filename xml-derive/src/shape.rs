//! How often a field occurs, read off its Rust type: `T`, `Option<T>`, `Vec<T>`, with `Box`.

use syn::{GenericArgument, PathArguments, Type};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Occurs {
    One,
    Optional,
    Many,
}

pub struct Shape {
    pub occurs: Occurs,
    /// The element type, `Box` removed.
    pub inner: Type,
    pub boxed: bool,
}

fn single_generic<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let seg = p.path.segments.last()?;
    if seg.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    if args.args.len() != 1 {
        return None;
    }
    match args.args.first()? {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

pub fn shape(ty: &Type) -> Shape {
    let (occurs, rest) = if let Some(t) = single_generic(ty, "Option") {
        (Occurs::Optional, t)
    } else if let Some(t) = single_generic(ty, "Vec") {
        (Occurs::Many, t)
    } else {
        (Occurs::One, ty)
    };
    match single_generic(rest, "Box") {
        Some(t) => Shape { occurs, inner: t.clone(), boxed: true },
        None => Shape { occurs, inner: rest.clone(), boxed: false },
    }
}
