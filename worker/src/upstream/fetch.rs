//! Sending a request with the runtime's `fetch`: to Exotel, and to notification receivers.

use worker::wasm_bindgen::JsValue;
use worker::{AbortSignal, Fetch, Headers, RequestInit, RequestRedirect};

use super::answer::{RawResponse, TransportError};
use exotel_connect::HttpRequest;

/// Sends `request` with the runtime's `fetch`, giving up after `timeout_ms` (headers and body).
/// Redirects are not followed: Exotel's API does not redirect, and following one would carry
/// the request somewhere it was not meant to go.
pub async fn fetch(request: &HttpRequest, timeout_ms: u32) -> Result<RawResponse, TransportError> {
    let network = |e: worker::Error| TransportError::Network(e.to_string());
    let headers = Headers::new();
    for (name, value) in &request.headers {
        headers.set(name, value).map_err(network)?;
    }
    let mut init = RequestInit::new();
    init.with_method(worker::Method::from(request.method.as_str().to_owned()))
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual)
        .with_body(request.body.as_deref().map(JsValue::from_str));
    let outgoing = worker::Request::new_with_init(&request.url, &init).map_err(network)?;
    let signal = AbortSignal::from(worker::web_sys::AbortSignal::timeout_with_u32(timeout_ms));
    let timed_out = |e: worker::Error| {
        if signal.aborted() {
            TransportError::Timeout
        } else {
            network(e)
        }
    };
    let mut response = Fetch::Request(outgoing)
        .send_with_signal(&signal)
        .await
        .map_err(timed_out)?;
    let headers = response.headers();
    let content_type = headers.get("Content-Type").ok().flatten();
    let retry_after = headers
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u32>().ok());
    let body = response.bytes().await.map_err(timed_out)?;
    Ok(RawResponse {
        status: response.status_code(),
        content_type,
        retry_after,
        body,
    })
}
