//! Read (default, strict, recovering) -> write -> read gives the same value; what is written
//! always reads back; reading from a lean tree gives what reading the whole tree gives.
#![no_main]

// Each target uses one of the shared properties.
#[allow(dead_code)]
#[path = "../../tests/support/properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        properties::read_write_read(text);
        properties::lean_reading_matches_whole(text);
    }
});
