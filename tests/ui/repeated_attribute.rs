use libvirt_xml::Xml;

#[derive(Xml)]
struct Disk {
    #[xml(attribute = "device")]
    device: Vec<String>,
}

fn main() {}
