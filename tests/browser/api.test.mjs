// www/api.js against a scripted fetch: error shapes, safe retries, polling, back-off, and how a
// refusal by the CORS allow-list is told apart from a network failure.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { createApi } from '../../www/api.js';

const PAGE = 'http://127.0.0.1:8787';
let calls;
let script; // (url, init) => Response | Error, one entry used per fetch, the last one repeats

beforeEach(() => {
  calls = [];
  globalThis.location = new URL(`${PAGE}/`);
  globalThis.fetch = async (url, init = {}) => {
    calls.push({ url: String(url), ...init, headers: { ...init.headers } });
    const step = script.length > 1 ? script.shift() : script[0];
    const out = typeof step === 'function' ? step(String(url), init) : step;
    if (out instanceof Error) throw out;
    return out;
  };
});

afterEach(() => {
  delete globalThis.location;
  delete globalThis.fetch;
});

const json = (status, body, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
const networkDown = () => new TypeError('Failed to fetch');

test('postCall sends the number, the country and the Idempotency-Key', async () => {
  script = [json(201, { id: 'c1', status: 'queued' })];
  const api = createApi('');
  assert.deepEqual(await api.postCall({ phone: '98765 43210', country: 'IN' }, 'key-1'), { id: 'c1', status: 'queued' });
  assert.equal(calls[0].url, '/api/calls');
  assert.equal(calls[0].method, 'POST');
  assert.equal(calls[0].headers['Idempotency-Key'], 'key-1');
  assert.equal(calls[0].headers['Content-Type'], 'application/json');
  assert.deepEqual(JSON.parse(calls[0].body), { phone: '98765 43210', country: 'IN' });
  assert.equal(calls[0].credentials, 'omit');
});

test('errors carry the contract code, and retryAfter from the body or the Retry-After header', async () => {
  const api = createApi('');
  script = [json(429, { error: { code: 'rate_limited', message: 'too many calls', retryAfter: 720 } })];
  await assert.rejects(api.postCall({ phone: 'x' }, 'k'), { code: 'rate_limited', status: 429, retryAfter: 720 });
  script = [json(503, { error: { code: 'upstream_busy', message: 'busy' } }, { 'Retry-After': '30' })];
  await assert.rejects(api.postCall({ phone: 'x' }, 'k'), { code: 'upstream_busy', retryAfter: 30 });
  script = [json(400, { error: { code: 'invalid_field', field: 'utm.source', message: 'utm.source: expected at most 100 characters, but got 143' } })];
  await assert.rejects(api.postCall({ phone: 'x' }, 'k'), { code: 'invalid_field', status: 400, field: 'utm.source' });
  script = [new Response('<html>bad gateway</html>', { status: 502 })];
  await assert.rejects(api.postCall({ phone: 'x' }, 'k'), { code: 'http_502', status: 502 });
  assert.equal(calls.length, 4, 'answers from the server are not retried');
});

test('a network failure is retried with the same Idempotency-Key, then reported as network', async () => {
  const api = createApi('', { retryMs: 5 });
  script = [networkDown(), networkDown(), json(201, { id: 'c2', status: 'queued' })];
  assert.equal((await api.postCall({ phone: 'x' }, 'same-key')).id, 'c2');
  assert.deepEqual(calls.map((c) => c.headers['Idempotency-Key']), ['same-key', 'same-key', 'same-key']);

  calls = [];
  script = [networkDown()];
  await assert.rejects(api.postCall({ phone: 'x' }, 'k'), { code: 'network' });
  assert.equal(calls.length, 3);
});

test('followCall reports each status and stops at a terminal one, riding out short outages', async () => {
  const api = createApi('', { retryMs: 5 });
  const seen = [];
  script = [
    json(200, { id: 'c', status: 'queued' }),
    json(200, { id: 'c', status: 'ringing' }),
    networkDown(),
    json(503, { error: { code: 'upstream_busy' } }),
    json(200, { id: 'c', status: 'in-progress' }),
    json(200, { id: 'c', status: 'completed', duration: 42 }),
  ];
  const last = await api.followCall('c', (call) => seen.push(call.status), { interval: 1 });
  assert.equal(last.status, 'completed');
  assert.deepEqual(seen, ['queued', 'ringing', 'in-progress', 'completed']);
  assert.ok(calls.every((c) => c.url === '/api/calls/c'));
});

test('followCall gives up with lost after repeated failures, or at once on 404', async () => {
  const api = createApi('', { retryMs: 1 });
  script = [json(200, { id: 'c', status: 'ringing' }), networkDown()];
  await assert.rejects(api.followCall('c', () => {}, { interval: 1, maxFailures: 3 }), { code: 'lost' });
  assert.equal(calls.length, 5, 'one answer, then 4 failures');

  calls = [];
  script = [json(404, { error: { code: 'not_found', message: 'no such call' } })];
  await assert.rejects(api.followCall('gone', () => {}), { code: 'lost' });
  assert.equal(calls.length, 1);
});

test('followCall stops when aborted', async () => {
  const api = createApi('');
  script = [json(200, { id: 'c', status: 'ringing' })];
  const controller = new AbortController();
  const following = api.followCall('c', () => controller.abort(), { signal: controller.signal, interval: 10_000 });
  await assert.rejects(following, { name: 'AbortError' });
});

test('cross-origin: refused by the allow-list (server answers no-cors) vs. really unreachable', async () => {
  const api = createApi('http://127.0.0.1:9999/');
  script = [(url, init) => (init.mode === 'no-cors' ? new Response(null, { status: 200 }) : networkDown())];
  await assert.rejects(api.getConfig(), { code: 'origin_not_allowed' });
  assert.equal(calls[0].url, 'http://127.0.0.1:9999/api/config');

  script = [networkDown()];
  await assert.rejects(api.getConfig(), { code: 'network' });

  // Same origin: no probe, a failure is the network's.
  calls = [];
  await assert.rejects(createApi(PAGE).getConfig(), { code: 'network' });
  assert.equal(calls.length, 1);
});
