//! What checking reports: each problem with its place and what the schema allows there.

use std::fmt;
use std::path::PathBuf;

/// One way a document breaks the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where in the document (`/domain/devices/disk[2]/source/@file`); empty when the
    /// document could not be parsed.
    pub path: String,
    /// 1-based line of the offending element, attribute or text.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
    /// What is there (`element <foo>`, `'x' for attribute 'bits'`, `the end of <os>`).
    pub found: String,
    /// What the schema allows there (element names, attribute names, values or a datatype).
    pub expected: String,
    /// A guess at what was meant, as prose to follow "did you mean" (the message ends so):
    /// the allowed name or value the one found looks like a slip of the keys for (`<disk>`
    /// for `<disc>`, `'virtio'` for `'virtoi'`, `<commandline> in namespace '...'` for a
    /// name in another namespace), or where an element out of place goes (`<disk> inside
    /// <devices>`).
    pub suggestion: Option<String>,
}

impl Problem {
    /// The message without the position: `/domain/os: found the end of <os>; expected <type>`.
    pub fn message(&self) -> String {
        let mut message = if self.path.is_empty() {
            format!("found {}; expected {}", self.found, self.expected)
        } else {
            format!("{}: found {}; expected {}", self.path, self.found, self.expected)
        };
        if let Some(near) = &self.suggestion {
            message.push_str(&format!("; did you mean {near}?"));
        }
        message
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message())
    }
}

/// The outcome of checking one document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// The file, when the document came from one.
    pub file: Option<PathBuf>,
    /// The top-level schema the root element chose (`domain`), if any did.
    pub schema: Option<&'static str>,
    /// Every way the document breaks the schema, in document order.
    pub problems: Vec<Problem>,
    /// Every rule of libvirt's own code a domain valid against the schema breaks, placed at
    /// its line and column: only with [`Checker::with_rules`](super::Checker::with_rules).
    pub rules: Vec<crate::validate::Problem>,
}

impl Report {
    /// A document that could not be read as XML: one problem at `line:column`, no path.
    pub(crate) fn unreadable(line: u32, column: u32, found: String, expected: &str) -> Report {
        let problem =
            Problem { path: String::new(), line, column, found, expected: expected.to_owned(), suggestion: None };
        Report { problems: vec![problem], ..Report::default() }
    }

    /// Whether the document is valid: no problem with the schema, nor (when checked) with
    /// libvirt's rules.
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty() && self.rules.is_empty()
    }
}

/// `FILE: valid`, or one `FILE:LINE:COL: invalid: MESSAGE` line per problem (those with
/// libvirt's rules name the rule's source file).
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.as_ref().map_or_else(|| "<input>".to_owned(), |p| p.display().to_string());
        if self.is_valid() {
            return write!(f, "{file}: valid");
        }
        let schema = self.problems.iter().map(|p| (p.line, p.column, p.message()));
        let rules = self.rules.iter().map(|p| (p.line, p.column, p.to_string()));
        for (i, (line, column, message)) in schema.chain(rules).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{file}:{line}:{column}: invalid: {message}")?;
        }
        Ok(())
    }
}
