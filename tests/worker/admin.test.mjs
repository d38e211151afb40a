// The operator's side of the Worker: signing in and out of the dashboard (session cookies that
// expire, are forged or were signed out; brute force; Cloudflare Access assertions), the
// admin API's filters, search, paging and daily counts, revealing a number (logged; refused
// once masked), "Call back now" through the placement path's guards, the CSV export's bytes,
// CSRF refusals, and, over the whole run, no secret or full number where it must not be.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { cookieFrom, insertCalls, newId, parseCsv, sessionCookie, startAccessKeys } from '../support/admin.mjs';
import { createClient } from '../support/client.mjs';
import { startMockExotel } from '../support/mock-exotel.mjs';
import { assertWorkerLeaksNothing, logText, workerLines } from '../support/secrets.mjs';
import { startWorker } from '../support/worker.mjs';

const CALLBACK_SECRET = randomBytes(32).toString('hex');
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;
const ACCESS_AUD = `aud-${randomBytes(8).toString('hex')}`;
const SHOP = 'http://shop.example';
const ATTEMPTS = 4;
const BEARER = { Authorization: `Bearer ${ADMIN_TOKEN}` };

let exotel;
let access;
let worker;
let client;
let own;

const at = (iso) => Date.parse(iso);
// The business's zone is Asia/Kolkata (the default): B is on the 20th in UTC but the 21st there.
const CALLS = {
  A: { id: newId(), phone: '+919876500001', status: 'completed', duration: 95, at: at('2026-11-20T04:00:00Z'), name: 'प्रिया',
    lead: { note: 'About the "gold" plan, today\nafter 5', page: 'https://shop.example/pricing', utm: { source: 'google', campaign: 'diwali' }, consent: { given: true, text: 'I agree' } } },
  B: { id: newId(), phone: '+919876500002', status: 'no-answer', at: at('2026-11-20T20:00:00Z'), name: 'Ravi Kumar' },
  C: { id: newId(), phone: '+919876500003', status: 'failed', outcome: 'exotel_rejected', failure: 'rejected: 403', at: at('2026-11-21T06:00:00Z'),
    name: '=HYPERLINK("http://evil.example","x")', lead: { note: '+1 then @SUM(A1)' } },
  D: { id: newId(), phone: '+919876500004', status: 'scheduled', outcome: 'scheduled', scheduledFor: at('2027-01-04T06:00:00Z'), at: at('2026-11-22T06:00:00Z'), name: 'Asha' },
  E: { id: newId(), phone: '+91******0005', status: 'busy', at: at('2026-11-22T07:00:00Z'), name: 'Old Lead', maskedAt: at('2026-11-30T00:00:00Z') },
  F: { id: newId(), phone: '+919876500006', status: 'busy', at: at('2026-11-19T10:00:00Z'), name: '-Meera' },
};
const RANGE = 'from=2026-11-19&to=2026-11-22';

let ips = 0;
/** A client address no other request used: each test's failed sign-ins count alone. */
const freshIp = () => `10.77.${Math.floor(ips / 250)}.${(ips++ % 250) + 1}`;

/** A request as the dashboard makes it: its own Origin, from one client address. */
function as(ip, headers = {}) {
  return { 'CF-Connecting-IP': ip, Origin: own, ...headers };
}

async function signIn(ip = freshIp()) {
  const res = await client.post('/api/admin/session', { json: { token: ADMIN_TOKEN }, headers: as(ip) });
  assert.equal(res.status, 200, res.text);
  const value = cookieFrom(res.headers['set-cookie']);
  assert.ok(value, 'a session cookie was set');
  return { ip, cookie: `exotel_admin=${value}`, setCookie: res.headers['set-cookie'], body: res.body };
}

const withCookie = (session, headers = {}) => as(session.ip, { Cookie: session.cookie, ...headers });

before(async () => {
  [exotel, access] = await Promise.all([startMockExotel(), startAccessKeys()]);
  worker = await startWorker({
    vars: {
      ...exotel.workerVars(),
      EXOTEL_CALLER_ID: '08047112400',
      EXOTEL_APP_ID: '926',
      EXOTEL_TIMEOUT_MS: '1000',
      CALLBACK_SECRET,
      ADMIN_TOKEN,
      ADMIN_SIGN_IN_ATTEMPTS: String(ATTEMPTS),
      ALLOWED_ORIGINS: SHOP,
      RETRY_ATTEMPTS: '0',
      RATE_LIMIT_PER_NUMBER: '2',
      CALL_BUDGET_PER_HOUR: '50',
      ACCESS_TEAM_DOMAIN: access.origin,
      ACCESS_AUD,
    },
  });
  own = worker.url;
  client = createClient(worker.url);
  await worker.query(insertCalls(Object.values(CALLS)));
});

after(async () => {
  await worker?.stop();
  await exotel?.stop();
  await access?.stop();
});

describe('signing in and out', () => {
  test('the token is exchanged for an HttpOnly, SameSite=Strict, expiring session cookie', async () => {
    const session = await signIn();
    const attributes = session.setCookie.split(';').map((a) => a.trim());
    assert.ok(attributes.includes('HttpOnly') && attributes.includes('SameSite=Strict') && attributes.includes('Path=/'));
    assert.ok(attributes.includes('Max-Age=28800'), session.setCookie);
    // Over http://127.0.0.1 a Secure cookie would be dropped by the browser; anywhere else it is Secure.
    assert.ok(!attributes.includes('Secure'));
    assert.match(session.cookie, /^exotel_admin=v1\.[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]{43}$/);
    assert.equal(session.body.signedIn, true);
    assert.equal(session.body.via, 'session');
    const expires = Date.parse(session.body.expiresAt);
    assert.ok(Math.abs(expires - (Date.now() + 8 * 3600_000)) < 60_000);

    const state = await client.get('/api/admin/session', { headers: withCookie(session) });
    assert.deepEqual(state.body, { signedIn: true, via: 'session', access: true });
    const list = await client.get('/api/admin/calls?limit=1', { headers: withCookie(session) });
    assert.equal(list.status, 200);
    assert.equal(list.headers['cache-control'], 'no-store');
  });

  test('without credentials the page is told it is signed out, and the API refuses', async () => {
    const ip = freshIp();
    const state = await client.get('/api/admin/session', { headers: as(ip) });
    assert.deepEqual(state.body, { signedIn: false, access: true });
    const list = await client.get('/api/admin/calls', { headers: as(ip) });
    assert.equal(list.status, 401);
    assert.equal(list.body.error.code, 'unauthorized');
  });

  test('a wrong token, a non-JSON body and a broken body are refused', async () => {
    const ip = freshIp();
    const wrong = await client.post('/api/admin/session', { json: { token: `${ADMIN_TOKEN}x` }, headers: as(ip) });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers['set-cookie'], undefined);
    const form = await client.post('/api/admin/session', { body: `token=${ADMIN_TOKEN}`, headers: as(ip, { 'Content-Type': 'application/x-www-form-urlencoded' }) });
    assert.equal(form.status, 415);
    const broken = await client.post('/api/admin/session', { body: '{"token":', headers: as(ip, { 'Content-Type': 'application/json' }) });
    assert.equal(broken.status, 400);
    assert.equal(broken.body.error.message, 'expected a JSON object like {"token": "..."}');
  });

  test('signing out revokes the session on the server: the same cookie is refused afterwards', async () => {
    const session = await signIn();
    const out = await client.request('/api/admin/session', { method: 'DELETE', headers: withCookie(session) });
    assert.equal(out.status, 200);
    assert.equal(out.body.signedIn, false);
    assert.match(out.headers['set-cookie'], /exotel_admin=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict/);
    // A copy of the cookie kept elsewhere is worth nothing now.
    const list = await client.get('/api/admin/calls', { headers: withCookie(session) });
    assert.equal(list.status, 401);
    const state = await client.get('/api/admin/session', { headers: withCookie(session) });
    assert.equal(state.body.signedIn, false);
    const [row] = await worker.query(`SELECT revoked_at FROM admin_sessions WHERE id = '${session.cookie.split('.')[1]}'`);
    assert.ok(row.revoked_at > 0);
  });

  test('an expired cookie, correctly signed, is refused', async () => {
    const ip = freshIp();
    const expired = sessionCookie(ADMIN_TOKEN, { expiresS: Math.floor(Date.now() / 1000) - 1 });
    const res = await client.get('/api/admin/calls', { headers: as(ip, { Cookie: `exotel_admin=${expired}` }) });
    assert.equal(res.status, 401);
    const state = await client.get('/api/admin/session', { headers: as(ip, { Cookie: `exotel_admin=${expired}` }) });
    assert.equal(state.body.signedIn, false);
    assert.match(state.headers['set-cookie'], /Max-Age=0/);
    // Signed right and unexpired, but never issued (no session row): refused too.
    const unissued = sessionCookie(ADMIN_TOKEN, { expiresS: Math.floor(Date.now() / 1000) + 3600 });
    assert.equal((await client.get('/api/admin/calls', { headers: as(ip, { Cookie: `exotel_admin=${unissued}` }) })).status, 401);
  });

  test('forged and tampered cookies are refused, and count as failed sign-ins', async () => {
    const session = await signIn();
    const [v, id, expires, mac] = session.cookie.slice('exotel_admin='.length).split('.');
    const forged = [
      `v1.${id}.${Number(expires) + 86400}.${mac}`, // a longer life, same MAC
      `v1.${id}.${expires}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      sessionCookie(`${ADMIN_TOKEN}-rotated`, { id, expiresS: Number(expires) }), // another token's key
      `${v}.${id}.${expires}`,
      'garbage',
    ];
    const ip = freshIp();
    for (const value of forged.slice(0, ATTEMPTS)) {
      const res = await client.get('/api/admin/calls', { headers: as(ip, { Cookie: `exotel_admin=${value}` }) });
      assert.equal(res.status, 401, value);
    }
    // The network has used its failed sign-ins: even the real cookie is refused from it now.
    const locked = await client.get('/api/admin/calls', { headers: as(ip, { Cookie: session.cookie }) });
    assert.equal(locked.status, 429);
    assert.equal((await client.get('/api/admin/calls', { headers: withCookie(session) })).status, 200);
  });

  test('brute force: the sign-in is limited per client network', async () => {
    const ip = freshIp();
    for (let i = 0; i < ATTEMPTS; i++) {
      const res = await client.post('/api/admin/session', { json: { token: `guess-${i}-${'x'.repeat(32)}` }, headers: as(ip) });
      assert.equal(res.status, 401);
    }
    const locked = await client.post('/api/admin/session', { json: { token: ADMIN_TOKEN }, headers: as(ip) });
    assert.equal(locked.status, 429);
    assert.equal(locked.body.error.code, 'rate_limited');
    assert.ok(Number(locked.headers['retry-after']) > 0);
    assert.equal(locked.headers['set-cookie'], undefined);
    const bearer = await client.get('/api/admin/calls', { headers: as(ip, BEARER) });
    assert.equal(bearer.status, 429);
    // Another network signs in as usual.
    await signIn();
  });

  test('the bearer token still works, and needs no Origin', async () => {
    const res = await client.get(`/api/admin/calls?${RANGE}`, { headers: { 'CF-Connecting-IP': freshIp(), ...BEARER } });
    assert.equal(res.status, 200);
    assert.equal(res.body.total, 6);
  });
});

describe('Cloudflare Access', () => {
  const withJwt = (jwt, headers = {}) => as(freshIp(), { 'Cf-Access-Jwt-Assertion': jwt, ...headers });

  test('a valid assertion signs the operator in', async () => {
    const jwt = access.sign({ aud: [ACCESS_AUD], email: 'ops@shop.example', sub: 'u-1' });
    const state = await client.get('/api/admin/session', { headers: withJwt(jwt) });
    assert.deepEqual(state.body, { signedIn: true, via: 'access', who: 'ops@shop.example', access: true });
    const list = await client.get('/api/admin/calls?limit=1', { headers: withJwt(jwt) });
    assert.equal(list.status, 200);
    assert.ok(access.fetches() >= 1);
  });

  test('wrong audience, another issuer, expired, not yet valid, another key, unknown kid, alg none: refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const bad = {
      audience: access.sign({ aud: ['someone-else'], email: 'x@y' }),
      issuer: access.sign({ aud: ACCESS_AUD, iss: 'https://other.cloudflareaccess.com' }),
      expired: access.sign({ aud: ACCESS_AUD, exp: now - 3600 }),
      early: access.sign({ aud: ACCESS_AUD, nbf: now + 3600 }),
      key: access.sign({ aud: ACCESS_AUD }, { key: access.otherKey }),
      kid: access.sign({ aud: ACCESS_AUD }, { kid: 'k9', key: access.otherKey }),
      none: `${Buffer.from('{"alg":"none","kid":"k1"}').toString('base64url')}.${Buffer.from(JSON.stringify({ aud: ACCESS_AUD, iss: access.origin, exp: now + 60 })).toString('base64url')}.`,
      junk: 'not-a-jwt',
    };
    for (const [name, jwt] of Object.entries(bad)) {
      const res = await client.get('/api/admin/calls?limit=1', { headers: withJwt(jwt) });
      assert.equal(res.status, 401, name);
    }
    // The log says why (lines arrive just after their responses), never quoting the assertion.
    for (const why of [/the assertion is for another application \(aud\)/, /the assertion has expired \(exp\)/,
      /the assertion's signature does not check out/, /the assertion names a key the team does not have \(kid\)/,
      /the assertion is not valid yet \(nbf\)/, /the assertion is from another team \(iss\)/, /the assertion is not signed with RS256/]) {
      await worker.waitForRecord({ level: 'warn', event: 'admin_access_refused', message: why });
    }
    for (const jwt of Object.values(bad)) assert.ok(!workerLines(worker.logs()).includes(jwt.split('.')[2] || jwt));
  });

  test('a change under Access needs this site\'s Origin too', async () => {
    const jwt = access.sign({ aud: ACCESS_AUD, email: 'ops@shop.example' });
    const res = await client.post(`/api/admin/calls/${CALLS.A.id}/reveal`, { headers: withJwt(jwt, { Origin: SHOP }) });
    assert.equal(res.status, 403);
    const ok = await client.post(`/api/admin/calls/${CALLS.A.id}/reveal`, { headers: withJwt(jwt) });
    assert.equal(ok.status, 200);
    const rows = await worker.query(`SELECT operator FROM admin_reveals WHERE call_id = '${CALLS.A.id}'`);
    assert.ok(rows.some((r) => r.operator === 'access:ops@shop.example'));
  });
});

describe('the list, filters and chart', () => {
  let session;
  before(async () => {
    session = await signIn();
  });
  const list = (query) => client.get(`/api/admin/calls?${query}`, { headers: withCookie(session) });

  test('newest first, with category, lead context and masked numbers', async () => {
    const res = await list(RANGE);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.calls.map((c) => c.id), ['E', 'D', 'C', 'B', 'A', 'F'].map((k) => CALLS[k].id));
    const a = res.body.calls.find((c) => c.id === CALLS.A.id);
    assert.equal(a.phone, '+91******0001');
    assert.equal(a.category, 'answered');
    assert.equal(a.canCallBack, false);
    assert.equal(a.leadName, 'प्रिया');
    assert.deepEqual(a.lead, CALLS.A.lead);
    assert.equal(a.duration, 95);
    const e = res.body.calls.find((c) => c.id === CALLS.E.id);
    assert.equal(e.masked, true);
    assert.equal(e.canCallBack, false);
    assert.deepEqual(res.body.calls.map((c) => c.category), ['missed', 'scheduled', 'failed', 'missed', 'answered', 'missed']);
    for (const call of Object.values(CALLS).filter((c) => !c.maskedAt)) assert.ok(!res.text.includes(call.phone));
  });

  test('filters by category and local dates', async () => {
    const ids = async (query) => (await list(query)).body.calls.map((c) => c.id);
    assert.deepEqual(await ids(`${RANGE}&status=missed`), [CALLS.E.id, CALLS.B.id, CALLS.F.id]);
    assert.deepEqual(await ids(`${RANGE}&status=answered`), [CALLS.A.id]);
    assert.deepEqual(await ids(`${RANGE}&status=failed`), [CALLS.C.id]);
    // B was placed at 20:00 UTC on the 20th: 01:30 on the 21st in Asia/Kolkata.
    assert.deepEqual(await ids('from=2026-11-21&to=2026-11-21'), [CALLS.C.id, CALLS.B.id]);
    assert.deepEqual(await ids('from=2026-11-20&to=2026-11-20'), [CALLS.A.id]);
  });

  test('searches the number\'s last digits or the name', async () => {
    const ids = async (q) => (await list(`q=${encodeURIComponent(q)}`)).body.calls.map((c) => c.id);
    assert.deepEqual(await ids('0002'), [CALLS.B.id]);
    assert.deepEqual(await ids('500002'), [CALLS.B.id]);
    assert.deepEqual(await ids('0005'), [CALLS.E.id]);
    assert.deepEqual(await ids('प्रिया'), [CALLS.A.id]);
    assert.deepEqual(await ids('ravi'), [CALLS.B.id]);
    assert.deepEqual(await ids('%'), []);
  });

  test('pages through the selection', async () => {
    const first = await list(`${RANGE}&limit=2`);
    assert.equal(first.body.total, 6);
    assert.equal(first.body.nextOffset, 2);
    const last = await list(`${RANGE}&limit=2&offset=4`);
    assert.deepEqual(last.body.calls.map((c) => c.id), [CALLS.A.id, CALLS.F.id]);
    assert.equal(last.body.nextOffset, null);
  });

  test('bad filters name the parameter', async () => {
    const status = await list('status=lost');
    assert.equal(status.status, 400);
    assert.equal(status.body.error.message,
      'expected ?status= to be one of answered, missed, failed, scheduled, in-progress, canceled, but got `lost`');
    assert.equal((await list('from=yesterday')).body.error.message, 'expected ?from= to be a date like 2026-12-01, but got `yesterday`');
    assert.equal((await list('from=2026-11-22&to=2026-11-19')).status, 400);
  });

  test('counts per local day by category, for the chart', async () => {
    const res = await client.get(`/api/admin/stats?${RANGE}`, { headers: withCookie(session) });
    assert.equal(res.status, 200);
    assert.equal(res.body.zone, 'Asia/Kolkata');
    const pick = ({ date, answered, missed, failed, scheduled }) => ({ date, answered, missed, failed, scheduled });
    assert.deepEqual(res.body.days.map(pick), [
      { date: '2026-11-19', answered: 0, missed: 1, failed: 0, scheduled: 0 },
      { date: '2026-11-20', answered: 1, missed: 0, failed: 0, scheduled: 0 },
      { date: '2026-11-21', answered: 0, missed: 1, failed: 1, scheduled: 0 },
      { date: '2026-11-22', answered: 0, missed: 1, failed: 0, scheduled: 1 },
    ]);
    const missed = await client.get(`/api/admin/stats?${RANGE}&status=missed`, { headers: withCookie(session) });
    assert.deepEqual(missed.body.days.map((d) => d.missed + d.answered + d.failed + d.scheduled), [1, 0, 1, 1]);
    const defaults = await client.get('/api/admin/stats', { headers: withCookie(session) });
    assert.equal(defaults.body.days.length, 30);
    const tooLong = await client.get('/api/admin/stats?from=2020-01-01&to=2026-01-01', { headers: withCookie(session) });
    assert.equal(tooLong.status, 400);
  });
});

describe('reveal', () => {
  test('shows the full number, logs who saw it (never the number) and counts reveals', async () => {
    const session = await signIn();
    const res = await client.post(`/api/admin/calls/${CALLS.B.id}/reveal`, { headers: withCookie(session) });
    assert.equal(res.status, 200);
    assert.equal(res.body.phone, CALLS.B.phone);
    assert.equal(res.body.reveals, 1);
    const again = await client.post(`/api/admin/calls/${CALLS.B.id}/reveal`, { headers: withCookie(session) });
    assert.equal(again.body.reveals, 2);
    const rows = await worker.query(`SELECT operator, at FROM admin_reveals WHERE call_id = '${CALLS.B.id}'`);
    assert.equal(rows.length, 2);
    assert.equal(rows[0].operator, `session:${session.cookie.split('.')[1].slice(0, 8)}`);
    await worker.waitForRecord({ event: 'admin_reveal', call: CALLS.B.id, operator: /^session:[A-Za-z0-9_-]{8}$/ });
    assert.ok(!logText(worker.logs()).includes(CALLS.B.phone));
  });

  test('a masked number cannot be revealed, and an unknown call is 404', async () => {
    const session = await signIn();
    const masked = await client.post(`/api/admin/calls/${CALLS.E.id}/reveal`, { headers: withCookie(session) });
    assert.equal(masked.status, 409);
    assert.equal(masked.body.error.code, 'phone_masked');
    assert.match(masked.body.error.message, /masked after MASK_AFTER_DAYS/);
    assert.equal((await client.post(`/api/admin/calls/${newId()}/reveal`, { headers: withCookie(session) })).status, 404);
    assert.equal((await client.post('/api/admin/calls/nope/reveal', { headers: withCookie(session) })).status, 404);
    assert.equal((await client.get(`/api/admin/calls/${CALLS.B.id}/reveal`, { headers: withCookie(session) })).status, 405);
  });
});

describe('CSRF', () => {
  test('a signed-in change from another site, or with no Origin, is refused', async () => {
    const session = await signIn();
    // An origin the widget may use passes CORS, but not the admin's own check.
    const shop = await client.post(`/api/admin/calls/${CALLS.B.id}/reveal`, { headers: withCookie(session, { Origin: SHOP }) });
    assert.equal(shop.status, 403);
    assert.equal(shop.body.error.message, "expected this site's own Origin on a change made while signed in");
    const bare = await client.post(`/api/admin/calls/${CALLS.B.id}/reveal`, { headers: { 'CF-Connecting-IP': session.ip, Cookie: session.cookie } });
    assert.equal(bare.status, 403);
    const elsewhere = await client.post(`/api/admin/calls/${CALLS.B.id}/call-back`, { headers: withCookie(session, { Origin: 'http://evil.example' }) });
    assert.equal(elsewhere.status, 403);
    assert.equal(elsewhere.body.error.code, 'origin_not_allowed');
    const signOut = await client.request('/api/admin/session', { method: 'DELETE', headers: withCookie(session, { Origin: SHOP }) });
    assert.equal(signOut.status, 403);
    // Signing in from another site is refused too.
    const login = await client.post('/api/admin/session', { json: { token: ADMIN_TOKEN }, headers: as(freshIp(), { Origin: SHOP }) });
    assert.equal(login.status, 403);
    // Reads need no Origin (a GET changes nothing), and the session still works.
    assert.equal((await client.get('/api/admin/calls?limit=1', { headers: { 'CF-Connecting-IP': session.ip, Cookie: session.cookie } })).status, 200);
  });
});

describe('call back now', () => {
  test('places a new attempt of a missed call through the placement path, counted in the budget', async () => {
    const session = await signIn();
    const before = (await client.get('/api/admin/calls?limit=1', { headers: withCookie(session) })).body.budgets.perHour.used;
    const connects = exotel.connects().length;
    const res = await client.post(`/api/admin/calls/${CALLS.B.id}/call-back`, { headers: withCookie(session) });
    assert.equal(res.status, 201, res.text);
    const call = res.body.call;
    assert.equal(call.requestId, CALLS.B.id);
    assert.equal(call.attempt, 2);
    assert.equal(call.status, 'queued');
    assert.equal(call.outcome, 'placed');
    assert.equal(call.leadName, 'Ravi Kumar');
    assert.equal(call.phone, '+91******0002');
    assert.deepEqual(call.events.map((e) => e.source), ['operator', 'connect']);
    assert.ok(call.events[0].detail.requestedBy.startsWith('session:'));
    assert.equal(exotel.connects().length, connects + 1);
    assert.equal(exotel.connects().at(-1).form.From, CALLS.B.phone);
    // The lead's name goes to Exotel with the new attempt, as with the first.
    assert.equal(exotel.connects().at(-1).form.CustomField, `call=${call.id}&name=Ravi+Kumar`);
    const after = (await client.get('/api/admin/calls?limit=1', { headers: withCookie(session) })).body.budgets.perHour.used;
    assert.equal(after, before + 1);
    // Only from the latest attempt: the first one's button is gone, and a second click is refused.
    const again = await client.post(`/api/admin/calls/${CALLS.B.id}/call-back`, { headers: withCookie(session) });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.message, 'this request has a newer attempt; call back from the latest one');
  });

  test('is refused on answered, scheduled, masked and in-progress calls', async () => {
    const session = await signIn();
    for (const [key, code] of [['A', 'not_callable'], ['D', 'not_callable'], ['E', 'phone_masked']]) {
      const res = await client.post(`/api/admin/calls/${CALLS[key].id}/call-back`, { headers: withCookie(session) });
      assert.equal(res.status, 409, key);
      assert.equal(res.body.error.code, code, key);
    }
    const answered = await client.post(`/api/admin/calls/${CALLS.A.id}/call-back`, { headers: withCookie(session) });
    assert.equal(answered.body.error.message, 'expected a missed or failed call, but this one is answered');
  });

  test('keeps the number\'s limit: past it the attempt is not placed', async () => {
    const session = await signIn();
    // RATE_LIMIT_PER_NUMBER is 2: two attempts Exotel refuses, then the third is limited.
    let from = CALLS.C.id;
    for (let i = 0; i < 2; i++) {
      exotel.failNext({ status: 403 });
      const res = await client.post(`/api/admin/calls/${from}/call-back`, { headers: withCookie(session) });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.call.category, 'failed');
      assert.equal(res.body.call.outcome, 'exotel_rejected');
      from = res.body.call.id;
    }
    const connects = exotel.connects().length;
    const limited = await client.post(`/api/admin/calls/${from}/call-back`, { headers: withCookie(session) });
    assert.equal(limited.status, 201);
    assert.equal(limited.body.call.outcome, 'rate_limited');
    assert.equal(limited.body.call.attempt, 4);
    assert.equal(exotel.connects().length, connects, 'nothing was sent to Exotel');
  });
});

describe('CSV export', () => {
  test('UTF-8 with a BOM, RFC 4180 quoting, formulas neutralised, numbers masked', async () => {
    const session = await signIn();
    const response = await fetch(`${worker.url}/api/admin/calls.csv?${RANGE}`, { headers: withCookie(session) });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(response.headers.get('content-disposition'), /^attachment; filename="calls-\d{4}-\d{2}-\d{2}\.csv"$/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    const [header, ...rows] = parseCsv(text);
    assert.deepEqual(header.slice(0, 11), ['id', 'request_id', 'attempt', 'created_at', 'category', 'status', 'outcome', 'failure', 'reason', 'duration_s', 'phone']);
    assert.equal(rows.length, 6);
    // An id may start with `-`, which is neutralised like any formula-like cell.
    const byId = Object.fromEntries(rows.map((r) => [r[0].replace(/^'/, ''), Object.fromEntries(header.map((h, i) => [h, r[i]]))]));
    const a = byId[CALLS.A.id];
    assert.equal(a.name, 'प्रिया');
    assert.equal(a.note, 'About the "gold" plan, today\nafter 5');
    assert.equal(a.utm_source, 'google');
    assert.equal(a.consent, 'true');
    // A leading + is a formula to a spreadsheet: even our own masked numbers get the apostrophe.
    assert.equal(a.phone, "'+91******0001");
    assert.equal(a.duration_s, '95');
    assert.equal(a.category, 'answered');
    assert.equal(byId[CALLS.C.id].name, `'${CALLS.C.name}`);
    assert.equal(byId[CALLS.C.id].note, "'+1 then @SUM(A1)");
    assert.equal(byId[CALLS.F.id].name, "'-Meera");
    assert.ok(text.includes(`"'=HYPERLINK(""http://evil.example"",""x"")"`), 'quotes doubled inside a quoted field');
    for (const call of Object.values(CALLS)) assert.ok(!text.includes(call.phone) || call.maskedAt, 'no full number');
    const missed = parseCsv((await (await fetch(`${worker.url}/api/admin/calls.csv?${RANGE}&status=missed`, { headers: withCookie(session) })).text()).replace(/^\uFEFF/, ''));
    assert.equal(missed.length, 1 + 3);
    assert.equal((await fetch(`${worker.url}/api/admin/calls.csv`)).status, 401);
  });
});

describe('the page', () => {
  test('/admin/ is served with a strict CSP of its own, never cached', async () => {
    for (const path of ['/admin/', '/admin/admin.js', '/admin/admin.css']) {
      const res = await fetch(`${worker.url}${path}`);
      assert.equal(res.status, 200, path);
      const csp = res.headers.get('content-security-policy');
      assert.match(csp, /default-src 'none'; script-src 'self'; style-src 'self'/, path);
      assert.doesNotMatch(csp, /unsafe|challenges\.cloudflare\.com/, path);
      assert.match(res.headers.get('cache-control'), /no-store/, path);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
      assert.equal(res.headers.get('access-control-allow-origin'), null, path);
      const text = await res.text();
      assert.ok(!text.includes(ADMIN_TOKEN));
    }
  });
});

describe('no secret and no full number where it must not be', () => {
  test('responses (except reveals) and the Worker\'s log', async () => {
    const transcript = client.transcript();
    assertWorkerLeaksNothing({ transcript, worker, exotel, secrets: { CALLBACK_SECRET, ADMIN_TOKEN, ACCESS_AUD } });
    const revealed = client.seen.filter((r) => /\/reveal$/.test(r.path) && r.status === 200);
    assert.ok(revealed.length >= 3);
    const others = client.seen.filter((r) => !revealed.includes(r)).map((r) => `${JSON.stringify(r.headers)}\n${r.text}`).join('\n');
    const logs = logText(worker.logs());
    for (const call of Object.values(CALLS).filter((c) => !c.maskedAt)) {
      assert.ok(!others.includes(call.phone), `a response other than a reveal carried ${call.id}'s number`);
      assert.ok(!logs.includes(call.phone), 'a log line carried a full number');
    }
    // The session cookies themselves never reach a log line.
    for (const r of client.seen) {
      const value = cookieFrom(r.headers['set-cookie']);
      if (value) assert.ok(!logs.includes(value.split('.')[3]), 'a log line carried a session MAC');
    }
  });
});
