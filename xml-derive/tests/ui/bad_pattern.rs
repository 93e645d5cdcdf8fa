use xml_model::XmlValue;

#[derive(XmlValue)]
#[xml(pattern = "(0x)?[0-9a-f")]
struct Hex(String);

fn main() {}
