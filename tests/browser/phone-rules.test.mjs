// The page's number rules against the core's. www/phone.js restates the core's phone rules
// (src/phone.rs) so that it can check numbers when the wasm build cannot load; these tests hold
// the restatement to the real thing: the npm package's normalizePhone, from the very wasm build
// the page loads (www/vendor/exotel-connect/, made by `make pkg`). The page's country list, its
// calling codes, names, lengths and first digits are read off the core, and the two checks must
// give the same verdict (the same E.164, or both a refusal) on every phone-like string in
// tests/fixtures/ and on generated numbers in every form people type, for every country the
// page offers.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COUNTRIES, countryCode, localNormalize } from '../../www/phone.js';

const VENDOR = new URL('../../www/vendor/exotel-connect/', import.meta.url);
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

const normalizePhone = await (async () => {
  const glue = new URL('exotel_connect.js', VENDOR);
  if (!existsSync(glue)) {
    throw new Error('www/vendor/exotel-connect/ is missing: `make pkg` builds the core for the page');
  }
  const mod = await import(glue);
  mod.initSync({ module: readFileSync(new URL('exotel_connect_bg.wasm', VENDOR)) });
  return mod.normalizePhone;
})();

/** The core's verdict: E.164, or null when it refuses the number (any other error throws). */
function core(input, country) {
  try {
    return normalizePhone(input, country);
  } catch (e) {
    if (e.code !== 'invalid_phone') throw e;
    return null;
  }
}

/** The core's message for a refused number. */
function coreRefusal(input, country) {
  try {
    normalizePhone(input, country);
  } catch (e) {
    return e.message;
  }
  assert.fail(`the core took ${JSON.stringify(input)} (${country})`);
}

const CODES = COUNTRIES.map((c) => c.code);
const DIGITS = '0123456789';

/**
 * Runs both checks on every input for every country the page offers. Fails listing where they
 * differ: "stricter" (the page refuses what the core takes), "looser" (the other way round) or
 * "different" (both take it, as different numbers).
 */
function assertSameVerdicts(inputs) {
  const differences = [];
  let checked = 0;
  for (const input of inputs) {
    for (const country of CODES) {
      checked++;
      const page = localNormalize(input, country);
      const want = core(input, country);
      if (page === want) continue;
      const kind = page === null ? 'stricter' : want === null ? 'looser' : 'different';
      const why = want === null ? `: ${coreRefusal(input, country)}` : '';
      differences.push(`${kind}: ${JSON.stringify(input)} (${country}) page ${page}, core ${want}${why}`);
    }
  }
  assert.ok(checked > 0, 'no inputs');
  assert.deepEqual(differences.slice(0, 20), [],
    `${differences.length} of ${checked} verdicts differ between www/phone.js and the core`);
  return checked;
}

test('the page offers exactly the core\'s countries, and takes the codes the core takes', () => {
  // The core names its countries when refusing an unknown one.
  const refusal = (() => {
    try {
      normalizePhone('1', 'ZZ');
    } catch (e) {
      assert.equal(e.code, 'invalid_option');
      return e.message;
    }
    return assert.fail('the core took ZZ as a country');
  })();
  const listed = refusal.match(/among ([A-Z, ]+), but got/)?.[1].split(', ');
  assert.ok(listed, `the core's countries, from: ${refusal}`);
  assert.deepEqual([...CODES].sort(), [...listed].sort());
  assert.equal(CODES[0], 'IN', 'India first, the default');

  // Every two-letter code the core takes (aliases too) names one of the page's countries.
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const a of letters) {
    for (const b of letters) {
      const code = a + b;
      let taken = true;
      try {
        normalizePhone('1', code);
      } catch (e) {
        taken = e.code === 'invalid_phone';
      }
      const page = countryCode(code);
      assert.equal(Boolean(page), taken, `${code}: the core ${taken ? 'takes' : 'refuses'} it, the page ${page ? `reads ${page}` : 'does not'}`);
      if (taken) {
        for (const number of ['07700 900123', '(415) 555-0100', '98765 43210', '6123 4567']) {
          assert.equal(localNormalize(number, page), core(number, code), `${number} (${code} as ${page})`);
        }
      }
    }
  }
  assert.equal(countryCode('uk'), 'GB');
  assert.equal(countryCode(undefined), null);
});

test('each country\'s calling code, name, lengths and first digits are the core\'s', () => {
  for (const c of COUNTRIES) {
    // A one-digit number is too short everywhere; the refusal says what the country expects.
    const refusal = coreRefusal('1', c.code);
    const m = refusal.match(/^expected (\d+)(?: or (\d+))? digits.* after \+(\d+) for (?:the )?(.+), but got /);
    assert.ok(m, `${c.code}: the core's rule, from: ${refusal}`);
    const [, min, max = min, dial, name] = m;
    assert.deepEqual(
      { dial: c.dial, name: c.name, digits: c.digits },
      { dial, name, digits: [Number(min), Number(max)] },
      c.code,
    );
    // What a national number of the shortest length may start with.
    const first = [...DIGITS].filter((d) => {
      const national = d + '2'.repeat(c.digits[0] - 1);
      return core(`+${c.dial}${national}`, c.code) === `+${c.dial}${national}`;
    });
    assert.equal(c.first, first.join(''), `${c.code}: first digits`);
  }
});

/** Every file under `dir`, recursively. */
function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? files(path) : [path];
  });
}

/**
 * The phone-like strings of the fixtures: each phone fuzz input whole, every string value of
 * the JSON and form-encoded bodies, and every run of digits and phone punctuation anywhere.
 */
function fixtureInputs() {
  const inputs = new Set();
  const add = (value) => {
    if (typeof value === 'string' && /\d/.test(value) && value.length <= 64) inputs.add(value);
    if (value && typeof value === 'object') Object.values(value).forEach(add);
  };
  for (const path of files(FIXTURES)) {
    const text = new TextDecoder().decode(readFileSync(path));
    if (path.includes('/fuzz/phone/')) inputs.add(text);
    try {
      add(JSON.parse(text));
    } catch {
      // not JSON
    }
    if (path.endsWith('.urlencoded')) for (const [, v] of new URLSearchParams(text.trim())) add(v);
    for (const run of text.match(/[+(]?\d[\d\s\-.()/+]*\d\)?/g) || []) add(run);
  }
  return [...inputs];
}

test('the same verdict as the core on the fixtures\' phone-like strings', () => {
  const inputs = fixtureInputs();
  assert.ok(inputs.length >= 50, `only ${inputs.length} phone-like strings in tests/fixtures/`);
  for (const file of readdirSync(join(FIXTURES, 'fuzz/phone'))) {
    const text = new TextDecoder().decode(readFileSync(join(FIXTURES, 'fuzz/phone', file)));
    assert.ok(inputs.includes(text), file);
  }
  assertSameVerdicts(inputs);
});

/**
 * National numbers of every length from 0 to 16 with every first digit (and NANP's exchange
 * digit low or high), toll-free-like ones, each typed bare, with a trunk 0 or 1, and after each
 * calling code the page knows (and a few it does not) with +, 00 and a kept trunk 0.
 */
function numbersInEveryForm() {
  const nationals = new Set();
  for (let length = 0; length <= 16; length++) {
    for (const first of DIGITS) {
      for (const exchange of '019') nationals.add(`${first}23${exchange}567890123456`.slice(0, length));
    }
  }
  for (const start of ['180', ...[...DIGITS].map((d) => `18${d}0`)]) {
    for (let length = 8; length <= 13; length++) nationals.add(`${start}1234567890`.slice(0, length));
  }
  const dials = [...new Set(COUNTRIES.map((c) => c.dial)), '49', '61', '7', '86', '880', '999', '0'];
  const inputs = new Set();
  for (const n of nationals) {
    for (const form of [n, `0${n}`, `1${n}`, `00${n}`, `+${n}`, `91${n}`]) inputs.add(form);
    for (const d of dials) {
      for (const form of [`+${d}${n}`, `+${d}0${n}`, `00${d}${n}`, `00${d}0${n}`, `+00${d}${n}`]) inputs.add(form);
    }
  }
  return inputs;
}

test('the same verdict as the core on numbers of every length, start and prefix', () => {
  assertSameVerdicts(numbersInEveryForm());
});

const FULL_WIDTH = (s) => s.replace(/\d/g, (d) => String.fromCodePoint(0xff10 + Number(d)));

/** How people (and pasted text) decorate a number: separators, spaces, brackets, stray marks. */
function decorations(s) {
  const plus = s.startsWith('+') ? '+' : '';
  const body = s.slice(plus.length);
  const out = [];
  const separators = [' ', '-', '.', '/', '  ', ' - ', '\u00a0', '\t', '\n', '\u3000', '\u2003', '\u202f',
    '\u0085', '\ufeff', '\u200b', '\u2011', '_', ',', '~'];
  for (const sep of separators) {
    out.push(plus + body.replace(/(\d{3})(?=\d)/g, `$1${sep}`));
    out.push(`${sep}${s}${sep}`);
  }
  out.push(
    `(${s.slice(0, 3)}) ${s.slice(3)}`, `${s.slice(0, 3)} (${s.slice(3, 6)}) ${s.slice(6)}`, `(${s})`,
    `${plus} ${body}`, ` ${s}`, `${s} `, `+${s}`, `++${body}`, `${s}+`, `${s.slice(0, 5)}+${s.slice(5)}`,
    `${s}x`, `x${s}`, `${s} ext 12`, `tel:${s}`, `${s.slice(0, 5)}O${s.slice(6)}`, `${s}#`, `*${s}`,
    FULL_WIDTH(s), FULL_WIDTH(s.slice(0, 3)) + s.slice(3), s.slice(0, -1) + FULL_WIDTH(s.slice(-1)),
    s.replace(/\d$/, '\u0969'), s.replace(/\d$/, '\u0663'), s.replace(/\d$/, '\u{1d7ce}'),
  );
  return out;
}

test('the same verdict as the core on numbers written with spaces, dashes, brackets, letters and other digits', () => {
  const typed = [];
  for (const c of COUNTRIES) {
    for (let length = c.digits[0] - 1; length <= c.digits[1] + 1; length++) {
      const n = `${c.first[0]}23456789012`.slice(0, length);
      typed.push(n, `${c.trunk || ''}${n}`, `+${c.dial}${n}`, `00${c.dial}${n}`, `+${c.dial}0${n}`, `${c.dial}${n}`);
    }
  }
  typed.push('+49 30 1234567', '+61 2 9876 5432', '1800 123 4567', '+0123456789', '+4912');
  const inputs = new Set(['', ' ', '+', '++', '00', '()', '-', '+ ', '0', '1', '\u0085', '\ufeff', '+\u0085']);
  for (const s of typed) for (const d of decorations(s)) inputs.add(d);
  for (const s of ['+91 (0) 98765 43210', '(+91) 98765 43210', '+91(0)9876543210', '0091 (0) 98765 43210']) inputs.add(s);
  assertSameVerdicts(inputs);
});
