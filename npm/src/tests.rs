//! The wasm half of the JS boundary, under wasm-bindgen-test in Node and in headless Chromium
//! (scripts/test-js.sh runs both): each export called as npm/api.js calls it, with options as
//! JSON text (including the `{"type": ...}` stand-ins for values JSON cannot hold) and bodies as
//! bytes, answering one tape (results.rs). The JS half (reading hostile objects, making the
//! `Error`) is tested through the installed package in npm/tests/.

use wasm_bindgen_test::wasm_bindgen_test;

use crate::prelude::*;
use crate::{build, read, results};
use exotel_connect::wire::Value;

/// An export's answer, read back as npm/api.js reads it: `Ok(result)` or, after the error
/// mark, `Err(error fields)`.
fn answer(tape: &str) -> Result<Value<'static>, Value<'static>> {
    let (is_error, ops) = match tape.strip_prefix(results::ERROR) {
        Some(ops) => (true, ops),
        None => (false, tape),
    };
    let mut reader = TapeReader {
        units: ops.encode_utf16().collect(),
        at: 0,
    };
    let first = reader.next();
    let value = reader.value(first);
    assert_eq!(
        reader.at,
        reader.units.len(),
        "the tape holds one value: {tape}"
    );
    if is_error {
        assert!(
            value.get("code").is_some(),
            "an error without a code: {tape}"
        );
        Err(value)
    } else {
        Ok(value)
    }
}

/// A tape read as npm/api.js reads it: in UTF-16 code units, as JS indexes strings.
struct TapeReader {
    units: Vec<u16>,
    at: usize,
}

impl TapeReader {
    fn next(&mut self) -> u16 {
        let unit = self.units[self.at];
        self.at += 1;
        unit
    }

    fn operand(&mut self) -> u64 {
        let mut number = 0;
        loop {
            let digit = u64::from(self.next());
            if digit < 0x60 {
                return number * 32 + digit - 0x40;
            }
            number = number * 32 + digit - 0x60;
        }
    }

    fn string(&mut self) -> String {
        let length = self.operand() as usize;
        let units = &self.units[self.at..self.at + length];
        self.at += length;
        String::from_utf16(units).expect("a string's length ends on a whole character")
    }

    fn value(&mut self, op: u16) -> Value<'static> {
        match u8::try_from(op).expect("an op is ASCII") {
            b'2' => Value::Text(self.string().into()),
            b'3' => Value::Null,
            b'4' => Value::Number(self.operand().to_string().into()),
            b'5' => {
                let mut fields = Vec::new();
                loop {
                    let name = match u8::try_from(self.next()).expect("an op is ASCII") {
                        b'0' => {
                            let key = self.operand() as usize;
                            results::KEY_NAMES
                                .split(',')
                                .nth(key)
                                .expect("a known key")
                                .to_owned()
                        }
                        b'1' => self.string(),
                        b'7' => return Value::Object(fields),
                        other => panic!("a field starts with {:?}", char::from(other)),
                    };
                    let op = self.next();
                    fields.push((name.into(), self.value(op)));
                }
            }
            b'6' => {
                let mut items = Vec::new();
                loop {
                    match self.next() {
                        op if op == u16::from(b'7') => return Value::Array(items),
                        op => items.push(self.value(op)),
                    }
                }
            }
            other => panic!("a value starts with {:?}", char::from(other)),
        }
    }
}

fn text<'a>(value: &'a Value<'_>, key: &str) -> Option<&'a str> {
    match value.get(key) {
        Some(Value::Text(text)) | Some(Value::Number(text)) => Some(text),
        _ => None,
    }
}

/// The code, field and message of an error answer.
fn error_of(json: &str) -> (String, Option<String>, String) {
    let error = answer(json).expect_err("an error");
    (
        text(&error, "code").expect("code").to_owned(),
        text(&error, "field").map(str::to_owned),
        text(&error, "message").expect("message").to_owned(),
    )
}

/// `wasmParse` as npm/api.js calls it: the content type's UTF-8 (its length beside it, or
/// `u32::MAX` for none), then the body, in one buffer.
fn parse_body(kind: u32, status: u16, body: &[u8], content_type: Option<String>) -> String {
    match content_type {
        None => super::parse(kind, status, body, u32::MAX),
        Some(content_type) => {
            let length = u32::try_from(content_type.len()).expect("a short content type");
            let mut input = content_type.into_bytes();
            input.extend_from_slice(body);
            super::parse(kind, status, &input, length)
        }
    }
}

const FLOW: &str = r#""accountSid":"acme","apiKey":"k","apiToken":"t","region":"mumbai","from":"098765 43210","callerId":"080 4711 2400","appId":"926""#;

fn flow_with(extra: &str) -> String {
    format!("{{{FLOW}{extra}}}")
}

/// The request export, given the options' JSON as npm/api.js gives it: UTF-8 bytes.
fn build_request(kind: u32, json: &str) -> String {
    super::request(kind, json.as_bytes())
}

#[wasm_bindgen_test]
fn connect_request_gives_a_fetch_init() {
    let request = answer(&build_request(build::CONNECT, &flow_with(""))).expect("valid options");
    assert_eq!(text(&request, "method"), Some("POST"));
    assert_eq!(
        text(&request, "url"),
        Some("https://api.in.exotel.com/v1/Accounts/acme/Calls/connect.json")
    );
    assert_eq!(
        text(&request, "body"),
        Some("From=%2B919876543210&CallerId=%2B918047112400&Url=http%3A%2F%2Fmy.exotel.com%2Facme%2Fexoml%2Fstart_voice%2F926")
    );
    let Some(headers @ Value::Object(fields)) = request.get("headers") else {
        panic!("headers are an object");
    };
    let names: Vec<&str> = fields.iter().map(|(name, _)| &**name).collect();
    assert_eq!(names, ["Authorization", "Accept", "Content-Type"]);
    assert_eq!(text(headers, "Authorization"), Some("Basic azp0"));
}

#[wasm_bindgen_test]
fn call_details_request_has_a_null_body() {
    let options = r#"{"accountSid":"acme","apiKey":"k","apiToken":"t","baseUrl":"http://127.0.0.1:9/","callSid":"abc","details":true,"format":"xml"}"#;
    let request = answer(&build_request(build::CALL_DETAILS, options)).expect("valid options");
    assert_eq!(text(&request, "method"), Some("GET"));
    assert_eq!(
        text(&request, "url"),
        Some("http://127.0.0.1:9/v1/Accounts/acme/Calls/abc?details=true")
    );
    assert_eq!(request.get("body"), Some(&Value::Null));
}

#[wasm_bindgen_test]
fn values_json_cannot_hold_are_refused_by_their_type() {
    for (value, got) in [
        (r#"{"type":"a symbol"}"#, "a symbol"),
        (r#"{"type":"a bigint"}"#, "a bigint"),
        (r#"{"type":"a function"}"#, "a function"),
        (r#"{"type":"an object"}"#, "an object"),
        ("[1]", "an array"),
        ("true", "a boolean"),
        ("42", "a number"),
    ] {
        let json = build_request(
            build::CONNECT,
            &flow_with(&format!(r#","customField":{value}"#)),
        );
        assert_eq!(
            error_of(&json),
            (
                "invalid_option".to_owned(),
                Some("customField".to_owned()),
                format!("invalid customField: expected a string, but got {got}")
            ),
            "{value}"
        );
    }
}

#[wasm_bindgen_test]
fn seconds_must_be_whole_and_safe() {
    for (value, got) in [
        ("1.5", "1.5"),
        ("1e+21", "1e+21"),
        ("1152921504606847000", "1152921504606847000"),
        (r#"{"type":"a number","text":"NaN"}"#, "NaN"),
        (r#""600""#, "a string"),
    ] {
        let json = build_request(
            build::CONNECT,
            &flow_with(&format!(r#","timeLimit":{value}"#)),
        );
        assert_eq!(
            error_of(&json).2,
            format!("invalid timeLimit: expected a whole number of seconds, but got {got}")
        );
    }
    let json = build_request(build::CONNECT, &flow_with(r#","timeLimit":-5"#));
    assert_eq!(
        error_of(&json).2,
        "invalid timeLimit: expected 1 to 14400 seconds, but got -5"
    );
    let request = answer(&build_request(
        build::CONNECT,
        &flow_with(r#","timeLimit":900"#),
    ));
    assert!(text(&request.expect("valid"), "body")
        .expect("body")
        .ends_with("&TimeLimit=900"));
}

#[wasm_bindgen_test]
fn unknown_options_are_named_in_the_order_given() {
    let (code, field, message) = error_of(&build_request(
        build::CONNECT,
        &flow_with(r#","zeta":1,"callerID":"x""#),
    ));
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("invalid_option", Some("zeta"))
    );
    assert!(message.starts_with("invalid zeta: unknown option (expected one of accountSid,"));
    let (_, _, message) = error_of(&build_request(
        build::CONNECT,
        &flow_with(r#","callerID":"x""#),
    ));
    assert_eq!(
        message,
        "invalid callerID: unknown option, did you mean `callerId`?"
    );
    // Not JSON from npm/api.js, or not UTF-8: refused, not trapped.
    assert_eq!(
        error_of(&build_request(build::CONNECT, "[")).1.as_deref(),
        Some("options")
    );
    let mut bytes = flow_with("").into_bytes();
    bytes.insert(2, 0xff);
    let (code, field, _) = error_of(&super::request(build::CONNECT, &bytes));
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("invalid_option", Some("options"))
    );
}

#[wasm_bindgen_test]
fn phone_errors_are_invalid_phone_with_the_option_named() {
    let (code, field, message) = error_of(&build_request(
        build::CONNECT,
        &flow_with(r#","from":"98765""#),
    ));
    assert_eq!(code, "invalid_phone");
    assert_eq!(field.as_deref(), Some("from"));
    assert_eq!(
        message,
        "invalid from: expected 10 digits not starting with 0 after +91 for India, but got 5 digits (98765)"
    );
    assert_eq!(
        answer(&super::normalize_phone("(415) 555-0100", Some("us".into()))),
        Ok(Value::Text("+14155550100".into()))
    );
    // Non-ASCII text crosses the boundary intact: Devanagari digits are read, Thai ones named.
    assert_eq!(
        answer(&super::normalize_phone("९८७६५ ४३२१०", None)),
        Ok(Value::Text("+919876543210".into()))
    );
    let (code, field, message) = error_of(&super::normalize_phone("๙๘๗๖๕", None));
    assert_eq!((code.as_str(), field), ("invalid_phone", None));
    assert_eq!(message, "expected the digits 0-9, but got `๙` (U+0E59)");
    let (code, field, _) = error_of(&super::normalize_phone("9876543210", Some("7".into())));
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("invalid_option", Some("defaultCountry"))
    );
}

#[wasm_bindgen_test]
fn bodies_cross_as_bytes() {
    let body =
        r#"{"Call": {"Sid": "abc", "Status": "completed", "Price": 1.500, "Duration": "17"}}"#;
    let call = answer(&parse_body(read::CALL, 0, body.as_bytes(), None)).expect("a call");
    assert_eq!(text(&call, "price"), Some("1.500"));
    assert_eq!(call.get("duration"), Some(&Value::Number("17".into())));
    assert_eq!(call.get("parentCallSid"), Some(&Value::Null));
    assert_eq!(call.get("details"), None);
    let (code, _, message) = error_of(&parse_body(read::CALL, 0, b"{\"Call\": \"\xff\"}", None));
    assert_eq!(code, "malformed_response");
    assert_eq!(
        message,
        "malformed Exotel response: expected UTF-8 text, but got invalid bytes"
    );
}

#[wasm_bindgen_test]
fn every_character_and_number_crosses_as_it_was_sent() {
    // Lengths are counted as JS counts them: two units for a character outside the Basic
    // Multilingual Plane, one for a byte-order mark, which no decoder may drop.
    let name = "\u{feff}😀 \"Ā\\\u{1}\u{7f}é";
    let body = format!(
        r#"{{"Call": {{"Sid": "😀", "Status": "completed", "CallerName": {}, "Duration": 9007199254740991, "Uri": ""}}}}"#,
        exotel_connect::wire::json::write_string(name)
    );
    let call = answer(&parse_body(read::CALL, 0, body.as_bytes(), None)).expect("a call");
    assert_eq!(text(&call, "sid"), Some("😀"));
    assert_eq!(text(&call, "callerName"), Some(name));
    assert_eq!(
        call.get("duration"),
        Some(&Value::Number("9007199254740991".into()))
    );
    assert_eq!(call.get("uri"), Some(&Value::Null));
    let request = answer(&build_request(build::CONNECT, &flow_with(""))).expect("valid options");
    let Some(Value::Object(headers)) = request.get("headers") else {
        panic!("headers are an object");
    };
    assert_eq!(headers.len(), 3);
}

#[wasm_bindgen_test]
fn responses_become_the_right_errors() {
    let exotel = r#"{"RestException": {"Status": 403, "Message": "NDNC", "Code": 20003}}"#;
    let error = answer(&parse_body(read::RESPONSE, 403, exotel.as_bytes(), None)).expect_err("403");
    assert_eq!(text(&error, "code"), Some("exotel_error"));
    assert_eq!(error.get("status"), Some(&Value::Number("403".into())));
    assert_eq!(text(&error, "exotelMessage"), Some("NDNC"));
    assert_eq!(text(&error, "exotelCode"), Some("20003"));
    let (code, _, _) = error_of(&parse_body(
        read::RESPONSE,
        200,
        b"{",
        Some("application/json".into()),
    ));
    assert_eq!(code, "malformed_response");
    let (_, _, message) = error_of(&parse_body(read::STATUS_CALLBACK, 0, b"CallSid=a", None));
    assert_eq!(
        message,
        "malformed status callback: expected a `Status` field, but got none"
    );
}

#[wasm_bindgen_test]
fn parse_call_reports_what_exotel_said_with_the_status_its_body_names() {
    let xml = b"<TwilioResponse><RestException><Status>429</Status><Message>Too many requests</Message></RestException></TwilioResponse>";
    let error = answer(&parse_body(read::CALL, 0, xml, None)).expect_err("a RestException");
    assert_eq!(text(&error, "code"), Some("exotel_error"));
    assert_eq!(error.get("status"), Some(&Value::Number("429".into())));
    assert_eq!(text(&error, "exotelMessage"), Some("Too many requests"));
    assert_eq!(error.get("exotelCode"), None);
    assert_eq!(
        text(&error, "message"),
        Some("Exotel answered 429: Too many requests")
    );
    // Malformed bodies have no response, so no status.
    let error = answer(&parse_body(read::CALL, 0, b"{}", None)).expect_err("no envelope");
    assert_eq!(text(&error, "code"), Some("malformed_response"));
    assert_eq!(error.get("status"), None);
}

#[wasm_bindgen_test]
fn status_callbacks_leave_out_what_was_not_sent() {
    let callback = answer(&parse_body(
        read::STATUS_CALLBACK,
        0,
        b"CallSid=abc&Status=busy&RecordingUrl=&DateUpdated=2026-11-26+10%3A00%3A00",
        Some("application/x-www-form-urlencoded".into()),
    ))
    .expect("a callback");
    assert_eq!(text(&callback, "status"), Some("busy"));
    assert_eq!(text(&callback, "dateUpdated"), Some("2026-11-26 10:00:00"));
    assert_eq!(callback.get("recordingUrl"), Some(&Value::Null));
    for absent in ["eventType", "to", "legs", "conversationDuration"] {
        assert_eq!(callback.get(absent), None, "{absent}");
    }
}

#[wasm_bindgen_test]
fn whitelist_requests_name_the_numbers_option() {
    let options = r#"{"accountSid":"acme","apiKey":"k","apiToken":"t","region":"mumbai","virtualNumber":"080 4711 2400","numbers":["098765 43210","+919876543210","9123456789"]}"#;
    let request =
        answer(&build_request(build::CUSTOMER_WHITELIST, options)).expect("valid options");
    assert_eq!(text(&request, "method"), Some("POST"));
    assert_eq!(
        text(&request, "url"),
        Some("https://api.in.exotel.com/v1/Accounts/acme/CustomerWhitelist.json")
    );
    assert_eq!(
        text(&request, "body"),
        Some("VirtualNumber=%2B918047112400&Number=%2B919876543210%2C%2B919123456789")
    );
    let refused = |numbers: &str| {
        error_of(&build_request(
            build::CUSTOMER_WHITELIST,
            &format!(
                r#"{{"accountSid":"acme","apiKey":"k","apiToken":"t","region":"mumbai","virtualNumber":"08047112400","numbers":{numbers}}}"#
            ),
        ))
    };
    assert_eq!(
        refused(r#"["9876543210","98765"]"#),
        (
            "invalid_phone".to_owned(),
            Some("numbers".to_owned()),
            "invalid numbers: expected 10 digits not starting with 0 after +91 for India, but got 5 digits (98765)".to_owned()
        )
    );
    assert_eq!(
        refused("[]"),
        (
            "invalid_option".to_owned(),
            Some("numbers".to_owned()),
            "invalid numbers: expected at least one number, but got none".to_owned()
        )
    );
    let details = answer(&build_request(build::WHITELIST_DETAILS,
        r#"{"accountSid":"acme","apiKey":"k","apiToken":"t","region":"mumbai","format":"xml","number":"98765 43210"}"#,
    ))
    .expect("valid options");
    assert_eq!(
        text(&details, "url"),
        Some("https://api.in.exotel.com/v1/Accounts/acme/CustomerWhitelist/%2B919876543210")
    );
    assert_eq!(details.get("body"), Some(&Value::Null));
}

#[wasm_bindgen_test]
fn whitelist_details_cross_with_their_expiry() {
    let body =
        br#"{"Result": {"Status": "Whitelist", "Type": "API", "Expiry": "3600", "Extra": {}}}"#;
    let details = answer(&parse_body(read::WHITELIST, 200, body, None)).expect("details");
    assert_eq!(text(&details, "status"), Some("Whitelist"));
    assert_eq!(text(&details, "type"), Some("API"));
    assert_eq!(details.get("expiry"), Some(&Value::Number("3600".into())));
    let never = br#"{"Result": {"Status": "Neutral", "Type": "", "Expiry": -1}}"#;
    let details = answer(&parse_body(read::WHITELIST, 200, never, None)).expect("details");
    assert_eq!(details.get("type"), Some(&Value::Null));
    assert_eq!(text(&details, "expiry"), Some("never"));
    let error = answer(&parse_body(
        read::WHITELIST,
        403,
        br#"{"RestException": {"Status": 403, "Message": "Not enabled"}}"#,
        Some("application/json".into()),
    ))
    .expect_err("a RestException");
    assert_eq!(text(&error, "code"), Some("exotel_error"));
    assert_eq!(text(&error, "exotelMessage"), Some("Not enabled"));
    let (code, _, message) = error_of(&parse_body(
        read::WHITELIST,
        200,
        br#"{"Result": {"Status": "Greylist"}}"#,
        None,
    ));
    assert_eq!(code, "malformed_response");
    assert_eq!(
        message,
        "malformed Exotel response: expected `Status` to be `Whitelist`, `Blacklist` or `Neutral`, but got `Greylist`"
    );
}

#[wasm_bindgen_test]
fn unknown_kinds_are_refused_not_guessed() {
    for json in [build_request(99, "{}"), parse_body(99, 200, b"{}", None)] {
        let (code, field, _) = error_of(&json);
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("invalid_option", Some("kind"))
        );
    }
}

#[wasm_bindgen_test]
fn a_content_type_the_input_cannot_hold_is_refused_by_name() {
    let callback = b"application/x-www-form-urlencodedCallSid=a&Status=busy";
    // The content type's length, as npm/api.js passes it, splits the buffer where it ends.
    let read = answer(&super::parse(read::STATUS_CALLBACK, 0, callback, 33)).expect("a callback");
    assert_eq!(text(&read, "status"), Some("busy"));
    // Longer than the buffer, or not UTF-8: only a caller of the raw export can send these.
    for (input, length) in [(&b"text/plain"[..], 11), (&b"\xff{}"[..], 1)] {
        let (code, field, _) = error_of(&super::parse(read::CALL, 0, input, length));
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("invalid_option", Some("contentType"))
        );
    }
}
