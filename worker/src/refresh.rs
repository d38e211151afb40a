//! Refreshing a call from Exotel's Call Details: what page polls and the cron's reconciliation
//! both do when a status callback may have been lost.

use worker::D1Database;

use crate::app::App;
use crate::error::ApiError;
use crate::ids::CallId;
use crate::log::{self, Event};
use crate::observation::{Observation, Source};
use crate::retry;
use crate::status::{Outcome, Status};
use crate::store::calls::{self as store, StoredCall};
use crate::time::now_ms;
use crate::upstream::answer::classify;
use exotel_connect::{CallDetails, CallStatus};

/// How long after placing a completed call its duration is still worth asking for.
const DURATION_WINDOW_MS: u64 = 60 * 60 * 1000;
/// A poll waits this long at most for Call Details: a slow Exotel must not stall the page,
/// which shows the stored status meanwhile and polls again.
const REFRESH_TIMEOUT_MS: u32 = 3_000;

/// What [`refresh`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refreshed {
    /// Call Details was asked, and what it said changed the call.
    Changed,
    /// Call Details was asked, and nothing changed (or it could not be read).
    Asked,
    /// Nothing to ask now: settled, not yet placed (no Sid), or asked within the interval.
    NotDue,
    /// The call can never be refreshed from here: placed in the other mode, or with a Sid
    /// Call Details cannot take.
    Never,
}

/// Asks Call Details where `call` stands, if it is placed, not settled (or completed without a
/// duration yet), in the mode the Worker runs in now, and not refreshed within
/// `min_interval_ms`; records what it learned as an observation. Whether it is due is decided
/// from `call` as already read.
///
/// A failed refresh is logged and otherwise ignored: the stored status is still the truth as
/// far as anyone knows, and the next poll tries again.
pub async fn refresh(
    app: &App,
    db: &D1Database,
    id: &CallId,
    call: &StoredCall,
    source: Source,
    min_interval_ms: u64,
) -> Result<Refreshed, ApiError> {
    let config = &app.config;
    let now = now_ms();
    if call.mode != config.mode.as_str() {
        return Ok(Refreshed::Never);
    }
    let age = now.saturating_sub(call.created_at.max(0) as u64);
    let duration_missing = call.status == Status::Ended(CallStatus::Completed)
        && call.duration.is_none()
        && age < DURATION_WINDOW_MS;
    let wanted = !call.status.is_final() || duration_missing;
    // Exotel's answer to the connect request is as fresh a look as Call Details: a poll right
    // after placing reads the row and asks nothing. (The cron looks only at calls placed
    // longer ago than its interval, so it still asks first about calls never asked.)
    let last_look = call.refreshed_at.or(call.placed_at);
    let recently =
        last_look.is_some_and(|at| now.saturating_sub(at.max(0) as u64) < min_interval_ms);
    let (Some(sid), Ok(placement)) = (&call.exotel_sid, config.placement()) else {
        return Ok(Refreshed::NotDue);
    };
    if !wanted || call.outcome != Outcome::Placed || recently {
        return Ok(Refreshed::NotDue);
    }
    let Ok(details) = CallDetails::new(sid) else {
        return Ok(Refreshed::Never);
    };
    if !store::claim_refresh(db, id, now, min_interval_ms).await? {
        return Ok(Refreshed::NotDue);
    }
    let request = details.details(true).to_request(&placement.account);
    let upstream = app
        .upstream(config.mode)
        .with_timeout_at_most(REFRESH_TIMEOUT_MS);
    let started = now_ms();
    let sent = upstream.send(&request, app.ctx.as_ref()).await;
    let ms = now_ms().saturating_sub(started);
    let failed = |reason: &str| {
        log::warn(Event::DetailsFailed)
            .call(id)
            .reason(reason)
            .ms(ms)
            .emit();
    };
    match classify(sent) {
        Ok(details) if details.sid == *sid => {
            let observation = Observation::from_call(source, &details);
            let plan = retry::plan(app, observation.status.as_str())?;
            let targets = app.targets();
            let applied =
                store::record_observation(db, id, &observation, now_ms(), plan.as_ref(), &targets)
                    .await?;
            if applied {
                log::info(Event::CallStatus)
                    .call(id)
                    .status(observation.status.as_str())
                    .text("source", source.as_str())
                    .ms(ms)
                    .emit();
                crate::notify::deliver_soon(app);
                return Ok(Refreshed::Changed);
            }
        }
        Ok(_) => failed("other_call"),
        Err(_) => failed("unavailable"),
    }
    Ok(Refreshed::Asked)
}
