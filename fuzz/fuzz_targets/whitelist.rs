#![no_main]
// The property is in fuzz/src/lib.rs, beside the Worker's.
libfuzzer_sys::fuzz_target!(|data: &[u8]| exotel_connect_fuzz::whitelist(data));
