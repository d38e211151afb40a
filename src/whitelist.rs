//! The Customer Whitelist API: asking Exotel to let calls through to numbers on India's
//! Do-Not-Disturb (TRAI NDNC/NCPR) registry, and reading whether a number is let through.
//!
//! Exotel refuses calls to numbers on the registry (an `exotel_error` 403) unless the number is
//! on the account's whitelist: it is put there for 6 months when it calls the account's
//! ExoPhone (type `Customer`), or through this API (type `API`) by accounts that have signed
//! Exotel's NCPR agreement, in which case Exotel texts the person an opt-in SMS from the
//! ExoPhone given as `VirtualNumber`.
//!
//! - [`CustomerWhitelist`] builds `POST /v1/Accounts/<sid>/CustomerWhitelist`: the ExoPhone
//!   and up to [`MAX_WHITELIST_NUMBERS`] numbers, each checked and put in E.164.
//! - [`whitelist_details_request`] builds `GET /v1/Accounts/<sid>/CustomerWhitelist/<number>`.
//! - [`parse_whitelist`] reads its answer into [`WhitelistDetails`].
//!
//! ```
//! use exotel_connect::{
//!     parse_whitelist, whitelist_details_request, Account, ApiBase, Credentials,
//!     CustomerWhitelist, Region, WhitelistExpiry, WhitelistStatus, WhitelistType,
//! };
//!
//! let account = Account::new("acme", Credentials::new("key", "token")?, ApiBase::region(Region::Mumbai))?;
//! let request = CustomerWhitelist::new("080 4711 2400", ["098765 43210", "+91 91234 56789"])?
//!     .to_request(&account);
//! assert_eq!(request.url, "https://api.in.exotel.com/v1/Accounts/acme/CustomerWhitelist.json");
//! assert_eq!(
//!     request.body.as_deref(),
//!     Some("VirtualNumber=%2B918047112400&Number=%2B919876543210%2C%2B919123456789")
//! );
//!
//! let request = whitelist_details_request(&account, "098765 43210")?;
//! assert_eq!(
//!     request.url,
//!     "https://api.in.exotel.com/v1/Accounts/acme/CustomerWhitelist/%2B919876543210.json"
//! );
//! // Send it with any HTTP client, then read the answer:
//! let body = br#"{"Result": {"Status": "Whitelist", "Type": "API", "Expiry": 15551999}}"#;
//! let details = parse_whitelist(200, Some("application/json"), body)?;
//! assert_eq!(details.status, WhitelistStatus::Whitelist);
//! assert_eq!(details.kind, Some(WhitelistType::Api));
//! assert_eq!(details.expiry, Some(WhitelistExpiry::InSeconds(15_551_999)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[allow(unused_imports)]
use crate::prelude::*;

use crate::account::{Account, RequestError};
use crate::call::{
    optional_seconds, optional_text, read_response, required_envelope, required_text, ResponseError,
};
use crate::http::{HttpRequest, Method};
use crate::phone::{Country, PhoneNumber};
use crate::requests::phone_field;
use crate::small_std::concat;
use crate::wire::form::Form;
use crate::wire::{excerpt, ParseError, Value};

/// The most numbers one [`CustomerWhitelist`] request takes (after duplicates are removed).
/// Exotel documents no limit; this one keeps a request body (about 16 bytes a number) small.
pub const MAX_WHITELIST_NUMBERS: usize = 100;

/// Adds numbers to the account's DND whitelist: `POST /v1/Accounts/<sid>/CustomerWhitelist`
/// (`.json` appended for JSON), with the form body `VirtualNumber=<ExoPhone>&Number=<numbers>`,
/// every number in E.164 and several numbers separated by commas.
///
/// ```
/// use exotel_connect::{Account, ApiBase, Credentials, CustomerWhitelist, Region};
/// let account = Account::new("acme", Credentials::new("key", "token")?, ApiBase::region(Region::Singapore))?;
/// let request = CustomerWhitelist::new("08047112400", ["9876543210"])?.to_request(&account);
/// assert_eq!(request.method.as_str(), "POST");
/// assert_eq!(request.body.as_deref(), Some("VirtualNumber=%2B918047112400&Number=%2B919876543210"));
///
/// let refused = CustomerWhitelist::new("08047112400", ["98765"]).unwrap_err();
/// assert_eq!(refused.field(), "Number");
/// # Ok::<(), exotel_connect::RequestError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerWhitelist {
    virtual_number: PhoneNumber,
    numbers: Vec<PhoneNumber>,
}

impl CustomerWhitelist {
    /// Checks the request. `virtual_number` is the ExoPhone that texts each person the opt-in
    /// SMS; `numbers` are the numbers to whitelist as people typed them. Each is read as
    /// [`PhoneNumber::parse`] reads it, with India as the country of numbers typed without a
    /// country code (`098765 43210` is `+919876543210`).
    ///
    /// Refused, naming the field: a `VirtualNumber` or a `Number` that is not a phone number
    /// (the first one that is not), no number at all, or more than [`MAX_WHITELIST_NUMBERS`]
    /// different numbers. A number given twice (in any of its written forms) is sent once, in
    /// the order first given.
    pub fn new<'a>(
        virtual_number: &str,
        numbers: impl IntoIterator<Item = &'a str>,
    ) -> Result<CustomerWhitelist, RequestError> {
        let virtual_number = phone_field("VirtualNumber", virtual_number, Country::INDIA)?;
        let mut checked: Vec<PhoneNumber> = Vec::new();
        for number in numbers {
            let number = phone_field("Number", number, Country::INDIA)?;
            if checked.contains(&number) {
                continue;
            }
            if checked.len() == MAX_WHITELIST_NUMBERS {
                // The limit written out (a test keeps it MAX_WHITELIST_NUMBERS).
                return Err(RequestError::new(
                    "Number",
                    "expected at most 100 different numbers, but got more",
                ));
            }
            checked.push(number);
        }
        if checked.is_empty() {
            return Err(RequestError::new(
                "Number",
                "expected at least one number, but got none",
            ));
        }
        Ok(CustomerWhitelist {
            virtual_number,
            numbers: checked,
        })
    }

    /// The request for `account`, ready to send.
    pub fn to_request(&self, account: &Account) -> HttpRequest {
        let mut numbers = String::new();
        for number in &self.numbers {
            if !numbers.is_empty() {
                numbers.push(',');
            }
            numbers.push_str(number.as_str());
        }
        let mut form = Form::new();
        form.field("VirtualNumber", self.virtual_number.as_str())
            .field("Number", &numbers);
        HttpRequest {
            method: Method::Post,
            url: whitelist_url(account, ""),
            headers: account.headers(true),
            body: Some(form.finish()),
        }
    }
}

/// `{base}/v1/Accounts/{sid}/CustomerWhitelist{path}` with the format's suffix.
fn whitelist_url(account: &Account, path: &str) -> String {
    account.resource_url(&["CustomerWhitelist", path, account.format().suffix()])
}

/// Whether a number is whitelisted: `GET /v1/Accounts/<sid>/CustomerWhitelist/<number>`, the
/// number in E.164 and URL-encoded (`%2B919876543210`), `.json` appended for JSON. `number` is
/// read as [`CustomerWhitelist::new`] reads one; a number that cannot be read is refused as the
/// field `Number`. Read the answer with [`parse_whitelist`].
///
/// ```
/// use exotel_connect::{whitelist_details_request, Account, ApiBase, Credentials, Format, Region};
/// let account = Account::new("acme", Credentials::new("key", "token")?, ApiBase::region(Region::Mumbai))?
///     .with_format(Format::Xml);
/// let request = whitelist_details_request(&account, "+91 98765 43210")?;
/// assert_eq!(request.method.as_str(), "GET");
/// assert_eq!(request.url, "https://api.in.exotel.com/v1/Accounts/acme/CustomerWhitelist/%2B919876543210");
/// assert_eq!(request.body, None);
/// # Ok::<(), exotel_connect::RequestError>(())
/// ```
pub fn whitelist_details_request(
    account: &Account,
    number: &str,
) -> Result<HttpRequest, RequestError> {
    let number = phone_field("Number", number, Country::INDIA)?;
    Ok(HttpRequest {
        method: Method::Get,
        // `+` and digits only: `%2B` is the one escape it needs.
        url: whitelist_url(account, &concat(&["/%2B", number.digits()])),
        headers: account.headers(false),
        body: None,
    })
}

/// Whether calls to a number go through, as the whitelist's `Status` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WhitelistStatus {
    /// On the whitelist: calls go through despite the DND registry (`Whitelist`).
    Whitelist,
    /// Opted out: calls are refused (`Blacklist`).
    Blacklist,
    /// Neither: the DND registry decides (`Neutral`).
    Neutral,
}

impl WhitelistStatus {
    /// The wire value: `Whitelist`, `Blacklist` or `Neutral`.
    pub fn as_str(&self) -> &'static str {
        match self {
            WhitelistStatus::Whitelist => "Whitelist",
            WhitelistStatus::Blacklist => "Blacklist",
            WhitelistStatus::Neutral => "Neutral",
        }
    }
}

/// How a number came to be on the whitelist, as its `Type` says.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WhitelistType {
    /// The number called the account's ExoPhone (`Customer`).
    Customer,
    /// An agent's number (`Agent`).
    Agent,
    /// Whitelisted through this API (`API`).
    Api,
    /// A type this version does not know, exactly as sent.
    Other(String),
}

impl WhitelistType {
    /// The wire value: `Customer`, `Agent`, `API`, or the unknown type as sent.
    pub fn as_str(&self) -> &str {
        match self {
            WhitelistType::Customer => "Customer",
            WhitelistType::Agent => "Agent",
            WhitelistType::Api => "API",
            WhitelistType::Other(other) => other,
        }
    }
}

/// How long a whitelisting lasts, as its `Expiry` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WhitelistExpiry {
    /// It does not expire (Exotel sends `-1`).
    Never,
    /// It expires in this many seconds (a whitelisting lasts about 6 months).
    InSeconds(u64),
}

/// What Exotel says about one number on the whitelist.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WhitelistDetails {
    /// Whether calls to the number go through.
    pub status: WhitelistStatus,
    /// How the number got its status; `None` when Exotel sent none (an empty `Type`).
    pub kind: Option<WhitelistType>,
    /// When the status expires; `None` when Exotel sent none.
    pub expiry: Option<WhitelistExpiry>,
}

/// Reads the answer to a [`whitelist_details_request`]: JSON `{"Result": {...}}`, or XML
/// `<TwilioResponse><Result>...` or a bare `<Result>`, with no content type sniffed.
///
/// `Status` is required and must be `Whitelist`, `Blacklist` or `Neutral` (in any case); any
/// other value is refused as malformed, naming the field and the value. `Type` and `Expiry` may
/// be left out, empty or null; `Expiry` may be a number or a string (`-1` for never). Unknown
/// fields are ignored. As with [`crate::parse_response`]: a `RestException` body is
/// [`ResponseError::Exotel`] whatever the status, another non-2xx answer is
/// [`ResponseError::UnexpectedStatus`], and a 2xx body that is not the `Result` is
/// [`ResponseError::Malformed`].
///
/// ```
/// use exotel_connect::{parse_whitelist, ResponseError, WhitelistExpiry, WhitelistStatus};
/// let xml = b"<TwilioResponse><Result><Status>Neutral</Status><Type/><Expiry>-1</Expiry></Result></TwilioResponse>";
/// let details = parse_whitelist(200, None, xml)?;
/// assert_eq!(details.status, WhitelistStatus::Neutral);
/// assert_eq!(details.kind, None);
/// assert_eq!(details.expiry, Some(WhitelistExpiry::Never));
///
/// let refused = parse_whitelist(403, None, br#"{"RestException": {"Status": 403, "Message": "Not allowed"}}"#);
/// assert!(matches!(refused, Err(ResponseError::Exotel(e)) if e.http_status == 403));
/// # Ok::<(), exotel_connect::ResponseError>(())
/// ```
pub fn parse_whitelist(
    http_status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<WhitelistDetails, ResponseError> {
    let root = read_response(http_status, content_type, body)?;
    Ok(details_in(required_envelope(&root, "Result")?)?)
}

/// The details in a `Result`.
fn details_in(result: &Value) -> Result<WhitelistDetails, ParseError> {
    // Wire names compared in any case, from tables: one comparison loop each.
    let status = required_text(result, "Status")?;
    let Some(status) = [
        WhitelistStatus::Whitelist,
        WhitelistStatus::Blacklist,
        WhitelistStatus::Neutral,
    ]
    .into_iter()
    .find(|known| status.eq_ignore_ascii_case(known.as_str())) else {
        return Err(ParseError::InvalidField {
            field: "Status",
            expected: "`Whitelist`, `Blacklist` or `Neutral`",
            got: excerpt(&status),
        });
    };
    let kind = optional_text(result.get("Type")).map(|kind| {
        let known = ["Customer", "Agent", "API"]
            .iter()
            .position(|wire| kind.eq_ignore_ascii_case(wire));
        match known {
            Some(0) => WhitelistType::Customer,
            Some(1) => WhitelistType::Agent,
            Some(_) => WhitelistType::Api,
            None => WhitelistType::Other(kind),
        }
    });
    let expiry = match optional_text(result.get("Expiry")).as_deref() {
        Some("-1") => Some(WhitelistExpiry::Never),
        _ => optional_seconds(result, "Expiry")?.map(WhitelistExpiry::InSeconds),
    };
    Ok(WhitelistDetails {
        status,
        kind,
        expiry,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{ApiBase, Credentials, Format, Region};

    fn account() -> Account {
        Account::new(
            "acme",
            Credentials::new("k", "t").unwrap(),
            ApiBase::region(Region::Mumbai),
        )
        .unwrap()
    }

    fn refusal(virtual_number: &str, numbers: &[&str]) -> String {
        CustomerWhitelist::new(virtual_number, numbers.iter().copied())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn numbers_are_checked_normalized_and_sent_once() {
        let request = CustomerWhitelist::new(
            "+91 80 4711 2400",
            [
                "098765 43210",
                "+919876543210",
                "9123456789",
                "91 98765 43210",
            ],
        )
        .unwrap()
        .to_request(&account());
        assert_eq!(
            request.body.as_deref(),
            Some("VirtualNumber=%2B918047112400&Number=%2B919876543210%2C%2B919123456789")
        );
        assert_eq!(
            refusal("", &["9876543210"]),
            "invalid VirtualNumber: expected a phone number, but got nothing"
        );
        assert_eq!(
            refusal("08047112400", &["9876543210", "98765"]),
            "invalid Number: expected 10 digits not starting with 0 after +91 for India, but got 5 digits (98765)"
        );
        assert_eq!(
            refusal("08047112400", &[]),
            "invalid Number: expected at least one number, but got none"
        );
    }

    #[test]
    fn at_most_the_limit_of_different_numbers() {
        let numbers: Vec<String> = (0..=MAX_WHITELIST_NUMBERS)
            .map(|i| format!("98765{i:05}"))
            .collect();
        let allowed = numbers[..MAX_WHITELIST_NUMBERS]
            .iter()
            .chain(&numbers[..10])
            .map(String::as_str);
        assert!(CustomerWhitelist::new("08047112400", allowed).is_ok());
        assert_eq!(
            CustomerWhitelist::new("08047112400", numbers.iter().map(String::as_str))
                .unwrap_err()
                .to_string(),
            "invalid Number: expected at most 100 different numbers, but got more"
        );
    }

    #[test]
    fn details_urls_follow_the_format() {
        let url = |account: &Account| {
            whitelist_details_request(account, "९८७६५ ४३२१०")
                .unwrap()
                .url
        };
        assert_eq!(
            url(&account()),
            "https://api.in.exotel.com/v1/Accounts/acme/CustomerWhitelist/%2B919876543210.json"
        );
        assert_eq!(
            url(&account().with_format(Format::Xml)),
            "https://api.in.exotel.com/v1/Accounts/acme/CustomerWhitelist/%2B919876543210"
        );
        assert_eq!(
            whitelist_details_request(&account(), "12")
                .unwrap_err()
                .field(),
            "Number"
        );
    }

    #[test]
    fn details_read_tolerantly() {
        let details = |body: &str| parse_whitelist(200, None, body.as_bytes());
        assert_eq!(
            details(r#"{"Result": {"Status": " whitelist ", "Type": "api", "Expiry": "17.0"}}"#),
            Ok(WhitelistDetails {
                status: WhitelistStatus::Whitelist,
                kind: Some(WhitelistType::Api),
                expiry: Some(WhitelistExpiry::InSeconds(17)),
            })
        );
        assert_eq!(
            details(r#"{"Result": {"Status": "Blacklist", "Type": "Campaign", "Expiry": null}}"#),
            Ok(WhitelistDetails {
                status: WhitelistStatus::Blacklist,
                kind: Some(WhitelistType::Other("Campaign".into())),
                expiry: None,
            })
        );
        assert_eq!(
            details("<Result><Status>Neutral</Status></Result>").map(|d| (d.kind, d.expiry)),
            Ok((None, None))
        );
        assert_eq!(
            details(r#"{"Result": {"Status": "Greylist"}}"#),
            Err(ResponseError::Malformed(ParseError::InvalidField {
                field: "Status",
                expected: "`Whitelist`, `Blacklist` or `Neutral`",
                got: "`Greylist`".into(),
            }))
        );
        assert_eq!(
            details(r#"{"Result": {"Status": "Whitelist", "Expiry": -2}}"#)
                .unwrap_err()
                .to_string(),
            "malformed Exotel response: expected `Expiry` to be a whole number of seconds, but got `-2`"
        );
        assert_eq!(
            details(r#"{"Call": {}}"#),
            Err(ResponseError::Malformed(ParseError::MissingEnvelope(
                "Result"
            )))
        );
        assert_eq!(
            parse_whitelist(502, Some("text/html"), b"<html>Bad gateway</html>"),
            Err(ResponseError::UnexpectedStatus { http_status: 502 })
        );
        for wire in ["Whitelist", "Blacklist", "Neutral"] {
            let body = format!(r#"{{"Result": {{"Status": "{wire}"}}}}"#);
            assert_eq!(details(&body).unwrap().status.as_str(), wire);
        }
        for wire in ["Customer", "Agent", "API", "Other"] {
            let body = format!(r#"{{"Result": {{"Status": "Neutral", "Type": "{wire}"}}}}"#);
            assert_eq!(details(&body).unwrap().kind.unwrap().as_str(), wire);
        }
    }
}
