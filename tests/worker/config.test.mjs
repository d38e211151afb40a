// Configuration and failures around the Worker: live mode with settings missing answers 503
// not_configured (naming settings, never values) while the page's endpoints keep working; an
// unreachable Exotel is upstream_unavailable; Exotel credentials alone switch the Worker to live
// mode; a store that fails is a 500 internal_error that says nothing about why.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { createClient } from '../support/client.mjs';
import { logText } from '../support/secrets.mjs';
import { freePort, startWorker } from '../support/worker.mjs';

let unconfigured;
let unreachable;
let noTables;

before(async () => {
  const closedPort = await freePort();
  [unconfigured, unreachable, noTables] = await Promise.all([
    startWorker({ vars: { EXOTEL_MODE: 'live', EXOTEL_API_TOKEN: 'token-that-must-not-leak-1234' } }),
    startWorker({
      vars: {
        // No EXOTEL_MODE: credentials make it live.
        EXOTEL_BASE_URL: `http://127.0.0.1:${closedPort}`,
        EXOTEL_ACCOUNT_SID: 'acme',
        EXOTEL_API_KEY: 'key-that-must-not-leak-5678',
        EXOTEL_API_TOKEN: 'token-that-must-not-leak-5678',
        EXOTEL_CALLER_ID: '08047112400',
        EXOTEL_APP_ID: '926',
        CALLBACK_SECRET: 'a-callback-secret-that-is-long-enough-0123456789',
      },
    }),
    startWorker({ vars: { EXOTEL_MODE: 'sandbox' }, migrate: false }),
  ]);
});

after(async () => {
  await Promise.all([unconfigured?.stop(), unreachable?.stop(), noTables?.stop()]);
});

test('live mode without settings: 503 not_configured naming what is missing', async () => {
  const client = createClient(unconfigured.url);
  const res = await client.createCall('98765 43210');
  assert.equal(res.status, 503);
  assert.equal(res.body.error.code, 'not_configured');
  for (const name of ['EXOTEL_ACCOUNT_SID', 'EXOTEL_API_KEY', 'EXOTEL_CALLER_ID', 'EXOTEL_APP_ID', 'CALLBACK_SECRET']) {
    assert.match(res.body.error.message, new RegExp(name));
  }
  assert.ok(!res.text.includes('token-that-must-not-leak'), res.text);

  // The number is still checked first, and the page's endpoints work.
  assert.equal((await client.createCall('12')).body.error.code, 'invalid_phone');
  const config = await client.get('/api/config');
  assert.equal(config.status, 200);
  assert.equal(config.body.sandbox, false);
  assert.equal((await client.get('/')).status, 200);
  // With no CALLBACK_SECRET no callback can be believed.
  const callback = await client.post(`/exotel/status/${'A'.repeat(22)}.${'A'.repeat(43)}`, { body: '' });
  assert.equal(callback.status, 403);
});

test('Exotel unreachable (connection refused): 502 upstream_unavailable', async () => {
  const client = createClient(unreachable.url);
  assert.equal((await client.get('/api/config')).body.sandbox, false);
  const res = await client.createCall('98765 43210');
  assert.equal(res.status, 502);
  assert.equal(res.body.error.code, 'upstream_unavailable');
  const logs = logText(unreachable.logs());
  for (const secret of ['key-that-must-not-leak', 'token-that-must-not-leak', 'a-callback-secret-that']) {
    assert.ok(!res.text.includes(secret));
    assert.ok(!logs.includes(secret), `log leaked ${secret}`);
  }
});

test('a broken store: 500 internal_error, with the cause in the log only', async () => {
  const client = createClient(noTables.url);
  const res = await client.createCall('98765 43210');
  assert.equal(res.status, 500);
  assert.equal(res.body.error.code, 'internal_error');
  assert.doesNotMatch(res.text, /sql|table|D1/i);
  assert.equal((await client.get(`/api/calls/${'A'.repeat(22)}`)).body.error.code, 'internal_error');
  await noTables.waitForRecord({ level: 'error', event: 'internal_error', message: /no such table/ });
});
