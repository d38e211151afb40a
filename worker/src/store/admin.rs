//! What the operator's view reads and writes: the filtered list of calls and its daily counts,
//! a call's full number and the log of who saw it (`admin_reveals`), a call back (a new attempt
//! of the same request), and dashboard sessions (`admin_sessions`).

use worker::wasm_bindgen::JsValue;
use worker::D1Database;

use super::d1::{self, Count, FromRow, Row, Run};
use super::{number, text};
use crate::json::Object;
use crate::operator::view::{like_escape, Filters, Search, CATEGORY_SQL};
use crate::status::{Outcome, Status, SCHEDULED_RANK};

/// A call as the operator sees it.
#[derive(Debug, Clone)]
pub struct AdminCall {
    /// The public handle.
    pub id: String,
    /// `live` or `sandbox`.
    pub mode: String,
    /// E.164 (masked before it is shown), or already its mask once `masked_at` is set.
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
    /// Why Exotel refused the call, where its answer said (`dnd`...).
    pub reason: Option<String>,
    /// `requested` or `failed`, when the number was sent to the DND whitelist.
    pub whitelist: Option<String>,
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
    /// The name the visitor gave.
    pub lead_name: Option<String>,
    /// The rest of the lead context, JSON.
    pub lead: Option<String>,
    /// When the number was cut to its mask, Unix ms.
    pub masked_at: Option<i64>,
    /// 1 when this is its request's latest attempt (the only one that can be called back).
    pub latest: Option<i64>,
}

impl FromRow for AdminCall {
    fn from_row(row: &Row) -> worker::Result<Self> {
        Ok(AdminCall {
            id: row.text("id")?,
            mode: row.text("mode")?,
            phone: row.text("phone")?,
            exotel_sid: row.optional_text("exotel_sid")?,
            status: row.text("status")?.into(),
            outcome: row.text("outcome")?.into(),
            failure: row.optional_text("failure")?,
            upstream_status: row.optional_number("upstream_status")?,
            reason: row.optional_text("reason")?,
            whitelist: row.optional_text("whitelist")?,
            request_id: row.optional_text("request_id")?,
            attempt: row.number("attempt")?,
            scheduled_for: row.optional_number("scheduled_for")?,
            duration: row.optional_number("duration")?,
            created_at: row.number("created_at")?,
            updated_at: row.number("updated_at")?,
            lead_name: row.optional_text("lead_name")?,
            lead: row.optional_text("lead")?,
            masked_at: row.optional_number("masked_at")?,
            latest: row.optional_number("latest")?,
        })
    }
}

const ADMIN_COLUMNS: &str =
    "id, mode, phone, exotel_sid, status, outcome, failure, upstream_status, reason, whitelist,
    request_id, attempt, scheduled_for, duration, created_at, updated_at, lead_name, lead,
    masked_at,
    attempt = (SELECT MAX(attempt) FROM calls AS later WHERE later.request_id = calls.request_id)
      AS latest";

/// One logged observation.
#[derive(Debug, Clone)]
pub struct AdminEvent {
    /// The call.
    pub call_id: String,
    /// `connect`, `callback`, `details`, `reconcile`, `operator`...
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

impl FromRow for AdminEvent {
    fn from_row(row: &Row) -> worker::Result<Self> {
        Ok(AdminEvent {
            call_id: row.text("call_id")?,
            source: row.text("source")?,
            status: row.text("status")?,
            detail: row.optional_text("detail")?,
            applied: row.number("applied")?,
            received_at: row.number("received_at")?,
        })
    }
}

/// The `WHERE` clause of a filtered list, with its parameters (`?1`...).
pub struct Selection {
    sql: String,
    params: Vec<JsValue>,
}

impl Selection {
    /// The calls `filters` pick, created in `[from_ms, to_ms)` (the dates already turned into
    /// instants in the business's zone).
    pub fn new(filters: &Filters, from_ms: Option<i64>, to_ms: Option<i64>) -> Selection {
        let mut clauses = vec!["1 = 1".to_owned()];
        let mut params = Vec::new();
        let mut add = |clause: &str, value: JsValue| {
            params.push(value);
            clauses.push(clause.replace('?', &format!("?{}", params.len())));
        };
        if let Some(category) = filters.category {
            add(&format!("({CATEGORY_SQL}) = ?"), text(category.as_str()));
        }
        if let Some(from) = from_ms {
            add("created_at >= ?", number(from.max(0) as u64));
        }
        if let Some(to) = to_ms {
            add("created_at < ?", number(to.max(0) as u64));
        }
        match &filters.search {
            Some(Search::Digits(digits)) => add("phone LIKE ?", text(&format!("%{digits}"))),
            Some(Search::Name(name)) => add(
                "lead_name LIKE ? ESCAPE '\\'",
                text(&format!("%{}%", like_escape(name))),
            ),
            None => {}
        }
        Selection {
            sql: clauses.join(" AND "),
            params,
        }
    }

    fn next(&self) -> usize {
        self.params.len() + 1
    }
}

/// A page of the selected calls, newest first, their events (oldest first), and how many
/// calls the selection holds in all.
pub async fn list(
    db: &D1Database,
    selection: &Selection,
    limit: u32,
    offset: u32,
) -> worker::Result<(Vec<AdminCall>, Vec<AdminEvent>, u64)> {
    let (l, o) = (selection.next(), selection.next() + 1);
    let page = format!(
        "SELECT id FROM calls WHERE {} ORDER BY created_at DESC, id LIMIT ?{l} OFFSET ?{o}",
        selection.sql
    );
    let mut params = selection.params.clone();
    params.push(number(u64::from(limit)));
    params.push(number(u64::from(offset)));
    let calls = db
        .prepare(format!(
            "SELECT {ADMIN_COLUMNS} FROM calls WHERE id IN ({page}) ORDER BY created_at DESC, id"
        ))
        .bind(&params)?;
    let events = db
        .prepare(format!(
            "SELECT call_id, source, status, detail, applied, received_at FROM call_events
             WHERE call_id IN ({page}) ORDER BY id"
        ))
        .bind(&params)?;
    let total = db
        .prepare(format!(
            "SELECT COUNT(*) AS n FROM calls WHERE {}",
            selection.sql
        ))
        .bind(&selection.params)?;
    let results = d1::batch(db, vec![calls, events, total]).await?;
    let mut results = results.into_iter();
    let calls = match results.next() {
        Some(result) => result.rows::<AdminCall>()?,
        None => Vec::new(),
    };
    let events = match results.next() {
        Some(result) => result.rows::<AdminEvent>()?,
        None => Vec::new(),
    };
    let total = match results.next() {
        Some(result) => result.first::<Count>()?.map_or(0, |c| c.n),
        None => 0,
    };
    Ok((calls, events, total))
}

/// Up to `max` of the selected calls, newest first, without their events (the CSV export).
pub async fn export(
    db: &D1Database,
    selection: &Selection,
    max: u32,
) -> worker::Result<Vec<AdminCall>> {
    let mut params = selection.params.clone();
    params.push(number(u64::from(max)));
    db.prepare(format!(
        "SELECT {ADMIN_COLUMNS} FROM calls WHERE {} ORDER BY created_at DESC, id LIMIT ?{}",
        selection.sql,
        selection.next()
    ))
    .bind(&params)?
    .rows::<AdminCall>()
    .await
}

/// Selected calls counted per quarter hour (Unix ms / 900 000) and category: every time zone's
/// offset is a whole number of quarter hours, so the caller can add them up per local day.
#[derive(Debug, Clone)]
pub struct QuarterCount {
    /// `created_at / 900000`.
    pub quarter: i64,
    /// [`crate::operator::view::Category`]'s wire name.
    pub category: String,
    /// Calls.
    pub n: u64,
}

impl FromRow for QuarterCount {
    fn from_row(row: &Row) -> worker::Result<Self> {
        Ok(QuarterCount {
            quarter: row.number("quarter")?,
            category: row.text("category")?,
            n: row.number("n")?,
        })
    }
}

/// The selection's calls counted per quarter hour and category.
pub async fn quarter_counts(
    db: &D1Database,
    selection: &Selection,
) -> worker::Result<Vec<QuarterCount>> {
    db.prepare(format!(
        "SELECT created_at / 900000 AS quarter, {CATEGORY_SQL} AS category, COUNT(*) AS n
         FROM calls WHERE {} GROUP BY quarter, category ORDER BY quarter",
        selection.sql
    ))
    .bind(&selection.params)?
    .rows::<QuarterCount>()
    .await
}

/// One call, by its id.
pub async fn find(db: &D1Database, id: &str) -> worker::Result<Option<AdminCall>> {
    db.prepare(format!("SELECT {ADMIN_COLUMNS} FROM calls WHERE id = ?1"))
        .bind(&[text(id)])?
        .first_row::<AdminCall>()
        .await
}

/// One call's events, oldest first.
pub async fn events(db: &D1Database, id: &str) -> worker::Result<Vec<AdminEvent>> {
    db.prepare(
        "SELECT call_id, source, status, detail, applied, received_at FROM call_events
         WHERE call_id = ?1 ORDER BY id",
    )
    .bind(&[text(id)])?
    .rows::<AdminEvent>()
    .await
}

/// Records that `operator` was shown call `call_id`'s full number.
pub async fn log_reveal(
    db: &D1Database,
    call_id: &str,
    operator: &str,
    now_ms: u64,
) -> worker::Result<()> {
    db.prepare("INSERT INTO admin_reveals (call_id, operator, at) VALUES (?1, ?2, ?3)")
        .bind(&[text(call_id), text(operator), number(now_ms)])?
        .execute()
        .await?;
    Ok(())
}

/// How many times call `call_id`'s number was shown.
pub async fn reveal_count(db: &D1Database, call_id: &str) -> worker::Result<u64> {
    Ok(db
        .prepare("SELECT COUNT(*) AS n FROM admin_reveals WHERE call_id = ?1")
        .bind(&[text(call_id)])?
        .first_row::<Count>()
        .await?
        .map_or(0, |c| c.n))
}

/// Stores the next attempt of call `from`'s request, due now, as the cron would find a second
/// try (`scheduled`), with the request's number and lead context, and logs who asked. Only
/// when `from` is its request's latest attempt and its number is whole: two clicks (or a
/// retry already stored) never make two calls. Returns whether it was stored.
pub async fn insert_call_back(
    db: &D1Database,
    from: &str,
    new_id: &str,
    mode: &str,
    callback_base: &str,
    operator: &str,
    now_ms: u64,
) -> worker::Result<bool> {
    // `operator` is ours (`token`, `session:...`, `access:<email>`), quoted all the same.
    let detail = Object::new().string("requestedBy", operator).finish();
    let results = d1::batch(db, vec![
            db.prepare(
                "INSERT INTO calls (id, request_id, attempt, mode, phone, status, status_rank,
                                    outcome, scheduled_for, callback_base, lead_name, lead,
                                    phone_masked, created_at, updated_at)
                 SELECT ?1, c.request_id, c.attempt + 1, ?2, c.phone, 'scheduled', ?3,
                        'scheduled', ?4, COALESCE(c.callback_base, ?5), c.lead_name, c.lead,
                        c.phone_masked, ?4, ?4
                 FROM calls c
                 WHERE c.id = ?6 AND c.masked_at IS NULL AND c.request_id IS NOT NULL
                   AND c.attempt = (SELECT MAX(attempt) FROM calls WHERE request_id = c.request_id)",
            )
            .bind(&[
                text(new_id),
                text(mode),
                number(SCHEDULED_RANK as u64),
                number(now_ms),
                text(callback_base),
                text(from),
            ])?,
            db.prepare(
                "INSERT INTO call_events
                   (call_id, source, status, detail, dedupe_key, applied, received_at)
                 SELECT ?1, 'operator', 'scheduled', ?2, 'call-back', 1, ?3 WHERE changes() > 0",
            )
            .bind(&[text(new_id), text(&detail), number(now_ms)])?,
        ])
        .await?;
    match results.first() {
        Some(result) => Ok(result.changed()),
        None => Ok(false),
    }
}

/// Stores a new dashboard session, and drops the ones that ended over a day ago.
pub async fn create_session(
    db: &D1Database,
    id: &str,
    now_ms: u64,
    expires_ms: u64,
) -> worker::Result<()> {
    d1::batch(
        db,
        vec![
            db.prepare("DELETE FROM admin_sessions WHERE expires_at < ?1")
                .bind(&[number(now_ms.saturating_sub(86_400_000))])?,
            db.prepare(
                "INSERT INTO admin_sessions (id, created_at, expires_at) VALUES (?1, ?2, ?3)",
            )
            .bind(&[text(id), number(now_ms), number(expires_ms)])?,
        ],
    )
    .await?;
    Ok(())
}

/// Whether session `id` exists, has not expired and was not signed out.
pub async fn session_live(db: &D1Database, id: &str, now_ms: u64) -> worker::Result<bool> {
    Ok(db
        .prepare(
            "SELECT COUNT(*) AS n FROM admin_sessions
             WHERE id = ?1 AND revoked_at IS NULL AND expires_at > ?2",
        )
        .bind(&[text(id), number(now_ms)])?
        .first_row::<Count>()
        .await?
        .is_some_and(|c| c.n > 0))
}

/// Signs session `id` out for good.
pub async fn revoke_session(db: &D1Database, id: &str, now_ms: u64) -> worker::Result<()> {
    db.prepare("UPDATE admin_sessions SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL")
        .bind(&[text(id), number(now_ms)])?
        .execute()
        .await?;
    Ok(())
}
