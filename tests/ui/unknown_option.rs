use libvirt_xml::Xml;

#[derive(Xml)]
struct Disk {
    #[xml(atribute = "device")]
    device: String,
}

fn main() {}
