// Scale: how the cost of what people wait for grows with the store. The built Worker (build/)
// runs in Miniflare (workerd, local D1 on disk, as `wrangler dev` runs it, without wrangler's
// proxy in front) against stores of 1k, 10k and 100k calls (benches/scale-data.mjs: months of
// calls with their event logs, statuses, lead names, and what the cron keeps beside them).
// At each size, after a warm-up, the median of several runs of:
//
//   GET /api/calls/{id}                  a visitor's poll of a call that has ended
//   GET /api/admin/calls                 the dashboard's first page, signed in with a session
//   GET /api/admin/calls?status&from&to  missed calls in one week, a week ago
//   GET /api/admin/calls?q=<4 digits>    the search by a number's last digits
//   GET /api/admin/calls?q=<name>        the search by a visitor's name
//   cron run                             the scheduled handler on the steady store: due calls,
//                                        reconciliation, notifications, retention
//   cron run with a retention backlog    the same after calls reached RETENTION_DAYS and
//                                        MASK_AFTER_DAYS unseen: 500 to delete, 500 to mask
//                                        (what one run does at most); set up before each run
//
// The sizes are all open at once and take turns, run by run. Each size's store is seeded once
// and cached under target/bench/scale-db/, keyed by a hash of migrations/ and
// benches/scale-data.mjs, for a day (the store's margins keep it steady that long); the Worker
// works on a copy. Prints a Markdown table, writes target/bench/scale.json (or --json FILE).
// Asserts no figure.
//
// Exotel is the mock (tests/support/mock-exotel.mjs) and notifications go to a local receiver;
// a steady store gives neither anything to do.

import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { Miniflare } from 'miniflare';

import { cookieFrom } from '../tests/support/admin.mjs';
import { startMockExotel } from '../tests/support/mock-exotel.mjs';
import { startWebhookReceiver } from '../tests/support/mock-receivers.mjs';
import { freePort } from '../tests/support/worker.mjs';
import { sizeLabel } from './chart.mjs';
import { MIGRATIONS_DIR, migrationFiles, migrationStatements } from '../tests/support/migrations.mjs';
import { DAY_MS, retentionBacklog, storeStatements } from './scale-data.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SIZES = (process.env.SCALE_SIZES ?? '1000,10000,100000').split(',').map(Number);
const SAMPLES = Number(process.env.SCALE_SAMPLES ?? 9);
const WARM_UP = Number(process.env.SCALE_WARM_UP ?? 3);
const BACKLOG_SAMPLES = Number(process.env.SCALE_BACKLOG_SAMPLES ?? 5);
/** What one cron run masks and deletes at most (worker/src/store/retention.rs, PER_RUN). */
const BACKLOG = 500;
/** How long a seeded store stays steady (benches/scale-data.mjs keeps a day's margin). */
const CACHE_MAX_AGE_MS = DAY_MS;
const jsonAt = process.argv.indexOf('--json');
const OUT = jsonAt > 0 ? process.argv[jsonAt + 1] : join(ROOT, 'target/bench/scale.json');
const CACHE_ROOT = join(ROOT, 'target/bench/scale-db');
const DATABASE_ID = 'scale-bench';

const OPERATIONS = [
  { key: 'show', what: 'GET /api/calls/{id}' },
  { key: 'admin_first', what: 'GET /api/admin/calls (first page)' },
  { key: 'admin_filtered', what: 'GET /api/admin/calls?status=missed&from&to (a week)' },
  { key: 'admin_search', what: 'GET /api/admin/calls?q=<last 4 digits>' },
  { key: 'admin_search_name', what: 'GET /api/admin/calls?q=<a name>' },
  { key: 'cron', what: 'cron run, steady store' },
  { key: 'cron_backlog', what: 'cron run, retention backlog (500 to mask, 500 to delete)' },
];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const loadNow = () => loadavg().map((l) => l.toFixed(2)).join(', ');
const compatibilityDate = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8').match(/^compatibility_date\s*=\s*"([0-9-]+)"/m)[1];

/** What the cached stores depend on: the schema and how the data is made. */
function cacheKey() {
  const hash = createHash('sha256');
  for (const f of migrationFiles()) hash.update(f).update(readFileSync(join(MIGRATIONS_DIR, f)));
  hash.update(readFileSync(join(ROOT, 'benches/scale-data.mjs')));
  return hash.digest('hex').slice(0, 16);
}

/** Runs `statements` in D1 batches of a few megabytes (one transaction each). */
async function runAll(db, statements) {
  for (let i = 0; i < statements.length; i += 50) {
    await db.batch(statements.slice(i, i + 50).map((sql) => db.prepare(sql)));
  }
}

function quietStdio(lines) {
  return (stdout, stderr) => {
    // The Worker logs a line per request; kept only to explain a failure.
    for (const stream of [stdout, stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (d) => {
        lines.push(d);
        if (lines.length > 200) lines.shift();
      });
    }
  };
}

/** The cached store of `size` calls, seeded now if there is none younger than a day. */
async function seededStore(size, key) {
  const dir = join(CACHE_ROOT, key, String(size));
  const metaPath = join(dir, 'meta.json');
  if (existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    if (Date.now() - meta.seededAt < CACHE_MAX_AGE_MS) return { dir, meta, cached: true };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const now = Date.now();
  const { statements, counts } = storeStatements({ calls: size, now });
  const mf = new Miniflare({
    modules: true,
    script: 'export default {}',
    compatibilityDate,
    d1Databases: { DB: DATABASE_ID },
    d1Persist: join(dir, 'd1'),
    port: await freePort(),
  });
  try {
    const db = await mf.getD1Database('DB');
    await db.batch(migrationStatements().map((sql) => db.prepare(sql)));
    await runAll(db, statements);
  } finally {
    await mf.dispose();
  }
  const meta = { seededAt: now, size, counts, seedSeconds: (performance.now() - started) / 1000 };
  writeFileSync(metaPath, JSON.stringify(meta, null, 2));
  return { dir, meta, cached: false };
}

const bytesUnder = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, e) => sum + (e.isDirectory() ? bytesUnder(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );

/** A local date `days` ago, `YYYY-MM-DD` (the Worker reads ?from= and ?to= in UTC without BUSINESS_TIMEZONE). */
const daysAgo = (days) => new Date(Date.now() - days * DAY_MS).toISOString().slice(0, 10);

/**
 * The Worker on a copy of `store`: `runs` (one request or cron run each, by operation),
 * `backlogRun` (sets up a retention backlog, untimed, then times a cron run), `close()`.
 */
async function openStore(store, vars) {
  const scratch = mkdtempSync(join(tmpdir(), 'exotel-scale-'));
  const logs = [];
  cpSync(join(store.dir, 'd1'), join(scratch, 'd1'), { recursive: true });
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(ROOT, 'build/index.js'),
    modulesRoot: join(ROOT, 'build'),
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate,
    d1Databases: { DB: DATABASE_ID },
    d1Persist: join(scratch, 'd1'),
    bindings: vars,
    port: await freePort(),
    handleRuntimeStdio: quietStdio(logs),
  });
  const close = async () => {
    await mf.dispose();
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    const base = await mf.ready;
    const db = await mf.getD1Database('DB');
    const worker = await mf.getWorker();
    const one = async (sql) => (await db.prepare(sql).all()).results;

    async function get(path, headers = {}) {
      const res = await fetch(new URL(path, base), { headers });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${text}\n${logs.join('')}`);
      return text;
    }
    async function cron() {
      const result = await worker.scheduled({ cron: '* * * * *', scheduledTime: new Date() });
      if (result.outcome !== 'ok') throw new Error(`the cron run ended ${result.outcome}\n${logs.join('')}`);
    }

    const signIn = await fetch(new URL('/api/admin/session', base), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: vars.ADMIN_TOKEN }),
    });
    const cookie = cookieFrom(signIn.headers.get('set-cookie'));
    if (signIn.status !== 200 || !cookie) throw new Error(`sign-in answered ${signIn.status}: ${await signIn.text()}`);
    const signedIn = { Cookie: `exotel_admin=${cookie}` };

    const ended = await one(
      `SELECT id FROM calls WHERE attempt = 1 AND status_rank >= 40 ORDER BY random() LIMIT ${WARM_UP + SAMPLES}`,
    );
    // What an operator looks for: the oldest call's number and name, so there is a match, and
    // the same terms at every size (the generator makes the same first calls).
    const [{ digits }] = await one('SELECT substr(phone_masked, -4) AS digits FROM calls ORDER BY created_at LIMIT 1');
    const [{ name }] = await one('SELECT lead_name AS name FROM calls WHERE lead_name IS NOT NULL ORDER BY created_at LIMIT 1');
    const week = `status=missed&from=${daysAgo(14)}&to=${daysAgo(8)}`;
    let poll = 0;
    const runs = {
      show: () => get(`/api/calls/${ended[poll++ % ended.length].id}`),
      admin_first: () => get('/api/admin/calls', signedIn),
      admin_filtered: () => get(`/api/admin/calls?${week}`, signedIn),
      admin_search: () => get(`/api/admin/calls?q=${digits}`, signedIn),
      admin_search_name: () => get(`/api/admin/calls?q=${encodeURIComponent(name)}`, signedIn),
      cron,
    };

    const overdue = async () => {
      const now = Date.now();
      const [row] = await one(
        `SELECT (SELECT COUNT(*) FROM calls WHERE created_at < ${now - 90 * DAY_MS}) AS to_delete,
                (SELECT COUNT(*) FROM calls WHERE created_at < ${now - 30 * DAY_MS} AND masked_at IS NULL) AS to_mask`,
      );
      return row;
    };
    let backlogs = 0;
    async function backlogRun() {
      backlogs += 1;
      await runAll(db, retentionBacklog({ count: BACKLOG, now: Date.now(), seed: 1 + backlogs }));
      const before = await overdue();
      const t0 = performance.now();
      await cron();
      const took = performance.now() - t0;
      const after = await overdue();
      return { took, purged: { deleted: before.to_delete - after.to_delete, masked: before.to_mask - after.to_mask } };
    }
    return { runs, backlogRun, close, search: { digits, name }, filter: week };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Each of `stores` in turn, starting one further along each round, so no size always goes first. */
const inTurn = (stores, round) => stores.map((_, i) => stores[(i + round) % stores.length]);

const loadBefore = loadNow();
console.error(`[scale] load average before: ${loadBefore}`);
const storeKey = cacheKey();
// Stores of another schema or generator are of no further use, and a 100k one is large.
if (existsSync(CACHE_ROOT)) {
  for (const old of readdirSync(CACHE_ROOT)) if (old !== storeKey) rmSync(join(CACHE_ROOT, old), { recursive: true, force: true });
}

const mock = await startMockExotel();
const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
const hook = await startWebhookReceiver({ secret: webhookSecret });
const vars = {
  ...mock.workerVars(),
  EXOTEL_MODE: 'live',
  EXOTEL_CALLER_ID: '08047112400',
  EXOTEL_APP_ID: '926',
  CALLBACK_SECRET: randomBytes(32).toString('hex'),
  ADMIN_TOKEN: randomBytes(32).toString('hex'),
  WEBHOOK_URL: hook.url,
  WEBHOOK_SECRET: webhookSecret,
};

// Every size is open at once and they take turns, request by request: what else the machine
// is doing then weighs on every size alike, and the comparison between sizes stays fair.
const open = [];
const stores = {};
const timings = {};
try {
  for (const size of SIZES) {
    const store = await seededStore(size, storeKey);
    console.error(
      `[scale] ${size} calls: ${store.cached ? 'cached store' : `seeded in ${store.meta.seedSeconds.toFixed(1)} s`} (${JSON.stringify(store.meta.counts)})`,
    );
    const opened = await openStore(store, vars);
    open.push({ size, ...opened });
    stores[size] = {
      counts: store.meta.counts,
      bytes: bytesUnder(join(store.dir, 'd1')),
      seedSeconds: store.meta.seedSeconds,
      cached: store.cached,
      search: opened.search,
      filter: opened.filter,
      // What each timed backlog run did, to show the work was there.
      purged: [],
    };
    timings[size] = {};
  }
  for (const op of Object.keys(open[0].runs)) {
    for (const s of open) for (let i = 0; i < WARM_UP; i++) await s.runs[op]();
    for (let round = 0; round < SAMPLES; round++) {
      for (const s of inTurn(open, round)) {
        const t0 = performance.now();
        await s.runs[op]();
        (timings[s.size][op] ??= []).push(performance.now() - t0);
      }
    }
  }
  for (const s of open) await s.backlogRun();
  for (let round = 0; round < BACKLOG_SAMPLES; round++) {
    for (const s of inTurn(open, round)) {
      const { took, purged } = await s.backlogRun();
      (timings[s.size].cron_backlog ??= []).push(took);
      stores[s.size].purged.push(purged);
    }
  }
} finally {
  await Promise.all([...open.map((s) => s.close()), mock.stop(), hook.stop()]);
}
const results = SIZES.flatMap((size) =>
  OPERATIONS.map((op) => {
    const samples = timings[size][op.key];
    return {
      op: op.key,
      what: op.what,
      size,
      median_ms: median(samples),
      min_ms: Math.min(...samples),
      max_ms: Math.max(...samples),
      samples_ms: samples,
    };
  }),
);

const loadAfter = loadNow();
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(
  OUT,
  JSON.stringify(
    { node: process.version, sizes: SIZES, samples: SAMPLES, warmUp: WARM_UP, backlogSamples: BACKLOG_SAMPLES, backlog: BACKLOG, loadBefore, loadAfter, stores, results },
    null,
    2,
  ),
);

const ms = (v) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
const last = SIZES[SIZES.length - 1];
console.log(`| median of ${SAMPLES} (${sizeLabel(SIZES[0])} → ${sizeLabel(last)} calls) | ${SIZES.map((s) => `${sizeLabel(s)} calls`).join(' | ')} | ${sizeLabel(last)} / ${sizeLabel(SIZES[0])} |`);
console.log(`|---|${SIZES.map(() => '---:').join('|')}|---:|`);
for (const op of OPERATIONS) {
  const bySize = SIZES.map((s) => results.find((r) => r.op === op.key && r.size === s).median_ms);
  console.log(`| ${op.what} | ${bySize.map(ms).join(' | ')} | ${(bySize[bySize.length - 1] / bySize[0]).toFixed(1)}× |`);
}
console.error(`[scale] load average after: ${loadAfter}`);
