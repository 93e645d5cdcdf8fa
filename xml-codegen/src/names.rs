//! Rust names from XML and RNG names: `host-model` -> `HostModel`, `currentMemory` ->
//! `current_memory`, `type` -> `kind`.

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Words libvirt runs together in its document roots' names (`<domainsnapshot>`): split, so
/// that the types are `DomainSnapshot`, `NetworkPort`, as libvirt's documentation writes them.
const RUN_TOGETHER: &[(&str, [&str; 2])] = &[
    ("domainsnapshot", ["domain", "snapshot"]),
    ("domaincheckpoint", ["domain", "checkpoint"]),
    ("domainbackup", ["domain", "backup"]),
    ("networkport", ["network", "port"]),
    ("filterbinding", ["filter", "binding"]),
    ("storagepool", ["storage", "pool"]),
];

/// Splits a name into words at separators, lower-to-upper case changes and the end of an
/// acronym (`HTTPCookies` -> `HTTP`, `Cookies`), and libvirt's run-together words.
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in split_words(s) {
        match RUN_TOGETHER.iter().find(|(joined, _)| w == *joined) {
            Some((_, parts)) => out.extend(parts.iter().map(|p| (*p).to_owned())),
            None => out.push(w),
        }
    }
    out
}

fn split_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        let acronym_ends = c.is_ascii_uppercase()
            && cur.len() > 1
            && cur.chars().all(|p| p.is_ascii_uppercase())
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
        if c.is_ascii_uppercase() && (prev_lower || acronym_ends) && !cur.is_empty() {
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
            // Acronyms are one word in Rust's names (`Cpu`, `Http`), as the API guidelines ask.
            if cs.as_str().chars().all(|c| !c.is_ascii_lowercase()) {
                out.push_str(&cs.as_str().to_ascii_lowercase());
            } else {
                out.push_str(cs.as_str());
            }
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
    // A keyword kept apart by `_` (`enum_`) is no keyword once plural: `enums`.
    if let Some(word) = s.strip_suffix('_') {
        return plural(word);
    }
    let sibilant = ["ss", "us", "is", "as", "x", "ch", "sh"];
    if sibilant.iter().any(|end| s.ends_with(end)) {
        format!("{s}es")
    } else if s.ends_with('s') {
        // Already a plural (`<pages>`, `<ports>`): `pageses` would read as a typo.
        s.to_owned()
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
        assert_eq!(camel("countCPU"), "CountCpu");
        assert_eq!(camel("diskSourceNetworkProtocolHTTPCookies"), "DiskSourceNetworkProtocolHttpCookies");
        assert_eq!(camel("virtualPortProfileID"), "VirtualPortProfileId");
        assert_eq!(snake("HTTPCookies"), "http_cookies");
        assert_eq!(camel("0"), "V0");
        assert_eq!(camel("self"), "SelfValue");
        assert_eq!(snake("currentMemory"), "current_memory");
        assert_eq!(snake("type"), "kind");
        assert_eq!(snake("match"), "match_");
        assert_eq!(plural("address"), "addresses");
        assert_eq!(plural("entry"), "entries");
        assert_eq!(plural("bus"), "buses");
        assert_eq!(plural("alias"), "aliases");
        assert_eq!(plural("pages"), "pages");
        assert_eq!(singular("devices").as_deref(), Some("device"));
    }
}
