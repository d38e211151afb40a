// The page's pure modules, without a browser: the wording of every state, the local number
// check, and the page's weight.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STEPS, announcement, duration, errorView, isTerminal, retryText, sendingView, statusView } from '../../www/call-state.js';
import { COUNTRIES, describePrefixes, explain, formatE164, localNormalize } from '../../www/phone.js';

const STATUSES = ['queued', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled', 'unknown'];
const CODES = ['destination_not_allowed', 'rate_limited', 'captcha_failed', 'exotel_rejected', 'origin_not_allowed',
  'upstream_busy', 'upstream_unavailable', 'not_configured', 'network', 'lost', 'invalid_request', 'http_500'];

test('every status has plain words, and terminal ones a next step', () => {
  for (const status of STATUSES) {
    const v = statusView(status);
    assert.ok(v.title && v.message, status);
    assert.equal(v.terminal, isTerminal(status), status);
    assert.ok(v.step === null || (v.step >= 0 && v.step < STEPS.length), status);
    if (v.terminal) assert.ok(v.actions.length > 0, `${status} offers a next step`);
    if (v.terminal && v.tone !== 'success') assert.ok(v.actions.some((a) => a.primary), `${status}: a primary action`);
    assert.doesNotMatch(v.title + v.message, /[_{}]|undefined|null/, status);
  }
});

test('the states the issue names', () => {
  assert.equal(sendingView().title, 'Sending your request');
  assert.equal(statusView('queued').title, 'Calling you now');
  assert.equal(statusView('ringing').title, 'Calling you now');
  assert.equal(statusView('in-progress').title, 'Connected');
  assert.equal(statusView('completed').title, 'Call finished');
  assert.equal(statusView('busy').title, 'Your line was busy');
  assert.equal(statusView('no-answer').title, 'No answer');
  assert.equal(statusView('failed').title, 'We could not connect the call');
  assert.equal(errorView({ code: 'exotel_rejected' }).title, 'We could not connect the call');
  assert.equal(errorView({ code: 'rate_limited', retryAfter: 720 }).title, 'Too many attempts');
  assert.equal(errorView({ code: 'destination_not_allowed' }).title, 'We cannot call this number');
  for (const code of ['upstream_busy', 'upstream_unavailable', 'not_configured', 'network', 'lost']) {
    assert.equal(errorView({ code }).title, 'Service unavailable', code);
  }
});

test('a status the page does not know reads as calling (forward compatible)', () => {
  assert.deepEqual(statusView('answered-by-robot'), statusView('ringing'));
  assert.equal(isTerminal('answered-by-robot'), false);
});

test('every error code has plain words', () => {
  for (const code of CODES) {
    const v = errorView({ code }, { allowed: describePrefixes(['+91']) });
    assert.ok(v.title && v.message && v.terminal, code);
    assert.doesNotMatch(v.title + v.message, /[_{}]|undefined|null|NaN/, code);
  }
  assert.equal(errorView({ code: 'destination_not_allowed' }, { allowed: 'numbers in India (+91)' }).message,
    'We can only call numbers in India (+91).');
});

test('when to retry, from Retry-After seconds', () => {
  assert.equal(errorView({ code: 'rate_limited', retryAfter: 720 }).message,
    'There have been too many call requests in a short time. Try again in 12 minutes.');
  assert.match(errorView({ code: 'upstream_busy', retryAfter: 30 }).message, /Try again in 30 seconds\.$/);
  assert.equal(retryText(0), 'Please try again later.');
  assert.equal(retryText(undefined), 'Please try again later.');
  assert.equal(duration(1), '1 second');
  assert.equal(duration(45), '45 seconds');
  assert.equal(duration(60), '1 minute');
  assert.equal(duration(61), '2 minutes');
  assert.equal(duration(3600), '60 minutes');
  assert.equal(duration(7200), '2 hours');
  assert.equal(announcement(statusView('completed')), 'Call finished. Thank you for talking to us.');
});

test('the local number check: lenient, the way people type', () => {
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
  assert.equal(describePrefixes(['+91']), 'numbers in India (+91)');
  assert.equal(describePrefixes(['+91', '+65']), 'numbers in India (+91) or Singapore (+65)');
  assert.equal(describePrefixes(['+1']), 'numbers starting with +1');
  assert.equal(describePrefixes([]), '');
  assert.equal(COUNTRIES[0].code, 'IN', 'India first, the default');
  // The core's countries (src/phone.rs Country::ALL): the API refuses any other.
  assert.deepEqual(COUNTRIES.map((c) => c.code).sort(), ['AE', 'CA', 'GB', 'IN', 'SG', 'US']);
});

