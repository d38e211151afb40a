//! The one error type JS callers see, `ExotelConnectError`: a stable `code` and, depending on
//! the code, the option at fault or what Exotel answered. It crosses to JS as a tape (see
//! [`super::answer`]); npm/api.js makes the `Error` object.

use crate::prelude::*;
use exotel_connect::small_std::concat;
use exotel_connect::{ExotelError, ParseError, PhoneError, ResponseError};

use super::results::{Key, Tape};

/// The stable `code` of a thrown error (`ErrorCode` in the TypeScript declarations).
/// `network_error` is made in npm/api.js only: sending is the one thing the wasm never does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Code {
    InvalidOption,
    InvalidPhone,
    MalformedResponse,
    ExotelError,
}

impl Code {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Code::InvalidOption => "invalid_option",
            Code::InvalidPhone => "invalid_phone",
            Code::MalformedResponse => "malformed_response",
            Code::ExotelError => "exotel_error",
        }
    }
}

/// An error on its way to JS.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    pub(crate) fn new(code: Code, message: String) -> Failure {
        Failure {
            code,
            message,
            field: None,
            status: None,
            exotel_message: None,
            exotel_code: None,
        }
    }

    /// An invalid option, with the message format the core uses: `invalid <field>: <problem>`.
    pub(crate) fn option(field: &str, problem: &str) -> Failure {
        Failure::field(Code::InvalidOption, field, problem)
    }

    pub(crate) fn field(code: Code, field: &str, problem: &str) -> Failure {
        Failure {
            field: Some(field.to_owned()),
            ..Failure::new(code, concat(&["invalid ", field, ": ", problem]))
        }
    }

    /// A phone number refused by `normalizePhone` (no option involved).
    pub(crate) fn phone(error: &PhoneError) -> Failure {
        Failure::new(Code::InvalidPhone, error.message())
    }

    /// A status callback that `parseStatusCallback` could not read.
    pub(crate) fn malformed(what: &str, error: &ParseError) -> Failure {
        let message = concat(&["malformed ", what, ": ", &error.message()]);
        Failure::new(Code::MalformedResponse, message)
    }

    /// What `parseCall`, `parseResponse` and the sending functions make of a body that is not
    /// a Call. `http_status` is the response's, when there was one (`parseCall` has none; an
    /// Exotel error carries the status it was reported with either way).
    pub(crate) fn response(http_status: Option<u16>, error: &ResponseError) -> Failure {
        match error {
            ResponseError::Exotel(exotel) => Failure::exotel(exotel),
            other => Failure {
                status: http_status,
                ..Failure::new(Code::MalformedResponse, other.message())
            },
        }
    }

    fn exotel(error: &ExotelError) -> Failure {
        Failure {
            status: Some(error.http_status),
            exotel_message: Some(error.message.clone()),
            exotel_code: error.code.clone(),
            ..Failure::new(Code::ExotelError, error.text())
        }
    }

    /// The error as the object npm/api.js turns into an `ExotelConnectError`: `message`,
    /// `code`, then whichever of `field`, `status`, `exotelMessage`, `exotelCode` it has.
    pub(crate) fn to_tape(&self) -> Tape {
        Tape::object(|tape| {
            tape.text(Key::Message, Some(&self.message));
            tape.text(Key::Code, Some(self.code.as_str()));
            tape.optional(Key::Field, self.field.as_deref());
            if let Some(status) = self.status {
                tape.number(Key::Status, Some(u64::from(status)));
            }
            tape.optional(Key::ExotelMessage, self.exotel_message.as_deref());
            tape.optional(Key::ExotelCode, self.exotel_code.as_deref());
        })
    }
}
