//! Device documents: the files `virsh attach-device`, `detach-device` and `update-device`
//! take, one device element (`<disk>`, `<hostdev>`, `<interface>`...) as the root, read and
//! written as the [`Device`] it is and checked as it would be inside `<devices>`.
//!
//! `Device` holds the devices `<devices>` may repeat in any order; the ones a domain has at
//! most one of, or keeps apart (`<emulator>`, `<watchdog>`, `<memballoon>`, `<nvram>`,
//! `<panic>`, `<iommu>`, `<vsock>`, `<pstore>`), are fields of `Devices` with their own
//! types: read those with [`crate::from_fragment`]. [`crate::check::Checker`] checks all of
//! them as device documents.

use crate::generated::domaincommon::Device;
use crate::read::{self, ElementChoice, ReadCtx};
use crate::write::{Layout, WriteChoice, Writer};
use crate::{Document, ErrorKind, ReadOptions, Result};

impl Device {
    /// Reads a device document, keeping unknown content.
    ///
    /// ```
    /// use xml_model::prelude::*;
    ///
    /// let text = "<hostdev mode='subsystem' type='usb' managed='yes'>\n  <source>\n    <vendor id='0x0b6d'/>\n    <product id='0x3880'/>\n  </source>\n</hostdev>\n";
    /// let device = Device::from_xml(text)?;
    /// assert!(matches!(device, Device::Hostdev(_)));
    /// assert_eq!(device.to_xml(), text);
    /// # Ok::<(), xml_model::Error>(())
    /// ```
    pub fn from_xml(text: &str) -> Result<Device> {
        Device::from_xml_with(text, ReadOptions::default())
    }

    /// Reads a device document; in strict mode unknown content is an error, and so is what
    /// libvirt's domain schema does not allow for that device.
    pub fn from_xml_with(text: &str, options: ReadOptions) -> Result<Device> {
        Document::<Device>::parse_device(text, options).map(|d| d.root)
    }

    /// The device document in libvirt's style, ending with a newline.
    pub fn to_xml(&self) -> String {
        self.to_xml_with(Layout::AsRead)
    }

    /// The device document with the given layout, ending with a newline.
    pub fn to_xml_with(&self, layout: Layout) -> String {
        let mut w = Writer::with_capacity(512);
        w.set_layout(layout);
        self.write_choice(&mut w);
        let mut out = w.into_string();
        out.push('\n');
        out
    }
}

/// A whole device document: the device and what stands around it (an XML declaration,
/// comments), so that formatting a device file keeps them as it does for a domain.
impl Document<Device> {
    /// Reads a device document whole; see [`Device::from_xml_with`].
    ///
    /// ```
    /// use xml_model::prelude::*;
    /// use xml_model::{Document, ReadOptions};
    ///
    /// let text = "<!-- the data disk -->\n<disk type='file' device='disk'>\n  <source file='/srv/data.img'/>\n  <target dev='vdb' bus='virtio'/>\n</disk>\n";
    /// let doc = Document::<Device>::parse_device(text, ReadOptions::default())?;
    /// assert_eq!(doc.prolog.len(), 1);
    /// assert_eq!(doc.to_device_xml(), text);
    /// # Ok::<(), xml_model::Error>(())
    /// ```
    pub fn parse_device(text: &str, options: ReadOptions) -> Result<Self> {
        let doc = read::parse_document_with(text, &options.limits)?;
        let root = doc.root_element();
        let mut ctx = ReadCtx::new(&doc, options);
        if !Device::accepts_node(root) {
            let found = root.tag_name().name().to_owned();
            let expected = Device::NAMES.join(">, <");
            return Err(ctx.error_at(root, ErrorKind::WrongRoot { found, expected }));
        }
        let device =
            Device::read_choice(root, &mut ctx).map_err(|e| crate::check::in_schema_terms(e, options, &doc, true))?;
        if options.strict {
            crate::check::strict_device_reading(&doc)?;
        }
        Document::around(device, &doc, text, options)
    }

    /// The device document in libvirt's style, what stood around the device included,
    /// ending with a newline.
    pub fn to_device_xml(&self) -> String {
        self.to_device_xml_with(Layout::AsRead)
    }

    /// The device document with the given layout, what stood around the device included.
    pub fn to_device_xml_with(&self, layout: Layout) -> String {
        self.write_around(layout, 512, |device, w| device.write_choice(w))
    }
}
