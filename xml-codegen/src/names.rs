//! Rust names from XML and RNG names: `host-model` -> `HostModel`, `currentMemory` ->
//! `current_memory`, `type` -> `kind`.

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Splits a name into words at separators and lower-to-upper case changes.
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `UpperCamelCase`.
pub fn camel(s: &str) -> String {
    let mut out = String::new();
    for w in words(s) {
        let mut cs = w.chars();
        if let Some(f) = cs.next() {
            out.push(f.to_ascii_uppercase());
            out.push_str(cs.as_str());
        }
    }
    if out.is_empty() {
        return "Empty".to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push_str("Value");
    }
    out
}

/// `snake_case`, never a keyword (`type` is `kind`).
pub fn snake(s: &str) -> String {
    let ws: Vec<String> = words(s).into_iter().map(|w| w.to_ascii_lowercase()).collect();
    let mut out = ws.join("_");
    if out.is_empty() {
        out = "value".to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'n');
    }
    if out == "type" {
        return "kind".to_owned();
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// A plural for a list field: `disk` -> `disks`, `address` -> `addresses`.
pub fn plural(s: &str) -> String {
    if s.ends_with('s') || s.ends_with('x') || s.ends_with("ch") || s.ends_with("sh") {
        format!("{s}es")
    } else if s.ends_with('y') && !s.ends_with("ey") && !s.ends_with("ay") && !s.ends_with("oy") {
        format!("{}ies", &s[..s.len() - 1])
    } else {
        format!("{s}s")
    }
}

/// A singular for a container's item: `devices` -> `device`.
pub fn singular(s: &str) -> Option<String> {
    if let Some(b) = s.strip_suffix("ies") {
        Some(format!("{b}y"))
    } else if s.ends_with("sses") || s.ends_with("xes") {
        Some(s[..s.len() - 2].to_owned())
    } else if s.ends_with('s') && !s.ends_with("ss") && s.len() > 3 {
        Some(s[..s.len() - 1].to_owned())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(camel("host-model"), "HostModel");
        assert_eq!(camel("currentMemory"), "CurrentMemory");
        assert_eq!(camel("0"), "V0");
        assert_eq!(camel("self"), "SelfValue");
        assert_eq!(snake("currentMemory"), "current_memory");
        assert_eq!(snake("type"), "kind");
        assert_eq!(snake("match"), "match_");
        assert_eq!(plural("address"), "addresses");
        assert_eq!(plural("entry"), "entries");
        assert_eq!(singular("devices").as_deref(), Some("device"));
    }
}
