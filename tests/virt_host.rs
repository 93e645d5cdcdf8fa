//! The host checks read the machine itself (no libvirt): they must agree with what the
//! kernel says elsewhere.

#![cfg(feature = "virt")]

use std::path::Path;

use libvirt_xml::virt::{huge_page_pools, hugetlbfs_mounts, kvm_check};

/// `Name: value` from /proc/meminfo.
fn meminfo(name: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    text.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(':')?.split_whitespace().next()?.parse().ok())
}

#[test]
fn huge_page_pools_agree_with_proc_meminfo_and_sum_over_nodes() {
    let pools = huge_page_pools().unwrap();
    let Some(default_kib) = meminfo("Hugepagesize") else {
        assert!(pools.is_empty(), "pools without huge page support: {pools:?}");
        return;
    };
    let system = |size: u64| pools.iter().find(|p| p.size_kib == size && p.node.is_none());
    let default = system(default_kib).expect("a pool of the default huge page size");
    assert_eq!(Some(default.total), meminfo("HugePages_Total"), "{default:?}");
    assert_eq!(Some(default.free), meminfo("HugePages_Free"), "{default:?}");
    assert_eq!(default.reserved, meminfo("HugePages_Rsvd"), "{default:?}");
    for p in pools.iter().filter(|p| p.node.is_none()) {
        assert!(p.free <= p.total + p.surplus, "{p:?}");
        let per_node: Vec<_> = pools.iter().filter(|n| n.node.is_some() && n.size_kib == p.size_kib).collect();
        if !per_node.is_empty() {
            assert_eq!(per_node.iter().map(|n| n.total).sum::<u64>(), p.total, "the nodes share the pool: {pools:?}");
        }
    }
    // Every size the kernel offers is listed.
    let sizes = std::fs::read_dir("/sys/kernel/mm/hugepages").unwrap().count();
    assert_eq!(pools.iter().filter(|p| p.node.is_none()).count(), sizes);
}

#[test]
fn hugetlbfs_mounts_are_the_kernels() {
    let mounts = hugetlbfs_mounts().unwrap();
    let listed = std::fs::read_to_string("/proc/mounts").unwrap().lines().filter(|l| l.contains(" hugetlbfs ")).count();
    assert_eq!(mounts.len(), listed);
    for m in &mounts {
        assert!(m.path.is_dir(), "{m:?}");
        assert!(m.page_size_kib.is_some_and(|k| k >= 1024), "a huge page size: {m:?}");
    }
}

#[test]
fn kvm_check_agrees_with_the_device_and_cpuinfo() {
    let check = kvm_check();
    assert_eq!(check.present, Path::new("/dev/kvm").exists());
    if check.usable() {
        assert!(check.present && check.open_error.is_none() && check.api_version == Some(12));
    }
    if !check.present {
        assert!(!check.usable());
    }
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap();
    let has = |flag: &str| cpuinfo.lines().any(|l| l.starts_with("flags") && l.split_whitespace().any(|f| f == flag));
    assert_eq!(check.cpu_flags.contains(&"vmx".to_owned()), has("vmx"));
    assert_eq!(check.cpu_flags.contains(&"svm".to_owned()), has("svm"));
    assert_eq!(check.cpu_supports_virtualization(), has("vmx") || has("svm"));
    assert!(!check.summary().is_empty());
}
