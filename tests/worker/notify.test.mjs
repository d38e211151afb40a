// Notifications: each event reaches a Standard Webhooks receiver (verified with the
// specification's own library) and a mock Slack, with the number masked; a receiver that is
// down gets the event again later with the same webhook-id; the visitor's request never waits
// for a receiver; a budget reached tells the operator once; settings that cannot work are
// reported without stopping calls.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { createClient } from '../support/client.mjs';
import { startMockExotel } from '../support/mock-exotel.mjs';
import { eventually, startSlackReceiver, startWebhookReceiver } from '../support/mock-receivers.mjs';
import { assertWorkerLeaksNothing, logText } from '../support/secrets.mjs';
import { numberSource } from '../support/numbers.mjs';
import { startWorker } from '../support/worker.mjs';

const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const CALLBACK_SECRET = randomBytes(32).toString('hex');
const ADMIN_TOKEN = randomBytes(24).toString('hex');

let exotel;
let hook;
let slack;
let worker;
let paused;
let client;
let pausedClient;

const common = () => ({
  ...exotel.workerVars(),
  EXOTEL_CALLER_ID: '080 4711 2400',
  EXOTEL_APP_ID: '926',
  CALLBACK_SECRET,
  ADMIN_TOKEN,
  RATE_LIMIT_PER_CLIENT: '1000',
  RATE_LIMIT_REFUSED_PER_CLIENT: '1000',
});

before(async () => {
  exotel = await startMockExotel();
  hook = await startWebhookReceiver({ secret: WEBHOOK_SECRET });
  slack = await startSlackReceiver();
  [worker, paused] = await Promise.all([
    startWorker({
      testScheduled: true,
      vars: {
        ...common(),
        WEBHOOK_URL: hook.url,
        WEBHOOK_SECRET,
        SLACK_WEBHOOK_URL: slack.url,
        RETRY_ATTEMPTS: '1',
        RETRY_AFTER_SECONDS: '60',
        CALL_BUDGET_PER_HOUR: '1000',
        CALL_BUDGET_PER_DAY: '1000',
      },
    }),
    startWorker({
      vars: {
        ...common(),
        WEBHOOK_URL: hook.url,
        WEBHOOK_SECRET,
        // Not a URL Slack gives out: reported, and calls still go out.
        SLACK_WEBHOOK_URL: 'hooks.slack.com/services/T000/B000/XXXX',
        CALL_BUDGET_PER_HOUR: '1',
      },
    }),
  ]);
  client = createClient(worker.url);
  pausedClient = createClient(paused.url);
});

after(async () => {
  await Promise.all([worker?.stop(), paused?.stop()]);
  await Promise.all([exotel?.stop(), hook?.stop(), slack?.stop()]);
});

const freshNumber = numberSource('97');

const connectsTo = (e164) => exotel.connects().filter((c) => c.form.From === e164);

/** The accepted webhook event of `type` about request `id` (and attempt), once it arrives. */
function eventFor(type, id, attempt) {
  return eventually(
    () =>
      hook
        .accepted()
        .find((e) => e.type === type && e.data?.id === id && (attempt === undefined || e.data.attempt === attempt)),
    { what: `${type} for ${id}` },
  );
}

/** Makes every message still waiting due now, as if its backoff had passed. */
async function makeRetriesDue(db) {
  await db.query(`UPDATE outbox SET next_at = ${Date.now() - 1000} WHERE delivered_at IS NULL AND dead_at IS NULL`);
}

describe('events', () => {
  test('call.requested: signed, verified, the number masked, the lead included; Slack told', async () => {
    const { typed, e164, masked } = freshNumber();
    const res = await client.createCall(typed, { name: 'Priya', utm: { source: 'google' } });
    assert.equal(res.status, 201, res.text);
    const event = await eventFor('call.requested', res.body.id);
    assert.equal(event.id, `${res.body.id}.call.requested`);
    assert.match(event.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(
      { ...event.data },
      {
        id: res.body.id,
        callId: res.body.id,
        attempt: 1,
        status: 'queued',
        outcome: 'placing',
        reason: null,
        duration: null,
        scheduledFor: null,
        phone: masked,
        name: 'Priya',
        lead: { utm: { source: 'google' } },
      },
    );
    const delivery = hook.deliveries.find((d) => d.id === event.id);
    assert.match(delivery.headers['webhook-signature'], /^v1,[A-Za-z0-9+/]{43}=$/);
    assert.match(delivery.headers['content-type'], /^application\/json/);
    const said = await eventually(() => slack.messages.find((m) => m.text.includes(masked)), { what: 'Slack' });
    assert.equal(said.text, `:telephone_receiver: Priya (${masked}) asked to be called back now.`);
    for (const text of [delivery.body, JSON.stringify(slack.messages)]) {
      assert.ok(!text.includes(e164.slice(1)), 'no full number in a payload');
    }
  });

  test('call.answered carries the outcome and duration', async () => {
    const { typed, e164 } = freshNumber();
    const res = await client.createCall(typed);
    await exotel.sendCallback(connectsTo(e164)[0].sid, { Status: 'completed', ConversationDuration: '75', DialCallDuration: '75' });
    const event = await eventFor('call.answered', res.body.id);
    assert.equal(event.data.status, 'completed');
    assert.equal(event.data.outcome, 'placed');
  });

  test('no answer: call.scheduled for the second try, then call.missed only once it is spent', async () => {
    const { typed, e164 } = freshNumber();
    const res = await client.createCall(typed);
    await exotel.sendCallback(connectsTo(e164)[0].sid, { Status: 'no-answer' });
    const retry = await eventFor('call.scheduled', res.body.id, 2);
    assert.match(retry.data.scheduledFor, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    await worker.query(`UPDATE calls SET scheduled_for = ${Date.now() - 1000} WHERE id = '${retry.data.callId}'`);
    assert.equal(await worker.scheduled(), 200);
    await exotel.sendCallback(connectsTo(e164)[1].sid, { Status: 'busy' });
    const missed = await eventFor('call.missed', res.body.id);
    assert.deepEqual([missed.data.attempt, missed.data.status], [2, 'busy']);
    const events = hook.accepted().filter((e) => e.data?.id === res.body.id).map((e) => `${e.type}#${e.data.attempt}`);
    assert.deepEqual(events.sort(), ['call.missed#2', 'call.requested#1', 'call.scheduled#2']);
  });

  test('call.not_placed when Exotel refuses; call.scheduled for a chosen time', async () => {
    const refused = freshNumber();
    exotel.failNext({ status: 403, format: 'json' });
    const res = await client.createCall(refused.typed);
    assert.equal(res.status, 502, res.text);
    const event = await eventFor('call.not_placed', await lastRequestId(refused.e164));
    assert.equal(event.data.outcome, 'exotel_rejected');

    const later = freshNumber();
    const at = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const scheduled = await client.createCall(later.typed, { at });
    assert.equal(scheduled.status, 202, scheduled.text);
    const planned = await eventFor('call.scheduled', scheduled.body.id, 1);
    assert.equal(Date.parse(planned.data.scheduledFor), Date.parse(at));
  });
});

/** The request id the Worker stored for `e164` (a refused call answers an error, no id). */
async function lastRequestId(e164) {
  const [row] = await worker.query(`SELECT request_id FROM calls WHERE phone = '${e164}' ORDER BY created_at DESC LIMIT 1`);
  return row.request_id;
}

describe('delivery', () => {
  test('the visitor is answered while the receiver has not answered yet', async () => {
    hook.holdNext();
    const { typed } = freshNumber();
    const res = await client.createCall(typed);
    assert.equal(res.status, 201, res.text);
    const held = await eventually(() => hook.deliveries.find((d) => d.held), { what: 'the held delivery' });
    assert.equal(held.status, 0, 'still unanswered after the visitor got 201');
    hook.release();
    await eventFor('call.requested', res.body.id);
  });

  test('a receiver that fails twice gets the same message again, then accepts it once', async () => {
    hook.failNext(2);
    const { typed } = freshNumber();
    const res = await client.createCall(typed);
    const id = `${res.body.id}.call.requested`;
    const tries = () => hook.deliveries.filter((d) => d.id === id);
    await eventually(() => tries().length === 1, { what: 'the first try' });
    const [row] = await worker.query(`SELECT attempts, next_at, last_error FROM outbox WHERE id = '${id}' AND target = 'webhook'`);
    assert.equal(row.attempts, 1);
    assert.equal(row.last_error, 'HTTP 503');
    assert.ok(row.next_at > Date.now() + 30_000, 'the next try waits for its backoff');

    for (const expected of [2, 3]) {
      await makeRetriesDue(worker);
      assert.equal(await worker.scheduled(), 200);
      await eventually(() => tries().length === expected, { what: `try ${expected}` });
    }
    assert.deepEqual(tries().map((d) => d.status), [503, 503, 204]);
    assert.equal(new Set(tries().map((d) => d.body)).size, 1, 'every try sends the same body');
    assert.ok(tries().every((d) => d.verified), 'every try is signed afresh and verifies');
    const [done] = await worker.query(`SELECT attempts, delivered_at FROM outbox WHERE id = '${id}' AND target = 'webhook'`);
    assert.equal(done.attempts, 3);
    assert.ok(done.delivered_at > 0);

    // At least once: a message sent again is dropped by its webhook-id.
    await worker.query(`UPDATE outbox SET delivered_at = NULL, next_at = 0 WHERE id = '${id}' AND target = 'webhook'`);
    assert.equal(await worker.scheduled(), 200);
    await eventually(() => tries().length === 4, { what: 'the repeat' });
    assert.equal(tries()[3].duplicate, true);
    assert.equal(hook.accepted().filter((e) => e.id === id).length, 1);
  });

  test('after the last try the message is kept as a dead letter', async () => {
    const { typed } = freshNumber();
    const res = await client.createCall(typed);
    const id = `${res.body.id}.call.requested`;
    await eventFor('call.requested', res.body.id);
    hook.failNext(1);
    await worker.query(`UPDATE outbox SET delivered_at = NULL, attempts = 7, next_at = 0 WHERE id = '${id}' AND target = 'webhook'`);
    assert.equal(await worker.scheduled(), 200);
    const [dead] = await eventually(
      async () => {
        const rows = await worker.query(`SELECT dead_at, attempts, last_error FROM outbox WHERE id = '${id}' AND target = 'webhook'`);
        return rows[0]?.dead_at ? rows : null;
      },
      { what: 'the dead letter' },
    );
    assert.deepEqual([dead.attempts, dead.last_error], [8, 'HTTP 503']);
    await worker.query(`UPDATE outbox SET next_at = 0 WHERE id = '${id}'`);
    const before = hook.deliveries.length;
    assert.equal(await worker.scheduled(), 200);
    assert.equal(hook.deliveries.length, before, 'a dead letter is not sent again');
  });
});

describe('budgets and settings', () => {
  test('calls.paused once, however many requests the budget refuses', async () => {
    const first = await pausedClient.createCall(freshNumber().typed);
    assert.equal(first.status, 201, first.text);
    for (let i = 0; i < 3; i++) {
      const refused = await pausedClient.createCall(freshNumber().typed);
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.body.error.code, 'calls_paused');
    }
    const event = await eventually(() => hook.accepted().find((e) => e.type === 'calls.paused'), { what: 'calls.paused' });
    assert.ok(event.data.retryAfter > 0 && event.data.retryAfter <= 3600, JSON.stringify(event));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(hook.deliveries.filter((d) => d.verified && JSON.parse(d.body).type === 'calls.paused').length, 1);
  });

  test('a Slack URL that cannot work is reported to the operator and in the log, and calls go on', async () => {
    const admin = await pausedClient.get('/api/admin/calls', { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(admin.status, 200, admin.text);
    assert.ok(admin.body.warnings.includes('SLACK_WEBHOOK_URL must be an https:// URL'), JSON.stringify(admin.body.warnings));
    assert.ok(!admin.text.includes('hooks.slack.com'), 'the setting itself is not shown');
  });

  test('no secret, Slack URL or full number in any response or log line', () => {
    const numbers = [...new Set(exotel.connects().map((c) => c.form.From))];
    const transcript = client.transcript() + pausedClient.transcript();
    for (const [w, name] of [[worker, 'main'], [paused, 'paused']]) {
      assertWorkerLeaksNothing({
        transcript,
        worker: w,
        exotel,
        secrets: { CALLBACK_SECRET, ADMIN_TOKEN, WEBHOOK_SECRET, SLACK_PATH: new URL(slack.url).pathname },
      });
      for (const number of numbers) {
        assert.ok(!logText(w.logs()).includes(number.slice(3)), `${name}'s log holds a full number`);
      }
    }
    for (const number of numbers) {
      assert.ok(!transcript.includes(number.slice(3)), 'a response holds a full number');
      assert.ok(!hook.deliveries.some((d) => d.body?.includes(number.slice(3))), 'a webhook holds a full number');
      assert.ok(!JSON.stringify(slack.messages).includes(number.slice(3)), 'Slack holds a full number');
    }
  });
});
