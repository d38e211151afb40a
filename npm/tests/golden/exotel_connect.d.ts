/* tslint:disable */
/* eslint-disable */
/**
 * Builds the request that connects a number to a call flow: Exotel calls `from` and, when they
 * pick up, connects them to the flow given by `appId` or `flowUrl`.
 *
 * Nothing is sent: send the result with any HTTP client (`fetch(request.url, request)`), or
 * use {@link connect}, which sends it and parses the answer.
 *
 * @throws {ExotelConnectError} `invalid_option` naming the option at fault (`field`), or
 * `invalid_phone` for a number that cannot be read.
 *
 * @example
 * const request = connectRequest({
 *   accountSid: "acme", apiKey: "key", apiToken: "token", region: "mumbai",
 *   from: "098765 43210", callerId: "080 4711 2400", appId: "926",
 * });
 * // request.body === "From=%2B919876543210&CallerId=%2B918047112400&Url=http%3A%2F%2F..."
 */
export function connectRequest(options: ConnectOptions): HttpRequest;

/**
 * Builds the request that connects two numbers: Exotel calls `from` and, when they pick up,
 * dials `to` and bridges the two.
 *
 * @throws {ExotelConnectError} `invalid_option` naming the option at fault (`field`), or
 * `invalid_phone` for a number that cannot be read.
 */
export function connectTwoNumbersRequest(options: ConnectTwoNumbersOptions): HttpRequest;

/**
 * Builds the call details request (`GET .../Calls/<callSid>`): the fallback when a status
 * callback is late or lost.
 *
 * @throws {ExotelConnectError} `invalid_option` naming the option at fault (`field`).
 */
export function callDetailsRequest(options: CallDetailsOptions): HttpRequest;

/**
 * Builds the request that adds numbers to the account's DND whitelist
 * (`POST .../CustomerWhitelist`), so calls reach them although they are on India's
 * Do-Not-Disturb registry. Exotel texts each person an opt-in SMS from `virtualNumber`. For
 * accounts that have signed Exotel's NCPR agreement.
 *
 * Each number is read as `normalizePhone` reads it (India for numbers without a country code);
 * a number given twice is sent once. At most 100 different numbers a request.
 *
 * @throws {ExotelConnectError} `invalid_phone` naming `virtualNumber` or `numbers` for a number
 * that cannot be read, or `invalid_option` naming the option at fault (`field`), e.g. `numbers`
 * when there are none or more than 100.
 *
 * @example
 * const request = customerWhitelistRequest({
 *   accountSid: "acme", apiKey: "key", apiToken: "token", region: "mumbai",
 *   virtualNumber: "080 4711 2400", numbers: ["098765 43210"],
 * });
 * // request.body === "VirtualNumber=%2B918047112400&Number=%2B919876543210"
 */
export function customerWhitelistRequest(options: CustomerWhitelistOptions): HttpRequest;

/**
 * Builds the request that asks whether a number is on the account's DND whitelist
 * (`GET .../CustomerWhitelist/<number>`); read the answer with {@link parseWhitelist}.
 *
 * @throws {ExotelConnectError} `invalid_phone` for a `number` that cannot be read, or
 * `invalid_option` naming the option at fault (`field`).
 */
export function whitelistDetailsRequest(options: WhitelistDetailsOptions): HttpRequest;

/**
 * Parses the answer to {@link whitelistDetailsRequest}: JSON (`{"Result": {...}}`) or XML
 * (`<TwilioResponse><Result>...` or a bare `<Result>`). Unknown fields are ignored.
 *
 * @throws {ExotelConnectError} `exotel_error` with Exotel's `status` and `exotelMessage` for
 * its error body (`RestException`), or `malformed_response` (with `status`) for a body that is
 * not Exotel's or a `Status` other than `Whitelist`, `Blacklist` or `Neutral`.
 */
export function parseWhitelist(status: number, body: Body, contentType?: string | null): WhitelistDetails;

/**
 * Parses a Call from Exotel's JSON (`{"Call": {...}}`) or XML (`<TwilioResponse><Call>...`), for
 * a body you already have. Without a content type the format is read from the body itself.
 * With the response's status at hand, `parseResponse` is the one to call.
 *
 * @throws {ExotelConnectError} `exotel_error` for Exotel's error body (`RestException`), with
 * the `status` the body names and `exotelMessage`; or `malformed_response` saying what was
 * expected and what was got.
 */
export function parseCall(body: Body, contentType?: string | null): Call;

/**
 * Parses a whole Exotel response, for callers who send requests themselves: the Call of a
 * success, or the error Exotel reported (`RestException`, in JSON or XML).
 *
 * @throws {ExotelConnectError} `exotel_error` with Exotel's `status` and `exotelMessage`, or
 * `malformed_response` (with `status`) for a body that is not Exotel's.
 */
export function parseResponse(status: number, body: Body, contentType?: string | null): Call;

/**
 * Parses the status callback Exotel POSTs to `statusCallback` when a call ends: urlencoded or
 * multipart form data, or JSON. Unknown fields are ignored.
 *
 * Exotel does not sign callbacks: check a secret in the callback URL before trusting one.
 *
 * @throws {ExotelConnectError} `malformed_response` saying what was expected and what was got.
 */
export function parseStatusCallback(body: Body, contentType?: string | null): StatusCallback;

/**
 * Turns a phone number as a person typed it into E.164: `"098765-43210"` becomes
 * `"+919876543210"`. Numbers without a country code are read as `defaultCountry`'s (India when
 * left out).
 *
 * @throws {ExotelConnectError} `invalid_phone` saying what was expected and what was got, or
 * `invalid_option` for a `defaultCountry` this package has no rules for.
 */
export function normalizePhone(input: string, defaultCountry?: CountryCode | null): string;

/**
 * Whether `value` is an error this package threw, for `catch (e)` blocks in TypeScript, where
 * `e` is `unknown`.
 */
export function isExotelConnectError(value: unknown): value is ExotelConnectError;

/**
 * Sends {@link connectRequest}`(options)` with `fetch` and resolves to the Call Exotel answered
 * with. A Call means Exotel accepted the request, not that anyone answered: the outcome comes
 * later, in a status callback or from {@link callDetails}.
 *
 * Never retried: a request that may have reached Exotel can place a second call if sent again.
 *
 * @throws {ExotelConnectError} (rejects with) `invalid_option` / `invalid_phone` before
 * anything is sent, `exotel_error` when Exotel refuses, `malformed_response` for an answer that
 * is not Exotel's, `network_error` when Exotel cannot be reached or its answer read.
 */
export function connect(options: ConnectOptions & SendOptions): Promise<Call>;

/**
 * Sends {@link connectTwoNumbersRequest}`(options)` with `fetch` and resolves to the Call
 * Exotel answered with. Never retried (see {@link connect}).
 *
 * @throws {ExotelConnectError} (rejects with) the same codes as {@link connect}.
 */
export function connectTwoNumbers(options: ConnectTwoNumbersOptions & SendOptions): Promise<Call>;

/**
 * Sends {@link callDetailsRequest}`(options)` with `fetch` and resolves to the Call, with its
 * per-leg `details` when asked for.
 *
 * @throws {ExotelConnectError} (rejects with) the same codes as {@link connect}.
 */
export function callDetails(options: CallDetailsOptions & SendOptions): Promise<Call>;


/** Exotel's two clusters: Singapore (`https://api.exotel.com`) or Mumbai (`https://api.in.exotel.com`). */
export type Region = "singapore" | "mumbai";

/** The response format Exotel is asked for: `"json"` (the default here) or `"xml"` (Exotel's own default). */
export type ResponseFormat = "json" | "xml";

/** A country whose numbering rules this package knows (ISO 3166-1 alpha-2; `"UK"` is taken for `"GB"`; any case). */
export type CountryCode = "IN" | "US" | "CA" | "GB" | "UK" | "SG" | "AE";

/**
 * Where a call stands. Exotel's values are listed; a value Exotel adds later is passed through
 * as it was sent, never refused.
 */
export type CallStatus =
| "queued"
| "ringing"
| "in-progress"
| "completed"
| "failed"
| "busy"
| "no-answer"
| "canceled"
| (string & {});

/** Which way a call went; values Exotel adds later are passed through as sent. */
export type Direction = "inbound" | "outbound-dial" | "outbound-api" | (string & {});

/** The account every request is made for, where to send it and the response format wanted. */
export interface AccountOptions {
    /** The account SID, from the dashboard's API settings page. */
    accountSid: string;
    /** The API key (the Basic auth user name). */
    apiKey: string;
    /** The API token (the Basic auth password). Never appears in a URL or an error message. */
    apiToken: string;
    /** The account's cluster. Give `region` or `baseUrl`, not both. */
    region?: Region;
    /** Any http(s) base URL instead of a region, e.g. `http://127.0.0.1:9000` for a mock or a proxy. */
    baseUrl?: string;
    /** `"json"` (default) or `"xml"`. */
    format?: ResponseFormat;
}

/** Options both connect requests share. */
export interface CallOptions {
    /** The number Exotel calls first (the website visitor), as typed: `"098765 43210"`, `"+91 98765 43210"`... */
    from: string;
    /** Your ExoPhone (virtual number), shown to the person called. */
    callerId: string;
    /** The country assumed for numbers typed without a country code. Default `"IN"`. */
    defaultCountry?: CountryCode;
    /** `CallType`: only `"trans"` (transactional) is supported by Exotel. */
    callType?: "trans";
    /** `TimeLimit`: the longest the call may last, a whole number of seconds from 1 to 14400. */
    timeLimit?: number;
    /** `TimeOut`: how long to ring each party, a whole number of seconds. */
    timeOut?: number;
    /** `StatusCallback`: an absolute http(s) URL Exotel POSTs the outcome to when the call ends. */
    statusCallback?: string;
    /** `CustomField`: a value passed to the flow's Passthru and Greeting applets. */
    customField?: string;
}

/** Options of {@link connectRequest} and {@link connect}: connect a number to a call flow. */
export interface ConnectOptions extends AccountOptions, CallOptions {
    /** The flow (applet) by its app id from the dashboard. Give `appId` or `flowUrl`, not both. */
    appId?: string;
    /** The flow by its complete URL, e.g. `http://my.exotel.com/<sid>/exoml/start_voice/926`. */
    flowUrl?: string;
}

/** Options of {@link connectTwoNumbersRequest} and {@link connectTwoNumbers}: call `from`, then bridge `to`. */
export interface ConnectTwoNumbersOptions extends AccountOptions, CallOptions {
    /** The number dialled once `from` answers, as typed. */
    to: string;
    /** `Record`: whether to record the call. */
    record?: boolean;
    /** `RecordingChannels`: both legs in one channel, or each in its own. */
    recordingChannels?: "single" | "dual";
    /** `RecordingFormat`: recording quality. */
    recordingFormat?: "mp3" | "mp3-hq";
    /** `WaitUrl`: a WAV file played to `from` while `to` is dialled. */
    waitUrl?: string;
    /** `StatusCallbackEvents`: the events that trigger a status callback. */
    statusCallbackEvents?: Array<"terminal" | "answered">;
    /** `StatusCallbackContentType`: how Exotel encodes status callbacks. */
    statusCallbackContentType?: "multipart/form-data" | "application/json";
}

/** Options of {@link callDetailsRequest} and {@link callDetails}. */
export interface CallDetailsOptions extends AccountOptions {
    /** The call's Sid (the `sid` of the connect response). */
    callSid: string;
    /** Ask for the per-leg breakdown too (`?details=true`). */
    details?: boolean;
}

/** Options of {@link customerWhitelistRequest}: numbers to add to the account's DND whitelist. */
export interface CustomerWhitelistOptions extends AccountOptions {
    /** `VirtualNumber`: your ExoPhone, which texts each person the opt-in SMS. */
    virtualNumber: string;
    /** `Number`: the numbers to whitelist, as typed (India for numbers without a country code); 1 to 100 different ones. */
    numbers: string[];
}

/** Options of {@link whitelistDetailsRequest}. */
export interface WhitelistDetailsOptions extends AccountOptions {
    /** The number to look up, as typed (India for numbers without a country code). */
    number: string;
}

/** Whether calls to a number go through: on the whitelist, opted out, or left to the DND registry. */
export type WhitelistStatus = "Whitelist" | "Blacklist" | "Neutral";

/**
 * How a number came to be on the whitelist: it called your ExoPhone (`"Customer"`), an agent's
 * number, or through the API. A type Exotel adds later is passed through as it was sent.
 */
export type WhitelistType = "Customer" | "Agent" | "API" | (string & {});

/** What Exotel says about one number on the account's DND whitelist. */
export interface WhitelistDetails {
    /** Whether calls to the number go through. */
    status: WhitelistStatus;
    /** How the number got its status; `null` when Exotel sent none (an empty `Type`). */
    type: WhitelistType | null;
    /** Seconds until the status expires, `"never"` (Exotel's `-1`), or `null` when Exotel sent none. */
    expiry: number | "never" | null;
}

/** How the sending functions ({@link connect}, {@link connectTwoNumbers}, {@link callDetails}) send. */
export interface SendOptions {
    /** The `fetch` to send with; the runtime's global `fetch` when left out. */
    fetch?: (input: string, init: RequestInit) => Promise<Response>;
    /** Aborts the request (e.g. `AbortSignal.timeout(10_000)`); an aborted request is a `network_error`. */
    signal?: AbortSignal;
}

/**
 * A request ready to send with any HTTP client. It is also a valid `fetch` init:
 * `fetch(request.url, request)`.
 */
export interface HttpRequest {
    /** The HTTP method. */
    method: "GET" | "POST";
    /** The absolute URL, with no credentials in it. */
    url: string;
    /** `Authorization` (Basic), `Accept` and, for a body, `Content-Type`, in that order. */
    headers: Record<string, string>;
    /** The form-encoded body of a `POST`; `null` for a `GET`. */
    body: string | null;
}

/** One leg of a call. */
export interface Leg {
    /** Seconds this leg was on the call. */
    onCallDuration: number | null;
    /** The leg's status. */
    status: CallStatus | null;
    /** Who answered, e.g. `"human"`. */
    answeredBy: string | null;
}

/** The per-leg breakdown a call details request with `details: true` adds. */
export interface CallLegDetails {
    /** Seconds the two parties were connected. */
    conversationDuration: number | null;
    /** Status of the first leg (the `from` number). */
    leg1Status: CallStatus | null;
    /** Status of the second leg. */
    leg2Status: CallStatus | null;
    /** Each leg. */
    legs: Leg[];
}

/**
 * A call as Exotel describes it. Absent, `null` and empty fields are `null`; dates are the
 * strings Exotel sent (`YYYY-MM-DD HH:mm:ss`, no zone; Exotel's docs say IST).
 */
export interface Call {
    /** The call's id (32 hex characters). */
    sid: string;
    /** The parent call's Sid, for child legs. */
    parentCallSid: string | null;
    /** When the call was requested. */
    dateCreated: string | null;
    /** When the status last changed. */
    dateUpdated: string | null;
    /** The account SID. */
    accountSid: string | null;
    /** The number called, as Exotel wrote it (often `0`-prefixed). */
    to: string | null;
    /** The number called first, as Exotel wrote it. */
    from: string | null;
    /** The ExoPhone. */
    phoneNumberSid: string | null;
    /** Where the call stands, as Exotel wrote it. */
    status: CallStatus;
    /** When the call was handed to the operator. */
    startTime: string | null;
    /** When the call ended; `null` until it has. */
    endTime: string | null;
    /** Seconds; filled in minutes after the call ends. */
    duration: number | null;
    /** The amount charged (INR or USD), exactly as sent (`"1.500"`): money is never rounded through a float. */
    price: string | null;
    /** Which way the call went. */
    direction: Direction | null;
    /** Who answered, e.g. `"human"`. */
    answeredBy: string | null;
    /** The number the call was forwarded from. */
    forwardedFrom: string | null;
    /** The caller's name, if known. */
    callerName: string | null;
    /** The resource path, e.g. `/v1/Accounts/<sid>/Calls.json/<Sid>`. */
    uri: string | null;
    /** The recording's URL. */
    recordingUrl: string | null;
    /** The per-leg breakdown: only present when asked for with `details: true` (and sent). */
    details?: CallLegDetails;
}

/**
 * What a status callback says. `callSid`, `status`, `recordingUrl` and `dateUpdated` are always
 * there; the other fields only when Exotel sent them (they come with `statusCallbackEvents`).
 */
export interface StatusCallback {
    /** The call's Sid. */
    callSid: string;
    /** The outcome: `completed`, `failed`, `busy`, `no-answer` (others passed through). */
    status: CallStatus;
    /** The recording's URL; `null` when empty. */
    recordingUrl: string | null;
    /** When the call state was last updated. */
    dateUpdated: string | null;
    /** `"terminal"` or `"answered"`. */
    eventType?: string;
    /** When the call was requested. */
    dateCreated?: string;
    /** The second number. */
    to?: string;
    /** The first number. */
    from?: string;
    /** The ExoPhone. */
    phoneNumberSid?: string;
    /** When the call started. */
    startTime?: string;
    /** When the call ended. */
    endTime?: string;
    /** Seconds the parties were connected. */
    conversationDuration?: number;
    /** Which way the call went. */
    direction?: Direction;
    /** The `customField` the call was placed with. */
    customField?: string;
    /** Each leg's duration, status and who answered. */
    legs?: Leg[];
}

/**
 * The stable `code` of every error this package throws:
 * - `invalid_option`: an option is missing, of the wrong type, unknown or invalid (`field` names it);
 * - `invalid_phone`: a phone number cannot be read (`field` names the option, when there is one);
 * - `malformed_response`: a body is not what Exotel sends (`status` is set when it came from a response);
 * - `exotel_error`: Exotel refused the request (`status`, `exotelMessage`, maybe `exotelCode`);
 * - `network_error`: the request could not be sent or its answer not read (`cause` holds the original);
 * - `not_initialized`: the browser build was called before `await init()` had loaded its wasm.
 */
export type ErrorCode =
| "invalid_option"
| "invalid_phone"
| "malformed_response"
| "exotel_error"
| "network_error"
| "not_initialized";

/** The `Error` every function of this package throws (or rejects with). */
export interface ExotelConnectError extends Error {
    /** Always `"ExotelConnectError"`. */
    name: "ExotelConnectError";
    /** What went wrong, stable across versions: match on this, not on `message`. */
    code: ErrorCode;
    /** The option at fault, e.g. `"timeLimit"` (`invalid_option`, `invalid_phone`). */
    field?: string;
    /**
     * The HTTP status (`exotel_error`, and `malformed_response` from a response): the response's,
     * or for `parseCall`, which has no response, the one Exotel's error body names.
     */
    status?: number;
    /** Exotel's own message (`exotel_error`); its wording is not stable: show it, don't match on it. */
    exotelMessage?: string;
    /** Exotel's own error code, where it sends one (`exotel_error`). */
    exotelCode?: string;
    /** The original error (`network_error`). */
    cause?: unknown;
}

/** A body as received: text, or bytes (a `Uint8Array`, a Node `Buffer`, an `ArrayBuffer`). */
export type Body = string | Uint8Array | ArrayBuffer;



export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly wasmKeys: () => [number, number];
    readonly wasmNormalizePhone: (a: number, b: number, c: number, d: number) => [number, number];
    readonly wasmParse: (a: number, b: number, c: number, d: number, e: number) => [number, number];
    readonly wasmRequest: (a: number, b: number, c: number) => [number, number];
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
