//! Sending the core's requests: to Exotel with `fetch` in live mode, to the simulator in
//! sandbox mode; and reading what came back into an outcome the handlers can answer with.

use std::time::Duration;

use worker::wasm_bindgen::JsValue;
use worker::{
    console_log, console_warn, AbortSignal, Context, Delay, Fetch, Headers, RequestInit,
    RequestRedirect,
};

use super::config::{Mode, SandboxTimings};
use super::crypto::random_bytes;
use super::simulator::{self, ScheduledCallback};
use super::time::now_ms;
use exotel_connect::{parse_response, Call, HttpRequest, ResponseError};

/// An HTTP answer, read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, if any.
    pub content_type: Option<String>,
    /// `Retry-After` in seconds, if given in that form.
    pub retry_after: Option<u32>,
    /// The body.
    pub body: Vec<u8>,
}

/// Why no answer came.
#[derive(Debug)]
pub enum TransportError {
    /// Nothing within the timeout.
    Timeout,
    /// Connection refused, reset, DNS... (the runtime's words, for the operator's log).
    Network(String),
}

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
            Upstream::Exotel { timeout_ms } => fetch(request, timeout_ms).await,
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

/// Sends `request` with the runtime's `fetch`, giving up after `timeout_ms` (headers and body).
/// Redirects are not followed: Exotel's API does not redirect, and following one would carry
/// the request somewhere it was not meant to go.
async fn fetch(request: &HttpRequest, timeout_ms: u32) -> Result<RawResponse, TransportError> {
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
        Ok(response) => console_log!(
            "sandbox: status callback delivered, HTTP {}",
            response.status_code()
        ),
        // Not the error itself: the runtime's message can quote the URL, and with it the token.
        Err(_) => console_warn!("sandbox: status callback not delivered"),
    }
}

/// How a connect request went.
#[derive(Debug)]
pub enum ConnectOutcome {
    /// Exotel accepted it (boxed: a Call is large next to the other variants).
    Placed(Box<Call>),
    /// Exotel refused it (4xx other than 429).
    Rejected {
        /// Exotel's HTTP status.
        http_status: u16,
        /// Operator-only detail (Exotel's message may quote the number).
        detail: String,
    },
    /// Exotel rate-limited us (429).
    Busy {
        /// Seconds to wait.
        retry_after: u32,
    },
    /// No usable answer: network, timeout, 5xx, or a body that is not Exotel's.
    Unavailable {
        /// Which: `timeout`, `network`, `upstream_5xx` or `garbage` (stored as the call's
        /// `failure`).
        kind: &'static str,
        /// Operator-only detail.
        detail: String,
    },
}

/// When Exotel says 429 without saying how long to wait.
const DEFAULT_RETRY_AFTER: u32 = 60;

/// Reads a connect (or Call Details) answer.
pub fn classify(result: Result<RawResponse, TransportError>) -> ConnectOutcome {
    let raw = match result {
        Ok(raw) => raw,
        Err(TransportError::Timeout) => {
            return ConnectOutcome::Unavailable {
                kind: "timeout",
                detail: "no answer within the timeout".to_owned(),
            }
        }
        Err(TransportError::Network(e)) => {
            return ConnectOutcome::Unavailable {
                kind: "network",
                detail: format!("network error: {e}"),
            }
        }
    };
    if raw.status == 429 {
        return ConnectOutcome::Busy {
            retry_after: raw
                .retry_after
                .unwrap_or(DEFAULT_RETRY_AFTER)
                .clamp(1, 3600),
        };
    }
    match parse_response(raw.status, raw.content_type.as_deref(), &raw.body) {
        Ok(call) => ConnectOutcome::Placed(Box::new(call)),
        Err(ResponseError::Exotel(e)) if e.is_client_error() => ConnectOutcome::Rejected {
            http_status: e.http_status,
            detail: format!("HTTP {}: {}", e.http_status, e.message),
        },
        // A 4xx without Exotel's RestException (a bare `Unauthorized` from a proxy or an edge
        // in front of the API) is still a refusal: nothing was placed, so the call is `failed`,
        // not `unknown`, and the visitor is not told to try again as if Exotel were down.
        // (Found by tests/worker/faults.test.mjs.)
        Err(e) if (400..500).contains(&raw.status) => ConnectOutcome::Rejected {
            http_status: raw.status,
            detail: format!("HTTP {}: {e}", raw.status),
        },
        Err(e) => ConnectOutcome::Unavailable {
            kind: if raw.status >= 500 {
                "upstream_5xx"
            } else {
                "garbage"
            },
            detail: format!("HTTP {}: {e}", raw.status),
        },
    }
}

/// What to tell the visitor about a refusal, by Exotel's status. Never Exotel's own message:
/// its wording is not stable, and it can quote the number.
pub fn rejection_message(http_status: u16) -> &'static str {
    match http_status {
        400 => "the calling service refused the request as invalid",
        401 => "the calling service did not accept this site's credentials",
        402 => "this site's calling plan has reached its limit",
        403 => "the calling service refused to call this number (it may be on the Do-Not-Disturb registry)",
        404 => "the calling service did not recognise this site's account or call flow",
        _ => "the calling service refused the call",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, content_type: &str, body: &str) -> Result<RawResponse, TransportError> {
        Ok(RawResponse {
            status,
            content_type: Some(content_type.to_owned()),
            retry_after: None,
            body: body.as_bytes().to_vec(),
        })
    }

    #[test]
    fn classifies_exotel_answers() {
        let placed = raw(
            200,
            "application/json",
            r#"{"Call":{"Sid":"80bfbec2d78bbbf10fb851f4fa165211","Status":"queued"}}"#,
        );
        assert!(matches!(classify(placed), ConnectOutcome::Placed(_)));
        let ndnc = raw(
            403,
            "application/xml",
            "<TwilioResponse><RestException><Status>403</Status><Message>Call to 09876543210 cannot be made because of TRAI NDNC regulations</Message></RestException></TwilioResponse>",
        );
        assert!(matches!(
            classify(ndnc),
            ConnectOutcome::Rejected {
                http_status: 403,
                ..
            }
        ));
        let down = raw(
            500,
            "application/json",
            r#"{"RestException":{"Status":500,"Message":"x"}}"#,
        );
        assert!(matches!(
            classify(down),
            ConnectOutcome::Unavailable {
                kind: "upstream_5xx",
                ..
            }
        ));
        let garbage = raw(200, "text/html", "<html>hello</html>");
        assert!(matches!(
            classify(garbage),
            ConnectOutcome::Unavailable {
                kind: "garbage",
                ..
            }
        ));
        let proxy = raw(502, "text/html", "<html>Bad gateway</html>");
        assert!(matches!(
            classify(proxy),
            ConnectOutcome::Unavailable {
                kind: "upstream_5xx",
                ..
            }
        ));
        let bare = raw(401, "text/plain", "Unauthorized");
        assert!(matches!(
            classify(bare),
            ConnectOutcome::Rejected {
                http_status: 401,
                ..
            }
        ));
        let mut limited = raw(429, "text/plain", "slow down").unwrap();
        limited.retry_after = Some(7);
        assert!(matches!(
            classify(Ok(limited)),
            ConnectOutcome::Busy { retry_after: 7 }
        ));
        assert!(matches!(
            classify(Err(TransportError::Timeout)),
            ConnectOutcome::Unavailable {
                kind: "timeout",
                ..
            }
        ));
    }
}
