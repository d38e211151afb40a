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
