// The Worker under load, beside a minimal JavaScript Worker doing the same job
// (benches/baseline-worker/), same machine, same run.
//
// Both run under `wrangler dev` (workerd, D1 on disk) in live mode against the mock Exotel
// (tests/support/mock-exotel.mjs) on 127.0.0.1; wrk (Debian's package, installed by
// `scripts/install-tools.sh bench`) drives them at a fixed concurrency for a fixed time:
//
//   POST /api/calls              a distinct number per request; rate limits raised for the run
//   GET  /api/calls/{id}         ids of the calls just placed; Call Details refreshes off
//   POST /exotel/status/{token}  the callback URLs the mock received, with a urlencoded
//                                `completed` callback (the first applies, repeats are no-ops)
//
// POST /api/calls also runs a third Worker: the baseline with BASELINE_ADMISSION=on, the Rust
// Worker's admission written in JS (benches/baseline-worker/index.js), pricing that one guard.
//
// Each (endpoint, Worker) pair gets a short warm-up run, then its measured time in two halves,
// in the order ours, baseline, baseline, ours (ours, baseline, admitting, admitting, baseline,
// ours for three): on a machine whose speed drifts during the run
// (the baseline's own rate moved by a third between runs of one-piece measurements) each
// Worker gets as much of the early time as of the late. A pair's figures join its halves:
// requests and time added, percentiles the mean of the two. Prints a Markdown table, writes
// target/bench/load.json (or --json FILE). Asserts no figure.
//
// Figures are for one small machine running wrk, the mock, wrangler's proxy and workerd
// together: a floor for what Cloudflare's network does, and a fair comparison between the two
// Workers, not a prediction of either in production. Beside the rate, each pair's workerd CPU
// time per request (from /proc): the Worker's own cost, with D1's and Miniflare's, without
// the proxy's and wrk's.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startMockExotel } from '../tests/support/mock-exotel.mjs';
import { startWorker } from '../tests/support/worker.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.LOAD_SECONDS ?? 10);
const WARM_UP_SECONDS = Number(process.env.LOAD_WARM_UP_SECONDS ?? 2);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 16);
const THREADS = Number(process.env.LOAD_THREADS ?? 2);
const jsonAt = process.argv.indexOf('--json');
const OUT = jsonAt > 0 ? process.argv[jsonAt + 1] : join(ROOT, 'target/bench/load.json');

const scratch = mkdtempSync(join(tmpdir(), 'exotel-load-'));

/** A Lua script for wrk: cycles through `requests` ({method, path, body, headers}). */
function luaScript(name, requests) {
  const str = (s) => JSON.stringify(s ?? ''); // a JSON string literal is a valid Lua string here
  const rows = requests
    .map((r) => `{${str(r.method)}, ${str(r.path)}, ${r.body === undefined ? 'nil' : str(r.body)}}`)
    .join(',\n');
  const contentType = requests[0].contentType;
  const path = join(scratch, `${name}.lua`);
  writeFileSync(
    path,
    `local requests = {\n${rows}\n}
local next_thread = 0
function setup(thread)
  thread:set("offset", next_thread * 7919)
  next_thread = next_thread + 1
end
local i = 0
function init(args)
  i = offset or 0
${contentType ? `  wrk.headers["Content-Type"] = ${str(contentType)}\n` : ''}end
function request()
  i = i % #requests + 1
  local r = requests[i]
  return wrk.format(r[1], r[2], nil, r[3])
end
function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format('BENCH_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean))
end
`,
  );
  return path;
}

/** Runs wrk; resolves to its figures. */
function wrk(url, script, seconds) {
  return new Promise((resolveRun, reject) => {
    const args = [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, url];
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_JSON '));
      if (code !== 0 || !line) return reject(new Error(`wrk failed (${code}):\n${out}`));
      const r = JSON.parse(line.slice('BENCH_JSON '.length));
      const errors = r.connect + r.read + r.write + r.timeout;
      resolveRun({
        requests: r.requests,
        seconds: r.duration_us / 1e6,
        rps: r.requests / (r.duration_us / 1e6),
        p50_ms: r.p50_us / 1000,
        p90_ms: r.p90_us / 1000,
        p99_ms: r.p99_us / 1000,
        mean_ms: r.mean_us / 1000,
        non2xx: r.status,
        socketErrors: errors,
      });
    });
  });
}

/** A distinct Indian mobile number per request (a 10-digit number starting with 9). */
function createRequests(count, seed) {
  return Array.from({ length: count }, (_, i) => ({
    method: 'POST',
    path: '/api/calls',
    body: JSON.stringify({ phone: `98${String((seed * 100_000 + i) % 10_000_000).padStart(7, '0')}0` }),
    contentType: 'application/json',
  }));
}

async function check(url, request, label) {
  const res = await fetch(`${url}${request.path}`, {
    method: request.method,
    headers: request.contentType ? { 'content-type': request.contentType } : {},
    body: request.body,
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${label}: ${request.method} ${request.path} answered ${res.status}: ${text}`);
}

const mock = await startMockExotel({ connectStatus: 'queued' });
const vars = {
  ...mock.workerVars(),
  EXOTEL_MODE: 'live',
  EXOTEL_CALLER_ID: '08047112400',
  EXOTEL_APP_ID: '926',
  CALLBACK_SECRET: 'load-benchmark-callback-secret-0123456789abcdef',
  // One client, thousands of numbers: the abuse limits and the call budgets would refuse most of
  // the run, and a refusal is cheaper than placing a call (the baseline has neither).
  RATE_LIMIT_PER_NUMBER: '1000000',
  RATE_LIMIT_PER_NUMBER_DAY: '1000000',
  RATE_LIMIT_PER_CLIENT: '1000000',
  CALL_BUDGET_PER_HOUR: '1000000',
  CALL_BUDGET_PER_DAY: '10000000',
  // GET reads the store, as the baseline's does; no Call Details refresh during the run.
  STATUS_REFRESH_MS: '3600000',
};
const BASELINE = join(ROOT, 'benches/baseline-worker/index.js');
const [ours, baseline, admitting] = await Promise.all([
  startWorker({ vars }),
  startWorker({ vars, main: BASELINE }),
  startWorker({ vars: { ...vars, BASELINE_ADMISSION: 'on' }, main: BASELINE }),
]);
const workers = [
  { key: 'ours', name: 'Rust Worker', worker: ours },
  { key: 'baseline', name: 'JS baseline Worker', worker: baseline },
];
// Placing a call only: the baseline with the Rust Worker's admission (rate-limit buckets and the
// call stored before Exotel is asked) written in JS, to price that guard apart from the rest.
const admittingBaseline = { key: 'admitting', name: 'JS baseline Worker with admission', worker: admitting };

/** The calls each Worker placed (from what the mock received): [{ id, token, sid }]. */
function placedBy(worker) {
  const prefix = `${worker.url}/exotel/status/`;
  return mock
    .connects()
    .filter((r) => r.sid && r.form.StatusCallback?.startsWith(prefix))
    .map((r) => {
      const token = r.form.StatusCallback.slice(prefix.length);
      return { token, id: token.split('.')[0], sid: r.sid };
    });
}

const endpoints = [
  {
    key: 'create',
    what: 'POST /api/calls',
    requests: (w, round) => createRequests(20_000, round),
    alsoAdmitting: true,
  },
  {
    key: 'show',
    what: 'GET /api/calls/{id}',
    requests: (w) => placedBy(w.worker).slice(0, 5_000).map((c) => ({ method: 'GET', path: `/api/calls/${c.id}` })),
  },
  {
    key: 'callback',
    what: 'POST /exotel/status/{token}',
    requests: (w) =>
      placedBy(w.worker)
        .slice(0, 5_000)
        .map((c) => ({
          method: 'POST',
          path: `/exotel/status/${c.token}`,
          body: new URLSearchParams({
            CallSid: c.sid,
            Status: 'completed',
            RecordingUrl: '',
            DateUpdated: '2026-04-20 12:00:00',
          }).toString(),
          contentType: 'application/x-www-form-urlencoded',
        })),
  },
];

/** One Worker's figures from its halves: counts and time added, percentiles averaged. */
function joined(halves) {
  const sum = (key) => halves.reduce((total, h) => total + h[key], 0);
  const mean = (key) => sum(key) / halves.length;
  const requests = sum('requests');
  const seconds = sum('seconds');
  return {
    requests,
    seconds,
    rps: requests / seconds,
    p50_ms: mean('p50_ms'),
    p90_ms: mean('p90_ms'),
    p99_ms: mean('p99_ms'),
    mean_ms: halves.reduce((total, h) => total + h.mean_ms * h.requests, 0) / requests,
    // The Worker's own cost, which wrk's rate mixes with wrangler's proxy and wrk itself on the
    // same two cores: workerd's CPU time over the measured halves, per request answered.
    workerd_cpu_us: (sum('workerdCpuMs') * 1000) / requests,
    non2xx: sum('non2xx'),
    socketErrors: sum('socketErrors'),
  };
}

const results = [];
try {
  let round = 0;
  for (const endpoint of endpoints) {
    const measured = endpoint.alsoAdmitting ? [...workers, admittingBaseline] : workers;
    const halves = new Map(measured.map((w) => [w.key, []]));
    // First halves in one order, second halves in the reverse: drift falls on each alike.
    for (const w of [...measured, ...[...measured].reverse()]) {
      round += 1;
      const requests = endpoint.requests(w, round);
      if (requests.length === 0) throw new Error(`${w.name}: no calls were placed, nothing to ${endpoint.what}`);
      await check(w.worker.url, requests[requests.length - 1], w.name);
      const script = luaScript(`${endpoint.key}-${w.key}-${round}`, requests);
      const first = halves.get(w.key).length === 0;
      if (first && WARM_UP_SECONDS > 0) await wrk(w.worker.url, script, WARM_UP_SECONDS);
      const cpuBefore = w.worker.cpuMs();
      const half = await wrk(w.worker.url, script, Math.max(1, Math.round(SECONDS / 2)));
      halves.get(w.key).push({ ...half, workerdCpuMs: w.worker.cpuMs() - cpuBefore });
    }
    for (const w of measured) {
      const figures = joined(halves.get(w.key));
      // Answers that are refusals or errors measure a different path from the peer's: no figure.
      if (figures.non2xx + figures.socketErrors > 0) {
        throw new Error(
          `${w.name}, ${endpoint.what}: ${figures.non2xx} non-2xx answers and ${figures.socketErrors} socket errors of ${figures.requests}`,
        );
      }
      results.push({ endpoint: endpoint.key, what: endpoint.what, worker: w.key, ...figures });
    }
  }
} finally {
  await Promise.all([ours.stop(), baseline.stop(), admitting.stop(), mock.stop()]);
  rmSync(scratch, { recursive: true, force: true });
}

// `wrk --version` prints its version, then its usage, and exits 1.
const wrkVersion = spawnSync('wrk', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0].trim();
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(
  OUT,
  JSON.stringify({ wrk: wrkVersion, seconds: SECONDS, connections: CONNECTIONS, threads: THREADS, results }, null, 2),
);

const ms = (v) => `${v.toFixed(1)} ms`;
console.log(`| load (wrk, ${CONNECTIONS} connections, ${SECONDS} s) | Worker | req/s | p50 | p99 | workerd CPU/request | requests | non-2xx | socket errors |`);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  const name = [...workers, admittingBaseline].find((w) => w.key === r.worker).name;
  console.log(`| ${r.what} | ${name} | ${r.rps.toFixed(0)} | ${ms(r.p50_ms)} | ${ms(r.p99_ms)} | ${Math.round(r.workerd_cpu_us)} µs | ${r.requests} | ${r.non2xx} | ${r.socketErrors} |`);
}
