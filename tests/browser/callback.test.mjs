// End-to-end: the page and the widget in headless Chromium against the Worker running locally
// in sandbox mode (tests/support/worker.mjs). The sandbox picks each call's outcome from the
// number's last digit (docs/http-api.md), and answered calls end through a real status
// callback. One Worker and one browser serve every test here.
//
//   node --test tests/browser/
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import {
  contrastProblems, fillForm, focusIndicator, launchBrowser, loadStartWorker, offHostRequests,
  openPage, screenshot, startHost, statusText, storageDump, submit, test, waitForAnnouncement, waitForTitle,
  VIEW_TEST_LIMITS,
} from './harness.mjs';

const SLOW = 20_000; // a call that ends through the sandbox's callback

let worker;
let api; // the Worker's origin, e.g. http://127.0.0.1:8787
let browser;
let allowedHost;
let refusedHost;

// A host site with hostile CSS: none of it may reach the widget.
const hostPage = () => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Host shop</title>
<style>
  body { font-family: Georgia, serif; color: #700; background: #ffe; letter-spacing: 2px; }
  * { text-transform: uppercase; }
  button { display: none !important; }
  dialog { display: none !important; }
  input, select, label { visibility: hidden !important; }
  div { border: 5px dashed red !important; padding: 40px !important; }
</style></head>
<body><h1>Some shop</h1><p>Questions? We can call you.</p>
<script src="${api}/widget.js" data-api="${api}" data-country="IN" data-title="Talk to our sales team"></script>
</body></html>`;

before(async () => {
  const startWorker = await loadStartWorker();
  allowedHost = await startHost(hostPage);
  refusedHost = await startHost(hostPage);
  worker = await startWorker({
    vars: {
      EXOTEL_MODE: 'sandbox',
      SANDBOX_ANSWER_MS: '1000',
      SANDBOX_CALLBACK_DELAY_MS: '4000',
      ALLOWED_PREFIXES: '+91',
      ALLOWED_ORIGINS: allowedHost.origin,
      RATE_LIMIT_PER_NUMBER: '3',
      RETRY_ATTEMPTS: '0', // each outcome as it ends (schedule.test.mjs has the second tries)
      ...VIEW_TEST_LIMITS,
    },
  });
  api = worker.url.replace(/\/+$/, '');
  browser = await launchBrowser();
}, { timeout: 180_000 });

after(async () => {
  await browser?.close();
  await worker?.stop();
  await allowedHost?.close();
  await refusedHost?.close();
});

describe('the page', () => {
  test('happy path: connected, then finished through the callback; nothing leaves 127.0.0.1, nothing stored', { timeout: 40_000 }, async () => {
    const p = await openPage(browser);
    try {
      await p.page.goto(`${api}/`);
      await fillForm(p.page, { phone: '+91 98765 43210' });
      assert.equal(await p.page.locator('.cb-phone-msg').textContent(), 'We will call +91 98765 43210.');
      await submit(p.page);
      await waitForTitle(p.page, 'Connected');
      await waitForTitle(p.page, 'Call finished', SLOW);

      await waitForAnnouncement(p.page, 'Call finished');
      const said = await p.announcements();
      const order = ['Calling you now', 'Connected', 'Call finished']
        .map((t) => said.findIndex((a) => a.startsWith(t)));
      assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])), `announcements: ${said.join(' / ')}`);

      assert.equal(p.posts.length, 1);
      assert.match(p.posts[0].headers()['idempotency-key'] ?? '', /^[\w-]{16,}$/);
      assert.deepEqual(JSON.parse(p.posts[0].postData()), {
        phone: '+91 98765 43210', country: 'IN', page: `${api}/`,
        consent: { given: true, text: 'I agree to receive a phone call on this number.' },
      }, 'with the page it was sent from and the consent wording (lead.test.mjs has the rest)');
      assert.deepEqual(offHostRequests(p.requests), []);
      assert.ok(!p.requests.some((u) => u.includes('challenges.cloudflare.com')), 'Turnstile is off: never loaded');
      assert.deepEqual(p.problems, [], 'no CSP violations or page errors');

      const stored = await storageDump(p.page);
      for (const digits of ['9876543210', '98765', '43210']) assert.ok(!stored.includes(digits), `storage holds ${digits}`);

      await p.page.getByRole('button', { name: 'Request another call' }).click();
      assert.ok(await p.page.getByLabel('Phone number').evaluate((el) => el === document.activeElement));
    } finally {
      await p.close();
    }
  });

  describe('call outcomes', { concurrency: true }, () => {
    const outcomes = [
      ['98765 43211', 'Your line was busy', ['Call me again', 'Change number']],
      ['98765 43212', 'No answer', ['Call me again', 'Change number']],
      ['98765 43213', 'We could not connect the call', ['Check the number', 'Try again']],
    ];
    for (const [phone, title, actions] of outcomes) {
      test(`${phone.at(-1)}: ${title}`, { timeout: 40_000 }, async () => {
        const p = await openPage(browser);
        try {
          await p.page.goto(`${api}/`);
          await fillForm(p.page, { phone });
          await submit(p.page);
          await waitForTitle(p.page, 'Calling you now');
          await waitForTitle(p.page, title, SLOW);
          assert.deepEqual(await p.page.locator('.cb-actions button').allTextContents(), actions);
          await waitForAnnouncement(p.page, title);
          await p.page.getByRole('button', { name: actions[0] }).click();
          if (actions[0] === 'Call me again') {
            await waitForTitle(p.page, 'Calling you now');
            assert.equal(p.posts.length, 2, 'a second call, with a new Idempotency-Key');
            assert.notEqual(p.posts[0].headers()['idempotency-key'], p.posts[1].headers()['idempotency-key']);
          } else {
            assert.ok(await p.page.getByLabel('Phone number').evaluate((el) => el === document.activeElement));
          }
        } finally {
          await p.close();
        }
      });
    }
  });

  test('Exotel refuses the number as on the DND registry (last digit 4): why, and the missed call that gets it through', async () => {
    const p = await openPage(browser);
    try {
      await p.page.goto(`${api}/`);
      await fillForm(p.page, { phone: '98765 43214' });
      await submit(p.page);
      await waitForTitle(p.page, 'Your number is on the Do-Not-Disturb list');
      assert.equal(await p.page.getByRole('link', { name: '080 4711 2400' }).getAttribute('href'), 'tel:+918047112400');
      assert.ok(await p.page.getByRole('button', { name: 'Call me again' }).isVisible());
    } finally {
      await p.close();
    }
  });

  test('Exotel is down (last digit 5): service unavailable, try again', async () => {
    const p = await openPage(browser);
    try {
      await p.page.goto(`${api}/`);
      await fillForm(p.page, { phone: '98765 43215' });
      await submit(p.page);
      await waitForTitle(p.page, 'Service unavailable');
      assert.match(await statusText(p.page), /We cannot place calls right now/);
      assert.ok(await p.page.getByRole('button', { name: 'Try again' }).isVisible());
      await waitForAnnouncement(p.page, 'Service unavailable. We cannot place calls right now.');

      // The call may exist (the request may have reached Exotel): "Try again" asks with the same
      // Idempotency-Key, so the Worker answers with that attempt instead of placing another.
      await p.page.getByRole('button', { name: 'Try again' }).click();
      for (let i = 0; i < 100 && p.posts.length < 2; i++) await p.page.waitForTimeout(50);
      await waitForTitle(p.page, 'Service unavailable');
      const keys = p.posts.map((r) => r.headers()['idempotency-key']);
      assert.equal(keys.length, 2);
      assert.equal(keys[1], keys[0], 'Try again reuses the key');
    } finally {
      await p.close();
    }
  });

  test('a number outside the allow-list: number not allowed, use another number', async () => {
    const p = await openPage(browser);
    try {
      await p.page.goto(`${api}/`);
      await fillForm(p.page, { phone: '415 555 0100', country: 'US' });
      await submit(p.page);
      await waitForTitle(p.page, 'We cannot call this number');
      assert.match(await statusText(p.page), /We can only call numbers in India \(\+91\)\./);
      assert.equal(p.posts.length, 1);
      assert.equal(JSON.parse(p.posts[0].postData()).country, 'US');
      await p.page.getByRole('button', { name: 'Use another number' }).click();
      assert.ok(await p.page.getByLabel('Phone number').evaluate((el) => el === document.activeElement));
    } finally {
      await p.close();
    }
  });

  test('the 4th call to one number (RATE_LIMIT_PER_NUMBER=3): too many attempts, with when to retry', async () => {
    const p = await openPage(browser);
    try {
      await p.page.goto(`${api}/`);
      const statuses = await p.page.evaluate(async () => {
        const out = [];
        for (let i = 0; i < 3; i++) {
          const res = await fetch('/api/calls', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
            body: JSON.stringify({ phone: '9876543226', country: 'IN' }),
          });
          out.push(res.status);
        }
        return out;
      });
      assert.deepEqual(statuses, [201, 201, 201]);
      await fillForm(p.page, { phone: '98765 43226' });
      await submit(p.page);
      await waitForTitle(p.page, 'Too many attempts');
      assert.match(await statusText(p.page), /Try again in \d+ (second|minute|hour)s?\./);
      assert.ok(await p.page.getByRole('button', { name: 'Back to the form' }).isVisible());
    } finally {
      await p.close();
    }
  });

  test('an invalid number: explained as typed, nothing sent, focus back on the number', async () => {
    const p = await openPage(browser);
    try {
      await p.page.goto(`${api}/`);
      const input = p.page.getByLabel('Phone number');
      await input.fill('98765 432');
      await input.blur();
      const msg = p.page.locator('.cb-phone-msg');
      await p.page.locator('.cb-phone-msg[data-tone="error"]').waitFor();
      assert.equal(await msg.textContent(), 'This number is too short. Indian numbers have 10 digits.');
      assert.equal(await input.getAttribute('aria-invalid'), 'true');
      assert.ok((await input.getAttribute('aria-describedby')).includes(await msg.getAttribute('id')));

      await p.page.getByRole('checkbox').check();
      await submit(p.page);
      assert.ok(await input.evaluate((el) => el === document.activeElement), 'focus on the number');
      const button = p.page.getByRole('button', { name: 'Call me', exact: true });
      assert.ok(await button.isEnabled(), 'the button stays usable');
      assert.equal(p.posts.length, 0, 'nothing sent');
      await waitForAnnouncement(p.page, 'This number is too short. Indian numbers have 10 digits.');

      await input.fill('98765 abc 10');
      await input.blur();
      await p.page.locator('.cb-phone-msg', { hasText: 'Use only digits' }).waitFor();

      // Corrected: the error goes, the number is confirmed.
      await input.fill('98765 43290');
      await input.blur();
      await p.page.locator('.cb-phone-msg[data-tone="ok"]').waitFor();
      assert.equal(await input.getAttribute('aria-invalid'), null);
    } finally {
      await p.close();
    }
  });

  test('the number is checked by the core (vendor/ wasm build, faked here), loaded only when needed', async () => {
    const p = await openPage(browser);
    const { page } = p;
    try {
      await page.route(`${api}/vendor/exotel-connect/exotel_connect.js`, (route) => route.fulfill({
        contentType: 'text/javascript',
        body: `export default async function init() {}
          export function normalizePhone(input, country) {
            if (country === 'IN' && input.replace(/\\D/g, '').endsWith('9876543210')) return '+919876543210';
            throw Object.assign(new Error('expected 10 digits not starting with 0 after +91 for India'), { code: 'invalid_phone' });
          }`,
      }));
      await page.goto(`${api}/`);
      const input = page.getByLabel('Phone number');
      await input.waitFor();
      assert.ok(!p.requests.some((u) => u.includes('/vendor/')), 'not loaded with the page');
      await input.fill('12345 67890'); // the local check takes it: only the fake core refuses it
      await input.blur();
      await page.locator('.cb-phone-msg[data-tone="error"]').waitFor();
      assert.ok(p.requests.some((u) => u.includes('/vendor/exotel-connect/')), 'loaded on first use');
      assert.equal(await page.locator('.cb-phone-msg').textContent(), 'This does not look like a valid phone number in India.');
      await input.fill('098765-43210');
      await input.blur();
      await page.locator('.cb-phone-msg', { hasText: 'We will call +91 98765 43210.' }).waitFor();
    } finally {
      await p.close();
    }
  });

  test('a country picked before /api/config answers stays picked (the Worker\'s default does not undo it)', async () => {
    const p = await openPage(browser);
    const { page } = p;
    try {
      let answer;
      const answered = new Promise((resolve) => (answer = resolve));
      await page.route(`${api}/api/config`, async (route) => {
        await answered;
        const res = await route.fetch();
        await route.fulfill({ response: res, json: { ...(await res.json()), defaultCountry: 'IN' } });
      });
      await page.goto(`${api}/`);
      await page.getByLabel('Country').selectOption('US');
      answer();
      await page.locator('.cb-phone-msg', { hasText: 'We can call' }).waitFor();
      assert.equal(await page.getByLabel('Country').inputValue(), 'US');
    } finally {
      await p.close();
    }
  });

  test('consent is required before calling', async () => {
    const p = await openPage(browser);
    try {
      await p.page.goto(`${api}/`);
      await fillForm(p.page, { phone: '98765 43291', consent: false });
      await submit(p.page);
      await p.page.locator('.cb-msg', { hasText: 'Please tick the box to agree to the call.' }).waitFor();
      assert.ok(await p.page.getByRole('checkbox').evaluate((el) => el === document.activeElement));
      assert.equal(p.posts.length, 0);
    } finally {
      await p.close();
    }
  });

  test('a double click places one call', async () => {
    const p = await openPage(browser);
    try {
      await p.page.goto(`${api}/`);
      await fillForm(p.page, { phone: '98765 43260' });
      await p.page.getByRole('button', { name: 'Call me', exact: true }).dblclick();
      await waitForTitle(p.page, 'Calling you now');
      assert.equal(p.posts.length, 1);
    } finally {
      await p.close();
    }
  });

  test('the network fails while sending: retried with the same key, then service unavailable', async () => {
    const p = await openPage(browser);
    try {
      await p.page.route(`${api}/api/calls`, (route) => route.abort('internetdisconnected'));
      await p.page.goto(`${api}/`);
      await fillForm(p.page, { phone: '98765 43292' });
      await submit(p.page);
      await waitForTitle(p.page, 'Service unavailable');
      const keys = p.posts.map((r) => r.headers()['idempotency-key']);
      assert.equal(keys.length, 3);
      assert.equal(new Set(keys).size, 1, 'one Idempotency-Key for the retries of one attempt');
      assert.ok(await p.page.getByRole('button', { name: 'Try again' }).isVisible());
    } finally {
      await p.close();
    }
  });

  test('Turnstile on (faked in the browser): loaded only then, its token sent, captcha_failed explained', async () => {
    const p = await openPage(browser);
    const { page } = p;
    try {
      await page.route('https://challenges.cloudflare.com/**', (route) => route.fulfill({
        contentType: 'text/javascript',
        body: `window.turnstile = {
          render(el, opts) {
            const b = document.createElement('button');
            b.type = 'button';
            b.textContent = 'I am human';
            b.onclick = () => opts.callback('fake-token');
            el.append(b);
            window.__siteKey = opts.sitekey;
            return 'w1';
          },
          reset() { window.__resets = (window.__resets || 0) + 1; },
        };`,
      }));
      await page.route(`${api}/api/config`, async (route) => {
        const res = await route.fetch();
        route.fulfill({ response: res, json: { ...(await res.json()), turnstileSiteKey: 'site-key-1' } });
      });
      await page.route(`${api}/api/calls`, (route) => route.fulfill({
        status: 403,
        json: { error: { code: 'captcha_failed', message: 'the check failed' } },
      }));
      await page.goto(`${api}/`);
      await page.getByRole('button', { name: 'I am human' }).waitFor();
      assert.equal(await page.evaluate(() => window.__siteKey), 'site-key-1');

      await fillForm(page, { phone: '98765 43293' });
      await submit(page);
      await page.locator('.cb-msg', { hasText: 'Please complete the check above the button.' }).waitFor();
      assert.equal(p.posts.length, 0);

      await page.getByRole('button', { name: 'I am human' }).click();
      await submit(page);
      await waitForTitle(page, 'We could not check that you are human');
      assert.equal(JSON.parse(p.posts[0].postData()).turnstileToken, 'fake-token');
      assert.equal(await page.evaluate(() => window.__resets), 1, 'a token is used once');
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('button', { name: 'I am human' }).waitFor();
      assert.deepEqual(p.problems, [], 'the CSP lets Turnstile in');
    } finally {
      await p.close();
    }
  });

  test('keyboard only: Tab, type, Space, Enter; focus always visible; status announced', { timeout: 40_000 }, async () => {
    const p = await openPage(browser);
    const { page } = p;
    try {
      await page.goto(`${api}/`);
      await page.getByLabel('Phone number').waitFor();
      await page.keyboard.press('Tab');
      let focus = await focusIndicator(page);
      assert.equal(focus.tag, 'button', 'the language switch comes first');
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'हिन्दी');
      assert.ok(focus.visible, `visible focus on the language switch (${focus.outline})`);

      await page.keyboard.press('Tab');
      focus = await focusIndicator(page);
      assert.equal(focus.tag, 'select', 'then the country selector');
      assert.ok(focus.visible, `visible focus on the country selector (${focus.outline})`);

      await page.keyboard.press('Tab');
      focus = await focusIndicator(page);
      assert.equal(focus.type, 'tel');
      assert.ok(focus.visible, `visible focus on the number (${focus.outline})`);
      await page.keyboard.type('98765 43220');

      await page.keyboard.press('Tab');
      focus = await focusIndicator(page);
      assert.equal(focus.type, 'checkbox');
      assert.ok(focus.visible, `visible focus on the consent box (${focus.outline})`);
      await page.keyboard.press('Space');
      assert.ok(await page.getByRole('checkbox').isChecked());

      await page.keyboard.press('Tab');
      focus = await focusIndicator(page);
      assert.equal(focus.tag, 'button');
      assert.ok(focus.visible, `visible focus on the button (${focus.outline})`);
      await page.keyboard.press('Enter');

      const live = page.locator('[aria-live="polite"]');
      await page.locator('[aria-live="polite"]', { hasText: 'Calling you now' }).waitFor({ state: 'attached' });
      await page.locator('[aria-live="polite"]', { hasText: 'Call finished' }).waitFor({ state: 'attached', timeout: SLOW });
      assert.match(await live.textContent(), /^Call finished\. /);

      // From the status to the next step by keyboard alone.
      await page.keyboard.press('Tab');
      focus = await focusIndicator(page);
      assert.equal(focus.tag, 'button');
      assert.ok(focus.visible);
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Request another call');
      await page.keyboard.press('Enter');
      focus = await focusIndicator(page);
      assert.equal(focus.type, 'tel', 'back on the number');
    } finally {
      await p.close();
    }
  });

  test('320 px wide: no sideways scrolling, form and status', async () => {
    const p = await openPage(browser, { width: 320, height: 640 });
    try {
      await p.page.goto(`${api}/`);
      await p.page.getByLabel('Phone number').waitFor();
      const overflow = () => p.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.equal(await overflow(), 0);
      await fillForm(p.page, { phone: '98765 43215' });
      await submit(p.page);
      await waitForTitle(p.page, 'Service unavailable');
      assert.equal(await overflow(), 0);
    } finally {
      await p.close();
    }
  });
});

describe('screenshots, contrast, dark mode and reduced motion', { concurrency: true }, () => {
  const variants = [
    { width: 360, height: 740, colorScheme: 'light', reducedMotion: 'no-preference', n: '40' },
    { width: 1280, height: 800, colorScheme: 'light', reducedMotion: 'no-preference', n: '50' },
    { width: 360, height: 740, colorScheme: 'dark', reducedMotion: 'reduce', n: '60' },
    { width: 1280, height: 800, colorScheme: 'dark', reducedMotion: 'reduce', n: '70' },
  ];
  for (const v of variants) {
    const tag = `${v.width}${v.colorScheme === 'dark' ? '-dark' : ''}`;
    test(`${v.width}x${v.height} ${v.colorScheme}`, { timeout: 60_000 }, async () => {
      const p = await openPage(browser, v);
      const { page } = p;
      const contrast = async (state) => assert.deepEqual(await contrastProblems(page), [], `contrast in ${state} (${tag})`);
      try {
        await page.goto(`${api}/`);
        await page.getByLabel('Phone number').waitFor();
        await page.locator('.cb-phone-msg', { hasText: 'We can call' }).waitFor();
        const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        const dark = bg.match(/\d+/g).slice(0, 3).every((c) => Number(c) < 60);
        assert.equal(dark, v.colorScheme === 'dark', `body background ${bg}`);
        await screenshot(page, `form-${tag}`);
        await contrast('form');

        await fillForm(page, { phone: '98765 432' });
        await screenshot(page, `invalid-${tag}`);
        await contrast('invalid');

        await fillForm(page, { phone: `98765 432${v.n}` });
        await submit(page);
        await waitForTitle(page, 'Calling you now');
        const animation = await page.evaluate(() => getComputedStyle(document.querySelector('.cb-icon'), '::before').animationName);
        assert.equal(animation, v.reducedMotion === 'reduce' ? 'cb-fade' : 'cb-spin', 'no spinning with prefers-reduced-motion');
        await screenshot(page, `calling-${tag}`);
        await contrast('calling');
        await waitForTitle(page, 'Connected');
        await screenshot(page, `connected-${tag}`);
        await contrast('connected');
        await waitForTitle(page, 'Call finished', SLOW);
        await screenshot(page, `finished-${tag}`);
        await contrast('finished');

        await page.getByRole('button', { name: 'Request another call' }).click();
        await fillForm(page, { phone: `98765 432${Number(v.n) + 1}` });
        await submit(page);
        await waitForTitle(page, 'Your line was busy', SLOW);
        await screenshot(page, `busy-${tag}`);
        await contrast('busy');
        assert.deepEqual(p.problems, []);
      } finally {
        await p.close();
      }
    });
  }
});

describe('the widget on another origin', () => {
  test('allowed origin: isolated from the host CSS, call goes through to finished', { timeout: 40_000 }, async () => {
    const p = await openPage(browser, { width: 360, height: 740 });
    const { page } = p;
    try {
      await page.goto(`${allowedHost.origin}/`);
      const launcher = page.getByRole('button', { name: 'Call me back' });
      await launcher.waitFor();
      assert.notEqual(await launcher.evaluate((el) => getComputedStyle(el).display), 'none');
      assert.equal(await launcher.evaluate((el) => getComputedStyle(el).textTransform), 'none');
      await screenshot(page, 'widget-host-360');

      await launcher.click();
      const dialog = page.getByRole('dialog', { name: 'Talk to our sales team' });
      await dialog.waitFor();
      assert.ok(await page.getByLabel('Phone number').isVisible(), 'host CSS cannot hide the inputs');
      assert.ok(await page.getByLabel('Phone number').evaluate((el) => el.getRootNode() !== document), 'in a shadow root');
      await fillForm(page, { phone: '98765 43230' });
      await screenshot(page, 'widget-form-360');
      await submit(page);
      await waitForTitle(page, 'Connected');
      await waitForTitle(page, 'Call finished', SLOW);
      await screenshot(page, 'widget-finished-360');
      assert.equal(p.posts.length, 1);
      assert.equal((await p.posts[0].allHeaders()).origin, allowedHost.origin);
      assert.deepEqual(offHostRequests(p.requests), []);
      assert.deepEqual(await contrastProblems(page), []);

      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      assert.equal(await focusIndicator(page).then((f) => f.tag), 'button', 'focus back on the launcher');
    } finally {
      await p.close();
    }
  });

  test('words lost to a dropped connection twice: the launcher appears on the third try', async () => {
    const p = await openPage(browser, { width: 360, height: 740 });
    const { page } = p;
    try {
      const fetched = [];
      // The first i18n.js, then the second try's catalog, fail as a dropped connection does.
      await page.route((url) => url.origin === api && url.pathname.startsWith('/i18n'), (route) => {
        const url = new URL(route.request().url());
        const path = url.pathname + url.search;
        fetched.push(path.replace(/\/i18n\/\w+\.js/, '/i18n/<catalog>.js'));
        const drop = path === '/i18n.js' || /^\/i18n\/\w+\.js\?retry=1$/.test(path);
        return drop ? route.abort('internetdisconnected') : route.continue();
      });
      await page.goto(`${allowedHost.origin}/`);
      await page.getByRole('button', { name: 'Call me back' }).waitFor();
      assert.deepEqual(fetched, [
        '/i18n.js',
        '/i18n.js?retry=1',
        '/i18n/<catalog>.js?retry=1',
        '/i18n.js?retry=2',
        '/i18n/<catalog>.js?retry=2',
      ]);
      assert.deepEqual(p.problems, []);
    } finally {
      await p.close();
    }
  });

  test('refused origin (not in ALLOWED_ORIGINS): a clear failure, no call placed', async () => {
    const p = await openPage(browser, { width: 1280, height: 800 });
    const { page } = p;
    try {
      const logsBefore = worker.logs().length;
      await page.goto(`${refusedHost.origin}/`);
      await page.getByRole('button', { name: 'Call me back' }).click();
      await page.getByRole('dialog').waitFor();
      // The Worker may refuse at once (GET /api/config) or when the call is requested.
      const refused = page.locator('.cb-status-title', { hasText: 'Call back is not available here' });
      const configured = page.locator('.cb-phone-msg', { hasText: 'We can call' });
      await Promise.race([refused.waitFor(), configured.waitFor()].map((w) => w.catch(() => {})));
      if (!(await refused.isVisible())) {
        await fillForm(page, { phone: '98765 43231' });
        await submit(page);
      }
      await refused.waitFor();
      assert.match(await statusText(page), /not set up to place calls/);
      await screenshot(page, 'widget-refused-1280');
      // The refusal is the Worker's own (it answered the host's origin 403), not a request the
      // browser gave up on before sending; and nothing was stored for the number.
      const seen = worker.logs().slice(logsBefore);
      assert.match(seen, /(OPTIONS|GET|POST) \/api\/(calls|config) 403/, 'the Worker refused the origin');
      assert.doesNotMatch(seen, /\/api\/calls 20[12]/, 'no call accepted');
      assert.deepEqual(await worker.query("SELECT COUNT(*) AS n FROM calls WHERE phone = '+919876543231'"), [{ n: 0 }]);
    } finally {
      await p.close();
    }
  });
});
