//! The abuse guards' pure parts and small helpers: CORS by origin allow-list, request hygiene
//! (content type, `Idempotency-Key` shape), client networks, keyed hashes for the rate-limit
//! buckets and idempotency keys, and the masking of numbers for the operator. (The destination
//! allow-list is `config::AllowedPrefixes`.)
//! docs/worker.md ("Security and abuse protection") lists each guard and its setting.

use worker::{Headers, Response};

use crate::config::Guards;
use crate::crypto::{base64url, hmac_sha256, CryptoError};

/// Methods the API answers to, for preflights.
const ALLOW_METHODS: &str = "GET, POST, DELETE, OPTIONS";
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

/// The network a client is counted by: an IPv4 address as it is; an IPv6 address cut to its
/// first `ipv6_prefix_bits` bits (a home line gets a whole /64, so counting each address would
/// give one client 2^64 "clients"). IPv4-mapped IPv6 counts as the IPv4 address. Anything
/// unreadable is counted as itself.
pub fn client_network(address: &str, ipv6_prefix_bits: u8) -> String {
    let address = address.trim();
    let Some(groups) = ipv6_groups(address) else {
        return address.to_owned();
    };
    if groups[..5] == [0; 5] && groups[5] == 0xffff {
        let [a, b] = groups[6].to_be_bytes();
        let [c, d] = groups[7].to_be_bytes();
        return format!("{a}.{b}.{c}.{d}");
    }
    let bits = u32::from(ipv6_prefix_bits.min(128));
    let value = groups
        .iter()
        .fold(0u128, |acc, &group| (acc << 16) | u128::from(group));
    let mask = if bits == 0 {
        0
    } else {
        u128::MAX << (128 - bits)
    };
    let network = value & mask;
    let shown: Vec<String> = (0..8)
        .map(|i| format!("{:x}", (network >> (112 - 16 * i)) as u16))
        .collect();
    format!("{}/{bits}", shown.join(":"))
}

/// The eight 16-bit groups of an IPv6 address (with `::`, and a trailing dotted IPv4 part).
fn ipv6_groups(address: &str) -> Option<[u16; 8]> {
    if !address.contains(':') {
        return None;
    }
    let address = address.split('%').next()?;
    let (head, tail) = match address.split_once("::") {
        Some((head, tail)) => (head, Some(tail)),
        None => (address, None),
    };
    let parse_part = |part: &str| -> Option<Vec<u16>> {
        if part.is_empty() {
            return Some(Vec::new());
        }
        let mut out = Vec::new();
        let pieces: Vec<&str> = part.split(':').collect();
        for (i, piece) in pieces.iter().enumerate() {
            if i == pieces.len() - 1 && piece.contains('.') {
                let octets: Vec<u8> = piece
                    .split('.')
                    .map(|o| o.parse().ok())
                    .collect::<Option<_>>()?;
                let [a, b, c, d] = octets.as_slice() else {
                    return None;
                };
                out.push(u16::from_be_bytes([*a, *b]));
                out.push(u16::from_be_bytes([*c, *d]));
            } else {
                if piece.is_empty() || piece.len() > 4 {
                    return None;
                }
                out.push(u16::from_str_radix(piece, 16).ok()?);
            }
        }
        Some(out)
    };
    let head = parse_part(head)?;
    let mut groups = [0u16; 8];
    match tail {
        None if head.len() == 8 => groups.copy_from_slice(&head),
        None => return None,
        Some(tail) => {
            let tail = parse_part(tail)?;
            if head.len() + tail.len() > 7 {
                return None;
            }
            groups[..head.len()].copy_from_slice(&head);
            groups[8 - tail.len()..].copy_from_slice(&tail);
        }
    }
    Some(groups)
}

/// What a keyed hash is of, so one kind can never pass for another.
#[derive(Debug, Clone, Copy)]
pub enum Hashed {
    /// A destination number (E.164), for its rate-limit bucket.
    Number,
    /// A client network, for the bucket of calls it requested.
    Client,
    /// A client network, for the bucket of its requests refused before a call.
    Refused,
    /// A client network, for the bucket of its failed admin sign-ins.
    AdminFailure,
    /// A client address and `Idempotency-Key`, for the stored key.
    IdempotencyKey,
    /// A destination number (E.164), for its bucket of DND whitelist requests.
    Whitelist,
}

/// `<prefix><base64url(HMAC-SHA-256(key, context + value))>`, truncated to 128 bits: an
/// identifier that says nothing about `value` to whoever reads the database without the key.
pub async fn keyed_hash(guards: &Guards, kind: Hashed, value: &str) -> Result<String, CryptoError> {
    let (prefix, context): (&str, &[u8]) = match kind {
        Hashed::Number => ("n:", b"exotel-connect/rate-limit/number/v1\n"),
        Hashed::Client => ("c:", b"exotel-connect/rate-limit/client/v1\n"),
        Hashed::Refused => ("r:", b"exotel-connect/rate-limit/refused/v1\n"),
        Hashed::AdminFailure => ("a:", b"exotel-connect/rate-limit/admin/v1\n"),
        Hashed::IdempotencyKey => ("k:", b"exotel-connect/idempotency-key/v1\n"),
        Hashed::Whitelist => ("w:", b"exotel-connect/rate-limit/whitelist/v1\n"),
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
    fn ipv6_clients_are_counted_by_network() {
        let net = |a| client_network(a, 64);
        assert_eq!(net("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2:0:0:0:0/64");
        assert_eq!(
            net("2001:db8:1:2::ffff"),
            net("2001:db8:1:2:aaaa:bbbb:cccc:dddd")
        );
        assert_ne!(net("2001:db8:1:2::1"), net("2001:db8:1:3::1"));
        assert_eq!(net("::ffff:203.0.113.9"), "203.0.113.9");
        assert_eq!(net("203.0.113.9"), "203.0.113.9");
        assert_eq!(
            client_network("2001:db8:1:2::1", 48),
            "2001:db8:1:0:0:0:0:0/48"
        );
        assert_eq!(
            client_network("2001:db8::1", 128),
            "2001:db8:0:0:0:0:0:1/128"
        );
        assert_eq!(net("fe80::1%eth0"), "fe80:0:0:0:0:0:0:0/64");
        for odd in ["", "unknown", "1:2:3", ":::", "1::2::3", "12345::1"] {
            assert_eq!(net(odd), odd.trim(), "{odd:?}");
        }
    }

    #[test]
    fn masks_all_but_the_country_code_and_last_four() {
        assert_eq!(mask_phone("+919876543210"), "+91******3210");
        assert_eq!(mask_phone("+14155552671"), "+14*****2671");
        assert_eq!(mask_phone("+12"), "***");
    }
}
