//! RNG patterns to the Rust IR.
//!
//! An element becomes a struct (or, when it holds only a value, that value's type); its
//! content pattern is flattened into fields: attributes, children, text. Choices are
//! classified: values become string enums, elements told apart by name become a choice
//! enum, groups told apart by an attribute value become a tag enum flattened into the
//! owner, and anything else is merged into optional fields (reading accepts every branch;
//! what the branches exclude is the validator's business).

use std::collections::{HashMap, HashSet};

use crate::config::Config;
use crate::ir::*;
use crate::names::{camel, plural, singular, snake};
use crate::rng::{NameClass, PatId, Pattern, Schema};

/// Where lowering is: the owner's names (for naming what has none) and module.
#[derive(Clone)]
struct Ctx {
    path: Vec<String>,
    module: String,
    /// The XML name of the element whose content this is.
    element: String,
}

impl Ctx {
    fn element(&self) -> &str {
        &self.element
    }

    fn owner(&self) -> &str {
        self.path.last().map(String::as_str).unwrap_or("")
    }
    fn hints(&self, base: &str) -> Vec<String> {
        let mut out = vec![base.to_owned()];
        let mut acc = base.to_owned();
        for p in self.path.iter().rev() {
            acc = format!("{p}{acc}");
            out.push(acc.clone());
        }
        out
    }
}

pub struct Lowerer<'a> {
    s: &'a Schema,
    cfg: &'a Config,
    /// The codegen.toml entries used, so that a stale one is an error.
    used_config: HashSet<String>,
    /// What codegen.toml must say and does not (or says wrong).
    config_errors: Vec<String>,
    pub ir: Ir,
    elements: HashMap<PatId, Ty>,
    value_enums: HashMap<(Vec<String>, bool), TypeId>,
    newtypes: HashMap<String, TypeId>,
    choice_enums: HashMap<PatId, TypeId>,
    tag_enums: HashMap<PatId, TypeId>,
    /// The elements whose content each tag enum is, in the order they were met.
    tag_enum_elements: HashMap<TypeId, Vec<String>>,
    merged: HashMap<(TypeId, TypeId), TypeId>,
    /// Merged structs whose fields are still to compute: (merged, from, from).
    deferred: Vec<(TypeId, TypeId, TypeId)>,
    /// Groups being inlined (recursion guard).
    inlining: Vec<PatId>,
    /// Elements being decided as value-only (recursion guard).
    probing: HashSet<PatId>,
}

/// The datatypes of `<data type=..>` that map to integers.
fn number_type(ty: &str) -> Option<&'static str> {
    Some(match ty {
        "unsignedByte" => "u8",
        "unsignedShort" => "u16",
        "unsignedInt" => "u32",
        "unsignedLong" | "positiveInteger" | "nonNegativeInteger" => "u64",
        "byte" | "short" | "int" => "i32",
        "long" | "integer" => "i64",
        _ => return None,
    })
}

/// The integer types, narrowest first, with their bounds.
const INTEGERS: &[(&str, i128, i128)] = &[
    ("u8", 0, u8::MAX as i128),
    ("u16", 0, u16::MAX as i128),
    ("u32", 0, u32::MAX as i128),
    ("u64", 0, u64::MAX as i128),
    ("i32", i32::MIN as i128, i32::MAX as i128),
    ("i64", i64::MIN as i128, i64::MAX as i128),
];

/// The bounds of a Rust integer type.
fn bounds(t: &str) -> (i128, i128) {
    INTEGERS.iter().find(|i| i.0 == t).map_or((i128::MIN, i128::MAX), |i| (i.1, i.2))
}

/// The narrowest Rust integer type holding `[min, max]`.
fn narrowest(min: i128, max: i128) -> &'static str {
    INTEGERS.iter().find(|i| i.1 <= min && max <= i.2).map_or("i64", |i| i.0)
}

/// The widest of two integer types (by the range they hold).
fn widest(a: &'static str, b: &'static str) -> &'static str {
    let (amin, amax) = bounds(a);
    let (bmin, bmax) = bounds(b);
    narrowest(amin.min(bmin), amax.max(bmax))
}

/// A pattern that only says "decimal digits" (`[0-9]+`, `[0-9]{1,2}`): the largest number of
/// digits it allows (`None` for no limit).
fn digits_pattern(p: &str) -> Option<Option<u32>> {
    let rest = p.strip_prefix("[0-9]")?;
    quantified(rest)
}

/// A pattern that says "decimal digits with an optional sign" (`-?[0-9]+`, `(-|\+)?[0-9]+`).
fn signed_digits_pattern(p: &str) -> bool {
    ["-?", "(-|\\+)?", "[+-]?", "[-+]?"]
        .iter()
        .any(|sign| p.strip_prefix(sign).is_some_and(|r| digits_pattern(r).is_some()))
}

/// A pattern that is a choice of words (`(tcp)|(udp)`, `(vepa|bridge|private)`): the words.
fn words_pattern(p: &str) -> Option<Vec<String>> {
    let inner = p.strip_prefix('(').and_then(|r| r.strip_suffix(')')).filter(|r| !r.contains(['(', ')']));
    let body = inner.unwrap_or(p);
    let words: Vec<String> =
        body.split('|').map(|w| w.trim_start_matches('(').trim_end_matches(')').to_owned()).collect();
    let plain = |w: &String| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    (words.len() > 1 && words.iter().all(plain)).then_some(words)
}

/// A hexadecimal-number pattern (`(0x)?[0-9a-fA-F]{1,4}`, `0x[0-9a-fA-F]{1,2}`): the largest
/// number of digits it allows.
fn hex_pattern(p: &str) -> Option<Option<u32>> {
    let rest = p.strip_prefix("(0x)?").or_else(|| p.strip_prefix("0x"))?;
    let rest = ["[0-9a-fA-F]", "[0-9A-Fa-f]", "[0-9a-f]", "[a-fA-F0-9]"].iter().find_map(|c| rest.strip_prefix(c))?;
    quantified(rest)
}

/// The most repetitions a quantifier allows: `+`/`*` none, `{n}` or `{m,n}` n.
fn quantified(q: &str) -> Option<Option<u32>> {
    match q {
        "+" | "*" => Some(None),
        _ => {
            let inner = q.strip_prefix('{')?.strip_suffix('}')?;
            let max = inner.rsplit(',').next()?.trim();
            max.parse().ok().map(Some)
        }
    }
}

/// The integer type that holds `digits` digits of `radix`, unsigned.
fn type_for_digits(digits: Option<u32>, radix: u32) -> &'static str {
    match digits {
        Some(d) => {
            let max = (radix as i128).checked_pow(d).map_or(i128::MAX, |m| m - 1);
            narrowest(0, max)
        }
        None => "u64",
    }
}

/// A number a `<data>` pattern stands for: its integer type, and the facets left for a
/// newtype to check (a digits-only pattern says nothing the number does not).
fn integer_data(ty: &str, params: &[(String, String)]) -> Option<(&'static str, Vec<(String, String)>)> {
    let pattern = params.iter().find(|(k, _)| k == "pattern").map(|(_, v)| v.as_str());
    let (mut t, radix_digits) = match (number_type(ty), pattern) {
        (Some(t), None) => (t, None),
        (Some(t), Some(p)) if signed_digits_pattern(p) => (t, None),
        (Some(t), Some(p)) => (t, Some(digits_pattern(p)?)),
        (None, Some(p)) if ty == "string" && signed_digits_pattern(p) => ("i64", None),
        (None, Some(p)) if ty == "string" => ("u64", Some(digits_pattern(p)?)),
        _ => return None,
    };
    if let Some(digits) = radix_digits {
        t = widest_within(t, type_for_digits(digits, 10));
    }
    let min = params.iter().find(|(k, _)| k == "minInclusive").and_then(|(_, v)| v.trim().parse::<i128>().ok());
    let max = params.iter().find(|(k, _)| k == "maxInclusive").and_then(|(_, v)| v.trim().parse::<i128>().ok());
    let (tmin, tmax) = bounds(t);
    let (lo, hi) = (min.unwrap_or(tmin).max(tmin), max.unwrap_or(tmax).min(tmax));
    let t = narrowest(lo, hi);
    let (nmin, nmax) = bounds(t);
    // Bounds the type does not already give stay as facets.
    let rest: Vec<(String, String)> = params
        .iter()
        .filter(|(k, v)| match k.as_str() {
            "pattern" => false,
            "minInclusive" => v.trim().parse::<i128>().map_or(true, |m| m > nmin),
            "maxInclusive" => v.trim().parse::<i128>().map_or(true, |m| m < nmax),
            _ => true,
        })
        .cloned()
        .collect();
    Some((t, rest))
}

/// The narrower of a datatype's own integer type and what its pattern allows.
fn widest_within(datatype: &'static str, pattern: &'static str) -> &'static str {
    let (amin, amax) = bounds(datatype);
    let (bmin, bmax) = bounds(pattern);
    narrowest(amin.max(bmin), amax.min(bmax))
}

/// The module of a schema file: its name before the first dot (`domaincommon.rng`).
fn module_of(file: &str) -> String {
    file.split('.').next().unwrap_or(file).to_owned()
}

impl<'a> Lowerer<'a> {
    pub fn new(s: &'a Schema, cfg: &'a Config) -> Self {
        let mut ir = Ir::default();
        for scope in &s.scopes {
            for (name, body) in &scope.defines {
                let m = module_of(&s.origins[*body].file);
                let ms = ir.define_modules.entry(name.clone()).or_default();
                if !ms.contains(&m) {
                    ms.push(m);
                }
            }
        }
        Lowerer {
            s,
            cfg,
            used_config: HashSet::new(),
            config_errors: Vec::new(),
            ir,
            elements: HashMap::new(),
            value_enums: HashMap::new(),
            newtypes: HashMap::new(),
            choice_enums: HashMap::new(),
            tag_enums: HashMap::new(),
            tag_enum_elements: HashMap::new(),
            merged: HashMap::new(),
            deferred: Vec::new(),
            inlining: Vec::new(),
            probing: HashSet::new(),
        }
    }

    fn pat(&self, p: PatId) -> &'a Pattern {
        &self.s.patterns[p]
    }

    fn module(&self, p: PatId) -> String {
        module_of(&self.s.origins[p].file)
    }

    /// Follows refs to the pattern they stand for.
    fn deref(&self, mut p: PatId) -> PatId {
        for _ in 0..64 {
            match self.pat(p) {
                Pattern::Ref { scope, name } => p = self.s.resolve(*scope, name),
                _ => return p,
            }
        }
        p
    }

    fn new_type(&mut self, hints: Vec<String>, module: String, doc: String, kind: Kind) -> TypeId {
        self.ir.types.push(TypeDef {
            name: String::new(),
            hints,
            module,
            doc,
            kind,
            root: None,
            replaced_by: None,
            renamed_from: None,
            validate: None,
            payload_tags_first: false,
            no_constructor: Vec::new(),
            patterns: Vec::new(),
            alone: Vec::new(),
            numbered: false,
            defines: Vec::new(),
            element: String::new(),
            content_define: None,
        });
        self.ir.types.len() - 1
    }

    /// Every `[values]`, `[groups]` and `[defaults]` entry of codegen.toml must have been
    /// used: a stale entry is an error, as for renames.
    pub fn check_config(&self) -> Result<(), String> {
        let entries = (self.cfg.values.keys().map(|k| format!("values.{k}")))
            .chain(self.cfg.groups.keys().map(|k| format!("groups.{k}")))
            .chain(self.cfg.defaults.keys().map(|k| format!("defaults.{k}")));
        let stale: Vec<String> = entries.filter(|e| !self.used_config.contains(e)).collect();
        let mut errors = self.config_errors.clone();
        if !stale.is_empty() {
            errors.push(format!("entries that match nothing in the schemas: {}", stale.join(", ")));
        }
        errors.sort();
        errors.dedup();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("codegen.toml: {}", errors.join("; ")))
        }
    }

    /// Lowers a schema's start: its root element(s).
    pub fn root(&mut self, kind: &str, start: PatId) {
        let mut roots = Vec::new();
        self.start_elements(start, &mut roots);
        // Several root elements of one name (`<interface>` of each type): one type whose
        // content is the choice of theirs.
        let same_name = roots.len() > 1
            && roots.iter().all(|r| match (self.pat(*r), self.pat(roots[0])) {
                (Pattern::Element { name: a, .. }, Pattern::Element { name: b, .. }) => a == b,
                _ => false,
            });
        if same_name {
            let Pattern::Element { name: NameClass::Name { local, .. }, .. } = self.pat(roots[0]) else { return };
            let local = local.clone();
            let contents: Vec<PatId> = roots
                .iter()
                .map(|r| match self.pat(*r) {
                    Pattern::Element { content, .. } => *content,
                    _ => unreachable!(),
                })
                .collect();
            let origin = &self.s.origins[roots[0]];
            let doc = format!("`<{local}>` ({}:{})", origin.file, origin.line);
            let ctx = Ctx { path: vec![camel(&local)], module: kind.to_owned(), element: local.clone() };
            let id =
                self.new_type(vec![camel(&local)], kind.to_owned(), doc, Kind::Struct { fields: vec![], extras: true });
            self.ir.types[id].element = local.clone();
            self.ir.types[id].patterns = roots.clone();
            let mut fields = Vec::new();
            self.choice_of(roots[0], contents, false, Occurs::One, &ctx, &mut fields);
            self.resolve_overlaps(&mut fields);
            name_fields(&mut fields, &self.ir);
            self.ir.types[id].kind = Kind::Struct { fields, extras: true };
            self.ir.types[id].root = Some(local.clone());
            self.ir.roots.push((kind.to_owned(), local, id));
            return;
        }
        for el in roots {
            let Pattern::Element { name: NameClass::Name { local, .. }, .. } = self.pat(el) else { continue };
            let local = local.clone();
            let ctx = Ctx { path: vec![], module: self.module(el), element: String::new() };
            if let Ty::Named(id) = self.element_ty(el, &ctx) {
                self.ir.types[id].root = Some(local.clone());
                self.ir.roots.push((kind.to_owned(), local, id));
            }
        }
    }

    fn start_elements(&self, p: PatId, out: &mut Vec<PatId>) {
        match self.pat(self.deref(p)) {
            Pattern::Element { .. } => out.push(self.deref(p)),
            Pattern::Choice(bs) => bs.iter().for_each(|b| self.start_elements(*b, out)),
            _ => {}
        }
    }

    /// Whether a pattern holds only a value (text, data, values; no attribute or element).
    fn value_only(&mut self, p: PatId) -> bool {
        match self.pat(p) {
            Pattern::Text | Pattern::Data { .. } | Pattern::Value { .. } | Pattern::List(_) => true,
            Pattern::Empty | Pattern::NotAllowed => true,
            Pattern::Choice(bs) | Pattern::Group(bs) | Pattern::Interleave(bs) => {
                bs.clone().into_iter().all(|b| self.value_only(b))
            }
            Pattern::Optional(_) | Pattern::ZeroOrMore(_) | Pattern::OneOrMore(_) | Pattern::Mixed(_) => false,
            Pattern::Ref { .. } => {
                let d = self.deref(p);
                if !self.probing.insert(d) {
                    return false;
                }
                let r = self.value_only(d);
                self.probing.remove(&d);
                r
            }
            Pattern::Element { .. } | Pattern::Attribute { .. } => false,
        }
    }

    /// The value of a content that is a value or nothing (`choice(ref UUID, empty)`).
    fn optional_value(&self, p: PatId) -> Option<PatId> {
        let d = self.deref(p);
        if !matches!(self.pat(d), Pattern::Choice(_)) {
            return None;
        }
        let mut bs = Vec::new();
        let mut empty = false;
        self.branches(d, &mut bs, &mut empty, 0);
        match bs.as_slice() {
            [one] if empty && self.value_only_const(*one) => Some(*one),
            _ => None,
        }
    }

    /// [`Lowerer::value_only`] for a pattern that is a datatype, value or ref to one.
    fn value_only_const(&self, p: PatId) -> bool {
        match self.pat(self.deref(p)) {
            Pattern::Data { .. } | Pattern::Value { .. } | Pattern::Text => true,
            Pattern::Choice(bs) => bs.iter().all(|b| self.value_only_const(*b)),
            _ => false,
        }
    }

    /// Whether a pattern allows nothing but emptiness.
    fn is_empty(&self, p: PatId) -> bool {
        match self.pat(self.deref(p)) {
            Pattern::Empty => true,
            Pattern::Group(bs) | Pattern::Interleave(bs) => bs.iter().all(|b| self.is_empty(*b)),
            _ => false,
        }
    }

    /// The type of an element: a struct, or its value's type when it holds only a value.
    fn element_ty(&mut self, el: PatId, ctx: &Ctx) -> Ty {
        if let Some(t) = self.elements.get(&el) {
            return t.clone();
        }
        let Pattern::Element { name, content } = self.pat(el) else { unreachable!() };
        let content = *content;
        let local = match name {
            NameClass::Name { local, .. } => local.clone(),
            NameClass::AnyName => return Ty::Any,
        };
        let define = self.s.define_of.get(&el).cloned();
        if self.is_empty(content) {
            self.elements.insert(el, Ty::Empty);
            return Ty::Empty;
        }
        // A value or nothing (`<genid/>` or `<genid>UUID</genid>`): the element holds an
        // optional value of the value's own type.
        if let Some(inner) = self.optional_value(content) {
            let ty = self.value_ty(inner, &camel(&local), ctx);
            let origin = &self.s.origins[el];
            let doc = format!("`<{local}>` ({}:{})", origin.file, origin.line);
            let mut f = field(Role::Text, Occurs::Optional, ty);
            f.schema = SchemaType(self.schema_type(inner));
            let mut fields = vec![f];
            name_fields(&mut fields, &self.ir);
            let id =
                self.new_type(ctx.hints(&camel(&local)), self.module(el), doc, Kind::Struct { fields, extras: true });
            self.ir.types[id].element = local.clone();
            self.ir.types[id].defines.extend(define);
            self.ir.types[id].patterns.push(el);
            self.elements.insert(el, Ty::Named(id));
            return Ty::Named(id);
        }
        if self.value_only(content) {
            let t = self.value_ty(content, &camel(&local), ctx);
            self.elements.insert(el, t.clone());
            return t;
        }
        let mut hints = ctx.hints(&camel(&local));
        if let Some(d) = &define {
            hints.insert(1, camel(d));
        }
        let origin = &self.s.origins[el];
        let doc = format!("`<{local}>` ({}:{})", origin.file, origin.line);
        let id = self.new_type(hints, self.module(el), doc, Kind::Struct { fields: vec![], extras: true });
        self.ir.types[id].defines.extend(define);
        self.ir.types[id].element = local.clone();
        self.ir.types[id].patterns.push(el);
        if let Pattern::Ref { name, .. } = self.pat(content) {
            if !matches!(self.pat(self.deref(content)), Pattern::Element { .. }) {
                self.ir.types[id].content_define = Some(name.clone());
            }
        }
        self.elements.insert(el, Ty::Named(id));
        let mut inner = ctx.clone();
        inner.path.push(camel(&local));
        inner.module = self.module(el);
        inner.element = local.clone();
        // Groups inlined around this element do not guard its own content.
        let outer = std::mem::take(&mut self.inlining);
        let mut fields = Vec::new();
        self.collect(content, Occurs::One, &inner, &mut fields);
        self.inlining = outer;
        // An element that is nothing but a group the runtime reads as one value
        // (`<currentMemory>` is a `scaledInteger`) is that value.
        if let [Field { role: Role::Flatten, ty: Ty::Runtime(path), .. }] = fields.as_slice() {
            let ty = Ty::Runtime(path.clone());
            self.ir.types[id].kind = Kind::Struct { fields: vec![], extras: true };
            self.ir.types[id].replaced_by = Some(path.clone());
            self.elements.insert(el, ty.clone());
            return ty;
        }
        self.resolve_overlaps(&mut fields);
        name_fields(&mut fields, &self.ir);
        self.ir.types[id].kind = Kind::Struct { fields, extras: true };
        Ty::Named(id)
    }

    /// A choice enum that shares an element name with another field of the struct cannot
    /// tell them apart: its branches become optional child fields, merged with the others.
    fn resolve_overlaps(&mut self, fields: &mut Vec<Field>) {
        loop {
            let names_of = |ir: &Ir, f: &Field| -> Vec<(String, String)> {
                match (&f.role, &f.ty) {
                    (Role::Child { name, ns }, _) => vec![(ns.clone(), name.clone())],
                    (Role::Choice, Ty::Named(id)) => match &ir.types[*id].kind {
                        Kind::ChoiceEnum { variants } => {
                            variants.iter().map(|v| (v.ns.clone(), v.key.clone())).collect()
                        }
                        _ => vec![],
                    },
                    _ => vec![],
                }
            };
            let mut culprit = None;
            'outer: for (i, f) in fields.iter().enumerate() {
                if f.role != Role::Choice {
                    continue;
                }
                let mine = names_of(&self.ir, f);
                for (j, g) in fields.iter().enumerate() {
                    if i != j && names_of(&self.ir, g).iter().any(|n| mine.contains(n)) {
                        culprit = Some(i);
                        break 'outer;
                    }
                }
            }
            let Some(i) = culprit else { return };
            let f = fields.remove(i);
            let Ty::Named(id) = f.ty else { continue };
            let Kind::ChoiceEnum { variants } = self.ir.types[id].kind.clone() else { continue };
            let occurs = if f.occurs == Occurs::Many { Occurs::Many } else { Occurs::Optional };
            for v in variants {
                let child = field(Role::Child { name: v.key, ns: v.ns }, occurs, v.ty);
                self.merge_into(fields, child);
            }
        }
    }

    /// The type of a value pattern (attribute content, text-only element content).
    fn value_ty(&mut self, p: PatId, hint: &str, ctx: &Ctx) -> Ty {
        match self.pat(p) {
            Pattern::Data { ty, params, .. } => {
                if let Some((n, rest)) = integer_data(ty, params) {
                    if rest.is_empty() {
                        return Ty::Number(n);
                    }
                    return self.newtype(Ty::Number(n), &rest, hint, ctx);
                }
                if params.is_empty() {
                    return Ty::String;
                }
                // A pattern that only lists words is a choice of values.
                if let [(k, pattern)] = params.as_slice() {
                    if let Some(words) = words_pattern(pattern).filter(|_| k == "pattern") {
                        return self.value_enum(words, false, vec![hint.to_owned()], ctx);
                    }
                }
                self.newtype(Ty::String, params, hint, ctx)
            }
            Pattern::Value { value, .. } => self.value_enum(vec![value.clone()], false, vec![hint.to_owned()], ctx),
            Pattern::Ref { name, .. } if self.cfg.values.contains_key(name) => {
                self.used_config.insert(format!("values.{name}"));
                Ty::Runtime(self.cfg.values[name].clone())
            }
            Pattern::Ref { scope, name } => {
                let d = self.s.resolve(*scope, name);
                let name = name.clone();
                let ty = self.value_ty(d, &camel(&name), ctx);
                if let Ty::Named(id) = ty {
                    if !self.ir.types[id].defines.contains(&name) {
                        self.ir.types[id].defines.push(name);
                    }
                }
                ty
            }
            Pattern::Choice(_) => {
                let mut values = Vec::new();
                let mut other = false;
                let mut numbers = HashSet::new();
                self.values_of(p, &mut values, &mut other, &mut numbers, &mut Vec::new());
                if values.is_empty() {
                    // Numbers in several spellings (`uint16`: `0x..` or decimal): one number.
                    if !numbers.is_empty() && !other {
                        let mut ts: Vec<&'static str> = numbers.into_iter().collect();
                        ts.sort();
                        return Ty::Number(ts.into_iter().reduce(widest).expect("one"));
                    }
                    return Ty::String;
                }
                let other = other || !numbers.is_empty();
                let mut hints = vec![hint.to_owned()];
                hints.extend(ctx.hints(hint).into_iter().skip(1));
                self.value_enum(values, other, hints, ctx)
            }
            _ => Ty::String,
        }
    }

    fn values_of(
        &self,
        p: PatId,
        values: &mut Vec<String>,
        other: &mut bool,
        numbers: &mut HashSet<&'static str>,
        seen: &mut Vec<PatId>,
    ) {
        if seen.contains(&p) {
            return;
        }
        seen.push(p);
        match self.pat(p) {
            Pattern::Value { value, .. } => {
                if !values.contains(value) {
                    values.push(value.clone());
                }
            }
            Pattern::Choice(bs) => bs.iter().for_each(|b| self.values_of(*b, values, other, numbers, seen)),
            Pattern::Ref { scope, name } => self.values_of(self.s.resolve(*scope, name), values, other, numbers, seen),
            Pattern::Data { ty, params, .. } => {
                let hex = params
                    .iter()
                    .find(|(k, _)| k == "pattern")
                    .filter(|_| ty == "string")
                    .and_then(|(_, p)| hex_pattern(p));
                match (integer_data(ty, params), hex) {
                    (Some((n, _)), _) => {
                        numbers.insert(n);
                    }
                    (None, Some(digits)) => {
                        numbers.insert(type_for_digits(digits, 16));
                    }
                    _ => *other = true,
                }
            }
            Pattern::NotAllowed => {}
            Pattern::Empty => {
                if !values.contains(&String::new()) {
                    values.push(String::new());
                }
            }
            _ => *other = true,
        }
    }

    /// A checked newtype for data with facets; facets the `regex` crate cannot express are
    /// left to the schema (and said in the doc comment).
    fn newtype(&mut self, base: Ty, params: &[(String, String)], hint: &str, ctx: &Ctx) -> Ty {
        let mut pattern = None;
        let (mut min, mut max) = (None, None);
        let mut unchecked = Vec::new();
        for (k, v) in params {
            match k.as_str() {
                "pattern" => match crate::facets::translate(v) {
                    Some(p) => pattern = Some(p),
                    None => unchecked.push(format!("pattern `{v}`")),
                },
                "minInclusive" => min = v.trim().parse::<i128>().ok(),
                "maxInclusive" => max = v.trim().parse::<i128>().ok(),
                other => unchecked.push(format!("{other} {v}")),
            }
        }
        let key = format!("{hint}|{base:?}|{pattern:?}|{min:?}|{max:?}");
        if let Some(id) = self.newtypes.get(&key) {
            return Ty::Named(*id);
        }
        let mut doc = String::from("A value checked by `validate()`");
        if let Some(p) = &pattern {
            doc.push_str(&format!(": it matches `{p}`"));
        }
        if min.is_some() || max.is_some() {
            doc.push_str(&format!(
                ", within {} to {}",
                min.map_or("..".into(), |m| m.to_string()),
                max.map_or("..".into(), |m| m.to_string())
            ));
        }
        if !unchecked.is_empty() {
            doc.push_str(&format!(" (not checked here: {})", unchecked.join(", ")));
        }
        let mut hints = vec![hint.to_owned()];
        hints.extend(ctx.hints(hint).into_iter().skip(1));
        let id = self.new_type(hints, ctx.module.clone(), doc, Kind::Newtype { base, pattern, min, max });
        self.ir.types[id].element = ctx.element().to_owned();
        self.newtypes.insert(key, id);
        Ty::Named(id)
    }

    fn value_enum(&mut self, values: Vec<String>, other: bool, hints: Vec<String>, ctx: &Ctx) -> Ty {
        let key = (values.clone(), other);
        if let Some(id) = self.value_enums.get(&key) {
            return Ty::Named(*id);
        }
        let listed: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
        let doc = format!("One of {}{}", listed.join(", "), if other { ", or other text" } else { "" });
        let id = self.new_type(hints, ctx.module.clone(), doc, Kind::ValueEnum { values, other });
        self.ir.types[id].element = ctx.element().to_owned();
        self.value_enums.insert(key, id);
        Ty::Named(id)
    }

    /// What the schema says a value pattern is (see [`SchemaType`]).
    fn schema_type(&self, p: PatId) -> Option<String> {
        match self.pat(p) {
            Pattern::Ref { name, .. } => Some(name.clone()),
            Pattern::Data { ty, params, .. } if ty == "string" && params.is_empty() => None,
            Pattern::Data { ty, .. } => Some(format!("xsd:{ty}")),
            Pattern::Value { .. } => Some("values".to_owned()),
            Pattern::Choice(bs) => {
                let inner: Vec<Option<String>> = bs.iter().map(|b| self.schema_type(*b)).collect();
                if inner.iter().all(|t| t.as_deref() == Some("values")) {
                    Some("values".to_owned())
                } else {
                    inner.into_iter().flatten().find(|t| t != "values")
                }
            }
            _ => None,
        }
    }

    /// Flattens a content pattern into fields.
    fn collect(&mut self, p: PatId, occ: Occurs, ctx: &Ctx, out: &mut Vec<Field>) {
        match self.pat(p) {
            Pattern::Group(bs) | Pattern::Interleave(bs) => {
                for b in bs.clone() {
                    self.collect(b, occ, ctx, out);
                }
            }
            Pattern::Optional(q) => self.collect(*q, occ.optional(), ctx, out),
            Pattern::ZeroOrMore(q) => self.collect(*q, Occurs::Many, ctx, out),
            Pattern::OneOrMore(q) => {
                let before = out.len();
                self.collect(*q, Occurs::Many, ctx, out);
                if occ == Occurs::One && out.len() == before + 1 {
                    out[before].non_empty = true;
                }
            }
            Pattern::Mixed(q) => {
                add_field(out, field(Role::Text, Occurs::Optional, Ty::String));
                self.collect(*q, occ, ctx, out);
            }
            Pattern::Ref { name, .. } if self.cfg.groups.contains_key(name) => {
                self.used_config.insert(format!("groups.{name}"));
                let group = &self.cfg.groups[name];
                let mut f = field(Role::Flatten, Occurs::One, Ty::Runtime(group.ty.clone()));
                f.name = group.field.clone();
                f.schema = SchemaType(Some(name.clone()));
                add_field(out, f);
            }
            Pattern::Ref { .. } => {
                let d = self.deref(p);
                match self.pat(d) {
                    Pattern::Element { .. } => self.collect(d, occ, ctx, out),
                    _ => {
                        if self.inlining.contains(&d) {
                            return;
                        }
                        self.inlining.push(d);
                        self.collect(d, occ, ctx, out);
                        self.inlining.pop();
                    }
                }
            }
            Pattern::Element { name, content } => {
                let content = *content;
                let ty = self.element_ty(p, ctx);
                let role = match name {
                    NameClass::Name { ns, local } => Role::Child { name: local.clone(), ns: ns.clone() },
                    NameClass::AnyName => Role::Any,
                };
                let occ = if role == Role::Any { Occurs::Many } else { occ };
                let mut f = field(role, occ, ty);
                if self.value_only(content) {
                    f.schema = SchemaType(self.schema_type(content));
                }
                add_field(out, f);
            }
            Pattern::Attribute { name, content } => {
                let NameClass::Name { local, .. } = name else { return }; // any attribute: extras keep it
                let hint = format!("{}{}", ctx.owner(), camel(local));
                let ty = self.value_ty(*content, &hint, ctx);
                let occ = if occ == Occurs::Many { Occurs::Optional } else { occ };
                let mut f = field(Role::Attribute { name: local.clone() }, occ, ty);
                f.schema = SchemaType(self.schema_type(*content));
                add_field(out, f);
            }
            Pattern::Text | Pattern::Data { .. } | Pattern::Value { .. } | Pattern::List(_) => {
                let ty = self.value_ty(p, &format!("{}Value", ctx.owner()), ctx);
                let occ = if occ == Occurs::Many { Occurs::Optional } else { occ };
                let mut f = field(Role::Text, occ, ty);
                f.schema = SchemaType(self.schema_type(p));
                add_field(out, f);
            }
            Pattern::Empty | Pattern::NotAllowed => {}
            Pattern::Choice(_) => self.choice(p, occ, ctx, out),
        }
    }

    /// The branches of a choice, nested choices and refs to choices flattened; whether one
    /// branch is empty.
    fn branches(&self, p: PatId, out: &mut Vec<PatId>, empty: &mut bool, depth: u32) {
        if depth > 32 {
            return;
        }
        match self.pat(p) {
            Pattern::Choice(bs) => bs.iter().for_each(|b| self.branches(*b, out, empty, depth + 1)),
            Pattern::Ref { .. } => {
                let d = self.deref(p);
                match self.pat(d) {
                    Pattern::Choice(_) | Pattern::Optional(_) | Pattern::NotAllowed | Pattern::Empty => {
                        self.branches(d, out, empty, depth + 1)
                    }
                    _ => out.push(p),
                }
            }
            Pattern::NotAllowed => {}
            Pattern::Empty => *empty = true,
            Pattern::Optional(q) => {
                *empty = true;
                self.branches(*q, out, empty, depth + 1);
            }
            _ => out.push(p),
        }
    }

    fn choice(&mut self, p: PatId, occ: Occurs, ctx: &Ctx, out: &mut Vec<Field>) {
        let mut bs = Vec::new();
        let mut empty = false;
        self.branches(p, &mut bs, &mut empty, 0);
        self.choice_of(p, bs, empty, occ, ctx, out)
    }

    /// Lowers the branches `bs` of a choice (memoised under `p`).
    fn choice_of(&mut self, p: PatId, bs: Vec<PatId>, empty: bool, occ: Occurs, ctx: &Ctx, out: &mut Vec<Field>) {
        let outer = occ;
        let occ = if empty { occ.optional() } else { occ };
        if bs.is_empty() {
            return;
        }
        if bs.len() == 1 {
            return self.collect(bs[0], occ, ctx, out);
        }
        if bs.iter().all(|b| self.value_only(*b)) && matches!(self.pat(p), Pattern::Choice(_)) {
            let ty = self.value_ty(p, &format!("{}Value", ctx.owner()), ctx);
            let occ = if occ == Occurs::Many { Occurs::Optional } else { occ };
            add_field(out, field(Role::Text, occ, ty));
            return;
        }
        // Elements told apart by name.
        let els: Vec<Option<PatId>> = bs.iter().map(|b| self.single_element(*b)).collect();
        if els.iter().all(Option::is_some) {
            let els: Vec<PatId> = els.into_iter().map(Option::unwrap).collect();
            let mut names = HashSet::new();
            let distinct = els.iter().all(|e| match self.pat(*e) {
                Pattern::Element { name: NameClass::Name { local, ns }, .. } => {
                    names.insert((ns.clone(), local.clone()))
                }
                _ => false,
            });
            let clash = out
                .iter()
                .any(|f| matches!(&f.role, Role::Child { name, ns } if names.contains(&(ns.clone(), name.clone()))));
            if distinct && !clash {
                let id = self.choice_enum(p, &els, ctx, occ, &[]);
                add_field(out, field(Role::Choice, occ, Ty::Named(id)));
                return;
            }
            // Elements of one name told apart by an attribute one of them requires and the
            // others do not have.
            if !clash {
                if let Some(selectors) = self.attribute_selectors(&els) {
                    let id = self.choice_enum(p, &els, ctx, occ, &selectors);
                    add_field(out, field(Role::Choice, occ, Ty::Named(id)));
                    return;
                }
            }
        }
        // Groups told apart by an attribute value, in a place that is always there. An empty
        // branch beside them is the default branch with nothing in it, when that can be empty.
        if outer == Occurs::One {
            if let Some(id) = self.tag_enum(p, &bs, ctx, empty) {
                add_field(out, field(Role::Flatten, Occurs::One, Ty::Named(id)));
                return;
            }
        }
        // Otherwise every branch's fields, optional.
        for b in bs {
            let o = if occ == Occurs::Many { Occurs::Many } else { Occurs::Optional };
            let mut part = Vec::new();
            self.collect(b, o, ctx, &mut part);
            for mut f in part {
                if f.occurs == Occurs::One {
                    f.occurs = Occurs::Optional;
                }
                f.non_empty = false;
                self.merge_into(out, f);
            }
        }
    }

    /// The element a branch is, when it is exactly one element.
    fn single_element(&self, b: PatId) -> Option<PatId> {
        let d = self.deref(b);
        match self.pat(d) {
            Pattern::Element { name: NameClass::Name { .. }, .. } => Some(d),
            _ => None,
        }
    }

    /// The attributes (name, required) an element's content may have, outside its children.
    fn attributes_of(&self, p: PatId, required: bool, out: &mut Vec<(String, bool)>, depth: u32) {
        if depth > 32 {
            return;
        }
        match self.pat(p) {
            Pattern::Group(bs) | Pattern::Interleave(bs) => {
                bs.iter().for_each(|b| self.attributes_of(*b, required, out, depth + 1))
            }
            Pattern::Choice(bs) => bs.iter().for_each(|b| self.attributes_of(*b, false, out, depth + 1)),
            Pattern::Optional(q) | Pattern::ZeroOrMore(q) => self.attributes_of(*q, false, out, depth + 1),
            Pattern::OneOrMore(q) | Pattern::Mixed(q) => self.attributes_of(*q, required, out, depth + 1),
            Pattern::Ref { .. } => {
                let d = self.deref(p);
                if !matches!(self.pat(d), Pattern::Element { .. }) {
                    self.attributes_of(d, required, out, depth + 1);
                }
            }
            Pattern::Attribute { name: NameClass::Name { local, .. }, .. } => out.push((local.clone(), required)),
            Pattern::Attribute { name: NameClass::AnyName, .. } => out.push(("*".to_owned(), false)),
            _ => {}
        }
    }

    /// For a choice of elements where some share a name: the attribute that selects each of
    /// them (required by it, absent from the others of its name); one of each name may have
    /// none and is read when no other matches. `None` when they cannot be told apart so.
    fn attribute_selectors(&self, els: &[PatId]) -> Option<Vec<Option<String>>> {
        let info: Vec<(String, Vec<(String, bool)>)> = els
            .iter()
            .map(|e| match self.pat(*e) {
                Pattern::Element { name: NameClass::Name { local, .. }, content } => {
                    let mut attrs = Vec::new();
                    self.attributes_of(*content, true, &mut attrs, 0);
                    Some((local.clone(), attrs))
                }
                _ => None,
            })
            .collect::<Option<_>>()?;
        let mut selectors = Vec::new();
        for (i, (name, attrs)) in info.iter().enumerate() {
            let others: Vec<&Vec<(String, bool)>> =
                info.iter().enumerate().filter(|(j, o)| *j != i && o.0 == *name).map(|(_, o)| &o.1).collect();
            if others.is_empty() {
                selectors.push(None);
                continue;
            }
            let selector = attrs
                .iter()
                .filter(|(_, req)| *req)
                .map(|(a, _)| a)
                .find(|a| others.iter().all(|o| !o.iter().any(|(b, _)| b == *a || b == "*")));
            selectors.push(selector.cloned());
        }
        // At most one element of each name without a selector.
        for (i, (name, _)) in info.iter().enumerate() {
            let fallbacks = info.iter().zip(&selectors).filter(|((n, _), s)| n == name && s.is_none()).count();
            if fallbacks > 1 && info.iter().filter(|(n, _)| n == name).count() > 1 {
                let _ = i;
                return None;
            }
        }
        Some(selectors)
    }

    fn choice_enum(&mut self, p: PatId, els: &[PatId], ctx: &Ctx, occ: Occurs, selectors: &[Option<String>]) -> TypeId {
        if let Some(id) = self.choice_enums.get(&p) {
            return *id;
        }
        // A choice that is a define's body is named after it wherever it is used, so the
        // same choice reached from different documents gets the same name.
        let base = match (self.s.define_of.get(&p), occ, singular(&snake(ctx.owner()))) {
            (Some(d), _, _) => camel(d),
            (None, Occurs::Many, Some(s)) => camel(&s),
            _ => format!("{}{PLACEHOLDER_CHOICE}", ctx.owner()),
        };
        let doc = format!("A child element of `<{}>` told apart by its name", ctx.element());
        let id = self.new_type(ctx.hints(&base), ctx.module.clone(), doc, Kind::ChoiceEnum { variants: vec![] });
        self.ir.types[id].element = ctx.element().to_owned();
        self.ir.types[id].defines.extend(self.s.define_of.get(&p).cloned());
        self.choice_enums.insert(p, id);
        let mut variants = Vec::new();
        for (i, e) in els.iter().enumerate() {
            let Pattern::Element { name: NameClass::Name { local, ns }, .. } = self.pat(*e) else { unreachable!() };
            let (local, ns) = (local.clone(), ns.clone());
            let ty = self.element_ty(*e, ctx);
            let if_attribute = selectors.get(i).cloned().flatten();
            variants.push(Variant {
                name: camel(&local),
                key: local,
                ns,
                ty,
                default: false,
                absent: false,
                if_attribute,
                boxed: false,
            });
        }
        // Those selected by an attribute are tried first; the one of a name without comes last.
        variants.sort_by_key(|v| v.if_attribute.is_none() && selectors.iter().any(Option::is_some));
        name_shared_variants(&mut variants);
        dedupe_variant_names(&mut variants);
        self.ir.types[id].kind = Kind::ChoiceEnum { variants };
        id
    }

    /// Whether a pattern matches nothing at all (no attribute, element or text).
    fn nullable(&self, p: PatId, depth: u32) -> bool {
        if depth > 32 {
            return false;
        }
        match self.pat(p) {
            Pattern::Empty | Pattern::Text | Pattern::Optional(_) | Pattern::ZeroOrMore(_) => true,
            Pattern::Group(bs) | Pattern::Interleave(bs) => bs.iter().all(|b| self.nullable(*b, depth + 1)),
            Pattern::Choice(bs) => bs.iter().any(|b| self.nullable(*b, depth + 1)),
            Pattern::OneOrMore(q) | Pattern::Mixed(q) => self.nullable(*q, depth + 1),
            Pattern::Ref { .. } => self.nullable(self.deref(p), depth + 1),
            _ => false,
        }
    }

    /// A tag enum built as one element's content is met as another's (`diskSource` is the
    /// content of `<dataStore>` and of `<disk>`): its docs and its payloads' name them all,
    /// not only the first.
    fn also_content_of(&mut self, id: TypeId, element: &str) {
        let Some(elements) = self.tag_enum_elements.get_mut(&id) else { return };
        if element.is_empty() || elements.iter().any(|e| e == element) {
            return;
        }
        let old = format!("The content of {}", crate::docs::element_list(elements));
        elements.push(element.to_owned());
        let new = format!("The content of {}", crate::docs::element_list(elements));
        let mut types = vec![id];
        if let Kind::TagEnum { variants, .. } = &self.ir.types[id].kind {
            types.extend(variants.iter().filter_map(|v| match v.ty {
                Ty::Named(t) => Some(t),
                _ => None,
            }));
        }
        // Values that share a payload (`'fifo' or 'rr'`) name it once each.
        types.sort_unstable();
        types.dedup();
        for t in types {
            let doc = &mut self.ir.types[t].doc;
            *doc = doc.replacen(&old, &new, 1);
        }
    }

    /// The attribute every branch fixes to its own values, if there is one. With `empty`,
    /// the choice also allows nothing, which the branch taken when the attribute is absent
    /// must then allow too.
    ///
    /// When the attribute is absent the default branch is taken: the one branch where it is
    /// optional and has one value, or else the value codegen.toml's `[defaults]` names
    /// (`module::element@attribute`), libvirt's own default.
    fn tag_enum(&mut self, p: PatId, bs: &[PatId], ctx: &Ctx, empty: bool) -> Option<TypeId> {
        if let Some(&id) = self.tag_enums.get(&p) {
            self.also_content_of(id, ctx.element());
            return Some(id);
        }
        let mut candidates: Option<Vec<String>> = None;
        let mut per_branch = Vec::new();
        for b in bs {
            let mut tags = Vec::new();
            self.fixed_attributes(*b, false, &mut tags, 0);
            let names: Vec<String> = tags.iter().map(|t| t.0.clone()).collect();
            candidates = Some(match candidates {
                None => names,
                Some(c) => c.into_iter().filter(|n| names.contains(n)).collect(),
            });
            per_branch.push(tags);
        }
        let attr = candidates?.into_iter().next()?;
        let mut seen = HashSet::new();
        let mut defaults = 0;
        let mut plan = Vec::new();
        for (b, tags) in bs.iter().zip(&per_branch) {
            let (_, values, optional) = tags.iter().find(|t| t.0 == attr)?;
            for v in values {
                if !seen.insert(v.clone()) {
                    return None;
                }
            }
            defaults += usize::from(*optional);
            plan.push((*b, values.clone(), *optional));
        }
        // Which value an absent attribute stands for.
        let key = format!("{}::{}@{attr}", ctx.module, ctx.element());
        let configured = self.cfg.defaults.get(&key).cloned();
        let first_optional = plan.iter().find(|(_, _, o)| *o).map(|(_, values, _)| values.clone());
        let absent_variant = configured.as_deref() == Some("") && defaults == 1;
        let default_value: Option<String> = match (&configured, first_optional) {
            (Some(v), _) if v.is_empty() && defaults == 1 => {
                self.used_config.insert(format!("defaults.{key}"));
                None
            }
            (Some(v), _) if plan.iter().any(|(_, values, _)| values.contains(v)) => {
                self.used_config.insert(format!("defaults.{key}"));
                Some(v.clone())
            }
            (Some(v), _) => {
                self.config_errors.push(format!("defaults.\"{key}\" = \"{v}\" is not a value of `{attr}`"));
                None
            }
            (None, None) => None,
            (None, Some(values)) => {
                if defaults > 1 || values.len() > 1 {
                    self.config_errors.push(format!(
                        "<{}> may leave out `{attr}` on several branches: say which one libvirt takes in \
                         [defaults] \"{key}\"",
                        ctx.element()
                    ));
                }
                Some(values[0].clone())
            }
        };
        if empty {
            let default_branch = plan.iter().find(|(_, values, optional)| {
                default_value.as_ref().is_some_and(|d| values.contains(d)) || (absent_variant && *optional)
            });
            match default_branch {
                Some((b, _, _)) if self.nullable(*b, 0) => {}
                _ => return None,
            }
        }
        let doc = format!("The content of `<{}>` told apart by its `{attr}` attribute", ctx.element());
        let base = match self.s.define_of.get(&p) {
            Some(d) => camel(d),
            None => format!("{}{}", ctx.owner(), camel(&attr)),
        };
        let id = self.new_type(
            ctx.hints(&base),
            ctx.module.clone(),
            doc,
            Kind::TagEnum { attribute: attr.clone(), variants: vec![] },
        );
        self.ir.types[id].defines.extend(self.s.define_of.get(&p).cloned());
        self.ir.types[id].element = ctx.element().to_owned();
        self.tag_enums.insert(p, id);
        self.tag_enum_elements.insert(id, vec![ctx.element().to_owned()]);
        let mut variants = Vec::new();
        for (b, values, optional) in plan {
            let mut fields = Vec::new();
            // Types inside a variant are named after it (`HostdevUsbSource`).
            let mut branch_ctx = ctx.clone();
            branch_ctx.path.push(camel(&values[0]));
            self.collect(b, Occurs::One, &branch_ctx, &mut fields);
            fields.retain(|f| !matches!(&f.role, Role::Attribute { name } if *name == attr));
            self.resolve_overlaps(&mut fields);
            name_fields(&mut fields, &self.ir);
            let first = values[0].clone();
            let vdoc = format!("The content of `<{}>` when `{attr}` is '{}'", ctx.element(), values.join("' or '"));
            let payload = self.new_type(
                ctx.hints(&format!("{base}{}", camel(&first))),
                ctx.module.clone(),
                vdoc,
                Kind::Struct { fields, extras: false },
            );
            self.ir.types[payload].element = ctx.element().to_owned();
            for v in &values {
                variants.push(Variant {
                    name: camel(v),
                    key: v.clone(),
                    ns: String::new(),
                    ty: Ty::Named(payload),
                    default: default_value.as_ref() == Some(v),
                    absent: false,
                    if_attribute: None,
                    boxed: false,
                });
            }
            // The attribute left out, where libvirt leaves the choice to the hypervisor.
            if absent_variant && optional {
                let name = if values.iter().any(|v| camel(v) == "Default") { "Unset" } else { "Default" };
                variants.push(Variant {
                    name: name.to_owned(),
                    key: String::new(),
                    ns: String::new(),
                    ty: Ty::Named(payload),
                    default: false,
                    absent: true,
                    if_attribute: None,
                    boxed: false,
                });
            }
        }
        dedupe_variant_names(&mut variants);
        self.ir.types[id].kind = Kind::TagEnum { attribute: attr, variants };
        Some(id)
    }

    /// Attributes a branch gives fixed values (name, values, optional).
    fn fixed_attributes(&self, p: PatId, optional: bool, out: &mut Vec<(String, Vec<String>, bool)>, depth: u32) {
        if depth > 16 {
            return;
        }
        match self.pat(p) {
            Pattern::Group(bs) | Pattern::Interleave(bs) => {
                bs.iter().for_each(|b| self.fixed_attributes(*b, optional, out, depth + 1))
            }
            Pattern::Optional(q) => self.fixed_attributes(*q, true, out, depth + 1),
            Pattern::Ref { .. } => {
                let d = self.deref(p);
                if !matches!(self.pat(d), Pattern::Element { .. }) {
                    self.fixed_attributes(d, optional, out, depth + 1);
                }
            }
            Pattern::Attribute { name: NameClass::Name { local, .. }, content } => {
                let mut values = Vec::new();
                let mut other = false;
                let mut numbers = HashSet::new();
                self.values_of(*content, &mut values, &mut other, &mut numbers, &mut Vec::new());
                if !values.is_empty() && !other && numbers.is_empty() {
                    out.push((local.clone(), values, optional));
                }
            }
            _ => {}
        }
    }

    /// Adds a field from a choice branch, merging with a same-named one.
    fn merge_into(&mut self, out: &mut Vec<Field>, f: Field) {
        if let Some(e) = out.iter_mut().find(|e| same_slot(e, &f)) {
            let (a, b) = (e.ty.clone(), f.ty.clone());
            let ty = self.unify(a, b);
            e.ty = ty;
            e.occurs = e.occurs.join(f.occurs);
            if e.occurs == Occurs::One {
                e.occurs = Occurs::Optional;
            }
            return;
        }
        out.push(f);
    }

    /// One type for two that share a place.
    fn unify(&mut self, a: Ty, b: Ty) -> Ty {
        if a == b {
            return a;
        }
        match (&a, &b) {
            (Ty::Named(x), Ty::Named(y)) => {
                let (x, y) = (*x, *y);
                let kinds = (&self.ir.types[x].kind, &self.ir.types[y].kind);
                match kinds {
                    (Kind::Struct { .. }, Kind::Struct { .. }) => Ty::Named(self.merge_structs(x, y)),
                    (Kind::ValueEnum { values: va, other: oa }, Kind::ValueEnum { values: vb, other: ob }) => {
                        let mut values = va.clone();
                        for v in vb {
                            if !values.contains(v) {
                                values.push(v.clone());
                            }
                        }
                        let other = *oa || *ob;
                        let hints = self.ir.types[x].hints.clone();
                        let ctx = Ctx { path: vec![], module: self.ir.types[x].module.clone(), element: String::new() };
                        self.value_enum(values, other, hints, &ctx)
                    }
                    _ => Ty::Any,
                }
            }
            (Ty::Empty, Ty::Named(x)) | (Ty::Named(x), Ty::Empty)
                if matches!(self.ir.types[*x].kind, Kind::Struct { .. }) =>
            {
                Ty::Named(self.merge_structs(*x, *x))
            }
            (Ty::Named(_), _) | (_, Ty::Named(_)) | (Ty::Any, _) | (_, Ty::Any) | (Ty::Empty, _) | (_, Ty::Empty) => {
                Ty::Any
            }
            _ => Ty::String,
        }
    }

    /// A struct holding both structs' fields, all optional. Its fields are computed in
    /// [`Lowerer::finish`], when both structs are complete (one may be in the making: a
    /// recursive element merged with its own empty form).
    fn merge_structs(&mut self, x: TypeId, y: TypeId) -> TypeId {
        if let Some(id) = self.merged.get(&(x, y)) {
            return *id;
        }
        let hints = self.ir.types[x].hints.clone();
        let module = self.ir.types[x].module.clone();
        let doc = self.ir.types[x].doc.clone();
        let id = self.new_type(hints, module, doc, Kind::Struct { fields: vec![], extras: true });
        self.ir.types[id].element = self.ir.types[x].element.clone();
        let mut defines = self.ir.types[x].defines.clone();
        for d in self.ir.types[y].defines.clone() {
            if !defines.contains(&d) {
                defines.push(d);
            }
        }
        self.ir.types[id].defines = defines;
        let patterns = [self.ir.types[x].patterns.clone(), self.ir.types[y].patterns.clone()].concat();
        self.ir.types[id].patterns = patterns;
        self.merged.insert((x, y), id);
        self.deferred.push((id, x, y));
        id
    }

    /// Computes the merged structs, including those that merging creates.
    pub fn finish(&mut self) {
        let mut done = 0;
        while done < self.deferred.len() {
            let (id, x, y) = self.deferred[done];
            done += 1;
            self.compute_merge(id, x, y);
        }
    }

    fn compute_merge(&mut self, id: TypeId, x: TypeId, y: TypeId) {
        let fa = match &self.ir.types[x].kind {
            Kind::Struct { fields, .. } => fields.clone(),
            _ => unreachable!(),
        };
        let fb = match &self.ir.types[y].kind {
            Kind::Struct { fields, .. } => fields.clone(),
            _ => unreachable!(),
        };
        let mut out: Vec<Field> = Vec::new();
        for mut f in fa.into_iter().chain(fb) {
            if f.occurs == Occurs::One && f.role != Role::Flatten {
                f.occurs = Occurs::Optional;
            }
            f.non_empty = false;
            if let Some(e) = out.iter_mut().find(|e| same_slot(e, &f)) {
                if e.ty != f.ty {
                    let (a, b) = (e.ty.clone(), f.ty.clone());
                    e.ty = self.unify(a, b);
                }
                e.occurs = e.occurs.join(f.occurs);
            } else {
                out.push(f);
            }
        }
        // A flattened tag enum cannot be optional: merged structs keep only one.
        let mut flat = 0;
        out.retain(|f| {
            f.role != Role::Flatten || {
                flat += 1;
                flat == 1
            }
        });
        self.resolve_overlaps(&mut out);
        name_fields(&mut out, &self.ir);
        self.ir.types[id].kind = Kind::Struct { fields: out, extras: true };
    }
}

fn field(role: Role, occurs: Occurs, ty: Ty) -> Field {
    Field {
        name: String::new(),
        role,
        occurs,
        ty,
        boxed: false,
        non_empty: false,
        lead: false,
        renamed_from: None,
        schema: SchemaType::default(),
    }
}

/// Whether two fields are the same XML item.
fn same_slot(a: &Field, b: &Field) -> bool {
    match (&a.role, &b.role) {
        (Role::Attribute { name: x }, Role::Attribute { name: y }) => x == y,
        (Role::Child { name: x, ns: m }, Role::Child { name: y, ns: n }) => x == y && m == n,
        (Role::Text, Role::Text) | (Role::Any, Role::Any) => true,
        (Role::Choice, Role::Choice) | (Role::Flatten, Role::Flatten) => a.ty == b.ty,
        _ => false,
    }
}

/// Adds a field of one sequence: a repeated item becomes a list.
fn add_field(out: &mut Vec<Field>, f: Field) {
    if let Some(e) = out.iter_mut().find(|e| same_slot(e, &f)) {
        if e.ty != f.ty {
            // Same name, different content in one sequence: keep it whole.
            e.ty = Ty::Any;
        }
        e.occurs = match (&e.role, e.occurs, f.occurs) {
            (Role::Attribute { .. } | Role::Text, a, b) => a.join(b).min(Occurs::Optional),
            _ => Occurs::Many,
        };
        e.non_empty = false;
        return;
    }
    out.push(f);
}

/// Rust names for fields, unique within the struct.
pub fn name_fields(fields: &mut [Field], ir: &Ir) {
    let mut used: HashSet<String> = HashSet::new();
    for f in fields.iter_mut() {
        let base = match &f.role {
            _ if !f.name.is_empty() => f.name.clone(),
            Role::Attribute { name } => snake(name),
            Role::Child { name, ns } if !ns.is_empty() => {
                let n = snake(&format!("{}_{name}", crate::emit::ns_prefix(ns)));
                if f.occurs == Occurs::Many {
                    plural(&n)
                } else {
                    n
                }
            }
            Role::Child { name, .. } if f.occurs == Occurs::Many => plural(&snake(name)),
            Role::Child { name, .. } => snake(name),
            Role::Text => "value".to_owned(),
            Role::Any => "elements".to_owned(),
            Role::Flatten => match &f.ty {
                Ty::Named(id) => match &ir.types[*id].kind {
                    Kind::TagEnum { attribute, .. } => snake(attribute),
                    _ => "group".to_owned(),
                },
                _ => "group".to_owned(),
            },
            Role::Choice => match &f.ty {
                Ty::Named(id) => choice_field_name(ir, *id, f.occurs),
                _ => "choice".to_owned(),
            },
        };
        // Beside a child of its attribute's name (`<model>` and `@model` of a PCI controller),
        // the content an attribute tells apart is the kind.
        let tag_enum = matches!(&f.ty, Ty::Named(id) if matches!(ir.types[*id].kind, Kind::TagEnum { .. }));
        let suffix = match &f.role {
            Role::Attribute { .. } => "_attribute",
            Role::Child { .. } => "_element",
            Role::Flatten if tag_enum => "_kind",
            _ => "_content",
        };
        let mut name = base.clone();
        while used.contains(&name) || name == "extras" {
            name.push_str(suffix);
        }
        used.insert(name.clone());
        f.name = name;
    }
}

/// The end of the name a choice of elements takes from where it was met, when it has no
/// define to be named after and no list to be the singular of.
const PLACEHOLDER_CHOICE: &str = "Choice";

/// The field of a choice of child elements. A choice named only after where it was first
/// met (`floppy_choice`, from the first branch of `<disk>` that has it) is named after its
/// few elements instead: `throttlefilters_or_iotune`, `caches_and_monitors`, `domain`.
fn choice_field_name(ir: &Ir, id: TypeId, occurs: Occurs) -> String {
    let t = &ir.types[id];
    let many = occurs == Occurs::Many;
    let mut elements: Vec<&str> = Vec::new();
    if let Kind::ChoiceEnum { variants } = &t.kind {
        for v in variants {
            if !elements.contains(&v.key.as_str()) {
                elements.push(&v.key);
            }
        }
    }
    let placeholder = t.defines.is_empty() && t.hints[0].ends_with(PLACEHOLDER_CHOICE);
    if placeholder && (1..=3).contains(&elements.len()) {
        let names: Vec<String> = elements.iter().map(|e| if many { plural(&snake(e)) } else { snake(e) }).collect();
        return names.join(if many { "_and_" } else { "_or_" });
    }
    let h = snake(&t.hints[0]);
    if many {
        plural(&h)
    } else {
        h
    }
}

/// Variants of one element name: the one selected by no attribute is the short form that
/// refers to the whole (`DomainReference`: the snapshot's `<domain>` of only a UUID).
fn name_shared_variants(vs: &mut [Variant]) {
    let keys: Vec<String> = vs.iter().map(|v| v.key.clone()).collect();
    for v in vs.iter_mut() {
        let shared = keys.iter().filter(|k| **k == v.key).count() > 1;
        if shared && v.if_attribute.is_none() {
            v.name = format!("{}Reference", v.name);
        }
    }
}

fn dedupe_variant_names(vs: &mut [Variant]) {
    let mut used = HashSet::new();
    for v in vs.iter_mut() {
        let mut name = v.name.clone();
        if !used.insert(name.clone()) {
            name = format!("{}{}", v.name, camel(v.ns.rsplit('/').nth(1).unwrap_or("Other")));
            used.insert(name.clone());
        }
        v.name = name;
    }
}
