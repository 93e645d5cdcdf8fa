//! `xml-model convert` and `xml-model json-schema`: definitions as JSON or YAML (the serde form
//! of the typed model, `xml_model::serde_form`) and the JSON Schema editors check them with.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::de::DeserializeOwned;
use serde::Serialize;
use xml_model::generated::domaincommon::Device;
use xml_model::generated::KINDS;
use xml_model::read::ElementChoice;
use xml_model::{with_document_kind, AnyNode, Document, ReadOptions, XmlRoot};

/// A form a definition is kept in.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum Form {
    Xml,
    Json,
    Yaml,
}

/// `convert`'s arguments.
#[derive(clap::Args)]
pub struct Args {
    /// The form to write, to standard output.
    #[arg(long, value_enum)]
    to: Form,
    /// The form of FILE; by default from its extension (.xml, .json, .yaml, .yml), else from
    /// its first character (`<` XML, `{` JSON, anything else YAML).
    #[arg(long, value_enum)]
    from: Option<Form>,
    /// The document kind of a JSON or YAML file (`domain`, `network`, ..., or `device` for a
    /// single device); XML says its kind by its root element.
    #[arg(long, default_value = "domain")]
    kind: String,
    /// The definition.
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

/// `json-schema`'s arguments.
#[derive(clap::Args)]
pub struct SchemaArgs {
    /// The document kind: `domain`, `network`, `storagepool`... (see `xml-model check --help`),
    /// or `device` for a file holding one device.
    #[arg(value_name = "KIND")]
    kind: String,
}

pub fn json_schema(args: SchemaArgs) -> ExitCode {
    fn print<T: schemars::JsonSchema>() -> ExitCode {
        let schema = schemars::schema_for!(T);
        outln!("{}", serde_json::to_string_pretty(&schema).expect("a schema is JSON"));
        ExitCode::SUCCESS
    }
    if args.kind == "device" {
        return print::<Device>();
    }
    with_document_kind!(args.kind.as_str(), print(), unknown_kind(&args.kind))
}

fn unknown_kind(kind: &str) -> ExitCode {
    eprintln!("xml-model: unknown kind {kind:?}: expected one of {}, device", KINDS.join(", "));
    ExitCode::from(2)
}

pub fn run(args: Args) -> ExitCode {
    match convert(&args) {
        Ok(out) => {
            out!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xml-model: {e}");
            ExitCode::from(2)
        }
    }
}

fn form_of(path: &Path, text: &str) -> Form {
    match path.extension().and_then(|e| e.to_str()) {
        Some("xml") => Form::Xml,
        Some("json") => Form::Json,
        Some("yaml" | "yml") => Form::Yaml,
        _ => match text.trim_start().chars().next() {
            Some('<') => Form::Xml,
            Some('{') => Form::Json,
            _ => Form::Yaml,
        },
    }
}

fn convert(args: &Args) -> Result<String, String> {
    let path = &args.file;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let from = args.from.unwrap_or_else(|| form_of(path, &text));
    let kind = match from {
        Form::Xml => kind_of_xml(&text).map_err(|e| e.in_file(path).to_string())?,
        Form::Json | Form::Yaml => args.kind.clone(),
    };
    let job = Job { path, text: &text, from, to: args.to };
    if kind == "device" {
        return job.run::<DeviceFile>();
    }
    with_document_kind!(
        kind.as_str(),
        Job::run_document(&job),
        Err(format!("unknown kind {kind:?}: expected one of {}, device", KINDS.join(", ")))
    )
}

/// The kind of an XML document: the schema its root element starts, or `device` for one of
/// the devices `Device` holds.
fn kind_of_xml(text: &str) -> xml_model::Result<String> {
    let doc = xml_model::read::parse_document(text)?;
    let root = doc.root_element();
    let name = root.tag_name().name();
    // The compiled grammar's starts name the kinds; no checker needs building for that.
    let starts = xml_model::generated::grammar::grammar().starts.iter();
    let kind = starts.filter(|s| s.schema != "device").find(|s| s.roots.contains(&name));
    match kind {
        Some(start) => Ok(start.schema.to_owned()),
        None if Device::accepts_node(root) => Ok("device".to_owned()),
        None => {
            let ctx = xml_model::read::ReadCtx::new(&doc, ReadOptions::recover());
            Err(ctx.error_at(
                root,
                xml_model::ErrorKind::WrongRoot {
                    found: name.to_owned(),
                    expected: xml_model::generated::ROOTS.join(">, <"),
                },
            ))
        }
    }
}

/// One conversion: a file's text, its form, and the form wanted.
struct Job<'a> {
    path: &'a Path,
    text: &'a str,
    from: Form,
    to: Form,
}

/// What a conversion reads and writes: a document, or a device file.
trait Definition: Serialize + DeserializeOwned {
    fn from_xml(text: &str) -> xml_model::Result<Self>;
    fn to_xml(&self) -> String;
    /// What of the XML the JSON and YAML forms do not hold, said in words; `None` when they
    /// hold all of it.
    fn outside_the_form(&self) -> Option<String> {
        None
    }
}

/// A document; its JSON and YAML form is its root element's (the XML declaration and what
/// stands outside the root stay with XML).
struct Doc<T>(Document<T>);

impl<T: Serialize> Serialize for Doc<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.root.serialize(s)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Doc<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let root = T::deserialize(d)?;
        let style = xml_model::write::TextStyle::LIBVIRT;
        Ok(Doc(Document { declaration: None, prolog: Vec::new(), root, epilog: Vec::new(), style }))
    }
}

impl<T> Doc<T> {
    /// What stood around the root element, which the JSON and YAML forms do not hold.
    fn outside_the_root(&self) -> Option<String> {
        let doc = &self.0;
        let nodes = |nodes: &[AnyNode], place: &str| {
            let comments = nodes.iter().filter(|n| matches!(n, AnyNode::Comment(_))).count();
            let instructions = nodes.len() - comments;
            let mut said = Vec::new();
            if comments > 0 {
                said.push(format!("{comments} comment{} {place}", if comments == 1 { "" } else { "s" }));
            }
            if instructions > 0 {
                let s = if instructions == 1 { "" } else { "s" };
                said.push(format!("{instructions} processing instruction{s} {place}"));
            }
            said
        };
        let mut said = Vec::new();
        if doc.declaration.is_some() {
            said.push("the XML declaration".to_owned());
        }
        said.extend(nodes(&doc.prolog, "before the root element"));
        said.extend(nodes(&doc.epilog, "after it"));
        (!said.is_empty()).then(|| said.join(", "))
    }
}

impl<T: XmlRoot + Serialize + DeserializeOwned> Definition for Doc<T> {
    fn from_xml(text: &str) -> xml_model::Result<Self> {
        Document::parse_with(text, ReadOptions::recover()).map(Doc)
    }
    fn to_xml(&self) -> String {
        self.0.to_xml()
    }
    fn outside_the_form(&self) -> Option<String> {
        self.outside_the_root()
    }
}

/// A device file (`virsh attach-device`'s): one device element.
#[derive(Serialize, serde::Deserialize)]
#[serde(transparent)]
struct DeviceFile(Doc<Device>);

impl Definition for DeviceFile {
    fn from_xml(text: &str) -> xml_model::Result<Self> {
        Document::<Device>::parse_device(text, ReadOptions::recover()).map(|d| DeviceFile(Doc(d)))
    }
    fn to_xml(&self) -> String {
        self.0 .0.to_device_xml()
    }
    fn outside_the_form(&self) -> Option<String> {
        self.0.outside_the_root()
    }
}

impl<'a> Job<'a> {
    fn run_document<T: XmlRoot + Serialize + DeserializeOwned>(&self) -> Result<String, String> {
        self.run::<Doc<T>>()
    }

    fn run<D: Definition>(&self) -> Result<String, String> {
        let file = self.path.display();
        let value: D = match self.from {
            Form::Xml => D::from_xml(self.text).map_err(|e| e.in_file(self.path).to_string())?,
            Form::Json => {
                let mut de = serde_json::Deserializer::from_str(self.text);
                serde_path_to_error::deserialize(&mut de).map_err(|e| {
                    let inner = e.inner();
                    let message = inner.to_string();
                    let message = message_alone(&message);
                    format!("{file}:{}:{}: at {}: {message}", inner.line(), inner.column(), e.path())
                })?
            }
            Form::Yaml => {
                let de = serde_yaml_ng::Deserializer::from_str(self.text);
                // Element choices are one-key maps, as in JSON and the JSON Schema, not YAML tags.
                let mut track = serde_path_to_error::Track::new();
                let tracked = serde_path_to_error::Deserializer::new(de, &mut track);
                serde_yaml_ng::with::singleton_map_recursive::deserialize(tracked).map_err(
                    |e: serde_yaml_ng::Error| {
                        let at = e.location().map(|l| format!(":{}:{}", l.line(), l.column())).unwrap_or_default();
                        format!("{file}{at}: at {}: {}", track.path(), message_alone(&e.to_string()))
                    },
                )?
            }
        };
        if let (Form::Json | Form::Yaml, Some(what)) = (self.to, value.outside_the_form()) {
            // Said, not dropped silently; the XML -> XML round trip keeps them.
            eprintln!("xml-model: {file}: note: {what} left out: the JSON and YAML forms hold the root element only");
        }
        match self.to {
            Form::Xml => Ok(value.to_xml()),
            Form::Json => {
                let mut out = serde_json::to_string_pretty(&value).map_err(|e| format!("{file}: {e}"))?;
                out.push('\n');
                Ok(out)
            }
            Form::Yaml => {
                let mut out = Vec::new();
                let mut ser = serde_yaml_ng::Serializer::new(&mut out);
                serde_yaml_ng::with::singleton_map_recursive::serialize(&value, &mut ser)
                    .map_err(|e| format!("{file}: {e}"))?;
                String::from_utf8(out).map_err(|e| format!("{file}: {e}"))
            }
        }
    }
}

/// A serde error's message without the place the parsers add themselves (`vcpu: ` before it,
/// ` at line 4 column 3` after it): the place is said once, in front, as for XML.
fn message_alone(message: &str) -> &str {
    let mut m = message;
    if let Some(at) = m.rfind(" at line ") {
        if m[at + 9..].split(" column ").all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) {
            m = &m[..at];
        }
    }
    match m.split_once(": ") {
        Some((path, rest)) if !path.is_empty() && !path.contains(' ') => rest,
        _ => m,
    }
}
