use xml_model::{Document, Extras, Number, Xml, XmlValue};

#[derive(Debug, Clone, PartialEq, XmlValue)]
enum Mode {
    Emulate,
    Passthrough,
    #[xml(other)]
    Other(String),
}

#[derive(Debug, Xml)]
#[xml(root = "maxphysaddr")]
struct MaxPhysAddr {
    #[xml(attribute = "mode")]
    mode: Mode,
    #[xml(attribute = "bits")]
    bits: Option<Number<u32>>,
    #[xml(extras)]
    extras: Extras,
}

fn main() {
    let d: Document<MaxPhysAddr> = Document::parse("<maxphysaddr mode='future' bits='8'/>").unwrap();
    assert_eq!(d.root.mode, Mode::Other("future".into()));
    // Written back as read: without a final line break, as it was.
    assert_eq!(d.to_xml(), "<maxphysaddr mode='future' bits='8'/>");
}
