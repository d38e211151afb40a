// What the visitor sees, as pure data: each call status and each API error becomes a view
// {key, title, message, tone, icon, step, terminal, actions}, and the form's state becomes what
// its fields say (formView). No DOM here; callback-form.js renders these for the page and the
// widget both, so the wording lives once.
//
// tone: 'progress' | 'success' | 'warning' | 'error'   (the colours)
// step: index into STEPS reached so far, or null when no call was placed
// actions: [{id: 'retry' | 'edit' | 'new' | 'resume', label, primary}]: place the call again,
// back to the form, a new call from the form, look at the same call again

import { describePrefixes, formatE164 } from './phone.js';

/** The progress steps shown under the status. */
export const STEPS = ['Request sent', 'Calling you', 'Connected', 'Finished'];

/** Statuses after which nothing more will happen (docs/http-api.md). */
const TERMINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled', 'unknown']);

export function isTerminal(status) {
  return TERMINAL.has(status);
}

const RETRY = { id: 'retry', label: 'Call me again', primary: true };
const TRY_AGAIN = { id: 'retry', label: 'Try again', primary: true };
const EDIT = { id: 'edit', label: 'Change number', primary: false };
const FIX_NUMBER = { id: 'edit', label: 'Check the number', primary: true };
const OTHER_NUMBER = { id: 'edit', label: 'Use another number', primary: true };
const BACK = { id: 'edit', label: 'Back to the form', primary: false };
const NEW_CALL = { id: 'new', label: 'Request another call', primary: false };
const CHECK_AGAIN = { id: 'resume', label: 'Check again', primary: true };

/** Each progress step's state under a view: 'done', 'current', 'failed' or 'todo'. */
export function stepStates(v) {
  if (v.step === null) return [];
  const failed = v.terminal && v.tone !== 'success';
  return STEPS.map((label, i) => {
    let state = i < v.step || (i === v.step && v.terminal && !failed) ? 'done' : 'todo';
    if (i === v.step && !v.terminal) state = 'current';
    if (i === v.step && failed) state = 'failed';
    return { label, state };
  });
}

function view(key, tone, icon, step, terminal, title, message, actions = []) {
  return { key, tone, icon, step, terminal, title, message, actions };
}

/** Before the API has answered the request. */
export function sendingView() {
  return view('sending', 'progress', 'spinner', 0, false,
    'Sending your request', 'This takes a few seconds.');
}

/**
 * The view for a call status from `GET /api/calls/{id}` (or the `POST` answer).
 * Unknown statuses read as "calling", as the contract asks.
 */
export function statusView(status) {
  switch (status) {
    case 'queued':
      return view('queued', 'progress', 'spinner', 1, false,
        'Calling you now', 'Your phone should ring in a few seconds.');
    case 'in-progress':
      return view('connected', 'success', 'phone', 2, false,
        'Connected', 'You are on the call. You can close this page; the call carries on.');
    case 'completed':
      return view('finished', 'success', 'check', 3, true,
        'Call finished', 'Thank you for talking to us.', [NEW_CALL]);
    case 'busy':
      return view('busy', 'warning', 'alert', 1, true,
        'Your line was busy', 'We called, but the line was busy. Try again when you are free.',
        [RETRY, EDIT]);
    case 'no-answer':
      return view('no-answer', 'warning', 'alert', 1, true,
        'No answer', 'We called, but nobody picked up. Keep your phone close and try again.',
        [RETRY, EDIT]);
    case 'failed':
      return view('failed', 'error', 'alert', 1, true,
        'We could not connect the call',
        'The call did not go through. Check that the number is right, then try again.',
        [FIX_NUMBER, TRY_AGAIN]);
    case 'canceled':
      return view('canceled', 'warning', 'alert', 1, true,
        'The call was cancelled', 'The call ended before it was connected.', [RETRY, EDIT]);
    case 'unknown':
      return view('unknown', 'warning', 'alert', 1, true,
        'We could not confirm the call',
        'We could not find out how the call went. If your phone did not ring, try again.',
        [RETRY, EDIT]);
    default: // 'ringing' and anything new from Exotel
      return view('ringing', 'progress', 'spinner', 1, false,
        'Calling you now', 'Your phone is ringing. Answer it and we will connect you.');
  }
}

/**
 * The view for an API error (`{code, retryAfter}`), including the page's own codes:
 * `network` (the service could not be reached) and `lost` (we stopped hearing about a call).
 * `allowed` says where calls can go, e.g. "numbers in India (+91)". (`invalid_phone` has no view: the
 * form shows it next to the number.)
 */
export function errorView({ code, retryAfter } = {}, { allowed = '' } = {}) {
  switch (code) {
    case 'destination_not_allowed':
      return view('not-allowed', 'error', 'block', null, true,
        'We cannot call this number',
        allowed ? `We can only call ${allowed}.` : 'Calls to this number are not allowed.',
        [OTHER_NUMBER]);
    case 'rate_limited':
      return view('rate-limited', 'warning', 'clock', null, true,
        'Too many attempts',
        `There have been too many call requests in a short time. ${retryText(retryAfter)}`,
        [BACK]);
    case 'calls_paused':
      return view('paused', 'warning', 'clock', null, true,
        'We are not taking call requests right now',
        `We have had a lot of call requests today. ${retryText(retryAfter)}`,
        [BACK]);
    case 'captcha_failed':
      return view('captcha', 'error', 'alert', null, true,
        'We could not check that you are human',
        'Please complete the check again, then press the button.', [TRY_AGAIN]);
    case 'exotel_rejected':
      return view('rejected', 'error', 'alert', 1, true,
        'We could not connect the call',
        'The phone network would not put the call through to this number. Check it, or use another number.',
        [FIX_NUMBER, TRY_AGAIN]);
    case 'origin_not_allowed':
      return view('origin', 'error', 'block', null, true,
        'Call back is not available here',
        'This website is not set up to place calls yet. Please contact us another way.');
    case 'lost': // the call was placed: offer to look again, not to place a second one
      return view('lost', 'error', 'alert', null, true,
        'Service unavailable',
        'We lost contact with the service, so we cannot show how your call is going. If your phone rings, answer it.',
        [CHECK_AGAIN]);
    default: // upstream_busy, upstream_unavailable, not_configured, network, anything else
      return view('unavailable', 'error', 'alert', null, true,
        'Service unavailable',
        `We cannot place calls right now. ${retryAfter > 0 ? retryText(retryAfter) : 'Please try again in a few minutes.'}`,
        [TRY_AGAIN]);
  }
}

/** "Try again in 12 minutes." from a Retry-After in seconds. */
export function retryText(seconds) {
  const s = Math.ceil(Number(seconds));
  if (!(s > 0)) return 'Please try again later.';
  return `Try again in ${duration(s)}.`;
}

/** 45 -> "45 seconds", 700 -> "12 minutes", 7200 -> "2 hours". Rounds up. */
export function duration(seconds) {
  const plural = (n, unit) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 60) return plural(Math.max(1, Math.ceil(seconds)), 'second');
  if (seconds < 90 * 60) return plural(Math.ceil(seconds / 60), 'minute');
  return plural(Math.ceil(seconds / 3600), 'hour');
}

/** The sentence for the aria-live region: title and message together. */
export function announcement(v) {
  return `${v.title}. ${v.message}`;
}

/**
 * The call-back form's state: one object, which callback-form.js changes only through its
 * `update(patch)` and renders after each change. The number's text lives in its input.
 */
export function formState(country) {
  return {
    country, // the selected country's code
    config: {}, // GET /api/config
    touched: false, // the visitor left the number field, or pressed the button
    number: null, // the latest verdict on the number (phone.js checkPhone)
    consentMissing: false, // the button was pressed with the consent box unticked
    turnstile: false, // the Worker asked for Turnstile and it loaded: a call needs its token
    token: '', // Turnstile's answer, good for one call
    turnstileMissing: false, // the button was pressed before Turnstile was solved
    busy: false, // a call is being checked, placed or followed: the button is off
    view: null, // the status panel's view, or null while the form shows
    payload: null, // the last call asked for, for "Call me again"
    callId: null, // the last call placed, for "Check again"
    pending: null, // {key, phone, country}: a request whose call may exist; "Try again" reuses its key
  };
}

/**
 * Errors after which the call may exist (Exotel may have accepted it, or the answer was lost):
 * trying again must reuse the Idempotency-Key, so the Worker answers with that call instead of
 * placing a second one. After any other error no call was placed, and a new key asks afresh.
 */
const MAYBE_PLACED = new Set(['network', 'internal_error', 'upstream_unavailable', 'request_in_progress', 'lost']);

/** The Idempotency-Key for asking `payload`: the pending one while the number is the same. */
export function keyFor(pending, payload, fresh) {
  const same = pending && pending.phone === payload.phone && pending.country === payload.country;
  return same ? pending.key : fresh();
}

/** What is pending after a request with `key` for `payload` ended in `error` (none: success). */
export function pendingAfter(error, key, payload) {
  return error && MAYBE_PLACED.has(error.code) ? { key, phone: payload.phone, country: payload.country } : null;
}

/**
 * What the form's fields say in `state`: under the number its verdict (an error only once the
 * visitor is done typing it, and not for an empty field until the button is pressed) or where
 * calls can go, the button's label, the other fields' messages ('' when hidden).
 */
export function formView(state, submitText) {
  const { number, config } = state;
  const allowed = describePrefixes(config.allowedPrefixes);
  let phone = { text: allowed ? `We can call ${allowed}.` : '', tone: '' };
  if (number?.ok) phone = { text: `We will call ${formatE164(number.e164)}.`, tone: 'ok' };
  else if (number && state.touched && !number.empty) phone = { text: number.message, tone: 'error' };
  return {
    phone,
    submit: state.busy ? 'Sending…' : submitText,
    consent: state.consentMissing ? 'Please tick the box to agree to the call.' : '',
    turnstile: state.turnstileMissing ? 'Please complete the check above the button.' : '',
    sandbox: config.sandbox === true,
  };
}
