//! `GET /api/config`: what the page and widget need to render, opening hours included.

use worker::Response;

use crate::app::App;
use crate::config::Mode;
use crate::error::ApiError;
use crate::hours::schedule::describe;
use crate::hours::OpeningHours;
use crate::http::json;
use crate::json::{Object, ToJson};
use crate::time::now_ms;

/// Whether calls are taken now, when that changes, and the schedule, for the page.
pub struct HoursView {
    open: bool,
    timezone: String,
    /// When it next opens (now, when open), RFC 3339 with the business's offset.
    next_open: Option<String>,
    /// When the current opening ends, when open.
    next_close: Option<String>,
    /// `BUSINESS_HOURS` as read (`null`: always open).
    schedule: Option<String>,
    holidays: Vec<String>,
    schedule_max_days: u32,
}

impl HoursView {
    /// The view at `now` (Unix ms).
    pub fn at(hours: &OpeningHours, now: i64) -> HoursView {
        HoursView {
            open: hours.open_at(now).is_some(),
            timezone: hours.zone.name().to_owned(),
            next_open: hours.next_open(now, 366).map(|at| hours.rfc3339(at)),
            next_close: hours.closes_at(now).map(|at| hours.rfc3339(at)),
            schedule: hours.weekly.as_ref().map(describe),
            holidays: hours.holidays.iter().map(|d| d.to_string()).collect(),
            schedule_max_days: hours.max_days,
        }
    }
}

impl ToJson for HoursView {
    fn to_json(&self) -> String {
        Object::new()
            .boolean("open", self.open)
            .string("timezone", &self.timezone)
            .string_or_null("nextOpen", self.next_open.as_deref())
            .string_or_null("nextClose", self.next_close.as_deref())
            .string_or_null("schedule", self.schedule.as_deref())
            .strings("holidays", &self.holidays)
            .number("scheduleMaxDays", self.schedule_max_days)
            .finish()
    }
}

struct RetryView {
    attempts: u32,
    after_seconds: u64,
}

struct PublicConfig<'a> {
    default_country: &'a str,
    allowed_prefixes: Vec<&'a str>,
    /// `TURNSTILE_SITE_KEY` when Turnstile is on (`TURNSTILE_SECRET` set), else null.
    turnstile_site_key: Option<&'a str>,
    sandbox: bool,
    /// Opening hours; `null` when the settings are wrong (calls are then refused as not
    /// configured, naming the setting).
    hours: Option<HoursView>,
    retry: RetryView,
}

impl ToJson for PublicConfig<'_> {
    fn to_json(&self) -> String {
        let retry = Object::new()
            .number("attempts", self.retry.attempts)
            .number("afterSeconds", self.retry.after_seconds)
            .finish();
        let hours = self.hours.as_ref().map(HoursView::to_json);
        Object::new()
            .string("defaultCountry", self.default_country)
            .strings("allowedPrefixes", &self.allowed_prefixes)
            .string_or_null("turnstileSiteKey", self.turnstile_site_key)
            .boolean("sandbox", self.sandbox)
            .raw("hours", hours.as_deref().unwrap_or("null"))
            .raw("retry", &retry)
            .finish()
    }
}

/// Answers the public part of the configuration. Never a secret, never a setting's value
/// beyond these.
// A function of its own, not inlined into the router: compiled when first asked for
// (crate::apart says why that matters).
#[inline(never)]
pub fn show(app: &App) -> Result<Response, ApiError> {
    let config = &app.config;
    Ok(json(
        200,
        &PublicConfig {
            default_country: config.default_country.iso(),
            allowed_prefixes: config.guards.allowed_prefixes.as_strs(),
            turnstile_site_key: config
                .guards
                .turnstile
                .as_ref()
                .and_then(|t| t.site_key.as_deref()),
            sandbox: config.mode == Mode::Sandbox,
            hours: config
                .hours
                .as_ref()
                .ok()
                .map(|hours| HoursView::at(hours, now_ms() as i64)),
            retry: RetryView {
                attempts: config.retry.attempts,
                after_seconds: config.retry.after_s,
            },
        },
    )?)
}
