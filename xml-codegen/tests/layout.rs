//! What is boxed is decided by estimated sizes (`analyse::size`): these tests hold the
//! estimates to the sizes rustc gives the runtime's value types and the generated types that
//! most documents hold, so that boxing follows what a value really costs.

use std::collections::HashMap;
use std::mem::size_of;

use xml_codegen::analyse;
use xml_codegen::ir::Kind;
use xml_model::generated::{basictypes, cputypes, domaincommon};

/// Every value type `codegen.toml` maps a schema define to, by the path written there.
fn runtime_types() -> Vec<(&'static str, usize)> {
    macro_rules! sizes {
        ($($path:literal => $ty:ty),* $(,)?) => { vec![$(($path, size_of::<$ty>())),*] };
    }
    sizes![
        "crate::Uuid" => xml_model::Uuid,
        "crate::Unit" => xml_model::Unit,
        "crate::CpuSet" => xml_model::CpuSet,
        "crate::MacAddress" => xml_model::MacAddress,
        "crate::Ipv4Address" => xml_model::Ipv4Address,
        "crate::Ipv6Address" => xml_model::Ipv6Address,
        "crate::IpAddress" => xml_model::IpAddress,
        "crate::HexNumber<u32, 4>" => xml_model::HexNumber<u32, 4>,
        "crate::HexNumber<u8, 2>" => xml_model::HexNumber<u8, 2>,
        "crate::PciSlot" => xml_model::PciSlot,
        "crate::PciFunction" => xml_model::PciFunction,
        "crate::HexNumber<u16, 4>" => xml_model::HexNumber<u16, 4>,
        "crate::HexNumber<u8, 1>" => xml_model::HexNumber<u8, 1>,
        "crate::HexNumber<u64, 1>" => xml_model::HexNumber<u64, 1>,
        "crate::Number<u16, crate::AnyBase>" => xml_model::Number<u16, xml_model::AnyBase>,
        "crate::Number<u32, crate::Octal>" => xml_model::Number<u32, xml_model::Octal>,
        "crate::OrVariable<crate::MacAddress>" => xml_model::OrVariable<xml_model::MacAddress>,
        "crate::OrVariable<crate::Ipv4Address>" => xml_model::OrVariable<xml_model::Ipv4Address>,
        "crate::OrVariable<crate::Ipv6Address>" => xml_model::OrVariable<xml_model::Ipv6Address>,
        "crate::OrVariable<crate::Netmask<crate::Ipv4Address>>" => xml_model::OrVariable<xml_model::Netmask<xml_model::Ipv4Address>>,
        "crate::OrVariable<crate::Netmask<crate::Ipv6Address>>" => xml_model::OrVariable<xml_model::Netmask<xml_model::Ipv6Address>>,
        "crate::OrVariable<crate::Number<u16>>" => xml_model::OrVariable<xml_model::Number<u16>>,
        "crate::OrVariable<crate::Number<u32>>" => xml_model::OrVariable<xml_model::Number<u32>>,
        "crate::OrVariable<crate::Number<u8>>" => xml_model::OrVariable<xml_model::Number<u8>>,
        "crate::Number<u32, crate::Base16<8>>" => xml_model::Number<u32, xml_model::Base16<8>>,
        "crate::ScaledInteger" => xml_model::ScaledInteger,
    ]
}

#[test]
fn runtime_value_sizes_are_known_exactly() {
    let cfg = xml_codegen::config::Config::load(&xml_codegen::config_path()).expect("codegen.toml");
    let known: HashMap<_, _> = runtime_types().into_iter().collect();
    let mut wrong = Vec::new();
    let groups = cfg.groups.values().map(|g| &g.ty);
    for path in cfg.values.values().chain(groups) {
        match (analyse::runtime_size(path), known.get(path.as_str())) {
            (None, _) => wrong.push(format!("{path}: not in analyse::RUNTIME_SIZES")),
            (Some(estimate), Some(&real)) if estimate == real => {}
            (Some(estimate), Some(&real)) => wrong.push(format!("{path}: estimated {estimate}, rustc {real}")),
            (Some(_), None) => wrong.push(format!("{path}: not in this test's list (add it)")),
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn estimates_of_the_types_most_documents_hold_are_close() {
    let cfg = xml_codegen::config::Config::load(&xml_codegen::config_path()).expect("codegen.toml");
    let model =
        xml_codegen::model_with(&xml_codegen::schema_dir(), xml_codegen::TOP_LEVEL, &cfg).expect("schemas load");
    let estimate = |module: &str, name: &str| {
        let id = *model
            .live
            .iter()
            .find(|&&t| model.ir.types[t].name == name && model.ir.types[t].module == module)
            .unwrap_or_else(|| panic!("{module}::{name} is generated"));
        assert!(!matches!(model.ir.types[id].kind, Kind::ValueEnum { .. }));
        analyse::size(&model.ir, id, &mut HashMap::new(), &mut Vec::new())
    };
    let real = [
        ("domaincommon", "Domain", size_of::<domaincommon::Domain>()),
        ("domaincommon", "Os", size_of::<domaincommon::Os>()),
        ("domaincommon", "Devices", size_of::<domaincommon::Devices>()),
        ("domaincommon", "Disk", size_of::<domaincommon::Disk>()),
        ("domaincommon", "DiskDriver", size_of::<domaincommon::DiskDriver>()),
        ("domaincommon", "FileSource", size_of::<domaincommon::FileSource>()),
        ("domaincommon", "Address", size_of::<domaincommon::Address>()),
        ("domaincommon", "PciAddress", size_of::<domaincommon::PciAddress>()),
        ("domaincommon", "Controller", size_of::<domaincommon::Controller>()),
        ("domaincommon", "Interface", size_of::<domaincommon::Interface>()),
        ("domaincommon", "Memory", size_of::<domaincommon::Memory>()),
        ("domaincommon", "Clock", size_of::<domaincommon::Clock>()),
        ("cputypes", "Cpu", size_of::<cputypes::Cpu>()),
        ("basictypes", "Metadata", size_of::<basictypes::Metadata>()),
    ];
    let mut off = Vec::new();
    for (module, name, real) in real {
        let est = estimate(module, name);
        // Padding and enum tags kept in niches are not modelled: within a fifth, or 16 bytes.
        let slack = (real / 5).max(16);
        if est.abs_diff(real) > slack {
            off.push(format!("{module}::{name}: estimated {est}, rustc {real}"));
        }
    }
    assert!(off.is_empty(), "{off:#?}");
}
