//! Loading Relax NG (XML syntax) into an arena: includes with overriding defines, `combine`,
//! nested grammars, and `ns` inheritance. Refs stay symbolic (scope + name) and are resolved
//! through [`Schema::resolve`]; nothing else of the spec's simplification is applied, so
//! `optional`, `zeroOrMore` and defines keep their shape for naming.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

const RNG_NS: &str = "http://relaxng.org/ns/structure/1.0";

/// An index into [`Schema::patterns`].
pub type PatId = usize;

/// A name class.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NameClass {
    /// A single name in a namespace (`""` for none).
    Name { ns: String, local: String },
    /// Any name (`<anyName/>`), possibly with exceptions.
    AnyName,
}

/// One node of a pattern.
#[derive(Debug, Clone)]
pub enum Pattern {
    Element {
        name: NameClass,
        content: PatId,
    },
    Attribute {
        name: NameClass,
        content: PatId,
    },
    Group(Vec<PatId>),
    Interleave(Vec<PatId>),
    Choice(Vec<PatId>),
    Optional(PatId),
    ZeroOrMore(PatId),
    OneOrMore(PatId),
    /// A reference to a define of a grammar scope.
    Ref {
        scope: usize,
        name: String,
    },
    Text,
    Empty,
    NotAllowed,
    Data {
        ty: String,
        params: Vec<(String, String)>,
        /// `<except>`: values of the type that are still not allowed.
        except: Option<PatId>,
    },
    Value {
        ty: String,
        value: String,
    },
    List(PatId),
    Mixed(PatId),
}

/// Where a pattern came from, for messages and for naming.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: String,
    pub line: u32,
}

/// A grammar's defines after includes and combines.
#[derive(Debug, Default)]
pub struct Scope {
    pub defines: HashMap<String, PatId>,
    pub start: Option<PatId>,
}

/// Every pattern of the loaded schemas.
#[derive(Debug, Default)]
pub struct Schema {
    pub patterns: Vec<Pattern>,
    pub origins: Vec<Origin>,
    pub scopes: Vec<Scope>,
    /// Which define (name) a pattern is the body of, for naming.
    pub define_of: HashMap<PatId, String>,
    texts: HashMap<PathBuf, String>,
}

/// A component of a grammar before combination.
enum Component {
    Define { name: String, combine: Option<String>, body: PatId },
    Start { combine: Option<String>, body: PatId },
}

/// A loading error: file, line and what was wrong.
#[derive(Debug)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

type Result<T> = std::result::Result<T, LoadError>;

impl Schema {
    /// Loads a top-level grammar file; returns its scope.
    pub fn load_grammar(&mut self, path: &Path) -> Result<usize> {
        let text = self.text(path)?;
        let doc = roxmltree::Document::parse(&text).map_err(|e| LoadError(format!("{}: {e}", path.display())))?;
        let root = doc.root_element();
        self.grammar(path, root, "")
    }

    fn text(&mut self, path: &Path) -> Result<String> {
        if let Some(t) = self.texts.get(path) {
            return Ok(t.clone());
        }
        let t = std::fs::read_to_string(path).map_err(|e| LoadError(format!("{}: {e}", path.display())))?;
        self.texts.insert(path.to_owned(), t.clone());
        Ok(t)
    }

    /// The pattern a ref stands for.
    pub fn resolve(&self, scope: usize, name: &str) -> PatId {
        *self.scopes[scope].defines.get(name).unwrap_or_else(|| panic!("undefined ref '{name}' (checked when loading)"))
    }

    fn push(&mut self, p: Pattern, file: &Path, node: roxmltree::Node<'_, '_>) -> PatId {
        let line = node.document().text_pos_at(node.range().start).row;
        self.patterns.push(p);
        self.origins.push(Origin { file: file_name(file), line });
        self.patterns.len() - 1
    }

    /// A grammar element: a new scope holding its components.
    fn grammar(&mut self, file: &Path, node: roxmltree::Node<'_, '_>, ns: &str) -> Result<usize> {
        let scope = self.scopes.len();
        self.scopes.push(Scope::default());
        let mut comps = Vec::new();
        self.components(file, node, scope, ns, &mut comps)?;
        let mut defines: HashMap<String, (Option<String>, Vec<PatId>)> = HashMap::new();
        let mut order = Vec::new();
        let mut starts = Vec::new();
        let mut start_combine = None;
        for c in comps {
            match c {
                Component::Define { name, combine, body } => {
                    let e = defines.entry(name.clone()).or_insert_with(|| {
                        order.push(name.clone());
                        (None, Vec::new())
                    });
                    if combine.is_some() {
                        e.0 = combine;
                    }
                    e.1.push(body);
                }
                Component::Start { combine, body } => {
                    if combine.is_some() {
                        start_combine = combine;
                    }
                    starts.push(body);
                }
            }
        }
        for name in order {
            let (combine, bodies) = defines.remove(&name).expect("recorded");
            let body = self.combined(combine.as_deref(), bodies);
            self.define_of.entry(body).or_insert_with(|| name.clone());
            self.scopes[scope].defines.insert(name, body);
        }
        if !starts.is_empty() {
            let s = self.combined(start_combine.as_deref(), starts);
            self.scopes[scope].start = Some(s);
        }
        // Every ref of the scope must resolve: say which does not, with its place.
        for (id, p) in self.patterns.iter().enumerate() {
            if let Pattern::Ref { scope: s, name } = p {
                if *s == scope && !self.scopes[scope].defines.contains_key(name) {
                    let o = &self.origins[id];
                    return Err(LoadError(format!("{}:{}: ref to undefined '{name}'", o.file, o.line)));
                }
            }
        }
        Ok(scope)
    }

    fn combined(&mut self, combine: Option<&str>, mut bodies: Vec<PatId>) -> PatId {
        if bodies.len() == 1 {
            return bodies.pop().expect("one");
        }
        let p = match combine {
            Some("interleave") => Pattern::Interleave(bodies),
            _ => Pattern::Choice(bodies),
        };
        let origin = self.origins[match &p {
            Pattern::Interleave(b) | Pattern::Choice(b) => b[0],
            _ => unreachable!(),
        }]
        .clone();
        self.patterns.push(p);
        self.origins.push(origin);
        self.patterns.len() - 1
    }

    /// The components of a grammar or include (defines and starts, includes expanded).
    fn components(
        &mut self,
        file: &Path,
        node: roxmltree::Node<'_, '_>,
        scope: usize,
        ns: &str,
        out: &mut Vec<Component>,
    ) -> Result<()> {
        let ns = node.attribute("ns").unwrap_or(ns).to_owned();
        for child in node.children().filter(|c| c.is_element() && c.tag_name().namespace() == Some(RNG_NS)) {
            match child.tag_name().name() {
                "define" => {
                    let name = child.attribute("name").unwrap_or_default().to_owned();
                    let body = self.group_of(file, child, scope, &ns)?;
                    out.push(Component::Define { name, combine: child.attribute("combine").map(str::to_owned), body });
                }
                "start" => {
                    let body = self.group_of(file, child, scope, &ns)?;
                    out.push(Component::Start { combine: child.attribute("combine").map(str::to_owned), body });
                }
                "div" => self.components(file, child, scope, &ns, out)?,
                "include" => {
                    let href = child.attribute("href").unwrap_or_default();
                    let path = file.parent().unwrap_or(Path::new(".")).join(href);
                    let text = self.text(&path)?;
                    let doc =
                        roxmltree::Document::parse(&text).map_err(|e| LoadError(format!("{}: {e}", path.display())))?;
                    let mut included = Vec::new();
                    self.components(&path, doc.root_element(), scope, &ns, &mut included)?;
                    let mut overrides = Vec::new();
                    self.components(file, child, scope, &ns, &mut overrides)?;
                    let overridden: Vec<String> = overrides
                        .iter()
                        .filter_map(|c| match c {
                            Component::Define { name, combine: None, .. } => Some(name.clone()),
                            _ => None,
                        })
                        .collect();
                    let overrides_start = overrides.iter().any(|c| matches!(c, Component::Start { combine: None, .. }));
                    included.retain(|c| match c {
                        Component::Define { name, .. } => !overridden.contains(name),
                        Component::Start { .. } => !overrides_start,
                    });
                    out.extend(included);
                    out.extend(overrides);
                }
                other => {
                    let line = node.document().text_pos_at(child.range().start).row;
                    return Err(LoadError(format!("{}:{line}: unexpected <{other}> in a grammar", file.display())));
                }
            }
        }
        Ok(())
    }

    /// The children of `node` as one pattern (a group when several).
    fn group_of(&mut self, file: &Path, node: roxmltree::Node<'_, '_>, scope: usize, ns: &str) -> Result<PatId> {
        let ns = node.attribute("ns").unwrap_or(ns).to_owned();
        let mut items = Vec::new();
        for child in node.children().filter(|c| c.is_element()) {
            items.push(self.pattern(file, child, scope, &ns)?);
        }
        Ok(match items.len() {
            0 => self.push(Pattern::Empty, file, node),
            1 => items[0],
            _ => self.push(Pattern::Group(items), file, node),
        })
    }

    /// The children of `node` as one pattern (a choice when several), as `<except>` reads them.
    fn choice_of(&mut self, file: &Path, node: roxmltree::Node<'_, '_>, scope: usize, ns: &str) -> Result<PatId> {
        let mut items = self.children_of(file, node, scope, ns)?;
        Ok(match items.len() {
            1 => items.pop().expect("one"),
            _ => self.push(Pattern::Choice(items), file, node),
        })
    }

    fn children_of(
        &mut self,
        file: &Path,
        node: roxmltree::Node<'_, '_>,
        scope: usize,
        ns: &str,
    ) -> Result<Vec<PatId>> {
        let mut items = Vec::new();
        for child in node.children().filter(|c| c.is_element()) {
            items.push(self.pattern(file, child, scope, ns)?);
        }
        Ok(items)
    }

    fn pattern(&mut self, file: &Path, node: roxmltree::Node<'_, '_>, scope: usize, ns: &str) -> Result<PatId> {
        let ns = node.attribute("ns").unwrap_or(ns).to_owned();
        let err = |what: &str| {
            let line = node.document().text_pos_at(node.range().start).row;
            LoadError(format!("{}:{line}: {what}", file.display()))
        };
        let p = match node.tag_name().name() {
            "element" | "attribute" => {
                let is_element = node.tag_name().name() == "element";
                let mut kids: Vec<_> = node.children().filter(|c| c.is_element()).collect();
                let name = match node.attribute("name") {
                    Some(n) => {
                        // Attributes are in no namespace unless they say so.
                        let ns = if is_element { ns.clone() } else { node.attribute("ns").unwrap_or("").to_owned() };
                        let (ns, local) = match n.split_once(':') {
                            Some((_, l)) => (ns, l.to_owned()),
                            None => (ns, n.to_owned()),
                        };
                        NameClass::Name { ns, local }
                    }
                    None => {
                        let first = kids.first().copied().ok_or_else(|| err("element without a name"))?;
                        kids.remove(0);
                        match first.tag_name().name() {
                            "anyName" | "nsName" => NameClass::AnyName,
                            "name" => {
                                NameClass::Name { ns: ns.clone(), local: first.text().unwrap_or("").trim().to_owned() }
                            }
                            other => return Err(err(&format!("unsupported name class <{other}>"))),
                        }
                    }
                };
                let mut items = Vec::new();
                for k in kids {
                    items.push(self.pattern(file, k, scope, &ns)?);
                }
                let content = match items.len() {
                    0 if is_element => self.push(Pattern::Empty, file, node),
                    0 => self.push(Pattern::Text, file, node),
                    1 => items[0],
                    _ => self.push(Pattern::Group(items), file, node),
                };
                if is_element {
                    Pattern::Element { name, content }
                } else {
                    Pattern::Attribute { name, content }
                }
            }
            "group" => Pattern::Group(self.children_of(file, node, scope, &ns)?),
            "interleave" => Pattern::Interleave(self.children_of(file, node, scope, &ns)?),
            "choice" => Pattern::Choice(self.children_of(file, node, scope, &ns)?),
            "optional" => Pattern::Optional(self.group_of(file, node, scope, &ns)?),
            "zeroOrMore" => Pattern::ZeroOrMore(self.group_of(file, node, scope, &ns)?),
            "oneOrMore" => Pattern::OneOrMore(self.group_of(file, node, scope, &ns)?),
            "mixed" => Pattern::Mixed(self.group_of(file, node, scope, &ns)?),
            "list" => Pattern::List(self.group_of(file, node, scope, &ns)?),
            "ref" => Pattern::Ref { scope, name: node.attribute("name").unwrap_or_default().to_owned() },
            "parentRef" | "externalRef" => return Err(err("parentRef and externalRef are not used by libvirt")),
            "text" => Pattern::Text,
            "empty" => Pattern::Empty,
            "notAllowed" => Pattern::NotAllowed,
            "data" => {
                let params = node
                    .children()
                    .filter(|c| c.is_element() && c.tag_name().name() == "param")
                    .map(|c| (c.attribute("name").unwrap_or_default().to_owned(), c.text().unwrap_or("").to_owned()))
                    .collect();
                let except = match node.children().find(|c| c.is_element() && c.tag_name().name() == "except") {
                    Some(e) => Some(self.choice_of(file, e, scope, &ns)?),
                    None => None,
                };
                Pattern::Data { ty: node.attribute("type").unwrap_or("string").to_owned(), params, except }
            }
            "value" => Pattern::Value {
                ty: node.attribute("type").unwrap_or("token").to_owned(),
                value: node.text().unwrap_or("").to_owned(),
            },
            "grammar" => {
                let inner = self.grammar(file, node, &ns)?;
                let start = self.scopes[inner].start.ok_or_else(|| err("nested grammar without a start"))?;
                return Ok(start);
            }
            other => return Err(err(&format!("unsupported pattern <{other}>"))),
        };
        Ok(self.push(p, file, node))
    }
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default()
}
