// The call-back form and the call's status, wired to the DOM. The page (app.js) and the widget
// (widget.js, inside a shadow root) both mount it; the wording comes from call-state.js.

import { STEPS, announcement, errorView, sendingView, statusView, isTerminal } from './call-state.js';
import { createApi } from './api.js';
import { COUNTRIES, checkPhone, describePrefixes, explain, formatE164, loadCore } from './phone.js';

/** Texts a page or widget may replace. */
export const DEFAULT_TEXTS = {
  submit: 'Call me',
  consent: 'I agree to receive a phone call on this number.',
  privacy: 'We use your number only to place this call. It is not stored in your browser.',
};

const TURNSTILE_SRC = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit';

const ICONS = {
  phone: '<path d="M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2"/>',
  check: '<circle cx="12" cy="12" r="9"/><path d="m8 12.5 2.5 2.5L16 9.5"/>',
  alert: '<circle cx="12" cy="12" r="9"/><path d="M12 7.5v5.5M12 16.5v.01"/>',
  clock: '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
  block: '<circle cx="12" cy="12" r="9"/><path d="m6 6 12 12"/>',
};

const TEMPLATE = `
<form class="cb-form" novalidate>
  <div class="cb-fields">
    <div class="cb-field cb-field-country">
      <label for="@country">Country</label>
      <select id="@country" name="country" autocomplete="country"></select>
    </div>
    <div class="cb-field cb-field-phone">
      <label for="@phone">Phone number</label>
      <input id="@phone" name="phone" type="tel" inputmode="tel" autocomplete="tel"
        spellcheck="false" required aria-describedby="@phone-msg">
    </div>
  </div>
  <p id="@phone-msg" class="cb-msg cb-phone-msg"></p>
  <div class="cb-check">
    <input id="@consent" name="consent" type="checkbox" required aria-describedby="@consent-msg">
    <label for="@consent" class="cb-consent-label"></label>
  </div>
  <p id="@consent-msg" class="cb-msg" data-tone="error" hidden></p>
  <div class="cb-turnstile" hidden></div>
  <p class="cb-msg cb-turnstile-msg" data-tone="error" hidden></p>
  <button class="cb-btn cb-btn-primary cb-submit" type="submit">
    <span class="cb-spinner" aria-hidden="true" hidden></span>
    <span class="cb-submit-label"></span>
  </button>
  <p class="cb-fine"></p>
  <p class="cb-sandbox" hidden>Sandbox mode: no real call is placed.</p>
</form>
<section class="cb-status" hidden>
  <div class="cb-status-head">
    <span class="cb-icon" aria-hidden="true"></span>
    <hN class="cb-status-title" tabindex="-1"></hN>
  </div>
  <p class="cb-status-msg"></p>
  <ol class="cb-steps" aria-label="Progress"></ol>
  <div class="cb-actions"></div>
</section>
<div class="cb-sr cb-live" role="status" aria-live="polite" aria-atomic="true"></div>`;

let mounted = 0;

/** A fresh Idempotency-Key; randomUUID needs a secure context, which a host page may not be. */
function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

let turnstileLoaded;
function loadTurnstile() {
  turnstileLoaded ||= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = TURNSTILE_SRC;
    script.async = true;
    script.onload = () => (window.turnstile ? resolve(window.turnstile) : reject(new Error('turnstile')));
    script.onerror = reject;
    document.head.append(script);
  });
  return turnstileLoaded;
}

/**
 * Renders the form into `container` and runs it.
 * options: api (API origin, '' = this page's), country (default country code),
 * texts (see DEFAULT_TEXTS), headingLevel (of the status title: 2 unless said).
 */
export function mountCallback(container, options = {}) {
  const id = `cb${++mounted}`;
  const texts = { ...DEFAULT_TEXTS, ...options.texts };
  const api = createApi(options.api || '');
  const abortAll = new AbortController();

  const level = Math.min(6, Math.max(1, Number(options.headingLevel) || 2));
  container.innerHTML = TEMPLATE.replaceAll('@', `${id}-`).replaceAll('hN', `h${level}`);
  const $ = (selector) => container.querySelector(selector);
  const form = $('.cb-form');
  const country = $('select');
  const phone = $('input[type=tel]');
  const phoneMsg = $(`#${id}-phone-msg`);
  const consent = $('input[type=checkbox]');
  const consentMsg = $(`#${id}-consent-msg`);
  const submit = $('.cb-submit');
  const status = $('.cb-status');
  const title = $('.cb-status-title');
  const live = $('.cb-live');

  $('.cb-consent-label').textContent = texts.consent;
  $('.cb-submit-label').textContent = texts.submit;
  $('.cb-fine').textContent = texts.privacy;
  for (const c of COUNTRIES) country.add(new Option(`${c.name} (+${c.dial})`, c.code));
  const known = (code) => {
    const iso = String(code || '').toUpperCase().replace(/^UK$/, 'GB');
    return COUNTRIES.some((c) => c.code === iso) ? iso : null;
  };
  country.value = known(options.country) || 'IN';

  let config = {};
  let hint = '';
  let touched = false; // the visitor left the number field, or pressed the button
  let checks = 0; // a sequence number: only the latest check of the number shows
  let busy = false;
  let attempt = null; // AbortController of the call being placed or followed
  let lastPayload = null;
  let lastCallId = null;
  let turnstile = null; // {api, widgetId, token}

  // ---- the number and consent fields ----

  function setPhoneMessage(text, tone = '') {
    phoneMsg.textContent = text;
    phoneMsg.dataset.tone = tone;
    if (tone === 'error') phone.setAttribute('aria-invalid', 'true');
    else phone.removeAttribute('aria-invalid');
  }

  async function checkNumber() {
    const seq = ++checks;
    const result = await checkPhone(phone.value, country.value);
    if (seq !== checks) return result;
    if (result.ok) setPhoneMessage(`We will call ${formatE164(result.e164)}.`, 'ok');
    else if (touched && !result.empty) setPhoneMessage(result.message, 'error');
    else setPhoneMessage(hint);
    return result;
  }

  let typingTimer;
  phone.addEventListener('input', () => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(checkNumber, 300);
  });
  phone.addEventListener('focus', loadCore, { once: true });
  phone.addEventListener('blur', () => {
    if (phone.value.trim()) touched = true;
    clearTimeout(typingTimer);
    checkNumber();
  });
  country.addEventListener('change', () => phone.value.trim() && checkNumber());
  consent.addEventListener('change', () => {
    if (consent.checked) consentMsg.hidden = true;
  });

  // ---- sending and following a call ----

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    touched = true;
    const result = await checkNumber();
    if (!result.ok) {
      setBusy(false);
      setPhoneMessage(result.message, 'error');
      say(result.message);
      phone.focus();
      return;
    }
    if (!consent.checked) {
      setBusy(false);
      consentMsg.textContent = 'Please tick the box to agree to the call.';
      consentMsg.hidden = false;
      say(consentMsg.textContent);
      consent.focus();
      return;
    }
    if (turnstile?.api && !turnstile.token) {
      setBusy(false);
      const msg = $('.cb-turnstile-msg');
      msg.textContent = 'Please complete the check above the button.';
      msg.hidden = false;
      say(msg.textContent);
      return;
    }
    place({ phone: phone.value.trim(), country: country.value });
  });

  // Places a call and follows it to the end. Each attempt has its own Idempotency-Key (a
  // double click or a network retry places one call) and AbortController (a newer attempt,
  // or going back to the form, stops following the older one).
  async function place(payload) {
    lastPayload = payload;
    const { signal, done } = begin();
    const body = turnstile?.token ? { ...payload, turnstileToken: turnstile.token } : payload;
    if (status.hidden) say(announcement(sendingView()));
    else show(sendingView());
    try {
      const call = await api.postCall(body, newKey(), { signal }).finally(resetTurnstile);
      lastCallId = call.id;
      show(statusView(call.status), { focus: true });
      if (!isTerminal(call.status)) await follow(call.id, signal);
    } catch (e) {
      if (signal.aborted) return;
      if (e.code === 'invalid_phone') {
        showForm();
        touched = true;
        setPhoneMessage(explain(payload.phone, payload.country), 'error');
        say(phoneMsg.textContent);
        phone.focus();
      } else {
        showError(e);
      }
    } finally {
      done();
    }
  }

  /** After `lost`: look at the same call again (never place a second one). */
  async function resume() {
    const { signal, done } = begin();
    try {
      await follow(lastCallId, signal);
    } catch (e) {
      if (!signal.aborted) showError(e);
    } finally {
      done();
    }
  }

  const follow = (id, signal) => api.followCall(id, (c) => show(statusView(c.status)), { signal });
  const showError = (e) => show(errorView(e, { allowed: describePrefixes(config.allowedPrefixes) }), { focus: true });

  function begin() {
    attempt?.abort();
    const controller = new AbortController();
    attempt = controller;
    setBusy(true);
    return { signal: controller.signal, done: () => attempt === controller && setBusy(false) };
  }

  function setBusy(on) {
    busy = on;
    submit.disabled = on;
    phone.readOnly = on;
    $('.cb-spinner').hidden = !on;
    $('.cb-submit-label').textContent = on ? 'Sending…' : texts.submit;
  }

  // ---- the status panel ----

  let shown = null;
  function show(v, { focus = false } = {}) {
    const first = status.hidden;
    form.hidden = true;
    status.hidden = false;
    status.dataset.tone = v.tone;
    status.dataset.state = v.key;
    if (shown?.key !== v.key || shown?.message !== v.message) say(announcement(v));
    shown = v;
    title.textContent = v.title;
    $('.cb-status-msg').textContent = v.message;
    const icon = $('.cb-icon');
    icon.dataset.icon = v.icon;
    icon.innerHTML = ICONS[v.icon]
      ? `<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${ICONS[v.icon]}</svg>`
      : '';
    renderSteps(v);
    const actions = $('.cb-actions');
    actions.replaceChildren(...v.actions.map((a) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = `cb-btn ${a.primary ? 'cb-btn-primary' : 'cb-btn-secondary'}`;
      b.textContent = a.label;
      b.dataset.action = a.id;
      return b;
    }));
    if (focus || first) title.focus();
  }

  function renderSteps(v) {
    const list = $('.cb-steps');
    list.hidden = v.step === null;
    if (v.step === null) return;
    const failed = v.terminal && v.tone !== 'success';
    list.replaceChildren(...STEPS.map((label, i) => {
      const li = document.createElement('li');
      let state = i < v.step || (i === v.step && v.terminal && !failed) ? 'done' : 'todo';
      if (i === v.step && !v.terminal) state = 'current';
      if (i === v.step && failed) state = 'failed';
      li.dataset.state = state;
      li.textContent = label;
      if (state === 'current') li.setAttribute('aria-current', 'step');
      const note = { done: 'done', failed: 'did not go through' }[state];
      if (note) {
        const sr = document.createElement('span');
        sr.className = 'cb-sr';
        sr.textContent = ` (${note})`;
        li.append(sr);
      }
      return li;
    }));
  }

  $('.cb-actions').addEventListener('click', (event) => {
    const action = event.target.closest('button')?.dataset.action;
    if (action === 'resume' && lastCallId) resume();
    else if (action === 'retry' && lastPayload && !turnstile?.api) place(lastPayload);
    else if (action) showForm({ focus: true }); // with Turnstile on, a retry needs a new check
  });

  function showForm({ focus = false } = {}) {
    attempt?.abort();
    shown = null;
    status.hidden = true;
    form.hidden = false;
    if (focus) {
      phone.focus();
      phone.select();
    }
  }

  // The live region: cleared first, so the same words are announced again when repeated.
  let liveTimer;
  function say(text) {
    live.textContent = '';
    clearTimeout(liveTimer);
    liveTimer = setTimeout(() => (live.textContent = text), 50);
  }

  // ---- Turnstile (only when the Worker asks for it) ----

  async function startTurnstile(siteKey) {
    const box = $('.cb-turnstile');
    try {
      const ts = await loadTurnstile();
      turnstile = { api: ts, token: '' };
      box.hidden = false;
      turnstile.widgetId = ts.render(box, {
        sitekey: siteKey,
        size: 'flexible',
        callback: (token) => {
          turnstile.token = token;
          $('.cb-turnstile-msg').hidden = true;
        },
        'expired-callback': () => (turnstile.token = ''),
        'error-callback': () => (turnstile.token = ''),
      });
    } catch {
      // The check could not load (blocked, offline): send without a token; the API answers
      // captcha_failed, which the status panel explains.
      turnstile = { api: null, token: '' };
    }
  }

  function resetTurnstile() {
    if (!turnstile?.api) return;
    turnstile.token = '';
    turnstile.api.reset(turnstile.widgetId);
  }

  // ---- start ----

  api.getConfig({ signal: abortAll.signal }).then((c) => {
    config = c || {};
    if (!known(options.country) && known(config.defaultCountry)) country.value = known(config.defaultCountry);
    const allowed = describePrefixes(config.allowedPrefixes);
    hint = allowed ? `We can call ${allowed}.` : '';
    if (!phoneMsg.dataset.tone) setPhoneMessage(hint);
    if (config.turnstileSiteKey) startTurnstile(config.turnstileSiteKey);
    $('.cb-sandbox').hidden = config.sandbox !== true;
  }, (e) => {
    // Refused by the CORS allow-list: say so now. Otherwise the form stays; sending will tell.
    if (e.code === 'origin_not_allowed') show(errorView(e));
  });

  return {
    focus: () => (form.hidden ? title : phone).focus(),
    destroy() {
      abortAll.abort();
      attempt?.abort();
      container.replaceChildren();
    },
  };
}
