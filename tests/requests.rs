//! Golden requests: each `tests/fixtures/requests/*.json` holds options (in the npm package's
//! names, so its tests use the same files) and the exact request the core must build from
//! them. Plus the exact message of every invalid field.

use std::fs;
use std::path::Path;

use exotel_connect::{
    whitelist_details_request, Account, ApiBase, CallDetails, ConnectToFlow, ConnectTwoNumbers,
    Credentials, CustomerWhitelist, Format, HttpRequest, Method, Region, RequestError,
    MAX_WHITELIST_NUMBERS,
};
use serde_json::{json, Value};

fn text<'a>(options: &'a Value, name: &str) -> Option<&'a str> {
    options.get(name).and_then(Value::as_str)
}

fn number(options: &Value, name: &str) -> Option<i64> {
    options.get(name).and_then(Value::as_i64)
}

fn account(options: &Value) -> Result<Account, RequestError> {
    let credentials = Credentials::new(
        text(options, "apiKey").unwrap_or_default(),
        text(options, "apiToken").unwrap_or_default(),
    )?;
    let base = match (text(options, "region"), text(options, "baseUrl")) {
        (_, Some(url)) => ApiBase::custom(url)?,
        (Some(region), None) => ApiBase::region(Region::parse(region)?),
        (None, None) => ApiBase::region(Region::Singapore),
    };
    let format = text(options, "format").map(Format::parse).transpose()?;
    let account = Account::new(
        text(options, "accountSid").unwrap_or_default(),
        credentials,
        base,
    )?;
    Ok(account.with_format(format.unwrap_or_default()))
}

/// Applies the options both connect builders share.
macro_rules! common {
    ($builder:expr, $o:expr) => {{
        let mut b = $builder;
        if let Some(v) = text($o, "from") {
            b = b.from(v);
        }
        if let Some(v) = text($o, "callerId") {
            b = b.caller_id(v);
        }
        if let Some(v) = text($o, "callType") {
            b = b.call_type(v);
        }
        if let Some(v) = number($o, "timeLimit") {
            b = b.time_limit(v);
        }
        if let Some(v) = number($o, "timeOut") {
            b = b.time_out(v);
        }
        if let Some(v) = text($o, "statusCallback") {
            b = b.status_callback(v);
        }
        if let Some(v) = text($o, "customField") {
            b = b.custom_field(v);
        }
        b
    }};
}

fn build(call: &str, o: &Value) -> Result<HttpRequest, RequestError> {
    let account = account(o)?;
    match call {
        "connectRequest" => {
            let mut b = common!(ConnectToFlow::builder(), o);
            if let Some(v) = text(o, "appId") {
                b = b.app_id(v);
            }
            if let Some(v) = text(o, "flowUrl") {
                b = b.flow_url(v);
            }
            Ok(b.build()?.to_request(&account))
        }
        "connectTwoNumbersRequest" => {
            let mut b = common!(ConnectTwoNumbers::builder(), o);
            if let Some(v) = text(o, "to") {
                b = b.to(v);
            }
            if let Some(v) = o.get("record").and_then(Value::as_bool) {
                b = b.record(v);
            }
            if let Some(v) = text(o, "recordingChannels") {
                b = b.recording_channels(v);
            }
            if let Some(v) = text(o, "recordingFormat") {
                b = b.recording_format(v);
            }
            if let Some(v) = text(o, "waitUrl") {
                b = b.wait_url(v);
            }
            for event in o["statusCallbackEvents"].as_array().into_iter().flatten() {
                b = b.status_callback_event(event.as_str().unwrap_or_default());
            }
            if let Some(v) = text(o, "statusCallbackContentType") {
                b = b.status_callback_content_type(v);
            }
            Ok(b.build()?.to_request(&account))
        }
        "callDetailsRequest" => {
            let details = o.get("details").and_then(Value::as_bool).unwrap_or(false);
            Ok(CallDetails::new(text(o, "callSid").unwrap_or_default())?
                .details(details)
                .to_request(&account))
        }
        "customerWhitelistRequest" => {
            let numbers = o["numbers"].as_array().into_iter().flatten();
            Ok(CustomerWhitelist::new(
                text(o, "virtualNumber").unwrap_or_default(),
                numbers.map(|n| n.as_str().unwrap_or_default()),
            )?
            .to_request(&account))
        }
        "whitelistDetailsRequest" => {
            whitelist_details_request(&account, text(o, "number").unwrap_or_default())
        }
        other => panic!("unknown call {other}"),
    }
}

fn request_json(request: &HttpRequest) -> Value {
    json!({
        "method": request.method.as_str(),
        "url": request.url,
        "headers": request.headers,
        "body": request.body,
    })
}

#[test]
fn golden_requests_are_byte_identical() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/requests");
    let mut count = 0;
    for entry in fs::read_dir(&dir).expect("requests fixtures") {
        let path = entry.expect("entry").path();
        let case: Value =
            serde_json::from_str(&fs::read_to_string(&path).expect("readable")).expect("JSON");
        let built = build(case["call"].as_str().expect("call"), &case["options"])
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(request_json(&built), case["request"], "{}", path.display());
        count += 1;
    }
    assert!(count >= 10, "golden requests went missing");
}

fn minimal() -> Value {
    json!({"accountSid": "acme", "apiKey": "k", "apiToken": "t", "region": "mumbai",
           "from": "9876543210", "callerId": "08047112400", "appId": "926"})
}

/// The error for `minimal()` with `changes` applied (`null` removes a field).
fn error_with(call: &str, changes: Value) -> String {
    let mut options = minimal();
    for (key, value) in changes.as_object().expect("object") {
        if value.is_null() {
            options.as_object_mut().expect("object").remove(key);
        } else {
            options[key] = value.clone();
        }
    }
    match build(call, &options) {
        Ok(request) => panic!("built {request:?} from {options}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn each_invalid_field_names_itself() {
    let flow = |changes| error_with("connectRequest", changes);
    assert_eq!(
        flow(json!({"from": null})),
        "invalid From: expected a value, but got nothing"
    );
    assert_eq!(
        flow(json!({"from": "12345"})),
        "invalid From: expected 10 digits not starting with 0 after +91 for India, but got 5 digits (12345)"
    );
    assert_eq!(
        flow(json!({"callerId": "0804711240x"})),
        "invalid CallerId: expected digits, spaces, dashes, dots or parentheses, but got `x`"
    );
    assert_eq!(
        flow(json!({"appId": null})),
        "invalid Url: expected an app id or a flow URL, but got neither"
    );
    assert_eq!(
        flow(json!({"flowUrl": "http://my.exotel.com/acme/exoml/start_voice/926"})),
        "invalid Url: expected an app id or a flow URL, but got both"
    );
    assert_eq!(
        flow(json!({"appId": "92/6"})),
        "invalid Url: expected an app id of letters and digits, but got `92/6`"
    );
    assert_eq!(
        flow(json!({"appId": null, "flowUrl": "my.exotel.com/x"})),
        "invalid Url: expected an absolute http(s) URL, but got `my.exotel.com/x`"
    );
    assert_eq!(
        flow(json!({"callType": "promo"})),
        "invalid CallType: expected `trans`, but got `promo` (no longer supported by Exotel)"
    );
    assert_eq!(
        flow(json!({"timeLimit": 0})),
        "invalid TimeLimit: expected 1 to 14400 seconds, but got 0"
    );
    assert_eq!(
        flow(json!({"timeLimit": 14401})),
        "invalid TimeLimit: expected 1 to 14400 seconds, but got 14401"
    );
    assert_eq!(
        flow(json!({"timeOut": -3})),
        "invalid TimeOut: expected 1 to 14400 seconds, but got -3"
    );
    assert_eq!(
        flow(json!({"statusCallback": "/exotel/status"})),
        "invalid StatusCallback: expected an absolute http(s) URL, but got `/exotel/status`"
    );
    assert_eq!(
        flow(json!({"statusCallback": "https://exa mple.com/"})),
        "invalid StatusCallback: expected no spaces or control characters in the URL, but got ` `"
    );
    assert_eq!(
        flow(json!({"customField": ""})),
        "invalid CustomField: expected a value, but got nothing (leave it out instead)"
    );
    assert_eq!(
        flow(json!({"accountSid": "ac/me"})),
        "invalid account_sid: expected letters, digits, `_`, `-` or `.`, but got `/`"
    );
    assert_eq!(
        flow(json!({"apiToken": ""})),
        "invalid api_token: expected a value, but got nothing"
    );
    assert_eq!(
        flow(json!({"region": "tokyo"})),
        "invalid region: expected `singapore` or `mumbai`, but got `tokyo`"
    );
    assert_eq!(
        flow(json!({"format": "yaml"})),
        "invalid format: expected `json` or `xml`, but got `yaml`"
    );
    let two = |changes| error_with("connectTwoNumbersRequest", changes);
    assert_eq!(
        two(json!({"appId": null})),
        "invalid To: expected a value, but got nothing"
    );
    let two_with = |changes: Value| {
        let mut c = changes;
        c["to"] = json!("09123456789");
        two(c)
    };
    assert_eq!(
        two_with(json!({"recordingChannels": "stereo"})),
        "invalid RecordingChannels: expected `single` or `dual`, but got `stereo`"
    );
    assert_eq!(
        two_with(json!({"recordingFormat": "wav"})),
        "invalid RecordingFormat: expected `mp3` or `mp3-hq`, but got `wav`"
    );
    assert_eq!(
        two_with(json!({"waitUrl": "wait.wav"})),
        "invalid WaitUrl: expected an absolute http(s) URL, but got `wait.wav`"
    );
    assert_eq!(
        two_with(json!({"statusCallbackEvents": ["terminal", "ringing"]})),
        "invalid StatusCallbackEvents: expected `terminal` or `answered`, but got `ringing`"
    );
    assert_eq!(
        two_with(json!({"statusCallbackContentType": "text/xml"})),
        "invalid StatusCallbackContentType: expected `multipart/form-data` or `application/json`, but got `text/xml`"
    );
    assert_eq!(
        error_with("callDetailsRequest", json!({"callSid": "../x"})),
        "invalid CallSid: expected letters, digits, `_`, `-` or `.`, but got `/`"
    );
}

#[test]
fn credentials_never_reach_the_url_or_debug_output() {
    let request = build("connectRequest", &minimal()).expect("valid");
    assert!(!request.url.contains('@'));
    assert_eq!(request.header("authorization"), Some("Basic azp0")); // base64("k:t")
    assert!(!format!("{request:?}").contains("azp0"));
}

fn whitelist_error(changes: Value) -> String {
    let mut options = json!({"accountSid": "acme", "apiKey": "k", "apiToken": "t",
        "region": "mumbai", "virtualNumber": "08047112400", "numbers": ["9876543210"]});
    for (key, value) in changes.as_object().expect("object") {
        options[key] = value.clone();
    }
    match build("customerWhitelistRequest", &options) {
        Ok(request) => panic!("built {request:?} from {options}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn each_invalid_whitelist_field_names_itself() {
    assert_eq!(
        whitelist_error(json!({"virtualNumber": ""})),
        "invalid VirtualNumber: expected a phone number, but got nothing"
    );
    assert_eq!(
        whitelist_error(json!({"virtualNumber": "0804711240x"})),
        "invalid VirtualNumber: expected digits, spaces, dashes, dots or parentheses, but got `x`"
    );
    assert_eq!(
        whitelist_error(json!({"numbers": []})),
        "invalid Number: expected at least one number, but got none"
    );
    assert_eq!(
        whitelist_error(json!({"numbers": ["9876543210", "12345"]})),
        "invalid Number: expected 10 digits not starting with 0 after +91 for India, but got 5 digits (12345)"
    );
    let many: Vec<String> = (0..=MAX_WHITELIST_NUMBERS)
        .map(|i| format!("+9198765{i:05}"))
        .collect();
    assert_eq!(
        whitelist_error(json!({ "numbers": many })),
        "invalid Number: expected at most 100 different numbers, but got more"
    );
    let account =
        account(&json!({"accountSid": "acme", "apiKey": "k", "apiToken": "t"})).expect("account");
    assert_eq!(
        whitelist_details_request(&account, "+0 98765")
            .unwrap_err()
            .to_string(),
        "invalid Number: expected a country code after `+` or `00`, but got a 0"
    );
}

#[test]
fn whitelist_requests_carry_basic_auth_and_the_numbers_once() {
    let account =
        account(&json!({"accountSid": "acme", "apiKey": "KEY123", "apiToken": "TOKEN456"}))
            .expect("account");
    let request = CustomerWhitelist::new(
        "080-4711-2400",
        ["+91 98765 43210", "098765 43210", "0091 9876543210"],
    )
    .expect("valid")
    .to_request(&account);
    assert_eq!(request.method, Method::Post);
    assert_eq!(
        request.url,
        "https://api.exotel.com/v1/Accounts/acme/CustomerWhitelist.json"
    );
    assert_eq!(
        request.headers,
        [
            ("Authorization", "Basic S0VZMTIzOlRPS0VONDU2"),
            ("Accept", "application/json"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ]
        .map(|(name, value)| (name, value.into()))
    );
    assert_eq!(
        request.body.as_deref(),
        Some("VirtualNumber=%2B918047112400&Number=%2B919876543210")
    );
    assert!(!format!("{request:?}").contains("S0VZ"));
    let details = whitelist_details_request(&account, "9876543210").expect("valid");
    assert_eq!(details.method, Method::Get);
    assert_eq!(
        details.header("authorization"),
        Some("Basic S0VZMTIzOlRPS0VONDU2")
    );
    assert_eq!(details.header("content-type"), None);
    assert_eq!(details.body, None);
}
