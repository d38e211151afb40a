//! `POST /api/calls` (place or schedule a call), `GET /api/calls/{id}` (where it stands) and
//! `DELETE /api/calls/{id}` (cancel a call still waiting for its time).

use worker::Response;

use crate::request::Request;

use crate::app::App;
use crate::error::ApiError;
use crate::http::{self, json};
use crate::ids::CallId;
use crate::json::{Object, ToJson};
use crate::log::{self, Event};
use crate::observation::Source;
use crate::placement::{self, Answer, Incoming};
use crate::refresh::{refresh, Refreshed};
use crate::status::Status;
use crate::store::calls::{self as store, StoredCall};
use crate::time::{now_ms, rfc3339};

struct Created<'a> {
    id: &'a str,
    status: &'a str,
    scheduled_for: Option<&'a str>,
}

impl ToJson for Created<'_> {
    fn to_json(&self) -> String {
        Object::new()
            .string("id", self.id)
            .string("status", self.status)
            .optional_string("scheduledFor", self.scheduled_for)
            .finish()
    }
}

/// `POST /api/calls`: places the call (see [`placement`]) and answers `201 {"id", "status"}`,
/// or `200` with the same for a repeated `Idempotency-Key`.
pub async fn create(mut req: Request, app: &App) -> Result<Response, ApiError> {
    let headers = req.headers();
    let incoming = Incoming {
        client: http::client_address(&req)?,
        idempotency_key: headers.get("Idempotency-Key")?,
        content_type: headers.get("Content-Type")?,
        origin: http::origin(req.url()),
        body: http::read_body(&mut req, app.config.guards.max_body_bytes)
            .await
            .map_err(ApiError::from),
    };
    let placed = placement::place(app, incoming).await?;
    let code = match placed.answer {
        Answer::Placed => 201,
        Answer::Scheduled => 202,
        Answer::Repeated => 200,
    };
    Ok(json(
        code,
        &Created {
            id: &placed.id,
            status: &placed.status,
            scheduled_for: placed.scheduled_for.as_deref(),
        },
    )?)
}

struct CallView<'a> {
    id: &'a str,
    status: &'a str,
    created_at: String,
    updated_at: String,
    duration: Option<i64>,
    scheduled_for: Option<String>,
    /// Which try this is, of `attempts` at most.
    attempt: u32,
    attempts: u32,
}

impl ToJson for CallView<'_> {
    fn to_json(&self) -> String {
        Object::new()
            .string("id", self.id)
            .string("status", self.status)
            .string("createdAt", &self.created_at)
            .string("updatedAt", &self.updated_at)
            .optional_number("duration", self.duration)
            .optional_string("scheduledFor", self.scheduled_for.as_deref())
            .number("attempt", self.attempt)
            .number("attempts", self.attempts)
            .finish()
    }
}

/// The visitor's view of their request: its latest attempt.
fn view<'a>(request_id: &'a str, call: &'a StoredCall, app: &App) -> CallView<'a> {
    let scheduled_for = match (&call.status, call.scheduled_for, &app.config.hours) {
        (Status::Scheduled, Some(at), Ok(hours)) => Some(hours.rfc3339(at)),
        _ => None,
    };
    CallView {
        id: request_id,
        status: call.status.as_str(),
        created_at: rfc3339(call.created_at.max(0) as u64),
        updated_at: rfc3339(call.updated_at.max(0) as u64),
        duration: call.duration,
        scheduled_for,
        attempt: call.attempt,
        attempts: (app.config.retry.attempts + 1).max(call.attempt),
    }
}

/// `GET /api/calls/{id}`: where the request stands (its latest attempt), refreshed from Call
/// Details first when it may have moved on (see [`refresh`]).
pub async fn show(id: &str, app: &App) -> Result<Response, ApiError> {
    let not_found = || ApiError::not_found("no call with this id");
    let request = CallId::parse(id).ok_or_else(not_found)?;
    let db = app.db()?;
    let mut call = store::find_request(&db, request.as_str())
        .await?
        .ok_or_else(not_found)?;
    let interval = app.config.refresh_interval_ms;
    if let Some(attempt) = CallId::parse(&call.id) {
        // Read again only when the refresh changed something: a poll costs one round trip
        // while nothing is due, and no more than it must when something is.
        if refresh(app, &db, &attempt, &call, Source::Details, interval).await?
            == Refreshed::Changed
        {
            call = store::find_request(&db, request.as_str())
                .await?
                .ok_or_else(not_found)?;
        }
    }
    Ok(json(200, &view(request.as_str(), &call, app))?)
}

struct Canceled<'a> {
    id: &'a str,
    status: &'a str,
}

impl ToJson for Canceled<'_> {
    fn to_json(&self) -> String {
        Object::new()
            .string("id", self.id)
            .string("status", self.status)
            .finish()
    }
}

/// `DELETE /api/calls/{id}`: cancels a call still waiting for its time (`200 canceled`);
/// anything else is `409 not_cancelable`.
pub async fn cancel(id: &str, app: &App) -> Result<Response, ApiError> {
    let not_found = || ApiError::not_found("no call with this id");
    let request = CallId::parse(id).ok_or_else(not_found)?;
    let db = app.db()?;
    if store::cancel(&db, request.as_str(), now_ms()).await? {
        log::info(Event::CallCanceled).call(&request).emit();
        return Ok(json(
            200,
            &Canceled {
                id: request.as_str(),
                status: "canceled",
            },
        )?);
    }
    match store::find_request(&db, request.as_str()).await? {
        Some(_) => Err(ApiError::not_cancelable()),
        None => Err(not_found()),
    }
}
