//! Data that expires: numbers cut to their mask after `MASK_AFTER_DAYS`, calls and their event
//! logs (and the log of numbers revealed to the operator) deleted after `RETENTION_DAYS`, and
//! dashboard sessions once they are over. Only calls that are over (no call waiting for its time
//! or still ringing loses its number), a bounded number per cron run so one run stays cheap.

use worker::D1Database;

use super::d1;
use super::number;
use crate::status::UNKNOWN_RANK;

/// Calls masked or deleted per cron run at most: a backlog drains over a few minutes.
const PER_RUN: u64 = 500;

/// What one run did.
#[derive(Debug, Default)]
pub struct Expired {
    /// Numbers cut to their mask.
    pub masked: u64,
    /// Calls deleted (with their events).
    pub deleted: u64,
}

/// Masks the numbers of calls created before `mask_before_ms`, and deletes calls created before
/// `delete_before_ms` with their events, in one batch.
pub async fn expire(
    db: &D1Database,
    mask_before_ms: u64,
    delete_before_ms: u64,
    now_ms: u64,
) -> worker::Result<Expired> {
    let over = number(UNKNOWN_RANK as u64);
    let results = d1::batch(
        db,
        vec![
            db.prepare(
                "UPDATE calls SET phone = phone_masked, masked_at = ?2
                 WHERE id IN (SELECT id FROM calls
                              WHERE created_at < ?1 AND created_at >= ?5 AND masked_at IS NULL
                                AND phone_masked IS NOT NULL AND status_rank >= ?3
                              ORDER BY created_at LIMIT ?4)",
            )
            .bind(&[
                number(mask_before_ms),
                number(now_ms),
                over.clone(),
                number(PER_RUN),
                // What is about to be deleted is not masked first.
                number(delete_before_ms),
            ])?,
            db.prepare(
                "DELETE FROM call_events
                 WHERE call_id IN (SELECT id FROM calls
                                   WHERE created_at < ?1 AND status_rank >= ?2
                                   ORDER BY created_at LIMIT ?3)",
            )
            .bind(&[number(delete_before_ms), over.clone(), number(PER_RUN)])?,
            db.prepare(
                "DELETE FROM calls
                 WHERE id IN (SELECT id FROM calls
                              WHERE created_at < ?1 AND status_rank >= ?2
                              ORDER BY created_at LIMIT ?3)",
            )
            .bind(&[number(delete_before_ms), over, number(PER_RUN)])?,
            // The log of numbers shown to the operator names calls only; it goes with them.
            db.prepare("DELETE FROM admin_reveals WHERE at < ?1")
                .bind(&[number(delete_before_ms)])?,
            // Sessions ended or expired a day ago are of no use to anyone.
            db.prepare(
                "DELETE FROM admin_sessions
                 WHERE COALESCE(revoked_at, expires_at) < ?1",
            )
            .bind(&[number(now_ms.saturating_sub(86_400_000))])?,
        ],
    )
    .await?;
    let changes = |i: usize| results.get(i).map_or(0, d1::Outcome::changes);
    Ok(Expired {
        masked: changes(0),
        deleted: changes(2),
    })
}
