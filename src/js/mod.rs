//! The wasm-bindgen façade published as the npm package `exotel-connect` (the `js` feature).
//!
//! Every function here is a thin shell over the core: it reads JS values, calls the same builders
//! and parsers Rust users call, and turns the result into plain JS objects, or a thrown `Error`
//! with a stable `code` (see [`error`]). No I/O happens here: `connect()` and its siblings are
//! a few lines of JS (js/send.js) that build the request here, `fetch` it and parse the answer
//! here ([`parse_sent`]), so no async machinery is compiled into the wasm.
//!
//! The TypeScript declarations come from two places: the doc comments and `unchecked_*_type`
//! attributes below, and the interfaces in `types.d.ts`, appended verbatim. The generated
//! `exotel_connect.d.ts` is checked against `js/exotel_connect.d.ts` by `scripts/test-js.sh`.

use wasm_bindgen::prelude::*;

use crate::{parse_call, parse_response, parse_status_callback, Country, PhoneNumber};

mod error;
mod options;
mod requests;
mod results;
mod sys;
#[cfg(all(test, target_arch = "wasm32"))]
mod tests;

/// The allocator of the npm package's wasm: lol_alloc's free-list allocator is about 1 KB where
/// std's dlmalloc is about 8 KB, and every browser downloads it. Requests and bodies are small
/// and short-lived, so its simple first-fit search costs nothing measurable. (Single-threaded:
/// the lock never contends.)
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

use error::Failure;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

/// The declarations of the sending functions, which are JS (js/send.js), not wasm.
#[wasm_bindgen(typescript_custom_section)]
const SENDERS: &str = include_str!("send.d.ts");

/// Builds the request that connects a number to a call flow: Exotel calls `from` and, when they
/// pick up, connects them to the flow given by `appId` or `flowUrl`.
///
/// Nothing is sent: send the result with any HTTP client (`fetch(request.url, request)`), or
/// use {@link connect}, which sends it and parses the answer.
///
/// @throws {ExotelConnectError} `invalid_option` naming the option at fault (`field`), or
/// `invalid_phone` for a number that cannot be read.
///
/// @example
/// const request = connectRequest({
///   accountSid: "acme", apiKey: "key", apiToken: "token", region: "mumbai",
///   from: "098765 43210", callerId: "080 4711 2400", appId: "926",
/// });
/// // request.body === "From=%2B919876543210&CallerId=%2B918047112400&Url=http%3A%2F%2F..."
#[wasm_bindgen(js_name = connectRequest, unchecked_return_type = "HttpRequest")]
pub fn connect_request(
    #[wasm_bindgen(unchecked_param_type = "ConnectOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let request = requests::connect_to_flow(&options)?;
    Ok(results::request_to_js(&request))
}

/// Builds the request that connects two numbers: Exotel calls `from` and, when they pick up,
/// dials `to` and bridges the two.
///
/// @throws {ExotelConnectError} `invalid_option` naming the option at fault (`field`), or
/// `invalid_phone` for a number that cannot be read.
#[wasm_bindgen(js_name = connectTwoNumbersRequest, unchecked_return_type = "HttpRequest")]
pub fn connect_two_numbers_request(
    #[wasm_bindgen(unchecked_param_type = "ConnectTwoNumbersOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let request = requests::connect_two_numbers(&options)?;
    Ok(results::request_to_js(&request))
}

/// Builds the call details request (`GET .../Calls/<callSid>`): the fallback when a status
/// callback is late or lost.
///
/// @throws {ExotelConnectError} `invalid_option` naming the option at fault (`field`).
#[wasm_bindgen(js_name = callDetailsRequest, unchecked_return_type = "HttpRequest")]
pub fn call_details_request(
    #[wasm_bindgen(unchecked_param_type = "CallDetailsOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let request = requests::call_details(&options)?;
    Ok(results::request_to_js(&request))
}

/// Parses a Call from Exotel's JSON (`{"Call": {...}}`) or XML (`<TwilioResponse><Call>...`).
/// Without a content type the format is read from the body itself.
///
/// @throws {ExotelConnectError} `malformed_response` saying what was expected and what was got.
#[wasm_bindgen(js_name = parseCall, unchecked_return_type = "Call")]
pub fn parse_call_js(
    #[wasm_bindgen(unchecked_param_type = "Body")] body: JsValue,
    #[wasm_bindgen(js_name = contentType, unchecked_optional_param_type = "string | null")]
    content_type: JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = results::body_bytes(&body)?;
    let content_type = results::content_type(&content_type)?;
    let call = parse_call(&bytes, content_type.as_deref())
        .map_err(|e| Failure::malformed("Exotel response", &e))?;
    Ok(results::call_to_js(&call))
}

/// Parses a whole Exotel response, for callers who send requests themselves: the Call of a
/// success, or the error Exotel reported (`RestException`, in JSON or XML).
///
/// @throws {ExotelConnectError} `exotel_error` with Exotel's `status` and `exotelMessage`, or
/// `malformed_response` (with `status`) for a body that is not Exotel's.
#[wasm_bindgen(js_name = parseResponse, unchecked_return_type = "Call")]
pub fn parse_response_js(
    #[wasm_bindgen(unchecked_param_type = "number")] status: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Body")] body: JsValue,
    #[wasm_bindgen(js_name = contentType, unchecked_optional_param_type = "string | null")]
    content_type: JsValue,
) -> Result<JsValue, JsValue> {
    let status = status
        .as_f64()
        .filter(|s| s.fract() == 0.0 && (100.0..=599.0).contains(s))
        .map(|s| s as u16)
        .ok_or_else(|| {
            Failure::option(
                "status",
                format!(
                    "expected an HTTP status from 100 to 599, but got {}",
                    sys::describe(&status)
                ),
            )
        })?;
    let bytes = results::body_bytes(&body)?;
    let content_type = results::content_type(&content_type)?;
    let call = parse_response(status, content_type.as_deref(), &bytes)
        .map_err(|e| Failure::response(status, &e))?;
    Ok(results::call_to_js(&call))
}

/// Parses the status callback Exotel POSTs to `statusCallback` when a call ends: urlencoded or
/// multipart form data, or JSON. Unknown fields are ignored.
///
/// Exotel does not sign callbacks: check a secret in the callback URL before trusting one.
///
/// @throws {ExotelConnectError} `malformed_response` saying what was expected and what was got.
#[wasm_bindgen(js_name = parseStatusCallback, unchecked_return_type = "StatusCallback")]
pub fn parse_status_callback_js(
    #[wasm_bindgen(unchecked_param_type = "Body")] body: JsValue,
    #[wasm_bindgen(js_name = contentType, unchecked_optional_param_type = "string | null")]
    content_type: JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = results::body_bytes(&body)?;
    let content_type = results::content_type(&content_type)?;
    let callback = parse_status_callback(&bytes, content_type.as_deref())
        .map_err(|e| Failure::malformed("status callback", &e))?;
    Ok(results::callback_to_js(&callback))
}

/// Turns a phone number as a person typed it into E.164: `"098765-43210"` becomes
/// `"+919876543210"`. Numbers without a country code are read as `defaultCountry`'s (India when
/// left out).
///
/// @throws {ExotelConnectError} `invalid_phone` saying what was expected and what was got, or
/// `invalid_option` for a `defaultCountry` this package has no rules for.
#[wasm_bindgen(js_name = normalizePhone)]
pub fn normalize_phone(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    #[wasm_bindgen(js_name = defaultCountry, unchecked_optional_param_type = "CountryCode")]
    default_country: JsValue,
) -> Result<String, JsValue> {
    let Some(input) = input.as_string() else {
        return Err(Failure::new(
            error::Code::InvalidPhone,
            format!(
                "expected a phone number as a string, but got {}",
                sys::type_name(&input)
            ),
        )
        .into());
    };
    let country = if default_country.is_undefined() || default_country.is_null() {
        Country::INDIA
    } else {
        let code = default_country.as_string().ok_or_else(|| {
            Failure::option(
                "defaultCountry",
                format!(
                    "expected a string, but got {}",
                    sys::type_name(&default_country)
                ),
            )
        })?;
        Country::from_iso(&code).map_err(|e| Failure::option("defaultCountry", e.to_string()))?
    };
    PhoneNumber::parse(&input, country)
        .map(|number| number.as_str().to_owned())
        .map_err(|e| Failure::phone(&e).into())
}

/// Reads the answer to a request `connect()` and its siblings sent (they live in the JS glue,
/// js/send.js, appended to wasm-bindgen's output by scripts/build-pkg.sh, which also removes this
/// export from the module's public names). Unlike {@link parseResponse}, any status `fetch`
/// gave is taken as it is (the glue has made it a whole number from 0 to 999).
#[wasm_bindgen(js_name = parseSent, skip_typescript)]
pub fn parse_sent(status: u16, body: JsValue, content_type: JsValue) -> Result<JsValue, JsValue> {
    let bytes = results::body_bytes(&body)?;
    let content_type = results::content_type(&content_type)?;
    let call = parse_response(status, content_type.as_deref(), &bytes)
        .map_err(|e| Failure::response(status, &e))?;
    Ok(results::call_to_js(&call))
}

/// Whether `value` is an error this package threw, for `catch (e)` blocks in TypeScript, where
/// `e` is `unknown`.
#[wasm_bindgen(
    js_name = isExotelConnectError,
    unchecked_return_type = "value is ExotelConnectError"
)]
pub fn is_exotel_connect_error(
    #[wasm_bindgen(unchecked_param_type = "unknown")] value: JsValue,
) -> bool {
    error::is_ours(&value)
}
