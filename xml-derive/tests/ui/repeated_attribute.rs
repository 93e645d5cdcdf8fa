use xml_model::Xml;

#[derive(Xml)]
struct Disk {
    #[xml(attribute = "device")]
    device: Vec<String>,
}

fn main() {}
