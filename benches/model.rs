//! Throughput of the typed model on libvirt's domain test documents, beside baselines on the
//! same bytes: raw quick-xml tokenising, roxmltree tree building, and libvirt's own C parser
//! and formatter (the `test:///default` driver's define + XMLDesc, through the `virt`
//! crate). Also the heap the typed values hold, and the peak heap of `fmt` on a large
//! document, counted by the allocator.
//!
//! `cargo bench --bench model` (reads `../shared/corpus`; `$LIBVIRT_XML_SHARED` or
//! `$LIBVIRT_XML_CORPUS` point elsewhere).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use libvirt_xml::model::check::Checker;
use libvirt_xml::model::generated::domaincommon::Domain;
use libvirt_xml::model::generated::reformat;
use libvirt_xml::{Document, ReadOptions};

/// The system allocator, counting the bytes in use (and their peak) while `COUNTING`.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// On only for the heap rows. A counter updated on every allocation is a locked instruction,
/// a full barrier on x86: left on, it slowed the allocating rows (typed read, write, check)
/// by 3 to 8%, a cost no user of the library pays.
static COUNTING: AtomicBool = AtomicBool::new(false);

fn grew(size: usize) {
    let now = IN_USE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            grew(layout.size());
        }
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNTING.load(Ordering::Relaxed) {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            grew(new_size);
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        System.realloc(ptr, layout, new_size)
    }
}

/// The bytes `f` leaves allocated, and the most it held at once, counting only what `f`
/// allocates and frees.
fn counted<T>(f: impl FnOnce() -> T) -> (T, usize, usize) {
    IN_USE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let value = f();
    COUNTING.store(false, Ordering::Relaxed);
    (value, IN_USE.load(Ordering::Relaxed), PEAK.load(Ordering::Relaxed))
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The documents, with their paths in the corpus.
fn corpus() -> (Vec<String>, Vec<String>) {
    let shared = std::env::var_os("LIBVIRT_XML_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let dir = std::env::var_os("LIBVIRT_XML_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| shared.join("corpus/libvirt-11.3.0"));
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv of the corpus");
    manifest
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("domain\t") && l.ends_with("\tvalid"))
        .map(|l| {
            let path = l.split('\t').nth(1).expect("path");
            (path.to_owned(), std::fs::read_to_string(dir.join(path)).expect("document"))
        })
        .unzip()
}

/// Runs `f` over every document, round after round for at least a second, and prints
/// documents and megabytes a second in the fastest round: on a shared machine a slow round
/// says more about the neighbours than about the code, and the rows run one after another.
fn row(name: &str, docs: &[String], baseline: Option<f64>, mut f: impl FnMut(&str)) -> f64 {
    let bytes: usize = docs.iter().map(String::len).sum();
    let start = Instant::now();
    let mut fastest = Duration::MAX;
    while start.elapsed() < Duration::from_secs(1) {
        let round = Instant::now();
        for d in docs {
            f(d);
        }
        fastest = fastest.min(round.elapsed());
    }
    let secs = fastest.as_secs_f64();
    let per_sec = docs.len() as f64 / secs;
    let mb = bytes as f64 / secs / 1e6;
    let ratio = baseline.map_or(String::new(), |b| format!("{:>7.2}x of tokenising", per_sec / b));
    println!("{name:<34} {per_sec:>10.0} docs/s {mb:>8.1} MB/s {ratio}");
    per_sec
}

fn main() {
    let (paths, docs) = corpus();
    let xml_bytes: usize = docs.iter().map(String::len).sum();
    println!("{} schema-valid domain documents, {xml_bytes} bytes", docs.len());

    let (parsed, held, _) =
        counted(|| -> Vec<Document<Domain>> { docs.iter().map(|d| Document::parse(d).expect("valid")).collect() });
    println!(
        "{:<34} {held:>10} bytes {:>8.2}x of their XML (goal: at most 2x)",
        "heap held by the typed values",
        held as f64 / xml_bytes as f64
    );

    let base = row("quick-xml tokenising (baseline)", &docs, None, |d| {
        let mut r = quick_xml::Reader::from_str(d);
        loop {
            match r.read_event() {
                Ok(quick_xml::events::Event::Eof) | Err(_) => break,
                Ok(e) => {
                    black_box(e);
                }
            }
        }
    });
    row("roxmltree tree (before)", &docs, Some(base), |d| {
        black_box(roxmltree::Document::parse(d).expect("well-formed"));
    });
    row("document tree (read::Tree)", &docs, Some(base), |d| {
        black_box(xml_model::read::parse_document(d).expect("well-formed"));
    });
    row("typed read (default)", &docs, Some(base), |d| {
        black_box(Document::<Domain>::parse(d).expect("reads"));
    });
    row("typed read (strict)", &docs, Some(base), |d| {
        black_box(Document::<Domain>::parse_with(d, ReadOptions::strict()).expect("reads"));
    });
    let mut i = 0;
    row("typed write", &docs, Some(base), |_| {
        black_box(parsed[i % parsed.len()].to_xml());
        i += 1;
    });
    let mut checker = Checker::new();
    row("Checker::check_str", &docs, Some(base), |d| {
        assert!(black_box(checker.check_str(d)).is_valid());
    });
    fmt_peak_row();
    libvirt_rows(&paths, &docs, base);
}

/// The most heap `fmt` (read, then write) holds at once on a 21 MB domain of 108,000 disks,
/// the input included, as a multiple of the input's size.
fn fmt_peak_row() {
    let mut doc = String::from("<domain type='kvm'>\n  <name>big</name>\n  <memory unit='KiB'>1048576</memory>\n");
    doc.push_str("  <os>\n    <type>hvm</type>\n  </os>\n  <devices>\n");
    for i in 0..108_000 {
        doc.push_str(&format!(
            "    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      \
             <source file='/var/lib/libvirt/images/d{i}.qcow2'/>\n      <target dev='vd{i}' bus='virtio'/>\n    </disk>\n"
        ));
    }
    doc.push_str("  </devices>\n</domain>\n");
    // Held as a file read into a string is: the room `push_str` grew is not the input's.
    doc.shrink_to_fit();
    let (out, _, peak) = counted(|| reformat(&doc, ReadOptions::recover()).expect("formats"));
    assert_eq!(out.len(), doc.len(), "written back as read");
    let peak = doc.len() + peak;
    println!(
        "{:<34} {peak:>10} bytes {:>8.2}x of its {} bytes (goal: at most 4x)",
        "fmt peak heap, large domain",
        peak as f64 / doc.len() as f64,
        doc.len()
    );
}

/// Documents that libvirt 9.0.0 (Debian 12's) must not be given: parsing this one, a NUMA
/// distance to a cell that does not exist, writes outside a heap block (valgrind: an invalid
/// write of 8 bytes in `virDomainDefParseNode`), which later corrupted other documents held
/// by the benchmark. Newer libvirt refuses the document; that is what the corpus tests.
const OVERFLOWS_LIBVIRT_9: &[&str] = &["cpu-numa-distance-nonexistent-sibling.xml"];

/// libvirt's C parser and formatter on the documents its test driver accepts, and ours on
/// the same documents.
fn libvirt_rows(paths: &[String], docs: &[String], base: f64) {
    // libvirt's errors come back as values; do not also print each to stderr.
    virt::error::clear_error_callback();
    let conn = match virt::connect::Connect::open(Some("test:///default")) {
        Ok(c) => c,
        Err(e) => return println!("libvirt C row skipped: cannot open test:///default: {e}"),
    };
    // The driver starts with a running guest named `test`, as many corpus documents are.
    if let Ok(dom) = conn.lookup_domain_by_name("test") {
        let _ = dom.destroy();
        let _ = dom.undefine();
    }
    let round = |xml: &str| -> Result<String, virt::error::Error> {
        let dom = conn.define_domain_xml(xml)?;
        let out = dom.xml_desc(0);
        dom.undefine()?;
        out
    };
    let safe = paths.iter().zip(docs).filter(|(p, _)| !OVERFLOWS_LIBVIRT_9.iter().any(|name| p.ends_with(name)));
    let accepted: Vec<String> = safe.map(|(_, d)| d).filter(|d| round(d).is_ok()).cloned().collect();
    println!("{} of {} documents accepted by the test driver:", accepted.len(), docs.len());
    row("libvirt C: define + XMLDesc", &accepted, Some(base), |d| {
        black_box(round(d).expect("accepted before"));
    });
    row("typed read + write (same documents)", &accepted, Some(base), |d| {
        black_box(Document::<Domain>::parse(d).expect("reads").to_xml());
    });
}
