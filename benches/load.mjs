// Load benchmark: the built Worker under `wrangler dev` (workerd, sandbox mode, D1 on disk),
// driven from this process on 127.0.0.1. Prints a table; asserts nothing.
//
// Bounded by design: a fixed number of requests at a fixed concurrency, then it stops.
// Figures are for one 2-core machine running workerd, wrangler and this client together, so
// they are a floor for what Cloudflare's network does, not a prediction of it.

import { performance } from 'node:perf_hooks';
import { startWorker } from '../tests/support/worker.mjs';

const CREATES = Number(process.env.LOAD_CREATES ?? 200);
const READS = Number(process.env.LOAD_READS ?? 2000);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 16);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs `total` calls of `task(i)` with `concurrency` in flight; returns latencies and errors. */
async function drive(total, concurrency, task) {
  const latencies = [];
  const failures = new Map();
  let next = 0;
  const started = performance.now();
  async function lane() {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      const status = await task(i).catch((e) => `error: ${e.code ?? e.message}`);
      latencies.push(performance.now() - t0);
      if (typeof status !== 'number' || status >= 400) {
        failures.set(String(status), (failures.get(String(status)) ?? 0) + 1);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { latencies, failures, seconds };
}

function row(name, { latencies, failures, seconds }) {
  const fmt = (ms) => `${ms.toFixed(1)} ms`.padStart(9);
  const failed = [...failures].map(([k, v]) => `${v}×${k}`).join(' ') || '0';
  console.log(
    `| ${name.padEnd(34)} | ${String(latencies.length).padStart(5)} | ${(latencies.length / seconds).toFixed(0).padStart(7)}/s |` +
      ` ${fmt(percentile(latencies, 50))} | ${fmt(percentile(latencies, 95))} | ${fmt(percentile(latencies, 99))} | ${failed} |`,
  );
}

const worker = await startWorker({
  vars: {
    EXOTEL_MODE: 'sandbox',
    // The simulator's longest delays (25 s), so callbacks mostly land after the API runs.
    SANDBOX_ANSWER_MS: '25000',
    SANDBOX_CALLBACK_DELAY_MS: '25000',
    // Distinct numbers from one client: lift the abuse limits for the measurement.
    RATE_LIMIT_PER_NUMBER: '1000000',
    RATE_LIMIT_PER_CLIENT: '1000000',
  },
});
try {
  const ids = [];
  let firstFailure = null;
  console.log(`| load (wrangler dev, sandbox, ${CONCURRENCY} in flight) | reqs  | rate      | p50       | p95       | p99       | failed |`);
  console.log('|------------------------------------|-------|-----------|-----------|-----------|-----------|--------|');
  const config = await drive(READS, CONCURRENCY, async () => (await fetch(`${worker.url}/api/config`)).status);
  row('GET /api/config', config);
  const creates = await drive(CREATES, CONCURRENCY, async (i) => {
    // Numbers ending in 0 complete normally in the sandbox; each one distinct.
    const phone = `+91 98${String(100000 + i).padStart(7, '0')}0`;
    const res = await fetch(`${worker.url}/api/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone }),
    });
    if (res.status === 201) ids.push((await res.json()).id);
    else if (!firstFailure) firstFailure = await res.text();
    else await res.arrayBuffer();
    return res.status;
  });
  row('POST /api/calls (sandbox Exotel)', creates);
  if (firstFailure) console.log(`\nfirst failed create: ${firstFailure}\n`);
  if (ids.length > 0) {
    const reads = await drive(READS, CONCURRENCY, async (i) => {
      const res = await fetch(`${worker.url}/api/calls/${ids[i % ids.length]}`);
      await res.arrayBuffer();
      return res.status;
    });
    row('GET /api/calls/{id}', reads);
  }
  const page = await drive(READS, CONCURRENCY, async () => {
    const res = await fetch(`${worker.url}/`);
    await res.arrayBuffer();
    return res.status;
  });
  row('GET / (static page)', page);
} finally {
  await worker.stop();
}
