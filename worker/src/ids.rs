//! Call handles and callback tokens.
//!
//! A [`CallId`] is what the browser sees: 128 random bits, base64url, unrelated to Exotel's
//! Sid. Exotel does not sign status callbacks, so the callback URL the Worker hands Exotel
//! carries a token only this Worker can mint: `<id>.<base64url(HMAC-SHA-256(secret, id))>`.
//! A callback is believed only if its token verifies; the comparison is constant-time.

use std::fmt;

use crate::config::CallbackSecret;
use crate::crypto::{base64url, constant_time_eq, hmac_sha256, random_bytes, CryptoError};

/// Length of a [`CallId`]: 16 bytes in unpadded base64url.
const ID_LEN: usize = 22;
/// Length of the MAC part of a token: 32 bytes in unpadded base64url.
const MAC_LEN: usize = 43;
/// Binds the MAC to its purpose, so the same secret could sign something else one day without
/// one kind of token passing for another.
const TOKEN_CONTEXT: &[u8] = b"exotel-connect/status-callback/v1\n";

/// An unguessable handle for a call.
#[derive(Clone, PartialEq, Eq)]
pub struct CallId(String);

impl CallId {
    /// A fresh random id.
    pub fn generate() -> Result<CallId, CryptoError> {
        Ok(CallId(base64url(&random_bytes::<16>()?)))
    }

    /// An id from a URL; `None` unless it has the exact shape of one we issue (so nothing else
    /// ever reaches a query).
    pub fn parse(text: &str) -> Option<CallId> {
        let well_formed = text.len() == ID_LEN
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| CallId(text.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CallId({})", self.0)
    }
}

/// The token for `id`'s callback URL.
pub async fn callback_token(secret: &CallbackSecret, id: &CallId) -> Result<String, CryptoError> {
    Ok(format!("{id}.{}", mac(secret, id).await?))
}

/// Why a token was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenError {
    /// Not of the shape `<id>.<mac>`.
    Malformed,
    /// Well-formed, but the MAC is not ours.
    Forged,
}

/// The call a token was minted for, if it was minted by us.
pub async fn verify_callback_token(
    secret: &CallbackSecret,
    token: &str,
) -> Result<Result<CallId, TokenError>, CryptoError> {
    let Some((id, given)) = token.split_once('.') else {
        return Ok(Err(TokenError::Malformed));
    };
    let Some(id) = CallId::parse(id) else {
        return Ok(Err(TokenError::Malformed));
    };
    if given.len() != MAC_LEN {
        return Ok(Err(TokenError::Malformed));
    }
    let expected = mac(secret, &id).await?;
    Ok(if constant_time_eq(expected.as_bytes(), given.as_bytes()) {
        Ok(id)
    } else {
        Err(TokenError::Forged)
    })
}

async fn mac(secret: &CallbackSecret, id: &CallId) -> Result<String, CryptoError> {
    let mut message = TOKEN_CONTEXT.to_vec();
    message.extend_from_slice(id.as_str().as_bytes());
    Ok(base64url(&hmac_sha256(secret.as_bytes(), &message).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_only_the_issued_shape() {
        assert!(CallId::parse("AAAAAAAAAAAAAAAAAAAAAA").is_some());
        assert!(CallId::parse("abc-_0123456789xyzABCD").is_some());
        assert!(CallId::parse("AAAAAAAAAAAAAAAAAAAAA").is_none());
        assert!(CallId::parse("AAAAAAAAAAAAAAAAAAAAAAA").is_none());
        assert!(CallId::parse("AAAAAAAAAAAAAAAAAAAA/.").is_none());
        assert!(CallId::parse("AAAAAAAAAAAAAAAAAAAA%2").is_none());
    }
}
