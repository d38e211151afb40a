// The lead context of POST /api/calls: name, note, page, referrer, UTM and consent are stored
// with the call (and with its second try), the connect request carries the call's id and the
// name in CustomField, and a bad field is refused with `invalid_field` naming it, before
// anything is stored or any call is placed.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { createClient } from '../support/client.mjs';
import { startMockExotel } from '../support/mock-exotel.mjs';
import { numberSource } from '../support/numbers.mjs';
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
      EXOTEL_CALLER_ID: '080 4711 2400',
      EXOTEL_APP_ID: '926',
      CALLBACK_SECRET: randomBytes(32).toString('hex'),
      RETRY_ATTEMPTS: '1',
      RETRY_AFTER_SECONDS: '60',
      // Every test here calls from 127.0.0.1; the limits are under test in guards.test.mjs.
      RATE_LIMIT_PER_CLIENT: '1000',
      RATE_LIMIT_REFUSED_PER_CLIENT: '1000',
      CALL_BUDGET_PER_HOUR: '1000',
      CALL_BUDGET_PER_DAY: '1000',
    },
  });
  client = createClient(worker.url);
});

after(async () => {
  await worker?.stop();
  await exotel?.stop();
});

const freshNumber = numberSource('98');

const connectsTo = (e164) => exotel.connects().filter((c) => c.form.From === e164);

async function storedRows(requestId) {
  return worker.query(
    `SELECT id, attempt, lead_name, lead FROM calls WHERE request_id = '${requestId}' ORDER BY attempt`,
  );
}

const FULL_LEAD = {
  name: 'Priya Sharma',
  note: 'Pricing for 20 seats\nafter 5 pm please',
  page: 'https://shop.example/pricing?plan=team',
  referrer: 'https://www.google.com/',
  utm: { source: 'google', medium: 'cpc', campaign: 'diwali', term: 'crm india', content: 'ad-2' },
  consent: { given: true, text: 'I agree to be called back about my enquiry.' },
};

describe('lead context', () => {
  test('stored with the call, and the name and id reach Exotel in CustomField', async () => {
    const { typed, e164 } = freshNumber();
    const res = await client.createCall(typed, { ...FULL_LEAD, somethingElse: [1, 2] });
    assert.equal(res.status, 201, res.text);
    const [connect] = connectsTo(e164);
    assert.equal(connect.form.CustomField, `call=${res.body.id}&name=Priya+Sharma`);
    const fields = new URLSearchParams(connect.form.CustomField);
    assert.deepEqual([fields.get('call'), fields.get('name')], [res.body.id, 'Priya Sharma']);

    const [row] = await storedRows(res.body.id);
    assert.equal(row.lead_name, 'Priya Sharma');
    const { name, ...rest } = FULL_LEAD;
    assert.deepEqual(JSON.parse(row.lead), rest);
    // What the visitor is told carries none of it.
    assert.deepEqual(Object.keys(res.body).sort(), ['id', 'status']);
  });

  test('a long Hindi name is cut to fit CustomField; no context stores nothing', async () => {
    const { typed, e164 } = freshNumber();
    const name = 'प्रिया शर्मा '.repeat(6).trim();
    const res = await client.createCall(typed, { name });
    assert.equal(res.status, 201, res.text);
    const custom = connectsTo(e164)[0].form.CustomField;
    assert.ok([...custom].length <= 128, custom);
    const sent = new URLSearchParams(custom).get('name');
    assert.ok(sent.length > 0 && name.startsWith(sent), sent);
    const [row] = await storedRows(res.body.id);
    assert.equal(row.lead_name, name, 'the whole name is stored');
    assert.equal(row.lead, null);

    const bare = freshNumber();
    const plain = await client.createCall(bare.typed, { referrer: '', utm: {} });
    assert.equal(plain.status, 201, plain.text);
    assert.equal(connectsTo(bare.e164)[0].form.CustomField, `call=${plain.body.id}`);
    const [stored] = await storedRows(plain.body.id);
    assert.deepEqual([stored.lead_name, stored.lead], [null, null]);
  });

  test('the largest lead the limits allow fits the default body limit', async () => {
    const { typed } = freshNumber();
    const many = (n) => 'अ'.repeat(n);
    const res = await client.createCall(typed, {
      name: many(80),
      note: many(500),
      page: `https://shop.example/${'p'.repeat(1970)}`,
      referrer: `https://ref.example/${'r'.repeat(1970)}`,
      utm: Object.fromEntries(['source', 'medium', 'campaign', 'term', 'content'].map((k) => [k, many(100)])),
      consent: { given: true, text: many(1000) },
    });
    assert.equal(res.status, 201, res.text);
  });

  test('400 invalid_field names the field; nothing is stored and no call is placed', async () => {
    const cases = [
      ['name', { name: 'x'.repeat(81) }, /at most 80 characters, but got 81/],
      ['name', { name: 42 }, /expected a string, but got a number/],
      ['name', { name: 'Ravi\r\nBcc: x' }, /control characters/],
      ['note', { note: 'y'.repeat(501) }, /at most 500/],
      ['note', { note: 'ok\u0007' }, /control characters/],
      ['page', { page: 'javascript:alert(1)' }, /http\(s\) URL/],
      ['referrer', { referrer: { href: 'https://x.example' } }, /expected a string, but got an object/],
      ['utm', { utm: 'google' }, /expected an object/],
      ['utm.source', { utm: { source: 's'.repeat(101) } }, /at most 100/],
      ['utm.campaign', { utm: { campaign: ['a'] } }, /but got an array/],
      ['consent', { consent: 'yes' }, /expected an object/],
      ['consent.given', { consent: { text: 'I agree' } }, /true or false, but got nothing/],
      ['consent.text', { consent: { given: true, text: 7 } }, /expected a string/],
    ];
    const before = exotel.connects().length;
    const [{ n: rowsBefore }] = await worker.query('SELECT COUNT(*) AS n FROM calls');
    for (const [field, extra, message] of cases) {
      const res = await client.createCall(freshNumber().typed, extra);
      assert.equal(res.status, 400, `${field}: ${res.text}`);
      assert.equal(res.body.error.code, 'invalid_field', res.text);
      assert.equal(res.body.error.field, field, res.text);
      assert.ok(res.body.error.message.startsWith(`${field}: `), res.text);
      assert.match(res.body.error.message, message);
    }
    assert.equal(exotel.connects().length, before, 'no call placed');
    const [{ n: rowsAfter }] = await worker.query('SELECT COUNT(*) AS n FROM calls');
    assert.equal(rowsAfter, rowsBefore, 'nothing stored');
  });

  test('a second try carries the same lead context and name', async () => {
    const { typed, e164 } = freshNumber();
    const first = await client.createCall(typed, { name: 'Ravi', note: 'Call after lunch' });
    assert.equal(first.status, 201, first.text);
    await exotel.sendCallback(connectsTo(e164)[0].sid, { Status: 'no-answer' });

    const rows = await storedRows(first.body.id);
    assert.deepEqual(
      rows.map((r) => [r.attempt, r.lead_name, r.lead]),
      [
        [1, 'Ravi', '{"note":"Call after lunch"}'],
        [2, 'Ravi', '{"note":"Call after lunch"}'],
      ],
    );
    await worker.query(`UPDATE calls SET scheduled_for = ${Date.now() - 1000} WHERE id = '${rows[1].id}'`);
    assert.equal(await worker.scheduled(), 200);
    const second = connectsTo(e164)[1];
    assert.ok(second, 'the second try was placed');
    assert.equal(second.form.CustomField, `call=${rows[1].id}&name=Ravi`);
  });
});
