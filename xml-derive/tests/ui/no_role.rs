use xml_model::Xml;

#[derive(Xml)]
struct Disk {
    device: String,
}

fn main() {}
