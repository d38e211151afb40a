// Hostile input: oversized bodies, wrong content types, invalid UTF-8, XML
// with a DTD or entity expansion, deeply nested JSON, CR/LF and other control characters,
// path traversal on the static files, very long URLs. Each is refused with the documented
// status, code and message; the Worker keeps serving; and nothing is written: no call, no
// event, no per-number rate-limit row (the per-client limit counts every POST /api/calls, as
// documented). Faults that are Exotel's (its answers) leave the failure record they should.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { createClient } from '../support/client.mjs';
import { startMockExotel } from '../support/mock-exotel.mjs';
import { assertWorkerLeaksNothing, workerLines } from '../support/secrets.mjs';
import { startWorker } from '../support/worker.mjs';

const CALLBACK_SECRET = randomBytes(32).toString('hex');
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;

const NOT_JSON = 'expected a JSON body like {"phone": "98765 43210"}, but got something else';
const UNAVAILABLE = 'the calling service is not responding; please try again in a minute';

let exotel;
let worker;
let client;
/** The call whose genuine callback URL the callback cases aim at. */
let target;
/** Raw requests' records (the client keeps its own), for the secret scan. */
const rawSeen = [];
/** POST /api/calls requests that reached the Worker (each counts against the client limit). */
let posts = 0;
/** Callbacks logged for the target call (accepted, not necessarily applied). */
let targetEvents = 0;
/** Calls this suite expects in D1 at the end: e164 -> { status, outcome, failure }. */
const expectedCalls = new Map();

before(async () => {
  exotel = await startMockExotel();
  worker = await startWorker({
    vars: {
      ...exotel.workerVars(),
      EXOTEL_CALLER_ID: '08047112400',
      EXOTEL_APP_ID: '926',
      EXOTEL_TIMEOUT_MS: '2000',
      CALLBACK_SECRET,
      // Outcomes are under test here, not second tries (schedule.test.mjs has those).
      RETRY_ATTEMPTS: '0',
      ADMIN_TOKEN,
      RATE_LIMIT_PER_CLIENT: '1000',
      RATE_LIMIT_PER_NUMBER_DAY: '100000',
      CALL_BUDGET_PER_HOUR: '100000',
      CALL_BUDGET_PER_DAY: '100000',
    },
  });
  client = createClient(worker.url);
  const res = await postCall({ json: { phone: '98765 20000' } });
  assert.equal(res.status, 201, res.text);
  const connect = exotel.connects().at(-1);
  target = { id: res.body.id, sid: connect.sid, url: new URL(connect.form.StatusCallback).pathname };
  expectedCalls.set('+919876520000', { status: 'completed', outcome: 'placed', failure: null });
});

after(async () => {
  await worker?.stop();
  await exotel?.stop();
});

/** POST /api/calls through the client (counted). */
function postCall(init) {
  posts++;
  return client.request('/api/calls', { method: 'POST', ...init });
}

/** One request exactly as given: the path is not normalized (unlike fetch's). */
function raw(path, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: worker.port, path, method, headers }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let parsed;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        const record = { status: res.statusCode, headers: res.headers, text, body: parsed };
        rawSeen.push(`${record.status} ${JSON.stringify(record.headers)}\n${text}`);
        worker.record({ method, path, status: res.statusCode, statusText: res.statusMessage, headers: res.headers, text, sent: body });
        resolve(record);
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function assertError(res, status, code, message) {
  assert.equal(res.status, status, `${res.status} ${res.text?.slice(0, 300)}`);
  assert.equal(res.body?.error?.code, code, res.text?.slice(0, 300));
  if (message instanceof RegExp) assert.match(res.body.error.message, message);
  else if (message !== undefined) assert.equal(res.body.error.message, message);
}

/** Everything the operator view shows (calls, statuses, events, updatedAt): a write shows here. */
async function snapshot() {
  const res = await client.get('/api/admin/calls?limit=200', { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(res.status, 200, res.text);
  return res.body.calls;
}

/** Runs `refusals`, then checks that nothing was written and the Worker still serves. */
async function nothingWritten(refusals) {
  const before = await snapshot();
  const connects = exotel.connects().length;
  await refusals();
  assert.deepEqual(await snapshot(), before, 'no call, event or status changed');
  assert.equal(exotel.connects().length, connects, 'nothing was sent to Exotel');
  await assertStillServes();
}

async function assertStillServes() {
  const config = await client.get('/api/config');
  assert.equal(config.status, 200);
  assert.equal(config.body.sandbox, false);
  const page = await client.get('/');
  assert.equal(page.status, 200);
  assert.match(page.text, /<html|<!doctype/i);
}

const callbackBody = (fields) => new URLSearchParams({ CallSid: target.sid, Status: 'busy', ...fields }).toString();
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

describe('wrong content types', () => {
  test('POST /api/calls: 415 unless declared application/json', () =>
    nothingWritten(async () => {
      const body = JSON.stringify({ phone: '98765 20002' });
      const types = [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'text/json',
        'application/jsonx',
        'application/json-patch+json',
        'application/json, text/plain',
        'json',
      ];
      for (const type of types) {
        assertError(await postCall({ body, headers: { 'Content-Type': type } }), 415, 'unsupported_media_type', 'expected `Content-Type: application/json`');
      }
      // No Content-Type at all.
      assertError(await postCall({ body: new Blob([body]) }), 415, 'unsupported_media_type');
    }));

  // (A form or JSON body labelled text/plain, text/html or application/octet-stream is read by
  // its bytes: senders mislabel bodies, and the token, not the label, is the credential.)
  test('a status callback that is HTML, XML, an image, a PDF or CSV: 400 invalid_callback', () =>
    nothingWritten(async () => {
      const cases = [
        ['text/html', '<html><body>CallSid=x</body></html>'],
        ['application/xml', `<StatusCallback><CallSid>${target.sid}</CallSid><Status>busy</Status></StatusCallback>`],
        ['image/png', callbackBody({})],
        ['application/pdf', callbackBody({})],
        ['text/csv', callbackBody({})],
      ];
      for (const [type, body] of cases) {
        assertError(await client.post(target.url, { body, headers: { 'Content-Type': type } }), 400, 'invalid_callback', /^expected a status callback: /);
      }
    }));
});

describe('invalid UTF-8', () => {
  test('POST /api/calls: 400 invalid_request', () =>
    nothingWritten(async () => {
      const bodies = [
        Buffer.concat([Buffer.from('{"phone": "98765 2000'), Buffer.from([0xff]), Buffer.from('"}')]),
        Buffer.concat([Buffer.from('{"phone": "'), Buffer.from([0xc0, 0xae]), Buffer.from('98765 20003"}')]),
        Buffer.concat([Buffer.from('{"phone": "98765 20003", "x": "'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
        Buffer.from('{"phone": "98765 20003", "x": "\\ud800"}'),
      ];
      for (const body of bodies) {
        assertError(await postCall({ body, headers: { 'Content-Type': 'application/json' } }), 400, 'invalid_request', NOT_JSON);
      }
    }));

  test('a status callback with invalid bytes: 400 invalid_callback', () =>
    nothingWritten(async () => {
      for (const bytes of [[0xff, 0xfe], [0xc0, 0xae], [0xed, 0xa0, 0x80]]) {
        const body = Buffer.concat([Buffer.from(`CallSid=${target.sid}&Status=busy&CustomField=`), Buffer.from(bytes)]);
        assertError(
          await client.post(target.url, { body, headers: FORM }),
          400, 'invalid_callback', 'expected a status callback: expected UTF-8 text, but got invalid bytes',
        );
      }
    }));

  test('percent-encoded invalid UTF-8 in a callback\'s Status: decoded as U+FFFD, logged, never applied', async () => {
    const res = await client.post(target.url, { body: `CallSid=${target.sid}&Status=%FF%FEbusy`, headers: FORM });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { ok: true, applied: false });
    const [call] = (await snapshot()).filter((c) => c.id === target.id);
    assert.equal(call.status, 'queued');
    assert.deepEqual([call.events.at(-1).status, call.events.at(-1).applied], ['\ufffd\ufffdbusy', false]);
    targetEvents++;
  });
});

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<TwilioResponse><Call><Sid>80bfbec2d78bbbf10fb851f4fa165211</Sid><Status>&lol4;</Status></Call></TwilioResponse>`;
const EXTERNAL_ENTITY = `<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY sid SYSTEM "file:///etc/passwd">]>
<TwilioResponse><Call><Sid>&sid;</Sid><Status>queued</Status></Call></TwilioResponse>`;

/** Places a call after making Exotel's next answer `failure`; checks the answer and the record. */
async function exotelAnswers(failure, phone, { status, code, message, failureKind, callStatus }) {
  const e164 = `+91${phone.replace(/\D/g, '')}`;
  exotel.failNext(failure);
  const res = await postCall({ json: { phone } });
  assertError(res, status, code, message);
  assert.equal(exotel.connects().filter((r) => r.form.From === e164).length, 1, 'sent once');
  const [newest] = await snapshot();
  assert.equal(newest.phone, `+91******${e164.slice(-4)}`);
  assert.deepEqual([newest.status, newest.outcome, newest.failure], [callStatus, code, failureKind]);
  expectedCalls.set(e164, { status: callStatus, outcome: code, failure: failureKind });
  await assertStillServes();
}

describe('XML with a DTD or entity expansion: never expanded, refused', () => {
  const garbage = { status: 502, code: 'upstream_unavailable', message: UNAVAILABLE, failureKind: 'garbage', callStatus: 'unknown' };

  test('Exotel answering a billion-laughs document: the answer is garbage, the call unknown', () =>
    exotelAnswers({ kind: 'raw', type: 'application/xml', body: BILLION_LAUGHS }, '98765 20010', garbage));

  test('Exotel answering with an external entity (file:///etc/passwd): garbage', () =>
    exotelAnswers({ kind: 'raw', type: 'application/xml', body: EXTERNAL_ENTITY }, '98765 20011', garbage));

  test('a 403 refusal wrapped in a DTD: still a refusal, nothing expanded', () =>
    exotelAnswers(
      { kind: 'raw', status: 403, type: 'application/xml', body: BILLION_LAUGHS.replace('<Call>', '<RestException><Call>') },
      '98765 20012',
      {
        status: 502,
        code: 'exotel_rejected',
        message: 'the calling service refused to call this number',
        failureKind: 'rejected',
        callStatus: 'failed',
      },
    ));

  test('a status callback or a call request carrying a DTD: 400', () =>
    nothingWritten(async () => {
      for (const type of ['application/xml', 'text/xml', undefined]) {
        const res = await client.post(target.url, { body: BILLION_LAUGHS, headers: type ? { 'Content-Type': type } : {} });
        assertError(res, 400, 'invalid_callback', /^expected a status callback: /);
      }
      assertError(await postCall({ body: BILLION_LAUGHS, headers: { 'Content-Type': 'application/json' } }), 400, 'invalid_request', NOT_JSON);
    }));
});

describe('deeply nested JSON: refused, no stack overflow', () => {
  test('POST /api/calls: 400 invalid_request, nested in an ignored field or at the top', () =>
    nothingWritten(async () => {
      const inField = `{"phone": "98765 20004", "x": ${'['.repeat(1900)}${']'.repeat(1900)}}`;
      const top = `${'['.repeat(2040)}${']'.repeat(2040)}`;
      const objects = `${'{"a":'.repeat(600)}1${'}'.repeat(600)}`;
      for (const body of [inField, top, objects]) {
        assert.ok(body.length <= 4096);
        assertError(await postCall({ body, headers: { 'Content-Type': 'application/json' } }), 400, 'invalid_request', NOT_JSON);
      }
    }));

  test('a status callback nested 7,000 deep: 400 invalid_callback', () =>
    nothingWritten(async () => {
      const body = `{"CallSid": "${target.sid}", "Status": "busy", "Legs": ${'['.repeat(7000)}${']'.repeat(7000)}}`;
      const res = await client.post(target.url, { body, headers: { 'Content-Type': 'application/json' } });
      assertError(res, 400, 'invalid_callback', /levels of nesting/);
    }));

  test('Exotel answering JSON nested 50,000 deep: garbage, the call unknown', () =>
    exotelAnswers(
      { kind: 'raw', type: 'application/json', body: `{"Call": ${'['.repeat(50000)}${']'.repeat(50000)}}` },
      '98765 20013',
      { status: 502, code: 'upstream_unavailable', message: UNAVAILABLE, failureKind: 'garbage', callStatus: 'unknown' },
    ));
});

describe('CR/LF and other control characters', () => {
  test('in the number: 400 invalid_phone naming the character (escaped)', () =>
    nothingWritten(async () => {
      const cases = [
        ['98765\r\n20005', '\\r'],
        ['98765\n20005', '\\n'],
        ['98765 20005\r\nX-Injected: yes', '\\r'],
        ['\u001b[2J98765 20005', '\\u{1b}'],
        ['98765\u000020005', '\\0'],
        ['98765\u007f20005', '\\u{7f}'],
        ['98765\t20005', '\\t'],
        ['98765\u2028 20005', '\\u{2028}'],
      ];
      for (const [phone, shown] of cases) {
        const res = await postCall({ json: { phone } });
        assertError(res, 400, 'invalid_phone', `expected digits, spaces, dashes, dots or parentheses, but got \`${shown}\``);
        assert.ok(!res.text.includes('\r') && !res.text.includes('\n'), 'nothing raw echoed');
      }
      // ... and in the other fields.
      assertError(await postCall({ json: { phone: '98765 20005', country: 'I\r\nN' } }), 400, 'invalid_request', /^country: /);
      assertError(
        await postCall({ json: { phone: '98765 20005' }, headers: { 'Idempotency-Key': 'a\tb' } }),
        400, 'invalid_request', 'expected an Idempotency-Key of 1 to 200 visible ASCII characters',
      );
    }));

  test('in a callback\'s Status or CallSid: never applied, never a log line of its own', async () => {
    const before = await snapshot();
    const forged = '[forged] call XYZ: placed';
    const status = await client.post(target.url, { body: callbackBody({ Status: `completed\r\n${forged}` }), headers: FORM });
    assert.equal(status.status, 200, status.text);
    assert.deepEqual(status.body, { ok: true, applied: false });
    const sid = await client.post(target.url, { body: callbackBody({ CallSid: `${target.sid}\r\n${forged}` }), headers: FORM });
    assertError(sid, 403, 'forbidden', 'this callback names another call');
    const after = await snapshot();
    const [call] = after.filter((c) => c.id === target.id);
    assert.equal(call.status, 'queued', 'not completed by a status with a line break');
    const logged = call.events.at(-1);
    assert.equal(logged.source, 'callback');
    assert.equal(logged.applied, false);
    assert.ok(!/[\r\n]/.test(logged.status) && logged.status.startsWith('completed\ufffd'), JSON.stringify(logged.status));
    assert.deepEqual(after.filter((c) => c.id !== target.id), before.filter((c) => c.id !== target.id));
    targetEvents++;
    await worker.waitForRecord({ event: 'callback_unchanged', call: target.id, status: /^completed\ufffd/ });
    assert.ok(!workerLines(worker.logs()).split('\n').some((line) => line.startsWith(forged)), 'no forged log line');
  });
});

describe('path traversal and odd paths: only files from www/', () => {
  const SECRET_MARKERS = /compatibility_date|d1_databases|EXOTEL_|CALLBACK_SECRET|\[package\]|SHELL :=|root:x:0|\[core\]/;

  test('../, encoded dots and slashes, backslashes, double encoding: 404, nothing outside www/', async () => {
    const paths = [
      '/../wrangler.toml',
      '/../../etc/passwd',
      '/%2e%2e/.dev.vars',
      '/..%2f.dev.vars',
      '/%2e%2e%2fwrangler.toml',
      '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/..\\wrangler.toml',
      '/..%5cwrangler.toml',
      '/%252e%252e/wrangler.toml',
      '/%c0%ae%c0%ae/wrangler.toml',
      '//etc/passwd',
      '/vendor/../../Makefile',
      '/index.html/../../Cargo.toml',
      '/.dev.vars',
      '/.git/config',
      '/.wrangler/state',
      '/wrangler.toml',
      '/Makefile',
      '/api/../wrangler.toml',
      '/exotel/../../Cargo.toml',
      '/%00/wrangler.toml',
    ];
    for (const path of paths) {
      const res = await raw(path);
      assert.equal(res.status, 404, `${path}: ${res.status}`);
      assert.doesNotMatch(res.text, SECRET_MARKERS, path);
    }
    // The Worker's own paths with traversal in an id: its JSON 404.
    for (const path of ['/api/calls/..%2f..%2fwrangler.toml', '/api/calls/%2e%2e', '/exotel/status/..%2f..%2f.dev.vars']) {
      const res = await raw(path, { method: path.startsWith('/exotel') ? 'POST' : 'GET' });
      assert.ok([403, 404].includes(res.status), `${path}: ${res.status}`);
      assert.ok(['not_found', 'forbidden'].includes(res.body?.error?.code), path);
    }
    // The files that are there are served.
    for (const path of ['/', '/app.js', '/style.css']) {
      const res = await raw(path);
      assert.equal(res.status, 200, path);
    }
    await assertStillServes();
  });
});

describe('very long URLs', () => {
  test('8 KB paths: the endpoint\'s own refusal; 70 KB: refused before the Worker', () =>
    nothingWritten(async () => {
      const long = 'A'.repeat(8000);
      assertError(await raw(`/api/calls/${long}`), 404, 'not_found', 'no call with this id');
      assertError(await raw(`/exotel/status/${long}.${long}`, { method: 'POST', headers: FORM, body: callbackBody({}) }), 403, 'forbidden', 'this callback URL is not valid');
      assertError(await raw(`/api/admin/calls?limit=${'9'.repeat(8000)}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } }), 400, 'invalid_request');
      assert.equal((await raw(`/${long}`)).status, 404);
      const huge = await raw(`/api/calls/${'A'.repeat(70000)}`);
      assert.ok([414, 431].includes(huge.status), `70 KB URL: ${huge.status}`);
      // Refused by the dev server in front of the Worker (Cloudflare's edge, deployed): never
      // counted.
      const hugePost = await raw(`/api/calls?${'q'.repeat(70000)}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"phone": "98765 20006"}' });
      assert.ok([414, 431].includes(hugePost.status), `70 KB POST: ${hugePost.status}`);
    }));
});

describe('a genuine callback afterwards', () => {
  test('a genuine callback still settles the call, and its CustomField line break is harmless', async () => {
    const body = callbackBody({ Status: 'completed', CustomField: 'order 42\r\n[forged] call XYZ: placed' });
    const res = await client.post(target.url, { body, headers: FORM });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { ok: true, applied: true });
    assert.equal((await client.get(`/api/calls/${target.id}`)).body.status, 'completed');
    targetEvents++;
    await worker.waitForRecord({ event: 'call_status', call: target.id, source: 'callback', status: 'completed' });
    assert.ok(!workerLines(worker.logs()).split('\n').some((line) => line.startsWith('[forged]')));
  });

});

describe('oversized bodies: 413 payload_too_large', () => {
  // Just over each limit: what is refused is the size, whatever it is (guards.test.mjs sends
  // 5 KB the same way). Bodies of megabytes are refused by the same checks, but under
  // `wrangler dev` a request answered before its body was read can stall the local server's
  // next requests on the sender's connections, which is the dev server's behaviour, not the
  // Worker's (Cloudflare's edge ends such a request itself).
  const stream = (parts) =>
    new ReadableStream({
      pull(controller) {
        if (parts.length) controller.enqueue(new TextEncoder().encode(parts.shift()));
        else controller.close();
      },
    });

  test('POST /api/calls over MAX_BODY_BYTES (16384), by Content-Length or by bytes read', () =>
    nothingWritten(async () => {
      const limit = 'expected a body of at most 16384 bytes';
      const big = JSON.stringify({ phone: '98765 20001', padding: 'x'.repeat(17000) });
      assertError(await postCall({ body: big, headers: { 'Content-Type': 'application/json' } }), 413, 'payload_too_large', limit);
      posts++;
      const res = await fetch(`${worker.url}/api/calls`, {
        method: 'POST',
        body: stream([big.slice(0, 9000), big.slice(9000)]),
        duplex: 'half',
        headers: { 'Content-Type': 'application/json' },
      });
      rawSeen.push(`${res.status} ${JSON.stringify(Object.fromEntries(res.headers))}`);
      assertError({ status: res.status, body: await res.json() }, 413, 'payload_too_large', limit);
    }));

  test('a status callback over 16 KiB, even with a genuine token', () =>
    nothingWritten(async () => {
      const limit = 'expected a body of at most 16384 bytes';
      const body = callbackBody({ Status: 'busy', RecordingUrl: `https://x.example/${'r'.repeat(17000)}` });
      assertError(await client.post(target.url, { body, headers: FORM }), 413, 'payload_too_large', limit);
      const res = await fetch(`${worker.url}${target.url}`, {
        method: 'POST',
        body: stream([body.slice(0, 9000), body.slice(9000)]),
        duplex: 'half',
        headers: FORM,
      });
      rawSeen.push(`${res.status} ${JSON.stringify(Object.fromEntries(res.headers))}`);
      assertError({ status: res.status, body: await res.json() }, 413, 'payload_too_large', limit);
    }));
});

describe('afterwards', () => {
  test('D1: only the expected calls; per-number and client rows only for calls attempted; refusals counted apart', async () => {
    const [counts] = await worker.query(`SELECT
      (SELECT COUNT(*) FROM calls) AS calls,
      (SELECT COUNT(*) FROM rate_events WHERE bucket LIKE 'n:%') AS numbers,
      (SELECT COUNT(*) FROM rate_events WHERE bucket LIKE 'c:%') AS clients,
      (SELECT COUNT(*) FROM rate_events WHERE bucket LIKE 'r:%') AS refused,
      (SELECT COUNT(*) FROM rate_events WHERE bucket = 'b:calls') AS budget,
      (SELECT COUNT(*) FROM call_events) AS events,
      (SELECT group_concat(phone || '|' || status || '|' || outcome || '|' || COALESCE(failure, ''), ',') FROM calls) AS rows`);
    assert.equal(counts.calls, expectedCalls.size);
    assert.equal(counts.numbers, expectedCalls.size, 'no per-number row for a refused request');
    assert.equal(counts.clients, expectedCalls.size, 'only calls attempted count against the client');
    assert.equal(counts.budget, expectedCalls.size, 'every call attempted counts in the budget');
    assert.equal(counts.clients + counts.refused, posts, 'every other POST /api/calls counted as refused');
    // Per call: its connect event; the target also the callbacks it accepted.
    assert.equal(counts.events, expectedCalls.size + targetEvents);
    const rows = new Set(counts.rows.split(','));
    for (const [e164, want] of expectedCalls) {
      assert.ok(rows.has(`${e164}|${want.status}|${want.outcome}|${want.failure ?? ''}`), `${e164}: ${counts.rows}`);
    }
    console.log(`# hostile: ${client.seen.length + rawSeen.length} requests, ${posts} POST /api/calls, ${expectedCalls.size} calls stored`);
  });

  test('no response and no log line carries a credential, secret or callback token', () => {
    assertWorkerLeaksNothing({
      transcript: `${client.transcript()}\n${rawSeen.join('\n')}`,
      worker,
      exotel,
      secrets: { CALLBACK_SECRET, ADMIN_TOKEN },
    });
  });
});
