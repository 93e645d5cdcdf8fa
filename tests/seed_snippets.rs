//! The XML snippets of the seed guide read into the generated types and come back byte for byte;
//! the two that are not well-formed (a truncated listing and a missing quote) give errors
//! with line and column.

mod support;

use libvirt_xml::generated::cputypes::MemoryAccessMode;
use libvirt_xml::generated::domaincommon::{HostdevMode, Product, SubsystemHostdevType};
use libvirt_xml::model::{from_fragment, to_fragment};
use libvirt_xml::prelude::*;
use libvirt_xml::ErrorKind;

fn root_name(snippet: &str) -> &str {
    let rest = &snippet[1..];
    let end = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(rest.len());
    &rest[..end]
}

/// Reads and writes a snippet through the type of its root element, in strict mode.
fn round_trip(snippet: &str) -> libvirt_xml::model::Result<String> {
    let strict = ReadOptions::strict();
    Ok(match root_name(snippet) {
        "hostdev" => to_fragment(&from_fragment::<Hostdev>(snippet, "hostdev", strict)?, "hostdev"),
        "memoryBacking" => {
            to_fragment(&from_fragment::<MemoryBacking>(snippet, "memoryBacking", strict)?, "memoryBacking")
        }
        "maxphysaddr" => to_fragment(&from_fragment::<CpuMaxPhysAddr>(snippet, "maxphysaddr", strict)?, "maxphysaddr"),
        "filesystem" => to_fragment(&from_fragment::<Filesystem>(snippet, "filesystem", strict)?, "filesystem"),
        "capabilities" => {
            // The guide shows only the start of a capabilities document.
            from_fragment::<libvirt_xml::AnyElement>(snippet, "capabilities", strict)?;
            unreachable!("a truncated document must not read")
        }
        other => panic!("the seed has a snippet of a kind this test does not know: <{other}>"),
    })
}

#[test]
fn seed_snippets_round_trip_byte_for_byte() {
    let blocks = support::xml_blocks(&support::seed_text());
    assert!(blocks.len() >= 9, "expected the seed's XML snippets, found {}", blocks.len());
    let mut passed = 0;
    let mut errors = Vec::new();
    for b in &blocks {
        match round_trip(b) {
            Ok(out) => {
                assert_eq!(&out, b, "snippet did not come back byte for byte");
                passed += 1;
            }
            Err(e) => errors.push((b.clone(), e)),
        }
    }
    // Exactly the two broken listings fail, each with a position and the parser's reason.
    assert_eq!(errors.len(), 2, "unexpected failures: {errors:#?}");
    for (snippet, e) in &errors {
        assert!(matches!(e.kind, ErrorKind::NotWellFormed(_)), "{snippet}: {e}");
        assert!(e.line >= 1 && e.column >= 1, "{e}");
    }
    assert!(errors.iter().any(|(s, _)| s.contains("limit='41/>")));
    assert!(errors.iter().any(|(s, _)| s.starts_with("<capabilities>")));
    assert_eq!(passed, blocks.len() - 2);
}

#[test]
fn seed_values_read_as_typed_values() {
    let usb: Hostdev = from_fragment(
        "<hostdev mode='subsystem' type='usb' managed='yes'>\n  <source>\n    <vendor id='0x0b6d'/>\n    <product id='0x3880'/>\n  </source>\n</hostdev>",
        "hostdev",
        ReadOptions::strict(),
    )
    .unwrap();
    let HostdevMode::Subsystem(sub) = &usb.mode else { panic!("not a subsystem device: {usb:?}") };
    let SubsystemHostdevType::Usb(u) = &sub.kind else { panic!("not usb: {usb:?}") };
    assert_eq!(u.source.vendor.as_ref().unwrap().id.get(), 0x0b6d);
    assert_eq!(u.source.product.as_ref().unwrap().id.get(), 0x3880);
    // USB ids are written in hexadecimal (`0x3880` is the canonical spelling) and read as
    // libvirt reads them, like strtoul with base 0: `3880` is decimal, 0x0f28 (libvirt
    // writes it back as `0x0f28`; virt_test_driver.rs asks libvirt itself), `010` octal.
    assert_eq!(u.source.product.as_ref().unwrap().id.spelling(), None);
    let bare: Product = from_fragment("<product id='3880'/>", "product", ReadOptions::strict()).unwrap();
    assert_eq!(bare.id.get(), 3880);
    assert_eq!(to_fragment(&bare, "product"), "<product id='3880'/>");
    let octal: Product = from_fragment("<product id='010'/>", "product", ReadOptions::strict()).unwrap();
    assert_eq!(octal.id.get(), 8);
    assert_eq!(sub.managed, Some(YesNo::Yes));
    // The same device built in code, written as the guide writes it.
    let built = Hostdev::usb(0x0b6d, 0x3880).managed(true);
    assert_eq!(usb.mode, built.mode);
    assert_eq!(
        to_fragment(&built, "hostdev"),
        "<hostdev mode='subsystem' type='usb' managed='yes'>\n  <source>\n    <vendor id='0x0b6d'/>\n    <product id='0x3880'/>\n  </source>\n</hostdev>"
    );

    let mb: MemoryBacking = from_fragment(
        "<memoryBacking>\n  <hugepages>\n    <page size='2048' unit='KiB'/>\n  </hugepages>\n  <access mode='shared'/>\n</memoryBacking>",
        "memoryBacking",
        ReadOptions::strict(),
    )
    .unwrap();
    let page = &mb.hugepages.as_ref().unwrap().pages[0];
    assert_eq!(page.size.get() * page.unit.as_ref().unwrap().bytes(), 2 << 20);
    assert_eq!(mb.access.unwrap().mode, MemoryAccessMode::Shared);
}
