// Start-up: what a cold Worker pays before and on its first request, for the Rust Worker
// (build/) and the JS baseline (benches/baseline-worker/), same process, same run.
//
//   compile + instantiate   in Node (V8, as in workerd): WebAssembly.compile of the wasm and
//                           instantiation with its imports (stubs: nothing is called); for the
//                           baseline, compiling and evaluating its JS module (a fresh data: URL
//                           import each time). Also the npm package's wasm, for reference.
//   workerd ready           a fresh Miniflare (workerd) with the Worker, D1 in memory: from
//                           `new Miniflare` to ready
//   first request           then the first POST /api/calls (live mode, to the mock Exotel), and
//                           the second one for contrast
//
// Medians of several runs, alternating the two Workers. Prints a Markdown table, writes
// target/bench/startup.json (or --json FILE). Asserts no figure.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

import { Miniflare } from 'miniflare';

import { startMockExotel } from '../tests/support/mock-exotel.mjs';
import { migrationStatements } from '../tests/support/migrations.mjs';

// workers-rs' wasm uses reference types (`noexternref`) that Node 20's V8 has behind a flag
// (workerd's V8 and Node 22's have them on).
if (Number(process.versions.node.split('.')[0]) < 22) v8.setFlagsFromString('--experimental-wasm-gc');

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COMPILE_RUNS = Number(process.env.STARTUP_COMPILE_RUNS ?? 9);
// A cold start's first request varies by a few milliseconds from run to run, the baseline's
// by as much as its whole cold cost: 5 runs moved the ratio between 2.6x and 2.9x.
const COLD_RUNS = Number(process.env.STARTUP_COLD_RUNS ?? 15);
const jsonAt = process.argv.indexOf('--json');
const OUT = jsonAt > 0 ? process.argv[jsonAt + 1] : join(ROOT, 'target/bench/startup.json');

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Stub imports for `module`: instantiation needs every import present, none is called. */
function stubImports(module) {
  const imports = {};
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    imports[from] ??= {};
    if (kind === 'function') imports[from][name] = () => {};
    else if (kind === 'memory') imports[from][name] = new WebAssembly.Memory({ initial: 17 });
    else if (kind === 'table') imports[from][name] = new WebAssembly.Table({ initial: 0, element: 'anyfunc' });
    else if (kind === 'tag') imports[from][name] = WebAssembly.JSTag ?? new WebAssembly.Tag({ parameters: ['externref'] });
    else if (kind === 'global') imports[from][name] = new WebAssembly.Global({ value: 'i32', mutable: true }, 0);
  }
  return imports;
}

async function wasmStartup(path) {
  const bytes = readFileSync(path);
  const times = [];
  for (let i = 0; i < COMPILE_RUNS; i++) {
    const t0 = performance.now();
    const module = await WebAssembly.compile(bytes);
    await WebAssembly.instantiate(module, stubImports(module));
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function jsStartup(path) {
  const source = readFileSync(path, 'utf8');
  const times = [];
  for (let i = 0; i < COMPILE_RUNS; i++) {
    // A distinct URL each time, so nothing is cached.
    const url = `data:text/javascript;base64,${Buffer.from(`${source}\n// run ${i} ${Date.now()}\n`).toString('base64')}`;
    const t0 = performance.now();
    await import(url);
    times.push(performance.now() - t0);
  }
  return median(times);
}

const compatibilityDate = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8').match(/^compatibility_date\s*=\s*"([0-9-]+)"/m)[1];

async function coldStart(scriptPath, vars, phone) {
  const t0 = performance.now();
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath),
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate,
    d1Databases: ['DB'],
    bindings: vars,
    // The Worker's own log lines are not figures.
    handleRuntimeStdio(stdout, stderr) {
      stdout.resume();
      stderr.resume();
    },
  });
  try {
    await mf.ready;
    const ready = performance.now() - t0;
    const db = await mf.getD1Database('DB');
    await db.batch(migrationStatements().map((sql) => db.prepare(sql)));
    const post = async () => {
      const t = performance.now();
      const res = await mf.dispatchFetch('http://127.0.0.1:8787/api/calls', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone }),
      });
      const text = await res.text();
      if (res.status !== 201) throw new Error(`${scriptPath}: POST /api/calls answered ${res.status}: ${text}`);
      return performance.now() - t;
    };
    const first = await post();
    const second = await post();
    return { ready, first, second };
  } finally {
    await mf.dispose();
  }
}

const mock = await startMockExotel();
const vars = {
  ...mock.workerVars(),
  EXOTEL_MODE: 'live',
  EXOTEL_CALLER_ID: '08047112400',
  EXOTEL_APP_ID: '926',
  CALLBACK_SECRET: 'startup-benchmark-callback-secret-0123456789abcdef',
};
const workers = {
  ours: { script: join(ROOT, 'build/index.js'), runs: [] },
  baseline: { script: join(ROOT, 'benches/baseline-worker/index.js'), runs: [] },
};
const result = {};
try {
  result.compile = {
    ours: await wasmStartup(join(ROOT, 'build/index_bg.wasm')),
    baseline: await jsStartup(workers.baseline.script),
    npm: await wasmStartup(join(ROOT, 'pkg/exotel_connect_bg.wasm')),
  };
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const w of Object.values(workers)) w.runs.push(await coldStart(w.script, vars, `98765${String(43210 + i)}`));
  }
} finally {
  await mock.stop();
}
for (const [key, w] of Object.entries(workers)) {
  result[key] = {
    ready: median(w.runs.map((r) => r.ready)),
    first: median(w.runs.map((r) => r.first)),
    second: median(w.runs.map((r) => r.second)),
  };
}
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify({ node: process.version, compileRuns: COMPILE_RUNS, coldRuns: COLD_RUNS, ...result }, null, 2));

const ms = (v) => `${v.toFixed(1)} ms`;
console.log('| start-up (median) | Rust Worker | JS baseline Worker |');
console.log('|---|---:|---:|');
console.log(`| compile + instantiate (Node) | ${ms(result.compile.ours)} (wasm) | ${ms(result.compile.baseline)} (JS module) |`);
console.log(`| workerd ready (Miniflare) | ${ms(result.ours.ready)} | ${ms(result.baseline.ready)} |`);
console.log(`| first POST /api/calls after start | ${ms(result.ours.first)} | ${ms(result.baseline.first)} |`);
console.log(`| second POST /api/calls | ${ms(result.ours.second)} | ${ms(result.baseline.second)} |`);
console.log(`| npm package wasm, compile + instantiate (Node) | ${ms(result.compile.npm)} | |`);
