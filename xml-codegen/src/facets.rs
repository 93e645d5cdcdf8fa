//! XML Schema patterns in the `regex` crate's syntax.
//!
//! XSD patterns match the whole value and have no anchors: `^` and `$` are ordinary
//! characters there, so they are escaped outside character classes. A pattern the `regex`
//! crate cannot compile after that (XSD's `\i`, `\c`, class subtraction) is reported as
//! unchecked rather than checked wrongly.

/// The pattern in `regex` syntax, or `None` when it cannot be expressed.
pub fn translate(xsd: &str) -> Option<String> {
    let mut out = String::with_capacity(xsd.len() + 4);
    let mut chars = xsd.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next()?;
                if matches!(next, 'i' | 'I' | 'c' | 'C') {
                    return None;
                }
                out.push('\\');
                out.push(next);
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().expect("peeked"));
                }
            }
            '[' => return None, // class subtraction `[a-z-[aeiou]]`
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '^' | '$' if !in_class => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    let anchored = format!("^(?:{out})$");
    regex::Regex::new(&anchored).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::translate;

    #[test]
    fn anchors_are_literal_and_unsupported_classes_refused() {
        assert_eq!(translate("$[ ]*[a-z]+").as_deref(), Some("\\$[ ]*[a-z]+"));
        assert_eq!(translate("[^a-z]\\^x").as_deref(), Some("[^a-z]\\^x"));
        assert_eq!(translate("\\i\\c*"), None);
        assert_eq!(translate("(0x)?[0-9a-fA-F]{1,4}").as_deref(), Some("(0x)?[0-9a-fA-F]{1,4}"));
    }
}
