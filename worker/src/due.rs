//! The cron's other job: placing the calls whose time has come (asked for while closed, at a
//! chosen time, or a second try), the earliest first, through the same placement path as a call
//! placed at once.

use crate::app::App;
use crate::error::ApiError;
use crate::log::{self, Event};
use crate::placement::place_due;
use crate::store::calls as store;
use crate::time::now_ms;

/// Places the calls due at `now` (the cron's scheduled time, Unix ms), at most the
/// reconciliation batch per run. Failures are logged: the next run tries again.
pub async fn run(app: &App, now: i64) {
    let started = now_ms();
    match place_all(app, now).await {
        Ok(0) => {}
        Ok(n) => log::info(Event::DueRun)
            .count(n)
            .ms(now_ms().saturating_sub(started))
            .emit(),
        Err(e) => log::error(Event::DueFailed).message(e).emit(),
    }
}

async fn place_all(app: &App, now: i64) -> Result<usize, ApiError> {
    let db = app.db()?;
    let due = store::due_calls(&db, now.max(0) as u64, app.config.reconcile.batch).await?;
    for call in &due {
        place_due(app, &db, call, now).await?;
    }
    Ok(due.len())
}
