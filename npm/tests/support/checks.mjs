// The package's behaviour as a list of named checks, run against one loaded copy of the package
// (`m`): from Node ESM, from CommonJS, from a bundle, and inside a browser page. Plain ES module
// with no Node APIs, so the page can import it too; the data (fixtures and their expected
// results, shared with the Rust tests) is read by the caller and passed in.
//
//   for (const check of checks(data)) check.run(m)   // throws on a failure

const ERROR_CODES = ['invalid_option', 'invalid_phone', 'malformed_response', 'exotel_error', 'network_error'];
const CALLBACK_OPTIONAL = [
  'eventType', 'dateCreated', 'to', 'from', 'phoneNumberSid', 'startTime', 'endTime',
  'conversationDuration', 'direction', 'customField',
];

/** What any function of the browser build throws when called before `await init()`. */
export const NOT_INITIALIZED = {
  name: 'ExotelConnectError',
  code: 'not_initialized',
  message: "call `await init()` first: exotel-connect's browser build loads its wasm there",
};

function show(value) {
  return JSON.stringify(value, (_, v) => (v === undefined ? '<undefined>' : v));
}

function equal(actual, expected, what) {
  const a = show(sortKeys(actual));
  const e = show(sortKeys(expected));
  if (a !== e) throw new Error(`${what}:\n  got      ${a}\n  expected ${e}`);
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
  }
  return value;
}

/** Runs `f`, which must throw this package's error with `code`; returns the error. */
function throws(m, f, code, what) {
  let error;
  try {
    f();
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`${what}: expected a ${code} error, but nothing was thrown`);
  if (!(error instanceof Error)) throw new Error(`${what}: threw a non-Error: ${show(error)}`);
  if (error.code !== code) {
    throw new Error(`${what}: expected code ${code}, got ${error.code} (${error.name}: ${error.message})`);
  }
  if (error.name !== 'ExotelConnectError') throw new Error(`${what}: name is ${error.name}`);
  if (!m.isExotelConnectError(error)) throw new Error(`${what}: isExotelConnectError said no`);
  return error;
}

const bytes = (fixture) => new Uint8Array(fixture.bytes);

/** The text of a fixture when it is UTF-8, else undefined. */
function text(fixture) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes(fixture));
  } catch {
    return undefined;
  }
}

/** A status callback as the Rust tests write it: absent optional fields as null, legs as []. */
function callbackAsExpected(callback, what) {
  const out = { ...callback };
  for (const key of CALLBACK_OPTIONAL) {
    if (key in out && out[key] === null) throw new Error(`${what}: ${key} is present but null`);
    if (!(key in out)) out[key] = null;
  }
  if ('legs' in out && out.legs.length === 0) throw new Error(`${what}: legs is present but empty`);
  out.legs ??= [];
  return out;
}

const account = {
  accountSid: 'acme', apiKey: 'k', apiToken: 't', region: 'mumbai',
};
const flow = { ...account, from: '9876543210', callerId: '08047112400', appId: '926' };
const two = { ...account, from: '9876543210', callerId: '08047112400', to: '09123456789' };
const whitelist = { ...account, virtualNumber: '08047112400', numbers: ['9876543210'] };

/** Invalid options: [function, options, code, field, message]. */
const INVALID = [
  ['connectRequest', { ...flow, from: undefined }, 'invalid_option', 'from', 'invalid from: expected a value, but got nothing'],
  ['connectRequest', { ...flow, from: '12345' }, 'invalid_phone', 'from',
    'invalid from: expected 10 digits not starting with 0 after +91 for India, but got 5 digits (12345)'],
  ['connectRequest', { ...flow, callerId: '0804711240x' }, 'invalid_phone', 'callerId',
    'invalid callerId: expected digits, spaces, dashes, dots or parentheses, but got `x`'],
  ['connectRequest', { ...flow, appId: undefined }, 'invalid_option', 'appId',
    'invalid appId: expected an app id or a flow URL, but got neither'],
  ['connectRequest', { ...flow, flowUrl: 'http://my.exotel.com/acme/exoml/start_voice/926' }, 'invalid_option', 'appId',
    'invalid appId: expected an app id or a flow URL, but got both'],
  ['connectRequest', { ...flow, appId: undefined, flowUrl: 'my.exotel.com/x' }, 'invalid_option', 'flowUrl',
    'invalid flowUrl: expected an absolute http(s) URL, but got `my.exotel.com/x`'],
  ['connectRequest', { ...flow, callType: 'promo' }, 'invalid_option', 'callType',
    'invalid callType: expected `trans`, but got `promo` (no longer supported by Exotel)'],
  ['connectRequest', { ...flow, timeLimit: 0 }, 'invalid_option', 'timeLimit',
    'invalid timeLimit: expected 1 to 14400 seconds, but got 0'],
  ['connectRequest', { ...flow, timeLimit: 14401 }, 'invalid_option', 'timeLimit',
    'invalid timeLimit: expected 1 to 14400 seconds, but got 14401'],
  ['connectRequest', { ...flow, timeLimit: '600' }, 'invalid_option', 'timeLimit',
    'invalid timeLimit: expected a whole number of seconds, but got a string'],
  ['connectRequest', { ...flow, timeOut: 1.5 }, 'invalid_option', 'timeOut',
    'invalid timeOut: expected a whole number of seconds, but got 1.5'],
  ['connectRequest', { ...flow, timeOut: Number.NaN }, 'invalid_option', 'timeOut',
    'invalid timeOut: expected a whole number of seconds, but got NaN'],
  ['connectRequest', { ...flow, timeLimit: 2 ** 60 }, 'invalid_option', 'timeLimit',
    'invalid timeLimit: expected a whole number of seconds, but got 1152921504606847000'],
  ['connectRequest', { ...flow, statusCallback: 'ftp://x' }, 'invalid_option', 'statusCallback',
    'invalid statusCallback: expected an absolute http(s) URL, but got `ftp://x`'],
  ['connectRequest', { ...flow, customField: '' }, 'invalid_option', 'customField',
    'invalid customField: expected a value, but got nothing (leave it out instead)'],
  ['connectRequest', { ...flow, region: 'tokyo' }, 'invalid_option', 'region',
    'invalid region: expected `singapore` or `mumbai`, but got `tokyo`'],
  ['connectRequest', { ...flow, region: undefined }, 'invalid_option', 'region',
    'invalid region: expected `singapore` or `mumbai` (or a `baseUrl`), but got nothing'],
  ['connectRequest', { ...flow, baseUrl: 'http://127.0.0.1:9' }, 'invalid_option', 'baseUrl',
    'invalid baseUrl: expected `region` or `baseUrl`, but got both'],
  ['connectRequest', { ...flow, region: undefined, baseUrl: 'https://k:t@api.exotel.com' }, 'invalid_option', 'baseUrl',
    'invalid baseUrl: expected no credentials in the URL (they go in the Authorization header), but got some'],
  ['connectRequest', { ...flow, format: 'yaml' }, 'invalid_option', 'format',
    'invalid format: expected `json` or `xml`, but got `yaml`'],
  ['connectRequest', { ...flow, apiKey: '' }, 'invalid_option', 'apiKey', 'invalid apiKey: expected a value, but got nothing'],
  ['connectRequest', { ...flow, apiToken: 'to ken' }, 'invalid_option', 'apiToken',
    'invalid apiToken: expected no spaces or control characters, but got some'],
  ['connectRequest', { ...flow, accountSid: '../x' }, 'invalid_option', 'accountSid',
    'invalid accountSid: expected letters, digits, `_`, `-` or `.`, but got `/`'],
  ['connectRequest', { ...flow, apiKey: 42 }, 'invalid_option', 'apiKey', 'invalid apiKey: expected a string, but got a number'],
  ['connectRequest', { ...flow, callerID: '08047112400' }, 'invalid_option', 'callerID',
    'invalid callerID: unknown option, did you mean `callerId`?'],
  ['connectRequest', { ...flow, to: '09123456789' }, 'invalid_option', 'to',
    'invalid to: unknown option (expected one of accountSid, apiKey, apiToken, region, baseUrl, format, from, callerId, defaultCountry, callType, timeLimit, timeOut, statusCallback, customField, appId, flowUrl, fetch, signal)'],
  ['connectRequest', { ...flow, defaultCountry: 'ZZ' }, 'invalid_option', 'defaultCountry',
    'invalid defaultCountry: expected a default country among IN, US, CA, GB, SG, AE, but got `ZZ`'],
  // An own `__proto__` (JSON.parse makes one) is an option like any other, not a prototype.
  ['connectRequest', { ...flow, ...JSON.parse('{"__proto__": "x"}') }, 'invalid_option', '__proto__',
    'invalid __proto__: unknown option (expected one of accountSid, apiKey, apiToken, region, baseUrl, format, from, callerId, defaultCountry, callType, timeLimit, timeOut, statusCallback, customField, appId, flowUrl, fetch, signal)'],
  // So is a key Object.prototype also has.
  ['connectRequest', { ...flow, toString: 'x' }, 'invalid_option', 'toString',
    'invalid toString: unknown option (expected one of accountSid, apiKey, apiToken, region, baseUrl, format, from, callerId, defaultCountry, callType, timeLimit, timeOut, statusCallback, customField, appId, flowUrl, fetch, signal)'],
  ['connectRequest', null, 'invalid_option', 'options', 'invalid options: expected an options object, but got null'],
  ['connectRequest', undefined, 'invalid_option', 'options', 'invalid options: expected an options object, but got undefined'],
  ['connectRequest', 'acme', 'invalid_option', 'options', 'invalid options: expected an options object, but got a string'],
  ['connectRequest', [flow], 'invalid_option', 'options', 'invalid options: expected an options object, but got an array'],
  ['connectTwoNumbersRequest', { ...two, to: 'abc' }, 'invalid_phone', 'to',
    'invalid to: expected digits, spaces, dashes, dots or parentheses, but got `a`'],
  ['connectTwoNumbersRequest', { ...two, to: undefined }, 'invalid_option', 'to', 'invalid to: expected a value, but got nothing'],
  ['connectTwoNumbersRequest', { ...two, record: 'yes' }, 'invalid_option', 'record',
    'invalid record: expected true or false, but got a string'],
  ['connectTwoNumbersRequest', { ...two, recordingChannels: 'stereo' }, 'invalid_option', 'recordingChannels',
    'invalid recordingChannels: expected `single` or `dual`, but got `stereo`'],
  ['connectTwoNumbersRequest', { ...two, statusCallbackEvents: 'terminal' }, 'invalid_option', 'statusCallbackEvents',
    'invalid statusCallbackEvents: expected an array of strings, but got a string'],
  ['connectTwoNumbersRequest', { ...two, statusCallbackEvents: ['terminal', 1] }, 'invalid_option', 'statusCallbackEvents',
    'invalid statusCallbackEvents: expected an array of strings, but got a number in it'],
  ['connectTwoNumbersRequest', { ...two, statusCallbackEvents: ['ringing'] }, 'invalid_option', 'statusCallbackEvents',
    'invalid statusCallbackEvents: expected `terminal` or `answered`, but got `ringing`'],
  ['connectTwoNumbersRequest', { ...two, statusCallbackContentType: 'text/xml' }, 'invalid_option', 'statusCallbackContentType',
    'invalid statusCallbackContentType: expected `multipart/form-data` or `application/json`, but got `text/xml`'],
  ['callDetailsRequest', { ...account, callSid: 'a/b' }, 'invalid_option', 'callSid',
    'invalid callSid: expected letters, digits, `_`, `-` or `.`, but got `/`'],
  ['callDetailsRequest', { ...account }, 'invalid_option', 'callSid', 'invalid callSid: expected a value, but got nothing'],
  ['callDetailsRequest', { ...account, callSid: 'abc', details: 1 }, 'invalid_option', 'details',
    'invalid details: expected true or false, but got a number'],
  ['customerWhitelistRequest', { ...whitelist, virtualNumber: undefined }, 'invalid_option', 'virtualNumber',
    'invalid virtualNumber: expected a phone number, but got nothing'],
  ['customerWhitelistRequest', { ...whitelist, virtualNumber: '0804711240x' }, 'invalid_phone', 'virtualNumber',
    'invalid virtualNumber: expected digits, spaces, dashes, dots or parentheses, but got `x`'],
  ['customerWhitelistRequest', { ...whitelist, numbers: ['9876543210', '12345'] }, 'invalid_phone', 'numbers',
    'invalid numbers: expected 10 digits not starting with 0 after +91 for India, but got 5 digits (12345)'],
  ['customerWhitelistRequest', { ...whitelist, numbers: [] }, 'invalid_option', 'numbers',
    'invalid numbers: expected at least one number, but got none'],
  ['customerWhitelistRequest', { ...whitelist, numbers: undefined }, 'invalid_option', 'numbers',
    'invalid numbers: expected at least one number, but got none'],
  ['customerWhitelistRequest', { ...whitelist, numbers: Array.from({ length: 101 }, (_, i) => `+9198765${String(i).padStart(5, '0')}`) },
    'invalid_option', 'numbers', 'invalid numbers: expected at most 100 different numbers, but got more'],
  ['customerWhitelistRequest', { ...whitelist, numbers: '9876543210' }, 'invalid_option', 'numbers',
    'invalid numbers: expected an array of strings, but got a string'],
  ['customerWhitelistRequest', { ...whitelist, number: '9876543210' }, 'invalid_option', 'number',
    'invalid number: unknown option (expected one of accountSid, apiKey, apiToken, region, baseUrl, format, virtualNumber, numbers)'],
  ['whitelistDetailsRequest', { ...account }, 'invalid_option', 'number', 'invalid number: expected a phone number, but got nothing'],
  ['whitelistDetailsRequest', { ...account, number: '+0 98765' }, 'invalid_phone', 'number',
    'invalid number: expected a country code after `+` or `00`, but got a 0'],
  ['whitelistDetailsRequest', { ...account, number: 9876543210 }, 'invalid_option', 'number',
    'invalid number: expected a string, but got a number'],
  ['whitelistDetailsRequest', { ...account, numbers: ['9876543210'] }, 'invalid_option', 'numbers',
    'invalid numbers: unknown option (expected one of accountSid, apiKey, apiToken, region, baseUrl, format, number)'],
];

/** Deterministic pseudo-random bytes (xorshift32), so a failure can be replayed. */
function* randomBodies(count) {
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const pieces = ['{', '}', '[', ']', '"', ':', ',', '<', '>', '/', '=', '&', '--', 'Call', 'Sid', 'Status',
    'TwilioResponse', 'RestException', '<!DOCTYPE', '&amp;', '&#x10FFFF;', '\\u0000', '\r\n', '1e999', '-', '0'];
  for (let i = 0; i < count; i += 1) {
    const parts = [];
    const n = next() % 40;
    for (let j = 0; j < n; j += 1) {
      parts.push(next() % 3 === 0 ? String.fromCharCode(next() % 0x2000) : pieces[next() % pieces.length]);
    }
    yield parts.join('');
  }
}

/**
 * The checks: `data` holds `requests` (tests/fixtures/requests/*.json), `calls`, `callbacks`,
 * `errors`, `malformed` and `whitelist` (each { name, bytes, contentType } plus its expectation).
 */
export function checks(data) {
  const list = [];
  const add = (name, run) => list.push({ name, run });

  for (const c of data.requests) {
    add(`golden request ${c.name}`, (m) => {
      const request = m[c.call](c.options);
      equal(Object.keys(request), ['method', 'url', 'headers', 'body'], 'request keys');
      equal(request.method, c.request.method, 'method');
      equal(request.url, c.request.url, 'url');
      equal(Object.entries(request.headers), c.request.headers, 'headers, in order');
      equal(request.body, c.request.body, 'body, byte for byte');
    });
  }

  for (const f of data.calls) {
    add(`parses calls/${f.name}`, (m) => {
      equal(m.parseResponse(200, bytes(f), f.contentType), f.expected, 'parseResponse');
      equal(m.parseCall(bytes(f), f.contentType), f.expected, 'parseCall(bytes)');
      equal(m.parseCall(bytes(f).buffer), f.expected, 'parseCall(ArrayBuffer), sniffed');
      equal(m.parseCall(text(f)), f.expected, 'parseCall(string), sniffed');
    });
  }

  for (const f of data.callbacks) {
    add(`parses callbacks/${f.name}`, (m) => {
      const what = `parseStatusCallback(${f.name})`;
      equal(callbackAsExpected(m.parseStatusCallback(bytes(f), f.contentType), what), f.expected, what);
      equal(callbackAsExpected(m.parseStatusCallback(text(f)), what), f.expected, `${what}, sniffed`);
    });
  }

  for (const f of data.errors) {
    add(`errors/${f.name} is an exotel_error`, (m) => {
      const e = throws(m, () => m.parseResponse(f.status, bytes(f)), 'exotel_error', f.name);
      equal(e.status, f.status, 'status');
      equal(e.exotelMessage, f.message, 'exotelMessage');
      equal(e.exotelCode, f.code ?? undefined, 'exotelCode');
      equal(e.message, `Exotel answered ${f.status}: ${f.message}`, 'message');
    });
    // No response status here: the one the body names (each fixture's is its response's).
    add(`parseCall(errors/${f.name}) says what Exotel said`, (m) => {
      for (const body of [bytes(f), text(f)]) {
        const e = throws(m, () => m.parseCall(body, f.contentType), 'exotel_error', f.name);
        equal({ status: e.status, exotelMessage: e.exotelMessage, exotelCode: e.exotelCode, message: e.message },
          { status: f.status, exotelMessage: f.message, exotelCode: f.code ?? undefined, message: `Exotel answered ${f.status}: ${f.message}` },
          'parseCall error');
      }
    });
  }

  for (const f of data.malformed) {
    add(`malformed/${f.name} is a malformed_response`, (m) => {
      if (f.parser === 'callback') {
        const e = throws(m, () => m.parseStatusCallback(bytes(f), f.contentType), 'malformed_response', f.name);
        equal(e.message, `malformed status callback: ${f.message}`, 'message');
      } else if (f.parser === 'call') {
        // A RestException without a usable `Status` of its own: parseCall has no status to
        // report, while parseResponse has the response's.
        const e = throws(m, () => m.parseCall(bytes(f), f.contentType), 'malformed_response', f.name);
        equal({ message: e.message, status: e.status }, { message: `malformed Exotel response: ${f.message}`, status: undefined },
          'parseCall error');
        const exotel = throws(m, () => m.parseResponse(403, bytes(f), f.contentType), 'exotel_error', f.name);
        equal(exotel.status, 403, 'parseResponse status');
      } else {
        const e = throws(m, () => m.parseResponse(200, bytes(f), f.contentType), 'malformed_response', f.name);
        equal(e.message, `malformed Exotel response: ${f.message}`, 'message');
        equal(e.status, 200, 'status');
        const again = throws(m, () => m.parseCall(bytes(f), f.contentType), 'malformed_response', f.name);
        equal({ message: again.message, status: again.status }, { message: e.message, status: undefined }, 'parseCall error');
      }
    });
  }

  for (const f of data.whitelist) {
    add(`parseWhitelist(whitelist/${f.name})`, (m) => {
      const { httpStatus, result, error } = f.expected;
      for (const [body, contentType, how] of [[bytes(f), f.contentType, 'bytes'], [text(f), undefined, 'string, sniffed']]) {
        const what = `parseWhitelist(${f.name}), ${how}`;
        if (result) {
          equal(m.parseWhitelist(httpStatus, body, contentType), result, what);
        } else {
          const e = throws(m, () => m.parseWhitelist(httpStatus, body, contentType), error.code, what);
          equal({ message: e.message, status: e.status, exotelMessage: e.exotelMessage, exotelCode: e.exotelCode },
            { message: error.message, status: error.status, exotelMessage: error.exotelMessage, exotelCode: error.exotelCode ?? undefined },
            what);
        }
      }
    });
  }

  add('parseWhitelist refuses a status that is not one', (m) => {
    for (const status of [0, 600, '200', undefined]) {
      const e = throws(m, () => m.parseWhitelist(status, '{}'), 'invalid_option', String(status));
      equal(e.field, 'status', 'field');
    }
  });

  add('a non-Exotel error page is a malformed_response with the status', (m) => {
    const e = throws(m, () => m.parseResponse(502, '<html><body>Bad gateway</body></html>', 'text/html'),
      'malformed_response', '502 page');
    equal(e.status, 502, 'status');
    equal(e.message, "expected an Exotel response, but got HTTP 502 with a body that is not Exotel's", 'message');
  });

  add('parseResponse refuses a status that is not one', (m) => {
    for (const status of [0, 99, 600, 200.5, '200', null]) {
      const e = throws(m, () => m.parseResponse(status, '{}'), 'invalid_option', String(status));
      equal(e.field, 'status', 'field');
    }
  });

  add('bodies of the wrong type are refused by name', (m) => {
    for (const body of [42, null, undefined, {}, [1, 2]]) {
      const e = throws(m, () => m.parseCall(body), 'invalid_option', show(body));
      equal(e.field, 'body', 'field');
    }
    const e = throws(m, () => m.parseCall('{}', 42), 'invalid_option', 'contentType');
    equal(e.message, 'invalid contentType: expected a string, but got a number', 'message');
  });

  for (const [fn, options, code, field, message] of INVALID) {
    add(`${fn} refuses ${show(options).slice(0, 90)}`, (m) => {
      const e = throws(m, () => m[fn](options), code, fn);
      equal({ field: e.field, message: e.message }, { field, message }, 'field and message');
    });
  }

  add('options that throw when read are an invalid_option, not a crash', (m) => {
    const hostile = { ...flow };
    Object.defineProperty(hostile, 'from', { enumerable: true, get() { throw new Error('boom'); } });
    const e = throws(m, () => m.connectRequest(hostile), 'invalid_option', 'getter');
    equal(e.message, 'invalid from: expected a readable value, but reading it threw boom', 'message');
    const proxy = new Proxy({}, { ownKeys() { throw new Error('no keys'); } });
    const p = throws(m, () => m.connectRequest(proxy), 'invalid_option', 'proxy');
    equal(p.message, 'invalid options: expected readable options, but got no keys', 'message');
  });

  add('undefined and null options count as not given', (m) => {
    const request = m.connectRequest({ ...flow, timeLimit: undefined, statusCallback: null, fetch: undefined });
    equal(request.body, m.connectRequest(flow).body, 'body');
  });

  add('normalizePhone turns what people type into E.164', (m) => {
    equal(m.normalizePhone('098765-43210'), '+919876543210', 'India, trunk 0');
    equal(m.normalizePhone('+91 (0) 98765 43210', 'IN'), '+919876543210', 'India, international');
    equal(m.normalizePhone('(415) 555-0100', 'US'), '+14155550100', 'US');
    equal(m.normalizePhone('07700 900123', 'uk'), '+447700900123', 'UK, lower case');
    equal(m.normalizePhone('98765 43210', null), '+919876543210', 'null country is India');
  });

  add('normalizePhone errors are invalid_phone, with the core message', (m) => {
    const e = throws(m, () => m.normalizePhone('98765'), 'invalid_phone', '98765');
    equal(e.message, 'expected 10 digits not starting with 0 after +91 for India, but got 5 digits (98765)', 'message');
    equal(e.field, undefined, 'field');
    throws(m, () => m.normalizePhone(''), 'invalid_phone', 'empty');
    throws(m, () => m.normalizePhone('９８７６५४३२१०'), 'invalid_phone', 'digits of two scripts');
    equal(m.normalizePhone('९८७६५ ४३२१०'), '+919876543210', 'Devanagari digits');
    equal(m.normalizePhone('＋９１ ９８７６５ ４３２１０'), '+919876543210', 'full-width digits');
    const n = throws(m, () => m.normalizePhone(9876543210), 'invalid_phone', 'number');
    equal(n.message, 'expected a phone number as a string, but got a number', 'message');
    const c = throws(m, () => m.normalizePhone('9876543210', 'XX'), 'invalid_option', 'country');
    equal(c.field, 'defaultCountry', 'field');
  });

  add('isExotelConnectError tells our errors from others', (m) => {
    const ours = throws(m, () => m.normalizePhone('x'), 'invalid_phone', 'x');
    equal(m.isExotelConnectError(ours), true, 'ours');
    const lookalike = Object.assign(new Error('x'), { code: 'invalid_phone' });
    equal(m.isExotelConnectError(lookalike), true, 'an Error with one of our codes');
    for (const other of [new Error('x'), Object.assign(new Error('x'), { code: 'ENOENT' }),
      { code: 'invalid_phone' }, null, undefined, 'invalid_phone', 42]) {
      equal(m.isExotelConnectError(other), false, show(other));
    }
  });

  add('no input makes the wasm trap: every failure is one of our errors', (m) => {
    const inputs = [...randomBodies(300)];
    for (const f of [...data.calls, ...data.callbacks, ...data.errors, ...data.malformed, ...data.whitelist]) {
      const t = text(f) ?? '';
      for (let cut = 1; cut < t.length; cut += Math.max(1, Math.floor(t.length / 12))) inputs.push(t.slice(0, cut));
    }
    for (const input of inputs) {
      for (const parse of [(b) => m.parseCall(b), (b) => m.parseStatusCallback(b), (b) => m.parseResponse(500, b),
        (b) => m.parseWhitelist(200, b), (b) => m.normalizePhone(b)]) {
        try {
          parse(input);
        } catch (e) {
          if (!m.isExotelConnectError(e) || !ERROR_CODES.includes(e.code)) {
            throw new Error(`${show(input)} threw ${e && e.name}: ${e && e.message}`);
          }
        }
      }
    }
    // Still working afterwards: a trap would have left the instance unusable.
    equal(m.normalizePhone('9876543210'), '+919876543210', 'after the storm');
  });

  add('a content type and its body reach the reader whole, however the body is held', (m) => {
    // The content type and the body cross into wasm in one buffer: its UTF-8 first, then the
    // body's bytes, from a string, a view into a larger buffer, or text too long to keep a
    // buffer for.
    const form = 'CallSid=c1&Status=busy&RecordingUrl=&DateUpdated=2026-11-26+10%3A00%3A00&To=%E0%A4%B9';
    const formType = 'application/x-www-form-urlencoded; charset="utf-8"; note="é 😀"';
    const held = new Uint8Array(form.length + 7);
    const encoded = new TextEncoder().encode(form);
    held.set(encoded, 3);
    for (const [body, how] of [
      [form, 'a string'],
      [encoded, 'bytes'],
      [held.subarray(3, 3 + encoded.length), 'a view at an offset'],
      [encoded.buffer, 'an ArrayBuffer'],
    ]) {
      const callback = m.parseStatusCallback(body, formType);
      equal([callback.callSid, callback.status, callback.to], ['c1', 'busy', 'ह'], how);
    }
    const filler = 'ह'.repeat(20000);
    const json = JSON.stringify({ Call: { Sid: 'abc', Status: 'completed', CallerName: filler } });
    for (const [body, how] of [
      [json, 'text of over 16K characters'],
      [new TextEncoder().encode(json), 'over 48 KB of bytes'],
    ]) {
      equal(m.parseCall(body, 'application/json').callerName, filler, how);
      // The body read as the type named, not sniffed: JSON named as XML is refused as XML.
      throws(m, () => m.parseCall(body, 'application/xml'), 'malformed_response', `${how}, named XML`);
    }
  });

  add('every character and number comes back as it was sent', (m) => {
    // Results cross from wasm as one text the strings are sliced from: a character outside
    // the Basic Multilingual Plane counts twice, and a leading byte-order mark is kept.
    const name = '\ufeff😀 "Ā\\\u0001\u007fé';
    const json = JSON.stringify({ Call: { Sid: '😀', Status: 'completed', CallerName: name, Duration: 2 ** 53 - 1, Uri: '' } });
    const call = m.parseCall(json, 'application/json');
    equal([call.sid, call.callerName, call.duration, call.uri], ['😀', name, 2 ** 53 - 1, null], 'a Call');
    const form = `CallSid=${encodeURIComponent(name)}&Status=busy&RecordingUrl=&DateUpdated=&CustomField=${encodeURIComponent('😀'.repeat(3))}&ConversationDuration=4294967296`;
    const callback = m.parseStatusCallback(form, 'application/x-www-form-urlencoded');
    equal(
      [callback.callSid, callback.customField, callback.conversationDuration],
      [name, '😀😀😀', 4294967296],
      'a status callback',
    );
    const error = throws(m, () => m.normalizePhone('๙๘๗๖๕'), 'invalid_phone', 'Thai digits');
    if (!error.message.includes('`๙` (U+0E59)')) throw new Error(`the digit is not in the message: ${error.message}`);
  });

  add('a 1 MB body is parsed, not refused or crashed on', (m) => {
    const big = JSON.stringify({ Call: { Sid: 'abc', Status: 'completed', Filler: 'x'.repeat(1 << 20) } });
    equal(m.parseCall(big).sid, 'abc', 'sid');
  });

  return list;
}
