//! `xml-model fmt` gives libvirt's style whatever the input's: every document libvirt
//! formatted, re-indented by four spaces per level and with its attributes in double quotes,
//! comes back as libvirt's bytes; and formatting is idempotent.

mod support;

use libvirt_xml::generated::reformat_with;
use libvirt_xml::model::write::Layout;
use libvirt_xml::ReadOptions;

/// Another tool's style: four spaces per level, attributes in double quotes.
fn restyle(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let body = line.trim_start_matches(' ');
        out.push_str(&" ".repeat((line.len() - body.len()) * 2));
        // Single-quoted attribute values (they hold no `'`) into double quotes, in tags only.
        let mut in_tag = false;
        let mut in_value = false;
        let chars: Vec<char> = body.chars().collect();
        for (k, &c) in chars.iter().enumerate() {
            match c {
                '<' if !in_value => in_tag = true,
                '>' if !in_value => in_tag = false,
                '\'' if in_tag && (in_value || k > 0 && chars[k - 1] == '=') => {
                    let value_end = in_value;
                    in_value = !in_value;
                    let inner: String = if value_end {
                        String::new()
                    } else {
                        chars[k + 1..].iter().take_while(|&&c| c != '\'').collect()
                    };
                    if value_end || !inner.contains('"') {
                        out.push('"');
                        continue;
                    }
                }
                _ => {}
            }
            out.push(c);
        }
    }
    out
}

#[test]
fn libvirts_own_documents_restyled_come_back_as_libvirt_wrote_them() {
    let dir = support::corpus_dir();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let (mut total, mut same) = (0, 0);
    let mut failures = Vec::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[3] != "valid" || !support::libvirt_formatted(cols[1]) {
            continue;
        }
        let text = std::fs::read_to_string(dir.join(cols[1])).unwrap();
        let restyled = restyle(&text);
        assert_ne!(restyled, text, "{}: the restyle changed nothing", cols[1]);
        total += 1;
        match reformat_with(&restyled, ReadOptions::recover(), Layout::Restyled) {
            Ok(out) if out == text => {
                same += 1;
                // Idempotent: libvirt's style formats to itself.
                assert_eq!(reformat_with(&out, ReadOptions::recover(), Layout::Restyled).unwrap(), out);
            }
            Ok(out) => {
                failures.push(format!("{}: {:?}", cols[1], libvirt_xml::model::compare::first_difference(&text, &out)))
            }
            Err(e) => failures.push(format!("{}: {e}", cols[1])),
        }
    }
    eprintln!("fmt: {same} of {total} restyled libvirt documents come back byte for byte");
    support::assert_covered("restyled libvirt-formatted documents", total, 1000);
    assert!(failures.is_empty(), "{} of {total}:\n{}", failures.len(), failures.join("\n"));
}
