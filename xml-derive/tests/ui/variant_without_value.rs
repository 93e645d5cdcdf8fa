use xml_model::Xml;

#[derive(Xml)]
struct File {}

#[derive(Xml)]
#[xml(tag = "type")]
enum Source {
    File(File),
}

fn main() {}
