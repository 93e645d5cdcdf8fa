use xml_model::Xml;

#[derive(Xml)]
struct Controller {
    #[xml(attribute = "index", lead)]
    index: Option<String>,
}

fn main() {}
