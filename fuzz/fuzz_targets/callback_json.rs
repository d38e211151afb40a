#![no_main]
// The property is in tests/support/src/fuzz_properties.rs (or src/lib.rs for the Worker), shared with the
// replay of kept inputs.
libfuzzer_sys::fuzz_target!(|data: &[u8]| exotel_connect_fuzz::callback_json(data));
