//! A guest's lifecycle: start, reboot, shutdown with a deadline, destroy, autostart, save,
//! undefine; and its definition, typed.

use std::ffi::CString;
use std::path::Path;
use std::time::{Duration, Instant};

use xml_model::XmlRoot;

use crate::connection::path_str;
use crate::{Error, Result};

/// A guest known to libvirt.
pub struct Guest {
    pub(crate) dom: virt::domain::Domain,
}

impl std::fmt::Debug for Guest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guest").field("name", &self.dom.name().ok()).finish()
    }
}

/// A guest's run state, as libvirt reports it (`virDomainState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuestState {
    NoState,
    Running,
    Blocked,
    Paused,
    Shutdown,
    Shutoff,
    Crashed,
    Suspended,
    /// A state this library does not know (a newer libvirt).
    Unknown,
}

/// Which definition [`Guest::dumpxml`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XmlView {
    /// The running guest's definition, with what libvirt filled in at start (aliases, ids).
    Live,
    /// The persistent definition the next start uses (`virsh dumpxml --inactive`).
    Inactive,
}

libvirt_flags! {
    /// What [`Guest::undefine_with`] does with what a guest has beside its definition
    /// (`virDomainUndefineFlagsValues`). Combine with `|`.
    UndefineFlags {
        /// Removes the UEFI variables file (`<nvram>`) too.
        NVRAM = virt::sys::VIR_DOMAIN_UNDEFINE_NVRAM;
        /// Leaves the UEFI variables file where it is.
        KEEP_NVRAM = virt::sys::VIR_DOMAIN_UNDEFINE_KEEP_NVRAM;
        /// Removes the managed save image (`virsh managedsave`) too.
        MANAGED_SAVE = virt::sys::VIR_DOMAIN_UNDEFINE_MANAGED_SAVE;
        /// Removes the metadata of its snapshots (their data stays in the disk images).
        SNAPSHOTS_METADATA = virt::sys::VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA;
        /// Removes the metadata of its checkpoints.
        CHECKPOINTS_METADATA = virt::sys::VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA;
    }
}

/// How [`Guest::shutdown`] ended.
#[derive(Debug)]
pub enum Shutdown {
    /// The guest was not running.
    AlreadyOff,
    /// The guest shut itself down after being asked.
    Clean {
        /// How long it took.
        after: Duration,
    },
    /// The guest was still running at the deadline (or could not be asked) and was destroyed.
    Destroyed {
        /// How long the guest was given.
        waited: Duration,
        /// Why asking failed, when libvirt refused the request itself (no ACPI, no agent).
        request_error: Option<Error>,
    },
}

impl Guest {
    /// The guest's name.
    pub fn name(&self) -> Result<String> {
        Ok(self.dom.name()?)
    }

    /// The guest's UUID (`.to_string()` writes it as libvirt does).
    pub fn uuid(&self) -> Result<xml_model::Uuid> {
        let text = self.dom.uuid_string()?;
        text.parse().map_err(|_| Error::Invalid(format!("libvirt gave the guest UUID {text:?}")))
    }

    /// The run state.
    pub fn state(&self) -> Result<GuestState> {
        use virt::domain::DomainState as S;
        let (state, _) = self.dom.state()?;
        let known: std::result::Result<S, _> = state.into();
        Ok(match known.ok() {
            Some(S::NoState) => GuestState::NoState,
            Some(S::Running) => GuestState::Running,
            Some(S::Blocked) => GuestState::Blocked,
            Some(S::Paused) => GuestState::Paused,
            Some(S::Shutdown) => GuestState::Shutdown,
            Some(S::Shutoff) => GuestState::Shutoff,
            Some(S::Crashed) => GuestState::Crashed,
            Some(S::PMSuspended) => GuestState::Suspended,
            None => GuestState::Unknown,
        })
    }

    /// Whether the guest runs (or is paused): it has a live instance.
    pub fn is_active(&self) -> Result<bool> {
        Ok(self.dom.is_active()?)
    }

    /// Whether the guest has a persistent definition (it survives being stopped).
    pub fn is_persistent(&self) -> Result<bool> {
        Ok(self.dom.is_persistent()?)
    }

    /// Starts the guest (`virsh start`).
    pub fn start(&self) -> Result<()> {
        Ok(self.dom.create()?)
    }

    /// Stops the guest at once (`virsh destroy`: pulls the plug).
    pub fn destroy(&self) -> Result<()> {
        Ok(self.dom.destroy()?)
    }

    /// Asks the guest to reboot (`virsh reboot`); the guest decides when.
    pub fn reboot(&self) -> Result<()> {
        Ok(self.dom.reboot(0)?)
    }

    /// Pauses the guest's CPUs (`virsh suspend`).
    pub fn suspend(&self) -> Result<()> {
        Ok(self.dom.suspend()?)
    }

    /// Resumes a paused guest (`virsh resume`).
    pub fn resume(&self) -> Result<()> {
        Ok(self.dom.resume()?)
    }

    /// Asks the guest to shut down (`virsh shutdown`) and waits up to `timeout` for it to
    /// stop; a guest still running then, or one libvirt cannot ask, is destroyed. Returns
    /// which of these happened, so callers know whether the guest had a clean shutdown.
    /// The wait ends on libvirt's "stopped" event (with a look at the state each second, for a
    /// driver or connection that delivers no events).
    pub fn shutdown(&self, timeout: Duration) -> Result<Shutdown> {
        if !self.is_active()? {
            return Ok(Shutdown::AlreadyOff);
        }
        let events = self.events().ok();
        let begin = Instant::now();
        let request_error = match self.dom.shutdown() {
            Ok(()) => {
                let stopped = |e: &crate::GuestEvent| matches!(e.lifecycle, crate::Lifecycle::Stopped(_));
                while begin.elapsed() < timeout {
                    let slice = Duration::from_secs(1).min(timeout.saturating_sub(begin.elapsed()));
                    let heard = match &events {
                        Some(events) => events.wait_for(slice, stopped).is_some(),
                        None => {
                            std::thread::sleep(slice.min(Duration::from_millis(100)));
                            false
                        }
                    };
                    if heard || !self.is_active()? {
                        return Ok(Shutdown::Clean { after: begin.elapsed() });
                    }
                }
                None
            }
            Err(e) => Some(Error::from(e)),
        };
        let waited = begin.elapsed();
        match self.dom.destroy() {
            Ok(()) => Ok(Shutdown::Destroyed { waited, request_error }),
            // It stopped between the last look and the destroy: that was a clean shutdown.
            Err(_) if request_error.is_none() && !self.is_active()? => Ok(Shutdown::Clean { after: begin.elapsed() }),
            Err(e) => Err(e.into()),
        }
    }

    /// Turns starting with the host on or off (`virsh autostart [--disable]`).
    pub fn set_autostart(&self, on: bool) -> Result<()> {
        Ok(self.dom.set_autostart(on)?)
    }

    /// Whether the guest starts with the host.
    pub fn autostart(&self) -> Result<bool> {
        Ok(self.dom.autostart()?)
    }

    /// Removes the persistent definition (`virsh undefine`); a running guest keeps running
    /// until it stops, then is gone.
    ///
    /// libvirt refuses this for a guest that has something of its own beside the definition:
    /// UEFI variables (`<nvram>`, made when a guest with `<os firmware='efi'>` first starts),
    /// a managed save, snapshots or checkpoints. [`Guest::undefine_with`] says what becomes of
    /// them.
    pub fn undefine(&self) -> Result<()> {
        Ok(self.dom.undefine()?)
    }

    /// Removes the persistent definition, and with it (or not) what the guest has beside it
    /// (`virsh undefine --nvram`, `--keep-nvram`, `--managed-save`, ...):
    /// `guest.undefine_with(UndefineFlags::NVRAM)` removes a UEFI guest and its variables.
    /// A driver refuses the flags it has no use for: the test driver takes only
    /// `MANAGED_SAVE` and `SNAPSHOTS_METADATA`.
    pub fn undefine_with(&self, flags: UndefineFlags) -> Result<()> {
        Ok(self.dom.undefine_flags(flags.bits())?)
    }

    /// Saves the running guest's memory and device state to `path` and stops it
    /// (`virsh save`, `virDomainSave`). [`Connection::restore`](crate::Connection::restore)
    /// brings it back. The file is written by the daemon, so the path is the daemon host's.
    pub fn save(&self, path: &Path) -> Result<()> {
        let c_path = CString::new(path_str(path)?).map_err(|e| Error::Invalid(e.to_string()))?;
        // The `virt` crate has no safe wrapper for virDomainSave.
        // SAFETY: the domain pointer is valid while `self` lives; the path is a NUL-terminated
        // string that outlives the call; libvirt does not keep either.
        let rc = unsafe { virt::sys::virDomainSave(self.dom.as_ptr(), c_path.as_ptr()) };
        if rc < 0 {
            return Err(Error::last_libvirt());
        }
        Ok(())
    }

    /// The definition, typed: the live one or the persistent one (`virsh dumpxml
    /// [--inactive]`). Secure content (passwords) is included, as `virsh edit` does, so that
    /// a definition read here can be written back without losing it.
    pub fn dumpxml<D: XmlRoot>(&self, view: XmlView) -> Result<D> {
        crate::error::typed(&self.xml(view)?)
    }

    /// The definition as libvirt wrote it.
    pub fn xml(&self, view: XmlView) -> Result<String> {
        let flags = match view {
            XmlView::Live => virt::sys::VIR_DOMAIN_XML_SECURE,
            XmlView::Inactive => virt::sys::VIR_DOMAIN_XML_INACTIVE | virt::sys::VIR_DOMAIN_XML_SECURE,
        };
        Ok(self.dom.xml_desc(flags)?)
    }
}
