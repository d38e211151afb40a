//! Speed of the core's hot paths, printed as a table (`make bench`). No assertions: figures
//! are for reading and comparing, never a pass/fail gate.
//!
//! Each case runs for about 200 ms after a warm-up; the figure is the mean time per call.

use std::hint::black_box;
use std::time::{Duration, Instant};

use exotel_connect::{
    parse_response, parse_status_callback, Account, ApiBase, ConnectToFlow, Country, Credentials,
    PhoneNumber, Region,
};

const SEED_JSON: &[u8] = include_bytes!("../tests/fixtures/calls/seed.json");
const SEED_XML: &[u8] = include_bytes!("../tests/fixtures/calls/seed.xml");
const DETAILS_XML: &[u8] = include_bytes!("../tests/fixtures/calls/details.xml");
const CALLBACK_FORM: &[u8] = include_bytes!("../tests/fixtures/callbacks/terminal.urlencoded");
const CALLBACK_MULTIPART: &[u8] = include_bytes!("../tests/fixtures/callbacks/no-answer.multipart");
const CALLBACK_JSON: &[u8] = include_bytes!("../tests/fixtures/callbacks/terminal-with-legs.json");
const MULTIPART_TYPE: &str = "multipart/form-data; boundary=----exotelBoundary7MA4YWxkTrZu0gW";

fn measure(name: &str, mut f: impl FnMut()) {
    let warm_up = Instant::now();
    while warm_up.elapsed() < Duration::from_millis(50) {
        f();
    }
    let start = Instant::now();
    let mut runs: u64 = 0;
    while start.elapsed() < Duration::from_millis(200) {
        for _ in 0..100 {
            f();
        }
        runs += 100;
    }
    let per_call = start.elapsed().as_nanos() as f64 / runs as f64;
    println!(
        "| {name:<44} | {:>9.2} µs | {:>10.0} /s |",
        per_call / 1000.0,
        1e9 / per_call
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument could follow, but all cases are cheap.
    let account = Account::new(
        "acme",
        Credentials::new("api-key", "api-token").expect("valid credentials"),
        ApiBase::region(Region::Mumbai),
    )
    .expect("valid account");
    println!("| core operation (native, release)             | time/call    | throughput    |");
    println!("|----------------------------------------------|--------------|---------------|");
    measure("PhoneNumber::parse(\"098765-43210\")", || {
        black_box(PhoneNumber::parse(
            black_box("098765-43210"),
            Country::INDIA,
        ))
        .ok();
    });
    measure("ConnectToFlow build + to_request", || {
        let request = ConnectToFlow::builder()
            .from(black_box("98765 43210"))
            .caller_id("08047112400")
            .app_id("926")
            .status_callback("https://example.com/exotel/status/abc")
            .time_limit(900)
            .build()
            .map(|c| c.to_request(&account));
        black_box(request).ok();
    });
    measure("parse_response: seed Call, JSON", || {
        black_box(parse_response(
            200,
            Some("application/json"),
            black_box(SEED_JSON),
        ))
        .ok();
    });
    measure("parse_response: seed Call, XML", || {
        black_box(parse_response(
            200,
            Some("application/xml"),
            black_box(SEED_XML),
        ))
        .ok();
    });
    measure("parse_response: Call with details, XML", || {
        black_box(parse_response(200, None, black_box(DETAILS_XML))).ok();
    });
    measure("parse_status_callback: urlencoded", || {
        black_box(parse_status_callback(black_box(CALLBACK_FORM), None)).ok();
    });
    measure("parse_status_callback: multipart", || {
        black_box(parse_status_callback(
            black_box(CALLBACK_MULTIPART),
            Some(MULTIPART_TYPE),
        ))
        .ok();
    });
    measure("parse_status_callback: JSON with legs", || {
        black_box(parse_status_callback(black_box(CALLBACK_JSON), None)).ok();
    });
}
