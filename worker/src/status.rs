//! A stored call's state as types: where its status stands ([`Status`]) and how placing it went
//! ([`Outcome`]). Both are stored as text (migrations/ names the values); everything else in
//! the Worker compares these enums, never the strings.

use exotel_connect::CallStatus;

/// Where a call stands, as the page sees it: Exotel's statuses, plus `unknown` for a call whose
/// outcome was never learned before the cut-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Waiting for its time (`scheduled_for`): asked for while closed, at a chosen time, or a
    /// second try.
    Scheduled,
    /// Accepted, not yet ringing (every call placed starts here).
    Queued,
    /// Ringing the visitor.
    Ringing,
    /// The visitor answered and is in the flow.
    InProgress,
    /// No outcome learned before the cut-off: final for the page, but a real outcome learned
    /// later still replaces it.
    Unknown,
    /// One of Exotel's outcomes (`completed`, `busy`, `no-answer`, `failed`, `canceled`).
    Ended(CallStatus),
    /// Something no version of the Worker knows: logged, never applied.
    Unrecognized(String),
}

/// Rank of a call waiting for its time: below every status a placed call can have.
pub const SCHEDULED_RANK: i64 = 5;
/// Rank of the status every placed call starts in.
pub const QUEUED_RANK: i64 = 10;
/// Rank of `unknown`.
pub const UNKNOWN_RANK: i64 = 40;
/// Rank of the statuses nothing can follow.
pub const ENDED_RANK: i64 = 50;

impl Status {
    /// From Exotel's wire string, or ours (`unknown`).
    pub fn parse(text: &str) -> Status {
        match text {
            "scheduled" => Status::Scheduled,
            "queued" => Status::Queued,
            "ringing" => Status::Ringing,
            "in-progress" => Status::InProgress,
            "unknown" => Status::Unknown,
            other => Status::from_exotel(&CallStatus::parse(other)),
        }
    }

    /// From a status Exotel reported.
    pub fn from_exotel(status: &CallStatus) -> Status {
        match status {
            CallStatus::Queued => Status::Queued,
            CallStatus::Ringing => Status::Ringing,
            CallStatus::InProgress => Status::InProgress,
            ended if ended.is_terminal() => Status::Ended(ended.clone()),
            other => Status::Unrecognized(other.as_str().to_owned()),
        }
    }

    /// The stored and shown text.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Scheduled => "scheduled",
            Status::Queued => "queued",
            Status::Ringing => "ringing",
            Status::InProgress => "in-progress",
            Status::Unknown => "unknown",
            Status::Ended(status) => status.as_str(),
            Status::Unrecognized(text) => text,
        }
    }

    /// The order statuses may follow each other in: a call only ever moves to a higher rank,
    /// so a late `ringing` never overwrites `completed`. Unrecognized statuses rank 0 (never
    /// applied).
    pub fn rank(&self) -> i64 {
        match self {
            Status::Scheduled => SCHEDULED_RANK,
            Status::Queued => QUEUED_RANK,
            Status::Ringing => 20,
            Status::InProgress => 30,
            Status::Unknown => UNKNOWN_RANK,
            Status::Ended(_) => ENDED_RANK,
            Status::Unrecognized(_) => 0,
        }
    }

    /// Whether the page should stop polling.
    pub fn is_final(&self) -> bool {
        self.rank() >= UNKNOWN_RANK
    }

    /// What the page is told right after placing the call: `queued` until it is further on.
    pub fn shown_after_placing(&self) -> &str {
        if self.rank() > QUEUED_RANK {
            self.as_str()
        } else {
            "queued"
        }
    }
}

impl From<String> for Status {
    fn from(text: String) -> Status {
        Status::parse(&text)
    }
}

/// How placing a call went, and the error the visitor was answered with when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Waiting for its time; nothing sent yet.
    Scheduled,
    /// Canceled by the visitor before its time.
    Canceled,
    /// Its time came, but the number's limit was reached: not placed.
    Limited,
    /// Stored, and the connect request is in flight (or was lost with the request).
    Placing,
    /// Exotel accepted it.
    Placed,
    /// Exotel refused it (`exotel_rejected`).
    Rejected,
    /// Exotel rate-limited us (`upstream_busy`).
    Busy,
    /// No usable answer; the call may or may not exist (`upstream_unavailable`).
    Unavailable,
}

impl Outcome {
    /// The stored text: the error code answered for failures.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Scheduled => "scheduled",
            Outcome::Canceled => "canceled",
            Outcome::Limited => "rate_limited",
            Outcome::Placing => "placing",
            Outcome::Placed => "placed",
            Outcome::Rejected => "exotel_rejected",
            Outcome::Busy => "upstream_busy",
            Outcome::Unavailable => "upstream_unavailable",
        }
    }
}

impl From<String> for Outcome {
    fn from(text: String) -> Outcome {
        match text.as_str() {
            "scheduled" => Outcome::Scheduled,
            "canceled" => Outcome::Canceled,
            "rate_limited" => Outcome::Limited,
            "placed" => Outcome::Placed,
            "exotel_rejected" => Outcome::Rejected,
            "upstream_busy" => Outcome::Busy,
            "upstream_unavailable" => Outcome::Unavailable,
            _ => Outcome::Placing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_order_the_lifecycle() {
        let order = [
            "scheduled",
            "queued",
            "ringing",
            "in-progress",
            "unknown",
            "completed",
        ];
        for pair in order.windows(2) {
            let (a, b) = (Status::parse(pair[0]), Status::parse(pair[1]));
            assert!(a.rank() < b.rank(), "{pair:?}");
        }
        for outcome in ["completed", "busy", "no-answer", "failed", "canceled"] {
            let status = Status::parse(outcome);
            assert_eq!(status.rank(), ENDED_RANK);
            assert!(status.is_final());
            assert_eq!(status.as_str(), outcome, "round trip");
        }
        assert!(Status::Unknown.is_final());
        assert!(!Status::InProgress.is_final());
        assert_eq!(Status::parse("something-new").rank(), 0);
        assert_eq!(Status::parse("something-new").as_str(), "something-new");
    }

    #[test]
    fn outcomes_round_trip() {
        for outcome in [
            Outcome::Scheduled,
            Outcome::Canceled,
            Outcome::Limited,
            Outcome::Placing,
            Outcome::Placed,
            Outcome::Rejected,
            Outcome::Busy,
            Outcome::Unavailable,
        ] {
            assert_eq!(Outcome::from(outcome.as_str().to_owned()), outcome);
        }
    }
}
