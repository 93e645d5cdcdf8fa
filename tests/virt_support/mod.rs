//! What the end-to-end tests share: reaching the daemon (or saying clearly why not), unique
//! guest names, and cleanup that runs even when a test fails.
#![allow(dead_code)]

use std::io::Write;
use std::sync::Once;

use libvirt_xml::generated::basictypes::Arch;
use libvirt_xml::prelude::*;
use libvirt_xml::virt::{Connection, Guest, UndefineFlags};

/// The daemon the end-to-end tests use: `$LIBVIRT_XML_E2E_URI`, else `qemu:///system`.
pub fn uri() -> String {
    std::env::var("LIBVIRT_XML_E2E_URI").unwrap_or_else(|_| "qemu:///system".to_owned())
}

/// Whether an unreachable daemon is a failure (`LIBVIRT_XML_E2E=1`, as `.ci/run` sets).
pub fn required() -> bool {
    std::env::var("LIBVIRT_XML_E2E").is_ok_and(|v| v == "1")
}

static SKIP_NOTICE: Once = Once::new();

/// A connection to the daemon; `None` (after one "skipped" line on the terminal) when it
/// cannot be reached and the end-to-end tests are not required. When they are, that is a
/// failure naming the URI and libvirt's reason.
pub fn daemon() -> Option<Connection> {
    let uri = uri();
    match Connection::open(&uri) {
        Ok(conn) => Some(conn),
        Err(e) if required() => panic!("LIBVIRT_XML_E2E=1 but libvirtd is not reachable at {uri}: {e}"),
        Err(e) => {
            SKIP_NOTICE.call_once(|| {
                // Straight to the terminal: the test harness captures print!/eprint! of passing tests.
                let _ = writeln!(
                    std::io::stderr(),
                    "skipped: end-to-end tests need libvirtd at {uri} (set LIBVIRT_XML_E2E_URI), which is not \
                     reachable: {e}; set LIBVIRT_XML_E2E=1 to make this a failure"
                );
            });
            None
        }
    }
}

/// A guest name no other test (or earlier run) uses: `lxv-<what>-<pid>`.
pub fn name(what: &str) -> String {
    format!("lxv-{what}-{}", std::process::id())
}

/// The domain type for test guests: `qemu` (TCG, works everywhere), or
/// `$LIBVIRT_XML_E2E_DOMAIN_TYPE` (`kvm` on a host where QEMU may use /dev/kvm).
pub fn domain_type() -> DomainType {
    let name = domain_type_name();
    name.parse().unwrap_or_else(|e| panic!("LIBVIRT_XML_E2E_DOMAIN_TYPE={name}: {e:?}"))
}

/// [`domain_type`] as written in a document's `type` attribute.
pub fn domain_type_name() -> String {
    std::env::var("LIBVIRT_XML_E2E_DOMAIN_TYPE").unwrap_or_else(|_| "qemu".to_owned())
}

/// A small x86_64 guest with no disk: it boots into the firmware and stays there, which is
/// all the lifecycle needs. Tests add what they need with the setters.
pub fn small_guest(name: &str) -> Domain {
    Domain::new(domain_type(), name)
        .memory(ScaledInteger::mib(64))
        .vcpu(1)
        .os(Os::hvm().arch(Arch::X8664))
        .devices(Devices::new())
}

/// Destroys and undefines the guest when dropped, so a failing test leaves nothing behind;
/// also removes files the test made.
pub struct Cleanup<'c> {
    pub conn: &'c Connection,
    pub name: String,
    pub files: Vec<std::path::PathBuf>,
}

impl<'c> Cleanup<'c> {
    pub fn new(conn: &'c Connection, name: &str) -> Self {
        // A guest left by an interrupted earlier run of the same process id.
        let stale = Cleanup { conn, name: name.to_owned(), files: Vec::new() };
        drop(stale);
        Cleanup { conn, name: name.to_owned(), files: Vec::new() }
    }

    pub fn guest(&self) -> Guest {
        self.conn.guest(&self.name).expect("the test's guest exists")
    }
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        if let Ok(Some(g)) = self.conn.find_guest(&self.name) {
            if g.is_active().unwrap_or(false) {
                let _ = g.destroy();
            }
            // A UEFI guest that ran has its variables file beside it: that goes too (drivers
            // without UEFI refuse the flag).
            if g.undefine_with(UndefineFlags::NVRAM).is_err() {
                let _ = g.undefine();
            }
        }
        for f in &self.files {
            let _ = std::fs::remove_file(f);
            let _ = std::fs::remove_dir(f);
        }
    }
}
