//! Speed of the core's hot paths, measured with criterion (`make bench`). No assertions: the
//! figures are for reading and comparing, never a pass/fail gate.
//!
//! Every case is in the group `core`, so criterion writes its estimates to
//! `target/criterion/core/<case>/new/estimates.json`; `benches/report.mjs` reads them into
//! BENCHMARKS.md beside the same jobs done in Node (benches/node-core.mjs). The inputs are
//! the fixture files those Node figures use too.
//!
//! Four cases have a peer, in the group `peer`: the same job done the way a Rust user would
//! otherwise do it with the usual crates (serde_json into a `Value` then mapped, quick-xml's
//! event reader, form_urlencoded, a request built by hand), mapped to the same fields, so the
//! ratio compares equal work. Each runs right after its core case.
//!
//! `cargo bench --bench core` runs it alone; `scripts/bench.sh` passes shorter warm-up and
//! measurement times to keep `make bench` within its budget.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
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

fn core(c: &mut Criterion) {
    let mut group = c.benchmark_group("core");
    group.bench_function("normalize_phone", |b| {
        b.iter(|| PhoneNumber::parse(black_box("098765-43210"), Country::INDIA).ok())
    });
    group.bench_function("parse_call_xml_details", |b| {
        b.iter(|| parse_response(200, None, black_box(DETAILS_XML)).ok())
    });
    group.bench_function("parse_status_callback_multipart", |b| {
        b.iter(|| parse_status_callback(black_box(CALLBACK_MULTIPART), Some(MULTIPART_TYPE)).ok())
    });
    group.bench_function("parse_status_callback_json", |b| {
        b.iter(|| parse_status_callback(black_box(CALLBACK_JSON), None).ok())
    });
    group.finish();
}

/// Runs the core's case `id`, then its peer's, back to back: load on a shared machine drifts
/// over a run, and a minute between the two sides of a ratio moved it by a fifth.
fn pair<C, P, R, S>(c: &mut Criterion, id: &str, mut ours: C, mut theirs: P)
where
    C: FnMut() -> R,
    P: FnMut() -> S,
{
    c.benchmark_group("core")
        .bench_function(id, |b| b.iter(&mut ours));
    c.benchmark_group("peer")
        .bench_function(id, |b| b.iter(&mut theirs));
}

fn compared(c: &mut Criterion) {
    // The peers read what the core reads: a check that the comparison is of equal work.
    assert_eq!(
        peer_json(SEED_JSON).expect("seed.json").sid,
        "80bfbec2d78bbbf10fb851f4fa165211"
    );
    let xml = peer_xml(SEED_XML).expect("seed.xml");
    assert_eq!(
        (xml.sid.as_str(), xml.status.as_str()),
        ("b6cfaf6e8d9b1d5a4d2d8e0a1c3f5b7e", "in-progress")
    );
    assert_eq!(peer_form(CALLBACK_FORM).expect("form").status, "completed");
    let (_, auth, body) = peer_connect("98765 43210").expect("connect");
    assert_eq!(auth, "Basic YXBpLWtleTphcGktdG9rZW4=");
    assert!(body.starts_with("From=%2B919876543210&CallerId=%2B918047112400"));

    let account = Account::new(
        "acme",
        Credentials::new("api-key", "api-token").expect("valid credentials"),
        ApiBase::region(Region::Mumbai),
    )
    .expect("valid account");
    pair(
        c,
        "connect_request",
        || {
            ConnectToFlow::builder()
                .from(black_box("98765 43210"))
                .caller_id("08047112400")
                .app_id("926")
                .status_callback("https://example.com/exotel/status/abc")
                .time_limit(900)
                .build()
                .map(|c| c.to_request(&account))
                .ok()
        },
        || peer_connect(black_box("98765 43210")),
    );
    pair(
        c,
        "parse_call_json",
        || parse_response(200, Some("application/json"), black_box(SEED_JSON)).ok(),
        || peer_json(black_box(SEED_JSON)),
    );
    pair(
        c,
        "parse_call_xml",
        || parse_response(200, Some("application/xml"), black_box(SEED_XML)).ok(),
        || peer_xml(black_box(SEED_XML)),
    );
    pair(
        c,
        "parse_status_callback_urlencoded",
        || parse_status_callback(black_box(CALLBACK_FORM), None).ok(),
        || peer_form(black_box(CALLBACK_FORM)),
    );
}

/// What the peers map a body to: the fields the core's `Call` and `StatusCallback` carry.
#[derive(Debug, Default)]
#[allow(dead_code)] // read by black_box only
struct PeerCall {
    sid: String,
    status: String,
    fields: [Option<String>; 16],
    duration: Option<u64>,
}

const CALL_FIELDS: [&str; 16] = [
    "ParentCallSid",
    "DateCreated",
    "DateUpdated",
    "AccountSid",
    "To",
    "From",
    "PhoneNumberSid",
    "StartTime",
    "EndTime",
    "Price",
    "Direction",
    "AnsweredBy",
    "ForwardedFrom",
    "CallerName",
    "Uri",
    "RecordingUrl",
];

/// serde_json into a `Value`, then mapped (the Rust equivalent of `JSON.parse` plus mapping).
fn peer_json(body: &[u8]) -> Option<PeerCall> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let call = value.get("Call")?;
    let text = |name: &str| match call.get(name) {
        Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    Some(PeerCall {
        sid: text("Sid")?,
        status: text("Status")?,
        fields: CALL_FIELDS.map(text),
        duration: text("Duration").and_then(|d| d.parse().ok()),
    })
}

/// quick-xml's event reader: the text of each child of `<Call>`, then mapped.
fn peer_xml(body: &[u8]) -> Option<PeerCall> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut values: Vec<(String, String)> = Vec::with_capacity(24);
    let (mut depth, mut current, mut text) = (0usize, None::<String>, String::new());
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                depth += 1;
                if depth == 3 {
                    current = Some(String::from_utf8(e.name().as_ref().to_vec()).ok()?);
                    text.clear();
                }
            }
            Event::Empty(e) if depth == 2 => {
                values.push((
                    String::from_utf8(e.name().as_ref().to_vec()).ok()?,
                    String::new(),
                ));
            }
            Event::Text(t) if depth == 3 => text.push_str(&t.decode().ok()?),
            Event::GeneralRef(r) if depth == 3 => {
                let name = r.decode().ok()?;
                text.push_str(quick_xml::escape::resolve_predefined_entity(&name)?);
            }
            Event::End(_) => {
                if depth == 3 {
                    values.push((current.take()?, std::mem::take(&mut text)));
                }
                depth = depth.checked_sub(1)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let text = |name: &str| {
        values
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    Some(PeerCall {
        sid: text("Sid")?,
        status: text("Status")?,
        fields: CALL_FIELDS.map(text),
        duration: text("Duration").and_then(|d| d.parse().ok()),
    })
}

/// form_urlencoded, then mapped.
fn peer_form(body: &[u8]) -> Option<PeerCall> {
    let mut call = PeerCall::default();
    for (key, value) in form_urlencoded::parse(body) {
        match &*key {
            "CallSid" => call.sid = value.into_owned(),
            "Status" => call.status = value.into_owned(),
            "RecordingUrl" if !value.is_empty() => call.fields[15] = Some(value.into_owned()),
            "DateUpdated" => call.fields[2] = Some(value.into_owned()),
            "ConversationDuration" => call.duration = value.parse().ok(),
            _ => {}
        }
    }
    (!call.sid.is_empty() && !call.status.is_empty()).then_some(call)
}

/// The connect request built by hand: the number made E.164 with a few string rules,
/// form_urlencoded for the body, Basic auth with a small base64 encoder.
fn peer_connect(from: &str) -> Option<(String, String, String)> {
    fn e164_india(input: &str) -> Option<String> {
        let digits: String = input.chars().filter(|c| c.is_ascii_digit()).collect();
        let national = match digits.len() {
            10 => digits.as_str(),
            11 if digits.starts_with('0') => &digits[1..],
            12 if digits.starts_with("91") => &digits[2..],
            _ => return None,
        };
        Some(format!("+91{national}"))
    }
    fn base64(input: &[u8]) -> String {
        const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
        for chunk in input.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("From", &e164_india(from)?)
        .append_pair("CallerId", &e164_india("08047112400")?)
        .append_pair("Url", "http://my.exotel.com/acme/exoml/start_voice/926")
        .append_pair("TimeLimit", "900")
        .append_pair("StatusCallback", "https://example.com/exotel/status/abc")
        .finish();
    let url = "https://api.in.exotel.com/v1/Accounts/acme/Calls/connect.json".to_owned();
    let auth = format!("Basic {}", base64(b"api-key:api-token"));
    Some((url, auth, body))
}

criterion_group!(benches, compared, core);
criterion_main!(benches);
