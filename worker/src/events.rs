//! The events a change to a call makes, and where they go: the types the store writes into
//! the outbox and [`crate::notify`] delivers from it (kept apart from both, so neither imports
//! the other).

use crate::config::Config;
use crate::json;

/// The outbox's name for the Standard Webhooks destination (`WEBHOOK_URL`).
pub const WEBHOOK: &str = "webhook";
/// The outbox's name for the Slack destination (`SLACK_WEBHOOK_URL`).
pub const SLACK: &str = "slack";

/// What happened to one attempt at a call, as an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallEvent {
    /// A visitor asked to be called now.
    Requested,
    /// A call is stored to be placed later: the business is closed, the visitor chose a
    /// time, or a second try is due.
    Scheduled,
    /// The visitor picked up and was connected to the flow.
    Answered,
    /// Busy, no answer or failed, with no try left.
    Missed,
    /// Exotel refused the call or could not be reached, or the number's limit stopped it.
    NotPlaced,
}

impl CallEvent {
    /// The event's type, as sent.
    pub fn name(self) -> &'static str {
        match self {
            CallEvent::Requested => "call.requested",
            CallEvent::Scheduled => "call.scheduled",
            CallEvent::Answered => "call.answered",
            CallEvent::Missed => "call.missed",
            CallEvent::NotPlaced => "call.not_placed",
        }
    }

    /// When the call's row (`c`) shows the event happened, in SQL.
    pub(crate) fn condition(self) -> &'static str {
        match self {
            CallEvent::Requested => "c.status <> 'scheduled'",
            CallEvent::Scheduled => "c.status = 'scheduled'",
            CallEvent::Answered => "c.status = 'completed'",
            CallEvent::Missed => {
                "c.status IN ('busy', 'no-answer', 'failed') AND c.exotel_sid IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM calls n
                                 WHERE n.request_id = c.request_id AND n.attempt > c.attempt)"
            }
            CallEvent::NotPlaced => {
                "c.outcome IN ('exotel_rejected', 'upstream_busy', 'upstream_unavailable',
                               'rate_limited')"
            }
        }
    }
}

/// The destinations configured, for the outbox statements.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    names: Vec<&'static str>,
}

impl Targets {
    /// The destinations `config` turns on.
    pub fn of(config: &Config) -> Targets {
        let notifications = &config.notifications;
        let mut names = Vec::new();
        if notifications.webhook.is_some() {
            names.push(WEBHOOK);
        }
        if notifications.slack.is_some() {
            names.push(SLACK);
        }
        Targets { names }
    }

    /// `["webhook", "slack"]` for SQL's `json_each`; `None` when events go nowhere.
    pub fn as_json(&self) -> Option<String> {
        (!self.names.is_empty())
            .then(|| json::array(self.names.iter().map(|name| json::string(name))))
    }
}
