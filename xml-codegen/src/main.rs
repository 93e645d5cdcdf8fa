//! `xml-codegen [SCHEMA_DIR] [OUT_DIR]`: regenerates the model (defaults: the shared schema
//! set, or `$LIBVIRT_SCHEMAS`, into `xml-model/src/generated`), applying
//! `schemas/codegen.toml`. `xml-codegen --audit` prints what a reader of the generated API
//! meets, counted; `xml-codegen --explain NAME` how the types called NAME got their names.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("--audit") {
        return audit();
    }
    if std::env::args().nth(1).as_deref() == Some("--explain") {
        let name = std::env::args().nth(2).unwrap_or_default();
        return explain(&name);
    }
    let mut args = std::env::args().skip(1);
    let dir = args.next().map(PathBuf::from).unwrap_or_else(xml_codegen::schema_dir);
    let out = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../xml-model/src/generated"));
    let files = match xml_codegen::generate(&dir, &xml_codegen::config_path()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("xml-codegen: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("xml-codegen: {}: {e}", out.display());
        return ExitCode::from(1);
    }
    let mut bytes = 0;
    for (name, text) in &files {
        let path = out.join(format!("{name}.rs"));
        bytes += text.len();
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("xml-codegen: {}: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    eprintln!("xml-codegen: wrote {} files, {} bytes, to {}", files.len(), bytes, out.display());
    ExitCode::SUCCESS
}

/// `xml-codegen --audit`: what a reader of the generated API meets, counted (see
/// `xml_codegen::audit`).
fn audit() -> ExitCode {
    match xml_codegen::audit_report(&xml_codegen::schema_dir(), &xml_codegen::config_path()) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xml-codegen: {e}");
            ExitCode::from(1)
        }
    }
}

/// `xml-codegen --explain NAME`: how the types called NAME got their names.
fn explain(name: &str) -> ExitCode {
    let load = || -> Result<String, xml_codegen::rng::LoadError> {
        let cfg =
            xml_codegen::config::Config::load(&xml_codegen::config_path()).map_err(xml_codegen::rng::LoadError)?;
        let m = xml_codegen::model_with(&xml_codegen::schema_dir(), xml_codegen::TOP_LEVEL, &cfg)?;
        Ok(xml_codegen::naming::explain(&m.ir, &m.live, name))
    };
    match load() {
        Ok(text) if text.is_empty() => {
            eprintln!("xml-codegen: no type is called {name}");
            ExitCode::from(1)
        }
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xml-codegen: {e}");
            ExitCode::from(1)
        }
    }
}
