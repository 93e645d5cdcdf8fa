//! `#[derive(XmlValue)]`: enums of string values and newtypes with facets.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, LitStr};

use crate::attr;

pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    crate::no_generics(input)?;
    let opts = attr::container_opts(&input.attrs)?;
    if let Some(t) = opts.tag.as_ref().or(opts.child_text.as_ref()).or(opts.root.as_ref()) {
        return Err(syn::Error::new_spanned(
            t,
            "a value type is text: `tag`, `child_text` and `root` are for #[derive(Xml)]",
        ));
    }
    let mut out = match &input.data {
        syn::Data::Enum(e) => string_enum(input, e, &opts)?,
        syn::Data::Struct(s) => newtype(input, s, &opts)?,
        syn::Data::Union(_) => {
            return Err(syn::Error::new_spanned(&input.ident, "#[derive(XmlValue)] does not support unions"))
        }
    };
    if opts.serde {
        out.extend(serde_as_text(&input.ident, &opts));
    }
    Ok(out)
}

/// `#[xml(serde)]`: serde reads and writes the value's XML text (`"host-model"`, not the
/// variant's Rust name).
fn serde_as_text(name: &syn::Ident, opts: &attr::ContainerOpts) -> TokenStream {
    let k = crate::krate(opts);
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                #k::serde_form::serialize_text(self, s)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                #k::serde_form::deserialize_text(d)
            }
        }
    }
}

/// The XML text of a value variant: its `#[xml(value = "..")]`, else its name in kebab case.
pub(crate) fn variant_value(v: &syn::Variant, opts: &attr::VariantOpts) -> LitStr {
    opts.value.clone().unwrap_or_else(|| LitStr::new(&kebab(&v.ident.to_string()), v.ident.span()))
}

/// `HostModel` -> `host-model`: the default spelling of a variant.
fn kebab(ident: &str) -> String {
    lower_words(ident, '-')
}

/// A camel-cased name's words in lower case, joined by `sep`: `HostModel` -> `host_model`.
pub(crate) fn lower_words(ident: &str, sep: char) -> String {
    let mut out = String::new();
    for (i, c) in ident.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push(sep);
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn string_enum(input: &DeriveInput, data: &syn::DataEnum, opts: &attr::ContainerOpts) -> syn::Result<TokenStream> {
    if opts.pattern.is_some() || opts.min.is_some() || opts.max.is_some() {
        return Err(syn::Error::new_spanned(&input.ident, "facets belong on newtypes; an enum lists its values"));
    }
    let k = crate::krate(opts);
    let name = &input.ident;
    let mut units = Vec::new();
    let mut other = None;
    for v in &data.variants {
        let vo = attr::variant_opts(v)?;
        if let Some(e) = &vo.element {
            return Err(syn::Error::new_spanned(e, "`element` is for #[derive(Xml)] enums"));
        }
        if vo.default {
            return Err(syn::Error::new_spanned(&v.ident, "`default` is for #[derive(Xml)] enums; use Option<..>"));
        }
        if vo.other {
            if other.is_some() {
                return Err(syn::Error::new_spanned(&v.ident, "only one `other` variant"));
            }
            match &v.fields {
                syn::Fields::Unnamed(u) if u.unnamed.len() == 1 => {}
                _ => return Err(syn::Error::new_spanned(v, "the `other` variant holds the text: `Other(String)`")),
            }
            other = Some(v.ident.clone());
            continue;
        }
        if !matches!(v.fields, syn::Fields::Unit) {
            return Err(syn::Error::new_spanned(
                v,
                "value variants have no fields (mark a catch-all with #[xml(other)])",
            ));
        }
        units.push((v.ident.clone(), variant_value(v, &vo)));
    }
    if let Some(dup) = units
        .iter()
        .enumerate()
        .find_map(|(i, (_, a))| units[..i].iter().any(|(_, b)| a.value() == b.value()).then_some(a))
    {
        return Err(syn::Error::new_spanned(dup, "this value names two variants"));
    }
    let idents: Vec<_> = units.iter().map(|u| &u.0).collect();
    let values: Vec<_> = units.iter().map(|u| &u.1).collect();
    let listed: Vec<String> = values.iter().map(|v| format!("'{}'", v.value())).collect();
    let expected = format!("one of {}", listed.join(", "));
    let (as_str_other, parse_other) = match &other {
        Some(o) => (
            quote!(#name::#o(s) => s.as_str(),),
            quote!(_ => ::std::result::Result::Ok(#name::#o(::std::convert::From::from(text)))),
        ),
        None => (quote!(), quote!(_ => ::std::result::Result::Err(#k::value::Expected::new(#expected)))),
    };
    Ok(quote! {
        impl #name {
            /// The values the schema lists.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value as written in XML.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#name::#idents => #values,)*
                    #as_str_other
                }
            }
        }
        impl #k::value::XmlValue for #name {
            fn parse_xml(text: &str) -> ::std::result::Result<Self, #k::value::Expected> {
                match text {
                    #(#values => ::std::result::Result::Ok(#name::#idents),)*
                    #parse_other
                }
            }
            fn to_xml(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.as_str())
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = #k::value::Expected;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                <Self as #k::value::XmlValue>::parse_xml(s)
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl #k::validate::Validate for #name {
            fn validate_with(&self, _: &mut #k::validate::Validator) {}
        }
    })
}

fn newtype(input: &DeriveInput, data: &syn::DataStruct, opts: &attr::ContainerOpts) -> syn::Result<TokenStream> {
    let k = crate::krate(opts);
    let name = &input.ident;
    let inner = match &data.fields {
        syn::Fields::Unnamed(u) if u.unnamed.len() == 1 => &u.unnamed[0].ty,
        _ => {
            return Err(syn::Error::new_spanned(
                &input.ident,
                "#[derive(XmlValue)] on a struct needs a newtype: `struct Name(Inner);`",
            ))
        }
    };
    let mut checks = Vec::new();
    if let Some(p) = &opts.pattern {
        let anchored = format!("^(?:{})$", p.value());
        let msg = format!("does not match the pattern {}", p.value());
        checks.push(quote! {
            static RE: ::std::sync::OnceLock<::std::option::Option<#k::__private::Regex>> = ::std::sync::OnceLock::new();
            let text = #k::value::XmlValue::to_xml(&self.0);
            match RE.get_or_init(|| #k::__private::Regex::new(#anchored).ok()) {
                ::std::option::Option::Some(re) if !re.is_match(&text) => val.invalid(&text, #msg),
                ::std::option::Option::Some(_) => {}
                ::std::option::Option::None => val.report(concat!("the pattern ", #p, " cannot be checked")),
            }
        });
    }
    if opts.min.is_some() || opts.max.is_some() {
        let min = opts
            .min
            .as_ref()
            .map_or(quote!(::std::option::Option::None), |m| quote!(::std::option::Option::Some((#m) as i128)));
        let max = opts
            .max
            .as_ref()
            .map_or(quote!(::std::option::Option::None), |m| quote!(::std::option::Option::Some((#m) as i128)));
        checks.push(quote! {
            val.range(&self.0, #min, #max);
        });
    }
    let natural = natural_from(name, inner);
    Ok(quote! {
        #natural
        impl #k::value::XmlValue for #name {
            fn parse_xml(text: &str) -> ::std::result::Result<Self, #k::value::Expected> {
                <#inner as #k::value::XmlValue>::parse_xml(text).map(#name)
            }
            fn to_xml(&self) -> ::std::borrow::Cow<'_, str> {
                <#inner as #k::value::XmlValue>::to_xml(&self.0)
            }
        }
        impl ::std::convert::From<#inner> for #name {
            fn from(v: #inner) -> Self { #name(v) }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&#k::value::XmlValue::to_xml(&self.0))
            }
        }
        impl #k::validate::Validate for #name {
            fn validate_with(&self, val: &mut #k::validate::Validator) {
                #(#checks)*
            }
        }
    })
}

/// `From` the natural value of a newtype's inner type: `&str` (and `&String`) for text, the
/// integer for a `Number<T>`, so that `"demo"`, `&name` or `41` can be given wherever the
/// newtype is asked for.
fn natural_from(name: &syn::Ident, inner: &syn::Type) -> TokenStream {
    let syn::Type::Path(p) = inner else { return quote!() };
    let Some(last) = p.path.segments.last() else { return quote!() };
    if last.ident == "String" {
        return quote! {
            impl ::std::convert::From<&str> for #name {
                fn from(v: &str) -> Self { #name(::std::convert::From::from(v)) }
            }
            impl ::std::convert::From<&::std::string::String> for #name {
                fn from(v: &::std::string::String) -> Self { #name(::std::clone::Clone::clone(v)) }
            }
            impl #name {
                /// The text.
                pub fn as_str(&self) -> &str { &self.0 }
            }
            impl ::std::convert::AsRef<str> for #name {
                fn as_ref(&self) -> &str { &self.0 }
            }
            /// Text that a pattern checks reads as text: `disk.serial.as_deref()`.
            impl ::std::ops::Deref for #name {
                type Target = str;
                fn deref(&self) -> &str { &self.0 }
            }
            impl ::std::cmp::PartialEq<str> for #name {
                fn eq(&self, other: &str) -> bool { self.0 == other }
            }
            impl ::std::cmp::PartialEq<&str> for #name {
                fn eq(&self, other: &&str) -> bool { self.0 == *other }
            }
        };
    }
    if last.ident == "Number" {
        if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
            if let Some(syn::GenericArgument::Type(t)) = args.args.first() {
                return quote! {
                    impl ::std::convert::From<#t> for #name {
                        fn from(v: #t) -> Self { #name(::std::convert::From::from(v)) }
                    }
                    impl #name {
                        /// The number's value.
                        pub fn get(&self) -> #t { self.0.get() }
                    }
                };
            }
        }
    }
    quote!()
}
