//! The Rust-side IR: an arena of types that know their XML roles, built by `lower` and
//! written out by `emit`.

/// An index into [`Ir::types`].
pub type TypeId = usize;

/// How often a field occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Occurs {
    One,
    Optional,
    Many,
}

impl Occurs {
    /// The occurrence inside an `optional`.
    pub fn optional(self) -> Self {
        match self {
            Occurs::One => Occurs::Optional,
            o => o,
        }
    }
    /// The occurrence inside a repetition.
    pub fn many(self) -> Self {
        Occurs::Many
    }
    /// Two occurrences of the same item combined.
    pub fn join(self, other: Self) -> Self {
        self.max(other)
    }
}

/// A scalar or named type a field holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    String,
    /// `Number<T>` with T a Rust integer type name.
    Number(&'static str),
    /// An element with no content: `Empty`.
    Empty,
    /// Arbitrary XML: `AnyElement`.
    Any,
    /// A generated type.
    Named(TypeId),
    /// A hand-written runtime type standing for a schema define (`crate::Uuid` for `UUID`),
    /// by its path; codegen.toml's `[values]` and `[groups]` say which.
    Runtime(String),
}

/// What a field is in XML.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Role {
    Attribute { name: String },
    Child { name: String, ns: String },
    Text,
    Flatten,
    Choice,
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    pub name: String,
    pub role: Role,
    pub occurs: Occurs,
    pub ty: Ty,
    pub boxed: bool,
    pub non_empty: bool,
    /// A flattened tag enum whose discriminating attribute is written before the owner's own
    /// attributes (codegen.toml `[lead]`).
    pub lead: bool,
    /// The name the generator gave, where codegen.toml `[fields]` gives another.
    pub renamed_from: Option<String>,
    /// Where a value's type comes from in the schema (for the audit and docs).
    pub schema: SchemaType,
}

/// What the schema says a value is: the define it refers to (`uniMacAddr`), `xsd:<type>`
/// for a datatype, `values` for a choice of values; `None` for free text. Informational:
/// two fields that differ only here are the same field.
#[derive(Debug, Clone, Default)]
pub struct SchemaType(pub Option<String>);

impl PartialEq for SchemaType {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for SchemaType {}

impl std::hash::Hash for SchemaType {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    pub name: String,
    /// The attribute value (tag enums) or element name (choice enums).
    pub key: String,
    pub ns: String,
    pub ty: Ty,
    pub default: bool,
    /// The variant of an absent attribute with no value of its own (libvirt's "the
    /// hypervisor's default"); its key is empty.
    pub absent: bool,
    /// For element variants that share a name: the attribute whose presence selects this
    /// one (the snapshot's whole `<domain type=..>` beside its `<domain>` of only a UUID).
    pub if_attribute: Option<String>,
    /// The payload is boxed (a struct: variants stay small).
    pub boxed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An element's content or a flattened group.
    Struct { fields: Vec<Field>, extras: bool },
    /// Variants told apart by an attribute value; flattened into the owner.
    TagEnum { attribute: String, variants: Vec<Variant> },
    /// Child elements told apart by their names.
    ChoiceEnum { variants: Vec<Variant> },
    /// String values; `other` when free text is allowed too.
    ValueEnum { values: Vec<String>, other: bool },
    /// A value with facets the type checks in `validate()`: a pattern (already translated to
    /// the `regex` crate's syntax and known to compile) and inclusive bounds.
    Newtype { base: Ty, pattern: Option<String>, min: Option<i128>, max: Option<i128> },
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name, final after naming.
    pub name: String,
    /// Candidate names, best first.
    pub hints: Vec<String>,
    /// The module (the RNG file the type comes from, without `.rng`).
    pub module: String,
    /// What the type is in XML, for its doc comment.
    pub doc: String,
    pub kind: Kind,
    /// A document root: its element name.
    pub root: Option<String>,
    /// A hand-written type (its path) used instead of generating this one (codegen.toml).
    pub replaced_by: Option<String>,
    /// The name codegen.toml gave in place of the generated one.
    pub renamed_from: Option<String>,
    /// A hand-written function (its path) that checks rules across the type's fields
    /// (codegen.toml `[validate]`).
    pub validate: Option<String>,
    /// A tag enum whose variants' own leading discriminating attributes are written before
    /// its own (codegen.toml `[payload_tags_first]`).
    pub payload_tags_first: bool,
    /// Constructors named after a kind (`emit::kind_constructor_names`) not to generate for
    /// this type (codegen.toml `[variant_constructors]`).
    pub no_constructor: Vec<String>,
    /// The `<element>` patterns this struct is the type of (several after merging).
    pub patterns: Vec<crate::rng::PatId>,
    /// The values of the struct's kind (its one required tag enum's attribute) with which
    /// the schema accepts it with nothing else set (`constructible::mark`).
    pub alone: Vec<String>,
    /// No candidate name was free: the name is the last candidate numbered, to be renamed
    /// in codegen.toml.
    pub numbered: bool,
    /// The RNG defines this type is the body of (several after merging).
    pub defines: Vec<String>,
    /// The element whose content this is (for enums and variant payloads, the element
    /// they are part of); empty for values.
    pub element: String,
    /// For an element whose whole content is a group define (`<domain>` and
    /// `<inactiveDomain>` are both `domaincontents`): that define. Elements of one content
    /// define are one type.
    pub content_define: Option<String>,
}

#[derive(Debug, Default)]
pub struct Ir {
    pub types: Vec<TypeDef>,
    /// (top-level schema kind, root element name, type).
    pub roots: Vec<(String, String, TypeId)>,
    /// The modules (schema files) that define each RNG define name.
    pub define_modules: std::collections::HashMap<String, Vec<String>>,
}
