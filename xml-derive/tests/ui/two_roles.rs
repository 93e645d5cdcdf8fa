use xml_model::Xml;

#[derive(Xml)]
struct Disk {
    #[xml(attribute = "device", child = "device")]
    device: String,
}

fn main() {}
