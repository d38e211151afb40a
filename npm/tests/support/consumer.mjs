// A fresh project that installs the packed tarball the way a user would (`npm install
// <tarball>`, offline: the package has no dependencies), with one file per way of loading it.
// scripts/test-js.sh makes one and passes it in EXOTEL_CONSUMER_DIR; a test file run on its
// own makes its own.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { ROOT } from './fixtures.mjs';

export function tarball() {
  const found = existsSync(`${ROOT}pkg`) ? readdirSync(`${ROOT}pkg`).filter((n) => /^exotel-connect-.*\.tgz$/.test(n)) : [];
  if (found.length !== 1) throw new Error(`expected one pkg/exotel-connect-*.tgz, found ${found.length}: run scripts/build-pkg.sh`);
  return `${ROOT}pkg/${found[0]}`;
}

export function makeConsumer() {
  const dir = mkdtempSync(join(tmpdir(), 'exotel-connect-consumer-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', '--loglevel=error', tarball()], {
    cwd: dir, stdio: ['ignore', 'ignore', 'inherit'],
  });
  writeFileSync(join(dir, 'esm.mjs'), 'export * from "exotel-connect";\nexport { default } from "exotel-connect";\n');
  writeFileSync(join(dir, 'cjs.cjs'), 'module.exports = require("exotel-connect");\n');
  return dir;
}

export function consumerDir() {
  return process.env.EXOTEL_CONSUMER_DIR || makeConsumer();
}

/** The package as `import 'exotel-connect'` gives it to the consumer (Node ESM). */
export async function importEsm(dir) {
  return import(pathToFileURL(join(dir, 'esm.mjs')).href);
}

/** The package as `require('exotel-connect')` gives it to the consumer (CommonJS). */
export function requireCjs(dir) {
  return createRequire(join(dir, 'cjs.cjs'))('./cjs.cjs');
}
