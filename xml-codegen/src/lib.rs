//! Turns libvirt's Relax NG schemas into the typed model (see `DESIGN.md`): load the RNG
//! files, analyse, lower to an IR, emit Rust that uses `xml-derive`.
//!
//! This first step is the schema set's location and its loading check; the pipeline lands
//! with the codegen issue.

use std::path::PathBuf;

/// The environment variable that points at a libvirt RNG schema folder.
pub const SCHEMA_DIR_ENV: &str = "LIBVIRT_SCHEMAS";

/// The schema folder: `$LIBVIRT_SCHEMAS`, else `../shared/libvirt-schemas/11.3.0` beside the
/// workspace.
pub fn schema_dir() -> PathBuf {
    std::env::var_os(SCHEMA_DIR_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/libvirt-schemas/11.3.0"))
}
