#![doc = include_str!("../README.md")]
//!
//! This facade re-exports the pieces: [`model`] (the runtime, the derives, and the typed
//! model), and, with the default `virt` feature, [`virt`] (defining and running guests on a
//! libvirt connection).
//!
//! Examples live in `examples/`: `cargo run --example walkthrough` runs the seed guide's
//! `virsh` walk-through on libvirt's embedded `test:///default` driver.

pub use xml_model as model;
pub use xml_model::{
    AnyElement, Document, Error, ErrorKind, Extras, HexNumber, Number, ReadOptions, ScaledInteger, Unit, Unrecognized,
    Validate, ValidateRoot, Xml, XmlDocument, XmlRoot, XmlValue,
};

#[cfg(feature = "virt")]
pub use xml_virt as virt;
