//! The pure parts of the operator's list: the categories calls are filtered and charted by, the
//! query string's filters, and the CSV export. No I/O, so all of it is unit-tested natively.

use crate::hours::schedule::Date;

/// What became of an attempt, as the operator filters and charts it. Every `(status, outcome)`
/// falls in exactly one; [`CATEGORY_SQL`] is the same mapping for SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// The visitor picked up (`completed`).
    Answered,
    /// Rang, nobody answered (`busy`, `no-answer`).
    Missed,
    /// Not connected: refused, Exotel unreachable, outcome never learned, the number's limit,
    /// or a call Exotel itself canceled.
    Failed,
    /// Waiting for its time.
    Scheduled,
    /// Placed and not over yet (`queued`, `ringing`, `in-progress`).
    InProgress,
    /// Canceled by the visitor before its time.
    Canceled,
}

/// [`Category::of`] as a SQL expression over `calls.status` and `calls.outcome`.
pub const CATEGORY_SQL: &str = "CASE WHEN status = 'completed' THEN 'answered' \
     WHEN status IN ('busy', 'no-answer') THEN 'missed' \
     WHEN status = 'scheduled' THEN 'scheduled' \
     WHEN status IN ('queued', 'ringing', 'in-progress') THEN 'in-progress' \
     WHEN outcome = 'canceled' THEN 'canceled' \
     ELSE 'failed' END";

impl Category {
    /// Every category, in the order the chart stacks them.
    pub const ALL: [Category; 6] = [
        Category::Answered,
        Category::Missed,
        Category::Failed,
        Category::Scheduled,
        Category::InProgress,
        Category::Canceled,
    ];

    /// The wire name (`in-progress`).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Answered => "answered",
            Category::Missed => "missed",
            Category::Failed => "failed",
            Category::Scheduled => "scheduled",
            Category::InProgress => "in-progress",
            Category::Canceled => "canceled",
        }
    }

    /// From the wire name.
    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// The category of a stored status and outcome (their stored texts).
    pub fn of(status: &str, outcome: &str) -> Category {
        match status {
            "completed" => Category::Answered,
            "busy" | "no-answer" => Category::Missed,
            "scheduled" => Category::Scheduled,
            "queued" | "ringing" | "in-progress" => Category::InProgress,
            _ if outcome == "canceled" => Category::Canceled,
            _ => Category::Failed,
        }
    }

    /// Whether "Call back now" is offered: only after a call that did not reach the visitor.
    pub fn can_call_back(self) -> bool {
        matches!(self, Category::Missed | Category::Failed)
    }
}

/// What `q=` searches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// The number's last digits (spaces, dashes and a leading `+` ignored).
    Digits(String),
    /// Part of the visitor's name.
    Name(String),
}

/// The list's filters, from the query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filters {
    /// `status=`: one category.
    pub category: Option<Category>,
    /// `from=`: the first local date shown.
    pub from: Option<Date>,
    /// `to=`: the last local date shown (inclusive).
    pub to: Option<Date>,
    /// `q=`.
    pub search: Option<Search>,
    /// `limit=` (1 to [`MAX_LIMIT`], default [`DEFAULT_LIMIT`]).
    pub limit: u32,
    /// `offset=`: calls to skip, for the next page.
    pub offset: u32,
}

/// Calls on a page when `limit=` is not given.
pub const DEFAULT_LIMIT: u32 = 50;
/// The most `limit=` may ask for.
pub const MAX_LIMIT: u32 = 200;
/// The longest `q=` taken.
const MAX_SEARCH_CHARS: usize = 100;
/// The most rows one CSV export holds.
pub const MAX_EXPORT_ROWS: u32 = 5_000;

/// Reads the filters from a raw query string (`status=missed&from=2026-12-01&q=3210`).
/// Unknown parameters are ignored; a bad value is an error naming the parameter.
pub fn parse_filters(query: &str) -> Result<Filters, String> {
    let mut filters = Filters {
        category: None,
        from: None,
        to: None,
        search: None,
        limit: DEFAULT_LIMIT,
        offset: 0,
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value)
            .ok_or_else(|| format!("expected ?{name}= to be percent-encoded UTF-8"))?;
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match name {
            "status" => {
                filters.category = Some(Category::parse(value).ok_or_else(|| {
                    format!(
                        "expected ?status= to be one of answered, missed, failed, scheduled, in-progress, canceled, but got `{}`",
                        clip(value)
                    )
                })?)
            }
            "from" | "to" => {
                let date = Date::parse(value).ok_or_else(|| {
                    format!(
                        "expected ?{name}= to be a date like 2026-12-01, but got `{}`",
                        clip(value)
                    )
                })?;
                if name == "from" {
                    filters.from = Some(date);
                } else {
                    filters.to = Some(date);
                }
            }
            "q" => filters.search = Some(search(value)),
            "limit" => {
                filters.limit = value
                    .parse::<u32>()
                    .map_err(|_| "expected ?limit= to be a whole number".to_owned())?
                    .clamp(1, MAX_LIMIT)
            }
            "offset" => {
                filters.offset = value
                    .parse::<u32>()
                    .map_err(|_| "expected ?offset= to be a whole number".to_owned())?
            }
            _ => {}
        }
    }
    if let (Some(from), Some(to)) = (filters.from, filters.to) {
        if to.days() < from.days() {
            return Err(format!(
                "expected ?to= on or after ?from=, but {to} is before {from}"
            ));
        }
    }
    Ok(filters)
}

/// A value quoted back in an error, cut short so an error never echoes a long input.
fn clip(value: &str) -> String {
    value.chars().take(40).collect()
}

fn search(value: &str) -> Search {
    let value: String = value.chars().take(MAX_SEARCH_CHARS).collect();
    let digits: String = value.chars().filter(|c| c.is_ascii_digit()).collect();
    let only_number = value
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')'));
    if !digits.is_empty() && only_number {
        Search::Digits(digits)
    } else {
        Search::Name(value)
    }
}

/// `application/x-www-form-urlencoded` decoding of one value (`+` is a space); `None` when the
/// bytes are not UTF-8 or an escape is broken.
pub fn percent_decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// `%` and `_` are LIKE's wildcards; a name may contain them, so they are escaped with `\`.
pub fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled.
/// A field a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
/// leading `'`, so a visitor's name can never run in the operator's spreadsheet.
pub fn csv_field(value: &str, out: &mut String) {
    let neutral;
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        neutral = format!("'{value}");
        neutral.as_str()
    } else {
        value
    };
    if value.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// One CSV record of `fields`, CRLF-terminated.
pub fn csv_record<S: AsRef<str>>(fields: &[S], out: &mut String) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(field.as_ref(), out);
    }
    out.push_str("\r\n");
}

/// The byte-order mark a CSV starts with, so spreadsheets read it as UTF-8 (Devanagari names).
pub const UTF8_BOM: &str = "\u{feff}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_round_trip_and_cover_every_status() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        assert_eq!(Category::of("completed", "placed"), Category::Answered);
        assert_eq!(Category::of("no-answer", "placed"), Category::Missed);
        assert_eq!(Category::of("busy", "placed"), Category::Missed);
        assert_eq!(Category::of("failed", "exotel_rejected"), Category::Failed);
        assert_eq!(
            Category::of("unknown", "upstream_unavailable"),
            Category::Failed
        );
        assert_eq!(Category::of("failed", "rate_limited"), Category::Failed);
        assert_eq!(Category::of("canceled", "canceled"), Category::Canceled);
        assert_eq!(Category::of("canceled", "placed"), Category::Failed);
        assert_eq!(Category::of("scheduled", "scheduled"), Category::Scheduled);
        assert_eq!(Category::of("ringing", "placed"), Category::InProgress);
        assert!(Category::Missed.can_call_back() && Category::Failed.can_call_back());
        assert!(!Category::Answered.can_call_back() && !Category::Scheduled.can_call_back());
    }

    #[test]
    fn filters_read_every_parameter() {
        let f = parse_filters(
            "status=missed&from=2026-12-01&to=2026-12-02&q=%2B91+98765&limit=500&offset=50&x=1",
        )
        .unwrap();
        assert_eq!(f.category, Some(Category::Missed));
        assert_eq!(f.from.unwrap().to_string(), "2026-12-01");
        assert_eq!(f.to.unwrap().to_string(), "2026-12-02");
        assert_eq!(f.search, Some(Search::Digits("9198765".into())));
        assert_eq!((f.limit, f.offset), (MAX_LIMIT, 50));
        let hindi =
            parse_filters("q=%E0%A4%AA%E0%A5%8D%E0%A4%B0%E0%A4%BF%E0%A4%AF%E0%A4%BE").unwrap();
        assert_eq!(hindi.search, Some(Search::Name("प्रिया".into())));
        assert_eq!(
            parse_filters("q=Ann+2").unwrap().search,
            Some(Search::Name("Ann 2".into()))
        );
        assert_eq!(parse_filters("").unwrap().limit, DEFAULT_LIMIT);
    }

    #[test]
    fn bad_filters_name_the_parameter() {
        assert_eq!(
            parse_filters("status=lost").unwrap_err(),
            "expected ?status= to be one of answered, missed, failed, scheduled, in-progress, canceled, but got `lost`"
        );
        assert_eq!(
            parse_filters("from=yesterday").unwrap_err(),
            "expected ?from= to be a date like 2026-12-01, but got `yesterday`"
        );
        assert_eq!(
            parse_filters("from=2026-12-02&to=2026-12-01").unwrap_err(),
            "expected ?to= on or after ?from=, but 2026-12-01 is before 2026-12-02"
        );
        assert_eq!(
            parse_filters("limit=lots").unwrap_err(),
            "expected ?limit= to be a whole number"
        );
        assert!(parse_filters("q=%FF").is_err());
        assert!(parse_filters("q=%4").is_err());
    }

    #[test]
    fn csv_quotes_and_neutralises_formulas() {
        let mut out = String::new();
        csv_record(
            &[
                "plain",
                "a,b",
                "say \"hi\"",
                "two\nlines",
                "=1+2",
                "-3",
                "@x",
                "प्रिया",
            ],
            &mut out,
        );
        assert_eq!(
            out,
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",'=1+2,'-3,'@x,प्रिया\r\n"
        );
        let mut out = String::new();
        csv_field("=HYPERLINK(\"http://x\",\"y\")", &mut out);
        assert_eq!(out, "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_escape("50%_off\\"), "50\\%\\_off\\\\");
    }
}
