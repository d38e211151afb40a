//! The Worker's log: one JSON object per line, so Workers Logs (and `wrangler tail`) can filter
//! by call, event or status instead of matching text (docs/worker.md, "Logs").
//!
//! Every line has `level` (`info`, `warn` or `error`, also the `console` method it goes
//! through) and `event`, a stable name from [`Event`]; the other fields are set by the typed
//! methods of [`Line`]:
//!
//! ```ignore
//! log::info(Event::CallPlaced).call(&id).status("queued").ms(412).emit();
//! // {"level":"info","event":"call_placed","call":"…","status":"queued","ms":412}
//! ```
//!
//! What goes in a line: call ids, statuses, counts, reasons, error text. Never a phone number
//! (only masked forms), a secret, a callback token or a client's address; the secret scans of
//! tests/support/secrets.mjs read every line. The writer is a few lines of string building
//! rather than serde: one `String` per line, escaped as JSON requires.

use std::fmt::{self, Display, Write};

/// How serious a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// What happened as it should (`console.log`).
    Info,
    /// A refusal or a failure the Worker works around (`console.warn`).
    Warn,
    /// Something failed that someone should look at (`console.error`).
    Error,
}

impl Level {
    /// The `level` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// Declares [`Event`] with each variant's `event` name, and [`Event::ALL`].
macro_rules! events {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        /// What a line is about: its `event` field. The names are stable (queries and alerts
        /// use them); docs/worker.md, "Logs", lists them all.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Event {
            $($(#[$doc])* $variant,)*
        }

        impl Event {
            /// Every event, for the tests.
            #[cfg(test)]
            pub const ALL: &'static [Event] = &[$(Event::$variant,)*];

            /// The `event` field.
            pub fn name(self) -> &'static str {
                match self {
                    $(Event::$variant => $name,)*
                }
            }
        }
    };
}

events! {
    /// The Worker's wasm was instantiated: an isolate started (a cold start), or the wasm was
    /// started again after a crash.
    WorkerStarted => "worker_started",
    /// Exotel accepted a call (`status`: what the page is told; `mode`, `attempt`, `ms`).
    CallPlaced => "call_placed",
    /// A call is stored to be placed later (`mode`).
    CallScheduled => "call_scheduled",
    /// A call due while closed was moved to the next opening.
    CallRescheduled => "call_rescheduled",
    /// The visitor canceled a call before its time.
    CallCanceled => "call_canceled",
    /// A repeated `Idempotency-Key` was answered with the first request's call.
    CallReplayed => "call_replayed",
    /// A request for a call was refused before anything was stored (`reason`: the error code
    /// answered; `limit` for `rate_limited`).
    CallRefused => "call_refused",
    /// A stored call was not placed (`reason`: its outcome; `http_status`, `retry_after_s`,
    /// `kind`, `ms`).
    CallNotPlaced => "call_not_placed",
    /// A number refused for DND was sent to the Customer Whitelist API (`state`: `sent`, or
    /// `asked_today` when it was sent within the day; `http_status`).
    WhitelistRequested => "whitelist_requested",
    /// The Customer Whitelist API did not accept the number (`http_status`, or `message`).
    WhitelistFailed => "whitelist_failed",
    /// A call budget is reached: no call is placed for anyone (`retry_after_s`).
    CallsPaused => "calls_paused",
    /// Exotel accepted the call but recording that failed; retried (`message`).
    CallRecordFailed => "call_record_failed",
    /// The accepted call was recorded on a later try.
    CallRecordedLate => "call_recorded_late",
    /// The accepted call could not be recorded; its callback or the cron will settle it.
    CallNotRecorded => "call_not_recorded",
    /// A call's status moved (`status`; `source`: `callback`, `details` or `reconcile`).
    CallStatus => "call_status",
    /// A genuine status callback that changed nothing (a repeat, or a late arrival).
    CallbackUnchanged => "callback_unchanged",
    /// A status callback was refused (`reason`: `token_malformed`, `token_forged`,
    /// `malformed_body`, `other_sid`).
    CallbackRefused => "callback_refused",
    /// A Call Details refresh learned nothing (`reason`: `unavailable`, `other_call`; `ms`).
    DetailsFailed => "details_failed",
    /// A setting is wrong or risky; calls go on (`message` names it).
    ConfigProblem => "config_problem",
    /// The cron placed the calls whose time had come (`count`, `ms`).
    DueRun => "due_run",
    /// The cron could not place due calls (`message`).
    DueFailed => "due_failed",
    /// The cron's reconciliation (`count` looked at, `asked`, `gave_up`, `ms`).
    ReconcileRun => "reconcile_run",
    /// The reconciliation failed; the next run tries again (`message`).
    ReconcileFailed => "reconcile_failed",
    /// The cron masked numbers and deleted calls that reached their age (`masked`, `deleted`).
    RetentionRun => "retention_run",
    /// The privacy pass failed (`message`).
    RetentionFailed => "retention_failed",
    /// A notification was delivered (`notification`: its type, `id`, `target`, `attempt`,
    /// `ms`).
    NotificationSent => "notification_sent",
    /// A notification's delivery failed (`message`: what went wrong, never a URL;
    /// `will_retry`).
    NotificationFailed => "notification_failed",
    /// Delivering notifications failed as a whole (`message`).
    NotifyFailed => "notify_failed",
    /// Forgetting old notifications failed (`message`).
    NotifyPruneFailed => "notify_prune_failed",
    /// The "calls paused" notification could not be queued (`message`).
    NotifyQueueFailed => "notify_queue_failed",
    /// The operator signed in with the token (`operator`).
    AdminSignedIn => "admin_signed_in",
    /// The operator signed out (`operator`).
    AdminSignedOut => "admin_signed_out",
    /// A sign-in was refused and counted (`message`: what was wrong).
    AdminSignInRefused => "admin_sign_in_refused",
    /// Too many failed sign-ins from one client network.
    AdminSignInLimited => "admin_sign_in_limited",
    /// A Cloudflare Access assertion was refused (`message`: why).
    AdminAccessRefused => "admin_access_refused",
    /// A signed-out or expired session was refused.
    AdminSessionRefused => "admin_session_refused",
    /// A change made with a browser's credentials came from another site.
    AdminOriginRefused => "admin_origin_refused",
    /// The operator exported calls as CSV (`count`, `operator`).
    AdminExport => "admin_export",
    /// The operator revealed a call's number (`call`, `operator`; never the number).
    AdminReveal => "admin_reveal",
    /// The operator called a call back (`call`, `new_call`, `operator`).
    AdminCallBack => "admin_call_back",
    /// A Turnstile token for another site or action was refused.
    TurnstileMismatch => "turnstile_mismatch",
    /// Turnstile's siteverify did not answer usably; the request was refused.
    TurnstileUnavailable => "turnstile_unavailable",
    /// The simulator delivered a status callback (`http_status`).
    SandboxCallbackSent => "sandbox_callback_sent",
    /// The simulator could not deliver a status callback.
    SandboxCallbackFailed => "sandbox_callback_failed",
    /// A request failed on the Worker's side: answered `500` (`message`: the cause).
    InternalError => "internal_error",
}

/// A line being written: the fields so far, in order. [`Line::emit`] writes it.
#[must_use = "a line is written by `emit`"]
pub struct Line {
    level: Level,
    text: String,
}

/// A line at level `info`.
pub fn info(event: Event) -> Line {
    Line::new(Level::Info, event)
}

/// A line at level `warn`.
pub fn warn(event: Event) -> Line {
    Line::new(Level::Warn, event)
}

/// A line at level `error`.
pub fn error(event: Event) -> Line {
    Line::new(Level::Error, event)
}

impl Line {
    fn new(level: Level, event: Event) -> Line {
        let mut text = String::with_capacity(128);
        text.push_str("{\"level\":\"");
        text.push_str(level.as_str());
        text.push_str("\",\"event\":\"");
        text.push_str(event.name());
        text.push('"');
        Line { level, text }
    }

    /// The call's id.
    pub fn call(self, id: impl Display) -> Line {
        self.text("call", id)
    }

    /// A call's status (`queued`, `no-answer`...).
    pub fn status(self, status: &str) -> Line {
        self.text("status", status)
    }

    /// Milliseconds the step took (the Worker's clock moves across I/O only).
    pub fn ms(self, ms: u64) -> Line {
        self.number("ms", ms)
    }

    /// Why, as a stable code.
    pub fn reason(self, reason: &str) -> Line {
        self.text("reason", reason)
    }

    /// Words for a person: an error's text, what was wrong with a setting.
    pub fn message(self, message: impl Display) -> Line {
        self.text("message", message)
    }

    /// Seconds until a refused request may be tried again.
    pub fn retry_after_s(self, seconds: u32) -> Line {
        self.number("retry_after_s", u64::from(seconds))
    }

    /// How many things a run went through.
    pub fn count(self, count: usize) -> Line {
        self.number("count", count as u64)
    }

    /// A string field.
    pub fn text(mut self, key: &'static str, value: impl Display) -> Line {
        self.key(key);
        self.text.push('"');
        // Writing to a String cannot fail.
        let _ = write!(Escaped(&mut self.text), "{value}");
        self.text.push('"');
        self
    }

    /// A number field.
    pub fn number(mut self, key: &'static str, value: u64) -> Line {
        self.key(key);
        let _ = write!(self.text, "{value}");
        self
    }

    /// A boolean field.
    pub fn flag(mut self, key: &'static str, value: bool) -> Line {
        self.key(key);
        self.text.push_str(if value { "true" } else { "false" });
        self
    }

    fn key(&mut self, key: &'static str) {
        self.text.push_str(",\"");
        escape_into(&mut self.text, key);
        self.text.push_str("\":");
    }

    /// The line's JSON text.
    pub fn finish(mut self) -> String {
        self.text.push('}');
        self.text
    }

    /// Writes the line through the `console` method of its level.
    pub fn emit(self) {
        use worker::web_sys::console;
        let level = self.level;
        let text = worker::wasm_bindgen::JsValue::from_str(&self.finish());
        match level {
            Level::Info => console::log_1(&text),
            Level::Warn => console::warn_1(&text),
            Level::Error => console::error_1(&text),
        }
    }
}

/// Formats into a JSON string's inside.
struct Escaped<'a>(&'a mut String);

impl Write for Escaped<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        escape_into(self.0, text);
        Ok(())
    }
}

/// Appends `text` escaped for the inside of a JSON string: quotes, backslashes and every
/// control character (so no value can end the line or colour a terminal), and U+2028/U+2029,
/// which some readers take for line breaks. Everything else, Hindi included, goes as UTF-8.
fn escape_into(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut plain = 0;
    for (at, c) in text.char_indices() {
        let short = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => "",
            _ => continue,
        };
        out.push_str(&text[plain..at]);
        plain = at + c.len_utf8();
        if short.is_empty() {
            let code = c as u32;
            out.push_str("\\u");
            for shift in [12, 8, 4, 0] {
                out.push(HEX[(code >> shift & 0xf) as usize] as char);
            }
        } else {
            out.push_str(short);
        }
    }
    out.push_str(&text[plain..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn parse(line: Line) -> serde_json::Map<String, Value> {
        let text = line.finish();
        assert!(!text.contains('\n') && !text.contains('\r'), "{text}");
        match serde_json::from_str(&text) {
            Ok(Value::Object(fields)) => fields,
            other => panic!("not a JSON object: {text} ({other:?})"),
        }
    }

    #[test]
    fn every_line_has_level_and_event() {
        let fields = parse(warn(Event::CallsPaused).retry_after_s(3600));
        assert_eq!(fields["level"], "warn");
        assert_eq!(fields["event"], "calls_paused");
        assert_eq!(fields["retry_after_s"], 3600);
        assert_eq!(fields.len(), 3);
        let fields = parse(error(Event::InternalError));
        assert_eq!(fields["level"], "error");
        assert_eq!(fields.len(), 2);
    }

    #[test]
    fn typed_fields_keep_their_types() {
        let fields = parse(
            info(Event::CallPlaced)
                .call("AbCdEfGhIjKlMnOpQrStUv")
                .status("queued")
                .ms(412)
                .count(3)
                .number("attempt", 2)
                .flag("will_retry", false)
                .reason("exotel_rejected"),
        );
        assert_eq!(fields["call"], "AbCdEfGhIjKlMnOpQrStUv");
        assert_eq!(fields["status"], "queued");
        assert_eq!(fields["ms"], 412);
        assert_eq!(fields["count"], 3);
        assert_eq!(fields["attempt"], 2);
        assert_eq!(fields["will_retry"], false);
        assert_eq!(fields["reason"], "exotel_rejected");
        assert_eq!(fields["ms"].as_u64(), Some(412));
        assert_eq!(
            parse(info(Event::DueRun).number("n", u64::MAX))["n"].as_u64(),
            Some(u64::MAX)
        );
    }

    #[test]
    fn strings_are_escaped_and_read_back_exactly() {
        let hostile = [
            "plain",
            "",
            r#"say "hi""#,
            r"C:\path\to",
            "two\nlines\r\n[forged] call XYZ: placed",
            "tab\there",
            "\u{0}\u{1}\u{1b}[31mred\u{1f}\u{7f}\u{85}",
            "नमस्ते, आपकी कॉल जुड़ रही है",
            "emoji 📞 and U+2028\u{2028}U+2029\u{2029}",
            "completed\u{fffd}",
            "\\\"\\n",
        ];
        for text in hostile {
            let fields = parse(info(Event::CallStatus).message(text).status(text));
            assert_eq!(fields["message"], text, "{text:?}");
            assert_eq!(fields["status"], text, "{text:?}");
        }
        let line = info(Event::CallStatus)
            .message("a\u{1b}b\u{2028}c\"d")
            .finish();
        assert!(line.contains(r#"a\u001bb\u2028c\"d"#), "{line}");
        let hindi = info(Event::ConfigProblem).message("नमस्ते").finish();
        assert!(hindi.contains("नमस्ते"), "non-ASCII goes as UTF-8: {hindi}");
    }

    #[test]
    fn display_values_are_escaped_as_they_are_formatted() {
        // Formatted in pieces, each escaped as it is written.
        struct Quoting(&'static str);
        impl Display for Quoting {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "D1: \"{}\"\n  at \\", self.0)
            }
        }
        let fields = parse(error(Event::InternalError).message(Quoting("no such table")));
        assert_eq!(fields["message"], "D1: \"no such table\"\n  at \\");
    }

    #[test]
    fn event_names_are_unique_snake_case_and_documented() {
        let docs = include_str!("../../docs/worker.md");
        let mut seen = std::collections::HashSet::new();
        for event in Event::ALL {
            let name = event.name();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                !name.is_empty()
                    && name
                        .split('_')
                        .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
                "{name}"
            );
            assert!(
                docs.contains(&format!("| `{name}` |")),
                "docs/worker.md, \"Logs\", has no row for `{name}`"
            );
        }
    }
}
