//! A guest started when the host boots (`virsh autostart`): autostart is a flag libvirt keeps
//! beside the definition, not part of the XML, so this defines the guest and sets it.
//!
//! `cargo run --example autostart` (on `test:///default`), or `-- qemu:///system`.

use libvirt_xml::prelude::*;
use libvirt_xml::virt::{Connection, Guest, TEST_URI};

pub fn guest(kind: DomainType) -> Domain {
    Domain::new(kind, "autostarted").memory(ScaledInteger::mib(256)).vcpu(1).os(Os::hvm())
}

/// Defines the guest and marks it to start with the host.
pub fn define_autostarted(conn: &Connection, guest: &Domain) -> libvirt_xml::virt::Result<Guest> {
    let defined = conn.define(guest)?;
    defined.set_autostart(true)?;
    Ok(defined)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let uri = std::env::args().nth(1).unwrap_or_else(|| TEST_URI.to_owned());
    let conn = Connection::open(&uri)?;
    let kind = if conn.driver()? == "Test" { DomainType::Test } else { DomainType::Qemu };
    let guest = guest(kind);
    print!("{}", guest.to_xml());
    let defined = define_autostarted(&conn, &guest)?;
    println!("{} on {uri}: autostart {}", defined.name()?, defined.autostart()?);
    defined.undefine()?;
    Ok(())
}
