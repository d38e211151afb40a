// The abuse guards in workerd, against a mock Exotel and a mock Turnstile siteverify
// on 127.0.0.1: the destination allow-list and every formatting trick against it, the rate
// limits per number and per client (with Retry-After, sequential and concurrent), Turnstile,
// body size and content type, CORS, Idempotency-Key (sequential and concurrent double
// submits), static and API security headers, the admin view, and no secret in any response or
// log line. Upstream faults are in faults.test.mjs, hostile input in hostile.test.mjs, bypass
// attempts and callback tokens in security.test.mjs.
//
// One Worker serves the whole file: each test uses its own numbers and client addresses
// (CF-Connecting-IP, which wrangler dev passes through), so the limits of one test never touch
// another's. Reconciliation (which needs `--test-scheduled`) is in reconcile.test.mjs.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { createClient } from '../support/client.mjs';
import { startMockExotel } from '../support/mock-exotel.mjs';
import { logText } from '../support/secrets.mjs';
import { startWorker } from '../support/worker.mjs';

const CALLBACK_SECRET = randomBytes(32).toString('hex');
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;
const TURNSTILE_SECRET = `turnstile-secret-${randomBytes(12).toString('hex')}`;
const SHOP = 'http://shop.example:8080';
const EVIL = 'http://evil.example';

let exotel;
let siteverify;
let worker;
let client;

/**
 * A mock of Turnstile's siteverify: `good-token` passes, solved on the Worker's host for the
 * action `call` (what Cloudflare reports back); `elsewhere-token` and `login-token` pass too but
 * were solved on another site or for another action; `down` is a 500; anything else fails.
 */
async function startSiteverify() {
  const requests = [];
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = Object.fromEntries(new URLSearchParams(body));
    requests.push({ contentType: req.headers['content-type'], form });
    if (form.response === 'down') {
      res.writeHead(500).end('oops');
      return;
    }
    const solved = {
      'good-token': { hostname: '127.0.0.1', action: 'call' },
      'elsewhere-token': { hostname: 'evil.example', action: 'call' },
      'login-token': { hostname: '127.0.0.1', action: 'login' },
    }[form.response];
    const success = form.secret === TURNSTILE_SECRET && solved !== undefined;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(success ? { success, ...solved } : { success, 'error-codes': ['invalid-input-response'] }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/siteverify`,
    requests,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

before(async () => {
  [exotel, siteverify] = await Promise.all([startMockExotel(), startSiteverify()]);
  worker = await startWorker({
    vars: {
      ...exotel.workerVars(),
      EXOTEL_CALLER_ID: '08047112400',
      EXOTEL_APP_ID: '926',
      EXOTEL_TIMEOUT_MS: '1000',
      CALLBACK_SECRET,
      ALLOWED_ORIGINS: `${SHOP}, http://other.example`,
      RATE_LIMIT_PER_NUMBER: '2',
      RATE_LIMIT_PER_CLIENT: '3',
      // Limits, not budgets, are under test here (tests/worker/abuse.test.mjs has the budgets).
      CALL_BUDGET_PER_HOUR: '1000',
      CALL_BUDGET_PER_DAY: '1000',
      RATE_LIMIT_CLIENT_WINDOW_SECONDS: '60',
      TURNSTILE_SECRET,
      TURNSTILE_SITE_KEY: 'site-key-123',
      TURNSTILE_VERIFY_URL: siteverify.url,
      ADMIN_TOKEN,
    },
  });
  client = createClient(worker.url);
});

after(async () => {
  await worker?.stop();
  await exotel?.stop();
  await siteverify?.stop();
});

let ips = 0;
/** A client address no other request used. */
const freshIp = () => `10.9.${Math.floor(ips / 250)}.${(ips++ % 250) + 1}`;
let numbers = 0;
/** A valid Indian mobile number no other test used, as typed, and its E.164 form. */
function freshNumber() {
  const tail = String(10000 + numbers++);
  return { typed: `98765 ${tail}`, e164: `+9198765${tail}` };
}

/** POST /api/calls from a fresh address (unless `ip`), with a passing Turnstile token. */
function postCall(phone, { ip = freshIp(), key, headers = {}, json, body } = {}) {
  return client.request('/api/calls', {
    method: 'POST',
    ...(body !== undefined ? { body } : { json: json ?? { phone, turnstileToken: 'good-token' } }),
    headers: { 'CF-Connecting-IP': ip, ...(key !== undefined ? { 'Idempotency-Key': key } : {}), ...headers },
  });
}

const connectsTo = (e164) => exotel.connects().filter((r) => r.form.From === e164).length;

function assertRetryAfter(res, max) {
  assert.equal(res.status, 429, res.text);
  assert.equal(res.body.error.code, 'rate_limited');
  const header = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(header) && header >= 1 && header <= max, `Retry-After ${header}`);
  assert.equal(res.body.error.retryAfter, header);
}

describe('destination allow-list (ALLOWED_PREFIXES, default +91)', () => {
  test('no formatting trick reaches a number outside it; Exotel never hears of one', async () => {
    const before = exotel.connects().length;
    const tricks = [
      ['+1 415 555 2671', 'destination_not_allowed'],
      ['+14155552671', 'destination_not_allowed'],
      ['001 415 555 2671', 'destination_not_allowed'],
      ['00 44 20 7946 0958', 'destination_not_allowed'],
      ['+44 20 7946 0958', 'destination_not_allowed'],
      ['+ 4 4 2 0 7 9 4 6 0 9 5 8', 'destination_not_allowed'],
      ['++91 98765 43210', 'invalid_phone'],
      ['+＋91 98765 43210', 'invalid_phone'],
      ['＋１ ４１５ ５５５ ２６７１', 'destination_not_allowed'],
      ['+१ ४१५ ५५५ २६७१', 'destination_not_allowed'],
      ['９８७६५४३२१०', 'invalid_phone'],
      ['98765 ४३२१०', 'invalid_phone'],
      ['+٩١٩٨٧٦٥٤٣٢١٠', 'invalid_phone'],
      ['+91 00 1 415 555 2671', null],
      ['+91 001 4155552671', null],
      ['0091 1 415 555 2671', null],
      ['0091 0044 20 7946 0958', null],
      ['91 001 415 555 2671', null],
      ['tel:+14155552671', null],
      ['+1\u200b415 555 2671', null],
    ];
    for (const [phone, code] of tricks) {
      const res = await postCall(phone);
      assert.ok([400, 403].includes(res.status), `${phone}: ${res.status} ${res.text}`);
      if (code) assert.equal(res.body.error.code, code, phone);
      else assert.ok(['invalid_phone', 'destination_not_allowed'].includes(res.body.error.code), phone);
      assert.ok(!res.text.includes('4155552671') && !res.text.includes('79460958'), res.text);
    }
    // A number typed without + in another country's rules is still checked after normalizing.
    const us = await postCall('415 555 2671', { json: { phone: '415 555 2671', country: 'US', turnstileToken: 'good-token' } });
    assert.equal(us.status, 403);
    assert.equal(us.body.error.code, 'destination_not_allowed');
    assert.equal(exotel.connects().length, before, 'no call was placed');

    // The same Indian number in its other spellings, and in another script's digits, is allowed.
    const { e164 } = freshNumber();
    const tail = e164.slice(-5);
    const inScript = (zero, text) => text.replace(/[0-9]/g, (d) => String.fromCodePoint(zero + Number(d)));
    for (const phone of [`0091 98765 ${tail}`, inScript(0x966, `+91-98765-${tail}`)]) {
      const res = await postCall(phone);
      assert.equal(res.status, 201, `${phone}: ${res.text}`);
    }
    // ... and counts as the same number for the per-number limit, typed in full-width digits too.
    assert.equal((await postCall(inScript(0xff10, `098765${tail}`))).status, 429);
    assert.equal(connectsTo(e164), 2);
  });
});

describe('rate limits', () => {
  test('per number (RATE_LIMIT_PER_NUMBER=2 an hour): the third call is 429 with Retry-After', async () => {
    const { typed, e164 } = freshNumber();
    assert.equal((await postCall(typed)).status, 201);
    assert.equal((await postCall(typed)).status, 201);
    const limited = await postCall(typed);
    assertRetryAfter(limited, 3600);
    assert.ok(Number(limited.headers['retry-after']) > 3500, 'the oldest call leaves the window in about an hour');
    assert.ok(!limited.text.includes(e164.slice(1)), 'the number is not quoted');
    assert.equal(connectsTo(e164), 2);
    // Other numbers are not affected.
    assert.equal((await postCall(freshNumber().typed)).status, 201);
  });

  test('per number: a failed attempt counts, a refused request does not', async () => {
    const { typed, e164 } = freshNumber();
    exotel.failNext({ status: 500 });
    assert.equal((await postCall(typed)).status, 502);
    // Refused before any attempt: no Turnstile token.
    assert.equal((await postCall(typed, { json: { phone: typed } })).status, 403);
    assert.equal((await postCall(typed)).status, 201);
    assertRetryAfter(await postCall(typed), 3600);
    assert.equal(connectsTo(e164), 2);
  });

  test('per number, concurrent: 6 at once place exactly 2 calls', async () => {
    const { typed, e164 } = freshNumber();
    const results = await Promise.all(Array.from({ length: 6 }, () => postCall(typed)));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 201, 429, 429, 429, 429]);
    assert.equal(connectsTo(e164), 2);
  });

  test('per client (RATE_LIMIT_PER_CLIENT=3 per 60 s): the fourth request is 429, other clients go on', async () => {
    const ip = freshIp();
    for (let i = 0; i < 3; i++) assert.equal((await postCall(freshNumber().typed, { ip })).status, 201);
    const before = exotel.connects().length;
    const limited = await postCall(freshNumber().typed, { ip });
    assertRetryAfter(limited, 60);
    assert.equal(exotel.connects().length, before);
    assert.equal((await postCall(freshNumber().typed)).status, 201, 'another client');
  });

  test('per client: refused requests do not use up its calls, and concurrent ones cannot slip through', async () => {
    const ip = freshIp();
    for (let i = 0; i < 3; i++) {
      const res = await postCall(null, { ip, body: 'phone=1', headers: { 'Content-Type': 'text/plain' } });
      assert.equal(res.status, 415);
    }
    // Three refusals later the client can still ask for its three calls.
    for (let i = 0; i < 3; i++) assert.equal((await postCall(freshNumber().typed, { ip })).status, 201);
    assertRetryAfter(await postCall(freshNumber().typed, { ip }), 60);

    const burst = freshIp();
    const before = exotel.connects().length;
    const results = await Promise.all(Array.from({ length: 8 }, () => postCall(freshNumber().typed, { ip: burst })));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 201, 201, 429, 429, 429, 429, 429]);
    assert.equal(exotel.connects().length, before + 3);
  });
});

describe('Turnstile (on when TURNSTILE_SECRET is set)', () => {
  test('/api/config gives the site key', async () => {
    const res = await client.get('/api/config');
    assert.equal(res.body.turnstileSiteKey, 'site-key-123');
    assert.ok(!res.text.includes(TURNSTILE_SECRET));
  });

  test('a good token passes; siteverify gets secret, response and remoteip', async () => {
    const ip = freshIp();
    const res = await postCall(freshNumber().typed, { ip });
    assert.equal(res.status, 201, res.text);
    const asked = siteverify.requests.at(-1);
    assert.match(asked.contentType, /^application\/x-www-form-urlencoded/);
    assert.deepEqual(asked.form, { secret: TURNSTILE_SECRET, response: 'good-token', remoteip: ip });
  });

  test('missing, wrong or unverifiable tokens: 403 captcha_failed and no call', async () => {
    const { typed, e164 } = freshNumber();
    const asked = siteverify.requests.length;
    for (const json of [{ phone: typed }, { phone: typed, turnstileToken: '' }, { phone: typed, turnstileToken: 42 }]) {
      const res = await postCall(typed, { json });
      assert.equal(res.status, 403, JSON.stringify(json));
      assert.equal(res.body.error.code, 'captcha_failed');
    }
    assert.equal(siteverify.requests.length, asked, 'nothing to verify: siteverify not asked');
    // Solved on another site, or for another action: siteverify says success, and it is refused.
    for (const token of ['bad-token', 'down', 'elsewhere-token', 'login-token', 'x'.repeat(3000)]) {
      const res = await postCall(typed, { json: { phone: typed, turnstileToken: token } });
      assert.equal(res.status, 403, token.slice(0, 20));
      assert.equal(res.body.error.code, 'captcha_failed');
    }
    assert.equal(siteverify.requests.length, asked + 4, 'the oversized token was not sent');
    assert.equal(connectsTo(e164), 0);
  });
});

describe('request hygiene', () => {
  test('413 payload_too_large by Content-Length and by the bytes actually sent', async () => {
    const { typed, e164 } = freshNumber();
    const big = JSON.stringify({ phone: typed, turnstileToken: 'good-token', padding: 'x'.repeat(17000) });
    const declared = await postCall(typed, { body: big, headers: { 'Content-Type': 'application/json' } });
    assert.equal(declared.status, 413);
    assert.equal(declared.body.error.code, 'payload_too_large');

    // Chunked: no Content-Length, so only the bytes read can tell.
    const chunks = [big.slice(0, 9000), big.slice(9000)];
    const stream = new ReadableStream({
      pull(controller) {
        if (chunks.length) controller.enqueue(new TextEncoder().encode(chunks.shift()));
        else controller.close();
      },
    });
    const res = await fetch(`${worker.url}/api/calls`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
      headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': freshIp() },
    });
    assert.equal(res.status, 413);
    assert.equal((await res.json()).error.code, 'payload_too_large');
    assert.equal(connectsTo(e164), 0);

    // Just under the limit is fine, and unknown fields are ignored.
    const fits = { phone: typed, turnstileToken: 'good-token', extra: { nested: [1, 2] }, padding: 'x'.repeat(3900) };
    const fitting = await postCall(typed, { json: fits });
    assert.equal(fitting.status, 201, fitting.text);
  });

  test('a body over the limit is read to its end before the 413, so a client still sending gets the answer', async () => {
    const { typed, e164 } = freshNumber();
    const order = [];
    const answer = await new Promise((resolve, reject) => {
      // No Content-Length: sent chunked, the rest of the body half a second after the first
      // 17 KB (over the 16 KiB limit).
      const req = http.request(`${worker.url}/api/calls`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': freshIp() },
      });
      req.on('response', (res) => {
        order.push('answered');
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, text }));
      });
      req.on('error', reject);
      req.write(`{"phone": "${typed}", "padding": "${'x'.repeat(17000)}`);
      setTimeout(() => {
        order.push('sent');
        req.end('"}');
      }, 500);
    });
    assert.equal(answer.status, 413, answer.text);
    assert.equal(JSON.parse(answer.text).error.code, 'payload_too_large');
    assert.deepEqual(order, ['sent', 'answered'], 'answered before the body ended');
    assert.equal(connectsTo(e164), 0);
  });

  test('415 unsupported_media_type unless the body is declared JSON', async () => {
    const { typed, e164 } = freshNumber();
    const body = JSON.stringify({ phone: typed, turnstileToken: 'good-token' });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', null]) {
      const headers = type ? { 'Content-Type': type } : {};
      const res = await postCall(typed, { body: type ? body : new Blob([body]), headers });
      assert.equal(res.status, 415, String(type));
      assert.equal(res.body.error.code, 'unsupported_media_type');
    }
    const res = await postCall(typed, { body, headers: { 'Content-Type': 'Application/JSON; charset=utf-8' } });
    assert.equal(res.status, 201, res.text);
    assert.equal(connectsTo(e164), 1);
  });

  test('API responses carry nosniff and no-store; static files their CSP and friends', async () => {
    const res = await client.get('/api/config');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['cache-control'], 'no-store');
    for (const path of ['/', '/index.html']) {
      const page = await fetch(`${worker.url}${path}`, { redirect: 'manual' });
      await page.arrayBuffer();
      const csp = page.headers.get('content-security-policy');
      assert.ok(csp, `${path}: no CSP`);
      const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src'));
      assert.ok(scriptSrc && !scriptSrc.includes("'unsafe-inline'"), `${path}: ${csp}`);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(page.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(page.headers.get('referrer-policy'), 'strict-origin-when-cross-origin', path);
    }
  });
});

describe('CORS (ALLOWED_ORIGINS)', () => {
  const preflight = (origin, path = '/api/calls') => client.request(path, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type,idempotency-key',
    },
  });

  test('an allowed origin: preflight 204, then the call with Access-Control-Allow-Origin', async () => {
    const pre = await preflight(SHOP);
    assert.equal(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], SHOP);
    assert.equal(pre.headers['access-control-allow-methods'], 'GET, POST, DELETE, OPTIONS');
    assert.equal(pre.headers['access-control-allow-headers'], 'Content-Type, Idempotency-Key');
    assert.ok(Number(pre.headers['access-control-max-age']) > 0);
    assert.match(pre.headers.vary, /Origin/);

    const res = await postCall(freshNumber().typed, { headers: { Origin: SHOP } });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers['access-control-allow-origin'], SHOP);
    assert.match(res.headers.vary, /Origin/);
    assert.match(res.headers['access-control-expose-headers'], /Retry-After/);
    const config = await client.get('/api/config', { headers: { Origin: 'http://other.example' } });
    assert.equal(config.headers['access-control-allow-origin'], 'http://other.example');
  });

  test('a refused origin: 403 origin_not_allowed for preflight and request, no call placed', async () => {
    const { typed, e164 } = freshNumber();
    for (const origin of [EVIL, 'null', `${SHOP}.evil.example`, 'http://shop.example', 'https://shop.example:8080']) {
      const pre = await preflight(origin);
      assert.equal(pre.status, 403, origin);
      assert.equal(pre.body.error.code, 'origin_not_allowed');
      assert.equal(pre.headers['access-control-allow-origin'], undefined);
      const res = await postCall(typed, { headers: { Origin: origin } });
      assert.equal(res.status, 403, origin);
      assert.equal(res.body.error.code, 'origin_not_allowed');
      assert.equal(res.headers['access-control-allow-origin'], undefined);
    }
    const config = await client.get('/api/config', { headers: { Origin: EVIL } });
    assert.equal(config.status, 403);
    assert.equal(connectsTo(e164), 0);
  });

  test('no Origin, or the Worker\'s own (same-origin POSTs), is allowed', async () => {
    assert.equal((await postCall(freshNumber().typed)).status, 201);
    const own = await postCall(freshNumber().typed, { headers: { Origin: worker.url } });
    assert.equal(own.status, 201, own.text);
  });

  test('the status callback is not for browsers: no CORS on /exotel', async () => {
    const res = await client.request(`/exotel/status/${'A'.repeat(22)}.${'A'.repeat(43)}`, {
      method: 'POST',
      body: 'CallSid=x&Status=completed',
      headers: { Origin: SHOP, 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'forbidden');
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    const pre = await preflight(SHOP, `/exotel/status/${'A'.repeat(22)}`);
    assert.equal(pre.status, 405);
  });
});

describe('Idempotency-Key', () => {
  test('a retried request returns the first call; Exotel is asked once', async () => {
    const { typed, e164 } = freshNumber();
    const ip = freshIp();
    const key = `key-${randomBytes(8).toString('hex')}`;
    const first = await postCall(typed, { ip, key });
    assert.equal(first.status, 201, first.text);
    const again = await postCall(typed, { ip, key, json: { phone: typed, turnstileToken: 'spent-token' } });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body, { id: first.body.id, status: 'queued' });
    assert.equal(connectsTo(e164), 1);
  });

  test('concurrent duplicates (a double click) place exactly one call', async () => {
    const { typed, e164 } = freshNumber();
    const ip = freshIp();
    const key = `key-${randomBytes(8).toString('hex')}`;
    exotel.failNext({ kind: 'slow', delayMs: 600 });
    const results = await Promise.all(Array.from({ length: 3 }, () => postCall(typed, { ip, key })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 201], results.map((r) => r.text).join('\n'));
    assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
    assert.equal(connectsTo(e164), 1);
  });

  test('the same key for another number: 422 idempotency_key_reused; keys are per client', async () => {
    const ip = freshIp();
    const key = `key-${randomBytes(8).toString('hex')}`;
    const first = await postCall(freshNumber().typed, { ip, key });
    assert.equal(first.status, 201);
    const other = freshNumber();
    const reused = await postCall(other.typed, { ip, key });
    assert.equal(reused.status, 422);
    assert.equal(reused.body.error.code, 'idempotency_key_reused');
    assert.equal(connectsTo(other.e164), 0);
    // Another client's identical key is another request.
    const elsewhere = await postCall(other.typed, { key });
    assert.equal(elsewhere.status, 201);
    assert.notEqual(elsewhere.body.id, first.body.id);
  });

  test('a failed first attempt is replayed as the same error, not retried', async () => {
    const { typed, e164 } = freshNumber();
    const ip = freshIp();
    const key = `key-${randomBytes(8).toString('hex')}`;
    exotel.failNext({ kind: 'hang' });
    const first = await postCall(typed, { ip, key });
    assert.equal(first.status, 502);
    const again = await postCall(typed, { ip, key });
    assert.equal(again.status, 502);
    assert.equal(again.body.error.code, 'upstream_unavailable');
    assert.equal(connectsTo(e164), 1, 'a request that may have placed a call is never sent twice');
  });

  test('malformed keys: 400 invalid_request', async () => {
    const { typed, e164 } = freshNumber();
    for (const key of ['', 'x'.repeat(201), 'two words', 'clé']) {
      const res = await postCall(typed, { key });
      assert.equal(res.status, 400, JSON.stringify(key));
      assert.equal(res.body.error.code, 'invalid_request');
    }
    assert.equal(connectsTo(e164), 0);
  });
});

// Upstream faults (each sent exactly once, with a record of what happened) are in
// faults.test.mjs.

describe('GET /api/admin/calls (ADMIN_TOKEN)', () => {
  test('401 without the right bearer token', async () => {
    for (const headers of [{}, { Authorization: 'Bearer wrong' }, { Authorization: ADMIN_TOKEN }, { Authorization: `Bearer ${ADMIN_TOKEN}x` }, { Authorization: 'Bearer ' }]) {
      const res = await client.get('/api/admin/calls', { headers });
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.body.error.code, 'unauthorized');
    }
  });

  test('recent calls, newest first, with outcome, failure and events; numbers masked', async () => {
    const { typed, e164 } = freshNumber();
    const placed = await postCall(typed);
    const sid = exotel.connects().at(-1).sid;
    await exotel.sendCallback(sid, { Status: 'completed' });
    exotel.failNext({ status: 500 });
    const other = freshNumber();
    await postCall(other.typed);

    const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    const res = await client.get('/api/admin/calls?limit=2', { headers: auth });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['cache-control'], 'no-store');
    const [failed, done] = res.body.calls;
    assert.equal(res.body.calls.length, 2);
    assert.equal(done.id, placed.body.id);
    assert.equal(done.phone, `+91******${e164.slice(-4)}`);
    assert.equal(done.status, 'completed');
    assert.equal(done.outcome, 'placed');
    assert.equal(done.exotelSid, sid);
    assert.deepEqual(done.events.map((e) => [e.source, e.status, e.applied]), [
      ['connect', 'queued', false],
      ['callback', 'completed', true],
    ]);
    assert.match(done.createdAt, /^\d{4}-\d\d-\d\dT/);
    assert.equal(failed.status, 'unknown');
    assert.equal(failed.outcome, 'upstream_unavailable');
    assert.equal(failed.failure, 'upstream_5xx');
    assert.ok(!res.text.includes(e164.slice(3)) && !res.text.includes(other.e164.slice(3)), 'no full number');
    assert.ok(!/client|10\.9\./.test(res.text), 'no client address');

    // The budgets' use and the configuration's warnings (none: +91 only).
    assert.ok(res.body.budgets.perHour.used >= 2 && res.body.budgets.perHour.max === 1000, JSON.stringify(res.body.budgets));
    assert.equal(res.body.budgets.paused, false);
    assert.deepEqual(res.body.warnings, []);

    assert.equal((await client.get('/api/admin/calls', { headers: auth })).body.calls.length > 10, true);
    const bad = await client.get('/api/admin/calls?limit=lots', { headers: auth });
    assert.equal(bad.status, 400);
  });
});

describe('secrets', () => {
  test('no response and no log line carries a credential, secret or token', async () => {
    const transcript = client.transcript();
    const logs = logText(worker.logs());
    const basic = Buffer.from(`${exotel.apiKey}:${exotel.apiToken}`).toString('base64');
    for (const secret of [exotel.apiKey, exotel.apiToken, CALLBACK_SECRET, ADMIN_TOKEN, TURNSTILE_SECRET, basic]) {
      assert.ok(!transcript.includes(secret), 'a response leaked a secret');
      assert.ok(!logs.includes(secret), 'a log line leaked a secret');
    }
    assert.ok(client.seen.length > 80, `scanned ${client.seen.length} responses`);
  });
});
