//! Cloudflare Turnstile: verifying the page's token with siteverify before a call is placed.

use crate::config::Turnstile;
use crate::json::{read_bytes, Value};
use crate::log::{self, Event};
use crate::upstream::fetch::{fetch, form_post};
use exotel_connect::wire::form::Form;

/// Longest token Cloudflare issues.
const MAX_TOKEN_LEN: usize = 2048;
/// How long to wait for siteverify.
const TIMEOUT_MS: u32 = 5_000;

/// The action the page renders Turnstile with (`action` in `turnstile.render`), so a token
/// solved for another purpose on the same site does not pass.
pub const ACTION: &str = "call";

struct Verdict {
    success: bool,
    hostname: Option<String>,
    action: Option<String>,
}

impl Verdict {
    /// siteverify's answer: `success` must be a boolean, `hostname` and `action` strings when
    /// present; anything else is no verdict.
    fn read(bytes: &[u8]) -> Option<Verdict> {
        let answer = read_bytes(bytes)?;
        let Some(Value::Bool(success)) = answer.get("success") else {
            return None;
        };
        let text = |name: &str| match answer.get(name) {
            None | Some(Value::Null) => Some(None),
            Some(Value::Text(text)) => Some(Some(text.to_string())),
            Some(_) => None,
        };
        Some(Verdict {
            success: *success,
            hostname: text("hostname")?,
            action: text("action")?,
        })
    }
}

/// What a good token must also say: where it was solved and for what.
pub struct Expected<'a> {
    /// The hosts the page (or the widget) is served from.
    pub hosts: &'a [String],
    /// [`ACTION`].
    pub action: &'a str,
}

/// Whether siteverify accepts `token` for a visitor at `remote_ip`, solved on one of the
/// expected hosts for the expected action. A missing or oversized token is refused without
/// asking; an unreachable or confused siteverify refuses too (fail closed: the check exists to
/// stop bots, and a bot would be glad of an outage).
pub async fn verify(
    turnstile: &Turnstile,
    token: Option<&str>,
    remote_ip: Option<&str>,
    expected: &Expected<'_>,
) -> bool {
    let Some(token) = token.filter(|t| !t.is_empty() && t.len() <= MAX_TOKEN_LEN) else {
        return false;
    };
    let mut form = Form::new();
    form.field("secret", &turnstile.secret)
        .field("response", token)
        .optional("remoteip", remote_ip);
    let body = form.finish();
    match siteverify(&turnstile.verify_url, body).await {
        Ok(verdict) if verdict.success => {
            let host_ok = verdict
                .hostname
                .as_deref()
                .is_some_and(|host| expected.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)));
            let action_ok = verdict.action.as_deref() == Some(expected.action);
            if !host_ok || !action_ok {
                log::warn(Event::TurnstileMismatch).emit();
            }
            host_ok && action_ok
        }
        Ok(_) => false,
        Err(()) => {
            log::warn(Event::TurnstileUnavailable).emit();
            false
        }
    }
}

async fn siteverify(url: &str, body: String) -> Result<Verdict, ()> {
    let response = fetch(&form_post(url, body), TIMEOUT_MS)
        .await
        .map_err(|_| ())?;
    if response.status != 200 {
        return Err(());
    }
    Verdict::read(&response.body).ok_or(())
}
