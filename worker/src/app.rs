//! What every handler gets: the bindings, the execution context, and the configuration, read
//! once per isolate.

use std::cell::RefCell;
use std::rc::Rc;

// By this name, for what `#[wasm_bindgen]` expands to (the static's accessor names the crate
// with a single token).
use worker::wasm_bindgen;
use worker::wasm_bindgen::{prelude::wasm_bindgen, JsCast, JsValue};
use worker::{Context, D1Database, Env};

use crate::config::{Config, Mode};
use crate::events::Targets;
use crate::store;
use crate::upstream::Upstream;

/// One request's view of the Worker.
pub struct App {
    /// Bindings: vars, secrets, `DB`, `ASSETS`.
    pub env: Env,
    /// For work that outlives the response (`waitUntil`); none in the cron.
    pub ctx: Option<Context>,
    /// Settings, parsed from `env`.
    pub config: Rc<Config>,
}

thread_local! {
    /// The settings, parsed as the isolate starts (or on its first request). An isolate runs
    /// one version of the Worker, whose vars and secrets never change under it (a new value is a
    /// new version, in new isolates), and parsing every setting took about 0.4 ms of each
    /// request.
    static CONFIG: RefCell<Option<Rc<Config>>> = const { RefCell::new(None) };
}

#[wasm_bindgen(module = "cloudflare:workers")]
extern "C" {
    /// The Worker's bindings as the runtime offers them to code that runs at start-up
    /// (`import { env } from "cloudflare:workers"`): the same vars and secrets each request gets.
    #[wasm_bindgen(thread_local_v2, js_name = env)]
    static STARTUP_ENV: JsValue;
}

impl App {
    /// Reads the configuration at the isolate's start-up, from the bindings the runtime offers
    /// there: parsing it (and compiling the code that does) took about 1 ms of the first request,
    /// and start-up runs while Cloudflare completes the TLS handshake. A runtime that offers no
    /// bindings there leaves it to the first request.
    pub fn read_config_at_start() {
        let env = STARTUP_ENV.with(JsValue::clone);
        if env.is_object() {
            config(&env.unchecked_into());
        }
    }

    /// Reads the configuration from `env`.
    pub fn new(env: Env, ctx: Option<Context>) -> App {
        let config = config(&env);
        App { env, ctx, config }
    }

    /// The call store.
    pub fn db(&self) -> worker::Result<D1Database> {
        store::database(&self.env)
    }

    /// Where events go.
    pub fn targets(&self) -> Targets {
        Targets::of(&self.config)
    }

    /// Where requests for calls placed in `mode` go.
    pub fn upstream(&self, mode: Mode) -> Upstream {
        Upstream::new(mode, self.config.http_timeout_ms, self.config.sandbox)
    }
}

/// The isolate's settings, parsed from `env` the first time they are asked for.
fn config(env: &Env) -> Rc<Config> {
    CONFIG.with_borrow_mut(|kept| {
        kept.get_or_insert_with(|| Rc::new(Config::from_env(env)))
            .clone()
    })
}
