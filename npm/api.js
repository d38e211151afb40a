// The functions of exotel-connect, appended to wasm-bindgen's glue by scripts/build-pkg.sh (so
// the wasm exports `wasm*` are in scope; they are not exported). Everything here is about JS
// values: which type a value is, reading an options object safely, bytes from a body, the
// `Error` to throw, and `fetch`. Every rule about options, phone numbers and Exotel's bodies is
// the Rust core's, in the wasm, which answers each call with the result or an error's fields
// as one text (a tape, read by exotelAnswer below).
// `wasmRequest(kind, options)` builds every request and `wasmParse(kind, status, input,
// typeLength)` reads every body, `kind` naming which (npm/src/lib.rs: 0 connectRequest,
// 1 connectTwoNumbersRequest, 2 callDetailsRequest, 3 customerWhitelistRequest,
// 4 whitelistDetailsRequest; 0 parseCall, 1 parseResponse, 2 parseStatusCallback,
// 3 parseWhitelist).

function exotelError(fields) {
    const { message, ...details } = fields;
    return Object.assign(new Error(message), { name: "ExotelConnectError" }, details);
}
function invalidOption(field, problem) {
    return exotelError({ message: `invalid ${field}: ${problem}`, code: "invalid_option", field });
}
// The browser build (exotel_connect.js) has no wasm until `init()` has loaded it; wasm-bindgen's
// glue, which this file is appended to, keeps the instance's exports in `wasm`. Without this
// check a call before init() fails inside the glue with a TypeError about `__wbindgen_malloc`.
// The Node, CommonJS and Workers entries instantiate on import, so it never fires there.
function exotelReady() {
    if (wasm === undefined) {
        throw exotelError({
            message: "call `await init()` first: exotel-connect's browser build loads its wasm there",
            code: "not_initialized",
        });
    }
}
// The wasm answers with a tape (npm/src/results.rs): the result, or after a "!" an error's
// fields, as ops of one character each. "0" names the next field by the key table (`wasmKeys`,
// read once), "1" by the string that follows; "2" is a string, "3" null, "4" a number, "5" an
// object and "6" an array (each up to its "7"). "0", "1", "2" and "4" carry an operand in base
// 32 (digits "`" to DEL, the last "@" to "_"): the key's number, a string's length (and the
// string follows), the number itself.
let exotelKeys;
function exotelAnswer(tape) {
    exotelKeys ??= wasmKeys().split(",");
    const error = tape.charCodeAt(0) === 33;
    const open = [];
    let at = error ? 1 : 0, into, key, root;
    const place = (value) => {
        if (into === undefined) root = value;
        else if (Array.isArray(into)) into.push(value);
        else into[key] = value;
    };
    while (at < tape.length) {
        const op = tape.charCodeAt(at++);
        let operand = 0;
        if (op <= 52 && op !== 51) {
            let digit;
            while ((digit = tape.charCodeAt(at++)) >= 96) operand = operand * 32 + (digit - 96);
            operand = operand * 32 + (digit - 64);
        }
        switch (op) {
            case 48: key = exotelKeys[operand]; break;
            case 49: key = tape.slice(at, (at += operand)); break;
            case 50: place(tape.slice(at, (at += operand))); break;
            case 51: place(null); break;
            case 52: place(operand); break;
            case 55: into = open.pop(); break;
            default: {
                const container = op === 53 ? {} : [];
                place(container);
                open.push(into);
                into = container;
            }
        }
    }
    if (error) throw exotelError(root);
    return root;
}
// How a value's type reads in a message: "a string", "an array", "null"...
function exotelTypeName(value) {
    if (value === null || value === undefined) return String(value);
    if (Array.isArray(value)) return "an array";
    const type = typeof value;
    return type === "object" ? "an object" : `a ${type}`;
}
// A thrown value as text for a message: an Error's message, or String(value).
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
// Text without lone surrogates (each becomes U+FFFD, as TextEncoder makes them), which JSON
// could carry but UTF-8 cannot.
function exotelWellFormed(text) {
    return typeof text.toWellFormed === "function" ? text.toWellFormed() : new TextDecoder().decode(new TextEncoder().encode(text));
}
// An option's value as JSON can hold it: strings, booleans, finite numbers and arrays as they
// are; anything else as {"type"} (and, for NaN and the infinities, {"text"}), so the core can
// say what was got.
function exotelPlain(value, key) {
    const type = typeof value;
    if (type === "string") return exotelWellFormed(value);
    if (type === "boolean" || (type === "number" && Number.isFinite(value))) return value;
    if (Array.isArray(value)) {
        let items;
        try {
            items = Array.from(value);
        } catch (e) {
            throw invalidOption(key, `expected a readable array, but got ${exotelDescribe(e)}`);
        }
        return items.map((item) => (Array.isArray(item) ? { type: "an array" } : exotelPlain(item, key)));
    }
    return type === "number" ? { type: "a number", text: String(value) } : { type: exotelTypeName(value) };
}
// The caller's options object as the JSON text the wasm reads. `undefined` and `null` values
// are left out (not given); a getter or Proxy that throws is an invalid_option, not a crash.
// The copy is a plain object (one without a prototype is a slow dictionary to V8, a third of
// this function's time); a key that Object.prototype also has (`__proto__`, `toString`) is
// defined on it rather than assigned, so no inherited setter or frozen property is met, and
// one JSON.stringify writes it all.
function exotelOptions(options) {
    const kind = exotelTypeName(options);
    if (kind !== "an object") throw invalidOption("options", `expected an options object, but got ${kind}`);
    let keys;
    try {
        keys = Object.keys(options);
    } catch (e) {
        throw invalidOption("options", `expected readable options, but got ${exotelDescribe(e)}`);
    }
    const plain = {};
    for (const key of keys) {
        let value;
        try {
            value = options[key];
        } catch (e) {
            throw invalidOption(key, `expected a readable value, but reading it threw ${exotelDescribe(e)}`);
        }
        if (value === undefined || value === null) continue;
        const name = exotelWellFormed(key);
        value = exotelPlain(value, key);
        if (name in plain) Object.defineProperty(plain, name, { value, enumerable: true, writable: true, configurable: true });
        else plain[name] = value;
    }
    return JSON.stringify(plain);
}
// A body as the wasm takes it: text, or its bytes (a Uint8Array, Node Buffer, any other view
// or an ArrayBuffer, viewed as they are).
function exotelBody(body) {
    if (typeof body === "string") return body;
    if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    if (body instanceof ArrayBuffer) return new Uint8Array(body);
    throw invalidOption("body", `expected a string, Uint8Array or ArrayBuffer, but got ${exotelTypeName(body)}`);
}
function exotelContentType(contentType) {
    if (contentType === undefined || contentType === null || typeof contentType === "string") return contentType ?? undefined;
    throw invalidOption("contentType", `expected a string, but got ${exotelTypeName(contentType)}`);
}
// The wasm reads a content type and a body from one buffer: the content type's UTF-8, its
// length passed beside it (0xffffffff for none), then the body's bytes (npm/src/lib.rs says
// why). Up to 48 KB the buffer is one kept for the purpose, written with encodeInto (the bytes
// are copied into wasm memory at once, before the next call can reuse it): about a tenth of
// the cost of `encode`, which makes a new buffer each time. Beyond that it is made afresh, and
// text of over 16K characters is encoded on its own, so no large buffer is kept.
const exotelEncoder = new TextEncoder();
let exotelScratch = new Uint8Array(1024);
function exotelRoom(length) {
    if (length > 49152) return new Uint8Array(length);
    if (length > exotelScratch.length) exotelScratch = new Uint8Array(length);
    return exotelScratch;
}
function exotelRead(kind, status, body, contentType) {
    const type = contentType ?? "";
    const bytes = typeof body === "string" && body.length > 16384 ? exotelEncoder.encode(body) : body;
    const asText = typeof bytes === "string";
    const room = exotelRoom(type.length * 3 + (asText ? bytes.length * 3 : bytes.length));
    const typeLength = exotelEncoder.encodeInto(type, room).written;
    let end = typeLength;
    if (asText) end += exotelEncoder.encodeInto(bytes, room.subarray(typeLength)).written;
    else {
        room.set(bytes, typeLength);
        end += bytes.length;
    }
    return wasmParse(kind, status, room.subarray(0, end), contentType === undefined ? 0xffffffff : typeLength);
}

// The request builders and parsers: one wasm export each (see the top of this file).
function exotelRequest(kind, options) {
    exotelReady();
    const json = exotelOptions(options);
    const room = exotelRoom(json.length * 3);
    return exotelAnswer(wasmRequest(kind, room.subarray(0, exotelEncoder.encodeInto(json, room).written)));
}
function exotelParse(kind, status, body, contentType) {
    exotelReady();
    const input = exotelBody(body);
    return exotelAnswer(exotelRead(kind, status, input, exotelContentType(contentType)));
}
// A caller's HTTP status, checked (fetch's own statuses are read in exotelSend).
function exotelStatus(status) {
    exotelReady();
    if (!Number.isInteger(status) || status < 100 || status > 599) {
        throw invalidOption("status", `expected an HTTP status from 100 to 599, but got ${exotelDescribe(status)}`);
    }
    return status;
}

function connectRequest(options) {
    return exotelRequest(0, options);
}
function connectTwoNumbersRequest(options) {
    return exotelRequest(1, options);
}
function callDetailsRequest(options) {
    return exotelRequest(2, options);
}
function customerWhitelistRequest(options) {
    return exotelRequest(3, options);
}
function whitelistDetailsRequest(options) {
    return exotelRequest(4, options);
}
function parseCall(body, contentType) {
    return exotelParse(0, 0, body, contentType);
}
function parseResponse(status, body, contentType) {
    return exotelParse(1, exotelStatus(status), body, contentType);
}
function parseStatusCallback(body, contentType) {
    return exotelParse(2, 0, body, contentType);
}
function parseWhitelist(status, body, contentType) {
    return exotelParse(3, exotelStatus(status), body, contentType);
}
function normalizePhone(input, defaultCountry) {
    exotelReady();
    if (typeof input !== "string") {
        throw exotelError({ message: `expected a phone number as a string, but got ${exotelTypeName(input)}`, code: "invalid_phone" });
    }
    if (defaultCountry !== undefined && defaultCountry !== null && typeof defaultCountry !== "string") {
        throw invalidOption("defaultCountry", `expected a string, but got ${exotelTypeName(defaultCountry)}`);
    }
    return exotelAnswer(wasmNormalizePhone(input, defaultCountry ?? undefined));
}
const EXOTEL_ERROR_CODES = ["invalid_option", "invalid_phone", "malformed_response", "exotel_error", "network_error", "not_initialized"];
function isExotelConnectError(value) {
    try {
        return value instanceof Error && EXOTEL_ERROR_CODES.includes(value.code);
    } catch (_) {
        return false;
    }
}

// connect(), connectTwoNumbers() and callDetails(): the request is built and the answer read
// in wasm; only fetch is here. Never retried: a connect request that may have reached Exotel
// can place a second call if sent again.
function exotelNetworkError(message, cause) {
    return exotelError({ message, code: "network_error", cause });
}
async function exotelSend(build, options) {
    const init = build(options);
    const url = init.url;
    const read = (key) => {
        try {
            return options[key] ?? undefined;
        } catch (e) {
            throw invalidOption(key, `expected a readable value, but reading it threw ${exotelDescribe(e)}`);
        }
    };
    const custom = read("fetch");
    if (custom !== undefined && typeof custom !== "function") {
        throw invalidOption("fetch", `expected a function, but got ${exotelTypeName(custom)}`);
    }
    const signal = read("signal");
    if (signal !== undefined) init.signal = signal;
    let response;
    try {
        response = await (custom ? custom(url, init) : fetch(url, init));
    } catch (e) {
        throw exotelNetworkError(`could not reach Exotel at ${url}: ${exotelDescribe(e)}`, e);
    }
    let status, contentType, body;
    try {
        // Reflect, so a fetch that gave junk (`42`) is an error, not `undefined`.
        status = Reflect.get(response, "status");
        status = typeof status === "number" && status >= 0 && status <= 999 ? Math.trunc(status) : 0;
        const headers = Reflect.get(response, "headers");
        contentType = Reflect.apply(Reflect.get(headers, "get"), headers, ["content-type"]);
        body = await Reflect.apply(Reflect.get(response, "arrayBuffer"), response, []);
    } catch (e) {
        throw exotelNetworkError(`could not read Exotel's answer from ${url}: ${exotelDescribe(e)}`, e);
    }
    if (typeof body !== "string" && !ArrayBuffer.isView(body) && !(body instanceof ArrayBuffer)) {
        const e = "arrayBuffer() gave no bytes";
        throw exotelNetworkError(`could not read Exotel's answer from ${url}: ${e}`, e);
    }
    return exotelAnswer(exotelRead(1, status, exotelBody(body), typeof contentType === "string" ? contentType : undefined));
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
