//! Where events are sent: `WEBHOOK_URL` with `WEBHOOK_SECRET` (Standard Webhooks), and
//! `SLACK_WEBHOOK_URL`. A bad setting turns that destination off and is reported (in the
//! operator's warnings and the logs), but never stops calls from being placed: a business
//! with a typo in its webhook secret still wants its visitors called.

use std::fmt;

use super::Vars;

/// A Standard Webhooks endpoint.
pub struct Webhook {
    /// Where events are POSTed.
    pub url: String,
    /// The signing key: `WEBHOOK_SECRET` without its `whsec_` prefix, base64-decoded.
    pub key: Vec<u8>,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &"<redacted>")
            .field("key", &"<redacted>")
            .finish()
    }
}

/// The destinations, and what is wrong with the ones that are off.
#[derive(Debug, Default)]
pub struct Notifications {
    /// `WEBHOOK_URL` + `WEBHOOK_SECRET`.
    pub webhook: Option<Webhook>,
    /// `SLACK_WEBHOOK_URL` (a secret too: whoever has it can post to the channel).
    pub slack: Option<SlackUrl>,
    /// Settings that were given but cannot be used, by name (never their values).
    pub problems: Vec<String>,
}

/// A Slack incoming-webhook URL. Prints as `<redacted>`.
pub struct SlackUrl(pub String);

impl fmt::Debug for SlackUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SlackUrl(<redacted>)")
    }
}

/// Shortest signing key, bytes (the Standard Webhooks specification asks for 24 to 64).
const MIN_KEY_BYTES: usize = 24;
const MAX_KEY_BYTES: usize = 64;

impl Notifications {
    /// Reads the notification settings.
    pub fn read(vars: &Vars<'_>) -> Notifications {
        let mut problems = Vec::new();
        let webhook = match (vars.text("WEBHOOK_URL"), vars.text("WEBHOOK_SECRET")) {
            (None, None) => None,
            (Some(_), None) => {
                problems.push("WEBHOOK_SECRET is not set, so WEBHOOK_URL gets nothing".to_owned());
                None
            }
            (None, Some(_)) => {
                problems.push("WEBHOOK_SECRET is set but WEBHOOK_URL is not".to_owned());
                None
            }
            (Some(url), Some(secret)) => match (destination(&url), signing_key(&secret)) {
                (Ok(()), Ok(key)) => Some(Webhook { url, key }),
                (Err(problem), _) => {
                    problems.push(format!("WEBHOOK_URL {problem}"));
                    None
                }
                (_, Err(problem)) => {
                    problems.push(format!("WEBHOOK_SECRET {problem}"));
                    None
                }
            },
        };
        let slack = vars
            .text("SLACK_WEBHOOK_URL")
            .and_then(|url| match destination(&url) {
                Ok(()) => Some(SlackUrl(url)),
                Err(problem) => {
                    problems.push(format!("SLACK_WEBHOOK_URL {problem}"));
                    None
                }
            });
        Notifications {
            webhook,
            slack,
            problems,
        }
    }
}

/// Events leave the Worker over HTTPS; plain HTTP only to this machine (local development and
/// the tests' receivers).
fn destination(url: &str) -> Result<(), &'static str> {
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|prefix| {
            url.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
        });
    let https = url
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
        && url.len() > 8;
    if !(https || loopback) || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must be an https:// URL");
    }
    Ok(())
}

/// `whsec_<base64 of 24 to 64 random bytes>`, as Standard Webhooks libraries generate them.
fn signing_key(secret: &str) -> Result<Vec<u8>, &'static str> {
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    match exotel_connect::wire::base64::decode(encoded) {
        Some(key) if (MIN_KEY_BYTES..=MAX_KEY_BYTES).contains(&key.len()) => Ok(key),
        _ => Err("must be `whsec_` followed by the base64 of 24 to 64 random bytes (e.g. `whsec_$(openssl rand -base64 32)`)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &'static [(&'static str, &'static str)]) -> Notifications {
        Notifications::read(&Vars::from_fn(move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }))
    }

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn a_webhook_needs_an_https_url_and_a_whsec_key() {
        let on = read(&[
            ("WEBHOOK_URL", "https://hooks.example/x?y=1"),
            ("WEBHOOK_SECRET", SECRET),
        ]);
        let webhook = on.webhook.expect("on");
        assert_eq!(webhook.key.len(), 24);
        assert!(on.problems.is_empty());
        assert!(!format!("{webhook:?}").contains("hooks.example"));

        let local = read(&[
            ("WEBHOOK_URL", "http://127.0.0.1:9000/h"),
            ("WEBHOOK_SECRET", SECRET),
        ]);
        assert!(local.webhook.is_some());

        for (pairs, problem) in [
            (
                &[("WEBHOOK_URL", "https://h.example")][..],
                "WEBHOOK_SECRET is not set",
            ),
            (
                &[("WEBHOOK_SECRET", SECRET)][..],
                "WEBHOOK_SECRET is set but WEBHOOK_URL is not",
            ),
            (
                &[
                    ("WEBHOOK_URL", "http://h.example"),
                    ("WEBHOOK_SECRET", SECRET),
                ][..],
                "WEBHOOK_URL must be an https:// URL",
            ),
            (
                &[
                    ("WEBHOOK_URL", "http://127.0.0.1.evil.example/"),
                    ("WEBHOOK_SECRET", SECRET),
                ][..],
                "WEBHOOK_URL must be",
            ),
            (
                &[
                    ("WEBHOOK_URL", "https://h.example"),
                    ("WEBHOOK_SECRET", "whsec_c2hvcnQ="),
                ][..],
                "WEBHOOK_SECRET must be `whsec_`",
            ),
            (
                &[
                    ("WEBHOOK_URL", "https://h.example"),
                    ("WEBHOOK_SECRET", "hunter2!"),
                ][..],
                "WEBHOOK_SECRET must be",
            ),
        ] {
            let off = Notifications::read(&Vars::from_fn(move |name| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }));
            assert!(off.webhook.is_none(), "{pairs:?}");
            assert!(off.problems[0].starts_with(problem), "{:?}", off.problems);
            assert!(!off.problems[0].contains("hunter2"));
        }
    }

    #[test]
    fn slack_needs_an_https_url() {
        let on = read(&[(
            "SLACK_WEBHOOK_URL",
            "https://hooks.slack.com/services/T/B/x",
        )]);
        assert!(on.slack.is_some() && on.webhook.is_none());
        let off = read(&[("SLACK_WEBHOOK_URL", "hooks.slack.com/services/T/B/x")]);
        assert!(off.slack.is_none());
        assert_eq!(off.problems, ["SLACK_WEBHOOK_URL must be an https:// URL"]);
    }
}
