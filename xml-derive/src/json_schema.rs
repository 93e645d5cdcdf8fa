//! `#[derive(JsonSchema)]`: the JSON Schema of a model type's serde form, as
//! `xml_model::serde_form` describes it. The impl lists fields or variants with their doc
//! comments; the schema is built by shared code in the runtime, so each type adds a table,
//! not a schema builder (schemars' own derive expands one per type, which the generated
//! model cannot afford).

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::{Attribute, DeriveInput};

use crate::attr;
use crate::shape::{shape, Occurs};

/// The doc comment, its lines joined by a space.
fn doc(attrs: &[Attribute]) -> String {
    let mut lines = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        if let syn::Meta::NameValue(nv) = &a.meta {
            if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value {
                let line = s.value();
                if !line.trim().is_empty() {
                    lines.push(line.trim().to_owned());
                }
            }
        }
    }
    lines.join(" ")
}

/// The name a field has in serde: `#[serde(rename = "..")]`, when given.
fn serde_rename(attrs: &[Attribute]) -> syn::Result<Option<String>> {
    let mut name = None;
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        a.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                name = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        })?;
    }
    Ok(name)
}

pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    crate::no_generics(input)?;
    let opts = attr::container_opts(&input.attrs)?;
    let k = crate::krate(&opts);
    let name = &input.ident;
    let description = doc(&input.attrs);
    let s = quote!(#k::serde_form::schema);
    let sub = |ty: &syn::Type| quote!(::schemars::SchemaGenerator::subschema_for::<#ty>);
    let body = match &input.data {
        syn::Data::Struct(data) => match &data.fields {
            syn::Fields::Named(named) => {
                let fields = named.named.iter().map(|f| -> syn::Result<TokenStream> {
                    let field_name = serde_rename(&f.attrs)?
                        .unwrap_or_else(|| f.ident.as_ref().map(|i| i.unraw().to_string()).unwrap_or_default());
                    let field_doc = doc(&f.attrs);
                    // Serde skips an absent optional field, a list's emptiness and empty
                    // extras when writing, and defaults them when reading.
                    let extras = attr::field_opts(f).is_ok_and(|o| matches!(o.role, attr::Role::Extras));
                    let required = !extras && shape(&f.ty).occurs == Occurs::One;
                    let schema = sub(&f.ty);
                    Ok(quote!(#s::Field { name: #field_name, doc: #field_doc, required: #required, schema: #schema }))
                });
                let fields = fields.collect::<syn::Result<Vec<_>>>()?;
                quote!(#s::object(g, #description, &[#(#fields),*]))
            }
            syn::Fields::Unnamed(u) if u.unnamed.len() == 1 => {
                let inner = sub(&u.unnamed[0].ty);
                quote!(#s::newtype(g, #description, #inner))
            }
            _ => {
                return Err(syn::Error::new_spanned(
                    name,
                    "#[derive(JsonSchema)] takes a struct with named fields or a newtype",
                ))
            }
        },
        syn::Data::Enum(data) if opts.serde => {
            let mut values = Vec::new();
            let mut open = false;
            for v in &data.variants {
                let vo = attr::variant_opts(v)?;
                if vo.other {
                    open = true;
                } else {
                    values.push(crate::value::variant_value(v, &vo));
                }
            }
            quote!(#s::text_values(#description, &[#(#values),*], #open))
        }
        syn::Data::Enum(data) => {
            let mut variants = Vec::new();
            for v in &data.variants {
                let variant_name = v.ident.unraw().to_string();
                let variant_doc = doc(&v.attrs);
                let schema = match &v.fields {
                    syn::Fields::Unit => quote!(::std::option::Option::None),
                    syn::Fields::Unnamed(u) if u.unnamed.len() == 1 => {
                        let content = sub(&u.unnamed[0].ty);
                        quote!(::std::option::Option::Some(#content))
                    }
                    _ => {
                        return Err(syn::Error::new_spanned(
                            v,
                            "#[derive(JsonSchema)] takes variants with no content or one value",
                        ))
                    }
                };
                variants.push(quote!(#s::Variant { name: #variant_name, doc: #variant_doc, schema: #schema }));
            }
            quote!(#s::variants(g, #description, &[#(#variants),*]))
        }
        syn::Data::Union(_) => {
            return Err(syn::Error::new_spanned(name, "#[derive(JsonSchema)] does not support unions"))
        }
    };
    let name_str = name.to_string();
    Ok(quote! {
        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#name_str)
            }
            fn schema_id() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(::std::concat!(::std::module_path!(), "::", #name_str))
            }
            fn json_schema(g: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                #body
            }
        }
    })
}
