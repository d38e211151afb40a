//! The Cloudflare Worker: the HTTP API of docs/http-api.md on top of the exotel-connect
//! core, built with workers-rs by scripts/build-worker.sh and run by the top-level wrangler.toml.
//!
//! - [`handlers`]: one module per endpoint; each reads its input, calls one service, writes
//!   its output. This file only routes (and applies CORS).
//! - Services the handlers and the cron share: [`placement`] (admission, the connect request,
//!   recording the outcome), [`refresh`] (Call Details for a call), [`reconcile`] (the cron).
//! - [`config`]: vars and secrets, read once per isolate into one struct per concern.
//! - [`guard`], [`turnstile`]: the abuse guards' pure parts (docs/worker.md, "Security and
//!   abuse protection"); the limits' SQL is in [`store::limits`].
//! - [`upstream`]: sends the core's requests to Exotel (fetch) or to its simulator, and reads
//!   the answers.
//! - [`status`], [`observation`]: a call's state as types, and what is learned about it.
//! - [`store`]: every SQL statement (D1; schema in migrations/).
//! - [`operator`]: the operator's sign-in (session cookie, bearer token, Cloudflare Access) and
//!   the pure parts of the dashboard's list (filters, categories, CSV).
//! - [`ids`], [`crypto`]: call handles and HMAC callback tokens, on WebCrypto; [`http`]: JSON
//!   responses, bounded bodies, origins; [`json`]: JSON written and read without serde.

/// The Worker's allocator: talc, in place of std's dlmalloc, is 1.9 KB less of the gzipped wasm
/// every cold start downloads, for the same CPU per request (measured in workerd). It keeps free
/// memory in bins by size, made for a heap that lives as long as an isolate; the npm package's
/// lol_alloc (1 KB, one list searched first-fit) suits a call's short-lived values instead.
/// Native builds (the unit tests) keep the system allocator.
#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

mod apart;
mod app;
mod call_request;
mod config;
mod crypto;
mod due;
mod error;
mod events;
mod guard;
mod handlers;
mod hours;
mod http;
mod ids;
mod json;
mod lead;
mod log;
mod notify;
mod observation;
mod operator;
mod placement;
mod reconcile;
mod refresh;
mod request;
mod retention;
mod retry;
mod status;
mod store;
mod time;
mod turnstile;
mod upstream;

/// The pure part of `POST /api/calls`, for the fuzz target `worker_create_body` (fuzz/).
#[cfg(fuzzing)]
#[doc(hidden)]
pub use call_request::fuzz_create_body;

use std::future::Future;
use std::pin::Pin;

use worker::wasm_bindgen::{prelude::wasm_bindgen, JsValue};
use worker::worker_sys::{web_sys, Context as ContextSys, ScheduleContext as ScheduleContextSys};
use worker::{Context, Env, Method, Response, ResponseBody, ScheduledEvent};

use apart::apart;
use app::App;
use error::ApiError;
use guard::Cors;
use request::Request;

/// Runs once as the wasm is instantiated, at the isolate's start-up: logs `worker_started` and
/// reads the configuration. The runtime loads its log formatter on the first `console.log`
/// (about 2 ms), and parsing the settings took about 1 ms more; paid here, they are paid where
/// Cloudflare starts the isolate (while the TLS handshake is under way), not in the first
/// visitor's request.
#[wasm_bindgen(start, wasm_bindgen = ::worker::wasm_bindgen)]
pub fn start() {
    log::info(log::Event::WorkerStarted).emit();
    App::read_config_at_start();
}

// The two exports worker/js/entry.js calls, written out rather than by workers-rs's `#[event]`:
// its glue turns a failure into `Box<dyn Error>` and prints it, which compiles in the text of
// every error `worker::Error` can carry (serde_json's, the router's, std::io's).

/// The Worker's entry point: every HTTP request.
#[wasm_bindgen(
    wasm_bindgen = ::worker::wasm_bindgen,
    wasm_bindgen_futures = ::worker::wasm_bindgen_futures,
    js_sys = ::worker::js_sys
)]
pub async fn fetch(req: web_sys::Request, env: Env, ctx: ContextSys) -> Result<JsValue, JsValue> {
    match serve(Request::new(req), env, Context::new(ctx))
        .await
        .and_then(into_web_sys)
    {
        Ok(response) => Ok(response.into()),
        Err(e) => {
            error::log_internal(&e);
            let init = web_sys::ResponseInit::new();
            init.set_status(500);
            Ok(
                web_sys::Response::new_with_opt_str_and_init(Some("INTERNAL SERVER ERROR"), &init)?
                    .into(),
            )
        }
    }
}

/// The response as the runtime takes it: the API's bodies are in hand, a static file's is the
/// stream the assets binding answered with.
fn into_web_sys(response: Response) -> worker::Result<web_sys::Response> {
    let init = web_sys::ResponseInit::new();
    init.set_status(response.status_code());
    init.set_headers(&response.headers().0);
    Ok(match response.body() {
        ResponseBody::Body(bytes) => web_sys::Response::new_with_opt_buffer_source_and_init(
            Some(&worker::js_sys::Uint8Array::from(bytes.as_slice())),
            &init,
        )?,
        ResponseBody::Empty => web_sys::Response::new_with_opt_str_and_init(None, &init)?,
        ResponseBody::Stream(stream) => {
            web_sys::Response::new_with_opt_readable_stream_and_init(Some(stream), &init)?
        }
    })
}

/// Answers one request.
async fn serve(req: Request, env: Env, ctx: Context) -> worker::Result<Response> {
    let app = App::new(env, Some(ctx));
    let path = req.path();
    if !path.starts_with("/api/") && path != "/api" {
        return respond(route(req, &app).await);
    }
    // The API is for this site's page and, cross-origin, for the widget on the sites in
    // ALLOWED_ORIGINS; any other origin is refused before anything else happens.
    let cors = cors(&req, &app)?;
    if cors == Cors::Refused {
        return ApiError::origin_not_allowed().into_response();
    }
    let mut response = if req.method() == Method::Options {
        cors.preflight()?
    } else {
        respond(route(req, &app).await)?
    };
    cors.apply(&mut response)?;
    Ok(response)
}

/// The cron (wrangler.toml `[triggers]`): places the calls whose time has come (by the
/// trigger's scheduled time), reconciles calls with no outcome, delivers notifications, and
/// masks and deletes what has reached its age.
#[wasm_bindgen(
    wasm_bindgen = ::worker::wasm_bindgen,
    wasm_bindgen_futures = ::worker::wasm_bindgen_futures,
    js_sys = ::worker::js_sys
)]
pub async fn scheduled(
    event: worker::worker_sys::ScheduledEvent,
    env: Env,
    _ctx: ScheduleContextSys,
) -> Result<JsValue, JsValue> {
    let event = ScheduledEvent::from(event);
    let app = App::new(env, None);
    due::run(&app, event.schedule() as i64).await;
    reconcile::run(&app).await;
    notify::run(&app).await;
    retention::run(&app).await;
    Ok(JsValue::UNDEFINED)
}

fn respond(result: Result<Response, ApiError>) -> worker::Result<Response> {
    match result {
        Ok(response) => Ok(response),
        Err(error) => error.into_response(),
    }
}

/// How the request's `Origin` stands. The Worker's own origins are the one the request came
/// in on and `PUBLIC_BASE_URL`'s.
fn cors(req: &Request, app: &App) -> worker::Result<Cors> {
    let origin = req.headers().get("Origin")?;
    let own = http::origin(req.url());
    let public = app.config.public_base_url.as_deref().map(http::origin);
    let mut owns = vec![own.as_str()];
    owns.extend(public.as_deref());
    Ok(Cors::check(
        origin.as_deref(),
        &owns,
        &app.config.guards.allowed_origins,
    ))
}

/// Wires paths and methods to handlers. `/api` and `/exotel` are the Worker's (404 and 405 as
/// JSON); every other path is a static file.
async fn route(req: Request, app: &App) -> Result<Response, ApiError> {
    // Owned: the handlers below take the request itself.
    let path = req.path().to_owned();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let method = req.method();
    match segments.as_slice() {
        ["api", "config"] => match method {
            Method::Get => handlers::public_config::show(app),
            _ => Err(ApiError::method_not_allowed("GET")),
        },
        ["api", "calls"] => match method {
            Method::Post => handled(handlers::calls::create(req, app)).await,
            _ => Err(ApiError::method_not_allowed("POST")),
        },
        ["api", "calls", id] => match method {
            Method::Get => handled(handlers::calls::show(id, app)).await,
            Method::Delete => handled(handlers::calls::cancel(id, app)).await,
            _ => Err(ApiError::method_not_allowed("GET, DELETE")),
        },
        ["api", "slots"] => match method {
            Method::Get => handlers::slots::list(app),
            _ => Err(ApiError::method_not_allowed("GET")),
        },
        // The operator's endpoints are routed apart: a visitor's first request does not
        // compile their arms.
        ["api", "admin", rest @ ..] => handled(route_operator(req, rest, method, app)).await,
        ["exotel", "status", token] => match method {
            Method::Post => handled(handlers::callback::receive(req, token, app)).await,
            _ => Err(ApiError::method_not_allowed("POST")),
        },
        ["api" | "exotel", ..] => Err(ApiError::not_found("no such endpoint")),
        _ => handled(handlers::assets::serve(req, app)).await,
    }
}

/// Wires `/api/admin/*`, the operator's endpoints; `rest` is the path after `/api/admin/`.
async fn route_operator(
    req: Request,
    rest: &[&str],
    method: Method,
    app: &App,
) -> Result<Response, ApiError> {
    match rest {
        ["calls"] => match method {
            Method::Get => handled(handlers::admin::list(req, app)).await,
            _ => Err(ApiError::method_not_allowed("GET")),
        },
        ["calls.csv"] => match method {
            Method::Get => handled(handlers::admin::export(req, app)).await,
            _ => Err(ApiError::method_not_allowed("GET")),
        },
        ["stats"] => match method {
            Method::Get => handled(handlers::admin::stats(req, app)).await,
            _ => Err(ApiError::method_not_allowed("GET")),
        },
        ["calls", id, "reveal"] => match method {
            Method::Post => handled(handlers::admin::reveal(req, id, app)).await,
            _ => Err(ApiError::method_not_allowed("POST")),
        },
        ["calls", id, "call-back"] => match method {
            Method::Post => handled(handlers::admin::call_back(req, id, app)).await,
            _ => Err(ApiError::method_not_allowed("POST")),
        },
        ["session"] => match method {
            Method::Get => handled(handlers::admin_session::show(req, app)).await,
            Method::Post => handled(handlers::admin_session::create(req, app)).await,
            Method::Delete => handled(handlers::admin_session::delete(req, app)).await,
            _ => Err(ApiError::method_not_allowed("GET, POST, DELETE")),
        },
        _ => Err(ApiError::not_found("no such endpoint")),
    }
}

/// A handler's work, compiled apart from `route` ([`apart`]): a cold start's first request
/// compiles the handler it runs, not the dashboard, the callback and every other one.
fn handled<'a>(
    work: impl Future<Output = Result<Response, ApiError>> + 'a,
) -> Pin<Box<dyn Future<Output = Result<Response, ApiError>> + 'a>> {
    apart(work)
}
