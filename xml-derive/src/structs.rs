//! `#[derive(Xml)]` on structs: one field, one XML role.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, LitStr, Type};

use crate::attr::{self, FieldOpts, Role};
use crate::shape::{shape, Occurs, Shape};

pub struct Field {
    pub ident: Ident,
    pub ty: Type,
    pub opts: FieldOpts,
    pub shape: Shape,
}

/// The fields of a struct with their roles, checked for combinations that cannot work.
pub fn fields(input: &DeriveInput) -> syn::Result<Vec<Field>> {
    let syn::Data::Struct(data) = &input.data else { unreachable!() };
    let syn::Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new_spanned(&input.ident, "#[derive(Xml)] needs a struct with named fields"));
    };
    let mut out = Vec::new();
    let mut errors: Option<syn::Error> = None;
    let mut seen_extras = false;
    let mut seen_text = false;
    for f in &named.named {
        let opts = match attr::field_opts(f) {
            Ok(o) => o,
            Err(e) => {
                match &mut errors {
                    Some(all) => all.combine(e),
                    None => errors = Some(e),
                }
                continue;
            }
        };
        let shape = shape(&f.ty);
        let bad = |msg: &str| Err(syn::Error::new_spanned(&f.ty, msg));
        let check: syn::Result<()> = match (&opts.role, shape.occurs) {
            (Role::Attribute(_), Occurs::Many) => bad("an attribute occurs at most once: use `T` or `Option<T>`"),
            (Role::Text, Occurs::Many) => bad("text is one value: use `T` or `Option<T>`"),
            (Role::Flatten, o) if o != Occurs::One => {
                bad("a flattened group is always there: use `T` (make its own fields optional)")
            }
            (Role::Any, o) if o != Occurs::Many => bad("`any` collects elements: use `Vec<AnyElement>`"),
            (Role::Extras, _) if seen_extras => bad("only one `extras` field"),
            (Role::Text, _) if seen_text => bad("only one `text` field"),
            _ => Ok(()),
        };
        if let Err(e) = check {
            match &mut errors {
                Some(all) => all.combine(e),
                None => errors = Some(e),
            }
            continue;
        }
        seen_extras |= matches!(opts.role, Role::Extras);
        seen_text |= matches!(opts.role, Role::Text);
        if opts.non_empty && shape.occurs != Occurs::Many {
            let e = syn::Error::new_spanned(&f.ty, "`non_empty` applies to `Vec` fields");
            match &mut errors {
                Some(all) => all.combine(e),
                None => errors = Some(e),
            }
            continue;
        }
        out.push(Field { ident: f.ident.clone().expect("named"), ty: f.ty.clone(), opts, shape });
    }
    match errors {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    crate::no_generics(input)?;
    let opts = attr::container_opts(&input.attrs)?;
    if let Some(t) = opts.tag.as_ref().or(opts.child_text.as_ref()) {
        return Err(syn::Error::new_spanned(t, "`tag` and `child_text` choose enum variants; a struct has none"));
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
    let k = crate::krate(&opts);
    let name = &input.ident;
    let fields = fields(input)?;
    let content = content_impls(name, &fields, &k);
    let validate = validate_impl(name, &fields, opts.validate.as_ref(), &k);
    let construct = crate::construct::construct(input, &fields);
    let root = opts.root.as_ref().map(|r| {
        quote! {
            impl #k::read::XmlRoot for #name {
                const ROOT: &'static str = #r;
            }
        }
    });
    Ok(quote! {
        #content
        #validate
        #construct
        #root
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
    })
}

/// The value of a nested read, or (when recovering from its failure) the end of this offer
/// with the item left as unknown content. Written out rather than through
/// `ReadCtx::recover`, whose closure would be one more function per field to compile.
fn recovering(span: proc_macro2::Span, read: TokenStream) -> TokenStream {
    quote_spanned! {span=> {
        let mark = ctx.mark();
        match #read {
            ::std::result::Result::Ok(v) => v,
            ::std::result::Result::Err(e) => {
                ctx.recovered(mark, e)?;
                return ::std::result::Result::Ok(::std::option::Option::None);
            }
        }
    }}
}

fn wrap_box(shape: &Shape, e: TokenStream) -> TokenStream {
    if shape.boxed {
        quote!(::std::boxed::Box::new(#e))
    } else {
        e
    }
}

/// `ReadContent` and `WriteContent` for a struct.
fn content_impls(name: &Ident, fields: &[Field], k: &TokenStream) -> TokenStream {
    let partial = format_ident!("__{}Partial", name);
    let mut decls = Vec::new();
    let mut inits = Vec::new();
    let mut rank_consts = Vec::new();
    // Names of no namespace are told apart by one `match` (a switch on the length, then a
    // comparison or two), the rest by a chain of tests after it.
    let mut attr_names = Vec::new();
    let mut attr_arms = Vec::new();
    let mut child_names = Vec::new();
    let mut child_arms = Vec::new();
    let mut any_arms = Vec::new();
    let mut text_arms = Vec::new();
    let mut finish = Vec::new();
    let mut knows_attr = Vec::new();
    let mut knows_child = Vec::new();
    // The rank of each list of child elements, public: code that takes items out of a list
    // read from a document tells the recorded order which ones (`Extras::forget_items`).
    let mut list_ranks = Vec::new();
    let mut write_attrs = Vec::new();
    let mut write_children = Vec::new();
    let mut extras_expr = quote!(&#k::extras::NO_EXTRAS);
    let mut keeps = false;
    // The leading discriminating attributes of flattened groups come first, in field order
    // (`ReadContent::LEAD`): ranks `LEAD_AT_i..` of the first ranks; the fields' own follow.
    let mut lead_consts = Vec::new();
    let mut write_tags = Vec::new();
    let mut lead = quote!(0u16);
    for (i, f) in fields.iter().enumerate() {
        if f.opts.lead {
            let at = format_ident!("LEAD_AT_{}", i);
            let inner = &f.shape.inner;
            let id = &f.ident;
            let this = if f.shape.boxed { quote!(&*self.#id) } else { quote!(&self.#id) };
            lead_consts.push(quote!(const #at: u16 = #lead;));
            lead = quote!(#at + <#inner as #k::read::ReadContent>::LEAD);
            write_tags.push(quote! {
                let saved = w.enter_group(#at);
                <#inner as #k::write::WriteContent>::write_tags(#this, w, extras);
                w.leave_group(saved);
            });
        }
    }
    let has_lead = !write_tags.is_empty();
    // A struct whose fields may all be absent is its own partial state: read into its
    // fields where they stand, it is not moved field by field into a new value at the end
    // (less code per type, and the moves of wide structs such as `<os>`'s are gone).
    let own_partial = fields.iter().all(|f| match f.opts.role {
        Role::Flatten => false,
        Role::Extras | Role::Any => true,
        _ => f.shape.occurs != Occurs::One,
    });
    let mut own_finish = Vec::new();
    let mut extras_init = None;
    let mut prev = if has_lead { quote!(LEAD_TOTAL) } else { quote!(0u16) };

    for (i, f) in fields.iter().enumerate() {
        let id = &f.ident;
        let rank = format_ident!("RANK_{}", i);
        let inner = &f.shape.inner;
        let stored = if f.shape.boxed { quote!(::std::boxed::Box<#inner>) } else { quote!(#inner) };
        let slots = match f.opts.role {
            Role::Flatten => quote!(<#inner as #k::read::ReadContent>::SLOTS),
            Role::Extras => quote!(0u16),
            _ => quote!(1u16),
        };
        rank_consts.push(quote!(const #rank: u16 = #prev;));
        prev = quote!(#rank + #slots);
        let span = f.ty.span();
        let read_one = |e: TokenStream| wrap_box(&f.shape, e);

        match &f.opts.role {
            Role::Attribute(xml) => {
                decls.push(quote!(#id: ::std::option::Option<#stored>));
                inits.push(quote!(#id: ::std::option::Option::None));
                let take = match f.shape.boxed {
                    false => quote_spanned!(span=> ctx.take_attribute(node, attr, &mut p.#id, #rank)),
                    true => {
                        let parsed = read_one(recovering(
                            span,
                            quote_spanned!(span=> ctx.parse_attribute::<#inner>(node, attr)),
                        ));
                        quote! {{
                            p.#id = ::std::option::Option::Some(#parsed);
                            ::std::result::Result::Ok(::std::option::Option::Some(#rank))
                        }}
                    }
                };
                let bytes = syn::LitByteStr::new(xml.value().as_bytes(), xml.span());
                attr_names.push(quote!(#bytes => return #take,));
                finish.push(match f.shape.occurs {
                    Occurs::One => {
                        quote!(#id: p.#id.ok_or_else(|| ctx.missing_attribute(node, #xml))?)
                    }
                    _ => quote!(#id: p.#id),
                });
                knows_attr.push(quote!(name == #xml));
                write_attrs.push(each(&f.shape, id, |v| quote!(w.attribute(#rank, #xml, #v);)));
            }
            Role::Child(xml) => {
                let (decl, init, take) = child_slot(f, &stored, &rank, ("take_child", "push_child"));
                decls.push(decl);
                inits.push(init);
                let declare = match &f.opts.ns {
                    Some(ns) => {
                        let full = xml.value();
                        let (prefix, local) = full.split_once(':').expect("checked: prefixed");
                        child_arms.push(quote! {
                            if name.is_ns(#local, #ns) {
                                return #take;
                            }
                        });
                        quote!(w.declare_namespace(#prefix, #ns);)
                    }
                    None => {
                        let bytes = syn::LitByteStr::new(xml.value().as_bytes(), xml.span());
                        child_names.push(quote!(#bytes => return #take,));
                        quote!()
                    }
                };
                finish.push(match f.shape.occurs {
                    Occurs::One => {
                        quote!(#id: p.#id.ok_or_else(|| ctx.missing_element(node, #xml))?)
                    }
                    Occurs::Many => quote!(#id: #k::read::finish_list(p.#id)),
                    Occurs::Optional => quote!(#id: p.#id),
                });
                if f.shape.occurs == Occurs::Many {
                    own_finish.push(quote!(p.#id.shrink_to_fit();));
                    list_ranks.push(list_rank(id, &rank));
                }
                let local = xml.value().rsplit(':').next().unwrap_or_default().to_owned();
                knows_child.push(quote!(name == #local));
                let write_one = |v: TokenStream| quote_spanned!(span=> w.mark(#rank); #declare <#inner as #k::write::WriteElement>::write_element(#v, #xml, w););
                write_children.push(each(&f.shape, id, write_one));
            }
            Role::Choice => {
                let (decl, init, take) = child_slot(f, &stored, &rank, ("take_choice", "push_choice"));
                decls.push(decl);
                inits.push(init);
                child_arms.push(quote! {
                    if <#inner as #k::read::ElementChoice>::accepts_node(child) {
                        return #take;
                    }
                });
                finish.push(match f.shape.occurs {
                    Occurs::One => quote! {
                        #id: p.#id.ok_or_else(|| ctx.missing_element(node, &<#inner as #k::read::ElementChoice>::NAMES.join("> or <")))?
                    },
                    Occurs::Many => quote!(#id: #k::read::finish_list(p.#id)),
                    Occurs::Optional => quote!(#id: p.#id),
                });
                if f.shape.occurs == Occurs::Many {
                    own_finish.push(quote!(p.#id.shrink_to_fit();));
                    list_ranks.push(list_rank(id, &rank));
                }
                knows_child.push(quote!(<#inner as #k::read::ElementChoice>::accepts(name)));
                let write_one =
                    |v: TokenStream| quote_spanned!(span=> w.mark(#rank); #k::write::WriteChoice::write_choice(#v, w););
                write_children.push(each(&f.shape, id, write_one));
            }
            Role::Text => {
                decls.push(quote!(#id: ::std::option::Option<#stored>));
                inits.push(quote!(#id: ::std::option::Option::None));
                text_arms.push(match f.shape.boxed {
                    false => quote_spanned!(span=> return ctx.take_text(text, &mut p.#id, #rank);),
                    true => {
                        let parsed = read_one(recovering(span, quote_spanned!(span=> ctx.parse_text::<#inner>(text))));
                        quote! {
                            if p.#id.is_some() {
                                return ctx.second_text(text);
                            }
                            p.#id = ::std::option::Option::Some(#parsed);
                            return ::std::result::Result::Ok(::std::option::Option::Some(#rank));
                        }
                    }
                });
                let empty = read_one(quote_spanned!(span=> ctx.empty_text::<#inner>(node)?));
                finish.push(match f.shape.occurs {
                    Occurs::One => quote!(#id: match p.#id { ::std::option::Option::Some(v) => v, ::std::option::Option::None => #empty }),
                    _ => quote!(#id: p.#id),
                });
                write_children.push(each(&f.shape, id, |v| quote!(w.text(#rank, #v);)));
            }
            Role::Flatten => {
                let rc = quote_spanned!(span=> <#inner as #k::read::ReadContent>);
                let wc = quote_spanned!(span=> <#inner as #k::write::WriteContent>);
                let this = if f.shape.boxed { quote!(&*self.#id) } else { quote!(&self.#id) };
                decls.push(quote!(#id: #rc::Partial));
                inits.push(quote!(#id: #rc::begin(node, ctx)?));
                let rank_of = match f.opts.lead {
                    true => {
                        let at = format_ident!("LEAD_AT_{}", i);
                        quote!(if r < #rc::LEAD { #at + r } else { #rank + r })
                    }
                    false => quote!(#rank + r),
                };
                attr_arms.push(quote! {
                    if let ::std::option::Option::Some(r) = #rc::attribute(&mut p.#id, attr, node, ctx)? {
                        return ::std::result::Result::Ok(::std::option::Option::Some(#rank_of));
                    }
                });
                child_arms.push(quote! {
                    if let ::std::option::Option::Some(r) = #rc::child(&mut p.#id, child, ctx)? {
                        return ::std::result::Result::Ok(::std::option::Option::Some(#rank + r));
                    }
                });
                text_arms.push(quote! {
                    if let ::std::option::Option::Some(r) = #rc::text(&mut p.#id, text, ctx)? {
                        return ::std::result::Result::Ok(::std::option::Option::Some(#rank + r));
                    }
                });
                let value = read_one(quote!(#rc::finish(p.#id, node, #k::extras::Extras::none(), ctx)?));
                finish.push(quote!(#id: #value));
                knows_attr.push(quote!(#rc::knows_attribute(name)));
                knows_child.push(quote!(#rc::knows_child(name)));
                let method = if f.opts.lead { quote!(write_other_attributes) } else { quote!(write_attributes) };
                write_attrs.push(quote! {
                    let saved = w.enter_group(#rank);
                    #wc::#method(#this, w, extras);
                    w.leave_group(saved);
                });
                write_children.push(quote! {
                    let saved = w.enter_group(#rank);
                    #wc::write_children(#this, w, extras);
                    w.leave_group(saved);
                });
            }
            Role::Any => {
                decls.push(quote!(#id: ::std::vec::Vec<#stored>));
                inits.push(quote!(#id: ::std::vec::Vec::new()));
                let read = read_one(quote!(#k::AnyElement::read(child, ctx)?));
                any_arms.push(quote! {
                    p.#id.push(#read);
                    return ::std::result::Result::Ok(::std::option::Option::Some(#rank));
                });
                finish.push(quote!(#id: p.#id));
                write_children.push(quote! {
                    for e in &self.#id { w.mark(#rank); e.write(w); }
                });
            }
            Role::Extras => {
                finish.push(quote!(#id: extras));
                extras_init = Some(quote!(#id: #k::extras::Extras::none()));
                own_finish.push(quote!(p.#id = extras;));
                extras_expr = quote!(&self.#id);
                keeps = true;
            }
        }
    }
    let slots_total = prev;
    let knows_attr = if knows_attr.is_empty() { quote!(false) } else { quote!(#(#knows_attr)||*) };
    let knows_child = if knows_child.is_empty() { quote!(false) } else { quote!(#(#knows_child)||*) };

    let lead_total = has_lead.then(|| quote!(const LEAD_TOTAL: u16 = #lead;));
    let (lead_const, write_attributes) = if has_lead {
        (
            quote!(
                const LEAD: u16 = LEAD_TOTAL;
            ),
            quote! {
                fn write_attributes(&self, w: &mut #k::write::Writer, extras: &#k::extras::Extras) {
                    <Self as #k::write::WriteContent>::write_tags(self, w, extras);
                    <Self as #k::write::WriteContent>::write_other_attributes(self, w, extras);
                }
                fn write_tags(&self, w: &mut #k::write::Writer, extras: &#k::extras::Extras) {
                    #(#write_tags)*
                }
                fn write_other_attributes(&self, w: &mut #k::write::Writer, extras: &#k::extras::Extras) {
                    #(#write_attrs)*
                }
            },
        )
    } else {
        (
            quote!(),
            quote! {
                fn write_attributes(&self, w: &mut #k::write::Writer, extras: &#k::extras::Extras) {
                    #(#write_attrs)*
                }
            },
        )
    };

    let by_name = |names: &[TokenStream]| match names.is_empty() {
        true => quote!(),
        false => quote! {
            if let ::std::option::Option::Some(local) = name.plain() {
                match local {
                    #(#names)*
                    _ => {}
                }
            }
        },
    };
    let (attr_match, child_match) = (by_name(&attr_names), by_name(&child_names));

    let list_ranks_impl = (!list_ranks.is_empty()).then(|| quote!(impl #name { #(#list_ranks)* }));

    // (`partial` becomes the type's tokens, `finished` the value `finish` builds.)
    let (partial_decl, partial, begin, finished) = match own_partial {
        true => (
            quote!(),
            quote!(Self),
            quote!(Self { #(#inits,)* #extras_init }),
            quote!({
                let mut p = p;
                #(#own_finish)*
                p
            }),
        ),
        false => (
            quote!(#[doc(hidden)] pub struct #partial { #(#decls,)* }),
            quote!(#partial),
            quote!(#partial { #(#inits,)* }),
            quote!(#name { #(#finish,)* }),
        ),
    };

    quote! {
        const _: () = {
            #(#lead_consts)*
            #lead_total
            #(#rank_consts)*

            #partial_decl

            #list_ranks_impl

            #[allow(unused_variables, unreachable_code)]
            impl #k::read::ReadContent for #name {
                type Partial = #partial;
                const SLOTS: u16 = #slots_total;
                const KEEPS_EXTRAS: bool = #keeps;
                #lead_const

                fn begin(node: #k::read::Node<'_>, ctx: &mut #k::read::ReadCtx<'_>) -> #k::Result<#partial> {
                    ::std::result::Result::Ok(#begin)
                }
                fn attribute(
                    p: &mut #partial,
                    attr: &#k::read::Attribute<'_>,
                    node: #k::read::Node<'_>,
                    ctx: &mut #k::read::ReadCtx<'_>,
                ) -> #k::Result<::std::option::Option<u16>> {
                    let name = attr.name_bytes();
                    #attr_match
                    #(#attr_arms)*
                    ::std::result::Result::Ok(::std::option::Option::None)
                }
                fn child(
                    p: &mut #partial,
                    child: #k::read::Node<'_>,
                    ctx: &mut #k::read::ReadCtx<'_>,
                ) -> #k::Result<::std::option::Option<u16>> {
                    let name = child.name_bytes();
                    #child_match
                    #(#child_arms)*
                    #(#any_arms)*
                    ::std::result::Result::Ok(::std::option::Option::None)
                }
                fn text(
                    p: &mut #partial,
                    text: #k::read::Node<'_>,
                    ctx: &mut #k::read::ReadCtx<'_>,
                ) -> #k::Result<::std::option::Option<u16>> {
                    #(#text_arms)*
                    ::std::result::Result::Ok(::std::option::Option::None)
                }
                fn finish(
                    p: #partial,
                    node: #k::read::Node<'_>,
                    extras: #k::extras::Extras,
                    ctx: &mut #k::read::ReadCtx<'_>,
                ) -> #k::Result<Self> {
                    ::std::result::Result::Ok(#finished)
                }
                fn knows_attribute(name: &str) -> bool { #knows_attr }
                fn knows_child(name: &str) -> bool { #knows_child }
            }

            #[allow(unused_variables)]
            impl #k::write::WriteContent for #name {
                #write_attributes
                fn write_children(&self, w: &mut #k::write::Writer, extras: &#k::extras::Extras) {
                    #(#write_children)*
                }
                fn extras(&self) -> &#k::extras::Extras {
                    #extras_expr
                }
            }
        };
    }
}

/// `DEVICES_RANK`: the rank of the list field `devices` in the recorded order of its element.
fn list_rank(id: &Ident, rank: &Ident) -> TokenStream {
    let field = id.to_string();
    let name = format_ident!("{}_RANK", field.trim_start_matches("r#").to_uppercase());
    let doc = format!(
        "The rank of `{field}` in the order of children `Extras` records (see `Extras::forget_items`), \
         where this type is an element's own content; as the flattened content of another, its ranks \
         start at its place there."
    );
    quote! {
        #[doc = #doc]
        #[doc(hidden)]
        pub const #name: u16 = #rank;
    }
}

/// The partial state of a field of child elements (a list, or an option for a once-only
/// field), its initial value, and the `ReadCtx` call that takes a child into it: `take`
/// for a once-only field, `push` for a list (`take_child`/`push_child`, or the choice pair).
fn child_slot(
    f: &Field,
    stored: &TokenStream,
    rank: &Ident,
    (take, push): (&str, &str),
) -> (TokenStream, TokenStream, TokenStream) {
    let (id, inner, span) = (&f.ident, &f.shape.inner, f.ty.span());
    let call = |name: &str| {
        let name = format_ident!("{}", name);
        quote_spanned!(span=> ctx.#name::<#inner, _>(child, &mut p.#id, #rank))
    };
    match f.shape.occurs {
        Occurs::Many => (quote!(#id: ::std::vec::Vec<#stored>), quote!(#id: ::std::vec::Vec::new()), call(push)),
        _ => (quote!(#id: ::std::option::Option<#stored>), quote!(#id: ::std::option::Option::None), call(take)),
    }
}

/// A statement applying `one` to a reference to each present value of a field (`Box` seen
/// through).
fn each(shape: &Shape, id: &Ident, one: impl Fn(TokenStream) -> TokenStream) -> TokenStream {
    let item = if shape.boxed { quote!(&**v) } else { quote!(v) };
    match shape.occurs {
        Occurs::One => one(if shape.boxed { quote!(&*self.#id) } else { quote!(&self.#id) }),
        Occurs::Optional => {
            let body = one(item);
            quote!(if let ::std::option::Option::Some(v) = &self.#id { #body })
        }
        Occurs::Many => {
            let body = one(item);
            quote!(for v in &self.#id { #body })
        }
    }
}

fn validate_impl(name: &Ident, fields: &[Field], container: Option<&syn::Path>, k: &TokenStream) -> TokenStream {
    let mut stmts = Vec::new();
    for f in fields {
        let id = &f.ident;
        let inner = &f.shape.inner;
        let check = quote!(#k::validate::Validate::validate_with(v, val));
        let stmt = match &f.opts.role {
            Role::Attribute(xml) => each(&f.shape, id, |v| quote!(val.attribute_value(#xml, #v);)),
            Role::Child(xml) => match f.shape.occurs {
                Occurs::Many => quote! {
                    let n = self.#id.len();
                    for (i, v) in self.#id.iter().enumerate() {
                        val.element_value(#xml, (n > 1).then_some(i + 1), v);
                    }
                },
                _ => each(&f.shape, id, |v| quote!(val.element_value(#xml, None, #v);)),
            },
            Role::Choice => match f.shape.occurs {
                Occurs::Many => quote!(val.choices(&self.#id);),
                _ => each(&f.shape, id, |v| quote!({ let v = #v; val.choices(::std::slice::from_ref(v)); })),
            },
            Role::Text | Role::Flatten => each(&f.shape, id, |v| quote!({ let v = #v; #check; })),
            Role::Extras => quote!(#k::validate::Validate::validate_with(&self.#id, val);),
            Role::Any => quote!(),
        };
        stmts.push(stmt);
        if f.opts.non_empty {
            let what = match &f.opts.role {
                Role::Child(xml) => format!("at least one <{}> is required here", xml.value()),
                _ => format!("at least one {} is required here", f.ident),
            };
            let what = LitStr::new(&what, f.ident.span());
            stmts.push(quote!(if self.#id.is_empty() { val.report(#what); }));
        }
        if let Some(path) = &f.opts.validate {
            stmts.push(quote!(#path(&self.#id, val);));
        }
        let _ = inner;
    }
    if let Some(path) = container {
        stmts.push(quote!(#path(self, val);));
    }
    quote! {
        impl #k::validate::Validate for #name {
            #[allow(unused_variables)]
            fn validate_with(&self, val: &mut #k::validate::Validator) {
                #(#stmts)*
            }
        }
    }
}
