// The Worker's entry module (worker/js/entry.js) on its own, around a stand-in for the
// wasm-bindgen glue it imports: it hands each request and cron run to the wasm with the
// runtime's arguments, and after a wasm trap the next call starts a fresh instance first.
// The built bundle (build/index.js) is checked for the same shape: a plain default export, and
// the glue's microtasks queued by worker/js/microtask.js; and the built wasm for the exports
// scripts/worker-unexport.mjs takes out.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// What the stand-in glue records: every call into it, in order.
const GLUE = `
export const calls = [];
const state = { criticalError: false, instanceId: 0 };
let nextFailure = null;
export function failNextWith(error) { nextFailure = error; }
export function __worker_init_state() { return state; }
export function __wbg_reset_state() { calls.push('reset'); }
function run(name, event, env, ctx) {
  calls.push(name + ':' + event);
  if (nextFailure) { const error = nextFailure; nextFailure = null; throw error; }
  return Promise.resolve({ name, event, env, ctx });
}
export function fetch(request, env, ctx) { return run('fetch', request, env, ctx); }
export function scheduled(event, env, ctx) { return run('scheduled', event, env, ctx); }
`;

let dir;
let entry;
let glue;
const listeners = [];
const logged = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exotel-entry-'));
  copyFileSync(join(ROOT, 'worker/js/entry.js'), join(dir, 'entry.js'));
  writeFileSync(join(dir, 'index.js'), GLUE);
  // workerd's global `addEventListener('error')`, which Node does not have.
  globalThis.addEventListener = (type, listener) => listeners.push({ type, listener });
  for (const level of ['log', 'error']) {
    const original = console[level];
    console[level] = (...args) => (typeof args[0] === 'string' ? logged.push(`${level}: ${args[0]}`) : original(...args));
  }
  glue = await import(pathToFileURL(join(dir, 'index.js')).href);
  entry = (await import(pathToFileURL(join(dir, 'entry.js')).href)).default;
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('fetch and scheduled reach the wasm with the runtime arguments, as a plain object', async () => {
  assert.deepEqual(Object.keys(entry).sort(), ['fetch', 'scheduled']);
  assert.deepEqual(await entry.fetch('req', 'env', 'ctx'), { name: 'fetch', event: 'req', env: 'env', ctx: 'ctx' });
  assert.deepEqual(await entry.scheduled('cron', 'env', 'ctx'), { name: 'scheduled', event: 'cron', env: 'env', ctx: 'ctx' });
});

test('after a wasm trap the next call starts a fresh instance; another error does not', async () => {
  glue.calls.length = 0;
  glue.failNextWith(new TypeError('not a trap'));
  assert.throws(() => entry.fetch('a', 'env', 'ctx'), TypeError);
  await entry.fetch('b', 'env', 'ctx');
  assert.deepEqual(glue.calls, ['fetch:a', 'fetch:b'], 'an ordinary error leaves the instance');

  glue.calls.length = 0;
  glue.failNextWith(new WebAssembly.RuntimeError('unreachable'));
  assert.throws(() => entry.fetch('c', 'env', 'ctx'), WebAssembly.RuntimeError);
  await entry.scheduled('d', 'env', 'ctx');
  await entry.fetch('e', 'env', 'ctx');
  assert.deepEqual(glue.calls, ['fetch:c', 'reset', 'scheduled:d', 'fetch:e'], 'one reset, before the next call');
  assert.ok(logged.includes('log: Reinitializing Wasm application'), logged.join('\n'));
});

// A trap in an async handler surfaces later: as an uncaught error, or as an unhandled rejection
// when the microtask that ran the wasm was a promise reaction (worker/js/microtask.js).
for (const [type, event] of [
  ['error', (thrown) => ({ error: thrown })],
  ['unhandledrejection', (thrown) => ({ reason: thrown })],
]) {
  test(`a trap reported later as \`${type}\` also gets the next call a fresh instance`, async () => {
    const listener = listeners.find((l) => l.type === type);
    assert.ok(listener, `the entry listens for ${type}`);
    glue.calls.length = 0;
    listener.listener(event(new TypeError('not a trap')));
    await entry.fetch('f', 'env', 'ctx');
    listener.listener(event(new WebAssembly.RuntimeError('unreachable')));
    await entry.fetch('g', 'env', 'ctx');
    assert.deepEqual(glue.calls, ['fetch:f', 'reset', 'fetch:g']);
  });
}

test('microtask.js runs callbacks after the current job, in order, and a throw rejects', async () => {
  const url = pathToFileURL(join(ROOT, 'worker/js/microtask.js')).href;
  const { queueMicrotask: enqueue } = await import(url);
  const order = [];
  enqueue(() => order.push('a'));
  enqueue(() => order.push('b'));
  order.push('sync');
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(order, ['sync', 'a', 'b']);
  // A throwing callback, in a process of its own: it must surface as an unhandled rejection
  // (what entry.js watches), not be swallowed and not throw where it was queued.
  const script = `
    import { queueMicrotask as enqueue } from ${JSON.stringify(url)};
    process.on('unhandledRejection', (reason) => console.log('rejected:', reason.constructor.name));
    enqueue(() => { throw new WebAssembly.RuntimeError('unreachable'); });
    enqueue(() => console.log('next ran'));
    console.log('queued');
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split('\n'), ['queued', 'next ran', 'rejected: RuntimeError']);
});

test('the built Worker bundles this entry: a default export with fetch and scheduled, no entrypoint class', () => {
  const bundle = readFileSync(join(ROOT, 'build/index.js'), 'utf8');
  assert.match(bundle, /export\s*\{[^}]*\bas default\b[^}]*\}\s*;?\s*$/, 'one export statement, with a default');
  assert.doesNotMatch(bundle, /cloudflare:workers"\s*;?[^]*WorkerEntrypoint/, 'no WorkerEntrypoint class');
  assert.doesNotMatch(bundle, /new Proxy\(/, 'no Proxy around the handlers');
  assert.match(bundle, /fetch:\(/);
  assert.match(bundle, /scheduled:\(/);
  assert.doesNotMatch(bundle, /(^|[^.\w$])queueMicrotask\(/, "the runtime's queueMicrotask is not called");
  assert.match(bundle, /Promise\.resolve\(\)\.then\(/, "microtask.js's is");
});

test("the built wasm exports none of the dependencies' wasm-bindgen classes, and the glue wraps none", () => {
  // Export names are stored as they are spelt; wasm-bindgen names a class's exports after it.
  const wasm = readFileSync(join(ROOT, 'build/index_bg.wasm')).toString('latin1');
  assert.match(wasm, /__wbindgen_malloc/, 'the export names are readable in the bytes');
  assert.doesNotMatch(wasm, /__wbg_[a-z0-9]+_free/, "no class's free");
  assert.doesNotMatch(wasm, /intounderlying(bytesource|sink|source)_/, "no stream source's or sink's methods");
  assert.doesNotMatch(wasm, /__wbg_[gs]et_r2range_/, "no R2Range's fields");
  const bundle = readFileSync(join(ROOT, 'build/index.js'), 'utf8');
  assert.doesNotMatch(bundle, /\.__wrap\(/, 'no Rust value is handed to JS as a class');
});

