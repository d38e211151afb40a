// Do-Not-Disturb: the Worker in workerd against a mock Exotel whose registry refuses some
// numbers (403, in Exotel's NDNC wording). A refusal for DND answers `reason: "dnd"` with the
// number to give a missed call to; after that missed call the same number is called. With
// `DND_WHITELIST_API=on` the Worker also sends the number to the Customer Whitelist API, once a
// day at most, and says so (`whitelist: "requested"`); a whitelist request Exotel refuses is
// recorded and not promised to the visitor. Refusals Exotel's answer does not explain carry no
// reason. The reason reaches D1, the admin view, its CSV export, the notifications and the logs.

import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { createClient } from '../support/client.mjs';
import { startMockExotel } from '../support/mock-exotel.mjs';
import { eventually, startWebhookReceiver } from '../support/mock-receivers.mjs';
import { numberSource } from '../support/numbers.mjs';
import { assertWorkerLeaksNothing } from '../support/secrets.mjs';
import { startWorker } from '../support/worker.mjs';

const CALLBACK_SECRET = randomBytes(32).toString('hex');
const ADMIN_TOKEN = randomBytes(24).toString('hex');
const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const DND_MESSAGE =
  'this number is on the Do-Not-Disturb registry, so the calling service will not call it until the number has called this business';

let exotel;
let hook;
let plain;
let whitelisting;
let client;
let wlClient;

const common = () => ({
  ...exotel.workerVars(),
  EXOTEL_CALLER_ID: '080 4711 2400',
  EXOTEL_APP_ID: '926',
  CALLBACK_SECRET,
  ADMIN_TOKEN,
  RETRY_ATTEMPTS: '0',
  RATE_LIMIT_PER_CLIENT: '1000',
  RATE_LIMIT_REFUSED_PER_CLIENT: '1000',
  RATE_LIMIT_PER_NUMBER: '100',
  RATE_LIMIT_PER_NUMBER_DAY: '100',
});

before(async () => {
  exotel = await startMockExotel();
  hook = await startWebhookReceiver({ secret: WEBHOOK_SECRET });
  [plain, whitelisting] = await Promise.all([
    startWorker({ vars: { ...common(), WEBHOOK_URL: hook.url, WEBHOOK_SECRET } }),
    startWorker({ vars: { ...common(), DND_WHITELIST_API: 'on', MISSED_CALL_NUMBER: '+91 80 4000 1234' } }),
  ]);
  client = createClient(plain.url);
  wlClient = createClient(whitelisting.url);
});

after(async () => {
  try {
    for (const [c, w] of [[client, plain], [wlClient, whitelisting]]) {
      if (c && w) assertWorkerLeaksNothing({ transcript: c.transcript(), worker: w, exotel, secrets: { CALLBACK_SECRET, ADMIN_TOKEN, WEBHOOK_SECRET } });
    }
  } finally {
    await Promise.all([plain?.stop(), whitelisting?.stop()]);
    await Promise.all([exotel?.stop(), hook?.stop()]);
  }
});

const freshNumber = numberSource('93');
const connectsTo = (e164) => exotel.connects().filter((c) => c.form.From === e164);
const whitelistsOf = (e164) => exotel.whitelistRequests().filter((r) => r.method === 'POST' && r.form.Number === e164);
const admin = { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } };

async function storedCall(worker, e164) {
  const rows = await worker.query(
    `SELECT id, status, outcome, failure, upstream_status, reason, whitelist FROM calls WHERE phone = '${e164}' ORDER BY created_at`,
  );
  return rows;
}

/** The visitor's DND answer, exactly: the reason, the way through, nothing of Exotel's words. */
function assertDndAnswer(res, { missedCallNumber, whitelist }, e164) {
  assert.equal(res.status, 502, res.text);
  const expected = { code: 'exotel_rejected', message: DND_MESSAGE, reason: 'dnd', missedCallNumber };
  if (whitelist) expected.whitelist = whitelist;
  assert.deepEqual(res.body.error, expected);
  assert.ok(!res.text.includes('TRAI') && !res.text.includes(e164.slice(-5)), res.text);
}

describe('a number on the DND registry', () => {
  test('is refused with reason "dnd" and the missed-call number (the caller ID by default), once', async () => {
    const { typed, e164, masked } = freshNumber();
    exotel.addDnd(e164);
    const res = await client.createCall(typed);
    assertDndAnswer(res, { missedCallNumber: '+918047112400' }, e164);
    assert.equal(connectsTo(e164).length, 1, 'one connect request, never retried');
    assert.equal(whitelistsOf(e164).length, 0, 'DND_WHITELIST_API is off: no whitelist request');
    const [row] = await storedCall(plain, e164);
    assert.deepEqual(
      { status: row.status, outcome: row.outcome, failure: row.failure, upstream: row.upstream_status, reason: row.reason, whitelist: row.whitelist },
      { status: 'failed', outcome: 'exotel_rejected', failure: 'rejected', upstream: 403, reason: 'dnd', whitelist: null },
    );
    await plain.waitForRecord({ event: 'call_not_placed', call: row.id, reason: 'exotel_rejected', refusal: 'dnd', http_status: 403 });

    // The operator sees why, in the list and in the export.
    const list = await client.get(`/api/admin/calls?q=${e164.slice(-4)}`, admin);
    assert.equal(list.status, 200, list.text);
    const shown = list.body.calls.find((c) => c.id === row.id);
    assert.deepEqual([shown.phone, shown.reason, shown.whitelist], [masked, 'dnd', null]);
    const csv = await client.get('/api/admin/calls.csv', admin);
    assert.equal(csv.status, 200);
    const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    const header = lines[0].split(',');
    const line = lines.find((l) => l.startsWith(`${row.id},`)).split(',');
    assert.equal(line[header.indexOf('reason')], 'dnd');
    assert.equal(line[header.indexOf('phone')], `'${masked}`, 'masked, and not read as a formula');

    // And so does the webhook.
    const event = await eventually(
      () => hook.accepted().find((e) => e.type === 'call.not_placed' && e.data.callId === row.id),
      { what: 'call.not_placed' },
    );
    assert.deepEqual([event.data.outcome, event.data.reason, event.data.phone], ['exotel_rejected', 'dnd', masked]);
  });

  test('is called once it has given the ExoPhone a missed call', async () => {
    const { typed, e164 } = freshNumber();
    exotel.addDnd(e164);
    assertDndAnswer(await client.createCall(typed), { missedCallNumber: '+918047112400' }, e164);
    exotel.missedCall(e164);
    const res = await client.createCall(typed);
    assert.equal(res.status, 201, res.text);
    assert.equal(connectsTo(e164).length, 2);
    const rows = await storedCall(plain, e164);
    assert.deepEqual(rows.map((r) => r.reason), ['dnd', null]);
  });

  test('a repeated Idempotency-Key is answered with the same refusal, reason and all', async () => {
    const { typed, e164 } = freshNumber();
    exotel.addDnd(e164);
    const key = randomUUID();
    const first = await client.request('/api/calls', { method: 'POST', json: { phone: typed }, headers: { 'Idempotency-Key': key } });
    const again = await client.request('/api/calls', { method: 'POST', json: { phone: typed }, headers: { 'Idempotency-Key': key } });
    assertDndAnswer(first, { missedCallNumber: '+918047112400' }, e164);
    assert.deepEqual([again.status, again.body], [first.status, first.body]);
    assert.equal(connectsTo(e164).length, 1);
  });
});

describe('refusals Exotel does not explain', () => {
  test('a 403 without DND words has no reason, and its message does not guess', async () => {
    const { typed, e164 } = freshNumber();
    exotel.failNext({ status: 403, format: 'json', message: 'Forbidden' });
    const res = await client.createCall(typed);
    assert.equal(res.status, 502, res.text);
    assert.deepEqual(res.body.error, { code: 'exotel_rejected', message: 'the calling service refused to call this number' });
    const [row] = await storedCall(plain, e164);
    assert.equal(row.reason, null);
  });

  test('a 402 says the plan limit, with no way through', async () => {
    const { typed, e164 } = freshNumber();
    exotel.failNext({ status: 402, format: 'xml', message: "Your plan's usage limit has been reached" });
    const res = await client.createCall(typed);
    assert.deepEqual(res.body.error, { code: 'exotel_rejected', message: "this site's calling plan has reached its limit", reason: 'plan_limit' });
    const [row] = await storedCall(plain, e164);
    assert.equal(row.reason, 'plan_limit');
  });
});

describe('DND_WHITELIST_API=on', () => {
  test('the number is sent to the Customer Whitelist API once a day, from the ExoPhone, and the visitor is told to expect an SMS', async () => {
    const { typed, e164 } = freshNumber();
    exotel.addDnd(e164);
    const res = await wlClient.createCall(typed);
    assertDndAnswer(res, { missedCallNumber: '+918040001234', whitelist: 'requested' }, e164);
    const [sent] = whitelistsOf(e164);
    assert.equal(whitelistsOf(e164).length, 1);
    assert.equal(sent.path, `/v1/Accounts/${exotel.accountSid}/CustomerWhitelist.json`);
    assert.deepEqual(sent.form, { VirtualNumber: '+918047112400', Number: e164 });
    assert.equal(sent.headers.authorization, `Basic ${Buffer.from(`${exotel.apiKey}:${exotel.apiToken}`).toString('base64')}`);
    const [row] = await storedCall(whitelisting, e164);
    assert.deepEqual([row.reason, row.whitelist], ['dnd', 'requested']);
    await whitelisting.waitForRecord({ event: 'whitelist_requested', call: row.id, state: 'sent' });

    // Refused again before the visitor approved: no second SMS, and still "requested".
    const again = await wlClient.createCall(typed);
    assertDndAnswer(again, { missedCallNumber: '+918040001234', whitelist: 'requested' }, e164);
    assert.equal(whitelistsOf(e164).length, 1, 'one whitelist request a day per number');
    await whitelisting.waitForRecord({ event: 'whitelist_requested', state: 'asked_today' });

    // The visitor approves the SMS: the call goes through.
    exotel.approveSms(e164);
    const placed = await wlClient.createCall(typed);
    assert.equal(placed.status, 201, placed.text);
    assert.equal(connectsTo(e164).length, 3);
  });

  test('a whitelist request Exotel refuses is recorded, and no SMS is promised', async () => {
    const { typed, e164 } = freshNumber();
    exotel.addDnd(e164);
    exotel.failNextWhitelist({ status: 403, message: 'Account is not enabled for whitelisting' });
    const res = await wlClient.createCall(typed);
    assertDndAnswer(res, { missedCallNumber: '+918040001234' }, e164);
    assert.equal(whitelistsOf(e164).length, 1);
    const [row] = await storedCall(whitelisting, e164);
    assert.deepEqual([row.reason, row.whitelist], ['dnd', 'failed']);
    await whitelisting.waitForRecord({ event: 'whitelist_failed', call: row.id, http_status: 403 });
  });

  test('a refusal that is not DND sends nothing to the whitelist', async () => {
    const { typed, e164 } = freshNumber();
    exotel.failNext({ status: 401, format: 'json', message: 'Authentication failed' });
    const res = await wlClient.createCall(typed);
    assert.equal(res.body.error.reason, 'credentials');
    assert.equal(res.body.error.whitelist, undefined);
    assert.equal(whitelistsOf(e164).length, 0);
  });
});
