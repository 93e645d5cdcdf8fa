//! Migration between two libvirt hosts on one machine: this machine's libvirtd
//! (`$LIBVIRT_XML_E2E_URI`, else `qemu:///system`) and a second one that `scripts/second-host
//! up` runs in namespaces of its own (`$LIBVIRT_XML_E2E_SECOND_URI`, which that script
//! prints: `qemu+tcp://10.213.255.2/system`). `.ci/run` starts it.
//!
//! Without `$LIBVIRT_XML_E2E_SECOND_URI` these tests print one "skipped" line and pass, unless
//! `LIBVIRT_XML_E2E=1`, which makes that a failure. Guests are small TCG guests with no disk;
//! each test removes its guest from both hosts, even when it fails.

#![cfg(feature = "virt")]

mod virt_support;

use std::io::Write;
use std::time::{Duration, Instant};

use libvirt_xml::virt::{Connection, GuestState, MigrateOptions};
use virt_support::{daemon, name, required, small_guest};

/// The second host: its connection, and the address QEMU's migration stream goes to.
fn second_host() -> Option<(Connection, String)> {
    let Ok(uri) = std::env::var("LIBVIRT_XML_E2E_SECOND_URI") else {
        assert!(!required(), "LIBVIRT_XML_E2E=1 but LIBVIRT_XML_E2E_SECOND_URI is not set: run scripts/second-host up");
        let _ = writeln!(
            std::io::stderr(),
            "skipped: migration tests need a second host (scripts/second-host up, then set LIBVIRT_XML_E2E_SECOND_URI)"
        );
        return None;
    };
    let conn = Connection::open(&uri).unwrap_or_else(|e| panic!("the second host at {uri}: {e}"));
    // `qemu+tcp://10.213.255.2/system`: QEMU on this host sends the guest's memory there.
    let address = uri.split("://").nth(1).and_then(|rest| rest.split('/').next()).expect("a host in the URI");
    Some((conn, format!("tcp://{address}")))
}

/// Removes the guest from both hosts when dropped.
struct BothHosts<'c> {
    here: &'c Connection,
    there: &'c Connection,
    name: String,
}

impl Drop for BothHosts<'_> {
    fn drop(&mut self) {
        for conn in [self.here, self.there] {
            if let Ok(Some(g)) = conn.find_guest(&self.name) {
                let _ = g.destroy();
                let _ = g.undefine();
            }
        }
    }
}

fn hosts(what: &str) -> Option<(Connection, Connection, String, String)> {
    let here = daemon()?;
    let (there, stream) = second_host()?;
    assert_ne!(here.hostname().unwrap(), there.hostname().unwrap(), "the second host has a hostname of its own");
    Some((here, there, stream, name(what)))
}

#[test]
fn live_migration_moves_a_running_guest_to_the_other_host() {
    let Some((here, there, stream, n)) = hosts("mig-live") else { return };
    let _cleanup = BothHosts { here: &here, there: &there, name: n.clone() };
    let guest = here.define(&small_guest(&n)).unwrap();
    guest.start().unwrap();
    let uuid = guest.uuid().unwrap();

    let options = MigrateOptions::live().undefine_source(true).uri(stream);
    let moved = guest.migrate(&there, &options).unwrap();
    assert_eq!(moved.state().unwrap(), GuestState::Running);
    assert_eq!(moved.uuid().unwrap(), uuid, "the same guest");
    assert!(moved.is_persistent().unwrap());
    assert!(here.find_guest(&n).unwrap().is_none(), "gone from the source");
    assert!(there.list().unwrap().contains(&(n.clone(), GuestState::Running)));
}

#[test]
fn post_copy_migration_switches_over_and_finishes_on_the_other_host() {
    let Some((here, there, stream, n)) = hosts("mig-postcopy") else { return };
    let _cleanup = BothHosts { here: &here, there: &there, name: n.clone() };
    let guest = here.define(&small_guest(&n)).unwrap();
    guest.start().unwrap();

    // At 1 MiB/s the pre-copy phase of a 64 MiB guest lasts about a minute: time enough to
    // switch to post-copy, after which the destination pulls the rest at full speed.
    let options = MigrateOptions::live().postcopy(true).bandwidth_mib_s(1).undefine_source(true).uri(stream);
    let begin = Instant::now();
    let moved = std::thread::scope(|s| {
        let migration = s.spawn(|| guest.migrate(&there, &options));
        let source = here.guest(&n).unwrap();
        let mut switched = Err(None);
        while begin.elapsed() < Duration::from_secs(30) && !migration.is_finished() {
            match source.migrate_start_postcopy() {
                Ok(()) => {
                    switched = Ok(begin.elapsed());
                    break;
                }
                // Refused until the migration is under way.
                Err(e) => switched = Err(Some(e)),
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let moved = migration.join().expect("the migration thread").expect("the migration");
        let after = switched.unwrap_or_else(|e| panic!("never switched to post-copy: {e:?}"));
        (moved, after)
    });
    let (moved, switched_after) = moved;
    assert!(begin.elapsed() < Duration::from_secs(30), "post-copy finished early: {:?}", begin.elapsed());
    eprintln!("switched to post-copy after {switched_after:?}, done after {:?}", begin.elapsed());
    assert_eq!(moved.state().unwrap(), GuestState::Running);
    assert!(here.find_guest(&n).unwrap().is_none(), "gone from the source");
}

#[test]
fn offline_migration_moves_the_definition() {
    let Some((here, there, _stream, n)) = hosts("mig-offline") else { return };
    let _cleanup = BothHosts { here: &here, there: &there, name: n.clone() };
    let guest = here.define(&small_guest(&n)).unwrap();
    let moved = guest.migrate(&there, &MigrateOptions::offline().undefine_source(true)).unwrap();
    assert_eq!(moved.state().unwrap(), GuestState::Shutoff);
    assert!(moved.is_persistent().unwrap());
    assert!(here.find_guest(&n).unwrap().is_none(), "gone from the source");
    // It runs there.
    moved.start().unwrap();
    assert_eq!(moved.state().unwrap(), GuestState::Running);
}

#[test]
fn peer_to_peer_migration_by_the_source_daemon() {
    let Some((here, there, stream, n)) = hosts("mig-p2p") else { return };
    let _cleanup = BothHosts { here: &here, there: &there, name: n.clone() };
    let guest = here.define(&small_guest(&n)).unwrap();
    guest.start().unwrap();
    let dest_uri = there.uri().unwrap();
    guest.migrate_to_uri(&dest_uri, &MigrateOptions::live().undefine_source(true).uri(stream)).unwrap();
    let moved = there.guest(&n).unwrap();
    assert_eq!(moved.state().unwrap(), GuestState::Running);
    assert!(here.find_guest(&n).unwrap().is_none(), "gone from the source");
}

#[test]
fn migration_to_an_unreachable_host_fails_and_the_guest_runs_on() {
    let Some((here, there, _stream, n)) = hosts("mig-unreachable") else { return };
    let _cleanup = BothHosts { here: &here, there: &there, name: n.clone() };
    // An address of the private link that no host has: nothing answers, nothing leaves it.
    let nowhere = "qemu+tcp://10.213.255.3/system";
    let e = Connection::open(nowhere).unwrap_err();
    assert!(e.to_string().contains("10.213.255.3"), "{e}");

    let guest = here.define(&small_guest(&n)).unwrap();
    guest.start().unwrap();
    let e = guest.migrate_to_uri(nowhere, &MigrateOptions::live()).unwrap_err();
    assert!(e.to_string().contains("10.213.255.3"), "{e}");
    assert_eq!(guest.state().unwrap(), GuestState::Running, "still running on the source");
    assert!(there.find_guest(&n).unwrap().is_none(), "nothing on the other host");
}
