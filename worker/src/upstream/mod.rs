//! Sending the core's requests: to Exotel with `fetch` in live mode ([`fetch`]), to the
//! [`simulator`] in sandbox mode; and reading what came back into an outcome ([`answer`]).

pub mod answer;
pub mod fetch;
pub mod reason;
pub mod simulator;

use std::time::Duration;

use worker::wasm_bindgen::JsValue;
use worker::{AbortSignal, Context, Delay, Fetch, Headers, RequestInit};

use crate::config::{Mode, SandboxTimings};
use crate::crypto::random_bytes;
use crate::log::{self, Event};
use crate::time::now_ms;
use answer::{RawResponse, TransportError};
use exotel_connect::HttpRequest;
use simulator::ScheduledCallback;

/// Where requests go.
#[derive(Debug, Clone, Copy)]
pub enum Upstream {
    /// Exotel (or a mock), over the network.
    Exotel {
        /// Abort after this long, body included.
        timeout_ms: u32,
    },
    /// The built-in simulator.
    Simulator(SandboxTimings),
}

impl Upstream {
    /// The upstream for calls in `mode`.
    pub fn new(mode: Mode, timeout_ms: u32, timings: SandboxTimings) -> Upstream {
        match mode {
            Mode::Live => Upstream::Exotel { timeout_ms },
            Mode::Sandbox => Upstream::Simulator(timings),
        }
    }

    /// The same upstream, waiting at most `timeout_ms` for Exotel.
    pub fn with_timeout_at_most(self, timeout_ms: u32) -> Upstream {
        match self {
            Upstream::Exotel { timeout_ms: t } => Upstream::Exotel {
                timeout_ms: t.min(timeout_ms),
            },
            simulator => simulator,
        }
    }

    /// Sends `request`. In sandbox mode a placed call's status callback is scheduled on `ctx`
    /// (it runs after the response, as Exotel's would); without one (the cron, which only asks
    /// Call Details) none is owed.
    pub async fn send(
        &self,
        request: &HttpRequest,
        ctx: Option<&Context>,
    ) -> Result<RawResponse, TransportError> {
        match *self {
            Upstream::Exotel { timeout_ms } => fetch::fetch(request, timeout_ms).await,
            Upstream::Simulator(timings) => {
                let entropy =
                    random_bytes::<9>().map_err(|e| TransportError::Network(e.to_string()))?;
                let reply = simulator::handle(request, timings, now_ms(), entropy);
                if let (Some(callback), Some(ctx)) = (reply.callback, ctx) {
                    ctx.wait_until(deliver(callback));
                }
                Ok(reply.response)
            }
        }
    }
}

/// Delivers a sandbox status callback: a real POST to the Worker's own callback URL, so the
/// sandbox exercises exactly the path Exotel's callbacks take. Failures are logged (the URL is
/// not: it carries the token); Call Details refreshes reconcile a lost callback.
async fn deliver(callback: ScheduledCallback) {
    Delay::from(Duration::from_millis(callback.delay_ms)).await;
    let headers = Headers::new();
    let mut init = RequestInit::new();
    let prepared = headers
        .set("Content-Type", "application/x-www-form-urlencoded")
        .and_then(|()| {
            init.with_method(worker::Method::Post)
                .with_headers(headers)
                .with_body(Some(JsValue::from_str(&callback.body)));
            worker::Request::new_with_init(&callback.url, &init)
        });
    let result = match prepared {
        Ok(request) => {
            let signal = AbortSignal::from(worker::web_sys::AbortSignal::timeout_with_u32(10_000));
            Fetch::Request(request).send_with_signal(&signal).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(response) => log::info(Event::SandboxCallbackSent)
            .number("http_status", response.status_code().into())
            .emit(),
        // Not the error itself: the runtime's message can quote the URL, and with it the token.
        Err(_) => log::warn(Event::SandboxCallbackFailed).emit(),
    }
}
