use libvirt_xml::Xml;

#[derive(Xml)]
struct Disk {
    device: String,
}

fn main() {}
