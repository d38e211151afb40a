//! The Cloudflare Worker (feature `worker`): the HTTP API of docs/http-api.md on top of the
//! core, built with workers-rs by scripts/build-worker.sh and configured by wrangler.toml.
//!
//! - [`handlers`]: one module per endpoint; this file only routes.
//! - [`config`]: vars and secrets, parsed once per request into [`config::Config`].
//! - [`upstream`]: sends the core's requests to Exotel (fetch) or to the [`simulator`].
//! - [`observe`]: the single path by which any status learned (connect answer, callback, Call
//!   Details) is logged and applied, in order, idempotently.
//! - [`store`]: every SQL statement (D1; schema in migrations/).
//! - [`ids`], [`crypto`]: call handles and HMAC callback tokens, on WebCrypto.

mod app;
mod config;
mod crypto;
mod error;
mod handlers;
mod ids;
mod observe;
mod simulator;
mod store;
mod time;
mod upstream;

use worker::{event, Context, Env, Method, Request, Response};

use app::App;
use error::ApiError;

/// The Worker's entry point.
#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> worker::Result<Response> {
    let app = App::new(env, ctx);
    match route(req, &app).await {
        Ok(response) => Ok(response),
        Err(error) => error.into_response(),
    }
}

/// Wires paths and methods to handlers. `/api` and `/exotel` are the Worker's (404 and 405 as
/// JSON); every other path is a static file.
async fn route(req: Request, app: &App) -> Result<Response, ApiError> {
    let path = req.path();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let method = req.method();
    match segments.as_slice() {
        ["api", "config"] => match method {
            Method::Get => handlers::public_config::show(app),
            _ => Err(ApiError::method_not_allowed("GET")),
        },
        ["api", "calls"] => match method {
            Method::Post => handlers::calls::create(req, app).await,
            _ => Err(ApiError::method_not_allowed("POST")),
        },
        ["api", "calls", id] => match method {
            Method::Get => handlers::calls::show(id, app).await,
            _ => Err(ApiError::method_not_allowed("GET")),
        },
        ["exotel", "status", token] => match method {
            Method::Post => handlers::callback::receive(req, token, app).await,
            _ => Err(ApiError::method_not_allowed("POST")),
        },
        ["api" | "exotel", ..] => Err(ApiError::not_found("no such endpoint")),
        _ => handlers::assets::serve(req, app).await,
    }
}
