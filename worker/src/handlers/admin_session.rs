//! `/api/admin/session`: signing the dashboard in and out.
//!
//! - `POST` `{"token": "<ADMIN_TOKEN>"}` (JSON only) sets the session cookie
//!   ([`crate::operator::cookie`]); a wrong token is a failed sign-in, counted per client
//!   network like a wrong bearer token.
//! - `GET` says whether the request is signed in and how (`token`, `session`, `access`); a
//!   missing, expired or signed-out session is `{"signedIn": false}`, not an error.
//! - `DELETE` revokes the session server-side (its cookie is refused from then on, wherever it
//!   was copied) and clears the cookie.

use worker::Response;

use crate::request::Request;

use crate::app::App;
use crate::crypto::{base64url, random_bytes};
use crate::error::ApiError;
use crate::guard;
use crate::http::{self, json};
use crate::json::{read_bytes, Object, ToJson, Value};
use crate::log::{self, Event};
use crate::operator::cookie::{self, SESSION_TTL_S};
use crate::operator::{self, access, NotSignedIn, Operator, Via};
use crate::store::admin as store;
use crate::time::{now_ms, rfc3339};

/// The largest sign-in body read.
const MAX_BODY_BYTES: usize = 1024;

struct SessionState {
    signed_in: bool,
    /// `token` (bearer), `session` or `access`.
    via: Option<&'static str>,
    /// Who Access signed in.
    who: Option<String>,
    /// When the session ends, for a session just started.
    expires_at: Option<String>,
    /// Whether Cloudflare Access sign-in is configured.
    access: bool,
}

/// Members without a value are left out.
impl ToJson for SessionState {
    fn to_json(&self) -> String {
        Object::new()
            .boolean("signedIn", self.signed_in)
            .optional_string("via", self.via)
            .optional_string("who", self.who.as_deref())
            .optional_string("expiresAt", self.expires_at.as_deref())
            .boolean("access", self.access)
            .finish()
    }
}

fn state(app: &App, operator: Option<&Operator>) -> SessionState {
    SessionState {
        signed_in: operator.is_some(),
        via: operator.map(Operator::method),
        who: operator.and_then(|o| match &o.via {
            Via::Access(who) => Some(who.clone()),
            _ => None,
        }),
        expires_at: None,
        access: matches!(access::from_env(&app.env), Some(Ok(_))),
    }
}

/// `GET /api/admin/session`.
pub async fn show(req: Request, app: &App) -> Result<Response, ApiError> {
    match operator::identify(&req, app).await {
        Ok(operator) => Ok(json(200, &state(app, Some(&operator)))?),
        Err(NotSignedIn::Missing) => Ok(json(200, &state(app, None))?),
        Err(NotSignedIn::Ended) => {
            let mut response = json(200, &state(app, None))?;
            response
                .headers_mut()
                .append("Set-Cookie", &cookie::clear(!operator::local_request(&req)))?;
            Ok(response)
        }
        Err(NotSignedIn::Refused(error)) => Err(error),
    }
}

/// The `token` of a sign-in body: a JSON object with a string `token` (other members are
/// ignored); `None` for any other body.
fn sign_in_token(body: &[u8]) -> Option<String> {
    let body = read_bytes(body)?;
    match body.get("token")? {
        Value::Text(token) => Some(token.to_string()),
        _ => None,
    }
}

/// `POST /api/admin/session` `{"token": "..."}`.
pub async fn create(mut req: Request, app: &App) -> Result<Response, ApiError> {
    let token = operator::admin_token(app)?;
    // Only JSON: a cross-site form cannot send it, so no page elsewhere can sign a visitor's
    // browser in to our dashboard under its own session.
    let content_type = req.headers().get("Content-Type")?;
    if !guard::is_json(content_type.as_deref()) {
        return Err(ApiError::unsupported_media_type());
    }
    if req.headers().get("Origin")?.is_some() && !operator::same_site(&req, app)? {
        return Err(ApiError::forbidden(
            "expected this site's own Origin when signing in",
        ));
    }
    let bucket = operator::failure_bucket(&req, app).await?;
    operator::check_not_locked_out(app, &bucket).await?;
    let body = http::read_body(&mut req, MAX_BODY_BYTES).await?;
    let given = sign_in_token(&body).ok_or_else(|| {
        ApiError::invalid_request("expected a JSON object like {\"token\": \"...\"}")
    })?;
    if !operator::token_matches(token, given.trim()).await? {
        return Err(operator::count_failure(app, &bucket, "a wrong admin token").await);
    }
    let id = base64url(&random_bytes::<16>()?);
    let now = now_ms();
    let expires_s = now / 1000 + SESSION_TTL_S;
    let db = app.db()?;
    store::create_session(&db, &id, now, expires_s * 1000).await?;
    let value = cookie::mint(token.as_bytes(), &id, expires_s).await?;
    log::info(Event::AdminSignedIn)
        .text("operator", format_args!("session:{}", &id[..8]))
        .emit();
    let mut body = state(
        app,
        Some(&Operator {
            via: Via::Session(id),
        }),
    );
    body.expires_at = Some(rfc3339(expires_s * 1000));
    let mut response = json(200, &body)?;
    response.headers_mut().append(
        "Set-Cookie",
        &cookie::set(&value, SESSION_TTL_S, !operator::local_request(&req)),
    )?;
    Ok(response)
}

/// `DELETE /api/admin/session`.
pub async fn delete(req: Request, app: &App) -> Result<Response, ApiError> {
    let operator = match operator::identify(&req, app).await {
        Ok(operator) => Some(operator),
        Err(NotSignedIn::Missing | NotSignedIn::Ended) => None,
        Err(NotSignedIn::Refused(error)) => return Err(error),
    };
    if let Some(Operator {
        via: Via::Session(id),
    }) = &operator
    {
        if !operator::same_site(&req, app)? {
            return Err(ApiError::forbidden(
                "expected this site's own Origin on a change made while signed in",
            ));
        }
        store::revoke_session(&app.db()?, id, now_ms()).await?;
        log::info(Event::AdminSignedOut)
            .text(
                "operator",
                format_args!("session:{}", &id[..id.len().min(8)]),
            )
            .emit();
    }
    // Access keeps its own session: signing out of it is Access's logout page.
    let still = operator.filter(|o| !matches!(o.via, Via::Session(_)));
    let mut response = json(200, &state(app, still.as_ref()))?;
    response
        .headers_mut()
        .append("Set-Cookie", &cookie::clear(!operator::local_request(&req)))?;
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_a_string_member_of_an_object() {
        let token = |body: &[u8]| sign_in_token(body);
        assert_eq!(token(br#"{"token": "s3cret"}"#).as_deref(), Some("s3cret"));
        assert_eq!(
            token(br#" {"other": 1, "token": "a\"b"} "#).as_deref(),
            Some("a\"b")
        );
        for body in [
            &br#"{"token": 5}"#[..],
            br#"{"token": null}"#,
            br#"{}"#,
            br#"["s3cret"]"#,
            br#""s3cret""#,
            br#"{"token": "x"} trailing"#,
            b"",
            b"{\"token\": \"\xff\"}",
        ] {
            assert_eq!(token(body), None, "{}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn session_state_leaves_out_what_it_does_not_have() {
        let mut state = SessionState {
            signed_in: false,
            via: None,
            who: None,
            expires_at: None,
            access: false,
        };
        assert_eq!(state.to_json(), r#"{"signedIn":false,"access":false}"#);
        state.signed_in = true;
        state.via = Some("access");
        state.who = Some("ops@x".into());
        state.expires_at = Some("2030-01-01T00:00:00Z".into());
        assert_eq!(
            state.to_json(),
            r#"{"signedIn":true,"via":"access","who":"ops@x","expiresAt":"2030-01-01T00:00:00Z","access":false}"#
        );
    }
}
