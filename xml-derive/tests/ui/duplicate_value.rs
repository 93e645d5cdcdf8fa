use xml_model::XmlValue;

#[derive(XmlValue)]
enum Mode {
    #[xml(value = "on")]
    On,
    #[xml(value = "on")]
    Enabled,
}

fn main() {}
