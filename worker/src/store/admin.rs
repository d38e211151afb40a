//! What the operator's view reads.

use serde::Deserialize;
use worker::D1Database;

use super::number;
use crate::status::{Outcome, Status};

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
    pub status: Status,
    /// How placing it went.
    pub outcome: Outcome,
    /// What happened to the connect request, when it failed.
    pub failure: Option<String>,
    /// Exotel's HTTP status, when it refused the call.
    pub upstream_status: Option<u16>,
    /// The visitor's request this attempt belongs to.
    pub request_id: Option<String>,
    /// Which try.
    pub attempt: u32,
    /// When a scheduled call is due, Unix ms.
    pub scheduled_for: Option<i64>,
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
            "SELECT id, mode, phone, exotel_sid, status, outcome, failure, upstream_status,
                    request_id, attempt, scheduled_for, duration, created_at, updated_at
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
