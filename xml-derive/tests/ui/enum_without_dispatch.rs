use xml_model::Xml;

#[derive(Xml)]
struct File {}

#[derive(Xml)]
enum Source {
    #[xml(value = "file")]
    File(File),
}

fn main() {}
