//! The call store in D1: every SQL statement the Worker runs is in this file.
//! The schema and the meaning of each column are in migrations/0001_calls.sql.

use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result, Env};

use super::config::Limit;
use super::ids::CallId;
use super::observe::{rank, Observation, QUEUED_RANK, UNKNOWN_RANK};

/// The D1 binding's name in wrangler.toml.
const BINDING: &str = "DB";

/// The database.
pub fn database(env: &Env) -> worker::Result<D1Database> {
    env.d1(BINDING)
}

/// A call as stored.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredCall {
    /// The public handle.
    pub id: String,
    /// `live` or `sandbox`.
    pub mode: String,
    /// Exotel's Sid once the call was placed.
    pub exotel_sid: Option<String>,
    /// Current status.
    pub status: String,
    /// `placing`, `placed` or an error code.
    pub outcome: String,
    /// Seconds, once known.
    pub duration: Option<i64>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn optional_text(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

// D1 takes numbers as JS numbers; Unix ms and call durations are far below 2^53.
fn number(value: u64) -> JsValue {
    JsValue::from_f64(value as f64)
}

fn optional_number(value: Option<u64>) -> JsValue {
    value.map_or(JsValue::NULL, number)
}

/// What a new call row holds.
pub struct NewCall<'a> {
    /// The public handle.
    pub id: &'a CallId,
    /// `live` or `sandbox`.
    pub mode: &'a str,
    /// E.164.
    pub phone: &'a str,
    /// The client's address, when the platform gives one.
    pub client_ip: Option<&'a str>,
    /// The hashed, client-scoped `Idempotency-Key`, when one was sent.
    pub idempotency_key: Option<&'a str>,
}

/// How [`claim_call`] went.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// The call is stored (`queued`, outcome `placing`) and counted against its number.
    Claimed,
    /// The number's limit is reached; a slot frees in this many seconds. Nothing was stored.
    RateLimited(u32),
    /// Another call already holds this idempotency key. Nothing was stored.
    KeyTaken,
}

/// Stores a call about to be placed (`queued`, outcome `placing`), before anything is sent to
/// Exotel, so even a request that dies mid-flight leaves a record; in the same transaction
/// (one D1 batch) counts it against `number_bucket`'s `limit` and claims its idempotency key:
/// 1. the rate-limit row is inserted only if the bucket has fewer than `limit.max` rows in the
///    window (one statement, so concurrent requests cannot all slip through);
/// 2. the call is inserted only if step 1 was (`changes()`); a taken key fails the UNIQUE
///    index, which rolls the whole batch back;
/// 3. when the limit is reached, when the oldest row that keeps it reached leaves the window.
pub async fn claim_call(
    db: &D1Database,
    call: &NewCall<'_>,
    number_bucket: &str,
    limit: Limit,
    now_ms: u64,
) -> worker::Result<Claim> {
    let [count, retry] = rate_statements(db, number_bucket, limit, now_ms)?;
    let insert = db
        .prepare(
            "INSERT INTO calls (id, mode, phone, status, status_rank, outcome, client_ip,
                                idempotency_key, created_at, updated_at)
             SELECT ?1, ?2, ?3, 'queued', ?4, 'placing', ?5, ?6, ?7, ?7 WHERE changes() > 0",
        )
        .bind(&[
            text(call.id.as_str()),
            text(call.mode),
            text(call.phone),
            number(QUEUED_RANK as u64),
            optional_text(call.client_ip),
            optional_text(call.idempotency_key),
            number(now_ms),
        ])?;
    match db.batch(vec![count, insert, retry]).await {
        Ok(results) => match results.first().map(changed).transpose()? {
            Some(true) => Ok(Claim::Claimed),
            _ => Ok(Claim::RateLimited(retry_after(
                results.get(2),
                limit,
                now_ms,
            )?)),
        },
        Err(e) if e.to_string().contains("UNIQUE") => Ok(Claim::KeyTaken),
        Err(e) => Err(e),
    }
}

/// Counts one event against `bucket` if it is under `limit`: `None` when counted, else the
/// seconds until a slot frees. One batch: the check-and-insert is a single statement.
pub async fn rate_limit(
    db: &D1Database,
    bucket: &str,
    limit: Limit,
    now_ms: u64,
) -> worker::Result<Option<u32>> {
    let [count, retry] = rate_statements(db, bucket, limit, now_ms)?;
    let results = db.batch(vec![count, retry]).await?;
    match results.first().map(changed).transpose()? {
        Some(true) => Ok(None),
        _ => Ok(Some(retry_after(results.get(1), limit, now_ms)?)),
    }
}

/// The conditional insert and the query for when the limit frees a slot.
fn rate_statements(
    db: &D1Database,
    bucket: &str,
    limit: Limit,
    now_ms: u64,
) -> worker::Result<[D1PreparedStatement; 2]> {
    let since = number(now_ms.saturating_sub(u64::from(limit.window_s) * 1000));
    let count = db
        .prepare(
            "INSERT INTO rate_events (bucket, at)
             SELECT ?1, ?2
             WHERE (SELECT COUNT(*) FROM rate_events WHERE bucket = ?1 AND at > ?3) < ?4",
        )
        .bind(&[
            text(bucket),
            number(now_ms),
            since.clone(),
            number(u64::from(limit.max)),
        ])?;
    // The limit-th newest row in the window: once it leaves, fewer than `max` remain.
    let retry = db
        .prepare(
            "SELECT at FROM rate_events WHERE bucket = ?1 AND at > ?2
             ORDER BY at DESC LIMIT 1 OFFSET ?3",
        )
        .bind(&[
            text(bucket),
            since,
            number(u64::from(limit.max.saturating_sub(1))),
        ])?;
    Ok([count, retry])
}

fn retry_after(result: Option<&D1Result>, limit: Limit, now_ms: u64) -> worker::Result<u32> {
    #[derive(Deserialize)]
    struct At {
        at: i64,
    }
    let window_ms = u64::from(limit.window_s) * 1000;
    let oldest = match result {
        Some(result) => result
            .results::<At>()?
            .first()
            .map(|row| row.at.max(0) as u64),
        None => None,
    };
    let wait_ms = match oldest {
        Some(at) if limit.max > 0 => (at + window_ms).saturating_sub(now_ms),
        _ => window_ms,
    };
    Ok(wait_ms.div_ceil(1000).clamp(1, u64::from(u32::MAX)) as u32)
}

/// Forgets rate-limit rows older than `before_ms` (every window has passed them).
pub async fn prune_rate_events(db: &D1Database, before_ms: u64) -> worker::Result<()> {
    db.prepare("DELETE FROM rate_events WHERE at <= ?1")
        .bind(&[number(before_ms)])?
        .run()
        .await?;
    Ok(())
}

/// A call found by its idempotency key.
#[derive(Debug, Clone, Deserialize)]
pub struct KeyedCall {
    /// The public handle.
    pub id: String,
    /// E.164, to tell a retry from a key reused for another number.
    pub phone: String,
    /// Current status.
    pub status: String,
    /// `placing`, `placed` or the error code answered.
    pub outcome: String,
    /// For `exotel_rejected`, e.g. `rejected: 403`; for `upstream_busy`, `busy_429`.
    pub failure: Option<String>,
    /// The detail of a failure, e.g. `HTTP 429, retry after 7 s`.
    pub error_detail: Option<String>,
}

/// The call holding idempotency key `key` (already hashed and scoped), if any.
pub async fn find_by_idempotency_key(
    db: &D1Database,
    key: &str,
) -> worker::Result<Option<KeyedCall>> {
    db.prepare(
        "SELECT id, phone, status, outcome, failure, error_detail
         FROM calls WHERE idempotency_key = ?1",
    )
    .bind(&[text(key)])?
    .first::<KeyedCall>(None)
    .await
}

/// Exotel accepted the call: remember its Sid (callbacks must name it).
pub async fn mark_placed(
    db: &D1Database,
    id: &CallId,
    exotel_sid: &str,
    now_ms: u64,
) -> worker::Result<()> {
    db.prepare(
        "UPDATE calls SET exotel_sid = ?2, outcome = 'placed', updated_at = ?3 WHERE id = ?1",
    )
    .bind(&[text(id.as_str()), text(exotel_sid), number(now_ms)])?
    .run()
    .await?;
    Ok(())
}

/// Why a call was not (or may not have been) placed.
#[derive(Debug, Clone, Copy)]
pub struct Failure<'a> {
    /// The error code answered to the client, e.g. `upstream_unavailable`.
    pub outcome: &'a str,
    /// What happened, e.g. `timeout`, `rejected: 403`, `busy_429`.
    pub kind: &'a str,
    /// Operator-only detail (may quote Exotel, and so the number).
    pub detail: &'a str,
}

/// The call could not be placed, or may not have been: it ends in `status` (`failed`, or
/// `unknown` when the request may have reached Exotel), with the error code answered to the
/// client and the operator-only detail, and the attempt is logged.
pub async fn mark_not_placed(
    db: &D1Database,
    id: &CallId,
    status: &str,
    failure: &Failure<'_>,
    now_ms: u64,
) -> worker::Result<()> {
    let Failure {
        outcome,
        kind,
        detail,
    } = *failure;
    let event_detail = serde_json::json!({ "error": outcome }).to_string();
    db.batch(vec![
        db.prepare(
            "UPDATE calls SET status = ?2, status_rank = ?3, outcome = ?4, error_detail = ?5,
                              updated_at = ?6, failure = ?7
             WHERE id = ?1",
        )
        .bind(&[
            text(id.as_str()),
            text(status),
            JsValue::from_f64(rank(status) as f64),
            text(outcome),
            text(detail),
            number(now_ms),
            text(kind),
        ])?,
        db.prepare(
            "INSERT OR IGNORE INTO call_events
               (call_id, source, status, detail, dedupe_key, applied, received_at)
             VALUES (?1, 'connect', ?2, ?3, 'connect', 1, ?4)",
        )
        .bind(&[
            text(id.as_str()),
            text(status),
            text(&event_detail),
            number(now_ms),
        ])?,
    ])
    .await?;
    Ok(())
}

/// A call whose connect answer was lost (timeout) learns its Sid from a status callback that
/// carried its token: only Exotel was given that URL. Returns whether the Sid was taken (not if
/// the call already has one, or another call has this Sid).
pub async fn adopt_sid(db: &D1Database, id: &CallId, exotel_sid: &str) -> worker::Result<bool> {
    let result = db
        .prepare(
            "UPDATE calls SET exotel_sid = ?2, outcome = 'placed'
             WHERE id = ?1 AND exotel_sid IS NULL
               AND NOT EXISTS (SELECT 1 FROM calls WHERE exotel_sid = ?2)",
        )
        .bind(&[text(id.as_str()), text(exotel_sid)])?
        .run()
        .await?;
    changed(&result)
}

/// The call with this id.
pub async fn find_call(db: &D1Database, id: &CallId) -> worker::Result<Option<StoredCall>> {
    db.prepare(
        "SELECT id, mode, exotel_sid, status, outcome, duration, created_at, updated_at
         FROM calls WHERE id = ?1",
    )
    .bind(&[text(id.as_str())])?
    .first::<StoredCall>(None)
    .await
}

/// Claims the right to refresh a call from Call Details: true for at most one request per
/// `min_interval_ms`, however many polls arrive at once.
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
        .run()
        .await?;
    changed(&result)
}

/// Applies an observation in one transaction (a D1 batch of two statements):
/// 1. one UPDATE that moves the status forward if `rank` is higher than the current one
///    (taking the observation's duration and recording along), or else, if the observation is
///    about the current status, fills a duration or recording still missing (SQLite evaluates
///    every `SET` expression against the row as it was, so `status_rank < ?3` means before);
/// 2. logs the observation with `applied` = whether step 1 changed the row (`changes()`),
///    unless one with the same dedupe key is logged already; refreshes that learned nothing
///    new are not logged at all (`?7`), callbacks and connect answers always are.
///
/// Returns whether the call changed.
pub async fn apply_observation(
    db: &D1Database,
    id: &CallId,
    observation: &Observation,
    rank: i64,
    now_ms: u64,
) -> worker::Result<bool> {
    let id_value = text(id.as_str());
    let status = text(&observation.status);
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
             WHERE id = ?1
               AND (status_rank < ?3
                    OR (status = ?2 AND ((duration IS NULL AND ?5 IS NOT NULL)
                                         OR (recording_url IS NULL AND ?6 IS NOT NULL))))",
        )
        .bind(&[
            id_value.clone(),
            status.clone(),
            JsValue::from_f64(rank as f64),
            number(now_ms),
            optional_number(observation.duration),
            optional_text(observation.recording_url.as_deref()),
        ])?;
    let log = db
        .prepare(
            "INSERT OR IGNORE INTO call_events
               (call_id, source, status, detail, dedupe_key, applied, received_at)
             SELECT ?1, ?2, ?3, ?4, ?5, changes(), ?6 WHERE ?7 OR changes() > 0",
        )
        .bind(&[
            id_value,
            text(observation.source.as_str()),
            status,
            text(&observation.detail_json()),
            text(&observation.dedupe_key()),
            number(now_ms),
            JsValue::from_bool(observation.always_logged()),
        ])?;
    let results = db.batch(vec![apply, log]).await?;
    match results.first() {
        Some(result) => changed(result),
        None => Ok(false),
    }
}

fn changed(result: &worker::D1Result) -> worker::Result<bool> {
    Ok(result
        .meta()?
        .and_then(|meta| meta.changes)
        .is_some_and(|n| n > 0))
}

/// Calls with no outcome yet (below `unknown`) placed at or before `placed_before_ms`, the
/// least recently refreshed first (so calls that stay open take turns), at most `limit`.
pub async fn open_calls(
    db: &D1Database,
    placed_before_ms: u64,
    limit: u32,
) -> worker::Result<Vec<StoredCall>> {
    db.prepare(
        "SELECT id, mode, exotel_sid, status, outcome, duration, created_at, updated_at
         FROM calls WHERE status_rank < ?1 AND created_at <= ?2
         ORDER BY COALESCE(refreshed_at, 0), created_at LIMIT ?3",
    )
    .bind(&[
        number(UNKNOWN_RANK as u64),
        number(placed_before_ms),
        number(u64::from(limit)),
    ])?
    .all()
    .await?
    .results::<StoredCall>()
}

/// A call as the operator sees it.
#[derive(Debug, Clone, Deserialize)]
pub struct AdminCall {
    /// The public handle.
    pub id: String,
    /// `live` or `sandbox`.
    pub mode: String,
    /// E.164 (masked before it is shown).
    pub phone: String,
    /// Exotel's Sid.
    pub exotel_sid: Option<String>,
    /// Current status.
    pub status: String,
    /// `placing`, `placed` or an error code.
    pub outcome: String,
    /// What happened to the connect request, when it failed.
    pub failure: Option<String>,
    /// Seconds.
    pub duration: Option<i64>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
}

/// One logged observation.
#[derive(Debug, Clone, Deserialize)]
pub struct AdminEvent {
    /// The call.
    pub call_id: String,
    /// `connect`, `callback`, `details`, `reconcile`.
    pub source: String,
    /// The status observed.
    pub status: String,
    /// JSON extras.
    pub detail: Option<String>,
    /// 1 when it changed the call.
    pub applied: i64,
    /// Unix ms.
    pub received_at: i64,
}

/// The `limit` most recent calls, newest first, and their events (oldest first).
pub async fn recent_calls(
    db: &D1Database,
    limit: u32,
) -> worker::Result<(Vec<AdminCall>, Vec<AdminEvent>)> {
    let limit = number(u64::from(limit));
    let calls = db
        .prepare(
            "SELECT id, mode, phone, exotel_sid, status, outcome, failure, duration, created_at,
                    updated_at
             FROM calls ORDER BY created_at DESC, id LIMIT ?1",
        )
        .bind(std::slice::from_ref(&limit))?;
    let events = db
        .prepare(
            "SELECT call_id, source, status, detail, applied, received_at FROM call_events
             WHERE call_id IN (SELECT id FROM calls ORDER BY created_at DESC, id LIMIT ?1)
             ORDER BY id",
        )
        .bind(&[limit])?;
    let results = db.batch(vec![calls, events]).await?;
    let mut results = results.into_iter();
    let calls = match results.next() {
        Some(result) => result.results::<AdminCall>()?,
        None => Vec::new(),
    };
    let events = match results.next() {
        Some(result) => result.results::<AdminEvent>()?,
        None => Vec::new(),
    };
    Ok((calls, events))
}
