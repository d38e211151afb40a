//! Options (as JSON, see [`super::options`]) in, the core's [`HttpRequest`] out: each builder
//! reads its options, hands them to the core's builder unchanged, and renames the core's field
//! names in errors to the option names a JS caller wrote.

use crate::prelude::*;
use exotel_connect::{
    whitelist_details_request, Account, ApiBase, CallDetails, ConnectToFlow, ConnectTwoNumbers,
    Country, Credentials, CustomerWhitelist, Format, HttpRequest, Region, RequestError,
};

use super::error::{Code, Failure};
use super::options::{
    Options, ACCOUNT, CALL, DETAILS, FLOW, SEND, TWO_NUMBERS, WHITELIST, WHITELIST_DETAILS,
};

/// The option a core field name stands for: `TimeLimit` is `timeLimit`, `api_key` is `apiKey`
/// (every option is its field's name in camelCase), except that the flow's one field, `Url`,
/// comes from `appId` or `flowUrl`.
fn option_name(field: &str, options: &Options) -> String {
    if field == "Url" {
        let by_url = options.has("flowUrl") && !options.has("appId");
        return if by_url { "flowUrl" } else { "appId" }.to_owned();
    }
    let mut name = String::with_capacity(field.len());
    let mut word_start = false;
    for c in field.chars() {
        if c == '_' {
            word_start = true;
        } else if name.is_empty() {
            name.push(c.to_ascii_lowercase());
        } else if word_start {
            name.push(c.to_ascii_uppercase());
            word_start = false;
        } else {
            name.push(c);
        }
    }
    name
}

/// The core's error with the option's JS name. A phone number that was given but could not be
/// read is `invalid_phone`; a missing one is an `invalid_option` like any other.
fn request_failure(error: &RequestError, options: &Options) -> Failure {
    let field = option_name(error.field(), options);
    let phone = matches!(
        error.field(),
        "From" | "CallerId" | "To" | "VirtualNumber" | "Number"
    );
    let code = if phone && options.has(&field) {
        Code::InvalidPhone
    } else {
        Code::InvalidOption
    };
    Failure::field(code, &field, error.problem())
}

/// Reads the account options into the core's [`Account`].
fn account(options: &Options) -> Result<Account, Failure> {
    let fail = |e: RequestError| request_failure(&e, options);
    let sid = options.string("accountSid")?.unwrap_or_default();
    let key = options.string("apiKey")?.unwrap_or_default();
    let token = options.string("apiToken")?.unwrap_or_default();
    let base = match (options.string("region")?, options.string("baseUrl")?) {
        (Some(region), None) => ApiBase::region(Region::parse(region).map_err(fail)?),
        (None, Some(url)) => ApiBase::custom(url).map_err(fail)?,
        (Some(_), Some(_)) => {
            return Err(Failure::option(
                "baseUrl",
                "expected `region` or `baseUrl`, but got both",
            ))
        }
        (None, None) => {
            return Err(Failure::option(
                "region",
                "expected `singapore` or `mumbai` (or a `baseUrl`), but got nothing",
            ))
        }
    };
    let format = match options.string("format")? {
        Some(format) => Format::parse(format).map_err(fail)?,
        None => Format::Json,
    };
    let credentials = Credentials::new(key, token).map_err(fail)?;
    Ok(Account::new(sid, credentials, base)
        .map_err(fail)?
        .with_format(format))
}

/// The `defaultCountry` option, India when left out.
fn default_country(options: &Options) -> Result<Country, Failure> {
    match options.string("defaultCountry")? {
        None => Ok(Country::INDIA),
        Some(code) => {
            Country::from_iso(code).map_err(|e| Failure::option("defaultCountry", &e.message()))
        }
    }
}

/// Applies the options both connect builders share. A macro because the two builders are
/// different types with the same setters.
macro_rules! call_options {
    ($builder:expr, $options:expr) => {{
        let options = $options;
        let mut builder = $builder.country(default_country(options)?);
        if let Some(from) = options.string("from")? {
            builder = builder.from(from);
        }
        if let Some(caller_id) = options.string("callerId")? {
            builder = builder.caller_id(caller_id);
        }
        if let Some(call_type) = options.string("callType")? {
            builder = builder.call_type(call_type);
        }
        if let Some(seconds) = options.seconds("timeLimit")? {
            builder = builder.time_limit(seconds);
        }
        if let Some(seconds) = options.seconds("timeOut")? {
            builder = builder.time_out(seconds);
        }
        if let Some(url) = options.string("statusCallback")? {
            builder = builder.status_callback(url);
        }
        if let Some(value) = options.string("customField")? {
            builder = builder.custom_field(value);
        }
        builder
    }};
}

/// `connectRequest(options)`.
pub(crate) fn connect_to_flow(json: &[u8]) -> Result<HttpRequest, Failure> {
    let options = Options::new(json, &[ACCOUNT, CALL, FLOW, SEND])?;
    let account = account(&options)?;
    let mut builder = call_options!(ConnectToFlow::builder(), &options);
    if let Some(app_id) = options.string("appId")? {
        builder = builder.app_id(app_id);
    }
    if let Some(url) = options.string("flowUrl")? {
        builder = builder.flow_url(url);
    }
    let call = builder.build().map_err(|e| request_failure(&e, &options))?;
    Ok(call.to_request(&account))
}

/// `connectTwoNumbersRequest(options)`.
pub(crate) fn connect_two_numbers(json: &[u8]) -> Result<HttpRequest, Failure> {
    let options = Options::new(json, &[ACCOUNT, CALL, TWO_NUMBERS, SEND])?;
    let account = account(&options)?;
    let mut builder = call_options!(ConnectTwoNumbers::builder(), &options);
    if let Some(to) = options.string("to")? {
        builder = builder.to(to);
    }
    if let Some(record) = options.boolean("record")? {
        builder = builder.record(record);
    }
    if let Some(channels) = options.string("recordingChannels")? {
        builder = builder.recording_channels(channels);
    }
    if let Some(format) = options.string("recordingFormat")? {
        builder = builder.recording_format(format);
    }
    if let Some(url) = options.string("waitUrl")? {
        builder = builder.wait_url(url);
    }
    for event in options.strings("statusCallbackEvents")? {
        builder = builder.status_callback_event(event);
    }
    if let Some(content_type) = options.string("statusCallbackContentType")? {
        builder = builder.status_callback_content_type(content_type);
    }
    let call = builder.build().map_err(|e| request_failure(&e, &options))?;
    Ok(call.to_request(&account))
}

/// `callDetailsRequest(options)`.
pub(crate) fn call_details(json: &[u8]) -> Result<HttpRequest, Failure> {
    let options = Options::new(json, &[ACCOUNT, DETAILS, SEND])?;
    let account = account(&options)?;
    let call_sid = options.string("callSid")?.unwrap_or_default();
    let details = options.boolean("details")?.unwrap_or(false);
    let request = CallDetails::new(call_sid)
        .map_err(|e| request_failure(&e, &options))?
        .details(details);
    Ok(request.to_request(&account))
}

/// `customerWhitelistRequest(options)`. The core names every problem with the numbers `Number`
/// (its field on the wire): here they are `numbers`, an `invalid_phone` for a number that
/// cannot be read and an `invalid_option` for how many there are.
pub(crate) fn customer_whitelist(json: &[u8]) -> Result<HttpRequest, Failure> {
    let options = Options::new(json, &[ACCOUNT, WHITELIST])?;
    let account = account(&options)?;
    let virtual_number = options.string("virtualNumber")?.unwrap_or_default();
    let numbers = options.strings("numbers")?;
    let request = CustomerWhitelist::new(virtual_number, numbers).map_err(|e| {
        match e.field() {
            "Number" => {
                // "expected at least one number" / "expected at most 100 different numbers":
                // no phone number message starts so.
                let count = e.problem().starts_with("expected at ");
                let code = if count {
                    Code::InvalidOption
                } else {
                    Code::InvalidPhone
                };
                Failure::field(code, "numbers", e.problem())
            }
            _ => request_failure(&e, &options),
        }
    })?;
    Ok(request.to_request(&account))
}

/// `whitelistDetailsRequest(options)`.
pub(crate) fn whitelist_details(json: &[u8]) -> Result<HttpRequest, Failure> {
    let options = Options::new(json, &[ACCOUNT, WHITELIST_DETAILS])?;
    let account = account(&options)?;
    let number = options.string("number")?.unwrap_or_default();
    whitelist_details_request(&account, number).map_err(|e| request_failure(&e, &options))
}
