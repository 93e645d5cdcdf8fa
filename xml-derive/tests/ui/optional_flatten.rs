use xml_model::Xml;

#[derive(Xml)]
struct Group {
    #[xml(attribute = "a")]
    a: Option<String>,
}

#[derive(Xml)]
struct Disk {
    #[xml(flatten)]
    group: Option<Group>,
}

fn main() {}
