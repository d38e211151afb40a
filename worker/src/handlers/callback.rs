//! `POST /exotel/status/{token}`: Exotel's status callback.
//!
//! Exotel does not sign callbacks, so the URL is the credential: its token is an HMAC of the
//! call's id that only this Worker can mint (`ids.rs`). Checks, in order, each refusing without
//! changing anything: the token (403), the body's size (413), the body is a status callback
//! (400); then one D1 batch records it only if the call exists (else 404) and has this Sid
//! (else 403), adopting the Sid for a call whose connect answer was lost. Accepted callbacks go
//! through the same statements as every other status, which makes repeats and late arrivals
//! harmless; the answer is a quick 200, after one round trip to the database.

use worker::Response;

use crate::request::Request;

use crate::app::App;
use crate::error::ApiError;
use crate::http::{json, read_body};
use crate::ids::{verify_callback_token, TokenError};
use crate::json::{Object, ToJson};
use crate::log::{self, Event};
use crate::observation::Observation;
use crate::retry;
use crate::store::calls::{self as store, CallbackApplied};
use crate::time::now_ms;
use exotel_connect::{parse_status_callback, CallDetails};

/// Largest status callback body read, bytes: Exotel's, `Legs` included, are under 2 KB.
const MAX_CALLBACK_BYTES: usize = 16 * 1024;

struct Accepted {
    ok: bool,
    /// Whether the callback moved the call's status (false for repeats and late arrivals).
    applied: bool,
}

impl ToJson for Accepted {
    fn to_json(&self) -> String {
        Object::new()
            .boolean("ok", self.ok)
            .boolean("applied", self.applied)
            .finish()
    }
}

/// Receives one status callback.
pub async fn receive(mut req: Request, token: &str, app: &App) -> Result<Response, ApiError> {
    let forged = || ApiError::forbidden("this callback URL is not valid");
    let secret = app.config.callback_secret().map_err(|_| forged())?;
    let id = match verify_callback_token(secret, token).await? {
        Ok(id) => id,
        Err(problem) => {
            let reason = match problem {
                TokenError::Malformed => "token_malformed",
                TokenError::Forged => "token_forged",
            };
            log::warn(Event::CallbackRefused).reason(reason).emit();
            return Err(forged());
        }
    };
    // Exotel's callbacks are a few hundred bytes; a token holder cannot make the Worker buffer
    // (or store) megabytes.
    let body = read_body(&mut req, MAX_CALLBACK_BYTES).await?;
    let content_type = req.headers().get("Content-Type")?;
    let callback = parse_status_callback(&body, content_type.as_deref()).map_err(|e| {
        log::warn(Event::CallbackRefused)
            .call(&id)
            .reason("malformed_body")
            .emit();
        ApiError::invalid_callback(format!("expected a status callback: {e}"))
    })?;

    let db = app.db()?;
    let observation = Observation::from_callback(&callback);
    let plan = retry::plan(app, observation.status.as_str())?;
    let adopt = CallDetails::new(&callback.call_sid).is_ok();
    let recorded = store::record_callback(
        &db,
        &id,
        &callback.call_sid,
        adopt,
        &observation,
        now_ms(),
        plan.as_ref(),
        &app.targets(),
    )
    .await?;
    let applied = match recorded {
        CallbackApplied::NoSuchCall => return Err(ApiError::not_found("no call with this id")),
        CallbackApplied::OtherSid => {
            log::warn(Event::CallbackRefused)
                .call(&id)
                .reason("other_sid")
                .emit();
            return Err(ApiError::forbidden("this callback names another call"));
        }
        CallbackApplied::Recorded(applied) => applied,
    };
    if applied {
        crate::notify::deliver_soon(app);
    }
    let event = if applied {
        Event::CallStatus
    } else {
        Event::CallbackUnchanged
    };
    log::info(event)
        .call(&id)
        .status(observation.status.as_str())
        .text("source", observation.source.as_str())
        .emit();
    Ok(json(200, &Accepted { ok: true, applied })?)
}
