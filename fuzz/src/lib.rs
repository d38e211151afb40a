//! The fuzz targets' properties. The core's are in the test-support crate
//! (tests/support/src/fuzz_properties.rs), which the stable replay test
//! (tests/fuzz_regressions.rs) uses too; the Worker's is here, because its entry point exists
//! only in fuzzing builds (its replay is a unit test in the Worker crate). So is the whitelist
//! parser's for now (`whitelist`), until it joins the others in the test-support crate; on the
//! stable toolchain tests/robustness.rs puts every fixture, cut and corrupted, through
//! `parse_whitelist`.

pub use exotel_connect_test_support::fuzz_properties::*;

use exotel_connect::{
    parse_whitelist, Country, PhoneNumber, ResponseError, WhitelistDetails, WhitelistType,
};

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

/// Target `whitelist`: `parse_whitelist` under HTTP 200, 403 and 503, as JSON, as XML and
/// sniffed. Details only under 2xx, never with an empty or untrimmed `Other` type, and the
/// sniffed reading is the one the body's own format gives; a `RestException` keeps the HTTP
/// status; other failures are `UnexpectedStatus` exactly when the status is not 2xx.
pub fn whitelist(data: &[u8]) {
    for status in [200, 403, 503] {
        let success = (200..300).contains(&status);
        let named: Vec<Result<WhitelistDetails, ResponseError>> =
            ["application/json", "application/xml"]
                .into_iter()
                .map(|content_type| parse_whitelist(status, Some(content_type), data))
                .collect();
        let sniffed = parse_whitelist(status, None, data);
        for result in named.iter().chain([&sniffed]) {
            match result {
                Ok(details) => {
                    assert!(success, "details under HTTP {status}");
                    if let Some(WhitelistType::Other(kind)) = &details.kind {
                        assert!(!kind.is_empty() && kind.trim() == kind, "{kind:?}");
                    }
                }
                Err(ResponseError::Exotel(error)) => assert_eq!(error.http_status, status),
                Err(ResponseError::UnexpectedStatus { http_status }) => {
                    assert_eq!(*http_status, status);
                    assert!(!success, "{result:?}");
                }
                Err(_) => assert!(success, "{result:?}"),
            }
        }
        if let Ok(details) = &sniffed {
            assert!(named.iter().any(|named| named.as_ref() == Ok(details)));
        }
    }
}

fn has_six_digits(text: &str) -> bool {
    text.as_bytes()
        .windows(6)
        .any(|w| w.iter().all(u8::is_ascii_digit))
}
