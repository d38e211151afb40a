// The page and the widget in English and Hindi. Every catalog has every key; the language comes
// from the visitor's switch, else data-lang, else the browser's languages, else English; only
// the catalog in use is downloaded; the Hindi form works by keyboard at 320 px with Hindi names
// on its controls; a number on India's Do-Not-Disturb list is told the way through, with the
// number to give a missed call to as a tel: link, in both languages. The Worker runs in sandbox
// mode; its Do-Not-Disturb answer is stubbed in the browser.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe } from 'node:test';

import {
  announcement, duration, errorView, formState, formView, retryText, slotGroups, statusView, whenText,
} from '../../www/call-state.js';
import { LANGUAGES, chooseLanguage, localeFor, words } from '../../www/i18n.js';
import english from '../../www/i18n/en.js';
import hindi from '../../www/i18n/hi.js';
import { asciiDigits, countryOptions, describePrefixes, explain, formatToDial } from '../../www/phone.js';
import {
  contrastProblems, focusIndicator, launchBrowser, loadStartWorker, openPage, screenshot, startHost,
  test, waitForAnnouncement, waitForTitle,
  VIEW_TEST_LIMITS,
} from './harness.mjs';

const SLOW = 20_000; // a call that ends through the sandbox's callback
const en = words(english, 'en');
const hi = words(hindi, 'hi');
const WWW = new URL('../../www/', import.meta.url);
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const DND = {
  code: 'exotel_rejected', reason: 'dnd', message: 'Exotel refused the call: the number is on the DND list',
  missedCallNumber: '+918047112400', whitelist: 'requested',
};

describe('the catalogs', () => {
  test('one per language, each with exactly the keys of en.js, every text filled in with the same {placeholders}', async () => {
    const files = readdirSync(new URL('i18n/', WWW)).sort();
    assert.deepEqual(files, Object.keys(LANGUAGES).map((code) => `${code}.js`).sort(), 'a catalog for each language, a language for each catalog');
    const keys = Object.keys(english).sort();
    for (const code of Object.keys(LANGUAGES)) {
      const { default: catalog } = await import(new URL(`i18n/${code}.js`, WWW));
      assert.deepEqual(Object.keys(catalog).sort(), keys, `${code}.js has the keys of en.js, no more, no fewer`);
      for (const key of keys) {
        assert.equal(typeof catalog[key], 'string', `${code}.${key}`);
        assert.ok(catalog[key].trim(), `${code}.${key} is filled in`);
        assert.deepEqual(placeholders(catalog[key]), placeholders(english[key]), `${code}.${key} fills in what en.${key} does`);
      }
    }
  });

  test('the Hindi is Hindi: Devanagari everywhere, and no text left as the English', () => {
    for (const [key, text] of Object.entries(hindi)) {
      assert.notEqual(text, english[key], `hi.${key} is translated`);
      const own = text.replace(/\{\w+\}/g, ''); // "{day} {time}" has no words of its own
      if (/\p{L}/u.test(own)) assert.match(own, /\p{Script=Devanagari}/u, `hi.${key}: ${text}`);
    }
    // The instruction names the button by the label it has.
    assert.ok(hi('dndCallAgain', { button: hi('callAgain') }).includes('“दोबारा कॉल करें”'));
    assert.ok(hi('how1More').includes(`“${hi('submit')}”`), 'How it works names the button as it reads');
    assert.ok(en('how1More').includes(`“${en('submit')}”`));
  });

  test('index.html shows, before the catalog arrives or without JavaScript, what en.js says', () => {
    const html = readFileSync(new URL('index.html', WWW), 'utf8');
    const tagged = [...html.matchAll(/data-t="(\w+)"[^>]*>([^<]*)</g)];
    assert.ok(tagged.length >= 10, `${tagged.length} texts`);
    for (const [, key, text] of tagged) assert.equal(text, english[key], `data-t="${key}"`);
    const [, label, aria] = /data-t-label="(\w+)" aria-label="([^"]*)"/.exec(html);
    assert.equal(aria, english[label]);
    assert.equal(/<title>([^<]*)</.exec(html)[1], english.title);
    assert.equal(/name="description" content="([^"]*)"/.exec(html)[1], english.intro);
  });
});

describe('which language', () => {
  test('the switch, then data-lang, then the browser\'s languages in order, then English', () => {
    assert.equal(chooseLanguage(null, undefined, ['hi-IN', 'en']), 'hi', 'the browser');
    assert.equal(chooseLanguage(null, undefined, ['en-GB', 'hi']), 'en', 'the browser, in its order');
    assert.equal(chooseLanguage(null, 'hi', ['en-US']), 'hi', 'data-lang over the browser');
    assert.equal(chooseLanguage('en', 'hi', ['hi-IN']), 'en', 'the switch over data-lang');
    assert.equal(chooseLanguage(null, 'fr', ['ta-IN', 'hi', 'en']), 'hi', 'languages without a catalog are passed over');
    assert.equal(chooseLanguage(null, '', ['fr-FR', 'de']), 'en', 'English when nothing else fits');
    assert.equal(chooseLanguage('HI_in'), 'hi');
    assert.equal(chooseLanguage(), 'en');
  });

  test('Intl formats for the visitor\'s own variant of the language, else India\'s', () => {
    assert.equal(localeFor('en', ['en-GB', 'hi']), 'en-GB');
    assert.equal(localeFor('en', ['hi-IN']), 'en-IN');
    assert.equal(localeFor('hi', ['hi']), 'hi-IN');
    assert.equal(localeFor('hi', ['en-US', 'hi-IN']), 'hi-IN');
    assert.equal(hi.locale, 'hi-IN');
  });
});

describe('in Hindi', () => {
  const now = new Date('2026-12-03T15:00:00Z'); // Thursday, 20:30 in India
  const india = { zone: 'Asia/Kolkata', now, visitorZone: 'Asia/Kolkata' };

  test('times, dates and durations by Intl for hi-IN, in Hindi sentences', () => {
    assert.equal(whenText(hi, '2026-12-04T09:30:00+05:30', india), 'कल सुबह 9:30 बजे');
    assert.equal(whenText(hi, '2026-12-03T21:00:00+05:30', india), 'आज रात 9:00 बजे');
    assert.equal(whenText(hi, '2026-12-04T14:30:00+05:30', india), 'कल दोपहर 2:30 बजे');
    assert.equal(whenText(hi, '2026-12-07T09:30:00+05:30', india), 'सोम, 7 दिस॰ को सुबह 9:30 बजे');
    assert.match(whenText(hi, '2026-12-04T09:30:00+05:30', { ...india, visitorZone: 'Europe/London' }), /^कल सुबह 4:00 बजे \(GMT.*\)$/,
      'a visitor abroad: their clock, the zone named');
    assert.equal(statusView(hi, 'scheduled', { when: whenText(hi, '2026-12-04T09:30:00+05:30', india) }).message,
      'हम आपको कल सुबह 9:30 बजे कॉल करेंगे।');
    assert.equal(retryText(hi, 720), '12 मिनट बाद फिर से कोशिश करें।');
    assert.equal(duration(hi, 1), '1 सेकंड');
    assert.equal(duration(hi, 3600), '60 मिनट');
    assert.equal(duration(hi, 7200), '2 घंटे');
    assert.equal(errorView(hi, { code: 'rate_limited', retryAfter: 7200 }).message,
      'थोड़े ही समय में बहुत सारे कॉल अनुरोध आए हैं। 2 घंटे बाद फिर से कोशिश करें।');
    const groups = slotGroups(hi, ['2026-12-04T09:30:00+05:30', '2026-12-04T15:00:00+05:30', '2026-12-05T10:00:00+05:30'], india);
    assert.deepEqual(groups.map((g) => [g.label, g.options.map((o) => o.label)]), [
      ['शुक्रवार, 4 दिसंबर', ['सुबह 9:30 बजे', 'दोपहर 3:00 बजे']],
      ['शनिवार, 5 दिसंबर', ['सुबह 10:00 बजे']],
    ]);
  });

  test('the form: where calls can go, why a number is refused, opening hours, the buttons', () => {
    const allowed = describePrefixes(hi, ['+91', '+65']);
    assert.equal(allowed, 'भारत (+91) या सिंगापुर (+65) के नंबरों');
    assert.equal(describePrefixes(hi, ['+1']), '+1 से शुरू होने वाले नंबरों');
    assert.equal(errorView(hi, { code: 'destination_not_allowed' }, { allowed }).message,
      'हम सिर्फ़ भारत (+91) या सिंगापुर (+65) के नंबरों पर कॉल कर सकते हैं।');
    assert.equal(explain(hi, '98765 432', 'IN'), 'यह नंबर बहुत छोटा है। भारत के नंबर 10 अंकों के होते हैं।');
    assert.equal(explain(hi, '1234 5678', 'SG'), 'यह सिंगापुर का सही फ़ोन नंबर नहीं लगता।');
    assert.equal(explain(hi, '९८७६५ ४३२', 'IN'), explain(hi, '98765 432', 'IN'), 'Devanagari digits count as digits');
    assert.equal(asciiDigits('+९१ ९८७६५-४३२१०'), '+91 98765-43210');
    assert.deepEqual(countryOptions(hi).slice(0, 2).map((c) => c.label), ['भारत (+91)', 'कनाडा (+1)']);
    assert.deepEqual(countryOptions(en).map((c) => c.code), ['IN', 'CA', 'SG', 'AE', 'GB', 'US']);

    const config = { allowedPrefixes: ['+91'], hours: { open: false, timezone: 'Asia/Kolkata', nextOpen: '2026-12-04T09:30:00+05:30' } };
    const closed = formView({ ...formState('IN', hi), config }, hi('submit'), { now });
    assert.equal(closed.phone.text, 'हम भारत (+91) के नंबरों पर कॉल कर सकते हैं।');
    assert.match(closed.hours, /^अभी हम बंद हैं। हम कल \S+ \d+:\d\d बजे( \(.+\))? खुलेंगे।$/);
    assert.equal(closed.submit, 'खुलते ही मुझे कॉल करें');
    assert.equal(closed.pick, 'समय चुनें');
    assert.equal(formView({ ...formState('IN', hi), config, busy: true }, hi('submit')).submit, 'भेजा जा रहा है…');
    assert.equal(formView({ ...formState('IN', hi), fieldError: { field: 'name', message: 'name: expected at most 80 characters, but got 81' } },
      hi('submit')).fieldError, 'कृपया इसे 80 अक्षरों के अंदर रखें।');
  });

  test('every status and error in Hindi words, with its actions', () => {
    const statuses = ['scheduled', 'queued', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled', 'unknown'];
    const codes = ['destination_not_allowed', 'rate_limited', 'calls_paused', 'captcha_failed', 'exotel_rejected',
      'origin_not_allowed', 'upstream_busy', 'network', 'lost'];
    const views = [...statuses.map((s) => statusView(hi, s, { when: 'कल सुबह 9:30 बजे' })), ...codes.map((code) => errorView(hi, { ...DND, code }))];
    for (const v of views) {
      for (const text of [v.title, v.message, ...v.actions.map((a) => a.label)]) {
        assert.match(text, /\p{Script=Devanagari}/u, `${v.key}: ${text}`);
        assert.doesNotMatch(text, /[{}]|undefined|null|NaN/, `${v.key}: ${text}`);
      }
    }
    assert.equal(announcement(hi, statusView(hi, 'completed')), 'कॉल पूरी हुई। हमसे बात करने के लिए धन्यवाद।');
  });
});

describe('a number on the Do-Not-Disturb list', () => {
  test('the way through: a missed call to the business\'s number, the SMS to approve, then the same call again', () => {
    const v = errorView(en, DND);
    assert.equal(v.key, 'dnd');
    assert.equal(v.title, 'Your number is on the Do-Not-Disturb list');
    assert.equal(v.message, "Your number is on India's Do-Not-Disturb (NDNC) list, so the phone network blocks calls to it "
      + 'from businesses like ours. To get our call:');
    assert.deepEqual(v.todo, [
      'Give a missed call from your phone to 080 4711 2400.',
      'You will get an SMS asking you to allow our calls. Reply to it to approve.',
      'Then press “Call me again”.',
    ]);
    assert.deepEqual(v.tel, { href: 'tel:+918047112400', text: '080 4711 2400' });
    assert.deepEqual(v.actions.map((a) => [a.id, a.label]), [['retry', 'Call me again'], ['edit', 'Change number']]);
    assert.ok(announcement(en, v).endsWith('Give a missed call from your phone to 080 4711 2400. You will get an SMS asking you '
      + 'to allow our calls. Reply to it to approve. Then press “Call me again”.'), 'the steps are announced too');

    const h = errorView(hi, DND);
    assert.equal(h.title, 'आपका नंबर DND सूची में है');
    assert.match(h.message, /^आपका नंबर भारत की डू-नॉट-डिस्टर्ब \(NDNC\) सूची में है/);
    assert.deepEqual(h.todo, [
      'अपने फ़ोन से 080 4711 2400 पर मिस्ड कॉल दें।',
      'आपको एक SMS आएगा, जिसमें हमारी कॉल के लिए आपकी मंज़ूरी माँगी जाएगी। उसका जवाब देकर मंज़ूरी दें।',
      'इसके बाद “दोबारा कॉल करें” दबाएँ।',
    ]);
    assert.deepEqual(h.actions.map((a) => a.label), ['दोबारा कॉल करें', 'नंबर बदलें']);
  });

  test('only what the Worker knows: no SMS unless it asked for the whitelist, no way through without one', () => {
    const noSms = errorView(en, { ...DND, whitelist: undefined });
    assert.deepEqual(noSms.todo, ['Give a missed call from your phone to 080 4711 2400.', 'Then press “Call me again”.']);
    const smsOnly = errorView(en, { ...DND, missedCallNumber: undefined });
    assert.equal(smsOnly.tel, null);
    assert.deepEqual(smsOnly.todo, ['You will get an SMS asking you to allow our calls. Reply to it to approve.', 'Then press “Call me again”.']);
    const none = errorView(en, { code: 'exotel_rejected', reason: 'dnd' });
    assert.deepEqual(none.todo, []);
    assert.match(none.message, /NDNC.* Please use another number\.$/);
    assert.deepEqual(none.actions.map((a) => a.label), ['Use another number']);
    assert.equal(errorView(en, { ...DND, missedCallNumber: 'javascript:alert(1)', whitelist: undefined }).tel, null, 'not a number: no link');
    // No reason: the message says what it knows and nothing more.
    const generic = errorView(en, { code: 'exotel_rejected', message: 'forbidden' });
    assert.equal(generic.key, 'rejected');
    assert.equal(generic.message, 'The phone network would not put the call through to this number. Check it, or use another number.');
    assert.deepEqual(generic.todo, []);
  });

  test('the number to call, as a visitor in India dials it', () => {
    assert.equal(formatToDial('+918047112400'), '080 4711 2400');
    assert.equal(formatToDial('+911123456789'), '011 2345 6789');
    assert.equal(formatToDial('+912261234567'), '022 6123 4567');
    assert.equal(formatToDial('+919876543210'), '98765 43210');
    assert.equal(formatToDial('+918095012345'), '80950 12345', 'a mobile in the 80 series');
    assert.equal(formatToDial('+9118001234567'), '1800 123 4567');
    assert.equal(formatToDial('+911412345678'), '+91 14123 45678', 'a three-digit STD code: spaces not guessed');
    assert.equal(formatToDial('+6591234567'), '+65 9123 4567');
  });
});

// ---- in the browser ----

let worker;
let api;
let browser;
let hostHindi; // the widget with data-lang="hi"
let hostOwn; // the widget with the site's own texts, in English and Hindi

const widgetPage = (attributes) => () => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Host shop</title></head>
<body><h1>Some shop</h1>
<script src="${api}/widget.js" data-api="${api}" ${attributes}></script>
</body></html>`;

describe('in the browser', () => {
  before(async () => {
    const startWorker = await loadStartWorker();
    hostHindi = await startHost(widgetPage('data-lang="hi"'));
    hostOwn = await startHost(widgetPage('data-title="Talk to our sales team" data-title-hi="हमारी सेल्स टीम से बात करें" '
      + 'data-button-text-hi="हमसे बात करें" data-submit-text="Ring me"'));
    worker = await startWorker({
      vars: {
        EXOTEL_MODE: 'sandbox',
        SANDBOX_ANSWER_MS: '1000',
        SANDBOX_CALLBACK_DELAY_MS: '3000',
        ALLOWED_PREFIXES: '+91',
        ALLOWED_ORIGINS: `${hostHindi.origin},${hostOwn.origin}`,
        RATE_LIMIT_PER_NUMBER: '1000',
        RETRY_ATTEMPTS: '0',
        ...VIEW_TEST_LIMITS,
      },
    });
    api = worker.url.replace(/\/+$/, '');
    browser = await launchBrowser();
  }, { timeout: 180_000 });

  after(async () => {
    await browser?.close();
    await worker?.stop();
    await hostHindi?.close();
    await hostOwn?.close();
  });

  const catalogsFetched = (requests) => requests.map((u) => /\/i18n\/(\w+)\.js$/.exec(u)?.[1]).filter(Boolean);
  const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  /** The page with `<html data-lang>` set as a site would. */
  const withDataLang = (page, lang) => page.route(`${api}/`, async (route) => {
    const res = await route.fetch();
    const body = (await res.text()).replace('<html lang="en">', `<html lang="en" data-lang="${lang}">`);
    await route.fulfill({ response: res, body });
  });
  /** POST /api/calls answers `502 {error}` the first time, then goes to the Worker. */
  const refuseOnce = (page, error) => {
    let refused = false;
    return page.route(`${api}/api/calls`, (route) => {
      if (refused || route.request().method() !== 'POST') return route.fallback();
      refused = true;
      return route.fulfill({ status: 502, json: { error } });
    });
  };
  const fill = async (page, t, phone) => {
    const input = page.getByLabel(t('phone'), { exact: true });
    await input.fill(phone);
    await input.blur();
    await page.locator('.cb-phone-msg[data-tone="ok"]').waitFor();
    await page.getByRole('checkbox', { name: t('consent') }).check();
  };
  const press = (page, t) => page.getByRole('button', { name: t('submit'), exact: true }).click();

  test('a browser that prefers Hindi gets the page in Hindi, with only hi.js downloaded; the controls named in Hindi', async () => {
    const p = await openPage(browser, { locale: 'hi-IN' });
    const { page } = p;
    try {
      await page.goto(`${api}/`);
      await page.getByLabel('फ़ोन नंबर', { exact: true }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'hi');
      assert.equal(await page.title(), hi('title'));
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), hi('heading'));
      assert.equal(await page.locator('meta[name="description"]').getAttribute('content'), hi('intro'));
      assert.equal(await page.getByRole('heading', { level: 2 }).textContent(), 'यह कैसे काम करता है');

      const country = page.getByLabel('देश', { exact: true });
      assert.equal(await country.evaluate((el) => el.tagName), 'SELECT');
      assert.equal(await country.locator('option:checked').textContent(), 'भारत (+91)');
      assert.ok(await page.getByRole('checkbox', { name: hi('consent') }).isVisible());
      assert.ok(await page.getByRole('button', { name: 'मुझे कॉल करें', exact: true }).isVisible());
      assert.equal(await page.locator('.cb-fine').textContent(), hi('privacy'));
      await page.locator('.cb-phone-msg', { hasText: 'हम भारत (+91) के नंबरों पर कॉल कर सकते हैं।' }).waitFor();

      const nav = page.getByRole('navigation', { name: 'भाषा' });
      assert.deepEqual(await nav.getByRole('button').allTextContents(), ['English']);
      assert.equal(await nav.getByRole('button').getAttribute('lang'), 'en');
      assert.equal(await nav.locator('[aria-current="true"]').textContent(), 'हिन्दी');

      const input = page.getByLabel('फ़ोन नंबर', { exact: true });
      await input.fill('98765 432');
      await input.blur();
      await page.locator('.cb-phone-msg', { hasText: 'यह नंबर बहुत छोटा है। भारत के नंबर 10 अंकों के होते हैं।' }).waitFor();
      assert.equal(await input.getAttribute('aria-invalid'), 'true');

      assert.deepEqual(catalogsFetched(p.requests), ['hi'], 'the Hindi catalog, and not the English');
      assert.deepEqual(p.problems, []);
      assert.deepEqual(await contrastProblems(page), []);
      await screenshot(page, 'hi-form-1280');
    } finally {
      await p.close();
    }
  });

  test('in Hindi by keyboard alone at 320 px: switch, country, a number in Devanagari digits, consent, call; announced in Hindi; no sideways scrolling', { timeout: 40_000 }, async () => {
    const p = await openPage(browser, { width: 320, height: 640, locale: 'hi-IN' });
    const { page } = p;
    try {
      await page.goto(`${api}/`);
      await page.getByLabel('फ़ोन नंबर', { exact: true }).waitFor();
      assert.equal(await overflow(page), 0, 'the form fits 320 px');
      await screenshot(page, 'hi-form-320');

      const focused = async () => ({ ...(await focusIndicator(page)), text: await page.evaluate(() => document.activeElement.textContent) });
      await page.keyboard.press('Tab');
      let focus = await focused();
      assert.equal(focus.text, 'English', 'the language switch first');
      assert.ok(focus.visible);
      await page.keyboard.press('Tab');
      focus = await focused();
      assert.equal(focus.tag, 'select');
      assert.ok(focus.visible);
      await page.keyboard.press('Tab');
      focus = await focused();
      assert.equal(focus.type, 'tel');
      await page.keyboard.type('९८७६५ ४३२५०');
      await page.keyboard.press('Tab');
      focus = await focused();
      assert.equal(focus.type, 'checkbox');
      assert.ok(focus.visible);
      await page.keyboard.press('Space');
      await page.locator('.cb-phone-msg', { hasText: 'हम +91 98765 43250 पर कॉल करेंगे।' }).waitFor();
      await page.keyboard.press('Tab');
      focus = await focused();
      assert.equal(focus.tag, 'button');
      assert.equal(focus.text.trim(), 'मुझे कॉल करें');
      assert.ok(focus.visible);
      await page.keyboard.press('Enter');

      await waitForAnnouncement(page, 'आपको कॉल की जा रही है');
      await waitForTitle(page, 'कॉल पूरी हुई', SLOW);
      await waitForAnnouncement(page, 'कॉल पूरी हुई। हमसे बात करने के लिए धन्यवाद।');
      assert.equal(await overflow(page), 0, 'the status fits 320 px');
      const sent = JSON.parse(p.posts[0].postData());
      assert.equal(sent.phone, '98765 43250', 'sent in the digits the Worker reads');
      assert.deepEqual(sent.consent, { given: true, text: hi('consent') }, 'the consent wording the visitor ticked, in Hindi');
      assert.deepEqual(await page.locator('.cb-steps li').allTextContents(),
        ['अनुरोध भेजा गया (हो गया)', 'आपको कॉल की जा रही है (हो गया)', 'कॉल जुड़ गई (हो गया)', 'कॉल पूरी हुई (हो गया)']);
      assert.equal(await page.locator('.cb-steps').getAttribute('aria-label'), 'कॉल की स्थिति');

      await page.keyboard.press('Tab');
      assert.equal((await focused()).text, 'फिर से कॉल बैक माँगें');
      await page.keyboard.press('Enter');
      assert.equal((await focused()).type, 'tel', 'back on the number');
      assert.deepEqual(p.problems, []);
    } finally {
      await p.close();
    }
  });

  test('<html data-lang="hi"> speaks Hindi to a browser in English; the switch picks English, kept over data-lang', { timeout: 30_000 }, async () => {
    const p = await openPage(browser, { locale: 'en-US' });
    const { page } = p;
    try {
      await withDataLang(page, 'hi');
      await page.goto(`${api}/`);
      const hindiNumber = page.getByLabel('फ़ोन नंबर', { exact: true });
      await hindiNumber.waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'hi');
      assert.deepEqual(catalogsFetched(p.requests), ['hi']);
      await hindiNumber.fill('98765 43210');
      await hindiNumber.blur();
      await page.locator('.cb-phone-msg', { hasText: 'हम +91 98765 43210 पर कॉल करेंगे।' }).waitFor();

      await page.getByRole('button', { name: 'English' }).click();
      const number = page.getByLabel('Phone number', { exact: true });
      await number.waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      assert.equal(await page.title(), 'Request a call back');
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Get a call back in seconds');
      assert.equal(await number.inputValue(), '98765 43210', 'what was typed stays');
      assert.equal(await page.locator('.cb-phone-msg').textContent(), 'We will call +91 98765 43210.');
      assert.equal(await page.getByLabel('Country').locator('option:checked').textContent(), 'India (+91)');
      assert.equal(await page.getByRole('button', { name: 'Call me', exact: true }).isVisible(), true);
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'हिन्दी', 'focus stays on the switch');
      assert.deepEqual(catalogsFetched(p.requests), ['hi', 'en'], 'English downloaded once chosen');
      assert.equal(await page.evaluate(() => localStorage.getItem('exotel-connect.lang')), 'en');

      p.requests.length = 0;
      await page.reload();
      await page.getByLabel('Phone number', { exact: true }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', 'the visitor\'s choice over the site\'s data-lang');
      assert.deepEqual(catalogsFetched(p.requests), ['en']);
      const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
      assert.ok(!stored.includes('98765'), 'the number is not stored');
      assert.deepEqual(p.problems, []);
    } finally {
      await p.close();
    }
  });

  test('<html data-lang="en"> keeps a browser in Hindi on English; an unknown data-lang falls through to the browser', async () => {
    const p = await openPage(browser, { locale: 'hi-IN' });
    const { page } = p;
    try {
      await withDataLang(page, 'en');
      await page.goto(`${api}/`);
      await page.getByLabel('Phone number', { exact: true }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      assert.deepEqual(catalogsFetched(p.requests), ['en']);
      await page.unrouteAll();
      await withDataLang(page, 'fr');
      await page.reload();
      await page.getByLabel('फ़ोन नंबर', { exact: true }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'hi');
    } finally {
      await p.close();
    }
  });

  test('Do-Not-Disturb in English: why, the missed-call number as a tel: link, the SMS; "Call me again" places the call', async () => {
    const p = await openPage(browser);
    const { page } = p;
    try {
      await refuseOnce(page, DND);
      await page.goto(`${api}/`);
      await fill(page, en, '98765 43270');
      await press(page, en);
      await waitForTitle(page, 'Your number is on the Do-Not-Disturb list');
      assert.match(await page.locator('.cb-status-msg').textContent(), /India's Do-Not-Disturb \(NDNC\) list/);
      const link = page.getByRole('link', { name: '080 4711 2400' });
      assert.equal(await link.getAttribute('href'), 'tel:+918047112400');
      assert.deepEqual(await page.locator('.cb-todo li').allTextContents(), [
        'Give a missed call from your phone to 080 4711 2400.',
        'You will get an SMS asking you to allow our calls. Reply to it to approve.',
        'Then press “Call me again”.',
      ]);
      await waitForAnnouncement(page, 'Your number is on the Do-Not-Disturb list.');
      assert.match((await p.announcements()).at(-1), /Give a missed call from your phone to 080 4711 2400\./);
      assert.ok(await page.locator('.cb-status-title').evaluate((el) => el === document.activeElement), 'focus on the title');
      assert.deepEqual(await contrastProblems(page), []);
      await screenshot(page, 'dnd-1280');

      await page.getByRole('button', { name: 'Call me again' }).click();
      await waitForTitle(page, 'Calling you now');
      assert.equal(p.posts.length, 2, 'the same call asked again');
      assert.equal(JSON.parse(p.posts[1].postData()).phone, '98765 43270');
    } finally {
      await p.close();
    }
  });

  test('Do-Not-Disturb in Hindi at 320 px: the same way through, in Hindi, without sideways scrolling', async () => {
    const p = await openPage(browser, { width: 320, height: 640, locale: 'hi-IN' });
    const { page } = p;
    try {
      await refuseOnce(page, DND);
      await page.goto(`${api}/`);
      await fill(page, hi, '98765 43271');
      await press(page, hi);
      await waitForTitle(page, 'आपका नंबर DND सूची में है');
      const link = page.getByRole('link', { name: '080 4711 2400' });
      assert.equal(await link.getAttribute('href'), 'tel:+918047112400');
      assert.equal(await link.evaluate((el) => el.closest('li').textContent), 'अपने फ़ोन से 080 4711 2400 पर मिस्ड कॉल दें।');
      assert.equal(await page.locator('.cb-todo li').count(), 3);
      assert.match(await page.locator('.cb-todo').textContent(), /SMS आएगा/);
      await waitForAnnouncement(page, 'आपका नंबर DND सूची में है।');
      assert.ok(await page.getByRole('button', { name: 'दोबारा कॉल करें' }).isVisible());
      assert.ok(await page.getByRole('button', { name: 'नंबर बदलें' }).isVisible());
      assert.equal(await overflow(page), 0);
      assert.deepEqual(await contrastProblems(page), []);
      await screenshot(page, 'hi-dnd-320');
    } finally {
      await p.close();
    }
  });

  test('the Worker\'s own DND answer (the sandbox refuses numbers ending in 4), unstubbed: the way through from its missedCallNumber', async () => {
    const p = await openPage(browser, { locale: 'hi-IN' });
    const { page } = p;
    try {
      await page.goto(`${api}/`);
      await fill(page, hi, '98765 43274');
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/calls') && r.request().method() === 'POST');
      await press(page, hi);
      const answer = await (await answered).json();
      await waitForTitle(page, 'आपका नंबर DND सूची में है');
      assert.deepEqual([answer?.error?.reason, answer?.error?.missedCallNumber, answer?.error?.whitelist], ['dnd', '+918047112400', undefined]);
      assert.equal(await page.getByRole('link', { name: '080 4711 2400' }).getAttribute('href'), 'tel:+918047112400');
      assert.deepEqual(await page.locator('.cb-todo li').allTextContents(),
        ['अपने फ़ोन से 080 4711 2400 पर मिस्ड कॉल दें।', 'इसके बाद “दोबारा कॉल करें” दबाएँ।']);
      await waitForAnnouncement(page, 'आपका नंबर DND सूची में है।');
    } finally {
      await p.close();
    }
  });

  test('the switch on a call\'s status: it says itself again in Hindi, announced, focus kept; the choice kept over the browser\'s', async () => {
    const p = await openPage(browser, { locale: 'en-US' });
    const { page } = p;
    try {
      await refuseOnce(page, { ...DND, whitelist: undefined });
      await page.goto(`${api}/`);
      await fill(page, en, '98765 43272');
      await press(page, en);
      await waitForTitle(page, 'Your number is on the Do-Not-Disturb list');
      await page.getByRole('button', { name: 'हिन्दी' }).focus();
      await page.keyboard.press('Enter');
      await waitForTitle(page, 'आपका नंबर DND सूची में है');
      assert.deepEqual(await page.locator('.cb-todo li').allTextContents(),
        ['अपने फ़ोन से 080 4711 2400 पर मिस्ड कॉल दें।', 'इसके बाद “दोबारा कॉल करें” दबाएँ।']);
      assert.equal(await page.getByRole('link', { name: '080 4711 2400' }).getAttribute('href'), 'tel:+918047112400');
      await waitForAnnouncement(page, 'आपका नंबर DND सूची में है।');
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'English', 'focus stays on the switch');
      assert.deepEqual(catalogsFetched(p.requests), ['en', 'hi']);

      await page.reload();
      await page.getByLabel('फ़ोन नंबर', { exact: true }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'hi', 'the choice over the browser\'s English');
    } finally {
      await p.close();
    }
  });

  test('exotel_rejected without a reason: the general message, no way through invented', async () => {
    const p = await openPage(browser, { locale: 'hi-IN' });
    const { page } = p;
    try {
      await refuseOnce(page, { code: 'exotel_rejected', message: 'Exotel refused the call (403)' });
      await page.goto(`${api}/`);
      await fill(page, hi, '98765 43273');
      await press(page, hi);
      await waitForTitle(page, 'कॉल नहीं लग पाई');
      assert.equal(await page.locator('.cb-status-msg').textContent(), hi('rejectedMessage'));
      assert.equal(await page.locator('.cb-todo').isHidden(), true);
      assert.equal(await page.getByRole('link').count(), 0);
    } finally {
      await p.close();
    }
  });

  describe('the widget', () => {
    test('data-lang="hi": the button, dialog, form and its names in Hindi, lang set; only hi.js downloaded; a call placed', { timeout: 40_000 }, async () => {
      const p = await openPage(browser, { width: 360, height: 740, locale: 'en-US' });
      const { page } = p;
      try {
        await page.goto(`${hostHindi.origin}/`);
        const launcher = page.getByRole('button', { name: 'कॉल बैक पाएँ' });
        await launcher.waitFor();
        assert.equal(await page.locator('exotel-callback').getAttribute('lang'), 'hi');
        assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', 'the host page is left alone');
        await launcher.click();
        const dialog = page.getByRole('dialog', { name: hi('title') });
        await dialog.waitFor();
        assert.equal(await dialog.getAttribute('lang'), 'hi');
        assert.ok(await dialog.getByText(hi('intro')).isVisible());
        assert.ok(await page.getByRole('button', { name: 'बंद करें' }).isVisible());
        assert.ok(await page.getByLabel('देश', { exact: true }).isVisible());
        await fill(page, hi, '98765 43280');
        assert.equal(await overflow(page), 0);
        await screenshot(page, 'hi-widget-360');
        await press(page, hi);
        await waitForTitle(page, 'आपको कॉल की जा रही है');
        assert.equal(JSON.parse(p.posts[0].postData()).consent.text, hi('consent'));
        assert.deepEqual(catalogsFetched(p.requests), ['hi']);
        assert.deepEqual(await contrastProblems(page), []);
        assert.deepEqual(p.problems, []);
      } finally {
        await p.close();
      }
    });

    test('no data-lang: the browser\'s language; the site\'s texts kept, data-title-hi for Hindi, data-title otherwise', async () => {
      for (const [locale, launcherName, title, submit, catalog] of [
        ['hi-IN', 'हमसे बात करें', 'हमारी सेल्स टीम से बात करें', 'Ring me', 'hi'],
        ['en-US', 'Call me back', 'Talk to our sales team', 'Ring me', 'en'],
      ]) {
        const p = await openPage(browser, { locale });
        const { page } = p;
        try {
          await page.goto(`${hostOwn.origin}/`);
          await page.getByRole('button', { name: launcherName }).click();
          await page.getByRole('dialog', { name: title }).waitFor();
          assert.ok(await page.getByRole('button', { name: submit, exact: true }).isVisible(), `${locale}: the site's button text`);
          assert.ok(await page.getByLabel(catalog === 'hi' ? 'फ़ोन नंबर' : 'Phone number', { exact: true }).isVisible());
          assert.deepEqual(catalogsFetched(p.requests), [catalog], locale);
        } finally {
          await p.close();
        }
      }
    });
  });
});
