//! WebCrypto through small hand-written bindings: random bytes and HMAC-SHA-256.
//!
//! The runtime's `crypto` does the work natively, so no hashing crate is compiled into the wasm,
//! and the CPU cost is a few microseconds. (web-sys has these bindings too, but behind features
//! this crate would have to enable through a second `web-sys` dependency key.)

use std::cell::RefCell;

use worker::js_sys::{Array, ArrayBuffer, Object, Promise, Reflect, Uint8Array};
use worker::wasm_bindgen::prelude::*;
use worker::wasm_bindgen::JsCast;
use worker::wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(wasm_bindgen = ::worker::wasm_bindgen, js_sys = ::worker::js_sys)]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buffer: &mut [u8]) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = importKey)]
    fn import_key(
        format: &str,
        key_data: &[u8],
        algorithm: &Object,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = sign)]
    fn sign(algorithm: &str, key: &JsValue, data: &[u8]) -> Result<Promise, JsValue>;
}

/// WebCrypto refused or failed: the runtime is broken, nothing the caller can fix.
#[derive(Debug)]
pub struct CryptoError(&'static str);

impl std::fmt::Display for CryptoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WebCrypto failed: {}", self.0)
    }
}

/// `N` bytes from the runtime's cryptographically secure generator.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut bytes = [0u8; N];
    get_random_values(&mut bytes).map_err(|_| CryptoError("getRandomValues"))?;
    Ok(bytes)
}

/// Keys this isolate has imported, at most [`KEPT_KEYS`]: every key the Worker signs with is
/// long-lived (the callback and hashing secrets, the admin token's, webhook secrets), and an
/// `importKey` is a second promise on every HMAC, so each is imported once per isolate.
const KEPT_KEYS: usize = 8;

thread_local! {
    static KEYS: RefCell<Vec<(Vec<u8>, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// The runtime's HMAC-SHA-256 key for `raw`, imported on first use.
async fn hmac_key(raw: &[u8]) -> Result<JsValue, CryptoError> {
    let kept = KEYS.with_borrow(|keys| {
        keys.iter()
            .find(|(kept, _)| kept == raw)
            .map(|(_, key)| key.clone())
    });
    if let Some(key) = kept {
        return Ok(key);
    }
    let algorithm = Object::new();
    let set = |name: &str, value: &str| {
        Reflect::set(&algorithm, &name.into(), &value.into()).map_err(|_| CryptoError("algorithm"))
    };
    set("name", "HMAC")?;
    set("hash", "SHA-256")?;
    let usages = Array::of1(&"sign".into());
    let imported =
        import_key("raw", raw, &algorithm, false, &usages).map_err(|_| CryptoError("importKey"))?;
    let key = JsFuture::from(imported)
        .await
        .map_err(|_| CryptoError("importKey"))?;
    KEYS.with_borrow_mut(|keys| {
        if keys.len() < KEPT_KEYS && !keys.iter().any(|(kept, _)| kept == raw) {
            keys.push((raw.to_vec(), key.clone()));
        }
    });
    Ok(key)
}

/// HMAC-SHA-256 of `message` under `key`.
pub async fn hmac_sha256(key: &[u8], message: &[u8]) -> Result<[u8; 32], CryptoError> {
    let key = hmac_key(key).await?;
    let signed = sign("HMAC", &key, message).map_err(|_| CryptoError("sign"))?;
    let signature = JsFuture::from(signed)
        .await
        .map_err(|_| CryptoError("sign"))?;
    let buffer: ArrayBuffer = signature
        .dyn_into()
        .map_err(|_| CryptoError("sign result"))?;
    let bytes = Uint8Array::new(&buffer);
    let mut mac = [0u8; 32];
    if bytes.length() as usize != mac.len() {
        return Err(CryptoError("sign result length"));
    }
    bytes.copy_to(&mut mac);
    Ok(mac)
}

/// Unpadded base64url (RFC 4648 §5): safe in a URL path segment as it is.
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::new();
    exotel_connect::wire::base64::encode(
        bytes,
        exotel_connect::wire::base64::URL_SAFE,
        false,
        &mut out,
    );
    out
}

/// Whether `a` equals `b`, in time that depends only on their lengths (which are public: a token
/// has a fixed shape), so a forger learns nothing from how fast a guess is refused.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc4648_vectors() {
        // RFC 4648 §10, in the URL alphabet and without padding.
        let cases = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64url(input.as_bytes()), expected);
        }
        assert_eq!(base64url(&[0xfb, 0xff, 0xbf]), "-_-_");
    }

    #[test]
    fn constant_time_eq_compares_whole_slices() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }
}
