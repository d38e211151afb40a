//! The three call requests: connect a number to a flow, connect two numbers, and call details.
//!
//! Each is built from what a caller has (strings, numbers) through a builder whose `build`
//! checks every field and names the first invalid one, and becomes an [`HttpRequest`] with
//! `to_request`. Bodies list fields in one fixed order, so the same input always encodes to the
//! same bytes.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::account::{check_path_segment, Account, HttpUrl, RequestError};
use crate::http::{HttpRequest, Method};
use crate::phone::{Country, PhoneNumber};
use crate::small_std::{concat, decimal, quoted, signed_decimal, trim};
use crate::wire::form::Form;

/// The longest call Exotel allows, in seconds (4 hours).
pub const MAX_TIME_LIMIT: u32 = 14_400;

/// The flow (applet) to connect the called number to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flow {
    /// A flow's app id from the dashboard; the URL is built as
    /// `http://my.exotel.com/<account_sid>/exoml/start_voice/<app_id>`.
    AppId(String),
    /// A complete flow URL.
    Url(String),
}

impl Flow {
    /// The flow's URL in pieces, for the form to encode without joining them first.
    fn url_pieces<'a>(&'a self, account: &'a Account) -> [&'a str; 4] {
        match self {
            Flow::AppId(id) => [
                "http://my.exotel.com/",
                account.sid(),
                "/exoml/start_voice/",
                id,
            ],
            Flow::Url(url) => [url, "", "", ""],
        }
    }
}

/// The kind of call. `trans` is the only one Exotel still supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CallType {
    /// Transactional (`trans`).
    #[default]
    Transactional,
}

impl CallType {
    /// Parses the wire value `trans`.
    pub fn parse(value: &str) -> Result<CallType, RequestError> {
        match trim(value) {
            "trans" => Ok(CallType::Transactional),
            "promo" => Err(RequestError::new(
                "CallType",
                "expected `trans`, but got `promo` (no longer supported by Exotel)",
            )),
            other => Err(RequestError::new(
                "CallType",
                concat(&["expected `trans`, but got ", &quoted(other)]),
            )),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &'static str {
        "trans"
    }
}

/// Mono or stereo recordings (connect two numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordingChannels {
    /// Both legs in one channel (`single`).
    Single,
    /// Each leg in its own channel (`dual`).
    Dual,
}

impl RecordingChannels {
    /// Parses `single` or `dual`.
    pub fn parse(value: &str) -> Result<Self, RequestError> {
        match trim(value) {
            "single" => Ok(Self::Single),
            "dual" => Ok(Self::Dual),
            other => Err(RequestError::new(
                "RecordingChannels",
                concat(&["expected `single` or `dual`, but got ", &quoted(other)]),
            )),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Single => "single",
            Self::Dual => "dual",
        }
    }
}

/// Recording quality (connect two numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordingFormat {
    /// `mp3`
    Mp3,
    /// `mp3-hq`
    Mp3Hq,
}

impl RecordingFormat {
    /// Parses `mp3` or `mp3-hq`.
    pub fn parse(value: &str) -> Result<Self, RequestError> {
        match trim(value) {
            "mp3" => Ok(Self::Mp3),
            "mp3-hq" => Ok(Self::Mp3Hq),
            other => Err(RequestError::new(
                "RecordingFormat",
                concat(&["expected `mp3` or `mp3-hq`, but got ", &quoted(other)]),
            )),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Mp3 => "mp3",
            Self::Mp3Hq => "mp3-hq",
        }
    }
}

/// Which events trigger a status callback (connect two numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackEvent {
    /// When the call ends (`terminal`).
    Terminal,
    /// When the second leg answers (`answered`).
    Answered,
}

impl CallbackEvent {
    /// Parses `terminal` or `answered`.
    pub fn parse(value: &str) -> Result<Self, RequestError> {
        match trim(value) {
            "terminal" => Ok(Self::Terminal),
            "answered" => Ok(Self::Answered),
            other => Err(RequestError::new(
                "StatusCallbackEvents",
                concat(&[
                    "expected `terminal` or `answered`, but got ",
                    &quoted(other),
                ]),
            )),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Terminal => "terminal",
            Self::Answered => "answered",
        }
    }
}

/// The body encoding Exotel uses for status callbacks (connect two numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackContentType {
    /// `multipart/form-data`
    Multipart,
    /// `application/json`
    Json,
}

impl CallbackContentType {
    /// Parses `multipart/form-data` or `application/json`.
    pub fn parse(value: &str) -> Result<Self, RequestError> {
        match trim(value) {
            "multipart/form-data" => Ok(Self::Multipart),
            "application/json" => Ok(Self::Json),
            other => Err(RequestError::new(
                "StatusCallbackContentType",
                concat(&[
                    "expected `multipart/form-data` or `application/json`, but got ",
                    &quoted(other),
                ]),
            )),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Multipart => "multipart/form-data",
            Self::Json => "application/json",
        }
    }
}

/// Options both connect requests share, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CommonOptions {
    from: PhoneNumber,
    caller_id: PhoneNumber,
    call_type: Option<CallType>,
    time_limit: Option<u32>,
    time_out: Option<u32>,
    status_callback: Option<String>,
    custom_field: Option<String>,
}

/// Options both connect builders share, as given.
#[derive(Debug, Clone, Default)]
struct CommonInput {
    country: Option<Country>,
    from: Option<String>,
    caller_id: Option<String>,
    call_type: Option<String>,
    time_limit: Option<i64>,
    time_out: Option<i64>,
    status_callback: Option<String>,
    custom_field: Option<String>,
}

fn required<'a>(field: &'static str, value: &'a Option<String>) -> Result<&'a str, RequestError> {
    value
        .as_deref()
        .ok_or_else(|| RequestError::new(field, "expected a value, but got nothing"))
}

pub(crate) fn phone_field(
    field: &'static str,
    value: &str,
    country: Country,
) -> Result<PhoneNumber, RequestError> {
    PhoneNumber::parse(value, country).map_err(|e| RequestError::new(field, e.message()))
}

fn seconds(field: &'static str, value: Option<i64>, max: u32) -> Result<Option<u32>, RequestError> {
    match value {
        None => Ok(None),
        Some(n) if n >= 1 && n <= i64::from(max) => Ok(u32::try_from(n).ok()),
        Some(n) => Err(RequestError::new(
            field,
            concat(&[
                "expected 1 to ",
                &decimal(u64::from(max)),
                " seconds, but got ",
                &signed_decimal(n),
            ]),
        )),
    }
}

fn url_field(field: &'static str, value: &str) -> Result<String, RequestError> {
    HttpUrl::parse(field, value).map(|url| url.text)
}

impl CommonInput {
    fn check(&self) -> Result<CommonOptions, RequestError> {
        let country = self.country.unwrap_or_default();
        let from = phone_field("From", required("From", &self.from)?, country)?;
        let caller_id = phone_field("CallerId", required("CallerId", &self.caller_id)?, country)?;
        let call_type = self.call_type.as_deref().map(CallType::parse).transpose()?;
        let time_limit = seconds("TimeLimit", self.time_limit, MAX_TIME_LIMIT)?;
        // Exotel documents no maximum ring time (one support article says 60 s): anything a
        // call could sensibly ring for is let through.
        let time_out = seconds("TimeOut", self.time_out, MAX_TIME_LIMIT)?;
        let status_callback = self
            .status_callback
            .as_deref()
            .map(|url| url_field("StatusCallback", url))
            .transpose()?;
        let custom_field = match self.custom_field.as_deref() {
            Some("") => {
                return Err(RequestError::new(
                    "CustomField",
                    "expected a value, but got nothing (leave it out instead)",
                ))
            }
            Some(value) if value.chars().any(char::is_control) => {
                return Err(RequestError::new(
                    "CustomField",
                    "expected no control characters, but got some",
                ))
            }
            other => other.map(str::to_owned),
        };
        Ok(CommonOptions {
            from,
            caller_id,
            call_type,
            time_limit,
            time_out,
            status_callback,
            custom_field,
        })
    }
}

/// Defines the builder setters both connect builders share.
macro_rules! common_setters {
    () => {
        /// The default country for numbers written without a country code (India if unset).
        pub fn country(mut self, country: Country) -> Self {
            self.common.country = Some(country);
            self
        }

        /// `From`: the number Exotel calls first (the website visitor). Required.
        pub fn from(mut self, number: impl Into<String>) -> Self {
            self.common.from = Some(number.into());
            self
        }

        /// `CallerId`: your ExoPhone, shown to the person called. Required.
        pub fn caller_id(mut self, number: impl Into<String>) -> Self {
            self.common.caller_id = Some(number.into());
            self
        }

        /// `CallType`: only `trans` is supported by Exotel.
        pub fn call_type(mut self, call_type: impl Into<String>) -> Self {
            self.common.call_type = Some(call_type.into());
            self
        }

        /// `TimeLimit`: the longest the call may last, 1 to 14400 seconds.
        pub fn time_limit(mut self, seconds: i64) -> Self {
            self.common.time_limit = Some(seconds);
            self
        }

        /// `TimeOut`: how long to ring each party, in seconds.
        pub fn time_out(mut self, seconds: i64) -> Self {
            self.common.time_out = Some(seconds);
            self
        }

        /// `StatusCallback`: an absolute http(s) URL Exotel POSTs the outcome to.
        pub fn status_callback(mut self, url: impl Into<String>) -> Self {
            self.common.status_callback = Some(url.into());
            self
        }

        /// `CustomField`: a value passed to the flow's Passthru and Greeting applets.
        pub fn custom_field(mut self, value: impl Into<String>) -> Self {
            self.common.custom_field = Some(value.into());
            self
        }
    };
}

impl CommonOptions {
    /// Appends the optional fields both connect requests share.
    fn append_optional(&self, form: &mut Form) {
        let time_limit = self.time_limit.map(|n| decimal(u64::from(n)));
        let time_out = self.time_out.map(|n| decimal(u64::from(n)));
        form.optional("CallType", self.call_type.as_ref().map(CallType::as_str))
            .optional("TimeLimit", time_limit.as_deref())
            .optional("TimeOut", time_out.as_deref())
            .optional("StatusCallback", self.status_callback.as_deref())
            .optional("CustomField", self.custom_field.as_deref());
    }
}

/// Room for a typical connect body (two numbers, a flow URL, a status callback URL with its
/// token, a CustomField), so that encoding it rarely needs to grow the buffer.
const FORM_CAPACITY: usize = 384;

fn connect_request(account: &Account, body: String) -> HttpRequest {
    HttpRequest {
        method: Method::Post,
        url: account.resource_url(&["Calls", "/connect", account.format().suffix()]),
        headers: account.headers(true),
        body: Some(body),
    }
}

/// Connect a number to a call flow: Exotel calls `From`, and when they pick up, connects them
/// to the flow (an IVR, a greeting, a queue of agents).
///
/// ```
/// use exotel_connect::{Account, ApiBase, ConnectToFlow, Credentials, Region};
/// let account = Account::new("acme", Credentials::new("key", "token")?, ApiBase::region(Region::Mumbai))?;
/// let request = ConnectToFlow::builder()
///     .from("98765 43210")
///     .caller_id("080 4711 2400")
///     .app_id("926")
///     .status_callback("https://example.com/exotel/status")
///     .build()?
///     .to_request(&account);
/// assert_eq!(request.url, "https://api.in.exotel.com/v1/Accounts/acme/Calls/connect.json");
/// # Ok::<(), exotel_connect::RequestError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectToFlow {
    common: CommonOptions,
    flow: Flow,
}

/// Builds a [`ConnectToFlow`]; see [`ConnectToFlow::builder`].
#[derive(Debug, Clone, Default)]
pub struct ConnectToFlowBuilder {
    common: CommonInput,
    app_id: Option<String>,
    flow_url: Option<String>,
}

impl ConnectToFlow {
    /// Starts a request; `from`, `caller_id` and one of `app_id` / `flow_url` are required.
    pub fn builder() -> ConnectToFlowBuilder {
        ConnectToFlowBuilder::default()
    }

    /// The number Exotel calls first, in E.164.
    pub fn from_number(&self) -> &PhoneNumber {
        &self.common.from
    }

    /// The request for `account`, ready to send.
    pub fn to_request(&self, account: &Account) -> HttpRequest {
        let flow_url = self.flow.url_pieces(account);
        let mut form = Form::with_capacity(FORM_CAPACITY);
        form.field("From", self.common.from.as_str())
            .field("CallerId", self.common.caller_id.as_str())
            .field_pieces("Url", &flow_url);
        self.common.append_optional(&mut form);
        connect_request(account, form.finish())
    }
}

impl ConnectToFlowBuilder {
    common_setters!();

    /// The flow by its app id (digits on the dashboard); the `Url` field is built from it.
    pub fn app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = Some(app_id.into());
        self
    }

    /// The flow by a complete URL, e.g. `http://my.exotel.com/acme/exoml/start_voice/926`.
    pub fn flow_url(mut self, url: impl Into<String>) -> Self {
        self.flow_url = Some(url.into());
        self
    }

    /// Checks every field, in body order, and names the first invalid one.
    pub fn build(&self) -> Result<ConnectToFlow, RequestError> {
        let common = self.common.check()?;
        let flow = match (&self.app_id, &self.flow_url) {
            (Some(_), Some(_)) => {
                return Err(RequestError::new(
                    "Url",
                    "expected an app id or a flow URL, but got both",
                ))
            }
            (None, None) => {
                return Err(RequestError::new(
                    "Url",
                    "expected an app id or a flow URL, but got neither",
                ))
            }
            (Some(id), None) => {
                let id = trim(id);
                if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(RequestError::new(
                        "Url",
                        concat(&[
                            "expected an app id of letters and digits, but got ",
                            &quoted(id),
                        ]),
                    ));
                }
                Flow::AppId(id.to_owned())
            }
            (None, Some(url)) => Flow::Url(url_field("Url", url)?),
        };
        Ok(ConnectToFlow { common, flow })
    }
}

/// Connect two numbers: Exotel calls `From`, and when they pick up, dials `To` and bridges them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTwoNumbers {
    common: CommonOptions,
    to: PhoneNumber,
    record: Option<bool>,
    recording_channels: Option<RecordingChannels>,
    recording_format: Option<RecordingFormat>,
    wait_url: Option<String>,
    status_callback_events: Vec<CallbackEvent>,
    status_callback_content_type: Option<CallbackContentType>,
}

/// Builds a [`ConnectTwoNumbers`]; see [`ConnectTwoNumbers::builder`].
#[derive(Debug, Clone, Default)]
pub struct ConnectTwoNumbersBuilder {
    common: CommonInput,
    to: Option<String>,
    record: Option<bool>,
    recording_channels: Option<String>,
    recording_format: Option<String>,
    wait_url: Option<String>,
    status_callback_events: Vec<String>,
    status_callback_content_type: Option<String>,
}

impl ConnectTwoNumbers {
    /// Starts a request; `from`, `to` and `caller_id` are required.
    pub fn builder() -> ConnectTwoNumbersBuilder {
        ConnectTwoNumbersBuilder::default()
    }

    /// The request for `account`, ready to send.
    pub fn to_request(&self, account: &Account) -> HttpRequest {
        let mut form = Form::with_capacity(FORM_CAPACITY);
        form.field("From", self.common.from.as_str())
            .field("To", self.to.as_str())
            .field("CallerId", self.common.caller_id.as_str());
        self.common.append_optional(&mut form);
        let record = self.record.map(|r| if r { "true" } else { "false" });
        form.optional("Record", record)
            .optional(
                "RecordingChannels",
                self.recording_channels
                    .as_ref()
                    .map(RecordingChannels::as_str),
            )
            .optional(
                "RecordingFormat",
                self.recording_format.as_ref().map(RecordingFormat::as_str),
            )
            .optional("WaitUrl", self.wait_url.as_deref());
        for (index, event) in self.status_callback_events.iter().enumerate() {
            let name = concat(&["StatusCallbackEvents[", &decimal(index as u64), "]"]);
            form.field(&name, event.as_str());
        }
        form.optional(
            "StatusCallbackContentType",
            self.status_callback_content_type
                .as_ref()
                .map(CallbackContentType::as_str),
        );
        connect_request(account, form.finish())
    }
}

impl ConnectTwoNumbersBuilder {
    common_setters!();

    /// `To`: the number dialled once `From` answers. Required.
    pub fn to(mut self, number: impl Into<String>) -> Self {
        self.to = Some(number.into());
        self
    }

    /// `Record`: whether to record the call.
    pub fn record(mut self, record: bool) -> Self {
        self.record = Some(record);
        self
    }

    /// `RecordingChannels`: `single` or `dual`.
    pub fn recording_channels(mut self, channels: impl Into<String>) -> Self {
        self.recording_channels = Some(channels.into());
        self
    }

    /// `RecordingFormat`: `mp3` or `mp3-hq`.
    pub fn recording_format(mut self, format: impl Into<String>) -> Self {
        self.recording_format = Some(format.into());
        self
    }

    /// `WaitUrl`: a WAV file played to `From` while `To` is dialled.
    pub fn wait_url(mut self, url: impl Into<String>) -> Self {
        self.wait_url = Some(url.into());
        self
    }

    /// `StatusCallbackEvents`: adds `terminal` or `answered`.
    pub fn status_callback_event(mut self, event: impl Into<String>) -> Self {
        self.status_callback_events.push(event.into());
        self
    }

    /// `StatusCallbackContentType`: `multipart/form-data` or `application/json`.
    pub fn status_callback_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.status_callback_content_type = Some(content_type.into());
        self
    }

    /// Checks every field, in body order, and names the first invalid one.
    pub fn build(&self) -> Result<ConnectTwoNumbers, RequestError> {
        let common = self.common.check()?;
        let country = self.common.country.unwrap_or_default();
        let to = phone_field("To", required("To", &self.to)?, country)?;
        let recording_channels = self
            .recording_channels
            .as_deref()
            .map(RecordingChannels::parse)
            .transpose()?;
        let recording_format = self
            .recording_format
            .as_deref()
            .map(RecordingFormat::parse)
            .transpose()?;
        let wait_url = self
            .wait_url
            .as_deref()
            .map(|url| url_field("WaitUrl", url))
            .transpose()?;
        let mut status_callback_events = Vec::new();
        for event in &self.status_callback_events {
            let event = CallbackEvent::parse(event)?;
            if !status_callback_events.contains(&event) {
                status_callback_events.push(event);
            }
        }
        let status_callback_content_type = self
            .status_callback_content_type
            .as_deref()
            .map(CallbackContentType::parse)
            .transpose()?;
        Ok(ConnectTwoNumbers {
            common,
            to,
            record: self.record,
            recording_channels,
            recording_format,
            wait_url,
            status_callback_events,
            status_callback_content_type,
        })
    }
}

/// Call details: `GET /v1/Accounts/<sid>/Calls/<CallSid>`, the fallback when a status callback
/// is late or lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallDetails {
    call_sid: String,
    details: bool,
}

impl CallDetails {
    /// Details of the call with this Sid (the `Sid` of the connect response).
    pub fn new(call_sid: &str) -> Result<CallDetails, RequestError> {
        let call_sid = trim(call_sid);
        check_path_segment("CallSid", call_sid)?;
        Ok(CallDetails {
            call_sid: call_sid.to_owned(),
            details: false,
        })
    }

    /// Ask for the per-leg breakdown too (`?details=true`).
    pub fn details(mut self, details: bool) -> Self {
        self.details = details;
        self
    }

    /// The request for `account`, ready to send.
    pub fn to_request(&self, account: &Account) -> HttpRequest {
        let query = if self.details { "?details=true" } else { "" };
        HttpRequest {
            method: Method::Get,
            url: account.resource_url(&[
                "Calls",
                "/",
                &self.call_sid,
                account.format().suffix(),
                query,
            ]),
            headers: account.headers(false),
            body: None,
        }
    }
}
