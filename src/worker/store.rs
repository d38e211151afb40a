//! The call store in D1: every SQL statement the Worker runs is in this file.
//! The schema and the meaning of each column are in migrations/0001_calls.sql.

use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, Env};

use super::ids::CallId;
use super::observe::{rank, Observation, Source, QUEUED_RANK};

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
}

/// Stores a call about to be placed (`queued`, outcome `placing`), before anything is sent to
/// Exotel, so even a request that dies mid-flight leaves a record.
pub async fn insert_call(db: &D1Database, call: &NewCall<'_>, now_ms: u64) -> worker::Result<()> {
    db.prepare(
        "INSERT INTO calls (id, mode, phone, status, status_rank, outcome, client_ip, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'queued', ?4, 'placing', ?5, ?6, ?6)",
    )
    .bind(&[
        text(call.id.as_str()),
        text(call.mode),
        text(call.phone),
        number(QUEUED_RANK as u64),
        optional_text(call.client_ip),
        number(now_ms),
    ])?
    .run()
    .await?;
    Ok(())
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

/// The call could not be placed, or may not have been: it ends in `status` (`failed`, or
/// `unknown` when the request may have reached Exotel), with the error code answered to the
/// client and the operator-only detail, and the attempt is logged.
pub async fn mark_not_placed(
    db: &D1Database,
    id: &CallId,
    status: &str,
    outcome: &str,
    detail: &str,
    now_ms: u64,
) -> worker::Result<()> {
    let event_detail = serde_json::json!({ "error": outcome }).to_string();
    db.batch(vec![
        db.prepare(
            "UPDATE calls SET status = ?2, status_rank = ?3, outcome = ?4, error_detail = ?5,
                              updated_at = ?6
             WHERE id = ?1",
        )
        .bind(&[
            text(id.as_str()),
            text(status),
            JsValue::from_f64(rank(status) as f64),
            text(outcome),
            text(detail),
            number(now_ms),
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
            JsValue::from_bool(observation.source != Source::Details),
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
