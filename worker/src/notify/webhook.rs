//! Signing as the Standard Webhooks specification says, so receivers verify with its
//! libraries: `webhook-id`, `webhook-timestamp` (Unix seconds of this try) and
//! `webhook-signature: v1,<base64 of HMAC-SHA-256(key, "<id>.<timestamp>.<body>")>`.

use crate::crypto::{hmac_sha256, CryptoError};
use exotel_connect::wire::base64;

/// The three headers for one try at message `id` with `body`, signed at `now_ms`.
pub async fn headers(
    key: &[u8],
    id: &str,
    body: &str,
    now_ms: u64,
) -> Result<Vec<(&'static str, String)>, CryptoError> {
    let timestamp = (now_ms / 1_000).to_string();
    let signed = format!("{id}.{timestamp}.{body}");
    let mac = hmac_sha256(key, signed.as_bytes()).await?;
    let mut signature = "v1,".to_owned();
    base64::encode(&mac, base64::STANDARD, true, &mut signature);
    Ok(vec![
        ("webhook-id", id.to_owned()),
        ("webhook-timestamp", timestamp),
        ("webhook-signature", signature),
    ])
}
