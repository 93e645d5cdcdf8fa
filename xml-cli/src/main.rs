//! `xml-model`: command-line access to the typed libvirt model.
//!
//! - `xml-model check [--format text|json] [--jobs N] FILE...`
//! - `xml-model fmt [--strict] [--out-dir DIR] FILE...`
//! - `xml-model roundtrip [--strict] [--manifest MANIFEST.tsv | FILE...]`

mod check;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xml_model::compare::first_difference;
use xml_model::generated::reformat;
use xml_model::ReadOptions;

const USAGE: &str = "\
usage: xml-model <command> [options] FILE...

commands:
  check [--format text|json] [--jobs N] FILE...
      check each document against libvirt's schemas (the kind comes from the root element):
      `FILE: valid` or `FILE:LINE:COL: invalid: MESSAGE` per problem; exit 0 when all are
      valid, 1 when any is invalid, 2 on usage or I/O errors
  fmt [--strict] [--out-dir DIR] FILE...
      read each document through the typed model of its root element and write it back,
      to DIR/FILE or to standard output
  roundtrip [--strict] [--manifest MANIFEST.tsv | FILE...]
      read and write each document and compare the result with the original

--strict: content the model does not know is an error (otherwise it is kept as it was)
";

/// A usage error: message and exit code 2.
fn usage(msg: &str) -> ExitCode {
    eprintln!("xml-model: {msg}\n\n{USAGE}");
    ExitCode::from(2)
}

fn options(strict: bool) -> ReadOptions {
    if strict {
        ReadOptions::strict()
    } else {
        ReadOptions::recover()
    }
}

/// Reads a file and writes it back through the model; errors name the file.
fn reformat_file(path: &Path, strict: bool) -> Result<(String, String), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let text = xml_model::read::utf8(&bytes).map_err(|e| e.in_file(path).to_string())?;
    let out = match reformat(text, options(strict)) {
        Ok(out) => out,
        // A document whose root does not fit the model (a required item missing) is kept
        // verbatim rather than refused: nothing is lost, and the reason is said.
        Err(e)
            if !strict
                && !matches!(
                    e.kind,
                    xml_model::ErrorKind::NotWellFormed(_) | xml_model::ErrorKind::WrongRoot { .. }
                ) =>
        {
            eprintln!("{} (kept verbatim)", e.clone().in_file(path));
            verbatim(text).map_err(|e| e.in_file(path).to_string())?
        }
        Err(e) => return Err(e.in_file(path).to_string()),
    };
    Ok((text.to_owned(), out))
}

/// The document written back as arbitrary XML.
fn verbatim(text: &str) -> xml_model::Result<String> {
    let doc = xml_model::read::parse_document(text)?;
    let mut ctx = xml_model::read::ReadCtx::new(&doc, ReadOptions::recover());
    let root = xml_model::AnyElement::read(doc.root_element(), &mut ctx)?;
    let mut out = xml_model::to_fragment(&root, &root.name);
    out.push('\n');
    Ok(out)
}

/// The options both commands take: `--strict`, one option with a value, and files.
struct Args {
    strict: bool,
    value: Option<PathBuf>,
    files: Vec<PathBuf>,
}

/// Parses `--strict`, `value_option VALUE` and files; `Err` is a usage error.
fn parse_args(args: &[String], value_option: &str) -> Result<Args, ExitCode> {
    let mut parsed = Args { strict: false, value: None, files: Vec::new() };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--strict" => parsed.strict = true,
            o if o == value_option => match it.next() {
                Some(v) => parsed.value = Some(PathBuf::from(v)),
                None => return Err(usage(&format!("{value_option} needs a value"))),
            },
            s if s.starts_with("--") => return Err(usage(&format!("unknown option {s}"))),
            f => parsed.files.push(PathBuf::from(f)),
        }
    }
    Ok(parsed)
}

fn fmt(args: &[String]) -> ExitCode {
    let Args { strict, value: out_dir, files } = match parse_args(args, "--out-dir") {
        Ok(a) => a,
        Err(code) => return code,
    };
    if files.is_empty() {
        return usage("fmt needs at least one FILE");
    }
    let mut failed = false;
    for f in &files {
        match reformat_file(f, strict) {
            Ok((_, out)) => match &out_dir {
                Some(dir) => {
                    let dest = dir.join(f.strip_prefix("/").unwrap_or(f));
                    let written =
                        dest.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|_| std::fs::write(&dest, out));
                    if let Err(e) = written {
                        eprintln!("{}: cannot write: {e}", dest.display());
                        failed = true;
                    }
                }
                None => print!("{out}"),
            },
            Err(e) => {
                eprintln!("{e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn roundtrip(args: &[String]) -> ExitCode {
    let Args { strict, value: manifest, mut files } = match parse_args(args, "--manifest") {
        Ok(a) => a,
        Err(code) => return code,
    };
    if let Some(m) = &manifest {
        if !files.is_empty() {
            return usage("give either --manifest or files, not both");
        }
        let text = match std::fs::read_to_string(m) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{}: cannot read: {e}", m.display());
                return ExitCode::from(2);
            }
        };
        let base = m.parent().unwrap_or(Path::new("."));
        files = text.lines().skip(1).filter_map(|l| l.split('\t').nth(1)).map(|p| base.join(p)).collect();
    }
    if files.is_empty() {
        return usage("roundtrip needs --manifest or at least one FILE");
    }
    let (mut passed, mut failed) = (0, 0);
    for f in &files {
        match reformat_file(f, strict) {
            Ok((original, out)) => match first_difference(&original, &out) {
                None => passed += 1,
                Some(d) => {
                    println!("{}: {d}", f.display());
                    failed += 1;
                }
            },
            Err(e) => {
                println!("{e}");
                failed += 1;
            }
        }
    }
    println!("roundtrip: {passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("check") => check::run(&args[1..]),
        Some("fmt") => fmt(&args[1..]),
        Some("roundtrip") => roundtrip(&args[1..]),
        Some("--version") => {
            println!("xml-model {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some("--help") | Some("-h") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => usage(&format!("unknown command {other}")),
        None => usage("no command"),
    }
}
