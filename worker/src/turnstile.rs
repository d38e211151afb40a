//! Cloudflare Turnstile: verifying the page's token with siteverify before a call is placed.

use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::{console_warn, AbortSignal, Fetch, Headers, RequestInit};

use super::config::Turnstile;
use exotel_connect::wire::form::Form;

/// Longest token Cloudflare issues.
const MAX_TOKEN_LEN: usize = 2048;
/// How long to wait for siteverify.
const TIMEOUT_MS: u32 = 5_000;

#[derive(Deserialize)]
struct Verdict {
    success: bool,
}

/// Whether siteverify accepts `token` for a visitor at `remote_ip`. A missing or oversized
/// token is refused without asking; an unreachable or confused siteverify refuses too (fail
/// closed: the check exists to stop bots, and a bot would be glad of an outage).
pub async fn verify(turnstile: &Turnstile, token: Option<&str>, remote_ip: Option<&str>) -> bool {
    let Some(token) = token.filter(|t| !t.is_empty() && t.len() <= MAX_TOKEN_LEN) else {
        return false;
    };
    let mut form = Form::new();
    form.field("secret", &turnstile.secret)
        .field("response", token)
        .optional("remoteip", remote_ip);
    let body = form.finish();
    match siteverify(&turnstile.verify_url, body).await {
        Ok(verdict) => verdict,
        Err(()) => {
            console_warn!("turnstile: siteverify did not answer usably; refusing");
            false
        }
    }
}

async fn siteverify(url: &str, body: String) -> Result<bool, ()> {
    let headers = Headers::new();
    headers
        .set("Content-Type", "application/x-www-form-urlencoded")
        .map_err(|_| ())?;
    let mut init = RequestInit::new();
    init.with_method(worker::Method::Post)
        .with_headers(headers)
        .with_body(Some(JsValue::from_str(&body)));
    let request = worker::Request::new_with_init(url, &init).map_err(|_| ())?;
    let signal = AbortSignal::from(worker::web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS));
    let mut response = Fetch::Request(request)
        .send_with_signal(&signal)
        .await
        .map_err(|_| ())?;
    if response.status_code() != 200 {
        return Err(());
    }
    let bytes = response.bytes().await.map_err(|_| ())?;
    let verdict: Verdict = serde_json::from_slice(&bytes).map_err(|_| ())?;
    Ok(verdict.success)
}
