//! The Worker's configuration, read from its vars and secrets once per request.
//!
//! Nothing here fails: a missing or invalid setting becomes a [`NotConfigured`] naming the
//! setting, answered as `503 not_configured` by the endpoints that need it, so the page and
//! `/api/config` keep working on a half-configured deployment. Unknown vars are ignored.
//! Secret values never appear in a message, a log line or `Debug` output.

use std::fmt;

use worker::js_sys::Reflect;
use worker::wasm_bindgen::JsValue;
use worker::Env;

use exotel_connect::{Account, ApiBase, Country, Credentials, Region};

/// Where calls go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Exotel's API (or whatever `EXOTEL_BASE_URL` points at, e.g. a mock).
    Live,
    /// The built-in simulator: no call is placed anywhere.
    Sandbox,
}

impl Mode {
    /// `live` or `sandbox`, as stored with each call.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Live => "live",
            Mode::Sandbox => "sandbox",
        }
    }
}

/// The call flow to connect the visitor to.
#[derive(Debug, Clone)]
pub enum FlowSetting {
    /// `EXOTEL_APP_ID`.
    AppId(String),
    /// `EXOTEL_FLOW_URL`.
    Url(String),
}

/// Everything needed to place a call.
#[derive(Debug)]
pub struct Placement {
    /// The account (the simulator's stand-in in sandbox mode).
    pub account: Account,
    /// The ExoPhone shown to the visitor.
    pub caller_id: String,
    /// The flow they are connected to.
    pub flow: FlowSetting,
    /// `TimeLimit`, seconds.
    pub time_limit: Option<i64>,
    /// `TimeOut`, seconds.
    pub time_out: Option<i64>,
}

/// The simulator's timeline, in milliseconds from the moment a call is placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SandboxTimings {
    /// When an answered call turns `in-progress`.
    pub answer_ms: u64,
    /// When the status callback is delivered.
    pub callback_delay_ms: u64,
}

/// The key for callback-URL tokens. Prints as `<redacted>`.
pub struct CallbackSecret(String);

impl CallbackSecret {
    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for CallbackSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallbackSecret(<redacted>)")
    }
}

/// The operator's bearer token for `/api/admin/calls`. Prints as `<redacted>`.
pub struct AdminToken(String);

impl AdminToken {
    /// The token bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

/// Turnstile, on when `TURNSTILE_SECRET` is set.
pub struct Turnstile {
    /// The secret key for siteverify.
    pub secret: String,
    /// The site key the page renders the widget with (`TURNSTILE_SITE_KEY`).
    pub site_key: Option<String>,
    /// Where tokens are verified (`TURNSTILE_VERIFY_URL`).
    pub verify_url: String,
}

impl fmt::Debug for Turnstile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Turnstile")
            .field("secret", &"<redacted>")
            .field("site_key", &self.site_key)
            .field("verify_url", &self.verify_url)
            .finish()
    }
}

/// A sliding-window limit: at most `max` in any `window_s` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// How many.
    pub max: u32,
    /// Seconds.
    pub window_s: u32,
}

/// The abuse guards' settings (docs/worker.md, "Security and abuse protection").
#[derive(Debug)]
pub struct Guards {
    /// Browser origins allowed to call the API cross-origin (`ALLOWED_ORIGINS`).
    pub allowed_origins: Vec<String>,
    /// Calls to one number (`RATE_LIMIT_PER_NUMBER` / `RATE_LIMIT_NUMBER_WINDOW_SECONDS`).
    pub per_number: Limit,
    /// `POST /api/calls` per client IP (`RATE_LIMIT_PER_CLIENT` /
    /// `RATE_LIMIT_CLIENT_WINDOW_SECONDS`).
    pub per_client: Limit,
    /// Largest request body, bytes (`MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// Turnstile, when on.
    pub turnstile: Option<Turnstile>,
    /// Key for the hashes of numbers, client addresses and idempotency keys
    /// (`RATE_LIMIT_SECRET`, else `CALLBACK_SECRET`).
    hash_key: String,
    /// The operator's token, when the admin view is on.
    pub admin_token: Option<AdminToken>,
    /// Reconcile calls with no outcome this long after they were placed (seconds).
    pub reconcile_after_s: u64,
    /// Mark them `unknown` this long after they were placed (seconds).
    pub reconcile_give_up_s: u64,
    /// At most this many calls per cron run.
    pub reconcile_batch: u32,
}

impl Guards {
    /// The key for keyed hashes.
    pub fn hash_key(&self) -> &[u8] {
        self.hash_key.as_bytes()
    }
}

/// What is missing or wrong, by setting name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotConfigured(Vec<String>);

impl fmt::Display for NotConfigured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "this service is not configured to place calls: {}",
            self.0.join("; ")
        )
    }
}

/// The Worker's settings for one request.
#[derive(Debug)]
pub struct Config {
    /// Live or sandbox.
    pub mode: Mode,
    placement: Result<Placement, NotConfigured>,
    callback_secret: Result<CallbackSecret, NotConfigured>,
    /// Country for numbers typed without a country code (`DEFAULT_COUNTRY`).
    pub default_country: Country,
    /// Destinations calls may go to (`ALLOWED_PREFIXES`), for `/api/config`.
    pub allowed_prefixes: Vec<String>,
    /// Origin (and optional path prefix) for the callback URL, no trailing `/`.
    pub public_base_url: Option<String>,
    /// Minimum time between Call Details refreshes of one call.
    pub refresh_interval_ms: u64,
    /// How long to wait for Exotel's API.
    pub http_timeout_ms: u32,
    /// The simulator's timeline.
    pub sandbox: SandboxTimings,
    /// Abuse guards.
    pub guards: Guards,
}

/// The callback is sent from inside the request that placed the call (`waitUntil`), which
/// Cloudflare keeps alive for 30 s after the response.
const MAX_SANDBOX_DELAY_MS: u64 = 25_000;
/// A key everyone can read: used only in sandbox mode when `CALLBACK_SECRET` is not set, where
/// no real call exists for a forged callback to lie about.
const SANDBOX_CALLBACK_SECRET: &str = "exotel-connect sandbox mode; not a secret";
/// HMAC-SHA-256 keys shorter than this are guessable in principle.
const MIN_SECRET_LEN: usize = 32;
/// Cloudflare's siteverify endpoint.
const TURNSTILE_VERIFY_URL: &str = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

impl Config {
    /// Reads every setting from `env`.
    pub fn from_env(env: &Env) -> Config {
        let read = |name: &str| read_var(env, name);
        let mut problems = Vec::new();

        let has_credentials = ["EXOTEL_ACCOUNT_SID", "EXOTEL_API_KEY", "EXOTEL_API_TOKEN"]
            .iter()
            .any(|name| read(name).is_some());
        let mode = match read("EXOTEL_MODE").map(|m| m.to_ascii_lowercase()) {
            None if has_credentials => Mode::Live,
            None => Mode::Sandbox,
            Some(m) if m == "sandbox" => Mode::Sandbox,
            Some(m) if m == "live" => Mode::Live,
            Some(_) => {
                problems.push("EXOTEL_MODE must be `live` or `sandbox`".to_owned());
                Mode::Live
            }
        };

        let default_country = match read("DEFAULT_COUNTRY") {
            None => Country::INDIA,
            Some(code) => Country::from_iso(&code).unwrap_or_else(|e| {
                problems.push(format!("DEFAULT_COUNTRY: {e}"));
                Country::INDIA
            }),
        };
        let allowed_prefixes = read("ALLOWED_PREFIXES")
            .map(|list| {
                list.split([',', ' '])
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_else(|| vec!["+91".to_owned()]);
        // The core's base-URL check (http(s), a host, no credentials, query or fragment);
        // the `url` crate would bring Unicode tables worth ~100 KB of wasm.
        let public_base_url = read("PUBLIC_BASE_URL").and_then(|url| match ApiBase::custom(&url) {
            Ok(base) => Some(base.as_str().to_owned()),
            Err(_) => {
                problems.push(
                    "PUBLIC_BASE_URL must be an http(s) URL like https://call.example.com"
                        .to_owned(),
                );
                None
            }
        });
        // Whole-number settings (milliseconds, seconds, counts), each with its range.
        let mut millis = |name: &str, default: u64, max: u64| match read(name) {
            None => default,
            Some(text) => match text.parse::<u64>() {
                Ok(ms) if ms <= max => ms,
                _ => {
                    problems.push(format!("{name} must be a whole number up to {max}"));
                    default
                }
            },
        };
        let sandbox = SandboxTimings {
            answer_ms: millis("SANDBOX_ANSWER_MS", 2_000, MAX_SANDBOX_DELAY_MS),
            callback_delay_ms: millis("SANDBOX_CALLBACK_DELAY_MS", 5_000, MAX_SANDBOX_DELAY_MS),
        };
        // The simulator is free to ask, so the sandbox refreshes on every poll.
        let default_refresh = match mode {
            Mode::Live => 5_000,
            Mode::Sandbox => 0,
        };
        let refresh_interval_ms = millis("STATUS_REFRESH_MS", default_refresh, 3_600_000);
        // EXOTEL_HTTP_TIMEOUT_MS is the name issue 4 used; EXOTEL_TIMEOUT_MS wins when both are set.
        let timeout_name = if read("EXOTEL_TIMEOUT_MS").is_some() {
            "EXOTEL_TIMEOUT_MS"
        } else {
            "EXOTEL_HTTP_TIMEOUT_MS"
        };
        let http_timeout_ms = millis(timeout_name, 8_000, 60_000).max(100) as u32;
        let per_number = Limit {
            max: millis("RATE_LIMIT_PER_NUMBER", 3, 1_000_000) as u32,
            window_s: millis("RATE_LIMIT_NUMBER_WINDOW_SECONDS", 3_600, 86_400 * 30).max(1) as u32,
        };
        let per_client = Limit {
            max: millis("RATE_LIMIT_PER_CLIENT", 10, 1_000_000) as u32,
            window_s: millis("RATE_LIMIT_CLIENT_WINDOW_SECONDS", 600, 86_400 * 30).max(1) as u32,
        };
        let max_body_bytes = millis("MAX_BODY_BYTES", 4_096, 1_048_576).max(64) as usize;
        let reconcile_after_s = millis("RECONCILE_AFTER_SECONDS", 120, 86_400);
        let reconcile_give_up_s =
            millis("RECONCILE_GIVE_UP_SECONDS", 3_600, 86_400 * 7).max(reconcile_after_s);
        let reconcile_batch = millis("RECONCILE_BATCH", 25, 100).max(1) as u32;

        let callback_secret = match (read("CALLBACK_SECRET"), mode) {
            (Some(secret), Mode::Live) if secret.len() < MIN_SECRET_LEN => Err(format!(
                "CALLBACK_SECRET must be at least {MIN_SECRET_LEN} characters"
            )),
            (Some(secret), _) => Ok(CallbackSecret(secret)),
            (None, Mode::Sandbox) => Ok(CallbackSecret(SANDBOX_CALLBACK_SECRET.to_owned())),
            (None, Mode::Live) => Err("CALLBACK_SECRET is not set".to_owned()),
        };
        if let Err(problem) = &callback_secret {
            problems.push(problem.clone());
        }

        let allowed_origins = read("ALLOWED_ORIGINS")
            .map(|list| {
                list.split([',', ' '])
                    .map(|o| o.trim_end_matches('/'))
                    .filter(|o| !o.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let turnstile = read("TURNSTILE_SECRET").map(|secret| Turnstile {
            secret,
            site_key: read("TURNSTILE_SITE_KEY"),
            verify_url: read("TURNSTILE_VERIFY_URL")
                .unwrap_or_else(|| TURNSTILE_VERIFY_URL.to_owned()),
        });
        let hash_key = read("RATE_LIMIT_SECRET")
            .or_else(|| read("CALLBACK_SECRET"))
            .unwrap_or_else(|| SANDBOX_CALLBACK_SECRET.to_owned());
        let guards = Guards {
            allowed_origins,
            per_number,
            per_client,
            max_body_bytes,
            turnstile,
            hash_key,
            admin_token: read("ADMIN_TOKEN").map(AdminToken),
            reconcile_after_s,
            reconcile_give_up_s,
            reconcile_batch,
        };

        let placement = match mode {
            Mode::Live => live_placement(&read, &mut problems),
            Mode::Sandbox => sandbox_placement(&read),
        };
        let placement = match placement {
            Some(placement) if problems.is_empty() => Ok(placement),
            _ => Err(NotConfigured(problems.clone())),
        };
        Config {
            mode,
            placement,
            callback_secret: callback_secret.map_err(|p| NotConfigured(vec![p])),
            default_country,
            allowed_prefixes,
            public_base_url,
            refresh_interval_ms,
            http_timeout_ms,
            sandbox,
            guards,
        }
    }

    /// What placing a call needs, or what is missing.
    pub fn placement(&self) -> Result<&Placement, &NotConfigured> {
        self.placement.as_ref()
    }

    /// The key for callback tokens, or why there is none.
    pub fn callback_secret(&self) -> Result<&CallbackSecret, &NotConfigured> {
        self.callback_secret.as_ref()
    }
}

/// A var or secret as text: strings as they are, numbers and booleans (wrangler.toml allows
/// them in `[vars]`) as written; unset and blank are `None`.
fn read_var(env: &Env, name: &str) -> Option<String> {
    let value = Reflect::get(env, &JsValue::from_str(name)).ok()?;
    let text = if let Some(text) = value.as_string() {
        text
    } else if let Some(number) = value.as_f64() {
        // Settings are whole numbers; formatting any f64 would cost 14 KB of wasm.
        if number.fract() != 0.0 || number.abs() > 1e15 {
            return None;
        }
        (number as i64).to_string()
    } else {
        value.as_bool()?.to_string()
    };
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn live_placement(
    read: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<String>,
) -> Option<Placement> {
    let mut require = |name: &str| {
        let value = read(name);
        if value.is_none() {
            problems.push(format!("{name} is not set"));
        }
        value
    };
    let sid = require("EXOTEL_ACCOUNT_SID");
    let key = require("EXOTEL_API_KEY");
    let token = require("EXOTEL_API_TOKEN");
    let caller_id = require("EXOTEL_CALLER_ID");
    let flow = match (read("EXOTEL_APP_ID"), read("EXOTEL_FLOW_URL")) {
        (Some(id), None) => Some(FlowSetting::AppId(id)),
        (None, Some(url)) => Some(FlowSetting::Url(url)),
        (Some(_), Some(_)) => {
            problems.push("set EXOTEL_APP_ID or EXOTEL_FLOW_URL, not both".to_owned());
            None
        }
        (None, None) => {
            problems.push("EXOTEL_APP_ID (or EXOTEL_FLOW_URL) is not set".to_owned());
            None
        }
    };
    let base = match (read("EXOTEL_BASE_URL"), read("EXOTEL_REGION")) {
        (Some(url), _) => ApiBase::custom(&url)
            .map_err(|e| problems.push(format!("EXOTEL_BASE_URL: {}", e.problem())))
            .ok(),
        (None, Some(region)) => Region::parse(&region)
            .map(ApiBase::region)
            .map_err(|e| problems.push(format!("EXOTEL_REGION: {}", e.problem())))
            .ok(),
        (None, None) => Some(ApiBase::region(Region::Singapore)),
    };
    let time_limit = seconds(read, "EXOTEL_TIME_LIMIT", problems);
    let time_out = seconds(read, "EXOTEL_TIME_OUT", problems);

    // Credential problems name the setting only: the core's message could quote the value.
    let credentials = match (key, token) {
        (Some(key), Some(token)) => Credentials::new(&key, &token)
            .map_err(|e| {
                let name = match e.field() {
                    "api_key" => "EXOTEL_API_KEY",
                    _ => "EXOTEL_API_TOKEN",
                };
                problems.push(format!("{name} is not a valid Exotel credential"));
            })
            .ok(),
        _ => None,
    };
    let account = Account::new(&sid?, credentials?, base?)
        .map_err(|_| problems.push("EXOTEL_ACCOUNT_SID is not a valid account SID".to_owned()))
        .ok()?;
    Some(Placement {
        account,
        caller_id: caller_id?,
        flow: flow?,
        time_limit: time_limit?,
        time_out: time_out?,
    })
}

/// The simulator's stand-in account. Real settings are used where given, so a sandbox request
/// looks like the live one would; credentials never are (the simulator needs none).
fn sandbox_placement(read: &dyn Fn(&str) -> Option<String>) -> Option<Placement> {
    let credentials = Credentials::new("sandbox-api-key", "sandbox-api-token").ok()?;
    // The simulator ignores the host; `.invalid` can never resolve, should anything try.
    let base = ApiBase::custom("https://sandbox.exotel.invalid").ok()?;
    let account = Account::new("sandbox", credentials, base).ok()?;
    Some(Placement {
        account,
        caller_id: read("EXOTEL_CALLER_ID").unwrap_or_else(|| "08047112400".to_owned()),
        // A flow URL names the real account, which the simulator's stand-in is not.
        flow: FlowSetting::AppId(read("EXOTEL_APP_ID").unwrap_or_else(|| "1".to_owned())),
        time_limit: read("EXOTEL_TIME_LIMIT").and_then(|t| t.parse().ok()),
        time_out: read("EXOTEL_TIME_OUT").and_then(|t| t.parse().ok()),
    })
}

/// An optional whole number of seconds: `Some(None)` when unset, `None` (and a problem) when
/// it is not a number. The range is the core's to check.
fn seconds(
    read: &dyn Fn(&str) -> Option<String>,
    name: &str,
    problems: &mut Vec<String>,
) -> Option<Option<i64>> {
    match read(name) {
        None => Some(None),
        Some(text) => match text.parse::<i64>() {
            Ok(n) => Some(Some(n)),
            Err(_) => {
                problems.push(format!("{name} must be a whole number of seconds"));
                None
            }
        },
    }
}
