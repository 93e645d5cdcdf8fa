//! `xml-model check` beside `xmllint --noout --relaxng` on the same domain documents: both
//! run as processes over the same file list (given several times over, so start-up and
//! xmllint's schema compilation are a small share), plus in-process rows and raw quick-xml
//! tokenising as the baseline.
//!
//! `cargo bench -p xml-cli --bench check` (reads `../shared`; `$LIBVIRT_XML_SHARED`
//! points elsewhere). Needs `xmllint` (Debian's `libxml2-utils`).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use xml_model::check::Checker;

/// How many times the file list is given to each tool.
const REPEAT: usize = 4;

fn shared() -> PathBuf {
    std::env::var_os("LIBVIRT_XML_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
}

/// The schema-valid domain documents of the corpus.
fn domain_files(corpus: &Path) -> Vec<PathBuf> {
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).expect("MANIFEST.tsv of the corpus");
    manifest
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("domain\t") && l.ends_with("\tvalid"))
        .map(|l| corpus.join(l.split('\t').nth(1).expect("path")))
        .collect()
}

/// Runs `f` over every document for at least a second; documents a second.
fn in_process(docs: &[String], mut f: impl FnMut(&str)) -> f64 {
    let start = Instant::now();
    let mut rounds = 0u32;
    while start.elapsed() < Duration::from_secs(1) || rounds == 0 {
        for d in docs {
            f(d);
        }
        rounds += 1;
    }
    docs.len() as f64 * f64::from(rounds) / start.elapsed().as_secs_f64()
}

/// Runs the command `make` gives over the files (best of three); documents a second. The
/// command must accept every file (a sanity check that both tools see valid documents).
fn process(make: impl Fn() -> Command, files: &[PathBuf], accepted: impl Fn(&std::process::Output) -> bool) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..3 {
        let mut cmd = make();
        let start = Instant::now();
        let out = cmd.args(files).stdout(Stdio::piped()).stderr(Stdio::piped()).output().expect("runs");
        best = best.min(start.elapsed().as_secs_f64());
        assert!(accepted(&out), "{cmd:?} did not accept every document: {}", String::from_utf8_lossy(&out.stderr));
    }
    files.len() as f64 / best
}

fn print(name: &str, per_sec: f64, baseline: f64, xmllint: Option<f64>) {
    let vs = xmllint.map_or(String::new(), |x| format!("{:>8.1}x xmllint", per_sec / x));
    println!("{name:<52} {per_sec:>9.0} docs/s {:>7.2}x tokenising {vs}", per_sec / baseline);
}

fn main() {
    let shared = shared();
    let corpus = shared.join("corpus/libvirt-11.3.0");
    let schema = shared.join("libvirt-schemas/11.3.0/domain.rng");
    let files = domain_files(&corpus);
    let docs: Vec<String> = files.iter().map(|f| std::fs::read_to_string(f).expect("document")).collect();
    let bytes: usize = docs.iter().map(String::len).sum();
    let many: Vec<PathBuf> = (0..REPEAT).flat_map(|_| files.iter().cloned()).collect();
    println!(
        "{} schema-valid domain documents, {bytes} bytes; processes get the list {REPEAT} times ({} files), best of 3",
        files.len(),
        many.len()
    );

    let base = in_process(&docs, |d| {
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
    print("quick-xml tokenising, in process (baseline)", base, base, None);

    let lint = || {
        let mut c = Command::new("xmllint");
        c.arg("--noout").arg("--relaxng").arg(&schema);
        c
    };
    let xmllint = process(lint, &many, |o| o.status.success());
    print("xmllint --noout --relaxng, one process", xmllint, base, Some(xmllint));

    // What a hook that runs xmllint per file pays: the schema compiled every time.
    let sample = &files[..100];
    let start = Instant::now();
    for f in sample {
        let ok = Command::new("xmllint")
            .arg("--noout")
            .arg("--relaxng")
            .arg(&schema)
            .arg(f)
            .stderr(Stdio::null())
            .status()
            .expect("runs")
            .success();
        assert!(ok, "xmllint rejects {}", f.display());
    }
    let per_file = sample.len() as f64 / start.elapsed().as_secs_f64();
    print("xmllint, one process per file (100 files)", per_file, base, Some(xmllint));

    let bin = env!("CARGO_BIN_EXE_xml-model");
    for jobs in ["1", "2"] {
        let check = || {
            let mut c = Command::new(bin);
            c.arg("check").arg("--jobs").arg(jobs);
            c
        };
        let rate = process(check, &many, |o| o.status.success());
        print(&format!("xml-model check --jobs {jobs}, one process"), rate, base, Some(xmllint));
    }

    let mut checker = Checker::new();
    let rate = in_process(&docs, |d| assert!(checker.check_str(d).is_valid()));
    print("Checker::check_str, in process, one thread", rate, base, Some(xmllint));
    let trees = in_process(&docs, |d| {
        black_box(xml_model::read::parse_document(d).expect("well-formed"));
    });
    // `check_str` builds no tree for a valid document (it checks as the tree pass reads);
    // the tree is what it builds to report problems, and what typed reading walks.
    print("document tree alone (not built for valid documents)", trees, base, Some(xmllint));
}
