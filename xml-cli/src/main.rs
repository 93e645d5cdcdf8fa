//! `xml-model`: command-line access to the typed libvirt model: `check`, `fmt`, `roundtrip`,
//! `diff`, `convert`, `json-schema`.

/// `print!` that ends the run quietly when the reader has gone (`xml-model ... | head`), as
/// other tools do, instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => { $crate::write_stdout(format_args!($($arg)*)) };
}

/// `println!`, with `out!`'s handling of a closed standard output.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

mod check;
mod convert;
mod diff;
mod fmt;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xml_model::compare::first_difference;
use xml_model::generated::domaincommon::Device;
use xml_model::generated::reformat_with;
use xml_model::read::ElementChoice;
use xml_model::write::Layout;
use xml_model::{Document, ReadOptions};

/// Check, format and compare libvirt XML documents with the typed model of libvirt's schemas.
#[derive(Parser)]
#[command(name = "xml-model", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check each document against libvirt's schemas, the kind chosen by its root element.
    ///
    /// Prints `FILE: valid`, or `FILE:LINE:COL: invalid: MESSAGE` per problem. Exit 0 when all
    /// are valid, 1 when any is invalid, 2 on usage or I/O errors.
    Check(check::Args),
    /// Write each document in libvirt's style, through the typed model of its root element.
    ///
    /// To standard output, to DIR with --out-dir (never outside it), back into the files with
    /// --in-place, or only say which files are not in that style with --check (exit 1).
    Fmt(fmt::Args),
    /// Read and write each document and compare the result with the original: the same elements,
    /// attributes, text and comments, in the same order (the layout aside: see `fmt`).
    Roundtrip(RoundtripArgs),
    /// Show how document B differs from document A, by meaning rather than by text.
    ///
    /// `- PATH: VALUE` is only in A, `+ PATH: VALUE` only in B, `~ PATH: A -> B` changed.
    /// Attribute order, quoting and whitespace do not count; devices are matched by what they
    /// are (disk target, NIC MAC, filesystem tag, host device source), not by place. Exit 0
    /// when they say the same, 1 when they differ, 2 on errors.
    Diff(diff::Args),
    /// Turn a definition from one form into another: XML, JSON or YAML.
    ///
    /// JSON and YAML hold the typed model's serde form: field names as in the Rust types,
    /// values as libvirt spells them, what is absent left out, element choices as one-key
    /// maps (`{"Filesystem": {..}}`). XML -> JSON -> XML gives back the document.
    Convert(convert::Args),
    /// Print the JSON Schema of a document kind's JSON and YAML form, for editors.
    JsonSchema(convert::SchemaArgs),
}

/// `roundtrip`'s arguments.
#[derive(clap::Args)]
struct RoundtripArgs {
    /// Content the model does not know is an error (otherwise it is kept as it was).
    #[arg(long)]
    strict: bool,
    /// The documents listed in this MANIFEST.tsv (second column, relative to its folder).
    #[arg(long, value_name = "MANIFEST.tsv", conflicts_with = "files")]
    manifest: Option<PathBuf>,
    /// The documents.
    #[arg(value_name = "FILE", required_unless_present = "manifest")]
    files: Vec<PathBuf>,
}

fn options(strict: bool) -> ReadOptions {
    if strict {
        ReadOptions::strict()
    } else {
        ReadOptions::recover()
    }
}

/// Reads a file and writes it back through the model with `layout` (`Restyled` for `fmt`,
/// `AsRead` for `roundtrip`); errors name the file.
fn reformat_file(path: &Path, strict: bool, layout: Layout) -> Result<(String, String), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let text = xml_model::read::utf8(&bytes).map_err(|e| e.in_file(path).to_string())?;
    let out = match reformat_with(text, options(strict), layout) {
        Ok(out) => out,
        // A device document (`virsh attach-device`'s file): `<interface>` is first read as a
        // host interface document, and as a guest's NIC when that fails.
        Err(e) if is_device(text) => match Document::<Device>::parse_device(text, options(strict)) {
            Ok(device) => device.to_device_xml_with(layout),
            Err(_) if !strict => {
                eprintln!("{} (kept verbatim)", e.clone().in_file(path));
                verbatim(text, layout).map_err(|e| e.in_file(path).to_string())?
            }
            Err(e) => return Err(e.in_file(path).to_string()),
        },
        // A device `Device` does not hold (`<watchdog>`, `<memballoon>`...: fields of
        // `<devices>`) is kept as it is, in the layout asked for.
        Err(_) if !strict && is_other_device(text) => {
            verbatim(text, layout).map_err(|e| e.in_file(path).to_string())?
        }
        // A document whose root does not fit the model (a required item missing) is kept
        // verbatim rather than refused: nothing is lost, and the reason is said.
        Err(e)
            if !strict
                && !matches!(
                    e.kind,
                    xml_model::ErrorKind::NotWellFormed(_)
                        | xml_model::ErrorKind::WrongRoot { .. }
                        | xml_model::ErrorKind::OverLimit { .. }
                        | xml_model::ErrorKind::TooDeep { .. }
                ) =>
        {
            eprintln!("{} (kept verbatim)", e.clone().in_file(path));
            verbatim(text, layout).map_err(|e| e.in_file(path).to_string())?
        }
        Err(e) => return Err(e.in_file(path).to_string()),
    };
    // The bytes are the original text: no second copy of a large document.
    let original = String::from_utf8(bytes).expect("checked as UTF-8 above");
    Ok((original, out))
}

/// Whether the root element is one of the devices `Device` holds.
fn is_device(text: &str) -> bool {
    xml_model::read::parse_document(text).is_ok_and(|doc| Device::accepts_node(doc.root_element()))
}

/// Whether the root element is a device of the domain grammar that `Device` does not hold.
fn is_other_device(text: &str) -> bool {
    let Ok(doc) = xml_model::read::parse_document(text) else { return false };
    let name = doc.root_element().tag_name().name();
    xml_model::check::Checker::new().kinds().any(|(kind, roots)| kind == "device" && roots.contains(&name))
}

/// The document written back as arbitrary XML.
fn verbatim(text: &str, layout: Layout) -> xml_model::Result<String> {
    let doc = xml_model::read::parse_document(text)?;
    let mut ctx = xml_model::read::ReadCtx::new(&doc, ReadOptions::recover());
    let root = xml_model::AnyElement::read(doc.root_element(), &mut ctx)?;
    let mut w = xml_model::write::Writer::with_capacity(text.len());
    w.set_layout(layout);
    root.write(&mut w);
    let mut out = w.into_string();
    out.push('\n');
    Ok(out)
}

fn roundtrip(args: RoundtripArgs) -> ExitCode {
    let mut files = args.files;
    if let Some(m) = &args.manifest {
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
    let (mut passed, mut failed) = (0, 0);
    for f in &files {
        match reformat_file(f, args.strict, Layout::AsRead) {
            Ok((original, out)) => match first_difference(&original, &out) {
                None => passed += 1,
                Some(d) => {
                    outln!("{}: {d}", f.display());
                    failed += 1;
                }
            },
            Err(e) => {
                outln!("{e}");
                failed += 1;
            }
        }
    }
    outln!("roundtrip: {passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn write_stdout(args: std::fmt::Arguments) {
    use std::io::Write;
    if let Err(e) = std::io::stdout().lock().write_fmt(args) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("xml-model: cannot write to standard output: {e}");
        std::process::exit(2);
    }
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check(args) => check::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Roundtrip(args) => roundtrip(args),
        Command::Diff(args) => diff::run(args),
        Command::Convert(args) => convert::run(args),
        Command::JsonSchema(args) => convert::json_schema(args),
    }
}
