//! Hostile input: how long reading, checking and `fmt` take on documents built to be slow
//! (many attributes on one element, many siblings, unknown siblings that each are a problem,
//! known and unknown siblings in turn, a long text node), with the default limits and with
//! none; `validate()` of guests with many NUMA cells, huge page sizes or devices; `diff` and
//! `differences` of documents of many siblings. Each row should grow with the size, ten times
//! the input about ten times the time.
//! `cargo bench --bench hostile`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use libvirt_xml::model::check::Checker;
use libvirt_xml::model::generated::domaincommon::Domain;
use libvirt_xml::model::generated::reformat;
use libvirt_xml::model::read::Tree;
use libvirt_xml::model::{Limits, ValidateRoot};
use libvirt_xml::{Document, ReadOptions};

fn attributes(n: usize) -> String {
    let attrs: Vec<String> = (0..n).map(|i| format!("a{i}='x'")).collect();
    format!("<domain type='kvm' {}><name>n</name></domain>", attrs.join(" "))
}

fn siblings(n: usize, one: &str) -> String {
    format!("<domain type='kvm'><name>n</name><devices>{}</devices></domain>", one.repeat(n))
}

fn text(n: usize) -> String {
    format!("<domain type='kvm'><name>n</name><description>{}</description></domain>", "x".repeat(n))
}

fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let out = black_box(f());
    (start.elapsed(), out)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let disk = "<disk type='file' device='disk'><target dev='vda'/></disk>";
    let cases: Vec<(String, String)> = vec![
        ("20,000 attributes".into(), attributes(20_000)),
        ("200,000 attributes".into(), attributes(200_000)),
        ("10,000 siblings".into(), siblings(10_000, disk)),
        ("100,000 siblings".into(), siblings(100_000, disk)),
        ("10,000 unknown siblings".into(), siblings(10_000, "<bogus/>")),
        ("100,000 unknown siblings".into(), siblings(100_000, "<bogus/>")),
        // Known and unknown in turn: the read order is kept and written back item by item.
        ("10,000 mixed siblings".into(), siblings(5_000, &format!("{disk}<bogus/>"))),
        ("100,000 mixed siblings".into(), siblings(50_000, &format!("{disk}<bogus/>"))),
        ("10 MB text".into(), text(10_000_000)),
        ("100 MB text".into(), text(100_000_000)),
    ];
    for (limits_name, limits) in [("default limits", Limits::default()), ("no limits", Limits::none())] {
        println!("{limits_name}: time (accepted?)");
        println!(
            "{:<26} {:>11} {:>16} {:>16} {:>16} {:>16}",
            "document", "bytes", "tree", "typed read", "check", "fmt"
        );
        let read = ReadOptions { limits, ..ReadOptions::default() };
        let fmt = ReadOptions { limits, ..ReadOptions::recover() };
        for (name, doc) in &cases {
            let tree = time(|| Tree::parse(doc, false, &limits).is_ok());
            let typed = time(|| Document::<Domain>::parse_with(doc, read).is_ok());
            let check = time(|| Checker::new().with_limits(limits).check_str(doc).is_valid());
            let fmt = time(|| reformat(doc, fmt).is_ok());
            let cell = |(d, ok): (Duration, bool)| format!("{:>9.1} ms ({})", ms(d), if ok { "y" } else { "n" });
            println!(
                "{name:<26} {:>11} {:>16} {:>16} {:>16} {:>16}",
                doc.len(),
                cell(tree),
                cell(typed),
                cell(check),
                cell(fmt)
            );
        }
    }
    validate_rows();
    diff_rows();
}

/// `diff` and `differences` of documents of many siblings: matched by identity (disks of one
/// target), by place (unknown elements), and without any agreeing (inputs of other types,
/// each tried against the others until the budget of tries is spent), and a deep chain of
/// backing stores. And the round trip's comparison of an element of many attributes with the
/// same in the other order.
fn diff_rows() {
    use libvirt_xml::model::compare::first_difference;
    use libvirt_xml::model::diff::{diff, differences};
    for n in [20_000, 200_000] {
        let doc = attributes(n);
        let reversed: Vec<String> = (0..n).rev().map(|i| format!("a{i}='x'")).collect();
        let reversed = format!("<domain type='kvm' {}><name>n</name></domain>", reversed.join(" "));
        let (took, same) = time(|| first_difference(&doc, &reversed).is_none());
        println!("first_difference, {n} attributes reversed: {:.1} ms (same: {same})", ms(took));
    }
    // Each store tried once, not again inside the try of each store around it (which took
    // time exponential in the depth: 20 stores took 0.9 s).
    let stores = 250;
    let chain = siblings(
        1,
        &format!(
            "<disk type='file'><target dev='vda'/>{}<format type='raw'/>{}</disk>",
            "<backingStore type='file'><source file='/b'/>".repeat(stores),
            "</backingStore>".repeat(stores)
        ),
    );
    let (took, changes) = time(|| differences(&chain, &chain).map_or(0, |c| c.len()));
    println!("differences, a chain of {stores} backing stores: {:.1} ms ({changes} changes)", ms(took));
    println!("diff: time (changes found)");
    println!("{:<26} {:>11} {:>16} {:>16}", "documents", "bytes", "diff", "differences");
    for n in [10_000, 100_000] {
        let inputs = |kind: &str| {
            let all: String = (0..n).map(|i| format!("<input type='{kind}{i}'/>")).collect();
            format!("<domain type='kvm'><name>n</name><devices>{all}</devices></domain>")
        };
        let disk = siblings(n, "<disk type='file' device='disk'><target dev='vda'/></disk>");
        let bogus = siblings(n, "<bogus/>");
        let pairs = [
            (format!("{n} disks"), disk.clone(), disk),
            (format!("{n} unknown siblings"), bogus.clone(), bogus),
            (format!("{n} inputs, none agreeing"), inputs("a"), inputs("b")),
        ];
        for (name, a, b) in &pairs {
            let cell = |(took, changes): (Duration, usize)| format!("{:>9.1} ms ({changes})", ms(took));
            let d = cell(time(|| diff(a, b).map_or(0, |c| c.len())));
            let ds = cell(time(|| differences(a, b).map_or(0, |c| c.len())));
            println!("{name:<26} {:>11} {d:>16} {ds:>16}", a.len() + b.len());
        }
    }
}

/// `validate()` on guests with many NUMA cells and huge page sizes (whose sets it compares
/// with those before them by claiming their ranges in order, never pair by pair) and many
/// devices (whose paths index same-named siblings).
fn validate_rows() {
    println!("validate(): time (problems found)");
    for n in [10_000, 100_000] {
        let cells: String = (0..n).map(|i| format!("<cell id='{i}' cpus='{i}' memory='1' unit='KiB'/>")).collect();
        let pages: String = (0..n).map(|i| format!("<page size='2' unit='MiB' nodeset='{i}'/>")).collect();
        // The last cell and page share with the first: one problem each.
        let last = n - 1;
        let cells = cells.replace(&format!("cpus='{last}'"), "cpus='0'");
        let pages = pages.replace(&format!("nodeset='{last}'"), "nodeset='0'");
        let xml = format!(
            "<domain type='kvm'><name>n</name><memory>1</memory><memoryBacking><hugepages>{pages}</hugepages>\
             </memoryBacking><os><type>hvm</type></os><cpu><numa>{cells}</numa></cpu></domain>"
        );
        validate_row(&format!("{n} cells and page sizes"), &xml);
    }
    for n in [10_000, 100_000] {
        validate_row(&format!("{n} disks"), &siblings(n, "<disk type='file' device='disk'><target dev='vda'/></disk>"));
    }
}

fn validate_row(name: &str, xml: &str) {
    let options = ReadOptions { limits: Limits::none(), ..ReadOptions::default() };
    let guest = Document::<Domain>::parse_with(xml, options).expect("reads").root;
    let start = Instant::now();
    let problems = black_box(guest.validate()).err().map_or(0, |p| p.len());
    let took = start.elapsed();
    println!("{name:<26} {:>11} {:>9.1} ms ({problems})", xml.len(), ms(took));
}
