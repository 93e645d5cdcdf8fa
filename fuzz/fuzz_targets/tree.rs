//! The document tree's own pass over the bytes and roxmltree agree on every input:
//! the same tree, or the same error.
#![no_main]

#[allow(dead_code)]
#[path = "../../tests/support/properties.rs"]
mod properties;

use xml_model::Limits;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let small = Limits { max_attributes: 3, max_depth: 4, max_text: 40, ..Limits::default() };
        for (allow_dtd, limits) in [(false, Limits::default()), (true, Limits::default()), (false, small)] {
            if let Err(e) = properties::tree_same_both_ways(text, allow_dtd, &limits) {
                panic!("the two parsers differ (dtd {allow_dtd}, {limits:?}): {e}");
            }
        }
    }
});
