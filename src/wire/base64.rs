//! Base64 encoding (RFC 4648), the one encoder the crate needs: standard with padding for Basic
//! auth, and base64url without padding for the Worker's ids and tokens. Hand-written because
//! encoding is all that is needed, and the `base64` crate would add about 8 KB of wasm that
//! every visitor downloads.

#[allow(unused_imports)]
use crate::prelude::*;

/// The standard alphabet (RFC 4648 §4).
pub const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The URL- and filename-safe alphabet (RFC 4648 §5).
pub const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends `input` in base64 with `alphabet` to `out`, `=`-padded to a multiple of four
/// characters when `pad` is set.
pub fn encode(input: &[u8], alphabet: &[u8; 64], pad: bool, out: &mut String) {
    out.reserve(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        // A chunk of k bytes yields k + 1 characters, then padding.
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(alphabet[((n >> (18 - 6 * i)) & 63) as usize]));
            } else if pad {
                out.push('=');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_rfc_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut out = String::new();
            encode(input.as_bytes(), STANDARD, true, &mut out);
            assert_eq!(out, expected, "{input}");
        }
        let mut out = String::new();
        encode(&[0xfb, 0xff], URL_SAFE, false, &mut out);
        assert_eq!(out, "-_8");
    }
}
