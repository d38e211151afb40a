//! `GET /api/slots`: the times a visitor may choose for a call, for the page's picker.

use worker::Response;

use crate::app::App;
use crate::error::ApiError;
use crate::http::json;
use crate::json::{Object, ToJson};
use crate::time::now_ms;

struct Slots {
    timezone: String,
    /// Every quarter hour inside opening hours over `SCHEDULE_MAX_DAYS`, RFC 3339 with the
    /// business's offset.
    slots: Vec<String>,
}

impl ToJson for Slots {
    fn to_json(&self) -> String {
        Object::new()
            .string("timezone", &self.timezone)
            .strings("slots", &self.slots)
            .finish()
    }
}

/// The next bookable slots; `503 not_configured` naming the setting when the hours are wrong.
// A function of its own, not inlined into the router: compiled when first asked for
// (crate::apart says why that matters).
#[inline(never)]
pub fn list(app: &App) -> Result<Response, ApiError> {
    let hours = app
        .config
        .hours
        .as_ref()
        .map_err(|problem| ApiError::not_configured(problem.clone()))?;
    let slots = hours
        .slots(now_ms() as i64)
        .into_iter()
        .map(|at| hours.rfc3339(at))
        .collect();
    Ok(json(
        200,
        &Slots {
            timezone: hours.zone.name().to_owned(),
            slots,
        },
    )?)
}
