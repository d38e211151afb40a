//! The cron's other job: placing the calls whose time has come (asked for while closed, at a
//! chosen time, or a second try), the earliest first, through the same placement path as a call
//! placed at once.

use worker::{console_error, console_log};

use crate::app::App;
use crate::error::ApiError;
use crate::placement::place_due;
use crate::store::calls as store;

/// Places the calls due at `now` (the cron's scheduled time, Unix ms), at most the
/// reconciliation batch per run. Failures are logged: the next run tries again.
pub async fn run(app: &App, now: i64) {
    match place_all(app, now).await {
        Ok(0) => {}
        Ok(n) => console_log!("due: {n} scheduled calls looked at"),
        Err(e) => console_error!("placing due calls failed: {e:?}"),
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
