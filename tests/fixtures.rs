//! Every fixture under `tests/fixtures/` through the core's parsers.
//!
//! Expected results live beside the fixtures as JSON (`expected-calls.json`,
//! `expected-callbacks.json`, `expected-errors.json`, `expected-whitelist.json`) so the npm
//! package's tests check the same files against the same answers. A fixture without an expectation fails the test, so
//! none is skipped by accident. `BLESS=1 cargo test --test fixtures` rewrites the call and
//! callback expectations from the parser's output (review the diff!); error messages are
//! pinned by hand.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use exotel_connect::{
    parse_call, parse_response, parse_status_callback, parse_whitelist, Call, Leg, ResponseError,
    StatusCallback, WhitelistDetails, WhitelistExpiry,
};
use serde_json::{json, Map, Value};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The files of one fixture folder, skipping sidecar `.content-type` files.
fn files(dir: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(fixtures().join(dir))
        .unwrap_or_else(|e| panic!("reading tests/fixtures/{dir}: {e}"))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_none_or(|ext| ext != "content-type"))
        .map(|path| {
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            (name, fs::read(&path).expect("fixture readable"))
        })
        .collect();
    out.sort();
    out
}

/// The content type a fixture is sent with: a sidecar file if there is one, else `None`, so
/// sniffing is exercised too.
fn content_type(dir: &str, name: &str) -> Option<String> {
    fs::read_to_string(fixtures().join(dir).join(format!("{name}.content-type")))
        .ok()
        .map(|ct| ct.trim().to_owned())
}

fn expectations(file: &str) -> Map<String, Value> {
    let text = fs::read_to_string(fixtures().join(file)).unwrap_or_else(|_| "{}".to_owned());
    match serde_json::from_str(&text).expect("expectations are JSON") {
        Value::Object(map) => map,
        _ => panic!("{file} must be a JSON object"),
    }
}

fn opt<T: ToString>(value: &Option<T>) -> Value {
    value
        .as_ref()
        .map_or(Value::Null, |v| Value::String(v.to_string()))
}

fn legs_json(legs: &[Leg]) -> Value {
    legs.iter()
        .map(|leg| {
            json!({
                "onCallDuration": leg.on_call_duration,
                "status": opt(&leg.status),
                "answeredBy": leg.answered_by,
            })
        })
        .collect()
}

/// A Call in the npm package's shape (camelCase, null for absent).
fn call_json(call: &Call) -> Value {
    let mut value = json!({
        "sid": call.sid,
        "parentCallSid": call.parent_call_sid,
        "dateCreated": call.date_created,
        "dateUpdated": call.date_updated,
        "accountSid": call.account_sid,
        "to": call.to,
        "from": call.from,
        "phoneNumberSid": call.phone_number_sid,
        "status": call.status.as_str(),
        "startTime": call.start_time,
        "endTime": call.end_time,
        "duration": call.duration,
        "price": opt(&call.price),
        "direction": opt(&call.direction),
        "answeredBy": call.answered_by,
        "forwardedFrom": call.forwarded_from,
        "callerName": call.caller_name,
        "uri": call.uri,
        "recordingUrl": call.recording_url,
    });
    if let Some(details) = &call.details {
        value["details"] = json!({
            "conversationDuration": details.conversation_duration,
            "leg1Status": opt(&details.leg1_status),
            "leg2Status": opt(&details.leg2_status),
            "legs": legs_json(&details.legs),
        });
    }
    value
}

fn callback_json(cb: &StatusCallback) -> Value {
    json!({
        "callSid": cb.call_sid,
        "status": cb.status.as_str(),
        "recordingUrl": cb.recording_url,
        "dateUpdated": cb.date_updated,
        "eventType": cb.event_type,
        "dateCreated": cb.date_created,
        "to": cb.to,
        "from": cb.from,
        "phoneNumberSid": cb.phone_number_sid,
        "startTime": cb.start_time,
        "endTime": cb.end_time,
        "conversationDuration": cb.conversation_duration,
        "direction": opt(&cb.direction),
        "customField": cb.custom_field,
        "legs": legs_json(&cb.legs),
    })
}

/// Compares parsed results with the expectation file, or rewrites it under `BLESS=1`.
fn check_or_bless(file: &str, actual: BTreeMap<String, Value>) {
    let path = fixtures().join(file);
    if std::env::var_os("BLESS").is_some() {
        let text = serde_json::to_string_pretty(&actual).expect("serializable") + "\n";
        fs::write(&path, text).expect("expectations writable");
        return;
    }
    let expected = expectations(file);
    for (name, value) in &actual {
        assert_eq!(
            expected.get(name),
            Some(value),
            "{name}: parsed result differs from {file} (BLESS=1 to update after review)"
        );
    }
    for name in expected.keys() {
        assert!(
            actual.contains_key(name),
            "{file} names {name}, which is not a fixture"
        );
    }
}

#[test]
fn every_call_fixture_parses_as_expected() {
    let mut actual = BTreeMap::new();
    for (name, body) in files("calls") {
        let call = parse_response(200, content_type("calls", &name).as_deref(), &body)
            .unwrap_or_else(|e| panic!("calls/{name}: {e}"));
        actual.insert(name, call_json(&call));
    }
    assert!(actual.len() >= 10, "fixtures went missing");
    check_or_bless("expected-calls.json", actual);
}

#[test]
fn every_callback_fixture_parses_as_expected() {
    let mut actual = BTreeMap::new();
    for (name, body) in files("callbacks") {
        let ct = content_type("callbacks", &name);
        let callback = parse_status_callback(&body, ct.as_deref())
            .unwrap_or_else(|e| panic!("callbacks/{name}: {e}"));
        // Sniffing the format must give the same answer as the declared content type.
        if ct.is_some() {
            assert_eq!(
                parse_status_callback(&body, None).as_ref(),
                Ok(&callback),
                "{name}"
            );
        }
        actual.insert(name, callback_json(&callback));
    }
    check_or_bless("expected-callbacks.json", actual);
}

#[test]
fn every_error_fixture_is_a_typed_exotel_error() {
    let expected = expectations("expected-errors.json");
    let mut seen = 0;
    for (name, body) in files("errors") {
        let want = expected
            .get(&format!("errors/{name}"))
            .unwrap_or_else(|| panic!("errors/{name} has no entry in expected-errors.json"));
        let status = want["status"].as_u64().expect("status") as u16;
        let from_response = match parse_response(status, None, &body) {
            Err(ResponseError::Exotel(error)) => {
                assert_eq!(error.http_status, status, "{name}");
                assert_eq!(error.message, want["message"], "{name}");
                assert_eq!(opt(&error.code), want["code"], "{name}");
                error
            }
            other => panic!("errors/{name}: expected an Exotel error, got {other:?}"),
        };
        // A body on its own says the same, with the status it names (the fixtures' statuses
        // are the ones their bodies carry).
        assert_eq!(
            parse_call(&body, None),
            Err(ResponseError::Exotel(from_response)),
            "parse_call(errors/{name})"
        );
        seen += 1;
    }
    assert!(seen >= 5);
}

#[test]
fn every_malformed_fixture_gets_its_own_specific_error() {
    let expected = expectations("expected-errors.json");
    let mut messages = BTreeMap::new();
    for (name, body) in files("malformed") {
        let key = format!("malformed/{name}");
        let want = expected
            .get(&key)
            .unwrap_or_else(|| panic!("{key} has no entry in expected-errors.json"));
        let ct = content_type("malformed", &name);
        let message = match want["parser"].as_str() {
            Some("callback") => parse_status_callback(&body, ct.as_deref())
                .err()
                .map(|e| e.to_string()),
            Some("response") => match parse_response(200, ct.as_deref(), &body) {
                Err(ResponseError::Malformed(e)) => {
                    assert_eq!(
                        parse_call(&body, ct.as_deref()),
                        Err(ResponseError::Malformed(e.clone())),
                        "parse_call({key})"
                    );
                    Some(e.to_string())
                }
                Err(other) => panic!("{key}: expected a malformed-body error, got {other}"),
                Ok(call) => panic!("{key}: parsed when it should not have: {call:?}"),
            },
            // A RestException whose own `Status` is unusable: with the response's status it
            // is still Exotel's error, but on its own it names no status to report.
            Some("call") => match parse_call(&body, ct.as_deref()) {
                Err(ResponseError::Malformed(e)) => {
                    assert!(
                        matches!(
                            parse_response(403, ct.as_deref(), &body),
                            Err(ResponseError::Exotel(ref error)) if error.http_status == 403
                        ),
                        "{key}: parse_response should read it as Exotel's error"
                    );
                    Some(e.to_string())
                }
                other => panic!("{key}: expected a malformed-body error, got {other:?}"),
            },
            other => panic!("{key}: unknown parser {other:?}"),
        }
        .unwrap_or_else(|| panic!("{key}: parsed when it should not have"));
        assert_eq!(Some(message.as_str()), want["message"].as_str(), "{key}");
        if let Some(previous) = messages.insert(message.clone(), key.clone()) {
            panic!("{key} and {previous} give the same error: {message}");
        }
    }
    assert!(messages.len() >= 15);
}

/// Whitelist details in the npm package's shape: `expiry` in seconds, `"never"`, or null.
fn whitelist_json(details: &WhitelistDetails) -> Value {
    let expiry = match details.expiry {
        None => Value::Null,
        Some(WhitelistExpiry::Never) => json!("never"),
        Some(WhitelistExpiry::InSeconds(seconds)) => json!(seconds),
    };
    json!({
        "status": details.status.as_str(),
        "type": details.kind.as_ref().map(|kind| kind.as_str()),
        "expiry": expiry,
    })
}

/// A refusal in the npm package's shape (the fields of its `ExotelConnectError`).
fn response_error_json(http_status: u16, error: &ResponseError) -> Value {
    match error {
        ResponseError::Exotel(e) => json!({
            "code": "exotel_error",
            "message": error.to_string(),
            "status": e.http_status,
            "exotelMessage": e.message,
            "exotelCode": e.code,
        }),
        other => json!({
            "code": "malformed_response",
            "message": other.to_string(),
            "status": http_status,
        }),
    }
}

#[test]
fn every_whitelist_fixture_reads_as_expected() {
    let expected = expectations("expected-whitelist.json");
    let mut seen = 0;
    for (name, body) in files("whitelist") {
        let want = expected
            .get(&name)
            .unwrap_or_else(|| panic!("whitelist/{name} has no entry in expected-whitelist.json"));
        let status = want["httpStatus"].as_u64().expect("httpStatus") as u16;
        let ct = content_type("whitelist", &name);
        let got = match parse_whitelist(status, ct.as_deref(), &body) {
            Ok(details) => json!({ "httpStatus": status, "result": whitelist_json(&details) }),
            Err(e) => json!({ "httpStatus": status, "error": response_error_json(status, &e) }),
        };
        assert_eq!(&got, want, "whitelist/{name}");
        // Sniffed, the body says the same.
        assert_eq!(
            parse_whitelist(status, None, &body),
            parse_whitelist(status, ct.as_deref(), &body),
            "whitelist/{name}, sniffed"
        );
        seen += 1;
    }
    assert_eq!(
        seen,
        expected.len(),
        "expected-whitelist.json names a missing fixture"
    );
    assert!(seen >= 15, "fixtures went missing");
}
