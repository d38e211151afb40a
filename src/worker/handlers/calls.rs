//! `POST /api/calls` (place a call) and `GET /api/calls/{id}` (where it stands).

use serde::Serialize;
use serde_json::Value;
use worker::{console_log, console_warn, D1Database, Request, Response};

use crate::worker::app::App;
use crate::worker::config::{FlowSetting, Placement};
use crate::worker::error::{json, ApiError};
use crate::worker::ids::{callback_token, CallId};
use crate::worker::observe::{
    is_final, rank, record_observation, Observation, Source, QUEUED_RANK,
};
use crate::worker::store::{self, NewCall, StoredCall};
use crate::worker::time::{now_ms, rfc3339};
use crate::worker::upstream::{classify, rejection_message, ConnectOutcome};
use crate::{CallDetails, ConnectToFlow, Country, HttpRequest, PhoneError, PhoneNumber};

/// The body of `POST /api/calls`; unknown fields are ignored.
#[derive(Debug, PartialEq, Eq)]
struct CreateCall {
    phone: String,
    country: Option<String>,
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
        Ok(CreateCall { phone, country })
    }
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

#[derive(Serialize)]
struct Created<'a> {
    id: &'a str,
    status: &'a str,
}

/// `POST /api/calls`: normalizes the number, places the call with Exotel (or the simulator),
/// stores it, and answers `201 {"id", "status"}`.
pub async fn create(mut req: Request, app: &App) -> Result<Response, ApiError> {
    let body = req
        .bytes()
        .await
        .map_err(|_| ApiError::invalid_request("could not read the request body"))?;
    let input = CreateCall::parse(&body)?;
    let country = match &input.country {
        Some(code) => Country::from_iso(code)
            .map_err(|e| ApiError::invalid_request(format!("country: {e}")))?,
        None => app.config.default_country,
    };
    let phone = PhoneNumber::parse(&input.phone, country)
        .map_err(|e| ApiError::invalid_phone(phone_message(&e)))?;

    let config = &app.config;
    let placement = config
        .placement()
        .map_err(|e| ApiError::not_configured(e.to_string()))?;
    let secret = config
        .callback_secret()
        .map_err(|e| ApiError::not_configured(e.to_string()))?;
    let id = CallId::generate()?;
    let callback_url = format!(
        "{}/exotel/status/{}",
        public_base_url(app, &req),
        callback_token(secret, &id).await?
    );
    let request = connect_request(placement, &phone, &callback_url)?;

    let db = app.db()?;
    let client_ip = req.headers().get("CF-Connecting-IP")?;
    let call = NewCall {
        id: &id,
        mode: config.mode.as_str(),
        phone: phone.as_str(),
        client_ip: client_ip.as_deref(),
    };
    store::insert_call(&db, &call, now_ms()).await?;

    let sent = app.upstream(config.mode).send(&request, &app.ctx).await;
    match classify(sent) {
        ConnectOutcome::Placed(call) => {
            store::mark_placed(&db, &id, &call.sid, now_ms()).await?;
            let observation = Observation::from_call(Source::Connect, &call);
            record_observation(&db, &id, &observation, now_ms()).await?;
            let status = if rank(&observation.status) > QUEUED_RANK {
                observation.status.as_str()
            } else {
                "queued"
            };
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
            store::mark_not_placed(&db, &id, "failed", "exotel_rejected", &detail, now_ms())
                .await?;
            Err(ApiError::exotel_rejected(rejection_message(http_status)))
        }
        ConnectOutcome::Busy { retry_after } => {
            console_warn!("call {id}: Exotel is rate-limiting (retry after {retry_after} s)");
            let detail = format!("HTTP 429, retry after {retry_after} s");
            store::mark_not_placed(&db, &id, "failed", "upstream_busy", &detail, now_ms()).await?;
            Err(ApiError::upstream_busy(retry_after))
        }
        ConnectOutcome::Unavailable { detail } => {
            // The detail goes to the store only: it can quote what Exotel sent.
            console_warn!("call {id}: Exotel unavailable");
            // The request may have reached Exotel and placed the call: the outcome is
            // `unknown`, which a status callback bearing this call's token can still settle.
            store::mark_not_placed(
                &db,
                &id,
                "unknown",
                "upstream_unavailable",
                &detail,
                now_ms(),
            )
            .await?;
            Err(ApiError::upstream_unavailable())
        }
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
fn origin(url: &str) -> String {
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
    if refresh(app, &db, &id, &call).await? {
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
async fn refresh(
    app: &App,
    db: &D1Database,
    id: &CallId,
    call: &StoredCall,
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
    if !store::claim_refresh(db, id, now, config.refresh_interval_ms).await? {
        return Ok(false);
    }
    let request = details.details(true).to_request(&placement.account);
    let upstream = app
        .upstream(config.mode)
        .with_timeout_at_most(REFRESH_TIMEOUT_MS);
    let sent = upstream.send(&request, &app.ctx).await;
    match classify(sent) {
        ConnectOutcome::Placed(details) if details.sid == *sid => {
            let observation = Observation::from_call(Source::Details, &details);
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
                country: None
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
