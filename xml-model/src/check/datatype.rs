//! XML Schema datatypes as libvirt's schemas use them: the lexical forms, value ranges and
//! facets (`pattern`, `minInclusive`, `maxInclusive`, `maxLength`). Every type but
//! `string` collapses whitespace before it is checked, as XML Schema says.

use regex::Regex;

use super::grammar::{Datatype, DatatypeId, Grammar, Xsd};

/// Checks values against the grammar's datatypes; pattern facets are compiled on first use.
pub(crate) struct Checker {
    grammar: &'static Grammar,
    regexes: Vec<Option<Vec<Regex>>>,
}

impl Checker {
    pub(crate) fn new(grammar: &'static Grammar) -> Checker {
        Checker { grammar, regexes: vec![None; grammar.datatypes.len()] }
    }

    /// Whether `value` is in datatype `id` with its facets.
    pub(crate) fn allows(&mut self, id: DatatypeId, value: &str) -> bool {
        let dt = &self.grammar.datatypes[id as usize];
        let collapsed;
        let value = if dt.xsd == Xsd::String {
            value
        } else {
            collapsed = collapse(value);
            collapsed.as_str()
        };
        if !lexical(dt.xsd, value) || !in_range(dt, value) {
            return false;
        }
        if let Some(max) = dt.max_length {
            if value.chars().count() > max as usize {
                return false;
            }
        }
        if dt.patterns.is_empty() {
            return true;
        }
        let regexes = self.regexes[id as usize].get_or_insert_with(|| {
            dt.patterns
                .iter()
                .map(|p| Regex::new(&format!("^(?:{p})$")).expect("patterns are checked when the grammar is generated"))
                .collect()
        });
        regexes.iter().all(|r| r.is_match(value))
    }
}

/// What a datatype allows, for messages: `an unsignedInt from 0 to 255`.
pub(crate) fn describe(dt: &Datatype) -> String {
    let name = dt.xsd.name();
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u', 'N']) { "an" } else { "a" };
    let mut out = format!("{article} {name}");
    match (dt.min_inclusive, dt.max_inclusive) {
        (Some(lo), Some(hi)) => out.push_str(&format!(" from {lo} to {hi}")),
        (Some(lo), None) => out.push_str(&format!(" of at least {lo}")),
        (None, Some(hi)) => out.push_str(&format!(" of at most {hi}")),
        (None, None) => {}
    }
    if let Some(max) = dt.max_length {
        out.push_str(&format!(" of at most {max} characters"));
    }
    let pattern_length: usize = dt.patterns.iter().map(|p| p.len()).sum();
    match dt.define {
        // A pattern pages long (IPv6 addresses') says less than the name of its define.
        Some(define) if pattern_length > LONGEST_PATTERN => {
            out.push_str(&format!(" in the form the schema calls '{define}'"));
        }
        _ => {
            for p in dt.patterns {
                out.push_str(&format!(" matching '{}'", crate::error::quote(p)));
            }
            // Not when the define is only the datatype's own name (`unsignedLong`).
            if let Some(define) = dt.define.filter(|d| !dt.patterns.is_empty() && *d != name) {
                out.push_str(&format!(" (the schema's '{define}')"));
            }
        }
    }
    out
}

/// The longest pattern a message quotes, in bytes, when its define can be named instead.
const LONGEST_PATTERN: usize = 80;

fn collapse(s: &str) -> String {
    s.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `v` (whitespace already collapsed) is in the type's lexical space and range.
fn lexical(xsd: Xsd, v: &str) -> bool {
    let int = |lo: i128, hi: i128| integer(v).is_some_and(|n| n.is_some_and(|n| (lo..=hi).contains(&n)));
    match xsd {
        Xsd::String | Xsd::Token | Xsd::AnyUri => true,
        Xsd::Int => int(i32::MIN.into(), i32::MAX.into()),
        Xsd::Long => int(i64::MIN.into(), i64::MAX.into()),
        Xsd::Short => int(i16::MIN.into(), i16::MAX.into()),
        Xsd::UnsignedInt => int(0, u32::MAX.into()),
        Xsd::UnsignedLong => int(0, u64::MAX.into()),
        Xsd::UnsignedShort => int(0, u16::MAX.into()),
        // Unbounded above: a number too long for i128 is still a number.
        Xsd::Integer => integer(v).is_some(),
        Xsd::PositiveInteger => integer(v).is_some_and(|n| n.map_or(true, |n| n >= 1)),
        Xsd::NonNegativeInteger => integer(v).is_some_and(|n| n.map_or(true, |n| n >= 0)),
        Xsd::Double => double(v).is_some(),
        Xsd::DateTime => date_time(v),
        Xsd::NcName => nc_name(v),
    }
}

/// An integer's value: `None` outside the lexical space, `Some(None)` when it is too large
/// for `i128` (only a positive one can be, for the unbounded types).
fn integer(v: &str) -> Option<Option<i128>> {
    let (negative, digits) = match v.as_bytes().first()? {
        b'-' => (true, &v[1..]),
        b'+' => (false, &v[1..]),
        _ => (false, v),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match digits.parse::<i128>() {
        Ok(n) => Some(Some(if negative { -n } else { n })),
        Err(_) if negative => None,
        Err(_) => Some(None),
    }
}

/// XML Schema's `double`: decimal or scientific notation, `INF`, `-INF`, `NaN`.
fn double(v: &str) -> Option<f64> {
    match v {
        "INF" | "+INF" => return Some(f64::INFINITY),
        "-INF" => return Some(f64::NEG_INFINITY),
        "NaN" => return Some(f64::NAN),
        _ => {}
    }
    let body = v.strip_prefix(['+', '-']).unwrap_or(v);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) {
        return None;
    }
    if let Some(e) = exponent {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        if e.is_empty() || !digits(e) {
            return None;
        }
    }
    v.parse().ok()
}

/// `[-]YYYY-MM-DDThh:mm:ss[.fff][Z|(+|-)hh:mm]`.
fn date_time(v: &str) -> bool {
    let v = v.strip_prefix('-').unwrap_or(v);
    let Some((date, time)) = v.split_once('T') else { return false };
    let num = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten()
    };
    let mut d = date.split('-');
    let (Some(y), Some(m), Some(day), None) = (d.next(), d.next(), d.next(), d.next()) else { return false };
    let year_ok = y.len() >= 4 && y.bytes().all(|b| b.is_ascii_digit());
    let month_ok = num(m, 2).is_some_and(|m| (1..=12).contains(&m));
    let day_ok = num(day, 2).is_some_and(|d| (1..=31).contains(&d));
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(i) => (&time[..i], &time[i..]),
        None => (time, ""),
    };
    let zone_ok = match zone {
        "" | "Z" => true,
        z => {
            let z = &z[1..];
            z.split_once(':')
                .is_some_and(|(h, m)| num(h, 2).is_some_and(|h| h <= 14) && num(m, 2).is_some_and(|m| m <= 59))
        }
    };
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let mut t = hms.split(':');
    let (Some(h), Some(mi), Some(s), None) = (t.next(), t.next(), t.next(), t.next()) else { return false };
    let clock_ok = num(h, 2).is_some_and(|h| h <= 24)
        && num(mi, 2).is_some_and(|m| m <= 59)
        && num(s, 2).is_some_and(|s| s <= 59)
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b.is_ascii_digit());
    year_ok && month_ok && day_ok && zone_ok && clock_ok
}

/// An XML name without colons.
fn nc_name(v: &str) -> bool {
    let mut chars = v.chars();
    let Some(first) = chars.next() else { return false };
    (first == '_' || first.is_alphabetic())
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '\u{B7}'))
}

/// The `minInclusive` and `maxInclusive` facets.
fn in_range(dt: &Datatype, v: &str) -> bool {
    if dt.min_inclusive.is_none() && dt.max_inclusive.is_none() {
        return true;
    }
    let cmp = |bound: &str| -> Option<std::cmp::Ordering> {
        if dt.xsd == Xsd::Double {
            double(v)?.partial_cmp(&double(bound)?)
        } else {
            match (integer(v)?, integer(bound)?) {
                (Some(a), Some(b)) => Some(a.cmp(&b)),
                (None, Some(_)) => Some(std::cmp::Ordering::Greater),
                (Some(_), None) => Some(std::cmp::Ordering::Less),
                (None, None) => None,
            }
        }
    };
    dt.min_inclusive.map_or(true, |lo| cmp(lo).is_some_and(|o| o.is_ge()))
        && dt.max_inclusive.map_or(true, |hi| cmp(hi).is_some_and(|o| o.is_le()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_keep_to_their_ranges_after_whitespace_collapses() {
        assert!(lexical(Xsd::UnsignedInt, "4294967295"));
        assert!(!lexical(Xsd::UnsignedInt, "4294967296"));
        assert!(!lexical(Xsd::UnsignedInt, "-1"));
        assert!(lexical(Xsd::Int, "-2147483648") && !lexical(Xsd::Int, "2147483648"));
        assert!(lexical(Xsd::Integer, "123456789012345678901234567890123456789012345"));
        assert!(!lexical(Xsd::PositiveInteger, "0") && lexical(Xsd::NonNegativeInteger, "+0"));
        assert!(!lexical(Xsd::Long, "0x10") && !lexical(Xsd::Short, "") && !lexical(Xsd::Short, "1 2"));
        assert_eq!(collapse("  12 \n"), "12");
    }

    #[test]
    fn a_long_pattern_is_named_by_its_define_and_an_unnamed_one_shortened() {
        let long = "([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){6}:[0-9A-Fa-f]{1,4}|(::)";
        let patterns: &'static [&'static str] = Box::leak(Box::new([long]));
        let dt = Datatype {
            xsd: Xsd::String,
            define: Some("ipv6Addr"),
            patterns,
            min_inclusive: None,
            max_inclusive: None,
            max_length: None,
        };
        assert_eq!(describe(&dt), "a string in the form the schema calls 'ipv6Addr'");
        let unnamed = describe(&Datatype { define: None, ..dt });
        assert!(
            unnamed.starts_with("a string matching '([0-9A-Fa-f]{1,4}:){7}") && unnamed.ends_with("... (83 bytes)'"),
            "{unnamed}"
        );
        let short = Datatype { define: Some("uint8"), patterns: &["[0-9]+"], ..dt };
        assert_eq!(describe(&short), "a string matching '[0-9]+' (the schema's 'uint8')");
        // A define with no pattern adds nothing to its ranges.
        let range = Datatype { xsd: Xsd::UnsignedInt, patterns: &[], max_inclusive: Some("255"), ..short };
        assert_eq!(describe(&range), "an unsignedInt of at most 255");
    }

    #[test]
    fn doubles_dates_and_names() {
        for ok in ["1", "-1.5", ".5", "1e10", "1.E-3", "INF", "-INF", "NaN"] {
            assert!(double(ok).is_some(), "{ok}");
        }
        for bad in ["", ".", "e3", "1e", "inf", "1,5", "0x1"] {
            assert!(double(bad).is_none(), "{bad}");
        }
        assert!(date_time("2024-02-29T13:05:00Z") && date_time("2024-02-29T13:05:00.25+01:00"));
        assert!(!date_time("2024-13-01T00:00:00") && !date_time("2024-01-01") && !date_time("2024-01-01T1:00:00"));
        assert!(nc_name("vda_1.x-y") && !nc_name("1abc") && !nc_name("a:b") && !nc_name(""));
    }
}
