//! The sandbox: an in-process stand-in for Exotel's voice API, so the whole lifecycle runs on a
//! laptop with no account.
//!
//! It takes the same [`HttpRequest`]s the core builds for Exotel, checks them the way Exotel
//! does (Basic auth, form body, required fields, the flow URL's shape, limits), and answers
//! with Exotel's own bodies (the core's `Call::to_json`/`to_xml`, `RestException`s). The last
//! digit of the number called picks the outcome (docs/http-api.md):
//!
//! | digit | outcome |
//! |---|---|
//! | 1 | busy | 2 | no-answer | 3 | failed |
//! | 4 | refused: 403, as for a number on the Do-Not-Disturb registry |
//! | 5 | Exotel down: 500 |
//! | else | answered, then completed |
//!
//! The Customer Whitelist API (`DND_WHITELIST_API=on`) accepts any well-formed request; the
//! sandbox sends no SMS, and a number ending in 4 stays refused.
//!
//! It is stateless: the Sid it issues encodes when the call was placed and its outcome, so Call
//! Details can say where the call stands at any later moment, across Worker restarts. The
//! status callback it owes is returned as a [`ScheduledCallback`] for the caller to deliver
//! (a real HTTP POST, see `upstream.rs`). This module does no I/O.

use super::answer::RawResponse;
use crate::config::SandboxTimings;
use crate::time::exotel_ist;
use exotel_connect::wire::form::Form;
use exotel_connect::{
    Call, CallStatus, Direction, ExotelError, HttpRequest, Method, Price, MAX_TIME_LIMIT,
};

/// How long after the callback Call Details starts reporting the outcome. Exotel's records
/// settle after its callback; the lag also means the sandbox's outcome reaches the page
/// through the callback, with Call Details only as the fallback.
const DETAILS_LAG_MS: u64 = 2_000;
/// When an answered call starts ringing, at the latest.
const RINGING_AFTER_MS: u64 = 1_000;

/// What the simulator answers, and the callback it owes.
#[derive(Debug)]
pub struct SimulatorReply {
    /// Exotel's HTTP answer.
    pub response: RawResponse,
    /// The status callback to deliver, for a call that was placed with a `StatusCallback`.
    pub callback: Option<ScheduledCallback>,
}

/// A status callback to POST later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledCallback {
    /// The `StatusCallback` URL the call was placed with.
    pub url: String,
    /// Exotel's default callback body: urlencoded form.
    pub body: String,
    /// When to send it, from now.
    pub delay_ms: u64,
}

/// How a sandbox call ends, from the last digit of the number called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Answered,
    Busy,
    NoAnswer,
    Failed,
    Refused,
    Down,
}

impl Outcome {
    fn for_number(number: &str) -> Outcome {
        match number.trim().chars().last() {
            Some('1') => Outcome::Busy,
            Some('2') => Outcome::NoAnswer,
            Some('3') => Outcome::Failed,
            Some('4') => Outcome::Refused,
            Some('5') => Outcome::Down,
            _ => Outcome::Answered,
        }
    }

    fn code(self) -> u8 {
        match self {
            Outcome::Answered => 0,
            Outcome::Busy => 1,
            Outcome::NoAnswer => 2,
            Outcome::Failed => 3,
            Outcome::Refused => 4,
            Outcome::Down => 5,
        }
    }

    fn from_code(code: u8) -> Option<Outcome> {
        Some(match code {
            0 => Outcome::Answered,
            1 => Outcome::Busy,
            2 => Outcome::NoAnswer,
            3 => Outcome::Failed,
            _ => return None,
        })
    }

    /// The status it ends in.
    fn final_status(self) -> CallStatus {
        match self {
            Outcome::Busy => CallStatus::Busy,
            Outcome::NoAnswer => CallStatus::NoAnswer,
            Outcome::Failed => CallStatus::Failed,
            _ => CallStatus::Completed,
        }
    }
}

/// A sandbox call's timeline.
struct Timeline {
    placed_ms: u64,
    outcome: Outcome,
    timings: SandboxTimings,
}

impl Timeline {
    fn ringing_at(&self) -> u64 {
        RINGING_AFTER_MS.min(self.timings.answer_ms / 2)
    }

    fn callback_at(&self) -> u64 {
        self.timings.callback_delay_ms
    }

    fn settled_at(&self) -> u64 {
        self.callback_at() + DETAILS_LAG_MS
    }

    /// Seconds the visitor was connected, for answered calls.
    fn talk_seconds(&self) -> u64 {
        self.callback_at()
            .saturating_sub(self.timings.answer_ms)
            .div_ceil(1000)
            .max(1)
    }

    /// The status Call Details reports `elapsed` ms after placing, and since when (ms offset).
    fn status_at(&self, elapsed: u64) -> (CallStatus, u64) {
        let answered = self.outcome == Outcome::Answered;
        if elapsed >= self.settled_at() {
            (self.outcome.final_status(), self.callback_at())
        } else if answered && elapsed >= self.timings.answer_ms {
            (CallStatus::InProgress, self.timings.answer_ms)
        } else if elapsed >= self.ringing_at() {
            (CallStatus::Ringing, self.ringing_at())
        } else {
            (CallStatus::Queued, 0)
        }
    }

    /// The Call resource at `elapsed`.
    fn call(&self, sid: &str, account: &str, parties: Parties<'_>, elapsed: u64) -> Call {
        let (status, since) = self.status_at(elapsed);
        let ended = status.is_terminal();
        let completed = status == CallStatus::Completed;
        let at = |offset: u64| Some(exotel_ist(self.placed_ms + offset));
        Call {
            sid: sid.to_owned(),
            parent_call_sid: None,
            date_created: at(0),
            date_updated: at(since),
            account_sid: Some(account.to_owned()),
            to: parties.caller_id.map(national),
            from: parties.from.map(national),
            phone_number_sid: parties.caller_id.map(national),
            status,
            start_time: at(0),
            end_time: if ended { at(self.callback_at()) } else { None },
            duration: completed.then(|| self.talk_seconds()),
            price: if ended { Price::parse("0.000") } else { None },
            direction: Some(Direction::OutboundApi),
            answered_by: completed.then(|| "human".to_owned()),
            forwarded_from: None,
            caller_name: None,
            uri: Some(format!("/v1/Accounts/{account}/Calls.json/{sid}")),
            recording_url: None,
            details: None,
        }
    }
}

/// The numbers a Call resource shows; Call Details does not know them (the Sid carries only
/// the outcome), so it leaves them null.
#[derive(Clone, Copy)]
struct Parties<'a> {
    from: Option<&'a str>,
    caller_id: Option<&'a str>,
}

/// Exotel writes Indian numbers in the national form, `0` + 10 digits.
fn national(e164: &str) -> String {
    match e164.strip_prefix("+91") {
        Some(rest) => format!("0{rest}"),
        None => e164.to_owned(),
    }
}

/// Sid: placing time (48 bits of Unix ms), outcome (8 bits), entropy (72 bits), in hex: the
/// 32 hex characters Exotel's Sids have.
fn encode_sid(placed_ms: u64, outcome: Outcome, entropy: [u8; 9]) -> String {
    // Fixed sizes: 6 + 1 + 9 = 16 bytes, so the copies cannot panic.
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&placed_ms.to_be_bytes()[2..]);
    bytes[6] = outcome.code();
    bytes[7..].copy_from_slice(&entropy);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_sid(sid: &str) -> Option<(u64, Outcome)> {
    if sid.len() != 32 || !sid.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(sid.get(2 * i..2 * i + 2)?, 16).ok();
    let mut placed = [0u8; 8];
    for (i, slot) in placed[2..].iter_mut().enumerate() {
        *slot = byte(i)?;
    }
    Some((u64::from_be_bytes(placed), Outcome::from_code(byte(6)?)?))
}

/// Answers `request` as Exotel would at `now_ms`. `entropy` makes Sids unique.
pub fn handle(
    request: &HttpRequest,
    timings: SandboxTimings,
    now_ms: u64,
    entropy: [u8; 9],
) -> SimulatorReply {
    let reply = |response| SimulatorReply {
        response,
        callback: None,
    };
    let path = request.url.split(['?', '#']).next().unwrap_or_default();
    let Some(rest) = path.split_once("/v1/Accounts/").map(|(_, rest)| rest) else {
        return reply(error(404, "The requested resource was not found", true));
    };
    let (resource, json) = match rest.strip_suffix(".json") {
        Some(stripped) => (stripped, true),
        None => (rest, false),
    };
    let segments: Vec<&str> = resource.split('/').collect();
    if !request
        .header("Authorization")
        .is_some_and(|auth| auth.starts_with("Basic ") && auth.len() > 6)
    {
        return reply(error(401, "Authentication is required", json));
    }
    match (request.method, segments.as_slice()) {
        (Method::Post, [account, "Calls", "connect"]) => {
            connect(request, account, json, timings, now_ms, entropy)
        }
        (Method::Get, [account, "Calls", sid]) => {
            reply(details(account, sid, json, timings, now_ms))
        }
        (Method::Post, [_, "CustomerWhitelist"]) => reply(whitelist(request, json)),
        _ => reply(error(404, "The requested resource was not found", json)),
    }
}

/// Exotel's `RestException` body.
fn error(status: u16, message: &str, json: bool) -> RawResponse {
    let exception = ExotelError {
        http_status: status,
        code: None,
        message: message.to_owned(),
    };
    let (body, content_type) = if json {
        (exception.to_json(), "application/json")
    } else {
        (exception.to_xml(), "application/xml")
    };
    RawResponse {
        status,
        content_type: Some(content_type.to_owned()),
        retry_after: None,
        body: body.into_bytes(),
    }
}

fn call_response(call: &Call, json: bool) -> RawResponse {
    let (body, content_type) = if json {
        (call.to_json(), "application/json")
    } else {
        (call.to_xml(), "application/xml")
    };
    RawResponse {
        status: 200,
        content_type: Some(content_type.to_owned()),
        retry_after: None,
        body: body.into_bytes(),
    }
}

/// A form body's fields as Exotel reads them: trimmed, and an empty one as absent.
struct FormFields(Vec<(String, String)>);

impl FormFields {
    fn of(request: &HttpRequest) -> FormFields {
        FormFields(exotel_connect::wire::form::pairs(
            request.body.as_deref().unwrap_or_default(),
        ))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// A Customer Whitelist request: both fields, else Exotel's 400. The answer's fields beyond
/// its status are not known, so the Worker reads the status only; this one counts the numbers.
fn whitelist(request: &HttpRequest, json: bool) -> RawResponse {
    let fields = FormFields::of(request);
    let (Some(_), Some(numbers)) = (fields.get("VirtualNumber"), fields.get("Number")) else {
        return error(400, "Missing parameter: VirtualNumber or Number", json);
    };
    let count = numbers.split(',').count();
    let (body, content_type) = if json {
        (
            format!(r#"{{"Result":{{"Total":{count},"Succeeded":{count},"Failed":0}}}}"#),
            "application/json",
        )
    } else {
        (
            format!("<TwilioResponse><Result><Total>{count}</Total><Succeeded>{count}</Succeeded><Failed>0</Failed></Result></TwilioResponse>"),
            "application/xml",
        )
    };
    RawResponse {
        status: 200,
        content_type: Some(content_type.to_owned()),
        retry_after: None,
        body: body.into_bytes(),
    }
}

/// The connect request's form, checked as Exotel checks it.
struct ConnectForm {
    from: String,
    caller_id: String,
    status_callback: Option<String>,
}

fn check_connect_form(request: &HttpRequest, account: &str) -> Result<ConnectForm, String> {
    let form_type = request
        .header("Content-Type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !form_type {
        return Err("Expected a form body (application/x-www-form-urlencoded)".to_owned());
    }
    let fields = FormFields::of(request);
    let field = |name: &str| fields.get(name).map(str::to_owned);
    let required = |name: &str| field(name).ok_or_else(|| format!("Missing parameter: {name}"));
    let from = required("From")?;
    let caller_id = required("CallerId")?;
    let url = required("Url")?;
    let flow_prefix = format!("my.exotel.com/{account}/exoml/start_voice/");
    let flow_id = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .and_then(|u| u.strip_prefix(&flow_prefix));
    if !flow_id.is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric())) {
        return Err(format!(
            "Url must be http://my.exotel.com/{account}/exoml/start_voice/<app_id>"
        ));
    }
    for (name, max) in [("TimeLimit", MAX_TIME_LIMIT), ("TimeOut", MAX_TIME_LIMIT)] {
        if let Some(value) = field(name) {
            if !value.parse::<u32>().is_ok_and(|n| (1..=max).contains(&n)) {
                return Err(format!(
                    "{name} must be a whole number of seconds up to {max}"
                ));
            }
        }
    }
    let status_callback = field("StatusCallback");
    if let Some(url) = &status_callback {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err("StatusCallback must be an http(s) URL".to_owned());
        }
    }
    Ok(ConnectForm {
        from,
        caller_id,
        status_callback,
    })
}

fn connect(
    request: &HttpRequest,
    account: &str,
    json: bool,
    timings: SandboxTimings,
    now_ms: u64,
    entropy: [u8; 9],
) -> SimulatorReply {
    let form = match check_connect_form(request, account) {
        Ok(form) => form,
        Err(message) => {
            return SimulatorReply {
                response: error(400, &message, json),
                callback: None,
            }
        }
    };
    let outcome = Outcome::for_number(&form.from);
    let refusal = match outcome {
        Outcome::Refused => Some(error(
            403,
            &format!(
                "Call to {} cannot be made because of TRAI NDNC regulations",
                national(&form.from)
            ),
            json,
        )),
        Outcome::Down => Some(error(500, "Internal Server Error", json)),
        _ => None,
    };
    if let Some(response) = refusal {
        return SimulatorReply {
            response,
            callback: None,
        };
    }
    let timeline = Timeline {
        placed_ms: now_ms,
        outcome,
        timings,
    };
    let sid = encode_sid(now_ms, outcome, entropy);
    let parties = Parties {
        from: Some(&form.from),
        caller_id: Some(&form.caller_id),
    };
    let call = timeline.call(&sid, account, parties, 0);
    let callback = form.status_callback.map(|url| {
        let mut body = Form::new();
        body.field("CallSid", &sid)
            .field("Status", outcome.final_status().as_str())
            .field("RecordingUrl", "")
            .field("DateUpdated", &exotel_ist(now_ms + timeline.callback_at()));
        let body = body.finish();
        ScheduledCallback {
            url,
            body,
            delay_ms: timeline.callback_at(),
        }
    });
    SimulatorReply {
        response: call_response(&call, json),
        callback,
    }
}

fn details(
    account: &str,
    sid: &str,
    json: bool,
    timings: SandboxTimings,
    now_ms: u64,
) -> RawResponse {
    let Some((placed_ms, outcome)) = decode_sid(sid) else {
        return error(404, "Call not found", json);
    };
    let timeline = Timeline {
        placed_ms,
        outcome,
        timings,
    };
    let parties = Parties {
        from: None,
        caller_id: None,
    };
    let call = timeline.call(sid, account, parties, now_ms.saturating_sub(placed_ms));
    call_response(&call, json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use exotel_connect::{
        parse_response, parse_status_callback, Account, ApiBase, CallDetails, ConnectToFlow,
        Credentials,
    };

    const TIMINGS: SandboxTimings = SandboxTimings {
        answer_ms: 2_000,
        callback_delay_ms: 5_000,
    };
    const NOW: u64 = 1_795_700_174_000;

    fn account() -> Account {
        Account::new(
            "sandbox",
            Credentials::new("k", "t").unwrap(),
            ApiBase::custom("https://sandbox.exotel.invalid").unwrap(),
        )
        .unwrap()
    }

    fn place(number: &str) -> SimulatorReply {
        let request = ConnectToFlow::builder()
            .from(number)
            .caller_id("08047112400")
            .app_id("1")
            .status_callback("http://127.0.0.1:8787/exotel/status/token")
            .time_limit(600)
            .build()
            .unwrap()
            .to_request(&account());
        handle(&request, TIMINGS, NOW, [7; 9])
    }

    fn status_after(sid: &str, elapsed: u64) -> CallStatus {
        let request = CallDetails::new(sid).unwrap().to_request(&account());
        let reply = handle(&request, TIMINGS, NOW + elapsed, [0; 9]);
        let r = reply.response;
        parse_response(r.status, r.content_type.as_deref(), &r.body)
            .unwrap()
            .status
    }

    #[test]
    fn answered_call_walks_the_timeline_and_calls_back() {
        let reply = place("98765 43210");
        let r = &reply.response;
        let call = parse_response(r.status, r.content_type.as_deref(), &r.body).unwrap();
        assert_eq!(call.status, CallStatus::Queued);
        assert_eq!(call.sid.len(), 32);
        assert_eq!(call.from.as_deref(), Some("09876543210"));

        assert_eq!(status_after(&call.sid, 500), CallStatus::Queued);
        assert_eq!(status_after(&call.sid, 1_000), CallStatus::Ringing);
        assert_eq!(status_after(&call.sid, 2_000), CallStatus::InProgress);
        assert_eq!(status_after(&call.sid, 6_000), CallStatus::InProgress);
        assert_eq!(status_after(&call.sid, 7_000), CallStatus::Completed);

        let callback = reply.callback.unwrap();
        assert_eq!(callback.delay_ms, 5_000);
        assert_eq!(callback.url, "http://127.0.0.1:8787/exotel/status/token");
        let parsed = parse_status_callback(
            callback.body.as_bytes(),
            Some("application/x-www-form-urlencoded"),
        )
        .unwrap();
        assert_eq!(parsed.call_sid, call.sid);
        assert_eq!(parsed.status, CallStatus::Completed);
        assert_eq!(parsed.date_updated.as_deref(), Some("2026-11-26 19:06:19"));
    }

    #[test]
    fn last_digit_picks_the_outcome() {
        for (number, status) in [
            ("9876543211", CallStatus::Busy),
            ("9876543212", CallStatus::NoAnswer),
            ("9876543213", CallStatus::Failed),
        ] {
            let reply = place(number);
            let r = &reply.response;
            let call = parse_response(r.status, r.content_type.as_deref(), &r.body).unwrap();
            assert_eq!(
                status_after(&call.sid, 3_000),
                CallStatus::Ringing,
                "{number}"
            );
            assert_eq!(status_after(&call.sid, 8_000), status, "{number}");
            assert!(reply.callback.unwrap().body.contains(status.as_str()));
        }
        let refused = place("9876543214");
        assert_eq!(refused.response.status, 403);
        assert!(refused.callback.is_none());
        let body = String::from_utf8(refused.response.body).unwrap();
        assert!(body.contains("NDNC"), "{body}");
        assert_eq!(place("9876543215").response.status, 500);
    }

    #[test]
    fn refuses_what_exotel_refuses() {
        let mut request = ConnectToFlow::builder()
            .from("9876543210")
            .caller_id("08047112400")
            .app_id("1")
            .build()
            .unwrap()
            .to_request(&account());
        request.body = Some("From=%2B919876543210&CallerId=%2B918047112400".to_owned());
        assert_eq!(handle(&request, TIMINGS, NOW, [0; 9]).response.status, 400);
        request.body = Some(
            "From=1&CallerId=2&Url=http%3A%2F%2Fmy.exotel.com%2Fother%2Fexoml%2Fstart_voice%2F1"
                .to_owned(),
        );
        assert_eq!(handle(&request, TIMINGS, NOW, [0; 9]).response.status, 400);
        request.headers.retain(|(name, _)| *name != "Authorization");
        assert_eq!(handle(&request, TIMINGS, NOW, [0; 9]).response.status, 401);
    }

    #[test]
    fn unknown_sids_are_not_found() {
        let request = CallDetails::new("0123").unwrap().to_request(&account());
        assert_eq!(handle(&request, TIMINGS, NOW, [0; 9]).response.status, 404);
    }

    #[test]
    fn accepts_a_well_formed_whitelist_request() {
        let mut request = exotel_connect::CustomerWhitelist::new("08047112400", ["9876543214"])
            .unwrap()
            .to_request(&account());
        let reply = handle(&request, TIMINGS, NOW, [0; 9]);
        assert_eq!(reply.response.status, 200);
        assert!(reply.callback.is_none());
        request.body = Some("VirtualNumber=%2B918047112400".to_owned());
        assert_eq!(handle(&request, TIMINGS, NOW, [0; 9]).response.status, 400);
    }
}
