// A mock of Exotel's voice API on 127.0.0.1, for the Worker's tests (and `make dev` pointed at
// it by .dev.vars). It checks requests the way the real API does, records them, answers with
// Exotel's bodies, can be told to fail, and sends status callbacks like Exotel's.
//
//   const exotel = await startMockExotel();
//   exotel.url            // http://127.0.0.1:<port>, for EXOTEL_BASE_URL
//   exotel.requests       // every request: { method, path, headers, form, body }
//   exotel.failNext({ status: 403, format: 'xml' })   // or { kind: 'hang' | 'garbage' | 'html' | ... }
//   exotel.addDnd('+919876543210')    // on the DND registry: connect answers 403 NDNC
//   exotel.missedCall('+919876543210') // the number called the ExoPhone: whitelisted (Customer)
//   await exotel.sendCallback(sid, { Status: 'completed' }, { as: 'multipart' })
//
// Run alone: `node tests/support/mock-exotel.mjs [port]` prints the .dev.vars lines to use.

import http from 'node:http';
import { randomBytes } from 'node:crypto';

const MAX_TIME_LIMIT = 14400;

/** Exotel's `YYYY-MM-DD HH:mm:ss`, in IST. */
export function exotelTime(ms = Date.now()) {
  return new Date(ms + 330 * 60 * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

function restException(status, message, format) {
  if (format === 'xml') {
    return {
      type: 'application/xml',
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<TwilioResponse><RestException><Status>${status}</Status><Message>${message}</Message></RestException></TwilioResponse>\n`,
    };
  }
  return {
    type: 'application/json',
    body: JSON.stringify({ RestException: { Status: status, Message: message } }),
  };
}

function callBody(call, format) {
  const fields = {
    Sid: call.sid,
    ParentCallSid: null,
    DateCreated: call.dateCreated,
    DateUpdated: call.dateUpdated,
    AccountSid: call.accountSid,
    To: call.callerId,
    From: call.from,
    PhoneNumberSid: call.callerId,
    Status: call.status,
    StartTime: call.dateCreated,
    EndTime: call.endTime ?? null,
    Duration: call.duration ?? null,
    Price: call.price ?? null,
    Direction: 'outbound-api',
    AnsweredBy: null,
    ForwardedFrom: null,
    CallerName: null,
    Uri: `/v1/Accounts/${call.accountSid}/Calls.json/${call.sid}`,
    RecordingUrl: call.recordingUrl ?? null,
  };
  if (format === 'xml') {
    const inner = Object.entries(fields)
      .map(([k, v]) => (v === null ? `  <${k}/>` : `  <${k}>${v}</${k}>`))
      .join('\n');
    return {
      type: 'application/xml',
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<TwilioResponse>\n <Call>\n${inner}\n </Call>\n</TwilioResponse>\n`,
    };
  }
  return { type: 'application/json', body: JSON.stringify({ Call: fields }) };
}

/** Checks a connect request's form as Exotel does; returns an error message or null. */
function checkConnectForm(form, accountSid) {
  for (const name of ['From', 'CallerId', 'Url']) {
    if (!form.get(name)) return `Missing parameter: ${name}`;
  }
  const phone = /^(\+[1-9]\d{7,14}|0\d{9,11})$/;
  if (!phone.test(form.get('From'))) return 'From is not a valid phone number';
  if (!phone.test(form.get('CallerId'))) return 'CallerId is not a valid phone number';
  const flow = new RegExp(`^https?://my\\.exotel\\.com/${accountSid}/exoml/start_voice/[A-Za-z0-9]+$`);
  if (!flow.test(form.get('Url'))) {
    return `Url must be http://my.exotel.com/${accountSid}/exoml/start_voice/<app_id>`;
  }
  for (const name of ['TimeLimit', 'TimeOut']) {
    const value = form.get(name);
    if (value === null) continue;
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_TIME_LIMIT) {
      return `${name} must be a whole number of seconds up to ${MAX_TIME_LIMIT}`;
    }
  }
  const callback = form.get('StatusCallback');
  if (callback !== null && !/^https?:\/\/[^\s]+$/.test(callback)) {
    return 'StatusCallback must be an http(s) URL';
  }
  const callType = form.get('CallType');
  if (callType !== null && callType !== 'trans') return 'CallType must be trans';
  // Exotel's newer pages document 128 characters as CustomField's maximum.
  const custom = form.get('CustomField');
  if (custom !== null && ([...custom].length > 128 || /[\u0000-\u001f\u007f]/.test(custom))) {
    return 'CustomField must be at most 128 characters, with no control characters';
  }
  return null;
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts the mock. Options: accountSid, apiKey, apiToken, port (0 = any free port),
 * connectStatus (the status a new call starts in, default `queued`), autoCallbackMs (when set,
 * every placed call completes that long after it was placed, with a status callback).
 */
export async function startMockExotel({
  accountSid = 'mockaccount1',
  apiKey = `mock-key-${randomBytes(8).toString('hex')}`,
  apiToken = `mock-token-${randomBytes(12).toString('hex')}`,
  port = 0,
  connectStatus = 'queued',
  autoCallbackMs = null,
} = {}) {
  const requests = [];
  const calls = new Map();
  const failures = [];
  const whitelistFailures = [];
  const heldAnswers = [];
  /** Numbers on the DND registry. */
  const dnd = new Set();
  /** E.164 -> { type, expiresAt (ms, or null for never), pending } for whitelisted numbers. */
  const whitelisted = new Map();
  const hanging = new Set();
  const expectedAuth = `Basic ${Buffer.from(`${apiKey}:${apiToken}`).toString('base64')}`;

  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url, 'http://mock');
    const form = new URLSearchParams(body);
    const record = {
      method: req.method,
      path: url.pathname,
      query: url.search,
      headers: req.headers,
      body,
      form: Object.fromEntries(form),
      time: Date.now(),
    };
    requests.push(record);
    let delayMs = 0;
    let held = false;
    const send = (status, { type, body: text }, headers = {}) => {
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(status, { 'Content-Type': type, ...headers });
        res.end(text);
      };
      if (held) {
        hanging.add(res);
        heldAnswers.push(answer);
      } else if (delayMs > 0) {
        hanging.add(res);
        setTimeout(answer, delayMs).unref();
      } else {
        answer();
      }
    };

    const whitelist = url.pathname.match(/^\/v1\/Accounts\/([^/]+)\/CustomerWhitelist(?:\/([^/]+?))?(\.json)?$/);
    if (whitelist) return customerWhitelist(req, whitelist, form, record, send);

    const match = url.pathname.match(/^\/v1\/Accounts\/([^/]+)\/Calls\/([^/]+?)(\.json)?$/);
    const format = match?.[3] ? 'json' : 'xml';
    if (!match) return send(404, restException(404, 'Not found', format));

    // A request is checked as Exotel would check it before any injected fault applies, so a
    // Worker that sent a broken request while Exotel was failing is still caught: the fault
    // is not spent, and the answer is Exotel's refusal of the request.
    const problem = requestProblem(req, match, form);
    if (problem) {
      record.problem = problem.message;
      return send(problem.status, restException(problem.status, problem.message, format));
    }
    const failure = failures.shift();
    if (failure?.kind === 'slow') {
      // Does the work (places the call), but answers too late.
      record.failedWith = failure;
      delayMs = failure.delayMs ?? 5000;
    } else if (failure?.kind === 'held') {
      // Does the work, and answers when the test says so (releaseHeld()).
      record.failedWith = failure;
      held = true;
    } else if (failure) {
      record.failedWith = failure;
      if (failure.kind === 'hang') {
        hanging.add(res);
        return undefined; // never answers; closed by stop()
      }
      if (failure.kind === 'reset') {
        // Reads the request, then drops the connection without a word.
        req.socket.destroy();
        return undefined;
      }
      if (failure.kind === 'garbage') return send(200, { type: 'application/json', body: '{"Call": [1, 2' });
      if (failure.kind === 'raw') {
        return send(failure.status ?? 200, { type: failure.type ?? 'application/json', body: failure.body });
      }
      if (failure.kind === 'html') {
        return send(failure.status ?? 502, { type: 'text/html', body: '<html><body>Bad gateway</body></html>' });
      }
      const headers = failure.retryAfter ? { 'Retry-After': String(failure.retryAfter) } : {};
      return send(
        failure.status,
        restException(failure.status, failure.message ?? `Mock failure ${failure.status}`, failure.format ?? format),
        headers,
      );
    }

    if (req.method === 'POST' && match[2] === 'connect') {
      const from = form.get('From');
      if (dnd.has(from) && !isWhitelisted(from)) {
        // Exotel's wording, with the number in the national form it masks.
        return send(403, restException(403, `Call to 0XXXXX${from.slice(-5)} cannot be made because of TRAI NDNC regulations`, format));
      }
      const now = exotelTime();
      const call = {
        sid: randomBytes(16).toString('hex'),
        accountSid,
        from: form.get('From'),
        callerId: form.get('CallerId'),
        flowUrl: form.get('Url'),
        statusCallback: form.get('StatusCallback'),
        timeLimit: form.get('TimeLimit'),
        timeOut: form.get('TimeOut'),
        status: connectStatus,
        dateCreated: now,
        dateUpdated: now,
      };
      calls.set(call.sid, call);
      record.sid = call.sid;
      if (autoCallbackMs !== null && call.statusCallback) {
        setTimeout(() => {
          Object.assign(call, { status: 'completed', dateUpdated: exotelTime(), endTime: exotelTime(), duration: 42 });
          mock.sendCallback(call.sid, { Status: 'completed' }).catch(() => {});
        }, autoCallbackMs);
      }
      return send(200, callBody(call, format));
    }
    if (req.method === 'GET') {
      const call = calls.get(match[2]);
      if (!call) return send(404, restException(404, 'Call not found', format));
      return send(200, callBody(call, format));
    }
    return send(405, restException(405, 'Method not allowed', format));
  });

  /** What Exotel would refuse in a Calls request (auth, account, the connect form), or null. */
  function requestProblem(req, match, form) {
    if (req.headers.authorization !== expectedAuth) return { status: 401, message: 'Authentication failed' };
    if (match[1] !== accountSid) return { status: 401, message: 'Account mismatch' };
    if (req.method === 'POST' && match[2] === 'connect') {
      if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        return { status: 400, message: 'Expected a form body' };
      }
      const problem = checkConnectForm(form, accountSid);
      if (problem) return { status: 400, message: problem };
    }
    return null;
  }

  const isWhitelisted = (number) => {
    const entry = whitelisted.get(number);
    return Boolean(entry && !entry.pending && (entry.expiresAt === null || entry.expiresAt > Date.now()));
  };

  /** The Customer Whitelist API: POST adds numbers (pending the person's SMS opt-in), GET reads one. */
  function customerWhitelist(req, [, account, number, json], form, record, send) {
    const format = json ? 'json' : 'xml';
    if (req.headers.authorization !== expectedAuth || account !== accountSid) {
      return send(401, restException(401, 'Authentication failed', format));
    }
    const e164 = /^\+[1-9]\d{7,14}$/;
    const virtualNumber = form.get('VirtualNumber') ?? '';
    const numbers = (form.get('Number') ?? '').split(',').filter(Boolean);
    if (req.method === 'POST' && !number) {
      if (!e164.test(virtualNumber)) return send(400, restException(400, 'VirtualNumber must be an ExoPhone', format));
      if (!numbers.length || !numbers.every((n) => e164.test(n))) {
        return send(400, restException(400, 'Number must be one or more phone numbers', format));
      }
    }
    const failure = whitelistFailures.shift();
    if (failure) {
      record.failedWith = failure;
      return send(failure.status, restException(failure.status, failure.message ?? `Mock failure ${failure.status}`, format));
    }
    if (req.method === 'POST' && !number) {
      for (const n of numbers) whitelisted.set(n, { type: 'API', expiresAt: Date.now() + 180 * 86_400_000, pending: true });
      const result = { Total: numbers.length, Succeeded: numbers.length, Failed: 0 };
      return send(200, json
        ? { type: 'application/json', body: JSON.stringify({ Result: result }) }
        : { type: 'application/xml', body: `<TwilioResponse><Result>${Object.entries(result).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</Result></TwilioResponse>` });
    }
    if (req.method === 'GET' && number) {
      const entry = whitelisted.get(decodeURIComponent(number));
      const result = isWhitelisted(decodeURIComponent(number))
        ? { Status: 'Whitelist', Type: entry.type, Expiry: entry.expiresAt === null ? -1 : Math.round((entry.expiresAt - Date.now()) / 1000) }
        : { Status: 'Neutral', Type: '', Expiry: -1 };
      return send(200, json
        ? { type: 'application/json', body: JSON.stringify({ Result: result }) }
        : { type: 'application/xml', body: `<TwilioResponse><Result>${Object.entries(result).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</Result></TwilioResponse>` });
    }
    return send(405, restException(405, 'Method not allowed', format));
  }

  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  // down() and up() reuse it.
  port = server.address().port;
  const baseUrl = `http://127.0.0.1:${server.address().port}`;

  const mock = {
    url: baseUrl,
    accountSid,
    apiKey,
    apiToken,
    requests,
    calls,
    /** The Worker vars that point it at this mock, with the account's credentials. */
    workerVars() {
      return {
        EXOTEL_BASE_URL: baseUrl,
        EXOTEL_ACCOUNT_SID: accountSid,
        EXOTEL_API_KEY: apiKey,
        EXOTEL_API_TOKEN: apiToken,
      };
    },
    /** Requests to the connect endpoint. */
    connects() {
      return requests.filter((r) => r.path.endsWith('/connect') || r.path.endsWith('/connect.json'));
    },
    /**
     * The next request fails: { status, format, message, retryAfter }, or { kind: 'hang' }
     * (never answers), 'garbage' (a broken 200), 'html' (a proxy's error page), 'slow'
     * (does the work, e.g. places the call, then answers after `delayMs`), 'reset' (drops the
     * connection after reading the request), 'held' (does the work, then answers when
     * releaseHeld() is called), or 'raw' ({ kind: 'raw', status, type, body }: exactly that
     * answer).
     */
    failNext(failure) {
      failures.push(failure);
    },
    /** Sends the answers 'held' requests are waiting for. */
    releaseHeld() {
      for (const answer of heldAnswers.splice(0)) answer();
    },
    /** Requests to the Customer Whitelist API. */
    whitelistRequests() {
      return requests.filter((r) => r.path.includes('/CustomerWhitelist'));
    },
    /** Puts `e164` on the DND registry: connect requests for it are refused (403, NDNC). */
    addDnd(e164) {
      dnd.add(e164);
    },
    /** `e164` gave the ExoPhone a missed call: whitelisted for six months (type Customer). */
    missedCall(e164) {
      whitelisted.set(e164, { type: 'Customer', expiresAt: Date.now() + 180 * 86_400_000, pending: false });
    },
    /** The person approved the opt-in SMS the Customer Whitelist API sent them. */
    approveSms(e164) {
      const entry = whitelisted.get(e164);
      if (entry) entry.pending = false;
    },
    /** The next Customer Whitelist request fails with { status, message }. */
    failNextWhitelist(failure) {
      whitelistFailures.push(failure);
    },
    /** What Call Details reports for `sid` from now on. */
    setCall(sid, changes) {
      const call = calls.get(sid);
      if (!call) throw new Error(`no mock call ${sid}`);
      Object.assign(call, { dateUpdated: exotelTime() }, changes);
    },
    /**
     * POSTs a status callback for `sid` to the URL it was placed with, as Exotel does.
     * `fields` override the defaults; `as` is 'urlencoded' (Exotel's default), 'multipart' or
     * 'json'; `url` overrides the target, and then the post is not Exotel's (a forgery, a
     * replay): the mock's own record of the call is left alone. Resolves to
     * { status, body, headers }.
     */
    async sendCallback(sid, fields = {}, { as = 'urlencoded', url } = {}) {
      const call = calls.get(sid);
      const target = url ?? call?.statusCallback;
      if (!target) throw new Error(`no StatusCallback for ${sid}`);
      const values = {
        CallSid: sid,
        Status: 'completed',
        RecordingUrl: '',
        DateUpdated: exotelTime(),
        ...fields,
      };
      // Exotel's own record says what its callback said (Call Details agrees with it).
      const terminal = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
      if (!url && call && terminal.includes(values.Status) && !terminal.includes(call.status)) {
        Object.assign(call, { status: values.Status, dateUpdated: values.DateUpdated });
      }
      let body;
      const headers = {};
      if (as === 'json') {
        body = JSON.stringify(values);
        headers['Content-Type'] = 'application/json';
      } else if (as === 'multipart') {
        body = new FormData();
        for (const [k, v] of Object.entries(values)) body.append(k, String(v));
      } else {
        body = new URLSearchParams(values).toString();
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
      }
      const response = await fetch(target, { method: 'POST', body, headers });
      return { status: response.status, body: await response.text(), headers: response.headers };
    },
    reset() {
      requests.length = 0;
      failures.length = 0;
      whitelistFailures.length = 0;
    },
    /** Stops listening (connections are refused) until up(); the port stays the same. */
    async down() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
    /** Listens again on the same port after down(). */
    async up() {
      await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return mock;
}

// `node tests/support/mock-exotel.mjs [port]`: run the mock for `make dev`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const mock = await startMockExotel({ port: Number(process.argv[2] ?? 9000), autoCallbackMs: 5000 });
  console.log(`mock Exotel on ${mock.url}: calls complete 5 s after they are placed, with a status callback.`);
  console.log('Put this in .dev.vars and run `make dev`:\n');
  console.log(`EXOTEL_MODE=live
EXOTEL_BASE_URL=${mock.url}
EXOTEL_ACCOUNT_SID=${mock.accountSid}
EXOTEL_API_KEY=${mock.apiKey}
EXOTEL_API_TOKEN=${mock.apiToken}
EXOTEL_CALLER_ID=08047112400
EXOTEL_APP_ID=926
CALLBACK_SECRET=${randomBytes(24).toString('hex')}`);
  setInterval(() => {
    for (const r of mock.requests.splice(0)) {
      console.log(`${new Date(r.time).toISOString()} ${r.method} ${r.path}${r.query} ${r.body}`);
    }
  }, 500);
}
