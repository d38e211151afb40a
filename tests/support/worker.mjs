// Runs the Worker in workerd under `wrangler dev`, for tests, with the repository's own
// wrangler.toml (what `make dev` and `wrangler deploy` use), overriding only what a test must,
// through wrangler's own flags. Reusable by any test suite:
//
//   import { startWorker } from '../support/worker.mjs';
//   const worker = await startWorker({ vars: { EXOTEL_MODE: 'sandbox' } });
//   await fetch(`${worker.url}/api/config`);
//   await worker.restart();   // same port, same D1 state
//   await worker.stop();
//
//   vars      an env file of the instance's own (--env-file), on top of wrangler.toml's [vars].
//             Given one, wrangler reads no .dev.vars, so the developer's (which may hold real
//             credentials) never reaches a test.
//   network   127.0.0.1, a free port and inspector port (--ip, --port, --inspector-port).
//   D1        a state directory of the instance's (--persist-to), to which the migrations are
//             applied first, as `wrangler d1 migrations apply --local` would (support/
//             migrations.mjs, through Miniflare, before workerd starts), and whose SQLite file
//             query() reads and writes with better-sqlite3 while the Worker runs.
//   main      another script in the built Worker's place (the positional `wrangler dev <script>`).
//
// wrangler.toml's [build] (scripts/build-deploy.sh) runs at every start and does nothing when
// build/ and www/vendor/ are up to date; startWorker runs it once beforehand, so that a build
// the sources need happens outside the start-up timeout, and fails with the build's own output.
//
// In a Worker suite (a file in tests/worker/), every response each Worker gives is recorded
// (support/transcript.mjs), and an `after` hook ends the file with the privacy scan
// (support/secrets.mjs, scanSuite): the Workers are stopped, then every response, log line and
// notification payload is searched for secrets, callback tokens, phone numbers and Exotel Sids.
// A response to a request not sent with fetch is recorded with `worker.record(...)`.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

import Database from 'better-sqlite3';
import { Miniflare } from 'miniflare';
import { unstable_splitSqlQuery as splitSql } from 'wrangler';

import { matches, workerRecords } from './logs.mjs';
import { applyMigrations } from './migrations.mjs';
import { usedNumbers } from './numbers.mjs';
import { scanSuite } from './secrets.mjs';
import { installRecorder, receivers, recordResponse, watchWorker, workers } from './transcript.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WRANGLER = join(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const CONFIG = join(ROOT, 'wrangler.toml');
const BUILD = join(ROOT, 'scripts/build-deploy.sh');
const READY_TIMEOUT_MS = 90_000;
/** wrangler.toml's D1 database, which query() opens as `wrangler d1 execute --local` would. */
const D1_DATABASE_ID = /database_id\s*=\s*"([^"]+)"/.exec(readFileSync(CONFIG, 'utf8'))[1];

/** Whether this process runs a Worker suite: then it records and ends with the privacy scan. */
const WORKER_SUITE = (process.argv[1] ?? '').startsWith(join(ROOT, 'tests/worker') + sep);
if (WORKER_SUITE) {
  installRecorder();
  // Registered before the suite's own hooks, so it runs first: it stops the Workers itself (the
  // suite's stop() then finds them stopped), so that the log it reads is complete.
  after(async () => {
    const all = [...workers.values()];
    await Promise.all(all.map((w) => w.stop()));
    let figures;
    try {
      figures = await scanSuite({ workers: all, receivers, numbers: usedNumbers() });
    } catch (e) {
      // A failed `after` hook skips the hooks after it, the suite's own, which close its mock
      // servers: once the failure is reported, the process ends (failed) without them.
      setTimeout(() => process.exit(1), 2000).unref();
      throw e;
    }
    console.log(
      `# privacy scan: ${figures.responses} responses (${(figures.responseBytes / 1024).toFixed(1)} KB) from ` +
        `${figures.workers} Worker(s), ${(figures.logBytes / 1024).toFixed(1)} KB of log, ${figures.payloads} ` +
        `notification payloads, for ${figures.secrets} secrets, ${figures.tokens} callback tokens, ${figures.numbers} ` +
        'numbers and Exotel Sids',
    );
  });
}

/** Wrangler must never phone home; tests talk to 127.0.0.1 only. */
const WRANGLER_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  // Non-interactive: wrangler asks nothing.
  CI: 'true',
  NO_COLOR: '1',
  // The env file holds the Worker's vars, and nothing else may: not the shell's environment.
  CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: 'true',
  CLOUDFLARE_INCLUDE_PROCESS_ENV: 'false',
};

/**
 * A TCP port nothing listens on right now, below Linux's ephemeral range (32768-60999).
 * A port the OS hands out for `listen(0)` is also one it hands out for outgoing connections:
 * between this check and wrangler binding it, a test's own fetches could take it ("Address
 * already in use"). Ports below the ephemeral range are only ever taken by listeners.
 */
export async function freePort() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port found between 20000 and 32000');
}

function canListen(port) {
  return new Promise((resolveCheck) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveCheck(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveCheck(true)));
  });
}

/**
 * One `NAME=value` line of an env file, read back as exactly `value`. wrangler parses the file
 * with dotenv (a quoted value is taken as is, but for `\n` and `\r` inside double quotes) and
 * then expands `$NAME` and `${NAME}` in it, unless the `$` is escaped as `\$`.
 */
function envFileLine(name, value) {
  const text = String(value);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a var name: ${name}`);
  const escaped = text.replaceAll('$', '\\$');
  const quote = ["'", '`', '"'].find(
    (q) => !escaped.includes(q) && !escaped.endsWith('\\') && (q !== '"' || !/\\[nr]/.test(escaped)),
  );
  if (!quote || text.includes('\r')) throw new Error(`${name}: its value cannot be written in an env file`);
  return `${name}=${quote}${escaped}${quote}\n`;
}


/**
 * scripts/build-deploy.sh, once per process: wrangler runs it again at every start, where it
 * finds everything up to date.
 */
let built;
function buildOnce() {
  built ??= new Promise((resolveBuild, reject) => {
    const child = spawn(BUILD, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolveBuild() : reject(new Error(`scripts/build-deploy.sh failed (${code}):\n${output}`)),
    );
  });
  return built;
}

async function waitUntilReady(url, child, logs) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited(child)) throw new Error(`wrangler dev exited (${child.exitCode ?? child.signalCode})${lastLines(logs)}`);
    try {
      const response = await fetch(`${url}/api/config`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev not ready after ${READY_TIMEOUT_MS} ms${lastLines(logs)}`);
}

/** Whether a child process has ended, by an exit code or by a signal. */
const hasExited = (child) => child.exitCode !== null || child.signalCode !== null;

/** CPU time (ms) of the processes named workerd in process group `group` (Linux /proc). */
function workerdCpuMs(group) {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // After the name: state, ppid, pgrp, ..., utime and stime (fields 14 and 15 of stat(5)).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (name === 'workerd' && Number(fields[2]) === group) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

/** wrangler's output for an error message: the end first (where its reason is), then the whole. */
function lastLines(logs) {
  const text = logs.join('');
  const tail = text.trimEnd().split('\n').slice(-12).join('\n');
  return `; its last lines:\n${tail}\n--- all it printed:\n${text}`;
}

/**
 * Starts the Worker. `vars` become Worker vars (unknown ones are ignored by the Worker);
 * `port` defaults to a free one; `persistDir` (D1 state) to a fresh temp directory, removed by
 * stop() unless it was given; `migrate: false` skips the migrations (to test a broken store);
 * `testScheduled: true` runs `wrangler dev --test-scheduled`, so `scheduled()` (GET
 * /__scheduled) runs the cron handler once.
 * Resolves to { url, port, persistDir, stop(), restart(), logs(), records(), waitForLog(),
 * waitForRecord(), query(sql), scheduled() }.
 * `main` runs another script in the built Worker's place, with the same bindings and assets
 * (tests/support/counting-worker.mjs, benches/baseline-worker/).
 */
export async function startWorker({
  vars = {},
  port,
  persistDir,
  migrate = true,
  testScheduled = false,
  main,
} = {}) {
  await buildOnce();
  if (main !== undefined && !existsSync(main)) throw new Error(`${main} is missing`);
  // The vars go in as secrets do in development, so wrangler prints them as "(hidden)" and the
  // logs hold only what the Worker itself wrote.
  const varsText = Object.entries(vars).map(([name, value]) => envFileLine(name, value)).join('');
  const scratch = mkdtempSync(join(tmpdir(), 'exotel-worker-'));
  const state = persistDir ?? join(scratch, 'state');
  const varsFile = join(scratch, 'vars.env');
  writeFileSync(varsFile, varsText);
  const listenPort = port ?? (await freePort());
  const url = `http://127.0.0.1:${listenPort}`;
  const logs = [];
  let child;
  /** Resolves when the current child has exited, by its own exit code or by a signal. */
  let exited;

  async function start() {
    if (migrate) await migrateState();
    // A port that was free when picked can be taken by another process before wrangler binds
    // it: a start that fails on that alone is tried again (with a new inspector port).
    for (let attempt = 1; ; attempt++) {
      const before = logs.length;
      try {
        await spawnWrangler();
        return;
      } catch (e) {
        const output = logs.slice(before).join('');
        if (attempt >= 3 || !hasExited(child) || !/EADDRINUSE|address already in use/i.test(output)) throw e;
      }
    }
  }

  async function spawnWrangler() {
    child = spawn(
      process.execPath,
      [
        WRANGLER,
        'dev',
        ...(main !== undefined ? [main] : []),
        '--config', CONFIG,
        '--env-file', varsFile,
        '--ip', '127.0.0.1',
        '--port', String(listenPort),
        '--inspector-port', String(await freePort()),
        '--persist-to', state,
        '--show-interactive-dev-session=false',
        '--live-reload=false',
        '--log-level', 'log',
        ...(testScheduled ? ['--test-scheduled'] : []),
      ],
      {
        cwd: ROOT,
        env: { ...process.env, ...WRANGLER_ENV },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so stop() ends wrangler, the build it runs and its workerd.
        detached: true,
      },
    );
    exited = new Promise((r) => child.once('exit', r));
    child.stdout.on('data', (d) => logs.push(d.toString()));
    child.stderr.on('data', (d) => logs.push(d.toString()));
    await waitUntilReady(url, child, logs);
  }

  /**
   * Applies the migrations to this instance's D1 state, through a Miniflare of its own that is
   * gone before workerd opens the database: two runtimes owning one Durable Object's SQLite file
   * at once refuse each other's writes (SQLITE_BUSY), which the Worker would answer with a 500.
   */
  async function migrateState() {
    closeDatabase();
    const mf = new Miniflare({
      modules: true,
      script: 'export default {}',
      d1Databases: { DB: D1_DATABASE_ID },
      d1Persist: join(state, 'v3', 'd1'),
      handleRuntimeStdio: (stdout, stderr) => {
        stdout.resume();
        stderr.resume();
      },
    });
    try {
      await applyMigrations(await mf.getD1Database('DB'));
    } finally {
      await mf.dispose();
    }
  }

  let db;
  /**
   * The Worker's D1 as the SQLite file workerd keeps it in (wrangler.toml's database, in this
   * instance's state), opened once. The file is in WAL mode, so these reads never hold up the
   * Worker's writes; a write here takes SQLite's lock for the moment of its statement.
   */
  function database() {
    if (db) return db;
    const dir = join(state, 'v3', 'd1', 'miniflare-D1DatabaseObject');
    const file = existsSync(dir) && readdirSync(dir).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
    if (!file) throw new Error(`no D1 database in ${dir} yet`);
    db = new Database(join(dir, file), { fileMustExist: true, timeout: 5000 });
    return db;
  }
  function closeDatabase() {
    db?.close();
    db = undefined;
  }

  async function stop() {
    closeDatabase();
    if (!child) return;
    // Asked twice (a suite's own after hook and the privacy scan's), both wait for the one exit;
    // a wrangler ended by a signal has no exit code, so that is not what tells it is gone.
    if (hasExited(child)) return exited;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const killed = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(killed);
  }

  const recorded = watchWorker(url, {
    vars,
    logs: () => logs.join(''),
    // Stops it for good, as the returned stop() does.
    stop: async () => {
      await stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  });
  await start();
  recorded.started = true;
  return {
    url,
    port: listenPort,
    persistDir: state,
    /**
     * CPU time, in ms (user and system, from /proc), of the workerd processes this instance
     * runs so far: the Worker, its D1 and Miniflare's own services, not wrangler's proxy. For
     * benchmarks (Linux only); a restart starts a new count.
     */
    cpuMs: () => workerdCpuMs(child.pid),
    /**
     * Records a response to a request not sent with fetch (node:http), for the privacy scan:
     * { method, path, status, headers, text, sent (the request's body) }.
     */
    record: (response) => recordResponse(recorded, response),
    /** Everything wrangler and the Worker printed so far. */
    logs: () => logs.join(''),
    /** The Worker's own log lines, parsed (support/logs.mjs: each must be a JSON object). */
    records: () => workerRecords(logs.join('')),
    /** Waits (a little: output arrives after the response) until the logs match `pattern`. */
    async waitForLog(pattern, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(logs.join(''))) {
        if (Date.now() > deadline) throw new Error(`no log line matching ${pattern}:\n${logs.join('')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    /**
     * Waits until the Worker logs a record with the fields of `wanted` (support/logs.mjs,
     * matches()), and resolves to it.
     */
    async waitForRecord(wanted, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = workerRecords(logs.join('')).find((r) => matches(r, wanted));
        if (found) return found;
        if (Date.now() > deadline) {
          const shown = typeof wanted === 'function' ? wanted.toString() : JSON.stringify(wanted, (k, v) => (v instanceof RegExp ? String(v) : v));
          throw new Error(`no log record matching ${shown}:\n${logs.join('')}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    /** Stops and starts the Worker on the same port and D1 state. */
    async restart() {
      await stop();
      await start();
    },
    async stop() {
      await stop();
      // The vars file, and the D1 state unless it was given.
      rmSync(scratch, { recursive: true, force: true });
    },
    /** Runs the cron handler once (needs `testScheduled: true`); resolves to the HTTP status. */
    async scheduled(cron = '* * * * *') {
      if (!testScheduled) throw new Error('startWorker({ testScheduled: true }) is needed for scheduled()');
      const response = await fetch(`${url}/__scheduled?cron=${encodeURIComponent(cron)}`);
      await response.text();
      return response.status;
    },
    /**
     * Runs SQL against the Worker's local D1 (for assertions on the event log, and to move a
     * stored time); resolves to the first statement's rows. The database is the file
     * `wrangler d1 execute --local` would open, held open for the Worker's life: a fraction of
     * a millisecond a query instead of a wrangler process each.
     */
    async query(sql) {
      const statements = splitSql(sql).map((text) => database().prepare(text));
      // All of them or none, as one D1 batch would be. A write takes the lock at BEGIN, so it
      // waits (the timeout) for a write of the Worker's rather than failing halfway.
      const run = database().transaction(() => statements.map((s) => (s.reader ? s.all() : s.run())));
      const [first] = statements.every((s) => s.reader) ? run.deferred() : run.immediate();
      return Array.isArray(first) ? first : [];
    },
  };
}
