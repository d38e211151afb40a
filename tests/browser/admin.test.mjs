// The operator's dashboard (/admin/) in headless Chromium against the Worker (sandbox): signing
// in and out, the list with its filters and search, the chart's bars and table, revealing a
// number, "Call back now", the CSV download parsed back (a Hindi name included), the keyboard
// path through it all, and a 360 px wide screen.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { after, before, describe } from 'node:test';

import { insertCalls, newId, parseCsv } from '../support/admin.mjs';
import { focusIndicator, launchBrowser, loadStartWorker, openPage, storageDump, test, waitForAnnouncement } from './harness.mjs';

const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;
const at = (iso) => Date.parse(iso);
const CALLS = {
  A: { id: newId(), phone: '+919876510001', status: 'completed', duration: 65, at: at('2026-11-20T04:00:00Z'), name: 'प्रिया',
    lead: { note: 'Wants the "gold" plan, after 5', page: 'https://shop.example/pricing', utm: { source: 'google' }, consent: { given: true, text: 'I agree' } } },
  B: { id: newId(), phone: '+919876510002', status: 'no-answer', at: at('2026-11-21T05:00:00Z'), name: 'Ravi Kumar' },
  C: { id: newId(), phone: '+919876510003', status: 'failed', outcome: 'exotel_rejected', at: at('2026-11-21T06:00:00Z'), name: '=cmd|calc' },
  D: { id: newId(), phone: '+919876510004', status: 'scheduled', outcome: 'scheduled', scheduledFor: at('2027-01-04T06:00:00Z'), at: at('2026-11-22T06:00:00Z'), name: 'Asha' },
  E: { id: newId(), phone: '+91******0005', status: 'busy', at: at('2026-11-22T07:00:00Z'), name: 'Old Lead', maskedAt: at('2026-11-30T00:00:00Z') },
};

let browser;
let worker;

before(async () => {
  const startWorker = await loadStartWorker();
  worker = await startWorker({
    vars: {
      EXOTEL_MODE: 'sandbox',
      SANDBOX_ANSWER_MS: '500',
      ADMIN_TOKEN,
      RETRY_ATTEMPTS: '0',
      CALL_BUDGET_PER_HOUR: '1000',
    },
  });
  await worker.query(insertCalls(Object.values(CALLS)));
  browser = await launchBrowser();
}, { timeout: 180_000 });

after(async () => {
  await browser?.close();
  await worker?.stop();
});

async function signIn(page) {
  await page.goto(`${worker.url}/admin/`);
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#calls > li').first().waitFor();
}

async function applyFilters(page, { status = '', from = '2026-11-19', to = '2026-11-22', q = '' } = {}) {
  await page.getByLabel('Outcome', { exact: true }).selectOption(status);
  await page.getByLabel('From', { exact: true }).fill(from);
  await page.getByLabel('To', { exact: true }).fill(to);
  await page.getByLabel('Search', { exact: true }).fill(q);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  // The list is aria-busy from the click until the new calls are in.
  await page.locator('#calls[aria-busy="false"]').waitFor({ state: 'attached' });
}

const shownIds = (page) => page.locator('#calls > li').evaluateAll((items) => items.map((li) => li.dataset.id));

describe('the dashboard', () => {
  let p;
  before(async () => {
    p = await openPage(browser);
  });
  after(async () => {
    await p?.close();
  });

  test('signs in with the token (a wrong one is refused) into an HttpOnly, Strict cookie', async () => {
    await p.page.goto(`${worker.url}/admin/`);
    const token = p.page.getByLabel('Admin token');
    await token.waitFor();
    assert.equal(await p.page.evaluate(() => document.activeElement.id), 'token');
    await token.fill('not-the-token-at-all-not-the-token');
    await p.page.getByRole('button', { name: 'Sign in' }).click();
    await p.page.getByRole('alert').filter({ hasText: 'That is not the admin token.' }).waitFor();
    assert.equal(await token.getAttribute('aria-invalid'), 'true');

    await token.fill(ADMIN_TOKEN);
    await token.press('Enter');
    await p.page.locator('#calls > li').first().waitFor();
    assert.equal(await p.page.locator('#who').textContent(), 'Signed in');
    const [cookie] = await p.context.cookies();
    assert.equal(cookie.name, 'exotel_admin');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.ok(cookie.expires * 1000 > Date.now() + 7 * 3600_000);
    // Not readable by the page's scripts, and the token itself is kept nowhere in the browser.
    assert.equal(await p.page.evaluate(() => document.cookie), '');
    assert.ok(!(await storageDump(p.page)).includes(ADMIN_TOKEN));
    assert.equal(await token.inputValue(), '');
  });

  test('filters by dates and outcome, and searches digits and names', async () => {
    await applyFilters(p.page);
    await waitForAnnouncement(p.page, 'Showing 5 of 5 calls.');
    assert.deepEqual(await shownIds(p.page), ['E', 'D', 'C', 'B', 'A'].map((k) => CALLS[k].id));
    assert.deepEqual(await p.page.locator('#calls > li').evaluateAll((li) => li.map((l) => l.dataset.category)),
      ['missed', 'scheduled', 'failed', 'missed', 'answered']);

    await applyFilters(p.page, { status: 'missed' });
    await waitForAnnouncement(p.page, 'Showing 2 of 2 calls.');
    assert.deepEqual(await shownIds(p.page), [CALLS.E.id, CALLS.B.id]);

    await applyFilters(p.page, { q: '0002' });
    await waitForAnnouncement(p.page, 'Showing 1 of 1 call.');
    assert.deepEqual(await shownIds(p.page), [CALLS.B.id]);

    await applyFilters(p.page, { q: 'प्रिया' });
    await waitForAnnouncement(p.page, 'Showing 1 of 1 call.');
    const a = p.page.locator('#calls > li').first();
    assert.equal(await a.locator('h3').textContent(), 'प्रिया');
    await a.getByText('Details and event log').click();
    assert.match(await a.locator('dl').textContent(), /Wants the "gold" plan, after 5/);
    assert.match(await a.locator('dl').textContent(), /Given \(“I agree”\)/);

    await applyFilters(p.page, { q: 'nobody-here' });
    await waitForAnnouncement(p.page, 'No calls match these filters.');
  });

  test('the chart has a bar per day and outcome with the right counts, and a table alternative', async () => {
    await applyFilters(p.page);
    await waitForAnnouncement(p.page, 'Showing 5 of 5 calls.');
    const svg = p.page.locator('#chart svg');
    assert.equal(await svg.getAttribute('role'), 'img');
    assert.match(await svg.locator('title#chart-svg-title').textContent(), /^Calls per day from 2026-11-19 to 2026-11-22 \(Asia\/Kolkata\)$/);
    assert.match(await svg.locator('desc').textContent(), /^5 calls in all: answered 1, missed 2, failed 1, scheduled 1\./);
    const bars = await svg.locator('rect').evaluateAll((rects) => rects.map((r) => `${r.dataset.date} ${r.dataset.category} ${r.dataset.count}`));
    assert.deepEqual(bars.sort(), [
      '2026-11-20 answered 1',
      '2026-11-21 failed 1',
      '2026-11-21 missed 1',
      '2026-11-22 missed 1',
      '2026-11-22 scheduled 1',
    ]);
    const rows = await p.page.locator('#chart-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.textContent.trim().replace(/\s+/g, ' ')));
    assert.equal(rows.length, 4);
    assert.deepEqual(await p.page.locator('#chart-table tbody tr').nth(2).locator('td').allTextContents(), ['0', '1', '1', '0']);
  });

  test('reveals a number on request, and the reveal is logged', async () => {
    const b = p.page.locator(`#calls > li[data-id="${CALLS.B.id}"]`);
    assert.equal(await b.locator('[data-role="phone"]').textContent(), '+91******0002');
    await b.getByRole('button', { name: 'Show the full number of Ravi Kumar' }).click();
    await waitForAnnouncement(p.page, 'Number of Ravi Kumar:');
    assert.equal(await b.locator('[data-role="phone"]').textContent(), CALLS.B.phone);
    const rows = await worker.query(`SELECT operator FROM admin_reveals WHERE call_id = '${CALLS.B.id}'`);
    assert.equal(rows.length, 1);
    assert.match(rows[0].operator, /^session:/);
    const e = p.page.locator(`#calls > li[data-id="${CALLS.E.id}"]`);
    assert.match(await e.textContent(), /Number masked after the retention period/);
    assert.equal(await e.getByRole('button', { name: /Show the full number/ }).count(), 0);
  });

  test('the CSV download is the filtered list, parses back, and keeps the Hindi name', async () => {
    await applyFilters(p.page);
    await waitForAnnouncement(p.page, 'Showing 5 of 5 calls.');
    const [download] = await Promise.all([
      p.page.waitForEvent('download'),
      p.page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^calls-\d{4}-\d{2}-\d{2}\.csv$/);
    const bytes = readFileSync(await download.path());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 byte-order mark');
    const [header, ...rows] = parseCsv(bytes.subarray(3).toString('utf8'));
    assert.equal(rows.length, 5);
    const col = (name) => header.indexOf(name);
    // An id may start with `-`, which the export neutralises like any formula-like cell.
    const byId = Object.fromEntries(rows.map((r) => [r[col('id')].replace(/^'/, ''), r]));
    assert.equal(byId[CALLS.A.id][col('name')], 'प्रिया');
    assert.equal(byId[CALLS.A.id][col('note')], 'Wants the "gold" plan, after 5');
    assert.equal(byId[CALLS.C.id][col('name')], "'=cmd|calc");
    assert.equal(byId[CALLS.B.id][col('category')], 'missed');

    await applyFilters(p.page, { status: 'answered' });
    await waitForAnnouncement(p.page, 'Showing 1 of 1 call.');
    const [answered] = await Promise.all([
      p.page.waitForEvent('download'),
      p.page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    const only = parseCsv(readFileSync(await answered.path()).subarray(3).toString('utf8'));
    assert.deepEqual(only.slice(1).map((r) => r[0].replace(/^'/, '')), [CALLS.A.id]);
  });

  test('"Call back now" on a missed call places a new attempt', async () => {
    await applyFilters(p.page, { from: '', to: '' });
    const b = p.page.locator(`#calls > li[data-id="${CALLS.B.id}"]`);
    assert.equal(await p.page.locator(`#calls > li[data-id="${CALLS.A.id}"]`).getByRole('button', { name: /back now/ }).count(), 0,
      'not on an answered call');
    await b.getByRole('button', { name: 'Call Ravi Kumar back now' }).click();
    await waitForAnnouncement(p.page, 'Calling Ravi Kumar back now.');
    await p.page.waitForFunction(() => document.activeElement?.id === 'list-title');
    const rows = await worker.query(`SELECT attempt, status, outcome FROM calls WHERE request_id = '${CALLS.B.id}' ORDER BY attempt`);
    assert.equal(rows.length, 2);
    assert.equal(rows[1].outcome, 'placed');
    // The list now leads with the new attempt, and the first one offers no second call back.
    const first = p.page.locator('#calls > li').first();
    await first.locator('.meta', { hasText: 'Attempt 2' }).waitFor();
    assert.equal(await b.getByRole('button', { name: /back now/ }).count(), 0);
  });

  test('everything is reachable by keyboard, with a visible focus', async () => {
    await applyFilters(p.page);
    await waitForAnnouncement(p.page, 'Showing 5 of 5 calls.');
    await p.page.locator('.skip').focus();
    const seen = ['Skip to the calls'];
    for (let i = 0; i < 80; i++) {
      await p.page.keyboard.press('Tab');
      const focused = await p.page.evaluate(() => {
        const el = document.activeElement;
        return el.getAttribute('aria-label') || el.labels?.[0]?.textContent.trim() || el.textContent.trim().slice(0, 40);
      });
      seen.push(focused);
      if (focused === 'Skip to the calls') break;
      const indicator = await focusIndicator(p.page);
      if (indicator.tag !== 'body') assert.ok(indicator.visible, `focus shows on ${focused}`);
    }
    for (const name of ['Skip to the calls', 'Sign out', 'Outcome', 'From', 'To', 'Search', 'Apply filters', 'Clear', 'Download CSV',
      'Show the chart as a table', 'Show the full number of Asha', 'Details and event log', 'Call =cmd|calc back now']) {
      assert.ok(seen.includes(name), `${name} is reachable (saw ${seen.join(' | ')})`);
    }
  });

  test('signing out ends the session for good', async () => {
    const [cookie] = await p.context.cookies();
    await p.page.getByRole('button', { name: 'Sign out' }).click();
    await p.page.getByLabel('Admin token').waitFor();
    await waitForAnnouncement(p.page, 'Signed out.');
    assert.equal((await p.context.cookies()).length, 0);
    await p.page.reload();
    await p.page.getByLabel('Admin token').waitFor();
    // The cookie's copy is refused by the server too.
    const res = await fetch(`${worker.url}/api/admin/calls`, { headers: { Cookie: `exotel_admin=${cookie.value}` } });
    assert.equal(res.status, 401);
    assert.deepEqual(p.problems, []);
    // The Worker's log never saw the token, a session MAC or a full number (the reveal is logged
    // without it).
    const logs = worker.logs();
    assert.ok(!logs.includes(ADMIN_TOKEN));
    assert.ok(!logs.includes(cookie.value.split('.')[3]));
    for (const call of Object.values(CALLS).filter((c) => !c.maskedAt)) assert.ok(!logs.includes(call.phone), call.name);
  });
});

test('works 360 px wide: no sideways scrolling, every control visible', async () => {
  const p = await openPage(browser, { width: 360, height: 740 });
  try {
    await signIn(p.page);
    await applyFilters(p.page);
    await waitForAnnouncement(p.page, 'Showing 5 of 5 calls.');
    const overflow = await p.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
    for (const name of ['Apply filters', 'Clear']) {
      const box = await p.page.getByRole('button', { name }).boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= 360, name);
      assert.ok(box.height >= 44, `${name} is a comfortable target`);
    }
    const chart = await p.page.locator('#chart svg').boundingBox();
    assert.ok(chart.width <= 360 && chart.width > 250);
    await p.page.screenshot({ path: 'test-artifacts/screenshots/admin-360.png', fullPage: true }).catch(() => {});
    assert.deepEqual(p.problems, []);
  } finally {
    await p.close();
  }
});
