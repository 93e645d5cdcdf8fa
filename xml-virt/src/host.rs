//! The host: libvirt's typed capabilities and domain capabilities, what `kvm-ok` checks, and
//! the huge page pools the kernel keeps per page size and NUMA node.

use std::fs;
use std::path::{Path, PathBuf};

use xml_model::generated::domaincommon::Domain;
use xml_model::generated::{capability::Capabilities, domaincaps::DomainCapabilities};
use xml_model::validate::Validator;
use xml_model::{Problem, XmlDocument};

use crate::{Connection, Error, Result};

/// What [`Connection::domain_capabilities`] asks about; every field left `None` lets libvirt
/// pick its default (the host's architecture, the best virtualisation type, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DomainCapsQuery {
    /// The emulator binary (`/usr/bin/qemu-system-x86_64`).
    pub emulator: Option<String>,
    /// The guest architecture (`x86_64`).
    pub arch: Option<String>,
    /// The machine type (`q35`, `pc-i440fx-7.2`).
    pub machine: Option<String>,
    /// The domain type (`kvm`, `qemu`).
    pub virt_type: Option<String>,
}

impl DomainCapsQuery {
    /// The defaults for everything.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the emulator binary.
    pub fn emulator(mut self, path: impl Into<String>) -> Self {
        self.emulator = Some(path.into());
        self
    }
    /// Sets the architecture.
    pub fn arch(mut self, arch: impl Into<String>) -> Self {
        self.arch = Some(arch.into());
        self
    }
    /// Sets the machine type.
    pub fn machine(mut self, machine: impl Into<String>) -> Self {
        self.machine = Some(machine.into());
        self
    }
    /// Sets the domain type.
    pub fn virt_type(mut self, virt_type: impl Into<String>) -> Self {
        self.virt_type = Some(virt_type.into());
        self
    }
}

impl Connection {
    /// The host's capabilities (`virsh capabilities`), typed: the host CPU model and
    /// features, NUMA cells, huge page sizes, and the guest types the drivers offer.
    pub fn capabilities(&self) -> Result<Capabilities> {
        Ok(Capabilities::from_xml(&self.conn.capabilities()?)?)
    }

    /// What a guest of the queried kind can use (`virsh domcapabilities`), typed.
    pub fn domain_capabilities(&self, query: &DomainCapsQuery) -> Result<DomainCapabilities> {
        let xml = self.conn.domain_capabilities(
            query.emulator.as_deref(),
            query.arch.as_deref(),
            query.machine.as_deref(),
            query.virt_type.as_deref(),
            0,
        )?;
        Ok(DomainCapabilities::from_xml(&xml)?)
    }

    /// What this host cannot give the guest, found before libvirt sees it: huge page sizes
    /// the host does not offer (libvirt finds that only when the guest starts: "Unable to find
    /// any usable hugetlbfs mount"). Each problem names the `<page>` and the sizes there are.
    /// The guest's own rules are [`ValidateRoot::validate`](xml_model::ValidateRoot::validate).
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// use xml_virt::{Connection, TEST_URI};
    ///
    /// let conn = Connection::open(TEST_URI)?;
    /// let guest = Domain::new(DomainType::Kvm, "pages").memory_backing(MemoryBacking::new().hugepages(Page::mib(16)));
    /// let problems = conn.check_host(&guest)?;
    /// assert_eq!(problems[0].path, "/domain/memoryBacking/hugepages/page");
    /// assert!(problems[0].message.starts_with("the host offers no huge pages of 16384 KiB"));
    /// # Ok::<(), xml_virt::Error>(())
    /// ```
    pub fn check_host(&self, guest: &Domain) -> Result<Vec<Problem>> {
        let Some(hugepages) = guest.memory_backing.as_ref().and_then(|b| b.hugepages.as_ref()) else {
            return Ok(Vec::new());
        };
        let caps = self.capabilities()?;
        let offered: Vec<u64> = caps
            .host
            .cpu
            .pages
            .iter()
            .map(|p| p.size.get() as u64 * p.unit.as_ref().map_or(1024, |u| u.bytes()) / 1024)
            .filter(|&kib| kib > 4)
            .collect();
        let mut val = Validator::new("domain");
        let pages = &hugepages.pages;
        val.element("memoryBacking", None, |val| {
            val.element("hugepages", None, |val| {
                for (i, page) in pages.iter().enumerate() {
                    let kib = page.size.get().saturating_mul(page.unit.as_ref().map_or(1024, |u| u.bytes())) / 1024;
                    if offered.contains(&kib) {
                        continue;
                    }
                    let sizes: Vec<String> = offered.iter().map(u64::to_string).collect();
                    val.element("page", (pages.len() > 1).then_some(i + 1), |val| {
                        val.report_libvirt(
                            format!("the host offers no huge pages of {kib} KiB (it offers {} KiB)", sizes.join(", ")),
                            "src/qemu/qemu_conf.c",
                        )
                    });
                }
            })
        });
        Ok(val.finish())
    }

    /// How many huge pages of `size_kib` are free on NUMA `node`, as libvirt counts them
    /// (`virsh freepages`).
    pub fn free_pages(&self, size_kib: u32, node: u32) -> Result<u64> {
        let counts = self.conn.free_pages(&[size_kib], node, 1, 0)?;
        counts.first().copied().ok_or_else(|| Error::Invalid(format!("libvirt counted no {size_kib} KiB pages")))
    }
}

/// What `kvm-ok` tells, and a little more: whether `/dev/kvm` is there and answers, and
/// whether the CPU advertises virtualisation extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvmCheck {
    /// `/dev/kvm` exists.
    pub present: bool,
    /// Why opening `/dev/kvm` read/write failed, when it did.
    pub open_error: Option<String>,
    /// The KVM API version the device reported (12 for every kernel since 2.6.22).
    pub api_version: Option<i32>,
    /// The virtualisation flags in `/proc/cpuinfo`: `vmx` (Intel VT-x), `svm` (AMD-V).
    pub cpu_flags: Vec<String>,
}

impl KvmCheck {
    /// KVM acceleration works for this process: the device opened read/write and answered
    /// with the stable API. The guest's QEMU runs as another user (`libvirt-qemu` on
    /// Debian), which needs its own access to the device.
    pub fn usable(&self) -> bool {
        self.open_error.is_none() && self.api_version == Some(12)
    }

    /// The CPU advertises VT-x or AMD-V. Nested and paravirtualised hosts may offer a
    /// working `/dev/kvm` without the flags.
    pub fn cpu_supports_virtualization(&self) -> bool {
        !self.cpu_flags.is_empty()
    }

    /// One line, in the spirit of `kvm-ok`.
    pub fn summary(&self) -> String {
        let flags = if self.cpu_flags.is_empty() { "none".to_owned() } else { self.cpu_flags.join(", ") };
        match (&self.open_error, self.present) {
            (_, false) => format!("/dev/kvm does not exist; CPU virtualisation flags: {flags}"),
            (Some(e), true) => format!("/dev/kvm exists but cannot be opened read/write ({e}); CPU flags: {flags}"),
            (None, true) => match self.api_version {
                Some(12) => format!(
                    "/dev/kvm exists and answers (KVM API 12): KVM acceleration can be used; CPU flags: {flags}"
                ),
                v => format!("/dev/kvm opened but reported API version {v:?}, not 12; CPU flags: {flags}"),
            },
        }
    }
}

/// Checks KVM as `kvm-ok` does: `/dev/kvm`, then `/proc/cpuinfo`. Never fails: what could not
/// be checked is recorded in the result.
pub fn kvm_check() -> KvmCheck {
    let device = Path::new("/dev/kvm");
    let present = device.exists();
    let (open_error, api_version) = if present {
        match fs::OpenOptions::new().read(true).write(true).open(device) {
            Ok(file) => {
                use std::os::fd::AsRawFd;
                // KVM_GET_API_VERSION = _IO(KVMIO, 0x00), KVMIO = 0xAE.
                const KVM_GET_API_VERSION: libc::c_ulong = 0xAE00;
                // SAFETY: the descriptor is open for the call; this ioctl takes no argument.
                let v = unsafe { libc::ioctl(file.as_raw_fd(), KVM_GET_API_VERSION as _, 0) };
                if v < 0 {
                    (Some(std::io::Error::last_os_error().to_string()), None)
                } else {
                    (None, Some(v))
                }
            }
            Err(e) => (Some(e.to_string()), None),
        }
    } else {
        (Some("no such device".into()), None)
    };
    let mut cpu_flags: Vec<String> = fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("flags"))
        .flat_map(|l| {
            l.split_whitespace().filter(|f| *f == "vmx" || *f == "svm").map(str::to_owned).collect::<Vec<_>>()
        })
        .collect();
    cpu_flags.sort();
    cpu_flags.dedup();
    KvmCheck { present, open_error, api_version, cpu_flags }
}

/// One huge page pool: pages of one size, system-wide or on one NUMA node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HugePagePool {
    /// The page size in KiB (2048, 1048576).
    pub size_kib: u64,
    /// The NUMA node, or `None` for the system-wide pool.
    pub node: Option<u32>,
    /// `nr_hugepages`: pages reserved in the pool.
    pub total: u64,
    /// `free_hugepages`: pages not in use.
    pub free: u64,
    /// `surplus_hugepages`: pages allocated beyond the pool by overcommit.
    pub surplus: u64,
    /// `resv_hugepages`: promised but not yet faulted in (system-wide pools only).
    pub reserved: Option<u64>,
}

/// The huge page pools, read from sysfs: every size in `/sys/kernel/mm/hugepages`, then per
/// NUMA node from `/sys/devices/system/node/node*/hugepages`. Empty when the kernel has no
/// huge page support.
pub fn huge_page_pools() -> Result<Vec<HugePagePool>> {
    let mut pools = read_pools(Path::new("/sys/kernel/mm/hugepages"), None)?;
    let nodes = Path::new("/sys/devices/system/node");
    if nodes.is_dir() {
        let mut ids: Vec<u32> = read_dir(nodes)?
            .into_iter()
            .filter_map(|name| name.strip_prefix("node").and_then(|n| n.parse().ok()))
            .collect();
        ids.sort_unstable();
        for id in ids {
            pools.extend(read_pools(&nodes.join(format!("node{id}/hugepages")), Some(id))?);
        }
    }
    Ok(pools)
}

fn read_dir(dir: &Path) -> Result<Vec<String>> {
    let entries = fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut names = Vec::new();
    for entry in entries {
        names.push(entry.map_err(|e| Error::io(dir, e))?.file_name().to_string_lossy().into_owned());
    }
    Ok(names)
}

fn read_pools(dir: &Path, node: Option<u32>) -> Result<Vec<HugePagePool>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut pools = Vec::new();
    for name in read_dir(dir)? {
        // `hugepages-2048kB`
        let Some(size_kib) = name.strip_prefix("hugepages-").and_then(|s| s.strip_suffix("kB")?.parse().ok()) else {
            continue;
        };
        let pool = dir.join(&name);
        let count = |file: &str| -> Result<u64> {
            let path = pool.join(file);
            let text = fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            text.trim().parse().map_err(|_| Error::Invalid(format!("{}: not a count: {text:?}", path.display())))
        };
        let reserved = if node.is_none() { Some(count("resv_hugepages")?) } else { None };
        pools.push(HugePagePool {
            size_kib,
            node,
            total: count("nr_hugepages")?,
            free: count("free_hugepages")?,
            surplus: count("surplus_hugepages")?,
            reserved,
        });
    }
    pools.sort_by_key(|p| p.size_kib);
    Ok(pools)
}

/// A mounted hugetlbfs: where QEMU can take huge pages from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HugetlbfsMount {
    /// The mount point (`/dev/hugepages`).
    pub path: PathBuf,
    /// The page size it serves, in KiB (the `pagesize=` option, else the default size).
    pub page_size_kib: Option<u64>,
}

/// The hugetlbfs mounts, from `/proc/mounts`. libvirt looks for them when it starts and
/// cannot back guests with huge pages of a size that has none.
pub fn hugetlbfs_mounts() -> Result<Vec<HugetlbfsMount>> {
    let mounts = Path::new("/proc/mounts");
    let text = fs::read_to_string(mounts).map_err(|e| Error::io(mounts, e))?;
    let default_kib = fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        m.lines().find_map(|l| l.strip_prefix("Hugepagesize:")?.trim().strip_suffix("kB")?.trim().parse().ok())
    });
    Ok(text
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() < 4 || fields[2] != "hugetlbfs" {
                return None;
            }
            let size = fields[3].split(',').find_map(|o| o.strip_prefix("pagesize=")).and_then(page_size_kib);
            Some(HugetlbfsMount { path: PathBuf::from(fields[1]), page_size_kib: size.or(default_kib) })
        })
        .collect())
}

/// `2M` -> 2048, `1G` -> 1048576, `2048k` -> 2048.
fn page_size_kib(s: &str) -> Option<u64> {
    let (digits, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = digits.parse().ok()?;
    match unit.to_ascii_lowercase().as_str() {
        "k" | "kb" => Some(n),
        "m" | "mb" => Some(n * 1024),
        "g" | "gb" => Some(n * 1024 * 1024),
        "" => Some(n / 1024),
        _ => None,
    }
}
