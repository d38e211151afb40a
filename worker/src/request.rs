//! The request as the handlers read it: the runtime's `Request`, with its method, URL and
//! headers read once.
//!
//! workers-rs's own `Request` also reads `request.cf` when it is made, and workerd builds that
//! object afresh from JSON on every read: about a tenth of the CPU of the page's poll
//! (`GET /api/calls/{id}`), for properties nothing here uses. Only the static files, handed to
//! the assets binding, still go through it.

use worker::{js_sys, web_sys, ByteStream, Error, Headers, Method};

/// An incoming request.
pub struct Request {
    inner: web_sys::Request,
    method: Method,
    url: String,
    headers: Headers,
    body_used: bool,
}

impl Request {
    /// The request the runtime handed over.
    pub fn new(inner: web_sys::Request) -> Request {
        Request {
            method: Method::from(inner.method()),
            url: inner.url(),
            headers: Headers(inner.headers()),
            inner,
            body_used: false,
        }
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method.clone()
    }

    /// The whole URL, as the runtime serialized it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL's path, without query or fragment.
    pub fn path(&self) -> &str {
        crate::http::path(&self.url)
    }

    /// The headers.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The runtime's request, for the assets binding.
    pub fn into_inner(self) -> web_sys::Request {
        self.inner
    }

    /// The whole body, in one read.
    pub async fn bytes(&mut self) -> worker::Result<Vec<u8>> {
        let promise = self.take_body()?.array_buffer()?;
        let buffer = worker::wasm_bindgen_futures::JsFuture::from(promise).await?;
        Ok(js_sys::Uint8Array::new(&buffer).to_vec())
    }

    /// The body as a stream of chunks; an error when there is none.
    pub fn stream(&mut self) -> worker::Result<ByteStream> {
        let body = self
            .take_body()?
            .body()
            .ok_or_else(|| Error::RustError("no body".to_owned()))?;
        Ok(ByteStream::from(body))
    }

    fn take_body(&mut self) -> worker::Result<&web_sys::Request> {
        if self.body_used {
            return Err(Error::BodyUsed);
        }
        self.body_used = true;
        Ok(&self.inner)
    }
}
