//! Errors of the runtime: libvirt's own (code, domain, message kept), the model's, the host's
//! files, and input that cannot be handed to libvirt at all.

use std::path::PathBuf;

/// What went wrong talking to libvirt or reading the host.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// libvirt refused: its error code, the subsystem it came from, and its message.
    #[error("libvirt: {message} (code {code}, domain {domain})")]
    Libvirt {
        /// `virErrorNumber`, as the `virt` crate names it.
        code: String,
        /// `virErrorDomain`: which part of libvirt raised it.
        domain: String,
        /// libvirt's message.
        message: String,
    },
    /// A document libvirt returned (or the caller gave) did not read into the typed model.
    #[error("libvirt returned XML the model cannot read: {0}")]
    Model(#[from] xml_model::Error),
    /// A host file read beside libvirt (sysfs, `/proc`, `/dev/kvm`, a save file) failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// QEMU refused a QMP command: its error class and description.
    #[error("QEMU monitor: {desc} ({class})")]
    Monitor {
        /// QMP's error class (`CommandNotFound`, `GenericError`, ...).
        class: String,
        /// QEMU's description.
        desc: String,
    },
    /// The request cannot be handed to libvirt as it is; the message says why.
    #[error("invalid request: {0}")]
    Invalid(String),
    /// The document breaks rules of libvirt's schemas or code (what its `validate()` finds),
    /// so it was not sent: libvirt would refuse it, or silently change it, or (Debian 12's
    /// 9.0.0, for a NUMA distance to a cell that does not exist) write outside its own
    /// memory. Every problem, with its path.
    #[error("not sent to libvirt: {}", summary(.0))]
    Rejected(Vec<xml_model::validate::Problem>),
}

/// The first problem, and how many more there are.
fn summary(problems: &[xml_model::validate::Problem]) -> String {
    match problems {
        [] => "no problem".to_owned(),
        [one] => one.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
    }
}

/// `Ok` when `document` breaks no rule `validate()` knows, else [`Error::Rejected`]: what
/// every typed definition goes through before libvirt sees it.
pub(crate) fn validated<D: xml_model::ValidateRoot>(document: &D) -> Result<()> {
    document.validate().map_err(Error::Rejected)
}

/// `NoDomain` for a known value, `Unknown(42)` for one the `virt` crate does not name.
fn enum_name<E: std::fmt::Debug, I: std::fmt::Debug>(e: virt::enumutil::Enum<E, I>) -> String {
    match e {
        virt::enumutil::Enum::Known(v) => format!("{v:?}"),
        virt::enumutil::Enum::Unknown(raw) => format!("Unknown({raw:?})"),
    }
}

impl From<virt::error::Error> for Error {
    fn from(e: virt::error::Error) -> Self {
        Error::Libvirt { code: enum_name(e.code()), domain: enum_name(e.domain()), message: e.message().to_owned() }
    }
}

impl Error {
    /// libvirt's error code name (`NoDomain`, `InvalidArg`, ...), if libvirt raised it.
    pub fn libvirt_code(&self) -> Option<&str> {
        match self {
            Error::Libvirt { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The error libvirt left for this thread after a raw `virt::sys` call failed.
    pub(crate) fn last_libvirt() -> Self {
        virt::error::Error::last_error().into()
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

/// The runtime's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A lookup's result with libvirt's "no such object" error (`missing`: `NoDomain`,
/// `NoNetwork`...) as `None`.
pub(crate) fn found<T>(lookup: Result<T>, missing: &str) -> Result<Option<T>> {
    match lookup {
        Ok(object) => Ok(Some(object)),
        Err(e) if e.libvirt_code() == Some(missing) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A document libvirt returned, read into its typed root, keeping what the model does not
/// know.
pub(crate) fn typed<D: xml_model::XmlRoot>(xml: &str) -> Result<D> {
    Ok(xml_model::Document::<D>::parse_with(xml, xml_model::ReadOptions::default())?.root)
}
