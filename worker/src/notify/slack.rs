//! A short message per event for a Slack incoming webhook, written from the event's payload
//! (so it carries nothing the webhook's payload does not: the number masked).

use crate::json::{self, read_json, Object, Value};

/// `{"text": "..."}` for the event `payload`; `None` if it is not an event.
pub fn body(payload: &str) -> Option<String> {
    let event = read_json(payload).ok()?;
    let kind = json::text(event.get("type"))?;
    let data = event.get("data")?;
    let field = |name: &str| json::text(data.get(name));
    let who = match (field("name"), field("phone")) {
        (Some(name), Some(phone)) => format!("{} ({phone})", escape(name)),
        (Some(name), None) => escape(name),
        (None, Some(phone)) => phone.to_owned(),
        (None, None) => "A visitor".to_owned(),
    };
    let attempt = data
        .get("attempt")
        .and_then(unsigned)
        .filter(|&n| n > 1)
        .map(|n| format!(" (try {n})"))
        .unwrap_or_default();
    let status = field("status").unwrap_or("unknown");
    let text = match kind {
        "call.requested" => format!(":telephone_receiver: {who} asked to be called back now."),
        "call.scheduled" => format!(
            ":calendar: Call back {who}{attempt} at {}.",
            field("scheduledFor").unwrap_or("the next opening")
        ),
        "call.answered" => {
            let duration = data
                .get("duration")
                .and_then(unsigned)
                .map(|s| format!(", {}:{:02}", s / 60, s % 60))
                .unwrap_or_default();
            format!(":white_check_mark: {who} answered{attempt}{duration}.")
        }
        "call.missed" => format!(":x: Missed: {who}{attempt}, {status}. No try left."),
        "call.not_placed" => {
            let why = match field("reason") {
                Some("dnd") => ": the number is on the DND registry".to_owned(),
                Some(reason) => format!(": {reason}"),
                None => String::new(),
            };
            format!(
                ":warning: Not placed: {who}{attempt} ({}{why}).",
                field("outcome").unwrap_or("error")
            )
        }
        "calls.paused" => {
            let wait = data.get("retryAfter").and_then(unsigned).unwrap_or(0);
            format!(":octagonal_sign: Calls are paused: a call budget is reached (frees in about {} min).", wait.div_ceil(60))
        }
        _ => return None,
    };
    Some(Object::new().string("text", &text).finish())
}

/// The number `value` holds, if it is a count: digits only, up to `u64::MAX` (the payload's
/// counts are written so; `2.0`, `2e0` or `-1` are not counts).
fn unsigned(value: &Value<'_>) -> Option<u64> {
    match value {
        Value::Number(number) => number.parse().ok(),
        _ => None,
    }
}

/// Slack reads `<...>` as links and mentions (`<!channel>`) and `&` as an entity: a visitor's
/// name is shown as written, never as markup.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn text(payload: Value) -> String {
        let body: Value = serde_json::from_str(&body(&payload.to_string()).unwrap()).unwrap();
        body["text"].as_str().unwrap().to_owned()
    }

    #[test]
    fn each_event_reads_as_a_sentence_with_the_number_masked() {
        let data = serde_json::json!({"name": "Priya", "phone": "+91******3210", "attempt": 2,
                                      "status": "no-answer", "duration": 75});
        let of = |kind: &str| text(serde_json::json!({"type": kind, "data": data}));
        assert_eq!(
            of("call.missed"),
            ":x: Missed: Priya (+91******3210) (try 2), no-answer. No try left."
        );
        assert_eq!(
            of("call.answered"),
            ":white_check_mark: Priya (+91******3210) answered (try 2), 1:15."
        );
        assert!(of("call.requested").contains("Priya (+91******3210) asked"));
        let refused = |reason: Value| {
            text(serde_json::json!({"type": "call.not_placed",
                "data": {"phone": "+91******3214", "outcome": "exotel_rejected", "reason": reason}}))
        };
        assert_eq!(
            refused("dnd".into()),
            ":warning: Not placed: +91******3214 (exotel_rejected: the number is on the DND registry)."
        );
        assert_eq!(
            refused(Value::Null),
            ":warning: Not placed: +91******3214 (exotel_rejected)."
        );
        assert!(body(r#"{"type": "other", "data": {}}"#).is_none());
        // Only whole numbers count: no try or duration is read from anything else.
        for count in ["2.0", "2e0", "-2", "\"2\"", "18446744073709551616"] {
            let payload = format!(
                r#"{{"type": "call.answered", "data": {{"attempt": {count}, "duration": {count}}}}}"#
            );
            let said: Value = serde_json::from_str(&body(&payload).unwrap()).unwrap();
            assert_eq!(
                said["text"], ":white_check_mark: A visitor answered.",
                "{count}"
            );
        }
        assert!(body("not json").is_none());
    }

    #[test]
    fn a_name_cannot_mention_the_channel() {
        let said = text(serde_json::json!({"type": "call.requested",
                                           "data": {"name": "<!channel> & <http://x|y>"}}));
        assert!(
            !said.contains("<!channel>") && !said.contains("<http"),
            "{said}"
        );
        assert!(
            said.contains("&lt;!channel&gt; &amp; &lt;http://x|y&gt;"),
            "{said}"
        );
    }
}
