// The public form played by an attacker who pays nothing, against a business that pays per
// call: every case ends with the number of connect requests the mock Exotel actually saw,
// which must never exceed what the configuration allows. RELIABILITY.md ("Abuse economics")
// quotes the figures this suite prints.
//
// Two Workers: `open` has generous budgets, so its per-number, per-client and refused-request
// limits are what stops an attacker; `tight` has an hourly budget of 5, so a burst of 64 shows
// the budget holding under concurrency. A third runs the cron against stuck rows.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { createClient } from '../support/client.mjs';
import { startMockExotel } from '../support/mock-exotel.mjs';
import { assertWorkerLeaksNothing, logText } from '../support/secrets.mjs';
import { startWorker } from '../support/worker.mjs';

const CALLBACK_SECRET = randomBytes(32).toString('hex');
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;
const AUTH = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const PER_CLIENT = 10;
const PER_NUMBER_DAY = 5;
const TIGHT_BUDGET = 5;

let exotel;
let open;
let tight;
let cron;
let clients;
const figures = [];

function vars(extra) {
  return {
    ...exotel.workerVars(),
    EXOTEL_CALLER_ID: '08047112400',
    EXOTEL_APP_ID: '926',
    CALLBACK_SECRET,
    ADMIN_TOKEN,
    ...extra,
  };
}

before(async () => {
  exotel = await startMockExotel();
  [open, tight, cron] = await Promise.all([
    startWorker({
      vars: vars({
        CALL_BUDGET_PER_HOUR: '100000',
        CALL_BUDGET_PER_DAY: '100000',
        RATE_LIMIT_PER_NUMBER: '100',
        RATE_LIMIT_PER_NUMBER_DAY: String(PER_NUMBER_DAY),
        RATE_LIMIT_PER_CLIENT: String(PER_CLIENT),
        RATE_LIMIT_REFUSED_PER_CLIENT: '20',
        ADMIN_SIGN_IN_ATTEMPTS: '3',
        ALLOWED_PREFIXES: '+91, +1',
      }),
    }),
    startWorker({
      vars: vars({
        CALL_BUDGET_PER_HOUR: String(TIGHT_BUDGET),
        RATE_LIMIT_PER_CLIENT: '1000',
      }),
    }),
    startWorker({
      testScheduled: true,
      vars: vars({
        CALL_BUDGET_PER_HOUR: '100000',
        CALL_BUDGET_PER_DAY: '100000',
        RECONCILE_AFTER_SECONDS: '0',
        RECONCILE_BATCH: '25',
      }),
    }),
  ]);
  clients = [open, tight, cron].map((w) => createClient(w.url));
});

after(async () => {
  await Promise.all([open?.stop(), tight?.stop(), cron?.stop()]);
  await exotel?.stop();
});

let numbers = 0;
/** A valid Indian mobile number no other case used. */
function freshNumber() {
  const tail = String(10000 + numbers++);
  return { typed: `98765 ${tail}`, e164: `+9198765${tail}` };
}

/** The connect requests the mock saw, in all or to one number. */
const connects = (e164) => exotel.connects().filter((r) => !e164 || r.form.From === e164).length;

function call(client, phone, { ip, key, json } = {}) {
  const headers = {};
  if (ip) headers['CF-Connecting-IP'] = ip;
  if (key) headers['Idempotency-Key'] = key;
  return client.request('/api/calls', { method: 'POST', json: json ?? { phone }, headers });
}

function statuses(results) {
  const count = {};
  for (const r of results) count[r.status] = (count[r.status] ?? 0) + 1;
  return count;
}

describe('an IPv6 client with a whole /64', () => {
  test('100 addresses in one /64 asking for 100 numbers place PER_CLIENT calls', async () => {
    const before = connects();
    const results = [];
    for (let i = 0; i < 100; i++) {
      const ip = `2001:db8:1234:5678:${(i + 1).toString(16)}:aaaa:bbbb:${i.toString(16)}`;
      results.push(await call(clients[0], freshNumber().typed, { ip }));
    }
    const seen = connects() - before;
    assert.deepEqual(statuses(results), { 201: PER_CLIENT, 429: 100 - PER_CLIENT });
    assert.equal(seen, PER_CLIENT, 'the mock saw one /64 as one client');
    for (const limited of results.filter((r) => r.status === 429)) {
      assert.equal(limited.body.error.code, 'rate_limited');
      assert.ok(Number(limited.headers['retry-after']) > 0);
    }
    // The next /64 is another client.
    assert.equal((await call(clients[0], freshNumber().typed, { ip: '2001:db8:1234:5679::1' })).status, 201);
    figures.push(`100 IPv6 addresses in one /64, 100 numbers: ${seen} calls (allowed ${PER_CLIENT})`);
  });
});

describe('the owner of a number', () => {
  test(`is called at most ${PER_NUMBER_DAY} times a day, however many clients ask`, async () => {
    const { typed, e164 } = freshNumber();
    const results = [];
    for (let i = 0; i < 12; i++) results.push(await call(clients[0], typed, { ip: `198.51.100.${i + 1}` }));
    assert.deepEqual(statuses(results), { 201: PER_NUMBER_DAY, 429: 12 - PER_NUMBER_DAY });
    const limited = results.at(-1);
    assert.ok(Number(limited.headers['retry-after']) > 86_000, 'a slot frees in about a day');
    assert.equal(connects(e164), PER_NUMBER_DAY);
    figures.push(`12 clients asking for one number: ${connects(e164)} calls (allowed ${PER_NUMBER_DAY} a day)`);
  });
});

describe('junk from a shared address', () => {
  test('ten refused requests, then a real visitor behind the same address is called', async () => {
    const ip = '203.0.113.77';
    const before = connects();
    const junk = [
      { json: { phone: 'not a number' } },
      { json: { number: '98765 43210' } },
      { json: { phone: 98765 } },
      { json: { phone: '12' } },
      { json: { phone: '+44 20 7946 0958' } },
      { json: { phone: '+91 98765' } },
      { json: [] },
      { json: { phone: '98765\n43210' } },
      { json: { phone: '+881 6 1234 5678' } },
    ];
    for (const { json } of junk) {
      const res = await call(clients[0], null, { ip, json });
      assert.ok([400, 403].includes(res.status), `${JSON.stringify(json)}: ${res.status}`);
    }
    const bad = await clients[0].request('/api/calls', {
      method: 'POST',
      body: 'phone=98765',
      headers: { 'Content-Type': 'text/plain', 'CF-Connecting-IP': ip },
    });
    assert.equal(bad.status, 415);
    assert.equal(connects() - before, 0, 'no junk reached Exotel');
    const real = await call(clients[0], freshNumber().typed, { ip });
    assert.equal(real.status, 201, real.text);
    assert.equal(connects() - before, 1);
    figures.push(`10 junk requests then a visitor from one address: ${connects() - before} call (the visitor's)`);
  });

  test('past RATE_LIMIT_REFUSED_PER_CLIENT, junk is 429 and still reaches nothing', async () => {
    const ip = '203.0.113.78';
    const before = connects();
    const results = [];
    for (let i = 0; i < 25; i++) results.push(await call(clients[0], null, { ip, json: { phone: '12' } }));
    assert.deepEqual(statuses(results), { 400: 20, 429: 5 });
    assert.equal(connects() - before, 0);
  });
});

describe('a burst against a budget', () => {
  test(`64 concurrent requests at CALL_BUDGET_PER_HOUR=${TIGHT_BUDGET} place exactly ${TIGHT_BUDGET}`, async () => {
    const before = connects();
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) => call(clients[1], freshNumber().typed, { ip: `192.0.2.${i + 1}` })),
    );
    const seen = connects() - before;
    assert.deepEqual(statuses(results), { 201: TIGHT_BUDGET, 503: 64 - TIGHT_BUDGET });
    assert.equal(seen, TIGHT_BUDGET);
    for (const paused of results.filter((r) => r.status === 503)) {
      assert.ok(paused.body, `a 503 whose body is not JSON: ${JSON.stringify(paused.headers)} ${paused.text.slice(0, 300)}`);
      assert.equal(paused.body.error.code, 'calls_paused');
      assert.match(paused.body.error.message, /try again later/);
      const wait = Number(paused.headers['retry-after']);
      assert.ok(wait > 3500 && wait <= 3600, `Retry-After ${wait}`);
    }
    const admin = await clients[1].get('/api/admin/calls?limit=1', { headers: AUTH });
    assert.deepEqual(admin.body.budgets.perHour, { used: TIGHT_BUDGET, max: TIGHT_BUDGET });
    assert.equal(admin.body.budgets.paused, true);
    await tight.waitForRecord({ level: 'warn', event: 'calls_paused', call: undefined, retry_after_s: /^\d+$/ });
    figures.push(`64 concurrent requests at a budget of ${TIGHT_BUDGET}: ${seen} calls`);
  });
});

describe('a failure after Exotel accepted the call', () => {
  test('the visitor gets the id; the page retry with the same key places no second call', async () => {
    const { typed, e164 } = freshNumber();
    // Every write that records the call as placed fails, as a D1 outage would.
    await open.query(`CREATE TRIGGER fail_placed BEFORE UPDATE OF outcome ON calls
      WHEN NEW.outcome = 'placed' AND NEW.phone = '${e164}'
      BEGIN SELECT RAISE(ABORT, 'injected fault'); END`);
    const key = `page-${randomBytes(8).toString('hex')}`;
    const first = await call(clients[0], typed, { key, ip: '198.51.100.200' });
    assert.equal(first.status, 201, first.text);
    assert.match(first.body.id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(connects(e164), 1);

    // "Try again" on the page reuses the key: nothing new is placed.
    const retry = await call(clients[0], typed, { key, ip: '198.51.100.200' });
    assert.ok([200, 409].includes(retry.status), retry.text);
    if (retry.status === 200) assert.equal(retry.body.id, first.body.id);
    assert.equal(connects(e164), 1);

    await open.waitForRecord({ level: 'error', event: 'call_not_recorded', call: first.body.id }, 20_000);
    await open.query('DROP TRIGGER fail_placed');
    const sid = exotel.connects().find((r) => r.form.From === e164).sid;
    const callback = await exotel.sendCallback(sid, { Status: 'completed' });
    assert.equal(callback.status, 200);
    const shown = await clients[0].get(`/api/calls/${first.body.id}`);
    assert.equal(shown.body.status, 'completed');
    const again = await call(clients[0], typed, { key, ip: '198.51.100.200' });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    assert.equal(connects(e164), 1);
    figures.push(`a D1 failure after Exotel accepted, then the page's retries: ${connects(e164)} call`);
  });
});

describe('the cron with stuck rows', () => {
  test('30 rows it cannot refresh do not starve a real lost callback', async () => {
    const now = Date.now();
    const rows = [];
    for (let i = 0; i < 30; i++) {
      const id = `stuck${String(i).padStart(17, '0')}`;
      // No Sid yet: nothing to ask Call Details about.
      rows.push(`('${id}', '${id}', 'live', '+9190000${String(i).padStart(5, '0')}', 'queued', 10, 'placing', ${now - 60_000}, ${now - 60_000}, ${now - 60_000})`);
    }
    for (let i = 0; i < 2; i++) {
      const id = `other${String(i).padStart(17, '0')}`;
      // Placed in the other mode: this Worker can never ask about them.
      rows.push(`('${id}', '${id}', 'sandbox', '+9190001${String(i).padStart(5, '0')}', 'ringing', 20, 'placed', ${now - 60_000}, ${now - 60_000}, ${now - 60_000})`);
    }
    await cron.query(`INSERT INTO calls (id, request_id, mode, phone, status, status_rank, outcome, placed_at, created_at, updated_at)
      VALUES ${rows.join(', ')}`);

    const { typed, e164 } = freshNumber();
    const placed = await call(clients[2], typed);
    assert.equal(placed.status, 201, placed.text);
    const sid = exotel.connects().find((r) => r.form.From === e164).sid;
    // Its callback is lost; Exotel's Call Details knows it completed.
    exotel.setCall(sid, { status: 'completed', duration: 42 });

    assert.equal(await cron.scheduled(), 200);
    assert.equal(await cron.scheduled(), 200);
    const shown = await clients[2].get(`/api/calls/${placed.body.id}`);
    assert.equal(shown.body.status, 'completed', 'reconciled within two runs');
    const [others] = await cron.query(`SELECT group_concat(status) AS statuses FROM calls WHERE id LIKE 'other%'`);
    assert.equal(others.statuses, 'unknown,unknown', 'rows that can never be refreshed are settled');
    const [stuck] = await cron.query(`SELECT COUNT(*) AS looked FROM calls WHERE id LIKE 'stuck%' AND refreshed_at IS NOT NULL`);
    assert.equal(stuck.looked, 30, 'every stuck row was looked at and moved back');
    assert.equal(connects(e164), 1, 'the cron asks, it never places');
    figures.push(`30 stuck rows and a lost callback, RECONCILE_BATCH=25: reconciled by the 2nd run, ${connects(e164)} call`);
  });
});

describe('settings an attacker would love', () => {
  test('TimeLimit is 3600 when EXOTEL_TIME_LIMIT is unset', () => {
    const sent = exotel.connects().at(-1);
    assert.equal(sent.form.TimeLimit, '3600');
  });

  test('ALLOWED_PREFIXES with +1 is warned about in the log and the admin view', async () => {
    const res = await clients[0].get('/api/admin/calls?limit=1', { headers: AUTH });
    assert.equal(res.status, 200);
    assert.equal(res.body.warnings.length, 1);
    assert.match(res.body.warnings[0], /ALLOWED_PREFIXES entry \+1 lets in toll-fraud ranges: .*\+1876 \(Jamaica\)/);
  });

  test('failed admin sign-ins are limited per client network', async () => {
    const ip = '2001:db8:9999:1::5';
    const tries = [];
    for (let i = 0; i < 5; i++) {
      tries.push(await clients[0].get('/api/admin/calls', {
        headers: { Authorization: `Bearer guess-${i}`, 'CF-Connecting-IP': ip },
      }));
    }
    assert.deepEqual(tries.map((r) => r.status), [401, 401, 401, 429, 429]);
    // Even the right token waits now, from that network; other networks are not affected.
    const right = await clients[0].get('/api/admin/calls', { headers: { ...AUTH, 'CF-Connecting-IP': '2001:db8:9999:1::6' } });
    assert.equal(right.status, 429);
    const elsewhere = await clients[0].get('/api/admin/calls', { headers: { ...AUTH, 'CF-Connecting-IP': '2001:db8:9999:2::6' } });
    assert.equal(elsewhere.status, 200);
  });

  test('a short ADMIN_TOKEN and a bare + in ALLOWED_PREFIXES are refused at start-up', async () => {
    const careless = await startWorker({
      vars: vars({ ADMIN_TOKEN: 'admin123', ALLOWED_PREFIXES: '+91, +' }),
    });
    try {
      const client = createClient(careless.url);
      const admin = await client.get('/api/admin/calls', { headers: { Authorization: 'Bearer admin123' } });
      assert.equal(admin.status, 503);
      assert.equal(admin.body.error.code, 'not_configured');
      assert.match(admin.body.error.message, /ADMIN_TOKEN must be at least 32 characters/);
      const before = connects();
      const placed = await client.createCall('98765 43210');
      assert.equal(placed.status, 503);
      assert.match(placed.body.error.message, /ALLOWED_PREFIXES: expected `\+` and 1 to 6 digits/);
      assert.equal(connects(), before);
      assert.ok(!admin.text.includes('admin123') && !logText(careless.logs()).includes('admin123'));
    } finally {
      await careless.stop();
    }
  });
});

describe('afterwards', () => {
  test('no response and no log line carries a credential, secret or callback token', () => {
    for (const [i, worker] of [open, tight, cron].entries()) {
      assertWorkerLeaksNothing({
        transcript: clients[i].transcript(),
        worker,
        exotel,
        secrets: { CALLBACK_SECRET, ADMIN_TOKEN },
      });
    }
    console.log(`# abuse economics:\n${figures.map((f) => `#   ${f}`).join('\n')}`);
  });
});
