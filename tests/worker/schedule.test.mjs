// Opening hours, calls at a chosen time, and a second try, in workerd against a mock Exotel.
//
// Time is driven, never waited for: schedules are built around today's date (holidays today and
// tomorrow make "closed now" true whatever the hour), and a call is made due by moving its time
// into the past in D1 before the cron runs (`wrangler dev --test-scheduled`). The daylight-saving
// case uses the runtime's own Europe/London rules across the next change.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { createClient } from '../support/client.mjs';
import { startMockExotel } from '../support/mock-exotel.mjs';
import { assertWorkerLeaksNothing, callbackToken } from '../support/secrets.mjs';
import { startWorker } from '../support/worker.mjs';

const CALLBACK_SECRET = randomBytes(32).toString('hex');
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;
const DAY = 86_400_000;

/** `YYYY-MM-DD` of a UTC day `offset` days from today. */
const day = (offset) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);

let exotel;
let closed; // closed today and tomorrow (holidays), open 09:00-17:00 UTC otherwise
let open; // always open, second tries a minute after
let london; // Europe/London, for daylight saving
let broken; // a BUSINESS_HOURS nobody can read
let clients;

function vars(extra) {
  return {
    ...exotel.workerVars(),
    EXOTEL_CALLER_ID: '08047112400',
    EXOTEL_APP_ID: '926',
    CALLBACK_SECRET,
    ADMIN_TOKEN,
    CALL_BUDGET_PER_HOUR: '1000',
    RATE_LIMIT_PER_CLIENT: '1000',
    RATE_LIMIT_PER_NUMBER: '100',
    RATE_LIMIT_PER_NUMBER_DAY: '100',
    ...extra,
  };
}

before(async () => {
  exotel = await startMockExotel();
  [closed, open, london, broken] = await Promise.all([
    startWorker({
      testScheduled: true,
      vars: vars({
        BUSINESS_HOURS: 'mon-sun 09:00-17:00',
        BUSINESS_TIMEZONE: 'UTC',
        HOLIDAYS: `${day(0)}, ${day(1)}`,
      }),
    }),
    startWorker({ testScheduled: true, vars: vars({ RETRY_AFTER_SECONDS: '60' }) }),
    startWorker({
      vars: vars({
        BUSINESS_HOURS: 'mon-sun 09:00-17:00',
        BUSINESS_TIMEZONE: 'Europe/London',
        SCHEDULE_MAX_DAYS: '366',
      }),
    }),
    startWorker({ vars: vars({ BUSINESS_HOURS: 'weekdays 9 to 5' }) }),
  ]);
  clients = { closed: createClient(closed.url), open: createClient(open.url), london: createClient(london.url), broken: createClient(broken.url) };
});

after(async () => {
  await Promise.all([closed, open, london, broken].map((w) => w?.stop()));
  await exotel?.stop();
});

let numbers = 0;
function freshNumber() {
  const tail = String(10000 + numbers++);
  return { typed: `98765 ${tail}`, e164: `+9198765${tail}` };
}
const connects = (e164) => exotel.connects().filter((r) => r.form.From === e164);
const at = (text) => Date.parse(text);

/** Makes every scheduled attempt of request `id` due now, as if its time had come. */
async function makeDue(worker, id) {
  await worker.query(`UPDATE calls SET scheduled_for = ${Date.now() - 1000}
    WHERE request_id = '${id}' AND status = 'scheduled'`);
}

describe('closed now', () => {
  test('POST while closed does not call: 202 scheduled for the next opening', async () => {
    const { typed, e164 } = freshNumber();
    const res = await clients.closed.createCall(typed);
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), ['id', 'scheduledFor', 'status']);
    assert.equal(res.body.status, 'scheduled');
    assert.equal(res.body.scheduledFor, `${day(2)}T09:00:00+00:00`);
    assert.equal(connects(e164).length, 0, 'nothing sent to Exotel');

    const shown = await clients.closed.get(`/api/calls/${res.body.id}`);
    assert.equal(shown.body.status, 'scheduled');
    assert.equal(shown.body.scheduledFor, `${day(2)}T09:00:00+00:00`);
    assert.equal(shown.body.attempt, 1);
    assert.equal(shown.body.attempts, 2);
  });

  test('/api/config says closed, when it opens, and the schedule; /api/slots lists quarter hours', async () => {
    const config = await clients.closed.get('/api/config');
    assert.equal(config.body.hours.open, false);
    assert.equal(config.body.hours.timezone, 'UTC');
    assert.equal(config.body.hours.nextOpen, `${day(2)}T09:00:00+00:00`);
    assert.equal(config.body.hours.nextClose, null);
    assert.match(config.body.hours.schedule, /^mon 09:00-17:00, tue 09:00-17:00/);
    assert.deepEqual(config.body.hours.holidays, [day(0), day(1)]);
    assert.equal(config.body.hours.scheduleMaxDays, 7);
    assert.deepEqual(config.body.retry, { attempts: 1, afterSeconds: 300 });

    const { body } = await clients.closed.get('/api/slots');
    assert.equal(body.timezone, 'UTC');
    assert.equal(body.slots[0], `${day(2)}T09:00:00+00:00`);
    assert.equal(body.slots[1], `${day(2)}T09:15:00+00:00`);
    assert.ok(!body.slots.some((s) => s.startsWith(day(0)) || s.startsWith(day(1))), 'no slot on a holiday');
    for (const slot of body.slots) {
      const hhmm = slot.slice(11, 16);
      assert.ok(hhmm >= '09:00' && hhmm <= '16:45', slot);
      assert.ok(at(slot) <= Date.now() + 7 * DAY, slot);
    }
    assert.ok(body.slots.length >= 5 * 32, `${body.slots.length} slots`);
  });

  test('a chosen time: inside hours is scheduled; outside, past, too far or a holiday is 422 saying which', async () => {
    const { typed } = freshNumber();
    const chosen = `${day(3)}T10:30:00+00:00`;
    const ok = await clients.closed.createCall(typed, { at: chosen });
    assert.equal(ok.status, 202, ok.text);
    assert.equal(ok.body.scheduledFor, chosen);
    // Written with another offset, the same instant.
    const elsewhere = await clients.closed.createCall(freshNumber().typed, { at: `${day(3)}T16:00:00+05:30` });
    assert.equal(elsewhere.body.scheduledFor, `${day(3)}T10:30:00+00:00`);

    for (const [choice, message] of [
      [`${day(3)}T20:00:00Z`, 'expected a time inside our opening hours'],
      [`${day(-1)}T10:00:00Z`, 'expected a time in the future'],
      [`${day(10)}T10:00:00Z`, 'expected a time within the next 7 days'],
      [`${day(1)}T10:00:00Z`, `expected a day we are open, but ${day(1)} is a holiday`],
      [`${day(3)} at ten`, 'expected `at` to be a time with its offset like 2026-12-03T10:30:00+05:30'],
      [`${day(3)}T10:30:00`, 'expected `at` to be a time with its offset like 2026-12-03T10:30:00+05:30'],
    ]) {
      const res = await clients.closed.createCall(freshNumber().typed, { at: choice });
      assert.equal(res.status, 422, `${choice}: ${res.text}`);
      assert.equal(res.body.error.code, 'invalid_schedule');
      assert.equal(res.body.error.message, message, choice);
    }
  });

  test('cancel before placement: 200 canceled, then 409 not_cancelable; never placed', async () => {
    const { typed, e164 } = freshNumber();
    const { body } = await clients.open.createCall(typed, { at: new Date(Date.now() + 2 * 3_600_000).toISOString() });
    assert.equal(body.status, 'scheduled');
    const canceled = await clients.open.request(`/api/calls/${body.id}`, { method: 'DELETE' });
    assert.equal(canceled.status, 200, canceled.text);
    assert.deepEqual(canceled.body, { id: body.id, status: 'canceled' });
    assert.equal((await clients.open.get(`/api/calls/${body.id}`)).body.status, 'canceled');
    const again = await clients.open.request(`/api/calls/${body.id}`, { method: 'DELETE' });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'not_cancelable');
    assert.equal((await clients.open.request(`/api/calls/${'A'.repeat(22)}`, { method: 'DELETE' })).status, 404);
    await open.query(`UPDATE calls SET scheduled_for = ${Date.now() - 1000} WHERE request_id = '${body.id}'`);
    assert.equal(await open.scheduled(), 200);
    assert.equal(connects(e164).length, 0);
  });

  test('the cron places a due call once, even when two runs overlap; then it cannot be canceled', async () => {
    const { typed, e164 } = freshNumber();
    const { body } = await clients.open.createCall(typed, { at: new Date(Date.now() + 3_600_000).toISOString() });
    // Not yet due: nothing happens.
    assert.equal(await open.scheduled(), 200);
    assert.equal(connects(e164).length, 0);
    await makeDue(open, body.id);
    const runs = await Promise.all([open.scheduled(), open.scheduled()]);
    assert.deepEqual(runs, [200, 200]);
    assert.equal(await open.scheduled(), 200);
    assert.equal(connects(e164).length, 1, 'placed exactly once');
    const placed = connects(e164)[0];
    assert.equal(placed.form.TimeLimit, '3600');
    const shown = await clients.open.get(`/api/calls/${body.id}`);
    assert.equal(shown.body.status, 'queued');
    assert.equal(shown.body.scheduledFor, undefined);
    const cancel = await clients.open.request(`/api/calls/${body.id}`, { method: 'DELETE' });
    assert.equal(cancel.status, 409);
    // Its callback settles it like any call.
    await exotel.sendCallback(placed.sid, { Status: 'completed' });
    assert.equal((await clients.open.get(`/api/calls/${body.id}`)).body.status, 'completed');
  });

  test('a due call while closed (a holiday added since) waits for the next opening', async () => {
    const { typed, e164 } = freshNumber();
    const { body } = await clients.closed.createCall(typed, { at: `${day(3)}T10:00:00Z` });
    await makeDue(closed, body.id);
    assert.equal(await closed.scheduled(), 200);
    assert.equal(connects(e164).length, 0);
    const shown = await clients.closed.get(`/api/calls/${body.id}`);
    assert.equal(shown.body.status, 'scheduled');
    assert.equal(shown.body.scheduledFor, `${day(2)}T09:00:00+00:00`);
  });
});

describe('a second try', () => {
  test('busy, then another attempt a minute later, then completed', async () => {
    const { typed, e164 } = freshNumber();
    const first = await clients.open.createCall(typed);
    assert.equal(first.status, 201, first.text);
    const busyAt = Date.now();
    await exotel.sendCallback(connects(e164)[0].sid, { Status: 'busy' });

    const waiting = await clients.open.get(`/api/calls/${first.body.id}`);
    assert.equal(waiting.body.status, 'scheduled');
    assert.equal(waiting.body.attempt, 2);
    assert.equal(waiting.body.attempts, 2);
    const retryAt = at(waiting.body.scheduledFor);
    assert.ok(retryAt >= busyAt + 59_000 && retryAt <= Date.now() + 61_000, waiting.body.scheduledFor);

    await makeDue(open, first.body.id);
    assert.equal(await open.scheduled(), 200);
    assert.equal(connects(e164).length, 2);
    await exotel.sendCallback(connects(e164)[1].sid, { Status: 'completed' });
    const done = await clients.open.get(`/api/calls/${first.body.id}`);
    assert.equal(done.body.status, 'completed');
    assert.equal(done.body.attempt, 2);

    // Each attempt is a row of its own in the admin view; the first logs the second try.
    const admin = await clients.open.get('/api/admin/calls?limit=5', { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    const attempts = admin.body.calls.filter((c) => c.requestId === first.body.id);
    assert.deepEqual(attempts.map((c) => [c.attempt, c.status]).sort(), [[1, 'busy'], [2, 'completed']]);
    const firstRow = attempts.find((c) => c.attempt === 1);
    assert.ok(firstRow.events.some((e) => e.source === 'retry' && e.status === 'scheduled'), JSON.stringify(firstRow.events));
  });

  test('retries exhausted: busy twice ends busy, attempt 2 of 2, no third call', async () => {
    const { typed, e164 } = freshNumber();
    const first = await clients.open.createCall(typed);
    await exotel.sendCallback(connects(e164)[0].sid, { Status: 'no-answer' });
    const waiting = await clients.open.get(`/api/calls/${first.body.id}`);
    assert.equal(waiting.body.status, 'scheduled');
    await makeDue(open, first.body.id);
    assert.equal(await open.scheduled(), 200);
    await exotel.sendCallback(connects(e164)[1].sid, { Status: 'busy' });
    // A repeated callback does not add a try either.
    await exotel.sendCallback(connects(e164)[1].sid, { Status: 'busy' });
    await makeDue(open, first.body.id);
    assert.equal(await open.scheduled(), 200);
    const shown = await clients.open.get(`/api/calls/${first.body.id}`);
    assert.equal(shown.body.status, 'busy');
    assert.equal(shown.body.attempt, 2);
    assert.equal(connects(e164).length, 2);
  });

  test('a try that would fall while closed is pushed to the next opening', async () => {
    // A call placed earlier (stored as the Worker stores one) whose busy callback comes now,
    // on a holiday: five minutes later is still closed, so the second try waits for the next
    // opening.
    const id = `placed${randomBytes(12).toString('hex')}`.slice(0, 22);
    const sid = randomBytes(16).toString('hex');
    const now = Date.now();
    await closed.query(`INSERT INTO calls (id, request_id, mode, phone, exotel_sid, status, status_rank, outcome,
        placed_at, created_at, updated_at)
      VALUES ('${id}', '${id}', 'live', '${freshNumber().e164}', '${sid}', 'ringing', 20, 'placed', ${now}, ${now}, ${now})`);
    const res = await fetch(`${closed.url}/exotel/status/${callbackToken(id, CALLBACK_SECRET)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ CallSid: sid, Status: 'busy', RecordingUrl: '', DateUpdated: '2026-12-02 10:00:00' }),
    });
    assert.equal(res.status, 200, await res.text());
    const shown = await clients.closed.get(`/api/calls/${id}`);
    assert.equal(shown.body.status, 'scheduled');
    assert.equal(shown.body.attempt, 2);
    assert.equal(shown.body.scheduledFor, `${day(2)}T09:00:00+00:00`);
  });
});

describe('daylight saving (Europe/London, the runtime\'s own rules)', () => {
  /** The next last-Sunday-of-March or -October after today, as `YYYY-MM-DD`. */
  function nextChange() {
    const now = new Date();
    const candidates = [];
    for (const year of [now.getUTCFullYear(), now.getUTCFullYear() + 1]) {
      for (const month of [2, 9]) {
        const last = new Date(Date.UTC(year, month + 1, 0));
        last.setUTCDate(last.getUTCDate() - last.getUTCDay());
        candidates.push(last);
      }
    }
    return candidates.find((d) => d.getTime() > now.getTime() + 2 * DAY).toISOString().slice(0, 10);
  }

  test('slots keep 09:00 on the wall clock across the change; a chosen time is checked in local time', async () => {
    const change = nextChange();
    const before = new Date(Date.parse(`${change}T12:00:00Z`) - DAY).toISOString().slice(0, 10);
    const spring = change.slice(5, 7) === '03';
    const [offBefore, offAfter] = spring ? ['+00:00', '+01:00'] : ['+01:00', '+00:00'];
    const { body } = await clients.london.get('/api/slots');
    assert.equal(body.timezone, 'Europe/London');
    assert.ok(body.slots.includes(`${before}T09:00:00${offBefore}`), `${before} 09:00 ${offBefore}`);
    assert.ok(body.slots.includes(`${change}T09:00:00${offAfter}`), `${change} 09:00 ${offAfter}`);
    assert.ok(!body.slots.includes(`${change}T09:00:00${offBefore}`));
    const gap = at(`${change}T09:00:00${offAfter}`) - at(`${before}T09:00:00${offBefore}`);
    assert.equal(gap, spring ? 23 * 3_600_000 : 25 * 3_600_000);

    // 16:30 UTC is 17:30 in summer (closed) and 16:30 in winter (open).
    const summer = spring ? change : before;
    const winter = spring ? before : change;
    const late = await clients.london.createCall(freshNumber().typed, { at: `${summer}T16:30:00Z` });
    assert.equal(late.status, 422, late.text);
    const fine = await clients.london.createCall(freshNumber().typed, { at: `${winter}T16:30:00Z` });
    assert.equal(fine.status, 202, fine.text);
    assert.equal(fine.body.scheduledFor, `${winter}T16:30:00+00:00`);
  });
});

describe('settings nobody can read', () => {
  test('a bad BUSINESS_HOURS is 503 not_configured naming it, never "always open"', async () => {
    const { e164, typed } = freshNumber();
    const res = await clients.broken.createCall(typed);
    assert.equal(res.status, 503);
    assert.equal(res.body.error.code, 'not_configured');
    assert.match(res.body.error.message, /BUSINESS_HOURS: expected a day among mon, tue, wed, thu, fri, sat, sun, but got `weekdays`/);
    assert.equal((await clients.broken.get('/api/slots')).status, 503);
    const config = await clients.broken.get('/api/config');
    assert.equal(config.status, 200, 'the page still loads');
    assert.equal(config.body.hours, null);
    assert.equal(connects(e164).length, 0);
  });
});

describe('afterwards', () => {
  test('no response and no log line carries a credential, secret or callback token', () => {
    for (const [name, worker] of Object.entries({ closed, open, london, broken })) {
      assertWorkerLeaksNothing({ transcript: clients[name].transcript(), worker, exotel, secrets: { CALLBACK_SECRET, ADMIN_TOKEN } });
    }
  });
});
