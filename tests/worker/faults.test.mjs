// Fault injection: the Worker in workerd against a mock Exotel on 127.0.0.1
// that answers 401, 403 (NDNC, JSON and XML), other 4xx, 429, 500, 502, 503, too slowly or
// never, with truncated or malformed JSON and XML, bodies that are not Exotel's, a dropped
// connection, or not at all (connection refused). Each fault gives the documented error
// (status, code, message), a stored record of what happened (the call row's status, outcome
// and failure, and its `connect` event, read through the admin view and finally from D1), and
// exactly one connect request seen by the mock: a connect request is never retried.
//
// One Worker serves the file; each case uses its own number, so its call is easy to find.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { createClient } from '../support/client.mjs';
import { startMockExotel } from '../support/mock-exotel.mjs';
import { assertWorkerLeaksNothing } from '../support/secrets.mjs';
import { freePort, startWorker } from '../support/worker.mjs';

const CALLBACK_SECRET = randomBytes(32).toString('hex');
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;
const TIMEOUT_MS = 1000;

const UNAVAILABLE = 'the calling service is not responding; please try again in a minute';
const BUSY = 'the calling service is busy; please try again shortly';
const REJECTED = {
  400: 'the calling service refused the request as invalid',
  401: "the calling service did not accept this site's credentials",
  402: "this site's calling plan has reached its limit",
  403: 'the calling service refused to call this number',
  dnd: 'this number is on the Do-Not-Disturb registry, so the calling service will not call it until the number has called this business',
  404: "the calling service did not recognise this site's account or call flow",
  409: 'the calling service refused the call',
};

let exotel;
let worker;
let client;
/** Every case's expectations, checked against D1 once more at the end. */
const expected = [];

before(async () => {
  // A port below the ephemeral range, so the mock can stop listening and come back on it.
  exotel = await startMockExotel({ port: await freePort() });
  worker = await startWorker({
    // The cron runs here too: a reconciler that resent a connect request for a call a fault
    // left open must show up in the mock's counts.
    testScheduled: true,
    vars: {
      ...exotel.workerVars(),
      RECONCILE_AFTER_SECONDS: '0',
      EXOTEL_CALLER_ID: '08047112400',
      EXOTEL_APP_ID: '926',
      EXOTEL_TIMEOUT_MS: String(TIMEOUT_MS),
      CALLBACK_SECRET,
      // Outcomes are under test here, not second tries (schedule.test.mjs has those).
      RETRY_ATTEMPTS: '0',
      ADMIN_TOKEN,
      // Faults, not limits or budgets, are under test here.
      RATE_LIMIT_PER_NUMBER: '1000',
      RATE_LIMIT_PER_CLIENT: '1000',
      RATE_LIMIT_PER_NUMBER_DAY: '100000',
      CALL_BUDGET_PER_HOUR: '100000',
      CALL_BUDGET_PER_DAY: '100000',
    },
  });
  client = createClient(worker.url);
});

after(async () => {
  await worker?.stop();
  await exotel?.stop();
});

let numbers = 0;
/** A valid Indian mobile number no other case used (distinct last four digits). */
function freshNumber() {
  const tail = String(10000 + numbers++);
  return { typed: `98765 ${tail}`, e164: `+9198765${tail}`, masked: `+91******${tail.slice(-4)}` };
}

const connectsTo = (e164) => exotel.connects().filter((r) => r.form.From === e164);

/** The newest call in the admin view (cases run one at a time). */
async function newestCall() {
  const res = await client.get('/api/admin/calls?limit=1', { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(res.status, 200, res.text);
  return res.body.calls[0];
}

/**
 * Makes the next connect request fail with `failure`, places a call, and checks the answer,
 * the mock's count and the stored record. `sent` is how many connect requests the mock sees
 * (1; 0 when it is not listening).
 */
async function injectFault(failure, { status, code, message, failureKind, callStatus, retryAfter, upstreamStatus = null, sent = 1 }) {
  const { typed, e164, masked } = freshNumber();
  if (failure) exotel.failNext(failure);
  const res = await client.createCall(typed);
  assert.equal(res.status, status, res.text);
  assert.equal(res.body.error.code, code);
  assert.equal(res.body.error.message, message);
  assert.ok(!res.text.includes(e164.slice(3)), 'the number is not quoted');
  if (retryAfter !== undefined) {
    assert.equal(res.headers['retry-after'], String(retryAfter));
    assert.equal(res.body.error.retryAfter, retryAfter);
  } else {
    assert.equal(res.headers['retry-after'], undefined);
  }
  assert.equal(connectsTo(e164).length, sent, 'sent once, never retried');

  const call = await newestCall();
  assert.equal(call.phone, masked, 'the newest call is this one');
  assert.deepEqual(
    { status: call.status, outcome: call.outcome, failure: call.failure, upstreamStatus: call.upstreamStatus, exotelSid: call.exotelSid },
    { status: callStatus, outcome: code, failure: failureKind, upstreamStatus, exotelSid: null },
  );
  assert.deepEqual(call.events.map((e) => [e.source, e.status, e.applied, e.detail]), [
    ['connect', callStatus, true, { error: code }],
  ]);
  expected.push({ e164, status: callStatus, outcome: code, failure: failureKind, sent });
  return { res, call, e164 };
}

const xmlException = (status, message) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<TwilioResponse><RestException><Status>${status}</Status><Message>${message}</Message></RestException></TwilioResponse>\n`;

describe('Exotel refuses the call (4xx): 502 exotel_rejected, the call failed', () => {
  const NDNC = 'Call to 09876510000 cannot be made because of TRAI NDNC regulations';
  for (const format of ['json', 'xml']) {
    test(`403 NDNC (${format}): a safe message, not Exotel's wording, with the reason and the way through`, async () => {
      const { res } = await injectFault({ status: 403, format, message: NDNC }, {
        status: 502, code: 'exotel_rejected', message: REJECTED.dnd, failureKind: 'rejected', upstreamStatus: 403, callStatus: 'failed',
      });
      assert.equal(res.body.error.reason, 'dnd');
      assert.equal(res.body.error.missedCallNumber, '+918047112400');
      assert.ok(!res.text.includes('NDNC') && !res.text.includes('9876510000'), res.text);
    });
  }

  for (const status of [401, 400, 402, 404, 409]) {
    test(`${status}: its own message`, async () => {
      await injectFault({ status, message: `Mock refusal ${status}` }, {
        status: 502, code: 'exotel_rejected', message: REJECTED[status], failureKind: 'rejected', upstreamStatus: status, callStatus: 'failed',
      });
    });
  }

  test('401 with a proxy-style plain body (no RestException): still a refusal, not garbage', async () => {
    // Exotel's edge can answer auth failures without its envelope.
    const { call } = await injectFault({ kind: 'raw', status: 401, type: 'text/plain', body: 'Unauthorized' }, {
      status: 502, code: 'exotel_rejected', message: REJECTED[401], failureKind: 'rejected', upstreamStatus: 401, callStatus: 'failed',
    });
    assert.equal(call.outcome, 'exotel_rejected');
  });
});

describe('Exotel is busy (429): 503 upstream_busy with Retry-After, the call failed', () => {
  test('429 with Retry-After: 7', async () => {
    await injectFault({ status: 429, retryAfter: 7 }, {
      status: 503, code: 'upstream_busy', message: BUSY, failureKind: 'busy_429', upstreamStatus: 429, callStatus: 'failed', retryAfter: 7,
    });
  });

  test('429 without Retry-After: the default 60 s', async () => {
    await injectFault({ status: 429 }, {
      status: 503, code: 'upstream_busy', message: BUSY, failureKind: 'busy_429', upstreamStatus: 429, callStatus: 'failed', retryAfter: 60,
    });
  });
});

describe('Exotel is down (5xx): 502 upstream_unavailable, the call unknown', () => {
  const down = { status: 502, code: 'upstream_unavailable', message: UNAVAILABLE, failureKind: 'upstream_5xx', callStatus: 'unknown' };
  test('500 with a JSON RestException', () => injectFault({ status: 500 }, down));
  test('502 from a proxy: an HTML page', () => injectFault({ kind: 'html', status: 502 }, down));
  test('503 with an XML RestException', () => injectFault({ status: 503, format: 'xml' }, down));
  test('500 with a truncated body', () =>
    injectFault({ kind: 'raw', status: 500, type: 'application/json', body: '{"RestException": {"Sta' }, down));
});

describe('Exotel answers too late, or never: 502 upstream_unavailable, timeout, the call unknown', () => {
  const late = { status: 502, code: 'upstream_unavailable', message: UNAVAILABLE, failureKind: 'timeout', callStatus: 'unknown' };

  test('a hang: given up after EXOTEL_TIMEOUT_MS', async () => {
    const { call } = await injectFault({ kind: 'hang' }, late);
    // The Worker's own record of how long it waited: at least the 1 s set, and not the 8 s
    // default (the mock never answers, so only the setting can end the wait).
    const record = await worker.waitForRecord({ event: 'call_not_placed', call: call.id, kind: 'timeout' });
    assert.ok(record.ms >= TIMEOUT_MS && record.ms < 8000, `waited ${record.ms} ms`);
  });

  test('slowly past the timeout (the call was placed): its own callback still settles it', async () => {
    const { e164 } = await injectFault({ kind: 'slow', delayMs: 2500 }, late);
    // Exotel did place it; its callback carries the token minted for this call.
    const [connect] = connectsTo(e164);
    const id = decodeURIComponent(connect.form.StatusCallback.split('/').pop()).split('.')[0];
    assert.equal((await client.get(`/api/calls/${id}`)).body.status, 'unknown');
    const callback = await exotel.sendCallback(connect.sid, { Status: 'completed' });
    assert.equal(callback.status, 200, callback.body);
    assert.deepEqual(JSON.parse(callback.body), { ok: true, applied: true });
    assert.equal((await client.get(`/api/calls/${id}`)).body.status, 'completed');
    const call = await newestCall();
    assert.equal(call.exotelSid, connect.sid, 'the Sid learned from the callback');
    assert.deepEqual(call.events.map((e) => [e.source, e.status, e.applied]), [
      ['connect', 'unknown', true],
      ['callback', 'completed', true],
    ]);
    // The record keeps what happened to the connect request; the call is now known placed.
    Object.assign(expected.at(-1), { status: 'completed', outcome: 'placed' });
  });
});

describe('Exotel answers 200 with something that is not a call: 502 upstream_unavailable, garbage', () => {
  const garbage = { status: 502, code: 'upstream_unavailable', message: UNAVAILABLE, failureKind: 'garbage', callStatus: 'unknown' };
  const bodies = [
    ['truncated JSON', 'application/json', '{"Call": [1, 2'],
    ['JSON cut mid-call', 'application/json', '{"Call": {"Sid": "80bfbec2d78bbbf10fb851f4fa165211", "Status": "que'],
    ['JSON that is not Exotel\'s', 'application/json', '{"hello": "world"}'],
    ['a call without a Sid', 'application/json', '{"Call": {"Status": "queued"}}'],
    ['truncated XML', 'application/xml', '<?xml version="1.0"?>\n<TwilioResponse><Call><Sid>80bfbec2d78bbbf10fb851f4fa165211</Sid><Status>que'],
    ['malformed XML (crossed tags)', 'application/xml', '<TwilioResponse><Call><Sid>80bfbec2d78bbbf10fb851f4fa165211</Status></Sid></Call></TwilioResponse>'],
    ['an HTML page with 200', 'text/html', '<html><body>Maintenance</body></html>'],
    ['an empty body', 'application/json', ''],
    ['binary noise', 'application/octet-stream', '\u0000\u0001\u00ff\u00fe'],
  ];
  for (const [name, type, body] of bodies) {
    test(name, () => injectFault({ kind: 'raw', status: 200, type, body }, garbage));
  }
});

describe('the connection fails: 502 upstream_unavailable, network, the call unknown', () => {
  const network = { status: 502, code: 'upstream_unavailable', message: UNAVAILABLE, failureKind: 'network', callStatus: 'unknown' };

  test('dropped after the request was read (it may have been placed): not resent', () =>
    injectFault({ kind: 'reset' }, network));

  test('connection refused: nothing reached Exotel, and nothing is sent once it is back', async () => {
    await exotel.down();
    try {
      await injectFault(null, { ...network, sent: 0 });
    } finally {
      await exotel.up();
    }
    // The Worker is fine, and the next call goes through.
    const { typed, e164 } = freshNumber();
    const ok = await client.createCall(typed);
    assert.equal(ok.status, 201, ok.text);
    assert.equal(connectsTo(e164).length, 1);
    expected.push({ e164, status: 'queued', outcome: 'placed', failure: null, sent: 1 });
  });
});

describe('afterwards', () => {
  test('D1 holds one row per attempt with what happened; the mock saw each request once, cron runs included', async () => {
    // The cron is what would resend a request for a call left open or unknown: let it run
    // (each run is finished when scheduled() resolves), then count.
    for (let run = 0; run < 3; run++) assert.equal(await worker.scheduled(), 200);
    await worker.waitForRecord({ event: 'reconcile_run' });
    const rows = await worker.query('SELECT phone, status, outcome, failure, error_detail, exotel_sid FROM calls');
    assert.equal(rows.length, expected.length);
    const byPhone = new Map(rows.map((r) => [r.phone, r]));
    for (const want of expected) {
      const row = byPhone.get(want.e164);
      assert.ok(row, `a row for ${want.e164}`);
      assert.deepEqual(
        { status: row.status, outcome: row.outcome, failure: row.failure },
        { status: want.status, outcome: want.outcome, failure: want.failure },
        want.e164,
      );
      // The operator-only detail says what came back (or did not).
      if (want.failure) assert.ok(row.error_detail?.length > 0, `${want.e164}: error_detail`);
      assert.equal(connectsTo(want.e164).length, want.sent, `${want.e164}: connect requests`);
    }
    assert.equal(exotel.connects().length, expected.reduce((n, e) => n + e.sent, 0));
    console.log(`# faults: ${expected.length - 1} injected faults, ${exotel.connects().length} connect requests seen by the mock`);
  });

  test('no response and no log line carries a credential, secret or callback token', () => {
    const scanned = assertWorkerLeaksNothing({
      transcript: client.transcript(),
      worker,
      exotel,
      secrets: { CALLBACK_SECRET, ADMIN_TOKEN },
    });
    assert.ok(client.seen.length > 50, `scanned ${client.seen.length} responses`);
    assert.ok(scanned.tokens >= expected.length - 1);
  });
});
