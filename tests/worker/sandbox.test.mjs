// The Worker in sandbox mode: no Exotel account, the built-in simulator answers like Exotel and
// delivers a real status callback to the Worker's own callback URL. The last digit of the
// number picks the outcome (docs/http-api.md).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { FINAL, createClient, pollCall } from '../support/client.mjs';
import { startWorker } from '../support/worker.mjs';

let worker;
let client;

before(async () => {
  worker = await startWorker({
    vars: {
      EXOTEL_MODE: 'sandbox',
      // Outcomes are under test here, not second tries (schedule.test.mjs has those).
      RETRY_ATTEMPTS: '0',
      SANDBOX_ANSWER_MS: '600',
      SANDBOX_CALLBACK_DELAY_MS: '2000',
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
});

/**
 * The statuses a poll saw, checked against the simulator's timeline without betting on when a
 * poll lands: each one in the timeline's order, none repeated out of turn, ending in `last`.
 * Which intermediate ones a poll catches depends on the machine's load; the timeline itself is
 * pinned, at exact times, by the simulator's unit tests (worker/src/upstream/simulator.rs).
 */
function assertFollows(statuses, timeline, phone = '') {
  const positions = statuses.map((s) => timeline.indexOf(s));
  assert.ok(positions.every((p) => p >= 0), `${phone} ${statuses} within ${timeline}`);
  assert.ok(positions.every((p, i) => i === 0 || p > positions[i - 1]), `${phone} ${statuses} in order`);
  assert.equal(statuses.at(-1), timeline.at(-1), phone);
}

async function events(id) {
  return worker.query(`SELECT source, status, applied FROM call_events WHERE call_id = '${id}' ORDER BY id`);
}

test('GET /api/config says sandbox', async () => {
  const res = await client.get('/api/config');
  assert.equal(res.status, 200);
  assert.equal(res.body.sandbox, true);
});

test('an answered call goes queued, ringing, in-progress, then completed by a real callback', async () => {
  const created = await client.createCall('98765 43210');
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.status, 'queued');
  const { id } = created.body;

  const { statuses } = await pollCall(client, id, (b) => FINAL.has(b.status), { intervalMs: 100 });
  assertFollows(statuses, ['queued', 'ringing', 'in-progress', 'completed']);

  // The outcome arrived as an HTTP POST to /exotel/status/<token>, not from Call Details.
  await worker.waitForLog(/POST \/exotel\/status\/[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43} 200/);
  const log = await events(id);
  assert.deepEqual(log.find((e) => e.status === 'completed'), { source: 'callback', status: 'completed', applied: 1 });

  // Call Details fills in the duration once the simulator's record settles.
  const { body } = await pollCall(client, id, (b) => b.duration !== undefined, { intervalMs: 250 });
  assert.equal(body.status, 'completed');
  assert.equal(body.duration, 2);
});

test('the last digit picks busy, no-answer and failed, each settled by its callback', async () => {
  const outcomes = { '98765 43211': 'busy', '98765 43212': 'no-answer', '98765 43213': 'failed' };
  await Promise.all(
    Object.entries(outcomes).map(async ([phone, outcome]) => {
      const created = await client.createCall(phone);
      assert.equal(created.status, 201, created.text);
      const { statuses } = await pollCall(client, created.body.id, (b) => FINAL.has(b.status), { intervalMs: 100 });
      assertFollows(statuses, ['queued', 'ringing', outcome], phone);
      const log = await events(created.body.id);
      assert.equal(log.find((e) => e.status === outcome)?.source, 'callback', phone);
    }),
  );
});

test('the harness reading D1 as fast as it can never costs the Worker a write', async () => {
  // Reads of the harness's own (worker.query) beside the Worker's writes, as every suite makes
  // them, but without pause: six calls placed, polled and settled by callbacks meanwhile.
  let reading = true;
  let reads = 0;
  const reader = (async () => {
    while (reading) {
      await worker.query('SELECT count(*) AS n FROM calls; SELECT count(*) AS n FROM call_events');
      reads++;
      await new Promise((r) => setImmediate(r));
    }
  })();
  try {
    const phones = ['98765 43216', '98765 43217', '98765 43218', '98765 43219', '98765 43221', '98765 43222'];
    const settled = await Promise.all(
      phones.map(async (phone) => {
        const created = await client.createCall(phone);
        assert.equal(created.status, 201, created.text);
        return (await pollCall(client, created.body.id, (b) => FINAL.has(b.status), { intervalMs: 50 })).body.status;
      }),
    );
    // Every poll was a 200 (pollCall fails on any other), and each call ended as its digit says.
    assert.deepEqual(settled, ['completed', 'completed', 'completed', 'completed', 'busy', 'no-answer']);
  } finally {
    reading = false;
    await reader;
  }
  assert.ok(reads > 100, `${reads} reads`);
});

test('digit 4 is refused as a Do-Not-Disturb number, digit 5 finds Exotel down', async () => {
  const refused = await client.createCall('98765 43214');
  assert.equal(refused.status, 502);
  assert.equal(refused.body.error.code, 'exotel_rejected');
  assert.equal(refused.body.error.reason, 'dnd');
  assert.match(refused.body.error.missedCallNumber, /^\+91\d{10}$/);
  assert.ok(!refused.text.includes('9876543214'), refused.text);
  const down = await client.createCall('98765 43215');
  assert.equal(down.status, 502);
  assert.equal(down.body.error.code, 'upstream_unavailable');
});

test('the sandbox refuses forged callbacks too', async () => {
  const created = await client.createCall('98765 43210');
  const res = await client.post(`/exotel/status/${created.body.id}.${'A'.repeat(43)}`, {
    body: 'CallSid=x&Status=busy',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(res.status, 403);
  // The forgery changed nothing: the call ends as the simulator says (answered, completed),
  // and the log holds no busy at all.
  const { body } = await pollCall(client, created.body.id, (b) => FINAL.has(b.status), { intervalMs: 100 });
  assert.equal(body.status, 'completed');
  assert.ok(!(await events(created.body.id)).some((e) => e.status === 'busy'), 'no busy recorded');
});
