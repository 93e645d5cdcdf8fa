//! `schemas/codegen.toml`: renames and boxing the schemas cannot say, keyed by
//! `module::GeneratedName` (and `.field`).

use std::collections::BTreeMap;
use std::path::Path;

use crate::ir::{Ir, Kind, TypeId};

/// The configuration.
#[derive(Debug, Default)]
pub struct Config {
    /// `module::GeneratedName` -> new name.
    pub rename: BTreeMap<String, String>,
    /// `module::Type.field` to box.
    pub boxed: Vec<String>,
    /// `module::Type.field` -> the field's name, where its content gives no good one.
    pub field_names: BTreeMap<String, String>,
    /// `module::GeneratedName` -> the path of a hand-written type used in its place.
    pub replace: BTreeMap<String, String>,
    /// RNG define -> the runtime value type that stands for it (`UUID` -> `crate::Uuid`).
    pub values: BTreeMap<String, String>,
    /// RNG define of attributes and text -> the runtime type that reads them as one value,
    /// and the name of the (flattened) field that holds it.
    pub groups: BTreeMap<String, Group>,
    /// `module::element@attribute` -> the branch libvirt takes when a discriminating
    /// attribute is absent, where the schema leaves it optional on several branches.
    pub defaults: BTreeMap<String, String>,
    /// `module::GeneratedName` -> a hand-written function that checks rules across its
    /// fields, called by its `validate()` (libvirt's rules the schema does not say).
    pub validate: BTreeMap<String, String>,
    /// `module::GeneratedName` -> its fields in the order libvirt writes them, for values
    /// built in code: `name` a child element, `@name` an attribute, `=field` any other field
    /// by its Rust name. Every field must be named.
    pub order: BTreeMap<String, Vec<String>>,
    /// `module::TagEnum` whose variants' own discriminating attributes libvirt writes before
    /// the enum's (`<disk type='file' device='disk'>`: `type` is the variants').
    pub payload_tags_first: Vec<String>,
    /// `module::Type.field`: flattened tag enums whose discriminating attribute libvirt
    /// writes before the owner's own (`<controller type='usb' index='0'>`).
    pub lead: Vec<String>,
    /// `module::Type::method`: constructors named after a kind not to generate, because
    /// xml-model writes them by hand (setting more than the kind) or because libvirt's code
    /// refuses the kind with nothing else set.
    pub no_constructor: Vec<String>,
}

/// A group of attributes and text read as one runtime value (`scaledInteger`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The runtime type's path.
    pub ty: String,
    /// The field that holds it in the elements that use the group.
    pub field: String,
}

fn strings(table: &toml::Table, key: &str, path: &Path) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    let Some(t) = table.get(key) else { return Ok(out) };
    let t = t.as_table().ok_or_else(|| format!("{}: [{key}] is not a table", path.display()))?;
    for (k, v) in t {
        let v = v.as_str().ok_or_else(|| format!("{}: {key}.{k} is not a string", path.display()))?;
        out.insert(k.clone(), v.to_owned());
    }
    Ok(out)
}

impl Config {
    /// Reads the file; a missing file is an empty configuration. Unknown tables are errors.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let table: toml::Table = text.parse().map_err(|e| format!("{}: {e}", path.display()))?;
        const KNOWN: &[&str] = &[
            "rename",
            "box",
            "replace",
            "values",
            "groups",
            "defaults",
            "validate",
            "order",
            "payload_tags_first",
            "lead",
            "fields",
            "variant_constructors",
        ];
        if let Some(k) = table.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            return Err(format!("{}: unknown table [{k}]: expected one of {}", path.display(), KNOWN.join(", ")));
        }
        let mut cfg = Config {
            rename: strings(&table, "rename", path)?,
            replace: strings(&table, "replace", path)?,
            values: strings(&table, "values", path)?,
            defaults: strings(&table, "defaults", path)?,
            validate: strings(&table, "validate", path)?,
            field_names: strings(&table, "fields", path)?,
            ..Config::default()
        };
        if let Some(b) = table.get("box").and_then(|v| v.get("fields")).and_then(|v| v.as_array()) {
            cfg.boxed = b.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
        }
        if let Some(b) = table.get("lead").and_then(|v| v.get("fields")).and_then(|v| v.as_array()) {
            cfg.lead = b.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
        }
        if let Some(c) = table.get("variant_constructors") {
            for key in ["hand_written", "refused"] {
                let list = c.get(key).and_then(|v| v.as_array()).into_iter().flatten();
                cfg.no_constructor.extend(list.filter_map(|v| v.as_str().map(str::to_owned)));
            }
        }
        if let Some(t) = table.get("payload_tags_first").and_then(|v| v.get("types")).and_then(|v| v.as_array()) {
            cfg.payload_tags_first = t.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
        }
        if let Some(o) = table.get("order") {
            let o = o.as_table().ok_or_else(|| format!("{}: [order] is not a table", path.display()))?;
            for (k, v) in o {
                let names = v
                    .as_array()
                    .and_then(|a| a.iter().map(|x| x.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>())
                    .ok_or_else(|| format!("{}: order.{k} is not a list of names", path.display()))?;
                cfg.order.insert(k.clone(), names);
            }
        }
        if let Some(g) = table.get("groups") {
            let g = g.as_table().ok_or_else(|| format!("{}: [groups] is not a table", path.display()))?;
            for (k, v) in g {
                let field = |name: &str| {
                    v.get(name)
                        .and_then(|x| x.as_str())
                        .map(str::to_owned)
                        .ok_or_else(|| format!("{}: groups.{k} needs `{name} = \"..\"`", path.display()))
                };
                cfg.groups.insert(k.clone(), Group { ty: field("type")?, field: field("field")? });
            }
        }
        Ok(cfg)
    }

    /// Applies renames and boxing to the named IR; every key must match a type.
    pub fn apply(&self, ir: &mut Ir, live: &[TypeId]) -> Result<(), String> {
        let key = |ir: &Ir, id: TypeId| format!("{}::{}", ir.types[id].module, ir.types[id].name);
        for (from, to) in &self.rename {
            let id = live
                .iter()
                .copied()
                .find(|&id| key(ir, id) == *from)
                .ok_or_else(|| format!("codegen.toml: no type {from} to rename"))?;
            let module = ir.types[id].module.clone();
            if live.iter().any(|&o| ir.types[o].module == module && ir.types[o].name == *to) {
                return Err(format!("codegen.toml: {module}::{to} exists already"));
            }
            ir.types[id].renamed_from = Some(ir.types[id].name.clone());
            ir.types[id].name = to.clone();
        }
        for (from, to) in &self.replace {
            let id = live
                .iter()
                .copied()
                .find(|&id| key(ir, id) == *from)
                .ok_or_else(|| format!("codegen.toml: no type {from} to replace"))?;
            ir.types[id].replaced_by = Some(to.clone());
        }
        for (ty, function) in &self.validate {
            let id = live
                .iter()
                .copied()
                .find(|&id| key(ir, id) == *ty)
                .ok_or_else(|| format!("codegen.toml: no type {ty} to validate"))?;
            ir.types[id].validate = Some(function.clone());
        }
        for ty in &self.payload_tags_first {
            let id = live
                .iter()
                .copied()
                .find(|&id| key(ir, id) == *ty)
                .ok_or_else(|| format!("codegen.toml: no type {ty} for payload_tags_first"))?;
            if !matches!(ir.types[id].kind, Kind::TagEnum { .. }) {
                return Err(format!("codegen.toml: {ty} is not a tag enum (payload_tags_first)"));
            }
            ir.types[id].payload_tags_first = true;
        }
        for path in &self.no_constructor {
            let (ty, method) =
                path.rsplit_once("::").ok_or_else(|| format!("codegen.toml: {path} is not Type::method"))?;
            let id = live
                .iter()
                .copied()
                .find(|&id| key(ir, id) == ty)
                .ok_or_else(|| format!("codegen.toml: no type {ty} for [variant_constructors]"))?;
            if !crate::emit::kind_constructor_names(ir, &ir.types[id]).iter().any(|(m, _)| m == method) {
                return Err(format!("codegen.toml: [variant_constructors] {path} is not a constructor to leave out"));
            }
            ir.types[id].no_constructor.push(method.to_owned());
        }
        let field_at = |ir: &Ir, path: &str| -> Result<(TypeId, usize), String> {
            let (ty, field) = path.rsplit_once('.').ok_or_else(|| format!("codegen.toml: {path} is not Type.field"))?;
            let id = live
                .iter()
                .copied()
                .find(|&id| key(ir, id) == ty)
                .ok_or_else(|| format!("codegen.toml: no type {ty}"))?;
            let Kind::Struct { fields, .. } = &ir.types[id].kind else {
                return Err(format!("codegen.toml: {ty} is not a struct"));
            };
            let at =
                fields.iter().position(|f| f.name == field).ok_or_else(|| format!("codegen.toml: no field {path}"))?;
            Ok((id, at))
        };
        for (path, name) in &self.field_names {
            let (id, at) = field_at(&*ir, path)?;
            let Kind::Struct { fields, .. } = &ir.types[id].kind else { unreachable!("field_at finds struct fields") };
            if fields.iter().any(|f| f.name == *name) {
                return Err(format!("codegen.toml: {path}: the type has a field {name} already"));
            }
            let f = field_mut(ir, (id, at));
            f.renamed_from = Some(std::mem::replace(&mut f.name, name.clone()));
        }
        for (ty, names) in &self.order {
            let id = live
                .iter()
                .copied()
                .find(|&id| key(ir, id) == *ty)
                .ok_or_else(|| format!("codegen.toml: no type {ty} to order"))?;
            let Kind::Struct { fields, .. } = &mut ir.types[id].kind else {
                return Err(format!("codegen.toml: {ty} is not a struct to order"));
            };
            // A child of another namespace is named with the prefix its URI holds
            // (`qemu:commandline` for http://libvirt.org/schemas/domain/qemu/1.0).
            let place = |f: &crate::ir::Field| {
                let (name, ns) = match &f.role {
                    crate::ir::Role::Child { name, ns } => (name.clone(), ns.as_str()),
                    crate::ir::Role::Attribute { name } => (format!("@{name}"), ""),
                    _ => (format!("={}", f.name), ""),
                };
                names
                    .iter()
                    .position(|n| match n.split_once(':') {
                        Some((prefix, local)) => local == name && ns.contains(&format!("/{prefix}/")),
                        None => *n == name && ns.is_empty(),
                    })
                    .ok_or(name)
            };
            if let Some(Err(missing)) = fields.iter().map(place).find(Result::is_err) {
                return Err(format!("codegen.toml: order.\"{ty}\" does not place {missing}"));
            }
            if names.len() != fields.len() {
                return Err(format!(
                    "codegen.toml: order.\"{ty}\" names {} fields, the type has {}",
                    names.len(),
                    fields.len()
                ));
            }
            fields.sort_by_key(|f| place(f).unwrap_or(usize::MAX));
        }
        for path in &self.boxed {
            let at = field_at(&*ir, path)?;
            field_mut(ir, at).boxed = true;
        }
        for path in &self.lead {
            let at = field_at(&*ir, path)?;
            let f = field_mut(ir, at);
            if !matches!(f.role, crate::ir::Role::Flatten) {
                return Err(format!("codegen.toml: {path} is not a flattened group (lead)"));
            }
            f.lead = true;
        }
        Ok(())
    }
}

/// The field `at` of a struct found by `field_at`.
fn field_mut(ir: &mut Ir, (id, at): (TypeId, usize)) -> &mut crate::ir::Field {
    match &mut ir.types[id].kind {
        Kind::Struct { fields, .. } => &mut fields[at],
        _ => unreachable!("field_at finds struct fields"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_that_names_no_type_is_an_error() {
        let dir = std::env::temp_dir().join(format!("codegen-toml-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("codegen.toml");
        std::fs::write(&path, "[rename]\n\"domaincommon::Nothing\" = \"Something\"\n").unwrap();
        let cfg = Config::load(&path).unwrap();
        assert_eq!(cfg.rename.len(), 1);
        let err = cfg.apply(&mut Ir::default(), &[]).unwrap_err();
        assert_eq!(err, "codegen.toml: no type domaincommon::Nothing to rename");
        std::fs::write(&path, "[fields]\n\"nwfilter::Rule.gone\" = \"protocol\"\n").unwrap();
        let cfg = Config::load(&path).unwrap();
        assert_eq!(cfg.field_names.len(), 1);
        let err = cfg.apply(&mut Ir::default(), &[]).unwrap_err();
        assert_eq!(err, "codegen.toml: no type nwfilter::Rule");
        std::fs::write(&path, "[rename\n").unwrap();
        assert!(Config::load(&path).unwrap_err().contains("codegen.toml"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
