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
