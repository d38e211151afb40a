// The installed package in headless Chromium: a plain page with no bundler (an import map names
// the package's ES module), a page using the esbuild browser bundle, and the page's own
// lazy import of www/vendor/exotel-connect/. Every check in support/checks.mjs runs inside the
// page; the results come back here as one test each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { loadFixtures, ROOT } from './support/fixtures.mjs';
import { consumerDir } from './support/consumer.mjs';
import { launchChromium, runChecksInPage, serveFiles } from './support/chromium.mjs';
import { NOT_INITIALIZED } from './support/checks.mjs';

const dir = consumerDir();
const data = loadFixtures();

const PLAIN_PAGE = `<!doctype html><meta charset="utf-8"><title>exotel-connect without a bundler</title>
<script type="importmap">{ "imports": { "exotel-connect": "/node_modules/exotel-connect/exotel_connect.js" } }</script>
<script type="module">
  import init, * as exotel from "exotel-connect";
  import { checks } from "/checks.mjs";
  let beforeInit;
  try {
    exotel.normalizePhone("98765 43210");
  } catch (e) {
    beforeInit = { name: e.name, code: e.code, message: e.message };
  }
  await init();
  Object.assign(window, { exotel, checks, report: { beforeInit }, ready: true });
</script>`;
const BUNDLE_PAGE = `<!doctype html><meta charset="utf-8"><title>exotel-connect from an esbuild bundle</title>
<script type="module">
  import init, * as exotel from "/dist-browser/app.mjs";
  import { checks } from "/checks.mjs";
  await init();
  Object.assign(window, { exotel, checks, ready: true });
</script>`;

/** Serves the consumer project, the checks, the repo's www/ and two test pages on 127.0.0.1. */
function serve() {
  return serveFiles([['/www/', join(ROOT, 'www')], ['/', dir]], {
    '/plain.html': PLAIN_PAGE,
    '/bundle.html': BUNDLE_PAGE,
    '/www/probe.html': '<!doctype html><title>probe</title>',
    '/checks.mjs': readFileSync(new URL('./support/checks.mjs', import.meta.url)),
  });
}

let server;
let browser;
let origin;

async function bundle() {
  const out = join(dir, 'dist-browser');
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    stdin: { contents: 'export * from "exotel-connect"; export { default } from "exotel-connect";', resolveDir: dir },
    bundle: true, platform: 'browser', format: 'esm', outfile: join(out, 'app.mjs'), logLevel: 'error',
  });
  copyFileSync(join(dir, 'node_modules/exotel-connect/exotel_connect_bg.wasm'), join(out, 'exotel_connect_bg.wasm'));
}

before(async () => {
  await bundle();
  ({ server, origin } = await serve());
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

for (const [label, path] of [['plain page', '/plain.html'], ['esbuild browser bundle', '/bundle.html']]) {
  test(`chromium, ${label}: every check passes in the page`, async (t) => {
    const { results, problems, report } = await runChecksInPage(browser, origin + path, data);
    if (path === '/plain.html') assert.deepEqual(report.beforeInit, NOT_INITIALIZED, 'a call before init()');
    assert.ok(results.length > 100, `only ${results.length} checks ran`);
    for (const r of results) {
      await t.test(r.name, () => {
        if (r.error) throw new Error(r.error);
      });
    }
    assert.deepEqual(problems, []);
  });
}

test('chromium: the page\'s lazy import of www/vendor/exotel-connect works', async () => {
  assert.ok(existsSync(join(ROOT, 'www/vendor/exotel-connect/exotel_connect.js')), 'scripts/build-pkg.sh copies it');
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/www/probe.html`);
  const result = await page.evaluate(async () => {
    const m = await import('./vendor/exotel-connect/exotel_connect.js');
    await m.default();
    let error;
    try {
      m.normalizePhone('98765', 'IN');
    } catch (e) {
      error = { isError: e instanceof Error, code: e.code, message: e.message };
    }
    return { ok: m.normalizePhone('098765 43210', 'IN'), error };
  });
  await context.close();
  assert.equal(result.ok, '+919876543210');
  assert.deepEqual(result.error, {
    isError: true,
    code: 'invalid_phone',
    message: 'expected 10 digits not starting with 0 after +91 for India, but got 5 digits (98765)',
  });
});
