// Lost callbacks: the cron (run here through `wrangler dev --test-scheduled`) asks Exotel's Call
// Details about calls with no outcome RECONCILE_AFTER_SECONDS after they were placed, records
// the answer through the same path as callbacks, takes at most RECONCILE_BATCH calls per run,
// and marks calls still open after RECONCILE_GIVE_UP_SECONDS `unknown`; it never sends a
// connect request. Also: without ADMIN_TOKEN the admin view does not exist.
//
// Time is driven, not waited for: a call is made older by moving its stored times back, so
// each cron run sees exactly the ages the test means, however slow the machine.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';

import { createClient } from '../support/client.mjs';
import { startMockExotel } from '../support/mock-exotel.mjs';
import { eventually } from '../support/mock-receivers.mjs';
import { startWorker } from '../support/worker.mjs';

let exotel;
let worker;
let client;

before(async () => {
  exotel = await startMockExotel();
  worker = await startWorker({
    testScheduled: true,
    vars: {
      ...exotel.workerVars(),
      EXOTEL_CALLER_ID: '08047112400',
      EXOTEL_APP_ID: '926',
      CALLBACK_SECRET: randomBytes(32).toString('hex'),
      // Outcomes are under test here, not second tries (schedule.test.mjs has those).
      RETRY_ATTEMPTS: '0',
      RECONCILE_AFTER_SECONDS: '60',
      RECONCILE_GIVE_UP_SECONDS: '600',
      RECONCILE_BATCH: '2',
      // Exotel holds one answer for as long as the test needs (the duplicate-key case).
      EXOTEL_TIMEOUT_MS: '30000',
      RATE_LIMIT_PER_CLIENT: '100',
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

async function place(phone) {
  const res = await client.createCall(phone);
  assert.equal(res.status, 201, res.text);
  return { id: res.body.id, sid: exotel.connects().at(-1).sid, phone };
}

/** Makes `calls` `seconds` older, as if that much time had passed since they were placed. */
async function age(calls, seconds) {
  const ids = calls.map((c) => `'${c.id}'`).join(', ');
  const ms = seconds * 1000;
  await worker.query(`UPDATE calls SET placed_at = placed_at - ${ms}, created_at = created_at - ${ms}, updated_at = updated_at - ${ms},
    refreshed_at = CASE WHEN refreshed_at IS NULL THEN NULL ELSE refreshed_at - ${ms} END WHERE id IN (${ids})`);
}

/** Connect requests per number: the cron must never add one. */
const connectCounts = (calls) => calls.map((c) => exotel.connects().filter((r) => r.form.From === `+91${c.phone.replace(/\D/g, '')}`).length);

const stored = async (id) => (await worker.query(`SELECT status, duration FROM calls WHERE id = '${id}'`))[0];
const events = (id) => worker.query(`SELECT source, status, applied FROM call_events WHERE call_id = '${id}' ORDER BY id`);
const detailsAsked = (sid) => exotel.requests.filter((r) => r.method === 'GET' && r.path.includes(sid)).length;

test('recovers a lost callback from Call Details, a few calls per run, and gives up on the hopeless', async () => {
  const recovered = await place('98765 40001');
  const hopeless = await place('98765 40002');
  // Exotel knows the call completed, but its callback never arrives.
  exotel.setCall(recovered.sid, { status: 'completed', duration: 42 });

  // Too early: nothing is asked.
  assert.equal(await worker.scheduled(), 200);
  assert.equal(detailsAsked(recovered.sid), 0);

  await age([recovered, hopeless], 61);
  assert.equal(await worker.scheduled(), 200);
  await worker.waitForRecord({ level: 'info', event: 'reconcile_run', count: 2, asked: 2, gave_up: 0 });
  assert.deepEqual(await stored(recovered.id), { status: 'completed', duration: 42 });
  assert.deepEqual(await events(recovered.id), [
    { source: 'connect', status: 'queued', applied: 0 },
    { source: 'reconcile', status: 'completed', applied: 1 },
  ]);
  assert.equal((await stored(hopeless.id)).status, 'queued', 'Exotel still says queued');
  assert.equal((await client.get(`/api/calls/${recovered.id}`)).body.status, 'completed');

  // Bounded work: three more open calls, two per run, least recently asked first.
  const more = [await place('98765 40003'), await place('98765 40004'), await place('98765 40005')];
  await age(more, 61);
  assert.equal(await worker.scheduled(), 200);
  assert.deepEqual(more.map((c) => detailsAsked(c.sid)), [1, 1, 0]);
  assert.equal(detailsAsked(hopeless.sid), 1);

  // Past the cut-off, a call Exotel still reports as queued is marked unknown.
  await age([hopeless], 600);
  assert.equal(await worker.scheduled(), 200);
  assert.equal(more.map((c) => detailsAsked(c.sid))[2], 1, 'the one left out last time');
  assert.equal((await stored(hopeless.id)).status, 'unknown');
  assert.deepEqual((await events(hopeless.id)).at(-1), { source: 'reconcile', status: 'unknown', applied: 1 });
  assert.equal((await client.get(`/api/calls/${hopeless.id}`)).body.status, 'unknown');

  // unknown is terminal for the page, but a real outcome learned later still replaces it.
  const late = await exotel.sendCallback(hopeless.sid, { Status: 'busy' });
  assert.equal(late.status, 200, late.body);
  assert.equal((await client.get(`/api/calls/${hopeless.id}`)).body.status, 'busy');

  // Four runs, five calls, some open, one given up on: not one connect request resent.
  assert.equal(await worker.scheduled(), 200);
  assert.deepEqual(connectCounts([recovered, hopeless, ...more]), [1, 1, 1, 1, 1]);
  assert.equal(exotel.connects().length, 5);
});

// Here (not in guards.test.mjs) because it needs Exotel to hold its answer for longer than the
// Worker waits for a first request, within EXOTEL_TIMEOUT_MS; it runs after the reconciliation
// test, whose counts it would skew.
test('a duplicate Idempotency-Key while the first is still with Exotel: 409 request_in_progress', async () => {
  exotel.failNext({ kind: 'held' });
  const post = () => client.request('/api/calls', {
    method: 'POST',
    json: { phone: '98765 40009' },
    headers: { 'Idempotency-Key': 'slow-one' },
  });
  let firstDone = false;
  const first = post().finally(() => { firstDone = true; });
  // Ordered by what the mock saw, not by a pause: the first request is with Exotel.
  await eventually(() => exotel.connects().some((r) => r.form.From === '+919876540009'), { what: 'the first connect request' });
  const duplicate = await post();
  assert.equal(duplicate.status, 409, duplicate.text);
  assert.equal(duplicate.body.error.code, 'request_in_progress');
  assert.ok(Number(duplicate.headers['retry-after']) >= 1);
  assert.equal(firstDone, false, 'answered while the first was still with Exotel');
  exotel.releaseHeld();
  const placed = await first;
  assert.equal(placed.status, 201, placed.text);
  const after = await post();
  assert.equal(after.status, 200);
  assert.equal(after.body.id, placed.body.id);
  assert.equal(exotel.connects().filter((r) => r.form.From === '+919876540009').length, 1);
});

test('without ADMIN_TOKEN the admin view does not exist', async () => {
  const res = await client.get('/api/admin/calls', { headers: { Authorization: 'Bearer anything' } });
  assert.equal(res.status, 404);
  assert.equal(res.body.error.code, 'not_found');
});

test('the cron prunes rate-limit rows no window needs', async () => {
  await worker.query(`INSERT INTO rate_events (bucket, at) VALUES ('n:old', 1000)`);
  assert.equal(await worker.scheduled(), 200);
  assert.deepEqual(await worker.query(`SELECT COUNT(*) AS n FROM rate_events WHERE bucket = 'n:old'`), [{ n: 0 }]);
  const rows = await worker.query('SELECT bucket FROM rate_events');
  assert.ok(rows.length > 0 && rows.every((r) => /^[ncraw]:[A-Za-z0-9_-]{22}$/.test(r.bucket) || r.bucket === 'b:calls'), 'hashed buckets only (and the budget, which names nobody)');
});
