//! The notification outbox (`outbox`): events written in the same batch as the change they
//! report, then claimed, delivered and retried by [`crate::notify`].

use worker::{D1Database, D1PreparedStatement};

use super::d1::{FromRow, Row, Run};
use super::{number, optional_text, text};
use crate::events::{CallEvent, Targets};
use crate::json::Object;

/// An outbox row claimed for delivery.
#[derive(Debug, Clone)]
pub struct Message {
    /// The message id (`webhook-id`).
    pub id: String,
    /// `webhook` or `slack`.
    pub target: String,
    /// `call.answered`, ...
    pub event: String,
    /// The JSON body.
    pub payload: String,
    /// Tries before this one.
    pub attempts: u32,
}

impl FromRow for Message {
    fn from_row(row: &Row) -> worker::Result<Self> {
        Ok(Message {
            id: row.text("id")?,
            target: row.text("target")?,
            event: row.text("event")?,
            payload: row.text("payload")?,
            attempts: row.number("attempts")?,
        })
    }
}

/// The statement that queues `event` about attempt `call_id` for every target, when the call's
/// row meets the event's condition at that point of the batch (so a batch that ends the call
/// some other way queues nothing). The message id `<call id>.<event>` makes it at most once.
/// `None` when no target is configured.
pub fn enqueue(
    db: &D1Database,
    targets: &Targets,
    event: CallEvent,
    call_id: &str,
    now_ms: u64,
) -> worker::Result<Option<D1PreparedStatement>> {
    let Some(targets) = targets.as_json() else {
        return Ok(None);
    };
    // The condition is one of CallEvent's fixed strings, never input.
    let statement = db
        .prepare(format!(
            "INSERT OR IGNORE INTO outbox (id, target, event, payload, created_at, next_at)
             SELECT c.id || '.' || ?2, t.value, ?2,
                    json_object('type', ?2, 'timestamp', ?3, 'data', json_object(
                      'id', c.request_id, 'callId', c.id, 'attempt', c.attempt,
                      'status', c.status, 'outcome', c.outcome, 'reason', c.reason,
                      'duration', c.duration,
                      'scheduledFor', CASE WHEN c.scheduled_for IS NULL THEN NULL ELSE
                        strftime('%Y-%m-%dT%H:%M:%fZ', c.scheduled_for / 1000.0, 'unixepoch') END,
                      'phone', c.phone_masked, 'name', c.lead_name,
                      'lead', json(COALESCE(c.lead, '{{}}')))),
                    ?4, ?4
             FROM calls c, json_each(?5) t
             WHERE c.id = ?1 AND ({})",
            event.condition()
        ))
        .bind(&[
            text(call_id),
            text(event.name()),
            text(&crate::time::rfc3339(now_ms)),
            number(now_ms),
            text(&targets),
        ])?;
    Ok(Some(statement))
}

/// Queues `calls.paused` (a call budget is reached) for every target, at most once an hour:
/// an attacker who keeps the budget full must not also flood the operator.
pub async fn enqueue_paused(
    db: &D1Database,
    targets: &Targets,
    retry_after_s: u32,
    now_ms: u64,
) -> worker::Result<()> {
    let Some(targets) = targets.as_json() else {
        return Ok(());
    };
    let hour = now_ms / 3_600_000;
    let payload = Object::new()
        .string("type", "calls.paused")
        .string("timestamp", &crate::time::rfc3339(now_ms))
        .raw(
            "data",
            &Object::new().number("retryAfter", retry_after_s).finish(),
        )
        .finish();
    db.prepare(
        "INSERT OR IGNORE INTO outbox (id, target, event, payload, created_at, next_at)
         SELECT ?1, value, 'calls.paused', ?2, ?3, ?3 FROM json_each(?4)",
    )
    .bind(&[
        text(&format!("calls.paused.{hour}")),
        text(&payload),
        number(now_ms),
        text(&targets),
    ])?
    .execute()
    .await?;
    Ok(())
}

/// Claims up to `limit` messages due at `now_ms` and not held by another delivery, for
/// `lease_ms`; the oldest first.
pub async fn claim(
    db: &D1Database,
    now_ms: u64,
    lease_ms: u64,
    limit: u32,
) -> worker::Result<Vec<Message>> {
    db.prepare(
        "UPDATE outbox SET leased_until = ?2
         WHERE rowid IN (
           SELECT rowid FROM outbox
           WHERE delivered_at IS NULL AND dead_at IS NULL AND next_at <= ?1
             AND (leased_until IS NULL OR leased_until <= ?1)
           ORDER BY next_at LIMIT ?3)
         RETURNING id, target, event, payload, attempts",
    )
    .bind(&[
        number(now_ms),
        number(now_ms + lease_ms),
        number(u64::from(limit)),
    ])?
    .rows::<Message>()
    .await
}

/// What became of one try.
pub enum Tried<'a> {
    /// The receiver accepted it.
    Delivered,
    /// It failed; try again at this time (Unix ms), or give up (`None`: the dead letter).
    Failed {
        error: &'a str,
        retry_at: Option<u64>,
    },
}

/// Records a try at message `id` for `target`, releasing its lease.
pub async fn record_try(
    db: &D1Database,
    message: &Message,
    tried: Tried<'_>,
    now_ms: u64,
) -> worker::Result<()> {
    let (delivered, dead, next, error) = match tried {
        Tried::Delivered => (Some(now_ms), None, None, None),
        Tried::Failed {
            error,
            retry_at: Some(at),
        } => (None, None, Some(at), Some(error)),
        Tried::Failed {
            error,
            retry_at: None,
        } => (None, Some(now_ms), None, Some(error)),
    };
    let optional = |v: Option<u64>| v.map_or(worker::wasm_bindgen::JsValue::NULL, number);
    db.prepare(
        "UPDATE outbox SET attempts = attempts + 1, leased_until = NULL,
                           delivered_at = ?3, dead_at = ?4,
                           next_at = COALESCE(?5, next_at), last_error = ?6
         WHERE id = ?1 AND target = ?2",
    )
    .bind(&[
        text(&message.id),
        text(&message.target),
        optional(delivered),
        optional(dead),
        optional(next),
        optional_text(error),
    ])?
    .execute()
    .await?;
    Ok(())
}

/// Messages delivered or given up on before `before_ms`: kept a while for the operator, then
/// deleted with the calls they were about.
pub async fn prune(db: &D1Database, before_ms: u64) -> worker::Result<()> {
    db.prepare(
        "DELETE FROM outbox
         WHERE COALESCE(delivered_at, dead_at) IS NOT NULL AND COALESCE(delivered_at, dead_at) < ?1",
    )
    .bind(&[number(before_ms)])?
    .execute()
    .await?;
    Ok(())
}
