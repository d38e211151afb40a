// The installed package in headless Chromium: a plain page with no bundler (an import map names
// the package's ES module), a page using the esbuild browser bundle, and the page's own
// lazy import of www/vendor/exotel-connect/. Every check in support/checks.mjs runs inside the
// page; the results come back here as one test each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { loadFixtures, ROOT } from './support/fixtures.mjs';
import { consumerDir } from './support/consumer.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

const dir = consumerDir();
const data = loadFixtures();

const PLAIN_PAGE = `<!doctype html><meta charset="utf-8"><title>exotel-connect without a bundler</title>
<script type="importmap">{ "imports": { "exotel-connect": "/node_modules/exotel-connect/exotel_connect.js" } }</script>
<script type="module">
  import init, * as exotel from "exotel-connect";
  import { checks } from "/checks.mjs";
  await init();
  Object.assign(window, { exotel, checks, ready: true });
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
  const roots = [['/www/', join(ROOT, 'www')], ['/', dir]];
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const pages = { '/plain.html': PLAIN_PAGE, '/bundle.html': BUNDLE_PAGE, '/www/probe.html': '<!doctype html><title>probe</title>' };
    if (path === '/favicon.ico') return res.writeHead(204).end();
    if (pages[path]) return res.writeHead(200, { 'Content-Type': 'text/html' }).end(pages[path]);
    if (path === '/checks.mjs') {
      return res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(readFileSync(new URL('./support/checks.mjs', import.meta.url)));
    }
    const [prefix, root] = roots.find(([p]) => path.startsWith(p));
    const file = normalize(join(root, path.slice(prefix.length)));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
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
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run scripts/install-tools.sh browser`);
  await bundle();
  server = await serve();
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

/** Opens `path`, waits for its module to be ready, runs every check in the page. */
async function runInPage(path) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.goto(origin + path);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 15_000 })
    .catch((e) => { throw new Error(`${path} did not load: ${problems.join('; ') || e.message}`); });
  const results = await page.evaluate((d) => window.checks(d).map((check) => {
    try {
      check.run(window.exotel);
      return { name: check.name };
    } catch (e) {
      return { name: check.name, error: String(e && e.stack ? e.stack : e) };
    }
  }), data);
  await context.close();
  return { results, problems };
}

for (const [label, path] of [['plain page', '/plain.html'], ['esbuild browser bundle', '/bundle.html']]) {
  test(`chromium, ${label}: every check passes in the page`, async (t) => {
    const { results, problems } = await runInPage(path);
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
