//! Sliding-window rate limits and call budgets, over `rate_events` (migrations/0002).
//!
//! A limit is "at most `max` rows of one bucket in the last `window_s` seconds". One row can
//! count in several windows of its bucket (a number's hourly and daily limits share rows), and
//! every check-and-count is one SQLite statement, so concurrent requests cannot slip through
//! together: D1 runs one statement (and one batch) at a time.

use worker::{D1Database, D1PreparedStatement};

use super::calls::NewCall;
use super::d1::{self, Count, FromRow, Row, Run};
use super::{number, text};
use crate::config::Limit;
use crate::events::{CallEvent, Targets};

/// The bucket every placed call counts in, for the call budgets.
pub const BUDGET_BUCKET: &str = "b:calls";

/// One bucket and the limits its rows are counted against.
#[derive(Debug, Clone)]
pub struct Bucket<'a> {
    /// The bucket's key (a keyed hash, or [`BUDGET_BUCKET`]).
    pub key: &'a str,
    /// Its limits.
    pub limits: Vec<Limit>,
}

/// Which limit refused a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A call budget: calls are paused for everyone.
    Budget,
    /// The destination number's limit.
    Number,
    /// The client network's limit.
    Client,
}

/// How [`admit_call`] went.
#[derive(Debug, PartialEq, Eq)]
pub enum Admission {
    /// The call is stored (`queued`, outcome `placing`) and counted in every bucket.
    Admitted,
    /// A limit is reached; a slot frees in this many seconds. Nothing was stored or counted.
    Refused {
        /// Which.
        by: Refusal,
        /// Seconds until it frees a slot.
        retry_after: u32,
    },
    /// Another call already holds this idempotency key, or another cron run claimed this due
    /// call first. Nothing was stored or counted.
    KeyTaken,
}

/// The buckets a call counts in, in the order refusals are reported: budgets first (they
/// pause calls for everyone, which the visitor should hear), then the number, then the client.
/// A bucket with no limits counts nothing.
pub struct CallBuckets<'a> {
    /// [`BUDGET_BUCKET`] with the hourly and daily budgets (none for a call asked for later:
    /// it counts when it is placed).
    pub budget: Bucket<'a>,
    /// The destination's bucket with its hourly and daily limits.
    pub number: Bucket<'a>,
    /// The client network's bucket with its limit (none for a call the cron places).
    pub client: Bucket<'a>,
}

impl<'a> CallBuckets<'a> {
    /// The buckets of a call: the budgets (`budgets`, empty for a call asked for later), the
    /// number's limits, and the client network's (`client`, empty for a call the cron places).
    pub fn new(
        budgets: Vec<Limit>,
        number: (&'a str, Vec<Limit>),
        client: (&'a str, Vec<Limit>),
    ) -> CallBuckets<'a> {
        CallBuckets {
            budget: Bucket {
                key: BUDGET_BUCKET,
                limits: budgets,
            },
            number: Bucket {
                key: number.0,
                limits: number.1,
            },
            client: Bucket {
                key: client.0,
                limits: client.1,
            },
        }
    }
}

/// Stores a new request's first attempt (placing now, or waiting for its time) and counts it in
/// every bucket, all or nothing, in one D1 batch (one round trip, one transaction):
/// 1. one row per bucket is inserted only if every limit of every bucket has room;
/// 2. the call is inserted only if step 1 was (`changes()`); a taken idempotency key fails the
///    UNIQUE index, which rolls the whole batch back;
/// 3. each limit's count and, when full, the time its oldest counted row leaves the window:
///    read only when the call was refused, to say which limit and for how long.
///
/// The same batch queues the call's first event (`call.requested`, or `call.scheduled` for a
/// call placed later) for `targets`, when it is stored.
pub async fn admit_call(
    db: &D1Database,
    call: &NewCall<'_>,
    buckets: &CallBuckets<'_>,
    now_ms: u64,
    targets: &Targets,
) -> worker::Result<Admission> {
    let insert = super::calls::insert_if_counted(db, call, now_ms)?;
    let event = match call.scheduled_for {
        Some(_) => CallEvent::Scheduled,
        None => CallEvent::Requested,
    };
    let events = super::outbox::enqueue(db, targets, event, call.id.as_str(), now_ms)?;
    admit_where(db, buckets, insert, None, events, now_ms).await
}

/// Claims the scheduled call `id` for placing and counts it in its buckets, all or nothing, in
/// one batch, as [`admit_call`] does for a new call. A call another cron run claimed first
/// counts nowhere and comes back as [`Admission::KeyTaken`].
pub async fn admit_due(
    db: &D1Database,
    id: &str,
    buckets: &CallBuckets<'_>,
    now_ms: u64,
) -> worker::Result<Admission> {
    let claim = super::calls::claim_due_if_counted(db, id, now_ms)?;
    // Counted only while the call is still unclaimed: the count statement's own condition.
    admit_where(db, buckets, claim, Some(id), None, now_ms).await
}

/// Counts in `buckets` and runs `then` if every limit has room (and, with `unclaimed`, the
/// call is still waiting), then `events`, all in one batch.
async fn admit_where(
    db: &D1Database,
    buckets: &CallBuckets<'_>,
    then: D1PreparedStatement,
    unclaimed: Option<&str>,
    events: Option<D1PreparedStatement>,
    now_ms: u64,
) -> worker::Result<Admission> {
    let ordered = [
        (Refusal::Budget, &buckets.budget),
        (Refusal::Number, &buckets.number),
        (Refusal::Client, &buckets.client),
    ];
    let checks: Vec<(Refusal, &str, Limit)> = ordered
        .iter()
        .flat_map(|(refusal, bucket)| {
            bucket
                .limits
                .iter()
                .map(move |limit| (*refusal, bucket.key, *limit))
        })
        .collect();

    let mut params = vec![number(now_ms)];
    let mut rows = Vec::new();
    for (_, bucket) in ordered.iter().filter(|(_, b)| !b.limits.is_empty()) {
        params.push(text(bucket.key));
        rows.push(format!("(?{})", params.len()));
    }
    let mut conditions = vec!["1".to_owned()];
    for (_, key, limit) in &checks {
        params.push(text(key));
        params.push(number(since(*limit, now_ms)));
        params.push(number(u64::from(limit.max)));
        let n = params.len();
        conditions.push(format!(
            "(SELECT COUNT(*) FROM rate_events WHERE bucket = ?{} AND at > ?{}) < ?{n}",
            n - 2,
            n - 1
        ));
    }
    if let Some(id) = unclaimed {
        params.push(text(id));
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM calls WHERE id = ?{} AND outcome = 'scheduled')",
            params.len()
        ));
    }
    // Every call counts in at least one bucket (the client's when asked, the budget's when
    // placed), so `VALUES` is never empty.
    let count = db
        .prepare(format!(
            "INSERT INTO rate_events (bucket, at)
             SELECT column1, ?1 FROM (VALUES {}) WHERE {}",
            rows.join(", "),
            conditions.join(" AND ")
        ))
        .bind(&params)?;
    let state = limit_state(db, &checks, now_ms)?;
    let mut statements = vec![count, then, state];
    statements.extend(events);
    match d1::batch(db, statements).await {
        Ok(results) => {
            let admitted = match results.get(1) {
                Some(result) => result.changed(),
                None => false,
            };
            if admitted {
                return Ok(Admission::Admitted);
            }
            let state = match results.get(2) {
                Some(result) => result.first::<LimitState>()?,
                None => None,
            };
            Ok(match refusal(&checks, state.as_ref(), now_ms) {
                Some(refused) => refused,
                // Nothing full, and not claimed: another cron run claimed it first.
                None if unclaimed.is_some() => Admission::KeyTaken,
                // Nothing full now: the limit that refused freed a slot in between.
                None => Admission::Refused {
                    by: Refusal::Client,
                    retry_after: 1,
                },
            })
        }
        Err(e) if e.to_string().contains("UNIQUE") => Ok(Admission::KeyTaken),
        Err(e) => Err(e),
    }
}

/// [`limit_state`]'s row: for each check, its count and the time that keeps it full.
struct LimitState {
    counts: Vec<(Option<u64>, Option<u64>)>,
}

impl FromRow for LimitState {
    fn from_row(row: &Row) -> worker::Result<Self> {
        let mut counts = Vec::new();
        // As many pairs as there were checks; the row ends where `n<i>` is missing.
        while let Some(n) = row.optional_number(&format!("n{}", counts.len()))? {
            let at = row.optional_number(&format!("t{}", counts.len()))?;
            counts.push((Some(n), at));
        }
        Ok(LimitState { counts })
    }
}

/// The first full limit in `row` (from [`limit_state`]), as a refusal. A check the row does not
/// report counts as full: the state could not be read, so nothing is known to have room.
fn refusal(
    checks: &[(Refusal, &str, Limit)],
    row: Option<&LimitState>,
    now_ms: u64,
) -> Option<Admission> {
    for (i, (refusal, _, limit)) in checks.iter().enumerate() {
        let (count, oldest) = row
            .and_then(|r| r.counts.get(i).copied())
            .unwrap_or((None, None));
        if count.unwrap_or(u64::MAX) >= u64::from(limit.max) {
            return Some(Admission::Refused {
                by: *refusal,
                retry_after: retry_after(oldest, *limit, now_ms),
            });
        }
    }
    None
}

/// For each check `i`: `n<i>`, the rows in its window, and `t<i>`, when the row that keeps it
/// full was counted (the `max`-th newest: once it leaves the window, a slot is free).
fn limit_state(
    db: &D1Database,
    checks: &[(Refusal, &str, Limit)],
    now_ms: u64,
) -> worker::Result<D1PreparedStatement> {
    let mut params = Vec::new();
    let mut columns = Vec::new();
    for (i, (_, key, limit)) in checks.iter().enumerate() {
        params.push(text(key));
        params.push(number(since(*limit, now_ms)));
        params.push(number(u64::from(limit.max.saturating_sub(1))));
        let n = params.len();
        columns.push(format!(
            "(SELECT COUNT(*) FROM rate_events WHERE bucket = ?{b} AND at > ?{s}) AS n{i},
             (SELECT at FROM rate_events WHERE bucket = ?{b} AND at > ?{s}
              ORDER BY at DESC LIMIT 1 OFFSET ?{n}) AS t{i}",
            b = n - 2,
            s = n - 1,
        ));
    }
    if columns.is_empty() {
        return db.prepare("SELECT 0 AS none").bind(&[]);
    }
    // Run right after the statement the limits guard: when it changed a row (the call was
    // admitted) nobody reads the state, and its counts walk every row in each window.
    db.prepare(format!("SELECT {} WHERE changes() = 0", columns.join(", ")))
        .bind(&params)
}

/// Counts one event against `bucket` if `limit` has room: `None` when counted, else the
/// seconds until a slot frees. One statement checks and counts; a second reads the wait.
pub async fn count(
    db: &D1Database,
    bucket: &str,
    limit: Limit,
    now_ms: u64,
) -> worker::Result<Option<u32>> {
    let insert = db
        .prepare(
            "INSERT INTO rate_events (bucket, at)
             SELECT ?1, ?2
             WHERE (SELECT COUNT(*) FROM rate_events WHERE bucket = ?1 AND at > ?3) < ?4",
        )
        .bind(&[
            text(bucket),
            number(now_ms),
            number(since(limit, now_ms)),
            number(u64::from(limit.max)),
        ])?;
    let wait = oldest_counted(db, bucket, limit, now_ms)?;
    let results = d1::batch(db, vec![insert, wait]).await?;
    let counted = match results.first() {
        Some(result) => result.changed(),
        None => false,
    };
    if counted {
        return Ok(None);
    }
    let oldest = match results.get(1) {
        Some(result) => result.first::<At>()?.map(|row| row.at),
        None => None,
    };
    Ok(Some(retry_after(oldest, limit, now_ms)))
}

/// Whether `bucket` is at `limit` now, without counting anything: the seconds until a slot
/// frees, or `None` when there is room.
pub async fn full(
    db: &D1Database,
    bucket: &str,
    limit: Limit,
    now_ms: u64,
) -> worker::Result<Option<u32>> {
    let oldest = oldest_counted(db, bucket, limit, now_ms)?
        .first_row::<At>()
        .await?
        .map(|row| row.at);
    Ok(match oldest {
        Some(at) => Some(retry_after(Some(at), limit, now_ms)),
        None if limit.max == 0 => Some(retry_after(None, limit, now_ms)),
        None => None,
    })
}

/// How many rows `bucket` has in `limit`'s window.
pub async fn used(db: &D1Database, bucket: &str, limit: Limit, now_ms: u64) -> worker::Result<u64> {
    let row = db
        .prepare("SELECT COUNT(*) AS n FROM rate_events WHERE bucket = ?1 AND at > ?2")
        .bind(&[text(bucket), number(since(limit, now_ms))])?
        .first_row::<Count>()
        .await?;
    Ok(row.map_or(0, |row| row.n))
}

struct At {
    at: u64,
}

impl FromRow for At {
    fn from_row(row: &Row) -> worker::Result<Self> {
        Ok(At {
            at: row.number("at")?,
        })
    }
}

/// The `max`-th newest row of `bucket` in `limit`'s window: the one that keeps it full.
fn oldest_counted(
    db: &D1Database,
    bucket: &str,
    limit: Limit,
    now_ms: u64,
) -> worker::Result<D1PreparedStatement> {
    if limit.max == 0 {
        // No row can make room in a limit of zero: ask for nothing.
        return db.prepare("SELECT at FROM rate_events WHERE 0").bind(&[]);
    }
    db.prepare(
        "SELECT at FROM rate_events WHERE bucket = ?1 AND at > ?2
         ORDER BY at DESC LIMIT 1 OFFSET ?3",
    )
    .bind(&[
        text(bucket),
        number(since(limit, now_ms)),
        number(u64::from(limit.max - 1)),
    ])
}

/// The start of `limit`'s window.
fn since(limit: Limit, now_ms: u64) -> u64 {
    now_ms.saturating_sub(u64::from(limit.window_s) * 1000)
}

/// Seconds until the row counted at `oldest_ms` leaves the window (at least 1); the whole
/// window when no row can free a slot.
fn retry_after(oldest_ms: Option<u64>, limit: Limit, now_ms: u64) -> u32 {
    let window_ms = u64::from(limit.window_s) * 1000;
    let wait_ms = match oldest_ms {
        Some(at) if limit.max > 0 => (at + window_ms).saturating_sub(now_ms),
        _ => window_ms,
    };
    wait_ms.div_ceil(1000).clamp(1, u64::from(u32::MAX)) as u32
}

/// Forgets rate-limit rows older than `before_ms` (every window has passed them).
pub async fn prune(db: &D1Database, before_ms: u64) -> worker::Result<()> {
    db.prepare("DELETE FROM rate_events WHERE at <= ?1")
        .bind(&[number(before_ms)])?
        .execute()
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_until_the_oldest_counted_row_leaves() {
        let limit = Limit {
            max: 3,
            window_s: 60,
        };
        assert_eq!(retry_after(Some(1_000), limit, 31_000), 30);
        assert_eq!(retry_after(Some(1_000), limit, 60_999), 1);
        assert_eq!(
            retry_after(Some(1_000), limit, 70_000),
            1,
            "at least a second"
        );
        assert_eq!(retry_after(None, limit, 5_000), 60);
        let closed = Limit {
            max: 0,
            window_s: 3600,
        };
        assert_eq!(retry_after(Some(1_000), closed, 5_000), 3600);
    }
}
