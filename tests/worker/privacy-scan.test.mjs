// The privacy scan every Worker suite ends with (support/secrets.mjs, scanSuite), on made-up
// transcripts: each kind of leak it is there for is found, wherever it stands (status line,
// header, body, log line, webhook payload) and however a number is written, and the documented
// exceptions (the admin view's Sids, the reveal's number, files from www/) stay exceptions.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { digitsOf, numberNeedle } from '../support/numbers.mjs';
import { callbackToken, scanSuite } from '../support/secrets.mjs';

const CALLBACK_SECRET = `secret-${'q'.repeat(40)}`;
const ADMIN_TOKEN = `admin-${'z'.repeat(32)}`;
const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const SID = '0123456789abcdef0123456789abcdef';
const LOG_OK = '{"level":"info","event":"call_placed","call":"AAAAAAAAAAAAAAAAAAAAAA"}\n';

/** One Worker's record as support/transcript.mjs keeps it, with `responses` and `logs`. */
function worker({ responses = [{}], logs = LOG_OK } = {}) {
  return {
    url: 'http://127.0.0.1:1',
    vars: { CALLBACK_SECRET, ADMIN_TOKEN, EXOTEL_API_KEY: 'key-1234567890', EXOTEL_API_TOKEN: 'token-1234567890' },
    logs: () => logs,
    responses: responses.map((r) => ({ method: 'GET', path: '/api/calls/x', status: 200, statusText: 'OK', headers: {}, text: '{}', ...r })),
    pending: [],
    started: true,
  };
}

/** The scan's findings for one Worker (and `payloads` to a webhook receiver); [] when clean. */
async function findings({ numbers = [], payloads = [], ...w } = {}) {
  const receivers = [{ name: 'webhook', payloads: () => payloads.map((body) => ({ headers: '{}', body })) }];
  const used = numbers.map((typed) => ({ typed, needle: numberNeedle(typed) }));
  try {
    await scanSuite({ workers: [worker(w)], receivers, numbers: used });
    return [];
  } catch (e) {
    assert.equal(e.code, 'ERR_ASSERTION', e.stack);
    return e.actual;
  }
}

describe('numbers in any spelling', () => {
  test('the digits looked for: the national number, at most ten digits, none under eight', () => {
    for (const [typed, needle] of [
      ['98765 43210', '9876543210'],
      ['098765-43210', '9876543210'],
      ['+91 98765 43210', '9876543210'],
      ['0091 98765 43210', '9876543210'],
      ['+1 (415) 555-2671', '4155552671'],
      ['+44 20 7946 0958', '2079460958'],
      ['+65 6123 4567', '61234567'],
      ['＋９１ ９８７６５ ４３２１０', '9876543210'],
      ['९८७६५ ४३२१०', '9876543210'],
      ['98765 4321', '987654321'],
      ['+91******3210', null],
      ['98765', null],
    ]) {
      assert.equal(numberNeedle(typed), needle, typed);
    }
  });

  test('a number reads as one run of digits however it is written', () => {
    for (const written of [
      '+91 98765 43210',
      '+91-98765-43210',
      '(+91) 98765.43210',
      '+91\u00a098765\u202f43210',
      '98765\u200b43210',
      '98765\u200e 43210',
      '९८७६५ ४३२१०',
      '٩٨٧٦٥٤٣٢١٠',
      '９８７６５－４３２１０',
      '𝟗𝟖𝟕𝟔𝟓 𝟒𝟑𝟐𝟏𝟎',
    ]) {
      assert.ok(digitsOf(`call ${written} now`).includes('9876543210'), written);
    }
  });

  test('found in a body, a header, the status line, a log line and a payload', async () => {
    const numbers = ['98765 4321', '+1 (415) 555-2671'];
    const cases = [
      { responses: [{ text: '{"error":{"message":"got 98765 4321"}}' }] },
      { responses: [{ text: '{"error":{"message":"got \\u0039\\u0038\\u0037\\u0036\\u0035 4321"}}' }] },
      { responses: [{ headers: { 'x-debug': '+1 (415) 555-2671' } }] },
      { responses: [{ statusText: 'Bad number 415.555.2671' }] },
      { logs: `${LOG_OK}{"level":"warn","event":"call_refused","reason":"(415) 555 2671"}\n` },
      { payloads: ['{"data":{"phone":"+1 415-555-2671"}}'] },
    ];
    for (const c of cases) {
      const found = await findings({ numbers, ...c });
      assert.equal(found.length, 1, JSON.stringify(c));
      assert.match(found[0], /holds the number/);
    }
  });

  test('not found masked, in a reveal, in a file from www/, or in the Worker\'s own example', async () => {
    const numbers = ['+91 98765 43210'];
    assert.deepEqual(await findings({ numbers, responses: [{ text: '{"phone":"+91******3210"}' }] }), []);
    const reveal = { method: 'POST', path: '/api/admin/calls/x/reveal', text: '{"phone":"+919876543210"}' };
    assert.deepEqual(await findings({ numbers, responses: [reveal] }), []);
    assert.equal((await findings({ numbers, responses: [{ ...reveal, path: '/api/admin/calls/x' }] })).length, 1);
    assert.deepEqual(await findings({ numbers, responses: [{ path: '/index.html', text: 'placeholder="98765 43210"' }] }), []);
    const example = '{"error":{"message":"expected a JSON body like {\\"phone\\": \\"98765 43210\\"}, but got something else"}}';
    assert.deepEqual(await findings({ numbers, responses: [{ status: 400, text: example }] }), []);
  });
});

describe('secrets, callback tokens and Sids', () => {
  test('a configured secret anywhere, the Basic-auth form, a callback token\'s MAC', async () => {
    const basic = Buffer.from('key-1234567890:token-1234567890').toString('base64');
    const mac = callbackToken(ID, CALLBACK_SECRET).split('.')[1];
    for (const [c, what] of [
      [{ responses: [{ headers: { 'x-token': ADMIN_TOKEN } }] }, /ADMIN_TOKEN/],
      [{ responses: [{ text: `{"auth":"Basic ${basic}"}` }] }, /Basic-auth/],
      [{ logs: `${LOG_OK}[wrangler:info] GET /?key=${CALLBACK_SECRET} 200 OK (1ms)\n` }, /CALLBACK_SECRET/],
      [{ payloads: [`{"secret":"token-1234567890"}`] }, /EXOTEL_API_TOKEN/],
      // A refused forgery whose answer names the MAC the id should have had.
      [{ responses: [{ method: 'POST', path: `/exotel/status/${ID}.forged`, status: 403, headers: { 'x-expected': mac } }] }, /callback token MAC/],
      [{ logs: `${LOG_OK}{"level":"warn","event":"callback_refused","expected":"${mac}","call":"${ID}"}\n` }, /callback token MAC/],
    ]) {
      const found = await findings(c);
      assert.ok(found.length >= 1 && found.every((f) => what.test(f)), `${JSON.stringify(c)}: ${found}`);
    }
    // wrangler's access log prints request paths, the callback URL's token with them.
    const access = `${LOG_OK}[wrangler:info] POST /exotel/status/${ID}.${mac} 200 OK (3ms)\n`;
    assert.deepEqual(await findings({ logs: access }), []);
  });

  test('a Sid outside the admin view; inside it, and in files from www/, none is reported', async () => {
    assert.equal((await findings({ responses: [{ text: `{"sid":"${SID}"}` }] })).length, 1);
    assert.equal((await findings({ responses: [{ headers: { 'x-call': SID.toUpperCase() } }] })).length, 1);
    assert.equal((await findings({ logs: `${LOG_OK}{"level":"info","event":"call_status","sid":"${SID}"}\n` })).length, 1);
    assert.equal((await findings({ payloads: [`{"exotelSid":"${SID}"}`] })).length, 1);
    assert.deepEqual(await findings({ responses: [{ path: '/api/admin/calls', text: `{"exotelSid":"${SID}"}` }] }), []);
    assert.deepEqual(await findings({ responses: [{ path: '/app.js', headers: { etag: `"${SID}"` } }] }), []);
    // Longer hex runs (a 64-digit secret's hash, say) are not a Sid.
    assert.deepEqual(await findings({ responses: [{ text: `{"hash":"${SID}${SID}"}` }] }), []);
  });

  test('a Worker line that is not a JSON record fails the scan', async () => {
    await assert.rejects(
      scanSuite({ workers: [worker({ logs: `${LOG_OK}call placed for +919876543210\n` })], receivers: [], numbers: [] }),
      /every Worker log line is a JSON object/,
    );
  });
});
