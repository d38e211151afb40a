//! The cron (`[triggers] crons` in wrangler.toml): recovering calls whose status callback never
//! came, and forgetting rate-limit rows no window needs.
//!
//! Each run looks at up to `RECONCILE_BATCH` calls with no outcome that were placed at least
//! `RECONCILE_AFTER_SECONDS` ago, least recently looked at first, and asks Exotel's Call Details
//! where each stands; what it learns is recorded like a callback. Every call looked at is
//! marked, so calls it cannot ask about yet (no Sid) move to the back and never starve the
//! rest; calls it can never ask about (placed in the other mode) are settled as `unknown` at
//! once. A call still without an outcome `RECONCILE_GIVE_UP_SECONDS` after it was placed is
//! marked `unknown` (final for the page; a real outcome learned later still replaces it).

use worker::D1Database;

use crate::app::App;
use crate::error::ApiError;
use crate::events::Targets;
use crate::ids::CallId;
use crate::log::{self, Event};
use crate::observation::{Observation, Source};
use crate::refresh::{refresh, Refreshed};
use crate::status::Status;
use crate::store::{calls, limits};
use crate::time::now_ms;

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
    for warning in app.config.guards.allowed_prefixes.toll_fraud_warnings() {
        log::warn(Event::ConfigProblem).message(warning).emit();
    }
    let started = now_ms();
    match reconcile(app).await {
        Ok(tally) if tally.looked_at > 0 => log::info(Event::ReconcileRun)
            .count(tally.looked_at)
            .number("asked", tally.asked as u64)
            .number("gave_up", tally.gave_up as u64)
            .ms(now_ms().saturating_sub(started))
            .emit(),
        Ok(_) => {}
        Err(e) => log::error(Event::ReconcileFailed).message(e).emit(),
    }
}

async fn reconcile(app: &App) -> Result<Tally, ApiError> {
    let settings = app.config.reconcile;
    let db = app.db()?;
    let now = now_ms();
    let longest_window = app
        .config
        .limits
        .longest_window_s()
        .max(app.config.budgets.per_day.window_s);
    limits::prune(&db, now.saturating_sub(u64::from(longest_window) * 1000)).await?;

    let after_ms = settings.after_s * 1000;
    let give_up_ms = settings.give_up_s * 1000;
    let open = calls::open_calls(&db, now.saturating_sub(after_ms), settings.batch).await?;
    let mut tally = Tally {
        looked_at: open.len(),
        ..Tally::default()
    };
    let interval = MIN_INTERVAL_MS.min(after_ms);
    for call in open {
        let Some(id) = CallId::parse(&call.id) else {
            continue;
        };
        let placed = call.placed_at.unwrap_or(call.created_at).max(0) as u64;
        let age = now.saturating_sub(placed);
        match refresh(app, &db, &id, &call, Source::Reconcile, interval).await? {
            Refreshed::Asked | Refreshed::Changed => tally.asked += 1,
            Refreshed::Never => {
                if give_up(&db, &id).await? {
                    tally.gave_up += 1;
                }
                continue;
            }
            // Marked as looked at, so the next run starts with the others.
            Refreshed::NotDue => {
                calls::claim_refresh(&db, &id, now, 0).await?;
            }
        }
        if age >= give_up_ms && give_up(&db, &id).await? {
            tally.gave_up += 1;
        }
    }
    Ok(tally)
}

/// Marks the call `unknown` unless it has an outcome by now. Returns whether it was marked.
async fn give_up(db: &D1Database, id: &CallId) -> Result<bool, ApiError> {
    match calls::find_call(db, id).await? {
        Some(call) if !call.status.is_final() => {
            let marked = calls::record_observation(
                db,
                id,
                &Observation::gave_up(),
                now_ms(),
                None,
                // `unknown` is neither answered nor missed: no event to tell.
                &Targets::default(),
            )
            .await?;
            if marked {
                log::info(Event::CallStatus)
                    .call(id)
                    .status(Status::Unknown.as_str())
                    .text("source", Source::Reconcile.as_str())
                    .message("no outcome learned before the cut-off")
                    .emit();
            }
            Ok(marked)
        }
        _ => Ok(false),
    }
}
