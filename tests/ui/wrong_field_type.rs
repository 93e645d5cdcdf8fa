use libvirt_xml::Xml;

struct NotXml;

#[derive(Xml)]
struct Disk {
    #[xml(attribute = "device")]
    device: NotXml,
}

fn main() {}
