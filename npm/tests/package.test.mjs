// The packed tarball, installed into a fresh project, used the three ways Node code loads it:
// `import` (ESM), `require` (CommonJS) and through a bundler (esbuild, platform node). Each way
// runs every check in support/checks.mjs: golden requests byte for byte, every fixture parsed
// as the Rust tests expect, every error with its code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { checks } from './support/checks.mjs';
import { loadFixtures, ROOT } from './support/fixtures.mjs';
import { consumerDir, importEsm, requireCjs, tarball } from './support/consumer.mjs';

const dir = consumerDir();
const data = loadFixtures();

async function bundled() {
  const out = join(dir, 'dist-node');
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    stdin: { contents: 'export * from "exotel-connect"; export { default } from "exotel-connect";', resolveDir: dir },
    bundle: true, platform: 'node', format: 'esm', outfile: join(out, 'app.mjs'), logLevel: 'error',
  });
  // esbuild does not copy assets named by `new URL(..., import.meta.url)`: the wasm goes beside
  // the bundle, as docs/js.md tells bundler users.
  copyFileSync(join(dir, 'node_modules/exotel-connect/exotel_connect_bg.wasm'), join(out, 'exotel_connect_bg.wasm'));
  return import(pathToFileURL(join(out, 'app.mjs')).href);
}

const flavours = {
  'node esm': await importEsm(dir),
  'node cjs': requireCjs(dir),
  'esbuild node bundle': await bundled(),
};

for (const [flavour, m] of Object.entries(flavours)) {
  for (const check of checks(data)) {
    test(`${flavour}: ${check.name}`, () => check.run(m));
  }
}

test('node esm: the default export (init) resolves at once, so browser-style code runs', async () => {
  const m = flavours['node esm'];
  await m.default();
  await m.default();
});

test('node cjs: require gives the same functions as import', () => {
  const names = (m) => Object.keys(m).filter((k) => typeof m[k] === 'function' && !['default', 'initSync'].includes(k)).sort();
  const esm = names(flavours['node esm']);
  const cjs = names(flavours['node cjs']);
  if (JSON.stringify(esm) !== JSON.stringify(cjs)) throw new Error(`esm ${esm} vs cjs ${cjs}`);
  if (cjs.length < 11) throw new Error(`only ${cjs}`);
});

test('package.json: name, version, types, files and exports for every runtime', () => {
  const pkg = JSON.parse(readFileSync(join(dir, 'node_modules/exotel-connect/package.json'), 'utf8'));
  const cargo = readFileSync(new URL('../../Cargo.toml', import.meta.url), 'utf8').match(/^version = "(.*)"$/m)[1];
  // `types` is for TypeScript's old node10 resolution, which reads `main`: the CommonJS build.
  const want = { name: 'exotel-connect', version: cargo, license: 'MIT OR Apache-2.0', types: './exotel_connect.d.cts' };
  for (const [k, v] of Object.entries(want)) if (pkg[k] !== v) throw new Error(`${k}: ${pkg[k]} !== ${v}`);
  for (const k of ['description', 'repository', 'keywords', 'files']) if (!pkg[k]) throw new Error(`no ${k}`);
  const root = pkg.exports['.'];
  for (const condition of ['workerd', 'node', 'import', 'require', 'default']) {
    if (!root[condition]) throw new Error(`no ${condition} export`);
  }
  // The two entries that instantiate the wasm on import; bundlers may drop anything else unused
  // (bundlers.test.mjs holds webpack to it).
  assert.deepEqual(pkg.sideEffects, ['./node.mjs', './workerd.mjs']);
  // What scripts/test-js.sh runs the package's tests on: Node 20 and 22.
  assert.deepEqual(pkg.engines, { node: '>=20' });
});

test('the tarball holds exactly the files package.json lists, with both licences', () => {
  const listed = execFileSync('tar', ['-tzf', tarball()], { encoding: 'utf8' }).trim().split('\n').sort();
  const pkg = JSON.parse(readFileSync(join(dir, 'node_modules/exotel-connect/package.json'), 'utf8'));
  assert.deepEqual(listed, [...pkg.files, 'package.json'].map((f) => `package/${f}`).sort());
  for (const licence of ['LICENSE-MIT', 'LICENSE-APACHE']) {
    assert.equal(readFileSync(join(dir, 'node_modules/exotel-connect', licence), 'utf8'),
      readFileSync(join(ROOT, licence), 'utf8'), `${licence} is the repository's`);
  }
  assert.match(readFileSync(join(ROOT, 'LICENSE-MIT'), 'utf8'), /^MIT License/);
  assert.match(readFileSync(join(ROOT, 'LICENSE-APACHE'), 'utf8'), /Apache License\s+Version 2\.0/);
});
