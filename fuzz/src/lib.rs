//! The fuzz targets' properties. The core's are in the test-support crate
//! (tests/support/src/fuzz_properties.rs), which the stable replay test
//! (tests/fuzz_regressions.rs) uses too; the Worker's is here, because its entry point exists
//! only in fuzzing builds (its replay is a unit test in the Worker crate).

pub use exotel_connect_test_support::fuzz_properties::*;

use exotel_connect::{Country, PhoneNumber};

/// Target `worker_create_body`: the body of `POST /api/calls` under every default country.
/// An accepted body's number is what the core makes of its `phone` field, and a refusal never
/// quotes a phone number (six digits in a row), unless the `country` field had them.
pub fn worker_create_body(data: &[u8]) {
    let fields = serde_json::from_slice::<serde_json::Value>(data).ok();
    let field = |name: &str| {
        fields
            .as_ref()
            .and_then(|f| f.get(name)?.as_str().map(str::to_owned))
    };
    let (phone, country) = (field("phone"), field("country"));
    for default_country in Country::ALL {
        match exotel_connect_worker::fuzz_create_body(data, default_country) {
            Ok(number) => {
                valid_number(&number);
                let phone = phone.as_deref().expect("accepted without a `phone` string");
                let country = match country.as_deref() {
                    Some(code) => Country::from_iso(code).expect("accepted with a bad country"),
                    None => default_country,
                };
                assert_eq!(PhoneNumber::parse(phone, country), Ok(number));
            }
            Err(refusal) => {
                let quoted = has_six_digits(&refusal);
                assert!(
                    !quoted || country.as_deref().is_some_and(has_six_digits),
                    "{refusal}"
                );
            }
        }
    }
}

fn has_six_digits(text: &str) -> bool {
    text.as_bytes()
        .windows(6)
        .any(|w| w.iter().all(u8::is_ascii_digit))
}
