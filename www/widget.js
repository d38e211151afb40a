/*
 * The embeddable "Call me back" widget: one <script> tag on any site; README.md, "Embed the
 * widget", lists its data-* attributes (a text attribute with -<lang> after it, data-title-hi,
 * speaks for that language only). Each call request carries the host page's URL (no fragment),
 * referrer and utm_* parameters. Button and dialog live in a shadow root, out of reach of the
 * host's CSS; the words load at once, the form (callback-form.js) at the first sign of interest.
 * A classic script (not a module), so that document.currentScript finds its attributes.
 */
(() => {
  'use strict';

  const TAG = 'exotel-callback';
  const script = document.currentScript;
  const scriptBase = script?.src ? new URL('.', script.src).href : '';

  const PHONE_ICON = '<svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2"/></svg>';
  const CLOSE_ICON = '<svg viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true"><path d="M6 6l12 12M18 6 6 18"/></svg>';

  const SHADOW = `
<link rel="stylesheet" href="">
<div class="cbw-root" hidden>
  <button type="button" class="cb-btn cb-btn-primary cbw-launcher" aria-haspopup="dialog">${PHONE_ICON}<span class="cbw-launcher-text"></span></button>
</div>
<dialog class="cbw-dialog" aria-labelledby="cbw-title">
  <div class="cbw-head">
    <h2 id="cbw-title" class="cbw-title"></h2>
    <button type="button" class="cbw-close">${CLOSE_ICON}</button>
  </div>
  <div class="cbw-body">
    <p class="cbw-intro"></p>
    <div class="cbw-form"></div>
  </div>
</dialog>`;

  class ExotelCallback extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const d = this.dataset;
      const base = d.base || scriptBase || new URL('.', location.href).href;
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = SHADOW;
      const $ = (s) => root.querySelector(s);

      const wrapper = $('.cbw-root');
      const link = $('link');
      const styled = new Promise((resolve) => {
        link.onload = resolve;
        link.onerror = resolve; // unstyled beats invisible
        setTimeout(resolve, 3000);
      });
      link.href = `${base}style.css`;

      // The site's text for `name` in t's language (data-title-hi), else in all (data-title).
      const own = (t, name) => d[name + t.lang[0].toUpperCase() + t.lang.slice(1)] || d[name];
      // Tried again after 1 s and 3 s, at new URLs: a dropped connection must not hide it for good.
      const loadWords = (n = 0) => import(`${base}i18n.js${n ? `?retry=${n}` : ''}`)
        .then((i18n) => i18n.loadWords(i18n.chooseLanguage(d.lang, navigator.languages)))
        .catch((e) => n < 2 ? new Promise((r) => setTimeout(r, 1000 * 3 ** n)).then(() => loadWords(n + 1)) : Promise.reject(e));
      const words = loadWords();
      // Without its words the widget has nothing to say: it stays hidden.
      Promise.all([words, styled]).then(([t]) => {
        for (const el of [this, wrapper, $('.cbw-dialog')]) el.lang = t.lang;
        $('.cbw-launcher-text').textContent = own(t, 'buttonText') || t('buttonText');
        $('.cbw-title').textContent = own(t, 'title') || t('title');
        $('.cbw-intro').textContent = own(t, 'intro') || t('intro');
        $('.cbw-close').setAttribute('aria-label', t('close'));
        wrapper.hidden = false;
      }, () => {});

      const launcher = $('.cbw-launcher');
      const dialog = $('.cbw-dialog');
      let form = null;
      let loading = null;

      const load = () => {
        loading ||= Promise.all([words, import(`${base}callback-form.js`)]).then(([t, mod]) => {
          form = mod.mountCallback($('.cbw-form'), {
            words: t,
            api: d.api || new URL(base).origin,
            country: d.country,
            fields: d.fields,
            headingLevel: 3,
            texts: Object.fromEntries(['submit', 'consent', 'privacy']
              .map((key) => [key, own(t, `${key}Text`)]).filter(([, v]) => v)),
          });
        });
        return loading;
      };

      // Start loading when the visitor shows interest, so the dialog opens ready.
      launcher.addEventListener('pointerenter', () => load().catch(() => {}), { once: true });
      launcher.addEventListener('focus', () => load().catch(() => {}), { once: true });

      launcher.addEventListener('click', async () => {
        launcher.setAttribute('aria-busy', 'true');
        try {
          await load();
        } catch {
          loading = null; // allow a later retry
          $('.cbw-form').textContent = (await words)('widgetUnavailable');
        }
        launcher.removeAttribute('aria-busy');
        if (!dialog.open) dialog.showModal();
        form?.focus();
      });

      $('.cbw-close').addEventListener('click', () => dialog.close());
      // A click on the backdrop lands on the dialog itself: close, like Escape does.
      dialog.addEventListener('click', (e) => e.target === dialog && dialog.close());
      dialog.addEventListener('close', () => launcher.focus());
    }
  }

  if (!customElements.get(TAG)) customElements.define(TAG, ExotelCallback);

  if (!script) return; // imported some other way: <exotel-callback> elements work on their own
  const el = document.createElement(TAG);
  for (const [key, value] of Object.entries(script.dataset)) el.dataset[key] = value;
  el.dataset.base = scriptBase;
  const floating = /^bottom-(left|right)$/.test(script.dataset.position || '');
  if (floating || script.parentNode === document.head) {
    if (!floating) el.dataset.position = 'bottom-right';
    const append = () => document.body.append(el);
    if (document.body) append();
    else document.addEventListener('DOMContentLoaded', append, { once: true });
  } else {
    script.after(el);
  }
})();
