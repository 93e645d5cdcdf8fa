//! The runtime against libvirt's embedded `test:///default` driver (in-process, no daemon).

#![cfg(feature = "virt")]

mod support;

use libvirt_xml::virt::{Connection, Error, GuestState, TEST_URI};
use libvirt_xml::XmlDocument;
use support::domain::*;

fn minimal(name: &str) -> Domain {
    Domain::from_xml(&format!(
        "<domain type='test'>\n  <name>{name}</name>\n  <memory unit='MiB'>128</memory>\n  <os>\n    <type>hvm</type>\n  </os>\n  <acme:tag xmlns:acme='urn:acme'>kept</acme:tag>\n</domain>\n"
    ))
    .unwrap()
}

#[test]
fn define_start_dump_destroy_undefine() {
    let conn = Connection::open(TEST_URI).unwrap();
    let guest = conn.define(&minimal("t-lifecycle")).unwrap();
    assert_eq!(guest.state().unwrap(), GuestState::Shutoff);
    assert!(conn.list().unwrap().iter().any(|(n, s)| n == "t-lifecycle" && *s == GuestState::Shutoff));
    guest.start().unwrap();
    assert_eq!(guest.state().unwrap(), GuestState::Running);

    // libvirt normalises: memory comes back in KiB, and the typed value says the same amount.
    let live: Domain = guest.dumpxml(false).unwrap();
    assert_eq!(live.memory.as_ref().unwrap().kib(), Some(128 * 1024));
    assert!(live.id.is_some(), "a running guest has an id");
    let inactive: Domain = guest.dumpxml(true).unwrap();
    assert!(inactive.id.is_none());

    guest.destroy().unwrap();
    assert_eq!(guest.state().unwrap(), GuestState::Shutoff);
    guest.undefine().unwrap();
    assert!(conn.guest("t-lifecycle").is_err());
}

#[test]
fn errors_keep_libvirts_code_and_message() {
    let Err(e) = Connection::open("bogus+unknown:///nowhere") else { panic!("opened a bogus URI") };
    assert!(matches!(e, Error::Libvirt { .. }), "{e}");
    assert!(e.to_string().starts_with("libvirt: "), "{e}");

    let conn = Connection::open(TEST_URI).unwrap();
    let Err(e) = conn.guest("no-such-guest") else { panic!("found a missing guest") };
    assert_eq!(e.libvirt_code(), Some("NoDomain"), "{e}");

    // A definition libvirt rejects: no memory.
    let bad = Domain::from_xml("<domain type='test'><name>t-bad</name><os><type>hvm</type></os></domain>").unwrap();
    let Err(e) = conn.define(&bad) else { panic!("libvirt accepted a guest without memory") };
    assert!(matches!(e, Error::Libvirt { .. }), "{e}");
    assert!(conn.guest("t-bad").is_err(), "nothing half-defined is left");
}
