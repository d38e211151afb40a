//! `GET /api/admin/calls`: the operator's view of recent calls, their outcome and every status
//! observed, the call budgets' state and any configuration warning, behind
//! `Authorization: Bearer <ADMIN_TOKEN>`. Without `ADMIN_TOKEN` the endpoint does not exist
//! (404); with one shorter than 32 characters it answers `503 not_configured`. Failed sign-ins
//! are limited per client network. Numbers are masked (`+91******3210`); client addresses are
//! not shown.

use serde::Serialize;
use worker::{console_warn, Request, Response};

use crate::app::App;
use crate::config::Limit;
use crate::crypto::{constant_time_eq, hmac_sha256};
use crate::error::ApiError;
use crate::guard::{self, client_network, mask_phone, Hashed};
use crate::http::{self, json};
use crate::store::admin::{self as store, AdminCall, AdminEvent};
use crate::store::limits::{self, BUDGET_BUCKET};
use crate::time::{now_ms, rfc3339};

/// Calls shown when `?limit=` is not given, and the most it may ask for.
const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 200;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Event<'a> {
    source: &'a str,
    status: &'a str,
    applied: bool,
    received_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<serde_json::Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CallRow<'a> {
    id: &'a str,
    mode: &'a str,
    phone: String,
    exotel_sid: Option<&'a str>,
    status: &'a str,
    outcome: &'a str,
    failure: Option<&'a str>,
    upstream_status: Option<u16>,
    request_id: Option<&'a str>,
    attempt: u32,
    scheduled_for: Option<String>,
    duration: Option<i64>,
    created_at: String,
    updated_at: String,
    events: Vec<Event<'a>>,
}

#[derive(Serialize)]
struct BudgetUse {
    used: u64,
    max: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Budgets {
    per_hour: BudgetUse,
    per_day: BudgetUse,
    /// Whether a budget is reached: no call is placed until it frees.
    paused: bool,
}

#[derive(Serialize)]
struct Listing<'a> {
    calls: Vec<CallRow<'a>>,
    budgets: Budgets,
    /// Configuration the operator should look at (toll-fraud ranges let in).
    warnings: Vec<String>,
}

/// Lists the most recent calls (`?limit=`, default 50, at most 200), newest first.
pub async fn list(req: Request, app: &App) -> Result<Response, ApiError> {
    let token = match &app.config.guards.admin_token {
        None => return Err(ApiError::not_found("no such endpoint")),
        Some(Err(problem)) => {
            return Err(ApiError::not_configured(format!(
                "the admin view is off: {problem}"
            )))
        }
        Some(Ok(token)) => token,
    };
    let db = app.db()?;
    let limits = &app.config.limits;
    let address = http::client_address(&req)?.unwrap_or_else(|| "unknown".to_owned());
    let network = client_network(&address, limits.ipv6_prefix_bits);
    let failures = guard::keyed_hash(&app.config.guards, Hashed::AdminFailure, &network).await?;
    if let Some(retry_after) = limits::full(&db, &failures, limits.admin_failures, now_ms()).await?
    {
        console_warn!("admin: too many failed sign-ins from one client network");
        return Err(ApiError::rate_limited(retry_after));
    }
    let given = req.headers().get("Authorization")?;
    let given = given
        .as_deref()
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default();
    // Both sides hashed first, so the comparison is over equal lengths and its time says
    // nothing about the token.
    let key = b"exotel-connect/admin-token/v1";
    let expected = hmac_sha256(key, token.as_bytes()).await?;
    let offered = hmac_sha256(key, given.as_bytes()).await?;
    if given.is_empty() || !constant_time_eq(&expected, &offered) {
        console_warn!("admin: refused a request without the right token");
        limits::count(&db, &failures, limits.admin_failures, now_ms()).await?;
        return Err(ApiError::unauthorized());
    }

    // Sliced, not parsed: the `url` crate costs ~100 KB of wasm.
    let url = req.inner().url();
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let limit = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("limit="))
        .map(|value| value.parse::<u32>())
        .transpose()
        .map_err(|_| ApiError::invalid_request("expected ?limit= to be a whole number"))?
        .unwrap_or(DEFAULT_LIMIT)
        .clamp(1, MAX_LIMIT);
    let (calls, events) = store::recent_calls(&db, limit).await?;
    let rows = calls.iter().map(|call| row(call, &events)).collect();
    let budgets = &app.config.budgets;
    let per_hour = budget_use(&db, budgets.per_hour).await?;
    let per_day = budget_use(&db, budgets.per_day).await?;
    let paused = per_hour.used >= u64::from(per_hour.max) || per_day.used >= u64::from(per_day.max);
    Ok(json(
        200,
        &Listing {
            calls: rows,
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

async fn budget_use(db: &worker::D1Database, limit: Limit) -> Result<BudgetUse, ApiError> {
    Ok(BudgetUse {
        used: limits::used(db, BUDGET_BUCKET, limit, now_ms()).await?,
        max: limit.max,
    })
}

fn row<'a>(call: &'a AdminCall, events: &'a [AdminEvent]) -> CallRow<'a> {
    let ms = |t: i64| rfc3339(t.max(0) as u64);
    CallRow {
        id: &call.id,
        mode: &call.mode,
        phone: mask_phone(&call.phone),
        exotel_sid: call.exotel_sid.as_deref(),
        status: call.status.as_str(),
        outcome: call.outcome.as_str(),
        failure: call.failure.as_deref(),
        upstream_status: call.upstream_status,
        request_id: call.request_id.as_deref(),
        attempt: call.attempt,
        scheduled_for: call.scheduled_for.map(|at| rfc3339(at.max(0) as u64)),
        duration: call.duration,
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
                detail: e
                    .detail
                    .as_deref()
                    .and_then(|d| serde_json::from_str(d).ok())
                    .filter(|d: &serde_json::Value| d.as_object().is_some_and(|o| !o.is_empty())),
            })
            .collect(),
    }
}
