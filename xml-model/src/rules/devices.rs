//! libvirt's rules for single devices and the devices that refer to each other, from
//! `virDomainDeviceDefValidate` (src/conf/domain_validate.c), what every driver refuses
//! though the schema allows it; and QEMU's for SPICE channels (src/qemu/qemu_validate.c).

use std::collections::HashMap;

use super::at_device;
use crate::generated::basictypes::{Arch, YesNo};
use crate::generated::cputypes::MemoryAccessMode;
use crate::generated::domaincommon::{
    AudioType, CharSourceType, Device, Domain, DomainType, DriverType, Filesystem, GraphicsType, GuestOsType, Input,
    InputBus, InputType, MemoryDevice, MemoryModel, RngBackendModel, Shmem, SmartcardMode, Sound, Vsock,
};
use crate::read::ElementChoice;
use crate::validate::Validator;

const SOURCE: &str = "src/conf/domain_validate.c";

/// Every rule of this module, device by device, each at its device's path.
pub(super) fn rules(d: &Domain, val: &mut Validator) {
    let devices = d.device_list();
    let places = super::device_places(devices);
    let hvm = d.os.as_ref().and_then(|os| os.kind.as_ref()).and_then(|t| t.value.as_ref()) == Some(&GuestOsType::Hvm);
    let arch = d.os.as_ref().and_then(|os| os.kind.as_ref()).and_then(|t| t.arch.as_ref());
    let audio_ids: Vec<u8> = devices
        .iter()
        .filter_map(|dev| match dev {
            Device::Audio(audio) => Some(audio.id.get()),
            _ => None,
        })
        .collect();
    // The first virtiofs share of each target, by its place among the filesystems.
    let mut virtiofs_targets: HashMap<&str, Option<usize>> = HashMap::new();
    for (device, &place) in devices.iter().zip(&places) {
        let name = device.element_name();
        match device {
            Device::Filesystem(fs) => {
                let first = is_virtiofs(fs).then(|| *virtiofs_targets.entry(&fs.target.dir).or_insert(place));
                at_device(val, name, place, |val| filesystem(fs, first.filter(|first| *first != place), val));
            }
            Device::Input(input) if hvm => at_device(val, name, place, |val| input_bus(input, val)),
            Device::Memory(mem) => at_device(val, name, place, |val| memory_device(mem, arch, val)),
            Device::Sound(sound) => at_device(val, name, place, |val| sound_audio(sound, &audio_ids, val)),
            Device::Shmem(shmem) => at_device(val, name, place, |val| shmem_name(shmem, val)),
            _ => {}
        }
    }
    if let Some(vsock) = d.devices.as_ref().and_then(|devices| devices.vsock.as_deref()) {
        at_device(val, "vsock", None, |val| vsock_cid(vsock, val));
    }
    if matches!(d.kind, DomainType::Kvm | DomainType::Qemu) {
        spice_needs_spice_graphics(d, &places, val);
    }
}

/// QEMU's SPICE channels (`type='spicevmc'`, `'spiceport'`) and SPICE audio go through the
/// SPICE display: without a `<graphics type='spice'>` (taken out for VNC, say) QEMU's driver
/// refuses them.
fn spice_needs_spice_graphics(d: &Domain, places: &[Option<usize>], val: &mut Validator) {
    let devices = d.device_list();
    let spice = |dev: &Device| matches!(dev, Device::Graphics(g) if matches!(g.kind, GraphicsType::Spice(_)));
    if devices.iter().any(spice) {
        return;
    }
    let spice_source = |kind: &CharSourceType| match kind {
        CharSourceType::Spicevmc => Some("spicevmc"),
        CharSourceType::Spiceport => Some("spiceport"),
        _ => None,
    };
    for (device, place) in devices.iter().zip(places) {
        let source = match device {
            Device::Channel(c) => spice_source(&c.kind),
            Device::Serial(c) | Device::Parallel(c) => spice_source(&c.kind),
            Device::Console(c) => c.kind.as_ref().and_then(spice_source),
            Device::Redirdev(r) => spice_source(&r.kind),
            Device::Smartcard(s) => match &s.mode {
                SmartcardMode::Passthrough(p) => spice_source(&p.kind),
                _ => None,
            },
            Device::Rng(r) => match &r.backend.model {
                RngBackendModel::Egd(egd) => spice_source(&egd.kind),
                _ => None,
            },
            Device::Audio(a) if matches!(a.kind, AudioType::Spice(_)) => Some("spice"),
            _ => None,
        };
        let Some(source) = source else { continue };
        let message = match source {
            "spice" => "SPICE audio needs a SPICE display (<graphics type='spice'>, Graphics::spice())".to_owned(),
            chardev => format!(
                "a '{chardev}' device talks through a SPICE display: add <graphics type='spice'> \
                                (Graphics::spice()), or take the device out with it"
            ),
        };
        at_device(val, device.element_name(), *place, |val| val.report_libvirt(message, "src/qemu/qemu_validate.c"));
    }
}

/// Whether a `<filesystem>` is a virtiofs share (`<driver type='virtiofs'/>`).
pub(super) fn is_virtiofs(fs: &Filesystem) -> bool {
    fs.driver.as_ref().is_some_and(|dr| matches!(dr.kind, DriverType::Virtiofs(_)))
}

/// A virtiofs share is mounted by its target (`mount -t virtiofs <target>`), so two shares
/// cannot have one; and only virtiofs can be booted from. `earlier` is the place of the
/// first share with this one's target, when there is one before it.
fn filesystem(fs: &Filesystem, earlier: Option<Option<usize>>, val: &mut Validator) {
    if let Some(earlier) = earlier {
        let earlier = match earlier {
            Some(n) => format!("filesystem[{n}]"),
            None => "filesystem".to_owned(),
        };
        let dir = &fs.target.dir;
        val.element("target", None, |val| {
            val.attribute("dir", |val| {
                let message =
                    format!("virtiofs target '{dir}' is already the target of {earlier}: each share needs its own");
                val.report_libvirt(message, SOURCE)
            })
        });
    }
    if fs.boot.is_some() && !is_virtiofs(fs) {
        val.element("boot", None, |val| {
            val.report_libvirt("only a virtiofs filesystem (<driver type='virtiofs'/>) can have a boot order", SOURCE)
        });
    }
}

/// CIDs 0 to 2 are the hypervisor's and the host's.
fn vsock_cid(vsock: &Vsock, val: &mut Validator) {
    let Some(cid) = vsock.cid.as_ref().and_then(|c| c.address.as_ref()).map(|a| a.get()) else { return };
    if (1..=2).contains(&cid) {
        val.element("cid", None, |val| {
            val.attribute("address", |val| {
                val.report_libvirt(
                    format!("a guest's vsock CID is 3 or more (here: {cid}): 0 to 2 are reserved"),
                    SOURCE,
                )
            })
        });
    }
}

/// The buses of an HVM guest's keyboard, mouse and tablet: PS/2 has no tablet, Xen's bus is
/// for Xen guests, and a virtio model is a device on the virtio bus. (A bus left out is
/// chosen by libvirt, which chooses one that fits.)
fn input_bus(input: &Input, val: &mut Validator) {
    let (what, hid) = match &input.kind {
        InputType::Tablet(hid) => ("tablet", hid),
        InputType::Mouse(hid) => ("mouse", hid),
        InputType::Keyboard(hid) => ("keyboard", hid),
        InputType::Passthrough(_) | InputType::Evdev(_) => return,
    };
    let Some(bus) = &hid.bus else { return };
    let message = match bus {
        InputBus::Ps2 if what == "tablet" => "a PS/2 bus has a mouse and a keyboard only, not a tablet".to_owned(),
        InputBus::Xen => format!("a {what} of an HVM guest is not on the Xen bus"),
        InputBus::Ps2 | InputBus::Usb if input.model.is_some() => {
            format!("a virtio {what} (model='..virtio..') is on the virtio bus (bus='virtio')")
        }
        _ => return,
    };
    val.attribute("bus", |val| val.report_libvirt(message, SOURCE));
}

/// What each model of memory device needs: a file behind NVDIMMs and virtio-pmem, shared
/// access for virtio-pmem, and virtio-mem's block size dividing what it is asked for.
fn memory_device(mem: &MemoryDevice, arch: Option<&Arch>, val: &mut Validator) {
    let model = match mem.model {
        MemoryModel::Nvdimm => "nvdimm",
        MemoryModel::VirtioPmem => "virtio-pmem",
        MemoryModel::VirtioMem => "virtio-mem",
        MemoryModel::SgxEpc => "sgx-epc",
        MemoryModel::Dimm => return,
    };
    let persistent = matches!(mem.model, MemoryModel::Nvdimm | MemoryModel::VirtioPmem);
    if persistent && mem.source.as_ref().and_then(|s| s.path.as_ref()).is_none() {
        let message = format!("a {model} memory device needs the file that holds it: <source><path>");
        val.report_libvirt(message, SOURCE);
    }
    if persistent && mem.discard == Some(YesNo::Yes) {
        val.attribute("discard", |val| val.report_libvirt(format!("a {model} memory device cannot discard"), SOURCE));
    }
    match mem.model {
        MemoryModel::Nvdimm => {
            let ppc64 = arch.is_some_and(|a| matches!(a, Arch::Ppc64 | Arch::Ppc64le));
            if mem.uuid.is_some() && arch.is_some() && !ppc64 {
                val.element("uuid", None, |val| {
                    val.report_libvirt("only an NVDIMM of a ppc64 guest has a <uuid>", SOURCE)
                });
            }
        }
        MemoryModel::VirtioPmem => {
            if mem.access != Some(MemoryAccessMode::Shared) {
                let message = "a virtio-pmem memory device needs access='shared'";
                match mem.access {
                    Some(_) => val.attribute("access", |val| val.report_libvirt(message, SOURCE)),
                    None => val.report_libvirt(message, SOURCE),
                }
            }
            if mem.target.node.is_some() {
                val.element("target", None, |val| {
                    val.element("node", None, |val| {
                        val.report_libvirt("a virtio-pmem memory device is on no NUMA node", SOURCE)
                    })
                });
            }
        }
        MemoryModel::VirtioMem => virtio_mem_sizes(mem, val),
        MemoryModel::SgxEpc => {
            if mem.address.is_some() {
                val.element("address", None, |val| {
                    val.report_libvirt("an sgx-epc memory device has no <address>", SOURCE)
                });
            }
        }
        MemoryModel::Dimm => {}
    }
}

/// virtio-mem plugs memory in blocks: the block size is a power of two, and what is
/// requested is a whole number of blocks, at most the device's size.
fn virtio_mem_sizes(mem: &MemoryDevice, val: &mut Validator) {
    let target = &mem.target;
    let Some(size) = target.size.bytes() else { return };
    let block = target.block.as_ref().and_then(crate::ScaledInteger::bytes);
    let requested = target.requested.as_ref().and_then(crate::ScaledInteger::bytes);
    val.element("target", None, |val| {
        if let Some(block) = block.filter(|b| !b.is_power_of_two()) {
            val.element("block", None, |val| {
                let message = format!("a virtio-mem block size is a power of two (here: {} KiB)", block / 1024);
                val.report_libvirt(message, SOURCE)
            });
        }
        let Some(requested) = requested else { return };
        let message = if requested > size {
            format!(
                "a virtio-mem device is asked for {} KiB, more than its size ({} KiB)",
                requested / 1024,
                size / 1024
            )
        } else if let Some(block) = block.filter(|b| b.is_power_of_two() && requested % b != 0) {
            format!(
                "a virtio-mem device is asked for {} KiB, not a whole number of its {} KiB blocks",
                requested / 1024,
                block / 1024
            )
        } else {
            return;
        };
        val.element("requested", None, |val| val.report_libvirt(message, SOURCE));
    });
}

/// A sound card plays through an `<audio>` backend it names by id.
fn sound_audio(sound: &Sound, audio_ids: &[u8], val: &mut Validator) {
    let Some(id) = sound.audio.as_ref().map(|a| a.id.get()) else { return };
    if id != 0 && !audio_ids.contains(&id) {
        val.element("audio", None, |val| {
            val.attribute("id", |val| {
                val.report_libvirt(format!("no <audio> device has id {id}: add one (<audio id='{id}' ..>)"), SOURCE)
            })
        });
    }
}

/// A shared memory region is a file named after it in /dev/shm.
fn shmem_name(shmem: &Shmem, val: &mut Validator) {
    let name = shmem.name.0.as_str();
    if name == "." || name == ".." {
        val.attribute("name", |val| {
            val.report_libvirt(format!("a shared memory region cannot be named '{name}'"), SOURCE)
        });
    }
}
