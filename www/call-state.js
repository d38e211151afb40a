// What the visitor sees, as pure data: each call status and each API error becomes a view
// {key, title, message, tone, icon, step, terminal, actions, todo, tel}, and the form's state
// becomes what its fields say (formView). No DOM here; callback-form.js renders these for the
// page and the widget both. The words are `t`'s (i18n.js), each function's first argument.
//
// tone: 'progress' | 'success' | 'warning' | 'error'   (the colours)
// step: index into STEPS reached so far, or null when no call was placed
// actions: [{id: 'retry' | 'edit' | 'new' | 'resume' | 'cancel', label, primary}]: place the
// call again, back to the form, a new call from the form, look at the same call again, cancel it
// todo: steps that get the call through; tel: {href, text}, a number in them to link

import { describePrefixes, explain, formatE164, formatToDial } from './phone.js';

/**
 * What a name or note the Worker refused (`invalid_field`) says next to it, from the Worker's
 * message ("name: expected at most 80 characters, but got 81").
 */
export function fieldMessage(t, message = '') {
  const max = /at most (\d+)/.exec(message)?.[1];
  return max ? t('fieldTooLong', { max: number(t, max) }) : t('fieldSpecial');
}

/** The progress steps shown under the status. */
export const STEPS = ['stepSent', 'stepCalling', 'stepConnected', 'stepFinished'];

/** Statuses after which nothing more will happen (docs/http-api.md). */
const TERMINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled', 'unknown']);

export function isTerminal(status) {
  return TERMINAL.has(status);
}

const RETRY = { id: 'retry', label: 'callAgain', primary: true };
const TRY_AGAIN = { id: 'retry', label: 'tryAgain', primary: true };
const EDIT = { id: 'edit', label: 'changeNumber', primary: false };
const FIX_NUMBER = { id: 'edit', label: 'checkNumber', primary: true };
const OTHER_NUMBER = { id: 'edit', label: 'otherNumber', primary: true };
const BACK = { id: 'edit', label: 'backToForm', primary: false };
const NEW_CALL = { id: 'new', label: 'newCall', primary: false };
const CHECK_AGAIN = { id: 'resume', label: 'checkAgain', primary: true };
const CANCEL = { id: 'cancel', label: 'cancelCall', primary: false };

/** Each progress step's label and state under a view: 'done', 'current', 'failed' or 'todo'. */
export function stepStates(t, v) {
  if (v.step === null) return [];
  const failed = v.terminal && v.tone !== 'success';
  return STEPS.map((key, i) => {
    let state = i < v.step || (i === v.step && v.terminal && !failed) ? 'done' : 'todo';
    if (i === v.step && !v.terminal) state = 'current';
    if (i === v.step && failed) state = 'failed';
    return { label: t(key), state };
  });
}

function view(t, key, tone, icon, step, terminal, title, message, actions = []) {
  return {
    key, tone, icon, step, terminal, title: t(title), message,
    actions: actions.map((a) => ({ ...a, label: t(a.label) })), todo: [], tel: null,
  };
}

/** Before the API has answered the request. */
export function sendingView(t) {
  return view(t, 'sending', 'progress', 'spinner', 0, false, 'sendingTitle', t('sendingMessage'));
}

/**
 * The view for a call status from `GET /api/calls/{id}` (or the `POST` answer). A `scheduled`
 * call needs `when` (its time in words, see whenText) and its `attempt`. Unknown statuses read
 * as "calling", as the contract asks.
 */
export function statusView(t, status, { when = '', attempt = 1 } = {}) {
  switch (status) {
    case 'scheduled':
      return attempt > 1
        ? view(t, 'retry', 'warning', 'clock', 1, false, 'retryTitle', t('retryMessage', { when }), [CANCEL])
        : view(t, 'scheduled', 'progress', 'clock', 0, false, 'scheduledTitle', t('scheduledMessage', { when }), [CANCEL]);
    case 'queued':
      return view(t, 'queued', 'progress', 'spinner', 1, false, 'callingTitle', t('queuedMessage'));
    case 'in-progress':
      return view(t, 'connected', 'success', 'phone', 2, false, 'connectedTitle', t('connectedMessage'));
    case 'completed':
      return view(t, 'finished', 'success', 'check', 3, true, 'finishedTitle', t('finishedMessage'), [NEW_CALL]);
    case 'busy':
      return view(t, 'busy', 'warning', 'alert', 1, true, 'busyTitle', t('busyMessage'), [RETRY, EDIT]);
    case 'no-answer':
      return view(t, 'no-answer', 'warning', 'alert', 1, true, 'noAnswerTitle', t('noAnswerMessage'), [RETRY, EDIT]);
    case 'failed':
      return view(t, 'failed', 'error', 'alert', 1, true, 'failedTitle', t('failedMessage'), [FIX_NUMBER, TRY_AGAIN]);
    case 'canceled':
      return view(t, 'canceled', 'warning', 'alert', 1, true, 'canceledTitle', t('canceledMessage'), [RETRY, EDIT]);
    case 'unknown':
      return view(t, 'unknown', 'warning', 'alert', 1, true, 'unknownTitle', t('unknownMessage'), [RETRY, EDIT]);
    default: // 'ringing' and anything new from Exotel
      return view(t, 'ringing', 'progress', 'spinner', 1, false, 'callingTitle', t('ringingMessage'));
  }
}

/**
 * The view for an API error (`{code, retryAfter}`; for `exotel_rejected` also `reason`,
 * `missedCallNumber`, `whitelist`), including the page's own codes:
 * `network` (the service could not be reached) and `lost` (we stopped hearing about a call).
 * `allowed` says where calls can go, e.g. "numbers in India (+91)". (`invalid_phone` has no view: the
 * form shows it next to the number.)
 */
export function errorView(t, error = {}, { allowed = '' } = {}) {
  const { code, retryAfter } = error;
  switch (code) {
    case 'destination_not_allowed':
      return view(t, 'not-allowed', 'error', 'block', null, true, 'notAllowedTitle',
        allowed ? t('notAllowedOnly', { allowed }) : t('notAllowedMessage'), [OTHER_NUMBER]);
    case 'rate_limited':
      return view(t, 'rate-limited', 'warning', 'clock', null, true, 'rateLimitedTitle',
        t('rateLimitedMessage', { retry: retryText(t, retryAfter) }), [BACK]);
    case 'calls_paused':
      return view(t, 'paused', 'warning', 'clock', null, true, 'pausedTitle',
        t('pausedMessage', { retry: retryText(t, retryAfter) }), [BACK]);
    case 'captcha_failed':
      return view(t, 'captcha', 'error', 'alert', null, true, 'captchaTitle', t('captchaMessage'), [TRY_AGAIN]);
    case 'exotel_rejected':
      if (error.reason === 'dnd') return dndView(t, error);
      return view(t, 'rejected', 'error', 'alert', 1, true, 'failedTitle', t('rejectedMessage'), [FIX_NUMBER, TRY_AGAIN]);
    case 'origin_not_allowed':
      return view(t, 'origin', 'error', 'block', null, true, 'originTitle', t('originMessage'));
    case 'lost': // the call was placed: offer to look again, not to place a second one
      return view(t, 'lost', 'error', 'alert', null, true, 'unavailableTitle', t('lostMessage'), [CHECK_AGAIN]);
    default: // upstream_busy, upstream_unavailable, not_configured, network, anything else
      return view(t, 'unavailable', 'error', 'alert', null, true, 'unavailableTitle',
        t('unavailableMessage', { retry: retryAfter > 0 ? retryText(t, retryAfter) : t('retrySoon') }), [TRY_AGAIN]);
  }
}

/**
 * The number is on India's Do-Not-Disturb list. The way through, when the Worker knows one: a
 * missed call to `missedCallNumber`, the SMS to approve when it asked to whitelist the number;
 * then the same call again.
 */
function dndView(t, { missedCallNumber, whitelist }) {
  const e164 = /^\+[1-9]\d{6,14}$/.test(missedCallNumber ?? '') ? missedCallNumber : '';
  const todo = [];
  const tel = e164 ? { href: `tel:${e164}`, text: formatToDial(e164) } : null;
  if (tel) todo.push(t('dndMissedCall', { number: tel.text }));
  if (whitelist === 'requested') todo.push(t('dndSms'));
  if (todo.length) todo.push(t('dndCallAgain', { button: t(RETRY.label) }));
  const message = `${t('dndMessage')} ${t(todo.length ? 'dndHow' : 'dndOther')}`;
  return {
    ...view(t, 'dnd', 'warning', 'block', null, true, 'dndTitle', message, todo.length ? [RETRY, EDIT] : [OTHER_NUMBER]),
    todo, tel,
  };
}

/** After the visitor cancelled a booked call. */
export function cancelledView(t) {
  return view(t, 'cancelled', 'success', 'check', null, true, 'cancelledTitle', t('cancelledMessage'), [NEW_CALL]);
}

/** `n` as the visitor's locale writes numbers. */
function number(t, n) {
  return new Intl.NumberFormat(t.locale).format(n);
}

/** A time on the clock of zone `own` ("9:30 am", "सुबह 9:30 बजे"), naming it when `named` ("04:00 GMT"). */
function clock(t, at, own, named) {
  const format = (options) => new Intl.DateTimeFormat(t.locale, { timeZone: own, ...options });
  const time = format({ hour: 'numeric', minute: '2-digit', ...t.clock }).format(at);
  if (!named) return t('clock', { time });
  const zone = format({ timeZoneName: 'short' }).formatToParts(at).find((p) => p.type === 'timeZoneName').value;
  return t('clockZone', { time, zone });
}

const UTC = ['UTC', 'Etc/UTC'];
const visitorsZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * When `iso` is, in the visitor's own time zone: "at 9:30 AM today", "at 9:30 AM tomorrow",
 * "at 9:30 AM on Thu, 10 Dec" ("कल सुबह 9:30 बजे"); the zone is named ("(IST)") when the
 * business's (`zone`) is another one, so nobody wonders whose clock it is.
 */
export function whenText(t, iso, { zone, now = new Date(), visitorZone } = {}) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const own = visitorZone || visitorsZone();
  const named = zone && zone !== own && !(UTC.includes(zone) && UTC.includes(own));
  const time = clock(t, at, own, named);
  const day = (d) => new Intl.DateTimeFormat('en-CA', { timeZone: own, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  const ahead = [day(now), day(new Date(now.getTime() + 86_400_000))].indexOf(day(at));
  if (ahead >= 0) {
    return t('whenDay', { time, day: new Intl.RelativeTimeFormat(t.locale, { numeric: 'auto' }).format(ahead, 'day') });
  }
  const date = new Intl.DateTimeFormat(t.locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone: own }).format(at);
  return t('whenDate', { time, date });
}

/** The slot picker's options, grouped by the visitor's day: [{label, options: [{value, label}]}]. */
export function slotGroups(t, slots, { zone, visitorZone } = {}) {
  const own = visitorZone || visitorsZone();
  const named = zone && zone !== own;
  const dayLabel = new Intl.DateTimeFormat(t.locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone: own });
  const groups = [];
  for (const slot of slots) {
    const at = new Date(slot);
    const label = dayLabel.format(at);
    if (groups.at(-1)?.label !== label) groups.push({ label, options: [] });
    groups.at(-1).options.push({ value: slot, label: clock(t, at, own, named) });
  }
  return groups;
}

/** "Try again in 12 minutes." from a Retry-After in seconds. */
export function retryText(t, seconds) {
  const s = Math.ceil(Number(seconds));
  if (!(s > 0)) return t('retryLater');
  return t('retryIn', { duration: duration(t, s) });
}

/** 45 -> "45 seconds", 700 -> "12 minutes", 7200 -> "2 hours" (in the visitor's language). Rounds up. */
export function duration(t, seconds) {
  const unit = (n, name) => new Intl.NumberFormat(t.locale, { style: 'unit', unit: name, unitDisplay: 'long' }).format(n);
  if (seconds < 60) return unit(Math.max(1, Math.ceil(seconds)), 'second');
  if (seconds < 90 * 60) return unit(Math.ceil(seconds / 60), 'minute');
  return unit(Math.ceil(seconds / 3600), 'hour');
}

/** The sentence for the aria-live region: title, message and what to do, together. */
export function announcement(t, v) {
  return [t('announce', { title: v.title, message: v.message }), ...v.todo].join(' ');
}

/**
 * The call-back form's state: one object, which callback-form.js changes only through its
 * `update(patch)` and renders after each change. The number's text lives in its input.
 */
export function formState(country, words) {
  return {
    words, // the visitor's language (i18n.js words): every text is made from it when rendered
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
    view: null, // the status panel's view as a function of the words, or null while the form shows
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
 * What the form's fields say in `state`, in its words: under the number its verdict (an error
 * only once the visitor is done typing it, and not for an empty field until the button is
 * pressed) or where calls can go, the button's label (`submitText` unless a time says
 * otherwise), the slot picker's, the other fields' messages ('' when hidden).
 */
export function formView(state, submitText, { now } = {}) {
  const { number, config, words: t } = state;
  const allowed = describePrefixes(t, config.allowedPrefixes);
  let phone = { text: allowed ? t('weCanCall', { allowed }) : '', tone: '' };
  if (number?.ok) phone = { text: t('weWillCall', { number: formatE164(number.e164) }), tone: 'ok' };
  else if (number && state.touched && !number.empty) phone = { text: explain(t, number.input, number.country), tone: 'error' };
  const hours = config.hours;
  const closed = hours?.open === false;
  const zone = hours?.timezone;
  let submit = submitText;
  if (state.slot) submit = t('submitAt', { when: whenText(t, state.slot, { zone, now }) });
  else if (closed) submit = t('submitWhenOpen');
  return {
    phone,
    submit: state.busy ? t('sending') : submit,
    hours: closed && hours.nextOpen ? t('closed', { when: whenText(t, hours.nextOpen, { zone, now }) }) : '',
    // Choosing a time matters only where there are opening hours to choose within.
    picker: !hours || (hours.open && !hours.schedule && !hours.holidays?.length)
      ? 'hidden' : state.picking ? 'open' : 'closed',
    pick: t(state.picking ? 'pickSoonest' : 'pickTime'),
    consent: state.consentMissing ? t('consentMissing') : '',
    turnstile: state.turnstileMissing ? t('turnstileMissing') : '',
    fieldError: state.fieldError ? fieldMessage(t, state.fieldError.message) : '',
    sandbox: config.sandbox === true,
  };
}
