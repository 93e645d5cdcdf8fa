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
}

impl Problem {
    /// The message without the position: `/domain/os: found the end of <os>; expected <type>`.
    pub fn message(&self) -> String {
        if self.path.is_empty() {
            format!("found {}; expected {}", self.found, self.expected)
        } else {
            format!("{}: found {}; expected {}", self.path, self.found, self.expected)
        }
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
    /// Every problem, in document order (empty when the document is valid).
    pub problems: Vec<Problem>,
}

impl Report {
    /// A document that could not be read as XML: one problem at `line:column`, no path.
    pub(crate) fn unreadable(line: u32, column: u32, found: String, expected: &str) -> Report {
        let problem = Problem { path: String::new(), line, column, found, expected: expected.to_owned() };
        Report { file: None, schema: None, problems: vec![problem] }
    }

    /// Whether the document is valid.
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// `FILE: valid`, or one `FILE:LINE:COL: invalid: MESSAGE` line per problem.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.as_ref().map_or_else(|| "<input>".to_owned(), |p| p.display().to_string());
        if self.problems.is_empty() {
            return write!(f, "{file}: valid");
        }
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{file}:{}:{}: invalid: {}", p.line, p.column, p.message())?;
        }
        Ok(())
    }
}
