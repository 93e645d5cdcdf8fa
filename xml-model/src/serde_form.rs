//! How model types look in serde formats (JSON, YAML) and, with the `schemars` feature, the
//! JSON Schema of that form.
//!
//! The form is serde's own for the generated types, with three choices made for people who
//! write definitions by hand:
//!
//! - a field that is absent in XML (`None`, an empty list, no unknown content) is absent in
//!   JSON, and may be left out when writing one;
//! - a field name that is not the type's is an error, not silently dropped;
//! - a value of a listed set is its XML text (`"kvm"`, `"host-model"`), numbers are numbers
//!   (a non-decimal spelling such as `0x8` stays a string, so it is written back as it was).
//!
//! Element choices are serde's externally tagged enums: `{"Filesystem": {..}}`, and a variant
//! with no content is its name, `"Default"`.

use crate::value::XmlValue;

/// Serializes a value as its XML text: what `#[xml(serde)]` on a `#[derive(XmlValue)]` type
/// expands to.
pub fn serialize_text<T: XmlValue, S: serde::Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&value.to_xml())
}

/// Deserializes a value from its XML text, with the value's own expectation as the error.
pub fn deserialize_text<'de, T: XmlValue, D: serde::Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    struct Text<T>(std::marker::PhantomData<T>);
    impl<T: XmlValue> serde::de::Visitor<'_> for Text<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
            T::parse_xml(text).map_err(|e| E::custom(format_args!("{text:?}: expected {}", e.0)))
        }
        // A format that reads `mode: 2` as a number: a value of the set all the same.
        fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<T, E> {
            self.visit_str(&n.to_string())
        }
        fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<T, E> {
            self.visit_str(&n.to_string())
        }
    }
    d.deserialize_str(Text(std::marker::PhantomData))
}

/// The building blocks of the JSON Schema that `#[derive(JsonSchema)]` (this crate's, not
/// schemars') gives a model type. The derive only lists fields and variants; the schema is
/// built here, once, rather than expanded into every type.
#[cfg(feature = "schemars")]
pub mod schema {
    use schemars::{json_schema, Schema, SchemaGenerator};
    use serde_json::{Map, Value};

    /// How the schema of a field's or variant's type is obtained:
    /// `SchemaGenerator::subschema_for::<T>`.
    pub type SubSchema = fn(&mut SchemaGenerator) -> Schema;

    /// One field of a struct: its serde name, its doc comment, whether it must be given.
    pub struct Field {
        pub name: &'static str,
        pub doc: &'static str,
        pub required: bool,
        pub schema: SubSchema,
    }

    /// One variant of an element choice: its name and its content's schema (`None` for a
    /// variant with no content, written as its name alone).
    pub struct Variant {
        pub name: &'static str,
        pub doc: &'static str,
        pub schema: Option<SubSchema>,
    }

    fn with_doc(mut schema: Schema, doc: &str) -> Schema {
        if !doc.is_empty() {
            schema.insert("description".to_owned(), doc.into());
        }
        schema
    }

    /// A struct: an object of its fields, no others.
    pub fn object(g: &mut SchemaGenerator, doc: &str, fields: &[Field]) -> Schema {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for f in fields {
            properties.insert(f.name.to_owned(), with_doc((f.schema)(g), f.doc).to_value());
            if f.required {
                required.push(Value::from(f.name));
            }
        }
        let schema = json_schema!({
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        });
        with_doc(schema, doc)
    }

    /// An element choice, externally tagged: `"Name"` or `{"Name": content}`.
    pub fn variants(g: &mut SchemaGenerator, doc: &str, variants: &[Variant]) -> Schema {
        let one_of: Vec<Value> = variants
            .iter()
            .map(|v| {
                let schema = match v.schema {
                    None => json_schema!({ "const": v.name }),
                    Some(content) => {
                        let mut properties = Map::new();
                        properties.insert(v.name.to_owned(), content(g).to_value());
                        json_schema!({
                            "type": "object",
                            "properties": properties,
                            "required": [v.name],
                            "additionalProperties": false,
                        })
                    }
                };
                with_doc(schema, v.doc).to_value()
            })
            .collect();
        with_doc(json_schema!({ "oneOf": one_of }), doc)
    }

    /// A value of a listed set, as its XML text; `open` when other text is allowed too (the
    /// listed values are still offered first).
    pub fn text_values(doc: &str, values: &[&str], open: bool) -> Schema {
        let schema = if open {
            json_schema!({ "anyOf": [{ "enum": values }, { "type": "string" }] })
        } else {
            json_schema!({ "type": "string", "enum": values })
        };
        with_doc(schema, doc)
    }

    /// A newtype: its content's schema, with the newtype's doc comment.
    pub fn newtype(g: &mut SchemaGenerator, doc: &str, inner: SubSchema) -> Schema {
        with_doc(inner(g), doc)
    }
}
