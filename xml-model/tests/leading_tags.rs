//! Discriminating attributes written first, as libvirt writes them: a flattened tag enum
//! marked `lead` puts its tag before the owner's own attributes (`<controller type='usb'
//! index='0' model='..'>`), and a tag enum with `payload_tags_first` puts its variants' tags
//! before its own (`<disk type='file' device='disk'>`). A document in that order reads with
//! no recorded order (nothing kept beyond the values); any other order still comes back as
//! it was read.

use xml_model::{Document, Extras, Xml};

#[derive(Debug, Clone, PartialEq, Xml)]
#[xml(tag = "type")]
enum Source {
    #[xml(value = "file", default)]
    File(FileSource),
    #[xml(value = "block")]
    Block(BlockSource),
}

#[derive(Debug, Clone, PartialEq, Xml)]
struct FileSource {
    #[xml(attribute = "file")]
    file: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Xml)]
struct BlockSource {
    #[xml(attribute = "dev")]
    dev: Option<String>,
}

/// `device='lun'` content: its own attribute, and the source's tag leading.
#[derive(Debug, Clone, PartialEq, Xml)]
struct Lun {
    #[xml(attribute = "sgio")]
    sgio: Option<String>,
    #[xml(flatten, lead)]
    source: Source,
}

#[derive(Debug, Clone, PartialEq, Xml)]
#[xml(tag = "device", payload_tags_first)]
enum Device {
    #[xml(value = "disk", default)]
    Disk(Source),
    #[xml(value = "lun")]
    Lun(Lun),
    #[xml(value = "floppy")]
    Floppy,
}

#[derive(Debug, Clone, PartialEq, Xml)]
#[xml(root = "disk")]
struct Disk {
    #[xml(attribute = "index")]
    index: Option<String>,
    #[xml(flatten, lead)]
    device: Device,
    #[xml(attribute = "snapshot")]
    snapshot: Option<String>,
    #[xml(extras)]
    extras: Extras,
}

fn disk(device: Device) -> Disk {
    Disk { index: Some("1".into()), device, snapshot: Some("no".into()), extras: Extras::default() }
}

#[test]
fn built_values_write_the_tags_first_inner_before_outer() {
    let file = disk(Device::Disk(Source::File(FileSource { file: Some("/a".into()) })));
    assert_eq!(Document::new(file).to_xml(), "<disk type='file' device='disk' index='1' file='/a' snapshot='no'/>\n");
    let lun =
        disk(Device::Lun(Lun { sgio: Some("filtered".into()), source: Source::Block(BlockSource { dev: None }) }));
    assert_eq!(
        Document::new(lun).to_xml(),
        "<disk type='block' device='lun' index='1' sgio='filtered' snapshot='no'/>\n"
    );
    // A variant with no content has no tag of its own to put first.
    assert_eq!(Document::new(disk(Device::Floppy)).to_xml(), "<disk device='floppy' index='1' snapshot='no'/>\n");
}

#[test]
fn the_leading_order_reads_with_nothing_recorded() {
    for xml in [
        "<disk type='file' device='disk' index='1' file='/a' snapshot='no'/>\n",
        "<disk type='block' device='lun' index='1' sgio='filtered' dev='/dev/sda' snapshot='no'/>\n",
    ] {
        let d = Document::<Disk>::parse(xml).unwrap();
        assert!(d.root.extras.is_empty(), "{xml}: {:?}", d.root.extras);
        assert_eq!(d.to_xml(), xml);
    }
}

#[test]
fn any_other_order_comes_back_as_read() {
    for xml in [
        "<disk index='1' device='disk' type='file' file='/a' snapshot='no'/>\n",
        "<disk device='lun' sgio='filtered' type='block' index='1'/>\n",
        "<disk snapshot='no' file='/a' type='file' index='1'/>\n",
    ] {
        let d = Document::<Disk>::parse(xml).unwrap();
        assert!(!d.root.extras.is_empty(), "{xml}: the order read differs from the model's");
        assert_eq!(d.to_xml(), xml);
    }
}
