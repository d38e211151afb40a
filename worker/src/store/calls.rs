//! Calls and their event log (`calls`, `call_events`).

use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::d1::{self, FromRow, Row, Run};
use super::{number, optional_number, optional_text, text};
use crate::events::{CallEvent, Targets};
use crate::ids::CallId;
use crate::json::Object;
use crate::observation::Observation;
use crate::status::{Outcome, Status, QUEUED_RANK, UNKNOWN_RANK};

/// Unix ms as D1 gives it back, for columns that may be NULL.
type Millis = Option<i64>;

/// A call as stored.
#[derive(Debug, Clone)]
pub struct StoredCall {
    /// The public handle.
    pub id: String,
    /// `live` or `sandbox`.
    pub mode: String,
    /// Exotel's Sid once the call was placed.
    pub exotel_sid: Option<String>,
    /// Current status.
    pub status: Status,
    /// How placing it went.
    pub outcome: Outcome,
    /// Seconds, once known.
    pub duration: Option<i64>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
    /// Unix ms of the last Call Details refresh (or the cron's last look).
    pub refreshed_at: Millis,
    /// 1 for the first try, 2 for the second...
    pub attempt: u32,
    /// When a scheduled call is due.
    pub scheduled_for: Millis,
    /// When its connect request was sent.
    pub placed_at: Millis,
    /// E.164 (for second tries; never shown).
    pub phone: String,
    /// Where its callback goes (for calls placed later).
    pub callback_base: Option<String>,
    /// The name the visitor gave (for the connect request's `CustomField`).
    pub lead_name: Option<String>,
}

impl FromRow for StoredCall {
    fn from_row(row: &Row) -> worker::Result<Self> {
        Ok(StoredCall {
            id: row.text("id")?,
            mode: row.text("mode")?,
            exotel_sid: row.optional_text("exotel_sid")?,
            status: row.text("status")?.into(),
            outcome: row.text("outcome")?.into(),
            duration: row.optional_number("duration")?,
            created_at: row.number("created_at")?,
            updated_at: row.number("updated_at")?,
            refreshed_at: row.optional_number("refreshed_at")?,
            attempt: row.number("attempt")?,
            scheduled_for: row.optional_number("scheduled_for")?,
            placed_at: row.optional_number("placed_at")?,
            phone: row.text("phone")?,
            callback_base: row.optional_text("callback_base")?,
            lead_name: row.optional_text("lead_name")?,
        })
    }
}

/// The columns a [`StoredCall`] is read from, spliced into each query's text at compile time
/// (`concat!`), so a poll's statement is a constant rather than formatted on every request.
macro_rules! select_calls {
    ($rest:literal) => {
        concat!(
            "SELECT id, mode, exotel_sid, status, outcome, duration, created_at, updated_at,
             refreshed_at, attempt, scheduled_for, placed_at, phone, callback_base, lead_name
             FROM calls ",
            $rest
        )
    };
}

/// What a new call row holds.
pub struct NewCall<'a> {
    /// The public handle.
    pub id: &'a CallId,
    /// `live` or `sandbox`.
    pub mode: &'a str,
    /// E.164.
    pub phone: &'a str,
    /// The number as it may be shown (`+91******3210`).
    pub phone_masked: &'a str,
    /// The hashed, client-scoped `Idempotency-Key`, when one was sent.
    pub idempotency_key: Option<&'a str>,
    /// When it is due, for a call placed later; `None`: now.
    pub scheduled_for: Option<u64>,
    /// Where its callback goes.
    pub callback_base: &'a str,
    /// The name the visitor gave.
    pub lead_name: Option<&'a str>,
    /// The rest of the lead context, JSON ([`crate::lead::Lead::context_json`]).
    pub lead: Option<&'a str>,
}

/// The statement that stores a new request's first attempt, if the statement before it in its
/// batch changed something (the rate limits counted it): about to be placed (`queued`, outcome
/// `placing`), or, with `scheduled_for`, waiting for its time (`scheduled`).
pub(super) fn insert_if_counted(
    db: &D1Database,
    call: &NewCall<'_>,
    now_ms: u64,
) -> worker::Result<D1PreparedStatement> {
    let (status, outcome) = match call.scheduled_for {
        Some(_) => (Status::Scheduled, Outcome::Scheduled),
        None => (Status::Queued, Outcome::Placing),
    };
    db.prepare(
        "INSERT INTO calls (id, request_id, attempt, mode, phone, status, status_rank, outcome,
                            idempotency_key, scheduled_for, placed_at, callback_base,
                            created_at, updated_at, lead_name, lead, phone_masked)
         SELECT ?1, ?1, 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?13, ?14
         WHERE changes() > 0",
    )
    .bind(&[
        text(call.id.as_str()),
        text(call.mode),
        text(call.phone),
        text(status.as_str()),
        number(status.rank() as u64),
        text(outcome.as_str()),
        optional_text(call.idempotency_key),
        optional_number(call.scheduled_for),
        optional_number(call.scheduled_for.is_none().then_some(now_ms)),
        text(call.callback_base),
        number(now_ms),
        optional_text(call.lead_name),
        optional_text(call.lead),
        text(call.phone_masked),
    ])
}

/// The statement that claims a due call for placing (`queued`, `placing`), if the statement
/// before it in its batch counted it: only a call still `scheduled`, so two cron runs never
/// both claim it.
pub(super) fn claim_due_if_counted(
    db: &D1Database,
    id: &str,
    now_ms: u64,
) -> worker::Result<D1PreparedStatement> {
    db.prepare(
        "UPDATE calls SET status = 'queued', status_rank = ?2, outcome = 'placing',
                          placed_at = ?3, updated_at = ?3
         WHERE id = ?1 AND outcome = 'scheduled' AND changes() > 0",
    )
    .bind(&[text(id), number(QUEUED_RANK as u64), number(now_ms)])
}

/// The latest attempt of the visitor's request `request_id`.
pub async fn find_request(db: &D1Database, request_id: &str) -> worker::Result<Option<StoredCall>> {
    db.prepare(select_calls!(
        "WHERE request_id = ?1 ORDER BY attempt DESC LIMIT 1"
    ))
    .bind(&[text(request_id)])?
    .first_row::<StoredCall>()
    .await
}

/// Scheduled calls due at `now_ms`, the earliest first, at most `limit`.
pub async fn due_calls(
    db: &D1Database,
    now_ms: u64,
    limit: u32,
) -> worker::Result<Vec<StoredCall>> {
    db.prepare(select_calls!(
        "WHERE status = 'scheduled' AND outcome = 'scheduled' AND scheduled_for <= ?1
         ORDER BY scheduled_for LIMIT ?2"
    ))
    .bind(&[number(now_ms), number(u64::from(limit))])?
    .rows::<StoredCall>()
    .await
}

/// Moves a scheduled call to `at_ms` (calls are paused, or it is closed now).
pub async fn reschedule(db: &D1Database, id: &str, at_ms: u64, now_ms: u64) -> worker::Result<()> {
    db.prepare(
        "UPDATE calls SET scheduled_for = ?2, updated_at = ?3
         WHERE id = ?1 AND outcome = 'scheduled'",
    )
    .bind(&[text(id), number(at_ms), number(now_ms)])?
    .execute()
    .await?;
    Ok(())
}

/// A due call the number's limit refused: it ends `failed`, not placed, and says why.
pub async fn mark_limited(
    db: &D1Database,
    id: &str,
    now_ms: u64,
    targets: &Targets,
) -> worker::Result<()> {
    let failed = Status::Ended(exotel_connect::CallStatus::Failed);
    let mut statements = vec![
        db.prepare(
            "UPDATE calls SET status = ?2, status_rank = ?3, outcome = 'rate_limited',
                              failure = 'number_limit', updated_at = ?4
             WHERE id = ?1 AND outcome = 'scheduled'",
        )
        .bind(&[
            text(id),
            text(failed.as_str()),
            number(failed.rank() as u64),
            number(now_ms),
        ])?,
        log_event(
            db,
            id,
            "schedule",
            failed.as_str(),
            r#"{"error":"rate_limited"}"#,
            now_ms,
        )?,
    ];
    statements.extend(super::outbox::enqueue(
        db,
        targets,
        CallEvent::NotPlaced,
        id,
        now_ms,
    )?);
    d1::batch(db, statements).await?;
    Ok(())
}

/// Cancels the visitor's request if its latest attempt is still waiting for its time.
/// Returns whether it was canceled.
pub async fn cancel(db: &D1Database, request_id: &str, now_ms: u64) -> worker::Result<bool> {
    let canceled = Status::Ended(exotel_connect::CallStatus::Canceled);
    let results = d1::batch(
        db,
        vec![
            db.prepare(
                "UPDATE calls SET status = ?2, status_rank = ?3, outcome = 'canceled',
                                  updated_at = ?4
                 WHERE request_id = ?1 AND status = 'scheduled' AND outcome = 'scheduled'",
            )
            .bind(&[
                text(request_id),
                text(canceled.as_str()),
                number(canceled.rank() as u64),
                number(now_ms),
            ])?,
            db.prepare(
                "INSERT OR IGNORE INTO call_events
                   (call_id, source, status, detail, dedupe_key, applied, received_at)
                 SELECT id, 'visitor', 'canceled', NULL, 'cancel', 1, ?2 FROM calls
                 WHERE request_id = ?1 AND outcome = 'canceled' AND changes() > 0",
            )
            .bind(&[text(request_id), number(now_ms)])?,
        ],
    )
    .await?;
    match results.first() {
        Some(result) => Ok(result.changed()),
        None => Ok(false),
    }
}

fn log_event(
    db: &D1Database,
    id: &str,
    source: &str,
    status: &str,
    detail: &str,
    now_ms: u64,
) -> worker::Result<D1PreparedStatement> {
    db.prepare(
        "INSERT OR IGNORE INTO call_events
           (call_id, source, status, detail, dedupe_key, applied, received_at)
         VALUES (?1, ?2, ?3, ?4, ?2, 1, ?5)",
    )
    .bind(&[
        text(id),
        text(source),
        text(status),
        text(detail),
        number(now_ms),
    ])
}

/// A call found by its idempotency key: what a repeated request is answered with.
#[derive(Debug, Clone)]
pub struct KeyedCall {
    /// When it is due, for a scheduled call.
    pub scheduled_for: Millis,
    /// The public handle.
    pub id: String,
    /// E.164, to tell a retry from a key reused for another number.
    pub phone: String,
    /// Current status.
    pub status: Status,
    /// How placing it went.
    pub outcome: Outcome,
    /// Exotel's HTTP status, when it refused the call.
    pub upstream_status: Option<u16>,
    /// Seconds Exotel asked us to wait, when it rate-limited the call.
    pub retry_after: Option<u32>,
    /// Why Exotel refused it, where its answer said (`upstream::reason`).
    pub reason: Option<String>,
    /// `requested` when the number was sent to the DND whitelist.
    pub whitelist: Option<String>,
}

impl FromRow for KeyedCall {
    fn from_row(row: &Row) -> worker::Result<Self> {
        Ok(KeyedCall {
            scheduled_for: row.optional_number("scheduled_for")?,
            id: row.text("id")?,
            phone: row.text("phone")?,
            status: row.text("status")?.into(),
            outcome: row.text("outcome")?.into(),
            upstream_status: row.optional_number("upstream_status")?,
            retry_after: row.optional_number("retry_after")?,
            reason: row.optional_text("reason")?,
            whitelist: row.optional_text("whitelist")?,
        })
    }
}

/// The call holding idempotency key `key` (already hashed and scoped), if any.
pub async fn find_by_idempotency_key(
    db: &D1Database,
    key: &str,
) -> worker::Result<Option<KeyedCall>> {
    db.prepare(
        "SELECT id, phone, status, outcome, upstream_status, retry_after, scheduled_for,
                reason, whitelist
         FROM calls WHERE idempotency_key = ?1",
    )
    .bind(&[text(key)])?
    .first_row::<KeyedCall>()
    .await
}

/// Exotel accepted the call: its Sid (callbacks must name it) and what the answer said, in one
/// batch with the observation's log entry.
pub async fn record_placed(
    db: &D1Database,
    id: &CallId,
    exotel_sid: &str,
    observation: &Observation,
    now_ms: u64,
) -> worker::Result<bool> {
    let placed = db
        .prepare(
            "UPDATE calls SET exotel_sid = ?2, outcome = 'placed', updated_at = ?3 WHERE id = ?1",
        )
        .bind(&[text(id.as_str()), text(exotel_sid), number(now_ms)])?;
    let [apply, log] = observation_statements(db, id, observation, now_ms, None)?;
    let results = d1::batch(db, vec![placed, apply, log]).await?;
    match results.get(1) {
        Some(result) => Ok(result.changed()),
        None => Ok(false),
    }
}

/// Why a call was not (or may not have been) placed.
#[derive(Debug, Clone)]
pub struct Failure<'a> {
    /// How it ended: `Rejected`, `Busy` or `Unavailable`.
    pub outcome: Outcome,
    /// What happened, e.g. `timeout`, `rejected`, `busy_429`.
    pub kind: &'a str,
    /// Exotel's HTTP status, when it answered with one.
    pub upstream_status: Option<u16>,
    /// Seconds Exotel asked us to wait.
    pub retry_after: Option<u32>,
    /// Operator-only detail (may quote Exotel, and so the number).
    pub detail: &'a str,
    /// Why Exotel refused it, where its answer said (`dnd`...).
    pub reason: Option<&'a str>,
    /// What became of the request to whitelist the number (`requested`, `failed`).
    pub whitelist: Option<&'a str>,
}

/// The call could not be placed, or may not have been: it ends in `status` (`failed`, or
/// `unknown` when the request may have reached Exotel), with what happened stored as data
/// and the attempt logged, in one batch.
pub async fn mark_not_placed(
    db: &D1Database,
    id: &CallId,
    status: &Status,
    failure: &Failure<'_>,
    now_ms: u64,
    targets: &Targets,
) -> worker::Result<()> {
    let event_detail = Object::new()
        .string("error", failure.outcome.as_str())
        .finish();
    let mut statements = vec![
        db.prepare(
            "UPDATE calls SET status = ?2, status_rank = ?3, outcome = ?4, error_detail = ?5,
                              updated_at = ?6, failure = ?7, upstream_status = ?8,
                              retry_after = ?9, reason = ?10, whitelist = ?11
             WHERE id = ?1",
        )
        .bind(&[
            text(id.as_str()),
            text(status.as_str()),
            JsValue::from_f64(status.rank() as f64),
            text(failure.outcome.as_str()),
            text(failure.detail),
            number(now_ms),
            text(failure.kind),
            optional_number(failure.upstream_status.map(u64::from)),
            optional_number(failure.retry_after.map(u64::from)),
            optional_text(failure.reason),
            optional_text(failure.whitelist),
        ])?,
        db.prepare(
            "INSERT OR IGNORE INTO call_events
               (call_id, source, status, detail, dedupe_key, applied, received_at)
             VALUES (?1, 'connect', ?2, ?3, 'connect', 1, ?4)",
        )
        .bind(&[
            text(id.as_str()),
            text(status.as_str()),
            text(&event_detail),
            number(now_ms),
        ])?,
    ];
    statements.extend(super::outbox::enqueue(
        db,
        targets,
        CallEvent::NotPlaced,
        id.as_str(),
        now_ms,
    )?);
    d1::batch(db, statements).await?;
    Ok(())
}

/// The call with this id.
pub async fn find_call(db: &D1Database, id: &CallId) -> worker::Result<Option<StoredCall>> {
    db.prepare(select_calls!("WHERE id = ?1"))
        .bind(&[text(id.as_str())])?
        .first_row::<StoredCall>()
        .await
}

/// Claims the right to refresh a call from Call Details: true for at most one request per
/// `min_interval_ms`, however many polls arrive at once. The cron also uses it to mark a call
/// it looked at, so calls it cannot refresh move to the back of its queue.
pub async fn claim_refresh(
    db: &D1Database,
    id: &CallId,
    now_ms: u64,
    min_interval_ms: u64,
) -> worker::Result<bool> {
    let result = db
        .prepare(
            "UPDATE calls SET refreshed_at = ?2
             WHERE id = ?1 AND (refreshed_at IS NULL OR refreshed_at <= ?3)",
        )
        .bind(&[
            text(id.as_str()),
            number(now_ms),
            number(now_ms.saturating_sub(min_interval_ms)),
        ])?
        .execute()
        .await?;
    Ok(result.changed())
}

/// The second try to store with an observation, should it end the call in one of `on`.
pub struct RetryPlan {
    /// The next attempt's id.
    pub id: CallId,
    /// When it is due, Unix ms.
    pub at_ms: u64,
    /// The outcomes that earn one (`busy`, `no-answer`...): fixed strings, written into the
    /// statement.
    pub on: Vec<&'static str>,
    /// The last attempt that may still earn one (attempts are numbered from 1).
    pub up_to_attempt: u32,
}

/// Applies an observation in one transaction (a D1 batch of two statements):
/// 1. one UPDATE that moves the status forward if its rank is higher than the current one
///    (taking the observation's duration and recording along), or else, if the observation is
///    about the current status, fills a duration or recording still missing (SQLite evaluates
///    every `SET` expression against the row as it was, so `status_rank < ?3` means before);
/// 2. logs the observation with `applied` = whether step 1 changed the row (`changes()`),
///    unless one with the same dedupe key is logged already; refreshes that learned nothing
///    new are not logged at all (`?7`), callbacks and connect answers always are.
///
/// With `retry`, the same batch stores the next attempt when the observation ends the call in
/// one of its outcomes and tries are left (and logs a `retry` event), so the visitor never sees
/// the outcome without the try that follows it.
///
/// The same batch queues the events the change makes (answered; missed when no try is left;
/// the next try scheduled) for `targets`.
///
/// Returns whether the call changed.
pub async fn record_observation(
    db: &D1Database,
    id: &CallId,
    observation: &Observation,
    now_ms: u64,
    retry: Option<&RetryPlan>,
    targets: &Targets,
) -> worker::Result<bool> {
    let statements = observation_batch(db, id, observation, now_ms, retry, targets, None)?;
    let results = d1::batch(db, statements).await?;
    match results.first() {
        Some(result) => Ok(result.changed()),
        None => Ok(false),
    }
}

/// What a status callback did to its call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackApplied {
    /// No call has this id.
    NoSuchCall,
    /// The call has another Sid (or none, and this one is another call's): nothing changed.
    OtherSid,
    /// Recorded; whether it changed the call.
    Recorded(bool),
}

/// A status callback for call `id`, naming `exotel_sid`, in one batch (one round trip): a call
/// whose connect answer was lost adopts the Sid (only Exotel was given the URL carrying the
/// call's token), then the observation is applied and logged exactly as
/// [`record_observation`] does, but only if the call's Sid is this one; the batch ends by
/// reading the call's Sid back, which tells a missing call from another call's callback.
/// `adopt` is false for a Sid that Call Details could never take.
#[allow(clippy::too_many_arguments)]
pub async fn record_callback(
    db: &D1Database,
    id: &CallId,
    exotel_sid: &str,
    adopt: bool,
    observation: &Observation,
    now_ms: u64,
    retry: Option<&RetryPlan>,
    targets: &Targets,
) -> worker::Result<CallbackApplied> {
    let mut statements = Vec::new();
    if adopt {
        statements.push(
            db.prepare(
                "UPDATE calls SET exotel_sid = ?2, outcome = 'placed'
                 WHERE id = ?1 AND exotel_sid IS NULL
                   AND NOT EXISTS (SELECT 1 FROM calls WHERE exotel_sid = ?2)",
            )
            .bind(&[text(id.as_str()), text(exotel_sid)])?,
        );
    }
    let applied_at = statements.len();
    statements.extend(observation_batch(
        db,
        id,
        observation,
        now_ms,
        retry,
        targets,
        Some(exotel_sid),
    )?);
    statements.push(
        db.prepare("SELECT exotel_sid FROM calls WHERE id = ?1")
            .bind(&[text(id.as_str())])?,
    );
    let results = d1::batch(db, statements).await?;
    let applied = match results.get(applied_at) {
        Some(result) => result.changed(),
        None => false,
    };
    let found = match results.last() {
        Some(result) => result.first::<Sid>()?,
        None => None,
    };
    Ok(match found {
        None => CallbackApplied::NoSuchCall,
        Some(Sid(stored)) if stored.as_deref() != Some(exotel_sid) => CallbackApplied::OtherSid,
        Some(_) => CallbackApplied::Recorded(applied),
    })
}

/// A call's Exotel Sid, `NULL` until it is placed.
struct Sid(Option<String>);

impl FromRow for Sid {
    fn from_row(row: &Row) -> worker::Result<Self> {
        row.optional_text("exotel_sid").map(Sid)
    }
}

/// The statements of an observation: applied, logged, the next try when it earns one, and the
/// events it makes; with `sid`, each only for the call with that Sid.
fn observation_batch(
    db: &D1Database,
    id: &CallId,
    observation: &Observation,
    now_ms: u64,
    retry: Option<&RetryPlan>,
    targets: &Targets,
    sid: Option<&str>,
) -> worker::Result<Vec<D1PreparedStatement>> {
    let [apply, log] = observation_statements(db, id, observation, now_ms, sid)?;
    let mut statements = vec![apply, log];
    let retry = retry.filter(|plan| plan.on.contains(&observation.status.as_str()));
    if let Some(plan) = retry {
        statements.extend(retry_statements(db, id, plan, now_ms)?);
    }
    if observation.status.is_final() {
        for event in [CallEvent::Answered, CallEvent::Missed] {
            statements.extend(super::outbox::enqueue(
                db,
                targets,
                event,
                id.as_str(),
                now_ms,
            )?);
        }
    }
    if let Some(plan) = retry {
        statements.extend(super::outbox::enqueue(
            db,
            targets,
            CallEvent::Scheduled,
            plan.id.as_str(),
            now_ms,
        )?);
    }
    Ok(statements)
}

/// The next attempt, inserted only if call `id` has just ended in one of the plan's outcomes
/// with tries left (and not twice: the unique (request, attempt) index), and its log entry.
fn retry_statements(
    db: &D1Database,
    id: &CallId,
    plan: &RetryPlan,
    now_ms: u64,
) -> worker::Result<[D1PreparedStatement; 2]> {
    let outcomes = plan
        .on
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let insert = db
        .prepare(format!(
            "INSERT OR IGNORE INTO calls
               (id, request_id, attempt, mode, phone, status, status_rank, outcome,
                scheduled_for, callback_base, created_at, updated_at, lead_name, lead,
                phone_masked)
             SELECT ?2, request_id, attempt + 1, mode, phone, 'scheduled', ?3, 'scheduled', ?4,
                    callback_base, ?5, ?5, lead_name, lead, phone_masked
             FROM calls WHERE id = ?1 AND status IN ({outcomes}) AND attempt <= ?6"
        ))
        .bind(&[
            text(id.as_str()),
            text(plan.id.as_str()),
            number(Status::Scheduled.rank() as u64),
            number(plan.at_ms),
            number(now_ms),
            number(u64::from(plan.up_to_attempt)),
        ])?;
    let detail = Object::new().number("scheduledFor", plan.at_ms).finish();
    let log = db
        .prepare(
            "INSERT OR IGNORE INTO call_events
               (call_id, source, status, detail, dedupe_key, applied, received_at)
             SELECT ?1, 'retry', 'scheduled', ?2, 'retry', 1, ?3 WHERE changes() > 0",
        )
        .bind(&[text(id.as_str()), text(&detail), number(now_ms)])?;
    Ok([insert, log])
}

/// The two statements of [`record_observation`], for batches that do more; with `sid`, only
/// for the call with that Sid (a callback's claim, checked in the same batch).
fn observation_statements(
    db: &D1Database,
    id: &CallId,
    observation: &Observation,
    now_ms: u64,
    sid: Option<&str>,
) -> worker::Result<[D1PreparedStatement; 2]> {
    let id_value = text(id.as_str());
    let status = text(observation.status.as_str());
    let apply = db
        .prepare(
            "UPDATE calls SET
               status = CASE WHEN status_rank < ?3 THEN ?2 ELSE status END,
               status_rank = MAX(status_rank, ?3),
               duration = CASE WHEN status_rank < ?3 THEN COALESCE(?5, duration)
                               ELSE COALESCE(duration, ?5) END,
               recording_url = CASE WHEN status_rank < ?3 THEN COALESCE(?6, recording_url)
                                    ELSE COALESCE(recording_url, ?6) END,
               updated_at = ?4
             WHERE id = ?1 AND (?7 IS NULL OR exotel_sid = ?7)
               AND (status_rank < ?3
                    OR (status = ?2 AND ((duration IS NULL AND ?5 IS NOT NULL)
                                         OR (recording_url IS NULL AND ?6 IS NOT NULL))))",
        )
        .bind(&[
            id_value.clone(),
            status.clone(),
            JsValue::from_f64(observation.status.rank() as f64),
            number(now_ms),
            optional_number(observation.duration),
            optional_text(observation.recording_url.as_deref()),
            optional_text(sid),
        ])?;
    let log = db
        .prepare(
            "INSERT OR IGNORE INTO call_events
               (call_id, source, status, detail, dedupe_key, applied, received_at)
             SELECT ?1, ?2, ?3, ?4, ?5, changes(), ?6
             WHERE changes() > 0
                OR (?7 AND EXISTS (SELECT 1 FROM calls
                                   WHERE id = ?1 AND (?8 IS NULL OR exotel_sid = ?8)))",
        )
        .bind(&[
            id_value,
            text(observation.source.as_str()),
            status,
            text(&observation.detail_json()),
            text(&observation.dedupe_key()),
            number(now_ms),
            JsValue::from_bool(observation.always_logged()),
            optional_text(sid),
        ])?;
    Ok([apply, log])
}

/// Calls placed (not waiting for their time) with no outcome yet (below `unknown`), sent at or
/// before `placed_before_ms`, the least recently looked at first (so calls that stay open take
/// turns), at most `limit`.
pub async fn open_calls(
    db: &D1Database,
    placed_before_ms: u64,
    limit: u32,
) -> worker::Result<Vec<StoredCall>> {
    db.prepare(select_calls!(
        "WHERE status_rank >= ?1 AND status_rank < ?2 AND placed_at <= ?3
         ORDER BY COALESCE(refreshed_at, 0), placed_at LIMIT ?4"
    ))
    .bind(&[
        number(QUEUED_RANK as u64),
        number(UNKNOWN_RANK as u64),
        number(placed_before_ms),
        number(u64::from(limit)),
    ])?
    .rows::<StoredCall>()
    .await
}
