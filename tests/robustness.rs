//! No input makes a parser panic: every fixture, cut at every byte and with bytes flipped,
//! goes through every parser and content type. Each must return `Ok` or `Err`; a panic fails.

use std::fs;
use std::path::Path;

use exotel_connect::{parse_call, parse_response, parse_status_callback, Country, PhoneNumber};

const CONTENT_TYPES: [Option<&str>; 6] = [
    None,
    Some("application/json"),
    Some("application/xml"),
    Some("application/x-www-form-urlencoded"),
    Some("multipart/form-data; boundary=----exotelBoundary7MA4YWxkTrZu0gW"),
    Some("text/html"),
];

fn every_fixture() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for dir in ["calls", "errors", "malformed", "callbacks"] {
        for entry in fs::read_dir(root.join(dir)).expect("fixture folder") {
            out.push(fs::read(entry.expect("entry").path()).expect("readable"));
        }
    }
    out
}

fn parse_everything(body: &[u8]) {
    for content_type in CONTENT_TYPES {
        let _ = parse_call(body, content_type);
        let _ = parse_response(200, content_type, body);
        let _ = parse_response(503, content_type, body);
        let _ = parse_status_callback(body, content_type);
    }
}

#[test]
fn truncated_fixtures_never_panic() {
    for body in every_fixture() {
        for end in 0..=body.len() {
            parse_everything(&body[..end]);
        }
    }
}

#[test]
fn corrupted_fixtures_never_panic() {
    // A fixed set of replacement bytes that matter to the formats: quotes, brackets, angle
    // brackets, ampersands, line breaks, a non-ASCII lead byte and NUL.
    const REPLACEMENTS: [u8; 12] = [
        b'"', b'{', b'}', b'<', b'>', b'&', b'=', b'\n', b'[', 0xC3, 0, b'-',
    ];
    for body in every_fixture() {
        for (i, replacement) in (0..body.len()).zip(REPLACEMENTS.iter().cycle()) {
            let mut copy = body.clone();
            copy[i] = *replacement;
            parse_everything(&copy);
        }
    }
}

#[test]
fn phone_parsing_never_panics_on_odd_text() {
    let odd = [
        "",
        "+",
        "++",
        "00",
        "0",
        "000000000000000000000000",
        "+91",
        "+910",
        "٩٨٧٦٥٤٣٢١٠",
        "९८७६५४३२१०",
        "\u{202e}9876543210",
        "9876543210\u{0}",
        "🙂",
        "+1",
        "1",
        "(((",
        "+91 (0) ",
        "0091",
        "91",
        "+٩١",
    ];
    for input in odd {
        for country in Country::ALL {
            let _ = PhoneNumber::parse(input, country);
        }
    }
}
