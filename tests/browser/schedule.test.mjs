// The page when the business is closed, the slot picker by keyboard, cancelling a booked call,
// and the message while a second try is pending, in headless Chromium against the Worker
// (sandbox). One Worker is closed (holidays today and tomorrow, open 09:00-17:00 UTC after),
// another always open with a second try a minute after a busy line.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import {
  fillForm, launchBrowser, loadStartWorker, openPage, statusText, test, waitForAnnouncement, waitForTitle,
} from './harness.mjs';

const DAY = 86_400_000;
const day = (offset) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);

let browser;
let closed;
let open;

before(async () => {
  const startWorker = await loadStartWorker();
  const common = {
    EXOTEL_MODE: 'sandbox',
    SANDBOX_ANSWER_MS: '500',
    SANDBOX_CALLBACK_DELAY_MS: '1500',
    RATE_LIMIT_PER_CLIENT: '1000',
    RATE_LIMIT_REFUSED_PER_CLIENT: '1000',
    CALL_BUDGET_PER_HOUR: '1000',
  };
  [closed, open] = await Promise.all([
    startWorker({
      vars: { ...common, BUSINESS_HOURS: 'mon-sun 09:00-17:00', BUSINESS_TIMEZONE: 'UTC', HOLIDAYS: `${day(0)}, ${day(1)}` },
    }),
    startWorker({ vars: { ...common, RETRY_AFTER_SECONDS: '60' } }),
  ]);
  browser = await launchBrowser();
}, { timeout: 180_000 });

after(async () => {
  await browser?.close();
  await Promise.all([closed?.stop(), open?.stop()]);
});

const url = (worker) => worker.url.replace(/\/+$/, '');

describe('closed now', () => {
  test('the form says when it opens and calls when it opens; the booked call can be cancelled', async () => {
    const p = await openPage(browser);
    try {
      await p.page.goto(`${url(closed)}/`);
      const notice = p.page.locator('.cb-hours');
      await notice.waitFor();
      assert.match(await notice.textContent(), /^We're closed now\. We open at 9:00 .*\.$/);
      const button = p.page.getByRole('button', { name: 'Call me when you open' });
      assert.ok(await button.isVisible());
      await fillForm(p.page, { phone: '98765 43210' });
      await button.click();
      await waitForTitle(p.page, 'Your call is booked');
      assert.match(await statusText(p.page), /We will call you at 9:00 /);
      await waitForAnnouncement(p.page, 'Your call is booked.');
      const body = JSON.parse(p.posts[0].postData());
      assert.equal(body.at, undefined, 'no time chosen: the next opening');

      await p.page.getByRole('button', { name: 'Cancel the call' }).click();
      await waitForTitle(p.page, 'Your call is cancelled');
      assert.ok(await p.page.getByRole('button', { name: 'Request another call' }).isVisible());
    } finally {
      await p.close();
    }
  });

  test('pick a time by keyboard: a real select, grouped by day; the call is booked for it', async () => {
    const p = await openPage(browser, { width: 320, height: 640 });
    try {
      await p.page.goto(`${url(closed)}/`);
      await p.page.locator('.cb-hours').waitFor();
      await fillForm(p.page, { phone: '98765 43211' });
      await p.page.getByRole('button', { name: 'Pick a time' }).focus();
      const pick = p.page.locator('.cb-pick');
      await p.page.keyboard.press('Enter');
      const select = p.page.getByLabel('When should we call?');
      await select.waitFor();
      assert.equal(await pick.getAttribute('aria-expanded'), 'true');
      // The picker shows at once; its times (and then the focus) come with GET /api/slots.
      await select.locator('optgroup').first().waitFor({ state: 'attached' });
      assert.ok(await select.evaluate((el) => el === document.activeElement), 'focus moves to the picker');
      const groups = await select.locator('optgroup').count();
      assert.ok(groups >= 5, `${groups} days offered`);
      // The first real slot, chosen with the arrow key.
      await p.page.keyboard.press('ArrowDown');
      const chosen = await select.inputValue();
      assert.equal(chosen, `${day(2)}T09:00:00+00:00`);
      const submit = p.page.locator('.cb-submit');
      assert.match(await p.page.locator('.cb-submit-label').textContent(), /^Call me at 9:00 /);
      const width = await p.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 320, `no sideways scrolling at 320 px (${width})`);
      await submit.focus();
      await p.page.keyboard.press('Enter');
      await waitForTitle(p.page, 'Your call is booked');
      assert.equal(JSON.parse(p.posts[0].postData()).at, chosen);
    } finally {
      await p.close();
    }
  });
});

describe('a second try', () => {
  test('after a busy line the page says when we will try again', { timeout: 40_000 }, async () => {
    const p = await openPage(browser);
    try {
      await p.page.goto(`${url(open)}/`);
      await fillForm(p.page, { phone: '98765 43221' }); // ends in 1: busy
      await p.page.getByRole('button', { name: 'Call me', exact: true }).click();
      await waitForTitle(p.page, 'We will try again', 20_000);
      // The business's zone (Asia/Kolkata by default) differs from the browser's: the time is
      // the visitor's, with their zone named.
      assert.match(await statusText(p.page), /We could not reach you\. We will try again at \d{1,2}:\d\d( [AP]M)? UTC today\.$/);
      assert.ok(await p.page.getByRole('button', { name: 'Cancel the call' }).isVisible());
    } finally {
      await p.close();
    }
  });
});
