//! The API's errors and JSON responses: `{"error": {"code", "message"}}` with a fitting status,
//! exactly as docs/http-api.md lists them. Messages are written for the visitor: they never
//! carry a phone number, an Exotel Sid, Exotel's own wording, or anything from configuration
//! beyond a setting's name.

use crate::json::Object;
use worker::Response;

use crate::log::{self, Event};

/// An error answered to the client.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: u16,
    code: &'static str,
    message: String,
    retry_after: Option<u32>,
    allow: Option<&'static str>,
    /// The request field at fault, for `invalid_field`, so a form can point at it.
    field: Option<String>,
    /// Why Exotel refused the call, and the way through, for `exotel_rejected` (boxed: every
    /// other error is returned without one, and `Result`s carrying an `ApiError` stay small).
    refusal: Option<Box<Refusal>>,
}

/// What an `exotel_rejected` error says beyond its message, when Exotel's answer told why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `dnd`, `credentials`, `plan_limit`... (`upstream::reason`).
    pub reason: &'static str,
    /// For `dnd`: the business's number the visitor gives a missed call to (E.164).
    pub missed_call_number: Option<String>,
    /// For `dnd`: `requested` when the Worker asked Exotel to whitelist the number, so an SMS
    /// is on its way to the visitor.
    pub whitelist: Option<&'static str>,
}

impl ApiError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
            allow: None,
            field: None,
            refusal: None,
        }
    }

    /// 400: the body is not the JSON object the endpoint expects.
    pub fn invalid_request(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "invalid_request", message)
    }

    /// 400: an optional field (the lead context) is too long, of the wrong type or holds
    /// control characters; `field` names it (`utm.source`, `consent.text`).
    pub fn invalid_field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            field: Some(field.to_owned()),
            ..ApiError::new(400, "invalid_field", format!("{field}: {}", message.into()))
        }
    }

    /// 400: the number cannot be normalized.
    pub fn invalid_phone(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "invalid_phone", message)
    }

    /// 403: the normalized number is outside `ALLOWED_PREFIXES`.
    pub fn destination_not_allowed() -> ApiError {
        ApiError::new(
            403,
            "destination_not_allowed",
            "this service cannot call numbers like this one",
        )
    }

    /// 403: Turnstile is on and the token is missing or refused.
    pub fn captcha_failed() -> ApiError {
        ApiError::new(
            403,
            "captcha_failed",
            "the human check failed or expired; please try it again",
        )
    }

    /// 403: a cross-origin request from an origin not in `ALLOWED_ORIGINS`.
    pub fn origin_not_allowed() -> ApiError {
        ApiError::new(
            403,
            "origin_not_allowed",
            "this site is not allowed to use the service",
        )
    }

    /// 401: the admin view without the right bearer token.
    pub fn unauthorized() -> ApiError {
        ApiError::new(
            401,
            "unauthorized",
            "expected `Authorization: Bearer <ADMIN_TOKEN>`",
        )
    }

    /// 409: a request with this `Idempotency-Key` is still being handled.
    pub fn request_in_progress(seconds: u32) -> ApiError {
        ApiError {
            retry_after: Some(seconds),
            ..ApiError::new(
                409,
                "request_in_progress",
                "a request with this Idempotency-Key is still in progress; retry shortly",
            )
        }
    }

    /// 409: a call that is no longer waiting for its time cannot be canceled.
    pub fn not_cancelable() -> ApiError {
        ApiError::new(
            409,
            "not_cancelable",
            "this call is no longer waiting for its time, so it cannot be canceled",
        )
    }

    /// 422: a chosen time that breaks one of the scheduling rules (the message says which).
    pub fn invalid_schedule(message: impl Into<String>) -> ApiError {
        ApiError::new(422, "invalid_schedule", message)
    }

    /// 413: the body is over `MAX_BODY_BYTES`.
    pub fn payload_too_large(max: usize) -> ApiError {
        ApiError::new(
            413,
            "payload_too_large",
            format!("expected a body of at most {max} bytes"),
        )
    }

    /// 415: the body is not declared as JSON.
    pub fn unsupported_media_type() -> ApiError {
        ApiError::new(
            415,
            "unsupported_media_type",
            "expected `Content-Type: application/json`",
        )
    }

    /// 422: an `Idempotency-Key` already used for a different request.
    pub fn idempotency_key_reused() -> ApiError {
        ApiError::new(
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different request; use a new key",
        )
    }

    /// 429: a rate limit is reached; a slot frees in `seconds`.
    pub fn rate_limited(seconds: u32) -> ApiError {
        ApiError {
            retry_after: Some(seconds),
            ..ApiError::new(
                429,
                "rate_limited",
                "too many call requests; please try again later",
            )
        }
    }

    /// 404: no such call (or no such API route).
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(404, "not_found", message)
    }

    /// 405: the route exists but not for this method; `allow` lists the methods it takes.
    pub fn method_not_allowed(allow: &'static str) -> ApiError {
        ApiError {
            allow: Some(allow),
            ..ApiError::new(
                405,
                "method_not_allowed",
                format!("expected {allow} on this path"),
            )
        }
    }

    /// 502: Exotel refused the call; `refusal` says why, where Exotel's answer told.
    pub fn exotel_rejected(message: impl Into<String>, refusal: Option<Refusal>) -> ApiError {
        ApiError {
            refusal: refusal.map(Box::new),
            ..ApiError::new(502, "exotel_rejected", message)
        }
    }

    /// 502: Exotel is down, slow or answered something that is not Exotel's.
    pub fn upstream_unavailable() -> ApiError {
        ApiError::new(
            502,
            "upstream_unavailable",
            "the calling service is not responding; please try again in a minute",
        )
    }

    /// 503: Exotel rate-limited us; retry after `seconds`.
    pub fn upstream_busy(seconds: u32) -> ApiError {
        ApiError {
            retry_after: Some(seconds),
            ..ApiError::new(
                503,
                "upstream_busy",
                "the calling service is busy; please try again shortly",
            )
        }
    }

    /// 503: a call budget is reached: no call is placed for anyone until `seconds` pass.
    pub fn calls_paused(seconds: u32) -> ApiError {
        ApiError {
            retry_after: Some(seconds),
            ..ApiError::new(
                503,
                "calls_paused",
                "we can't take more call requests right now; please try again later",
            )
        }
    }

    /// 503: live mode with a required setting missing or invalid (names only, never values).
    pub fn not_configured(message: impl Into<String>) -> ApiError {
        ApiError::new(503, "not_configured", message)
    }

    /// 403: a status callback whose token does not check out, or that names another call.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(403, "forbidden", message)
    }

    /// 400: a status callback body that is not one.
    pub fn invalid_callback(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "invalid_callback", message)
    }

    /// 500: something on our side failed (storage, the runtime). The cause goes to the log,
    /// not to the client.
    pub fn internal(cause: &dyn std::fmt::Display) -> ApiError {
        log::error(Event::InternalError).message(cause).emit();
        ApiError::new(
            500,
            "internal_error",
            "something went wrong on our side; please try again",
        )
    }

    /// The stable code, e.g. `invalid_phone`.
    #[cfg(test)]
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message, as answered.
    #[cfg(test)]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The field at fault, for `invalid_field`.
    #[cfg(test)]
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The response: the JSON body, the status, and `Retry-After` when there is one.
    pub fn into_response(self) -> worker::Result<Response> {
        let refusal = self.refusal.as_deref();
        let error = Object::new()
            .string("code", self.code)
            .string("message", &self.message)
            .optional_number("retryAfter", self.retry_after)
            .optional_string("field", self.field.as_deref())
            .optional_string("reason", refusal.map(|r| r.reason))
            .optional_string(
                "missedCallNumber",
                refusal.and_then(|r| r.missed_call_number.as_deref()),
            )
            .optional_string("whitelist", refusal.and_then(|r| r.whitelist))
            .finish();
        let body = Object::new().raw("error", &error).finish();
        let mut response = crate::http::json_text(self.status, body)?;
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .set("Retry-After", &seconds.to_string())?;
        }
        if let Some(allow) = self.allow {
            response.headers_mut().set("Allow", allow)?;
        }
        Ok(response)
    }
}

/// For the log: the code, the status and the message, as the client read them.
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status, self.message)
    }
}

impl From<crate::http::BodyError> for ApiError {
    fn from(e: crate::http::BodyError) -> ApiError {
        match e {
            crate::http::BodyError::TooLarge(max) => ApiError::payload_too_large(max),
            crate::http::BodyError::Unreadable => {
                ApiError::invalid_request("could not read the request body")
            }
        }
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> ApiError {
        ApiError::internal(&runtime_error_text(&e))
    }
}

/// Logs a runtime failure no handler turned into an answer.
pub fn log_internal(e: &worker::Error) {
    log::error(Event::InternalError)
        .message(runtime_error_text(e))
        .emit();
}

/// What the runtime said went wrong, for the log. `worker::Error`'s own `Display` is not used:
/// through it, every error type the `worker` crate wraps (serde's, its router's, std::io's)
/// brings its messages into the Worker, and none of them can occur here.
fn runtime_error_text(e: &worker::Error) -> String {
    match e {
        worker::Error::JsError(text) | worker::Error::RustError(text) => text.clone(),
        worker::Error::UnknownJsError {
            name: Some(name),
            message,
            ..
        } => format!("{name}: {message}"),
        worker::Error::UnknownJsError { message, .. } => message.clone(),
        worker::Error::Internal(value) => value
            .as_string()
            .unwrap_or_else(|| "a JS value that is neither an Error nor a string".to_owned()),
        other => <&'static str>::from(other).to_owned(),
    }
}

impl From<crate::crypto::CryptoError> for ApiError {
    fn from(e: crate::crypto::CryptoError) -> ApiError {
        ApiError::internal(&e)
    }
}

/// The operator's errors (the dashboard and `/api/admin/*`).
impl ApiError {
    /// 409: the call's number was cut to its mask (`MASK_AFTER_DAYS`) and cannot be shown or
    /// called again.
    pub fn phone_masked() -> ApiError {
        ApiError::new(
            409,
            "phone_masked",
            "this call's number was masked after MASK_AFTER_DAYS and can no longer be shown or called",
        )
    }

    /// 409: "Call back now" on a call it is not offered for (the message says why).
    pub fn not_callable(message: impl Into<String>) -> ApiError {
        ApiError::new(409, "not_callable", message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_logged_as_the_client_read_them() {
        assert_eq!(
            ApiError::not_found("no such endpoint").to_string(),
            "not_found (404): no such endpoint"
        );
        assert_eq!(
            runtime_error_text(&worker::Error::RustError(
                "D1 column `id` is not text".into()
            )),
            "D1 column `id` is not text"
        );
        assert_eq!(runtime_error_text(&worker::Error::BodyUsed), "BodyUsed");
    }
}
