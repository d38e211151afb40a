// Checking the number as the visitor types. The rules are the core's: the npm package's wasm
// build (copied to vendor/ by the build) is loaded lazily, on first use. When it is missing or
// fails to load, localNormalize applies the same rules restated in JS, and the API has the last
// word (it answers `invalid_phone`). tests/browser/phone-rules.test.mjs holds the restated rules
// and the country list to the core's, on the fixtures and on generated numbers in every form.

/**
 * The country selector: the countries whose numbering rules the core knows (src/phone.rs,
 * Country::ALL), India first (the default), then by name. `name`: the core's (the selector
 * shows Intl's, in the visitor's language); `dial`: the calling code without "+";
 * `trunk`: what people type before a national number (the 1 of NANP's 1-NXX-NXX-XXXX);
 * `digits`: the national number's lengths [min, max]; `first`: the digits it may start with.
 */
export const COUNTRIES = [
  { code: 'IN', name: 'India', dial: '91', trunk: '0', digits: [10, 10], first: '123456789' },
  { code: 'CA', name: 'Canada', dial: '1', trunk: '1', digits: [10, 10], first: '23456789' },
  { code: 'SG', name: 'Singapore', dial: '65', digits: [8, 8], first: '3689' },
  { code: 'AE', name: 'United Arab Emirates', dial: '971', trunk: '0', digits: [8, 9], first: '2345679' },
  { code: 'GB', name: 'United Kingdom', dial: '44', trunk: '0', digits: [9, 10], first: '12357' },
  { code: 'US', name: 'United States', dial: '1', trunk: '1', digits: [10, 10], first: '23456789' },
];

const byCode = (code) => COUNTRIES.find((c) => c.code === code) || COUNTRIES[0];

/** The country's name in the visitor's language ("India", "भारत"). */
export const countryName = (t, code) => new Intl.DisplayNames(t.locale, { type: 'region' }).of(code);

/** The selector's options, [{code, label}]: India first, then by name in the visitor's language. */
export function countryOptions(t) {
  const [first, ...rest] = COUNTRIES.map((c) => ({ code: c.code, label: `${countryName(t, c.code)} (+${c.dial})` }));
  return [first, ...rest.sort((a, b) => a.label.localeCompare(b.label, t.locale))];
}

/**
 * `text` with the digits of India's scripts and full-width ones as 0-9, as the core reads them
 * (src/phone.rs, READ_DIGIT_ZEROS); digits of two scripts are left for the core to refuse.
 */
const ZEROS = [0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0x1c50, 0xff10, 48];
export function asciiDigits(text) {
  const scripts = new Set();
  const out = String(text ?? '').replace(/./gu, (ch) => {
    const c = ch.codePointAt(0);
    const zero = ZEROS.find((z) => c >= z && c < z + 10);
    if (zero === undefined) return ch;
    scripts.add(zero);
    return String(c - zero);
  });
  return scripts.size > 1 ? String(text) : out;
}

/** The page's country that `code` names, read as the core reads it ("uk" is "GB"), or null. */
export function countryCode(code) {
  const iso = String(code ?? '').trim().toUpperCase().replace(/^UK$/, 'GB');
  return COUNTRIES.some((c) => c.code === iso) ? iso : null;
}

let core; // Promise<((input, country) => string) | null>

/** Loads the core's normalizer once; resolves to null when it is not available. */
export function loadCore() {
  core ||= import('./vendor/exotel-connect/exotel_connect.js')
    .then(async (mod) => {
      await mod.default();
      return typeof mod.normalizePhone === 'function' ? mod.normalizePhone : null;
    })
    .catch(() => null);
  return core;
}

/**
 * Checks what the visitor typed. Resolves to `{ok: true, e164}`, or `{ok: false, input, country}`
 * (explain says why, in the visitor's words) with `empty: true` when nothing was typed.
 */
export async function checkPhone(input, country) {
  const text = asciiDigits(input).trim();
  if (!/\d/.test(text)) return { ok: false, empty: text === '', input: text, country };
  const normalize = await loadCore();
  let e164 = null;
  try {
    e164 = normalize ? normalize(text, country) : localNormalize(text, country);
  } catch (e) {
    // Only the core's verdict on the number counts; on anything else, the local check decides.
    if (e?.code !== 'invalid_phone') e164 = localNormalize(text, country);
  }
  return e164 ? { ok: true, e164 } : { ok: false, input: text, country };
}

// What the core skips between digits: Rust's whitespace (char::is_whitespace, which is not JS's
// \s: U+0085 is in, U+FEFF is out) and the marks people type.
const SPACE = '\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_SPACE = new RegExp(`^[${SPACE}]+`);
const SKIPPED = new RegExp(`[${SPACE}\\-.()/]`, 'g');

/**
 * The core's PhoneNumber::parse, restated: a `+` only first, `00` for international, the
 * country's trunk prefix, India's 91 without `+`, then the country's lengths and first digits
 * (the E.164 length alone for countries without rules). Returns E.164 or null.
 */
export function localNormalize(input, countryCode) {
  let s = asciiDigits(input).replace(/[＋－．（）]/g, (c) => '+-.()'['＋－．（）'.indexOf(c)]).replace(LEADING_SPACE, '');
  const plus = s.startsWith('+');
  s = s.slice(plus ? 1 : 0).replace(SKIPPED, '');
  if (!/^\d+$/.test(s)) return null;
  if (plus || s.startsWith('00')) {
    if (!plus) s = s.slice(2);
    const country = COUNTRIES.find((c) => s.startsWith(c.dial));
    if (!country) return /^[1-9]\d{7,14}$/.test(s) ? `+${s}` : null;
    const rest = s.slice(country.dial.length);
    // "+91 (0) 98765 43210": a trunk 0 kept after the country code.
    return national(country, country.trunk === '0' ? rest.replace(/^0/, '') : rest);
  }
  const country = byCode(countryCode);
  if (country.code === 'IN' && /^91\d{10}$/.test(s)) s = s.slice(2);
  else if (s[0] === country.trunk) s = s.slice(1);
  return national(country, s);
}

function national(country, digits) {
  const [min, max] = country.digits;
  const ok = digits.length >= min && digits.length <= max && country.first.includes(digits[0])
    && !(country.dial === '1' && digits[3] < '2'); // NANP: the exchange starts 2-9 too
  const tollFree = country.dial === '91' && /^18[06]0\d{6,7}$/.test(digits);
  return ok || tollFree ? `+${country.dial}${digits}` : null;
}

/** Why a number is not accepted, in words a visitor can act on. */
export function explain(t, input, countryCode) {
  const text = asciiDigits(input).trim();
  if (text === '') return t('enterNumber');
  if (/[^\d\s\-.()/+\u00a0]/.test(text)) return t('onlyDigits');
  const country = byCode(countryCode);
  const digits = text.replace(/\D/g, '');
  const international = /^\s*(\+|00)/.test(text);
  if (!international && country.digits[0] === 10 && country.digits[1] === 10) {
    const nat = digits.replace(country.dial === '91' ? /^0|^91(?=\d{10}$)/ : /^0|^1(?=\d{10}$)/, '');
    const where = t(country.dial === '91' ? 'digitsIndia' : 'digitsNanp');
    if (nat.length < 10) return `${t('tooShort')} ${where}`;
    if (nat.length > 10) return `${t('tooLong')} ${where}`;
  }
  if (digits.length < 7) return t('tooShort');
  if (digits.length > 15) return t('tooLong');
  return international ? t('notValid') : t('notValidIn', { country: countryName(t, country.code) });
}

/** "+919876543210" -> "+91 98765 43210", for showing the number back to the visitor. */
export function formatE164(e164) {
  const digits = String(e164).replace(/^\+/, '');
  const dials = [...new Set(COUNTRIES.map((c) => c.dial))].sort((a, b) => b.length - a.length);
  const dial = dials.find((d) => digits.startsWith(d));
  if (!dial) return e164;
  const n = digits.slice(dial.length);
  if (dial === '91' && n.length === 10) return `+91 ${n.slice(0, 5)} ${n.slice(5)}`;
  if (dial === '1' && n.length === 10) return `+1 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
  return `+${dial} ${n.replace(/(\d{4})(?=\d{3})/g, '$1 ')}`;
}

/**
 * `e164` as a visitor in India dials it: "080 4711 2400" (a landline in a city with a two-digit
 * STD code: its numbers start 2-6), "98765 43210" (a mobile), "1800 123 4567" (toll-free);
 * others as formatE164 writes them. Only the spaces are guessed: the digits dial the same.
 */
export function formatToDial(e164) {
  const n = /^\+91(\d{10,11})$/.exec(e164)?.[1] || '';
  if (/^(11|2[02]|33|4[04]|79|80)[2-6]\d{7}$/.test(n)) return `0${n.slice(0, 2)} ${n.slice(2, 6)} ${n.slice(6)}`;
  if (/^[6-9]\d{9}$/.test(n)) return `${n.slice(0, 5)} ${n.slice(5)}`;
  if (/^18[06]0/.test(n)) return `${n.slice(0, 4)} ${n.slice(4, 7)} ${n.slice(7)}`;
  return formatE164(e164);
}

/**
 * Where calls can go, for a sentence: ["+91"] -> "numbers in India (+91)",
 * ["+91", "+65"] -> "numbers in India (+91) or Singapore (+65)", ["+1"] -> "numbers starting with +1",
 * in the visitor's words.
 */
export function describePrefixes(t, prefixes = []) {
  if (prefixes.length === 0) return '';
  const names = prefixes.map((p) => {
    const matches = COUNTRIES.filter((c) => `+${c.dial}` === p);
    return matches.length === 1 ? `${countryName(t, matches[0].code)} (${p})` : null;
  });
  const or = (items) => new Intl.ListFormat(t.locale, { type: 'disjunction' }).format(items);
  return names.every(Boolean) ? t('numbersIn', { countries: or(names) }) : t('numbersStarting', { prefixes: or(prefixes) });
}
