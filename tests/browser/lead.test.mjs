// The lead context the page and the widget send with a call (docs/http-api.md, POST /api/calls):
// the page's URL, its referrer and its utm_* parameters by themselves, the name and note fields
// a site turns on (data-fields="name,note"), and the consent wording the visitor ticked. Here
// the Worker runs live against the mock Exotel (tests/support/mock-exotel.mjs), so what reached
// Exotel (CustomField) and what the Worker stored (D1: lead_name, lead) are both looked at.
//
//   node --test tests/browser/lead.test.mjs
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe } from 'node:test';
import { LIMITS, clean, pageContext } from '../../www/api.js';
import { startMockExotel } from '../support/mock-exotel.mjs';
import {
  fillForm, launchBrowser, loadStartWorker, openPage, screenshot, startHost, submit, test, waitForAnnouncement,
  waitForTitle,
} from './harness.mjs';

const CONSENT = 'I agree to receive a phone call on this number.'; // the page's own wording
const WIDGET_CONSENT = 'You may call me about my order, once.';

let exotel;
let worker;
let api;
let browser;
let linkHost; // a page linking to the Worker's page, for a real referrer
let widgetHost; // a shop embedding the widget with data-fields="name,note"
let oddHost; // the widget with data-fields naming one known and unknown fields

const widgetPage = (fields) => () => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Host shop</title></head>
<body><h1>Some shop</h1>
<script src="${api}/widget.js" data-api="${api}" data-country="IN" data-fields="${fields}"
  data-consent-text="${WIDGET_CONSENT}"></script>
</body></html>`;

before(async () => {
  const startWorker = await loadStartWorker();
  exotel = await startMockExotel();
  linkHost = await startHost(() => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Newsletter</title></head>
<body><a href="${api}/?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=diwali-2026#top">Call us</a></body></html>`);
  widgetHost = await startHost(widgetPage('name,note'));
  oddHost = await startHost(widgetPage(' Email, NOTE,,phone '));
  worker = await startWorker({
    vars: {
      ...exotel.workerVars(),
      EXOTEL_CALLER_ID: '080 4711 2400',
      EXOTEL_APP_ID: '926',
      CALLBACK_SECRET: randomBytes(32).toString('hex'),
      ALLOWED_ORIGINS: `${widgetHost.origin},${oddHost.origin}`,
      RETRY_ATTEMPTS: '0',
      // Every test calls from 127.0.0.1; the limits are under test in tests/worker/.
      RATE_LIMIT_PER_CLIENT: '1000',
      RATE_LIMIT_REFUSED_PER_CLIENT: '1000',
      CALL_BUDGET_PER_HOUR: '1000',
      CALL_BUDGET_PER_DAY: '1000',
    },
  });
  api = worker.url.replace(/\/+$/, '');
  browser = await launchBrowser();
}, { timeout: 180_000 });

after(async () => {
  await browser?.close();
  await worker?.stop();
  await exotel?.stop();
  await Promise.all([linkHost, widgetHost, oddHost].map((h) => h?.close()));
});

/** The call a POST placed: its id, what the Worker stored, and Exotel's CustomField for it. */
async function placed(post) {
  const res = await post.response();
  assert.equal(res.status(), 201, await res.text());
  const { id } = await res.json();
  const rows = await worker.query(`SELECT lead_name, lead FROM calls WHERE request_id = '${id}'`);
  assert.equal(rows.length, 1);
  const connect = exotel.connects().find((c) => new URLSearchParams(c.form.CustomField).get('call') === id);
  assert.ok(connect, 'the connect request reached Exotel');
  return {
    id, name: rows[0].lead_name, lead: JSON.parse(rows[0].lead),
    customField: connect.form.CustomField, custom: new URLSearchParams(connect.form.CustomField),
  };
}

/** The page with data-fields on its form container, as a site owner would set it. */
async function withFields(page, fields) {
  await page.route(`${api}/`, async (route) => {
    const res = await route.fetch();
    const html = (await res.text()).replace('id="callback"', `id="callback" data-fields="${fields}"`);
    await route.fulfill({ response: res, body: html });
  });
}

const focusedId = (page) => page.evaluate(() => {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el?.id;
});

describe('what the page works out by itself (pageContext, clean)', () => {
  test('the page without its fragment, the referrer, the utm_* parameters; nothing empty', () => {
    assert.deepEqual(
      pageContext('https://shop.example/p?utm_source=google&utm_medium=cpc&utm_term=&x=1#buy', 'https://www.google.com/'),
      { page: 'https://shop.example/p?utm_source=google&utm_medium=cpc&utm_term=&x=1', referrer: 'https://www.google.com/',
        utm: { source: 'google', medium: 'cpc' } },
    );
    assert.deepEqual(pageContext('https://shop.example/', ''), { page: 'https://shop.example/' });
    assert.deepEqual(pageContext('file:///tmp/a.html?utm_campaign=x', 'about:blank'), { utm: { campaign: 'x' } });
  });

  test('a URL over 2000 characters loses its query, or is left out', () => {
    const long = `https://shop.example/landing?gclid=${'g'.repeat(2100)}&utm_source=ads`;
    const context = pageContext(long, long);
    assert.equal(context.page, 'https://shop.example/landing');
    assert.equal(context.referrer, 'https://shop.example/landing');
    assert.equal(context.utm.source, 'ads');
    const path = `https://shop.example/${'a'.repeat(LIMITS.url)}`;
    assert.deepEqual(pageContext(path, path), {});
  });

  test('UTM values are cut to 100 characters (not bytes), controls and bidi overrides become spaces', () => {
    const hindi = 'दिवाली'.repeat(30); // 180 characters
    const { utm } = pageContext(`https://a.example/?utm_campaign=${encodeURIComponent(hindi)}&utm_source=a%0Ab%E2%80%AEc&utm_term=%20%20`, '');
    assert.equal([...utm.campaign].length, 100);
    assert.ok(hindi.startsWith(utm.campaign));
    assert.equal(utm.source, 'a b c');
    assert.equal(utm.term, undefined, 'blank: left out');
    assert.equal(clean('  Ravi\tKumar  ', 80), 'Ravi Kumar');
    assert.equal(clean('line one\nline two', 500, true), 'line one\nline two', 'a note keeps its line feeds');
    assert.equal(clean('line one\nline two', 80), 'line one line two', 'a name does not');
    assert.equal(clean('x'.repeat(90), LIMITS.name).length, 80);
  });
});

describe('the page', () => {
  test('sends its URL, the referrer, the UTM parameters and the consent wording; the Worker stores them', { timeout: 40_000 }, async () => {
    const p = await openPage(browser);
    try {
      await p.page.goto(`${linkHost.origin}/`);
      await p.page.getByRole('link', { name: 'Call us' }).click();
      await p.page.waitForURL(`${api}/**`);
      await fillForm(p.page, { phone: '98765 40001' });
      assert.equal(await p.page.locator('.cb-consent-label').textContent(), CONSENT);
      await submit(p.page);
      await waitForTitle(p.page, 'Calling you now');

      const page = `${api}/?utm_source=newsletter&utm_medium=email&utm_campaign=diwali-2026`;
      const referrer = `${linkHost.origin}/`; // cross-origin: the origin only (strict-origin-when-cross-origin)
      const utm = { source: 'newsletter', medium: 'email', campaign: 'diwali-2026' };
      const consent = { given: true, text: CONSENT };
      assert.equal(p.posts.length, 1);
      assert.deepEqual(JSON.parse(p.posts[0].postData()), { phone: '98765 40001', country: 'IN', consent, page, referrer, utm });

      const call = await placed(p.posts[0]);
      assert.equal(call.name, null, 'no name field on this page');
      assert.deepEqual(call.lead, { page, referrer, utm, consent });
      assert.deepEqual([...call.custom.keys()], ['call'], 'CustomField carries the call only');
      assert.equal(await p.page.getByLabel(/Your name/).count(), 0, 'name and note only when turned on');
      assert.equal(await p.page.locator('textarea').count(), 0);
    } finally {
      await p.close();
    }
  });

  test('an over-long campaign URL does not get in the way: query dropped, UTM cut, one request, call placed', { timeout: 40_000 }, async () => {
    const p = await openPage(browser);
    try {
      const source = `src-${'s'.repeat(140)}`;
      await p.page.goto(`${api}/?utm_source=${source}&utm_content=%E2%80%AEevil&gclid=${'g'.repeat(2100)}`);
      await fillForm(p.page, { phone: '98765 40002' });
      await submit(p.page);
      await waitForTitle(p.page, 'Calling you now');
      assert.equal(p.posts.length, 1, 'no refusal, no second try');
      const call = await placed(p.posts[0]);
      assert.equal(call.lead.page, `${api}/`);
      assert.deepEqual(call.lead.utm, { source: source.slice(0, 100), content: 'evil' });
    } finally {
      await p.close();
    }
  });

  test('should the Worker refuse an automatic field anyway, the call is asked again once without them', { timeout: 40_000 }, async () => {
    const p = await openPage(browser);
    try {
      let refused = 0;
      await p.page.route(`${api}/api/calls`, (route) => (refused++ === 0
        ? route.fulfill({ status: 400, json: { error: { code: 'invalid_field', field: 'utm.source', message: 'utm.source: expected at most 100 characters, but got 143' } } })
        : route.continue()));
      await p.page.goto(`${api}/?utm_source=mail`);
      await fillForm(p.page, { phone: '98765 40003' });
      await submit(p.page);
      await waitForTitle(p.page, 'Calling you now');
      assert.equal(p.posts.length, 2);
      const [first, second] = p.posts.map((r) => JSON.parse(r.postData()));
      assert.deepEqual(first.utm, { source: 'mail' });
      assert.deepEqual(second, { phone: '98765 40003', country: 'IN', consent: { given: true, text: CONSENT } });
      assert.equal(p.posts[1].headers()['idempotency-key'], p.posts[0].headers()['idempotency-key'], 'nothing was placed: the same request');
      assert.deepEqual((await placed(p.posts[1])).lead, { consent: { given: true, text: CONSENT } });
    } finally {
      await p.close();
    }
  });

  test('data-fields on the form container: unknown words ignored; a refused note is said next to it', { timeout: 40_000 }, async () => {
    const p = await openPage(browser, { width: 360, height: 740 });
    const { page } = p;
    try {
      await withFields(page, 'note, email');
      let answer = { status: 400, json: { error: { code: 'invalid_field', field: 'note', message: 'note: expected at most 500 characters, but got 612' } } };
      await page.route(`${api}/api/calls`, (route) => route.fulfill(answer));
      await page.goto(`${api}/`);
      const note = page.getByLabel('What would you like to talk about? (optional)');
      await note.waitFor();
      assert.equal(await page.getByLabel(/Your name/).count(), 0, 'name not asked for');
      assert.equal(await page.locator('.cb-form input:not([type=checkbox]), .cb-form textarea').count(), 2, 'number and note only: "email" ignored');
      assert.equal(await note.getAttribute('maxlength'), '500');

      await note.fill('Pricing for 20 seats');
      await fillForm(page, { phone: '98765 40004' });
      await submit(page);
      const msg = page.locator(`#${await note.getAttribute('aria-describedby')}`);
      await msg.filter({ hasText: 'Please keep this to 500 characters.' }).waitFor();
      assert.equal(await msg.getAttribute('data-tone'), 'error');
      assert.equal(await note.getAttribute('aria-invalid'), 'true');
      assert.equal(await focusedId(page), await note.getAttribute('id'), 'focus on the note');
      assert.ok(await page.locator('.cb-status').isHidden(), 'the form, not an error page');
      await waitForAnnouncement(page, 'Please keep this to 500 characters.');
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 0, 'fits 360 px');
      await screenshot(page, 'note-refused-360');

      await note.press('End');
      await note.type('.');
      assert.equal(await note.getAttribute('aria-invalid'), null, 'changing it clears the error');
      assert.ok(await msg.isHidden());

      answer = { status: 503, json: { error: { code: 'upstream_busy', message: 'busy', retryAfter: 30 } } };
      await submit(page);
      await waitForTitle(page, 'Service unavailable');
      assert.equal(JSON.parse(p.posts.at(-1).postData()).note, 'Pricing for 20 seats.');
    } finally {
      await p.close();
    }
  });
});

describe('the widget', () => {
  test('data-fields="name,note": labelled fields, a Hindi name round-trips; the host page, its UTM and the consent wording are sent', { timeout: 40_000 }, async () => {
    const p = await openPage(browser, { width: 360, height: 740 });
    const { page } = p;
    try {
      await page.goto(`${widgetHost.origin}/shop/item?utm_source=ads&utm_term=call+back#reviews`);
      await page.getByRole('button', { name: 'Call me back' }).click();
      await page.getByRole('dialog').waitFor();
      const name = page.getByLabel('Your name (optional)');
      const note = page.getByLabel('What would you like to talk about? (optional)');
      assert.equal(await focusedId(page), await name.getAttribute('id'), 'the dialog opens on the first field');
      assert.equal(await name.getAttribute('autocomplete'), 'name');
      assert.equal(await name.getAttribute('maxlength'), '80');
      assert.equal(await note.evaluate((el) => el.tagName), 'TEXTAREA');
      assert.equal(await note.getAttribute('maxlength'), '500');
      assert.equal(await name.getAttribute('required'), null, 'optional');

      // The labels work: a click on one focuses its field (inside the shadow root).
      await page.locator('label', { hasText: 'What would you like' }).click();
      assert.equal(await focusedId(page), await note.getAttribute('id'));
      await page.locator('label', { hasText: 'Your name' }).click();
      assert.equal(await focusedId(page), await name.getAttribute('id'));
      // And Tab goes on from the name to the number's fields.
      await page.keyboard.type('प्रिया शर्मा');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.shadowRoot.activeElement.tagName), 'SELECT');

      await note.fill('Pricing for 20 seats\nafter 5 pm please');
      await fillForm(page, { phone: '98765 40005' });
      assert.equal(await page.locator('.cb-consent-label').textContent(), WIDGET_CONSENT);
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 0, 'fits 360 px');
      await screenshot(page, 'widget-fields-360');
      await submit(page);
      await waitForTitle(page, 'Calling you now');

      const hostPage = `${widgetHost.origin}/shop/item?utm_source=ads&utm_term=call+back`;
      const sent = JSON.parse(p.posts[0].postData());
      assert.equal(sent.page, hostPage, 'the host page, not the widget, without the fragment');
      assert.equal(sent.referrer, undefined, 'typed in: no referrer');
      assert.deepEqual(sent.utm, { source: 'ads', term: 'call back' });

      const call = await placed(p.posts[0]);
      assert.equal(call.name, 'प्रिया शर्मा');
      // The name reaches Exotel too, cut by the Worker where CustomField's 128 characters end.
      assert.ok(call.customField.length <= 128 && call.customField.includes('&name='), call.customField);
      assert.ok(call.custom.get('name').length >= 4 && 'प्रिया शर्मा'.startsWith(call.custom.get('name')), call.custom.get('name'));
      assert.deepEqual(call.lead, {
        note: 'Pricing for 20 seats\nafter 5 pm please',
        page: hostPage,
        utm: { source: 'ads', term: 'call back' },
        consent: { given: true, text: WIDGET_CONSENT },
      });
    } finally {
      await p.close();
    }
  });

  test('data-fields with unknown words and odd spacing: only the known ones, and the name left out when blank', { timeout: 40_000 }, async () => {
    const p = await openPage(browser);
    const { page } = p;
    try {
      await page.goto(`${oddHost.origin}/`);
      await page.getByRole('button', { name: 'Call me back' }).click();
      const note = page.getByLabel('What would you like to talk about? (optional)');
      await note.waitFor();
      assert.equal(await page.getByLabel(/Your name/).count(), 0);
      assert.equal(await page.getByLabel(/email/i).count(), 0);
      await fillForm(page, { phone: '98765 40006' });
      await submit(page);
      await waitForTitle(page, 'Calling you now');
      const sent = JSON.parse(p.posts[0].postData());
      assert.ok(!('note' in sent) && !('name' in sent), 'nothing typed: nothing sent');
      assert.equal(sent.page, `${oddHost.origin}/`);
    } finally {
      await p.close();
    }
  });
});
