//! The Worker's configuration, read from its vars and secrets once per request, one struct per
//! concern.
//!
//! Nothing here fails: a missing or invalid setting becomes a [`NotConfigured`] naming the
//! setting, answered as `503 not_configured` by the endpoints that need it, so the page and
//! `/api/config` keep working on a half-configured deployment. Unknown vars are ignored.
//! Secret values never appear in a message, a log line or `Debug` output.

mod notifications;
mod prefixes;
mod vars;

use std::fmt;

use worker::Env;

use exotel_connect::{
    Account, ApiBase, CallStatus, Country, Credentials, PhoneNumber, Region, MAX_TIME_LIMIT,
};

use crate::hours::schedule::{parse_holidays, parse_weekly};
use crate::hours::zone::{IntlZone, Zone, DEFAULT_ZONE};
use crate::hours::OpeningHours;

pub use notifications::Notifications;
pub use prefixes::AllowedPrefixes;
pub use vars::Vars;

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
    /// `TimeLimit`, seconds: `EXOTEL_TIME_LIMIT`, [`DEFAULT_TIME_LIMIT`] when unset, none when
    /// `0` or `none`.
    pub time_limit: Option<u32>,
    /// `TimeOut`, seconds.
    pub time_out: Option<u32>,
    /// The way through for a number on the Do-Not-Disturb registry.
    pub dnd: DndPath,
}

/// What a visitor whose number is on the Do-Not-Disturb registry is offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DndPath {
    /// `MISSED_CALL_NUMBER` (default `EXOTEL_CALLER_ID`), E.164: a missed call from the
    /// visitor's phone to it lets Exotel call them. `None` when neither is a valid number.
    pub missed_call_number: Option<String>,
    /// `DND_WHITELIST_API=on`: the account has Exotel's NCPR agreement, so a refused number is
    /// added through the Customer Whitelist API (Exotel texts the visitor an opt-in).
    pub whitelist_api: bool,
}

impl DndPath {
    /// Reads `MISSED_CALL_NUMBER` and `DND_WHITELIST_API`. Both numbers are read as the
    /// ExoPhone is (Indian unless written with `+`); a bad `MISSED_CALL_NUMBER` is a problem,
    /// a bad caller ID is one already (the connect request refuses it).
    fn read(vars: &mut Vars<'_>, caller_id: Option<&str>) -> DndPath {
        let missed_call_number = match vars.text("MISSED_CALL_NUMBER") {
            Some(number) => match PhoneNumber::parse(&number, Country::INDIA) {
                Ok(number) => Some(number.as_str().to_owned()),
                Err(_) => {
                    vars.problem("MISSED_CALL_NUMBER is not a valid phone number");
                    None
                }
            },
            None => caller_id
                .and_then(|id| PhoneNumber::parse(id, Country::INDIA).ok())
                .map(|number| number.as_str().to_owned()),
        };
        DndPath {
            missed_call_number,
            whitelist_api: vars.switch("DND_WHITELIST_API", false),
        }
    }
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

/// Rate limits per destination and per client (docs/worker.md, "Security and abuse
/// protection").
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    /// Calls to one number (`RATE_LIMIT_PER_NUMBER` / `RATE_LIMIT_NUMBER_WINDOW_SECONDS`).
    pub per_number: Limit,
    /// Calls to one number per day (`RATE_LIMIT_PER_NUMBER_DAY`).
    pub per_number_day: Limit,
    /// Calls requested by one client network (`RATE_LIMIT_PER_CLIENT` /
    /// `RATE_LIMIT_CLIENT_WINDOW_SECONDS`).
    pub per_client: Limit,
    /// Requests from one client network refused before a call could be placed
    /// (`RATE_LIMIT_REFUSED_PER_CLIENT`, same window as `per_client`).
    pub refused_per_client: Limit,
    /// Failed admin sign-ins per client network (`ADMIN_SIGN_IN_ATTEMPTS` per 15 minutes).
    pub admin_failures: Limit,
    /// IPv6 clients share one bucket per network of this many leading bits
    /// (`RATE_LIMIT_IPV6_PREFIX`).
    pub ipv6_prefix_bits: u8,
}

impl RateLimits {
    /// The longest window any limit looks back over, seconds.
    pub fn longest_window_s(&self) -> u32 {
        [
            self.per_number,
            self.per_number_day,
            self.per_client,
            self.refused_per_client,
            self.admin_failures,
        ]
        .iter()
        .map(|limit| limit.window_s)
        .max()
        .unwrap_or(0)
    }
}

/// What all calls together may cost: every call the Worker places counts.
#[derive(Debug, Clone, Copy)]
pub struct Budgets {
    /// `CALL_BUDGET_PER_HOUR`.
    pub per_hour: Limit,
    /// `CALL_BUDGET_PER_DAY`.
    pub per_day: Limit,
}

/// The public form's guards other than rate limits.
pub struct Guards {
    /// Browser origins allowed to call the API cross-origin (`ALLOWED_ORIGINS`).
    pub allowed_origins: Vec<String>,
    /// Destinations calls may go to (`ALLOWED_PREFIXES`).
    pub allowed_prefixes: AllowedPrefixes,
    /// Largest request body, bytes (`MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// Turnstile, when on.
    pub turnstile: Option<Turnstile>,
    /// Key for the hashes of numbers, client networks and idempotency keys
    /// (`RATE_LIMIT_SECRET`, else `CALLBACK_SECRET`).
    hash_key: String,
    /// The operator's token, when the admin view is on; why it is refused otherwise.
    pub admin_token: Option<Result<AdminToken, String>>,
}

impl Guards {
    /// The key for keyed hashes.
    pub fn hash_key(&self) -> &[u8] {
        self.hash_key.as_bytes()
    }
}

impl fmt::Debug for Guards {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guards")
            .field("allowed_origins", &self.allowed_origins)
            .field("allowed_prefixes", &self.allowed_prefixes)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("turnstile", &self.turnstile)
            .field("hash_key", &"<redacted>")
            .field("admin_token", &self.admin_token)
            .finish()
    }
}

/// The cron's reconciliation of calls whose status callback never came.
#[derive(Debug, Clone, Copy)]
pub struct Reconcile {
    /// Reconcile calls with no outcome this long after they were placed (seconds).
    pub after_s: u64,
    /// Mark them `unknown` this long after they were placed (seconds).
    pub give_up_s: u64,
    /// At most this many calls per cron run.
    pub batch: u32,
}

/// A second try when nobody answers.
#[derive(Debug, Clone)]
pub struct Retry {
    /// The outcomes that earn one (`RETRY_ON`, default `busy,no-answer`).
    pub on: Vec<CallStatus>,
    /// How long after the outcome (`RETRY_AFTER_SECONDS`, default 300).
    pub after_s: u64,
    /// How many tries after the first (`RETRY_ATTEMPTS`, default 1; 0 turns them off).
    pub attempts: u32,
}

/// How long calls are kept, and how long their numbers stay whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Calls older than this are deleted with their events (`RETENTION_DAYS`, default 90).
    pub keep_days: u32,
    /// Calls older than this keep only the masked number (`MASK_AFTER_DAYS`, default 30;
    /// never more than `keep_days`).
    pub mask_after_days: u32,
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
    /// Origin (and optional path prefix) for the callback URL, no trailing `/`.
    pub public_base_url: Option<String>,
    /// Minimum time between Call Details refreshes of one call.
    pub refresh_interval_ms: u64,
    /// How long to wait for Exotel's API.
    pub http_timeout_ms: u32,
    /// The simulator's timeline.
    pub sandbox: SandboxTimings,
    /// The public form's guards.
    pub guards: Guards,
    /// Rate limits.
    pub limits: RateLimits,
    /// Call budgets.
    pub budgets: Budgets,
    /// The cron's reconciliation.
    pub reconcile: Reconcile,
    /// Opening hours, or why the settings could not be read (the problem is also in
    /// `placement`'s).
    pub hours: Result<OpeningHours, String>,
    /// Second tries.
    pub retry: Retry,
    /// Webhook and Slack destinations for events.
    pub notifications: Notifications,
    /// What is deleted or masked, and when.
    pub retention: Retention,
}

/// `TimeLimit` when `EXOTEL_TIME_LIMIT` is unset: an hour, so a stranger who answers on their
/// own phone cannot hold an agent's line for longer.
pub const DEFAULT_TIME_LIMIT: u32 = 3_600;
/// The callback is sent from inside the request that placed the call (`waitUntil`), which
/// Cloudflare keeps alive for 30 s after the response.
const MAX_SANDBOX_DELAY_MS: u64 = 25_000;
/// A key everyone can read: used only in sandbox mode when `CALLBACK_SECRET` is not set, where
/// no real call exists for a forged callback to lie about.
const SANDBOX_CALLBACK_SECRET: &str = "exotel-connect sandbox mode; not a secret";
/// HMAC-SHA-256 keys and bearer tokens shorter than this are guessable in principle.
const MIN_SECRET_LEN: usize = 32;
/// Cloudflare's siteverify endpoint.
const TURNSTILE_VERIFY_URL: &str = "https://challenges.cloudflare.com/turnstile/v0/siteverify";
/// Thirty days, the longest window a limit may have.
const MAX_WINDOW_S: u32 = 86_400 * 30;
const HOUR_S: u32 = 3_600;
const DAY_S: u32 = 86_400;

impl Config {
    /// Reads every setting from the Worker's environment, with the runtime's time zones.
    pub fn from_env(env: &Env) -> Config {
        Config::read(Vars::from_env(env), &|name| {
            IntlZone::new(name).map(|zone| Box::new(zone) as Box<dyn Zone>)
        })
    }

    /// Reads every setting from `vars`; `zones` finds a time zone by its IANA name.
    pub fn read(mut vars: Vars<'_>, zones: &Zones<'_>) -> Config {
        let has_credentials = ["EXOTEL_ACCOUNT_SID", "EXOTEL_API_KEY", "EXOTEL_API_TOKEN"]
            .iter()
            .any(|name| vars.is_set(name));
        let mode = match vars.text("EXOTEL_MODE").map(|m| m.to_ascii_lowercase()) {
            None if has_credentials => Mode::Live,
            None => Mode::Sandbox,
            Some(m) if m == "sandbox" => Mode::Sandbox,
            Some(m) if m == "live" => Mode::Live,
            Some(_) => {
                vars.problem("EXOTEL_MODE must be `live` or `sandbox`");
                Mode::Live
            }
        };

        let default_country = match vars.text("DEFAULT_COUNTRY") {
            None => Country::INDIA,
            Some(code) => Country::from_iso(&code).unwrap_or_else(|e| {
                vars.problem(format!("DEFAULT_COUNTRY: {e}"));
                Country::INDIA
            }),
        };
        // The core's base-URL check (http(s), a host, no credentials, query or fragment);
        // the `url` crate would bring Unicode tables worth ~100 KB of wasm.
        let public_base_url =
            vars.text("PUBLIC_BASE_URL")
                .and_then(|url| match ApiBase::custom(&url) {
                    Ok(base) => Some(base.as_str().to_owned()),
                    Err(_) => {
                        vars.problem(
                            "PUBLIC_BASE_URL must be an http(s) URL like https://call.example.com",
                        );
                        None
                    }
                });
        let sandbox = SandboxTimings {
            answer_ms: vars.read_u64("SANDBOX_ANSWER_MS", 2_000, 0..=MAX_SANDBOX_DELAY_MS),
            callback_delay_ms: vars.read_u64(
                "SANDBOX_CALLBACK_DELAY_MS",
                5_000,
                0..=MAX_SANDBOX_DELAY_MS,
            ),
        };
        // The simulator is free to ask, so the sandbox refreshes on every poll.
        let default_refresh = match mode {
            Mode::Live => 5_000,
            Mode::Sandbox => 0,
        };
        let refresh_interval_ms =
            vars.read_u64("STATUS_REFRESH_MS", default_refresh, 0..=3_600_000);
        // EXOTEL_HTTP_TIMEOUT_MS is the older name; EXOTEL_TIMEOUT_MS wins when both are set.
        let timeout_name = if vars.is_set("EXOTEL_TIMEOUT_MS") {
            "EXOTEL_TIMEOUT_MS"
        } else {
            "EXOTEL_HTTP_TIMEOUT_MS"
        };
        let http_timeout_ms = vars.read_u32(timeout_name, 8_000, 100..=60_000);

        let callback_secret = match (vars.text("CALLBACK_SECRET"), mode) {
            (Some(secret), Mode::Live) if secret.len() < MIN_SECRET_LEN => Err(format!(
                "CALLBACK_SECRET must be at least {MIN_SECRET_LEN} characters"
            )),
            (Some(secret), _) => Ok(CallbackSecret(secret)),
            (None, Mode::Sandbox) => Ok(CallbackSecret(SANDBOX_CALLBACK_SECRET.to_owned())),
            (None, Mode::Live) => Err("CALLBACK_SECRET is not set".to_owned()),
        };
        if let Err(problem) = &callback_secret {
            vars.problem(problem.clone());
        }

        let guards = read_guards(&mut vars);
        let limits = read_limits(&mut vars);
        let budgets = Budgets {
            per_hour: Limit {
                max: vars.read_u32("CALL_BUDGET_PER_HOUR", 30, 0..=1_000_000),
                window_s: HOUR_S,
            },
            per_day: Limit {
                max: vars.read_u32("CALL_BUDGET_PER_DAY", 200, 0..=10_000_000),
                window_s: DAY_S,
            },
        };
        let after_s = vars.read_u64("RECONCILE_AFTER_SECONDS", 120, 0..=86_400);
        let reconcile = Reconcile {
            after_s,
            give_up_s: vars
                .read_u64("RECONCILE_GIVE_UP_SECONDS", 3_600, 0..=86_400 * 7)
                .max(after_s),
            batch: vars.read_u32("RECONCILE_BATCH", 25, 1..=100),
        };

        let hours = read_hours(&mut vars, zones);
        let retry = read_retry(&mut vars);
        let notifications = Notifications::read(&vars);
        let keep_days = vars.read_u32("RETENTION_DAYS", 90, 1..=3_650);
        let retention = Retention {
            keep_days,
            mask_after_days: vars
                .read_u32("MASK_AFTER_DAYS", 30, 0..=3_650)
                .min(keep_days),
        };

        let placement = match mode {
            Mode::Live => live_placement(&mut vars),
            Mode::Sandbox => sandbox_placement(&mut vars),
        };
        let placement = match placement {
            Some(placement) if vars.problems().is_empty() => Ok(placement),
            _ => Err(NotConfigured(vars.problems().to_vec())),
        };
        Config {
            mode,
            placement,
            callback_secret: callback_secret.map_err(|p| NotConfigured(vec![p])),
            default_country,
            public_base_url,
            refresh_interval_ms,
            http_timeout_ms,
            sandbox,
            guards,
            limits,
            budgets,
            reconcile,
            hours,
            retry,
            notifications,
            retention,
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

/// Finds a time zone by its IANA name.
pub type Zones<'a> = dyn Fn(&str) -> Result<Box<dyn Zone>, String> + 'a;

/// `BUSINESS_HOURS`, `BUSINESS_TIMEZONE`, `HOLIDAYS`, `SCHEDULE_MAX_DAYS`: a bad value is a
/// problem naming the setting (calls are refused as not configured), never "always open".
fn read_hours(vars: &mut Vars<'_>, zones: &Zones<'_>) -> Result<OpeningHours, String> {
    let max_days = vars.read_u32("SCHEDULE_MAX_DAYS", 7, 1..=366);
    let weekly = vars.text("BUSINESS_HOURS").map(|text| parse_weekly(&text));
    let holidays = parse_holidays(&vars.text("HOLIDAYS").unwrap_or_default());
    let zone = zones(
        &vars
            .text("BUSINESS_TIMEZONE")
            .unwrap_or_else(|| DEFAULT_ZONE.to_owned()),
    );
    let mut problems = Vec::new();
    let weekly = match weekly {
        None => None,
        Some(Ok(weekly)) => Some(weekly),
        Some(Err(problem)) => {
            problems.push(format!("BUSINESS_HOURS: {problem}"));
            None
        }
    };
    let holidays = holidays.unwrap_or_else(|problem| {
        problems.push(format!("HOLIDAYS: {problem}"));
        Vec::new()
    });
    let zone = zone.map_err(|problem| problems.push(format!("BUSINESS_TIMEZONE: {problem}")));
    for problem in &problems {
        vars.problem(problem.clone());
    }
    match zone {
        Ok(zone) if problems.is_empty() => Ok(OpeningHours {
            weekly,
            holidays,
            zone,
            max_days,
        }),
        _ => Err(problems.join("; ")),
    }
}

fn read_retry(vars: &mut Vars<'_>) -> Retry {
    let on = match vars.list("RETRY_ON") {
        None => vec![CallStatus::Busy, CallStatus::NoAnswer],
        Some(list) => list
            .iter()
            .filter_map(|status| match CallStatus::parse(status) {
                status @ (CallStatus::Busy | CallStatus::NoAnswer | CallStatus::Failed) => {
                    Some(status)
                }
                _ => {
                    vars.problem(format!(
                        "RETRY_ON: expected busy, no-answer or failed, but got `{status}`"
                    ));
                    None
                }
            })
            .collect(),
    };
    Retry {
        on,
        after_s: vars.read_u64("RETRY_AFTER_SECONDS", 300, 60..=86_400),
        attempts: vars.read_u32("RETRY_ATTEMPTS", 1, 0..=5),
    }
}

fn read_guards(vars: &mut Vars<'_>) -> Guards {
    let allowed_prefixes = match vars.list("ALLOWED_PREFIXES") {
        None => AllowedPrefixes::india(),
        Some(list) => AllowedPrefixes::parse(&list).unwrap_or_else(|problem| {
            vars.problem(format!("ALLOWED_PREFIXES: {problem}"));
            AllowedPrefixes::none()
        }),
    };
    let allowed_origins = vars
        .list("ALLOWED_ORIGINS")
        .unwrap_or_default()
        .into_iter()
        .map(|origin| origin.trim_end_matches('/').to_owned())
        .filter(|origin| !origin.is_empty())
        .collect();
    let turnstile = vars.text("TURNSTILE_SECRET").map(|secret| Turnstile {
        secret,
        site_key: vars.text("TURNSTILE_SITE_KEY"),
        verify_url: vars
            .text("TURNSTILE_VERIFY_URL")
            .unwrap_or_else(|| TURNSTILE_VERIFY_URL.to_owned()),
    });
    let hash_key = vars
        .text("RATE_LIMIT_SECRET")
        .or_else(|| vars.text("CALLBACK_SECRET"))
        .unwrap_or_else(|| SANDBOX_CALLBACK_SECRET.to_owned());
    // A short token is refused outright rather than accepted: the admin view shows every call.
    let admin_token = vars.text("ADMIN_TOKEN").map(|token| {
        if token.chars().count() < MIN_SECRET_LEN {
            Err(format!(
                "ADMIN_TOKEN must be at least {MIN_SECRET_LEN} characters"
            ))
        } else {
            Ok(AdminToken(token))
        }
    });
    Guards {
        allowed_origins,
        allowed_prefixes,
        max_body_bytes: vars.read_u64("MAX_BODY_BYTES", 16_384, 64..=1_048_576) as usize,
        turnstile,
        hash_key,
        admin_token,
    }
}

fn read_limits(vars: &mut Vars<'_>) -> RateLimits {
    let number_window = vars.read_u32("RATE_LIMIT_NUMBER_WINDOW_SECONDS", HOUR_S, 1..=MAX_WINDOW_S);
    let client_window = vars.read_u32("RATE_LIMIT_CLIENT_WINDOW_SECONDS", 600, 1..=MAX_WINDOW_S);
    RateLimits {
        per_number: Limit {
            max: vars.read_u32("RATE_LIMIT_PER_NUMBER", 3, 0..=1_000_000),
            window_s: number_window,
        },
        per_number_day: Limit {
            max: vars.read_u32("RATE_LIMIT_PER_NUMBER_DAY", 5, 0..=1_000_000),
            window_s: DAY_S,
        },
        per_client: Limit {
            max: vars.read_u32("RATE_LIMIT_PER_CLIENT", 10, 0..=1_000_000),
            window_s: client_window,
        },
        refused_per_client: Limit {
            max: vars.read_u32("RATE_LIMIT_REFUSED_PER_CLIENT", 60, 0..=1_000_000),
            window_s: client_window,
        },
        admin_failures: Limit {
            max: vars.read_u32("ADMIN_SIGN_IN_ATTEMPTS", 10, 1..=1_000),
            window_s: 900,
        },
        ipv6_prefix_bits: vars.read_u32("RATE_LIMIT_IPV6_PREFIX", 64, 16..=128) as u8,
    }
}

fn live_placement(vars: &mut Vars<'_>) -> Option<Placement> {
    let sid = vars.required("EXOTEL_ACCOUNT_SID");
    let key = vars.required("EXOTEL_API_KEY");
    let token = vars.required("EXOTEL_API_TOKEN");
    let caller_id = vars.required("EXOTEL_CALLER_ID");
    let flow = match (vars.text("EXOTEL_APP_ID"), vars.text("EXOTEL_FLOW_URL")) {
        (Some(id), None) => Some(FlowSetting::AppId(id)),
        (None, Some(url)) => Some(FlowSetting::Url(url)),
        (Some(_), Some(_)) => {
            vars.problem("set EXOTEL_APP_ID or EXOTEL_FLOW_URL, not both");
            None
        }
        (None, None) => {
            vars.problem("EXOTEL_APP_ID (or EXOTEL_FLOW_URL) is not set");
            None
        }
    };
    let base = match (vars.text("EXOTEL_BASE_URL"), vars.text("EXOTEL_REGION")) {
        (Some(url), _) => ApiBase::custom(&url)
            .map_err(|e| vars.problem(format!("EXOTEL_BASE_URL: {}", e.problem())))
            .ok(),
        (None, Some(region)) => Region::parse(&region)
            .map(ApiBase::region)
            .map_err(|e| vars.problem(format!("EXOTEL_REGION: {}", e.problem())))
            .ok(),
        (None, None) => Some(ApiBase::region(Region::Singapore)),
    };
    let (time_limit, time_out) = call_seconds(vars);
    let dnd = DndPath::read(vars, caller_id.as_deref());

    // Credential problems name the setting only: the core's message could quote the value.
    let credentials = match (key, token) {
        (Some(key), Some(token)) => Credentials::new(&key, &token)
            .map_err(|e| {
                let name = match e.field() {
                    "api_key" => "EXOTEL_API_KEY",
                    _ => "EXOTEL_API_TOKEN",
                };
                vars.problem(format!("{name} is not a valid Exotel credential"));
            })
            .ok(),
        _ => None,
    };
    let account = Account::new(&sid?, credentials?, base?)
        .map_err(|_| vars.problem("EXOTEL_ACCOUNT_SID is not a valid account SID"))
        .ok()?;
    Some(Placement {
        account,
        caller_id: caller_id?,
        flow: flow?,
        time_limit,
        time_out,
        dnd,
    })
}

/// The simulator's stand-in account. Real settings are used where given, so a sandbox request
/// looks like the live one would; credentials never are (the simulator needs none).
fn sandbox_placement(vars: &mut Vars<'_>) -> Option<Placement> {
    let credentials = Credentials::new("sandbox-api-key", "sandbox-api-token").ok()?;
    // The simulator ignores the host; `.invalid` can never resolve, should anything try.
    let base = ApiBase::custom("https://sandbox.exotel.invalid").ok()?;
    let account = Account::new("sandbox", credentials, base).ok()?;
    let (time_limit, time_out) = call_seconds(vars);
    let caller_id = vars
        .text("EXOTEL_CALLER_ID")
        .unwrap_or_else(|| "08047112400".to_owned());
    let dnd = DndPath::read(vars, Some(&caller_id));
    Some(Placement {
        account,
        caller_id,
        // A flow URL names the real account, which the simulator's stand-in is not.
        flow: FlowSetting::AppId(vars.text("EXOTEL_APP_ID").unwrap_or_else(|| "1".to_owned())),
        time_limit,
        time_out,
        dnd,
    })
}

/// `EXOTEL_TIME_LIMIT` (default [`DEFAULT_TIME_LIMIT`]; `0` or `none` for no limit) and
/// `EXOTEL_TIME_OUT` (unset: Exotel's own default), each within what Exotel accepts.
fn call_seconds(vars: &mut Vars<'_>) -> (Option<u32>, Option<u32>) {
    let time_limit = match vars.text("EXOTEL_TIME_LIMIT") {
        Some(off) if off.eq_ignore_ascii_case("none") || off == "0" => None,
        _ => Some(vars.read_u32("EXOTEL_TIME_LIMIT", DEFAULT_TIME_LIMIT, 1..=MAX_TIME_LIMIT)),
    };
    let time_out = vars
        .is_set("EXOTEL_TIME_OUT")
        .then(|| vars.read_u32("EXOTEL_TIME_OUT", 0, 1..=MAX_TIME_LIMIT));
    (time_limit, time_out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hours::zone::Fixed;

    fn config(pairs: &'static [(&'static str, &'static str)]) -> Config {
        let zones = |name: &str| match name {
            "Asia/Kolkata" => Ok(Box::new(Fixed("Asia/Kolkata", 330)) as Box<dyn Zone>),
            other => Err(format!(
                "expected an IANA time zone like Asia/Kolkata, but got `{other}`"
            )),
        };
        Config::read(
            Vars::from_fn(move |name| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }),
            &zones,
        )
    }

    const LIVE: &[(&str, &str)] = &[
        ("EXOTEL_ACCOUNT_SID", "acme"),
        ("EXOTEL_API_KEY", "key-0123456789"),
        ("EXOTEL_API_TOKEN", "token-0123456789-secret"),
        ("EXOTEL_CALLER_ID", "08047112400"),
        ("EXOTEL_APP_ID", "926"),
        ("CALLBACK_SECRET", "callback-secret-0123456789abcdefghij"),
        ("RATE_LIMIT_SECRET", "rate-limit-secret-0123456789abcdefgh"),
        ("ADMIN_TOKEN", "admin-token-0123456789abcdefghijklmn"),
        ("TURNSTILE_SECRET", "turnstile-secret-0123456789"),
    ];

    #[test]
    fn debug_output_names_no_secret() {
        let config = config(LIVE);
        assert!(config.placement().is_ok(), "{:?}", config.placement().err());
        let printed = format!("{config:?}");
        for (name, value) in LIVE {
            if name.contains("SECRET") || name.contains("TOKEN") || name.contains("KEY") {
                assert!(!printed.contains(value), "{name} leaked: {printed}");
            }
        }
        assert!(printed.contains("<redacted>"));
    }

    #[test]
    fn time_limit_defaults_to_an_hour_and_can_be_turned_off() {
        let limit = |pairs| config(pairs).placement().unwrap().time_limit;
        assert_eq!(limit(&[]), Some(DEFAULT_TIME_LIMIT));
        assert_eq!(limit(&[("EXOTEL_TIME_LIMIT", "900")]), Some(900));
        assert_eq!(limit(&[("EXOTEL_TIME_LIMIT", "none")]), None);
        assert_eq!(limit(&[("EXOTEL_TIME_LIMIT", "0")]), None);
        let too_long = config(&[("EXOTEL_TIME_LIMIT", "99999")]);
        assert_eq!(
            too_long.placement().unwrap_err().to_string(),
            "this service is not configured to place calls: \
             EXOTEL_TIME_LIMIT must be a whole number from 1 to 14400"
        );
    }

    #[test]
    fn a_short_admin_token_is_refused() {
        let short = config(&[("ADMIN_TOKEN", "letmein")]);
        assert_eq!(
            short
                .guards
                .admin_token
                .as_ref()
                .unwrap()
                .as_ref()
                .unwrap_err(),
            "ADMIN_TOKEN must be at least 32 characters"
        );
        assert!(config(&[]).guards.admin_token.is_none());
    }

    #[test]
    fn a_bad_allowed_prefix_stops_calls() {
        let bad = config(&[("ALLOWED_PREFIXES", "+91, +")]);
        let message = bad.placement().unwrap_err().to_string();
        assert!(message.contains("ALLOWED_PREFIXES: "), "{message}");
    }

    #[test]
    fn bad_hours_name_the_setting_and_stop_calls() {
        let always = config(&[]);
        assert!(
            always.hours.as_ref().unwrap().weekly.is_none(),
            "unset: always open"
        );
        assert_eq!(always.retry.attempts, 1);
        assert_eq!(always.retry.on, [CallStatus::Busy, CallStatus::NoAnswer]);
        for (pairs, named) in [
            (
                &[("BUSINESS_HOURS", "mon-fri 9-5")][..],
                "BUSINESS_HOURS: expected a time range",
            ),
            (
                &[("BUSINESS_TIMEZONE", "Mars/Olympus")][..],
                "BUSINESS_TIMEZONE: expected an IANA time zone",
            ),
            (
                &[("HOLIDAYS", "2026-02-30")][..],
                "HOLIDAYS: expected dates like 2026-12-25",
            ),
            (
                &[("RETRY_ON", "busy,completed")][..],
                "RETRY_ON: expected busy, no-answer or failed",
            ),
        ] {
            let config = config(pairs);
            let message = config.placement().unwrap_err().to_string();
            assert!(message.contains(named), "{message}");
        }
    }

    #[test]
    fn limits_and_budgets_have_their_defaults() {
        let config = config(&[]);
        assert_eq!(config.budgets.per_hour.max, 30);
        assert_eq!(config.budgets.per_day.max, 200);
        assert_eq!(config.limits.per_number_day.max, 5);
        assert_eq!(config.limits.ipv6_prefix_bits, 64);
        assert_eq!(config.limits.longest_window_s(), DAY_S);
    }

    #[test]
    fn the_missed_call_number_defaults_to_the_caller_id_and_the_whitelist_is_off() {
        let dnd = |pairs| config(pairs).placement().unwrap().dnd.clone();
        assert_eq!(
            dnd(LIVE),
            DndPath {
                missed_call_number: Some("+918047112400".to_owned()),
                whitelist_api: false,
            }
        );
        assert_eq!(
            dnd(&[
                ("MISSED_CALL_NUMBER", "080 4000 1234"),
                ("DND_WHITELIST_API", "on")
            ]),
            DndPath {
                missed_call_number: Some("+918040001234".to_owned()),
                whitelist_api: true,
            }
        );
        for (pairs, named) in [
            (
                &[("MISSED_CALL_NUMBER", "call us")][..],
                "MISSED_CALL_NUMBER is not a valid phone number",
            ),
            (
                &[("DND_WHITELIST_API", "sometimes")][..],
                "DND_WHITELIST_API must be `on` or `off`",
            ),
        ] {
            let message = config(pairs).placement().unwrap_err().to_string();
            assert!(message.contains(named), "{message}");
        }
    }
}
