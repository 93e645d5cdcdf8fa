//! `#[derive(Xml)]` on enums: variants told apart by an attribute value (`tag`), by the text
//! of a child element (`child_text`), or by the element's own name (`elements`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{DeriveInput, Ident, LitStr, Type};

use crate::attr::{self, ContainerOpts};

struct Variant {
    ident: Ident,
    /// The payload type, `Box` removed.
    ty: Type,
    /// The payload is boxed (large or recursive content).
    boxed: bool,
    key: LitStr,
    ns: Option<LitStr>,
    default: bool,
    /// A variant with no content of its own (`Cdrom` of `<disk device='cdrom'>`): its
    /// payload type is `()`.
    unit: bool,
    /// For element variants that share a name: the attribute whose presence selects this one.
    if_attribute: Option<LitStr>,
    /// The variant of an absent discriminating attribute that has no value of its own
    /// (libvirt's "the hypervisor's default"): read when the attribute is absent, and
    /// written without it.
    absent: bool,
}

impl Variant {
    /// The match pattern of this variant of `name`, binding its payload to `binding`
    /// (a unit variant binds `&()`, through [`Variant::arm`]).
    fn pat(&self, name: &Ident, binding: TokenStream) -> TokenStream {
        let id = &self.ident;
        if self.unit {
            quote!(#name::#id)
        } else {
            quote!(#name::#id(#binding))
        }
    }

    /// A match arm for this variant whose body sees the payload as `binding`.
    fn arm(&self, name: &Ident, binding: TokenStream, body: TokenStream) -> TokenStream {
        let pat = self.pat(name, binding.clone());
        if self.unit {
            quote!(#pat => { #[allow(clippy::let_unit_value)] let #binding = &(); #body })
        } else {
            quote!(#pat => { #body })
        }
    }

    /// The variant of `name` holding the payload expression `e` (evaluated, then dropped,
    /// for a unit variant).
    fn build(&self, name: &Ident, e: TokenStream) -> TokenStream {
        let id = &self.ident;
        if self.unit {
            quote!({ #[allow(clippy::let_unit_value)] let () = #e; #name::#id })
        } else {
            let e = self.wrap(e);
            quote!(#name::#id(#e))
        }
    }

    /// The local part of an element variant's name.
    fn local(&self) -> String {
        self.key.value().rsplit(':').next().unwrap_or_default().to_owned()
    }

    /// The variant built from a payload expression of its unboxed type.
    fn wrap(&self, e: TokenStream) -> TokenStream {
        if self.boxed {
            quote!(::std::boxed::Box::new(#e))
        } else {
            e
        }
    }

    /// `Some("uri")` or `None`, as a pattern for a node's namespace.
    fn ns_tokens(&self) -> TokenStream {
        match &self.ns {
            Some(ns) => quote!(::std::option::Option::Some(#ns)),
            None => quote!(::std::option::Option::None),
        }
    }
}

/// The variants, and the `#[xml(other)] Other(Unrecognized)` catch-all of a dispatching enum: a
/// value the model does not know (a newer libvirt's disk type) whose content is kept as
/// unknown content in non-strict reading.
fn variants(input: &DeriveInput, elements: bool) -> syn::Result<(Vec<Variant>, Option<Ident>)> {
    let syn::Data::Enum(data) = &input.data else { unreachable!() };
    let mut out = Vec::new();
    let mut other = None;
    let mut default_seen = false;
    for v in &data.variants {
        let opts = attr::variant_opts(v)?;
        let (ty, unit) = match &v.fields {
            syn::Fields::Unnamed(u) if u.unnamed.len() == 1 => (u.unnamed[0].ty.clone(), false),
            syn::Fields::Unit if !elements && !opts.other => (syn::parse_quote!(()), true),
            _ => {
                let what = if elements { "`Variant(Type)`" } else { "`Variant(Type)`, or no value: `Variant`" };
                return Err(syn::Error::new_spanned(v, format!("each variant holds one value: {what}")));
            }
        };
        if opts.other {
            if elements {
                return Err(syn::Error::new_spanned(
                    v,
                    "an `elements` enum has no `other` variant: unknown elements stay in the parent's extras",
                ));
            }
            if other.is_some() {
                return Err(syn::Error::new_spanned(&v.ident, "only one `other` variant"));
            }
            other = Some(v.ident.clone());
            continue;
        }
        if opts.absent && (elements || opts.value.is_some() || opts.default) {
            let msg =
                "an `absent` variant is the one of a missing `tag` attribute: it has no `value` and is the default";
            return Err(syn::Error::new_spanned(&v.ident, msg));
        }
        let key = if opts.absent {
            LitStr::new("", v.ident.span())
        } else if elements {
            if let Some(val) = &opts.value {
                return Err(syn::Error::new_spanned(val, "an `elements` enum names each variant's `element = \"..\"`"));
            }
            opts.element.ok_or_else(|| syn::Error::new_spanned(&v.ident, "missing `#[xml(element = \"..\")]`"))?
        } else {
            if let Some(el) = &opts.element {
                return Err(syn::Error::new_spanned(el, "`element` is for `elements` enums; use `value = \"..\"`"));
            }
            opts.value.ok_or_else(|| syn::Error::new_spanned(&v.ident, "missing `#[xml(value = \"..\")]`"))?
        };
        if opts.default || opts.absent {
            if elements {
                return Err(syn::Error::new_spanned(&v.ident, "an `elements` enum has no default variant"));
            }
            if default_seen {
                return Err(syn::Error::new_spanned(&v.ident, "only one variant can be the `default`"));
            }
            default_seen = true;
        }
        if let Some(ns) = &opts.ns {
            if !elements || !key.value().contains(':') {
                let msg = "`ns` goes with a prefixed element name: `element = \"prefix:name\", ns = \"uri\"`";
                return Err(syn::Error::new_spanned(ns, msg));
            }
        }
        let shape = crate::shape::shape(&ty);
        if shape.occurs != crate::shape::Occurs::One {
            return Err(syn::Error::new_spanned(&ty, "a variant holds one value: `T` or `Box<T>`"));
        }
        if let Some(a) = &opts.if_attribute {
            if !elements {
                return Err(syn::Error::new_spanned(a, "`if_attribute` tells apart `elements` variants of one name"));
            }
        }
        out.push(Variant {
            ident: v.ident.clone(),
            ty: shape.inner,
            boxed: shape.boxed,
            key,
            ns: opts.ns,
            default: opts.default || opts.absent,
            absent: opts.absent,
            unit,
            if_attribute: opts.if_attribute,
        });
    }
    if out.is_empty() {
        return Err(syn::Error::new_spanned(&input.ident, "an XML enum needs at least one variant"));
    }
    Ok((out, other))
}

pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    crate::no_generics(input)?;
    let opts = attr::container_opts(&input.attrs)?;
    let kinds = [opts.tag.is_some(), opts.child_text.is_some(), opts.elements].iter().filter(|b| **b).count();
    if kinds != 1 {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "say how variants are told apart: #[xml(tag = \"attribute\")], #[xml(child_text = \"element\")] \
             or #[xml(elements)] (string values use #[derive(XmlValue)])",
        ));
    }
    if opts.pattern.is_some() || opts.min.is_some() || opts.max.is_some() {
        return Err(syn::Error::new_spanned(&input.ident, "facets belong on `#[derive(XmlValue)]` newtypes"));
    }
    if opts.serde {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "`serde` is for #[derive(XmlValue)] types; derive serde's traits on elements",
        ));
    }
    if opts.payload_tags_first && opts.tag.is_none() {
        return Err(syn::Error::new_spanned(&input.ident, "`payload_tags_first` goes with `tag = \"..\"`"));
    }
    let k = crate::krate(&opts);
    let (vs, other) = variants(input, opts.elements)?;
    let name = &input.ident;
    let body = if opts.elements {
        if let Some(r) = &opts.root {
            return Err(syn::Error::new_spanned(r, "an `elements` enum is a choice of roots; it has no single root"));
        }
        let accessors = accessors(name, &vs, |key| format!("The `<{key}>`, when this is one."));
        let choice = element_choice(name, &vs, &k);
        quote!(#choice #accessors)
    } else {
        let told_by = opts.tag.as_ref().map(|t| format!("`{}`", t.value()));
        let told_by = told_by.or_else(|| opts.child_text.as_ref().map(|c| format!("the text of `<{}>`", c.value())));
        let told_by = told_by.unwrap_or_default();
        let accessors = accessors(name, &vs, |key| format!("The content, when {told_by} is `{key}`."));
        let dispatching = dispatching(name, &vs, other.as_ref(), &opts, &k);
        quote!(#dispatching #accessors)
    };
    let validate = validate(name, &vs, other.as_ref(), opts.elements, opts.validate.as_ref(), &k);
    Ok(quote!(#body #validate))
}

fn validate(
    name: &Ident,
    vs: &[Variant],
    other: Option<&Ident>,
    elements: bool,
    container: Option<&syn::Path>,
    k: &TokenStream,
) -> TokenStream {
    let listed: Vec<String> = vs.iter().filter(|v| !v.absent).map(|v| format!("'{}'", v.key.value())).collect();
    let unknown = format!("is not one the model knows: expected one of {}", listed.join(", "));
    let other_arm = other.map(|o| quote!(#name::#o(v) => val.invalid(&v.value, #unknown),));
    let arms: Vec<TokenStream> = vs
        .iter()
        .map(|v| {
            let key = &v.key;
            if elements {
                v.arm(name, quote!(v), quote!(val.element_value(#key, index, v);))
            } else {
                v.arm(name, quote!(v), quote!(#k::validate::Validate::validate_with(v, val);))
            }
        })
        .collect();
    let extra = container.map(|p| quote!(#p(self, val);));
    let impl_choice = elements.then(|| {
        quote! {
            impl #k::validate::Validate for #name {
                fn validate_with(&self, val: &mut #k::validate::Validator) {
                    self.validate_choice(val, ::std::option::Option::None);
                }
            }
            impl #name {
                #[doc(hidden)]
                pub fn validate_choice(&self, val: &mut #k::validate::Validator, index: ::std::option::Option<usize>) {
                    match self { #(#arms)* }
                    #extra
                }
            }
            impl #k::validate::ValidateChoice for #name {
                fn validate_choice(&self, val: &mut #k::validate::Validator, index: ::std::option::Option<usize>) {
                    #name::validate_choice(self, val, index)
                }
            }
        }
    });
    match impl_choice {
        Some(t) => t,
        None => {
            quote! {
                impl #k::validate::Validate for #name {
                    fn validate_with(&self, val: &mut #k::validate::Validator) {
                        match self { #(#arms)* #other_arm }
                        #extra
                    }
                }
            }
        }
    }
}

/// `as_disk()` and `as_disk_mut()` for each element of a choice, `as_direct()` for each kind
/// of a tag enum (`<interface type='direct'>`): the payload when the value is that one, so
/// that `devices.iter().filter_map(Device::as_disk)` picks the disks and
/// `nic.kind.as_direct()` reads a macvtap NIC's source without a match. Inline: nothing is
/// compiled for an accessor nobody calls.
fn accessors(name: &Ident, vs: &[Variant], doc: impl Fn(&str) -> String) -> TokenStream {
    let methods = vs.iter().filter(|v| !v.unit && !v.absent).map(|v| {
        let snake = crate::value::lower_words(&v.ident.to_string(), '_');
        let (get, get_mut) = (format_ident!("as_{}", snake), format_ident!("as_{}_mut", snake));
        let (id, ty) = (&v.ident, &v.ty);
        let (shared, unique) = if v.boxed { (quote!(&**x), quote!(&mut **x)) } else { (quote!(x), quote!(x)) };
        let doc = doc(&v.key.value());
        quote! {
            #[doc = #doc]
            #[inline]
            #[allow(unreachable_patterns)]
            pub fn #get(&self) -> ::std::option::Option<&#ty> {
                match self {
                    #name::#id(x) => ::std::option::Option::Some(#shared),
                    _ => ::std::option::Option::None,
                }
            }
            #[doc = #doc]
            #[inline]
            #[allow(unreachable_patterns)]
            pub fn #get_mut(&mut self) -> ::std::option::Option<&mut #ty> {
                match self {
                    #name::#id(x) => ::std::option::Option::Some(#unique),
                    _ => ::std::option::Option::None,
                }
            }
        }
    });
    quote!(impl #name { #(#methods)* })
}

fn element_choice(name: &Ident, vs: &[Variant], k: &TokenStream) -> TokenStream {
    let keys: Vec<&LitStr> = vs.iter().map(|v| &v.key).collect();
    let locals: Vec<String> = vs.iter().map(Variant::local).collect();
    let read_arms = vs.iter().map(|v| {
        let (ty, local, ns) = (&v.ty, v.local(), v.ns_tokens());
        let value = v.build(name, quote!(<#ty as #k::read::ReadElement>::read_element(node, ctx)?));
        let when =
            v.if_attribute.as_ref().map(|a| quote!(&& node.attributes().any(|x| #k::read::attribute_is(&x, #a))));
        quote!((#local, ns) if ns == #ns #when => ::std::result::Result::Ok(#value),)
    });
    let accept_arms = vs.iter().map(|v| {
        let (local, ns) = (v.local(), v.ns_tokens());
        quote!((#local, ns) if ns == #ns => true,)
    });
    let name_arms = vs.iter().map(|v| {
        let key = &v.key;
        v.arm(name, quote!(_), quote!(#key))
    });
    let write_arms = vs.iter().map(|v| {
        let (ty, key) = (&v.ty, &v.key);
        let declare = v.ns.as_ref().map(|ns| {
            let prefix = v.key.value().split(':').next().unwrap_or_default().to_owned();
            quote!(w.declare_namespace(#prefix, #ns);)
        });
        v.arm(name, quote!(v), quote!(#declare <#ty as #k::write::WriteElement>::write_element(v, #key, w)))
    });

    let froms = from_impls(name, vs);
    quote! {
        impl #k::read::ElementChoice for #name {
            const NAMES: &'static [&'static str] = &[#(#keys),*];
            fn accepts(name: &str) -> bool {
                matches!(name, #(#locals)|*)
            }
            fn accepts_node(node: #k::read::Node<'_>) -> bool {
                match (node.tag_name().name(), node.tag_name().namespace()) {
                    #(#accept_arms)*
                    _ => false,
                }
            }
            fn read_choice(node: #k::read::Node<'_>, ctx: &mut #k::read::ReadCtx<'_>) -> #k::Result<Self> {
                match (node.tag_name().name(), node.tag_name().namespace()) {
                    #(#read_arms)*
                    _ => ::std::result::Result::Err(ctx.unknown_element(node, Self::NAMES)),
                }
            }
            fn element_name(&self) -> &'static str {
                match self { #(#name_arms)* }
            }
        }
        impl #k::write::WriteChoice for #name {
            fn write_choice(&self, w: &mut #k::write::Writer) {
                match self { #(#write_arms)* }
            }
        }
        #froms
    }
}

/// `From<Payload>` for each variant whose payload type no other variant shares.
fn from_impls(name: &Ident, vs: &[Variant]) -> TokenStream {
    let mut out = Vec::new();
    for v in vs.iter().filter(|v| !v.unit) {
        let ty = &v.ty;
        let ty_str = quote!(#ty).to_string();
        let same = vs.iter().filter(|o| {
            let t = &o.ty;
            quote!(#t).to_string() == ty_str
        });
        if same.count() > 1 {
            continue;
        }
        let value = v.build(name, quote!(v));
        out.push(quote! {
            impl ::std::convert::From<#ty> for #name {
                fn from(v: #ty) -> Self { #value }
            }
        });
    }
    quote!(#(#out)*)
}

fn dispatching(
    name: &Ident,
    vs: &[Variant],
    other: Option<&Ident>,
    opts: &ContainerOpts,
    k: &TokenStream,
) -> TokenStream {
    let partial = format_ident!("__{}Partial", name);
    let by_tag = opts.tag.is_some();
    let key_name = opts.tag.as_ref().or(opts.child_text.as_ref()).expect("checked");
    let tys: Vec<&Type> = vs.iter().map(|v| &v.ty).collect();
    // A tag attribute takes rank 0 and leads (`ReadContent::LEAD`); variant content follows.
    // With `payload_tags_first`, the content's own leading attributes take the first ranks
    // (`PAYLOAD_LEAD` of them at most), then the tag.
    let payload_first = opts.payload_tags_first;
    let mut payload_lead = quote!(0u16);
    for ty in &tys {
        payload_lead = quote!(#k::__private::max(#payload_lead, <#ty as #k::read::ReadContent>::LEAD));
    }
    let (tag_rank, offset) = match (by_tag, payload_first) {
        (false, _) => (quote!(0u16), quote!(0u16)),
        (true, false) => (quote!(0u16), quote!(1u16)),
        (true, true) => (quote!(PAYLOAD_LEAD), quote!((PAYLOAD_LEAD + 1))),
    };
    let payload_lead_const = payload_first.then(|| quote!(const PAYLOAD_LEAD: u16 = #payload_lead;));
    let lead_const = by_tag.then(|| quote!(const LEAD: u16 = #offset;));
    let values: Vec<String> = vs.iter().filter(|v| !v.absent).map(|v| format!("'{}'", v.key.value())).collect();
    let expected = format!("one of {}", values.join(", "));
    let ids: Vec<&Ident> = vs.iter().map(|v| &v.ident).collect();

    let begin_arms = vs.iter().filter(|v| !v.absent).map(|v| {
        let (id, ty, key) = (&v.ident, &v.ty, &v.key);
        quote!(::std::option::Option::Some(#key) => #partial::#id(<#ty as #k::read::ReadContent>::begin(node, ctx)?),)
    });
    let absent = match vs.iter().find(|v| v.default) {
        Some(v) => {
            let (id, ty) = (&v.ident, &v.ty);
            let note = (by_tag && !v.absent).then(|| quote!(ctx.note_absent_tag(#key_name);));
            quote!(::std::option::Option::None => { #note #partial::#id(<#ty as #k::read::ReadContent>::begin(node, ctx)?) })
        }
        None if by_tag => {
            quote!(::std::option::Option::None => return ::std::result::Result::Err(ctx.missing_attribute(node, #key_name)),)
        }
        None => {
            quote!(::std::option::Option::None => return ::std::result::Result::Err(ctx.missing_element(node, #key_name)),)
        }
    };
    let (lookup, bad_value) = if by_tag {
        (
            quote!(node.attribute(#key_name)),
            quote! {
                ::std::option::Option::Some(_) => {
                    let attr = node.attributes().find(|a| #k::read::attribute_is(a, #key_name)).expect("present");
                    return ::std::result::Result::Err(ctx.error_at_attribute(node, &attr, #k::ErrorKind::InvalidValue {
                        value: attr.value().to_owned(), expected: #expected.to_owned() }));
                }
            },
        )
    } else {
        (
            quote!(node.children().find(|c| #k::read::is_named(*c, #key_name)).map(|c| c.text().unwrap_or("").trim())),
            quote! {
                ::std::option::Option::Some(v) => {
                    let c = node.children().find(|c| #k::read::is_named(*c, #key_name)).expect("present");
                    return ::std::result::Result::Err(ctx.error_at(c, #k::ErrorKind::InvalidValue {
                        value: v.to_owned(), expected: #expected.to_owned() }));
                }
            },
        )
    };
    let bad_value = match other {
        Some(o) => quote! {
            ::std::option::Option::Some(v) if !ctx.options().strict => #partial::#o(::std::string::String::from(v)),
            #bad_value
        },
        None => bad_value,
    };
    let tag_attr = by_tag.then(|| {
        quote! {
            if #k::read::attribute_is(attr, #key_name) {
                return ::std::result::Result::Ok(::std::option::Option::Some(#tag_rank));
            }
        }
    });
    // A variant content's attribute rank, as this enum's.
    let attr_rank = |ty: &Type| match payload_first {
        false => quote!(#offset + r),
        true => quote!(if r < <#ty as #k::read::ReadContent>::LEAD { r } else { #offset + r }),
    };
    let attr_take_arms = vs.iter().map(|v| {
        let (id, ty) = (&v.ident, &v.ty);
        let rank = attr_rank(ty);
        quote!(#partial::#id(q) => <#ty as #k::read::ReadContent>::attribute(q, attr, node, ctx)?.map(|r| #rank),)
    });
    // Content that belongs to another variant: in strict mode, name both.
    let conflict = |what: TokenStream, knows: TokenStream| {
        let arms = vs.iter().map(|v| {
            let (id, key) = (&v.ident, &v.key);
            let others = vs.iter().filter(|o| o.ident != v.ident).map(|o| {
                let (oty, okey) = (&o.ty, &o.key);
                quote! {
                    if <#oty as #k::read::ReadContent>::#knows {
                        return ::std::result::Result::Err(ctx.variant_conflict(#what, #key_name, #okey, #key));
                    }
                }
            });
            quote!(#partial::#id(_) => { #(#others)* })
        });
        let other_arm = other.map(|o| quote!(#partial::#o(_) => {}));
        quote! {
            if ctx.options().strict {
                match p { #(#arms)* #other_arm }
            }
        }
    };
    let attr_conflict = conflict(quote!(ctx.attribute_node_error(node, attr)), quote!(knows_attribute(attr.name())));
    let child_conflict = conflict(quote!(ctx.node_error(child)), quote!(knows_child(child.tag_name().name())));

    let write_tag = |v: &Variant| -> TokenStream {
        if !by_tag {
            return quote!();
        }
        let key = &v.key;
        if v.absent {
            quote!()
        } else if v.default {
            quote!(if !#k::write::tag_absent(extras, #key_name) { w.attribute_str(#tag_rank, #key_name, #key); })
        } else {
            quote!(w.attribute_str(#tag_rank, #key_name, #key);)
        }
    };
    let write_attr_arms = vs.iter().map(|v| {
        let ty = &v.ty;
        let tag = write_tag(v);
        v.arm(
            name,
            quote!(v),
            quote! {
                #tag
                let saved = w.enter_group(#offset);
                <#ty as #k::write::WriteContent>::write_attributes(v, w, extras);
                w.leave_group(saved);
            },
        )
    });
    let write_tags_arms = vs.iter().map(|v| {
        let ty = &v.ty;
        let tag = write_tag(v);
        let payload = payload_first.then(|| quote!(<#ty as #k::write::WriteContent>::write_tags(v, w, extras);));
        v.arm(name, quote!(v), quote!(#payload #tag))
    });
    let write_other_arms = vs.iter().map(|v| {
        let ty = &v.ty;
        let method = if payload_first { quote!(write_other_attributes) } else { quote!(write_attributes) };
        v.arm(
            name,
            quote!(v),
            quote! {
                let saved = w.enter_group(#offset);
                <#ty as #k::write::WriteContent>::#method(v, w, extras);
                w.leave_group(saved);
            },
        )
    });
    let root = opts.root.as_ref().map(|r| {
        quote! {
            impl #k::read::XmlRoot for #name {
                const ROOT: &'static str = #r;
            }
        }
    });
    let mut slots = quote!(0u16);
    for ty in &tys {
        slots = quote!(#k::__private::max(#slots, <#ty as #k::read::ReadContent>::SLOTS));
    }
    let froms = from_impls(name, vs);
    let finish_arms = vs.iter().map(|v| {
        let (id, ty) = (&v.ident, &v.ty);
        let value = v.build(name, quote!(<#ty as #k::read::ReadContent>::finish(q, node, extras, ctx)?));
        quote!(#partial::#id(q) => #value,)
    });
    let write_children_arms = vs.iter().map(|v| {
        let ty = &v.ty;
        v.arm(name, quote!(v), quote!(<#ty as #k::write::WriteContent>::write_children(v, w, extras)))
    });
    let extras_arms = vs.iter().map(|v| {
        let ty = &v.ty;
        v.arm(name, quote!(v), quote!(<#ty as #k::write::WriteContent>::extras(v)))
    });
    let key_arms = vs.iter().map(|v| {
        let key = &v.key;
        v.arm(name, quote!(_), quote!(#key))
    });
    let other_decl = other.map(|o| quote!(#o(::std::string::String),));
    let other_none = other.map(|o| quote!(#partial::#o(_) => ::std::option::Option::None,));
    let other_finish =
        other.map(|o| quote!(#partial::#o(value) => #name::#o(#k::extras::Unrecognized { value, extras }),));
    let other_write_attr = other.map(|o| {
        let tag = by_tag.then(|| quote!(w.attribute_str(#tag_rank, #key_name, &v.value);));
        quote!(#name::#o(v) => { #tag })
    });
    let other_unit_attr = other.map(|o| quote!(#name::#o(_) => {}));
    let write_attributes = if by_tag {
        quote! {
            fn write_attributes(&self, w: &mut #k::write::Writer, extras: &#k::extras::Extras) {
                <Self as #k::write::WriteContent>::write_tags(self, w, extras);
                <Self as #k::write::WriteContent>::write_other_attributes(self, w, extras);
            }
            fn write_tags(&self, w: &mut #k::write::Writer, extras: &#k::extras::Extras) {
                match self { #(#write_tags_arms)* #other_write_attr }
            }
            fn write_other_attributes(&self, w: &mut #k::write::Writer, extras: &#k::extras::Extras) {
                match self { #(#write_other_arms)* #other_unit_attr }
            }
        }
    } else {
        quote! {
            fn write_attributes(&self, w: &mut #k::write::Writer, extras: &#k::extras::Extras) {
                match self { #(#write_attr_arms)* #other_write_attr }
            }
        }
    };
    let other_unit = other.map(|o| quote!(#name::#o(_) => {}));
    let other_extras = other.map(|o| quote!(#name::#o(v) => &v.extras,));
    let other_key = other.map(|o| quote!(#name::#o(v) => v.value.as_str(),));

    quote! {
        const _: () = {
            #[doc(hidden)]
            pub enum #partial { #(#ids(<#tys as #k::read::ReadContent>::Partial),)* #other_decl }
            #payload_lead_const

            #[allow(unused_variables, unreachable_code)]
            impl #k::read::ReadContent for #name {
                type Partial = #partial;
                const SLOTS: u16 = #offset + #slots;
                const KEEPS_EXTRAS: bool = true #(&& <#tys as #k::read::ReadContent>::KEEPS_EXTRAS)*;
                #lead_const

                fn begin(node: #k::read::Node<'_>, ctx: &mut #k::read::ReadCtx<'_>) -> #k::Result<#partial> {
                    ::std::result::Result::Ok(match #lookup {
                        #(#begin_arms)*
                        #absent
                        #bad_value
                    })
                }
                fn attribute(
                    p: &mut #partial,
                    attr: &#k::read::Attribute<'_>,
                    node: #k::read::Node<'_>,
                    ctx: &mut #k::read::ReadCtx<'_>,
                ) -> #k::Result<::std::option::Option<u16>> {
                    #tag_attr
                    let taken = match p {
                        #(#attr_take_arms)*
                        #other_none
                    };
                    if taken.is_some() {
                        return ::std::result::Result::Ok(taken);
                    }
                    #attr_conflict
                    ::std::result::Result::Ok(::std::option::Option::None)
                }
                fn child(
                    p: &mut #partial,
                    child: #k::read::Node<'_>,
                    ctx: &mut #k::read::ReadCtx<'_>,
                ) -> #k::Result<::std::option::Option<u16>> {
                    let taken = match p {
                        #(#partial::#ids(q) => <#tys as #k::read::ReadContent>::child(q, child, ctx)?,)*
                        #other_none
                    };
                    if let ::std::option::Option::Some(r) = taken {
                        return ::std::result::Result::Ok(::std::option::Option::Some(#offset + r));
                    }
                    #child_conflict
                    ::std::result::Result::Ok(::std::option::Option::None)
                }
                fn text(
                    p: &mut #partial,
                    text: #k::read::Node<'_>,
                    ctx: &mut #k::read::ReadCtx<'_>,
                ) -> #k::Result<::std::option::Option<u16>> {
                    let taken = match p {
                        #(#partial::#ids(q) => <#tys as #k::read::ReadContent>::text(q, text, ctx)?,)*
                        #other_none
                    };
                    ::std::result::Result::Ok(taken.map(|r| #offset + r))
                }
                fn finish(
                    p: #partial,
                    node: #k::read::Node<'_>,
                    extras: #k::extras::Extras,
                    ctx: &mut #k::read::ReadCtx<'_>,
                ) -> #k::Result<Self> {
                    ::std::result::Result::Ok(match p {
                        #(#finish_arms)*
                        #other_finish
                    })
                }
                fn knows_attribute(name: &str) -> bool {
                    name == #key_name #(|| <#tys as #k::read::ReadContent>::knows_attribute(name))*
                }
                fn knows_child(name: &str) -> bool {
                    false #(|| <#tys as #k::read::ReadContent>::knows_child(name))*
                }
            }

            impl #k::write::WriteContent for #name {
                #write_attributes
                fn write_children(&self, w: &mut #k::write::Writer, extras: &#k::extras::Extras) {
                    let saved = w.enter_group(#offset);
                    match self {
                        #(#write_children_arms)*
                        #other_unit
                    }
                    w.leave_group(saved);
                }
                fn extras(&self) -> &#k::extras::Extras {
                    match self {
                        #(#extras_arms)*
                        #other_extras
                    }
                }
            }
        };

        impl #name {
            /// The value of the discriminating attribute or child text for this variant.
            pub fn variant_key(&self) -> &str {
                match self { #(#key_arms)* #other_key }
            }
        }

        impl #k::read::ReadElement for #name {
            fn read_element(node: #k::read::Node<'_>, ctx: &mut #k::read::ReadCtx<'_>) -> #k::Result<Self> {
                #k::read::read_element::<Self>(node, ctx)
            }
        }
        impl #k::write::WriteElement for #name {
            fn write_element(&self, name: &str, w: &mut #k::write::Writer) {
                #k::write::write_element(self, name, w)
            }
        }
        #froms
        #root
    }
}
