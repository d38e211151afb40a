//! `GET /api/config`: what the page and widget need to render.

use serde::Serialize;
use worker::Response;

use crate::app::App;
use crate::config::Mode;
use crate::error::ApiError;
use crate::http::json;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PublicConfig<'a> {
    default_country: &'a str,
    allowed_prefixes: Vec<&'a str>,
    /// `TURNSTILE_SITE_KEY` when Turnstile is on (`TURNSTILE_SECRET` set), else null.
    turnstile_site_key: Option<&'a str>,
    sandbox: bool,
}

/// Answers the public part of the configuration. Never a secret, never a setting's value
/// beyond these.
pub fn show(app: &App) -> Result<Response, ApiError> {
    let config = &app.config;
    Ok(json(
        200,
        &PublicConfig {
            default_country: config.default_country.iso(),
            allowed_prefixes: config.guards.allowed_prefixes.as_strs(),
            turnstile_site_key: config
                .guards
                .turnstile
                .as_ref()
                .and_then(|t| t.site_key.as_deref()),
            sandbox: config.mode == Mode::Sandbox,
        },
    )?)
}
