//! The abuse guards' pure parts and small helpers: CORS by origin allow-list, request hygiene
//! (content type, `Idempotency-Key` shape), the destination allow-list, keyed hashes for the
//! rate-limit buckets and idempotency keys, and the masking of numbers for the operator.
//! docs/worker.md ("Security and abuse protection") lists each guard and its setting.

use worker::{Headers, Response};

use super::config::Guards;
use super::crypto::{base64url, hmac_sha256, CryptoError};
use exotel_connect::PhoneNumber;

/// Methods the API answers to, for preflights.
const ALLOW_METHODS: &str = "GET, POST, OPTIONS";
/// Request headers a cross-origin page may send.
const ALLOW_HEADERS: &str = "Content-Type, Idempotency-Key";
/// How long a browser may cache a preflight, seconds.
const MAX_AGE: &str = "600";
/// Longest `Idempotency-Key`.
const MAX_IDEMPOTENCY_KEY_LEN: usize = 200;

/// How a request's `Origin` stands against the allow-list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cors {
    /// No `Origin`, or the Worker's own: no CORS headers needed.
    SameOrigin,
    /// A listed origin: answered with `Access-Control-Allow-Origin: <origin>`.
    Allowed(String),
    /// Anything else: `403 origin_not_allowed`.
    Refused,
}

impl Cors {
    /// Checks `origin` (the header, if sent) against the Worker's own origins (`own`: the
    /// request's, and `PUBLIC_BASE_URL`'s) and `ALLOWED_ORIGINS`.
    pub fn check(origin: Option<&str>, own: &[&str], allowed: &[String]) -> Cors {
        let Some(origin) = origin else {
            return Cors::SameOrigin;
        };
        if own.iter().any(|o| o.eq_ignore_ascii_case(origin)) {
            Cors::SameOrigin
        } else if allowed.iter().any(|o| o.eq_ignore_ascii_case(origin)) {
            Cors::Allowed(origin.to_owned())
        } else {
            Cors::Refused
        }
    }

    /// Adds the CORS headers for an actual (non-preflight) response.
    pub fn apply(&self, response: &mut Response) -> worker::Result<()> {
        let headers = response.headers_mut();
        headers.set("Vary", "Origin")?;
        if let Cors::Allowed(origin) = self {
            headers.set("Access-Control-Allow-Origin", origin)?;
            headers.set("Access-Control-Expose-Headers", "Retry-After")?;
        }
        Ok(())
    }

    /// The answer to a preflight (`OPTIONS`) from an origin that is not refused.
    pub fn preflight(&self) -> worker::Result<Response> {
        let mut response = Response::empty()?.with_status(204);
        let headers = response.headers_mut();
        headers.set("Access-Control-Allow-Methods", ALLOW_METHODS)?;
        headers.set("Access-Control-Allow-Headers", ALLOW_HEADERS)?;
        headers.set("Access-Control-Max-Age", MAX_AGE)?;
        headers.set("Allow", ALLOW_METHODS)?;
        api_headers(headers)?;
        self.apply(&mut response)?;
        Ok(response)
    }
}

/// The security headers on every API response.
pub fn api_headers(headers: &Headers) -> worker::Result<()> {
    headers.set("Cache-Control", "no-store")?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    headers.set("Referrer-Policy", "no-referrer")?;
    headers.set(
        "Content-Security-Policy",
        "default-src 'none'; frame-ancestors 'none'",
    )?;
    Ok(())
}

/// Whether `content_type` is JSON (`application/json`, any parameters).
pub fn is_json(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

/// Whether an `Idempotency-Key` is acceptable: 1-200 visible ASCII characters.
pub fn valid_idempotency_key(key: &str) -> bool {
    (1..=MAX_IDEMPOTENCY_KEY_LEN).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// Whether `phone` starts with one of the allowed prefixes.
pub fn destination_allowed(phone: &PhoneNumber, prefixes: &[String]) -> bool {
    prefixes.iter().any(|prefix| phone.has_prefix(prefix))
}

/// What a keyed hash is of, so one kind can never pass for another.
#[derive(Debug, Clone, Copy)]
pub enum Hashed {
    /// A destination number (E.164), for its rate-limit bucket.
    Number,
    /// A client address, for its rate-limit bucket.
    Client,
    /// A client address and `Idempotency-Key`, for the stored key.
    IdempotencyKey,
}

/// `<prefix><base64url(HMAC-SHA-256(key, context + value))>`, truncated to 128 bits: an
/// identifier that says nothing about `value` to whoever reads the database without the key.
pub async fn keyed_hash(guards: &Guards, kind: Hashed, value: &str) -> Result<String, CryptoError> {
    let (prefix, context): (&str, &[u8]) = match kind {
        Hashed::Number => ("n:", b"exotel-connect/rate-limit/number/v1\n"),
        Hashed::Client => ("c:", b"exotel-connect/rate-limit/client/v1\n"),
        Hashed::IdempotencyKey => ("k:", b"exotel-connect/idempotency-key/v1\n"),
    };
    let mut message = context.to_vec();
    message.extend_from_slice(value.as_bytes());
    let mac = hmac_sha256(guards.hash_key(), &message).await?;
    Ok(format!("{prefix}{}", base64url(&mac[..16])))
}

/// `+91******3210`: the country code's first digits and the last four, for the operator.
pub fn mask_phone(e164: &str) -> String {
    let chars: Vec<char> = e164.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let (head, rest) = chars.split_at(3);
    let (middle, tail) = rest.split_at(rest.len() - 4);
    let mut out: String = head.iter().collect();
    out.extend(std::iter::repeat_n('*', middle.len()));
    out.extend(tail);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use exotel_connect::Country;

    #[test]
    fn cors_allows_own_and_listed_origins_only() {
        let allowed = vec!["https://shop.example".to_owned()];
        let own = ["http://127.0.0.1:8787"];
        assert_eq!(Cors::check(None, &own, &allowed), Cors::SameOrigin);
        assert_eq!(
            Cors::check(Some("http://127.0.0.1:8787"), &own, &allowed),
            Cors::SameOrigin
        );
        assert_eq!(
            Cors::check(Some("https://shop.example"), &own, &allowed),
            Cors::Allowed("https://shop.example".into())
        );
        for refused in [
            "https://evil.example",
            "null",
            "https://shop.example.evil",
            "http://shop.example",
            "",
        ] {
            assert_eq!(Cors::check(Some(refused), &own, &allowed), Cors::Refused);
        }
    }

    #[test]
    fn json_content_types() {
        assert!(is_json(Some("application/json")));
        assert!(is_json(Some("Application/JSON; charset=utf-8")));
        for other in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("application/jsonx"),
            Some(""),
        ] {
            assert!(!is_json(other), "{other:?}");
        }
    }

    #[test]
    fn idempotency_keys_are_visible_ascii() {
        assert!(valid_idempotency_key("a"));
        assert!(valid_idempotency_key(&"k".repeat(200)));
        assert!(valid_idempotency_key(
            "550e8400-e29b-41d4-a716-446655440000"
        ));
        for bad in ["", " ", "a b", "é", "a\tb", &"k".repeat(201)] {
            assert!(!valid_idempotency_key(bad), "{bad:?}");
        }
    }

    #[test]
    fn destinations_are_checked_on_the_normalized_number() {
        let prefixes = vec!["+91".to_owned()];
        let india = PhoneNumber::parse("0091 98765 43210", Country::INDIA).unwrap();
        assert!(destination_allowed(&india, &prefixes));
        let us = PhoneNumber::parse("+1 415 555 2671", Country::INDIA).unwrap();
        assert!(!destination_allowed(&us, &prefixes));
        let via_00 = PhoneNumber::parse("00 1 415 555 2671", Country::INDIA).unwrap();
        assert!(!destination_allowed(&via_00, &prefixes));
    }

    #[test]
    fn masks_all_but_the_country_code_and_last_four() {
        assert_eq!(mask_phone("+919876543210"), "+91******3210");
        assert_eq!(mask_phone("+14155552671"), "+14*****2671");
        assert_eq!(mask_phone("+12"), "***");
    }
}
