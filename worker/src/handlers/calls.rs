//! `POST /api/calls` (place a call) and `GET /api/calls/{id}` (where it stands).

use serde::Serialize;
use worker::{Request, Response};

use crate::app::App;
use crate::error::ApiError;
use crate::http::{self, json};
use crate::ids::CallId;
use crate::observation::Source;
use crate::placement::{self, Incoming};
use crate::refresh::{refresh, Refreshed};
use crate::store::calls::{self as store, StoredCall};
use crate::time::rfc3339;

#[derive(Serialize)]
struct Created<'a> {
    id: &'a str,
    status: &'a str,
}

/// `POST /api/calls`: places the call (see [`placement`]) and answers `201 {"id", "status"}`,
/// or `200` with the same for a repeated `Idempotency-Key`.
pub async fn create(mut req: Request, app: &App) -> Result<Response, ApiError> {
    let headers = req.headers();
    let incoming = Incoming {
        client: http::client_address(&req)?,
        idempotency_key: headers.get("Idempotency-Key")?,
        content_type: headers.get("Content-Type")?,
        origin: http::origin(&req.inner().url()),
        body: http::read_body(&mut req, app.config.guards.max_body_bytes)
            .await
            .map_err(ApiError::from),
    };
    let placed = placement::place(app, incoming).await?;
    let status = if placed.new { 201 } else { 200 };
    Ok(json(
        status,
        &Created {
            id: &placed.id,
            status: &placed.status,
        },
    )?)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CallView<'a> {
    id: &'a str,
    status: &'a str,
    created_at: String,
    updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<i64>,
}

impl<'a> From<&'a StoredCall> for CallView<'a> {
    fn from(call: &'a StoredCall) -> CallView<'a> {
        CallView {
            id: &call.id,
            status: call.status.as_str(),
            created_at: rfc3339(call.created_at.max(0) as u64),
            updated_at: rfc3339(call.updated_at.max(0) as u64),
            duration: call.duration,
        }
    }
}

/// `GET /api/calls/{id}`: the call's status, refreshed from Call Details first when it may
/// have moved on (see [`refresh`]).
pub async fn show(id: &str, app: &App) -> Result<Response, ApiError> {
    let not_found = || ApiError::not_found("no call with this id");
    let id = CallId::parse(id).ok_or_else(not_found)?;
    let db = app.db()?;
    let mut call = store::find_call(&db, &id).await?.ok_or_else(not_found)?;
    let interval = app.config.refresh_interval_ms;
    if refresh(app, &db, &id, &call, Source::Details, interval).await? == Refreshed::Asked {
        call = store::find_call(&db, &id).await?.ok_or_else(not_found)?;
    }
    Ok(json(200, &CallView::from(&call))?)
}
