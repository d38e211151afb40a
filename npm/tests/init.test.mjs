// The browser build (`exotel-connect/web`: what pages and bundlers load) before and after
// init(), in Node, in a process where nothing else has loaded the package: every function
// called too early throws (or, for the sending ones, rejects with) `not_initialized`, and the
// same module works once initialised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { consumerDir } from './support/consumer.mjs';
import { NOT_INITIALIZED } from './support/checks.mjs';

const dir = consumerDir();
const webPath = createRequire(join(dir, 'package.json')).resolve('exotel-connect/web');
const web = await import(pathToFileURL(webPath).href);

const flow = {
  accountSid: 'acme', apiKey: 'k', apiToken: 't', region: 'mumbai', from: '9876543210', callerId: '08047112400', appId: '926',
};
const CALLS = {
  connectRequest: () => web.connectRequest(flow),
  connectTwoNumbersRequest: () => web.connectTwoNumbersRequest({ ...flow, appId: undefined, to: '09123456789' }),
  callDetailsRequest: () => web.callDetailsRequest({ ...flow, callSid: 'abc' }),
  parseCall: () => web.parseCall('{"Call": {"Sid": "a", "Status": "queued"}}'),
  parseResponse: () => web.parseResponse(200, '{"Call": {"Sid": "a", "Status": "queued"}}'),
  parseStatusCallback: () => web.parseStatusCallback('CallSid=a&Status=busy'),
  normalizePhone: () => web.normalizePhone('98765 43210'),
  customerWhitelistRequest: () => web.customerWhitelistRequest({ ...flow, from: undefined, callerId: undefined, appId: undefined,
    virtualNumber: '08047112400', numbers: ['9876543210'] }),
  whitelistDetailsRequest: () => web.whitelistDetailsRequest({ ...flow, from: undefined, callerId: undefined, appId: undefined,
    number: '9876543210' }),
  parseWhitelist: () => web.parseWhitelist(200, '{"Result": {"Status": "Neutral"}}'),
};
const SENDING = {
  connect: () => web.connect({ ...flow, fetch: () => assert.fail('nothing is sent before init()') }),
  connectTwoNumbers: () => web.connectTwoNumbers({ ...flow, appId: undefined, to: '09123456789' }),
  callDetails: () => web.callDetails({ ...flow, callSid: 'abc' }),
};

function notInitialized(e) {
  assert.deepEqual({ name: e.name, code: e.code, message: e.message }, NOT_INITIALIZED);
  assert.ok(e instanceof Error && web.isExotelConnectError(e), 'one of our errors');
  return true;
}

test('before init(), every function says to call init() first', async () => {
  for (const [name, call] of Object.entries(CALLS)) assert.throws(call, notInitialized, name);
  for (const [name, call] of Object.entries(SENDING)) await assert.rejects(call(), notInitialized, name);
});

test('after init(), the same module works', async () => {
  const wasm = readFileSync(join(dir, 'node_modules/exotel-connect/exotel_connect_bg.wasm'));
  await web.default({ module_or_path: wasm });
  assert.equal(web.normalizePhone('098765 43210'), '+919876543210');
  assert.equal(web.parseCall('{"Call": {"Sid": "a", "Status": "queued"}}').status, 'queued');
});
