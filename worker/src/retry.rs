//! A second try when nobody answers: when an attempt ends in one of `RETRY_ON` (default busy or
//! no answer) and tries are left, the next attempt is stored, in the same batch as the outcome,
//! to be placed `RETRY_AFTER_SECONDS` later inside opening hours (else at the next opening). The
//! cron places it like any call whose time has come, so the budgets and the number's limits
//! apply to it.

use crate::app::App;
use crate::error::ApiError;
use crate::ids::CallId;
use crate::store::calls::RetryPlan;
use crate::time::now_ms;

/// The second try to store with `status`, an outcome learned now, or `None` when tries are off
/// or `status` earns none (most callbacks: `completed`), which then costs no id and no opening
/// hours lookup.
pub fn plan(app: &App, status: &str) -> Result<Option<RetryPlan>, ApiError> {
    let retry = &app.config.retry;
    if retry.attempts == 0 || !retry.on.iter().any(|on| on.as_str() == status) {
        return Ok(None);
    }
    let later = now_ms() as i64 + retry.after_s as i64 * 1000;
    let at = match &app.config.hours {
        Ok(hours) => hours.next_open(later, 366).unwrap_or(later),
        Err(_) => later,
    };
    Ok(Some(RetryPlan {
        id: CallId::generate()?,
        at_ms: at.max(0) as u64,
        on: retry.on.iter().map(|s| static_status(s.as_str())).collect(),
        up_to_attempt: retry.attempts,
    }))
}

/// The outcomes a retry may follow, as the static strings stored in `calls.status`.
fn static_status(status: &str) -> &'static str {
    match status {
        "busy" => "busy",
        "no-answer" => "no-answer",
        _ => "failed",
    }
}
