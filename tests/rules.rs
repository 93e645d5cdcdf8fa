//! What `validate()` refuses before libvirt sees a guest, and whose rule it is: the schema's
//! (`check` and xmllint agree) or libvirt's own (named with the file of libvirt's sources).
//! Each rule fails here when its check is removed; each example of `examples/` passes them.

mod support;

use libvirt_xml::model::check::Checker;
use libvirt_xml::model::generated::basictypes::Arch;
use libvirt_xml::model::generated::cputypes::{AccessReadWrite, Distances, Latency, NumaDistance, NumaInterconnects};
use libvirt_xml::model::generated::domaincommon::{Loader, LoaderType};
use libvirt_xml::model::{Problem, Rule};
use libvirt_xml::prelude::*;

fn guest() -> Domain {
    Domain::new(DomainType::Kvm, "rules").memory(ScaledInteger::gib(2)).vcpu(2).os(Os::hvm())
}

/// The problems of a guest the schema accepts (xmllint agrees): libvirt's rules only.
fn libvirt_problems(guest: &Domain) -> Vec<Problem> {
    let xml = guest.to_xml();
    support::xmllint(&xml, "domain.rng").unwrap_or_else(|e| panic!("the schema should accept it: {e}\n{xml}"));
    let problems = guest.validate().expect_err("libvirt refuses it");
    assert!(problems.iter().all(|p| matches!(p.rule, Rule::Libvirt(_))), "{problems:#?}");
    problems
}

fn paths(problems: &[Problem]) -> Vec<&str> {
    problems.iter().map(|p| p.path.as_str()).collect()
}

#[test]
fn virtiofs_without_shared_memory() {
    let share = || Filesystem::virtiofs("/srv/share", "myfs");
    let problems = libvirt_problems(&guest().device(share()));
    assert_eq!(paths(&problems), ["/domain/devices/filesystem"]);
    let text = problems[0].to_string();
    assert!(text.contains("shared guest memory") && text.contains("src/qemu/qemu_validate.c"), "{text}");
    // The second of two shares is named by its place.
    let two = guest().device(Filesystem::virtiofs("/a", "a")).device(share());
    assert_eq!(paths(&libvirt_problems(&two)), ["/domain/devices/filesystem[1]", "/domain/devices/filesystem[2]"]);
    // Shared memory, globally or on every NUMA cell, is what it needs.
    assert_eq!(guest().memory_backing(MemoryBacking::shared()).device(share()).validate(), Ok(()));
    let cells = CpuNuma::new()
        .cell(NumaCell::of(0, 0, ScaledInteger::gib(1)).mem_access(MemoryAccessMode::Shared))
        .cell(NumaCell::of(1, 1, ScaledInteger::gib(1)).mem_access(MemoryAccessMode::Shared));
    assert_eq!(guest().cpu(Cpu::host_model().numa(cells.clone())).device(share()).validate(), Ok(()));
    // One private cell is enough to refuse it, even with shared access elsewhere.
    let mut private = cells;
    private.cells[1].mem_access = Some(MemoryAccessMode::Private);
    let g = guest().cpu(Cpu::host_model().numa(private)).memory_backing(MemoryBacking::shared()).device(share());
    assert_eq!(paths(&libvirt_problems(&g)), ["/domain/devices/filesystem"]);
}

#[test]
fn uefi_on_x86_needs_acpi() {
    let q35 = || guest().os(Os::uefi().machine("q35"));
    let problems = libvirt_problems(&q35());
    assert_eq!(paths(&problems), ["/domain/os"]);
    let text = problems[0].to_string();
    assert!(text.contains("needs ACPI") && text.contains("src/qemu/qemu_validate.c"), "{text}");
    assert_eq!(q35().features(Features::new().acpi(true)).validate(), Ok(()));
    // x86 by its architecture too, and UEFI by a pflash loader written by hand.
    let x86 = guest().os(Os::uefi().arch(Arch::X8664));
    assert_eq!(paths(&libvirt_problems(&x86)), ["/domain/os"]);
    let mut loader = guest().os(Os::hvm().machine("pc-i440fx-7.2"));
    let os = loader.os.as_mut().unwrap();
    os.set_loader(Loader::new().kind(LoaderType::Pflash).value("/usr/share/OVMF/OVMF_CODE_4M.fd"));
    assert_eq!(paths(&libvirt_problems(&loader)), ["/domain/os"]);
    // Not x86, or not known to be (libvirt takes the host's architecture): left to libvirt.
    assert_eq!(guest().os(Os::uefi().arch(Arch::Aarch64).machine("virt")).validate(), Ok(()));
    assert_eq!(guest().os(Os::uefi()).validate(), Ok(()));
}

#[test]
fn maxphysaddr_limit_and_bits_by_mode() {
    let limit = guest().cpu(Cpu::host_model().maxphysaddr(CpuMaxPhysAddr::emulate(42).limit(41)));
    assert_eq!(paths(&libvirt_problems(&limit)), ["/domain/cpu/maxphysaddr/@limit"]);
    let bits = guest().cpu(Cpu::host_model().maxphysaddr(CpuMaxPhysAddr::passthrough().bits(42)));
    assert_eq!(paths(&libvirt_problems(&bits)), ["/domain/cpu/maxphysaddr/@bits"]);
    for ok in [CpuMaxPhysAddr::passthrough().limit(41), CpuMaxPhysAddr::emulate(42), CpuMaxPhysAddr::passthrough()] {
        assert_eq!(guest().cpu(Cpu::host_model().maxphysaddr(ok)).validate(), Ok(()));
    }
}

#[test]
fn cpu_features_without_a_model_and_models_libvirt_drops() {
    let features = guest().cpu(Cpu::new().feature(CpuFeature::require("vmx")));
    assert_eq!(paths(&libvirt_problems(&features)), ["/domain/cpu"]);
    let dropped = guest().cpu(Cpu::host_passthrough().model(CpuModel::new().value("Haswell")));
    let problems = libvirt_problems(&dropped);
    assert_eq!(paths(&problems), ["/domain/cpu/model"]);
    assert!(problems[0].message.contains("drops it"), "{}", problems[0]);
    assert_eq!(guest().cpu(Cpu::custom("Haswell").feature(CpuFeature::require("vmx"))).validate(), Ok(()));
}

#[test]
fn hugepage_nodesets_name_guest_numa_cells() {
    let numa = || {
        CpuNuma::new().cell(NumaCell::of(0, 0, ScaledInteger::gib(1))).cell(NumaCell::of(1, 1, ScaledInteger::gib(1)))
    };
    let with = |pages: Vec<Page>| {
        guest()
            .cpu(Cpu::host_model().numa(numa()))
            .memory_backing(MemoryBacking::new().hugepages(Hugepages::new().pages(pages)))
    };
    // Node 2 is not a cell of this guest.
    let missing = with(vec![Page::mib(2).nodeset(0..=2)]);
    let problems = libvirt_problems(&missing);
    assert_eq!(paths(&problems), ["/domain/memoryBacking/hugepages/page/@nodeset"]);
    assert!(problems[0].message.contains("node 2"), "{}", problems[0]);
    // Two sizes for node 1.
    let overlap = with(vec![Page::mib(2).nodeset(0..=1), Page::gib(1).nodeset(1)]);
    assert_eq!(paths(&libvirt_problems(&overlap)), ["/domain/memoryBacking/hugepages/page[2]/@nodeset"]);
    // Two default sizes.
    let defaults = with(vec![Page::mib(2), Page::gib(1)]);
    assert_eq!(paths(&libvirt_problems(&defaults)), ["/domain/memoryBacking/hugepages/page[2]"]);
    // Without NUMA cells, nodeset 0 is the whole guest; nodeset 1 is not there.
    assert_eq!(guest().memory_backing(MemoryBacking::new().hugepages(Page::mib(2).nodeset(0))).validate(), Ok(()));
    let no_numa = guest().memory_backing(MemoryBacking::new().hugepages(Page::mib(2).nodeset(1)));
    assert_eq!(paths(&libvirt_problems(&no_numa)), ["/domain/memoryBacking/hugepages/page/@nodeset"]);
    assert_eq!(with(vec![Page::mib(2).nodeset(0), Page::gib(1).nodeset(1)]).validate(), Ok(()));
}

fn numa_guest(numa: CpuNuma) -> Domain {
    guest().cpu(Cpu::host_model().numa(numa))
}

/// Cell `id` with vCPU set `cpus` and distances to the given cells.
fn cell(id: u32, cpus: impl Into<CpuSet>, distances: &[(u32, u8)]) -> NumaCell {
    let cell = NumaCell::of(id, cpus, ScaledInteger::gib(1));
    match distances {
        [] => cell,
        _ => {
            cell.distances(Distances::new().siblings(distances.iter().map(|&(to, value)| NumaDistance::new(to, value))))
        }
    }
}

#[test]
fn numa_cells_are_numbered_from_0_and_distances_name_them() {
    let two = |d0: &[(u32, u8)], d1: &[(u32, u8)]| numa_guest(CpuNuma::new().cell(cell(0, 0, d0)).cell(cell(1, 1, d1)));
    assert_eq!(two(&[(0, 10), (1, 21)], &[(0, 21), (1, 10)]).validate(), Ok(()));
    // A distance to cell 2 of two: libvirt 9.0.0 refuses it writing outside its memory.
    let problems = libvirt_problems(&two(&[(0, 10), (2, 21)], &[(1, 10)]));
    assert_eq!(paths(&problems), ["/domain/cpu/numa/cell[1]/distances/sibling[2]/@id"]);
    assert!(problems[0].message.contains("cell 2 does not exist"), "{}", problems[0]);
    assert!(problems[0].to_string().contains("src/conf/numa_conf.c"), "{}", problems[0]);
    // 10 is the distance of a cell to itself, and only that.
    let near = two(&[(0, 10), (1, 10)], &[]);
    assert_eq!(paths(&libvirt_problems(&near)), ["/domain/cpu/numa/cell[1]/distances/sibling[2]/@value"]);
    let far = two(&[(0, 20)], &[]);
    assert_eq!(paths(&libvirt_problems(&far)), ["/domain/cpu/numa/cell[1]/distances/sibling/@value"]);
    // Cells 0 and 2, or 0 twice, are not cells 0 and 1; nor may two cells share a vCPU.
    let gap = numa_guest(CpuNuma::new().cell(cell(0, 0, &[])).cell(cell(2, 1, &[])));
    assert_eq!(paths(&libvirt_problems(&gap)), ["/domain/cpu/numa/cell[2]/@id"]);
    let twice = numa_guest(CpuNuma::new().cell(cell(0, 0, &[])).cell(cell(0, 1, &[])));
    assert_eq!(paths(&libvirt_problems(&twice)), ["/domain/cpu/numa/cell[2]/@id"]);
    let shared = numa_guest(CpuNuma::new().cell(cell(0, 0..=1, &[])).cell(cell(1, 1..=2, &[])));
    let problems = libvirt_problems(&shared);
    assert_eq!(paths(&problems), ["/domain/cpu/numa/cell[2]/@cpus"]);
    assert!(problems[0].message.contains("cells 0 and 1"), "{}", problems[0]);
    // Cells without ids are numbered by their place.
    let unnumbered = |cpu: u32| NumaCell::new(1u64).unit(Unit::gib()).cpus(cpu);
    assert_eq!(numa_guest(CpuNuma::new().cell(unnumbered(0)).cell(unnumbered(1))).validate(), Ok(()));
}

#[test]
fn sets_of_billions_of_cpus_are_checked_without_listing_them() {
    // validate() once listed every CPU of a `cpus` or `nodeset`: this took gigabytes.
    let all = numa_guest(CpuNuma::new().cell(cell(0, 0..=u32::MAX, &[])).cell(cell(1, 7, &[])));
    assert_eq!(paths(&libvirt_problems(&all)), ["/domain/cpu/numa/cell[2]/@cpus"]);
    let pages = guest().memory_backing(MemoryBacking::new().hugepages(Page::mib(2).nodeset(0..=u32::MAX)));
    let problems = libvirt_problems(&pages);
    assert_eq!(paths(&problems), ["/domain/memoryBacking/hugepages/page/@nodeset"]);
    assert!(problems[0].message.contains("node 1 "), "{}", problems[0]);
}

#[test]
fn numa_interconnects_name_cells_that_exist() {
    let with = |links: [(u32, u32); 2]| {
        let latencies = links.map(|(from, to)| Latency::new(from, to, AccessReadWrite::Access, 5u32));
        let cells = CpuNuma::new().cell(cell(0, 0, &[])).cell(cell(1, 1, &[]));
        numa_guest(cells.interconnects(NumaInterconnects::new().latencies(latencies)))
    };
    assert_eq!(with([(0, 0), (0, 1)]).validate(), Ok(()));
    let problems = libvirt_problems(&with([(0, 1), (2, 3)]));
    assert_eq!(
        paths(&problems),
        ["/domain/cpu/numa/interconnects/latency[2]/@initiator", "/domain/cpu/numa/interconnects/latency[2]/@target"]
    );
}

#[test]
fn a_pci_slot_above_0x1f_is_the_schemas_rule() {
    let bad = guest().device(Hostdev::pci(HostPciAddress::at(0x0000, 0x06, 0x20, 0x0)).managed(true));
    let problems = bad.validate().expect_err("slot 0x20");
    assert_eq!(paths(&problems), ["/domain/devices/hostdev/source/address/@slot"]);
    assert_eq!(problems[0].rule, Rule::Schema);
    assert!(problems[0].message.contains("at most 31"), "{}", problems[0]);
    // The schema says the same, by its digit pattern.
    let xml = bad.to_xml();
    assert!(support::xmllint(&xml, "domain.rng").is_err());
    assert!(!Checker::new().check_str(&xml).is_valid());
    let function = guest().device(Hostdev::pci(HostPciAddress::at(0, 6, 0x1f, 8)));
    assert_eq!(paths(&function.validate().unwrap_err()), ["/domain/devices/hostdev/source/address/@function"]);
}

#[cfg(feature = "virt")]
#[test]
fn huge_page_sizes_the_host_does_not_offer() {
    use libvirt_xml::virt::{Connection, TEST_URI};
    let conn = Connection::open(TEST_URI).unwrap();
    let offered = conn.capabilities().unwrap().host.cpu.pages;
    // The test driver's host offers 2 MiB and 1 GiB pages.
    let kib: Vec<u32> = offered.iter().map(|p| p.size.get()).collect();
    assert!(kib.contains(&2048), "{kib:?}");
    let ok = guest().memory_backing(MemoryBacking::new().hugepages(Page::mib(2)));
    assert_eq!(conn.check_host(&ok).unwrap(), []);
    let odd =
        guest().memory_backing(MemoryBacking::new().hugepages([Page::mib(2).nodeset(0), Page::mib(16).nodeset(1)]));
    let problems = conn.check_host(&odd).unwrap();
    assert_eq!(paths(&problems), ["/domain/memoryBacking/hugepages/page[2]"]);
    assert!(problems[0].to_string().contains("no huge pages of 16384 KiB"), "{}", problems[0]);
}

#[test]
fn a_guest_read_from_a_file_is_held_to_the_same_rules() {
    // recipes.rs checks each example's validate(); a definition read back from its XML is
    // checked the same way, and a change that breaks a rule is caught.
    let mut virtiofs = Domain::from_xml(
        &guest().memory_backing(MemoryBacking::shared()).device(Filesystem::virtiofs("/s", "t")).to_xml(),
    )
    .unwrap();
    assert_eq!(virtiofs.validate(), Ok(()));
    virtiofs.memory_backing = None;
    assert!(virtiofs.validate().is_err());
}

/// A problem placed in `text` points at what the last step of its path names: the attribute,
/// or an element's `<` (the element itself, or the nearest one there when it is absent).
fn assert_placed(text: &str, p: &Problem) {
    assert!(p.line > 0 && p.column > 0, "unplaced: {p}");
    let line = text.lines().nth(p.line as usize - 1).unwrap_or_else(|| panic!("no line {}: {p}", p.line));
    let at: String = line.chars().skip(p.column as usize - 1).collect();
    match p.path.rsplit('/').next().and_then(|s| s.strip_prefix('@')) {
        Some(attribute) if !at.starts_with('<') => assert!(at.starts_with(&format!("{attribute}=")), "{p}: at {at}"),
        _ => assert!(at.starts_with('<'), "{p}: at {at}"),
    }
}

#[test]
fn what_libvirt_wrote_itself_breaks_none_of_its_rules() {
    // libvirt formats only what it accepted: a rule here that fires on one of those is wrong.
    // The inputs of libvirt's error tests are caught (ten of them, named below), one
    // document libvirt's VMX converter wrote without validating it (two disks on `sda`), and
    // one schema test with no memory; libvirt's define refuses both.
    let dir = support::corpus_dir();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let (mut formatted, mut caught) = (0, Vec::new());
    let mut checker = Checker::new().with_rules(true);
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[0] != "domain" || cols[3] != "valid" {
            continue;
        }
        let text = std::fs::read_to_string(dir.join(cols[1])).unwrap();
        let guest = Domain::from_xml(&text).unwrap_or_else(|e| panic!("{}: {e}", cols[1]));
        let problems = guest.validate().err().unwrap_or_default();
        // `check --rules` finds the same, each placed at what its path names.
        let report = checker.check_str(&text);
        let rules: Vec<(&str, &str)> = report.rules.iter().map(|p| (p.path.as_str(), p.message.as_str())).collect();
        let libvirt: Vec<(&str, &str)> =
            problems.iter().filter(|p| p.rule != Rule::Schema).map(|p| (p.path.as_str(), p.message.as_str())).collect();
        assert_eq!(rules, libvirt, "{}", cols[1]);
        for p in &report.rules {
            assert_placed(&text, p);
        }
        if support::libvirt_formatted(cols[1]) {
            formatted += 1;
            assert_eq!(problems, [], "{}", cols[1]);
        } else if !problems.is_empty() {
            caught.push(cols[1].rsplit('/').next().unwrap().to_owned());
        }
    }
    support::assert_covered("libvirt-formatted domain documents", formatted, 800);
    caught.sort();
    eprintln!("documents not libvirt-formatted that break a rule: {caught:?}");
    if !support::is_shared_corpus() {
        return;
    }
    assert_eq!(
        caught,
        [
            // DO_TEST_PARSE_ERROR in bhyvexml2argvtest.c: two disks on `hda`.
            "bhyvexml2argv-bhyveload-bootorder5.xml",
            "cpu-numa-distance-nonexistent-sibling.xml",
            "cpu-numa3.xml",
            "cpu-phys-bits-passthrough2.xml",
            "disk-same-targets.xml",
            // A schema test: <memory> of 0 KiB and no NUMA cells; libvirt's define refuses it.
            "domain-openvz-simple.xml",
            "esx-in-the-wild-12.xml",
            "hugepages-nodeset-nonexist.xml",
            "hugepages-numa-nodeset-nonexist.xml",
            // A DIMM for NUMA node 1 of a guest with cell 0 only: libvirt's define refuses it.
            "memory-hotplug-invalid-targetnode.xml",
            // A QEMU guest with <maxMemory> and no NUMA cells: a parse-error test of libvirt's.
            "memory-hotplug-nonuma.xml",
            // A parse-error test of libvirt's: a guest named with a '/'.
            "name-slash-fail.xml"
        ]
    );
}

#[test]
fn hyperv_spinlocks_need_retries_and_a_vendor_id_its_value() {
    use libvirt_xml::model::generated::domaincommon::{CustomHyperv, Hyperv, Spinlocks, VendorId};
    let with = |hyperv: CustomHyperv| guest().features(Features::new().hyperv(hyperv));
    let few = libvirt_problems(&with(CustomHyperv::new().spinlocks(Spinlocks::new(OnOff::On).retries(100))));
    assert_eq!(paths(&few), ["/domain/features/hyperv/spinlocks"]);
    let text = few[0].to_string();
    assert!(text.contains("4095") && text.contains("(here: 100)") && text.contains("src/conf/domain_conf.c"), "{text}");
    let none = libvirt_problems(&with(CustomHyperv::new().spinlocks(Spinlocks::new(OnOff::On))));
    assert!(none[0].message.contains("(here: none)"), "{}", none[0]);
    let vendor = libvirt_problems(&with(CustomHyperv::new().vendor_id(VendorId::new(OnOff::On))));
    assert_eq!(paths(&vendor), ["/domain/features/hyperv/vendor_id"]);
    // Turned off, neither needs anything; at the least, or with a value, they are fine.
    let fine = [
        CustomHyperv::new().spinlocks(Spinlocks::new(OnOff::Off)).vendor_id(VendorId::new(OnOff::Off)),
        CustomHyperv::new().spinlocks(Spinlocks::new(OnOff::On).retries(4095)),
        CustomHyperv::new().vendor_id(VendorId::new(OnOff::On).value("KVMKVMKVM")),
    ];
    for hyperv in fine {
        assert_eq!(with(hyperv).validate(), Ok(()));
    }
    // The shortcut for Windows breaks none of them, and the schema takes it with its clock.
    let windows = guest().features(Features::new().acpi(true).hyperv(Hyperv::windows())).clock(Clock::windows());
    assert_eq!(windows.validate(), Ok(()));
    support::xmllint(&windows.to_xml(), "domain.rng").unwrap();
}

#[test]
fn a_timer_takes_a_tick_policy_whichever_kind_it_is() {
    use libvirt_xml::model::generated::domaincommon::{Timer, TimerTickpolicy};
    for timer in [Timer::rtc(), Timer::platform(), Timer::pit(), Timer::hpet(), Timer::armvtimer(), Timer::tsc()] {
        let timer = timer.tickpolicy(TimerTickpolicy::Merge);
        let xml = guest().clock(Clock::utc().timer(timer)).to_xml();
        assert!(xml.contains("tickpolicy='merge'"), "{xml}");
    }
    let kvmclock = std::panic::catch_unwind(|| Timer::kvmclock().tickpolicy(TimerTickpolicy::Merge));
    let message = *kvmclock.unwrap_err().downcast::<&str>().unwrap();
    assert_eq!(message, "<timer name='kvmclock'> has no tickpolicy");
}

#[test]
fn two_disks_never_share_a_target() {
    let disk = |file: &str, dev: &str| Disk::file(file, dev, TargetBus::Virtio);
    let twice = guest().device(disk("/a.img", "vda")).device(disk("/b.img", "vdb")).device(disk("/c.img", "vda"));
    let problems = libvirt_problems(&twice);
    assert_eq!(paths(&problems), ["/domain/devices/disk[3]/target/@dev"]);
    let text = problems[0].to_string();
    assert!(text.contains("'vda' is already the target of disk[1]") && text.contains("domain_validate.c"), "{text}");
    // A CD-ROM drive is a disk too; each disk after the first with the target is named.
    let cdroms = guest().device(Disk::cdrom("hdc", TargetBus::Ide)).device(Disk::cdrom("hdc", TargetBus::Ide));
    assert_eq!(paths(&libvirt_problems(&cdroms)), ["/domain/devices/disk[2]/target/@dev"]);
    let three = guest().device(disk("/a.img", "vda")).device(disk("/b.img", "vda")).device(disk("/c.img", "vda"));
    assert_eq!(
        paths(&libvirt_problems(&three)),
        ["/domain/devices/disk[2]/target/@dev", "/domain/devices/disk[3]/target/@dev"]
    );
    assert_eq!(guest().device(disk("/a.img", "vda")).device(disk("/b.img", "vdb")).validate(), Ok(()));
}

/// `<memory>` holds the memory devices and the memory the guest boots with; `<maxMemory>`
/// bounds it, and a `<currentMemory>` above it is lowered. libvirt's own parser agrees
/// (tests/virt_test_driver.rs sends the same guests unchecked).
#[test]
fn memory_devices_fit_in_memory_and_max_memory_bounds_it() {
    use libvirt_xml::model::generated::domaincommon::{MaxMemory, MemoryDevice, MemoryDeviceTarget, MemoryModel};
    let dimm = |size| MemoryDevice::new(MemoryModel::Dimm, MemoryDeviceTarget::new(size));
    let with_max = guest().max_memory(MaxMemory::new(ScaledInteger::gib(8)).slots(4));
    assert_eq!(with_max.clone().device(dimm(ScaledInteger::mib(1024))).validate(), Ok(()));

    let over = libvirt_problems(&with_max.clone().device(dimm(ScaledInteger::gib(4))));
    assert_eq!(paths(&over), ["/domain/memory"]);
    assert!(over[0].message.contains("4194304 KiB, more than the guest's 2097152 KiB"), "{}", over[0]);
    assert!(over[0].to_string().contains("src/conf/domain_postparse.c"), "{}", over[0]);
    let all = libvirt_problems(&with_max.clone().device(dimm(ScaledInteger::gib(2))));
    assert_eq!(paths(&all), ["/domain"]);
    let mut none = guest();
    none.memory = None;
    assert_eq!(paths(&libvirt_problems(&none)), ["/domain"]);

    let below = guest().max_memory(MaxMemory::new(ScaledInteger::gib(1)).slots(4));
    assert_eq!(paths(&libvirt_problems(&below)), ["/domain/maxMemory"]);
    let above = guest().current_memory(ScaledInteger::gib(8));
    assert_eq!(paths(&libvirt_problems(&above)), ["/domain/currentMemory"]);
    // Units do not matter: 2 GiB is 2048 MiB.
    assert_eq!(guest().current_memory(ScaledInteger::mib(2048)).validate(), Ok(()));

    // A DIMM for a NUMA node needs the guest to have that cell.
    let on_node = |n| dimm(ScaledInteger::mib(512)).target(MemoryDeviceTarget::new(ScaledInteger::mib(512)).node(n));
    let no_cells = libvirt_problems(&with_max.clone().device(on_node(0)));
    assert_eq!(paths(&no_cells), ["/domain/devices/memory/target/node"]);
    assert!(no_cells[0].message.contains("the guest has none"), "{}", no_cells[0]);
    let cell = |id| NumaCell::of(id, id..=id, ScaledInteger::gib(1));
    let two_cells = with_max.clone().cpu(Cpu::host_model().numa(CpuNuma::new().cell(cell(0)).cell(cell(1))));
    assert_eq!(two_cells.clone().device(on_node(1)).validate(), Ok(()));
    let third = libvirt_problems(&two_cells.clone().device(on_node(0)).device(on_node(2)));
    assert_eq!(paths(&third), ["/domain/devices/memory[2]/target/node"]);
    assert!(third[0].message.contains("2 NUMA cells, 0 to 1"), "{}", third[0]);

    // With NUMA cells the QEMU driver makes their memory and the memory devices the guest's
    // <memory> when it defines the guest, whatever <memory> said (tests/virt_qemu.rs shows
    // it): <currentMemory> and <memory> have no rule then, and <maxMemory> bounds that sum.
    let numa = guest()
        .cpu(Cpu::host_model().numa(CpuNuma::new().cell(NumaCell::of(0, 0..=1, ScaledInteger::gib(2)))))
        .current_memory(ScaledInteger::gib(8));
    assert_eq!(numa.validate(), Ok(()));
    let cells = Cpu::host_model().numa(CpuNuma::new().cell(cell(0)).cell(cell(1)));
    let bounded =
        |max| guest().memory(ScaledInteger::gib(1)).cpu(cells.clone()).max_memory(MaxMemory::new(max).slots(4));
    assert_eq!(bounded(ScaledInteger::gib(3)).device(dimm(ScaledInteger::gib(1))).validate(), Ok(()));
    let short = libvirt_problems(&bounded(ScaledInteger::gib(3)).device(dimm(ScaledInteger::mib(1025))));
    assert_eq!(paths(&short), ["/domain/maxMemory"]);
    assert!(short[0].message.contains("(3146752 KiB)"), "{}", short[0]);
    assert_eq!(paths(&libvirt_problems(&bounded(ScaledInteger::mib(2047)))), ["/domain/maxMemory"]);
}

/// libvirt's rules for single devices (domain_validate.c), each refused by libvirt too
/// (tests/virt_test_driver.rs sends the same devices unchecked).
#[test]
fn devices_break_libvirts_own_rules() {
    use libvirt_xml::model::generated::domaincommon::{
        Audio, AudioId, Cid, DeviceBoot, InputBus, MaxMemory, MemoryDevice, MemoryDeviceSource, MemoryDeviceTarget,
        MemoryModel, NoneAudio, Shmem, ShmemName, Sound, SoundModel, VirtioModel, Vsock,
    };
    let shared = || guest().memory_backing(MemoryBacking::shared());
    // Two virtiofs shares with one tag: the guest mounts a share by its tag.
    let twice = shared().device(Filesystem::virtiofs("/a", "tag")).device(Filesystem::virtiofs("/b", "tag"));
    let problems = libvirt_problems(&twice);
    assert_eq!(paths(&problems), ["/domain/devices/filesystem[2]/target/@dir"]);
    assert!(problems[0].message.contains("'tag' is already the target of filesystem[1]"), "{}", problems[0]);
    let two_tags = shared().device(Filesystem::virtiofs("/a", "a")).device(Filesystem::virtiofs("/b", "b"));
    assert_eq!(two_tags.validate(), Ok(()));
    // A boot order on a filesystem other than virtiofs.
    let mut path_fs = Filesystem::virtiofs("/a", "a").boot(DeviceBoot::new(1));
    assert_eq!(shared().device(path_fs.clone()).validate(), Ok(()));
    path_fs.driver = None;
    assert_eq!(paths(&libvirt_problems(&guest().device(path_fs))), ["/domain/devices/filesystem/boot"]);

    let cid = |n| guest().device(Vsock::new().model(VirtioModel::Virtio).cid(Cid::new().address(n)));
    assert_eq!(paths(&libvirt_problems(&cid(2))), ["/domain/devices/vsock/cid/@address"]);
    assert_eq!(cid(3).validate(), Ok(()));

    let input = |i: Input| guest().device(i);
    assert_eq!(paths(&libvirt_problems(&input(Input::tablet().bus(InputBus::Ps2)))), ["/domain/devices/input/@bus"]);
    assert_eq!(input(Input::mouse().bus(InputBus::Ps2)).validate(), Ok(()));
    assert_eq!(paths(&libvirt_problems(&input(Input::keyboard().bus(InputBus::Xen)))), ["/domain/devices/input/@bus"]);
    let virtio_on_usb = input(Input::tablet().bus(InputBus::Usb).model(VirtioModel::Virtio));
    assert_eq!(paths(&libvirt_problems(&virtio_on_usb)), ["/domain/devices/input/@bus"]);
    assert_eq!(input(Input::tablet().bus(InputBus::Virtio).model(VirtioModel::Virtio)).validate(), Ok(()));
    // Not an HVM guest: libvirt has other rules there, left to it.
    let mut xen = input(Input::tablet().bus(InputBus::Ps2));
    xen.os = None;
    assert_eq!(xen.validate(), Ok(()));

    let audio = guest().device(Audio::new(1, NoneAudio::new()));
    let sound = |id| audio.clone().device(Sound::new(SoundModel::Ich9).audio(AudioId::new(id)));
    assert_eq!(sound(1).validate(), Ok(()));
    assert_eq!(paths(&libvirt_problems(&sound(2))), ["/domain/devices/sound/audio/@id"]);
    // SPICE channels and audio without a SPICE display (left after it was swapped for VNC).
    let spice_agent = guest().device(Graphics::spice()).device(Channel::spice_agent());
    assert_eq!(spice_agent.validate(), Ok(()));
    let mut vnc = spice_agent.clone();
    vnc.remove_devices(|d| d.as_graphics().is_some());
    vnc.add_device(Graphics::vnc());
    let left = libvirt_problems(&vnc);
    assert_eq!(paths(&left), ["/domain/devices/channel"]);
    assert!(left[0].to_string().contains("'spicevmc' device talks through a SPICE display"), "{}", left[0]);
    assert!(left[0].to_string().contains("src/qemu/qemu_validate.c"), "{}", left[0]);
    let spice_audio = guest().device(Audio::new(1, libvirt_xml::model::generated::domaincommon::SpiceAudio::new()));
    assert_eq!(paths(&libvirt_problems(&spice_audio)), ["/domain/devices/audio"]);
    // Not a device: libvirt names files after the guest.
    let slash = libvirt_problems(&Domain { name: "web/1".into(), ..guest() });
    assert_eq!(paths(&slash), ["/domain/name"]);
    let shmem = |name: &str| guest().device(Shmem::new(ShmemName(name.to_owned())));
    assert_eq!(paths(&libvirt_problems(&shmem(".."))), ["/domain/devices/shmem/@name"]);
    assert_eq!(shmem("..a").validate(), Ok(()));

    // Memory devices, on a guest that has room for them (QEMU's rules are below).
    let cell = NumaCell::of(0, 0..=1, ScaledInteger::gib(2));
    let hotplug = guest()
        .cpu(Cpu::host_model().numa(CpuNuma::new().cell(cell)))
        .max_memory(MaxMemory::new(ScaledInteger::gib(16)).slots(4));
    let with = |mem: MemoryDevice| hotplug.clone().device(mem);
    let target = || MemoryDeviceTarget::new(ScaledInteger::mib(512));
    let file = || MemoryDeviceSource::new().path("/var/lib/libvirt/pmem");
    let nvdimm = MemoryDevice::new(MemoryModel::Nvdimm, target().node(0));
    assert_eq!(paths(&libvirt_problems(&with(nvdimm.clone()))), ["/domain/devices/memory"]);
    assert_eq!(with(nvdimm.clone().source(file())).validate(), Ok(()));
    let discarding = libvirt_problems(&with(nvdimm.source(file()).discard(YesNo::Yes)));
    assert_eq!(paths(&discarding), ["/domain/devices/memory/@discard"]);
    let pmem = MemoryDevice::new(MemoryModel::VirtioPmem, target()).source(file());
    assert_eq!(paths(&libvirt_problems(&with(pmem.clone()))), ["/domain/devices/memory"]);
    let shared_pmem = pmem.access(MemoryAccessMode::Shared);
    assert_eq!(with(shared_pmem.clone()).validate(), Ok(()));
    let on_node = libvirt_problems(&with(shared_pmem.target(target().node(0))));
    assert_eq!(paths(&on_node), ["/domain/devices/memory/target/node"]);
    let virtio_mem = |block: u64, requested: u64| {
        let target = target().node(0).block(ScaledInteger::kib(block)).requested(ScaledInteger::mib(requested));
        with(MemoryDevice::new(MemoryModel::VirtioMem, target))
    };
    assert_eq!(virtio_mem(2048, 256).validate(), Ok(()));
    assert_eq!(paths(&libvirt_problems(&virtio_mem(3072, 0))), ["/domain/devices/memory/target/block"]);
    let too_much = libvirt_problems(&virtio_mem(2048, 1024));
    assert_eq!(paths(&too_much), ["/domain/devices/memory/target/requested"]);
    assert!(too_much[0].message.contains("1048576 KiB, more than its size (524288 KiB)"), "{}", too_much[0]);
    let partial_block = libvirt_problems(&virtio_mem(4096, 2));
    assert!(partial_block[0].message.contains("not a whole number of its 4096 KiB blocks"), "{}", partial_block[0]);
}

/// QEMU plugs memory devices in above `<memory>`, up to `<maxMemory>`, DIMMs into its slots,
/// on NUMA cells the guest has (tests/virt_qemu.rs shows QEMU's driver refusing the same).
#[test]
fn qemu_needs_room_slots_and_numa_cells_for_memory_devices() {
    use libvirt_xml::model::generated::domaincommon::{MaxMemory, MemoryDevice, MemoryDeviceTarget, MemoryModel};
    let x86 = || guest().os(Os::hvm().arch(Arch::X8664));
    let dimm = || MemoryDevice::new(MemoryModel::Dimm, MemoryDeviceTarget::new(ScaledInteger::mib(512)).node(0));
    let cells = Cpu::host_model().numa(CpuNuma::new().cell(NumaCell::of(0, 0..=1, ScaledInteger::gib(2))));
    let no_max = libvirt_problems(&x86().cpu(cells.clone()).device(dimm()));
    assert_eq!(paths(&no_max), ["/domain/devices/memory"]);
    assert!(no_max[0].to_string().contains("src/qemu/qemu_domain.c"), "{}", no_max[0]);
    let max = |slots| MaxMemory::new(ScaledInteger::gib(8)).slots(slots);
    let no_cells = libvirt_problems(&x86().max_memory(max(2)));
    assert_eq!(paths(&no_cells), ["/domain/maxMemory"]);
    // ppc64 makes a cell itself; a guest of no known architecture is left to libvirt.
    assert_eq!(guest().os(Os::hvm().arch(Arch::Ppc64)).max_memory(max(2)).validate(), Ok(()));
    assert_eq!(guest().max_memory(max(2)).validate(), Ok(()));
    let fits = x86().cpu(cells).max_memory(max(2)).device(dimm()).device(dimm());
    assert_eq!(fits.validate(), Ok(()));
    let one_slot = fits.clone().max_memory(max(1));
    assert_eq!(paths(&libvirt_problems(&one_slot)), ["/domain/maxMemory/@slots"]);
    // Other hypervisors have rules of their own.
    let mut test = fits.clone().max_memory(max(1));
    test.kind = DomainType::Test;
    assert_eq!(test.validate(), Ok(()));
}

/// What a lenient read kept but the types do not know is what libvirt would ignore without a
/// word: a typo in an attribute turns the intended CD-ROM into a disk. `validate()` names
/// each such item, as the schema checker does; comments and namespace declarations are fine.
#[test]
fn unknown_content_kept_by_a_lenient_read_is_a_problem() {
    let typo = "<domain type='kvm' xmlns:acme='http://acme.example/1'><!-- by hand -->\
                <name>t</name><memory unit='GiB'>1</memory><os><type>hvm</type></os>\
                <devices><disk type='file' devcie='cdrom'><target dev='hdc' bus='ide'/><frob/> text </disk>\
                </devices></domain>";
    let guest = Domain::from_xml(typo).expect("kept as unknown content");
    let problems = guest.validate().unwrap_err();
    assert_eq!(
        paths(&problems),
        ["/domain/devices/disk/@devcie", "/domain/devices/disk/frob", "/domain/devices/disk"],
        "{problems:#?}"
    );
    assert_eq!(
        problems[0].to_string(),
        "/domain/devices/disk/@devcie: unknown attribute 'devcie': the schema declares none here, and libvirt \
         ignores it"
    );
    assert!(problems.iter().all(|p| p.rule == Rule::Schema));
    assert!(problems[2].message.contains("unexpected text 'text'"), "{}", problems[2]);
    // The schema checker says the same of the same places.
    let report = Checker::new().check_value(&guest);
    assert!(!report.is_valid());
    let fixed = typo.replace("devcie", "device").replace("<frob/> text ", "");
    assert_eq!(Domain::from_xml(&fixed).unwrap().validate(), Ok(()));
}

#[test]
fn a_value_with_blanks_around_it_is_valid_to_the_schema_and_refused_by_libvirt() {
    // xmllint collapses a token's blanks (`bus='virtio '` is valid); libvirt compares the value
    // as written ("Invalid value for attribute 'bus' in element 'target': 'virtio '"), as the
    // typed model does. `--rules` says so rather than call it a bug of the model.
    let text = guest().to_xml().replace(
        "</domain>",
        "  <devices>\n    <disk type='file' device='disk'>\n      <source file='/a.qcow2'/>\n      \
         <target dev='vda' bus='virtio '/>\n    </disk>\n  </devices>\n</domain>",
    );
    let report = Checker::new().with_rules(true).check_str(&text);
    assert_eq!(report.problems, [], "the schema allows it:\n{text}");
    assert_eq!(report.rules.len(), 1, "{:?}", report.rules);
    let rule = &report.rules[0];
    assert_eq!(rule.path, "/domain/devices/disk/target/@bus");
    assert_eq!(rule.rule, Rule::Libvirt("src/conf/domain_conf.c"));
    assert!(rule.message.contains("'virtio '") && rule.message.contains("with no blanks around it"), "{rule}");
    assert!(!report.is_valid());
    let at = text.lines().position(|l| l.contains("bus='virtio '")).unwrap() as u32 + 1;
    assert_eq!(rule.line, at);
}
