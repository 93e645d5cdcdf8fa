//! End to end on the real libvirtd (`qemu:///system`, or `$LIBVIRT_XML_E2E_URI`): virtual
//! networks (NAT with DHCP, a clash of bridges), storage pools and volumes (bytes through
//! streams, a volume attached to a running guest), and the host's devices.
//!
//! As in `virt_qemu.rs`, an unreachable daemon skips these tests unless `LIBVIRT_XML_E2E=1`.
//! Networks use a subnet of their own (10.213.x.0/24) and bridges named `lxvbr*`; the DHCP
//! client runs in a network namespace of its own, tied to the network's bridge by a veth
//! pair, so no traffic leaves the machine.

#![cfg(feature = "virt")]

mod virt_support;

use std::net::Ipv4Addr;
use std::path::Path;
use std::process::Command;

use libvirt_xml::generated::domaincommon::{DiskDriver, DiskDriverType, TargetBus};
use libvirt_xml::generated::network::{Bridge, Dhcp, Forward, ForwardMode, Ip, Range};
use libvirt_xml::generated::storagepool::Pool;
use libvirt_xml::generated::storagevol::{FormatType, Volume};
use libvirt_xml::prelude::*;
use libvirt_xml::virt::{Connection, DeviceFlags, DeviceKind, Outcome, PoolState, XmlView};
use virt_support::{daemon, name, small_guest, Cleanup};

/// A number of this test process, for names and subnets no other run uses at the same time.
fn tag() -> u32 {
    std::process::id() % 200 + 20
}

/// A NAT network named `name` on bridge `bridge`, with DHCP on 10.213.`net`.0/24.
fn nat_network(name: &str, bridge: &str, net: u8, last: u8) -> Network {
    let at = |host: u8| Ipv4Addr::new(10, 213, net, host);
    Network::new(name).forward(Forward::new().mode(ForwardMode::Nat)).bridge(Bridge::new().name(bridge)).ip(Ip::new()
        .address(at(1))
        .netmask(Ipv4Addr::new(255, 255, 255, 0))
        .dhcp(Dhcp::new().range(Range::new(at(10), at(last)))))
}

/// Stops and removes the network when dropped, even when a test fails.
struct NetworkCleanup<'c>(&'c Connection, String);

impl Drop for NetworkCleanup<'_> {
    fn drop(&mut self) {
        if let Ok(Some(n)) = self.0.find_network(&self.1) {
            let _ = n.destroy();
            let _ = n.undefine();
        }
    }
}

fn run(cmd: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(out.status.success(), "{cmd} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// A DHCP client in namespace `ns`, on a veth pair whose other end is on `bridge`; removed when
/// dropped.
struct DhcpClient {
    ns: String,
    host_end: String,
}

impl DhcpClient {
    fn on(bridge: &str, ns: &str) -> Self {
        let client = DhcpClient { ns: ns.to_owned(), host_end: format!("{ns}0") };
        let guest_end = format!("{ns}1");
        run("ip", &["netns", "add", ns]);
        run("ip", &["link", "add", &client.host_end, "type", "veth", "peer", "name", &guest_end]);
        run("ip", &["link", "set", &client.host_end, "master", bridge, "up"]);
        run("ip", &["link", "set", &guest_end, "netns", ns]);
        run("ip", &["netns", "exec", ns, "ip", "link", "set", &guest_end, "up"]);
        client
    }

    /// Asks for a lease (`udhcpc`, five tries); the client's MAC address.
    fn lease(&self) -> String {
        let guest_end = format!("{}1", self.ns);
        let args = [
            "netns",
            "exec",
            &self.ns,
            "busybox",
            "udhcpc",
            "-i",
            &guest_end,
            "-n",
            "-q",
            "-f",
            "-t",
            "5",
            "-s",
            "/bin/true",
        ];
        let out = run("ip", &args);
        assert!(String::from_utf8_lossy(&out.stderr).contains("obtained"), "{}", String::from_utf8_lossy(&out.stderr));
        let mac = run("ip", &["netns", "exec", &self.ns, "cat", &format!("/sys/class/net/{guest_end}/address")]);
        String::from_utf8_lossy(&mac.stdout).trim().to_owned()
    }
}

impl Drop for DhcpClient {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["link", "del", &self.host_end]).output();
        let _ = Command::new("ip").args(["netns", "del", &self.ns]).output();
    }
}

#[test]
fn nat_network_applies_once_starts_and_hands_out_a_lease() {
    let Some(conn) = daemon() else { return };
    let n = name("net");
    let bridge = format!("lxvbr{}", tag());
    let _cleanup = NetworkCleanup(&conn, n.clone());
    let net = u8::try_from(tag()).unwrap();
    let desired = nat_network(&n, &bridge, net, 20);

    let first = conn.apply_network(&desired).unwrap();
    assert_eq!(first.outcome, Outcome::Created);
    assert!(first.residual.is_empty(), "{:?}", first.residual);
    let stored = first.network.dumpxml().unwrap();
    assert!(stored.uuid.is_some() && stored.mac.is_some(), "libvirt gave it a UUID and a MAC");
    let second = conn.apply_network(&desired).unwrap();
    assert_eq!(second.outcome, Outcome::Unchanged, "{:?}", second.changes);

    let network = second.network;
    network.start().unwrap();
    network.set_autostart(true).unwrap();
    let listed = conn.networks().unwrap().into_iter().find(|s| s.name == n).expect("listed");
    assert!(listed.active && listed.autostart && listed.persistent, "{listed:?}");
    assert_eq!(listed.bridge.as_deref(), Some(bridge.as_str()));
    assert!(Path::new(&format!("/sys/class/net/{bridge}/bridge")).exists(), "the bridge is up");
    let dnsmasq = run("pgrep", &["-af", "dnsmasq"]);
    assert!(String::from_utf8_lossy(&dnsmasq.stdout).contains(&format!("{n}.conf")), "dnsmasq serves the network");

    // A client on the bridge gets an address of the range, and libvirt lists the lease.
    let client = DhcpClient::on(&bridge, &format!("lxvns{}", tag()));
    let mac = client.lease();
    // dnsmasq tells libvirt through its lease helper, just after the client has its address.
    let mut leases = Vec::new();
    for _ in 0..100 {
        leases = network.dhcp_leases().unwrap();
        if leases.iter().any(|l| l.mac.as_deref() == Some(mac.as_str())) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let lease =
        leases.iter().find(|l| l.mac.as_deref() == Some(mac.as_str())).unwrap_or_else(|| panic!("{mac} in {leases:?}"));
    assert_eq!(lease.interface, bridge);
    assert_eq!(lease.prefix, 24);
    let std::net::IpAddr::V4(v4) = lease.address else { panic!("{lease:?}") };
    assert!(v4.octets()[..3] == [10, 213, net] && (10..=20).contains(&v4.octets()[3]), "{v4}");
    drop(client);

    // A guest with a NIC on the network runs with its tap on the bridge.
    let g = name("net-guest");
    let _guest_cleanup = Cleanup::new(&conn, &g);
    let guest = conn.define(&small_guest(&g).device(Interface::network(&n).model("virtio"))).unwrap();
    guest.start().unwrap();
    let ports: Vec<String> = std::fs::read_dir(format!("/sys/class/net/{bridge}/brif"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(ports.iter().any(|p| p.starts_with("vnet")), "{ports:?}");
    guest.destroy().unwrap();

    // A real change to the running network waits for its restart.
    let wider = conn.apply_network(&nat_network(&n, &bridge, net, 30)).unwrap();
    assert_eq!(wider.outcome, Outcome::Redefined);
    assert!(wider.pending_restart);
    assert_eq!(wider.changes.len(), 1, "{:?}", wider.changes);
    assert!(wider.changes[0].path.ends_with("/range/@end"), "{:?}", wider.changes);
    assert_eq!(conn.apply_network(&nat_network(&n, &bridge, net, 30)).unwrap().outcome, Outcome::Unchanged);
}

#[test]
fn a_network_left_to_libvirt_keeps_its_bridge_and_mac_across_changes() {
    let Some(conn) = daemon() else { return };
    let n = name("net-auto");
    let _cleanup = NetworkCleanup(&conn, n.clone());
    let net = u8::try_from(tag() + 10).unwrap();
    let at = |host: u8| Ipv4Addr::new(10, 213, net, host);
    let isolated = Network::new(&n).ip(Ip::new().address(at(1)).netmask(Ipv4Addr::new(255, 255, 255, 0)));
    let first = conn.apply_network(&isolated).unwrap();
    let stored = first.network.dumpxml().unwrap();
    let bridge = stored.bridge.as_ref().and_then(|b| b.name.clone()).expect("libvirt named a bridge");
    assert!(bridge.0.starts_with("virbr"), "{bridge:?}");
    assert!(stored.mac.is_some(), "libvirt gave the bridge a MAC");
    // A real change: redefined with the bridge and MAC libvirt chose, not new ones.
    let with_dhcp = Network::new(&n).ip(Ip::new()
        .address(at(1))
        .netmask(Ipv4Addr::new(255, 255, 255, 0))
        .dhcp(Dhcp::new().range(Range::new(at(10), at(20)))));
    let second = conn.apply_network(&with_dhcp).unwrap();
    assert_eq!(second.outcome, Outcome::Redefined);
    let now = second.network.dumpxml().unwrap();
    assert_eq!(now.bridge.and_then(|b| b.name), Some(bridge));
    assert_eq!(now.mac, stored.mac);
    assert_eq!(now.uuid, stored.uuid);
}

#[test]
fn a_network_that_hands_guests_a_host_bridge() {
    let Some(conn) = daemon() else { return };
    // The host's bridge (made here, with no uplink: nothing leaves the machine).
    let host_bridge = format!("lxvhb{}", tag());
    struct BridgeCleanup(String);
    impl Drop for BridgeCleanup {
        fn drop(&mut self) {
            let _ = Command::new("ip").args(["link", "del", &self.0]).output();
        }
    }
    let _ = Command::new("ip").args(["link", "del", &host_bridge]).output();
    run("ip", &["link", "add", &host_bridge, "type", "bridge"]);
    let _bridge_cleanup = BridgeCleanup(host_bridge.clone());
    run("ip", &["link", "set", &host_bridge, "up"]);

    let n = name("net-bridge");
    let _cleanup = NetworkCleanup(&conn, n.clone());
    let desired =
        Network::new(&n).forward(Forward::new().mode(ForwardMode::Bridge)).bridge(Bridge::new().name(&host_bridge));
    let network = conn.apply_network(&desired).unwrap().network;
    assert_eq!(conn.apply_network(&desired).unwrap().outcome, Outcome::Unchanged);
    network.start().unwrap();

    let g = name("bridged-guest");
    let _guest_cleanup = Cleanup::new(&conn, &g);
    let guest = conn.define(&small_guest(&g).device(Interface::network(&n).model("virtio"))).unwrap();
    guest.start().unwrap();
    let ports: Vec<String> = std::fs::read_dir(format!("/sys/class/net/{host_bridge}/brif"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(ports.iter().any(|p| p.starts_with("vnet")), "the guest's tap is on the host bridge: {ports:?}");
    guest.destroy().unwrap();
}

#[test]
fn a_network_whose_bridge_is_taken_is_refused_and_leaves_nothing() {
    let Some(conn) = daemon() else { return };
    let (a, b) = (name("net-a"), name("net-b"));
    let bridge = format!("lxvbc{}", tag());
    let _ca = NetworkCleanup(&conn, a.clone());
    let _cb = NetworkCleanup(&conn, b.clone());
    let net = u8::try_from(tag() + 20).unwrap();
    conn.apply_network(&nat_network(&a, &bridge, net, 20)).unwrap().network.start().unwrap();
    let err = conn.apply_network(&nat_network(&b, &bridge, net.wrapping_add(1), 20)).unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&bridge) && text.contains("in use"), "{text}");
    assert!(conn.find_network(&b).unwrap().is_none(), "no half-defined network");
}

#[test]
fn dir_pool_volumes_streams_and_a_volume_disk_on_a_running_guest() {
    let Some(conn) = daemon() else { return };
    let p = name("pool");
    let dir = format!("/var/lib/libvirt/images/{p}");
    struct PoolCleanup<'c>(&'c Connection, String);
    impl Drop for PoolCleanup<'_> {
        fn drop(&mut self) {
            if let Ok(Some(pool)) = self.0.find_pool(&self.1) {
                for v in pool.volumes().unwrap_or_default() {
                    let _ = v.delete();
                }
                let _ = pool.destroy();
                let _ = pool.delete();
                let _ = pool.undefine();
            }
        }
    }
    let _cleanup = PoolCleanup(&conn, p.clone());
    let pool = conn.define_pool(&Pool::dir(&p, &dir)).unwrap();
    pool.build().unwrap();
    assert!(Path::new(&dir).is_dir(), "build made the directory");
    pool.start().unwrap();
    assert_eq!(pool.info().unwrap().state, PoolState::Running);
    assert!(conn.pools().unwrap().contains(&(p.clone(), PoolState::Running)));

    // A qcow2 image (qemu-img makes it) and a raw one.
    let qcow2 = pool.create_volume(&Volume::image("data.qcow2", ScaledInteger::mib(16), FormatType::Qcow2)).unwrap();
    let described = qcow2.dumpxml().unwrap();
    assert_eq!(described.target.format.map(|f| f.kind), Some(FormatType::Qcow2));
    assert_eq!(qcow2.capacity_and_allocation().unwrap().0, 16 << 20);
    let raw = pool.create_volume(&Volume::image("raw.img", ScaledInteger::mib(1), FormatType::Raw)).unwrap();
    assert_eq!(raw.path().unwrap(), format!("{dir}/raw.img"));

    // Bytes in and out through libvirt streams.
    let bytes: Vec<u8> = (0..1u32 << 20).map(|i| (i % 251) as u8).collect();
    raw.upload(&bytes[..], bytes.len() as u64).unwrap();
    let mut back = Vec::new();
    assert_eq!(raw.download(&mut back).unwrap(), bytes.len() as u64);
    assert!(back == bytes, "the downloaded bytes are the uploaded ones");
    let short = raw.upload(&bytes[..10], 100).unwrap_err();
    assert!(short.to_string().contains("90 bytes short"), "{short}");

    // The qcow2 volume as a disk of a running guest, attached and detached live.
    let g = name("pool-guest");
    let _guest_cleanup = Cleanup::new(&conn, &g);
    let guest = conn.define(&small_guest(&g)).unwrap();
    guest.start().unwrap();
    // On USB: hot-unplugging needs no help from a guest OS (a PCI disk would).
    let disk = Disk::volume(&p, "data.qcow2", "sdb", TargetBus::Usb)
        .driver(DiskDriver::new().name("qemu").kind(DiskDriverType::Qcow2));
    let has_disk = || guest.xml(XmlView::Live).unwrap().contains("<target dev='sdb'");
    guest.attach_device(&disk, DeviceFlags::LIVE).unwrap();
    let live = guest.xml(XmlView::Live).unwrap();
    assert!(has_disk() && live.contains(&format!("pool='{p}'")), "{live}");
    guest.detach_device(&disk, DeviceFlags::LIVE).unwrap();
    let gone = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        !has_disk()
    });
    assert!(gone, "the volume was detached");
    guest.destroy().unwrap();

    qcow2.delete().unwrap();
    raw.delete().unwrap();
    assert!(pool.volumes().unwrap().is_empty());
    pool.destroy().unwrap();
    pool.delete().unwrap();
    assert!(!Path::new(&dir).exists(), "delete removed the directory");
    pool.undefine().unwrap();
    assert!(conn.find_pool(&p).unwrap().is_none());
}

#[test]
fn a_pool_on_a_missing_directory_fails_to_start_and_stays_inactive() {
    let Some(conn) = daemon() else { return };
    let p = name("pool-missing");
    let pool = conn.define_pool(&Pool::dir(&p, &format!("/nonexistent/{p}"))).unwrap();
    let err = pool.start().unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&format!("/nonexistent/{p}")), "{text}");
    assert_eq!(pool.info().unwrap().state, PoolState::Inactive);
    pool.undefine().unwrap();
    assert!(conn.find_pool(&p).unwrap().is_none());
}

#[test]
fn host_devices_are_listed_typed_with_the_hostdev_that_passes_them_through() {
    let Some(conn) = daemon() else { return };
    let pci = conn.node_devices(DeviceKind::Pci).unwrap();
    assert!(!pci.is_empty(), "this host has PCI devices");
    for dev in &pci {
        let name = dev.name().unwrap();
        let described = dev.dumpxml().unwrap();
        assert_eq!(described.name, name);
        let hostdev = dev.hostdev().unwrap().expect("a PCI device has a hostdev");
        // `pci_0000_00_1f_2` names the address the hostdev gives.
        let xml = Device::from(hostdev).to_xml();
        let parts: Vec<&str> = name.trim_start_matches("pci_").split('_').collect();
        let want = format!(
            "<address domain='0x{}' bus='0x{}' slot='0x{}' function='0x{}'/>",
            parts[0], parts[1], parts[2], parts[3]
        );
        assert!(xml.contains(&want), "{name}: {xml}");
    }
    // libvirt takes a guest passing the first one through (it touches the device only when
    // the guest starts, which this test does not do: the host's devices are its own disks
    // and network cards).
    let g = name("hostdev");
    let _guest_cleanup = Cleanup::new(&conn, &g);
    let hostdev = pci[0].hostdev().unwrap().expect("a hostdev");
    let guest = conn.define(&small_guest(&g).device(hostdev)).unwrap();
    assert!(guest.xml(XmlView::Inactive).unwrap().contains("<hostdev mode='subsystem' type='pci' managed='yes'>"));
    // USB devices, where the host has any.
    for dev in conn.node_devices(DeviceKind::UsbDevice).unwrap() {
        let xml = Device::from(dev.hostdev().unwrap().expect("a USB device has a hostdev")).to_xml();
        assert!(xml.contains("<vendor id='0x") && xml.contains("<product id='0x"), "{xml}");
    }
    let missing = conn.node_device("pci_9999_99_99_9").unwrap_err();
    assert_eq!(missing.libvirt_code(), Some("NoNodeDevice"), "{missing}");
}
