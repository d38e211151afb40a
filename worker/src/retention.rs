//! The cron's privacy pass: `MASK_AFTER_DAYS` and `RETENTION_DAYS` (README, "Privacy").

use crate::app::App;
use crate::log::{self, Event};
use crate::store::retention;
use crate::time::now_ms;

const DAY_MS: u64 = 86_400_000;

/// Masks and deletes what has reached its age.
pub async fn run(app: &App) {
    let policy = app.config.retention;
    let now = now_ms();
    let before = |days: u32| now.saturating_sub(u64::from(days) * DAY_MS);
    let result = match app.db() {
        Ok(db) => {
            retention::expire(
                &db,
                before(policy.mask_after_days),
                before(policy.keep_days),
                now,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(done) if done.masked + done.deleted > 0 => log::info(Event::RetentionRun)
            .number("masked", done.masked)
            .number("deleted", done.deleted)
            .emit(),
        Ok(_) => {}
        Err(e) => log::error(Event::RetentionFailed).message(e).emit(),
    }
}
