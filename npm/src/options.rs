//! Reading a caller's options: every key checked against the ones the function takes, every
//! value checked for its type, so a typo (`callerID`) or a number given as text is reported by
//! name instead of being silently dropped.
//!
//! The options arrive as JSON text that npm/api.js wrote from the caller's object, read with the
//! core's own JSON reader. Strings, booleans, finite numbers and arrays are written as
//! themselves; any other value (an object, a function, `NaN`...) as `{"type": "a function"}`
//! (plus `"text"`, its `String()`, for numbers), so the messages here can still say what was
//! got. `undefined` and `null` are left out: not given.

use crate::prelude::*;
use exotel_connect::small_std::{concat, parse_unsigned};
use exotel_connect::wire::{read_json, Value};

use super::error::Failure;

/// The options every request takes: the account and where its API lives.
pub(crate) const ACCOUNT: &[&str] = &[
    "accountSid",
    "apiKey",
    "apiToken",
    "region",
    "baseUrl",
    "format",
];
/// The options both connect requests take.
pub(crate) const CALL: &[&str] = &[
    "from",
    "callerId",
    "defaultCountry",
    "callType",
    "timeLimit",
    "timeOut",
    "statusCallback",
    "customField",
];
/// Connect to a flow.
pub(crate) const FLOW: &[&str] = &["appId", "flowUrl"];
/// Connect two numbers.
pub(crate) const TWO_NUMBERS: &[&str] = &[
    "to",
    "record",
    "recordingChannels",
    "recordingFormat",
    "waitUrl",
    "statusCallbackEvents",
    "statusCallbackContentType",
];
/// Call details.
pub(crate) const DETAILS: &[&str] = &["callSid", "details"];
/// Add numbers to the DND whitelist.
pub(crate) const WHITELIST: &[&str] = &["virtualNumber", "numbers"];
/// Whitelist details of a number.
pub(crate) const WHITELIST_DETAILS: &[&str] = &["number"];
/// How the sending functions send. The request builders accept (and ignore) these too, so one
/// options object can be handed to `connectRequest` and to `connect`.
pub(crate) const SEND: &[&str] = &["fetch", "signal"];

/// How a value's type reads in a message: `a string`, `an array`, or the type npm/api.js wrote
/// for a value JSON cannot hold.
fn type_name<'v>(value: &'v Value<'_>) -> &'v str {
    match value {
        Value::Text(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Array(_) => "an array",
        Value::Null => "null",
        Value::Object(_) => match value.get("type") {
            Some(Value::Text(name)) => name,
            _ => "an object",
        },
    }
}

/// Why `key` is not an option: with the option it differs from only in case (almost certainly
/// what was meant), or else with every option there is.
fn unknown_option(key: &str, groups: &[&[&str]]) -> String {
    let mut problem = String::from("unknown option");
    for group in groups {
        for known in *group {
            if known.eq_ignore_ascii_case(key) {
                problem.push_str(", did you mean `");
                problem.push_str(known);
                problem.push_str("`?");
                return problem;
            }
        }
    }
    let mut separator = " (expected one of ";
    for group in groups {
        for known in *group {
            problem.push_str(separator);
            problem.push_str(known);
            separator = ", ";
        }
    }
    problem.push(')');
    problem
}

/// An options object whose keys have been checked.
pub(crate) struct Options<'a> {
    object: Value<'a>,
}

impl<'a> Options<'a> {
    /// Reads `json` (UTF-8) and checks that its keys are all in `groups`.
    pub(crate) fn new(json: &'a [u8], groups: &[&[&str]]) -> Result<Options<'a>, Failure> {
        let object = match core::str::from_utf8(json).map(read_json) {
            Ok(Ok(object @ Value::Object(_))) => object,
            // npm/api.js writes an object with JSON.stringify and encodes it: only a caller of
            // the raw export gets here.
            _ => {
                return Err(Failure::option(
                    "options",
                    "expected an options object, but got something else",
                ))
            }
        };
        if let Value::Object(fields) = &object {
            for (key, _) in fields {
                if groups.iter().any(|group| group.contains(&&**key)) {
                    continue;
                }
                return Err(Failure::option(key, &unknown_option(key, groups)));
            }
        }
        Ok(Options { object })
    }

    /// The value of `key`, if it was given.
    fn value(&self, key: &str) -> Option<&Value<'a>> {
        self.object.get(key)
    }

    /// Whether `key` was given.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.value(key).is_some()
    }

    /// A refusal of `key`'s value: `expected <expected>, but got <what was got>`.
    fn refuse(key: &str, expected: &str, got: &str) -> Failure {
        Failure::option(key, &concat(&["expected ", expected, ", but got ", got]))
    }

    /// A string option.
    pub(crate) fn string(&self, key: &str) -> Result<Option<&str>, Failure> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::Text(text)) => Ok(Some(text)),
            Some(other) => Err(Options::refuse(key, "a string", type_name(other))),
        }
    }

    /// A whole number of seconds. Anything beyond JS's safe integers is refused here, before it
    /// could be rounded on its way to an `i64`.
    pub(crate) fn seconds(&self, key: &str) -> Result<Option<i64>, Failure> {
        const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;
        const EXPECTED: &str = "a whole number of seconds";
        let text = match self.value(key) {
            None => return Ok(None),
            Some(Value::Number(text)) => text,
            // NaN and the infinities, which JSON cannot hold, come with their `String()`.
            Some(tagged @ Value::Object(_)) if type_name(tagged) == "a number" => {
                let text = match tagged.get("text") {
                    Some(Value::Text(text)) => text,
                    _ => "a number",
                };
                return Err(Options::refuse(key, EXPECTED, text));
            }
            Some(other) => return Err(Options::refuse(key, EXPECTED, type_name(other))),
        };
        // JSON.stringify writes every integer below 10^21 in plain digits (`5`, never `5.0` or
        // `5e0`), so a whole number is an optional `-` and digits (a JSON number never starts
        // with the `+` parse_unsigned would also take).
        let digits = text.strip_prefix('-').unwrap_or(text);
        match parse_unsigned(digits, 10) {
            Some(magnitude) if magnitude <= MAX_SAFE_INTEGER => {
                // Exact: at most 2^53, well within an i64.
                let magnitude = magnitude as i64;
                Ok(Some(if digits.len() < text.len() {
                    -magnitude
                } else {
                    magnitude
                }))
            }
            _ => Err(Options::refuse(key, EXPECTED, text)),
        }
    }

    /// A boolean option.
    pub(crate) fn boolean(&self, key: &str) -> Result<Option<bool>, Failure> {
        match self.value(key) {
            None => Ok(None),
            Some(Value::Bool(value)) => Ok(Some(*value)),
            Some(other) => Err(Options::refuse(key, "true or false", type_name(other))),
        }
    }

    /// An array of strings.
    pub(crate) fn strings(&self, key: &str) -> Result<Vec<&str>, Failure> {
        const EXPECTED: &str = "an array of strings";
        let items = match self.value(key) {
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(other) => return Err(Options::refuse(key, EXPECTED, type_name(other))),
        };
        let mut out = Vec::new();
        for item in items {
            match item {
                Value::Text(text) => out.push(&**text),
                other => {
                    let got = concat(&[type_name(other), " in it"]);
                    return Err(Options::refuse(key, EXPECTED, &got));
                }
            }
        }
        Ok(out)
    }
}
