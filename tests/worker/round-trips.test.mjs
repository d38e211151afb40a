// D1 and Exotel round trips per endpoint, counted (not timed): in production each is a network
// hop the visitor waits through. The counts are tests/support/round-trips.mjs's, which
// BENCHMARKS.md states too. The Worker runs unchanged; tests/support/counting-worker.mjs counts
// every batch and statement its D1 binding runs while a request is answered. Last, every SQL
// statement the Worker ran here (the cron's and the operator's included) is checked with
// EXPLAIN QUERY PLAN to find its rows through an index, so the cost of a request does not grow
// with the number of calls stored.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startMockExotel } from '../support/mock-exotel.mjs';
import { startWebhookReceiver } from '../support/mock-receivers.mjs';
import { numberSource } from '../support/numbers.mjs';
import { ROUND_TRIPS as TRIPS } from '../support/round-trips.mjs';
import { startWorker } from '../support/worker.mjs';

const freshNumbers = numberSource('95');

const COUNTING_WORKER = fileURLToPath(new URL('../support/counting-worker.mjs', import.meta.url));
const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const ADMIN_TOKEN = randomBytes(24).toString('hex');

let exotel;
let hook;
let worker;

before(async () => {
  exotel = await startMockExotel();
  hook = await startWebhookReceiver({ secret: WEBHOOK_SECRET });
  worker = await startWorker({
    main: COUNTING_WORKER,
    testScheduled: true,
    vars: {
      ...exotel.workerVars(),
      EXOTEL_CALLER_ID: '080 4711 2400',
      EXOTEL_APP_ID: '926',
      CALLBACK_SECRET: randomBytes(32).toString('hex'),
      STATUS_REFRESH_MS: '60000',
      EXOTEL_HTTP_TIMEOUT_MS: '1500',
      // Events ride in the batches that make them: notifications on cost no round trip.
      WEBHOOK_URL: hook.url,
      WEBHOOK_SECRET,
      ADMIN_TOKEN,
      RETRY_AFTER_SECONDS: '60',
    },
  });
});

after(async () => {
  await worker?.stop();
  await Promise.all([exotel?.stop(), hook?.stop()]);
});

const freshNumber = () => freshNumbers().typed;

async function call(path, init = {}) {
  const res = await fetch(`${worker.url}${path}`, init);
  const text = await res.text();
  const trips = Number(res.headers.get('x-d1-round-trips'));
  assert.ok(Number.isInteger(trips), `no count for ${path}`);
  return { status: res.status, body: text ? JSON.parse(text) : null, trips };
}

const post = (phone, { key, extra = {} } = {}) =>
  call('/api/calls', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(key ? { 'Idempotency-Key': key } : {}) },
    body: JSON.stringify({ phone, ...extra }),
  });

describe('D1 round trips', () => {
  test(`POST /api/calls: ${TRIPS.create.d1} D1 and ${TRIPS.create.exotel} Exotel; a repeat ${TRIPS.repeat.d1} D1; one for later ${TRIPS.later.d1} D1`, async () => {
    const phone = freshNumber();
    const key = randomBytes(8).toString('hex');
    const before = exotel.requests.length;
    const placed = await post(phone, { key });
    assert.equal(placed.status, 201);
    assert.equal(placed.trips, TRIPS.create.d1, TRIPS.create.why);
    assert.equal(exotel.requests.length, before + TRIPS.create.exotel);
    const repeat = await post(phone, { key });
    assert.deepEqual([repeat.status, repeat.body.id], [200, placed.body.id]);
    assert.equal(repeat.trips, TRIPS.repeat.d1, TRIPS.repeat.why);
    assert.equal(exotel.requests.length, before + TRIPS.create.exotel + TRIPS.repeat.exotel);
    const unkeyed = await post(freshNumber());
    assert.equal(unkeyed.trips, TRIPS.create.d1);
    const beforeLater = exotel.requests.length;
    const later = await post(freshNumber(), { extra: { at: new Date(Date.now() + 3_600_000).toISOString() } });
    assert.equal(later.status, 202);
    assert.equal(later.trips, TRIPS.later.d1, TRIPS.later.why);
    assert.equal(exotel.requests.length, beforeLater + TRIPS.later.exotel);
  });

  test(`GET /api/calls/{id}: ${TRIPS.poll.d1} D1 while no refresh is due; ${TRIPS.refresh.d1} D1 and ${TRIPS.refresh.exotel} Exotel to refresh (${TRIPS.refresh.d1WhenChanged} D1 when it changed)`, async () => {
    const placed = await post(freshNumber());
    const before = exotel.requests.length;
    const polled = await call(`/api/calls/${placed.body.id}`);
    assert.deepEqual([polled.status, polled.trips], [200, TRIPS.poll.d1]);
    assert.equal(exotel.requests.length, before + TRIPS.poll.exotel);
    await worker.query(`UPDATE calls SET refreshed_at = 0 WHERE id = '${placed.body.id}'`);
    const asked = exotel.requests.length;
    const refreshed = await call(`/api/calls/${placed.body.id}`);
    assert.equal(exotel.requests.length, asked + TRIPS.refresh.exotel, 'Call Details was asked');
    const [{ n: changed }] = await worker.query(
      `SELECT COUNT(*) AS n FROM call_events WHERE call_id = '${placed.body.id}' AND source = 'details' AND applied = 1`,
    );
    assert.equal(refreshed.trips, changed ? TRIPS.refresh.d1WhenChanged : TRIPS.refresh.d1, TRIPS.refresh.why);
  });

  test(`a status callback: ${TRIPS.callback.d1} D1, also when it adopts the Sid of a call whose answer was lost`, async () => {
    const phone = freshNumber();
    const placed = await post(phone);
    const sid = exotel.connects().find((c) => c.form.From === `+91${phone}`).sid;
    const before = exotel.requests.length;
    const res = await exotel.sendCallback(sid, { Status: 'completed' });
    assert.equal(res.status, 200);
    assert.equal(Number(res.headers.get('x-d1-round-trips')), TRIPS.callback.d1);
    assert.equal(exotel.requests.length, before + TRIPS.callback.exotel);

    const lost = freshNumber();
    // Exotel places the call but answers after the Worker gave up waiting.
    exotel.failNext({ kind: 'slow', delayMs: 3000 });
    const timedOut = await post(lost);
    assert.equal(timedOut.status, 502, JSON.stringify(timedOut.body));
    const lostSid = exotel.connects().find((c) => c.form.From === `+91${lost}`).sid;
    const adopted = await exotel.sendCallback(lostSid, { Status: 'completed' });
    assert.equal(adopted.status, 200);
    assert.equal(Number(adopted.headers.get('x-d1-round-trips')), TRIPS.callback.d1);
    const [row] = await worker.query(`SELECT exotel_sid, status FROM calls WHERE exotel_sid = '${lostSid}'`);
    assert.deepEqual(row, { exotel_sid: lostSid, status: 'completed' });
    assert.ok(placed.body.id);
  });

  test('every statement the Worker ran finds its rows through an index', async () => {
    // What the page, Exotel, the operator and the cron do, so their statements are seen.
    const { typed: phone, masked } = freshNumbers();
    const placed = await post(phone, { extra: { name: 'Priya Nair' } });
    const sid = exotel.connects().find((c) => c.form.From === `+91${phone}`).sid;
    await exotel.sendCallback(sid, { Status: 'busy' });
    await call(`/api/calls/${placed.body.id}`, { method: 'DELETE' });
    // The operator's list as the dashboard asks for it: filtered, and searched both ways.
    // Today in the business's zone (Asia/Kolkata, the default), where the admin view's dates are.
    const today = new Date(Date.now() + 330 * 60 * 1000).toISOString().slice(0, 10);
    const lists = [
      'limit=5',
      `status=missed&from=${today}&to=${today}`,
      `q=${masked.slice(-4)}`,
      'q=Priya',
    ];
    for (const query of lists) {
      const admin = await call(`/api/admin/calls?${query}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
      assert.equal(admin.status, 200, query);
      assert.ok(admin.body.calls.some((c) => c.id === placed.body.id), `${query} finds the call just placed`);
    }
    await worker.query(`UPDATE calls SET scheduled_for = 0 WHERE status = 'scheduled'`);
    assert.equal(await worker.scheduled(), 200);

    const plans = await (await fetch(`${worker.url}/__explain`)).json();
    assert.ok(plans.length >= 20, `only ${plans.length} statements seen`);
    const fullScans = plans.filter(
      (p) => p.error || p.plan.some((step) => /^SCAN (calls|call_events|outbox|rate_events)\b(?! USING (COVERING )?INDEX)/.test(step)),
    );
    assert.deepEqual(
      fullScans.map((p) => ({ sql: p.sql.replace(/\s+/g, ' ').slice(0, 160), plan: p.plan, error: p.error })),
      [],
    );
  });
});
