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

/** The labels of the optional fields a site turns on (data-fields="name,note"). */
export const FIELD_LABELS = {
  name: 'Your name (optional)',
  note: 'What would you like to talk about? (optional)',
};

/**
 * What a name or note the Worker refused (`invalid_field`) says next to it, from the Worker's
 * message ("name: expected at most 80 characters, but got 81").
 */
export function fieldMessage(message = '') {
  const max = /at most (\d+)/.exec(message)?.[1];
  return max ? `Please keep this to ${max} characters.` : 'Please remove any special characters from this.';
}

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
const CANCEL = { id: 'cancel', label: 'Cancel the call', primary: false };

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
 * The view for a call status from `GET /api/calls/{id}` (or the `POST` answer). A `scheduled`
 * call needs `when` (its time in words, see whenText) and its `attempt`. Unknown statuses read
 * as "calling", as the contract asks.
 */
export function statusView(status, { when = '', attempt = 1 } = {}) {
  switch (status) {
    case 'scheduled':
      return attempt > 1
        ? view('retry', 'warning', 'clock', 1, false,
          'We will try again', `We could not reach you. We will try again ${when}.`, [CANCEL])
        : view('scheduled', 'progress', 'clock', 0, false,
          'Your call is booked', `We will call you ${when}.`, [CANCEL]);
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

/** After the visitor cancelled a booked call. */
export function cancelledView() {
  return view('cancelled', 'success', 'check', null, true,
    'Your call is cancelled', 'We will not call you. You can ask for a call again any time.', [NEW_CALL]);
}

/**
 * When `iso` is, in the visitor's own time zone: "at 9:30 AM today", "at 9:30 AM tomorrow",
 * "at 9:30 AM on Thu, 10 Dec"; the zone is named ("(IST)") when the business's (`zone`) is
 * another one, so nobody wonders whose clock it is.
 */
export function whenText(iso, { zone, now = new Date(), locale, visitorZone } = {}) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const own = visitorZone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const named = zone && zone !== own && !(['UTC', 'Etc/UTC'].includes(zone) && ['UTC', 'Etc/UTC'].includes(own));
  const time = new Intl.DateTimeFormat(locale, {
    hour: 'numeric', minute: '2-digit', timeZone: own, ...(named ? { timeZoneName: 'short' } : {}),
  }).format(at);
  const day = (d) => new Intl.DateTimeFormat('en-CA', { timeZone: own, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  const today = day(now);
  const tomorrow = day(new Date(now.getTime() + 86_400_000));
  if (day(at) === today) return `at ${time} today`;
  if (day(at) === tomorrow) return `at ${time} tomorrow`;
  const date = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone: own }).format(at);
  return `at ${time} on ${date}`;
}

/** The slot picker's options, grouped by the visitor's day: [{label, options: [{value, label}]}]. */
export function slotGroups(slots, { zone, locale, visitorZone } = {}) {
  const own = visitorZone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const named = zone && zone !== own;
  const dayLabel = new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone: own });
  const timeLabel = new Intl.DateTimeFormat(locale, {
    hour: 'numeric', minute: '2-digit', timeZone: own, ...(named ? { timeZoneName: 'short' } : {}),
  });
  const groups = [];
  for (const slot of slots) {
    const at = new Date(slot);
    const label = dayLabel.format(at);
    if (groups.at(-1)?.label !== label) groups.push({ label, options: [] });
    groups.at(-1).options.push({ value: slot, label: timeLabel.format(at) });
  }
  return groups;
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
    countryPicked: false, // the visitor chose it (so the Worker's default, should it come later, does not)
    config: {}, // GET /api/config
    touched: false, // the visitor left the number field, or pressed the button
    number: null, // the latest verdict on the number (phone.js checkPhone)
    consentMissing: false, // the button was pressed with the consent box unticked
    fieldError: null, // {field, message}: the Worker refused this name or note (invalid_field)
    turnstile: false, // the Worker asked for Turnstile and it loaded: a call needs its token
    token: '', // Turnstile's answer, good for one call
    turnstileMissing: false, // the button was pressed before Turnstile was solved
    busy: false, // a call is being checked, placed or followed: the button is off
    view: null, // the status panel's view, or null while the form shows
    payload: null, // the last call asked for, for "Call me again"
    callId: null, // the last call placed, for "Check again"
    pending: null, // {key, phone, country}: a request whose call may exist; "Try again" reuses its key
    picking: false, // the slot picker is open
    slots: null, // GET /api/slots' slots once loaded, for the picker
    slot: '', // the time chosen in the picker ('' : as soon as we are open)
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
export function formView(state, submitText, { now } = {}) {
  const { number, config } = state;
  const allowed = describePrefixes(config.allowedPrefixes);
  let phone = { text: allowed ? `We can call ${allowed}.` : '', tone: '' };
  if (number?.ok) phone = { text: `We will call ${formatE164(number.e164)}.`, tone: 'ok' };
  else if (number && state.touched && !number.empty) phone = { text: number.message, tone: 'error' };
  const hours = config.hours;
  const closed = hours?.open === false;
  const zone = hours?.timezone;
  let submit = submitText;
  if (state.slot) submit = `Call me ${whenText(state.slot, { zone, now })}`;
  else if (closed) submit = 'Call me when you open';
  return {
    phone,
    submit: state.busy ? 'Sending…' : submit,
    hours: closed && hours.nextOpen ? `We're closed now. We open ${whenText(hours.nextOpen, { zone, now })}.` : '',
    // Choosing a time matters only where there are opening hours to choose within.
    picker: !hours || (hours.open && !hours.schedule && !hours.holidays?.length)
      ? 'hidden' : state.picking ? 'open' : 'closed',
    consent: state.consentMissing ? 'Please tick the box to agree to the call.' : '',
    turnstile: state.turnstileMissing ? 'Please complete the check above the button.' : '',
    fieldError: state.fieldError ? fieldMessage(state.fieldError.message) : '',
    sandbox: config.sandbox === true,
  };
}
