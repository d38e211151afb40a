//! What came back from Exotel (or the simulator), and what it means for the call.

use super::reason::{self, Reason};
use exotel_connect::{parse_response, Call, ResponseError};

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

/// Why a connect request placed no call (as far as is known).
#[derive(Debug)]
pub enum NotPlaced {
    /// Exotel refused it (4xx other than 429).
    Rejected {
        /// Exotel's HTTP status.
        http_status: u16,
        /// Why, where Exotel's answer says so ([`reason`]'s table).
        reason: Option<Reason>,
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

/// Reads a connect (or Call Details) answer: the call Exotel placed, or why there is none.
pub fn classify(result: Result<RawResponse, TransportError>) -> Result<Box<Call>, NotPlaced> {
    let raw = match result {
        Ok(raw) => raw,
        Err(TransportError::Timeout) => {
            return Err(NotPlaced::Unavailable {
                kind: "timeout",
                detail: "no answer within the timeout".to_owned(),
            })
        }
        Err(TransportError::Network(e)) => {
            return Err(NotPlaced::Unavailable {
                kind: "network",
                detail: format!("network error: {e}"),
            })
        }
    };
    if raw.status == 429 {
        return Err(NotPlaced::Busy {
            retry_after: raw
                .retry_after
                .unwrap_or(DEFAULT_RETRY_AFTER)
                .clamp(1, 3600),
        });
    }
    let error = match parse_response(raw.status, raw.content_type.as_deref(), &raw.body) {
        // Boxed: a Call is large next to the reasons it was not placed.
        Ok(call) => return Ok(Box::new(call)),
        Err(error) => error,
    };
    Err(match error {
        ResponseError::Exotel(e) if e.is_client_error() => NotPlaced::Rejected {
            http_status: e.http_status,
            reason: reason::of(e.http_status, &e.message),
            detail: format!("HTTP {}: {}", e.http_status, e.message),
        },
        // A 4xx without Exotel's RestException (a bare `Unauthorized` from a proxy or an edge
        // in front of the API) is still a refusal: nothing was placed, so the call is `failed`,
        // not `unknown`, and the visitor is not told to try again as if Exotel were down.
        e if (400..500).contains(&raw.status) => NotPlaced::Rejected {
            http_status: raw.status,
            reason: reason::of(raw.status, ""),
            detail: format!("HTTP {}: {e}", raw.status),
        },
        e => NotPlaced::Unavailable {
            kind: if raw.status >= 500 {
                "upstream_5xx"
            } else {
                "garbage"
            },
            detail: format!("HTTP {}: {e}", raw.status),
        },
    })
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
        assert!(classify(placed).is_ok());
        let ndnc = raw(
            403,
            "application/xml",
            "<TwilioResponse><RestException><Status>403</Status><Message>Call to 09876543210 cannot be made because of TRAI NDNC regulations</Message></RestException></TwilioResponse>",
        );
        assert!(matches!(
            classify(ndnc),
            Err(NotPlaced::Rejected {
                http_status: 403,
                reason: Some(Reason::Dnd),
                ..
            })
        ));
        let down = raw(
            500,
            "application/json",
            r#"{"RestException":{"Status":500,"Message":"x"}}"#,
        );
        assert!(matches!(
            classify(down),
            Err(NotPlaced::Unavailable {
                kind: "upstream_5xx",
                ..
            })
        ));
        let garbage = raw(200, "text/html", "<html>hello</html>");
        assert!(matches!(
            classify(garbage),
            Err(NotPlaced::Unavailable {
                kind: "garbage",
                ..
            })
        ));
        let proxy = raw(502, "text/html", "<html>Bad gateway</html>");
        assert!(matches!(
            classify(proxy),
            Err(NotPlaced::Unavailable {
                kind: "upstream_5xx",
                ..
            })
        ));
        let bare = raw(401, "text/plain", "Unauthorized");
        assert!(matches!(
            classify(bare),
            Err(NotPlaced::Rejected {
                http_status: 401,
                reason: Some(Reason::Credentials),
                ..
            })
        ));
        // A bare 403 cannot say why: no reason, so the page does not guess DND.
        assert!(matches!(
            classify(raw(403, "text/html", "<html>Forbidden</html>")),
            Err(NotPlaced::Rejected {
                http_status: 403,
                reason: None,
                ..
            })
        ));
        let mut limited = raw(429, "text/plain", "slow down").unwrap();
        limited.retry_after = Some(7);
        assert!(matches!(
            classify(Ok(limited)),
            Err(NotPlaced::Busy { retry_after: 7 })
        ));
        assert!(matches!(
            classify(Err(TransportError::Timeout)),
            Err(NotPlaced::Unavailable {
                kind: "timeout",
                ..
            })
        ));
    }
}
