
// connect(), connectTwoNumbers() and callDetails(): appended to wasm-bindgen's glue by
// scripts/build-pkg.sh (js/send.js), so no async machinery is compiled into the wasm. The
// request is built and the answer parsed in wasm; only fetch is here. Never retried.
function exotelFail(message, cause) {
    const e = new Error(message);
    e.name = "ExotelConnectError";
    e.code = "network_error";
    e.cause = cause;
    return e;
}
function exotelDescribe(value) {
    try {
        if (value instanceof Error && typeof value.message === "string") return value.message;
    } catch (_) {}
    try {
        return String(value);
    } catch (_) {
        return "an unprintable value";
    }
}
async function exotelSend(build, options) {
    const init = build(options);
    const url = init.url;
    const read = (key) => {
        try {
            return options[key] ?? undefined;
        } catch (e) {
            const err = new Error(`invalid ${key}: expected a readable value, but reading it threw ${exotelDescribe(e)}`);
            err.name = "ExotelConnectError";
            err.code = "invalid_option";
            err.field = key;
            throw err;
        }
    };
    const custom = read("fetch");
    if (custom !== undefined && typeof custom !== "function") {
        const kind = Array.isArray(custom) ? "an array" : typeof custom === "object" ? "an object" : `a ${typeof custom}`;
        const err = new Error(`invalid fetch: expected a function, but got ${kind}`);
        err.name = "ExotelConnectError";
        err.code = "invalid_option";
        err.field = "fetch";
        throw err;
    }
    const signal = read("signal");
    if (signal !== undefined) init.signal = signal;
    let response;
    try {
        response = await (custom ? custom(url, init) : fetch(url, init));
    } catch (e) {
        throw exotelFail(`could not reach Exotel at ${url}: ${exotelDescribe(e)}`, e);
    }
    let status, contentType, body;
    try {
        // Reflect, as the wasm did: a fetch that gave junk (`42`) is an error, not `undefined`.
        status = Reflect.get(response, "status");
        status = typeof status === "number" && status >= 0 && status <= 999 ? Math.trunc(status) : 0;
        const headers = Reflect.get(response, "headers");
        contentType = Reflect.apply(Reflect.get(headers, "get"), headers, ["content-type"]);
        body = await Reflect.apply(Reflect.get(response, "arrayBuffer"), response, []);
    } catch (e) {
        throw exotelFail(`could not read Exotel's answer from ${url}: ${exotelDescribe(e)}`, e);
    }
    if (typeof body !== "string" && !(body instanceof Uint8Array) && !(body instanceof ArrayBuffer)) {
        const e = "arrayBuffer() gave no bytes";
        throw exotelFail(`could not read Exotel's answer from ${url}: ${e}`, e);
    }
    return parseSent(status, body, typeof contentType === "string" ? contentType : undefined);
}
function connect(options) {
    return exotelSend(connectRequest, options);
}
function connectTwoNumbers(options) {
    return exotelSend(connectTwoNumbersRequest, options);
}
function callDetails(options) {
    return exotelSend(callDetailsRequest, options);
}
