//! The one error type of the crate: where in which document, and what was expected there.

use std::fmt;
use std::path::PathBuf;

/// A problem found while reading a document, with its place: the fields of [`ErrorDetail`]
/// (`error.path`, `error.line`, `error.kind`, ...) behind one pointer.
///
/// Boxed because every read step returns a `Result`: with the error one pointer wide, a
/// `Result<Option<u16>>` comes back in registers, not through memory, and the code that
/// passes errors on is a move of one word in each of the model's ~900 element types.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<ErrorDetail>);

/// Where a problem is and what it is: what an [`Error`] holds.
///
/// `path` is an XPath-like location (`/domain/devices/disk[2]/source/@file`): an index is
/// given where an element has siblings of the same name. `line` and `column` are 1-based;
/// they are 0 for values built in code, which have no position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorDetail {
    /// The file the document came from, when it came from one.
    pub file: Option<PathBuf>,
    /// Where in the document.
    pub path: String,
    /// 1-based line, 0 when unknown.
    pub line: u32,
    /// 1-based column (in characters), 0 when unknown.
    pub column: u32,
    /// What went wrong.
    pub kind: ErrorKind,
}

/// What went wrong, and what the model expected instead.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Not well-formed XML (the parser's message).
    NotWellFormed(String),
    /// The bytes are not UTF-8.
    InvalidUtf8,
    /// The root element is not the one the type reads.
    WrongRoot { found: String, expected: String },
    /// A required attribute is absent.
    MissingAttribute { name: String },
    /// A required child element is absent.
    MissingElement { name: String },
    /// Required text content is absent.
    MissingText,
    /// A value that does not parse as the type the schema gives.
    InvalidValue { value: String, expected: String },
    /// An element that may occur once occurs again.
    Duplicate { name: String },
    /// Content the model does not know (strict mode, or a type with nowhere to keep it).
    Unknown { what: String, expected: String },
    /// Content of two mutually exclusive branches of a choice.
    Conflict { found: String, with: String },
    /// Nesting deeper than the reader allows (a guard against stack exhaustion).
    TooDeep { limit: u32 },
    /// More than a [`Limits`](crate::limits::Limits) field allows: `what` is what was too
    /// much, `limit` the field's name, `value` its value.
    OverLimit { what: String, limit: &'static str, value: usize },
    /// What libvirt's schemas do not allow (strict reading checks the whole document against
    /// them; see `crate::check`).
    Schema { found: String, expected: String },
    /// I/O while reading a file.
    Io(String),
}

/// Longest stretch of a bad value quoted back in a message.
const QUOTE_LIMIT: usize = 60;

/// Shortens a value for an error message, on a character boundary.
pub(crate) fn quote(value: &str) -> String {
    if value.len() <= QUOTE_LIMIT {
        return value.to_owned();
    }
    let mut end = QUOTE_LIMIT;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes)", &value[..end], value.len())
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::NotWellFormed(m) => write!(f, "not well-formed XML: {m}"),
            ErrorKind::InvalidUtf8 => write!(f, "invalid UTF-8: expected a UTF-8 document"),
            ErrorKind::WrongRoot { found, expected } => {
                write!(f, "root element is <{found}>, expected <{expected}>")
            }
            ErrorKind::MissingAttribute { name } => {
                write!(f, "missing required attribute '{name}'")
            }
            ErrorKind::MissingElement { name } => write!(f, "missing required element <{name}>"),
            ErrorKind::MissingText => write!(f, "missing required text content"),
            ErrorKind::InvalidValue { value, expected } if value.trim() != value && !value.trim().is_empty() => {
                write!(f, "invalid value '{}': expected {expected}, with no blanks around it", quote(value))
            }
            ErrorKind::InvalidValue { value, expected } => {
                write!(f, "invalid value '{}': expected {expected}", quote(value))
            }
            ErrorKind::Duplicate { name } => {
                write!(f, "element <{name}> repeated: it may occur only once here")
            }
            ErrorKind::Unknown { what, expected } => {
                write!(f, "unexpected {what}: expected {expected}")
            }
            ErrorKind::Conflict { found, with } => {
                write!(f, "{found} cannot be combined with {with}")
            }
            ErrorKind::TooDeep { limit } => {
                write!(f, "elements nested deeper than {limit} levels")
            }
            ErrorKind::OverLimit { what, limit, value } => {
                write!(f, "{what}: more than `Limits::{limit}` = {value} allows")
            }
            ErrorKind::Schema { found, expected } => write!(f, "found {found}; expected {expected}"),
            ErrorKind::Io(m) => write!(f, "cannot read: {m}"),
        }
    }
}

impl std::ops::Deref for Error {
    type Target = ErrorDetail;

    fn deref(&self) -> &ErrorDetail {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorDetail {
        &mut self.0
    }
}

impl From<ErrorDetail> for Error {
    fn from(detail: ErrorDetail) -> Self {
        Error(Box::new(detail))
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl std::error::Error for Error {}

impl fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}:", file.display())?;
        }
        if self.line > 0 {
            write!(f, "{}:{}: ", self.line, self.column)?;
        } else if self.file.is_some() {
            f.write_str(" ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{}", self.kind)
    }
}

impl Error {
    /// An error with no position (for values built in code).
    pub fn new(path: impl Into<String>, kind: ErrorKind) -> Self {
        Error::at(path, 0, 0, kind)
    }

    /// An error at a line and column (1-based) of a document.
    pub fn at(path: impl Into<String>, line: u32, column: u32, kind: ErrorKind) -> Self {
        Error::from(ErrorDetail { file: None, path: path.into(), line, column, kind })
    }

    /// Names the file the document came from.
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// What every read step returns stays two words, so that it comes back in registers
    /// (the reason `Error` is boxed).
    #[test]
    fn a_read_step_result_is_two_words() {
        assert!(std::mem::size_of::<Result<Option<u16>>>() <= 2 * std::mem::size_of::<usize>());
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    /// The detail's fields read and change through the error, and it prints as the detail.
    #[test]
    fn an_error_reads_as_its_detail() {
        let mut e = Error::at("/domain/vcpu", 3, 9, ErrorKind::MissingText);
        assert_eq!((e.path.as_str(), e.line, e.column), ("/domain/vcpu", 3, 9));
        e.file = Some("guest.xml".into());
        assert_eq!(e.to_string(), "guest.xml:3:9: /domain/vcpu: missing required text content");
        assert_eq!(format!("{e:?}"), format!("{:?}", *e));
    }
}
