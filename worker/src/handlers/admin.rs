//! The operator's API, behind a session, `Authorization: Bearer <ADMIN_TOKEN>` or Cloudflare
//! Access (see [`crate::operator`]). Without `ADMIN_TOKEN` none of it exists (404); with one
//! shorter than 32 characters it answers `503 not_configured`.
//!
//! - `GET /api/admin/calls`: the filtered list (newest first, paged), the call budgets' state
//!   and any configuration warning. Numbers are masked (`+91******3210`).
//! - `GET /api/admin/stats`: calls per local day by category, for the chart.
//! - `GET /api/admin/calls.csv`: the filtered list as CSV (numbers masked).
//! - `POST /api/admin/calls/{id}/reveal`: one call's full number, logged.
//! - `POST /api/admin/calls/{id}/call-back`: a new attempt of a missed or failed call, placed
//!   through the same path and guards as a call the cron places.

use worker::Response;

use crate::request::Request;

use crate::app::App;
use crate::config::Limit;
use crate::error::ApiError;
use crate::guard::mask_phone;
use crate::hours::schedule::Date;
use crate::http::{self, json};
use crate::ids::CallId;
use crate::json::{array, read_json, write_value, Object, ToJson, Value};
use crate::log;
use crate::operator;
use crate::operator::view::{self, csv_record, Category, Filters, MAX_EXPORT_ROWS, UTF8_BOM};
use crate::placement::place_due;
use crate::store::admin::{self as store, AdminCall, AdminEvent, Selection};
use crate::store::calls::find_call;
use crate::store::limits::{self, BUDGET_BUCKET};
use crate::time::{now_ms, rfc3339};

const DAY_MS: i64 = 86_400_000;
/// Days the chart covers when `from=` is not given.
const DEFAULT_CHART_DAYS: i64 = 30;
/// The most days one chart covers.
const MAX_CHART_DAYS: i64 = 366;

struct Event<'a> {
    source: &'a str,
    status: &'a str,
    applied: bool,
    received_at: String,
    /// The stored detail, JSON text of a non-empty object; left out otherwise.
    detail: Option<&'a str>,
}

impl ToJson for Event<'_> {
    fn to_json(&self) -> String {
        let event = Object::new()
            .string("source", self.source)
            .string("status", self.status)
            .boolean("applied", self.applied)
            .string("receivedAt", &self.received_at);
        match self.detail {
            Some(detail) => event.raw("detail", detail),
            None => event,
        }
        .finish()
    }
}

struct CallRow<'a> {
    id: &'a str,
    mode: &'a str,
    phone: String,
    /// Whether the number was cut to its mask for good (it can no longer be revealed).
    masked: bool,
    exotel_sid: Option<&'a str>,
    status: &'a str,
    category: &'static str,
    can_call_back: bool,
    outcome: &'a str,
    failure: Option<&'a str>,
    upstream_status: Option<u16>,
    /// Why Exotel refused the call (`dnd`...), where its answer said.
    reason: Option<&'a str>,
    /// `requested` or `failed`: the number was sent to the DND whitelist.
    whitelist: Option<&'a str>,
    request_id: Option<&'a str>,
    attempt: u32,
    scheduled_for: Option<String>,
    duration: Option<i64>,
    lead_name: Option<&'a str>,
    /// The stored lead context, JSON text of an object; `null` otherwise.
    lead: Option<&'a str>,
    created_at: String,
    updated_at: String,
    events: Vec<Event<'a>>,
}

impl ToJson for CallRow<'_> {
    fn to_json(&self) -> String {
        Object::new()
            .string("id", self.id)
            .string("mode", self.mode)
            .string("phone", &self.phone)
            .boolean("masked", self.masked)
            .string_or_null("exotelSid", self.exotel_sid)
            .string("status", self.status)
            .string("category", self.category)
            .boolean("canCallBack", self.can_call_back)
            .string("outcome", self.outcome)
            .string_or_null("failure", self.failure)
            .number_or_null("upstreamStatus", self.upstream_status)
            .string_or_null("reason", self.reason)
            .string_or_null("whitelist", self.whitelist)
            .string_or_null("requestId", self.request_id)
            .number("attempt", self.attempt)
            .string_or_null("scheduledFor", self.scheduled_for.as_deref())
            .number_or_null("duration", self.duration)
            .string_or_null("leadName", self.lead_name)
            .raw("lead", self.lead.unwrap_or("null"))
            .string("createdAt", &self.created_at)
            .string("updatedAt", &self.updated_at)
            .raw("events", &array(self.events.iter().map(Event::to_json)))
            .finish()
    }
}

struct BudgetUse {
    used: u64,
    max: u32,
}

impl ToJson for BudgetUse {
    fn to_json(&self) -> String {
        Object::new()
            .number("used", self.used)
            .number("max", self.max)
            .finish()
    }
}

struct Budgets {
    per_hour: BudgetUse,
    per_day: BudgetUse,
    /// Whether a budget is reached: no call is placed until it frees.
    paused: bool,
}

impl ToJson for Budgets {
    fn to_json(&self) -> String {
        Object::new()
            .raw("perHour", &self.per_hour.to_json())
            .raw("perDay", &self.per_day.to_json())
            .boolean("paused", self.paused)
            .finish()
    }
}

struct Listing<'a> {
    calls: Vec<CallRow<'a>>,
    /// Calls the filters select in all.
    total: u64,
    /// `offset=` for the next page, when there is one.
    next_offset: Option<u32>,
    budgets: Budgets,
    /// Configuration the operator should look at (toll-fraud ranges let in).
    warnings: Vec<String>,
}

impl ToJson for Listing<'_> {
    fn to_json(&self) -> String {
        Object::new()
            .raw("calls", &array(self.calls.iter().map(CallRow::to_json)))
            .number("total", self.total)
            .number_or_null("nextOffset", self.next_offset)
            .raw("budgets", &self.budgets.to_json())
            .strings("warnings", &self.warnings)
            .finish()
    }
}

fn filters(req: &Request) -> Result<Filters, ApiError> {
    view::parse_filters(http::query(req.url())).map_err(ApiError::invalid_request)
}

/// The local date of an instant, in the business's zone (UTC without one).
fn local_date(app: &App, ms: i64) -> Date {
    match &app.config.hours {
        Ok(hours) => hours.local(ms).0,
        Err(_) => Date::from_days(ms.div_euclid(DAY_MS)),
    }
}

/// The instant a local date starts.
fn start_of(app: &App, date: Date) -> i64 {
    match &app.config.hours {
        Ok(hours) => hours.instant(date, 0),
        Err(_) => date.days() * DAY_MS,
    }
}

fn zone_name(app: &App) -> String {
    match &app.config.hours {
        Ok(hours) => hours.zone.name().to_owned(),
        Err(_) => "UTC".to_owned(),
    }
}

fn selection(app: &App, filters: &Filters) -> Selection {
    let from = filters.from.map(|d| start_of(app, d));
    let to = filters
        .to
        .map(|d| start_of(app, Date::from_days(d.days() + 1)));
    Selection::new(filters, from, to)
}

/// `GET /api/admin/calls`: `?status=`, `?from=`/`?to=` (local dates), `?q=`, `?limit=`
/// (default 50, at most 200), `?offset=`.
pub async fn list(req: Request, app: &App) -> Result<Response, ApiError> {
    operator::require(&req, app).await?;
    let filters = filters(&req)?;
    let db = app.db()?;
    let selection = selection(app, &filters);
    let (calls, events, total) =
        store::list(&db, &selection, filters.limit, filters.offset).await?;
    let rows = calls.iter().map(|call| row(call, &events)).collect();
    let next = filters.offset.saturating_add(filters.limit);
    let budgets = &app.config.budgets;
    let per_hour = budget_use(&db, budgets.per_hour).await?;
    let per_day = budget_use(&db, budgets.per_day).await?;
    let paused = per_hour.used >= u64::from(per_hour.max) || per_day.used >= u64::from(per_day.max);
    Ok(json(
        200,
        &Listing {
            calls: rows,
            total,
            next_offset: (u64::from(next) < total).then_some(next),
            budgets: Budgets {
                per_hour,
                per_day,
                paused,
            },
            warnings: warnings(app),
        },
    )?)
}

/// What the operator should look at: toll-fraud ranges let in, notification settings that
/// cannot be used.
fn warnings(app: &App) -> Vec<String> {
    let mut warnings = app.config.guards.allowed_prefixes.toll_fraud_warnings();
    warnings.extend(app.config.notifications.problems.iter().cloned());
    warnings
}

struct Day {
    date: String,
    answered: u64,
    missed: u64,
    failed: u64,
    scheduled: u64,
    in_progress: u64,
    canceled: u64,
}

impl ToJson for Day {
    fn to_json(&self) -> String {
        Object::new()
            .string("date", &self.date)
            .number("answered", self.answered)
            .number("missed", self.missed)
            .number("failed", self.failed)
            .number("scheduled", self.scheduled)
            .number("inProgress", self.in_progress)
            .number("canceled", self.canceled)
            .finish()
    }
}

struct Stats {
    zone: String,
    from: String,
    to: String,
    days: Vec<Day>,
}

impl ToJson for Stats {
    fn to_json(&self) -> String {
        Object::new()
            .string("zone", &self.zone)
            .string("from", &self.from)
            .string("to", &self.to)
            .raw("days", &array(self.days.iter().map(Day::to_json)))
            .finish()
    }
}

/// `GET /api/admin/stats`: calls per local day by category over `?from=`..`?to=` (default the
/// last 30 days, at most 366), with the list's other filters.
pub async fn stats(req: Request, app: &App) -> Result<Response, ApiError> {
    operator::require(&req, app).await?;
    let mut filters = filters(&req)?;
    let today = local_date(app, now_ms() as i64);
    let to = filters.to.unwrap_or(today);
    let from = filters
        .from
        .unwrap_or_else(|| Date::from_days(to.days() - (DEFAULT_CHART_DAYS - 1)));
    if to.days() < from.days() {
        return Err(ApiError::invalid_request(format!(
            "expected ?to= on or after ?from=, but {to} is before {from}"
        )));
    }
    if to.days() - from.days() >= MAX_CHART_DAYS {
        return Err(ApiError::invalid_request(format!(
            "expected at most {MAX_CHART_DAYS} days between ?from= and ?to="
        )));
    }
    filters.from = Some(from);
    filters.to = Some(to);
    let db = app.db()?;
    let counts = store::quarter_counts(&db, &selection(app, &filters)).await?;
    let mut days: Vec<Day> = (from.days()..=to.days())
        .map(|d| Day {
            date: Date::from_days(d).to_string(),
            answered: 0,
            missed: 0,
            failed: 0,
            scheduled: 0,
            in_progress: 0,
            canceled: 0,
        })
        .collect();
    for count in counts {
        let date = local_date(app, count.quarter * 900_000);
        let Some(day) = usize::try_from(date.days() - from.days())
            .ok()
            .and_then(|i| days.get_mut(i))
        else {
            continue;
        };
        let slot = match Category::parse(&count.category) {
            Some(Category::Answered) => &mut day.answered,
            Some(Category::Missed) => &mut day.missed,
            Some(Category::Failed) | None => &mut day.failed,
            Some(Category::Scheduled) => &mut day.scheduled,
            Some(Category::InProgress) => &mut day.in_progress,
            Some(Category::Canceled) => &mut day.canceled,
        };
        *slot += count.n;
    }
    Ok(json(
        200,
        &Stats {
            zone: zone_name(app),
            from: from.to_string(),
            to: to.to_string(),
            days,
        },
    )?)
}

/// `GET /api/admin/calls.csv`: the filtered list (up to 5 000 calls, no paging), UTF-8 with a
/// byte-order mark, RFC 4180, numbers masked, formula-like cells neutralised.
pub async fn export(req: Request, app: &App) -> Result<Response, ApiError> {
    let operator = operator::require(&req, app).await?;
    let filters = filters(&req)?;
    let db = app.db()?;
    let calls = store::export(&db, &selection(app, &filters), MAX_EXPORT_ROWS).await?;
    let mut out = String::from(UTF8_BOM);
    csv_record(
        &[
            "id",
            "request_id",
            "attempt",
            "created_at",
            "category",
            "status",
            "outcome",
            "failure",
            "reason",
            "duration_s",
            "phone",
            "name",
            "note",
            "page",
            "referrer",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_term",
            "utm_content",
            "consent",
        ],
        &mut out,
    );
    for call in &calls {
        let lead = call.lead.as_deref().and_then(object);
        let field = |path: &[&str]| -> String {
            let mut value = lead.as_ref();
            for key in path {
                value = value.and_then(|v| v.get(key));
            }
            match value {
                Some(Value::Text(s)) => s.to_string(),
                Some(Value::Bool(b)) => b.to_string(),
                None | Some(Value::Null) => String::new(),
                Some(other) => {
                    let mut text = String::new();
                    write_value(other, &mut text);
                    text
                }
            }
        };
        csv_record(
            &[
                call.id.clone(),
                call.request_id.clone().unwrap_or_default(),
                call.attempt.to_string(),
                rfc3339(call.created_at.max(0) as u64),
                Category::of(call.status.as_str(), call.outcome.as_str())
                    .as_str()
                    .to_owned(),
                call.status.as_str().to_owned(),
                call.outcome.as_str().to_owned(),
                call.failure.clone().unwrap_or_default(),
                call.reason.clone().unwrap_or_default(),
                call.duration.map(|d| d.to_string()).unwrap_or_default(),
                mask_phone(&call.phone),
                call.lead_name.clone().unwrap_or_default(),
                field(&["note"]),
                field(&["page"]),
                field(&["referrer"]),
                field(&["utm", "source"]),
                field(&["utm", "medium"]),
                field(&["utm", "campaign"]),
                field(&["utm", "term"]),
                field(&["utm", "content"]),
                field(&["consent", "given"]),
            ],
            &mut out,
        );
    }
    log::info(log::Event::AdminExport)
        .count(calls.len())
        .text("operator", operator.label())
        .emit();
    let date = local_date(app, now_ms() as i64);
    let mut response = Response::from_bytes(out.into_bytes())?.with_status(200);
    let headers = response.headers_mut();
    headers.set("Content-Type", "text/csv; charset=utf-8")?;
    headers.set(
        "Content-Disposition",
        &format!("attachment; filename=\"calls-{date}.csv\""),
    )?;
    crate::guard::api_headers(headers)?;
    Ok(response)
}

struct Revealed<'a> {
    id: &'a str,
    phone: &'a str,
    /// Times this number has been shown, this one included.
    reveals: u64,
}

impl ToJson for Revealed<'_> {
    fn to_json(&self) -> String {
        Object::new()
            .string("id", self.id)
            .string("phone", self.phone)
            .number("reveals", self.reveals)
            .finish()
    }
}

/// `POST /api/admin/calls/{id}/reveal`: the call's full number. Logged (who, which call, when)
/// in `admin_reveals` and on the console (without the number). A number already cut to its
/// mask is gone: `409 phone_masked`.
pub async fn reveal(req: Request, id: &str, app: &App) -> Result<Response, ApiError> {
    let operator = operator::require(&req, app).await?;
    let db = app.db()?;
    let call = find(&db, id).await?;
    if call.masked_at.is_some() {
        return Err(ApiError::phone_masked());
    }
    let now = now_ms();
    store::log_reveal(&db, &call.id, &operator.label(), now).await?;
    log::info(log::Event::AdminReveal)
        .call(&call.id)
        .text("operator", operator.label())
        .emit();
    let reveals = store::reveal_count(&db, &call.id).await?;
    Ok(json(
        200,
        &Revealed {
            id: &call.id,
            phone: &call.phone,
            reveals,
        },
    )?)
}

struct CalledBack<'a> {
    call: CallRow<'a>,
}

impl ToJson for CalledBack<'_> {
    fn to_json(&self) -> String {
        Object::new().raw("call", &self.call.to_json()).finish()
    }
}

/// `POST /api/admin/calls/{id}/call-back`: on a missed or failed call that is its request's
/// latest attempt, stores the next attempt due now and places it through
/// [`place_due`] — the cron's path, with its guards: the call budgets, the number's limits and
/// opening hours (outside them the call waits for the next opening). Answers `201` with the
/// new attempt as it stands: placed (`queued`...), `scheduled` (closed, or a budget is
/// reached), or `failed` with outcome `rate_limited` (the number's limit).
pub async fn call_back(req: Request, id: &str, app: &App) -> Result<Response, ApiError> {
    let operator = operator::require(&req, app).await?;
    let db = app.db()?;
    let call = find(&db, id).await?;
    let category = Category::of(call.status.as_str(), call.outcome.as_str());
    if !category.can_call_back() {
        return Err(ApiError::not_callable(format!(
            "expected a missed or failed call, but this one is {}",
            category.as_str()
        )));
    }
    if call.masked_at.is_some() {
        return Err(ApiError::phone_masked());
    }
    let new_id = CallId::generate()?;
    let origin = http::origin(req.url());
    let base = app.config.public_base_url.clone().unwrap_or(origin);
    let now = now_ms();
    let stored = store::insert_call_back(
        &db,
        &call.id,
        new_id.as_str(),
        app.config.mode.as_str(),
        &base,
        &operator.label(),
        now,
    )
    .await?;
    if !stored {
        return Err(ApiError::not_callable(
            "this request has a newer attempt; call back from the latest one",
        ));
    }
    log::info(log::Event::AdminCallBack)
        .call(&call.id)
        .text("new_call", &new_id)
        .text("operator", operator.label())
        .emit();
    let due = find_call(&db, &new_id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such call"))?;
    place_due(app, &db, &due, now as i64).await?;
    let placed = find(&db, new_id.as_str()).await?;
    let events = store::events(&db, new_id.as_str()).await?;
    Ok(json(
        201,
        &CalledBack {
            call: row(&placed, &events),
        },
    )?)
}

async fn find(db: &worker::D1Database, id: &str) -> Result<AdminCall, ApiError> {
    if CallId::parse(id).is_none() {
        return Err(ApiError::not_found("no such call"));
    }
    store::find(db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such call"))
}

async fn budget_use(db: &worker::D1Database, limit: Limit) -> Result<BudgetUse, ApiError> {
    Ok(BudgetUse {
        used: limits::used(db, BUDGET_BUCKET, limit, now_ms()).await?,
        max: limit.max,
    })
}

/// Stored JSON text read as an object, when it is one.
fn object(text: &str) -> Option<Value<'_>> {
    read_json(text)
        .ok()
        .filter(|value| matches!(value, Value::Object(_)))
}

/// A call's stored lead context, to embed as it is, when it is an object.
fn lead_text(call: &AdminCall) -> Option<&str> {
    call.lead.as_deref().filter(|lead| object(lead).is_some())
}

/// Stored event detail text, to embed as it is, when it is a non-empty object (an empty
/// detail says nothing).
fn detail_text(detail: Option<&str>) -> Option<&str> {
    detail.filter(|d| matches!(object(d), Some(Value::Object(fields)) if !fields.is_empty()))
}

fn row<'a>(call: &'a AdminCall, events: &'a [AdminEvent]) -> CallRow<'a> {
    let ms = |t: i64| rfc3339(t.max(0) as u64);
    let category = Category::of(call.status.as_str(), call.outcome.as_str());
    CallRow {
        id: &call.id,
        mode: &call.mode,
        phone: mask_phone(&call.phone),
        masked: call.masked_at.is_some(),
        exotel_sid: call.exotel_sid.as_deref(),
        status: call.status.as_str(),
        category: category.as_str(),
        can_call_back: category.can_call_back()
            && call.masked_at.is_none()
            && call.latest == Some(1),
        outcome: call.outcome.as_str(),
        failure: call.failure.as_deref(),
        upstream_status: call.upstream_status,
        reason: call.reason.as_deref(),
        whitelist: call.whitelist.as_deref(),
        request_id: call.request_id.as_deref(),
        attempt: call.attempt,
        scheduled_for: call.scheduled_for.map(|at| rfc3339(at.max(0) as u64)),
        duration: call.duration,
        lead_name: call.lead_name.as_deref(),
        lead: lead_text(call),
        created_at: ms(call.created_at),
        updated_at: ms(call.updated_at),
        events: events
            .iter()
            .filter(|e| e.call_id == call.id)
            .map(|e| Event {
                source: &e.source,
                status: &e.status,
                applied: e.applied != 0,
                received_at: ms(e.received_at),
                detail: detail_text(e.detail.as_deref()),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{Outcome, Status};

    fn call(lead: Option<&str>) -> AdminCall {
        AdminCall {
            id: "c1".into(),
            mode: "sandbox".into(),
            phone: "+919876543210".into(),
            exotel_sid: None,
            status: Status::parse("no-answer"),
            outcome: Outcome::Placed,
            failure: None,
            upstream_status: Some(429),
            reason: None,
            whitelist: None,
            request_id: Some("r1".into()),
            attempt: 2,
            scheduled_for: None,
            duration: Some(-1),
            created_at: 0,
            updated_at: 1_000,
            lead_name: Some("Priya \"P\"".into()),
            lead: lead.map(str::to_owned),
            masked_at: None,
            latest: Some(1),
        }
    }

    fn event(detail: Option<&str>) -> AdminEvent {
        AdminEvent {
            call_id: "c1".into(),
            source: "callback".into(),
            status: "ringing".into(),
            detail: detail.map(str::to_owned),
            applied: 1,
            received_at: 0,
        }
    }

    #[test]
    fn rows_keep_their_members_nulls_and_stored_objects() {
        let lead = r#"{"note": "a\nb", "utm": {"source": "g"}, "consent": {"given": true}}"#;
        let call = call(Some(lead));
        let events = [
            event(Some(r#"{"requestedBy": "session:abcd"}"#)),
            event(Some("{}")),
            event(Some("[1]")),
            event(Some("not json")),
            event(None),
        ];
        let text = CalledBack {
            call: row(&call, &events),
        }
        .to_json();
        let got: serde_json::Value = serde_json::from_str(&text).unwrap();
        let event = |detail: Option<serde_json::Value>| {
            let mut event = serde_json::json!({"source": "callback", "status": "ringing",
                "applied": true, "receivedAt": "1970-01-01T00:00:00.000Z"});
            if let Some(detail) = detail {
                event["detail"] = detail;
            }
            event
        };
        let expected = serde_json::json!({"call": {
            "id": "c1", "mode": "sandbox", "phone": "+91******3210", "masked": false,
            "exotelSid": null, "status": "no-answer", "category": "missed", "canCallBack": true,
            "outcome": "placed", "failure": null, "upstreamStatus": 429, "reason": null,
            "whitelist": null, "requestId": "r1", "attempt": 2, "scheduledFor": null,
            "duration": -1, "leadName": "Priya \"P\"",
            "lead": serde_json::from_str::<serde_json::Value>(lead).unwrap(),
            "createdAt": "1970-01-01T00:00:00.000Z", "updatedAt": "1970-01-01T00:00:01.000Z",
            "events": [
                event(Some(serde_json::json!({"requestedBy": "session:abcd"}))),
                event(None), event(None), event(None), event(None)
            ]
        }});
        assert_eq!(got, expected, "{text}");
        // Members come in the struct's order.
        assert!(text.starts_with(r#"{"call":{"id":"c1","mode":"sandbox","phone":"#));
    }

    #[test]
    fn a_lead_that_is_not_an_object_is_null() {
        assert_eq!(lead_text(&call(Some("{}"))), Some("{}"));
        for lead in [None, Some("[]"), Some("\"x\""), Some("{"), Some("")] {
            assert_eq!(lead_text(&call(lead)), None, "{lead:?}");
            let text = row(&call(lead), &[]).to_json();
            assert!(text.contains(r#","lead":null,"#), "{text}");
        }
    }
}
