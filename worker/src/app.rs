//! What every handler gets: the bindings, the execution context, and the configuration, read
//! once per request.

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
    pub config: Config,
}

impl App {
    /// Reads the configuration from `env`.
    pub fn new(env: Env, ctx: Option<Context>) -> App {
        let config = Config::from_env(&env);
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
