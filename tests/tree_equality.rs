//! The document tree's own pass over the bytes builds the tree roxmltree's parser
//! built before it, node for node, and refuses what roxmltree refused with the same error:
//! over the whole corpus, the documents the fuzzers found, hand-made edge cases, and (given
//! `LIBVIRT_XML_TREE_INPUTS=dir[:dir..]`) every file of the fuzzers' corpora.

#[allow(dead_code)]
#[path = "support/properties.rs"]
mod properties;
mod support;

use std::path::Path;

use xml_model::read::Tree;
use xml_model::Limits;

/// Parses each input both ways, with and without a DTD allowed and with small limits;
/// gives how many inputs there were and how many of them the quick pass took itself (with
/// the default limits and no DTD).
fn check_all<'a>(inputs: impl Iterator<Item = (String, &'a str)>) -> (usize, usize) {
    let (mut total, mut quick) = (0, 0);
    let mut failures = Vec::new();
    let small = Limits { max_attributes: 3, max_depth: 4, max_text: 40, ..Limits::default() };
    for (name, text) in inputs {
        total += 1;
        for (i, (allow_dtd, limits)) in
            [(false, Limits::default()), (true, Limits::default()), (false, small)].iter().enumerate()
        {
            match properties::tree_same_both_ways(text, *allow_dtd, limits) {
                Ok(q) => quick += (q && i == 0) as usize,
                Err(e) => failures.push(format!("{name} (dtd {allow_dtd}, {limits:?}): {e}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} differ:\n{}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n")
    );
    (total, quick)
}

#[test]
fn the_corpus_parses_the_same_both_ways() {
    let corpus = support::corpus();
    let (total, quick) = check_all(corpus.iter().map(|e| (e.path.clone(), e.text.as_str())));
    // The corpus is what the quick pass is for: all but a few documents (a DTD, CDATA) are its own.
    println!("{quick} of {total} documents took the quick pass");
    let left: Vec<&str> = corpus
        .iter()
        .filter(|e| Tree::parse(&e.text, false, &Limits::default()).map_or(true, |d| d.is_copied()))
        .map(|e| e.path.as_str())
        .collect();
    assert!(quick * 100 > total * 98, "only {quick} of {total} documents took the quick pass; not: {left:?}");
}

#[test]
fn found_inputs_parse_the_same_both_ways() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_found");
    let mut texts = Vec::new();
    for entry in walk(&dir) {
        texts
            .push((entry.display().to_string(), String::from_utf8_lossy(&std::fs::read(&entry).unwrap()).into_owned()));
    }
    assert!(!texts.is_empty());
    check_all(texts.iter().map(|(n, t)| (n.clone(), t.as_str())));
}

/// What the quick pass must get right or hand over: each is parsed both ways.
const EDGES: &[&str] = &[
    "<a/>",
    "<a></a>",
    "<a >x</a >",
    "<a></b>",
    "<a><b></a></b>",
    "<a/><b/>",
    "text<a/>",
    "<a/>text",
    "  <a/>  ",
    "<a>",
    "",
    "<?xml version='1.0' encoding='UTF-8'?>\n<a/>",
    "<?xml version=\"1.0\" standalone='yes' ?><a/>",
    "<?xml version='1.1'?><a/>",
    "<?xml encoding='UTF-8' version='1.0'?><a/>",
    " <?xml version='1.0'?><a/>",
    "\u{feff}<a/>",
    "<a b='1' b='2'/>",
    "<a b='1'c='2'/>",
    "<a b=1/>",
    "<a b='<'/>",
    "<a b='&lt;&gt;&amp;&apos;&quot;&#65;&#x42;&#x10FFFF;'/>",
    "<a b='&#0;'/>",
    "<a b='&#xD800;'/>",
    "<a b='&#X41;'/>",
    "<a b='&#;'/>",
    "<a b='&nbsp;'/>",
    "<a b='&amp'/>",
    "<a b='x\ty\nz'/>",
    "<a b='x\r\ny'/>",
    "<a>x\r\ny\rz</a>",
    "<a>&lt;x&gt; &amp; &#10;&#13;y</a>",
    "<a>&#13;</a>",
    "<a>x]]>y</a>",
    "<a>x]y]]z]]]>y</a>",
    "<a>x]] >y]</a>",
    "<a>]</a>]]>",
    "<a>x]]y</a>",
    "<a>&bogus;</a>",
    "<a>& b</a>",
    "<a><![CDATA[x<y]]>z</a>",
    "<a><!-- c --><!--d--></a>",
    "<a><!-- c -- d --></a>",
    "<a><!-- c ---></a>",
    "<!-- before --><a/><!-- after -->",
    "<a><?pi value?></a>",
    "<?pi?><a/>",
    "<!DOCTYPE a><a/>",
    "<!DOCTYPE a [<!ENTITY e 'v'>]><a>&e;</a>",
    "<a xmlns='urn:x'><b/></a>",
    "<a xmlns:q='urn:q'><q:b q:c='1' d='2'/></a>",
    "<a xmlns:q='urn:q'><b xmlns:q='urn:q'/><c xmlns:q='urn:r'/></a>",
    "<q:a xmlns:q='urn:q'/>",
    "<a xmlns:q='urn:q' xmlns:r='urn:q' q:x='1' r:x='2'/>",
    "<a xmlns:q='urn:q' q:x='1' x='2'/>",
    "<q:a/>",
    "<a q:b='1'/>",
    "<a xml:lang='en'/>",
    "<xml:a/>",
    "<a xmlns:xml='http://www.w3.org/XML/1998/namespace'/>",
    "<a xmlns:q=''/>",
    "<a xmlns=''/>",
    "<a xmlns:q='urn:q' xmlns:q='urn:r'/>",
    "<a xmlns:q='urn:&amp;'><q:b/></a>",
    "<a xmlns='urn:x' xmlns:q='urn:x'><b q:c='1' c='2'/></a>",
    "<a:b:c/>",
    "<1a/>",
    "<a-b.c_d/>",
    "<é/>",
    "<a é='1'/>",
    "<a>é\u{FFFE}</a>",
    "<a>\u{1}</a>",
    "<a>\t</a>",
    "<a>\n  <b/>\n</a>",
    "<a><b>1</b>2<c/>3</a>",
    "<a b=\"x'y\" c='x\"y'/>",
    "<a b='>'/>",
    "<a\n  b='1'\n/>",
    "<a b = '1' />",
    "<a/ >",
    "< a/>",
    "<a\u{0}/>",
    "<a><b><c><d><e/></d></c></b></a>",
    "<a b='1' c='2' d='3' e='4'/>",
    "<a>0123456789012345678901234567890123456789012345</a>",
    "<a>01234567890123456789&amp;01234567890123456789</a>",
    // Where the pass finds the markup itself: ends of tags, comments and declarations.
    "<a></a >",
    "<a></a  >",
    "<a></a\n>",
    "<a></ a>",
    "<a></a",
    "<a",
    "<a b='1'",
    "<a b='1'/",
    "<a/",
    "<a>x<",
    "<a>x</",
    "<a b='1'c='2'/>",
    "<a b='1'/><",
    "<a/>x",
    "<a/><b/>",
    "<a><!----></a>",
    "<a><!---></a>",
    "<!-->x--><a/>",
    "<a><!-- x</a>",
    "<a>&amp</a>",
    "<a>&amp;&#x3C;&#60;</a>",
    "<a>&;</a>",
    "<a>a > b</a>",
    "<a><?xml version='1.0'?></a>",
    "<?xml version='1.0'?><a/>",
    "<?xml version='1.0' encoding='UTF-8' standalone='no'?>\n<a/>",
    "<?xml version='1.0'?>",
    " <?xml version='1.0'?><a/>",
    "<?xml version='1.0'><a/>",
    "<?xmlversion='1.0'?><a/>",
    "<a>]]></a>",
    "<a b='1' / >",
    "<a\tb='1'\t/>",
];

#[test]
fn edge_cases_parse_the_same_both_ways() {
    check_all(EDGES.iter().map(|t| (format!("{t:?}"), *t)));
}

#[test]
fn fuzz_corpora_parse_the_same_both_ways() {
    let Some(dirs) = std::env::var_os("LIBVIRT_XML_TREE_INPUTS") else { return };
    let mut texts = Vec::new();
    for dir in std::env::split_paths(&dirs) {
        for path in walk(&dir) {
            let bytes = std::fs::read(&path).unwrap();
            if let Ok(text) = String::from_utf8(bytes) {
                texts.push((path.display().to_string(), text));
            }
        }
    }
    let (total, quick) = check_all(texts.iter().map(|(n, t)| (n.clone(), t.as_str())));
    println!("{total} inputs, {quick} by the quick pass");
    for (_, text) in &texts {
        properties::lean_reading_matches_whole(text);
    }
}

/// Where a lean tree (indentation left out) could read otherwise than the whole tree: blank
/// text beside elements, before and after comments, with blank lines, alone in an element,
/// inside unknown elements kept whole, with references.
const LEAN_EDGES: &[&str] = &[
    "<domain type='kvm'>\n  <name>a</name>\n</domain>",
    "<domain type='kvm'><name>a</name>\n\n  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>\n</domain>",
    "<domain type='kvm'>\n  <!-- c -->\n  <name>a</name>\n  <!-- d -->\n</domain>",
    "<domain type='kvm'>\n  <name>a</name>\n  <description>  </description>\n  <title>\n</title>\n</domain>",
    "<domain type='kvm'>\n  <name>a</name>\n  <unknown>\n    <x a='1'/>\n  </unknown>\n</domain>",
    "<domain type='kvm'>\n  <name>a</name>\n  <metadata>\n    <m:x xmlns:m='urn:m'>\n      <m:y/>\n    </m:x>\n  </metadata>\n</domain>",
    "<domain type='kvm'>&#32;\n  <name>a</name>&#10;\n  <os>\n    <type>\n    hvm</type>\n  </os>\n</domain>",
    "<domain type='kvm'>\n  <name>a</name>\n  <devices>\n    <disk type='file'>\n      <target dev='vda'/>\n    </disk>\n\n  </devices>\n</domain>",
    "<domain type='kvm'>\n  <name>a\n  <b/>\n  </name>\n</domain>",
    "<domain type='kvm'>\n  <name>a</name>\n  <devices>\n    <disk type='file' device='bogus'>\n      <target dev='vda'/>\n    </disk>\n  </devices>\n</domain>",
    "<domain type='kvm'>\n  <name>a</name>\n  <vcpu>\n  <x/>\n  </vcpu>\n</domain>",
    // Unknown content kept whole from a lean tree: the indentation it left out comes back
    // from the input, beside comments, after text, before an end tag written with a space,
    // after a start tag with a `>` in a value, and with blank lines (which the tree keeps).
    "<domain type='kvm'>\n  <name>a</name>\n  <metadata>\n    <libosinfo:libosinfo xmlns:libosinfo='http://libosinfo.org/xmlns/libvirt/domain/1.0'>\n      <libosinfo:os id='http://debian.org/debian/12'/>\n    </libosinfo:libosinfo>\n  </metadata>\n</domain>",
    "<domain type='kvm'>\n  <name>a</name>\n  <metadata>\n    <m:x xmlns:m='urn:m' a='>'>\n      <!-- c -->\n      <m:y/>\n    <!-- d --></m:x >\n  </metadata>\n</domain>",
    "<domain type='kvm'>\n  <name>a</name>\n  <metadata>\n    <m:x xmlns:m='urn:m'>text\n      <m:y/>\n\n      <m:z>\n        <m:w/>\n      </m:z>\n    </m:x>\n  </metadata>\n</domain>",
    "<domain type='kvm'>\n  <name>a</name>\n  <devices>\n    <unknown>\t<x/>\t<y/>\t</unknown>\n  </devices>\n</domain>",
    "<network>\n  <name>n</name>\n  <ip address='192.168.1.1'>\n    <dhcp>\n      <range start='192.168.1.2' end='192.168.1.9'/>\n    </dhcp>\n  </ip>\n</network>",
];

/// Reading from a lean tree gives the values and errors reading the whole tree gives, on
/// the corpus, the fuzzers' finds and the edge cases above (the fuzz corpora too, in
/// `fuzz_corpora_parse_the_same_both_ways`).
#[test]
fn lean_trees_read_as_whole_trees() {
    for e in support::corpus() {
        properties::lean_reading_matches_whole(&e.text);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_found");
    for path in walk(&dir) {
        if let Ok(text) = std::fs::read_to_string(&path) {
            properties::lean_reading_matches_whole(&text);
        }
    }
    for text in LEAN_EDGES {
        properties::lean_reading_matches_whole(text);
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
