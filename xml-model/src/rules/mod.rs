//! libvirt's rules for a `<domain>` that its schema does not say: what `virsh define`
//! refuses, or silently changes, though `xmllint --relaxng` accepts it.
//!
//! [`Domain::validate`](crate::ValidateRoot::validate) reports them beside the schema's own
//! rules, each as a [`Problem`](crate::Problem) with [`Rule::Libvirt`](crate::validate::Rule)
//! naming the file of libvirt's sources that holds it, so a mistake is found before libvirt
//! sees the guest:
//!
//! | rule | libvirt |
//! |---|---|
//! | a virtiofs share needs shared memory: `<access mode='shared'/>`, or every NUMA cell `memAccess='shared'` | refuses (qemu_validate.c) |
//! | `<maxphysaddr limit>` only with `mode='passthrough'`, `bits` not with it | refuses (cpu_conf.c, qemu_validate.c) |
//! | CPU `<feature>`s need a `<model>` in `mode='custom'` | refuses (cpu_conf.c) |
//! | the `<model>` of a `host-passthrough` or `maximum` CPU | drops it silently (cpu_conf.c) |
//! | a huge page's `nodeset` names guest NUMA cells; nodesets do not overlap; one page size at most has no nodeset | refuses (domain_validate.c) |
//! | UEFI firmware (`<os firmware='efi'>`, or a `pflash` `<loader>`) on an x86 guest needs `<features><acpi/>` | refuses (qemu_validate.c) |
//! | a `<name>` with a `/` | refuses (domain_validate.c) |
//! | two disks with one target (`<target dev='vda'>`) | refuses (domain_validate.c) |
//! | with no NUMA cells: `<memory>` given, and more than the memory devices (`<memory model='dimm'>`...) add up to; `<maxMemory>` not below it | refuses (domain_postparse.c) |
//! | with NUMA cells: `<maxMemory>` not below the cells' memory and the memory devices | the QEMU driver refuses (domain_postparse.c): it makes that sum the guest's `<memory>` |
//! | with no NUMA cells: `<currentMemory>` not above `<memory>` | lowers it to `<memory>` silently (domain_postparse.c) |
//! | a memory device's `<target><node>` names a NUMA cell the guest has | refuses (domain_validate.c) |
//! | on QEMU: memory devices need `<maxMemory>`, with a slot for each DIMM, and `<maxMemory>` needs a NUMA cell (but on ppc64) | refuses (qemu_domain.c) |
//! | a memory device's model: `nvdimm` and `virtio-pmem` have a `<source><path>` and do not `discard`; `virtio-pmem` has `access='shared'` and no `<node>`; `virtio-mem`'s `<block>` is a power of two, and `<requested>` at most `<size>` and whole blocks; `sgx-epc` has no `<address>`; an NVDIMM's `<uuid>` is ppc64's only | refuses (domain_validate.c) |
//! | two virtiofs shares with one `<target dir>`; a `<boot order>` on a filesystem other than virtiofs | refuses (domain_validate.c) |
//! | an HVM guest's `<input>`: no tablet on `bus='ps2'`, no `bus='xen'`, a virtio `model` on `bus='virtio'` | refuses (domain_validate.c) |
//! | on QEMU: a `spicevmc` or `spiceport` channel, redirection, smartcard or RNG, or SPICE `<audio>`, needs a `<graphics type='spice'>` | refuses (qemu_validate.c) |
//! | a `<vsock>` CID of 3 or more; a `<sound>`'s `<audio id>` names an `<audio>`; a `<shmem>` not named `.` or `..` | refuses (domain_validate.c) |
//! | a Hyper-V `<spinlocks state='on'>` has `retries`, at least 4095; a `<vendor_id state='on'>` has a `value` | refuses (domain_conf.c) |
//! | NUMA cells are numbered 0 to n-1, once each, with no vCPU in two; a `<sibling>` distance or an interconnect names an existing cell; a distance is 10 to the cell itself only | refuses (numa_conf.c); libvirt 9.0.0 writes outside its memory refusing a distance to a missing cell |
//!
//! Rules that depend on the host (is a huge page size mounted, is a PCI device there) are
//! checked against a connection by `xml-virt`'s `Connection::check_host`.

mod devices;

use std::collections::BTreeMap;

use crate::generated::basictypes::{Arch, OnOff};
use crate::generated::cputypes::{Cpu, CpuMode, CpuNuma, MaxphysaddrMode, MemoryAccessMode, NumaCell};
use crate::generated::domaincommon::{
    CustomHyperv, Device, DomainType, Features, HypervMode, LoaderType, MemoryModel, Os, OsFirmware,
};
use crate::generated::domaincommon::{Domain, MemoryBacking};
use crate::validate::Validator;
use crate::CpuSet;

/// Every rule of this module, on a whole domain (called by the domain's `validate`).
pub fn domain(d: &Domain, val: &mut Validator) {
    if d.name.contains('/') {
        // libvirt names files after the guest (/etc/libvirt/qemu/<name>.xml).
        val.element("name", None, |val| {
            val.report_libvirt(
                format!("a guest's name cannot contain '/' (here: '{}')", d.name),
                "src/conf/domain_validate.c",
            )
        });
    }
    disk_targets_differ(d, val);
    memory_sizes(d, val);
    memory_device_nodes(d, val);
    devices::rules(d, val);
    if matches!(d.kind, DomainType::Kvm | DomainType::Qemu) {
        virtiofs_needs_shared_memory(d, val);
        qemu_memory_hotplug(d, val);
        if let Some(os) = &d.os {
            uefi_needs_acpi_on_x86(os, d.features.as_deref(), val);
        }
    }
    if let Some(HypervMode::Custom(hyperv)) = d.features.as_ref().and_then(|f| f.hyperv.as_ref()).map(|h| &h.mode) {
        val.element("features", None, |val| val.element("hyperv", None, |val| hyperv_rules(hyperv, val)));
    }
    if let Some(cpu) = &d.cpu {
        val.element("cpu", None, |val| cpu_rules(cpu, val));
    }
    if let Some(backing) = &d.memory_backing {
        let cells = guest_numa_cells(d).len();
        val.element("memoryBacking", None, |val| hugepage_nodesets(backing, cells, val));
    }
}

/// The guest's NUMA cells (`<cpu><numa><cell>`), none when it has no `<numa>`.
fn guest_numa_cells(d: &Domain) -> &[NumaCell] {
    d.cpu.as_ref().and_then(|c| c.numa.as_ref()).map_or(&[], |n| &n.cells[..])
}

/// Where each device stands among its same-named siblings (`disk[2]`), for paths: see
/// [`crate::validate::places`].
fn device_places(devices: &[Device]) -> Vec<Option<usize>> {
    crate::validate::places(devices.iter().map(crate::read::ElementChoice::element_name))
}

/// Walks `val` to the `place`-th `<name>` of `<devices>` (see [`crate::validate::places`]).
fn at_device(val: &mut Validator, name: &str, place: Option<usize>, f: impl FnOnce(&mut Validator)) {
    val.element("devices", None, |val| val.element(name, place, f));
}

fn virtiofs_needs_shared_memory(d: &Domain, val: &mut Validator) {
    let global = d.memory_backing.as_ref().and_then(|b| b.access.as_ref()).map(|a| &a.mode);
    let global_shared = global == Some(&MemoryAccessMode::Shared);
    let cells = guest_numa_cells(d);
    let shared = if cells.is_empty() {
        global_shared
    } else {
        cells.iter().all(|c| match &c.mem_access {
            Some(mode) => *mode == MemoryAccessMode::Shared,
            None => global_shared,
        })
    };
    if shared {
        return;
    }
    let devices = d.device_list();
    let places = device_places(devices);
    for (i, device) in devices.iter().enumerate() {
        let Device::Filesystem(fs) = device else { continue };
        if !devices::is_virtiofs(fs) {
            continue;
        }
        at_device(val, "filesystem", places[i], |val| {
            val.report_libvirt(
                "a virtiofs share needs shared guest memory: add <memoryBacking><access mode='shared'/> \
                 (MemoryBacking::shared()), or memAccess='shared' on every NUMA cell",
                "src/qemu/qemu_validate.c",
            )
        });
    }
}

/// The memory a guest boots with is `<memory>` less its memory devices (DIMMs, virtio-mem...),
/// and `<maxMemory>` bounds `<memory>`. With NUMA cells, the QEMU driver sets `<memory>` to
/// the cells' memory plus the memory devices when it defines the guest (other drivers keep
/// it), so then only `<maxMemory>` below that sum is refused on every path.
fn memory_sizes(d: &Domain, val: &mut Validator) {
    // libvirt keeps sizes in KiB, rounded up.
    let kib = |size: &crate::ScaledInteger| size.bytes().map(|b| b.div_ceil(1024));
    let mut devices = 0u64;
    for device in d.device_list() {
        if let Device::Memory(mem) = device {
            let Some(size) = kib(&mem.target.size) else { return };
            devices = devices.saturating_add(size);
        }
    }
    const SOURCE: &str = "src/conf/domain_postparse.c";
    let cells = guest_numa_cells(d);
    if !cells.is_empty() {
        let mut total = devices;
        for cell in cells {
            let bytes = cell.memory.get().checked_mul(cell.unit.as_ref().map_or(1024, crate::Unit::bytes));
            let Some(size) = bytes.map(|b| b.div_ceil(1024)) else { return };
            total = total.saturating_add(size);
        }
        if let Some(max) = &d.max_memory {
            if kib(&max.size).is_some_and(|max| max < total) {
                val.element("maxMemory", None, |val| {
                    let message = format!(
                        "<maxMemory> is below the NUMA cells' memory and the memory devices ({total} KiB), which the \
                         QEMU driver makes the guest's <memory>: it bounds it"
                    );
                    val.report_libvirt(message, SOURCE)
                });
            }
        }
        return;
    }
    let Some(total) = d.memory.as_ref().map_or(Some(0), |m| kib(&m.size)) else { return };
    if devices > total {
        let message = format!(
            "the memory devices add up to {devices} KiB, more than the guest's {total} KiB: <memory> counts them \
             with the memory the guest boots with"
        );
        match d.memory {
            Some(_) => val.element("memory", None, |val| val.report_libvirt(message, SOURCE)),
            None => val.report_libvirt(message, SOURCE),
        }
        return;
    }
    if total == devices {
        let message = match d.memory {
            None => "a guest needs memory: <memory> (Domain::memory), or NUMA cells that have it".to_owned(),
            Some(_) => format!("the memory devices take all {total} KiB of <memory>: the guest would boot with none"),
        };
        val.report_libvirt(message, SOURCE);
        return;
    }
    if let Some(max) = &d.max_memory {
        if kib(&max.size).is_some_and(|max| max < total) {
            val.element("maxMemory", None, |val| {
                val.report_libvirt(format!("<maxMemory> is below <memory> ({total} KiB): it bounds it"), SOURCE)
            });
        }
    }
    if let Some(current) = &d.current_memory {
        if kib(current).is_some_and(|current| current > total) {
            val.element("currentMemory", None, |val| {
                val.report_libvirt(
                    format!("libvirt lowers a <currentMemory> above <memory> to <memory> ({total} KiB) silently"),
                    SOURCE,
                )
            });
        }
    }
}

/// A memory device plugged into guest NUMA node n needs the guest to have cell n (cells are
/// numbered from 0 with none left out, which `numa_rules` checks).
fn memory_device_nodes(d: &Domain, val: &mut Validator) {
    let cells = guest_numa_cells(d).len();
    let devices = d.device_list();
    let places = device_places(devices);
    for (i, device) in devices.iter().enumerate() {
        let Device::Memory(mem) = device else { continue };
        let Some(node) = mem.target.node.as_ref().map(|n| n.get()) else { continue };
        if (node as usize) < cells {
            continue;
        }
        let message = match cells {
            0 => {
                format!("a memory device for guest NUMA node {node} needs NUMA cells (<cpu><numa>): the guest has none")
            }
            n => format!("a memory device for guest NUMA node {node}: the guest has {n} NUMA cells, 0 to {}", n - 1),
        };
        at_device(val, "memory", places[i], |val| {
            val.element("target", None, |val| {
                val.element("node", None, |val| val.report_libvirt(message, "src/conf/domain_validate.c"))
            })
        });
    }
}

/// Each disk is seen by the guest under its own target (`vda`, `sdb`): a second disk with
/// the target of another is refused, whatever the hypervisor.
fn disk_targets_differ(d: &Domain, val: &mut Validator) {
    let devices = d.device_list();
    let places = device_places(devices);
    let mut first: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, device) in devices.iter().enumerate() {
        let Device::Disk(disk) = device else { continue };
        let dev = disk.target.dev.0.as_str();
        let earlier = *first.entry(dev).or_insert(i);
        if earlier == i {
            continue;
        }
        let earlier = match places[earlier] {
            Some(n) => format!("disk[{n}]"),
            None => "disk".to_owned(),
        };
        at_device(val, "disk", places[i], |val| {
            val.element("target", None, |val| {
                val.attribute("dev", |val| {
                    val.report_libvirt(
                        format!(
                            "target '{dev}' is already the target of {earlier}: each disk needs a target of its own"
                        ),
                        "src/conf/domain_validate.c",
                    )
                })
            })
        });
    }
}

/// QEMU's x86 UEFI firmware finds the machine's devices through ACPI: libvirt refuses it
/// without. An x86 guest is one whose `arch` says so, or, without an `arch` (libvirt then
/// takes the host's), whose machine type is one of x86's only; a guest that says neither is
/// left to libvirt, which knows its host.
fn uefi_needs_acpi_on_x86(os: &Os, features: Option<&Features>, val: &mut Validator) {
    let uefi =
        os.firmware == Some(OsFirmware::Efi) || os.loader.as_ref().is_some_and(|l| l.kind == Some(LoaderType::Pflash));
    if !uefi || features.is_some_and(|f| f.acpi.is_some()) {
        return;
    }
    if guest_arch(os, |arch| matches!(arch, Arch::I686 | Arch::X8664)) == Some(true) {
        val.element("os", None, |val| {
            val.report_libvirt(
                "UEFI firmware on x86 needs ACPI: add <features><acpi/></features> (Features::new().acpi(true))",
                "src/qemu/qemu_validate.c",
            )
        });
    }
}

/// Whether the guest's architecture is one `is` says: from its `arch`, or, without one
/// (libvirt then takes the host's), from a machine type that only x86 has; `None` when the
/// guest says neither, which leaves it to libvirt, which knows its host.
fn guest_arch(os: &Os, is: impl Fn(&Arch) -> bool) -> Option<bool> {
    let kind = os.kind.as_ref();
    match kind.and_then(|t| t.arch.as_ref()) {
        Some(arch) => Some(is(arch)),
        None => kind
            .and_then(|t| t.machine.as_deref())
            .filter(|m| matches!(*m, "pc" | "q35" | "isapc" | "microvm") || m.starts_with("pc-"))
            .map(|_| is(&Arch::X8664)),
    }
}

/// QEMU plugs memory devices into the room `<maxMemory>` leaves above `<memory>`, DIMMs
/// into its slots, and (but on ppc64) asks for NUMA cells to put them on: without cells it
/// would make one silently, so libvirt asks for it to be said.
fn qemu_memory_hotplug(d: &Domain, val: &mut Validator) {
    const SOURCE: &str = "src/qemu/qemu_domain.c";
    let devices = d.device_list();
    let memory_devices = devices.iter().filter(|dev| matches!(dev, Device::Memory(_)));
    let Some(max) = &d.max_memory else {
        if memory_devices.count() > 0 {
            let places = device_places(devices);
            let first = devices.iter().position(|dev| matches!(dev, Device::Memory(_))).expect("counted");
            at_device(val, "memory", places[first], |val| {
                val.report_libvirt(
                    "a memory device on QEMU needs <maxMemory> (Domain::max_memory): it is plugged in above <memory>",
                    SOURCE,
                )
            });
        }
        return;
    };
    let not_ppc64 = d.os.as_deref().and_then(|os| guest_arch(os, |a| !matches!(a, Arch::Ppc64 | Arch::Ppc64le)));
    if guest_numa_cells(d).is_empty() && not_ppc64 == Some(true) {
        val.element("maxMemory", None, |val| {
            val.report_libvirt(
                "memory hotplug (<maxMemory>) on QEMU needs NUMA cells (<cpu><numa>, at least one) to plug memory into",
                SOURCE,
            )
        });
    }
    let dimms = memory_devices
        .filter(|dev| matches!(dev, Device::Memory(m) if matches!(m.model, MemoryModel::Dimm | MemoryModel::Nvdimm)))
        .count();
    let slots = max.slots.as_ref().map_or(0, |s| s.get());
    if dimms > slots as usize {
        val.element("maxMemory", None, |val| {
            val.attribute("slots", |val| {
                let message =
                    format!("{dimms} DIMMs (<memory model='dimm'> or 'nvdimm') need as many slots: {slots} here");
                val.report_libvirt(message, SOURCE)
            })
        });
    }
}

/// What libvirt's parser asks of Hyper-V features it turns on, for every hypervisor:
/// Windows spins on a lock that many times before it tells Hyper-V, and QEMU's `hv-vendor-id`
/// has no default.
fn hyperv_rules(hyperv: &CustomHyperv, val: &mut Validator) {
    const MIN_SPINLOCK_RETRIES: u32 = 4095;
    if let Some(spinlocks) = hyperv.spinlocks.as_deref().filter(|s| s.state == OnOff::On) {
        let retries = spinlocks.retries.as_ref().map(|r| r.get());
        if !retries.is_some_and(|r| r >= MIN_SPINLOCK_RETRIES) {
            let said = retries.map_or_else(|| "none".to_owned(), |r| r.to_string());
            val.element("spinlocks", None, |val| {
                val.report_libvirt(
                    format!(
                        "spinlocks state='on' needs retries='{MIN_SPINLOCK_RETRIES}' or more (here: {said}): \
                         Spinlocks::new(OnOff::On).retries(8191)"
                    ),
                    "src/conf/domain_conf.c",
                )
            });
        }
    }
    if hyperv.vendor_id.as_deref().is_some_and(|v| v.state == OnOff::On && v.value.is_none()) {
        val.element("vendor_id", None, |val| {
            val.report_libvirt("vendor_id state='on' needs a value (up to 12 characters)", "src/conf/domain_conf.c")
        });
    }
}

fn cpu_rules(cpu: &Cpu, val: &mut Validator) {
    if let Some(numa) = &cpu.numa {
        val.element("numa", None, |val| numa_cells(numa, val));
    }
    if let Some(addr) = &cpu.maxphysaddr {
        val.element("maxphysaddr", None, |val| {
            if addr.limit.is_some() && addr.mode != MaxphysaddrMode::Passthrough {
                val.attribute("limit", |val| {
                    val.report_libvirt("a limit is only for mode='passthrough'", "src/conf/cpu_conf.c")
                });
            }
            if addr.bits.is_some() && addr.mode == MaxphysaddrMode::Passthrough {
                val.attribute("bits", |val| {
                    val.report_libvirt(
                        "bits are for mode='emulate'; mode='passthrough' takes the host's (cap them with limit)",
                        "src/qemu/qemu_validate.c",
                    )
                });
            }
        });
    }
    let custom = matches!(cpu.mode, None | Some(CpuMode::Custom));
    if custom && cpu.model.is_none() && !cpu.features.is_empty() {
        val.report_libvirt("CPU features need a <model> (Cpu::custom(\"..\"))", "src/conf/cpu_conf.c");
    }
    if matches!(cpu.mode, Some(CpuMode::HostPassthrough | CpuMode::Maximum)) && cpu.model.is_some() {
        val.element("model", None, |val| {
            val.report_libvirt(
                "libvirt ignores the model of a host-passthrough or maximum CPU and drops it from the definition",
                "src/conf/cpu_conf.c",
            )
        });
    }
}

/// libvirt numbers a guest's NUMA cells 0 to n-1 and refers to them by those numbers
/// (`virDomainNumaDefParseXML` and `virDomainNumaDefValidate`). A distance to a cell that
/// does not exist is worth refusing here above all: libvirt 9.0.0 (Debian 12's) refuses it
/// with a write outside its own memory (valgrind: `virDomainDefParseNode`).
fn numa_cells(numa: &CpuNuma, val: &mut Validator) {
    const SOURCE: &str = "src/conf/numa_conf.c";
    let cells = &numa.cells;
    let n = cells.len();
    let index = |i: usize| (n > 1).then_some(i + 1);
    // A cell without an id is numbered by its place.
    let ids: Vec<u32> = cells.iter().enumerate().map(|(i, c)| c.id.as_ref().map_or(i as u32, |id| id.get())).collect();
    let (mut seen, mut claims) = (vec![false; n], Claims::default());
    for (i, cell) in cells.iter().enumerate() {
        let id = ids[i];
        val.element("cell", index(i), |val| {
            if id as usize >= n {
                val.attribute("id", |val| {
                    val.report_libvirt(
                        format!("cell {id} of {n}: cells are numbered from 0, one each, with no gaps"),
                        SOURCE,
                    )
                });
            } else if std::mem::replace(&mut seen[id as usize], true) {
                val.attribute("id", |val| val.report_libvirt(format!("a second cell {id}"), SOURCE));
            }
            if let Some(other) = cell.cpus.as_ref().and_then(|cpus| claims.claim(cpus, i)).map(|j| ids[j]) {
                val.attribute("cpus", |val| {
                    val.report_libvirt(format!("cells {other} and {id} have vCPUs in common"), SOURCE)
                });
            }
            let Some(distances) = &cell.distances else { return };
            val.element("distances", None, |val| {
                let siblings = &distances.siblings;
                for (j, sibling) in siblings.iter().enumerate() {
                    let (to, value) = (sibling.id.get(), sibling.value.get());
                    val.element("sibling", (siblings.len() > 1).then_some(j + 1), |val| {
                        if to as usize >= n {
                            val.attribute("id", |val| {
                                val.report_libvirt(
                                    format!("NUMA cell {to} does not exist (the guest has {n} NUMA cells)"),
                                    SOURCE,
                                )
                            });
                        } else if (to == id) != (value == 10) {
                            let expected = match to == id {
                                true => "a cell's distance to itself is 10",
                                false => "10 is a cell's distance to itself; to another cell, more than 10",
                            };
                            val.attribute("value", |val| {
                                val.report_libvirt(format!("{value} from cell {id} to cell {to}: {expected}"), SOURCE)
                            });
                        }
                    });
                }
            });
        });
    }
    let Some(interconnects) = &numa.interconnects else { return };
    let links = interconnects.latencies.iter().map(|l| ("latency", l.initiator.get(), l.target.get()));
    let links: Vec<_> = links
        .chain(interconnects.bandwidths.iter().map(|b| ("bandwidth", b.initiator.get(), b.target.get())))
        .collect();
    let places = crate::validate::places(links.iter().map(|l| l.0));
    val.element("interconnects", None, |val| {
        for (&(name, initiator, target), index) in links.iter().zip(places) {
            val.element(name, index, |val| {
                for (attr, cell) in [("initiator", initiator), ("target", target)] {
                    if cell as usize >= n {
                        val.attribute(attr, |val| {
                            val.report_libvirt(
                                format!("NUMA cell {cell} does not exist (the guest has {n} NUMA cells)"),
                                SOURCE,
                            )
                        });
                    }
                }
            });
        }
    });
}

fn hugepage_nodesets(backing: &MemoryBacking, cells: usize, val: &mut Validator) {
    let Some(hugepages) = &backing.hugepages else { return };
    let pages = &hugepages.pages;
    let (mut seen_default, mut claims) = (false, Claims::default());
    val.element("hugepages", None, |val| {
        for (i, page) in pages.iter().enumerate() {
            let index = (pages.len() > 1).then_some(i + 1);
            val.element("page", index, |val| {
                let Some(nodes) = &page.nodeset else {
                    if std::mem::replace(&mut seen_default, true) {
                        val.report_libvirt(
                            "a second page size without nodeset: only one size can be the default",
                            "src/conf/domain_validate.c",
                        );
                    }
                    return;
                };
                // Without NUMA cells, libvirt takes `nodeset='0'` as the whole guest.
                let missing = nodes.first_from(u32::try_from(cells.max(1)).unwrap_or(u32::MAX));
                if let Some(node) = missing {
                    val.attribute("nodeset", |val| {
                        val.report_libvirt(
                            format!("guest NUMA node {node} does not exist (the guest has {cells} NUMA cells)"),
                            "src/conf/domain_validate.c",
                        )
                    });
                }
                if let Some(j) = claims.claim(nodes, i) {
                    val.attribute("nodeset", |val| {
                        val.report_libvirt(
                            format!("it shares guest NUMA nodes with page[{}]", j + 1),
                            "src/conf/domain_validate.c",
                        )
                    });
                }
            });
        }
    });
}

/// Sets of CPUs or NUMA nodes, each claimed by an owner (a cell, a page size) in document
/// order, to find a set that shares one with an earlier owner: no pair of owners is
/// compared, so the time grows with the sets' text (n log n), however many owners a guest has.
#[derive(Default)]
struct Claims(BTreeMap<u32, (u32, usize)>);

impl Claims {
    /// The owner that already holds a member of `set`, if any; else `set` is claimed for
    /// `owner`. (A set that shares is not claimed: the ranges held never overlap.)
    fn claim(&mut self, set: &CpuSet, owner: usize) -> Option<usize> {
        let ranges = set.ranges();
        for &(first, last) in &ranges {
            // The held range that starts last at or before `last` is the only one that can
            // reach `first`: held ranges are disjoint.
            if let Some((_, &(end, by))) = self.0.range(..=last).next_back() {
                if end >= first {
                    return Some(by);
                }
            }
        }
        for (first, last) in ranges {
            self.0.insert(first, (last, owner));
        }
        None
    }
}
