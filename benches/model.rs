//! Throughput of the typed model on libvirt's domain test documents, beside baselines on the
//! same bytes: raw quick-xml tokenising and roxmltree tree building.
//!
//! `cargo bench --bench model` (reads `../shared/corpus`; `$LIBVIRT_XML_SHARED` or
//! `$LIBVIRT_XML_CORPUS` point elsewhere).

use std::hint::black_box;
use std::time::{Duration, Instant};

use libvirt_xml::model::generated::domaincommon::Domain;
use libvirt_xml::{Document, ReadOptions};

fn corpus() -> Vec<String> {
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
        .map(|l| std::fs::read_to_string(dir.join(l.split('\t').nth(1).expect("path"))).expect("document"))
        .collect()
}

/// Runs `f` over every document for at least a second; prints documents and megabytes a second.
fn row(name: &str, docs: &[String], baseline: Option<f64>, mut f: impl FnMut(&str)) -> f64 {
    let bytes: usize = docs.iter().map(String::len).sum();
    let start = Instant::now();
    let mut rounds = 0u32;
    while start.elapsed() < Duration::from_secs(1) || rounds == 0 {
        for d in docs {
            f(d);
        }
        rounds += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let per_sec = docs.len() as f64 * f64::from(rounds) / secs;
    let mb = bytes as f64 * f64::from(rounds) / secs / 1e6;
    let ratio = baseline.map_or(String::new(), |b| format!("{:>7.2}x of tokenising", per_sec / b));
    println!("{name:<34} {per_sec:>10.0} docs/s {mb:>8.1} MB/s {ratio}");
    per_sec
}

fn main() {
    let docs = corpus();
    let parsed: Vec<Document<Domain>> = docs.iter().map(|d| Document::parse(d).expect("valid")).collect();
    println!("{} schema-valid domain documents, {} bytes", docs.len(), docs.iter().map(String::len).sum::<usize>());
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
    row("roxmltree tree", &docs, Some(base), |d| {
        black_box(roxmltree::Document::parse(d).expect("well-formed"));
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
}
