//! The IR to Rust source: one file per module, formatted, headed as generated.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::*;

/// Conventional prefixes of libvirt's namespaces (RNG gives none).
pub fn ns_prefix(ns: &str) -> &'static str {
    match ns {
        "http://libvirt.org/schemas/domain/qemu/1.0" => "qemu",
        "http://libvirt.org/schemas/domain/lxc/1.0" => "lxc",
        "http://libvirt.org/schemas/domain/bhyve/1.0" => "bhyve",
        "http://libvirt.org/schemas/domain/xen/1.0" => "xen",
        "http://libvirt.org/schemas/domain/vmware/1.0" => "vmware",
        "http://libvirt.org/schemas/network/dnsmasq/1.0" => "dnsmasq",
        _ => "ns",
    }
}

fn qualified(name: &str, ns: &str) -> String {
    if ns.is_empty() {
        name.to_owned()
    } else {
        format!("{}:{name}", ns_prefix(ns))
    }
}

/// The type a field is written with: values in attributes and text cannot be arbitrary XML.
pub fn value_ty(ir: &Ir, f: &Field) -> Ty {
    match (&f.role, &f.ty) {
        (Role::Attribute { .. } | Role::Text, Ty::Any | Ty::Empty) => Ty::String,
        (Role::Attribute { .. } | Role::Text, Ty::Named(id))
            if !matches!(ir.types[*id].kind, Kind::ValueEnum { .. } | Kind::Newtype { .. }) =>
        {
            Ty::String
        }
        _ => f.ty.clone(),
    }
}

struct Emitter<'a> {
    ir: &'a Ir,
    /// [`element_types`].
    elements: std::collections::HashSet<TypeId>,
}

impl Emitter<'_> {
    fn path(&self, id: TypeId, from: &str) -> TokenStream {
        let t = &self.ir.types[id];
        if let Some(path) = &t.replaced_by {
            return syn::parse_str::<syn::Path>(path).map_or_else(|e| e.to_compile_error(), |p| quote!(#p));
        }
        let name = format_ident!("{}", t.name);
        if t.module == from {
            quote!(#name)
        } else {
            let m = format_ident!("{}", t.module);
            quote!(super::#m::#name)
        }
    }

    fn ty(&self, ty: &Ty, from: &str) -> TokenStream {
        match ty {
            Ty::String => quote!(::std::string::String),
            Ty::Number(n) => {
                let n = format_ident!("{}", n);
                quote!(crate::Number<#n>)
            }
            Ty::Empty => quote!(crate::Empty),
            Ty::Any => quote!(crate::AnyElement),
            Ty::Named(id) => self.path(*id, from),
            Ty::Runtime(path) => {
                syn::parse_str::<syn::Type>(path).map_or_else(|e| e.to_compile_error(), |p| quote!(#p))
            }
        }
    }

    fn variant_ty(&self, v: &Variant, from: &str) -> TokenStream {
        let ty = self.ty(&v.ty, from);
        if v.boxed {
            quote!(::std::boxed::Box<#ty>)
        } else {
            ty
        }
    }

    fn field(&self, f: &Field, from: &str) -> TokenStream {
        let name = format_ident!("{}", f.name);
        let ty = value_ty(self.ir, f);
        let mut inner = self.ty(&ty, from);
        if f.boxed {
            inner = quote!(::std::boxed::Box<#inner>);
        }
        let full = match f.occurs {
            Occurs::One => inner,
            Occurs::Optional => quote!(::std::option::Option<#inner>),
            Occurs::Many => quote!(::std::vec::Vec<#inner>),
        };
        let (role, doc) = match &f.role {
            Role::Attribute { name } => (quote!(attribute = #name), format!("`@{name}`")),
            Role::Child { name, ns } if ns.is_empty() => (quote!(child = #name), format!("`<{name}>`")),
            Role::Child { name, ns } => {
                let q = qualified(name, ns);
                (quote!(child = #q, ns = #ns), format!("`<{q}>`"))
            }
            Role::Text => (quote!(text), "The text content".to_owned()),
            Role::Flatten => match (&f.ty, &f.schema.0) {
                (Ty::Runtime(_), Some(group)) => {
                    (quote!(flatten), format!("The attributes and text of libvirt's `{group}`, read as one value"))
                }
                _ => (quote!(flatten), "The content that depends on the discriminating attribute".to_owned()),
            },
            Role::Choice => (quote!(choice), "Child elements told apart by their names, in document order".to_owned()),
            Role::Any => (quote!(any), "Elements of any name (other applications' data)".to_owned()),
        };
        let non_empty = f.non_empty.then(|| quote!(, non_empty));
        let lead = f.lead.then(|| quote!(, lead));
        let doc = format!(" {doc}");
        // Absent in XML, absent in JSON: what is not there need not be written by hand.
        let mut serde = match f.occurs {
            Occurs::One => quote!(),
            Occurs::Optional => quote!(#[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]),
            Occurs::Many => {
                quote!(#[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Vec::is_empty"))])
            }
        };
        // `match_` (a keyword in Rust) is `match` in JSON, as in XML.
        if let Some(keyword) = f.name.strip_suffix('_') {
            serde.extend(quote!(#[cfg_attr(feature = "serde", serde(rename = #keyword))]));
        }
        quote! {
            #[doc = #doc]
            #[xml(#role #non_empty #lead)]
            #serde
            pub #name: #full,
        }
    }

    /// A struct that requires one thing is made from it: `From` that thing, and from its
    /// natural value (`vcpu(2)` for a `<vcpu>` whose text is a checked number).
    fn conversions(&self, id: TypeId, fields: &[Field], from: &str) -> TokenStream {
        let name = &format_ident!("{}", self.ir.types[id].name);
        let required: Vec<&Field> = fields.iter().filter(|f| f.occurs == Occurs::One).collect();
        let [f] = required.as_slice() else { return quote!() };
        let ty = value_ty(self.ir, f);
        let inner = self.ty(&ty, from);
        let mut out = vec![quote! {
            impl ::std::convert::From<#inner> for #name {
                fn from(v: #inner) -> Self {
                    #name::new(v)
                }
            }
        }];
        let natural: Vec<TokenStream> = match &ty {
            Ty::String => vec![quote!(&str)],
            Ty::Named(id) => match &self.ir.types[*id].kind {
                Kind::Newtype { base: Ty::Number(n), .. } => {
                    let n = format_ident!("{}", n);
                    vec![quote!(#n)]
                }
                Kind::Newtype { base: Ty::String, .. } => vec![quote!(&str), quote!(::std::string::String)],
                _ => vec![],
            },
            Ty::Number(n) => {
                let n = format_ident!("{}", n);
                vec![quote!(#n)]
            }
            _ => vec![],
        };
        for n in natural {
            out.push(quote! {
                impl ::std::convert::From<#n> for #name {
                    fn from(v: #n) -> Self {
                        #name::new(v)
                    }
                }
            });
        }
        // What the required choice is made from: `.address(DriveAddress::new())` as well as
        // `.address(AddressType::Drive(..))`, each variant's content that no other variant
        // shares (the tag enum's own `From`s).
        if let Ty::Named(tag_enum) = ty {
            if let Kind::TagEnum { variants, .. } = &self.ir.types[tag_enum].kind {
                out.push(self.kind_constructors(id, &inner, from));
                for v in variants {
                    let Ty::Named(payload) = v.ty else { continue };
                    if variants.iter().filter(|o| o.ty == v.ty).count() > 1 {
                        continue;
                    }
                    let p = self.ty(&Ty::Named(payload), from);
                    out.push(quote! {
                        impl ::std::convert::From<#p> for #name {
                            fn from(v: #p) -> Self {
                                #name::new(#inner::from(v))
                            }
                        }
                    });
                }
            }
        }
        quote!(#(#out)*)
    }

    /// `Input::tablet()` for `Input::new(InputType::Tablet(HidInput::new()))`:
    /// the constructors [`kind_constructor_names`] names, less those codegen.toml leaves out.
    fn kind_constructors(&self, id: TypeId, tag_enum: &TokenStream, from: &str) -> TokenStream {
        let t = &self.ir.types[id];
        let name = format_ident!("{}", t.name);
        let Some((attribute, variants)) = crate::constructible::kind_of(self.ir, t) else { return quote!() };
        let mut out = Vec::new();
        for (method, v) in kind_constructor_names(self.ir, t) {
            if t.no_constructor.contains(&method) {
                continue;
            }
            let method = format_ident!("{}", method);
            let v = &variants[v];
            let vn = format_ident!("{}", v.name);
            let value = match &v.ty {
                Ty::Empty => quote!(#tag_enum::#vn),
                ty => {
                    let p = self.ty(ty, from);
                    let content = if v.boxed { quote!(::std::boxed::Box::new(#p::new())) } else { quote!(#p::new()) };
                    quote!(#tag_enum::#vn(#content))
                }
            };
            // The element when this is its type; a variant's content is only part of one.
            let doc = if self.elements.contains(&id) {
                format!(" `<{} {attribute}='{}'/>`: nothing else set.", t.element, v.key)
            } else {
                format!(" `{attribute}='{}'`, nothing else set.", v.key)
            };
            out.push(quote! {
                #[doc = #doc]
                #[must_use]
                pub fn #method() -> Self {
                    #name::new(#value)
                }
            });
        }
        if out.is_empty() {
            return quote!();
        }
        quote! {
            impl #name {
                #(#out)*
            }
        }
    }

    fn item(&self, id: TypeId) -> TokenStream {
        let t = &self.ir.types[id];
        let name = format_ident!("{}", t.name);
        let doc = format!(" {}", t.doc);
        let from = t.module.as_str();
        match &t.kind {
            Kind::Struct { fields, extras } => {
                let fs = fields.iter().map(|f| self.field(f, from));
                let root = t.root.as_ref().map(|r| quote!(#[xml(root = #r)]));
                let validate = t.validate.as_ref().map(|v| quote!(#[xml(validate = #v)]));
                let extras = extras.then(|| {
                    quote! {
                        /// Unknown content and the layout it was read in.
                        #[xml(extras)]
                        #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Extras::is_empty"))]
                        pub extras: Extras,
                    }
                });
                let default = fields.iter().all(|f| f.occurs != Occurs::One).then(|| quote!(Default,));
                let froms = self.conversions(id, fields, from);
                quote! {
                    #[doc = #doc]
                    #[derive(Debug, Clone, PartialEq, #default crate::Xml)]
                    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
                    #[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
                    #[cfg_attr(feature = "schemars", derive(crate::JsonSchema))]
                    #[xml(crate = "crate")]
                    #root
                    #validate
                    pub struct #name {
                        #(#fs)*
                        #extras
                    }
                    #froms
                }
            }
            Kind::TagEnum { attribute, variants } => {
                let payload_first = t.payload_tags_first.then(|| quote!(, payload_tags_first));
                let vs = variants.iter().map(|v| {
                    let vn = format_ident!("{}", v.name);
                    let key = &v.key;
                    // A variant with no content of its own is a unit variant.
                    let payload = (v.ty != Ty::Empty).then(|| {
                        let ty = self.variant_ty(v, from);
                        quote!((#ty))
                    });
                    if v.absent {
                        let vdoc = format!(" No `{attribute}`: the hypervisor's default");
                        return quote!(#[doc = #vdoc] #[xml(absent)] #vn #payload,);
                    }
                    let default = v.default.then(|| quote!(, default));
                    let vdoc = if v.default {
                        format!(" `{attribute}='{key}'`, also when `{attribute}` is absent")
                    } else {
                        format!(" `{attribute}='{key}'`")
                    };
                    quote!(#[doc = #vdoc] #[xml(value = #key #default)] #vn #payload,)
                });
                quote! {
                    #[doc = #doc]
                    #[derive(Debug, Clone, PartialEq, crate::Xml)]
                    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
                    #[cfg_attr(feature = "schemars", derive(crate::JsonSchema))]
                    #[xml(crate = "crate", tag = #attribute #payload_first)]
                    pub enum #name { #(#vs)* }
                }
            }
            Kind::ChoiceEnum { variants } => {
                let vs = variants.iter().map(|v| {
                    let vn = format_ident!("{}", v.name);
                    let q = qualified(&v.key, &v.ns);
                    let ns = (!v.ns.is_empty()).then(|| {
                        let ns = &v.ns;
                        quote!(, ns = #ns)
                    });
                    let ty = self.variant_ty(v, from);
                    let (vdoc, when) = match &v.if_attribute {
                        Some(a) => (format!(" `<{q}>` with `@{a}`"), quote!(, if_attribute = #a)),
                        None => (format!(" `<{q}>`"), quote!()),
                    };
                    quote!(#[doc = #vdoc] #[xml(element = #q #ns #when)] #vn(#ty),)
                });
                quote! {
                    #[doc = #doc]
                    #[derive(Debug, Clone, PartialEq, crate::Xml)]
                    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
                    #[cfg_attr(feature = "schemars", derive(crate::JsonSchema))]
                    #[xml(crate = "crate", elements)]
                    pub enum #name { #(#vs)* }
                }
            }
            Kind::Newtype { base, pattern, min, max } => {
                let base = self.ty(base, from);
                let mut facets = Vec::new();
                if let Some(p) = pattern {
                    facets.push(quote!(, pattern = #p));
                }
                if let Some(m) = min {
                    let m = proc_macro2::Literal::i128_suffixed(*m);
                    facets.push(quote!(, min = #m));
                }
                if let Some(m) = max {
                    let m = proc_macro2::Literal::i128_suffixed(*m);
                    facets.push(quote!(, max = #m));
                }
                quote! {
                    #[doc = #doc]
                    #[derive(Debug, Clone, PartialEq, Eq, crate::XmlValue)]
                    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
                    #[cfg_attr(feature = "schemars", derive(crate::JsonSchema))]
                    #[xml(crate = "crate" #(#facets)*)]
                    pub struct #name(pub #base);
                }
            }
            Kind::ValueEnum { values, other } => {
                let mut used = std::collections::HashSet::new();
                let vs: Vec<TokenStream> = values
                    .iter()
                    .map(|v| {
                        let mut n = crate::names::camel(v);
                        while !used.insert(n.clone()) {
                            n.push_str("Value");
                        }
                        let vn = format_ident!("{}", n);
                        let vdoc = format!(" `{v}`");
                        quote!(#[doc = #vdoc] #[xml(value = #v)] #vn,)
                    })
                    .collect();
                // A value of the schema's list alone is a plain tag: `Copy`, so that it is
                // compared and passed on without cloning (`t.model == TpmModel::TpmCrb`).
                let copy = (!*other).then(|| quote!(Copy,));
                let other = other.then(|| {
                    let mut n = "Other".to_owned();
                    while used.contains(&n) {
                        n.push_str("Text");
                    }
                    let vn = format_ident!("{}", n);
                    quote!(/// A value the schema allows as free text.
                    #[xml(other)] #vn(::std::string::String),)
                });
                quote! {
                    #[doc = #doc]
                    #[derive(Debug, Clone, #copy PartialEq, Eq, Hash, crate::XmlValue)]
                    #[cfg_attr(feature = "serde", xml(serde))]
                    #[cfg_attr(feature = "schemars", derive(crate::JsonSchema))]
                    #[xml(crate = "crate")]
                    pub enum #name { #(#vs)* #other }
                }
            }
        }
    }
}

/// The constructors named after the kinds of a struct whose one requirement is its kind
/// (`Input::tablet()`), with the index of their variant: one per kind the schema accepts
/// with nothing else set ([`TypeDef::alone`]), named after it. None for a kind that is a
/// number (`80203`), a keyword, or an answer (`no`, `yes`), and none that would take the
/// name of a method the derive gives the struct (a field's setter, its `set_` twin, a list's
/// adder). codegen.toml `[variant_constructors]` leaves out more.
pub fn kind_constructor_names(ir: &Ir, t: &TypeDef) -> Vec<(String, usize)> {
    let Some((_, variants)) = crate::constructible::kind_of(ir, t) else { return Vec::new() };
    let Kind::Struct { fields, .. } = &t.kind else { return Vec::new() };
    let mut out = Vec::new();
    for (i, v) in variants.iter().enumerate() {
        if v.absent || !t.alone.contains(&v.key) || v.key.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let method = crate::names::snake(&v.name);
        let derived = fields
            .iter()
            .any(|f| f.name == method || (f.occurs == Occurs::Many && f.name.starts_with(method.as_str())));
        let reads_otherwise = ["new", "no", "yes"].contains(&method.as_str()) || method.starts_with("set_");
        if derived || reads_otherwise || method.ends_with('_') {
            continue;
        }
        out.push((method, i));
    }
    out
}

/// The types that are an element's (not a variant's content): what a constructor's doc may
/// show as a whole element.
fn element_types(ir: &Ir) -> std::collections::HashSet<TypeId> {
    let mut out: std::collections::HashSet<TypeId> = ir.roots.iter().map(|r| r.2).collect();
    for t in &ir.types {
        match &t.kind {
            Kind::Struct { fields, .. } => out.extend(fields.iter().filter_map(|f| match (&f.role, &f.ty) {
                (Role::Child { .. }, Ty::Named(id)) => Some(*id),
                _ => None,
            })),
            Kind::ChoiceEnum { variants } => out.extend(variants.iter().filter_map(|v| match v.ty {
                Ty::Named(id) => Some(id),
                _ => None,
            })),
            _ => {}
        }
    }
    out
}

/// The generated files: module name -> formatted source.
pub fn emit(ir: &Ir, live: &[TypeId], header: &str) -> BTreeMap<String, String> {
    let e = Emitter { ir, elements: element_types(ir) };
    let mut by_module: BTreeMap<String, Vec<TokenStream>> = BTreeMap::new();
    let mut order = live.to_vec();
    order.sort_by(|a, b| ir.types[*a].name.cmp(&ir.types[*b].name));
    for id in order {
        if ir.types[id].replaced_by.is_some() {
            continue; // a hand-written type stands in its place
        }
        by_module.entry(ir.types[id].module.clone()).or_default().push(e.item(id));
    }
    let mut files = BTreeMap::new();
    for (module, items) in &by_module {
        let tokens = quote!(#(#items)*);
        let file: syn::File =
            syn::parse2(tokens).unwrap_or_else(|err| panic!("generated {module} does not parse: {err}"));
        let body = prettyplease::unparse(&file);
        let doc = format!("//! Types generated from libvirt's `{module}.rng`.\n");
        let uses = if body.contains("pub extras: Extras,") { "\nuse crate::Extras;\n" } else { "" };
        files.insert(module.clone(), format!("{header}{doc}{uses}\n{body}"));
    }
    let features = Features::of(ir, &files);
    let mut mods = String::new();
    mods.push_str(header);
    mods.push_str(
        "//! The libvirt model generated from the RNG schemas: a module per schema file. The\n\
         //! modules of domains (and what they use) are always there; those of each other document\n\
         //! kind come with xml-model's feature named after the kind (`network`, `nodedev`...).\n\n",
    );
    for module in by_module.keys() {
        mods.push_str(&features.cfg(module));
        mods.push_str(&format!("pub mod {module};\n"));
    }
    mods.push('\n');
    mods.push_str(&roots(ir, &features));
    files.insert("mod".to_owned(), mods);
    files
}

/// Which cargo feature brings which module: the modules the `domain` kind reaches are always
/// compiled; a module only another kind reaches comes with that kind's feature, so a program
/// that reads only domains does not compile the model of node devices or filters.
struct Features {
    /// Module -> the kinds whose feature compiles it (empty: always compiled).
    kinds_of: BTreeMap<String, Vec<String>>,
}

impl Features {
    const ALWAYS: &'static str = "domain";

    fn of(ir: &Ir, files: &BTreeMap<String, String>) -> Features {
        // Which modules each module's types refer to, from the generated text itself.
        let uses = |module: &str| -> Vec<String> {
            let text = files.get(module).map(String::as_str).unwrap_or("");
            let mut found: Vec<String> = text
                .split("super::")
                .skip(1)
                .filter_map(|rest| rest.split_once("::").map(|(m, _)| m.to_owned()))
                .filter(|m| m.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                .collect();
            found.sort();
            found.dedup();
            found
        };
        let reach = |start: &str| -> std::collections::BTreeSet<String> {
            let mut seen = std::collections::BTreeSet::from([start.to_owned()]);
            let mut todo = vec![start.to_owned()];
            while let Some(m) = todo.pop() {
                for u in uses(&m) {
                    if seen.insert(u.clone()) {
                        todo.push(u);
                    }
                }
            }
            seen
        };
        let module_of = |kind: &str| ir.roots.iter().find(|r| r.0 == kind).map(|r| ir.types[r.2].module.clone());
        let always = module_of(Self::ALWAYS).map(|m| reach(&m)).unwrap_or_default();
        let mut kinds_of: BTreeMap<String, Vec<String>> = files.keys().map(|m| (m.clone(), Vec::new())).collect();
        for (kind, _, _) in &ir.roots {
            let Some(module) = module_of(kind) else { continue };
            for m in reach(&module).difference(&always) {
                let kinds = kinds_of.entry(m.clone()).or_default();
                if !kinds.contains(kind) {
                    kinds.push(kind.clone());
                }
            }
        }
        Features { kinds_of }
    }

    /// The feature a kind needs (`None`: always there).
    fn of_kind(&self, ir: &Ir, kind: &str) -> Option<String> {
        let module = ir.roots.iter().find(|r| r.0 == kind).map(|r| &ir.types[r.2].module)?;
        (!self.kinds_of.get(module)?.is_empty()).then(|| kind.to_owned())
    }

    /// The `#[cfg]` line before a module's declaration, if it has one.
    fn cfg(&self, module: &str) -> String {
        match self.kinds_of.get(module).map(Vec::as_slice) {
            None | Some([]) => String::new(),
            Some([one]) => format!("#[cfg(feature = {one:?})]\n"),
            Some(many) => {
                let list: Vec<String> = many.iter().map(|k| format!("feature = {k:?}")).collect();
                format!("#[cfg(any({}))]\n", list.join(", "))
            }
        }
    }
}

/// The document kinds: their root element names and a function that reads any of them and
/// writes it back (what `xml-model fmt` and `roundtrip` run).
fn roots(ir: &Ir, features: &Features) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut names = Vec::new();
    let mut arms = Vec::new();
    for (kind, root, id) in &ir.roots {
        if !seen.insert(root.clone()) {
            continue;
        }
        let t = &ir.types[*id];
        let m = format_ident!("{}", t.module);
        let n = format_ident!("{}", t.name);
        names.push(quote!(#root));
        let read =
            quote!(crate::Document::<#m::#n>::parse_with(text, options).map(|d| d.write_sized(layout, text.len())));
        arms.push(match features.of_kind(ir, kind) {
            None => quote!(#root => #read,),
            Some(feature) => quote! {
                #[cfg(feature = #feature)]
                #root => #read,
                #[cfg(not(feature = #feature))]
                #root => ::std::result::Result::Err(feature_off(text, options, #feature)),
            },
        });
    }
    let tokens = quote! {
        /// The root element names of every document kind (the typed model of a kind other
        /// than `domain` is there with the feature named after it).
        pub const ROOTS: &[&str] = &[#(#names),*];

        /// Reads a document through the typed model of its root element and writes it back.
        /// An unknown root is an error naming the kinds there are.
        pub fn reformat(text: &str, options: crate::ReadOptions) -> crate::Result<::std::string::String> {
            reformat_with(text, options, crate::write::Layout::AsRead)
        }

        /// Reads a document through the typed model of its root element and writes it back
        /// with the given layout.
        pub fn reformat_with(
            text: &str,
            options: crate::ReadOptions,
            layout: crate::write::Layout,
        ) -> crate::Result<::std::string::String> {
            // The root's name from the first tags only: the typed reading then builds the one
            // tree of the document (a large document's tree is most of the memory `fmt` takes).
            let name = crate::read::root_name(text).unwrap_or_default();
            match name.as_str() {
                #(#arms)*
                _ => ::std::result::Result::Err(root_error(text, options, |root| crate::ErrorKind::WrongRoot {
                    found: root.tag_name().name().to_owned(),
                    expected: ROOTS.join(">, <"),
                })),
            }
        }

        /// The error for a document whose kind's feature is off.
        #[allow(dead_code)]
        fn feature_off(text: &str, options: crate::ReadOptions, feature: &str) -> crate::Error {
            root_error(text, options, |root| crate::ErrorKind::Unknown {
                what: ::std::format!("element <{}>", root.tag_name().name()),
                expected: ::std::format!("xml-model built with its feature `{feature}`, which reads this kind"),
            })
        }

        /// An error about the root element, at its position; or why the text is no document.
        fn root_error(
            text: &str,
            options: crate::ReadOptions,
            kind: impl FnOnce(crate::read::Node<'_>) -> crate::ErrorKind,
        ) -> crate::Error {
            match crate::read::parse_document_with(text, &options.limits) {
                ::std::result::Result::Ok(doc) => {
                    let root = doc.root_element();
                    crate::read::ReadCtx::new(&doc, options).error_at(root, kind(root))
                }
                ::std::result::Result::Err(e) => e,
            }
        }
    };
    let file: syn::File = syn::parse2(tokens).expect("roots parse");
    let mut out = prettyplease::unparse(&file);
    out.push_str(&kinds_macro(ir, features));
    out
}

/// `KINDS` and `with_document_kind!`: code that is generic over the typed root (converting
/// to JSON, printing a JSON Schema) picks the type by the document kind's name. A macro, so
/// that the caller's bounds (`Serialize`, `JsonSchema`) need not be known here.
fn kinds_macro(ir: &Ir, features: &Features) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut kinds = Vec::new();
    let mut arms = String::new();
    let mut helpers = String::new();
    for (kind, _, id) in &ir.roots {
        if !seen.insert(kind.clone()) {
            continue;
        }
        let t = &ir.types[*id];
        kinds.push(format!("{kind:?}"));
        let ty = format!("$crate::generated::{}::{}", t.module, t.name);
        let Some(feature) = features.of_kind(ir, kind) else {
            arms.push_str(&format!("            {kind:?} => $($run)::+::<{ty}>($($arg),*),\n"));
            continue;
        };
        // The macro expands in the caller's crate, where `cfg(feature)` would ask the
        // caller's features: a helper defined here, one way or the other, asks ours.
        let helper = format!("__with_document_kind_{kind}");
        arms.push_str(&format!("            {kind:?} => $crate::{helper}!([$($run)::+], ($($arg),*), $unknown),\n"));
        helpers.push_str(&format!(
            "\n#[cfg(feature = {feature:?})]\n#[doc(hidden)]\n#[macro_export]\n\
             macro_rules! {helper} {{\n    \
             ([$($run:tt)*], ($($arg:expr),*), $unknown:expr) => {{ $($run)*::<{ty}>($($arg),*) }};\n}}\n\
             #[cfg(not(feature = {feature:?}))]\n#[doc(hidden)]\n#[macro_export]\n\
             macro_rules! {helper} {{\n    \
             ($run:tt, $args:tt, $unknown:expr) => {{ $unknown }};\n}}\n"
        ));
    }
    format!(
        "\n/// The document kinds by their schema's name (`xml-model check`'s kinds, the first column\n\
         /// of the corpus manifest); each but `domain` is also the name of the feature that\n\
         /// compiles its typed model.\n\
         pub const KINDS: &[&str] = &[{}];\n\n\
         /// Calls `run::<T>(arg, ..)` (a function's path: `check::<T>(..)`, `Job::run::<T>(&job)`)\n\
         /// with `T` the typed root of the document kind `kind` (one of [`KINDS`]), or evaluates\n\
         /// `unknown` for a name that is not one, or whose feature is off:\n\
         /// `with_document_kind!(kind, print_schema(), panic!(\"no kind {{kind}}\"))`.\n\
         #[macro_export]\n\
         macro_rules! with_document_kind {{\n    \
         ($kind:expr, $($run:ident)::+($($arg:expr),*), $unknown:expr) => {{\n        \
         match $kind {{\n{arms}            _ => $unknown,\n        }}\n    }};\n}}\n{helpers}",
        kinds.join(", ")
    )
}
