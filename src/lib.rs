//! # exotel-connect
//!
//! Click-to-call with [Exotel](https://exotel.com): typed requests and responses for Exotel's
//! voice API, with no I/O of its own.
//!
//! The core turns typed inputs into a plain [`HttpRequest`] (method, URL, headers, body) that
//! any HTTP client can send, and turns Exotel's bytes back into typed values: a [`Call`] from
//! JSON or XML, an [`ExotelError`] from a `RestException`, a [`StatusCallback`] from a
//! urlencoded, multipart or JSON callback. [`PhoneNumber`] turns what people type into E.164.
//!
//! In scope: building connect-to-flow, connect-two-numbers and call-details requests; parsing
//! every response and callback body; phone number normalization. Out of scope: sending
//! anything (the npm package's `connect()` and the Cloudflare Worker do that with `fetch`).
//!
//! ```
//! use exotel_connect::{parse_response, Account, ApiBase, ConnectToFlow, Credentials, Region};
//!
//! let account = Account::new(
//!     "acme",
//!     Credentials::new("my-api-key", "my-api-token")?,
//!     ApiBase::region(Region::Mumbai),
//! )?;
//! let request = ConnectToFlow::builder()
//!     .from("098765 43210")        // what the visitor typed
//!     .caller_id("080 4711 2400")  // your ExoPhone
//!     .app_id("926")               // the flow to connect them to
//!     .status_callback("https://example.com/exotel/status")
//!     .time_limit(600)
//!     .build()?
//!     .to_request(&account);
//! assert_eq!(request.method.as_str(), "POST");
//! assert_eq!(request.url, "https://api.in.exotel.com/v1/Accounts/acme/Calls/connect.json");
//! assert_eq!(
//!     request.body.as_deref(),
//!     Some("From=%2B919876543210&CallerId=%2B918047112400\
//!           &Url=http%3A%2F%2Fmy.exotel.com%2Facme%2Fexoml%2Fstart_voice%2F926\
//!           &TimeLimit=600&StatusCallback=https%3A%2F%2Fexample.com%2Fexotel%2Fstatus")
//! );
//!
//! // Send `request` with any HTTP client, then read the answer:
//! let body = br#"{"Call": {"Sid": "80bfbec2d78bbbf10fb851f4fa165211", "Status": "in-progress"}}"#;
//! let call = parse_response(200, Some("application/json"), body)?;
//! assert_eq!(call.sid, "80bfbec2d78bbbf10fb851f4fa165211");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// The npm package's wasm is `no_std` (see the panic handler in src/js/mod.rs); every other build
// (Rust users, the Worker, the tests) has std.
#![cfg_attr(
    all(
        feature = "js",
        not(feature = "worker"),
        target_arch = "wasm32",
        not(test)
    ),
    no_std
)]

extern crate alloc;

/// What the std prelude brings from `alloc`, for the modules the `no_std` build compiles: each
/// says `use crate::prelude::*;`.
#[allow(unused_imports)]
mod prelude {
    pub(crate) use alloc::borrow::ToOwned;
    pub(crate) use alloc::boxed::Box;
    pub(crate) use alloc::format;
    pub(crate) use alloc::string::{String, ToString};
    pub(crate) use alloc::vec;
    pub(crate) use alloc::vec::Vec;
}

mod base64;
mod call;
mod callback;
mod calls;
mod form;
mod phone;
mod request;
mod text;
mod wire;

#[cfg(feature = "js")]
mod js;
#[cfg(feature = "worker")]
mod worker;

pub use call::{
    parse_call, parse_response, Call, CallLegDetails, CallStatus, Direction, ExotelError, Leg,
    Price, ResponseError,
};
pub use callback::{parse_status_callback, StatusCallback};
pub use calls::{
    CallDetails, CallType, CallbackContentType, CallbackEvent, ConnectToFlow, ConnectToFlowBuilder,
    ConnectTwoNumbers, ConnectTwoNumbersBuilder, Flow, RecordingChannels, RecordingFormat,
    MAX_TIME_LIMIT,
};
pub use phone::{Country, PhoneError, PhoneNumber};
pub use request::{
    Account, ApiBase, Credentials, Format, HttpRequest, Method, Region, RequestError,
};
pub use wire::{BodyFormat, ParseError};

/// The Worker's `POST /api/calls` body reader, for the fuzz target `worker_create_body`. Only
/// in fuzzing builds (cargo-fuzz sets `--cfg fuzzing`); not part of the API.
#[cfg(all(feature = "worker", fuzzing))]
#[doc(hidden)]
pub use worker::fuzz_create_body;

/// The README's Rust examples, compiled and run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
