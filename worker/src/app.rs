//! What every handler gets: the bindings, the execution context, and the configuration, read
//! once per isolate.

use std::cell::RefCell;
use std::rc::Rc;

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
    /// The settings, parsed on this isolate's first request. An isolate runs one version of the
    /// Worker, whose vars and secrets never change under it (a new value is a new version, in new
    /// isolates), and parsing every setting took about 0.4 ms of each request.
    static CONFIG: RefCell<Option<Rc<Config>>> = const { RefCell::new(None) };
}

impl App {
    /// Reads the configuration from `env`.
    pub fn new(env: Env, ctx: Option<Context>) -> App {
        let config = CONFIG.with_borrow_mut(|kept| {
            kept.get_or_insert_with(|| Rc::new(Config::from_env(&env)))
                .clone()
        });
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
