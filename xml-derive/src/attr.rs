//! The `#[xml(..)]` vocabulary, parsed with spans so that misuse points at the offending key.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, LitStr, Path};

/// What a struct field is in XML.
#[derive(Clone)]
pub enum Role {
    /// `#[xml(attribute = "name")]`
    Attribute(LitStr),
    /// `#[xml(child = "name")]`
    Child(LitStr),
    /// `#[xml(text)]`
    Text,
    /// `#[xml(flatten)]`: a group whose attributes and children are this element's.
    Flatten,
    /// `#[xml(choice)]`: child elements told apart by their name.
    Choice,
    /// `#[xml(any)]`: child elements of any name not otherwise taken.
    Any,
    /// `#[xml(extras)]`: where unknown content and layout are kept.
    Extras,
}

pub struct FieldOpts {
    pub role: Role,
    /// The namespace of a child element (`ns = "uri"`, with a prefixed name).
    pub ns: Option<LitStr>,
    pub validate: Option<Path>,
    pub non_empty: bool,
    /// A flattened group whose leading discriminating attributes (`ReadContent::LEAD`) are
    /// written before the owner's own attributes.
    pub lead: bool,
}

#[derive(Default)]
pub struct ContainerOpts {
    pub root: Option<LitStr>,
    pub krate: Option<Path>,
    pub validate: Option<Path>,
    pub tag: Option<LitStr>,
    /// With `tag`: the variant content's own leading discriminating attributes are written
    /// before this one (`<disk type='file' device='disk'>`, `type` being the content's).
    pub payload_tags_first: bool,
    pub child_text: Option<LitStr>,
    pub elements: bool,
    pub pattern: Option<LitStr>,
    pub min: Option<Expr>,
    pub max: Option<Expr>,
    /// `#[xml(serde)]` on a value type: serde reads and writes its XML text.
    pub serde: bool,
}

#[derive(Default)]
pub struct VariantOpts {
    pub value: Option<LitStr>,
    pub ns: Option<LitStr>,
    pub element: Option<LitStr>,
    pub default: bool,
    pub other: bool,
    pub if_attribute: Option<LitStr>,
    pub absent: bool,
}

fn xml_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("xml"))
}

pub fn field_opts(field: &syn::Field) -> syn::Result<FieldOpts> {
    let mut role: Option<(Role, Span)> = None;
    let mut validate = None;
    let mut non_empty = false;
    let mut lead = false;
    let mut ns = None;
    for attr in xml_attrs(&field.attrs) {
        attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            let new_role = if meta.path.is_ident("attribute") {
                Some(Role::Attribute(meta.value()?.parse()?))
            } else if meta.path.is_ident("child") {
                Some(Role::Child(meta.value()?.parse()?))
            } else if meta.path.is_ident("text") {
                Some(Role::Text)
            } else if meta.path.is_ident("flatten") {
                Some(Role::Flatten)
            } else if meta.path.is_ident("choice") {
                Some(Role::Choice)
            } else if meta.path.is_ident("any") {
                Some(Role::Any)
            } else if meta.path.is_ident("extras") {
                Some(Role::Extras)
            } else if meta.path.is_ident("validate") {
                let s: LitStr = meta.value()?.parse()?;
                validate = Some(s.parse::<Path>()?);
                None
            } else if meta.path.is_ident("non_empty") {
                non_empty = true;
                None
            } else if meta.path.is_ident("lead") {
                lead = true;
                None
            } else if meta.path.is_ident("ns") {
                ns = Some(meta.value()?.parse::<LitStr>()?);
                None
            } else {
                return Err(meta.error(
                    "unknown field option: expected one of `attribute = \"..\"`, `child = \"..\"`, \
                     `text`, `flatten`, `choice`, `any`, `extras`, `validate = \"path\"`, `non_empty`, `ns = \"..\"`, \
                     `lead`",
                ));
            };
            if let Some(r) = new_role {
                if role.is_some() {
                    return Err(syn::Error::new(span, "a field has one XML role; this is a second one"));
                }
                if let Role::Attribute(s) | Role::Child(s) = &r {
                    if s.value().is_empty() {
                        return Err(syn::Error::new_spanned(s, "an XML name cannot be empty"));
                    }
                }
                role = Some((r, span));
            }
            Ok(())
        })?;
    }
    let Some((role, _)) = role else {
        return Err(syn::Error::new_spanned(
            field,
            "field has no XML role: add #[xml(attribute = \"..\")], #[xml(child = \"..\")], #[xml(text)], \
             #[xml(flatten)], #[xml(choice)], #[xml(any)] or #[xml(extras)]",
        ));
    };
    if let Some(n) = &ns {
        if !matches!(&role, Role::Child(name) if name.value().contains(':')) {
            return Err(syn::Error::new_spanned(
                n,
                "`ns` goes with a prefixed child name: `child = \"prefix:name\", ns = \"uri\"`",
            ));
        }
    }
    if lead && !matches!(role, Role::Flatten) {
        return Err(syn::Error::new_spanned(field, "`lead` goes with `flatten`: a flattened group's tags lead"));
    }
    Ok(FieldOpts { role, ns, validate, non_empty, lead })
}

pub fn container_opts(attrs: &[Attribute]) -> syn::Result<ContainerOpts> {
    let mut o = ContainerOpts::default();
    for attr in xml_attrs(attrs) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("root") {
                o.root = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("crate") {
                let s: LitStr = meta.value()?.parse()?;
                o.krate = Some(s.parse()?);
            } else if meta.path.is_ident("validate") {
                let s: LitStr = meta.value()?.parse()?;
                o.validate = Some(s.parse()?);
            } else if meta.path.is_ident("tag") {
                o.tag = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("payload_tags_first") {
                o.payload_tags_first = true;
            } else if meta.path.is_ident("child_text") {
                o.child_text = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("elements") {
                o.elements = true;
            } else if meta.path.is_ident("pattern") {
                let s: LitStr = meta.value()?.parse()?;
                if let Err(e) = check_regex_syntax(&s.value()) {
                    return Err(syn::Error::new_spanned(&s, e));
                }
                o.pattern = Some(s);
            } else if meta.path.is_ident("min") {
                o.min = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("max") {
                o.max = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("serde") {
                o.serde = true;
            } else {
                return Err(meta.error(
                    "unknown type option: expected one of `root = \"..\"`, `crate = \"..\"`, \
                     `validate = \"path\"`, `tag = \"..\"`, `payload_tags_first`, `child_text = \"..\"`, `elements`, \
                     `pattern = \"..\"`, `min = ..`, `max = ..`, `serde`",
                ));
            }
            Ok(())
        })?;
    }
    Ok(o)
}

pub fn variant_opts(variant: &syn::Variant) -> syn::Result<VariantOpts> {
    let mut o = VariantOpts::default();
    for attr in xml_attrs(&variant.attrs) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("value") {
                o.value = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("element") {
                o.element = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("ns") {
                o.ns = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("default") {
                o.default = true;
            } else if meta.path.is_ident("other") {
                o.other = true;
            } else if meta.path.is_ident("absent") {
                o.absent = true;
            } else if meta.path.is_ident("if_attribute") {
                o.if_attribute = Some(meta.value()?.parse()?);
            } else {
                return Err(meta.error(
                    "unknown variant option: expected one of `value = \"..\"`, `element = \"..\"`, \
                     `default`, `absent`, `other`, `if_attribute = \"..\"`",
                ));
            }
            Ok(())
        })?;
    }
    Ok(o)
}

/// A light check that catches unbalanced groups at compile time; the runtime compiles the
/// pattern with the `regex` crate.
fn check_regex_syntax(p: &str) -> Result<(), String> {
    let mut depth = 0i32;
    let mut escaped = false;
    let mut class = false;
    for c in p.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '[' if !class => class = true,
            ']' if class => class = false,
            '(' if !class => depth += 1,
            ')' if !class => {
                depth -= 1;
                if depth < 0 {
                    return Err("pattern has an unmatched ')'".into());
                }
            }
            _ => {}
        }
    }
    if depth != 0 || class {
        return Err("pattern has an unclosed group or class".into());
    }
    Ok(())
}
