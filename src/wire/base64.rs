//! Base64 (RFC 4648): the encoder for Basic auth (standard, padded) and the Worker's ids and
//! tokens (base64url, unpadded), and a decoder for the keys and tokens the Worker is given
//! (webhook secrets, JWTs). Hand-written because it is a few lines, and the `base64` crate would
//! add about 8 KB of wasm that every visitor downloads (the npm build keeps only the encoder).

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

/// Decodes base64 in either alphabet (`+/` or `-_`), padded or not; `None` for anything else
/// (a stray character, a misplaced `=`, or a length no encoding produces).
pub fn decode(input: &str) -> Option<Vec<u8>> {
    let trimmed = input.trim_end_matches('=');
    if input.len() - trimmed.len() > 2 || trimmed.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for byte in trimmed.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
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

    #[test]
    fn decodes_what_it_encodes_in_both_alphabets() {
        for length in 0..40u8 {
            let bytes: Vec<u8> = (0..length)
                .map(|i| i.wrapping_mul(97).wrapping_add(251))
                .collect();
            for (alphabet, pad) in [(STANDARD, true), (URL_SAFE, false)] {
                let mut text = String::new();
                encode(&bytes, alphabet, pad, &mut text);
                assert_eq!(decode(&text).as_deref(), Some(&bytes[..]), "{text}");
            }
        }
        assert_eq!(decode("Zm9vYmFy").as_deref(), Some(&b"foobar"[..]));
        for bad in ["Zm9v!", "Z", "Zm9vY", "Zg===", "Zm 9v", "=Zg"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
