// The mock Exotel itself: it must refuse what Exotel refuses, or the Worker's tests against it
// would prove nothing.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startMockExotel } from '../support/mock-exotel.mjs';

let exotel;
let auth;

before(async () => {
  exotel = await startMockExotel();
  auth = `Basic ${Buffer.from(`${exotel.apiKey}:${exotel.apiToken}`).toString('base64')}`;
});

after(async () => {
  await exotel?.stop();
});

const valid = () => ({
  From: '+919876543210',
  CallerId: '+918047112400',
  Url: `http://my.exotel.com/${exotel.accountSid}/exoml/start_voice/926`,
  TimeLimit: '600',
});

async function connect(form, { authorization = auth, suffix = '.json' } = {}) {
  const response = await fetch(`${exotel.url}/v1/Accounts/${exotel.accountSid}/Calls/connect${suffix}`, {
    method: 'POST',
    headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

test('places a valid call, in JSON or XML', async () => {
  const json = await connect(valid());
  assert.equal(json.status, 200);
  assert.match(JSON.parse(json.text).Call.Sid, /^[0-9a-f]{32}$/);
  const xml = await connect(valid(), { suffix: '' });
  assert.equal(xml.status, 200);
  assert.match(xml.text, /<TwilioResponse>\s*<Call>\s*<Sid>[0-9a-f]{32}<\/Sid>/);
});

test('refuses bad credentials with 401', async () => {
  assert.equal((await connect(valid(), { authorization: 'Basic bm9wZTpub3Bl' })).status, 401);
  assert.equal((await connect(valid(), { authorization: '' })).status, 401);
});

test('refuses a form Exotel would refuse with a 400 RestException', async () => {
  const cases = [
    { From: undefined },
    { CallerId: undefined },
    { Url: undefined },
    { Url: 'http://my.exotel.com/someoneelse/exoml/start_voice/926' },
    { Url: 'http://example.com/flow' },
    { TimeLimit: '14401' },
    { TimeLimit: '10.5' },
    { TimeOut: '0' },
    { StatusCallback: 'ftp://example.com' },
    { CallType: 'promo' },
    { From: '98765' },
  ];
  for (const change of cases) {
    const form = { ...valid(), ...change };
    for (const [k, v] of Object.entries(form)) if (v === undefined) delete form[k];
    const res = await connect(form);
    assert.equal(res.status, 400, JSON.stringify(change));
    assert.equal(JSON.parse(res.text).RestException.Status, 400);
  }
});

test('checks a request before an injected fault applies: a broken request is refused, and the fault waits', async () => {
  exotel.failNext({ status: 503 });
  const broken = await connect({ ...valid(), From: undefined });
  assert.equal(broken.status, 400, 'refused as Exotel would, not answered with the fault');
  assert.equal((await connect(valid(), { authorization: 'Basic bm9wZTpub3Bl' })).status, 401);
  assert.equal((await connect(valid())).status, 503, 'the fault is spent on the next valid request');
  assert.equal((await connect(valid())).status, 200);
});

test('speaks the DND registry and the Customer Whitelist API', async () => {
  const number = '+919876500777';
  const whitelist = (path, init = {}) => fetch(`${exotel.url}/v1/Accounts/${exotel.accountSid}/CustomerWhitelist${path}`, {
    ...init,
    headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded', ...init.headers },
  }).then(async (r) => ({ status: r.status, text: await r.text() }));
  exotel.addDnd(number);
  const refused = await connect({ ...valid(), From: number });
  assert.equal(refused.status, 403);
  assert.match(JSON.parse(refused.text).RestException.Message, /TRAI NDNC/);
  assert.ok(!refused.text.includes(number.slice(3)), 'masked, as Exotel does');

  assert.equal((await whitelist('.json', { method: 'POST', body: 'VirtualNumber=%2B918047112400' })).status, 400);
  const added = await whitelist('.json', { method: 'POST', body: new URLSearchParams({ VirtualNumber: '+918047112400', Number: number }).toString() });
  assert.equal(added.status, 200, added.text);
  assert.deepEqual(JSON.parse((await whitelist(`/${encodeURIComponent(number)}.json`)).text).Result, { Status: 'Neutral', Type: '', Expiry: -1 });
  assert.equal((await connect({ ...valid(), From: number })).status, 403, 'still refused until the SMS is approved');
  exotel.approveSms(number);
  const details = JSON.parse((await whitelist(`/${encodeURIComponent(number)}.json`)).text).Result;
  assert.deepEqual([details.Status, details.Type], ['Whitelist', 'API']);
  assert.ok(details.Expiry > 170 * 86_400);
  assert.equal((await connect({ ...valid(), From: number })).status, 200);

  const other = '+919876500778';
  exotel.addDnd(other);
  exotel.missedCall(other);
  assert.equal((await connect({ ...valid(), From: other })).status, 200, 'a missed call whitelists the number');
});
