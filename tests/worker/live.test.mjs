// The Worker in live mode against a mock Exotel: the connect request it sends, the errors it
// answers for bad input, status callbacks (duplicate, out of order, multipart and JSON), Call
// Details refreshes, state surviving a restart, and no secret in any response. Exotel's faults
// are in faults.test.mjs; forged and replayed callback tokens in security.test.mjs.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { createClient, pollCall } from '../support/client.mjs';
import { startMockExotel } from '../support/mock-exotel.mjs';
import { callbackToken, logText } from '../support/secrets.mjs';
import { startWorker } from '../support/worker.mjs';

const CALLBACK_SECRET = randomBytes(32).toString('hex');
const ID = /^[A-Za-z0-9_-]{22}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/** The callback token the Worker mints for `id` with this file's secret. */
const tokenFor = (id, secret = CALLBACK_SECRET) => callbackToken(id, secret);

let exotel;
let worker;
let client;

before(async () => {
  exotel = await startMockExotel();
  worker = await startWorker({
    vars: {
      ...exotel.workerVars(),
      EXOTEL_CALLER_ID: '080 4711 2400',
      EXOTEL_APP_ID: '926',
      EXOTEL_TIME_LIMIT: '600',
      EXOTEL_TIME_OUT: '30',
      EXOTEL_HTTP_TIMEOUT_MS: '1500',
      STATUS_REFRESH_MS: '1000',
      CALLBACK_SECRET,
      // Outcomes are under test here, not second tries (schedule.test.mjs has those).
      RETRY_ATTEMPTS: '0',
      // This suite places many calls to one number from one address; the limits themselves are
      // tested in guards.test.mjs. Unknown settings are ignored.
      ALLOWED_ORIGINS: 'http://127.0.0.1:9123',
      ALLOWED_PREFIXES: '+91, +1',
      RATE_LIMIT_PER_NUMBER: '1000',
      RATE_LIMIT_PER_CLIENT: '1000',
      RATE_LIMIT_PER_NUMBER_DAY: '100000',
      CALL_BUDGET_PER_HOUR: '100000',
      CALL_BUDGET_PER_DAY: '100000',
      SOMETHING_ELSE: 'x',
    },
  });
  client = createClient(worker.url);
});

after(async () => {
  await worker?.stop();
  await exotel?.stop();
});

/** Places a call and returns { id, sid, connect } (the mock's record of the request). */
async function placeCall(phone = '98765 43210') {
  const before = exotel.connects().length;
  const res = await client.createCall(phone);
  assert.equal(res.status, 201, res.text);
  const connect = exotel.connects().at(before);
  return { id: res.body.id, sid: connect.sid, connect, res };
}

describe('placing a call', () => {
  test('GET /api/config describes live mode', async () => {
    const res = await client.get('/api/config');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      defaultCountry: 'IN',
      allowedPrefixes: ['+91', '+1'],
      turnstileSiteKey: null,
      sandbox: false,
      // No BUSINESS_HOURS: always open, in the default zone.
      hours: {
        open: true,
        timezone: 'Asia/Kolkata',
        nextOpen: res.body.hours.nextOpen,
        nextClose: null,
        schedule: null,
        holidays: [],
        scheduleMaxDays: 7,
      },
      retry: { attempts: 0, afterSeconds: 300 },
    });
    assert.match(res.body.hours.nextOpen, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30$/);
  });

  test('sends Exotel a correct connect-to-flow request and answers 201', async () => {
    const { id, connect, res } = await placeCall('098765-43210');
    assert.match(id, ID);
    assert.deepEqual(res.body, { id, status: 'queued' });
    assert.match(res.headers['content-type'], /^application\/json/);
    assert.equal(res.headers['cache-control'], 'no-store');

    assert.equal(connect.method, 'POST');
    assert.equal(connect.path, `/v1/Accounts/${exotel.accountSid}/Calls/connect.json`);
    const basic = Buffer.from(`${exotel.apiKey}:${exotel.apiToken}`).toString('base64');
    assert.equal(connect.headers.authorization, `Basic ${basic}`);
    assert.match(connect.headers['content-type'], /^application\/x-www-form-urlencoded/);
    assert.deepEqual(connect.form, {
      From: '+919876543210',
      CallerId: '+918047112400',
      Url: `http://my.exotel.com/${exotel.accountSid}/exoml/start_voice/926`,
      TimeLimit: '600',
      TimeOut: '30',
      StatusCallback: `${worker.url}/exotel/status/${tokenFor(id)}`,
      // The call's id, so the flow (Passthru) or a CRM can find it; no name was given.
      CustomField: `call=${id}`,
    });
  });

  test('the id is not the Sid, and GET shows no number or Sid', async () => {
    const { id, sid } = await placeCall();
    assert.notEqual(id, sid);
    const res = await client.get(`/api/calls/${id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['attempt', 'attempts', 'createdAt', 'id', 'status', 'updatedAt']);
    assert.deepEqual([res.body.attempt, res.body.attempts], [1, 1], 'no second tries here (RETRY_ATTEMPTS=0)');
    assert.equal(res.body.id, id);
    assert.equal(res.body.status, 'queued');
    assert.match(res.body.createdAt, RFC3339);
    assert.match(res.body.updatedAt, RFC3339);
    assert.ok(!res.text.includes(sid));
    assert.ok(!/\d{10}/.test(res.text), res.text);
  });

  test('400 invalid_request for bodies that are not {"phone": "..."}', async () => {
    const cases = [
      ['not json', { body: 'phone=98765', headers: { 'Content-Type': 'application/json' } }],
      ['empty', { body: '', headers: { 'Content-Type': 'application/json' } }],
      ['array', { json: ['98765 43210'] }],
      ['missing phone', { json: { number: '98765 43210' } }],
      ['phone is a number', { json: { phone: 9876543210 } }],
      ['country is a number', { json: { phone: '98765 43210', country: 91 } }],
      ['unknown country', { json: { phone: '98765 43210', country: 'ZZ' } }],
    ];
    for (const [name, init] of cases) {
      const res = await client.request('/api/calls', { method: 'POST', ...init });
      assert.equal(res.status, 400, name);
      assert.equal(res.body.error.code, 'invalid_request', name);
      assert.equal(typeof res.body.error.message, 'string', name);
    }
  });

  test('400 invalid_phone says why, without quoting the digits', async () => {
    const before = exotel.connects().length;
    for (const phone of ['12345', '98765 4321', '+91 98765 4321', 'call me', '+91 98765 4321x', '']) {
      const res = await client.createCall(phone);
      assert.equal(res.status, 400, phone);
      assert.equal(res.body.error.code, 'invalid_phone', phone);
      assert.ok(res.body.error.message.length > 10, res.body.error.message);
      assert.ok(!res.text.includes('987654321'), res.text);
    }
    assert.equal(exotel.connects().length, before, 'nothing was sent to Exotel');
  });

  test('a country code picks the rules for numbers typed without +', async () => {
    const { connect } = await placeCall('+1 415 555 2671');
    assert.equal(connect.form.From, '+14155552671');
    const res = await client.createCall('415 555 2671', { country: 'US' });
    assert.equal(res.status, 201, res.text);
    assert.equal(exotel.connects().at(-1).form.From, '+14155552671');
  });
});

// Exotel refusing or failing (4xx, 429, 5xx, garbage, timeouts, connection errors) is in
// faults.test.mjs.

describe('status callbacks', () => {
  test('a urlencoded callback completes the call; a repeat changes nothing', async () => {
    const { id, sid } = await placeCall();
    const first = await exotel.sendCallback(sid, { Status: 'completed', DateUpdated: '2026-11-26 19:10:00' });
    assert.equal(first.status, 200, first.body);
    assert.deepEqual(JSON.parse(first.body), { ok: true, applied: true });
    const done = await client.get(`/api/calls/${id}`);
    assert.equal(done.body.status, 'completed');

    const repeat = await exotel.sendCallback(sid, { Status: 'completed', DateUpdated: '2026-11-26 19:10:00' });
    assert.equal(repeat.status, 200);
    assert.deepEqual(JSON.parse(repeat.body), { ok: true, applied: false });
    const after = await client.get(`/api/calls/${id}`);
    assert.deepEqual(after.body, done.body, 'not even updatedAt moved');

    const events = await worker.query(
      `SELECT source, status, applied FROM call_events WHERE call_id = '${id}' ORDER BY id`,
    );
    assert.deepEqual(events, [
      { source: 'connect', status: 'queued', applied: 0 },
      { source: 'callback', status: 'completed', applied: 1 },
    ]);
  });

  test('multipart and JSON callbacks are read too', async () => {
    for (const [as, status] of [['multipart', 'busy'], ['json', 'no-answer']]) {
      const { id, sid } = await placeCall();
      const res = await exotel.sendCallback(sid, { Status: status }, { as });
      assert.equal(res.status, 200, `${as}: ${res.body}`);
      assert.equal((await client.get(`/api/calls/${id}`)).body.status, status, as);
    }
  });

  test('out of order: a late non-terminal or second outcome never overwrites the first', async () => {
    const { id, sid } = await placeCall();
    assert.equal((await exotel.sendCallback(sid, { Status: 'in-progress' }, { as: 'json' })).status, 200);
    assert.equal((await client.get(`/api/calls/${id}`)).body.status, 'in-progress');
    assert.equal((await exotel.sendCallback(sid, { Status: 'failed' })).status, 200);
    const settled = await client.get(`/api/calls/${id}`);
    assert.equal(settled.body.status, 'failed');
    for (const late of ['ringing', 'in-progress', 'queued', 'completed', 'something-new']) {
      const res = await exotel.sendCallback(sid, { Status: late });
      assert.equal(res.status, 200, late);
      assert.equal(JSON.parse(res.body).applied, false, late);
    }
    assert.deepEqual((await client.get(`/api/calls/${id}`)).body, settled.body);
  });

  // Forged, malformed, foreign and replayed tokens are in security.test.mjs.

  test('a body that is not a callback: 400 invalid_callback, nothing changes', async () => {
    const { id } = await placeCall();
    const target = `${worker.url}/exotel/status/${tokenFor(id)}`;
    const bodies = [
      ['', 'application/x-www-form-urlencoded'],
      ['Status=completed', 'application/x-www-form-urlencoded'],
      ['{"CallSid": "abc"', 'application/json'],
      ['<html>hi</html>', 'text/html'],
    ];
    for (const [body, type] of bodies) {
      const res = await client.post(target, { body, headers: { 'Content-Type': type } });
      assert.equal(res.status, 400, body);
      assert.equal(res.body.error.code, 'invalid_callback', body);
    }
    assert.equal((await client.get(`/api/calls/${id}`)).body.status, 'queued');
  });
});

describe('reading a call', () => {
  test('a call in flight is refreshed from Call Details, at most once a second, counting the connect answer', async () => {
    const { id, sid } = await placeCall();
    exotel.setCall(sid, { status: 'in-progress' });
    const detailsRequests = () => exotel.requests.filter((r) => r.method === 'GET' && r.path.includes(sid)).length;
    // The clock is driven through the stored time of the last look, not waited for: each GET
    // below is either well inside the interval or well past it, however slow the machine.
    const lastLook = async () => (await worker.query(`SELECT refreshed_at, placed_at FROM calls WHERE id = '${id}'`))[0];
    const lookedAt = (ms) => worker.query(`UPDATE calls SET refreshed_at = ${ms} WHERE id = '${id}'`);
    const justNow = () => lookedAt(Date.now() + 3_600_000);
    const longAgo = () => lookedAt(0);

    // Exotel's answer to the connect request was a look at the call: with no other look yet,
    // the placing time stands for one (here moved ahead, so the GET is inside the interval).
    const placed = await lastLook();
    assert.equal(placed.refreshed_at, null);
    await worker.query(`UPDATE calls SET placed_at = ${Date.now() + 3_600_000} WHERE id = '${id}'`);
    const early = await client.get(`/api/calls/${id}`);
    assert.equal(early.body.status, 'queued');
    assert.equal(detailsRequests(), 0, 'none within the interval');
    await worker.query(`UPDATE calls SET placed_at = ${placed.placed_at} WHERE id = '${id}'`);

    await longAgo();
    const first = await client.get(`/api/calls/${id}`);
    assert.equal(first.body.status, 'in-progress');
    assert.equal(detailsRequests(), 1);
    const detailsRequest = exotel.requests.find((r) => r.method === 'GET' && r.path.includes(sid));
    assert.equal(detailsRequest.path, `/v1/Accounts/${exotel.accountSid}/Calls/${sid}.json`);
    assert.equal(detailsRequest.query, '?details=true');
    assert.ok((await lastLook()).refreshed_at > 0, 'the look is recorded');

    exotel.setCall(sid, { status: 'completed', duration: 17 });
    await justNow();
    await client.get(`/api/calls/${id}`);
    assert.equal(detailsRequests(), 1, 'throttled');
    await longAgo();
    const done = await client.get(`/api/calls/${id}`);
    assert.equal(done.body.status, 'completed');
    assert.equal(done.body.duration, 17);
    assert.equal(detailsRequests(), 2);
    await longAgo();
    await client.get(`/api/calls/${id}`);
    assert.equal(detailsRequests(), 2, 'settled calls with a duration are not refreshed');
  });

  test('404 not_found for unknown and malformed ids', async () => {
    for (const id of ['A'.repeat(22), 'nope', 'A'.repeat(23), '..%2F..%2Fetc']) {
      const res = await client.get(`/api/calls/${id}`);
      assert.equal(res.status, 404, id);
      assert.equal(res.body.error.code, 'not_found', id);
    }
  });
});

describe('routing', () => {
  test('wrong methods: 405 with Allow; unknown API paths: 404', async () => {
    const cases = [
      ['GET', '/api/calls', 'POST'],
      ['PUT', `/api/calls/${'A'.repeat(22)}`, 'GET, DELETE'],
      ['POST', '/api/config', 'GET'],
      ['GET', `/exotel/status/${'A'.repeat(22)}`, 'POST'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await client.request(path, { method });
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.body.error.code, 'method_not_allowed');
      assert.equal(res.headers.allow, allow);
    }
    for (const path of ['/api', '/api/', '/api/nope', '/api/calls/a/b', '/exotel/other']) {
      const res = await client.get(path);
      assert.equal(res.status, 404, path);
      assert.equal(res.body.error.code, 'not_found', path);
    }
  });

  test('everything else is the static page', async () => {
    const res = await client.get('/');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /text\/html/);
    assert.match(res.text, /<html|<!doctype/i);
  });
});

describe('restart', () => {
  test('each start of the wasm logs worker_started, before the first request it serves', async () => {
    const starts = () => worker.records().filter((r) => r.event === 'worker_started').length;
    assert.equal(worker.records()[0]?.event, 'worker_started', 'the first line the Worker wrote');
    const before = starts();
    await worker.restart();
    const res = await client.get('/api/config');
    assert.equal(res.status, 200);
    // The new start's line may reach the test a moment after the response does.
    await worker.waitForRecord(() => starts() > before);
    assert.equal(starts(), before + 1, 'one line for the new start');
  });

  test('accepted state survives a restart, and callbacks still verify', async () => {
    const done = await placeCall();
    await exotel.sendCallback(done.sid, { Status: 'completed' });
    const pending = await placeCall();
    const before = (await client.get(`/api/calls/${done.id}`)).body;

    await worker.restart();

    assert.deepEqual((await client.get(`/api/calls/${done.id}`)).body, before);
    const res = await exotel.sendCallback(pending.sid, { Status: 'busy' });
    assert.equal(res.status, 200, res.body);
    const { body } = await pollCall(client, pending.id, (b) => b.status === 'busy', { timeoutMs: 3000 });
    assert.equal(body.status, 'busy');
  });
});

describe('secrets', () => {
  test('no response and no log line carries the API key, token or callback secret', async () => {
    const transcript = client.transcript();
    const logs = logText(worker.logs());
    const basic = Buffer.from(`${exotel.apiKey}:${exotel.apiToken}`).toString('base64');
    for (const secret of [exotel.apiKey, exotel.apiToken, CALLBACK_SECRET, basic]) {
      assert.ok(!transcript.includes(secret), 'a response leaked a secret');
      assert.ok(!logs.includes(secret), 'a log line leaked a secret');
    }
    assert.ok(client.seen.length > 50, `scanned ${client.seen.length} responses`);
  });
});
