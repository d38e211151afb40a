//! The body of `POST /api/calls`, read and its number normalized. Pure, so the fuzz target
//! `worker_create_body` (fuzz/) runs exactly what a request runs.

use crate::error::ApiError;
use crate::json::{read_bytes, Value};
use crate::lead::{kind, Lead};
use exotel_connect::{Country, PhoneError, PhoneNumber};

/// The body of `POST /api/calls`; unknown fields are ignored.
#[derive(Debug, PartialEq, Eq)]
pub struct CreateCall {
    /// The number as typed.
    pub phone: String,
    /// `country`, an ISO code for numbers typed without a country code.
    pub country: Option<String>,
    /// `turnstileToken`, when the page rendered Turnstile.
    pub turnstile_token: Option<String>,
    /// `at`: the time the visitor chose (RFC 3339 with an offset), as sent.
    pub at: Option<String>,
    /// Who asked, from where, and what they agreed to.
    pub lead: Lead,
}

impl CreateCall {
    /// Reads the JSON body; each refusal names what was wrong.
    pub fn parse(body: &[u8]) -> Result<CreateCall, ApiError> {
        let fields = read_bytes(body).ok_or_else(|| {
            ApiError::invalid_request(
                "expected a JSON body like {\"phone\": \"98765 43210\"}, but got something else",
            )
        })?;
        if !matches!(fields, Value::Object(_)) {
            return Err(ApiError::invalid_request(format!(
                "expected a JSON object, but got {}",
                kind(&fields)
            )));
        }
        let phone = match fields.get("phone") {
            Some(Value::Text(phone)) => phone.to_string(),
            None | Some(Value::Null) => {
                return Err(ApiError::invalid_request(
                    "expected a `phone` field, but got none",
                ))
            }
            Some(other) => {
                return Err(ApiError::invalid_request(format!(
                    "expected `phone` to be a string, but got {}",
                    kind(other)
                )))
            }
        };
        let country = match fields.get("country") {
            None | Some(Value::Null) => None,
            Some(Value::Text(code)) => Some(code.to_string()),
            Some(other) => {
                return Err(ApiError::invalid_request(format!(
                    "expected `country` to be a string like \"IN\", but got {}",
                    kind(other)
                )))
            }
        };
        let turnstile_token = match fields.get("turnstileToken") {
            Some(Value::Text(token)) => Some(token.to_string()),
            _ => None,
        };
        let at = match fields.get("at") {
            None | Some(Value::Null) => None,
            Some(Value::Text(at)) => Some(at.to_string()),
            Some(other) => {
                return Err(ApiError::invalid_request(format!(
                    "expected `at` to be a time like \"2026-12-03T10:30:00+05:30\", but got {}",
                    kind(other)
                )))
            }
        };
        let lead = Lead::read(&fields)?;
        Ok(CreateCall {
            phone,
            country,
            turnstile_token,
            at,
            lead,
        })
    }
}

/// The body of `POST /api/calls` read and its number normalized. Pure, so the fuzz target
/// `worker_create_body` (fuzz/) runs exactly what a request runs.
pub fn read_input(
    body: &[u8],
    default_country: Country,
) -> Result<(CreateCall, PhoneNumber), ApiError> {
    let input = CreateCall::parse(body)?;
    let country = match &input.country {
        Some(code) => Country::from_iso(code)
            .map_err(|e| ApiError::invalid_request(format!("country: {e}")))?,
        None => default_country,
    };
    refuse_line_breaks(&input.phone)?;
    let phone = PhoneNumber::parse(&input.phone, country)
        .map_err(|e| ApiError::invalid_phone(phone_message(&e)))?;
    Ok((input, phone))
}

/// [`read_input`] for the fuzz target `worker_create_body` and its replay test: the number, or
/// the refusal as it would be answered (`{:?}` of the [`ApiError`]).
#[cfg(any(fuzzing, test))]
#[doc(hidden)]
pub fn fuzz_create_body(body: &[u8], default_country: Country) -> Result<PhoneNumber, String> {
    read_input(body, default_country)
        .map(|(_, phone)| phone)
        .map_err(|e| format!("{e:?}"))
}

/// Why a number was refused, in words safe to show: the core's message, except that the
/// digits it quotes for a number that breaks its country's rules are left out (no response
/// carries a phone number, not even the visitor's own).
fn phone_message(error: &PhoneError) -> String {
    match error {
        PhoneError::InvalidForCountry {
            country,
            calling_code,
            expected,
            got,
        } => format!(
            "expected {expected} after +{calling_code} for {country}, but got {} digits",
            got.len()
        ),
        other => other.to_string(),
    }
}

/// Refuses control characters (CR, LF, tab, NUL, ESC...) and the Unicode line separators inside
/// a number. The core's parser skips every kind of whitespace as formatting, CR and LF
/// included; in a one-line form field they are not formatting but an attempt at header or log
/// injection, so they are refused like any other stray character (a trailing newline from a
/// paste is trimmed first).
fn refuse_line_breaks(phone: &str) -> Result<(), ApiError> {
    match phone
        .trim()
        .chars()
        .find(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        Some(c) => Err(ApiError::invalid_phone(phone_message(
            &PhoneError::InvalidCharacter(c),
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(body: &str) -> &'static str {
        CreateCall::parse(body.as_bytes()).unwrap_err().code()
    }

    #[test]
    fn parses_the_create_body() {
        assert_eq!(
            CreateCall::parse(br#"{"phone": "98765 43210", "extra": 1}"#).unwrap(),
            CreateCall {
                phone: "98765 43210".into(),
                country: None,
                turnstile_token: None,
                at: None,
                lead: Lead::default(),
            }
        );
        assert_eq!(
            CreateCall::parse(br#"{"phone": "+1 415 555 2671", "country": "US"}"#)
                .unwrap()
                .country
                .as_deref(),
            Some("US")
        );
        for bad in [
            "",
            "not json",
            "[]",
            "\"x\"",
            "{}",
            r#"{"phone": 98765}"#,
            r#"{"phone": "1", "country": 91}"#,
            r#"{"phone": "1", "at": 1764732600}"#,
        ] {
            assert_eq!(code(bad), "invalid_request", "{bad}");
        }
    }

    #[test]
    fn line_breaks_in_a_number_are_refused() {
        for bad in [
            "98765\r\n43210",
            "98765\n43210",
            "98765\t43210",
            "9876\u{0}543210",
            "98765\u{2028}43210",
        ] {
            let error = refuse_line_breaks(bad).unwrap_err();
            assert_eq!(error.code(), "invalid_phone", "{bad:?}");
        }
        for good in ["98765 43210", " 98765 43210\r\n", "+91\u{a0}98765 43210"] {
            assert!(refuse_line_breaks(good).is_ok(), "{good:?}");
        }
    }

    /// The inputs kept for the fuzz target `worker_create_body` (tests/fixtures/fuzz/), with its
    /// property (fuzz/src/lib.rs): an accepted number is the core's reading of `phone`, and no
    /// refusal quotes six digits in a row unless the `country` field held them.
    #[test]
    fn kept_fuzz_inputs_still_pass() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/fuzz/worker_create_body");
        let six_digits = |text: &str| {
            text.as_bytes()
                .windows(6)
                .any(|w| w.iter().all(u8::is_ascii_digit))
        };
        let mut replayed = 0;
        for entry in std::fs::read_dir(dir).expect("tests/fixtures/fuzz/worker_create_body") {
            let body = std::fs::read(entry.expect("entry").path()).expect("readable");
            let fields: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
            let field = |name: &str| fields.as_ref().and_then(|f| f.get(name)?.as_str());
            for default_country in Country::ALL {
                match fuzz_create_body(&body, default_country) {
                    Ok(number) => {
                        let country = field("country")
                            .map_or(Ok(default_country), Country::from_iso)
                            .expect("accepted with a known country");
                        let phone = field("phone").expect("accepted with a phone");
                        assert_eq!(PhoneNumber::parse(phone, country), Ok(number));
                    }
                    Err(refusal) => assert!(
                        !six_digits(&refusal) || field("country").is_some_and(six_digits),
                        "{refusal}"
                    ),
                }
            }
            replayed += 1;
        }
        assert!(replayed > 0, "no kept input");
    }

    #[test]
    fn phone_messages_quote_no_digits() {
        let error = PhoneNumber::parse("+91 98765 4321", Country::INDIA).unwrap_err();
        assert!(
            error.to_string().contains("987654321"),
            "the core's own message quotes them"
        );
        let message = phone_message(&error);
        assert!(!message.contains("987654321"), "{message}");
        assert!(message.ends_with("but got 9 digits"), "{message}");
    }
}
