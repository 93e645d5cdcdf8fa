//! Construction: `Type::new(required..)` and a chaining setter per field, on the value itself;
//! beside it, `set_<field>` changes a value in place.
//!
//! ```ignore
//! let cpu = Cpu::new().mode(CpuMode::HostModel).maxphysaddr(MaxPhysAddr::new(PhysAddrMode::Passthrough));
//! guest.set_cpu(cpu); // on a `&mut Domain`, as in `Guest::edit`
//! ```
//!
//! Setters take anything that converts into the field's type (`41` for a `Number<u32>`,
//! `true` for a yes/no enum) and box what the field boxes, so a caller never writes
//! `Box::new`, `Some` or `.into()`. A list has a setter for all its items and one that adds
//! an item, named after one item (`pages([..])`, `page(..)`; `push_listen(..)` where a field
//! is already called `listen`). An optional empty element, a flag by its presence
//! (`<features><acpi/>`, `<disk><readonly/>`), is set with a `bool`: `.acpi(true)`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{DeriveInput, Ident};

use crate::attr::Role;
use crate::shape::Occurs;
use crate::structs::Field;

/// The singular of a list field's name, for the method that adds one item
/// (`devices` -> `device`, `entries` -> `entry`, `addresses` -> `address`).
fn singular(name: &str) -> Option<String> {
    if let Some(b) = name.strip_suffix("ies") {
        Some(format!("{b}y"))
    } else if name.ends_with("sses") || name.ends_with("xes") || name.ends_with("ches") || name.ends_with("shes") {
        Some(name[..name.len() - 2].to_owned())
    } else if name.ends_with('s') && !name.ends_with("ss") && name.len() > 1 {
        Some(name[..name.len() - 1].to_owned())
    } else {
        None
    }
}

/// Whether a field's type is the runtime's `Empty`: an element with no content of its own,
/// whose presence is what it says.
fn is_empty_element(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Empty"))
}

/// The setters of an optional empty element: `true` puts it there (keeping the one already
/// there, with what it holds), `false` takes it out.
fn flag_setter_pair(id: &Ident, what: &str) -> TokenStream {
    let set = format_ident!("set_{}", id.to_string().trim_start_matches("r#").trim_end_matches('_'));
    let doc = format!(" Puts {what} there (`true`) or leaves it out (`false`).");
    let doc_set =
        format!(" Puts {what} there (`true`; one already there is kept as it is) or takes it out (`false`), in place.");
    quote! {
        #[doc = #doc]
        #[must_use]
        pub fn #id(mut self, present: bool) -> Self {
            self.#set(present);
            self
        }
        #[doc = #doc_set]
        pub fn #set(&mut self, present: bool) -> &mut Self {
            match present {
                true => {
                    self.#id.get_or_insert_with(::std::default::Default::default);
                }
                false => self.#id = ::std::option::Option::None,
            }
            self
        }
    }
}

/// The setter that builds (`id(self, value) -> Self`) and the one that changes a value in
/// place (`set_id(&mut self, value)`, for a document read back or the closure of
/// `Guest::edit`), both taking what converts into the field's type; `value` is the
/// expression stored, made from `value`.
fn setter_pair(id: &Ident, inner: &syn::Type, what: &str, value: TokenStream) -> TokenStream {
    // `set_match`, not `set_match_`: the `_` keeps a keyword apart, which `set_` does too.
    let set = format_ident!("set_{}", id.to_string().trim_start_matches("r#").trim_end_matches('_'));
    let doc = format!(" Sets {what}.");
    let doc_set = format!(" Sets {what} in place, replacing what was there.");
    quote! {
        #[doc = #doc]
        #[must_use]
        pub fn #id(mut self, value: impl ::std::convert::Into<#inner>) -> Self {
            self.#set(value);
            self
        }
        #[doc = #doc_set]
        pub fn #set(&mut self, value: impl ::std::convert::Into<#inner>) -> &mut Self {
            self.#id = #value;
            self
        }
    }
}

pub fn construct(input: &DeriveInput, fields: &[Field]) -> TokenStream {
    let name = &input.ident;
    let taken: Vec<String> = fields.iter().map(|f| f.ident.to_string()).collect();
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    let mut required_docs = Vec::new();
    for f in fields {
        let id = &f.ident;
        if matches!(f.opts.role, Role::Extras) {
            inits.push(quote!(#id: ::std::default::Default::default()));
            continue;
        }
        let inner = &f.shape.inner;
        let boxed = |e: TokenStream| if f.shape.boxed { quote!(::std::boxed::Box::new(#e)) } else { e };
        let what = match &f.opts.role {
            Role::Attribute(x) => format!("the attribute `{}`", x.value()),
            Role::Child(x) => format!("the element `<{}>`", x.value()),
            Role::Text => "the text content".to_owned(),
            _ => format!("`{id}`"),
        };
        match f.shape.occurs {
            Occurs::One => {
                let value = boxed(quote!(#id.into()));
                params.push(quote!(#id: impl ::std::convert::Into<#inner>));
                inits.push(quote!(#id: #value));
                required_docs.push(format!("`{id}` ({what})"));
                setters.push(setter_pair(id, inner, &what, boxed(quote!(value.into()))));
            }
            Occurs::Optional if !f.shape.boxed && is_empty_element(inner) => {
                inits.push(quote!(#id: ::std::option::Option::None));
                setters.push(flag_setter_pair(id, &what));
            }
            Occurs::Optional => {
                inits.push(quote!(#id: ::std::option::Option::None));
                let value = boxed(quote!(value.into()));
                setters.push(setter_pair(id, inner, &what, quote!(::std::option::Option::Some(#value))));
            }
            Occurs::Many => {
                inits.push(quote!(#id: ::std::vec::Vec::new()));
                let item = boxed(quote!(item.into()));
                let doc_all = format!(" Sets all of {what}.");
                setters.push(quote! {
                    #[doc = #doc_all]
                    #[must_use]
                    pub fn #id<I: ::std::convert::Into<#inner>>(mut self, items: impl ::std::iter::IntoIterator<Item = I>) -> Self {
                        self.#id = items.into_iter().map(|item| #item).collect();
                        self
                    }
                });
                // A singular that is a keyword (`enums` -> `enum`) takes `_`, as fields do; one
                // a field already has (`listen`, the attribute beside `<listen>` children)
                // is `push_listen`.
                let one = match singular(&id.to_string()) {
                    Some(s) if syn::parse_str::<Ident>(&s).is_err() => format!("{s}_"),
                    Some(s) if !taken.contains(&s) && s != "new" => s,
                    Some(s) => format!("push_{s}"),
                    None => format!("push_{id}"),
                };
                let one = format_ident!("{}", one);
                let value = boxed(quote!(value.into()));
                let doc_one = format!(" Adds one of {what}.");
                setters.push(quote! {
                    #[doc = #doc_one]
                    #[must_use]
                    pub fn #one(mut self, value: impl ::std::convert::Into<#inner>) -> Self {
                        self.#id.push(#value);
                        self
                    }
                });
            }
        }
    }
    let new_doc = if required_docs.is_empty() {
        format!(" An empty [`{name}`]: every field absent; set them with the methods named after them.")
    } else {
        format!(
            " A [`{name}`] with what it requires: {}; set the rest with the methods named after them.",
            required_docs.join(", ")
        )
    };
    let new_fn: Option<Ident> = (!taken.iter().any(|t| t == "new")).then(|| format_ident!("new"));
    let new_fn = new_fn.map(|new| {
        quote! {
            #[doc = #new_doc]
            #[must_use]
            #[allow(clippy::new_without_default, clippy::too_many_arguments)]
            pub fn #new(#(#params),*) -> Self {
                #name { #(#inits,)* }
            }
        }
    });
    quote! {
        #[allow(clippy::should_implement_trait)]
        impl #name {
            #new_fn
            #(#setters)*
        }
    }
}
