//! `xml-model`: command-line access to the typed libvirt model.

use std::process::ExitCode;

const USAGE: &str =
    "usage: xml-model <command> [options] FILE...\n\ncommands land with the generated model: fmt, roundtrip, check\n";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--version") => {
            println!("xml-model {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some("--help") | Some("-h") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
