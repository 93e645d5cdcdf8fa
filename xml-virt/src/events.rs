//! Guest lifecycle events (`virsh event --event lifecycle`): started, suspended, resumed,
//! stopped (and why), crashed, defined, undefined, as typed values on a channel.
//!
//! libvirt delivers events through an event loop the client runs. [`Connection::open`]
//! registers libvirt's default loop and runs it on one background thread of the process
//! (libvirt wants the loop in place before a connection opens, so a remote connection gets
//! its events); subscribing ([`Connection::events`], [`Guest::events`]) then costs one
//! callback registration, undone when the [`Events`] value is dropped.

use std::os::raw::{c_int, c_void};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Once;
use std::time::{Duration, Instant};

use crate::{Connection, Error, Guest, Result};

/// What happened to a guest (`virDomainEventType`), with libvirt's detail where it tells
/// something a caller acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// A persistent definition was added or changed (`define`, `apply`, `edit`).
    Defined,
    /// The persistent definition was removed.
    Undefined,
    /// The guest started (booted, restored, migrated in, woke up).
    Started,
    /// The guest was paused.
    Suspended,
    /// The guest was resumed.
    Resumed,
    /// The guest is no longer running, and why.
    Stopped(StopReason),
    /// The guest finished its shutdown sequence (the stop follows).
    Shutdown,
    /// The guest entered a power-management sleep state.
    PmSuspended,
    /// The guest crashed (its crash policy then decides what follows).
    Crashed,
    /// An event type this library does not know (a newer libvirt): its number.
    Other(i32),
}

/// Why a guest stopped (`virDomainEventStoppedDetailType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// It shut down by itself or on request.
    Shutdown,
    /// It was destroyed (`virsh destroy`).
    Destroyed,
    /// It crashed.
    Crashed,
    /// It migrated to another host.
    Migrated,
    /// Its state was saved to a file.
    Saved,
    /// The hypervisor failed.
    Failed,
    /// A snapshot was reverted to.
    FromSnapshot,
    /// A detail this library does not know: its number.
    Other(i32),
}

/// One lifecycle event of one guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestEvent {
    /// The guest's name.
    pub name: String,
    /// The guest's UUID (`None` if libvirt gave none that reads as one).
    pub uuid: Option<xml_model::Uuid>,
    /// What happened.
    pub lifecycle: Lifecycle,
    /// libvirt's detail number for the event (`virDomainEvent*DetailType`).
    pub detail: i32,
}

fn lifecycle(event: c_int, detail: c_int) -> Lifecycle {
    let stop = match detail as u32 {
        virt::sys::VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN => StopReason::Shutdown,
        virt::sys::VIR_DOMAIN_EVENT_STOPPED_DESTROYED => StopReason::Destroyed,
        virt::sys::VIR_DOMAIN_EVENT_STOPPED_CRASHED => StopReason::Crashed,
        virt::sys::VIR_DOMAIN_EVENT_STOPPED_MIGRATED => StopReason::Migrated,
        virt::sys::VIR_DOMAIN_EVENT_STOPPED_SAVED => StopReason::Saved,
        virt::sys::VIR_DOMAIN_EVENT_STOPPED_FAILED => StopReason::Failed,
        virt::sys::VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT => StopReason::FromSnapshot,
        _ => StopReason::Other(detail),
    };
    match event as u32 {
        virt::sys::VIR_DOMAIN_EVENT_DEFINED => Lifecycle::Defined,
        virt::sys::VIR_DOMAIN_EVENT_UNDEFINED => Lifecycle::Undefined,
        virt::sys::VIR_DOMAIN_EVENT_STARTED => Lifecycle::Started,
        virt::sys::VIR_DOMAIN_EVENT_SUSPENDED => Lifecycle::Suspended,
        virt::sys::VIR_DOMAIN_EVENT_RESUMED => Lifecycle::Resumed,
        virt::sys::VIR_DOMAIN_EVENT_STOPPED => Lifecycle::Stopped(stop),
        virt::sys::VIR_DOMAIN_EVENT_SHUTDOWN => Lifecycle::Shutdown,
        virt::sys::VIR_DOMAIN_EVENT_PMSUSPENDED => Lifecycle::PmSuspended,
        virt::sys::VIR_DOMAIN_EVENT_CRASHED => Lifecycle::Crashed,
        _ => Lifecycle::Other(event),
    }
}

static EVENT_LOOP: Once = Once::new();

/// Registers libvirt's default event loop and runs it on a background thread, once per
/// process. Must come before the first connection opens.
pub(crate) fn start_event_loop() {
    EVENT_LOOP.call_once(|| {
        // SAFETY: plain calls into libvirt with no arguments; registration happens once.
        if unsafe { virt::sys::virEventRegisterDefaultImpl() } < 0 {
            // Out of memory in libvirt: events will not arrive, every other call works.
            return;
        }
        let _ = std::thread::Builder::new().name("libvirt-events".into()).spawn(|| loop {
            // SAFETY: runs one iteration of the loop registered above.
            if unsafe { virt::sys::virEventRunDefaultImpl() } < 0 {
                std::thread::sleep(Duration::from_millis(100));
            }
        });
    });
}

/// A subscription to lifecycle events: receive them with [`Events::next_within`] or iterate
/// (blocking). Dropping it unsubscribes.
pub struct Events {
    conn: virt::connect::Connect,
    callback: c_int,
    rx: Receiver<GuestEvent>,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events").field("callback", &self.callback).finish()
    }
}

impl Events {
    /// The next event, waiting at most `timeout`; `None` when none came.
    pub fn next_within(&self, timeout: Duration) -> Option<GuestEvent> {
        self.rx.recv_timeout(timeout).ok()
    }

    /// Waits up to `timeout` for an event `wanted` accepts, and returns it; the events before
    /// it are passed over. `None` at the deadline.
    pub fn wait_for(&self, timeout: Duration, mut wanted: impl FnMut(&GuestEvent) -> bool) -> Option<GuestEvent> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(event) if wanted(&event) => return Some(event),
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }
}

impl Iterator for Events {
    type Item = GuestEvent;

    /// Blocks until the next event.
    fn next(&mut self) -> Option<GuestEvent> {
        self.rx.recv().ok()
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        // SAFETY: the connection pointer is valid while `self.conn` lives; the id is the one
        // registration returned. libvirt then frees the sender through `drop_sender`.
        unsafe {
            virt::sys::virConnectDomainEventDeregisterAny(self.conn.as_ptr(), self.callback);
        }
    }
}

/// libvirt's lifecycle callback: sends the event to the subscriber.
unsafe extern "C" fn on_lifecycle(
    _conn: virt::sys::virConnectPtr,
    dom: virt::sys::virDomainPtr,
    event: c_int,
    detail: c_int,
    opaque: *mut c_void,
) -> c_int {
    // SAFETY: `opaque` is the `Sender` boxed in `subscribe`, alive until `drop_sender`; `dom`
    // is valid for the duration of the callback, its name owned by it.
    let tx = unsafe { &*(opaque as *const Sender<GuestEvent>) };
    let name = unsafe {
        let p = virt::sys::virDomainGetName(dom);
        if p.is_null() {
            String::new()
        } else {
            std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
        }
    };
    let mut buf = [0 as std::os::raw::c_char; virt::sys::VIR_UUID_STRING_BUFLEN as usize];
    let uuid = if unsafe { virt::sys::virDomainGetUUIDString(dom, buf.as_mut_ptr()) } == 0 {
        unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().parse().ok()
    } else {
        None
    };
    // The subscriber may be gone already; libvirt then deregisters soon.
    let _ = tx.send(GuestEvent { name, uuid, lifecycle: lifecycle(event, detail), detail });
    0
}

unsafe extern "C" fn drop_sender(opaque: *mut c_void) {
    // SAFETY: libvirt calls this once, after the last callback, with the box from `subscribe`.
    drop(unsafe { Box::from_raw(opaque as *mut Sender<GuestEvent>) });
}

fn subscribe(conn: &virt::connect::Connect, dom: virt::sys::virDomainPtr) -> Result<Events> {
    start_event_loop();
    let (tx, rx) = channel();
    let opaque = Box::into_raw(Box::new(tx)) as *mut c_void;
    type LifecycleCallback =
        unsafe extern "C" fn(virt::sys::virConnectPtr, virt::sys::virDomainPtr, c_int, c_int, *mut c_void) -> c_int;
    // SAFETY: libvirt calls a callback registered for VIR_DOMAIN_EVENT_ID_LIFECYCLE with the
    // lifecycle signature; the generic type is only how the C API passes it (its
    // VIR_DOMAIN_EVENT_CALLBACK cast does the same).
    let callback = unsafe {
        std::mem::transmute::<
            LifecycleCallback,
            unsafe extern "C" fn(virt::sys::virConnectPtr, virt::sys::virDomainPtr, *mut c_void),
        >(on_lifecycle)
    };
    // SAFETY: the connection (and domain, if any) pointers are valid for the call; libvirt
    // owns `opaque` from here and frees it with `drop_sender`.
    let id = unsafe {
        virt::sys::virConnectDomainEventRegisterAny(
            conn.as_ptr(),
            dom,
            virt::sys::VIR_DOMAIN_EVENT_ID_LIFECYCLE as c_int,
            Some(callback),
            opaque,
            Some(drop_sender),
        )
    };
    if id < 0 {
        let e = Error::last_libvirt();
        // SAFETY: registration failed, so libvirt did not take the box.
        drop(unsafe { Box::from_raw(opaque as *mut Sender<GuestEvent>) });
        return Err(e);
    }
    Ok(Events { conn: conn.clone(), callback: id, rx })
}

impl Connection {
    /// Lifecycle events of every guest on this connection, from now on (libvirt queues events
    /// and hands them to whoever is subscribed when it dispatches them, so one that happened
    /// just before may come too).
    pub fn events(&self) -> Result<Events> {
        subscribe(&self.conn, std::ptr::null_mut())
    }
}

impl Guest {
    /// Lifecycle events of this guest, from now on (as [`Connection::events`]).
    pub fn events(&self) -> Result<Events> {
        let conn = self.dom.connect()?;
        // SAFETY: the domain pointer is valid while `self` lives.
        subscribe(&conn, unsafe { self.dom.as_ptr() })
    }
}
