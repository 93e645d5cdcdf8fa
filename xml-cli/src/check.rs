//! `xml-model check [--format text|json] [--jobs N] [--schemas DIR] [--rules] FILE...`:
//! every file against libvirt's schemas (the compiled-in set, or the one in DIR), the kind
//! chosen by the root element; with `--rules`, valid domains against libvirt's own rules too. Files are shared out to worker threads
//! (one per core by default), each with its own checker; results come out in the order given.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use xml_model::check::grammar::Grammar;
use xml_model::check::{Checker, Report};

/// How `check` prints its results.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per valid file, one per problem.
    Text,
    /// A JSON array, one object per file.
    Json,
}

/// `check`'s arguments.
#[derive(clap::Args)]
pub struct Args {
    /// How to print the results.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Check every file as this kind, whatever its root: `device` for a file of
    /// `virsh attach-device` (`<interface>` is otherwise a host interface when valid as one),
    /// or a top-level schema (`domain`, `network`, ...).
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
    /// Check against the schema set in DIR instead of the compiled-in one (libvirt 11.3.0's):
    /// the installed libvirt's own, `/usr/share/libvirt/schemas`, to learn whether that
    /// libvirt will keep a definition or silently drop what it does not know.
    #[arg(long, value_name = "DIR")]
    schemas: Option<PathBuf>,
    /// Also hold every domain valid against the schema to the rules of libvirt's own code that
    /// the schema does not say (what `virsh define` or starting the guest would refuse: a
    /// vsock CID of 2, memory devices without <maxMemory>...), each placed at its line. Only
    /// domains have such rules; other kinds are checked against the schema alone.
    #[arg(long)]
    rules: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// The documents.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
}

pub fn run(args: Args) -> ExitCode {
    let Args { format, kind, schemas, rules, jobs, files } = args;
    let grammar = match &schemas {
        None => xml_model::generated::grammar::grammar(),
        Some(dir) => match load_schemas(dir) {
            Ok(g) => g,
            Err(e) => {
                eprintln!("xml-model: {e}");
                return ExitCode::from(2);
            }
        },
    };
    if let Some(k) = &kind {
        let kinds: Vec<&str> = Checker::with_grammar(grammar).kinds().map(|(schema, _)| schema).collect();
        if !kinds.contains(&k.as_str()) {
            eprintln!("xml-model: unknown kind '{k}': expected one of {}", kinds.join(", "));
            return ExitCode::from(2);
        }
    }
    let jobs = jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), usize::from);
    let results = check_all(grammar, &files, jobs, kind.as_deref(), rules);
    // Buffered: a line-buffered stdout would make a system call per file.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = match format {
        Format::Text => write_text(&mut out, &files, &results),
        Format::Json => write_json(&mut out, &files, &results),
    };
    if let Err(e) = written.and_then(|_| out.flush()) {
        eprintln!("xml-model: cannot write the results: {e}");
        return ExitCode::from(2);
    }
    if results.iter().any(Result::is_err) {
        ExitCode::from(2)
    } else if results.iter().any(|r| r.as_ref().is_ok_and(|r| !r.is_valid())) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The grammar of the schema set in `dir`, read once for all threads (and kept for the rest
/// of the run).
fn load_schemas(dir: &std::path::Path) -> Result<&'static Grammar, String> {
    let text = xml_codegen::checker_grammar(dir).map_err(|e| format!("--schemas {}: {}", dir.display(), e.0))?;
    Grammar::from_text(text)
}

/// Checks every file on `jobs` threads; the results are in the files' order.
fn check_all(
    grammar: &'static Grammar,
    files: &[PathBuf],
    jobs: usize,
    kind: Option<&str>,
    rules: bool,
) -> Vec<Result<Report, String>> {
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, Result<Report, String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs.min(files.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut checker = Checker::with_grammar(grammar).as_kind(kind).with_rules(rules);
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(f) = files.get(i) else { break };
                        let r = checker.check_file(f).map_err(|e| e.to_string());
                        done.push((i, r));
                    }
                    done
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a checker thread panicked")).collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

fn write_text(out: &mut impl Write, files: &[PathBuf], results: &[Result<Report, String>]) -> std::io::Result<()> {
    for (f, r) in files.iter().zip(results) {
        match r {
            // Which reading was used, where a root is more than one kind (`<interface>`).
            Ok(report) if report.is_valid() && report.schema == Some("device") => {
                writeln!(out, "{report} (as a device)")?
            }
            Ok(report) => writeln!(out, "{report}")?,
            Err(e) => {
                eprintln!("{e}");
                writeln!(out, "{}: error: cannot read", f.display())?;
            }
        }
    }
    Ok(())
}

/// One JSON object per file in an array: `file`, `valid`, `schema`, `problems` (each with
/// `path`, `line`, `column`, `found`, `expected`, `suggestion`, `message`), `rules` (with `--rules`: each
/// with `path`, `line`, `column`, `message` and `source`, the file of libvirt's code that holds
/// the rule), or `error` for unreadable files.
fn write_json(out: &mut impl Write, files: &[PathBuf], results: &[Result<Report, String>]) -> std::io::Result<()> {
    use serde_json::json;
    let items: Vec<serde_json::Value> = files
        .iter()
        .zip(results)
        .map(|(f, r)| match r {
            Ok(report) => json!({
                "file": f.display().to_string(),
                "valid": report.is_valid(),
                "schema": report.schema,
                "problems": report.problems.iter().map(|p| json!({
                    "path": p.path,
                    "line": p.line,
                    "column": p.column,
                    "found": p.found,
                    "expected": p.expected,
                    "suggestion": p.suggestion,
                    "message": p.message(),
                })).collect::<Vec<_>>(),
                "rules": report.rules.iter().map(|p| json!({
                    "path": p.path,
                    "line": p.line,
                    "column": p.column,
                    "message": p.message,
                    "source": match p.rule {
                        xml_model::validate::Rule::Libvirt(source) => Some(source),
                        xml_model::validate::Rule::Schema => None,
                    },
                })).collect::<Vec<_>>(),
            }),
            Err(e) => json!({ "file": f.display().to_string(), "valid": false, "error": e }),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}
