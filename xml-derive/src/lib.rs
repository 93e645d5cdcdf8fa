//! Derives for typed libvirt XML.
//!
//! `#[derive(Xml)]` on a struct or enum writes the element reading (with positions), the
//! writing in libvirt's style, construction (`new` and chaining setters) and the validation
//! walk; `#[derive(XmlValue)]`
//! on an enum of strings or a newtype writes the scalar parsing, writing and facet checks.
//! The vocabulary is documented in the `xml-model` crate, which re-exports these derives.

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

mod attr;
mod construct;
mod enums;
mod json_schema;
mod shape;
mod structs;
mod value;

/// Element content: structs (fields are attributes, children, text, groups) and enums
/// (variants told apart by an attribute value, a child's text, or the element name; a
/// choice of elements also gets `as_<element>()` and `as_<element>_mut()`).
#[proc_macro_derive(Xml, attributes(xml))]
pub fn derive_xml(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let result = match &input.data {
        syn::Data::Struct(_) => structs::derive(&input),
        syn::Data::Enum(_) => enums::derive(&input),
        syn::Data::Union(_) => Err(syn::Error::new_spanned(&input.ident, "#[derive(Xml)] does not support unions")),
    };
    result.unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Scalar values: enums of string values (`as_str`, `FromStr`, an `Other` catch-all) and
/// newtypes with facets (patterns, ranges).
#[proc_macro_derive(XmlValue, attributes(xml))]
pub fn derive_xml_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    value::derive(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// The path of the runtime crate: `::xml_model` unless `#[xml(crate = "..")]` says otherwise.
pub(crate) fn krate(opts: &attr::ContainerOpts) -> proc_macro2::TokenStream {
    match &opts.krate {
        Some(p) => quote::quote!(#p),
        None => quote::quote!(::xml_model),
    }
}

/// The JSON Schema of a model type's serde form (`xml_model::serde_form`), from a table of
/// its fields or variants and their doc comments; the schema is built by shared runtime code.
/// Needs `schemars` beside the deriving crate.
#[proc_macro_derive(JsonSchema, attributes(xml))]
pub fn derive_json_schema(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    json_schema::derive(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Generics are not supported: the generated reader state would need them too.
pub(crate) fn no_generics(input: &DeriveInput) -> syn::Result<()> {
    if input.generics.params.is_empty() {
        Ok(())
    } else {
        Err(syn::Error::new_spanned(&input.generics, "XML derives do not support generic types"))
    }
}
