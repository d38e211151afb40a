// Shared pieces of the browser tests: the Worker (from tests/support/worker.mjs), one headless
// Chromium, host pages on other origins, small helpers that read the page the way a visitor
// would (labels, headings, the aria-live region), and `test`, node:test's with one retry for a
// page held up by the local runtime.
import { existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import { test as nodeTest } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { workers } from '../support/transcript.mjs';

export const SCREENSHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** startWorker from tests/support/worker.mjs, or a clear failure when it is not there. */
export async function loadStartWorker() {
  let mod;
  try {
    mod = await import('../support/worker.mjs');
  } catch (e) {
    if (e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('worker.mjs')) {
      throw new Error('tests/support/worker.mjs is missing: the browser tests run the real Worker '
        + '(startWorker({vars, port}) -> {url, stop}) and cannot run without it');
    }
    throw e;
  }
  if (typeof mod.startWorker !== 'function') {
    throw new Error('tests/support/worker.mjs does not export startWorker({vars, port})');
  }
  return mod.startWorker;
}

/**
 * Limits raised for suites that test the page's views, not the limits (tests/worker/ has those):
 * every test calls from 127.0.0.1, refusals included, and a suite places more calls than a
 * business's default budget.
 */
export const VIEW_TEST_LIMITS = {
  RATE_LIMIT_PER_CLIENT: '1000',
  RATE_LIMIT_REFUSED_PER_CLIENT: '1000',
  CALL_BUDGET_PER_HOUR: '1000',
  CALL_BUDGET_PER_DAY: '1000',
  RATE_LIMIT_PER_NUMBER_DAY: '1000',
};

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: run scripts/install-tools.sh browser `
      + '(or set CHROMIUM_PATH)');
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * A page in a fresh context, whose browser prefers `locale` (navigator.languages and
 * Accept-Language). Records every request URL (`requests`), API calls placed
 * (`posts`), console errors and CSP violations (`problems`), and the aria-live region's
 * announcements in order (`announcements()`, page only: not inside the widget's shadow root).
 */
export async function openPage(browser, { width = 1280, height = 800, colorScheme = 'light', reducedMotion = 'no-preference', locale = 'en-US' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme, reducedMotion, locale });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const requests = [];
  const posts = [];
  const problems = [];
  const unfinished = new Map();
  page.on('request', (r) => {
    requests.push(r.url());
    unfinished.set(r, { since: Date.now(), logFrom: logsOf(r.url())?.length ?? 0 });
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/calls') posts.push(r);
  });
  page.on('requestfinished', (r) => unfinished.delete(r));
  page.on('requestfailed', (r) => unfinished.delete(r));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.addInitScript(() => {
    window.__announcements = [];
    new MutationObserver(() => {
      for (const live of document.querySelectorAll('[aria-live]')) {
        const text = live.textContent.trim();
        if (text && window.__announcements.at(-1) !== text) window.__announcements.push(text);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  const announcements = () => page.evaluate(() => window.__announcements);
  const close = async () => {
    await reportStalled(unfinished);
    return context.close();
  };
  return { context, page, requests, posts, problems, announcements, close };
}

/** A request the browser has waited on this long when its page closes is reported. */
const STALLED_MS = 5_000;

/** What the Worker serving `url` has logged so far (undefined for another origin). */
const logsOf = (url) => workers.get(new URL(url).origin)?.logs();

/** A path wrangler.toml's run_worker_first sends to the Worker; every other one is a static file. */
const WORKER_PATH = /^\/(?:api|exotel)(?:\/|$)/;

/** How many times a page was held up by the local runtime, not by anything of ours. */
let runtimeStalls = 0;

/**
 * Prints the requests a closing page was still waiting on, what wrangler itself logged since the
 * first of them began (its request lines and notices, not the Worker's JSON records), and how
 * the same URL answers a new connection from here. Only methods, paths and timings are printed,
 * never a body or a query.
 *
 * Now and then (in about a third of the runs that follow the Worker suites on the same machine,
 * never seen without them) Chromium waits for good on a static file: wrangler never logs the
 * request, while the same URL on a new connection answers at once (RELIABILITY.md). Static files are served by
 * the local runtime's asset server without the Worker (wrangler.toml's run_worker_first), so
 * such a stall is counted for `test` to retry; any other is only reported.
 */
async function reportStalled(unfinished) {
  const now = Date.now();
  const stalled = [...unfinished].filter(([, { since }]) => now - since >= STALLED_MS);
  if (stalled.length === 0) return;
  const lines = stalled.map(([request, { since }]) => {
    const url = new URL(request.url());
    return `  ${request.method()} ${url.origin}${url.pathname} (${request.resourceType()}), waited ${now - since} ms`;
  });
  const isStaticFile = ([request]) => request.method() === 'GET'
    && logsOf(request.url()) !== undefined && !WORKER_PATH.test(new URL(request.url()).pathname);
  const chosen = stalled.find(isStaticFile) ?? stalled[0];
  const [first, { logFrom }] = chosen;
  const logged = (logsOf(first.url()) ?? '').slice(logFrom).split('\n')
    .filter((l) => l.trim() && !l.trimStart().startsWith('{')).slice(0, 40);
  const fresh = await probe(first.url());
  const served = fresh.status === 200 && !logged.some((l) => l.includes(` ${new URL(first.url()).pathname} `));
  if (isStaticFile(chosen) && served) runtimeStalls++;
  console.error(`requests still unfinished as the page closed:\n${lines.join('\n')}\n`
    + `wrangler's log since the first began:\n${logged.map((l) => `  ${l}`).join('\n') || '  (nothing)'}\n`
    + `the first on a new connection from the test: ${fresh.text}`);
}

/** A GET of `url` on a connection of its own: { status, text } (status 0 when it failed). */
function probe(url) {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, text: `${res.statusCode} in ${Date.now() - started} ms` }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 5 s')));
    req.on('error', (e) => resolve({ status: 0, text: `${e.message} after ${Date.now() - started} ms` }));
  });
}

/**
 * node:test's `test`, whose body runs once more when it failed while a page of it was held up
 * by the local runtime (see reportStalled): the failure is then the runtime's, and the second
 * run, with a new page, is the one that counts. Each run has the whole timeout given.
 */
export function test(name, options, fn) {
  if (typeof options === 'function') [fn, options] = [options, {}];
  const timeout = options.timeout === undefined ? undefined : options.timeout * 2;
  return nodeTest(name, { ...options, timeout }, async (t) => {
    const before = runtimeStalls;
    try {
      return await fn(t);
    } catch (e) {
      if (runtimeStalls === before) throw e;
      t.diagnostic(`run again: a static file stalled in the local runtime (reported above); the first run failed with ${String(e?.message ?? e).split('\n')[0]}`);
      return fn(t);
    }
  });
}

/** A plain HTTP server on 127.0.0.1 serving `html()` at every path: a host page of another origin. */
export async function startHost(html) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

/** Waits until the status title (page or widget) reads `title`; returns it. */
export async function waitForTitle(page, title, timeout = 15_000) {
  const re = title instanceof RegExp ? title : new RegExp(`^${title}$`);
  await page.locator('.cb-status-title', { hasText: re }).waitFor({ timeout });
  return title;
}

/** Waits until the aria-live region (page or widget) says something starting with `text`. */
export async function waitForAnnouncement(page, text, timeout = 15_000) {
  await page.locator('[aria-live]', { hasText: text }).waitFor({ state: 'attached', timeout });
}

export async function statusText(page) {
  const status = page.locator('.cb-status');
  return `${await status.locator('.cb-status-title').textContent()} | ${await status.locator('.cb-status-msg').textContent()}`;
}

/** Fills the form the way a visitor does and waits for the number check. */
export async function fillForm(page, { phone, country, consent = true }) {
  if (country) await page.getByLabel('Country').selectOption(country);
  const input = page.getByLabel('Phone number');
  await input.fill(phone);
  await input.blur();
  await page.locator('.cb-phone-msg[data-tone="ok"], .cb-phone-msg[data-tone="error"]').waitFor();
  if (consent) await page.getByRole('checkbox').check();
}

export const submit = (page) => page.getByRole('button', { name: 'Call me', exact: true }).click();

/** Everything in the page's storage (local, session, cookies, IndexedDB names) as one string. */
export function storageDump(page) {
  return page.evaluate(async () => {
    const dump = (s) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`).join('\n');
    const dbs = indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [];
    return [dump(localStorage), dump(sessionStorage), document.cookie, dbs.join(',')].join('\n');
  });
}

/** Whether the focused element (through shadow roots) shows a focus indicator. */
export function focusIndicator(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
    return { tag: el.tagName.toLowerCase(), type: el.type || '', visible: outline || s.boxShadow !== 'none',
      outline: `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}` };
  });
}

/**
 * Text whose colour contrast with its background is under WCAG AA (4.5:1, or 3:1 for large
 * text), for every visible element with its own text. Backgrounds are found by walking up the
 * tree (through shadow hosts); semi-transparent layers are blended.
 */
export function contrastProblems(page) {
  return page.evaluate(() => {
    const parse = (c) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const lum = ({ r, g, b }) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const blend = (top, under) => ({
      r: top.r * top.a + under.r * (1 - top.a),
      g: top.g * top.a + under.g * (1 - top.a),
      b: top.b * top.a + under.b * (1 - top.a),
      a: 1,
    });
    const parentOf = (el) => el.parentElement || el.getRootNode().host || null;
    const background = (el) => {
      const layers = [];
      for (let e = el; e; e = parentOf(e)) {
        if (e.tagName === 'DIALOG' && !e.open) continue;
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0) {
          layers.push(c);
          if (c.a >= 1) break;
        }
      }
      return layers.reverse().reduce((under, top) => blend(top, under), { r: 255, g: 255, b: 255, a: 1 });
    };
    const problems = [];
    const visit = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) visit(el.shadowRoot);
        const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (!ownText || !el.checkVisibility?.() || el.closest('.cb-sr')) continue;
        const s = getComputedStyle(el);
        const bg = background(el);
        const fg = blend(parse(s.color), bg);
        const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
        const ratio = (hi + 0.05) / (lo + 0.05);
        const size = parseFloat(s.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5)) {
          problems.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 40)}" ${ratio.toFixed(2)}:1`);
        }
      }
    };
    visit(document);
    return problems;
  });
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** Every request went to 127.0.0.1 (or stayed in the page: data:, blob:). */
export function offHostRequests(requests) {
  return requests.filter((u) => {
    const url = new URL(u);
    return !['data:', 'blob:'].includes(url.protocol) && url.hostname !== '127.0.0.1';
  });
}
