// The page's pure modules, without a browser: the wording of every state (in English here;
// i18n.test.mjs has Hindi), what the form's state reads as, and the local number check
// (phone-rules.test.mjs holds it to the core's).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  STEPS, announcement, cancelledView, duration, errorView, formState, formView, isTerminal, keyFor, pendingAfter,
  retryText, sendingView, slotGroups, statusView, stepStates, whenText,
} from '../../www/call-state.js';
import { words } from '../../www/i18n.js';
import english from '../../www/i18n/en.js';
import { COUNTRIES, describePrefixes, explain as explainIn, formatE164, localNormalize } from '../../www/phone.js';

const en = words(english, 'en', 'en-US');
const explain = (input, country) => explainIn(en, input, country);

const STATUSES = ['queued', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled', 'unknown'];
const CODES = ['destination_not_allowed', 'rate_limited', 'calls_paused', 'captcha_failed', 'exotel_rejected', 'origin_not_allowed',
  'upstream_busy', 'upstream_unavailable', 'not_configured', 'network', 'lost', 'invalid_request', 'http_500'];

test('every status has plain words, and terminal ones a next step', () => {
  for (const status of STATUSES) {
    const v = statusView(en, status);
    assert.ok(v.title && v.message, status);
    assert.equal(v.terminal, isTerminal(status), status);
    assert.ok(v.step === null || (v.step >= 0 && v.step < STEPS.length), status);
    if (v.terminal) assert.ok(v.actions.length > 0, `${status} offers a next step`);
    if (v.terminal && v.tone !== 'success') assert.ok(v.actions.some((a) => a.primary), `${status}: a primary action`);
    assert.doesNotMatch(v.title + v.message, /[_{}]|undefined|null/, status);
  }
});

test('the title of each state a visitor meets', () => {
  assert.equal(sendingView(en).title, 'Sending your request');
  assert.equal(statusView(en, 'queued').title, 'Calling you now');
  assert.equal(statusView(en, 'ringing').title, 'Calling you now');
  assert.equal(statusView(en, 'in-progress').title, 'Connected');
  assert.equal(statusView(en, 'completed').title, 'Call finished');
  assert.equal(statusView(en, 'busy').title, 'Your line was busy');
  assert.equal(statusView(en, 'no-answer').title, 'No answer');
  assert.equal(statusView(en, 'failed').title, 'We could not connect the call');
  assert.equal(errorView(en, { code: 'exotel_rejected' }).title, 'We could not connect the call');
  assert.equal(errorView(en, { code: 'rate_limited', retryAfter: 720 }).title, 'Too many attempts');
  assert.equal(errorView(en, { code: 'destination_not_allowed' }).title, 'We cannot call this number');
  for (const code of ['upstream_busy', 'upstream_unavailable', 'not_configured', 'network', 'lost']) {
    assert.equal(errorView(en, { code }).title, 'Service unavailable', code);
  }
});

test('a status the page does not know reads as calling (forward compatible)', () => {
  assert.deepEqual(statusView(en, 'answered-by-robot'), statusView(en, 'ringing'));
  assert.equal(isTerminal('answered-by-robot'), false);
});

test('every error code has plain words', () => {
  for (const code of CODES) {
    const v = errorView(en, { code }, { allowed: describePrefixes(en, ['+91']) });
    assert.ok(v.title && v.message && v.terminal, code);
    assert.doesNotMatch(v.title + v.message, /[_{}]|undefined|null|NaN/, code);
  }
  assert.equal(errorView(en, { code: 'destination_not_allowed' }, { allowed: 'numbers in India (+91)' }).message,
    'We can only call numbers in India (+91).');
});

test('when to retry, from Retry-After seconds', () => {
  assert.equal(errorView(en, { code: 'rate_limited', retryAfter: 720 }).message,
    'There have been too many call requests in a short time. Try again in 12 minutes.');
  assert.match(errorView(en, { code: 'upstream_busy', retryAfter: 30 }).message, /Try again in 30 seconds\.$/);
  assert.equal(retryText(en, 0), 'Please try again later.');
  assert.equal(retryText(en, undefined), 'Please try again later.');
  assert.equal(duration(en, 1), '1 second');
  assert.equal(duration(en, 45), '45 seconds');
  assert.equal(duration(en, 60), '1 minute');
  assert.equal(duration(en, 61), '2 minutes');
  assert.equal(duration(en, 3600), '60 minutes');
  assert.equal(duration(en, 7200), '2 hours');
  assert.equal(announcement(en, statusView(en, 'completed')), 'Call finished. Thank you for talking to us.');
});

test('the local number check: the forms people type', () => {
  const cases = [
    ['98765 43210', 'IN', '+919876543210'],
    ['098765-43210', 'IN', '+919876543210'],
    ['(0) 98765 43210', 'IN', '+919876543210'],
    ['+91 98765 43210', 'IN', '+919876543210'],
    ['0091 98765 43210', 'IN', '+919876543210'],
    ['91 98765 43210', 'IN', '+919876543210'],
    ['+91 98765 43210', 'US', '+919876543210'],
    ['415 555 0100', 'US', '+14155550100'],
    ['1 (415) 555-0100', 'US', '+14155550100'],
    ['07700 900123', 'GB', '+447700900123'],
    ['9123 4567', 'SG', '+6591234567'],
    ['04 123 4567', 'AE', '+97141234567'],
    ['050 123 4567', 'AE', '+971501234567'],
    ['+91 (0) 98765 43210', 'GB', '+919876543210'],
    ['1800 123 4567', 'IN', '+9118001234567'],
    ['+61 2 9876 5432', 'IN', '+61298765432'],
    ['(416) 555-0199', 'CA', '+14165550199'],
    ['098765 43210', 'SG', null],
    ['0 98765 4321', 'IN', null],
    ['98765 4321', 'IN', null],
    ['98765 432100', 'IN', null],
    ['+91 98765', 'IN', null],
    ['98765abc10', 'IN', null],
    ['(+91) 98765 43210', 'IN', null],
    ['+65 0 9123 4567', 'IN', null],
    ['1234 5678', 'SG', null],
    ['(415) 155-0100', 'US', null],
    ['', 'IN', null],
  ];
  for (const [input, country, want] of cases) assert.equal(localNormalize(input, country), want, `${input} (${country})`);
});

test('why a number is refused, in words a visitor can act on', () => {
  assert.equal(explain('', 'IN'), 'Enter your phone number.');
  assert.equal(explain('98765 432', 'IN'), 'This number is too short. Indian numbers have 10 digits.');
  assert.equal(explain('98765 432100', 'IN'), 'This number is too long. Indian numbers have 10 digits.');
  assert.equal(explain('98765 abc', 'IN'), 'Use only digits, spaces and + in the number.');
  assert.equal(explain('415 555 010', 'US'), 'This number is too short. Numbers in the US and Canada have 10 digits.');
  assert.equal(explain('12345', 'SG'), 'This number is too short.');
  assert.equal(explain('1234 5678', 'SG'), 'This does not look like a valid phone number in Singapore.');
  assert.equal(explain('+999 1234 5678', 'IN'), 'This does not look like a valid phone number. Check the country code.');
});

test('numbers shown back to the visitor, and where calls can go', () => {
  assert.equal(formatE164('+919876543210'), '+91 98765 43210');
  assert.equal(formatE164('+14155550100'), '+1 415 555 0100');
  assert.equal(formatE164('+6591234567'), '+65 9123 4567');
  assert.equal(describePrefixes(en, ['+91']), 'numbers in India (+91)');
  assert.equal(describePrefixes(en, ['+91', '+65']), 'numbers in India (+91) or Singapore (+65)');
  assert.equal(describePrefixes(en, ['+1']), 'numbers starting with +1');
  assert.equal(describePrefixes(en, []), '');
  assert.equal(COUNTRIES[0].code, 'IN', 'India first, the default');
});

test('the progress steps under each view', () => {
  const steps = (v) => stepStates(en, v).map((s) => s.state).join(' ');
  assert.deepEqual(stepStates(en, sendingView(en)).map((s) => s.label), ['Request sent', 'Calling you', 'Connected', 'Finished']);
  assert.equal(STEPS.length, 4);
  assert.equal(steps(sendingView(en)), 'current todo todo todo');
  assert.equal(steps(statusView(en, 'ringing')), 'done current todo todo');
  assert.equal(steps(statusView(en, 'in-progress')), 'done done current todo');
  assert.equal(steps(statusView(en, 'completed')), 'done done done done');
  assert.equal(steps(statusView(en, 'busy')), 'done failed todo todo');
  assert.equal(steps(errorView(en, { code: 'rate_limited' })), '', 'no call placed: no steps');
});

test('what the form says for its state', () => {
  const texts = 'Call me';
  const at = (patch) => formView({ ...formState('IN', en), ...patch }, texts);
  const config = { allowedPrefixes: ['+91'], sandbox: true };
  const refused = { ok: false, input: '98765 432', country: 'IN' };

  assert.deepEqual(at({}), {
    phone: { text: '', tone: '' }, submit: 'Call me', hours: '', picker: 'hidden', pick: 'Pick a time', consent: '', turnstile: '',
    fieldError: '',
    sandbox: false,
  });
  assert.deepEqual(at({ config }).phone, { text: 'We can call numbers in India (+91).', tone: '' }, 'where calls can go');
  assert.equal(at({ config }).sandbox, true);
  assert.deepEqual(at({ number: { ok: true, e164: '+919876543210' } }).phone,
    { text: 'We will call +91 98765 43210.', tone: 'ok' });
  assert.deepEqual(at({ config, number: refused }).phone, at({ config }).phone, 'no error while still typing');
  assert.deepEqual(at({ config, number: refused, touched: true }).phone,
    { text: 'This number is too short. Indian numbers have 10 digits.', tone: 'error' });
  const empty = { ok: false, empty: true, input: '', country: 'IN' };
  assert.equal(at({ config, number: empty, touched: true }).phone.tone, '', 'an empty field is no error on its own');
  assert.equal(at({ busy: true }).submit, 'Sending…');
  assert.equal(at({ consentMissing: true }).consent, 'Please tick the box to agree to the call.');
  assert.equal(at({ turnstileMissing: true }).turnstile, 'Please complete the check above the button.');
  // A name or note the Worker refused (invalid_field): plain words, not the Worker's.
  assert.equal(at({ fieldError: { field: 'name', message: 'name: expected at most 80 characters, but got 81' } }).fieldError,
    'Please keep this to 80 characters.');
  assert.equal(at({ fieldError: { field: 'note', message: 'note: expected no control characters, but got U+0007' } }).fieldError,
    'Please remove any special characters from this.');
});


test('"Try again" keeps the Idempotency-Key while the call may exist and the number is the same', () => {
  let made = 0;
  const fresh = () => `key-${++made}`;
  const payload = { phone: '98765 43210', country: 'IN' };
  const first = keyFor(null, payload, fresh);
  assert.equal(first, 'key-1');
  // Exotel may have the call: the same request again, with the same key.
  for (const code of ['network', 'internal_error', 'upstream_unavailable', 'request_in_progress']) {
    const pending = pendingAfter({ code }, first, payload);
    assert.equal(keyFor(pending, { ...payload }, fresh), first, code);
    const other = keyFor(pending, { ...payload, phone: '98765 43211' }, fresh);
    assert.equal(other, `key-${made}`, `${code}: another number is a new request`);
    assert.notEqual(other, first);
    assert.notEqual(keyFor(pending, { ...payload, country: 'US' }, fresh), first, `${code}: another country too`);
  }
  // No call was placed: asking again is a new request.
  for (const code of ['exotel_rejected', 'upstream_busy', 'rate_limited', 'calls_paused', 'captcha_failed']) {
    assert.equal(pendingAfter({ code }, first, payload), null, code);
  }
  assert.equal(pendingAfter(null, first, payload), null, 'a call placed: "Call me again" is a new call');
});

test('calls paused by a budget: plain words and when to come back', () => {
  const v = errorView(en, { code: 'calls_paused', retryAfter: 1800 });
  assert.equal(v.title, 'We are not taking call requests right now');
  assert.match(v.message, /30 minutes/);
});

test('opening hours in words, in the visitor\'s zone, naming the business\'s when it differs', () => {
  const now = new Date('2026-12-03T15:00:00Z'); // Thursday, 20:30 in India
  const gb = words(english, 'en', 'en-GB');
  const india = { zone: 'Asia/Kolkata', now };
  assert.equal(whenText(gb, '2026-12-04T09:30:00+05:30', { ...india, visitorZone: 'Asia/Kolkata' }), 'at 9:30 tomorrow');
  assert.equal(whenText(gb, '2026-12-03T21:00:00+05:30', { ...india, visitorZone: 'Asia/Kolkata' }), 'at 21:00 today');
  assert.equal(whenText(gb, '2026-12-07T09:30:00+05:30', { ...india, visitorZone: 'Asia/Kolkata' }), 'at 9:30 on Mon 7 Dec');
  // A visitor in London sees their own clock, with the zone named.
  assert.equal(whenText(gb, '2026-12-04T09:30:00+05:30', { ...india, visitorZone: 'Europe/London' }), 'at 4:00 GMT tomorrow');

  const config = { hours: { open: false, timezone: 'Asia/Kolkata', nextOpen: '2026-12-04T09:30:00+05:30' } };
  const closed = formView({ ...formState('IN', en), config }, 'Call me', { now });
  assert.match(closed.hours, /^We're closed now\. We open at .+\.$/);
  assert.equal(closed.submit, 'Call me when you open');
  const chosen = formView({ ...formState('IN', en), config, slot: '2026-12-05T10:00:00+05:30', picking: true }, 'Call me', { now });
  assert.match(chosen.submit, /^Call me at /);
  assert.equal(chosen.picker, 'open');
  const alwaysOpen = formView({ ...formState('IN', en), config: { hours: { open: true, schedule: null, holidays: [] } } }, 'Call me');
  assert.equal(alwaysOpen.hours, '');
  assert.equal(alwaysOpen.picker, 'hidden', 'no hours to choose within: no picker');
  assert.equal(formView({ ...formState('IN', en), config: { hours: { open: true, schedule: 'mon 09:00-17:00', holidays: [] } } }, 'Call me').picker, 'closed');
});

test('a booked call, a second try and a cancelled call in plain words', () => {
  const booked = statusView(en, 'scheduled', { when: 'at 09:30 tomorrow', attempt: 1 });
  assert.equal(booked.title, 'Your call is booked');
  assert.equal(booked.message, 'We will call you at 09:30 tomorrow.');
  assert.deepEqual(booked.actions.map((a) => a.id), ['cancel']);
  assert.equal(booked.terminal, false);
  const retry = statusView(en, 'scheduled', { when: 'at 10:42 today', attempt: 2 });
  assert.equal(retry.title, 'We will try again');
  assert.equal(retry.message, 'We could not reach you. We will try again at 10:42 today.');
  assert.equal(cancelledView(en).title, 'Your call is cancelled');
  assert.equal(isTerminal('scheduled'), false);
});

test('slots grouped by the visitor\'s day', () => {
  const groups = slotGroups(words(english, 'en', 'en-GB'),
    ['2026-12-04T09:30:00+05:30', '2026-12-04T09:45:00+05:30', '2026-12-05T10:00:00+05:30'],
    { zone: 'Asia/Kolkata', visitorZone: 'Asia/Kolkata' },
  );
  assert.deepEqual(groups.map((g) => [g.label, g.options.map((o) => o.label)]), [
    ['Friday 4 December', ['9:30', '9:45']],
    ['Saturday 5 December', ['10:00']],
  ]);
  assert.equal(groups[0].options[0].value, '2026-12-04T09:30:00+05:30');
});
