//! What every Exotel request shares: the account, where to send it and how to authenticate.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::borrow::Cow;
use core::fmt;

use crate::small_std::{concat, find_str, quoted, split_once_str, trim, trim_byte};

/// What `Debug` prints instead of a secret.
pub(crate) const REDACTED: &str = "<redacted>";

/// Why a request could not be built: the field (by its Exotel name, e.g. `TimeLimit`, or the
/// option name, e.g. `api_token`) and what was wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    field: &'static str,
    problem: String,
}

impl RequestError {
    pub(crate) fn new(field: &'static str, problem: impl Into<String>) -> Self {
        RequestError {
            field,
            problem: problem.into(),
        }
    }

    /// The name of the invalid field, e.g. `"From"` or `"TimeLimit"`.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// What was wrong with it, e.g. "expected 1 to 14400 seconds, but got 0".
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&concat(&["invalid ", self.field, ": ", &self.problem]))
    }
}

impl core::error::Error for RequestError {}

/// An Exotel API key and token. `Debug` and `Display` never show them.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    api_key: String,
    api_token: String,
    /// `Basic base64(key:token)`, made once: every request carries it.
    authorization: String,
}

impl Credentials {
    /// Checks and keeps an API key and token (the dashboard's API settings page has both).
    pub fn new(api_key: &str, api_token: &str) -> Result<Credentials, RequestError> {
        let api_key = trim(api_key);
        let api_token = trim(api_token);
        check_secret("api_key", api_key)?;
        if find_str(api_key, ":").is_some() {
            // Basic auth splits user and password at the first colon.
            return Err(RequestError::new(
                "api_key",
                "expected no `:` in the key, but got one",
            ));
        }
        check_secret("api_token", api_token)?;
        let mut authorization = String::from("Basic ");
        crate::wire::base64::encode(
            concat(&[api_key, ":", api_token]).as_bytes(),
            crate::wire::base64::STANDARD,
            true,
            &mut authorization,
        );
        Ok(Credentials {
            api_key: api_key.to_owned(),
            api_token: api_token.to_owned(),
            authorization,
        })
    }

    /// The `Authorization` header value: `Basic base64(key:token)`.
    pub fn authorization(&self) -> String {
        self.authorization.clone()
    }

    /// Whether `text` contains the key or the token: for tests and log scrubbing.
    pub fn appear_in(&self, text: &str) -> bool {
        text.contains(&self.api_key) || text.contains(&self.api_token)
    }
}

fn check_secret(field: &'static str, value: &str) -> Result<(), RequestError> {
    if value.is_empty() {
        return Err(RequestError::new(
            field,
            "expected a value, but got nothing",
        ));
    }
    if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(RequestError::new(
            field,
            "expected no spaces or control characters, but got some",
        ));
    }
    Ok(())
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials(<redacted>)")
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Exotel's two clusters. An account lives in one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Region {
    /// Singapore, `https://api.exotel.com`.
    Singapore,
    /// Mumbai, `https://api.in.exotel.com`.
    Mumbai,
}

impl Region {
    /// The API base URL of the cluster.
    pub fn base_url(&self) -> &'static str {
        match self {
            Region::Singapore => "https://api.exotel.com",
            Region::Mumbai => "https://api.in.exotel.com",
        }
    }

    /// Parses `"singapore"` or `"mumbai"` (any case).
    pub fn parse(name: &str) -> Result<Region, RequestError> {
        let is = |word: &str| trim(name).eq_ignore_ascii_case(word);
        if is("singapore") || is("sg") {
            Ok(Region::Singapore)
        } else if is("mumbai") || is("in") {
            Ok(Region::Mumbai)
        } else {
            Err(RequestError::new(
                "region",
                concat(&["expected `singapore` or `mumbai`, but got ", &quoted(name)]),
            ))
        }
    }
}

/// Where requests go: a region, or any base URL (a mock, a proxy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiBase(String);

impl ApiBase {
    /// The base URL of a region.
    pub fn region(region: Region) -> ApiBase {
        ApiBase(region.base_url().to_owned())
    }

    /// Any `http` or `https` base URL, e.g. `http://127.0.0.1:9000` for a mock. A path is
    /// kept (for a proxy under a prefix); a trailing `/` is dropped.
    pub fn custom(url: &str) -> Result<ApiBase, RequestError> {
        let url = HttpUrl::parse("base_url", url)?;
        if url.has_userinfo {
            // Cloudflare's fetch silently drops credentials in URLs; the header carries them.
            return Err(RequestError::new(
                "base_url",
                "expected no credentials in the URL (they go in the Authorization header), but got some",
            ));
        }
        if find_str(&url.text, "?").is_some() || find_str(&url.text, "#").is_some() {
            return Err(RequestError::new(
                "base_url",
                "expected no query or fragment, but got one",
            ));
        }
        // Trailing `/`s dropped (a URL starts with its scheme, never a `/`).
        Ok(ApiBase(trim_byte(&url.text, b'/').to_owned()))
    }

    /// The base URL, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The response format Exotel is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// JSON, asked for with a `.json` suffix on the path (the default here).
    #[default]
    Json,
    /// XML, Exotel's own default.
    Xml,
}

impl Format {
    /// Parses `"json"` or `"xml"`.
    pub fn parse(name: &str) -> Result<Format, RequestError> {
        let is = |word: &str| trim(name).eq_ignore_ascii_case(word);
        if is("json") {
            Ok(Format::Json)
        } else if is("xml") {
            Ok(Format::Xml)
        } else {
            Err(RequestError::new(
                "format",
                concat(&["expected `json` or `xml`, but got ", &quoted(name)]),
            ))
        }
    }

    pub(crate) fn suffix(&self) -> &'static str {
        match self {
            Format::Json => ".json",
            Format::Xml => "",
        }
    }
}

/// An Exotel account: its SID, credentials, where its API lives and the response format wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    sid: String,
    credentials: Credentials,
    base: ApiBase,
    format: Format,
}

impl Account {
    /// An account with JSON responses. The SID is the one on the dashboard's API settings page.
    ///
    /// ```
    /// use exotel_connect::{Account, ApiBase, Credentials, Region};
    /// let account = Account::new(
    ///     "acme",
    ///     Credentials::new("key", "token")?,
    ///     ApiBase::region(Region::Mumbai),
    /// )?;
    /// assert_eq!(account.sid(), "acme");
    /// # Ok::<(), exotel_connect::RequestError>(())
    /// ```
    pub fn new(
        sid: &str,
        credentials: Credentials,
        base: ApiBase,
    ) -> Result<Account, RequestError> {
        let sid = trim(sid);
        check_path_segment("account_sid", sid)?;
        Ok(Account {
            sid: sid.to_owned(),
            credentials,
            base,
            format: Format::Json,
        })
    }

    /// The same account with responses in `format`.
    pub fn with_format(mut self, format: Format) -> Account {
        self.format = format;
        self
    }

    /// The account SID.
    pub fn sid(&self) -> &str {
        &self.sid
    }

    /// The response format requests ask for.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The API base URL.
    pub fn base(&self) -> &ApiBase {
        &self.base
    }

    /// The account's credentials (they print as `<redacted>`).
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// `{base}/v1/Accounts/{sid}/` and `path` after it, e.g. `["Calls", "/connect", ".json"]`:
    /// the URL of a resource, written once into a string of the right size.
    pub(crate) fn resource_url(&self, path: &[&str]) -> String {
        let head = [self.base.as_str(), "/v1/Accounts/", &self.sid, "/"];
        let length = |pieces: &[&str]| pieces.iter().map(|piece| piece.len()).sum::<usize>();
        let mut url = String::with_capacity(length(&head) + length(path));
        for piece in head.iter().chain(path) {
            url.push_str(piece);
        }
        url
    }

    /// The headers every request carries, plus a form content type for bodies. Only the
    /// credentials are the account's own; the rest are borrowed constants.
    pub(crate) fn headers(&self, with_form_body: bool) -> Vec<(&'static str, Cow<'static, str>)> {
        let accept = match self.format {
            Format::Json => "application/json",
            Format::Xml => "application/xml",
        };
        let mut headers = Vec::with_capacity(3);
        headers.push((
            "Authorization",
            Cow::Owned(self.credentials.authorization()),
        ));
        headers.push(("Accept", Cow::Borrowed(accept)));
        if with_form_body {
            headers.push((
                "Content-Type",
                Cow::Borrowed("application/x-www-form-urlencoded"),
            ));
        }
        headers
    }
}

/// Checks a value that goes into a URL path (an account or call SID): letters, digits, `_`,
/// `-` and `.` only, so it can never change the path or need escaping.
pub(crate) fn check_path_segment(field: &'static str, value: &str) -> Result<(), RequestError> {
    if value.is_empty() {
        return Err(RequestError::new(
            field,
            "expected a value, but got nothing",
        ));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(RequestError::new(
            field,
            concat(&[
                "expected letters, digits, `_`, `-` or `.`, but got ",
                &quoted(c.encode_utf8(&mut [0; 4])),
            ]),
        ));
    }
    if value == "." || value == ".." {
        return Err(RequestError::new(
            field,
            "expected an identifier, but got a dot segment",
        ));
    }
    Ok(())
}

/// An absolute `http`/`https` URL, checked just enough to be safe to hand to Exotel: a scheme,
/// a host, and no whitespace or control characters. (A full URL parser would cost more wasm
/// than everything else here.)
pub(crate) struct HttpUrl {
    pub(crate) text: String,
    pub(crate) has_userinfo: bool,
}

/// The first whitespace or control character in `text`. URLs are almost always ASCII, where a
/// byte test finds it; from the first byte that could be one (or starts a multi-byte
/// character, always on a character boundary here), characters are decoded.
fn first_space_or_control(text: &str) -> Option<char> {
    let from = text.bytes().position(|b| b <= b' ' || b >= 0x7f)?;
    text[from..]
        .chars()
        .find(|c| c.is_whitespace() || c.is_control())
}

impl HttpUrl {
    pub(crate) fn parse(field: &'static str, input: &str) -> Result<HttpUrl, RequestError> {
        let text = trim(input);
        if text.is_empty() {
            return Err(RequestError::new(field, "expected a URL, but got nothing"));
        }
        // The scheme in any case, compared without a lower-case copy.
        let after = |scheme: &str| {
            text.get(..scheme.len())
                .filter(|start| start.eq_ignore_ascii_case(scheme))
                .map(|_| &text[scheme.len()..])
        };
        let rest = if let Some(rest) = after("https://") {
            rest
        } else if let Some(rest) = after("http://") {
            rest
        } else {
            return Err(RequestError::new(
                field,
                concat(&["expected an absolute http(s) URL, but got ", &quoted(text)]),
            ));
        };
        if let Some(c) = first_space_or_control(text) {
            return Err(RequestError::new(
                field,
                concat(&[
                    "expected no spaces or control characters in the URL, but got ",
                    &quoted(c.encode_utf8(&mut [0; 4])),
                ]),
            ));
        }
        let end = rest
            .bytes()
            .position(|b| matches!(b, b'/' | b'?' | b'#'))
            .unwrap_or(rest.len());
        let authority = &rest[..end];
        // After the last `@`, if any (searched as the crate searches: `small_std::find_str`).
        let (mut host_port, mut has_userinfo) = (authority, false);
        while let Some((_, after)) = split_once_str(host_port, "@") {
            (host_port, has_userinfo) = (after, true);
        }
        let end = if host_port.starts_with('[') { "]" } else { ":" };
        let host = split_once_str(host_port, end).map_or(host_port, |(host, _)| host);
        if host.is_empty() || host == "[" {
            return Err(RequestError::new(
                field,
                concat(&["expected a host in the URL, but got ", &quoted(text)]),
            ));
        }
        Ok(HttpUrl {
            text: text.to_owned(),
            has_userinfo,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{HttpRequest, Method};

    #[test]
    fn credentials_never_print() {
        let credentials = Credentials::new("KEY123", "TOKEN456").unwrap();
        assert_eq!(format!("{credentials:?}"), "Credentials(<redacted>)");
        assert_eq!(credentials.to_string(), "<redacted>");
        assert_eq!(
            credentials.authorization(),
            "Basic S0VZMTIzOlRPS0VONDU2" // base64("KEY123:TOKEN456")
        );
        assert!(credentials.appear_in("x TOKEN456 y"));
    }

    #[test]
    fn urls_refuse_spaces_and_controls_of_any_script() {
        let refused = |url: &str| match HttpUrl::parse("Url", url) {
            Ok(_) => panic!("{url:?} was accepted"),
            Err(e) => e.to_string(),
        };
        for (url, shown) in [
            ("https://example.com/a b", "` `"),
            ("https://example.com/a\x7fb", "`\\u{7f}`"),
            // Past a multi-byte letter: a no-break space, an em space, a line separator, C1.
            ("https://exämple.com/a\u{a0}b", "`\\u{a0}`"),
            ("https://exämple.com/a\u{2003}b", "`\\u{2003}`"),
            ("https://例え.jp/a\u{2028}b", "`\\u{2028}`"),
            ("https://exämple.com/a\u{85}b", "`\\u{85}`"),
        ] {
            let error = refused(url);
            assert!(
                error.ends_with(&format!("in the URL, but got {shown}")),
                "{url:?}: {error}"
            );
        }
        for url in ["https://exämple.com/straße?q=ü", "https://例え.jp/パス"] {
            assert!(HttpUrl::parse("Url", url).is_ok(), "{url}");
        }
    }

    #[test]
    fn credential_errors_name_the_field() {
        assert_eq!(
            Credentials::new("", "t").unwrap_err().to_string(),
            "invalid api_key: expected a value, but got nothing"
        );
        assert_eq!(
            Credentials::new("a:b", "t").unwrap_err().to_string(),
            "invalid api_key: expected no `:` in the key, but got one"
        );
        assert_eq!(
            Credentials::new("k", "to ken").unwrap_err().to_string(),
            "invalid api_token: expected no spaces or control characters, but got some"
        );
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            ApiBase::custom("http://127.0.0.1:9000/").unwrap().as_str(),
            "http://127.0.0.1:9000"
        );
        assert_eq!(
            ApiBase::custom("https://proxy.example/exotel")
                .unwrap()
                .as_str(),
            "https://proxy.example/exotel"
        );
        assert_eq!(
            ApiBase::custom("https://k:t@api.exotel.com").unwrap_err().to_string(),
            "invalid base_url: expected no credentials in the URL (they go in the Authorization header), but got some"
        );
        assert_eq!(
            ApiBase::custom("ftp://x").unwrap_err().to_string(),
            "invalid base_url: expected an absolute http(s) URL, but got `ftp://x`"
        );
        assert_eq!(
            ApiBase::custom("http:///path").unwrap_err().to_string(),
            "invalid base_url: expected a host in the URL, but got `http:///path`"
        );
        assert_eq!(
            Region::parse("tokyo").unwrap_err().to_string(),
            "invalid region: expected `singapore` or `mumbai`, but got `tokyo`"
        );
    }

    #[test]
    fn path_segments_cannot_escape() {
        assert!(check_path_segment("account_sid", "acme_1").is_ok());
        assert_eq!(
            check_path_segment("account_sid", "a/b")
                .unwrap_err()
                .to_string(),
            "invalid account_sid: expected letters, digits, `_`, `-` or `.`, but got `/`"
        );
        assert!(check_path_segment("account_sid", "..").is_err());
    }

    #[test]
    fn request_debug_hides_authorization() {
        let account = Account::new(
            "acme",
            Credentials::new("KEY123", "TOKEN456").unwrap(),
            ApiBase::region(Region::Singapore),
        )
        .unwrap();
        let request = HttpRequest {
            method: Method::Get,
            url: account.resource_url(&["Calls"]),
            headers: account.headers(false),
            body: None,
        };
        let printed = format!("{request:?}");
        assert!(printed.contains("<redacted>"));
        assert!(!account.credentials().appear_in(&printed));
        assert!(!printed.contains("S0VZMTIz"));
    }
}
