//! Does `apply` converge? Applies each domain document of libvirt's test corpus twice on a
//! libvirt connection and counts what the second call did: the issue-13 convergence table.
//!
//! `cargo run --release -p xml-virt --example convergence -- [URI] [--running]`
//! (default `test:///default`; reads `../shared/corpus/libvirt-11.3.0`, or
//! `$LIBVIRT_XML_CORPUS`, or `$LIBVIRT_XML_SHARED/corpus/libvirt-11.3.0`). Each guest is
//! renamed (`lxv-conv-N`, so nothing of the host's is touched) and undefined afterwards.
//! `$LIBVIRT_XML_CONVERGENCE_ONLY=text` takes only the documents whose path holds `text`.
//! With `--running`, each accepted guest of at most 512 MiB is also started (where libvirt
//! can start it) before the second apply, which must then report no pending restart. The
//! documents whose second apply was not `Unchanged` or reported a residual are listed, with
//! what was reported, in `target/convergence-<driver>.txt`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use xml_virt::{Connection, Outcome, XmlView};

fn corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("LIBVIRT_XML_CORPUS") {
        return dir.into();
    }
    let shared = std::env::var_os("LIBVIRT_XML_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    shared.join("corpus/libvirt-11.3.0")
}

/// The document with its `<name>` replaced.
fn renamed(xml: &str, name: &str) -> Option<String> {
    let doc = xml_model::read::parse_document(xml).ok()?;
    let node = doc.root_element().children().find(|c| c.has_tag_name("name"))?;
    let text = node.first_child()?.range();
    Some(format!("{}{name}{}", &xml[..text.start], &xml[text.end..]))
}

#[derive(Default)]
struct Tally {
    tried: usize,
    accepted: usize,
    unchanged: usize,
    identical: usize,
    residual: usize,
    started: usize,
    restart_claimed: usize,
    apply_failed: usize,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let running = args.iter().any(|a| a == "--running");
    let uri = args.iter().find(|a| !a.starts_with("--")).cloned().unwrap_or_else(|| xml_virt::TEST_URI.into());
    let conn = Connection::open(&uri)?;
    let raw = virt::connect::Connect::open(Some(&uri))?;
    if uri.starts_with("test:") {
        // The test driver's built-in guest shares its UUID with many corpus documents.
        undefine(&raw, "test");
    }
    let dir = corpus_dir();
    // `$LIBVIRT_XML_CONVERGENCE_ONLY`: only the documents whose path holds this text.
    let only = std::env::var("LIBVIRT_XML_CONVERGENCE_ONLY").ok();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv"))?;
    let mut tally = Tally::default();
    let mut report = String::new();
    let mut rejected = String::new();
    let mut causes: BTreeMap<String, usize> = BTreeMap::new();
    for (n, line) in manifest.lines().skip(1).enumerate() {
        let c: Vec<&str> = line.split('\t').collect();
        if c[0] != "domain" || c[3] != "valid" || only.as_ref().is_some_and(|o| !c[1].contains(o.as_str())) {
            continue;
        }
        let text = std::fs::read_to_string(dir.join(c[1]))?;
        let name = format!("lxv-conv-{n}");
        let Some(xml) = renamed(&text, &name) else { continue };
        tally.tried += 1;
        // A guest left by an interrupted run.
        undefine(&raw, &name);
        let first = match conn.apply_xml(&xml) {
            Ok(first) => first,
            Err(e) => {
                let _ = writeln!(rejected, "{}: {e}", c[1]);
                continue;
            }
        };
        tally.accepted += 1;
        let guest = first.guest;
        if running && small(&guest.xml(XmlView::Inactive)?) && guest.start().is_ok() {
            tally.started += 1;
        }
        let before = guest.xml(XmlView::Inactive)?;
        match conn.apply_xml(&xml) {
            Ok(second) => {
                let after = guest.xml(XmlView::Inactive)?;
                let identical = before == after;
                tally.unchanged += usize::from(second.outcome == Outcome::Unchanged);
                tally.identical += usize::from(identical);
                tally.residual += usize::from(!second.residual.is_empty());
                tally.restart_claimed += usize::from(second.pending_restart);
                if second.outcome != Outcome::Unchanged || !identical || !second.residual.is_empty() {
                    let _ = writeln!(report, "{} ({:?}, stored identical: {identical})", c[1], second.outcome);
                    for change in &second.changes {
                        let _ = writeln!(report, "  change   {change}");
                    }
                    for change in &second.residual {
                        let _ = writeln!(report, "  residual {change}");
                        *causes.entry(generic(&change.path)).or_default() += 1;
                    }
                }
            }
            Err(e) => {
                tally.apply_failed += 1;
                let _ = writeln!(report, "{}: second apply failed: {e}", c[1]);
            }
        }
        undefine(&raw, &name);
    }
    let driver = conn.driver()?.to_lowercase();
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../target/convergence-{driver}.txt"));
    let mut top: Vec<_> = causes.into_iter().collect();
    top.sort_by_key(|c| std::cmp::Reverse(c.1));
    let _ = writeln!(report, "\nmost frequent residual paths:");
    for (path, count) in top.iter().take(40) {
        let _ = writeln!(report, "{count:6} {path}");
    }
    let _ = writeln!(report, "\nrejected by libvirt:\n{rejected}");
    std::fs::write(&out, report)?;
    let (maj, min, mic) = conn.libvirt_version()?;
    println!("{uri} (libvirt {maj}.{min}.{mic}), domain documents of the corpus valid against the schemas:");
    println!("| tried | accepted by libvirt | Unchanged on 2nd apply | stored byte-identical | residual reported | second apply failed |");
    println!("| --- | --- | --- | --- | --- | --- |");
    println!(
        "| {} | {} | {} | {} | {} | {} |",
        tally.tried, tally.accepted, tally.unchanged, tally.identical, tally.residual, tally.apply_failed
    );
    if running {
        println!("started: {}; pending restart claimed on the 2nd apply: {}", tally.started, tally.restart_claimed);
    }
    println!("details: {}", out.display());
    Ok(())
}

/// Whether a guest can be started here without harm: at most 512 MiB (QEMU may take all of
/// it at once, preallocated or file-backed), and no vhost-user NIC.
fn small(stored: &str) -> bool {
    // A vhost-user socket QEMU serves waits for its client before the guest starts: forever.
    if stored.contains("type='vhostuser'") {
        return false;
    }
    let kib = stored
        .split_once("<memory unit='KiB'>")
        .and_then(|(_, rest)| rest.split_once('<'))
        .and_then(|(n, _)| n.parse::<u64>().ok());
    kib.is_some_and(|k| k <= 512 * 1024)
}

/// A change path without its keys (`disk[vda]` -> `disk[]`), to count causes.
fn generic(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for ch in path.chars() {
        match ch {
            '[' => {
                depth += 1;
                out.push('[');
            }
            ']' => {
                depth -= 1;
                out.push(']');
            }
            _ if depth > 0 => {}
            _ => out.push(ch),
        }
    }
    out
}

/// Stops and removes the guest with everything libvirt keeps beside it (NVRAM, managed save,
/// snapshot and checkpoint metadata); quiet when there is none.
fn undefine(conn: &virt::connect::Connect, name: &str) {
    let Ok(dom) = conn.lookup_domain_by_name(name) else { return };
    let _ = dom.destroy();
    let flags = virt::sys::VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
        | virt::sys::VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA
        | virt::sys::VIR_DOMAIN_UNDEFINE_NVRAM
        | virt::sys::VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA;
    // A driver that does not know one of the flags refuses them all.
    if dom.undefine_flags(flags).is_err() {
        let _ = dom.undefine();
    }
}
