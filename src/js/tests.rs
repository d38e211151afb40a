//! The JS boundary from the Rust side, under wasm-bindgen-test in Node and in headless Chromium
//! (scripts/test-js.sh runs both): the exported functions called with real JS values, including
//! the hostile ones TypeScript would never let through (symbols, bigints, throwing getters,
//! proxies), each answered with an error carrying its `code`, never a trap.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use super::sys;

/// A JS value from JavaScript source (an expression).
fn js(expression: &str) -> JsValue {
    js_sys::Function::new_no_args(&format!("return ({expression});"))
        .call0(&JsValue::UNDEFINED)
        .expect("test expression evaluates")
}

fn prop(value: &JsValue, key: &str) -> JsValue {
    sys::get(value, key).expect("readable")
}

fn text(value: &JsValue, key: &str) -> Option<String> {
    prop(value, key).as_string()
}

/// The code, field and message of an error this package threw.
fn error_of(error: JsValue) -> (String, Option<String>, String) {
    assert!(sys::is_error(&error), "not an Error: {error:?}");
    assert!(super::is_exotel_connect_error(error.clone()));
    assert_eq!(text(&error, "name").as_deref(), Some("ExotelConnectError"));
    (
        text(&error, "code").expect("code"),
        text(&error, "field"),
        text(&error, "message").expect("message"),
    )
}

const FLOW: &str = r#"{accountSid: "acme", apiKey: "k", apiToken: "t", region: "mumbai",
    from: "098765 43210", callerId: "080 4711 2400", appId: "926"}"#;

fn flow_with(extra: &str) -> JsValue {
    js(&format!("Object.assign({FLOW}, {extra})"))
}

#[wasm_bindgen_test]
fn connect_request_gives_a_fetch_init() {
    let request = super::connect_request(js(FLOW)).expect("valid options");
    assert_eq!(text(&request, "method").as_deref(), Some("POST"));
    assert_eq!(
        text(&request, "url").as_deref(),
        Some("https://api.in.exotel.com/v1/Accounts/acme/Calls/connect.json")
    );
    assert_eq!(
        text(&request, "body").as_deref(),
        Some("From=%2B919876543210&CallerId=%2B918047112400&Url=http%3A%2F%2Fmy.exotel.com%2Facme%2Fexoml%2Fstart_voice%2F926")
    );
    let headers = prop(&request, "headers");
    assert_eq!(
        text(&headers, "Authorization").as_deref(),
        Some("Basic azp0")
    );
    let keys: Vec<String> = sys::keys(&headers)
        .expect("keys")
        .iter()
        .filter_map(JsValue::as_string)
        .collect();
    assert_eq!(keys, ["Authorization", "Accept", "Content-Type"]);
}

#[wasm_bindgen_test]
fn call_details_request_has_a_null_body() {
    let options = js(
        r#"{accountSid: "acme", apiKey: "k", apiToken: "t", baseUrl: "http://127.0.0.1:9/", callSid: "abc", details: true, format: "xml"}"#,
    );
    let request = super::call_details_request(options).expect("valid options");
    assert_eq!(text(&request, "method").as_deref(), Some("GET"));
    assert_eq!(
        text(&request, "url").as_deref(),
        Some("http://127.0.0.1:9/v1/Accounts/acme/Calls/abc?details=true")
    );
    assert!(prop(&request, "body").is_null());
}

#[wasm_bindgen_test]
fn values_of_every_js_type_are_refused_by_name() {
    for (value, got) in [
        ("Symbol('x')", "a symbol"),
        ("10n", "a bigint"),
        ("() => 1", "a function"),
        ("[1]", "an array"),
        ("{}", "an object"),
        ("true", "a boolean"),
    ] {
        let error = super::connect_request(flow_with(&format!("{{customField: {value}}}")))
            .expect_err(value);
        assert_eq!(
            error_of(error),
            (
                "invalid_option".to_owned(),
                Some("customField".to_owned()),
                format!("invalid customField: expected a string, but got {got}")
            )
        );
    }
}

#[wasm_bindgen_test]
fn non_object_options_are_refused() {
    for value in [
        "null",
        "undefined",
        "42",
        "'x'",
        "Symbol()",
        "[]",
        "() => {}",
    ] {
        let (code, field, _) = error_of(super::connect_request(js(value)).expect_err(value));
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("invalid_option", Some("options"))
        );
    }
}

#[wasm_bindgen_test]
fn throwing_getters_and_proxies_are_errors_not_traps() {
    let getter = js(&format!(
        "Object.defineProperty({FLOW}, 'apiKey', {{ enumerable: true, get() {{ throw 'nope'; }} }})"
    ));
    let (code, field, message) = error_of(super::connect_request(getter).expect_err("getter"));
    assert_eq!(code, "invalid_option");
    assert_eq!(field.as_deref(), Some("apiKey"));
    assert_eq!(
        message,
        "invalid apiKey: expected a readable value, but reading it threw nope"
    );
    let proxy = js("new Proxy({}, { ownKeys() { throw new RangeError('trap'); } })");
    let (_, _, message) = error_of(super::connect_request(proxy).expect_err("proxy"));
    assert_eq!(
        message,
        "invalid options: expected readable options, but got trap"
    );
    // Symbol keys are not options and are not looked at.
    assert!(
        super::connect_request(js(&format!("Object.assign({FLOW}, {{[Symbol('s')]: 1}})"))).is_ok()
    );
}

#[wasm_bindgen_test]
fn phone_errors_are_invalid_phone_with_the_option_named() {
    let (code, field, message) =
        error_of(super::connect_request(flow_with("{from: '98765'}")).expect_err("short"));
    assert_eq!(code, "invalid_phone");
    assert_eq!(field.as_deref(), Some("from"));
    assert_eq!(
        message,
        "invalid from: expected 10 digits not starting with 0 after +91 for India, but got 5 digits (98765)"
    );
    assert_eq!(
        super::normalize_phone(js("'(415) 555-0100'"), js("'us'")).expect("US number"),
        "+14155550100"
    );
    let (code, field, _) =
        error_of(super::normalize_phone(js("'x'"), JsValue::UNDEFINED).expect_err("x"));
    assert_eq!((code.as_str(), field), ("invalid_phone", None));
    let (code, field, _) =
        error_of(super::normalize_phone(js("'9876543210'"), js("7")).expect_err("country"));
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("invalid_option", Some("defaultCountry"))
    );
}

#[wasm_bindgen_test]
fn bodies_as_text_bytes_and_buffers_parse_alike() {
    let body =
        r#"{"Call": {"Sid": "abc", "Status": "completed", "Price": 1.500, "Duration": "17"}}"#;
    let bytes = js_sys::Uint8Array::from(body.as_bytes());
    for value in [
        JsValue::from_str(body),
        bytes.clone().into(),
        bytes.buffer().into(),
    ] {
        let call = super::parse_call_js(value, JsValue::UNDEFINED).expect("a call");
        assert_eq!(text(&call, "price").as_deref(), Some("1.500"));
        assert_eq!(prop(&call, "duration").as_f64(), Some(17.0));
        assert!(prop(&call, "parentCallSid").is_null());
        assert!(prop(&call, "details").is_undefined());
    }
}

#[wasm_bindgen_test]
fn responses_become_the_right_errors() {
    let exotel = r#"{"RestException": {"Status": 403, "Message": "NDNC", "Code": 20003}}"#;
    let error =
        super::parse_response_js(js("403"), exotel.into(), JsValue::UNDEFINED).expect_err("403");
    assert_eq!(error_of(error.clone()).0, "exotel_error");
    assert_eq!(prop(&error, "status").as_f64(), Some(403.0));
    assert_eq!(text(&error, "exotelMessage").as_deref(), Some("NDNC"));
    assert_eq!(text(&error, "exotelCode").as_deref(), Some("20003"));
    let error = super::parse_response_js(js("200"), "{".into(), js("'application/json'"))
        .expect_err("truncated");
    assert_eq!(error_of(error).0, "malformed_response");
    let error =
        super::parse_status_callback_js("CallSid=a".into(), JsValue::NULL).expect_err("no status");
    assert_eq!(
        error_of(error).2,
        "malformed status callback: expected a `Status` field, but got none"
    );
}

#[wasm_bindgen_test]
fn status_callbacks_leave_out_what_was_not_sent() {
    let callback = super::parse_status_callback_js(
        "CallSid=abc&Status=busy&RecordingUrl=&DateUpdated=2026-11-26+10%3A00%3A00".into(),
        js("'application/x-www-form-urlencoded'"),
    )
    .expect("a callback");
    assert_eq!(text(&callback, "status").as_deref(), Some("busy"));
    assert!(prop(&callback, "recordingUrl").is_null());
    for absent in ["eventType", "to", "legs", "conversationDuration"] {
        assert!(prop(&callback, absent).is_undefined(), "{absent}");
    }
}

#[wasm_bindgen_test]
fn only_our_errors_are_ours() {
    assert!(!super::is_exotel_connect_error(js("new Error('x')")));
    assert!(!super::is_exotel_connect_error(js(
        "({ code: 'invalid_phone' })"
    )));
    assert!(!super::is_exotel_connect_error(JsValue::NULL));
    let ours = super::normalize_phone(js("''"), JsValue::UNDEFINED).expect_err("empty");
    assert!(ours.is_instance_of::<js_sys::Error>());
    assert!(super::is_exotel_connect_error(ours));
}
