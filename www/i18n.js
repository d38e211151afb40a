// The visitor's language: which one, its words (www/i18n/<code>.js, only the one in use is
// downloaded) and the locale Intl formats numbers, times and dates for. A new language is a
// catalog with every key of en.js, and one line here.

/** Each language: its name in itself (the switch), its locale, how its times read ("सुबह 9:30"). */
export const LANGUAGES = {
  en: { name: 'English', locale: 'en-IN' },
  hi: { name: 'हिन्दी', locale: 'hi-IN', clock: { dayPeriod: 'short' } },
};

const base = (tag) => String(tag ?? '').trim().toLowerCase().split(/[-_]/)[0];

/** The first of `tags` (language tags, or lists of them, most wanted first) with a catalog; else English. */
export function chooseLanguage(...tags) {
  return tags.flat().map(base).find((code) => Object.hasOwn(LANGUAGES, code)) || 'en';
}

/** The visitor's own regional variant of language `code` ("en-GB": a 24-hour clock), else the language's. */
export function localeFor(code, preferred = []) {
  return preferred.find((tag) => base(tag) === code && tag.includes('-')) || LANGUAGES[code].locale;
}

/** t('key', {name}): the catalog's text, each {name} filled in; with the `lang`, `locale` and `clock`. */
export function words(catalog, lang, locale = LANGUAGES[lang].locale) {
  const t = (key, params = {}) => String(catalog[key] ?? key).replace(/\{(\w+)\}/g, (all, name) => params[name] ?? all);
  return Object.assign(t, { lang, locale, clock: LANGUAGES[lang].clock || {} });
}

/** Downloads language `code`'s catalog (with this module's query, so a retry is fresh); resolves to its words. */
export async function loadWords(code, preferred = navigator.languages || []) {
  const { default: catalog } = await import(`./i18n/${code}.js${new URL(import.meta.url).search}`);
  return words(catalog, code, localeFor(code, preferred));
}

/** The words under `root`: data-t="key" sets an element's text, data-t-label="key" its aria-label. */
export function translate(root, t) {
  for (const el of root.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  for (const el of root.querySelectorAll('[data-t-label]')) el.setAttribute('aria-label', t(el.dataset.tLabel));
}
