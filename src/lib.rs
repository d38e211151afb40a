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
//! In scope: building connect-to-flow, connect-two-numbers and call-details requests, and the
//! Customer Whitelist API's for numbers on India's DND registry ([`CustomerWhitelist`],
//! [`whitelist_details_request`], [`parse_whitelist`]); parsing every response and callback
//! body; phone number normalization. Out of scope: sending anything (the npm package's
//! `connect()` and the Cloudflare Worker, each a crate of its own in this repository, do that
//! with `fetch`).
//!
//! Two modules are public for those two apps and documented as such: [`wire`], the body
//! readers and writers with their limits, and [`small_std`], the few std stand-ins the npm
//! package's size budget asks for.
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
// No std: the npm package's wasm (npm/) is `no_std`, and nothing here needs more than `alloc`.
// Rust users with std get the same types.
#![cfg_attr(not(test), no_std)]
// The npm package's wasm is built for size (opt-level "z") on nightly with `--cfg
// optimize_hot_paths` (scripts/build-pkg.sh): the few small functions every body runs through
// byte by byte (the searches, the form decoder, field lookup) are marked `optimize(speed)`
// under it, about 0.2 KB of the package's gzipped wasm for a status callback read about a
// tenth faster. Every other build ignores the marks.
#![cfg_attr(optimize_hot_paths, feature(optimize_attribute))]

extern crate alloc;

/// What the std prelude brings from `alloc`, for modules that build text and lists: each says
/// `use crate::prelude::*;`.
#[allow(unused_imports)]
mod prelude {
    pub(crate) use alloc::borrow::ToOwned;
    pub(crate) use alloc::boxed::Box;
    pub(crate) use alloc::format;
    pub(crate) use alloc::string::{String, ToString};
    pub(crate) use alloc::vec;
    pub(crate) use alloc::vec::Vec;
}

mod account;
mod call;
mod callback;
mod http;
mod phone;
mod requests;
pub mod small_std;
mod whitelist;
pub mod wire;

pub use account::{Account, ApiBase, Credentials, Format, Region, RequestError};
pub use call::{
    parse_call, parse_response, Call, CallLegDetails, CallStatus, Direction, ExotelError, Leg,
    Price, ResponseError,
};
pub use callback::{parse_status_callback, StatusCallback};
pub use http::{HttpRequest, Method};
pub use phone::{Country, PhoneError, PhoneNumber};
pub use requests::{
    CallDetails, CallType, CallbackContentType, CallbackEvent, ConnectToFlow, ConnectToFlowBuilder,
    ConnectTwoNumbers, ConnectTwoNumbersBuilder, Flow, RecordingChannels, RecordingFormat,
    MAX_TIME_LIMIT,
};
pub use whitelist::{
    parse_whitelist, whitelist_details_request, CustomerWhitelist, WhitelistDetails,
    WhitelistExpiry, WhitelistStatus, WhitelistType, MAX_WHITELIST_NUMBERS,
};
pub use wire::{BodyFormat, ParseError};

/// The README's Rust examples, compiled and run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
