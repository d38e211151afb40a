//! The lead context of `POST /api/calls`: what the visitor told the business besides the
//! number (a name, a note), where they came from (the page, the referrer, UTM parameters) and
//! what they agreed to. All optional; each field is checked on its own and a refusal names it,
//! because a form that asks for a name must be able to point at the name.
//!
//! Pure, so the fuzz target reading request bodies runs exactly what a request runs.

use crate::error::ApiError;
use crate::json::{Object, Value};
use exotel_connect::wire::form::Form;

/// Longest name, in characters (what a person's name plausibly needs, and what fits a
/// dashboard row and Exotel's `CustomField`).
pub const MAX_NAME: usize = 80;
/// Longest note, in characters.
pub const MAX_NOTE: usize = 500;
/// Longest page or referrer URL, in characters (what browsers reliably send in `Referer`).
pub const MAX_URL: usize = 2_000;
/// Longest UTM value, in characters.
pub const MAX_UTM: usize = 100;
/// Longest consent wording, in characters.
pub const MAX_CONSENT: usize = 1_000;
/// Exotel's documented limit on `CustomField`, in characters.
pub const MAX_CUSTOM_FIELD: usize = 128;

/// The lead context of one request; every part optional.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Lead {
    /// `name`: who to ask for.
    pub name: Option<String>,
    /// `note`: what the visitor wants to talk about; may span lines.
    pub note: Option<String>,
    /// `page`: the URL the visitor was on.
    pub page: Option<String>,
    /// `referrer`: the page that sent them there.
    pub referrer: Option<String>,
    /// `utm`: the campaign they came from.
    pub utm: Utm,
    /// `consent`: what the visitor agreed to.
    pub consent: Option<Consent>,
}

/// UTM parameters, each optional.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Utm {
    /// `utm_source`.
    pub source: Option<String>,
    /// `utm_medium`.
    pub medium: Option<String>,
    /// `utm_campaign`.
    pub campaign: Option<String>,
    /// `utm_term`.
    pub term: Option<String>,
    /// `utm_content`.
    pub content: Option<String>,
}

/// What the visitor agreed to, stored with the call as it was shown to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// Whether they ticked it.
    pub given: bool,
    /// The wording they saw.
    pub text: Option<String>,
}

/// How much of a line a text field may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lines {
    One,
    /// Line feeds kept (a note typed in a text area); CR LF is read as LF.
    Many,
}

impl Lead {
    /// Reads the lead fields of a request body's object; unknown fields (and unknown members
    /// of `utm` and `consent`) are ignored, like every unknown field of the body.
    pub fn read(fields: &Value<'_>) -> Result<Lead, ApiError> {
        let utm = match fields.get("utm") {
            None | Some(Value::Null) => Utm::default(),
            Some(utm @ Value::Object(_)) => {
                let read =
                    |name: &str| text(utm.get(name), &format!("utm.{name}"), MAX_UTM, Lines::One);
                Utm {
                    source: read("source")?,
                    medium: read("medium")?,
                    campaign: read("campaign")?,
                    term: read("term")?,
                    content: read("content")?,
                }
            }
            Some(other) => {
                return Err(ApiError::invalid_field(
                    "utm",
                    format!(
                        "expected an object like {{\"source\": \"google\"}}, but got {}",
                        kind(other)
                    ),
                ))
            }
        };
        let consent = match fields.get("consent") {
            None | Some(Value::Null) => None,
            Some(consent @ Value::Object(_)) => {
                let given = match consent.get("given") {
                    Some(Value::Bool(given)) => *given,
                    None | Some(Value::Null) => {
                        return Err(ApiError::invalid_field(
                            "consent.given",
                            "expected true or false, but got nothing",
                        ))
                    }
                    Some(other) => {
                        return Err(ApiError::invalid_field(
                            "consent.given",
                            format!("expected true or false, but got {}", kind(other)),
                        ))
                    }
                };
                let text = text(
                    consent.get("text"),
                    "consent.text",
                    MAX_CONSENT,
                    Lines::Many,
                )?;
                Some(Consent { given, text })
            }
            Some(other) => {
                return Err(ApiError::invalid_field(
                    "consent",
                    format!(
                    "expected an object like {{\"given\": true, \"text\": \"...\"}}, but got {}",
                    kind(other)
                ),
                ))
            }
        };
        Ok(Lead {
            name: text(fields.get("name"), "name", MAX_NAME, Lines::One)?,
            note: text(fields.get("note"), "note", MAX_NOTE, Lines::Many)?,
            page: url(fields.get("page"), "page")?,
            referrer: url(fields.get("referrer"), "referrer")?,
            utm,
            consent,
        })
    }

    /// Everything but the name, as stored in the `lead` column (JSON with only the members
    /// that were sent); `None` when there is nothing.
    pub fn context_json(&self) -> Option<String> {
        let mut stored = Object::new()
            .optional_string("note", self.note.as_deref())
            .optional_string("page", self.page.as_deref())
            .optional_string("referrer", self.referrer.as_deref());
        let utm = &self.utm;
        let utm = Object::new()
            .optional_string("source", utm.source.as_deref())
            .optional_string("medium", utm.medium.as_deref())
            .optional_string("campaign", utm.campaign.as_deref())
            .optional_string("term", utm.term.as_deref())
            .optional_string("content", utm.content.as_deref());
        if !utm.is_empty() {
            stored = stored.raw("utm", &utm.finish());
        }
        if let Some(consent) = &self.consent {
            let consent = Object::new()
                .boolean("given", consent.given)
                .optional_string("text", consent.text.as_deref())
                .finish();
            stored = stored.raw("consent", &consent);
        }
        (!stored.is_empty()).then(|| stored.finish())
    }
}

/// Exotel's `CustomField` for a call: `call=<id>`, and `&name=<name>` when one was given,
/// form-encoded (so a flow's Passthru URL or a CRM reads it with any query-string parser) and
/// within [`MAX_CUSTOM_FIELD`]. A name too long for it is cut after its last whole word that
/// fits, or, for one long word, before a character that does not start a letter (so a Hindi
/// name never loses a vowel sign to the cut).
pub fn custom_field(call_id: &str, name: Option<&str>) -> String {
    let encode = |name: Option<&str>| {
        let mut form = Form::new();
        form.field("call", call_id).optional("name", name);
        form.finish()
    };
    let Some(name) = name else {
        return encode(None);
    };
    let whole = encode(Some(name));
    if whole.len() <= MAX_CUSTOM_FIELD {
        return whole;
    }
    let fits = |end: usize| encode(Some(&name[..end])).len() <= MAX_CUSTOM_FIELD;
    let words = name
        .char_indices()
        .rev()
        .filter(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .find(|&i| i > 0 && fits(i));
    let letters = || {
        name.char_indices()
            .rev()
            .find(|&(i, c)| i > 0 && !continues_letter(c) && fits(i))
            .map(|(i, _)| i)
    };
    match words.or_else(letters) {
        Some(end) => encode(Some(name[..end].trim_end())),
        None => encode(None),
    }
}

/// Whether `c` belongs to the letter before it: a combining mark (Latin accents, and the
/// vowel signs, viramas and other marks of the Indian scripts), or a joiner.
fn continues_letter(c: char) -> bool {
    let c = u32::from(c);
    let indic_mark = (0x0900..=0x0DFF).contains(&c) && {
        // In each 128-character Indic block, the marks sit at these offsets.
        let offset = c & 0x7F;
        matches!(offset, 0x00..=0x03 | 0x3A..=0x3C | 0x3E..=0x4F | 0x51..=0x57 | 0x62..=0x63)
    };
    indic_mark || (0x0300..=0x036F).contains(&c) || c == 0x200C || c == 0x200D
}

/// A text field: absent, `null` and blank are nothing; otherwise a string of at most `max`
/// characters (after trimming), with no control characters (line feeds only in [`Lines::Many`])
/// and none of the invisible characters that reorder or hide text on the operator's screen.
fn text(
    value: Option<&Value<'_>>,
    field: &str,
    max: usize,
    lines: Lines,
) -> Result<Option<String>, ApiError> {
    let raw = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Text(raw)) => raw,
        Some(other) => {
            return Err(ApiError::invalid_field(
                field,
                format!("expected a string, but got {}", kind(other)),
            ))
        }
    };
    let text = match lines {
        Lines::One => raw.trim().to_owned(),
        Lines::Many => raw.trim().replace("\r\n", "\n"),
    };
    if text.is_empty() {
        return Ok(None);
    }
    let length = text.chars().count();
    if length > max {
        return Err(ApiError::invalid_field(
            field,
            format!("expected at most {max} characters, but got {length}"),
        ));
    }
    if let Some(c) = text
        .chars()
        .find(|&c| !(lines == Lines::Many && c == '\n') && hidden_or_control(c))
    {
        return Err(ApiError::invalid_field(
            field,
            format!(
                "expected no control characters, but got U+{:04X}",
                u32::from(c)
            ),
        ));
    }
    Ok(Some(text))
}

/// A page URL: a text field that must be an absolute `http(s)` URL with no spaces.
fn url(value: Option<&Value<'_>>, field: &str) -> Result<Option<String>, ApiError> {
    let Some(url) = text(value, field, MAX_URL, Lines::One)? else {
        return Ok(None);
    };
    let scheme_ok = ["http://", "https://"].iter().any(|scheme| {
        url.get(..scheme.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
    });
    if !scheme_ok || url.chars().any(char::is_whitespace) {
        return Err(ApiError::invalid_field(
            field,
            "expected an http(s) URL like https://example.com/pricing",
        ));
    }
    Ok(Some(url))
}

/// Control characters, line and paragraph separators, and the bidirectional overrides and
/// isolates that can make a dashboard row read differently from what was stored.
fn hidden_or_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// How a JSON value is named in a refusal: `a number`, `an object`...
pub(crate) fn kind(value: &Value<'_>) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::Text(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Result<Lead, ApiError> {
        let fields = crate::json::read_json(body).expect("test bodies are JSON");
        assert!(
            matches!(fields, Value::Object(_)),
            "test bodies are objects"
        );
        Lead::read(&fields)
    }

    fn refused_field(body: &str) -> String {
        let error = read(body).expect_err(body);
        assert_eq!(error.code(), "invalid_field", "{body}");
        error.field().expect("names its field").to_owned()
    }

    #[test]
    fn reads_every_field_and_stores_all_but_the_name() {
        let lead = read(
            r#"{"phone": "x", "name": " Priya Sharma ", "note": "About pricing\r\nafter 5 pm",
                "page": "https://shop.example/pricing?x=1", "referrer": "https://www.google.com/",
                "utm": {"source": "google", "campaign": "diwali", "other": 1},
                "consent": {"given": true, "text": "You may call me about my enquiry."},
                "unknown": [1, 2]}"#,
        )
        .unwrap();
        assert_eq!(lead.name.as_deref(), Some("Priya Sharma"));
        assert_eq!(lead.note.as_deref(), Some("About pricing\nafter 5 pm"));
        assert_eq!(lead.utm.source.as_deref(), Some("google"));
        assert_eq!(lead.utm.medium, None);
        let stored: serde_json::Value =
            serde_json::from_str(&lead.context_json().unwrap()).unwrap();
        assert_eq!(
            stored,
            serde_json::json!({
                "note": "About pricing\nafter 5 pm",
                "page": "https://shop.example/pricing?x=1",
                "referrer": "https://www.google.com/",
                "utm": {"source": "google", "campaign": "diwali"},
                "consent": {"given": true, "text": "You may call me about my enquiry."}
            })
        );
    }

    #[test]
    fn nothing_sent_is_nothing_stored() {
        for body in [
            r#"{"phone": "x"}"#,
            r#"{"name": null, "note": "  ", "utm": {}, "page": "", "consent": null}"#,
        ] {
            let lead = read(body).unwrap();
            assert_eq!(lead, Lead::default(), "{body}");
            assert_eq!(lead.context_json(), None);
        }
        let named = read(r#"{"name": "Ravi"}"#).unwrap();
        assert_eq!(named.context_json(), None, "the name has its own column");
    }

    #[test]
    fn each_refusal_names_its_field() {
        let long = |n: usize| "अ".repeat(n);
        let cases = [
            (format!(r#"{{"name": "{}"}}"#, long(81)), "name"),
            (format!(r#"{{"note": "{}"}}"#, long(501)), "note"),
            (r#"{"name": 42}"#.to_owned(), "name"),
            (r#"{"name": "Ravi\nKumar"}"#.to_owned(), "name"),
            (r#"{"note": "ok\u0000"}"#.to_owned(), "note"),
            (r#"{"name": "evil\u202Egnp.exe"}"#.to_owned(), "name"),
            (r#"{"page": "javascript:alert(1)"}"#.to_owned(), "page"),
            (
                r#"{"referrer": "https://a.example/x y"}"#.to_owned(),
                "referrer",
            ),
            (r#"{"page": ["https://a.example"]}"#.to_owned(), "page"),
            (r#"{"utm": "google"}"#.to_owned(), "utm"),
            (
                format!(r#"{{"utm": {{"campaign": "{}"}}}}"#, long(101)),
                "utm.campaign",
            ),
            (r#"{"utm": {"term": 5}}"#.to_owned(), "utm.term"),
            (r#"{"consent": true}"#.to_owned(), "consent"),
            (r#"{"consent": {"text": "hi"}}"#.to_owned(), "consent.given"),
            (
                r#"{"consent": {"given": "yes"}}"#.to_owned(),
                "consent.given",
            ),
            (
                format!(
                    r#"{{"consent": {{"given": true, "text": "{}"}}}}"#,
                    long(1001)
                ),
                "consent.text",
            ),
        ];
        for (body, field) in cases {
            assert_eq!(refused_field(&body), field, "{body}");
        }
        // Exactly at the limits is fine, counted in characters, not bytes.
        assert!(read(&format!(r#"{{"name": "{}"}}"#, long(80))).is_ok());
        assert!(read(&format!(r#"{{"note": "{}"}}"#, long(500))).is_ok());
    }

    #[test]
    fn refusals_say_what_was_expected_and_got() {
        let error = read(r#"{"utm": {"source": 1}}"#).unwrap_err();
        assert_eq!(
            error.message(),
            "utm.source: expected a string, but got a number"
        );
        let error = read(&format!(r#"{{"name": "{}"}}"#, "a".repeat(90))).unwrap_err();
        assert_eq!(
            error.message(),
            "name: expected at most 80 characters, but got 90"
        );
    }

    #[test]
    fn custom_field_carries_the_id_and_as_much_of_the_name_as_fits() {
        let id = "AAAAAAAAAAAAAAAAAAAAAA";
        assert_eq!(custom_field(id, None), format!("call={id}"));
        assert_eq!(
            custom_field(id, Some("Priya Sharma")),
            format!("call={id}&name=Priya+Sharma")
        );
        let sent = |field: &str| {
            exotel_connect::wire::form::pairs(field)
                .into_iter()
                .find(|(k, _)| k == "name")
                .map(|(_, v)| v)
        };
        // Devanagari is 9 encoded characters a letter: cut after the last whole word.
        let long = custom_field(id, Some("प्रिया शर्मा प्रिया शर्मा"));
        assert!(long.len() <= MAX_CUSTOM_FIELD, "{}", long.len());
        assert_eq!(sent(&long).as_deref(), Some("प्रिया"));
        // One long word: never cut between a consonant and its vowel sign or virama.
        let word = "प्रियाशर्मा".repeat(4);
        let cut = sent(&custom_field(id, Some(&word))).unwrap();
        assert!(word.starts_with(&cut) && !cut.is_empty());
        let next = word[cut.len()..].chars().next().unwrap();
        assert!(!continues_letter(next), "cut before {next:?}");
        let latin = custom_field(id, Some(&"x".repeat(200)));
        assert_eq!(latin.len(), MAX_CUSTOM_FIELD);
    }
}
