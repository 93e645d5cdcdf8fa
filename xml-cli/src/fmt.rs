//! `xml-model fmt`: each document written back through the typed model, to standard output,
//! into an output folder, back into the file, or only checked.
//!
//! Writes go only where they are asked to: an input path's root and `..` components never
//! carry a write outside `--out-dir`, an input is never overwritten without `--in-place`, and
//! every file is replaced atomically (written beside, then renamed), so an interrupted run
//! leaves each file whole.

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

/// `fmt`'s arguments.
#[derive(clap::Args)]
pub struct Args {
    /// Content the model does not know is an error (otherwise it is kept as it was).
    #[arg(long)]
    strict: bool,
    /// Write nothing: name the files whose formatting would change and exit 1 if any does
    /// (for CI, like `rustfmt --check`).
    #[arg(long, conflicts_with_all = ["in_place", "out_dir"])]
    check: bool,
    /// Write each document back into its file.
    #[arg(long, conflicts_with = "out_dir")]
    in_place: bool,
    /// Write each document under DIR, at the path it was given with (an absolute path, or one
    /// that leaves the current folder, is placed by its absolute path under DIR).
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// The documents.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
}

pub fn run(args: Args) -> ExitCode {
    let mut failed = false;
    let mut unformatted = false;
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut written: Vec<(PathBuf, &Path)> = Vec::new();
    for f in &args.files {
        let (original, out) = match crate::reformat_file(f, args.strict, xml_model::write::Layout::Restyled) {
            Ok(pair) => pair,
            Err(e) => {
                eprintln!("{e}");
                failed = true;
                continue;
            }
        };
        let result = if args.check {
            if original != out {
                outln!("{}", f.display());
                unformatted = true;
            }
            Ok(())
        } else if args.in_place {
            if original == out {
                Ok(())
            } else {
                replace(f, &out)
            }
        } else if let Some(dir) = &args.out_dir {
            let dest = dir.join(inside(&cwd, f));
            if let Some((_, first)) = written.iter().find(|(d, _)| *d == dest) {
                Err(format!("{} and {} would both be written to {}", first.display(), f.display(), dest.display()))
            } else if same_file(&dest, f) {
                Err(format!("{}: --out-dir would overwrite the input (use --in-place)", f.display()))
            } else {
                let r = replace(&dest, &out);
                written.push((dest, f));
                r
            }
        } else {
            out!("{out}");
            Ok(())
        };
        if let Err(e) = result {
            eprintln!("{e}");
            failed = true;
        }
    }
    if failed {
        ExitCode::from(2)
    } else if unformatted {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Where an input goes under the output folder: its path relative to `cwd` when it stays
/// inside it, else its absolute path without the root; `.` and `..` resolved lexically, so
/// the result never climbs out (`../sub/a.xml` from `/w/sub` is `w/sub/a.xml`).
pub fn inside(cwd: &Path, input: &Path) -> PathBuf {
    let absolute = if input.is_absolute() { input.to_path_buf() } else { cwd.join(input) };
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for c in absolute.components() {
        match c {
            Component::Normal(p) => parts.push(p),
            Component::ParentDir => {
                parts.pop();
            }
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    let normal: PathBuf = parts.iter().collect();
    let cwd_normal: PathBuf = cwd.components().filter(|c| matches!(c, Component::Normal(_))).collect();
    match normal.strip_prefix(&cwd_normal) {
        Ok(rest) if input.is_relative() && !rest.as_os_str().is_empty() => rest.to_path_buf(),
        _ => normal,
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Replaces `dest` with `text` atomically: written to a file beside it, then renamed over it.
fn replace(dest: &Path, text: &str) -> Result<(), String> {
    let cannot = |e: std::io::Error| format!("{}: cannot write: {e}", dest.display());
    let parent = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(cannot)?;
    let name = dest.file_name().ok_or_else(|| format!("{}: not a file name", dest.display()))?;
    let tmp = parent.join(format!(".{}.xml-model-{}.tmp", name.to_string_lossy(), std::process::id()));
    std::fs::write(&tmp, text).map_err(cannot)?;
    // Keep the permissions of a file being replaced.
    if let Ok(meta) = std::fs::metadata(dest) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, dest).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        cannot(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_never_climb_out_of_the_output_folder() {
        let cwd = Path::new("/w/sub");
        assert_eq!(inside(cwd, Path::new("a.xml")), Path::new("a.xml"));
        assert_eq!(inside(cwd, Path::new("./d/a.xml")), Path::new("d/a.xml"));
        assert_eq!(inside(cwd, Path::new("../sub/a.xml")), Path::new("a.xml"));
        assert_eq!(inside(cwd, Path::new("../other/a.xml")), Path::new("w/other/a.xml"));
        assert_eq!(inside(cwd, Path::new("../../../../a.xml")), Path::new("a.xml"));
        assert_eq!(inside(cwd, Path::new("/etc/libvirt/qemu/g.xml")), Path::new("etc/libvirt/qemu/g.xml"));
        assert_eq!(inside(cwd, Path::new("d/../../x/a.xml")), Path::new("w/x/a.xml"));
    }
}
