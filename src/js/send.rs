//! Sending a request the core built, with the runtime's `fetch` (or the caller's), and reading
//! the answer with the core's `parse_response`. This is the only I/O in the package.
//!
//! Nothing here retries: a connect request that may have reached Exotel can place a second call
//! if sent again, so whether to retry is the caller's decision.

use wasm_bindgen::prelude::*;

use crate::{parse_response, HttpRequest};

use super::error::Failure;
use super::options::Options;
use super::sys;

/// Sends the request a builder made from `options` (or rejects with the builder's error) and
/// resolves to the parsed `Call`. One function behind all three sending exports, so the async
/// machinery is compiled once.
pub(crate) fn start(built: Result<HttpRequest, Failure>, options: &JsValue) -> js_sys::Promise {
    let transport = built.and_then(|request| Ok((request, Transport::from_options(options)?)));
    wasm_bindgen_futures::future_to_promise(async move {
        let (request, transport) = transport?;
        Ok(transport.send(&request).await?)
    })
}

/// The `fetch` and `signal` options, checked.
pub(crate) struct Transport {
    fetch: Option<JsValue>,
    signal: Option<JsValue>,
}

impl Transport {
    /// Reads `fetch` and `signal` from options a request builder has already checked (the
    /// builders accept these two keys).
    fn from_options(value: &JsValue) -> Result<Transport, Failure> {
        let options = Options::checked_by_builder(value);
        let fetch = options.value("fetch")?;
        if let Some(fetch) = &fetch {
            if !fetch.is_function() {
                return Err(Failure::option(
                    "fetch",
                    format!("expected a function, but got {}", sys::type_name(fetch)),
                ));
            }
        }
        let signal = options.value("signal")?;
        Ok(Transport { fetch, signal })
    }

    /// Sends `request` and reads the answer: a `Call` object, or a `Failure` to throw.
    async fn send(&self, request: &HttpRequest) -> Result<JsValue, Failure> {
        let init = super::requests::to_js(request);
        // The request object is a fetch init as it is (`fetch` ignores its `url` key).
        if let Some(signal) = &self.signal {
            sys::set(&init, "signal", signal);
        }
        let reach = |e: JsValue| {
            let message = format!(
                "could not reach Exotel at {}: {}",
                request.url,
                sys::describe(&e)
            );
            Failure::network(message, e)
        };
        let started = match &self.fetch {
            Some(fetch) => {
                let args = sys::new_array([JsValue::from_str(&request.url), init]);
                sys::apply(fetch, &JsValue::UNDEFINED, &args)
            }
            None => sys::global_fetch(&request.url, &init),
        };
        let response =
            wasm_bindgen_futures::JsFuture::from(sys::promise_resolve(&started.map_err(reach)?))
                .await
                .map_err(reach)?;
        let read = |e: JsValue| {
            let message = format!(
                "could not read Exotel's answer from {}: {}",
                request.url,
                sys::describe(&e)
            );
            Failure::network(message, e)
        };
        let status = sys::get(&response, "status")
            .map_err(read)?
            .as_f64()
            .filter(|s| (0.0..=999.0).contains(s))
            .map_or(0, |s| s as u16);
        let headers = sys::get(&response, "headers").map_err(read)?;
        let content_type = sys::apply(
            &sys::get(&headers, "get").map_err(read)?,
            &headers,
            &sys::new_array([JsValue::from_str("content-type")]),
        )
        .map_err(read)?
        .as_string();
        let buffer = sys::call_method(&response, "arrayBuffer").map_err(read)?;
        let buffer = wasm_bindgen_futures::JsFuture::from(sys::promise_resolve(&buffer))
            .await
            .map_err(read)?;
        let body = super::results::body_bytes(&buffer)
            .map_err(|_| read(JsValue::from_str("arrayBuffer() gave no bytes")))?;
        match parse_response(status, content_type.as_deref(), &body) {
            Ok(call) => Ok(super::results::call_to_js(&call)),
            Err(error) => Err(Failure::response(status, &error)),
        }
    }
}
