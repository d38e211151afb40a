//! Placing a call: admitting the request against every guard, sending the connect request
//! once, and recording the outcome. `POST /api/calls` comes here, and so does the cron for a
//! call whose time has come ([`place_due`]): both send through [`send`].
//!
//! While the business is closed, or for a time the visitor chose, the call is stored to be
//! placed later (`scheduled`) instead: it counts against the client's and the number's limits
//! when asked for, and against the budgets (and the number's limits again) when placed.
//!
//! The guards, in order (docs/worker.md, "Security and abuse protection"): the origin (in the
//! router); the request itself (`Idempotency-Key` shape, content type, size, body, number,
//! allow-list), whose refusals count in the client network's bucket of refused requests, so
//! junk from a shared address never locks out the real visitors behind it; an
//! `Idempotency-Key` already used (answered as the first request was); the configuration;
//! Turnstile; and, in one D1 batch with storing the call, the call budgets, the number's
//! limits and the client network's limit.
//!
//! A connect request that may have reached Exotel is never sent twice, and once Exotel has
//! accepted a call the visitor gets its id whatever happens to the bookkeeping after it.

use std::time::Duration;

use worker::{D1Database, Delay, Env};

use crate::apart::apart;
use crate::app::App;
use crate::call_request::read_input;
use crate::config::{FlowSetting, Limit, Placement};
use crate::error::{self, ApiError};
use crate::guard::{self, client_network, Hashed};
use crate::hours::{parse_rfc3339, OpeningHours};
use crate::http;
use crate::ids::{callback_token, CallId};
use crate::lead::{self, Lead};
use crate::log::{self, Event};
use crate::notify;
use crate::observation::{Observation, Source};
use crate::status::{Outcome, Status};
use crate::store::calls::{self as calls, Failure, KeyedCall, NewCall, StoredCall};
use crate::store::limits::{self, Admission, CallBuckets, Refusal};
use crate::store::outbox;
use crate::time::now_ms;
use crate::turnstile;
use crate::upstream::answer::{classify, NotPlaced};
use crate::upstream::reason::{self, Reason};
use exotel_connect::{CallStatus, ConnectToFlow, CustomerWhitelist, HttpRequest, PhoneNumber};

/// A request to place a call, as it arrived.
pub struct Incoming {
    /// The client's address (`CF-Connecting-IP`), when the platform gives one.
    pub client: Option<String>,
    /// The `Idempotency-Key` header, as sent.
    pub idempotency_key: Option<String>,
    /// The `Content-Type` header, as sent.
    pub content_type: Option<String>,
    /// The body, or why it could not be read (too large, unreadable).
    pub body: Result<Vec<u8>, ApiError>,
    /// The origin the request came in on, for the callback URL when `PUBLIC_BASE_URL` is unset.
    pub origin: String,
}

/// A call placed or scheduled (or found again by its `Idempotency-Key`).
pub struct Placed {
    /// The public handle.
    pub id: String,
    /// Its status as the page is told it now.
    pub status: String,
    /// When it will be placed, for a scheduled call (RFC 3339 in the business's zone).
    pub scheduled_for: Option<String>,
    /// Whether this request placed it (201), scheduled it (202) or repeated one that did (200).
    pub answer: Answer,
}

/// Which answer a request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 201: placed now.
    Placed,
    /// 202: stored to be placed at its time.
    Scheduled,
    /// 200: a repeated request, answered with the first one's call.
    Repeated,
}

/// How long a repeated request waits for the first one with its `Idempotency-Key`.
const IDEMPOTENCY_WAIT_MS: u64 = 4_000;
/// How often it looks.
const IDEMPOTENCY_POLL_MS: u64 = 200;
/// Tries at recording a placed call before the response; more follow after it.
const RECORD_TRIES_NOW: u32 = 2;
/// Tries after the response (`waitUntil`), a second apart, then three.
const RECORD_RETRY_DELAYS_MS: [u64; 3] = [1_000, 3_000, 5_000];

/// Places the call `incoming` asks for.
pub async fn place(app: &App, incoming: Incoming) -> Result<Placed, ApiError> {
    let db = app.db()?;
    let limits = &app.config.limits;
    let address = incoming.client.as_deref().unwrap_or("unknown");
    let network = client_network(address, limits.ipv6_prefix_bits);

    let checked = match check_request(app, &incoming).await {
        Ok(checked) => checked,
        Err(refusal) => return Err(count_refused(app, &db, &network, refusal).await),
    };
    let CheckedRequest {
        phone,
        turnstile_token,
        idempotency_key,
        when,
        lead,
    } = checked;

    // A repeated request (same Idempotency-Key) is not looked up first: the batch that stores
    // the call refuses its key, and only then is the first request found and its answer given
    // again. So a new request costs no lookup, and a repeat whose own check fails (the
    // Turnstile token its first use spent, a limit reached since) still gets its answer.
    let key = idempotency_key.as_deref();

    // Before Turnstile spends the visitor's token: a call that cannot be placed is refused now.
    let config = &app.config;
    config
        .callback_secret()
        .map_err(|e| ApiError::not_configured(e.to_string()))?;

    if let Some(turnstile) = &config.guards.turnstile {
        let hosts = page_hosts(app, &incoming.origin);
        let expected = turnstile::Expected {
            hosts: &hosts,
            action: turnstile::ACTION,
        };
        let token = turnstile_token.as_deref();
        if !turnstile::verify(turnstile, token, incoming.client.as_deref(), &expected).await {
            if let Some(key) = key {
                if let Some(first) = calls::find_by_idempotency_key(&db, key).await? {
                    return replay(app, &db, key, first, &phone).await;
                }
            }
            log::warn(Event::CallRefused)
                .reason("captcha_failed")
                .emit();
            return Err(count_refused(app, &db, &network, ApiError::captcha_failed()).await);
        }
    }

    let id = CallId::generate()?;
    let base = config
        .public_base_url
        .clone()
        .unwrap_or_else(|| incoming.origin.clone());

    let guards = &config.guards;
    let number_key = guard::keyed_hash(guards, Hashed::Number, phone.as_str()).await?;
    let client_key = guard::keyed_hash(guards, Hashed::Client, &network).await?;
    // A call asked for later counts in the budget when it is placed, not now.
    let budgets = match when {
        When::Now => vec![config.budgets.per_hour, config.budgets.per_day],
        When::Later(_) => Vec::new(),
    };
    let buckets = CallBuckets::new(
        budgets,
        (&number_key, vec![limits.per_number, limits.per_number_day]),
        (&client_key, vec![limits.per_client]),
    );
    let context = lead.context_json();
    let masked = guard::mask_phone(phone.as_str());
    let call = NewCall {
        id: &id,
        mode: config.mode.as_str(),
        phone: phone.as_str(),
        phone_masked: &masked,
        idempotency_key: idempotency_key.as_deref(),
        scheduled_for: match when {
            When::Now => None,
            When::Later(at) => Some(at),
        },
        callback_base: &base,
        lead_name: lead.name.as_deref(),
        lead: context.as_deref(),
    };
    let targets = app.targets();
    let admission = limits::admit_call(&db, &call, &buckets, now_ms(), &targets).await?;
    if let (Admission::Refused { .. } | Admission::KeyTaken, Some(key)) = (&admission, key) {
        if let Some(first) = calls::find_by_idempotency_key(&db, key).await? {
            return replay(app, &db, key, first, &phone).await;
        }
    }
    match admission {
        Admission::Admitted => {}
        Admission::Refused {
            by: Refusal::Budget,
            retry_after,
        } => {
            log::warn(Event::CallsPaused)
                .retry_after_s(retry_after)
                .emit();
            paused(app, &db, retry_after).await;
            return Err(ApiError::calls_paused(retry_after));
        }
        Admission::Refused { by, retry_after } => {
            let limit = match by {
                Refusal::Budget => "budget",
                Refusal::Number => "number",
                Refusal::Client => "client",
            };
            log::warn(Event::CallRefused)
                .reason("rate_limited")
                .text("limit", limit)
                .retry_after_s(retry_after)
                .emit();
            return Err(ApiError::rate_limited(retry_after));
        }
        // The key's call was there when the batch ran and is not now (retention deleted it
        // between the two): the client may ask again.
        Admission::KeyTaken => return Err(ApiError::request_in_progress(1)),
    }

    // Its events go out once the visitor's request is done with (the cron sends them too).
    if let When::Later(at) = when {
        notify::deliver_soon(app);
        log::info(Event::CallScheduled)
            .call(&id)
            .text("mode", config.mode.as_str())
            .emit();
        return Ok(Placed {
            id: id.as_str().to_owned(),
            status: "scheduled".to_owned(),
            scheduled_for: scheduled_text(app, at),
            answer: Answer::Scheduled,
        });
    }
    let sent = send(app, &db, &id, 1, &phone, &base, lead.name.as_deref()).await;
    notify::deliver_soon(app);
    let status = sent?;
    Ok(Placed {
        id: id.as_str().to_owned(),
        status,
        scheduled_for: None,
        answer: Answer::Placed,
    })
}

/// Places a call whose time has come (the cron), through the same [`send`] as a call placed at
/// once, after claiming it and counting it against the budgets and the number's limits in one
/// batch. A call another run claimed is left to it; calls paused by a budget, or due while
/// closed, wait for the next chance; the number's limit refuses it for good.
pub async fn place_due(
    app: &App,
    db: &D1Database,
    call: &StoredCall,
    now: i64,
) -> Result<(), ApiError> {
    let config = &app.config;
    let id = CallId::parse(&call.id).ok_or_else(|| ApiError::not_found("no such call"))?;
    if let Ok(hours) = &config.hours {
        if !hours.always_open() && hours.open_at(now).is_none() {
            if let Some(next) = hours.next_open(now, 366) {
                calls::reschedule(db, &call.id, next as u64, now_ms()).await?;
                log::info(Event::CallRescheduled)
                    .call(&id)
                    .reason("closed")
                    .emit();
            }
            return Ok(());
        }
    }
    let phone = PhoneNumber::parse(&call.phone, config.default_country)
        .map_err(|_| ApiError::not_found("no such call"))?;
    let number_key = guard::keyed_hash(&config.guards, Hashed::Number, phone.as_str()).await?;
    let buckets = CallBuckets::new(
        vec![config.budgets.per_hour, config.budgets.per_day],
        (
            &number_key,
            vec![config.limits.per_number, config.limits.per_number_day],
        ),
        ("", Vec::new()),
    );
    match limits::admit_due(db, &call.id, &buckets, now_ms()).await? {
        Admission::Admitted => {}
        Admission::KeyTaken => return Ok(()),
        Admission::Refused {
            by: Refusal::Budget,
            retry_after,
        } => {
            log::warn(Event::CallsPaused)
                .call(&id)
                .retry_after_s(retry_after)
                .emit();
            paused(app, db, retry_after).await;
            let later = now + i64::from(retry_after) * 1000;
            let at = match &config.hours {
                Ok(hours) => hours.next_open(later, 366).unwrap_or(later),
                Err(_) => later,
            };
            calls::reschedule(db, &call.id, at as u64, now_ms()).await?;
            return Ok(());
        }
        Admission::Refused { .. } => {
            log::warn(Event::CallNotPlaced)
                .call(&id)
                .reason(Outcome::Limited.as_str())
                .emit();
            calls::mark_limited(db, &call.id, now_ms(), &app.targets()).await?;
            return Ok(());
        }
    }
    let base = call
        .callback_base
        .clone()
        .or_else(|| config.public_base_url.clone())
        .unwrap_or_default();
    let name = call.lead_name.as_deref();
    // The outcome is recorded and logged; the cron has no visitor to tell.
    let _ = send(app, db, &id, call.attempt, &phone, &base, name).await;
    Ok(())
}

/// Sends the connect request for call `id` (stored, counted and claimed; its `attempt`, from 1),
/// once, and records and logs what Exotel answered; the status the page is told, or the error
/// for the visitor. `name`, the visitor's, goes with the call's id in `CustomField`, so the
/// flow or the CRM can greet them.
async fn send(
    app: &App,
    db: &D1Database,
    id: &CallId,
    attempt: u32,
    phone: &PhoneNumber,
    base: &str,
    name: Option<&str>,
) -> Result<String, ApiError> {
    let config = &app.config;
    let placement = config
        .placement()
        .map_err(|e| ApiError::not_configured(e.to_string()))?;
    let secret = config
        .callback_secret()
        .map_err(|e| ApiError::not_configured(e.to_string()))?;
    let callback_url = format!("{base}/exotel/status/{}", callback_token(secret, id).await?);
    let custom_field = lead::custom_field(id.as_str(), name);
    let request = connect_request(placement, phone, &callback_url, &custom_field)?;
    // Sent once: a connect request that may have reached Exotel is never retried.
    let started = now_ms();
    let sent = app
        .upstream(config.mode)
        .send(&request, app.ctx.as_ref())
        .await;
    let ms = now_ms().saturating_sub(started);
    let call = match classify(sent) {
        Ok(call) => call,
        Err(why) => {
            let not_placed = NotPlacedCall {
                id,
                attempt,
                phone,
                placement,
                ms,
            };
            return apart(not_placed.record(app, db, why)).await;
        }
    };
    let observation = Observation::from_call(Source::Connect, &call);
    let status = observation.status.shown_after_placing().to_owned();
    record_placed(app, db, id, &call.sid, &observation).await;
    log::info(Event::CallPlaced)
        .call(id)
        .status(&status)
        .text("mode", config.mode.as_str())
        .number("attempt", attempt.into())
        .ms(ms)
        .emit();
    Ok(status)
}

/// A connect request that placed no call, as far as is known.
struct NotPlacedCall<'a> {
    id: &'a CallId,
    attempt: u32,
    phone: &'a PhoneNumber,
    placement: &'a Placement,
    /// How long Exotel took to answer (or not).
    ms: u64,
}

impl NotPlacedCall<'_> {
    /// Logs and stores why the call was not placed (asking Exotel to whitelist a number on the
    /// DND list, where the business allows it); the error for the visitor.
    async fn record(self, app: &App, db: &D1Database, why: NotPlaced) -> Result<String, ApiError> {
        let id = self.id;
        let log = |outcome: Outcome| {
            log::warn(Event::CallNotPlaced)
                .call(id)
                .reason(outcome.as_str())
                .number("attempt", self.attempt.into())
                .ms(self.ms)
        };
        match why {
            NotPlaced::Rejected {
                http_status,
                reason,
                detail,
            } => {
                log(Outcome::Rejected)
                    .number("http_status", http_status.into())
                    .text("refusal", reason.map_or("unknown", Reason::as_str))
                    .emit();
                let whitelist = match reason {
                    Some(Reason::Dnd) => {
                        request_whitelist(app, db, id, self.placement, self.phone).await
                    }
                    _ => None,
                };
                let failure = Failure {
                    outcome: Outcome::Rejected,
                    kind: "rejected",
                    upstream_status: Some(http_status),
                    retry_after: None,
                    detail: &detail,
                    reason: reason.map(Reason::as_str),
                    whitelist,
                };
                let failed = Status::Ended(CallStatus::Failed);
                calls::mark_not_placed(db, id, &failed, &failure, now_ms(), &app.targets()).await?;
                let requested = whitelist == Some(WHITELIST_REQUESTED);
                Err(rejected(
                    Some(self.placement),
                    http_status,
                    reason,
                    requested,
                ))
            }
            NotPlaced::Busy { retry_after } => {
                log(Outcome::Busy).retry_after_s(retry_after).emit();
                let detail = format!("HTTP 429, retry after {retry_after} s");
                let failure = Failure {
                    outcome: Outcome::Busy,
                    kind: "busy_429",
                    upstream_status: Some(429),
                    retry_after: Some(retry_after),
                    detail: &detail,
                    reason: None,
                    whitelist: None,
                };
                let failed = Status::Ended(CallStatus::Failed);
                calls::mark_not_placed(db, id, &failed, &failure, now_ms(), &app.targets()).await?;
                Err(ApiError::upstream_busy(retry_after))
            }
            NotPlaced::Unavailable { kind, detail } => {
                // The detail goes to the store only: it can quote what Exotel sent.
                log(Outcome::Unavailable).text("kind", kind).emit();
                // The request may have reached Exotel and placed the call: the outcome is
                // `unknown`, which a status callback bearing this call's token can still settle.
                let failure = Failure {
                    outcome: Outcome::Unavailable,
                    kind,
                    upstream_status: None,
                    retry_after: None,
                    detail: &detail,
                    reason: None,
                    whitelist: None,
                };
                let unknown = Status::Unknown;
                calls::mark_not_placed(db, id, &unknown, &failure, now_ms(), &app.targets())
                    .await?;
                Err(ApiError::upstream_unavailable())
            }
        }
    }
}

/// What the request asks for, once every check that needs no call has passed.
struct CheckedRequest {
    phone: PhoneNumber,
    turnstile_token: Option<String>,
    /// Hashed and scoped to the client's address.
    idempotency_key: Option<String>,
    when: When,
    lead: Lead,
}

/// When a call is to be placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    /// At once.
    Now,
    /// At this instant (Unix ms): the next opening, or the visitor's choice.
    Later(u64),
}

/// When to place the call: at the time the visitor chose (which must keep the rules), at once
/// while open, else at the next opening.
fn when(hours: &OpeningHours, at: Option<&str>, now: i64) -> Result<When, ApiError> {
    if let Some(at) = at {
        let chosen = parse_rfc3339(at).ok_or_else(|| {
            ApiError::invalid_schedule(
                "expected `at` to be a time with its offset like 2026-12-03T10:30:00+05:30",
            )
        })?;
        hours
            .check_choice(chosen, now)
            .map_err(ApiError::invalid_schedule)?;
        return Ok(When::Later(chosen as u64));
    }
    if hours.always_open() || hours.open_at(now).is_some() {
        return Ok(When::Now);
    }
    match hours.next_open(now, 366) {
        Some(next) => Ok(When::Later(next as u64)),
        None => Err(ApiError::not_configured(
            "this service is not configured to place calls: BUSINESS_HOURS and HOLIDAYS leave no opening in the next year",
        )),
    }
}

/// `scheduledFor` as the page is told it.
fn scheduled_text(app: &App, at: u64) -> Option<String> {
    app.config.hours.as_ref().ok().map(|h| h.rfc3339(at as i64))
}

/// The checks that need neither the database nor Exotel, in the order a refusal is reported.
async fn check_request(app: &App, incoming: &Incoming) -> Result<CheckedRequest, ApiError> {
    let config = &app.config;
    let address = incoming.client.as_deref().unwrap_or("unknown");
    let idempotency_key = match &incoming.idempotency_key {
        Some(key) if guard::valid_idempotency_key(key) => Some(
            guard::keyed_hash(
                &config.guards,
                Hashed::IdempotencyKey,
                &format!("{address}\n{key}"),
            )
            .await?,
        ),
        Some(_) => {
            return Err(ApiError::invalid_request(
                "expected an Idempotency-Key of 1 to 200 visible ASCII characters",
            ))
        }
        None => None,
    };
    if !guard::is_json(incoming.content_type.as_deref()) {
        return Err(ApiError::unsupported_media_type());
    }
    let body = match &incoming.body {
        Ok(body) => body,
        Err(error) => return Err(error.clone()),
    };
    let (input, phone) = read_input(body, config.default_country)?;
    // Before the allow-list: a bad ALLOWED_PREFIXES allows nothing, and the operator must hear
    // that it is the setting, not the number.
    config
        .placement()
        .map_err(|e| ApiError::not_configured(e.to_string()))?;
    if !config.guards.allowed_prefixes.allow(&phone) {
        log::warn(Event::CallRefused)
            .reason("destination_not_allowed")
            .emit();
        return Err(ApiError::destination_not_allowed());
    }
    let hours = config
        .hours
        .as_ref()
        .map_err(|problem| ApiError::not_configured(problem.clone()))?;
    let when = when(hours, input.at.as_deref(), now_ms() as i64)?;
    Ok(CheckedRequest {
        phone,
        turnstile_token: input.turnstile_token,
        idempotency_key,
        when,
        lead: input.lead,
    })
}

/// Tells the operator calls are paused (at most once an hour: the outbox's id). A failure
/// here must not change the visitor's answer.
async fn paused(app: &App, db: &D1Database, retry_after: u32) {
    match outbox::enqueue_paused(db, &app.targets(), retry_after, now_ms()).await {
        Ok(()) => notify::deliver_soon(app),
        Err(e) => log::error(Event::NotifyQueueFailed).message(e).emit(),
    }
}

/// Counts a refused request in its client network's bucket of refusals, and answers with the
/// refusal, or with `429` once that bucket is full.
async fn count_refused(app: &App, db: &D1Database, network: &str, refusal: ApiError) -> ApiError {
    let limit = app.config.limits.refused_per_client;
    let bucket = match guard::keyed_hash(&app.config.guards, Hashed::Refused, network).await {
        Ok(bucket) => bucket,
        Err(e) => return ApiError::from(e),
    };
    match limits::count(db, &bucket, limit, now_ms()).await {
        Ok(None) => refusal,
        Ok(Some(retry_after)) => {
            log::warn(Event::CallRefused)
                .reason("rate_limited")
                .text("limit", "refused")
                .retry_after_s(retry_after)
                .emit();
            ApiError::rate_limited(retry_after)
        }
        Err(e) => ApiError::from(e),
    }
}

/// The hosts a Turnstile token may have been solved on: this Worker's own, and the sites the
/// widget is allowed on.
fn page_hosts(app: &App, origin: &str) -> Vec<String> {
    let config = &app.config;
    let mut hosts = vec![http::host(origin).to_owned()];
    hosts.extend(
        config
            .public_base_url
            .as_deref()
            .map(|u| http::host(u).to_owned()),
    );
    hosts.extend(
        config
            .guards
            .allowed_origins
            .iter()
            .map(|o| http::host(o).to_owned()),
    );
    hosts
}

/// Records that Exotel accepted the call. Exotel has placed it, so nothing here can fail the
/// request: a failed write is tried again, then again after the response (`waitUntil`); if
/// none lands, the status callback (which carries the call's token) or the cron settles it.
async fn record_placed(
    app: &App,
    db: &D1Database,
    id: &CallId,
    sid: &str,
    observation: &Observation,
) {
    for _ in 0..RECORD_TRIES_NOW {
        match calls::record_placed(db, id, sid, observation, now_ms()).await {
            Ok(_) => return,
            Err(e) => log::error(Event::CallRecordFailed)
                .call(id)
                .message(e)
                .emit(),
        }
    }
    let Some(ctx) = app.ctx.as_ref() else {
        return;
    };
    let (env, id, sid, observation) = (
        app.env.clone(),
        id.clone(),
        sid.to_owned(),
        observation.clone(),
    );
    ctx.wait_until(async move { record_later(env, id, sid, observation).await });
}

async fn record_later(env: Env, id: CallId, sid: String, observation: Observation) {
    for delay_ms in RECORD_RETRY_DELAYS_MS {
        Delay::from(Duration::from_millis(delay_ms)).await;
        let Ok(db) = crate::store::database(&env) else {
            continue;
        };
        if calls::record_placed(&db, &id, &sid, &observation, now_ms())
            .await
            .is_ok()
        {
            log::info(Event::CallRecordedLate).call(&id).emit();
            return;
        }
    }
    // Its callback or the cron will settle it.
    log::error(Event::CallNotRecorded).call(&id).emit();
}

/// The answer to a request whose `Idempotency-Key` (hashed as `key`) names `first`: the same
/// call (200), or the same error, once the first request has finished; if it has not within
/// a few seconds, `409 request_in_progress`. A key used for another number is refused (422).
async fn replay(
    app: &App,
    db: &D1Database,
    key: &str,
    mut first: KeyedCall,
    phone: &PhoneNumber,
) -> Result<Placed, ApiError> {
    if first.phone != phone.as_str() {
        return Err(ApiError::idempotency_key_reused());
    }
    let deadline = now_ms() + IDEMPOTENCY_WAIT_MS;
    while first.outcome == Outcome::Placing && !first.status.is_final() {
        if now_ms() >= deadline {
            return Err(ApiError::request_in_progress(2));
        }
        Delay::from(Duration::from_millis(IDEMPOTENCY_POLL_MS)).await;
        first = match calls::find_by_idempotency_key(db, key).await? {
            Some(call) => call,
            None => return Err(ApiError::request_in_progress(1)),
        };
    }
    log::info(Event::CallReplayed).call(&first.id).emit();
    match first.outcome {
        Outcome::Rejected => Err(rejected(
            app.config.placement().ok(),
            first.upstream_status.unwrap_or(0),
            first.reason.as_deref().and_then(Reason::parse),
            first.whitelist.as_deref() == Some(WHITELIST_REQUESTED),
        )),
        Outcome::Busy => Err(ApiError::upstream_busy(first.retry_after.unwrap_or(60))),
        Outcome::Unavailable => Err(ApiError::upstream_unavailable()),
        Outcome::Scheduled | Outcome::Canceled | Outcome::Limited => Ok(Placed {
            status: first.status.as_str().to_owned(),
            scheduled_for: first
                .scheduled_for
                .and_then(|at| scheduled_text(app, at.max(0) as u64)),
            id: first.id,
            answer: Answer::Repeated,
        }),
        Outcome::Placed | Outcome::Placing => Ok(Placed {
            status: first.status.shown_after_placing().to_owned(),
            scheduled_for: None,
            id: first.id,
            answer: Answer::Repeated,
        }),
    }
}

/// The visitor's error for a refusal: the reason's words (or the status's, when Exotel's
/// answer did not say why) and, for a number on the DND registry, the way through.
fn rejected(
    placement: Option<&Placement>,
    http_status: u16,
    reason: Option<Reason>,
    whitelist_requested: bool,
) -> ApiError {
    let message = reason.map_or_else(|| reason::message_for_status(http_status), Reason::message);
    let refusal = reason.map(|reason| {
        let dnd = reason == Reason::Dnd;
        error::Refusal {
            reason: reason.as_str(),
            missed_call_number: placement
                .filter(|_| dnd)
                .and_then(|p| p.dnd.missed_call_number.clone()),
            whitelist: (dnd && whitelist_requested).then_some(WHITELIST_REQUESTED),
        }
    });
    ApiError::exotel_rejected(message, refusal)
}

/// Exotel accepted the request to whitelist the number: its opt-in SMS is on its way.
const WHITELIST_REQUESTED: &str = "requested";
/// Exotel did not accept it (or did not answer).
const WHITELIST_FAILED: &str = "failed";
/// One whitelist request per number a day: each one texts the visitor, and the call budgets
/// already bound how many refused calls (and so requests) there can be.
const WHITELIST_LIMIT: Limit = Limit {
    max: 1,
    window_s: 86_400,
};

/// With `DND_WHITELIST_API=on`, asks Exotel to whitelist a number it refused for DND, with the
/// ExoPhone that texts the visitor the opt-in. A number asked for in the last day is not asked
/// for again (`requested`: the SMS is already on its way). `None` when the API is off.
async fn request_whitelist(
    app: &App,
    db: &D1Database,
    id: &CallId,
    placement: &Placement,
    phone: &PhoneNumber,
) -> Option<&'static str> {
    if !placement.dnd.whitelist_api {
        return None;
    }
    let outcome: Result<(&str, u16), String> = async {
        let key = guard::keyed_hash(&app.config.guards, Hashed::Whitelist, phone.as_str())
            .await
            .map_err(|e| e.to_string())?;
        if limits::full(db, &key, WHITELIST_LIMIT, now_ms())
            .await
            .map_err(|e| e.to_string())?
            .is_some()
        {
            return Ok(("asked_today", 0));
        }
        // The numbers were checked when the call was asked for and the config read.
        let request = CustomerWhitelist::new(&placement.caller_id, [phone.as_str()])
            // Not the problem's words: they can quote the number.
            .map_err(|e| format!("the core refused {}", e.field()))?
            .to_request(&placement.account);
        let answer = app
            .upstream(app.config.mode)
            .send(&request, None)
            .await
            .map_err(|_| "no answer from the Customer Whitelist API".to_owned())?;
        if !(200..300).contains(&answer.status) {
            return Ok(("refused", answer.status));
        }
        limits::count(db, &key, WHITELIST_LIMIT, now_ms())
            .await
            .map_err(|e| e.to_string())?;
        Ok(("sent", answer.status))
    }
    .await;
    match outcome {
        Ok((state @ ("sent" | "asked_today"), http_status)) => {
            log::info(Event::WhitelistRequested)
                .call(id)
                .text("state", state)
                .number("http_status", http_status.into())
                .emit();
            Some(WHITELIST_REQUESTED)
        }
        Ok((_, http_status)) => {
            log::warn(Event::WhitelistFailed)
                .call(id)
                .number("http_status", http_status.into())
                .emit();
            Some(WHITELIST_FAILED)
        }
        Err(message) => {
            log::warn(Event::WhitelistFailed)
                .call(id)
                .message(message)
                .emit();
            Some(WHITELIST_FAILED)
        }
    }
}

/// The connect-to-flow request. A field the core refuses can only come from configuration
/// (the number is already normalized), so its error names the setting to fix.
fn connect_request(
    placement: &Placement,
    phone: &PhoneNumber,
    callback_url: &str,
    custom_field: &str,
) -> Result<HttpRequest, ApiError> {
    let mut builder = ConnectToFlow::builder()
        .from(phone.as_str())
        .caller_id(placement.caller_id.as_str())
        .status_callback(callback_url)
        .custom_field(custom_field);
    builder = match &placement.flow {
        FlowSetting::AppId(id) => builder.app_id(id.as_str()),
        FlowSetting::Url(url) => builder.flow_url(url.as_str()),
    };
    if let Some(seconds) = placement.time_limit {
        builder = builder.time_limit(seconds.into());
    }
    if let Some(seconds) = placement.time_out {
        builder = builder.time_out(seconds.into());
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
