#![doc = include_str!("../README.md")]
//!
//! This facade re-exports the pieces: [`model`] (the runtime, the derives, and the typed
//! model), [`generated`] (a type for every element of libvirt's documents), [`prelude`]
//! (what composing a guest needs, in one import), and, with the default `virt` feature,
//! [`virt`] (defining and running guests on a libvirt connection).
//!
//! Examples live in `examples/`: `cargo run --example walkthrough` runs the seed guide's
//! `virsh` walk-through on libvirt's embedded `test:///default` driver, and one example per
//! configuration of the guide prints its guest (`cargo run --example virtiofs`). With the
//! `snapshot` feature, [`assert_xml_snapshot!`] checks and snapshots your own documents.

pub use xml_model as model;
pub use xml_model::generated;
pub use xml_model::prelude;
pub use xml_model::with_document_kind;
pub use xml_model::{
    AnyElement, CpuSet, Document, Error, ErrorKind, Extras, HexNumber, IpAddress, Ipv4Address, Ipv6Address, Limits,
    MacAddress, Number, ReadOptions, ScaledInteger, Unit, Unrecognized, Uuid, Validate, ValidateRoot, Xml, XmlDocument,
    XmlRoot, XmlValue,
};

#[cfg(feature = "virt")]
pub use xml_virt as virt;

#[cfg(feature = "snapshot")]
pub mod snapshot;
#[cfg(feature = "snapshot")]
#[doc(hidden)]
pub use insta as __insta;
