// Security: callback tokens that are forged, malformed, minted for another
// call, replayed after the call ended, or carried by a callback naming another call's Sid;
// attempts to get around the destination allow-list and the rate limits; and, over the whole
// run, no API key, token, secret or callback token in any response or in the Worker's log.
// (guards.test.mjs covers each guard working as configured; this file tries to get past them.)

import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { createClient } from '../support/client.mjs';
import { startMockExotel } from '../support/mock-exotel.mjs';
import { assertWorkerLeaksNothing, callbackToken } from '../support/secrets.mjs';
import { startWorker } from '../support/worker.mjs';

const CALLBACK_SECRET = randomBytes(32).toString('hex');
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;

/** The callback token the Worker mints for `id` with this file's secret. */
const tokenFor = (id, secret = CALLBACK_SECRET) => callbackToken(id, secret);

let exotel;
let worker;
let client;

before(async () => {
  exotel = await startMockExotel();
  worker = await startWorker({
    vars: {
      ...exotel.workerVars(),
      EXOTEL_CALLER_ID: '08047112400',
      EXOTEL_APP_ID: '926',
      EXOTEL_TIMEOUT_MS: '1000',
      CALLBACK_SECRET,
      // Outcomes are under test here, not second tries (schedule.test.mjs has those).
      RETRY_ATTEMPTS: '0',
      ADMIN_TOKEN,
      RATE_LIMIT_PER_NUMBER: '2',
      RATE_LIMIT_PER_CLIENT: '3',
      RATE_LIMIT_CLIENT_WINDOW_SECONDS: '60',
    },
  });
  client = createClient(worker.url);
});

after(async () => {
  await worker?.stop();
  await exotel?.stop();
});

let ips = 0;
/** A client address no other request used. */
const freshIp = () => `10.8.${Math.floor(ips / 250)}.${(ips++ % 250) + 1}`;
let numbers = 0;
/** A valid Indian mobile number no other test used: its last five digits. */
const freshTail = () => String(10000 + numbers++);

function postCall(json, headers = {}) {
  return client.request('/api/calls', { method: 'POST', json, headers: { 'CF-Connecting-IP': freshIp(), ...headers } });
}

/** Places a call and returns { id, sid, token }. */
async function placeCall() {
  const res = await postCall({ phone: `98765 ${freshTail()}` });
  assert.equal(res.status, 201, res.text);
  const connect = exotel.connects().at(-1);
  return { id: res.body.id, sid: connect.sid, token: decodeURIComponent(connect.form.StatusCallback.split('/').pop()) };
}

const callbackUrl = (token) => `${worker.url}/exotel/status/${token}`;
const connectsTo = (e164) => exotel.connects().filter((r) => r.form.From === e164).length;

async function adminCall(id) {
  const res = await client.get('/api/admin/calls?limit=200', { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(res.status, 200);
  return res.body.calls.find((c) => c.id === id);
}

describe('callback tokens', () => {
  test('forged, malformed and foreign tokens: 403, nothing changes', async () => {
    const { id, sid } = await placeCall();
    const other = await placeCall();
    const url = callbackUrl;
    const genuine = tokenFor(id);
    const mac = genuine.split('.')[1];
    const flipped = mac[0] === 'A' ? `B${mac.slice(1)}` : `A${mac.slice(1)}`;
    const forgeries = [
      tokenFor(id, 'not-the-secret-but-just-as-long-as-the-real-one-xx'),
      `${id}.${'A'.repeat(43)}`,
      id,
      `${id}.`,
      'garbage',
      `${genuine}x`,
      genuine.slice(0, -1),
      encodeURIComponent(genuine).replace('.', '%2E') + '%00',
      // One character of the MAC changed; padded.
      `${id}.${flipped}`,
      `${genuine}=`,
      // Another call's MAC under this call's id, and the other way round.
      `${id}.${tokenFor(other.id).split('.')[1]}`,
      `${other.id}.${mac}`,
      // The MAC of the id without the context string the Worker binds it to.
      `${id}.${createHmac('sha256', CALLBACK_SECRET).update(id).digest('base64url')}`,
    ];
    // The MAC in the standard base64 alphabet: a different token only when the MAC has a `-`
    // or `_` (about three MACs in four); otherwise it is the genuine token itself.
    const standard = Buffer.from(mac, 'base64url').toString('base64').replace(/=+$/, '');
    if (standard !== mac) forgeries.push(`${id}.${encodeURIComponent(standard)}`);
    for (const token of forgeries) {
      const res = await exotel.sendCallback(sid, { Status: 'busy' }, { url: url(token) });
      assert.equal(res.status, 403, token);
      assert.equal(JSON.parse(res.body).error.code, 'forbidden', token);
    }
    // A genuine token of another call, replayed with this call's Sid.
    const foreign = await exotel.sendCallback(sid, { Status: 'busy' }, { url: url(tokenFor(other.id)) });
    assert.equal(foreign.status, 403);
    assert.equal(JSON.parse(foreign.body).error.message, 'this callback names another call');
    assert.equal((await client.get(`/api/calls/${id}`)).body.status, 'queued');
    assert.equal((await client.get(`/api/calls/${other.id}`)).body.status, 'queued');
    // Nothing was logged for either call beyond its connect answer.
    for (const call of [id, other.id]) {
      assert.deepEqual((await adminCall(call)).events.map((e) => e.source), ['connect']);
    }
  });

  test('a valid token for a call that does not exist: 404', async () => {
    const res = await exotel.sendCallback('0'.repeat(32), {}, { url: callbackUrl(tokenFor('A'.repeat(22))) });
    assert.equal(res.status, 404);
    assert.equal(JSON.parse(res.body).error.code, 'not_found');
  });

  test('cross-call: call A\'s token carrying call B\'s Sid, either way round: 403', async () => {
    const a = await placeCall();
    const b = await placeCall();
    for (const [token, sid] of [[a.token, b.sid], [b.token, a.sid]]) {
      const res = await exotel.sendCallback(sid, { Status: 'completed' }, { url: callbackUrl(token) });
      assert.equal(res.status, 403);
      assert.deepEqual(JSON.parse(res.body).error, { code: 'forbidden', message: 'this callback names another call' });
    }
    // Each call's own callback still works.
    assert.equal((await exotel.sendCallback(a.sid, { Status: 'busy' })).status, 200);
    assert.equal((await client.get(`/api/calls/${a.id}`)).body.status, 'busy');
    assert.equal((await client.get(`/api/calls/${b.id}`)).body.status, 'queued');
  });

  test('cross-call: a call whose connect answer was lost cannot adopt another call\'s Sid', async () => {
    const placed = await placeCall();
    exotel.failNext({ kind: 'hang' });
    const lost = await postCall({ phone: `98765 ${freshTail()}` });
    assert.equal(lost.status, 502);
    const token = decodeURIComponent(exotel.connects().at(-1).form.StatusCallback.split('/').pop());
    const lostId = token.split('.')[0];
    const res = await exotel.sendCallback(placed.sid, { Status: 'completed' }, { url: callbackUrl(token) });
    assert.equal(res.status, 403);
    assert.deepEqual(JSON.parse(res.body).error, { code: 'forbidden', message: 'this callback names another call' });
    const row = await adminCall(lostId);
    assert.deepEqual([row.status, row.exotelSid], ['unknown', null]);
    assert.equal((await client.get(`/api/calls/${placed.id}`)).body.status, 'queued');
  });

  test('replayed after the call ended: accepted, stored once, changes nothing', async () => {
    const { id, sid } = await placeCall();
    const final = { Status: 'completed', DateUpdated: '2026-11-26 19:10:00', ConversationDuration: '42' };
    const first = await exotel.sendCallback(sid, final);
    assert.deepEqual(JSON.parse(first.body), { ok: true, applied: true });
    const settled = (await client.get(`/api/calls/${id}`)).body;
    assert.deepEqual([settled.status, settled.duration], ['completed', 42]);

    // The same callback, five times (a replay of a captured URL and body, or Exotel retrying).
    for (let i = 0; i < 5; i++) {
      const again = await exotel.sendCallback(sid, final);
      assert.equal(again.status, 200);
      assert.deepEqual(JSON.parse(again.body), { ok: true, applied: false });
    }
    // Replays that try to rewrite the outcome, the duration or move the call back.
    const rewrites = [
      { Status: 'busy', DateUpdated: '2026-11-26 19:11:00' },
      { Status: 'completed', DateUpdated: '2026-11-26 19:12:00', ConversationDuration: '9999' },
      { Status: 'in-progress', DateUpdated: '2026-11-26 19:13:00' },
      { Status: 'queued' },
    ];
    for (const fields of rewrites) {
      const res = await exotel.sendCallback(sid, fields, { url: callbackUrl(tokenFor(id)) });
      assert.equal(res.status, 200, JSON.stringify(fields));
      assert.equal(JSON.parse(res.body).applied, false, JSON.stringify(fields));
    }
    assert.deepEqual((await client.get(`/api/calls/${id}`)).body, settled, 'not even updatedAt moved');
    const events = (await adminCall(id)).events.filter((e) => e.source === 'callback');
    assert.equal(events.filter((e) => e.detail?.dateUpdated === final.DateUpdated).length, 1, 'the replayed callback stored once');
    assert.deepEqual(events.map((e) => e.applied), [true, false, false, false, false]);
  });
});

describe('allow-list bypass attempts (ALLOWED_PREFIXES=+91)', () => {
  test('other countries in every disguise: refused, nothing sent to Exotel', async () => {
    const before = exotel.connects().length;
    const tricks = [
      // A destination that is not India, written so that it might look like it.
      ['+92 300 1234567', 'destination_not_allowed'], // Pakistan: +9, not +91
      ['+1 (415) 555-2671', 'destination_not_allowed'],
      ['0 0 1 415 555 2671', 'destination_not_allowed'], // spaced international prefix
      ['+1\u00a0415\u00a0555\u00a02671', 'destination_not_allowed'], // no-break spaces
      ['00 880 1712 345678', 'destination_not_allowed'], // Bangladesh
      ['+911 415 555 2671', 'invalid_phone'], // +91 then a US number
      ['+91 1 415 555 2671', 'invalid_phone'],
      ['011 1 415 555 2671', 'invalid_phone'], // the US international prefix
      ['+91 98765 43210 / +1 415 555 2671', 'invalid_phone'],
      ['+91 98765 43210,+14155552671', 'invalid_phone'],
      ['%2B14155552671', 'invalid_phone'],
      ['+14155552671#91', 'invalid_phone'],
      ['\u202e1762555514+', 'invalid_phone'], // right-to-left override
      ['＋1 415 555 2671', 'destination_not_allowed'], // full-width plus, read as +
      ['＋１ ４１５ ５５５ ２６７１', 'destination_not_allowed'], // all full-width, read as ASCII
      ['+1 ４１５ ５５５ ２６７１', 'invalid_phone'], // ASCII and full-width digits mixed
      ['+𝟏 415 555 2671', 'invalid_phone'], // mathematical bold digit
      ['+۱ 415 555 2671', 'invalid_phone'], // extended Arabic-Indic digit
      ['+91', 'invalid_phone'],
      ['+', 'invalid_phone'],
    ];
    for (const [phone, code] of tricks) {
      const res = await postCall({ phone });
      assert.equal(res.body?.error?.code, code, `${phone}: ${res.status} ${res.text}`);
      assert.equal(res.status, code === 'invalid_phone' ? 400 : 403, phone);
      assert.ok(!/4155552671|3001234567|1712345678/.test(res.text), res.text);
    }
    // The country field picks the rules for a number without +, never the allow-list.
    for (const [phone, country] of [['415 555 2671', 'US'], ['020 7946 0958', 'GB'], ['9123 4567', 'SG']]) {
      const res = await postCall({ phone, country });
      assert.equal(res.status, 403, `${phone} in ${country}: ${res.text}`);
      assert.equal(res.body.error.code, 'destination_not_allowed');
    }
    assert.equal(exotel.connects().length, before, 'no call was placed');
  });
});

describe('rate-limit bypass attempts', () => {
  test('per client: forwarding headers are not the client (only CF-Connecting-IP is)', async () => {
    const ip = freshIp();
    const spoofed = (i) => ({
      'CF-Connecting-IP': ip,
      'X-Forwarded-For': `203.0.113.${i}`,
      'X-Real-IP': `203.0.113.${i}`,
      'True-Client-IP': `203.0.113.${i}`,
      Forwarded: `for=203.0.113.${i}`,
    });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await postCall({ phone: `98765 ${freshTail()}` }, spoofed(i))).status);
    assert.deepEqual(statuses, [201, 201, 201, 429, 429, 429]);
  });

  test('per client: without CF-Connecting-IP, varying X-Forwarded-For is one client', async () => {
    // wrangler dev sets CF-Connecting-IP to the socket's address (127.0.0.1) when none is sent;
    // on Cloudflare it is always the connecting address.
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const res = await client.request('/api/calls', {
        method: 'POST',
        json: { phone: `98765 ${freshTail()}` },
        headers: { 'X-Forwarded-For': `198.51.100.${i}`, 'X-Real-IP': `198.51.100.${i}` },
      });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
  });

  test('per number: every spelling of one number, from many clients and keys, is one number', async () => {
    const tail = freshTail();
    const e164 = `+9198765${tail}`;
    const spellings = [
      `+91 98765 ${tail}`,
      `098765${tail}`,
      `0091-98765-${tail}`,
      `+91 (98765) ${tail.slice(0, 2)}.${tail.slice(2)}`,
      `98765${tail}`,
      ` +91 9876 5${tail.slice(0, 2)} ${tail.slice(2)} `,
      `00 91 98765 ${tail}`,
      `+91/98765/${tail}`,
    ];
    const statuses = [];
    for (const phone of spellings) {
      const res = await postCall({ phone }, { 'Idempotency-Key': `key-${randomBytes(6).toString('hex')}` });
      statuses.push(res.status);
    }
    const us = await postCall({ phone: `+91 98765 ${tail}`, country: 'US' });
    statuses.push(us.status);
    assert.deepEqual(statuses, [201, 201, 429, 429, 429, 429, 429, 429, 429]);
    assert.equal(connectsTo(e164), 2);
  });
});

describe('secrets', () => {
  test('no response and no log line carries a credential, secret or callback token', () => {
    const scanned = assertWorkerLeaksNothing({
      transcript: client.transcript(),
      worker,
      exotel,
      secrets: { CALLBACK_SECRET, ADMIN_TOKEN },
    });
    assert.ok(client.seen.length > 50, `scanned ${client.seen.length} responses`);
    assert.ok(scanned.tokens > 10);
    console.log(`# security: scanned ${client.seen.length} responses (${scanned.responseBytes} bytes) and ${scanned.logBytes} bytes of log for ${scanned.secrets} secrets and ${scanned.tokens} callback tokens`);
  });
});
