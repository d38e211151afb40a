// Callback flood: 100 calls placed through a mock Exotel, then 1,000 status
// callbacks for them (per call one true outcome and seven non-terminal statuses, a fifth of the
// deliveries duplicates), shuffled and sent 32 at a time, with the Worker stopped and started
// again (same D1 state) halfway through. A delivery that fails on a connection error or a 5xx
// is sent again, as Exotel's sender would. Afterwards every distinct callback is stored exactly
// once, every call ends in its true outcome, nothing is lost, and no call was placed twice.
// The figures are printed (`# flood: ...`) for RELIABILITY.md.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { createClient } from '../support/client.mjs';
import { exotelTime, startMockExotel } from '../support/mock-exotel.mjs';
import { assertWorkerLeaksNothing } from '../support/secrets.mjs';
import { freePort, startWorker } from '../support/worker.mjs';

const CALLS = 100;
const DELIVERIES = 1000;
const DUPLICATES = DELIVERIES / 5;
const CONCURRENCY = 32;
const OUTCOMES = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
const PROGRESS = ['queued', 'ringing', 'in-progress'];
const CALLBACK_SECRET = randomBytes(32).toString('hex');
/** Reproducible shuffles and duplicates; FLOOD_SEED=<n> replays a run. */
const SEED = Number(process.env.FLOOD_SEED ?? Math.floor(Math.random() * 2 ** 31));

let exotel;
let worker;
let client;
const calls = [];
/** What every delivery got, for the secret scan. */
const answers = [];
/** The restart halfway through, once started. */
let restart;

/** mulberry32: a small seeded PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

before(async () => {
  exotel = await startMockExotel({ port: await freePort() });
  worker = await startWorker({
    vars: {
      ...exotel.workerVars(),
      EXOTEL_CALLER_ID: '08047112400',
      EXOTEL_APP_ID: '926',
      CALLBACK_SECRET,
      // The flood is one client placing 100 calls: the limits are guards.test.mjs's business.
      RATE_LIMIT_PER_CLIENT: '100000',
      RATE_LIMIT_PER_NUMBER_DAY: '100000',
      CALL_BUDGET_PER_HOUR: '100000',
      CALL_BUDGET_PER_DAY: '100000',
      RATE_LIMIT_PER_NUMBER: '100',
      // Every callback is under test here, not second tries (schedule.test.mjs has those).
      RETRY_ATTEMPTS: '0',
    },
  });
  client = createClient(worker.url);
});

after(async () => {
  await restart?.catch(() => {});
  await worker?.stop();
  await exotel?.stop();
});

/** Runs `task(item)` over `items`, `limit` at a time. */
async function pool(items, limit, task) {
  let next = 0;
  const runners = Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await task(item);
    }
  });
  await Promise.all(runners);
}

describe('callback flood', () => {
  test(`${CALLS} calls placed, each exactly once`, async () => {
    const numbers = Array.from({ length: CALLS }, (_, i) => `98765 3${String(i).padStart(4, '0')}`);
    await pool(numbers, 8, async (phone) => {
      const res = await client.createCall(phone);
      assert.equal(res.status, 201, res.text);
      const e164 = `+91${phone.replace(' ', '')}`;
      const connects = exotel.connects().filter((r) => r.form.From === e164);
      assert.equal(connects.length, 1);
      calls.push({ id: res.body.id, sid: connects[0].sid, url: connects[0].form.StatusCallback });
    });
    assert.equal(new Set(calls.map((c) => c.sid)).size, CALLS);
    assert.equal(exotel.connects().length, CALLS);
  });

  test(`${DELIVERIES} callbacks, shuffled, ${DUPLICATES} duplicates, ${CONCURRENCY} in flight, a restart halfway: every call ends in its true outcome, every callback stored once`, async () => {
    assert.equal(calls.length, CALLS, 'the calls were placed');
    const random = prng(SEED);
    const base = Date.now() - 60_000;
    // Per call: seven non-terminal callbacks and one true outcome, each distinct (status and
    // DateUpdated), so 8 x 100 = 800 distinct callbacks.
    const distinct = [];
    calls.forEach((call, i) => {
      call.outcome = OUTCOMES[i % OUTCOMES.length];
      for (let k = 0; k < 7; k++) {
        distinct.push({ call, fields: { Status: PROGRESS[k % PROGRESS.length], DateUpdated: exotelTime(base + k * 1000) } });
      }
      const fields = { Status: call.outcome, DateUpdated: exotelTime(base + 10_000) };
      if (call.outcome === 'completed') {
        call.duration = 20 + (i % 40);
        fields.ConversationDuration = String(call.duration);
      }
      distinct.push({ call, fields, terminal: true });
    });
    assert.equal(distinct.length + DUPLICATES, DELIVERIES);
    const deliveries = [...distinct];
    for (let i = 0; i < DUPLICATES; i++) deliveries.push(distinct[Math.floor(random() * distinct.length)]);
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j], deliveries[i]];
    }

    const figures = { sent: 0, accepted: 0, applied: 0, retriedDeliveries: 0, retries: 0, connectionErrors: 0, http5xx: 0, cutAnswers: 0 };
    let restartMs;
    const started = Date.now();

    async function deliver({ call, fields }) {
      const body = new URLSearchParams({ CallSid: call.sid, RecordingUrl: '', ...fields }).toString();
      figures.sent++;
      const deadline = Date.now() + 120_000;
      for (let attempt = 0; ; attempt++) {
        if (attempt === 1) figures.retriedDeliveries++;
        if (attempt > 0) figures.retries++;
        let response;
        try {
          response = await fetch(call.url, {
            method: 'POST',
            body,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            signal: AbortSignal.timeout(15_000),
          });
        } catch {
          figures.connectionErrors++;
        }
        if (response) {
          const text = await response.text().catch(() => null);
          answers.push(`${response.status} ${JSON.stringify(Object.fromEntries(response.headers))}\n${text}`);
          let answer;
          try {
            answer = response.status === 200 ? JSON.parse(text) : undefined;
          } catch {
            // The connection dropped mid-answer (the restart): not an answer, send it again.
            figures.cutAnswers++;
          }
          if (answer) {
            figures.accepted++;
            if (answer.applied) figures.applied++;
            break;
          }
        }
        if (response?.status < 500 && response.status !== 200) {
          // A 4xx is a refusal: Exotel would not retry it, and none is expected here.
          assert.fail(`callback refused: ${response.status}`);
        }
        if (response?.status >= 500) figures.http5xx++;
        assert.ok(Date.now() < deadline, 'a callback could not be delivered within 2 minutes');
        await new Promise((r) => setTimeout(r, Math.min(1000, 100 * 2 ** attempt)));
      }
      // Halfway through, the Worker goes down and comes back on the same D1 state, while the
      // other deliveries keep coming.
      if (figures.accepted === DELIVERIES / 2 && !restart) {
        const t = Date.now();
        restart = worker.restart().then(() => {
          restartMs = Date.now() - t;
        });
      }
    }

    await pool(deliveries, CONCURRENCY, deliver);
    await restart;
    const elapsedMs = Date.now() - started;
    assert.ok(restart, 'the Worker was restarted');
    assert.equal(figures.sent, DELIVERIES);
    assert.equal(figures.accepted, DELIVERIES, 'every delivery accepted in the end');
    assert.ok(figures.retriedDeliveries > 0, 'the restart was felt by some deliveries');

    // What D1 holds.
    const rows = await worker.query(`SELECT c.id, c.status, c.duration,
        (SELECT COUNT(*) FROM call_events e WHERE e.call_id = c.id AND e.source = 'callback') AS callbacks,
        (SELECT COUNT(DISTINCT e.dedupe_key) FROM call_events e WHERE e.call_id = c.id AND e.source = 'callback') AS keys,
        (SELECT COUNT(*) FROM call_events e WHERE e.call_id = c.id AND e.source = 'callback' AND e.applied = 1) AS applied,
        (SELECT group_concat(e.status || '@' || json_extract(e.detail, '$.dateUpdated'), ',') FROM call_events e
          WHERE e.call_id = c.id AND e.source = 'callback') AS logged,
        (SELECT e.applied FROM call_events e WHERE e.call_id = c.id AND e.source = 'callback'
          AND e.status = c.status) AS outcome_applied
      FROM calls c`);
    assert.equal(rows.length, CALLS, 'no call lost or added');
    const byId = new Map(rows.map((r) => [r.id, r]));
    let stored = 0;
    let appliedInD1 = 0;
    for (const call of calls) {
      const row = byId.get(call.id);
      assert.equal(row.status, call.outcome, `${call.id}: ends in its true outcome`);
      assert.equal(row.outcome_applied, 1, `${call.id}: its outcome was applied`);
      if (call.outcome === 'completed') assert.equal(row.duration, call.duration, `${call.id}: the duration its callback gave`);
      assert.equal(row.callbacks, 8, `${call.id}: each distinct callback stored exactly once`);
      assert.equal(row.keys, 8);
      const want = distinct.filter((d) => d.call === call).map((d) => `${d.fields.Status}@${d.fields.DateUpdated}`).sort();
      assert.deepEqual(row.logged.split(',').sort(), want, `${call.id}: the callbacks sent are the ones stored`);
      stored += row.callbacks;
      appliedInD1 += row.applied;
    }
    // A response lost to the restart may hide an applied callback, never invent one.
    assert.ok(figures.applied <= appliedInD1);

    // The page sees the outcomes too.
    await pool(calls, 8, async (call) => {
      const res = await client.get(`/api/calls/${call.id}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.status, call.outcome);
    });
    assert.equal(exotel.connects().length, CALLS, 'no call was placed twice');

    console.log(
      `# flood: seed ${SEED}; ${CALLS} calls; ${figures.sent} callbacks sent (${distinct.length} distinct, ` +
        `${DUPLICATES} duplicates), ${CONCURRENCY} in flight; ${figures.accepted} accepted; ` +
        `${figures.retriedDeliveries} deliveries retried (${figures.retries} retries: ` +
        `${figures.connectionErrors} connection errors, ${figures.http5xx} 5xx, ${figures.cutAnswers} answers cut off) ` +
        `around the restart ` +
        `(${restartMs} ms down and up); ${stored} callbacks stored, ${appliedInD1} applied; ` +
        `${CALLS}/${CALLS} calls in their true outcome; ${elapsedMs} ms`,
    );
  });

  test('callbacks in the same second that differ only by status are each stored once, none taken for a repeat', async () => {
    // Exotel's DateUpdated has one-second resolution: a short call can report ringing,
    // in-progress and its outcome in one second. Each is sent twice, interleaved.
    const phone = '98765 41000';
    const res = await client.createCall(phone);
    assert.equal(res.status, 201, res.text);
    const [connect] = exotel.connects().filter((r) => r.form.From === `+91${phone.replace(' ', '')}`);
    const second = exotelTime(Date.now() - 5000);
    const statuses = ['ringing', 'in-progress', 'completed'];
    for (const status of [...statuses, ...statuses]) {
      const body = new URLSearchParams({ CallSid: connect.sid, Status: status, DateUpdated: second, RecordingUrl: '' });
      if (status === 'completed') body.set('ConversationDuration', '1');
      const answer = await fetch(connect.form.StatusCallback, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(answer.status, 200, await answer.text());
    }
    const rows = await worker.query(
      `SELECT status, dedupe_key FROM call_events WHERE call_id = '${res.body.id}' AND source = 'callback' ORDER BY id`,
    );
    assert.deepEqual(rows.map((r) => r.status), statuses, 'each status stored once, in the order sent');
    assert.equal(new Set(rows.map((r) => r.dedupe_key)).size, statuses.length);
    const [call] = await worker.query(`SELECT status FROM calls WHERE id = '${res.body.id}'`);
    assert.equal(call.status, 'completed', 'the outcome, sent in the same second as the rest, was applied');
  });

  test('no response and no log line carries a credential, secret or callback token', () => {
    assertWorkerLeaksNothing({
      transcript: `${client.transcript()}\n${answers.join('\n')}`,
      worker,
      exotel,
      secrets: { CALLBACK_SECRET },
    });
    assert.ok(answers.length >= DELIVERIES);
  });
});
