//! The wasm half of the npm package `exotel-connect`.
//!
//! The package's functions are a few lines of JS (npm/api.js, appended to wasm-bindgen's glue by
//! scripts/build-pkg.sh) around the exports here. The boundary is text and bytes: api.js
//! writes the caller's options as JSON and hands bodies over as bytes; each export answers with
//! one text, the result or the `ExotelConnectError`'s fields as a tape (results.rs) that api.js
//! builds the object from. So every rule (which options exist, what a valid number is, how
//! Exotel's bodies read) is the Rust core's, while the wasm needs no JS bindings beyond
//! wasm-bindgen's string and byte passing: reading JS objects field by field from Rust cost
//! the package about a quarter of its size (docs/js.md, "Size").
//!
//! The TypeScript declarations are written by hand beside this file (`api.d.ts`, `types.d.ts`)
//! and emitted by wasm-bindgen as custom sections; the exports here are internal
//! (`skip_typescript`, and build-pkg.sh removes them from the module's public names). The
//! generated `exotel_connect.d.ts` is checked against the goldens in npm/tests/golden/ by
//! npm/tests/dts.test.mjs.

// The wasm is `no_std` (see the panic handler below); the tests and native builds have std.
#![cfg_attr(all(target_arch = "wasm32", not(test)), no_std)]

extern crate alloc;

use wasm_bindgen::prelude::*;

use crate::prelude::*;
use exotel_connect::{
    parse_call, parse_response, parse_status_callback, parse_whitelist, Country, PhoneNumber,
};

/// What the std prelude brings from `alloc`, for the `no_std` build: each module says
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

mod error;
mod options;
mod requests;
mod results;
#[cfg(all(test, target_arch = "wasm32"))]
mod tests;

use error::Failure;

/// The allocator of the npm package's wasm: lol_alloc's free-list allocator is about 1 KB where
/// std's dlmalloc is about 8 KB, and every browser downloads it. Requests and bodies are small
/// and short-lived, so its simple first-fit search costs nothing measurable. (Single-threaded:
/// the lock never contends.)
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

/// The declarations of the package's functions, which are JS (npm/api.js).
#[wasm_bindgen(typescript_custom_section)]
const FUNCTIONS: &str = include_str!("api.d.ts");

/// The one text every export answers with: the result's tape, or the error's fields as a tape
/// after [`results::ERROR`].
fn answer(result: Result<results::Tape, Failure>) -> String {
    match result {
        Ok(tape) => tape.finish(),
        Err(failure) => failure.to_tape().finish_error(),
    }
}

/// The names of the result objects' fields, in the order the tapes number them, separated by
/// commas: npm/api.js asks once and keeps them.
#[wasm_bindgen(js_name = wasmKeys, skip_typescript)]
pub fn keys() -> String {
    results::KEY_NAMES.into()
}

/// Which request [`request`] builds, as npm/api.js names it by number: each of the package's
/// request builders is this one export, so the wasm and its JS glue carry one boundary wrapper
/// for all of them instead of one each (about 100 bytes of wasm and as many of glue apiece).
pub(crate) mod build {
    /// `connectRequest(options)`.
    pub(crate) const CONNECT: u32 = 0;
    /// `connectTwoNumbersRequest(options)`.
    pub(crate) const CONNECT_TWO_NUMBERS: u32 = 1;
    /// `callDetailsRequest(options)`.
    pub(crate) const CALL_DETAILS: u32 = 2;
    /// `customerWhitelistRequest(options)`.
    pub(crate) const CUSTOMER_WHITELIST: u32 = 3;
    /// `whitelistDetailsRequest(options)`.
    pub(crate) const WHITELIST_DETAILS: u32 = 4;
}

/// Which body [`parse`] reads, as npm/api.js names it by number (one export for every parser,
/// as for the requests).
pub(crate) mod read {
    /// `parseCall(body, contentType)`: a `Call`, or the error Exotel's `RestException` body
    /// reports (with the status the body names).
    pub(crate) const CALL: u32 = 0;
    /// `parseResponse(status, body, contentType)` and the sending functions' reading of what
    /// `fetch` gave: the Call, or the error Exotel (or something else) answered with.
    pub(crate) const RESPONSE: u32 = 1;
    /// `parseStatusCallback(body, contentType)`: a `StatusCallback`.
    pub(crate) const STATUS_CALLBACK: u32 = 2;
    /// `parseWhitelist(status, body, contentType)`: the `WhitelistDetails` of a whitelist
    /// details answer, or the error Exotel (or something else) answered with.
    pub(crate) const WHITELIST: u32 = 3;
}

/// The request builders (`connectRequest(options)` and the others, by [`build`] number): the
/// core's request as an `HttpRequest`, from the options as JSON, in UTF-8. Bytes rather than a
/// string: npm/api.js writes them with `encodeInto`, where wasm-bindgen copies a string in one
/// character at a time in JS, about a twentieth of `connectRequest`'s time.
#[wasm_bindgen(js_name = wasmRequest, skip_typescript)]
pub fn request(kind: u32, options: &[u8]) -> String {
    let request = match kind {
        build::CONNECT => requests::connect_to_flow(options),
        build::CONNECT_TWO_NUMBERS => requests::connect_two_numbers(options),
        build::CALL_DETAILS => requests::call_details(options),
        build::CUSTOMER_WHITELIST => requests::customer_whitelist(options),
        build::WHITELIST_DETAILS => requests::whitelist_details(options),
        _ => Err(unknown_kind()),
    };
    answer(request.map(|request| results::request(&request)))
}

/// The body parsers (`parseCall(body, contentType)` and the others, by [`read`] number).
/// `status` is the response's, for the parsers that take one: npm/api.js has checked it (100 to
/// 599 from a caller; any whole number up to 999 from `fetch`).
///
/// `input` is the content type's UTF-8, its first `type_length` bytes, then the body;
/// `type_length` is `u32::MAX` when there is none. One buffer, because a content type passed
/// as a string of its own cost a second allocation and copy on each side of the boundary:
/// about a twentieth of a status callback's parse.
#[wasm_bindgen(js_name = wasmParse, skip_typescript)]
pub fn parse(kind: u32, status: u16, input: &[u8], type_length: u32) -> String {
    let (content_type, body) = match type_length {
        u32::MAX => (None, input),
        length => match input
            .split_at_checked(length as usize)
            .and_then(|(text, body)| Some((core::str::from_utf8(text).ok()?, body)))
        {
            Some((content_type, body)) => (Some(content_type), body),
            // Only a caller of the raw export can send this: npm/api.js encodes a string.
            None => {
                return answer(Err(Failure::option(
                    "contentType",
                    "expected UTF-8 text before the body",
                )))
            }
        },
    };
    answer(match kind {
        read::CALL | read::RESPONSE => {
            // parseCall has no response, so no status but the one Exotel's error body names.
            let (call, status) = if kind == read::CALL {
                (parse_call(body, content_type), None)
            } else {
                (parse_response(status, content_type, body), Some(status))
            };
            call.map(|call| results::call(&call))
                .map_err(|e| Failure::response(status, &e))
        }
        read::STATUS_CALLBACK => parse_status_callback(body, content_type)
            .map(|callback| results::callback(&callback))
            .map_err(|e| Failure::malformed("status callback", &e)),
        read::WHITELIST => parse_whitelist(status, content_type, body)
            .map(|details| results::whitelist(&details))
            .map_err(|e| Failure::response(Some(status), &e)),
        _ => Err(unknown_kind()),
    })
}

/// A `kind` that is neither a [`build`] nor a [`read`] number: only a caller of the raw export
/// (not npm/api.js) can send one.
fn unknown_kind() -> Failure {
    Failure::option(
        "kind",
        "expected a function of npm/api.js, but got another number",
    )
}

/// `normalizePhone(input, defaultCountry)`: the E.164 form, as a tape of one string.
/// npm/api.js has checked that both are strings (or the country left out: India).
#[wasm_bindgen(js_name = wasmNormalizePhone, skip_typescript)]
pub fn normalize_phone(input: &str, default_country: Option<String>) -> String {
    let country = match default_country {
        None => Ok(Country::INDIA),
        Some(code) => {
            Country::from_iso(&code).map_err(|e| Failure::option("defaultCountry", &e.message()))
        }
    };
    answer(country.and_then(|country| {
        PhoneNumber::parse(input, country)
            .map(|number| {
                let mut tape = results::Tape::new();
                tape.value(Some(number.as_str()));
                tape
            })
            .map_err(|e| Failure::phone(&e))
    }))
}

/// The npm package's wasm is `no_std`, so this is its panic handler: a trap. The code is
/// written never to panic (no input reaches one: tests/robustness.rs, `make fuzz`), and std's
/// panic machinery, which formats a message nobody sees, costs every download.
#[cfg(all(target_arch = "wasm32", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
