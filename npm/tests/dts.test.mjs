// The TypeScript declarations wasm-bindgen generates (from the doc comments and types in
// npm/src/) are part of the public API: they are pinned by golden files in npm/tests/golden/, so any change
// shows up as a diff to review. `BLESS=1 node --test npm/tests/dts.test.mjs` (or
// `BLESS=1 scripts/test-js.sh`) rewrites the goldens from pkg/ after `scripts/build-pkg.sh`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { ROOT } from './support/fixtures.mjs';

const FILES = [
  ['pkg/exotel_connect.d.ts', 'npm/tests/golden/exotel_connect.d.ts'],
  ['pkg/exotel_connect.d.cts', 'npm/tests/golden/exotel_connect.d.cts'],
];

for (const [built, golden] of FILES) {
  test(`${built} matches the golden ${golden}`, () => {
    const actual = readFileSync(ROOT + built, 'utf8');
    if (process.env.BLESS) {
      writeFileSync(ROOT + golden, actual);
      return;
    }
    const expected = readFileSync(ROOT + golden, 'utf8');
    if (actual !== expected) {
      const a = actual.split('\n');
      const e = expected.split('\n');
      const line = a.findIndex((l, i) => l !== e[i]);
      assert.fail(`${built} differs from ${golden} from line ${line + 1}:\n  built:  ${a[line]}\n  golden: ${e[line]}\n`
        + 'If the API change is intended, run BLESS=1 scripts/test-js.sh and review the diff.');
    }
  });

  test(`${built}: real types, no \`any\`, outside wasm-bindgen's raw InitOutput`, () => {
    const text = readFileSync(ROOT + built, 'utf8').replace(/export interface InitOutput \{[^}]*\}/s, '');
    const anys = text.split('\n').filter((l) => /\bany\b/.test(l.replace(/\/\*\*.*|^\s*\*.*/, '')));
    assert.deepEqual(anys, []);
  });

  test(`${built}: every function and option is declared and documented`, () => {
    const text = readFileSync(ROOT + built, 'utf8');
    const functions = ['connectRequest', 'connectTwoNumbersRequest', 'callDetailsRequest', 'parseCall',
      'parseResponse', 'parseStatusCallback', 'normalizePhone', 'connect', 'connectTwoNumbers', 'callDetails',
      'isExotelConnectError', 'customerWhitelistRequest', 'whitelistDetailsRequest', 'parseWhitelist'];
    for (const name of functions) {
      assert.match(text, new RegExp(`\\*/\\nexport function ${name}\\(`), `${name} has no doc comment`);
    }
    for (const name of ['ConnectOptions', 'ConnectTwoNumbersOptions', 'CallDetailsOptions', 'SendOptions',
      'HttpRequest', 'Call', 'StatusCallback', 'ExotelConnectError', 'CustomerWhitelistOptions',
      'WhitelistDetailsOptions', 'WhitelistDetails']) {
      assert.match(text, new RegExp(`\\*/\\nexport interface ${name} `), `${name} is not declared with docs`);
    }
    // Every property of the option and result interfaces carries a doc comment.
    const undocumented = text.split('\n').filter((l, i, all) => /^ {2}\w+\??: /.test(l) && !all[i - 1].trim().endsWith('*/'));
    assert.deepEqual(undocumented, []);
  });
}
