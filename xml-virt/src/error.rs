//! Errors of the runtime: libvirt's own (code, domain, message kept) or the model's.

/// What went wrong talking to libvirt.
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
    /// A document libvirt returned did not read into the typed model.
    #[error("libvirt returned XML the model cannot read: {0}")]
    Model(#[from] xml_model::Error),
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
            Error::Model(_) => None,
        }
    }
}

/// The runtime's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
