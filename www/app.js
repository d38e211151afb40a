// The page: speaks the visitor's language, offers the language switch, and mounts the call-back
// form into #callback. The language is the one picked with the switch (remembered in this
// browser), else <html data-lang>, else the first of the browser's languages with a catalog,
// else English.
import { mountCallback } from './callback-form.js';
import { LANGUAGES, chooseLanguage, loadWords, translate } from './i18n.js';

const CHOSEN = 'exotel-connect.lang'; // localStorage: the language picked with the switch
const html = document.documentElement;
const container = document.getElementById('callback');
const languageSwitch = document.querySelector('.lang-switch');

function remembered() {
  try {
    return localStorage.getItem(CHOSEN);
  } catch {
    return null; // storage turned off: the choice lasts for this visit
  }
}

/** Loads language `code` (English should its catalog not arrive) and says the page in it. */
async function speak(code) {
  const t = await loadWords(code).catch(() => loadWords('en'));
  html.lang = t.lang;
  translate(document, t);
  document.title = t('title');
  document.querySelector('meta[name="description"]').content = t('intro');
  showSwitch(t.lang);
  return t;
}

/** Each language by its own name: the one in use marked, the others buttons. */
function showSwitch(current) {
  const hadFocus = languageSwitch.contains(document.activeElement);
  languageSwitch.replaceChildren(...Object.entries(LANGUAGES).map(([code, { name }]) => {
    const el = document.createElement(code === current ? 'span' : 'button');
    el.lang = code;
    el.textContent = name;
    if (code === current) {
      el.setAttribute('aria-current', 'true');
    } else {
      el.type = 'button';
      el.dataset.lang = code;
    }
    return el;
  }));
  languageSwitch.hidden = false;
  if (hadFocus) languageSwitch.querySelector('button')?.focus();
}

const form = mountCallback(container, {
  words: await speak(chooseLanguage(remembered(), html.dataset.lang, navigator.languages)),
  api: container.dataset.api || '',
  country: container.dataset.country,
  fields: container.dataset.fields,
});

languageSwitch.addEventListener('click', async (event) => {
  const code = event.target.closest('button')?.dataset.lang;
  if (!code) return;
  try {
    localStorage.setItem(CHOSEN, code);
  } catch {
    // not kept: the page still switches
  }
  form.setWords(await speak(code));
});
