//! The cron (`[triggers] crons` in wrangler.toml): recovering calls whose status callback never
//! came, and forgetting rate-limit rows no window needs.
//!
//! Each run takes at most `RECONCILE_BATCH` calls with no outcome that were placed at least
//! `RECONCILE_AFTER_SECONDS` ago, least recently refreshed first, and asks Exotel's Call
//! Details where each stands; what it learns goes through `record_observation`, like a
//! callback. A call still without an outcome `RECONCILE_GIVE_UP_SECONDS` after it was placed
//! is marked `unknown` (terminal for the page; a real outcome learned later still replaces it).

use worker::{console_error, console_log, D1Database};

use super::app::App;
use super::error::ApiError;
use super::handlers::calls;
use super::ids::CallId;
use super::observe::{is_final, record_observation, Observation, Source};
use super::store;
use super::time::now_ms;

/// Least time between two Call Details requests for one call from the cron.
const MIN_INTERVAL_MS: u64 = 30_000;

/// What one run did.
#[derive(Debug, Default)]
struct Tally {
    looked_at: usize,
    asked: usize,
    gave_up: usize,
}

/// One cron run. Failures are logged: the next run tries again.
pub async fn run(app: &App) {
    match reconcile(app).await {
        Ok(tally) if tally.looked_at > 0 => console_log!(
            "reconcile: {} open calls, {} asked Call Details, {} marked unknown",
            tally.looked_at,
            tally.asked,
            tally.gave_up
        ),
        Ok(_) => {}
        Err(e) => console_error!("reconcile failed: {e:?}"),
    }
}

async fn reconcile(app: &App) -> Result<Tally, ApiError> {
    let guards = &app.config.guards;
    let db = app.db()?;
    let now = now_ms();
    let longest_window = guards.per_number.window_s.max(guards.per_client.window_s);
    store::prune_rate_events(&db, now.saturating_sub(u64::from(longest_window) * 1000)).await?;

    let after_ms = guards.reconcile_after_s * 1000;
    let give_up_ms = guards.reconcile_give_up_s * 1000;
    let open = store::open_calls(&db, now.saturating_sub(after_ms), guards.reconcile_batch).await?;
    let mut tally = Tally {
        looked_at: open.len(),
        ..Tally::default()
    };
    let interval = MIN_INTERVAL_MS.min(after_ms);
    for call in open {
        let Some(id) = CallId::parse(&call.id) else {
            continue;
        };
        if calls::refresh(app, &db, &id, &call, Source::Reconcile, interval).await? {
            tally.asked += 1;
        }
        let age = now.saturating_sub(call.created_at.max(0) as u64);
        if age >= give_up_ms && give_up(&db, &id).await? {
            tally.gave_up += 1;
        }
    }
    Ok(tally)
}

/// Marks the call `unknown` unless it has an outcome by now. Returns whether it was marked.
async fn give_up(db: &D1Database, id: &CallId) -> Result<bool, ApiError> {
    match store::find_call(db, id).await? {
        Some(call) if !is_final(&call.status) => {
            let marked = record_observation(db, id, &Observation::gave_up(), now_ms()).await?;
            if marked {
                console_log!("call {id}: no outcome learned before the cut-off, marked unknown");
            }
            Ok(marked)
        }
        _ => Ok(false),
    }
}
