//! Why Exotel refused a call, read from its answer by one table ([`RULES`]).
//!
//! Exotel says not to rely on its messages' wording, and it sends no code for most refusals;
//! a refusal whose answer matches no row has no reason, and the visitor is told only what the
//! HTTP status says. A Do-Not-Disturb refusal is the one with a way through (a missed call from
//! the number, or the Customer Whitelist API), so its row is matched on the words Exotel's
//! NDNC messages have carried, whatever the status.

/// Why a call was refused, as the API, the store and the notifications name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The number is on India's Do-Not-Disturb (NDNC/NCPR) registry.
    Dnd,
    /// Exotel did not accept the account's credentials.
    Credentials,
    /// The account's plan or balance is exhausted.
    PlanLimit,
    /// Exotel does not know the account, the flow or the ExoPhone.
    NotFound,
    /// Exotel found the request itself invalid.
    InvalidRequest,
}

impl Reason {
    /// The name used in the API's `error.reason`, the `calls.reason` column and notifications.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Dnd => "dnd",
            Reason::Credentials => "credentials",
            Reason::PlanLimit => "plan_limit",
            Reason::NotFound => "not_found",
            Reason::InvalidRequest => "invalid_request",
        }
    }

    /// Reads a stored name back; `None` for anything else.
    pub fn parse(name: &str) -> Option<Reason> {
        RULES
            .iter()
            .map(|rule| rule.reason)
            .find(|reason| reason.as_str() == name)
    }

    /// What the visitor is told. Never Exotel's own message: its wording is not stable, and
    /// it can quote the number.
    pub fn message(self) -> &'static str {
        match self {
            Reason::Dnd => {
                "this number is on the Do-Not-Disturb registry, so the calling service will not \
                 call it until the number has called this business"
            }
            Reason::Credentials => "the calling service did not accept this site's credentials",
            Reason::PlanLimit => "this site's calling plan has reached its limit",
            Reason::NotFound => {
                "the calling service did not recognise this site's account or call flow"
            }
            Reason::InvalidRequest => "the calling service refused the request as invalid",
        }
    }
}

/// One row: a refusal with this status (any 4xx when `None`) whose message holds one of
/// `words` (any message when empty) has this reason.
struct Rule {
    status: Option<u16>,
    words: &'static [&'static str],
    reason: Reason,
}

/// The table, first match wins. Words are matched in lowercase.
const RULES: &[Rule] = &[
    Rule {
        status: None,
        words: &["ndnc", "ncpr", "dnd", "do not disturb", "do-not-disturb"],
        reason: Reason::Dnd,
    },
    Rule {
        status: Some(401),
        words: &[],
        reason: Reason::Credentials,
    },
    Rule {
        status: Some(402),
        words: &[],
        reason: Reason::PlanLimit,
    },
    Rule {
        status: Some(404),
        words: &[],
        reason: Reason::NotFound,
    },
    Rule {
        status: Some(400),
        words: &[],
        reason: Reason::InvalidRequest,
    },
];

/// The reason for a refusal with `http_status` and Exotel's `message` (empty when its answer
/// had none), if the table knows one.
pub fn of(http_status: u16, message: &str) -> Option<Reason> {
    let message = message.to_ascii_lowercase();
    RULES
        .iter()
        .find(|rule| {
            rule.status.is_none_or(|status| status == http_status)
                && (rule.words.is_empty() || rule.words.iter().any(|w| message.contains(w)))
        })
        .map(|rule| rule.reason)
}

/// What the visitor is told about a refusal with no known reason, by its status.
pub fn message_for_status(http_status: u16) -> &'static str {
    match http_status {
        403 => "the calling service refused to call this number",
        _ => "the calling service refused the call",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use exotel_connect::{parse_response, ResponseError};

    /// Exotel's error message in a fixture, as the Worker reads it.
    fn refusal(body: &str, content_type: &str) -> (u16, String) {
        match parse_response(403, Some(content_type), body.as_bytes()) {
            Err(ResponseError::Exotel(e)) => (e.http_status, e.message),
            other => panic!("expected a RestException, got {other:?}"),
        }
    }

    #[test]
    fn reads_dnd_from_the_fixtures_real_shaped_messages() {
        for (body, content_type) in [
            (
                include_str!("../../../tests/fixtures/errors/ndnc-403.json"),
                "application/json",
            ),
            (
                include_str!("../../../tests/fixtures/errors/ndnc-403.xml"),
                "application/xml",
            ),
        ] {
            let (status, message) = refusal(body, content_type);
            assert_eq!(of(status, &message), Some(Reason::Dnd), "{message}");
        }
    }

    #[test]
    fn other_fixtures_are_not_dnd() {
        let cases = [
            (
                include_str!("../../../tests/fixtures/errors/auth-401.xml"),
                "application/xml",
                401,
                Some(Reason::Credentials),
            ),
            (
                include_str!("../../../tests/fixtures/errors/bad-request-400.json"),
                "application/json",
                400,
                Some(Reason::InvalidRequest),
            ),
            (
                include_str!("../../../tests/fixtures/errors/not-found-404.xml"),
                "application/xml",
                404,
                Some(Reason::NotFound),
            ),
            (
                include_str!("../../../tests/fixtures/errors/plan-402-with-code.json"),
                "application/json",
                402,
                Some(Reason::PlanLimit),
            ),
        ];
        for (body, content_type, status, expected) in cases {
            let (_, message) = refusal(body, content_type);
            assert_eq!(of(status, &message), expected, "{message}");
        }
    }

    #[test]
    fn dnd_words_in_any_case_and_status_count_and_nothing_else_does() {
        assert_eq!(
            of(403, "Number is in DND list, cannot be called"),
            Some(Reason::Dnd)
        );
        assert_eq!(
            of(400, "Call blocked: NCPR registered number"),
            Some(Reason::Dnd)
        );
        assert_eq!(
            of(403, "The called number is registered as Do Not Disturb"),
            Some(Reason::Dnd)
        );
        // A 403 that does not say why has no reason: the page must not guess DND.
        assert_eq!(of(403, "Forbidden"), None);
        assert_eq!(of(403, ""), None);
        assert_eq!(of(409, "Conflict"), None);
        assert_eq!(
            of(401, "Authentication is required"),
            Some(Reason::Credentials)
        );
    }

    #[test]
    fn every_reason_round_trips_through_its_name() {
        for rule in RULES {
            assert_eq!(Reason::parse(rule.reason.as_str()), Some(rule.reason));
        }
        assert_eq!(Reason::parse("other"), None);
    }
}
