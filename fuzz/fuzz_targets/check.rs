//! `check` never panics and agrees with strict reading.
#![no_main]

// Each target uses one of the shared properties.
#[allow(dead_code)]
#[path = "../../tests/support/properties.rs"]
mod properties;

thread_local! {
    static CHECKER: std::cell::RefCell<xml_model::check::Checker> = std::cell::RefCell::new(xml_model::check::Checker::new());
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        CHECKER.with(|c| properties::check_agrees_with_strict_reading(&mut c.borrow_mut(), text));
    }
});
