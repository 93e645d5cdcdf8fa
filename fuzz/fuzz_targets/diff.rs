//! `diff` finds nothing between a document and itself and is the same both ways round;
//! `differences` never panics. Two documents are one input split at its first NUL.
#![no_main]

// Each target uses one of the shared properties.
#[allow(dead_code)]
#[path = "../../tests/support/properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = properties::diff_is_symmetric(text);
    }
});
