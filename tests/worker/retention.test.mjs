// Data that expires, run by the cron: after MASK_AFTER_DAYS a finished call keeps only its
// masked number; after RETENTION_DAYS it is deleted with its event log; a call still waiting
// for its time keeps its number whatever its age. The client's address is never stored, and
// the rate limits keep only keyed hashes.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { createClient } from '../support/client.mjs';
import { startMockExotel } from '../support/mock-exotel.mjs';
import { numberSource } from '../support/numbers.mjs';
import { startWorker } from '../support/worker.mjs';

const DAY = 86_400_000;
let exotel;
let worker;
let client;

before(async () => {
  exotel = await startMockExotel();
  worker = await startWorker({
    testScheduled: true,
    vars: {
      ...exotel.workerVars(),
      EXOTEL_CALLER_ID: '080 4711 2400',
      EXOTEL_APP_ID: '926',
      CALLBACK_SECRET: randomBytes(32).toString('hex'),
      MASK_AFTER_DAYS: '30',
      RETENTION_DAYS: '90',
      RETRY_ATTEMPTS: '0',
    },
  });
  client = createClient(worker.url);
});

after(async () => {
  await worker?.stop();
  await exotel?.stop();
});

const freshNumber = numberSource('96');

/** Places a call and ends it with `status`; its id. */
async function endedCall(status = 'completed') {
  const number = freshNumber();
  const res = await client.createCall(number.typed, { name: 'Asha' });
  assert.equal(res.status, 201, res.text);
  const connect = exotel.connects().find((c) => c.form.From === number.e164);
  await exotel.sendCallback(connect.sid, { Status: status });
  return { id: res.body.id, ...number };
}

/** Makes each call of `ages` ({ id: days }) that many days old, in one statement. */
async function age(ages) {
  const cases = Object.entries(ages).map(([id, days]) => `WHEN '${id}' THEN ${Date.now() - days * DAY}`);
  const ids = Object.keys(ages).map((id) => `'${id}'`);
  await worker.query(`UPDATE calls SET created_at = CASE id ${cases.join(' ')} END WHERE id IN (${ids.join(', ')})`);
}

/** The stored rows of `ids` by id, with how many events each has. */
async function rows(ids) {
  const found = await worker.query(
    `SELECT id, phone, phone_masked, masked_at, lead_name,
            (SELECT COUNT(*) FROM call_events e WHERE e.call_id = calls.id) AS events
     FROM calls WHERE id IN (${ids.map((id) => `'${id}'`).join(', ')})`,
  );
  return Object.fromEntries(found.map((r) => [r.id, r]));
}

describe('retention', () => {
  test('masked after MASK_AFTER_DAYS, deleted after RETENTION_DAYS, waiting calls kept', async () => {
    const fresh = await endedCall();
    const month = await endedCall('no-answer');
    const old = await endedCall();
    const waiting = freshNumber();
    const scheduled = await client.createCall(waiting.typed, { at: new Date(Date.now() + 3 * 3_600_000).toISOString() });
    assert.equal(scheduled.status, 202, scheduled.text);
    await age({ [month.id]: 31, [old.id]: 91, [scheduled.body.id]: 95 });
    const ids = [fresh.id, month.id, old.id, scheduled.body.id];
    assert.ok((await rows(ids))[old.id].events > 0);

    assert.equal(await worker.scheduled(), 200);

    const after = await rows(ids);
    const { id, events, ...kept } = after[fresh.id];
    assert.deepEqual(kept, { phone: fresh.e164, phone_masked: fresh.masked, masked_at: null, lead_name: 'Asha' });
    const masked = after[month.id];
    assert.equal(masked.phone, month.masked, 'only the masked number is left');
    assert.ok(masked.masked_at > Date.now() - 60_000);
    assert.equal(masked.lead_name, 'Asha');
    assert.equal(after[old.id], undefined, 'deleted');
    const [{ n: orphans }] = await worker.query(`SELECT COUNT(*) AS n FROM call_events WHERE call_id = '${old.id}'`);
    assert.equal(orphans, 0, 'with its events');
    assert.equal(after[scheduled.body.id].phone, waiting.e164, 'a call still waiting keeps its number');

    // The visitor's page still reads a masked call; the operator sees the mask.
    const shown = await client.get(`/api/calls/${month.id}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.status, 'no-answer');
    const gone = await client.get(`/api/calls/${old.id}`);
    assert.equal(gone.status, 404);
    await worker.waitForRecord({ level: 'info', event: 'retention_run', masked: 1, deleted: 1 });
  });

  test('no client address is stored; the limits keep keyed hashes only', async () => {
    const columns = (await worker.query('PRAGMA table_info(calls)')).map((c) => c.name);
    assert.ok(!columns.some((c) => /ip|address/.test(c)), columns.join(','));
    const { e164 } = await endedCall();
    const buckets = (await worker.query('SELECT DISTINCT bucket FROM rate_events')).map((r) => r.bucket);
    assert.ok(buckets.length > 0);
    for (const bucket of buckets.filter((b) => b !== 'b:calls')) {
      assert.match(bucket, /^[a-z]:[A-Za-z0-9_-]{20,}$/, bucket);
      assert.ok(!bucket.includes('127.0.0.1') && !bucket.includes(e164.slice(3)), bucket);
    }
  });
});
