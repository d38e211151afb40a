//! `POST /api/calls` (place a call) and `GET /api/calls/{id}` (where it stands).

use std::time::Duration;

use futures_util::StreamExt;
use serde::Serialize;
use serde_json::Value;
use worker::{console_log, console_warn, D1Database, Delay, Request, Response};

use crate::app::App;
use crate::config::{FlowSetting, Placement};
use crate::error::{json, ApiError};
use crate::guard::{self, Hashed};
use crate::ids::{callback_token, CallId};
use crate::observe::{is_final, rank, record_observation, Observation, Source, QUEUED_RANK};
use crate::store::{self, Claim, Failure, KeyedCall, NewCall, StoredCall};
use crate::time::{now_ms, rfc3339};
use crate::turnstile;
use crate::upstream::{classify, rejection_message, ConnectOutcome};
use exotel_connect::{CallDetails, ConnectToFlow, Country, HttpRequest, PhoneError, PhoneNumber};

/// The body of `POST /api/calls`; unknown fields are ignored.
#[derive(Debug, PartialEq, Eq)]
struct CreateCall {
    phone: String,
    country: Option<String>,
    turnstile_token: Option<String>,
}

impl CreateCall {
    fn parse(body: &[u8]) -> Result<CreateCall, ApiError> {
        let value: Value = serde_json::from_slice(body).map_err(|_| {
            ApiError::invalid_request(
                "expected a JSON body like {\"phone\": \"98765 43210\"}, but got something else",
            )
        })?;
        let Value::Object(fields) = value else {
            return Err(ApiError::invalid_request(format!(
                "expected a JSON object, but got {}",
                kind(&value)
            )));
        };
        let phone = match fields.get("phone") {
            Some(Value::String(phone)) => phone.clone(),
            None | Some(Value::Null) => {
                return Err(ApiError::invalid_request(
                    "expected a `phone` field, but got none",
                ))
            }
            Some(other) => {
                return Err(ApiError::invalid_request(format!(
                    "expected `phone` to be a string, but got {}",
                    kind(other)
                )))
            }
        };
        let country = match fields.get("country") {
            None | Some(Value::Null) => None,
            Some(Value::String(code)) => Some(code.clone()),
            Some(other) => {
                return Err(ApiError::invalid_request(format!(
                    "expected `country` to be a string like \"IN\", but got {}",
                    kind(other)
                )))
            }
        };
        let turnstile_token = match fields.get("turnstileToken") {
            Some(Value::String(token)) => Some(token.clone()),
            _ => None,
        };
        Ok(CreateCall {
            phone,
            country,
            turnstile_token,
        })
    }
}

/// The body of `POST /api/calls` read and its number normalized. Pure, so the fuzz target
/// `worker_create_body` (fuzz/) runs exactly what a request runs.
fn read_input(
    body: &[u8],
    default_country: Country,
) -> Result<(CreateCall, PhoneNumber), ApiError> {
    let input = CreateCall::parse(body)?;
    let country = match &input.country {
        Some(code) => Country::from_iso(code)
            .map_err(|e| ApiError::invalid_request(format!("country: {e}")))?,
        None => default_country,
    };
    refuse_line_breaks(&input.phone)?;
    let phone = PhoneNumber::parse(&input.phone, country)
        .map_err(|e| ApiError::invalid_phone(phone_message(&e)))?;
    Ok((input, phone))
}

/// [`read_input`] for the fuzz target `worker_create_body` and its replay test: the number, or
/// the refusal as it would be answered (`{:?}` of the [`ApiError`]).
#[cfg(any(fuzzing, test))]
#[doc(hidden)]
pub fn fuzz_create_body(body: &[u8], default_country: Country) -> Result<PhoneNumber, String> {
    read_input(body, default_country)
        .map(|(_, phone)| phone)
        .map_err(|e| format!("{e:?}"))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Why a number was refused, in words safe to show: the core's message, except that the
/// digits it quotes for a number that breaks its country's rules are left out (no response
/// carries a phone number, not even the visitor's own).
fn phone_message(error: &PhoneError) -> String {
    match error {
        PhoneError::InvalidForCountry {
            country,
            calling_code,
            expected,
            got,
        } => format!(
            "expected {expected} after +{calling_code} for {country}, but got {} digits",
            got.len()
        ),
        other => other.to_string(),
    }
}

/// Refuses control characters (CR, LF, tab, NUL, ESC...) and the Unicode line separators inside
/// a number. The core's parser skips every kind of whitespace as formatting, CR and LF
/// included; in a one-line form field they are not formatting but an attempt at header or log
/// injection, so they are refused like any other stray character (a trailing newline from a
/// paste is trimmed first). (Found by tests/worker/hostile.test.mjs.)
fn refuse_line_breaks(phone: &str) -> Result<(), ApiError> {
    match phone
        .trim()
        .chars()
        .find(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        Some(c) => Err(ApiError::invalid_phone(phone_message(
            &PhoneError::InvalidCharacter(c),
        ))),
        None => Ok(()),
    }
}

#[derive(Serialize)]
struct Created<'a> {
    id: &'a str,
    status: &'a str,
}

/// How long a duplicate request waits for the first one with its `Idempotency-Key`.
const IDEMPOTENCY_WAIT_MS: u64 = 4_000;
/// How often it looks.
const IDEMPOTENCY_POLL_MS: u64 = 200;

/// `POST /api/calls`: checks the request against the abuse guards, normalizes the number,
/// places the call with Exotel (or the simulator), stores it, and answers
/// `201 {"id", "status"}`. The guards, in order (docs/worker.md, "Security and abuse
/// protection"): the origin (in the router), the client's rate limit, the content type and
/// size, the body, the number and the allow-list, an `Idempotency-Key` already used, Turnstile,
/// and, in one D1 batch with storing the call, the number's rate limit and the key's claim.
pub async fn create(mut req: Request, app: &App) -> Result<Response, ApiError> {
    let config = &app.config;
    let guards = &config.guards;
    let db = app.db()?;
    let client_ip = req.headers().get("CF-Connecting-IP")?;
    let ip = client_ip.as_deref().unwrap_or("unknown");

    let client_bucket = guard::keyed_hash(guards, Hashed::Client, ip).await?;
    if let Some(seconds) =
        store::rate_limit(&db, &client_bucket, guards.per_client, now_ms()).await?
    {
        console_warn!("POST /api/calls: client rate limit reached");
        return Err(ApiError::rate_limited(seconds));
    }

    // After the client's rate limit, which counts every POST (docs/http-api.md): a malformed
    // key used to be refused before it, uncounted. (Found by tests/worker/hostile.test.mjs.)
    let idempotency_key = match req.headers().get("Idempotency-Key")? {
        Some(key) if guard::valid_idempotency_key(&key) => {
            Some(guard::keyed_hash(guards, Hashed::IdempotencyKey, &format!("{ip}\n{key}")).await?)
        }
        Some(_) => {
            return Err(ApiError::invalid_request(
                "expected an Idempotency-Key of 1 to 200 visible ASCII characters",
            ))
        }
        None => None,
    };

    if !guard::is_json(req.headers().get("Content-Type")?.as_deref()) {
        return Err(ApiError::unsupported_media_type());
    }
    let declared = req.headers().get("Content-Length")?;
    if declared
        .as_deref()
        .and_then(|n| n.trim().parse::<u64>().ok())
        .is_some_and(|n| n > guards.max_body_bytes as u64)
    {
        return Err(ApiError::payload_too_large(guards.max_body_bytes));
    }
    let body = read_body(&mut req, guards.max_body_bytes).await?;
    let (input, phone) = read_input(&body, config.default_country)?;
    if !guard::destination_allowed(&phone, &config.allowed_prefixes) {
        console_warn!("POST /api/calls: destination outside ALLOWED_PREFIXES refused");
        return Err(ApiError::destination_not_allowed());
    }

    // A retry of a request already handled is answered before Turnstile: its token was spent.
    if let Some(key) = &idempotency_key {
        if let Some(first) = store::find_by_idempotency_key(&db, key).await? {
            return replay(&db, key, first, &phone).await;
        }
    }

    let placement = config
        .placement()
        .map_err(|e| ApiError::not_configured(e.to_string()))?;
    let secret = config
        .callback_secret()
        .map_err(|e| ApiError::not_configured(e.to_string()))?;

    if let Some(turnstile) = &guards.turnstile {
        if !turnstile::verify(
            turnstile,
            input.turnstile_token.as_deref(),
            client_ip.as_deref(),
        )
        .await
        {
            console_warn!("POST /api/calls: Turnstile check failed");
            return Err(ApiError::captcha_failed());
        }
    }

    let id = CallId::generate()?;
    let callback_url = format!(
        "{}/exotel/status/{}",
        public_base_url(app, &req),
        callback_token(secret, &id).await?
    );
    let request = connect_request(placement, &phone, &callback_url)?;

    let number_bucket = guard::keyed_hash(guards, Hashed::Number, phone.as_str()).await?;
    let call = NewCall {
        id: &id,
        mode: config.mode.as_str(),
        phone: phone.as_str(),
        client_ip: client_ip.as_deref(),
        idempotency_key: idempotency_key.as_deref(),
    };
    match store::claim_call(&db, &call, &number_bucket, guards.per_number, now_ms()).await? {
        Claim::Claimed => {}
        Claim::RateLimited(seconds) => {
            console_warn!("POST /api/calls: per-number rate limit reached");
            return Err(ApiError::rate_limited(seconds));
        }
        Claim::KeyTaken => {
            // A concurrent request with the same key won the claim.
            let key = idempotency_key.as_deref().unwrap_or_default();
            return match store::find_by_idempotency_key(&db, key).await? {
                Some(first) => replay(&db, key, first, &phone).await,
                None => Err(ApiError::request_in_progress(1)),
            };
        }
    }

    // Sent once: a connect request that may have reached Exotel is never retried.
    let sent = app
        .upstream(config.mode)
        .send(&request, app.ctx.as_ref())
        .await;
    match classify(sent) {
        ConnectOutcome::Placed(call) => {
            store::mark_placed(&db, &id, &call.sid, now_ms()).await?;
            let observation = Observation::from_call(Source::Connect, &call);
            record_observation(&db, &id, &observation, now_ms()).await?;
            let status = shown_status(&observation.status);
            console_log!("call {id}: placed ({}), {status}", config.mode.as_str());
            Ok(json(
                201,
                &Created {
                    id: id.as_str(),
                    status,
                },
            )?)
        }
        ConnectOutcome::Rejected {
            http_status,
            detail,
        } => {
            console_warn!("call {id}: Exotel refused it (HTTP {http_status})");
            let kind = format!("rejected: {http_status}");
            let failure = Failure {
                outcome: "exotel_rejected",
                kind: &kind,
                detail: &detail,
            };
            store::mark_not_placed(&db, &id, "failed", &failure, now_ms()).await?;
            Err(ApiError::exotel_rejected(rejection_message(http_status)))
        }
        ConnectOutcome::Busy { retry_after } => {
            console_warn!("call {id}: Exotel is rate-limiting (retry after {retry_after} s)");
            let detail = format!("HTTP 429, retry after {retry_after} s");
            let failure = Failure {
                outcome: "upstream_busy",
                kind: "busy_429",
                detail: &detail,
            };
            store::mark_not_placed(&db, &id, "failed", &failure, now_ms()).await?;
            Err(ApiError::upstream_busy(retry_after))
        }
        ConnectOutcome::Unavailable { kind, detail } => {
            // The detail goes to the store only: it can quote what Exotel sent.
            console_warn!("call {id}: Exotel unavailable ({kind})");
            // The request may have reached Exotel and placed the call: the outcome is
            // `unknown`, which a status callback bearing this call's token can still settle.
            let failure = Failure {
                outcome: "upstream_unavailable",
                kind,
                detail: &detail,
            };
            store::mark_not_placed(&db, &id, "unknown", &failure, now_ms()).await?;
            Err(ApiError::upstream_unavailable())
        }
    }
}

/// What the page is told a call's status is right after placing it.
fn shown_status(status: &str) -> &str {
    if rank(status) > QUEUED_RANK {
        status
    } else {
        "queued"
    }
}

/// Reads the body, refusing (413) as soon as it grows past `max` bytes, whatever
/// `Content-Length` said.
pub(crate) async fn read_body(req: &mut Request, max: usize) -> Result<Vec<u8>, ApiError> {
    let unreadable = || ApiError::invalid_request("could not read the request body");
    let Ok(mut stream) = req.stream() else {
        // No body at all.
        return Ok(Vec::new());
    };
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| unreadable())?;
        if body.len() + chunk.len() > max {
            return Err(ApiError::payload_too_large(max));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The answer to a request whose `Idempotency-Key` (hashed as `key`) names `first`: the same
/// call (200), or the same error, once the first request has finished; if it has not within
/// a few seconds, `409 request_in_progress`. A key used for another number is refused (422).
async fn replay(
    db: &D1Database,
    key: &str,
    mut first: KeyedCall,
    phone: &PhoneNumber,
) -> Result<Response, ApiError> {
    if first.phone != phone.as_str() {
        return Err(ApiError::idempotency_key_reused());
    }
    let deadline = now_ms() + IDEMPOTENCY_WAIT_MS;
    while first.outcome == "placing" && !is_final(&first.status) {
        if now_ms() >= deadline {
            return Err(ApiError::request_in_progress(2));
        }
        Delay::from(Duration::from_millis(IDEMPOTENCY_POLL_MS)).await;
        first = match store::find_by_idempotency_key(db, key).await? {
            Some(call) => call,
            None => return Err(ApiError::request_in_progress(1)),
        };
    }
    console_log!("call {}: replayed for a repeated Idempotency-Key", first.id);
    match first.outcome.as_str() {
        "exotel_rejected" => {
            let http_status = first
                .failure
                .as_deref()
                .and_then(|f| f.strip_prefix("rejected: "))
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            Err(ApiError::exotel_rejected(rejection_message(http_status)))
        }
        "upstream_busy" => {
            let seconds = first
                .error_detail
                .as_deref()
                .and_then(|d| d.split("retry after ").nth(1))
                .and_then(|d| d.trim_end_matches(" s").parse().ok())
                .unwrap_or(60);
            Err(ApiError::upstream_busy(seconds))
        }
        "upstream_unavailable" => Err(ApiError::upstream_unavailable()),
        _ => Ok(json(
            200,
            &Created {
                id: &first.id,
                status: shown_status(&first.status),
            },
        )?),
    }
}

/// Origin (plus any path prefix) Exotel should call back: `PUBLIC_BASE_URL`, or the origin the
/// request came in on.
fn public_base_url(app: &App, req: &Request) -> String {
    match &app.config.public_base_url {
        Some(base) => base.clone(),
        None => origin(&req.inner().url()),
    }
}

/// `scheme://host[:port]` of a URL the runtime serialized (so it is well-formed). Sliced rather
/// than parsed: the `url` crate would add ~100 KB of wasm for this one use.
pub fn origin(url: &str) -> String {
    // Both indexes come from `find` on ASCII patterns, so they are char boundaries.
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let end = url[authority_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| authority_start + i);
    url[..end].to_owned()
}

/// The connect-to-flow request. A field the core refuses can only come from configuration
/// (the number is already normalized), so its error names the setting to fix.
fn connect_request(
    placement: &Placement,
    phone: &PhoneNumber,
    callback_url: &str,
) -> Result<HttpRequest, ApiError> {
    let mut builder = ConnectToFlow::builder()
        .from(phone.as_str())
        .caller_id(placement.caller_id.as_str())
        .status_callback(callback_url);
    builder = match &placement.flow {
        FlowSetting::AppId(id) => builder.app_id(id.as_str()),
        FlowSetting::Url(url) => builder.flow_url(url.as_str()),
    };
    if let Some(seconds) = placement.time_limit {
        builder = builder.time_limit(seconds);
    }
    if let Some(seconds) = placement.time_out {
        builder = builder.time_out(seconds);
    }
    let connect = builder.build().map_err(|e| {
        let problem = match e.field() {
            "From" => return ApiError::invalid_phone(e.problem().to_owned()),
            // Its message would quote the number; the ExoPhone is not the visitor's, but no
            // response carries a number.
            "CallerId" => "EXOTEL_CALLER_ID is not a valid phone number".to_owned(),
            "Url" => format!("EXOTEL_APP_ID / EXOTEL_FLOW_URL: {}", e.problem()),
            "TimeLimit" => format!("EXOTEL_TIME_LIMIT: {}", e.problem()),
            "TimeOut" => format!("EXOTEL_TIME_OUT: {}", e.problem()),
            "StatusCallback" => format!("PUBLIC_BASE_URL: {}", e.problem()),
            other => format!("{other}: {}", e.problem()),
        };
        ApiError::not_configured(format!(
            "this service is not configured to place calls: {problem}"
        ))
    })?;
    Ok(connect.to_request(&placement.account))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CallView<'a> {
    id: &'a str,
    status: &'a str,
    created_at: String,
    updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<i64>,
}

impl<'a> From<&'a StoredCall> for CallView<'a> {
    fn from(call: &'a StoredCall) -> CallView<'a> {
        CallView {
            id: &call.id,
            status: &call.status,
            created_at: rfc3339(call.created_at.max(0) as u64),
            updated_at: rfc3339(call.updated_at.max(0) as u64),
            duration: call.duration,
        }
    }
}

/// `GET /api/calls/{id}`: the call's status, refreshed from Call Details first when it may
/// have moved on (see [`refresh`]).
pub async fn show(id: &str, app: &App) -> Result<Response, ApiError> {
    let not_found = || ApiError::not_found("no call with this id");
    let id = CallId::parse(id).ok_or_else(not_found)?;
    let db = app.db()?;
    let mut call = store::find_call(&db, &id).await?.ok_or_else(not_found)?;
    let interval = app.config.refresh_interval_ms;
    if refresh(app, &db, &id, &call, Source::Details, interval).await? {
        call = store::find_call(&db, &id).await?.ok_or_else(not_found)?;
    }
    Ok(json(200, &CallView::from(&call))?)
}

/// How long after placing a completed call its duration is still worth asking for.
const DURATION_WINDOW_MS: u64 = 60 * 60 * 1000;
/// A poll waits this long at most for Call Details: a slow Exotel must not stall the page,
/// which shows the stored status meanwhile and polls again.
const REFRESH_TIMEOUT_MS: u32 = 3_000;

/// Asks Call Details where `call` stands, if it is placed, not settled (or completed without a
/// duration yet), in the mode the Worker runs in now, and not refreshed within the configured
/// interval; records what it learned as an observation. Returns whether anything was asked.
///
/// A failed refresh is logged and otherwise ignored: the stored status is still the truth as
/// far as anyone knows, and the next poll tries again.
///
/// Page polls (`Source::Details`, at most once per `STATUS_REFRESH_MS`) and the cron's
/// reconciliation (`Source::Reconcile`) both come here.
pub async fn refresh(
    app: &App,
    db: &D1Database,
    id: &CallId,
    call: &StoredCall,
    source: Source,
    min_interval_ms: u64,
) -> Result<bool, ApiError> {
    let config = &app.config;
    let now = now_ms();
    let age = now.saturating_sub(call.created_at.max(0) as u64);
    let wanted = !is_final(&call.status)
        || (call.status == "completed" && call.duration.is_none() && age < DURATION_WINDOW_MS);
    let (Some(sid), Ok(placement)) = (&call.exotel_sid, config.placement()) else {
        return Ok(false);
    };
    if !wanted || call.outcome != "placed" || call.mode != config.mode.as_str() {
        return Ok(false);
    }
    let Ok(details) = CallDetails::new(sid) else {
        return Ok(false);
    };
    if !store::claim_refresh(db, id, now, min_interval_ms).await? {
        return Ok(false);
    }
    let request = details.details(true).to_request(&placement.account);
    let upstream = app
        .upstream(config.mode)
        .with_timeout_at_most(REFRESH_TIMEOUT_MS);
    let sent = upstream.send(&request, app.ctx.as_ref()).await;
    match classify(sent) {
        ConnectOutcome::Placed(details) if details.sid == *sid => {
            let observation = Observation::from_call(source, &details);
            record_observation(db, id, &observation, now_ms()).await?;
        }
        ConnectOutcome::Placed(_) => console_warn!("call {id}: Call Details named another call"),
        _ => console_warn!("call {id}: Call Details refresh failed"),
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(body: &str) -> &'static str {
        CreateCall::parse(body.as_bytes()).unwrap_err().code()
    }

    #[test]
    fn parses_the_create_body() {
        assert_eq!(
            CreateCall::parse(br#"{"phone": "98765 43210", "extra": 1}"#).unwrap(),
            CreateCall {
                phone: "98765 43210".into(),
                country: None,
                turnstile_token: None,
            }
        );
        assert_eq!(
            CreateCall::parse(br#"{"phone": "+1 415 555 2671", "country": "US"}"#)
                .unwrap()
                .country
                .as_deref(),
            Some("US")
        );
        for bad in [
            "",
            "not json",
            "[]",
            "\"x\"",
            "{}",
            r#"{"phone": 98765}"#,
            r#"{"phone": "1", "country": 91}"#,
        ] {
            assert_eq!(code(bad), "invalid_request", "{bad}");
        }
    }

    #[test]
    fn origin_keeps_scheme_host_and_port() {
        assert_eq!(
            origin("http://127.0.0.1:8787/api/calls"),
            "http://127.0.0.1:8787"
        );
        assert_eq!(
            origin("https://call.example.com/api/calls?x=1"),
            "https://call.example.com"
        );
        assert_eq!(
            origin("https://call.example.com"),
            "https://call.example.com"
        );
    }

    #[test]
    fn line_breaks_in_a_number_are_refused() {
        for bad in [
            "98765\r\n43210",
            "98765\n43210",
            "98765\t43210",
            "9876\u{0}543210",
            "98765\u{2028}43210",
        ] {
            let error = refuse_line_breaks(bad).unwrap_err();
            assert_eq!(error.code(), "invalid_phone", "{bad:?}");
        }
        for good in ["98765 43210", " 98765 43210\r\n", "+91\u{a0}98765 43210"] {
            assert!(refuse_line_breaks(good).is_ok(), "{good:?}");
        }
    }

    /// The inputs kept for the fuzz target `worker_create_body` (tests/fixtures/fuzz/), with its
    /// property (fuzz/src/lib.rs): an accepted number is the core's reading of `phone`, and no
    /// refusal quotes six digits in a row unless the `country` field held them.
    #[test]
    fn kept_fuzz_inputs_still_pass() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fuzz/worker_create_body");
        let six_digits = |text: &str| {
            text.as_bytes()
                .windows(6)
                .any(|w| w.iter().all(u8::is_ascii_digit))
        };
        let mut replayed = 0;
        for entry in std::fs::read_dir(dir).expect("tests/fixtures/fuzz/worker_create_body") {
            let body = std::fs::read(entry.expect("entry").path()).expect("readable");
            let fields: Option<Value> = serde_json::from_slice(&body).ok();
            let field = |name: &str| fields.as_ref().and_then(|f| f.get(name)?.as_str());
            for default_country in Country::ALL {
                match fuzz_create_body(&body, default_country) {
                    Ok(number) => {
                        let country = field("country")
                            .map_or(Ok(default_country), Country::from_iso)
                            .expect("accepted with a known country");
                        let phone = field("phone").expect("accepted with a phone");
                        assert_eq!(PhoneNumber::parse(phone, country), Ok(number));
                    }
                    Err(refusal) => assert!(
                        !six_digits(&refusal) || field("country").is_some_and(six_digits),
                        "{refusal}"
                    ),
                }
            }
            replayed += 1;
        }
        assert!(replayed > 0, "no kept input");
    }

    #[test]
    fn phone_messages_quote_no_digits() {
        let error = PhoneNumber::parse("+91 98765 4321", Country::INDIA).unwrap_err();
        assert!(
            error.to_string().contains("987654321"),
            "the core's own message quotes them"
        );
        let message = phone_message(&error);
        assert!(!message.contains("987654321"), "{message}");
        assert!(message.ends_with("but got 9 digits"), "{message}");
    }
}
