// Phone numbers in the Worker's tests: fresh ones for each call, and the record of every number
// a suite used, for the privacy scan at the end of each Worker suite (support/secrets.mjs,
// scanSuite), which looks for each of them in every response, log line and webhook payload in
// whatever spelling it could take there.
//
//   const freshNumber = numberSource('97');
//   const { typed, e164, masked } = freshNumber();   // '97…', '+9197…', '+91******1234'
//   useNumber('+44 20 7946 0958');                    // a number the scan must also look for
//   numberNeedle('+1 (415) 555-2671');                 // '4155552671'
//   digitsOf('call +1 (415) ５５５-2671');              // 'call +14155552671'
//
// Numbers typed in a request to a Worker (a JSON or form field named `phone`, `From`, `To`...)
// are recorded by the harness itself (support/worker.mjs); numbers that reach the Worker some
// other way (stored straight into D1, sent by the mock Exotel) are given with useNumber().

/**
 * Indian mobile numbers no other test in the run has used, so the per-number limits never
 * couple two tests: `prefix` (two digits) keeps each suite's numbers apart, the clock keeps
 * runs apart, and a counter keeps calls within a run apart. Each is recorded for the scan.
 */
export function numberSource(prefix) {
  let next = 0;
  return () => {
    next += 1;
    const local = `${prefix}${String(Date.now() % 1e6).padStart(6, '0')}${String(next).padStart(2, '0')}`;
    useNumber(local);
    return { typed: local, e164: `+91${local}`, masked: `+91******${local.slice(-4)}` };
  };
}

/** Every number the suite used, as typed; see usedNumbers(). */
const used = new Set();

/** Records `typed` (as typed: any spelling, any digits) as a number the scan looks for. */
export function useNumber(typed) {
  if (typed !== undefined && typed !== null) used.add(String(typed));
}

/** The numbers recorded so far, each with the digits the scan looks for (numberNeedle). */
export function usedNumbers() {
  const out = new Map();
  for (const typed of used) {
    const needle = numberNeedle(typed);
    if (needle && !out.has(needle)) out.set(needle, typed);
  }
  return [...out].map(([needle, typed]) => ({ needle, typed }));
}

/** Country calling codes of one digit; the two-digit ones; every other is three digits. */
const CC1 = new Set(['1', '7']);
const CC2 = new Set(
  '20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98'.split(' '),
);

/** The national number of international digits (country code first). */
function withoutCountryCode(digits) {
  if (CC1.has(digits[0])) return digits.slice(1);
  if (CC2.has(digits.slice(0, 2))) return digits.slice(2);
  return digits.slice(3);
}

/**
 * The digits the scan looks for to find `typed` in any spelling: its national number (after a
 * `+` or `00` and the country code, or a trunk `0`), at most its last ten digits. Any writing of
 * the full number, with or without the country code, holds them once digitsOf() has joined its
 * digits. Null when there are fewer than eight: that is no full number, and so short a run of
 * digits turns up by chance.
 */
export function numberNeedle(typed) {
  const text = asciiDigits(String(typed).normalize('NFKC')).trim();
  const digits = text.replace(/\D/g, '');
  let national;
  if (text.startsWith('+')) national = withoutCountryCode(digits);
  else if (digits.startsWith('00')) national = withoutCountryCode(digits.slice(2));
  else national = digits.replace(/^0+/, '');
  return national.length >= 8 ? national.slice(-10) : null;
}

/** Unicode decimal digits (`\p{Nd}`): each script's ten come in order, 0 first. */
const ND = /\p{Nd}/u;
const zeroOf = new Map();

/** The value 0-9 of a decimal digit `c` of any script. */
function digitValue(c) {
  const code = c.codePointAt(0);
  if (code <= 0x39) return code - 0x30;
  let zero = zeroOf.get(code);
  if (zero === undefined) {
    zero = code;
    while (ND.test(String.fromCodePoint(zero - 1))) zero -= 1;
    zeroOf.set(code, zero);
  }
  return (code - zero) % 10;
}

/** `text` with every decimal digit of any script (Devanagari, full-width, mathematical...) as 0-9. */
export function asciiDigits(text) {
  return text.replace(/\p{Nd}/gu, (c) => String(digitValue(c)));
}

/**
 * What may stand between two digits of one number as people write it: spaces of every kind,
 * invisible format characters (zero-width, bidi controls, soft hyphen), dashes, dots and
 * parentheses, up to three in a row (`) (`, ` - `).
 */
const SEPARATOR = String.raw`[\s\p{Cf}\-\u2010-\u2015\u2212\uFE58\uFE63\uFF0D.\u00B7\u2024\uFF0E()\uFF08\uFF09]`;
const BETWEEN_DIGITS = new RegExp(String.raw`(?<=\d)${SEPARATOR}{1,3}(?=\d)`, 'gu');

/**
 * `text` with every digit as 0-9 and the separators between digits dropped, so that a number
 * written `+91 98765-43210`, `(415) 555.2671` or in Devanagari digits reads as one run of
 * digits; numberNeedle() gives what to look for in it.
 */
export function digitsOf(text) {
  return asciiDigits(text).replace(BETWEEN_DIGITS, '');
}
