//! The error of a builder's `build()`.

/// A required field was not set before `build()`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot build {type_name}: the required {what} (field `{field}`) is not set")]
pub struct BuildError {
    /// The type being built.
    pub type_name: &'static str,
    /// The Rust field.
    pub field: &'static str,
    /// The XML item it is (`attribute 'name'`, `element <name>`).
    pub what: &'static str,
}
