//! HTTP helpers every handler shares: JSON responses, bounded request bodies, and origins.

use futures_util::StreamExt;
use worker::Response;

use crate::request::Request;

use crate::guard::api_headers;
use crate::json::ToJson;

/// A JSON response that is never cached (statuses change from one poll to the next).
pub fn json(status: u16, body: &impl ToJson) -> worker::Result<Response> {
    json_text(status, body.to_json())
}

/// [`json`] for a body already written as JSON text.
pub fn json_text(status: u16, body: String) -> worker::Result<Response> {
    let mut response = Response::from_bytes(body.into_bytes())?.with_status(status);
    let headers = response.headers_mut();
    headers.set("Content-Type", "application/json; charset=utf-8")?;
    api_headers(headers)?;
    Ok(response)
}

/// Why a request body was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Over this many bytes, by `Content-Length` or by the bytes sent.
    TooLarge(usize),
    /// The stream broke.
    Unreadable,
}

/// How far past the limit a refused body is still read, and thrown away, before the refusal
/// goes out. Most clients send their whole body before they read the answer: refused with the
/// body unread, they met a reset connection instead of the 413, and a connection kept open in
/// front of the Worker was left mid-body for its next request. A body further over is refused
/// unread.
const DRAINED_PAST_LIMIT: usize = 64 * 1024;

/// Reads the body, refusing a `Content-Length` over `max`, and a body sent without one
/// (chunked) as soon as it grows past `max` bytes. A refused body at most
/// [`DRAINED_PAST_LIMIT`] bytes over is read to its end first, and dropped.
///
/// With a `Content-Length` the body is read whole, in one step: HTTP's framing ends it at the
/// declared length, so it cannot outgrow `max`; it is measured again all the same. A chunked
/// body is read chunk by chunk, which costs a stream reader and a round through the runtime
/// per chunk.
pub async fn read_body(req: &mut Request, max: usize) -> Result<Vec<u8>, BodyError> {
    let declared = req
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|n| n.trim().parse::<u64>().ok());
    match declared {
        Some(length) if length > max as u64 => {
            if length <= max.saturating_add(DRAINED_PAST_LIMIT) as u64 {
                let _ = req.bytes().await;
            }
            Err(BodyError::TooLarge(max))
        }
        Some(_) => {
            let body = req.bytes().await.map_err(|_| BodyError::Unreadable)?;
            if body.len() > max {
                return Err(BodyError::TooLarge(max));
            }
            Ok(body)
        }
        None => read_chunks(req, max).await,
    }
}

async fn read_chunks(req: &mut Request, max: usize) -> Result<Vec<u8>, BodyError> {
    let Ok(mut stream) = req.stream() else {
        // No body at all.
        return Ok(Vec::new());
    };
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| BodyError::Unreadable)?;
        if body.len() + chunk.len() > max {
            let mut read = body.len() + chunk.len();
            drop(body);
            while read <= max.saturating_add(DRAINED_PAST_LIMIT) {
                match stream.next().await {
                    Some(Ok(chunk)) => read += chunk.len(),
                    _ => break,
                }
            }
            return Err(BodyError::TooLarge(max));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Where the authority (`host[:port]`) of a URL the runtime serialized (so it is well-formed)
/// starts and ends. URLs are sliced rather than parsed: the `url` crate would add ~100 KB of
/// wasm. Both indexes come from searches for ASCII, so they are char boundaries.
fn authority(url: &str) -> (usize, usize) {
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = find_any(&url[start..], b"/?#").map_or(url.len(), |i| start + i);
    (start, end)
}

/// Where the first of the ASCII `bytes` is in `text`: a plain byte loop (a char pattern walks
/// characters through a searcher, a visible cost on every request), and a char boundary, as
/// every ASCII byte is.
fn find_any(text: &str, bytes: &[u8]) -> Option<usize> {
    text.bytes().position(|b| bytes.contains(&b))
}

/// `scheme://host[:port]` of a URL the runtime serialized.
pub fn origin(url: &str) -> String {
    url[..authority(url).1].to_owned()
}

/// The host of an origin or URL, without scheme, port or path: what Turnstile reports as the
/// page's `hostname`.
pub fn host(url: &str) -> &str {
    let (start, end) = authority(url);
    let authority = &url[start..end];
    match authority.rsplit_once(':') {
        // An IPv6 literal keeps its colons: `[::1]:8787`.
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// The path of a URL the runtime serialized, without query or fragment (which the serializer
/// percent-encodes within the path), or `/` when it has none.
pub fn path(url: &str) -> &str {
    let rest = &url[authority(url).1..];
    if !rest.starts_with('/') {
        return "/";
    }
    &rest[..find_any(rest, b"?#").unwrap_or(rest.len())]
}

/// The query string of a URL the runtime serialized, without `?` or fragment; empty when it has
/// none.
pub fn query(url: &str) -> &str {
    url.split_once('?')
        .map_or("", |(_, q)| q.split('#').next().unwrap_or(""))
}

/// The client's address as the platform gives it (`CF-Connecting-IP`).
pub fn client_address(req: &Request) -> worker::Result<Option<String>> {
    req.headers().get("CF-Connecting-IP")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_end_before_the_query_and_fragment() {
        for (url, expected) in [
            ("https://example.com/api/calls", "/api/calls"),
            ("https://example.com/api/calls/abc?x=1", "/api/calls/abc"),
            ("https://example.com/a%3Fb#frag", "/a%3Fb"),
            ("https://example.com", "/"),
            ("https://example.com?x=/y", "/"),
            ("https://example.com#/y", "/"),
            ("http://127.0.0.1:8787/", "/"),
            ("/relative/path?q", "/relative/path"),
        ] {
            assert_eq!(path(url), expected, "{url}");
        }
    }

    #[test]
    fn queries_start_after_the_question_mark_and_end_before_the_fragment() {
        for (url, expected) in [
            (
                "https://example.com/api/admin/calls?status=busy&q=9876",
                "status=busy&q=9876",
            ),
            (
                "https://example.com/api/admin/calls?status=busy#top",
                "status=busy",
            ),
            ("https://example.com/api/admin/calls", ""),
            ("https://example.com/api/admin/calls?", ""),
        ] {
            assert_eq!(query(url), expected, "{url}");
        }
    }

    #[test]
    fn origin_keeps_scheme_host_and_port() {
        assert_eq!(
            origin("http://127.0.0.1:8787/api/calls"),
            "http://127.0.0.1:8787"
        );
        assert_eq!(
            origin("https://call.example.com/api/calls?x=1"),
            "https://call.example.com"
        );
        assert_eq!(
            origin("https://call.example.com"),
            "https://call.example.com"
        );
    }

    #[test]
    fn hosts_lose_scheme_port_and_path() {
        assert_eq!(host("http://127.0.0.1:8787/api/calls"), "127.0.0.1");
        assert_eq!(host("https://call.example.com"), "call.example.com");
        assert_eq!(host("http://[::1]:8787/"), "[::1]");
        assert_eq!(host("shop.example"), "shop.example");
    }
}
