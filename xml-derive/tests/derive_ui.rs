//! Misuse of the derives is a compile error pointing at the offending attribute or type.

#[test]
fn derive_compile_errors() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass_basic.rs");
    for case in [
        "no_role",
        "two_roles",
        "unknown_option",
        "repeated_attribute",
        "optional_flatten",
        "enum_without_dispatch",
        "variant_without_value",
        "duplicate_value",
        "bad_pattern",
        "lead_without_flatten",
    ] {
        t.compile_fail(format!("tests/ui/{case}.rs"));
    }
}
