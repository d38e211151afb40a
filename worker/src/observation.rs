//! What was learned about a call, from wherever it came.
//!
//! The connect answer, status callbacks and Call Details refreshes (page polls, the cron's
//! reconciliation) all become an [`Observation`], which the store applies by one statement
//! (`store::calls::record_observation`) that moves the call's state forward, never back:
//!
//! - a call only ever moves to a higher [`Status::rank`], so a late `ringing` never overwrites
//!   `completed`, and the first real outcome is final;
//! - facts that arrive after the outcome (duration, recording) fill gaps but replace nothing;
//! - each observation has a dedupe key, so a repeated callback is neither logged twice nor
//!   applied twice.

use crate::json::Object;

use crate::status::Status;
use exotel_connect::{Call, StatusCallback};

/// Where an observation came from (stored in the event log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Exotel's answer to the connect request.
    Connect,
    /// A status callback.
    Callback,
    /// A Call Details request made because the page polled.
    Details,
    /// The cron's reconciliation: Call Details for a call whose callback never came, or
    /// `unknown` once it is past the cut-off.
    Reconcile,
}

impl Source {
    /// The name stored in `call_events.source`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Connect => "connect",
            Source::Callback => "callback",
            Source::Details => "details",
            Source::Reconcile => "reconcile",
        }
    }
}

/// One thing learned about a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// Where it came from.
    pub source: Source,
    /// The status.
    pub status: Status,
    /// Seconds, when known.
    pub duration: Option<u64>,
    /// The recording, when there is one.
    pub recording_url: Option<String>,
    /// Exotel's `DateUpdated` (IST, its format), when sent.
    pub reported_at: Option<String>,
}

/// Longest status string kept: Exotel's are short; anything longer is not a status.
const MAX_STATUS_LEN: usize = 32;

impl Observation {
    /// From a Call resource (the connect answer or Call Details).
    pub fn from_call(source: Source, call: &Call) -> Observation {
        // For connect-to-flow the conversation duration is the meaningful one when Exotel
        // gives it; the overall Duration includes ringing.
        let duration = call
            .details
            .as_ref()
            .and_then(|d| d.conversation_duration)
            .or(call.duration);
        Observation {
            source,
            status: Status::parse(&clip(call.status.as_str())),
            duration,
            recording_url: call.recording_url.clone(),
            reported_at: call.date_updated.clone(),
        }
    }

    /// The cron gave up on learning the call's outcome.
    pub fn gave_up() -> Observation {
        Observation {
            source: Source::Reconcile,
            status: Status::Unknown,
            duration: None,
            recording_url: None,
            reported_at: None,
        }
    }

    /// Whether it is logged even when it changes nothing (what Exotel told us unasked);
    /// refreshes the Worker asked for are logged only when they moved the call.
    pub fn always_logged(&self) -> bool {
        matches!(self.source, Source::Connect | Source::Callback)
    }

    /// From a status callback.
    pub fn from_callback(callback: &StatusCallback) -> Observation {
        Observation {
            source: Source::Callback,
            status: Status::parse(&clip(callback.status.as_str())),
            duration: callback.conversation_duration,
            recording_url: callback.recording_url.clone(),
            reported_at: callback.date_updated.clone(),
        }
    }

    /// Identity of the observation within its call: the same callback delivered twice has the
    /// same key; a refresh that learned nothing new has the key of the previous one.
    pub fn dedupe_key(&self) -> String {
        let duration = self.duration.map(|d| d.to_string()).unwrap_or_default();
        match self.source {
            Source::Connect => "connect".to_owned(),
            Source::Callback => format!(
                "callback|{}|{}|{duration}",
                self.status.as_str(),
                self.reported_at.as_deref().unwrap_or_default()
            ),
            Source::Details => format!("details|{}|{duration}", self.status.as_str()),
            Source::Reconcile => format!("reconcile|{}|{duration}", self.status.as_str()),
        }
    }

    /// The observation's extras, as stored in `call_events.detail`.
    pub fn detail_json(&self) -> String {
        Object::new()
            .optional_number("duration", self.duration)
            .optional_string("recordingUrl", self.recording_url.as_deref())
            .optional_string("dateUpdated", self.reported_at.as_deref())
            .finish()
    }
}

/// At most [`MAX_STATUS_LEN`] characters, control characters (CR, LF, ESC...) replaced by
/// U+FFFD: a status is logged and stored, and a forged one must not forge a log line. A status
/// that had one is no status this version knows, so it is logged and never applied.
fn clip(status: &str) -> String {
    status
        .chars()
        .take(MAX_STATUS_LEN)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_a_status() {
        let clipped = clip("completed\r\n[fake] call x: placed");
        assert!(!clipped.chars().any(char::is_control), "{clipped:?}");
        assert_eq!(
            Status::parse(&clipped).rank(),
            0,
            "not a status, never applied"
        );
        assert_eq!(clip(&"x".repeat(100)).len(), MAX_STATUS_LEN);
    }

    #[test]
    fn repeated_callbacks_share_a_key() {
        let callback = Observation {
            source: Source::Callback,
            status: Status::parse("completed"),
            duration: None,
            recording_url: None,
            reported_at: Some("2026-11-26 10:00:00".into()),
        };
        assert_eq!(callback.dedupe_key(), callback.clone().dedupe_key());
        let later = Observation {
            reported_at: Some("2026-11-26 10:00:05".into()),
            ..callback.clone()
        };
        assert_ne!(callback.dedupe_key(), later.dedupe_key());
        // Exotel's timestamps have one-second resolution: two callbacks in the same second
        // differ by status, and both must be kept.
        let same_second = Observation {
            status: Status::parse("busy"),
            ..callback.clone()
        };
        assert_ne!(callback.dedupe_key(), same_second.dedupe_key());
        assert_eq!(
            callback.detail_json(),
            r#"{"dateUpdated":"2026-11-26 10:00:00"}"#
        );
    }

    /// Two callbacks Exotel sends in one second (its `DateUpdated` has one-second resolution),
    /// read from the bodies it posts: they differ only by status, and neither may be taken for
    /// a repeat of the other. The same body posted again is a repeat.
    #[test]
    fn callbacks_in_the_same_second_differ_by_status() {
        let observe = |status: &str| {
            let body = format!(
                "CallSid=b6cfaf&Status={status}&RecordingUrl=&DateUpdated=2026-11-26+10%3A00%3A07"
            );
            let callback = exotel_connect::parse_status_callback(
                body.as_bytes(),
                Some("application/x-www-form-urlencoded"),
            )
            .expect("a status callback");
            Observation::from_callback(&callback)
        };
        let (ringing, answered) = (observe("ringing"), observe("in-progress"));
        assert_eq!(ringing.reported_at, answered.reported_at, "the same second");
        assert_ne!(
            ringing.dedupe_key(),
            answered.dedupe_key(),
            "a callback in the same second with another status is a callback of its own"
        );
        assert_eq!(ringing.dedupe_key(), observe("ringing").dedupe_key());
        for (a, b) in [("completed", "busy"), ("in-progress", "completed")] {
            assert_ne!(
                observe(a).dedupe_key(),
                observe(b).dedupe_key(),
                "{a} and {b}"
            );
        }
    }
}
