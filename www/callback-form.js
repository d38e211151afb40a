// The call-back form and the call's status, wired to the DOM. The page (app.js) and the widget
// (widget.js, inside a shadow root) both mount it. Its state is one object (call-state.js
// formState) changed only through update(patch), which renders it; what the state reads as
// comes from call-state.js, and every word from the visitor's catalog (i18n.js).

import {
  announcement, cancelledView, errorView, formState, formView, isTerminal, keyFor, pendingAfter,
  sendingView, slotGroups, statusView, stepStates, whenText,
} from './call-state.js';
import { LIMITS, clean, createApi, pageContext } from './api.js';
import { asciiDigits, checkPhone, countryCode, countryOptions, describePrefixes, loadCore } from './phone.js';
import { translate } from './i18n.js';

const TURNSTILE_SRC = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit';

const ICONS = {
  phone: '<path d="M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2"/>',
  check: '<circle cx="12" cy="12" r="9"/><path d="m8 12.5 2.5 2.5L16 9.5"/>',
  alert: '<circle cx="12" cy="12" r="9"/><path d="M12 7.5v5.5M12 16.5v.01"/>',
  clock: '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
  block: '<circle cx="12" cy="12" r="9"/><path d="m6 6 12 12"/>',
};

// The optional fields a site turns on (data-fields="name,note"), in the form's order.
// Their labels are the catalog's `${key}Label`.
const LEAD_FIELDS = {
  name: `<input id="@name" name="name" type="text" autocomplete="name" maxlength="${LIMITS.name}" aria-describedby="@name-msg">`,
  note: `<textarea id="@note" name="note" rows="3" maxlength="${LIMITS.note}" aria-describedby="@note-msg"></textarea>`,
};

const TEMPLATE = `
<form class="cb-form" novalidate>
  <!--name-->
  <div class="cb-fields">
    <div class="cb-field cb-field-country">
      <label for="@country" data-t="country"></label>
      <select id="@country" name="country" autocomplete="country"></select>
    </div>
    <div class="cb-field cb-field-phone">
      <label for="@phone" data-t="phone"></label>
      <input id="@phone" name="phone" type="tel" inputmode="tel" autocomplete="tel"
        spellcheck="false" required aria-describedby="@phone-msg">
    </div>
  </div>
  <p id="@phone-msg" class="cb-msg cb-phone-msg"></p>
  <!--note-->
  <p class="cb-msg cb-hours" hidden></p>
  <button class="cb-link cb-pick" type="button" aria-expanded="false" aria-controls="@slot-field"></button>
  <div id="@slot-field" class="cb-field cb-field-slot" hidden>
    <label for="@slot" data-t="slotLabel"></label>
    <select id="@slot" name="slot"></select>
  </div>
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
  <p class="cb-sandbox" data-t="sandbox" hidden></p>
</form>
<section class="cb-status" hidden>
  <div class="cb-status-head">
    <span class="cb-icon" aria-hidden="true"></span>
    <hN class="cb-status-title" tabindex="-1"></hN>
  </div>
  <p class="cb-status-msg"></p>
  <ol class="cb-todo"></ol>
  <ol class="cb-steps" data-t-label="progress"></ol>
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
 * options: words (i18n.js loadWords), api (API origin, '' = this page's), country (default
 * country code), fields (the optional fields to show: "name,note", either or both; other words
 * are ignored), texts (the site's own `submit`, `consent`, `privacy`), headingLevel (of the
 * status title: 2 unless said). setWords(words) says it all again in another language.
 */
export function mountCallback(container, options = {}) {
  const id = `cb${++mounted}`;
  const texts = options.texts || {};
  const api = createApi(options.api || '');
  const abortAll = new AbortController();

  const level = Math.min(6, Math.max(1, Number(options.headingLevel) || 2));
  const wanted = String(options.fields || '').toLowerCase().split(/[\s,]+/);
  let html = TEMPLATE;
  for (const [key, control] of Object.entries(LEAD_FIELDS)) {
    html = html.replace(`<!--${key}-->`, wanted.includes(key)
      ? `<div class="cb-field cb-lead"><label for="@${key}" data-t="${key}Label"></label>${control}<p id="@${key}-msg" class="cb-msg" hidden></p></div>`
      : '');
  }
  container.innerHTML = html.replaceAll('@', `${id}-`).replaceAll('hN', `h${level}`);
  const $ = (selector) => container.querySelector(selector);
  // The optional fields shown: name -> {input, msg}.
  const lead = new Map(Object.keys(LEAD_FIELDS).filter((key) => wanted.includes(key)).map((key) => {
    const input = $(`#${id}-${key}`);
    input.addEventListener('input', () => state.fieldError?.field === key && update({ fieldError: null }));
    return [key, { input, msg: $(`#${id}-${key}-msg`) }];
  }));
  const form = $('.cb-form');
  const country = $('select');
  const phone = $('input[type=tel]');
  const phoneMsg = $(`#${id}-phone-msg`);
  const consent = $('input[type=checkbox]');
  const consentMsg = $(`#${id}-consent-msg`);
  const turnstileBox = $('.cb-turnstile');
  const turnstileMsg = $('.cb-turnstile-msg');
  const submit = $('.cb-submit');
  const hoursMsg = $('.cb-hours');
  const pick = $('.cb-pick');
  const slotField = $('.cb-field-slot');
  const slotSelect = slotField.querySelector('select');
  const status = $('.cb-status');
  const title = $('.cb-status-title');
  const live = $('.cb-live');

  // What is running rather than shown: the call being placed or followed (its AbortController),
  // the latest check of the number (a sequence number: only its verdict shows), the timers, the
  // Turnstile widget.
  const running = { attempt: null, checks: 0, typing: 0, saying: 0, turnstile: null };

  // ---- the state, its one update path, and rendering ----

  let state = formState(countryCode(options.country) || 'IN', options.words);

  function update(patch) {
    const before = state;
    state = { ...state, ...patch };
    render(before);
  }

  /** The words that do not change with the state: labels, the site's texts, the options. */
  function sayWords() {
    const t = state.words;
    translate(container, t);
    $('.cb-consent-label').textContent = texts.consent || t('consent');
    $('.cb-fine').textContent = texts.privacy || t('privacy');
    country.replaceChildren(...countryOptions(t).map((c) => new Option(c.label, c.code)));
    if (state.slots) fillSlots(state.slots);
  }

  function render(before) {
    const t = state.words;
    const reworded = t !== before.words;
    if (reworded) sayWords();
    const v = formView(state, texts.submit || t('submit'));
    country.value = state.country;
    phoneMsg.textContent = v.phone.text;
    phoneMsg.dataset.tone = v.phone.tone;
    if (v.phone.tone === 'error') phone.setAttribute('aria-invalid', 'true');
    else phone.removeAttribute('aria-invalid');
    showMessage(consentMsg, v.consent);
    showMessage(hoursMsg, v.hours);
    slotField.hidden = v.picker !== 'open';
    pick.hidden = v.picker === 'hidden';
    pick.setAttribute('aria-expanded', String(v.picker === 'open'));
    pick.textContent = v.pick;
    showMessage(turnstileMsg, v.turnstile);
    turnstileBox.hidden = !state.turnstile;
    submit.disabled = state.busy;
    phone.readOnly = state.busy;
    for (const [key, { input, msg }] of lead) {
      const error = state.fieldError?.field === key ? v.fieldError : '';
      showMessage(msg, error);
      msg.dataset.tone = error && 'error';
      if (error) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      input.readOnly = state.busy;
    }
    $('.cb-spinner').hidden = !state.busy;
    $('.cb-submit-label').textContent = v.submit;
    $('.cb-sandbox').hidden = !v.sandbox;
    form.hidden = Boolean(state.view);
    status.hidden = !state.view;
    if (state.view && (state.view !== before.view || reworded)) renderStatus(state.view(t), before.view?.(before.words));
  }

  function showMessage(el, text) {
    el.hidden = !text;
    if (text) el.textContent = text;
  }

  function renderStatus(v, previous) {
    const t = state.words;
    status.dataset.tone = v.tone;
    status.dataset.state = v.key;
    if (previous?.key !== v.key || previous?.message !== v.message) say(announcement(t, v));
    title.textContent = v.title;
    $('.cb-status-msg').textContent = v.message;
    $('.cb-todo').replaceChildren(...v.todo.map((text) => {
      const li = document.createElement('li');
      const [head, ...tail] = v.tel ? text.split(v.tel.text) : [text];
      li.append(head);
      if (tail.length) {
        const link = document.createElement('a');
        link.href = v.tel.href;
        link.textContent = v.tel.text;
        li.append(link, tail.join(v.tel.text));
      }
      return li;
    }));
    const icon = $('.cb-icon');
    icon.dataset.icon = v.icon;
    icon.innerHTML = ICONS[v.icon]
      ? `<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${ICONS[v.icon]}</svg>`
      : '';
    const steps = stepStates(t, v);
    const list = $('.cb-steps');
    list.hidden = steps.length === 0;
    list.replaceChildren(...steps.map(({ label, state: step }) => {
      const li = document.createElement('li');
      li.dataset.state = step;
      li.textContent = label;
      if (step === 'current') li.setAttribute('aria-current', 'step');
      const note = { done: t('stepDone'), failed: t('stepFailed') }[step];
      if (note) {
        const sr = document.createElement('span');
        sr.className = 'cb-sr';
        sr.textContent = ` (${note})`;
        li.append(sr);
      }
      return li;
    }));
    $('.cb-actions').replaceChildren(...v.actions.map((a) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = `cb-btn ${a.primary ? 'cb-btn-primary' : 'cb-btn-secondary'}`;
      b.textContent = a.label;
      b.dataset.action = a.id;
      return b;
    }));
    if (!previous) title.focus();
  }

  /** Shows a view (a function of the words) in the status panel; `focus` moves focus to its title. */
  function show(view, focus = false) {
    update({ view });
    if (focus) title.focus();
  }

  function showForm(focus = false) {
    running.attempt?.abort();
    update({ view: null });
    if (focus) {
      phone.focus();
      phone.select();
    }
  }

  // The live region: cleared first, so the same words are announced again when repeated.
  function say(text) {
    live.textContent = '';
    clearTimeout(running.saying);
    running.saying = setTimeout(() => (live.textContent = text), 50);
  }

  sayWords();
  render(state);

  // ---- the number and consent fields ----

  /** Checks the number, then applies `patch` with the verdict (unless a newer check started). */
  async function checkNumber(patch = {}) {
    const seq = ++running.checks;
    const number = await checkPhone(phone.value, state.country);
    update(seq === running.checks ? { ...patch, number } : patch);
    return number;
  }

  phone.addEventListener('input', () => {
    clearTimeout(running.typing);
    running.typing = setTimeout(checkNumber, 300);
  });
  phone.addEventListener('focus', loadCore, { once: true });
  phone.addEventListener('blur', () => {
    clearTimeout(running.typing);
    checkNumber(phone.value.trim() ? { touched: true } : {});
  });
  country.addEventListener('change', () => {
    update({ country: country.value, countryPicked: true });
    if (phone.value.trim()) checkNumber();
  });
  consent.addEventListener('change', () => consent.checked && update({ consentMissing: false }));

  // ---- the slot picker: a plain <select> of the next bookable times, grouped by day ----

  pick.addEventListener('click', async () => {
    if (state.picking) {
      update({ picking: false, slot: '' });
      return;
    }
    update({ picking: true });
    if (!state.slots) {
      try {
        const { slots } = await api.getSlots({ signal: abortAll.signal });
        update({ slots });
        fillSlots(slots);
      } catch {
        update({ picking: false });
        return;
      }
    }
    slotSelect.focus();
  });
  slotSelect.addEventListener('change', () => update({ slot: slotSelect.value }));

  function fillSlots(slots) {
    const t = state.words;
    const first = new Option(t('slotSoonest'), '');
    const groups = slotGroups(t, slots, { zone: state.config.hours?.timezone }).map((g) => {
      const group = document.createElement('optgroup');
      group.label = g.label;
      group.append(...g.options.map((o) => new Option(o.label, o.value)));
      return group;
    });
    slotSelect.replaceChildren(first, ...groups);
    slotSelect.value = state.slot;
  }

  // ---- sending and following a call ----

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (state.busy) return;
    update({ busy: true });
    const number = await checkNumber({ touched: true });
    if (!number.ok) {
      // Pressing the button makes an empty number an error too.
      update({ busy: false, number: { ...number, empty: false } });
      say(phoneMsg.textContent);
      phone.focus();
    } else if (!consent.checked) {
      update({ busy: false, consentMissing: true });
      say(consentMsg.textContent);
      consent.focus();
    } else if (state.turnstile && !state.token) {
      update({ busy: false, turnstileMissing: true });
      say(turnstileMsg.textContent);
    } else {
      // What the visitor typed and agreed to (the words they saw), and where they came from.
      const payload = { phone: asciiDigits(phone.value).trim(), country: state.country };
      for (const [key, { input }] of lead) {
        const value = clean(input.value, LIMITS[key], key === 'note');
        if (value) payload[key] = value;
      }
      payload.consent = { given: true, text: clean($('.cb-consent-label').textContent, LIMITS.consent, true) };
      Object.assign(payload, pageContext(location.href, document.referrer));
      place(state.slot ? { ...payload, at: state.slot } : payload);
    }
  });

  // Places a call and follows it to the end. Each request has an Idempotency-Key (a double
  // click or a network retry places one call), kept for "Try again" while the call may exist
  // and the number is unchanged, and an AbortController (a newer attempt, or going back to the
  // form, stops following the older one).
  async function place(payload) {
    const { signal, done } = begin();
    const key = keyFor(state.pending, payload, newKey);
    update({ payload, pending: null });
    const body = state.token ? { ...payload, turnstileToken: state.token } : payload;
    if (state.view) show(sendingView);
    else say(announcement(state.words, sendingView(state.words)));
    const send = (b) => api.postCall(b, key, { signal });
    try {
      // Should the Worker refuse the page, referrer or UTM (pageContext keeps them within its
      // limits), the visitor cannot fix them: ask once more without them.
      const call = await send(body)
        .catch((e) => {
          if (!/^(page|referrer|utm)\b/.test(e.field)) throw e;
          const { page, referrer, utm, ...rest } = body;
          return send(rest);
        })
        .catch((e) => {
          update({ pending: pendingAfter(e, key, payload) });
          throw e;
        })
        .finally(resetTurnstile);
      update({ callId: call.id });
      show(viewOf(call), true);
      if (!isTerminal(call.status)) await follow(call.id, signal);
    } catch (e) {
      if (signal.aborted) return;
      if (e.code === 'invalid_phone') {
        showForm();
        update({ touched: true, number: { ok: false, input: payload.phone, country: payload.country } });
        say(phoneMsg.textContent);
        phone.focus();
      } else if (e.code === 'invalid_field' && lead.has(e.field)) {
        // A name or note the Worker refused: said next to it, for the visitor to change.
        showForm();
        update({ fieldError: { field: e.field, message: e.message } });
        const { input, msg } = lead.get(e.field);
        say(msg.textContent);
        input.focus();
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
      await follow(state.callId, signal);
    } catch (e) {
      if (!signal.aborted) showError(e);
    } finally {
      done();
    }
  }

  const follow = (callId, signal) => api.followCall(callId, (c) => show(viewOf(c)), { signal });
  const viewOf = (call) => (t) => statusView(t, call.status, {
    when: whenText(t, call.scheduledFor, { zone: state.config.hours?.timezone }),
    attempt: call.attempt,
  });

  /** Cancels the booked call, then says so. */
  async function cancelCall() {
    const { signal, done } = begin();
    try {
      await api.cancelCall(state.callId, { signal });
      show(cancelledView, true);
    } catch (e) {
      if (signal.aborted) return;
      // Too late (it is being placed): follow it instead.
      if (e.code === 'not_cancelable') await follow(state.callId, signal).catch(showError);
      else showError(e);
    } finally {
      done();
    }
  }
  const showError = (e) => show((t) => errorView(t, e, { allowed: describePrefixes(t, state.config.allowedPrefixes) }), true);

  function begin() {
    running.attempt?.abort();
    const controller = new AbortController();
    running.attempt = controller;
    update({ busy: true });
    return { signal: controller.signal, done: () => running.attempt === controller && update({ busy: false }) };
  }

  $('.cb-actions').addEventListener('click', (event) => {
    const action = event.target.closest('button')?.dataset.action;
    if (action === 'resume' && state.callId) resume();
    else if (action === 'cancel' && state.callId) cancelCall();
    else if (action === 'retry' && state.payload && !state.turnstile) place(state.payload);
    else if (action) showForm(true); // with Turnstile on, a retry needs a new check
  });

  // ---- Turnstile (only when the Worker asks for it) ----

  async function startTurnstile(siteKey) {
    try {
      const ts = await loadTurnstile();
      update({ turnstile: true, token: '' });
      const widgetId = ts.render(turnstileBox, {
        sitekey: siteKey,
        action: 'call', // the Worker accepts tokens solved for this action only
        size: 'flexible',
        callback: (token) => update({ token, turnstileMissing: false }),
        'expired-callback': () => update({ token: '' }),
        'error-callback': () => update({ token: '' }),
      });
      running.turnstile = { api: ts, widgetId };
    } catch {
      // The check could not load (blocked, offline): send without a token; the API answers
      // captcha_failed, which the status panel explains.
      update({ turnstile: false, token: '' });
    }
  }

  function resetTurnstile() {
    if (!state.turnstile) return;
    update({ token: '' });
    running.turnstile.api.reset(running.turnstile.widgetId);
  }

  // ---- start ----

  api.getConfig({ signal: abortAll.signal }).then((c) => {
    const config = c || {};
    // A country the visitor picked, or the page or widget names, wins over the Worker's default.
    const fallback = !countryCode(options.country) && !state.countryPicked && countryCode(config.defaultCountry);
    update(fallback ? { config, country: fallback } : { config });
    if (config.turnstileSiteKey) startTurnstile(config.turnstileSiteKey);
  }, (e) => {
    // Refused by the CORS allow-list: say so now. Otherwise the form stays; sending will tell.
    if (e.code === 'origin_not_allowed') show((t) => errorView(t, e));
  });

  return {
    focus: () => (state.view ? title : lead.get('name')?.input || phone).focus(),
    setWords: (words) => update({ words }),
    destroy() {
      abortAll.abort();
      running.attempt?.abort();
      container.replaceChildren();
    },
  };
}
