//! Signing in through Cloudflare Access: with `ACCESS_TEAM_DOMAIN` and `ACCESS_AUD` set, the
//! `Cf-Access-Jwt-Assertion` header Access adds to each request it let through is verified
//! (RS256 against the team's keys at `<team>/cdn-cgi/access/certs`; `aud`, `iss`, `exp`,
//! `nbf`) and signs the operator in, with no cookie of ours.
//!
//! RSA is WebCrypto's (`RSASSA-PKCS1-v1_5`, a JWK import), so no RSA or JWT crate is compiled in.
//! The keys are kept for [`KEYS_TTL_MS`] per isolate, and fetched again at once for a key id
//! not seen yet (Access rotates its keys).

use std::cell::RefCell;

use worker::js_sys::{Array, Object, Promise, Reflect};
use worker::wasm_bindgen::prelude::*;
use worker::wasm_bindgen_futures::JsFuture;
use worker::Env;

use crate::http;
use crate::json::{read_bytes, text, Value};
use crate::operator::cookie::is_local;
use crate::upstream::fetch::fetch;
use exotel_connect::{HttpRequest, Method};

#[wasm_bindgen(wasm_bindgen = ::worker::wasm_bindgen, js_sys = ::worker::js_sys)]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = importKey)]
    fn import_jwk(
        format: &str,
        key_data: &Object,
        algorithm: &Object,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = verify)]
    fn subtle_verify(
        algorithm: &str,
        key: &JsValue,
        signature: &[u8],
        data: &[u8],
    ) -> Result<Promise, JsValue>;
}

/// How long fetched keys are trusted before they are fetched again.
const KEYS_TTL_MS: u64 = 10 * 60 * 1000;
/// How long fetching the keys may take.
const FETCH_TIMEOUT_MS: u32 = 5_000;
/// Clock skew allowed on `exp` and `nbf`, seconds.
const LEEWAY_S: u64 = 60;
/// The longest assertion looked at.
const MAX_JWT_LEN: usize = 8 * 1024;
/// The header Access puts the assertion in.
pub const HEADER: &str = "Cf-Access-Jwt-Assertion";

/// Access, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessConfig {
    /// `https://<team>.cloudflareaccess.com`: the issuer, and where the keys are.
    pub team_origin: String,
    /// The application's audience tag.
    pub aud: String,
}

impl AccessConfig {
    /// Where the team's signing keys are.
    pub fn certs_url(&self) -> String {
        format!("{}/cdn-cgi/access/certs", self.team_origin)
    }
}

/// Access from the environment: `None` when `ACCESS_TEAM_DOMAIN` and `ACCESS_AUD` are both
/// unset; the problem (naming the setting) when one is missing or the domain is unusable.
pub fn from_env(env: &Env) -> Option<Result<AccessConfig, String>> {
    let var = |name: &str| {
        env.var(name)
            .ok()
            .map(|v| v.to_string())
            .or_else(|| env.secret(name).ok().map(|v| v.to_string()))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    parse(var("ACCESS_TEAM_DOMAIN"), var("ACCESS_AUD"))
}

/// [`from_env`] on the two values. A team domain is a bare host (`myteam.cloudflareaccess.com`,
/// reached over https) or an `https://` origin; a plain `http://` origin only on this machine,
/// where the tests serve their keys.
pub fn parse(team: Option<String>, aud: Option<String>) -> Option<Result<AccessConfig, String>> {
    let (team, aud) = match (team, aud) {
        (None, None) => return None,
        (Some(team), Some(aud)) => (team, aud),
        (Some(_), None) => {
            return Some(Err("ACCESS_AUD must be set with ACCESS_TEAM_DOMAIN".into()))
        }
        (None, Some(_)) => {
            return Some(Err("ACCESS_TEAM_DOMAIN must be set with ACCESS_AUD".into()))
        }
    };
    let team = team.trim_end_matches('/');
    let origin = if let Some(rest) = team.strip_prefix("https://") {
        format!("https://{rest}")
    } else if team.starts_with("http://") {
        if !is_local(http::host(team)) {
            return Some(Err(
                "ACCESS_TEAM_DOMAIN must be https (http:// only for 127.0.0.1 or localhost)".into(),
            ));
        }
        team.to_owned()
    } else {
        format!("https://{team}")
    };
    let host = http::host(&origin);
    if host.is_empty()
        || origin.len() != http::origin(&origin).len()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'[' | b']' | b':'))
    {
        return Some(Err(
            "ACCESS_TEAM_DOMAIN must be a host like myteam.cloudflareaccess.com".into(),
        ));
    }
    Some(Ok(AccessConfig {
        team_origin: origin,
        aud,
    }))
}

/// Who Access says the operator is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The email Access signed in, or the subject for a service token.
    pub who: String,
}

// The header, claims and keys are read into the core's JSON tree and picked from it: a few
// fields of each are wanted, not a typed reader per shape.

/// The time `value` holds, in seconds, if it is a number; anything else is no time (a missing
/// `exp` is refused, a missing `nbf` not checked). A number beyond `f64`'s range reads as the
/// infinity it points to: `nbf: 1e400` is never valid yet, `exp: -1e400` long expired.
fn seconds(value: Option<&Value<'_>>) -> Option<f64> {
    match value? {
        Value::Number(number) => approximate(number),
        _ => None,
    }
}

/// A JSON number's value, near enough to compare with the clock: its first 19 significant
/// digits, scaled by a power of ten (within a few units in the last place; the times checked
/// have a minute's leeway). `str::parse::<f64>` would be exact, and would compile core's float
/// parser and its 10 KB table of powers of five into the Worker for these two claims.
fn approximate(number: &str) -> Option<f64> {
    let (negative, unsigned) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number),
    };
    let (decimal, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((decimal, exponent)) => (decimal, Some(exponent)),
        None => (unsigned, None),
    };
    let (whole, fraction) = match decimal.split_once('.') {
        Some((whole, fraction)) if !fraction.is_empty() => (whole, fraction),
        Some(_) => return None,
        None => (decimal, ""),
    };
    let all_digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || !(fraction.is_empty() || all_digits(fraction)) {
        return None;
    }
    // Digits past the 19th are dropped: whole ones still count a power of ten each.
    let (mut digits, mut scale) = (0u64, 0i64);
    for (at, digit) in whole.bytes().chain(fraction.bytes()).enumerate() {
        let in_fraction = at >= whole.len();
        if digits < 1_000_000_000_000_000_000 {
            digits = digits * 10 + u64::from(digit - b'0');
            scale -= i64::from(in_fraction);
        } else {
            scale += i64::from(!in_fraction);
        }
    }
    let exponent = match exponent {
        None => 0,
        Some(text) => {
            let (sign, magnitude) = match text.as_bytes().first() {
                Some(b'-') => (-1, &text[1..]),
                Some(b'+') => (1, &text[1..]),
                _ => (1, text),
            };
            if !all_digits(magnitude) {
                return None;
            }
            // Past a thousand any time is zero or infinite: the rest of a longer exponent
            // changes nothing.
            let capped = magnitude
                .bytes()
                .fold(0i64, |n, d| (n * 10 + i64::from(d - b'0')).min(1_000));
            sign * capped
        }
    };
    let value = match digits {
        0 => 0.0,
        _ => digits as f64 * 10f64.powi((exponent + scale).clamp(-1_000, 1_000) as i32),
    };
    Some(if negative { -value } else { value })
}

/// The claims checked, from the assertion's payload.
struct Claims {
    aud: Vec<String>,
    iss: Option<String>,
    exp: Option<f64>,
    nbf: Option<f64>,
    who: Option<String>,
}

impl Claims {
    fn read(payload: &Value) -> Claims {
        let claim = |name: &str| text(payload.get(name)).map(str::to_owned);
        let aud = match payload.get("aud") {
            Some(Value::Text(one)) => vec![one.to_string()],
            Some(Value::Array(many)) => many
                .iter()
                .filter_map(|a| text(Some(a)).map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        Claims {
            aud,
            iss: claim("iss"),
            exp: seconds(payload.get("exp")),
            nbf: seconds(payload.get("nbf")),
            who: claim("email")
                .or_else(|| claim("common_name"))
                .or_else(|| claim("sub")),
        }
    }
}

/// An RSA key as the certs endpoint lists it (a JWK).
#[derive(Debug, Clone)]
struct Jwk {
    kid: Option<String>,
    n: String,
    e: String,
}

/// The RSA keys of a JWK set (`{"keys": [...]}`); others are skipped.
fn read_keys(set: &Value) -> Vec<Jwk> {
    let Some(Value::Array(keys)) = set.get("keys") else {
        return Vec::new();
    };
    keys.iter()
        .filter(|k| text(k.get("kty")) == Some("RSA"))
        .filter_map(|k| {
            Some(Jwk {
                kid: text(k.get("kid")).map(str::to_owned),
                n: text(k.get("n"))?.to_owned(),
                e: text(k.get("e"))?.to_owned(),
            })
        })
        .collect()
}

thread_local! {
    /// The keys fetched last: from which URL, when (Unix ms), and the keys.
    static KEYS: RefCell<Option<(String, u64, Vec<Jwk>)>> = const { RefCell::new(None) };
}

/// Checks an assertion; the operator it names, or why it was refused (never quoting it).
pub async fn verify(config: &AccessConfig, jwt: &str, now_ms: u64) -> Result<Identity, String> {
    if jwt.len() > MAX_JWT_LEN {
        return Err("the assertion is too long".into());
    }
    let mut parts = jwt.split('.');
    let (Some(head), Some(body), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("the assertion is not a JWT".into());
    };
    let decode = |part: &str, what: &str| {
        base64url_decode(part).ok_or_else(|| format!("the assertion's {what} is not base64url"))
    };
    let header = decode(head, "header")?;
    let header =
        read_bytes(&header).ok_or_else(|| "the assertion's header is not JSON".to_owned())?;
    if text(header.get("alg")) != Some("RS256") {
        return Err("the assertion is not signed with RS256".into());
    }
    let payload = decode(body, "payload")?;
    let payload =
        read_bytes(&payload).ok_or_else(|| "the assertion's payload is not JSON".to_owned())?;
    let claims = Claims::read(&payload);
    let signature = decode(signature, "signature")?;
    let signed = &jwt[..head.len() + 1 + body.len()];

    let key = key_for(config, text(header.get("kid")), now_ms).await?;
    if !rs256_verify(&key, &signature, signed.as_bytes()).await? {
        return Err("the assertion's signature does not check out".into());
    }
    check_claims(config, &claims, now_ms / 1000)?;
    let who = claims.who.unwrap_or_else(|| "unknown".into());
    Ok(Identity { who })
}

fn check_claims(config: &AccessConfig, claims: &Claims, now_s: u64) -> Result<(), String> {
    if !claims.aud.contains(&config.aud) {
        return Err("the assertion is for another application (aud)".into());
    }
    if claims.iss.as_deref() != Some(config.team_origin.as_str()) {
        return Err("the assertion is from another team (iss)".into());
    }
    let now = now_s as f64;
    match claims.exp {
        Some(exp) if exp + LEEWAY_S as f64 > now => {}
        _ => return Err("the assertion has expired (exp)".into()),
    }
    if claims.nbf.is_some_and(|nbf| nbf - LEEWAY_S as f64 > now) {
        return Err("the assertion is not valid yet (nbf)".into());
    }
    Ok(())
}

/// The key `kid` names (or the only key, when the assertion names none), from the cached keys,
/// or freshly fetched when they are stale or do not have it.
async fn key_for(config: &AccessConfig, kid: Option<&str>, now_ms: u64) -> Result<Jwk, String> {
    let url = config.certs_url();
    let pick = |keys: &[Jwk]| -> Option<Jwk> {
        match kid {
            Some(kid) => keys.iter().find(|k| k.kid.as_deref() == Some(kid)).cloned(),
            None => keys.first().cloned(),
        }
    };
    let cached = KEYS.with(|keys| {
        keys.borrow().as_ref().and_then(|(from, at, keys)| {
            (*from == url && now_ms.saturating_sub(*at) < KEYS_TTL_MS)
                .then(|| pick(keys))
                .flatten()
        })
    });
    if let Some(key) = cached {
        return Ok(key);
    }
    let keys = fetch_keys(&url).await?;
    let key = pick(&keys);
    KEYS.with(|cache| *cache.borrow_mut() = Some((url, now_ms, keys)));
    key.ok_or_else(|| "the assertion names a key the team does not have (kid)".into())
}

async fn fetch_keys(url: &str) -> Result<Vec<Jwk>, String> {
    let request = HttpRequest {
        method: Method::Get,
        url: url.to_owned(),
        headers: Vec::new(),
        body: None,
    };
    let response = fetch(&request, FETCH_TIMEOUT_MS)
        .await
        .map_err(|_| "the team's keys could not be fetched".to_owned())?;
    if response.status != 200 {
        return Err(format!(
            "the team's keys could not be fetched (HTTP {})",
            response.status
        ));
    }
    let body = response.body;
    let set = read_bytes(&body).ok_or_else(|| "the team's keys are not a JWK set".to_owned())?;
    Ok(read_keys(&set))
}

async fn rs256_verify(key: &Jwk, signature: &[u8], data: &[u8]) -> Result<bool, String> {
    let broken = |_| "WebCrypto refused the team's key".to_owned();
    let (n, e) = (&key.n, &key.e);
    let jwk = Object::new();
    let set = |o: &Object, name: &str, value: &JsValue| {
        Reflect::set(o, &JsValue::from_str(name), value).map(|_| ())
    };
    set(&jwk, "kty", &"RSA".into()).map_err(broken)?;
    set(&jwk, "n", &n.as_str().into()).map_err(broken)?;
    set(&jwk, "e", &e.as_str().into()).map_err(broken)?;
    set(&jwk, "alg", &"RS256".into()).map_err(broken)?;
    set(&jwk, "ext", &true.into()).map_err(broken)?;
    let algorithm = Object::new();
    set(&algorithm, "name", &"RSASSA-PKCS1-v1_5".into()).map_err(broken)?;
    set(&algorithm, "hash", &"SHA-256".into()).map_err(broken)?;
    let usages = Array::of1(&"verify".into());
    let imported = import_jwk("jwk", &jwk, &algorithm, false, &usages).map_err(broken)?;
    let imported = JsFuture::from(imported).await.map_err(broken)?;
    // WebCrypto copies both buffers when called, so views into wasm memory are safe.
    let verified = subtle_verify("RSASSA-PKCS1-v1_5", &imported, signature, data)
        .map_err(|_| "WebCrypto could not verify".to_owned())?;
    let verified = JsFuture::from(verified)
        .await
        .map_err(|_| "WebCrypto could not verify".to_owned())?;
    Ok(verified.as_bool() == Some(true))
}

/// Unpadded (or padded) base64url; `None` on any other character or an impossible length.
/// Strictly the URL-safe alphabet: a token spelled with `+` or `/` is not the one signed.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    if text.contains(['+', '/']) {
        return None;
    }
    exotel_connect::wire::base64::decode(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::base64url;
    use crate::json::read_json;

    #[test]
    fn base64url_decodes_what_it_encodes() {
        for input in [
            &b""[..],
            b"f",
            b"fo",
            b"foo",
            b"foob",
            b"fooba",
            b"foobar",
            &[0xfb, 0xff, 0xbf],
        ] {
            assert_eq!(base64url_decode(&base64url(input)).as_deref(), Some(input));
        }
        assert_eq!(base64url_decode("Zg=="), Some(b"f".to_vec()));
        assert_eq!(base64url_decode("Z"), None);
        assert_eq!(base64url_decode("Zm9v+"), None);
    }

    #[test]
    fn team_domains_are_https_or_this_machine() {
        let ok = |team: &str| {
            parse(Some(team.into()), Some("aud".into()))
                .unwrap()
                .unwrap()
        };
        assert_eq!(
            ok("myteam.cloudflareaccess.com").team_origin,
            "https://myteam.cloudflareaccess.com"
        );
        assert_eq!(
            ok("https://myteam.cloudflareaccess.com/").team_origin,
            "https://myteam.cloudflareaccess.com"
        );
        assert_eq!(
            ok("http://127.0.0.1:9000").certs_url(),
            "http://127.0.0.1:9000/cdn-cgi/access/certs"
        );
        let err = |team: &str| {
            parse(Some(team.into()), Some("aud".into()))
                .unwrap()
                .unwrap_err()
        };
        assert!(err("http://myteam.cloudflareaccess.com").contains("must be https"));
        assert!(err("https://x.example/path").contains("must be a host"));
        assert!(err("bad host!").contains("must be a host"));
        assert!(parse(None, None).is_none());
        assert_eq!(
            parse(Some("t.example".into()), None).unwrap().unwrap_err(),
            "ACCESS_AUD must be set with ACCESS_TEAM_DOMAIN"
        );
    }

    #[test]
    fn keys_and_claims_are_read_from_json() {
        let set = read_json(
            r#"{"keys": [
                {"kty": "EC", "kid": "e1", "x": "..."},
                {"kty": "RSA", "kid": "k1", "n": "AQAB-n", "e": "AQAB"},
                {"kty": "RSA", "kid": "k2"}
            ]}"#,
        )
        .unwrap();
        let keys = read_keys(&set);
        assert_eq!(keys.len(), 1);
        assert_eq!(
            (keys[0].kid.as_deref(), keys[0].n.as_str()),
            (Some("k1"), "AQAB-n")
        );
        assert!(read_keys(&read_json(r#"{"keys": 5}"#).unwrap()).is_empty());

        let one = Claims::read(&read_json(r#"{"aud": "app", "exp": 5, "sub": "svc"}"#).unwrap());
        assert_eq!(
            (one.aud, one.exp, one.who.as_deref()),
            (vec!["app".to_owned()], Some(5.0), Some("svc"))
        );
        let many = Claims::read(
            &read_json(r#"{"aud": ["a", 7, "b"], "email": "ops@x", "sub": "u"}"#).unwrap(),
        );
        assert_eq!(
            (many.aud, many.who.as_deref()),
            (vec!["a".to_owned(), "b".to_owned()], Some("ops@x"))
        );
        let times = Claims::read(&read_json(r#"{"exp": 1.8e9, "nbf": "5"}"#).unwrap());
        assert_eq!((times.exp, times.nbf), (Some(1.8e9), None));
        let far = Claims::read(&read_json(r#"{"exp": -1e400, "nbf": 1e400}"#).unwrap());
        assert_eq!(
            (far.exp, far.nbf),
            (Some(f64::NEG_INFINITY), Some(f64::INFINITY))
        );
        assert!(Claims::read(&read_json(r#"{"aud": {"x": 1}}"#).unwrap())
            .aud
            .is_empty());
    }

    #[test]
    fn times_are_read_near_enough_to_parse() {
        for number in [
            "0",
            "-0",
            "5",
            "1800000000",
            "1.8e9",
            "1800000000.75",
            "-1800000000.5",
            "18E8",
            "18e+8",
            "180000000000e-2",
            "0.000000000001e21",
            "12345678901234567890123",
            "1234567890.12345678901234567890",
            "1e308",
            "2e-300",
        ] {
            let exact: f64 = number.parse().unwrap();
            let near = approximate(number).unwrap();
            assert!(
                (near - exact).abs() <= exact.abs() * 1e-14,
                "{number}: {near} against {exact}"
            );
        }
        let far = |number: &str| approximate(number).unwrap();
        assert_eq!(far("1e400"), f64::INFINITY);
        assert_eq!(far("-1e99999999999999999999"), f64::NEG_INFINITY);
        assert_eq!(far("1e-400"), 0.0);
        assert_eq!(far("0e400"), 0.0);
        for not_a_number in [
            "", "-", "1.", ".5", "1e", "1e+", "0x10", "1,5", "NaN", "inf",
        ] {
            assert_eq!(approximate(not_a_number), None, "{not_a_number:?}");
        }
    }

    #[test]
    fn claims_are_checked() {
        let config = AccessConfig {
            team_origin: "https://t.example".into(),
            aud: "app".into(),
        };
        let claims = |aud: &str, iss: &str, exp: f64, nbf: Option<f64>| Claims {
            aud: vec!["other".into(), aud.into()],
            iss: Some(iss.into()),
            exp: Some(exp),
            nbf,
            who: None,
        };
        let now = 1_800_000_000;
        assert!(check_claims(
            &config,
            &claims("app", "https://t.example", 1.8e9 + 60.0, None),
            now
        )
        .is_ok());
        assert!(check_claims(
            &config,
            &claims("nope", "https://t.example", 1.8e9 + 60.0, None),
            now
        )
        .unwrap_err()
        .contains("aud"));
        assert!(check_claims(
            &config,
            &claims("app", "https://u.example", 1.8e9 + 60.0, None),
            now
        )
        .unwrap_err()
        .contains("iss"));
        assert!(check_claims(
            &config,
            &claims("app", "https://t.example", 1.8e9 - 61.0, None),
            now
        )
        .unwrap_err()
        .contains("exp"));
        assert!(check_claims(
            &config,
            &claims(
                "app",
                "https://t.example",
                1.8e9 + 600.0,
                Some(1.8e9 + 120.0)
            ),
            now
        )
        .unwrap_err()
        .contains("nbf"));
    }
}
