//! The dashboard's session cookie: `exotel_admin=v1.<id>.<expires>.<mac>`.
//!
//! - `id`: the session's 128 random bits, base64url (its row in `admin_sessions`, which is what
//!   makes signing out real);
//! - `expires`: Unix seconds, [`SESSION_TTL_S`] after sign-in;
//! - `mac`: base64url HMAC-SHA-256 of `v1.<id>.<expires>` under a key that is itself
//!   HMAC-SHA-256(`ADMIN_TOKEN`, [`KEY_CONTEXT`]), so rotating the token ends every session.
//!
//! The cookie is `HttpOnly; SameSite=Strict; Path=/`, and `Secure` unless the request came to
//! localhost (a browser drops a `Secure` cookie set over plain `http://127.0.0.1`).

use crate::crypto::{base64url, constant_time_eq, hmac_sha256, CryptoError};

/// The cookie's name.
pub const COOKIE: &str = "exotel_admin";
/// How long a session lasts: a working day.
pub const SESSION_TTL_S: u64 = 8 * 3600;
/// What the signing key is derived with, from `ADMIN_TOKEN`.
pub const KEY_CONTEXT: &[u8] = b"exotel-connect/admin-session/v1";
const VERSION: &str = "v1";
/// Base64url of 16 bytes.
const ID_LEN: usize = 22;
/// Base64url of 32 bytes.
const MAC_LEN: usize = 43;

/// Why a cookie was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieProblem {
    /// Not the shape `v1.<id>.<expires>.<mac>`, or its MAC does not check out: forged,
    /// tampered with, or signed under a token that has since been rotated.
    Forged,
    /// Signed by us, but past its expiry.
    Expired,
}

/// A session cookie whose MAC and expiry checked out (its row is looked up next).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCookie {
    /// The session's id.
    pub id: String,
    /// Unix seconds.
    pub expires_s: u64,
}

async fn mac(admin_token: &[u8], id: &str, expires_s: u64) -> Result<[u8; 32], CryptoError> {
    let key = hmac_sha256(admin_token, KEY_CONTEXT).await?;
    hmac_sha256(&key, format!("{VERSION}.{id}.{expires_s}").as_bytes()).await
}

/// The cookie value for session `id`, expiring at `expires_s`.
pub async fn mint(admin_token: &[u8], id: &str, expires_s: u64) -> Result<String, CryptoError> {
    let mac = mac(admin_token, id, expires_s).await?;
    Ok(format!("{VERSION}.{id}.{expires_s}.{}", base64url(&mac)))
}

/// Checks a cookie value's MAC, then its expiry against `now_s`.
pub async fn verify(
    admin_token: &[u8],
    value: &str,
    now_s: u64,
) -> Result<Result<SessionCookie, CookieProblem>, CryptoError> {
    let Some((id, expires_s, given)) = split(value) else {
        return Ok(Err(CookieProblem::Forged));
    };
    let expected = base64url(&mac(admin_token, id, expires_s).await?);
    if !constant_time_eq(expected.as_bytes(), given.as_bytes()) {
        return Ok(Err(CookieProblem::Forged));
    }
    if expires_s <= now_s {
        return Ok(Err(CookieProblem::Expired));
    }
    Ok(Ok(SessionCookie {
        id: id.to_owned(),
        expires_s,
    }))
}

/// `(id, expires, mac)` of a value shaped like a cookie of ours.
fn split(value: &str) -> Option<(&str, u64, &str)> {
    let mut parts = value.split('.');
    let (version, id, expires, mac) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let base64url = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if parts.next().is_some()
        || version != VERSION
        || id.len() != ID_LEN
        || mac.len() != MAC_LEN
        || !base64url(id)
        || !base64url(mac)
        || expires.is_empty()
        || expires.len() > 12
        || !expires.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    Some((id, expires.parse().ok()?, mac))
}

/// The value of cookie `name` in a `Cookie` header, if sent.
pub fn read<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then(|| value.trim().trim_matches('"'))
    })
}

/// Whether `host` (no port) is this machine, where a `Secure` cookie cannot be set over http.
pub fn is_local(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "[::1]") || host.ends_with(".localhost")
}

/// `Set-Cookie` for a new session.
pub fn set(value: &str, max_age_s: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={value}; Path=/; Max-Age={max_age_s}; HttpOnly; SameSite=Strict{secure}")
}

/// `Set-Cookie` that removes the cookie from the browser.
pub fn clear(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "AAAAAAAAAAAAAAAAAAAAAA";
    const MAC: &str = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

    #[test]
    fn only_our_shape_is_split() {
        let good = format!("v1.{ID}.1800000000.{MAC}");
        assert_eq!(split(&good), Some((ID, 1_800_000_000, MAC)));
        for bad in [
            String::new(),
            format!("v2.{ID}.1800000000.{MAC}"),
            format!("v1.{ID}.1800000000.{MAC}.x"),
            format!("v1.{ID}.-5.{MAC}"),
            format!("v1.{ID}..{MAC}"),
            format!("v1.{ID}.99999999999999999999.{MAC}"),
            format!("v1.{ID}x.1800000000.{MAC}"),
            format!("v1.{ID}.1800000000.{}", &MAC[1..]),
            format!("v1.AAAAAAAAAAAAAAAAAAAA/=.1800000000.{MAC}"),
        ] {
            assert_eq!(split(&bad), None, "{bad}");
        }
    }

    #[test]
    fn cookies_are_read_from_the_header() {
        let header = "a=1; exotel_admin=v1.x.2.y; b=\"3\"";
        assert_eq!(read(header, COOKIE), Some("v1.x.2.y"));
        assert_eq!(read(header, "b"), Some("3"));
        assert_eq!(read(header, "exotel"), None);
        assert_eq!(read("", COOKIE), None);
    }

    #[test]
    fn secure_except_on_this_machine() {
        assert!(is_local("127.0.0.1") && is_local("localhost") && is_local("[::1]"));
        assert!(!is_local("call.example.com") && !is_local("127.0.0.1.example.com"));
        assert_eq!(
            set("v", 60, true),
            "exotel_admin=v; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure"
        );
        assert_eq!(
            clear(false),
            "exotel_admin=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
        );
    }
}
