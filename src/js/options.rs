//! Reading a JS options object: every key checked against the ones the function takes, every
//! value checked for its type, so a typo (`callerID`) or a number given as text is reported by
//! name instead of being silently dropped.
//!
//! Values are read with `Reflect.get` one by one rather than through serde-wasm-bindgen: the
//! options are a handful of strings and numbers, and serde would cost more wasm than the rest
//! of the façade.

use wasm_bindgen::prelude::*;

use super::error::Failure;
use super::sys;

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
/// How the sending functions send. The request builders accept (and ignore) these too, so one
/// options object can be handed to `connectRequest` and to `connect`.
pub(crate) const SEND: &[&str] = &["fetch", "signal"];

/// An options object whose keys have been checked.
pub(crate) struct Options<'a> {
    object: &'a JsValue,
}

impl<'a> Options<'a> {
    /// Checks that `object` is a plain object whose own keys are all in `groups`.
    pub(crate) fn new(object: &'a JsValue, groups: &[&[&str]]) -> Result<Options<'a>, Failure> {
        let kind = sys::type_name(object);
        if kind != "an object" {
            return Err(Failure::option(
                "options",
                format!("expected an options object, but got {kind}"),
            ));
        }
        let keys = sys::keys(object).map_err(|e| {
            Failure::option(
                "options",
                format!("expected readable options, but got {}", sys::describe(&e)),
            )
        })?;
        let allowed = || groups.iter().flat_map(|group| group.iter().copied());
        for key in keys {
            let Some(key) = key.as_string() else { continue };
            if allowed().any(|known| known == key) {
                continue;
            }
            // A differently cased known name is almost certainly what was meant.
            let problem = match allowed().find(|known| known.eq_ignore_ascii_case(&key)) {
                Some(known) => format!("unknown option, did you mean `{known}`?"),
                None => format!(
                    "unknown option (expected one of {})",
                    allowed().collect::<Vec<_>>().join(", ")
                ),
            };
            return Err(Failure::option(&key, problem));
        }
        Ok(Options { object })
    }

    /// The value of `key`; `undefined` and `null` both mean "not given".
    pub(crate) fn value(&self, key: &str) -> Result<Option<JsValue>, Failure> {
        let value = sys::get(self.object, key).map_err(|e| {
            Failure::option(
                key,
                format!(
                    "expected a readable value, but reading it threw {}",
                    sys::describe(&e)
                ),
            )
        })?;
        Ok((!value.is_null() && !value.is_undefined()).then_some(value))
    }

    /// Whether `key` was given (not `undefined` or `null`).
    pub(crate) fn has(&self, key: &str) -> bool {
        matches!(self.value(key), Ok(Some(_)))
    }

    /// A string option.
    pub(crate) fn string(&self, key: &str) -> Result<Option<String>, Failure> {
        match self.value(key)? {
            None => Ok(None),
            Some(value) => value.as_string().map(Some).ok_or_else(|| {
                Failure::option(
                    key,
                    format!("expected a string, but got {}", sys::type_name(&value)),
                )
            }),
        }
    }

    /// A whole number of seconds. Anything beyond JS's safe integers is refused here, before it
    /// could be rounded on its way to an `i64`.
    pub(crate) fn seconds(&self, key: &str) -> Result<Option<i64>, Failure> {
        const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
        let Some(value) = self.value(key)? else {
            return Ok(None);
        };
        let Some(number) = value.as_f64() else {
            return Err(Failure::option(
                key,
                format!(
                    "expected a whole number of seconds, but got {}",
                    sys::type_name(&value)
                ),
            ));
        };
        if number.fract() != 0.0 || number.abs() > MAX_SAFE_INTEGER {
            // NaN and the infinities fail the first test (their fract() is NaN).
            return Err(Failure::option(
                key,
                format!(
                    "expected a whole number of seconds, but got {}",
                    sys::describe(&value)
                ),
            ));
        }
        // Exact: the value is an integer within ±2^53.
        Ok(Some(number as i64))
    }

    /// A boolean option.
    pub(crate) fn boolean(&self, key: &str) -> Result<Option<bool>, Failure> {
        match self.value(key)? {
            None => Ok(None),
            Some(value) => value.as_bool().map(Some).ok_or_else(|| {
                Failure::option(
                    key,
                    format!("expected true or false, but got {}", sys::type_name(&value)),
                )
            }),
        }
    }

    /// An array of strings.
    pub(crate) fn strings(&self, key: &str) -> Result<Vec<String>, Failure> {
        let Some(value) = self.value(key)? else {
            return Ok(Vec::new());
        };
        if !sys::is_array(&value) {
            return Err(Failure::option(
                key,
                format!(
                    "expected an array of strings, but got {}",
                    sys::type_name(&value)
                ),
            ));
        }
        let items = sys::array_items(&value).map_err(|e| {
            Failure::option(
                key,
                format!("expected a readable array, but got {}", sys::describe(&e)),
            )
        })?;
        items
            .into_iter()
            .map(|item| {
                item.as_string().ok_or_else(|| {
                    Failure::option(
                        key,
                        format!(
                            "expected an array of strings, but got {} in it",
                            sys::type_name(&item)
                        ),
                    )
                })
            })
            .collect()
    }
}
