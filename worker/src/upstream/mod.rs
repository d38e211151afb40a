//! Sending the core's requests: to Exotel with `fetch` in live mode ([`fetch`]), to the
//! [`simulator`] in sandbox mode; and reading what came back into an outcome ([`answer`]).

pub mod answer;
pub mod fetch;
pub mod reason;
pub mod simulator;

use std::time::Duration;

use worker::{Context, Delay};

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
    let request = fetch::form_post(&callback.url, callback.body);
    match fetch::fetch(&request, 10_000).await {
        Ok(response) => log::info(Event::SandboxCallbackSent)
            .number("http_status", response.status.into())
            .emit(),
        // Not the error itself: the runtime's message can quote the URL, and with it the token.
        Err(_) => log::warn(Event::SandboxCallbackFailed).emit(),
    }
}
