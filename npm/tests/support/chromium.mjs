// Headless Chromium for the tests that load the package in a page (browser.test.mjs,
// bundlers.test.mjs): Debian's chromium driven by playwright-core (no browser download), a
// static server that types `.wasm` as application/wasm (as docs/js.md tells users to), and the
// checks of support/checks.mjs run inside a page.
import http from 'node:http';
import net from 'node:net';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
};

export function launchChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run scripts/install-tools.sh browser`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** A free TCP port on 127.0.0.1, for servers that cannot be told to pick one. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Serves files on 127.0.0.1: `pages` (path to text) first, then the first of `roots`
 * ([url prefix, directory]) whose prefix the path starts with. Resolves to { server, origin }.
 */
export function serveFiles(roots, pages = {}) {
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === '/favicon.ico') return res.writeHead(204).end();
    if (pages[path] !== undefined) {
      return res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'text/html' }).end(pages[path]);
    }
    const found = roots.find(([prefix]) => path.startsWith(prefix));
    if (!found) return res.writeHead(404).end();
    const [prefix, root] = found;
    let file = normalize(join(root, path.slice(prefix.length)));
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return res.writeHead(404).end();
    return res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` }));
  });
}

/**
 * Opens `url`, whose module sets `window.exotel` (the package), `window.checks` and
 * `window.ready` (or `window.failed`), and runs every check in the page. Returns the checks'
 * results ({ name, error? }), the page's errors and console errors, and `window.report` (what
 * the page found out on its own).
 */
export async function runChecksInPage(browser, url, data) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(url);
    await page.waitForFunction(() => window.ready === true || window.failed !== undefined, null, { timeout: 30_000 })
      .catch((e) => { throw new Error(`${url} did not load: ${problems.join('; ') || e.message}`); });
    const failed = await page.evaluate(() => window.failed);
    if (failed !== undefined) throw new Error(`${url} failed to start: ${failed}`);
    const results = await page.evaluate((d) => window.checks(d).map((check) => {
      try {
        check.run(window.exotel);
        return { name: check.name };
      } catch (e) {
        return { name: check.name, error: String(e && e.stack ? e.stack : e) };
      }
    }), data);
    const report = await page.evaluate(() => window.report ?? null);
    return { results, problems, report };
  } finally {
    await context.close();
  }
}
