// connect(), connectTwoNumbers() and callDetails() from the installed package against the mock
// Exotel in tests/support/mock-exotel.mjs (node:http on 127.0.0.1: it checks Basic auth and the
// form fields as Exotel does, and can be told to fail). Never the real Exotel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startMockExotel } from '../../tests/support/mock-exotel.mjs';
import { consumerDir, importEsm, requireCjs } from './support/consumer.mjs';

const dir = consumerDir();
const esm = await importEsm(dir);
const cjs = requireCjs(dir);
let exotel;

before(async () => {
  exotel = await startMockExotel();
});
after(async () => {
  await exotel.stop();
});

const options = (changes = {}) => ({
  accountSid: exotel.accountSid,
  apiKey: exotel.apiKey,
  apiToken: exotel.apiToken,
  baseUrl: exotel.url,
  from: '098765 43210',
  callerId: '080 4711 2400',
  appId: '926',
  timeLimit: 600,
  statusCallback: 'https://example.com/exotel/status?secret=s3cr3t',
  customField: 'order-42',
  ...changes,
});

/** Awaits `promise`, which must reject with this package's error with `code`. */
async function rejects(m, promise, code) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof Error, `not an Error: ${e}`);
    assert.equal(e.code, code, `${e.name}: ${e.message}`);
    assert.equal(e.name, 'ExotelConnectError');
    assert.ok(m.isExotelConnectError(e));
    return e;
  }
  assert.fail(`expected a ${code} rejection, but it resolved`);
}

for (const [flavour, m] of [['esm', esm], ['cjs', cjs]]) {
  test(`${flavour}: connect() sends exactly connectRequest() and resolves to the Call`, async () => {
    exotel.reset();
    const call = await m.connect(options());
    const [sent] = exotel.connects();
    const request = m.connectRequest(options());
    assert.equal(sent.method, 'POST');
    assert.equal(exotel.url + sent.path, request.url);
    assert.equal(sent.body, request.body);
    assert.equal(sent.headers.authorization, request.headers.Authorization);
    assert.equal(sent.headers.accept, 'application/json');
    assert.equal(sent.form.From, '+919876543210');
    assert.equal(sent.form.CustomField, 'order-42');
    assert.equal(call.sid, sent.sid);
    assert.equal(call.status, 'queued');
    assert.equal(call.from, '+919876543210');
    assert.equal(call.direction, 'outbound-api');
    assert.equal(call.duration, null);
  });
}

test('connect() with format xml reads the XML answer', async () => {
  exotel.reset();
  const call = await esm.connect(options({ format: 'xml' }));
  const [sent] = exotel.connects();
  assert.ok(sent.path.endsWith('/Calls/connect'), sent.path);
  assert.equal(sent.headers.accept, 'application/xml');
  assert.equal(call.sid, sent.sid);
  assert.equal(call.status, 'queued');
});

test('callDetails() fetches the call connect() placed', async () => {
  exotel.reset();
  const placed = await esm.connect(options());
  exotel.setCall(placed.sid, { status: 'completed', duration: 42, price: '1.500', endTime: '2026-11-26 10:00:42' });
  const { timeLimit, statusCallback, customField, from, callerId, appId, ...account } = options();
  const call = await esm.callDetails({ ...account, callSid: placed.sid });
  assert.equal(call.sid, placed.sid);
  assert.equal(call.status, 'completed');
  assert.equal(call.duration, 42);
  assert.equal(call.price, '1.500');
  assert.equal(exotel.requests.at(-1).method, 'GET');
  const missing = await rejects(esm, esm.callDetails({ ...account, callSid: 'nosuchcall' }), 'exotel_error');
  assert.equal(missing.status, 404);
  assert.equal(missing.exotelMessage, 'Call not found');
});

test('connectTwoNumbers() sends connectTwoNumbersRequest()', async () => {
  exotel.reset();
  // The mock only knows connect-to-flow: it answers 400 for a form without Url, which is what
  // lets this test see the exact body that went out.
  const { appId, ...rest } = options();
  const two = { ...rest, to: '+91 91234 56789', record: true, statusCallbackEvents: ['terminal'] };
  const e = await rejects(esm, esm.connectTwoNumbers(two), 'exotel_error');
  assert.equal(e.status, 400);
  assert.equal(e.exotelMessage, 'Missing parameter: Url');
  assert.equal(exotel.connects()[0].body, esm.connectTwoNumbersRequest(two).body);
});

for (const status of [400, 401, 402, 403, 404, 409, 429, 500, 503]) {
  for (const format of ['json', 'xml']) {
    test(`connect(): Exotel's ${status} (${format}) is an exotel_error with status and message`, async () => {
      const message = `Mock refusal ${status} <&> "quoted"`;
      exotel.failNext({ status, format, message: format === 'xml' ? message.replace('<&>', '&lt;&amp;&gt;') : message });
      const e = await rejects(esm, esm.connect(options()), 'exotel_error');
      assert.equal(e.status, status);
      assert.equal(e.exotelMessage, message);
      assert.equal(e.message, `Exotel answered ${status}: ${message}`);
    });
  }
}

test('connect(): wrong credentials are the 401 Exotel sends', async () => {
  const e = await rejects(esm, esm.connect(options({ apiToken: 'wrong' })), 'exotel_error');
  assert.equal(e.status, 401);
});

test('connect(): a gateway\'s HTML page is a malformed_response with the status', async () => {
  exotel.failNext({ kind: 'html', status: 502 });
  const e = await rejects(esm, esm.connect(options()), 'malformed_response');
  assert.equal(e.status, 502);
});

test('connect(): garbage with a 200 is a malformed_response', async () => {
  exotel.failNext({ kind: 'garbage' });
  const e = await rejects(esm, esm.connect(options()), 'malformed_response');
  assert.equal(e.status, 200);
  assert.match(e.message, /^malformed Exotel response: expected valid JSON, but got /);
});

test('connect(): connection refused is a network_error with the cause', async () => {
  const closed = http.createServer();
  await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address();
  await new Promise((resolve) => closed.close(resolve));
  const e = await rejects(esm, esm.connect(options({ baseUrl: `http://127.0.0.1:${port}` })), 'network_error');
  assert.match(e.message, new RegExp(`^could not reach Exotel at http://127\\.0\\.0\\.1:${port}/v1/Accounts/`));
  assert.ok(e.cause instanceof Error, 'cause');
  assert.ok(!e.message.includes(exotel.apiToken), 'the token never appears in a message');
});

test('connect(): an aborted request (signal) is a network_error', async () => {
  exotel.failNext({ kind: 'hang' });
  const e = await rejects(esm, esm.connect(options({ signal: AbortSignal.timeout(200) })), 'network_error');
  assert.ok(e.cause, 'cause');
});

test('connect(): a fetch given in the options is used, and sees a fetch init', async () => {
  const seen = [];
  const fetch = async (url, init) => {
    seen.push({ url, init });
    return new Response(JSON.stringify({ Call: { Sid: 'abc123', Status: 'ringing' } }), {
      status: 200, headers: { 'Content-Type': 'application/json' },
    });
  };
  const call = await esm.connect(options({ fetch }));
  assert.equal(call.sid, 'abc123');
  assert.equal(call.status, 'ringing');
  assert.equal(seen.length, 1);
  const request = esm.connectRequest(options());
  assert.equal(seen[0].url, request.url);
  assert.equal(seen[0].init.method, 'POST');
  assert.equal(seen[0].init.body, request.body);
  assert.deepEqual({ ...seen[0].init.headers }, request.headers);
});

test('connect(): a fetch that throws or returns junk is a network_error, not a crash', async () => {
  const e1 = await rejects(esm, esm.connect(options({ fetch: () => { throw new TypeError('offline'); } })), 'network_error');
  assert.match(e1.message, /offline$/);
  const e2 = await rejects(esm, esm.connect(options({ fetch: async () => 42 })), 'network_error');
  assert.match(e2.message, /^could not read Exotel's answer from /);
  const e3 = await rejects(esm, esm.connect(options({ fetch: 'fetch' })), 'invalid_option');
  assert.equal(e3.field, 'fetch');
});

// The senders are JS (npm/api.js): their failures are tested here, through the package.
for (const [flavour, m] of [['esm', esm], ['cjs', cjs]]) {
  test(`${flavour}: connect() failures of a given fetch reject with their codes`, async () => {
    const cases = [
      [() => { throw new TypeError('offline'); }, 'network_error'],
      [async () => { throw new TypeError('reset'); }, 'network_error'],
      [async () => ({ status: 200 }), 'network_error'],
      [async () => new Response('<html>Bad gateway</html>', { status: 502 }), 'malformed_response'],
      [async () => new Response('{"RestException": {"Status": 429, "Message": "slow down"}}', { status: 429 }), 'exotel_error'],
    ];
    for (const [fetch, code] of cases) await rejects(m, m.connect(options({ fetch })), code);
    await rejects(m, m.connect(options({ timeLimit: 0 })), 'invalid_option');
  });
}

test('connect(): invalid options reject before anything is sent', async () => {
  exotel.reset();
  const e = await rejects(esm, esm.connect(options({ from: '12345' })), 'invalid_phone');
  assert.equal(e.field, 'from');
  await rejects(esm, esm.connect(options({ timeLimit: 0 })), 'invalid_option');
  await rejects(esm, esm.connect(null), 'invalid_option');
  assert.equal(exotel.requests.length, 0);
});

test('connect(): a failed call is never retried', async () => {
  exotel.reset();
  exotel.failNext({ status: 503 });
  await rejects(esm, esm.connect(options()), 'exotel_error');
  assert.equal(exotel.connects().length, 1);
});
