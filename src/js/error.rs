//! The one error type JS callers see: an `Error` named `ExotelConnectError` with a stable `code`
//! and, depending on the code, the option at fault or what Exotel answered.

use wasm_bindgen::prelude::*;

use crate::{ExotelError, ParseError, PhoneError, ResponseError};

use super::sys;

/// The stable `code` of a thrown error (`ErrorCode` in the TypeScript declarations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Code {
    InvalidOption,
    InvalidPhone,
    MalformedResponse,
    ExotelError,
    NetworkError,
}

impl Code {
    pub(crate) const ALL: [Code; 5] = [
        Code::InvalidOption,
        Code::InvalidPhone,
        Code::MalformedResponse,
        Code::ExotelError,
        Code::NetworkError,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Code::InvalidOption => "invalid_option",
            Code::InvalidPhone => "invalid_phone",
            Code::MalformedResponse => "malformed_response",
            Code::ExotelError => "exotel_error",
            Code::NetworkError => "network_error",
        }
    }
}

/// An error on its way to JS. Built in Rust, so tests can look at it before it becomes an
/// `Error` object.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub(crate) code: Code,
    pub(crate) message: String,
    /// The JS option name, e.g. `timeLimit`.
    pub(crate) field: Option<String>,
    /// The HTTP status of the response the error came from.
    pub(crate) status: Option<u16>,
    pub(crate) exotel_message: Option<String>,
    pub(crate) exotel_code: Option<String>,
}

impl Failure {
    pub(crate) fn new(code: Code, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
            field: None,
            status: None,
            exotel_message: None,
            exotel_code: None,
        }
    }

    /// An invalid option, with the message format the core uses: `invalid <field>: <problem>`.
    pub(crate) fn option(field: &str, problem: impl AsRef<str>) -> Failure {
        Failure::field(Code::InvalidOption, field, problem)
    }

    pub(crate) fn field(code: Code, field: &str, problem: impl AsRef<str>) -> Failure {
        Failure {
            field: Some(field.to_owned()),
            ..Failure::new(code, format!("invalid {field}: {}", problem.as_ref()))
        }
    }

    /// A phone number refused by `normalizePhone` (no option involved).
    pub(crate) fn phone(error: &PhoneError) -> Failure {
        Failure::new(Code::InvalidPhone, error.to_string())
    }

    /// A body that `parseCall`, `parseStatusCallback` or `parseResponse` could not read.
    pub(crate) fn malformed(what: &str, error: &ParseError) -> Failure {
        Failure::new(
            Code::MalformedResponse,
            format!("malformed {what}: {error}"),
        )
    }

    /// What `parseResponse` and the sending functions make of a response that is not a Call.
    pub(crate) fn response(http_status: u16, error: &ResponseError) -> Failure {
        let mut failure = match error {
            ResponseError::Exotel(exotel) => Failure::exotel(exotel),
            other => Failure::new(Code::MalformedResponse, other.to_string()),
        };
        failure.status = Some(http_status);
        failure
    }

    fn exotel(error: &ExotelError) -> Failure {
        Failure {
            exotel_message: Some(error.message.clone()),
            exotel_code: error.code.clone(),
            ..Failure::new(Code::ExotelError, error.to_string())
        }
    }
}

impl From<Failure> for JsValue {
    fn from(failure: Failure) -> JsValue {
        let error = sys::new_error(&failure.message);
        let set = |key: &str, value: &JsValue| sys::set(&error, key, value);
        set("name", &JsValue::from_str("ExotelConnectError"));
        set("code", &JsValue::from_str(failure.code.as_str()));
        if let Some(field) = &failure.field {
            set("field", &JsValue::from_str(field));
        }
        if let Some(status) = failure.status {
            set("status", &JsValue::from_f64(f64::from(status)));
        }
        if let Some(message) = &failure.exotel_message {
            set("exotelMessage", &JsValue::from_str(message));
        }
        if let Some(code) = &failure.exotel_code {
            set("exotelCode", &JsValue::from_str(code));
        }
        error
    }
}

/// Whether `value` is an error this package threw: an `Error` whose `code` is one of ours.
pub(crate) fn is_ours(value: &JsValue) -> bool {
    if !sys::is_error(value) {
        return false;
    }
    let code = sys::get(value, "code")
        .ok()
        .and_then(|code| code.as_string());
    code.is_some_and(|code| Code::ALL.iter().any(|known| known.as_str() == code))
}
