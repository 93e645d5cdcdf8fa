//! `xml-model diff A B`: what differs between two documents, by meaning; with `--libvirt`,
//! what a desired definition (A) says that libvirt's (B) does not, understanding libvirt's
//! normalisation.

use std::path::PathBuf;
use std::process::ExitCode;

use xml_model::diff::{diff, differences, Change, ChangeKind};

/// `diff`'s arguments.
#[derive(clap::Args)]
pub struct Args {
    /// A is a desired domain definition and B libvirt's (`virsh dumpxml`): units, number bases,
    /// machine aliases and what libvirt adds by itself (a UUID, controllers, addresses,
    /// defaults) are not differences.
    #[arg(long)]
    libvirt: bool,
    /// The first document.
    #[arg(value_name = "A")]
    a: PathBuf,
    /// The second document.
    #[arg(value_name = "B")]
    b: PathBuf,
}

pub fn run(args: Args) -> ExitCode {
    let read = |p: &PathBuf| std::fs::read_to_string(p).map_err(|e| format!("{}: cannot read: {e}", p.display()));
    let (a, b) = match (read(&args.a), read(&args.b)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("xml-model: {e}");
            return ExitCode::from(2);
        }
    };
    let changes =
        if args.libvirt { differences(&a, &b).map(|c| c.into_iter().map(a_to_b).collect()) } else { diff(&a, &b) };
    match changes {
        Err(e) => {
            eprintln!("xml-model: {e}");
            ExitCode::from(2)
        }
        Ok(changes) if changes.is_empty() => ExitCode::SUCCESS,
        Ok(changes) => {
            for c in &changes {
                match &c.kind {
                    ChangeKind::Removed(v) => outln!("- {}: {v}", c.path),
                    ChangeKind::Added(v) => outln!("+ {}: {v}", c.path),
                    ChangeKind::Changed { from, to } => outln!("~ {}: {from} -> {to}", c.path),
                }
            }
            ExitCode::from(1)
        }
    }
}

/// A change of [`differences`] (desired A against libvirt's B) told from A to B, as `diff`
/// tells all changes: what only A states is "removed" in B.
fn a_to_b(c: Change) -> Change {
    let kind = match c.kind {
        ChangeKind::Added(v) => ChangeKind::Removed(v),
        ChangeKind::Removed(v) => ChangeKind::Added(v),
        ChangeKind::Changed { from, to } => ChangeKind::Changed { from: to, to: from },
    };
    Change { path: c.path, kind }
}
