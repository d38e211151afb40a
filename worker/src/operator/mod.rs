//! Who the operator is: every `/api/admin/*` request is signed in one of three ways, checked in
//! this order:
//!
//! 1. Cloudflare Access ([`access`]), when `ACCESS_TEAM_DOMAIN` and `ACCESS_AUD` are set and the
//!    request carries `Cf-Access-Jwt-Assertion`;
//! 2. `Authorization: Bearer <ADMIN_TOKEN>` (scripts, curl);
//! 3. the dashboard's session cookie ([`cookie`]), got by `POST /api/admin/session`.
//!
//! Refused credentials count in the client network's bucket of failed sign-ins
//! (`ADMIN_SIGN_IN_ATTEMPTS` per 15 minutes); once it is full every request from that network
//! is answered `429` before any credential is looked at. An expired or signed-out session is
//! refused without counting (it was ours). A change made with a browser's ambient credentials
//! (the cookie, or Access's) must carry this site's own `Origin`: with `SameSite=Strict`, that
//! makes cross-site request forgery impossible.

pub mod access;
pub mod cookie;
pub mod view;

use worker::Method;

use crate::request::Request;

use crate::app::App;
use crate::config::AdminToken;
use crate::crypto::{constant_time_eq, hmac_sha256};
use crate::error::ApiError;
use crate::guard::{self, client_network, Hashed};
use crate::http;
use crate::log::{self, Event};
use crate::store::admin as store;
use crate::store::limits;
use crate::time::now_ms;

/// How the operator signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// `Authorization: Bearer <ADMIN_TOKEN>`.
    Token,
    /// The session cookie; the session's id.
    Session(String),
    /// Cloudflare Access; who it says.
    Access(String),
}

/// A signed-in operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// How.
    pub via: Via,
}

impl Operator {
    /// Who, as the reveal log and the console name them: `token`, `session:<first 8 characters
    /// of the id>` (not enough to use it), `access:<email>`.
    pub fn label(&self) -> String {
        match &self.via {
            Via::Token => "token".to_owned(),
            Via::Session(id) => format!("session:{}", id.chars().take(8).collect::<String>()),
            Via::Access(who) => format!("access:{who}"),
        }
    }

    /// `token`, `session` or `access`.
    pub fn method(&self) -> &'static str {
        match self.via {
            Via::Token => "token",
            Via::Session(_) => "session",
            Via::Access(_) => "access",
        }
    }
}

/// Why a request is not signed in.
#[derive(Debug)]
pub enum NotSignedIn {
    /// No credential at all.
    Missing,
    /// A session cookie of ours that expired or was signed out.
    Ended,
    /// The answer to give: a wrong credential (already counted), too many of them, or the
    /// admin view switched off.
    Refused(ApiError),
}

/// The admin token, or the answer when the admin view is off (`404`) or misconfigured (`503`).
pub fn admin_token(app: &App) -> Result<&AdminToken, ApiError> {
    match &app.config.guards.admin_token {
        None => Err(ApiError::not_found("no such endpoint")),
        Some(Err(problem)) => Err(ApiError::not_configured(format!(
            "the admin view is off: {problem}"
        ))),
        Some(Ok(token)) => Ok(token),
    }
}

/// The request's client network's bucket of failed sign-ins.
pub async fn failure_bucket(req: &Request, app: &App) -> Result<String, ApiError> {
    let address = http::client_address(req)?.unwrap_or_else(|| "unknown".to_owned());
    let network = client_network(&address, app.config.limits.ipv6_prefix_bits);
    Ok(guard::keyed_hash(&app.config.guards, Hashed::AdminFailure, &network).await?)
}

/// `429` when the client network has used up its failed sign-ins.
pub async fn check_not_locked_out(app: &App, bucket: &str) -> Result<(), ApiError> {
    let db = app.db()?;
    if let Some(retry_after) =
        limits::full(&db, bucket, app.config.limits.admin_failures, now_ms()).await?
    {
        log::warn(Event::AdminSignInLimited)
            .retry_after_s(retry_after)
            .emit();
        return Err(ApiError::rate_limited(retry_after));
    }
    Ok(())
}

/// Counts a failed sign-in and answers `401`.
pub async fn count_failure(app: &App, bucket: &str, why: &str) -> ApiError {
    log::warn(Event::AdminSignInRefused).message(why).emit();
    let db = match app.db() {
        Ok(db) => db,
        Err(e) => return ApiError::from(e),
    };
    match limits::count(&db, bucket, app.config.limits.admin_failures, now_ms()).await {
        Ok(_) => ApiError::unauthorized(),
        Err(e) => ApiError::from(e),
    }
}

/// Whether `given` is the admin token. Both sides are hashed first, so the comparison is over
/// equal lengths and its time says nothing about the token.
pub async fn token_matches(token: &AdminToken, given: &str) -> Result<bool, ApiError> {
    let key = b"exotel-connect/admin-token/v1";
    let expected = hmac_sha256(key, token.as_bytes()).await?;
    let offered = hmac_sha256(key, given.as_bytes()).await?;
    Ok(!given.is_empty() && constant_time_eq(&expected, &offered))
}

/// Signs the request in, or says why not. See the module's docs for the order and the counting.
pub async fn identify(req: &Request, app: &App) -> Result<Operator, NotSignedIn> {
    let token = admin_token(app).map_err(NotSignedIn::Refused)?;
    let bucket = failure_bucket(req, app)
        .await
        .map_err(NotSignedIn::Refused)?;
    check_not_locked_out(app, &bucket)
        .await
        .map_err(NotSignedIn::Refused)?;
    let headers = req.headers();
    let bucket = &bucket;
    let refuse = |why: &'static str| async move {
        NotSignedIn::Refused(count_failure(app, bucket, why).await)
    };

    if let Some(jwt) = headers.get(access::HEADER).ok().flatten() {
        match access::from_env(&app.env) {
            Some(Ok(config)) => {
                return match access::verify(&config, jwt.trim(), now_ms()).await {
                    Ok(identity) => Ok(Operator {
                        via: Via::Access(identity.who),
                    }),
                    Err(problem) => {
                        log::warn(Event::AdminAccessRefused).message(problem).emit();
                        Err(refuse("a Cloudflare Access assertion that does not check out").await)
                    }
                };
            }
            Some(Err(problem)) => {
                return Err(NotSignedIn::Refused(ApiError::not_configured(format!(
                    "Cloudflare Access sign-in is off: {problem}"
                ))))
            }
            // Access is not configured here: the header means nothing, other credentials count.
            None => {}
        }
    }

    if let Some(authorization) = headers.get("Authorization").ok().flatten() {
        let given = authorization
            .strip_prefix("Bearer ")
            .map(str::trim)
            .unwrap_or_default();
        let matches = token_matches(token, given)
            .await
            .map_err(NotSignedIn::Refused)?;
        return if matches {
            Ok(Operator { via: Via::Token })
        } else {
            Err(refuse("a request without the right token").await)
        };
    }

    let cookies = headers.get("Cookie").ok().flatten().unwrap_or_default();
    if let Some(value) = cookie::read(&cookies, cookie::COOKIE) {
        let now = now_ms();
        let checked = cookie::verify(token.as_bytes(), value, now / 1000)
            .await
            .map_err(|e| NotSignedIn::Refused(e.into()))?;
        return match checked {
            Ok(session) => {
                let db = app.db().map_err(|e| NotSignedIn::Refused(e.into()))?;
                if store::session_live(&db, &session.id, now)
                    .await
                    .map_err(|e| NotSignedIn::Refused(e.into()))?
                {
                    Ok(Operator {
                        via: Via::Session(session.id),
                    })
                } else {
                    Err(NotSignedIn::Ended)
                }
            }
            Err(cookie::CookieProblem::Expired) => Err(NotSignedIn::Ended),
            Err(cookie::CookieProblem::Forged) => {
                Err(refuse("a session cookie that is not ours").await)
            }
        };
    }
    Err(NotSignedIn::Missing)
}

/// Signs the request in for an admin endpoint: any failure is an answer (a missing credential
/// counts as a failed sign-in, as it always has for `GET /api/admin/calls`). A request that
/// changes something with a browser's credentials must come from this site ([`same_site`]).
pub async fn require(req: &Request, app: &App) -> Result<Operator, ApiError> {
    let operator = match identify(req, app).await {
        Ok(operator) => operator,
        Err(NotSignedIn::Refused(error)) => return Err(error),
        Err(NotSignedIn::Ended) => {
            log::warn(Event::AdminSessionRefused).emit();
            return Err(ApiError::unauthorized());
        }
        Err(NotSignedIn::Missing) => {
            let bucket = failure_bucket(req, app).await?;
            return Err(count_failure(app, &bucket, "a request with no credentials").await);
        }
    };
    if operator.via != Via::Token && req.method() != Method::Get && !same_site(req, app)? {
        log::warn(Event::AdminOriginRefused).emit();
        return Err(ApiError::forbidden(
            "expected this site's own Origin on a change made while signed in",
        ));
    }
    Ok(operator)
}

/// Whether the request's `Origin` is this Worker's own (the origin it came in on, or
/// `PUBLIC_BASE_URL`'s). A browser sends `Origin` on every POST and DELETE, so one without it
/// did not come from the dashboard.
pub fn same_site(req: &Request, app: &App) -> Result<bool, ApiError> {
    let Some(origin) = req.headers().get("Origin")? else {
        return Ok(false);
    };
    let own = http::origin(req.url());
    let public = app.config.public_base_url.as_deref().map(http::origin);
    Ok(
        origin.eq_ignore_ascii_case(&own)
            || public.is_some_and(|p| origin.eq_ignore_ascii_case(&p)),
    )
}

/// Whether the request came to this machine (`Secure` cookies cannot be set over its http).
pub fn local_request(req: &Request) -> bool {
    cookie::is_local(http::host(req.url()))
}
