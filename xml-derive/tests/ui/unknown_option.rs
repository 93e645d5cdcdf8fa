use xml_model::Xml;

#[derive(Xml)]
struct Disk {
    #[xml(atribute = "device")]
    device: String,
}

fn main() {}
