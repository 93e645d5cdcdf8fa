//! What an element held beyond its declared fields, and how it was laid out, so that
//! writing it back gives the document that was read.

use crate::any::{AnyAttribute, AnyNode};

/// Everything a typed element keeps beyond its fields: unknown attributes and nodes
/// (comments included) and the order it was read in, when that order is not the one the
/// type writes by itself. Empty, it is one null pointer: nothing is allocated for an
/// element read in canonical order with nothing unknown in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Extras(pub Option<Box<ExtrasInner>>);

/// Read as an option, so that a struct's `extras` may be left out of a JSON or YAML
/// definition (serde reads a missing field as `None` only through `deserialize_option`).
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Extras {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<Box<ExtrasInner>>::deserialize(d).map(Extras)
    }
}

/// The content of non-empty [`Extras`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ExtrasInner {
    /// Attributes the type does not declare, namespace declarations included.
    pub attributes: Vec<AnyAttribute>,
    /// Child nodes the type does not declare: elements, comments, text, processing instructions.
    pub nodes: Vec<AnyNode>,
    /// The order attributes were read in; empty when it was the type's own order.
    pub attribute_order: Vec<Slot>,
    /// The order children were read in; empty when it was the type's own order.
    pub child_order: Vec<Slot>,
    /// How an element with no content was written.
    pub empty: EmptyStyle,
    /// Discriminating attributes that were absent and defaulted (`<disk>` with no `type`):
    /// they stay absent when written back.
    pub absent_tags: Vec<String>,
    /// The namespace prefix the element was read with (`<ns0:commandline>` for libvirt's
    /// `qemu` namespace), empty when it was read in a default namespace
    /// (`<commandline xmlns='..'>`).
    pub prefix: Option<String>,
    /// The quotes of the element's first attribute (or namespace declaration) where they are
    /// not the document's ([`TextStyle::double_quotes`](crate::write::TextStyle::double_quotes)):
    /// `Some(true)` for `"` in a document of `'`, as a hand-edited `<source
    /// bridge="virbr0"/>` is. Its attributes are written back in them when a [`Document`]
    /// is written in [`Layout::AsRead`](crate::write::Layout::AsRead).
    ///
    /// [`Document`]: crate::Document
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub double_quoted: Option<bool>,
    /// The blanks before child nodes where they are not the document's layout (a line break
    /// and a level's indentation more than the element's): `(n, blanks)` for the `n`-th child
    /// (from 0), or before the end tag when `n` is [`END_TAG`](Self::END_TAG). As hand-edited
    /// files have them (`<acpi/><apic/>` on one line), written back so when a [`Document`] is
    /// written in [`Layout::AsRead`](crate::write::Layout::AsRead) and the children in the
    /// order they were read. Taking items out of a list or putting some in
    /// ([`Extras::forget_items`], [`Extras::insert_item`]) forgets all but the end tag's.
    ///
    /// [`Document`]: crate::Document
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Vec::is_empty"))]
    pub gaps: Vec<(u32, String)>,
}

/// One item in a recorded order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub enum Slot {
    /// A declared field, by its rank in the type's canonical order.
    Known(u16),
    /// The n-th unknown attribute or node of [`ExtrasInner`].
    Unknown(u32),
}

/// How an element with no content was spelled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub enum EmptyStyle {
    /// `<x/>`, libvirt's usual form.
    #[default]
    SelfClosing,
    /// `<x />`.
    SpacedSelfClosing,
    /// `<x>` and `</x>` with only this whitespace between them (libvirt writes some empty
    /// elements on two lines).
    OpenClose(String),
}

impl ExtrasInner {
    /// The place in [`ExtrasInner::gaps`] of the blanks before the end tag, whatever the
    /// number of children (one added in code does not take them).
    pub const END_TAG: u32 = u32::MAX;
}

impl Extras {
    /// Nothing beyond the fields.
    pub const fn none() -> Self {
        Extras(None)
    }

    /// True when there is nothing to keep.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The content, when there is any.
    pub fn get(&self) -> Option<&ExtrasInner> {
        self.0.as_deref()
    }

    /// The content, allocated on first use.
    pub fn get_mut(&mut self) -> &mut ExtrasInner {
        self.0.get_or_insert_with(Default::default)
    }

    /// Unknown child nodes (comments included), in the order read.
    pub fn nodes(&self) -> &[AnyNode] {
        self.get().map_or(&[], |x| &x.nodes)
    }

    /// Unknown attributes, in the order read.
    pub fn attributes(&self) -> &[AnyAttribute] {
        self.get().map_or(&[], |x| &x.attributes)
    }

    /// Forgets where items taken out of a list field stood in the recorded order of
    /// children, so that the items left keep their own places among unknown content and
    /// comments (else each would move up into the place of one taken out). `rank` is the
    /// list's (`Devices::DEVICES_RANK`), `removed` the indices the items had in the list,
    /// ascending.
    pub fn forget_items(&mut self, rank: u16, removed: &[usize]) {
        let Some(x) = self.0.as_deref_mut() else { return };
        // The places of the children after them change: their blanks would go to others.
        x.gaps.retain(|(at, _)| *at == ExtrasInner::END_TAG);
        let mut index = 0;
        let mut removed = removed.iter().peekable();
        x.child_order.retain(|slot| {
            if *slot != Slot::Known(rank) {
                return true;
            }
            let gone = removed.next_if_eq(&&index).is_some();
            index += 1;
            !gone
        });
    }

    /// Records the place of an item put into a list at `index` after reading: right after
    /// the item before it (before the first item when `index` is 0), so that the comments and
    /// unknown content read between items stay where they were. `rank` is the list's.
    pub fn insert_item(&mut self, rank: u16, index: usize) {
        let Some(x) = self.0.as_deref_mut() else { return };
        x.gaps.retain(|(at, _)| *at == ExtrasInner::END_TAG);
        let mut seen = 0;
        let at = x.child_order.iter().enumerate().find_map(|(at, slot)| {
            if *slot != Slot::Known(rank) {
                return None;
            }
            if index == 0 {
                return Some(at);
            }
            seen += 1;
            (seen == index).then_some(at + 1)
        });
        // Past the items recorded, it is written after the last of them anyway.
        if let Some(at) = at {
            x.child_order.insert(at, Slot::Known(rank));
        }
    }

    /// Forgets the recorded layout so the element is written in the type's own order;
    /// unknown content stays.
    pub fn forget_order(&mut self) {
        if let Some(x) = &mut self.0 {
            x.attribute_order.clear();
            x.child_order.clear();
            x.gaps.clear();
        }
    }
}

/// The extras of values that keep none.
pub static NO_EXTRAS: Extras = Extras(None);

/// The content of a variant whose discriminating value the model does not know (a newer
/// libvirt's `<disk type='vhostuser'>`): the value, and the element's content as unknown
/// content. Only non-strict reading produces it; validation reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Unrecognized {
    /// The discriminating value as written.
    pub value: String,
    /// Everything else in the element (empty when the variant is a flattened group, whose
    /// element keeps it).
    pub extras: Extras,
}

/// An element with no content of its own (`<readonly/>`, `<acpi/>`): present or not, with
/// whatever unknown content it held kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, crate::Xml)]
#[xml(crate = "crate")]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(crate::JsonSchema))]
pub struct Empty {
    /// Unknown content and layout.
    #[xml(extras)]
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Extras::is_empty"))]
    pub extras: Extras,
}

#[cfg(test)]
mod tests {
    use super::{Extras, ExtrasInner, Slot};

    #[test]
    fn insert_item_puts_an_item_after_the_one_before_it() {
        use Slot::{Known, Unknown};
        let order = || vec![Unknown(0), Known(1), Known(2), Unknown(1), Known(1), Known(3)];
        let with = |index| {
            let mut extras = Extras(Some(Box::new(ExtrasInner { child_order: order(), ..Default::default() })));
            extras.insert_item(1, index);
            extras.get().expect("kept").child_order.clone()
        };
        assert_eq!(with(0), [Unknown(0), Known(1), Known(1), Known(2), Unknown(1), Known(1), Known(3)]);
        assert_eq!(with(1), [Unknown(0), Known(1), Known(1), Known(2), Unknown(1), Known(1), Known(3)]);
        assert_eq!(with(2), [Unknown(0), Known(1), Known(2), Unknown(1), Known(1), Known(1), Known(3)]);
        // Past the recorded items: left to the writer, which puts it after the last of them.
        assert_eq!(with(3), order());
        let mut none = Extras::none();
        none.insert_item(1, 0);
        assert!(none.is_empty());
    }

    #[test]
    fn forget_items_drops_the_places_of_the_items_taken_out() {
        use Slot::{Known, Unknown};
        let order = vec![Unknown(0), Known(1), Known(2), Unknown(1), Known(1), Known(1), Known(3)];
        let mut extras = Extras(Some(Box::new(ExtrasInner { child_order: order, ..Default::default() })));
        extras.forget_items(1, &[0, 2]);
        let left = &extras.get().expect("kept").child_order;
        assert_eq!(left, &[Unknown(0), Known(2), Unknown(1), Known(1), Known(3)]);
        // Nothing recorded, nothing to forget (and nothing is allocated).
        let mut none = Extras::none();
        none.forget_items(1, &[0]);
        assert!(none.is_empty());
    }
}
