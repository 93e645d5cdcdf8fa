//! Builders: `Type::builder()`, a setter per field, and `build()` that names a missing
//! required field.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::DeriveInput;

use crate::attr::Role;
use crate::shape::Occurs;
use crate::structs::Field;

pub fn builder(input: &DeriveInput, fields: &[Field], k: &TokenStream) -> TokenStream {
    let name = &input.ident;
    let vis = &input.vis;
    let builder = format_ident!("{}Builder", name);
    let mut decls = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    let mut build = Vec::new();
    for f in fields {
        let id = &f.ident;
        let ty = &f.ty;
        if matches!(f.opts.role, Role::Extras) {
            build.push(quote!(#id: ::std::default::Default::default()));
            continue;
        }
        let inner = &f.shape.inner;
        let (stored, into) = if f.shape.boxed {
            (quote!(::std::boxed::Box<#inner>), quote!(::std::boxed::Box::new(value.into())))
        } else {
            (quote!(#inner), quote!(value.into()))
        };
        let what = match &f.opts.role {
            Role::Attribute(x) => format!("attribute `{}`", x.value()),
            Role::Child(x) => format!("element `<{}>`", x.value()),
            Role::Text => "text content".to_owned(),
            _ => format!("field `{id}`"),
        };
        let doc = format!("Sets the {what}.");
        match f.shape.occurs {
            Occurs::One => {
                decls.push(quote!(#id: ::std::option::Option<#ty>));
                inits.push(quote!(#id: ::std::option::Option::None));
                setters.push(quote! {
                    #[doc = #doc]
                    pub fn #id(mut self, value: impl ::std::convert::Into<#inner>) -> Self {
                        self.#id = ::std::option::Option::Some(#into);
                        self
                    }
                });
                let field = id.to_string();
                build.push(quote! {
                    #id: self.#id.ok_or(#k::builder::BuildError { type_name: stringify!(#name), field: #field, what: #what })?
                });
            }
            Occurs::Optional => {
                decls.push(quote!(#id: #ty));
                inits.push(quote!(#id: ::std::option::Option::None));
                setters.push(quote! {
                    #[doc = #doc]
                    pub fn #id(mut self, value: impl ::std::convert::Into<#inner>) -> Self {
                        self.#id = ::std::option::Option::Some(#into);
                        self
                    }
                });
                build.push(quote!(#id: self.#id));
            }
            Occurs::Many => {
                let push = format_ident!("push_{}", id);
                let doc_all = format!("Sets all of {what} (each an item).");
                let doc_one = format!("Adds one {what}.");
                decls.push(quote!(#id: #ty));
                inits.push(quote!(#id: ::std::vec::Vec::new()));
                setters.push(quote! {
                    #[doc = #doc_all]
                    pub fn #id<I: ::std::convert::Into<#inner>>(mut self, values: impl ::std::iter::IntoIterator<Item = I>) -> Self {
                        self.#id = values.into_iter().map(|value| -> #stored { #into }).collect();
                        self
                    }
                    #[doc = #doc_one]
                    pub fn #push(mut self, value: impl ::std::convert::Into<#inner>) -> Self {
                        self.#id.push(#into);
                        self
                    }
                });
                build.push(quote!(#id: self.#id));
            }
        }
    }
    let doc = format!("Builds a [`{name}`]: set the fields, then [`{builder}::build`].");
    let doc_fn = format!("A builder for [`{name}`].");
    quote! {
        #[doc = #doc]
        #[must_use]
        #vis struct #builder { #(#decls,)* }

        impl #name {
            #[doc = #doc_fn]
            pub fn builder() -> #builder {
                #builder { #(#inits,)* }
            }
        }

        impl #builder {
            #(#setters)*

            /// Builds the value, or names the first required field not set.
            pub fn build(self) -> ::std::result::Result<#name, #k::builder::BuildError> {
                ::std::result::Result::Ok(#name { #(#build,)* })
            }
        }
    }
}
