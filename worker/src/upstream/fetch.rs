//! Sending a request with the runtime's `fetch`: to Exotel, to notification receivers, to
//! Turnstile's siteverify, Cloudflare Access's keys, and the sandbox's callbacks to the Worker
//! itself.
//!
//! Through `web_sys` rather than `worker::Fetch`: the answer's body is read with one
//! `arrayBuffer()` instead of a stream reader pulled chunk by chunk, and nothing is asked of the
//! answer that is not used (`worker::Response` also reads its `webSocket` and `cf`).

use worker::js_sys::{global, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys::{
    AbortSignal, Headers, Request, RequestInit, RequestRedirect, Response, WorkerGlobalScope,
};

use super::answer::{RawResponse, TransportError};
use exotel_connect::{HttpRequest, Method};

/// A form-encoded `POST` of `body` to `url`.
pub fn form_post(url: &str, body: String) -> HttpRequest {
    HttpRequest {
        method: Method::Post,
        url: url.to_owned(),
        headers: vec![("Content-Type", "application/x-www-form-urlencoded".into())],
        body: Some(body),
    }
}

/// Sends `request` with the runtime's `fetch`, giving up after `timeout_ms` (headers and body).
/// Redirects are not followed: Exotel's API does not redirect, and following one would carry
/// the request somewhere it was not meant to go.
pub async fn fetch(request: &HttpRequest, timeout_ms: u32) -> Result<RawResponse, TransportError> {
    let signal = AbortSignal::timeout_with_u32(timeout_ms);
    let failed = |e: JsValue| {
        if signal.aborted() {
            TransportError::Timeout
        } else {
            TransportError::Network(
                e.as_string()
                    .or_else(|| {
                        e.dyn_ref::<worker::js_sys::Error>()
                            .map(|e| String::from(e.message()))
                    })
                    .unwrap_or_else(|| "fetch failed".to_owned()),
            )
        }
    };
    let headers = Headers::new().map_err(failed)?;
    for (name, value) in &request.headers {
        headers.set(name, value).map_err(failed)?;
    }
    let init = RequestInit::new();
    init.set_method(request.method.as_str());
    init.set_headers(&headers);
    init.set_redirect(RequestRedirect::Manual);
    init.set_signal(Some(&signal));
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    let outgoing = Request::new_with_str_and_init(&request.url, &init).map_err(failed)?;
    let runtime: WorkerGlobalScope = global().unchecked_into();
    let answer = JsFuture::from(runtime.fetch_with_request(&outgoing))
        .await
        .map_err(failed)?;
    let response: Response = answer.dyn_into().map_err(failed)?;
    let headers = response.headers();
    let content_type = headers.get("Content-Type").ok().flatten();
    let retry_after = headers
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u32>().ok());
    let body = JsFuture::from(response.array_buffer().map_err(failed)?)
        .await
        .map_err(failed)?;
    Ok(RawResponse {
        status: response.status(),
        content_type,
        retry_after,
        body: Uint8Array::new(&body).to_vec(),
    })
}
