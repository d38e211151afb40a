//! Notifications: what happened to the visitors' calls, sent to the business's webhook
//! (signed as the Standard Webhooks specification says) and to Slack.
//!
//! Events are written to the D1 outbox ([`crate::store::outbox`]) by the same batch that makes
//! the change they report, so the visitor's request waits for no receiver and no event is lost
//! between the change and its delivery. [`deliver_soon`] sends them after the response
//! (`waitUntil`); the cron ([`run`]) sends what is due again, with backoff, until the receiver
//! accepts or the tries run out (the dead letter, kept for the operator). Delivery is at least
//! once: a receiver drops duplicates by `webhook-id`.

mod slack;
mod webhook;

use std::time::Duration;

use worker::Delay;

use crate::app::App;
use crate::config::Config;
use crate::events::{Targets, SLACK, WEBHOOK};
use crate::log::{self, Event};
use crate::store::outbox::{self, Message, Tried};
use crate::time::now_ms;
use crate::upstream::answer::TransportError;
use crate::upstream::fetch::fetch;
use exotel_connect::{HttpRequest, Method};

/// Messages one delivery run sends at most (each is one subrequest; the free plan allows 50
/// per invocation, and Exotel calls may need some of them).
const BATCH: u32 = 20;
/// How long a claimed message is held by its delivery.
const LEASE_MS: u64 = 60_000;
/// How long a receiver has to answer.
const TIMEOUT_MS: u32 = 5_000;
/// The wait before each retry, after the first try failed; then the message is dead. The
/// cron runs every minute, so the shortest waits are a minute or two; the whole span (about
/// 27 hours) rides out a receiver's bad day, as the Standard Webhooks specification suggests.
const BACKOFF_S: [u64; 7] = [60, 300, 1_800, 7_200, 18_000, 36_000, 36_000];
/// How long delivered and dead messages are kept for the operator.
const KEEP_MS: u64 = 7 * 86_400_000;

/// Sends what is due after the response, when this request queued something (or may have).
pub fn deliver_soon(app: &App) {
    let (Some(ctx), Some(_)) = (app.ctx.as_ref(), Targets::of(&app.config).as_json()) else {
        return;
    };
    let env = app.env.clone();
    ctx.wait_until(async move {
        // A moment for the batch that queued the event to be visible everywhere.
        Delay::from(Duration::from_millis(50)).await;
        let app = App::new(env, None);
        if let Err(e) = deliver(&app).await {
            log::error(Event::NotifyFailed).message(e).emit();
        }
    });
}

/// The cron's part: sends what is due, and forgets old delivered and dead messages.
pub async fn run(app: &App) {
    for problem in &app.config.notifications.problems {
        log::warn(Event::ConfigProblem).message(problem).emit();
    }
    if let Err(e) = deliver(app).await {
        log::error(Event::NotifyFailed).message(e).emit();
    }
    if let Ok(db) = app.db() {
        if let Err(e) = outbox::prune(&db, now_ms().saturating_sub(KEEP_MS)).await {
            log::error(Event::NotifyPruneFailed).message(e).emit();
        }
    }
}

async fn deliver(app: &App) -> worker::Result<()> {
    let db = app.db()?;
    let messages = outbox::claim(&db, now_ms(), LEASE_MS, BATCH).await?;
    for message in messages {
        let started = now_ms();
        let tried = send(&app.config, &message).await;
        let ms = now_ms().saturating_sub(started);
        let outcome = match &tried {
            Ok(()) => Tried::Delivered,
            Err(error) => Tried::Failed {
                error,
                retry_at: BACKOFF_S
                    .get(message.attempts as usize)
                    .map(|s| now_ms() + s * 1_000),
            },
        };
        let line = match &outcome {
            Tried::Delivered => log::info(Event::NotificationSent),
            Tried::Failed { error, retry_at } => log::warn(Event::NotificationFailed)
                .message(error)
                .flag("will_retry", retry_at.is_some()),
        };
        line.text("notification", &message.event)
            .text("id", &message.id)
            .text("target", &message.target)
            .number("attempt", u64::from(message.attempts) + 1)
            .ms(ms)
            .emit();
        outbox::record_try(&db, &message, outcome, now_ms()).await?;
    }
    Ok(())
}

/// One try at one message. The error names what went wrong, never a URL or secret.
async fn send(config: &Config, message: &Message) -> Result<(), String> {
    let notifications = &config.notifications;
    let (url, headers, body) = match message.target.as_str() {
        WEBHOOK => {
            let Some(hook) = &notifications.webhook else {
                return Err("WEBHOOK_URL is no longer configured".to_owned());
            };
            let headers = webhook::headers(&hook.key, &message.id, &message.payload, now_ms())
                .await
                .map_err(|e| e.to_string())?;
            (hook.url.as_str(), headers, message.payload.clone())
        }
        SLACK => {
            let Some(url) = &notifications.slack else {
                return Err("SLACK_WEBHOOK_URL is no longer configured".to_owned());
            };
            let body = slack::body(&message.payload).ok_or("unreadable payload")?;
            (url.0.as_str(), Vec::new(), body)
        }
        other => return Err(format!("unknown target {other}")),
    };
    post(url, &headers, &body).await
}

/// POSTs a JSON body, through the same bounded `fetch` as Exotel's requests (no redirect
/// followed: the receiver's URL is the one the business configured); only a 2xx is a delivery.
async fn post(url: &str, extra: &[(&'static str, String)], body: &str) -> Result<(), String> {
    let mut headers = vec![("Content-Type", "application/json".into())];
    headers.extend(
        extra
            .iter()
            .map(|(name, value)| (*name, value.clone().into())),
    );
    let request = HttpRequest {
        method: Method::Post,
        url: url.to_owned(),
        headers,
        body: Some(body.to_owned()),
    };
    match fetch(&request, TIMEOUT_MS).await {
        Ok(response) if (200..=299).contains(&response.status) => Ok(()),
        Ok(response) => Err(format!("HTTP {}", response.status)),
        Err(TransportError::Timeout) => Err("timeout".to_owned()),
        // The runtime's words may quote the URL, which is a secret for Slack.
        Err(TransportError::Network(_)) => Err("network error".to_owned()),
    }
}
