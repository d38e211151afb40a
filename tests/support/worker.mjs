// Runs the built Worker (build/, from scripts/build-worker.sh) in workerd under `wrangler dev`,
// for tests. Reusable by any test suite:
//
//   import { startWorker } from '../support/worker.mjs';
//   const worker = await startWorker({ vars: { EXOTEL_MODE: 'sandbox' } });
//   await fetch(`${worker.url}/api/config`);
//   await worker.restart();   // same port, same D1 state
//   await worker.stop();
//
// Each instance gets its own config file and .dev.vars in a temp directory, with absolute paths
// to build/, www/ and migrations/ and the given vars, so the developer's .dev.vars (which may
// hold real credentials) is never read, and wrangler.toml's [build] step never runs. D1 migrations are
// applied to `persistDir` before the Worker starts.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { matches, workerRecords } from './logs.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WRANGLER = join(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const READY_TIMEOUT_MS = 90_000;

/** Wrangler must never phone home; tests talk to 127.0.0.1 only. */
const WRANGLER_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  // Non-interactive: `d1 migrations apply` asks for no confirmation.
  CI: 'true',
  NO_COLOR: '1',
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

function assetsDir(scratch) {
  const www = join(ROOT, 'www');
  if (existsSync(join(www, 'index.html'))) return www;
  // The page is built by another part of the project; a stub keeps the Worker's tests
  // independent of it.
  const stub = join(scratch, 'www');
  mkdirSync(stub, { recursive: true });
  writeFileSync(join(stub, 'index.html'), '<!doctype html><title>exotel-connect</title>\n');
  return stub;
}

/** The compatibility date deployments use (wrangler.toml), so tests run the same runtime. */
function compatibilityDate() {
  const toml = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8');
  const date = toml.match(/^compatibility_date\s*=\s*"([0-9-]+)"/m)?.[1];
  if (!date) throw new Error('wrangler.toml has no compatibility_date');
  return date;
}

function writeConfig(scratch, vars, main) {
  const config = {
    name: 'exotel-connect-test',
    main,
    compatibility_date: compatibilityDate(),
    assets: {
      directory: assetsDir(scratch),
      binding: 'ASSETS',
      run_worker_first: ['/api/*', '/exotel/*'],
    },
    d1_databases: [
      {
        binding: 'DB',
        database_name: 'exotel-connect',
        database_id: '00000000-0000-0000-0000-000000000000',
        migrations_dir: join(ROOT, 'migrations'),
      },
    ],
    triggers: { crons: ['* * * * *'] },
  };
  const path = join(scratch, 'wrangler.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  // Vars go in a .dev.vars beside the config, as secrets do in development, so wrangler prints
  // them as "(hidden)" and the logs hold only what the Worker itself wrote.
  const dotenv = Object.entries(vars).map(([k, v]) => `${k}=${JSON.stringify(String(v))}\n`);
  writeFileSync(join(scratch, '.dev.vars'), dotenv.join(''));
  return path;
}

function run(args, { cwd }) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [WRANGLER, ...args], {
      cwd,
      env: { ...process.env, ...WRANGLER_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolveRun(output) : reject(new Error(`wrangler ${args[0]} failed (${code}):\n${output}`)),
    );
  });
}

async function waitUntilReady(url, child, logs) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${logs.join('')}`);
    try {
      const response = await fetch(`${url}/api/config`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev not ready after ${READY_TIMEOUT_MS} ms:\n${logs.join('')}`);
}

/**
 * Starts the built Worker. `vars` become Worker vars (unknown ones are ignored by the Worker);
 * `port` defaults to a free one; `persistDir` (D1 state) to a fresh temp directory, removed by
 * stop() unless it was given; `migrate: false` skips the migrations (to test a broken store);
 * `testScheduled: true` runs `wrangler dev --test-scheduled`, so `scheduled()` (GET
 * /__scheduled) runs the cron handler once.
 * Resolves to { url, port, persistDir, stop(), restart(), logs(), records(), waitForLog(),
 * waitForRecord(), query(sql), scheduled() }.
 * `main` runs another script in the built Worker's place (benches/baseline-worker/).
 */
export async function startWorker({
  vars = {},
  port,
  persistDir,
  migrate = true,
  testScheduled = false,
  main = join(ROOT, 'build/index.js'),
} = {}) {
  if (!existsSync(main)) {
    throw new Error(`${main} is missing: run scripts/build-worker.sh first`);
  }
  const scratch = mkdtempSync(join(tmpdir(), 'exotel-worker-'));
  const ownState = !persistDir;
  const state = persistDir ?? join(scratch, 'state');
  const config = writeConfig(scratch, vars, main);
  const listenPort = port ?? (await freePort());
  const url = `http://127.0.0.1:${listenPort}`;
  const logs = [];
  let child;

  async function start() {
    if (migrate) {
      await run(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state, '--config', config], {
        cwd: scratch,
      });
    }
    child = spawn(
      process.execPath,
      [
        WRANGLER,
        'dev',
        '--config', config,
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
        cwd: scratch,
        env: { ...process.env, ...WRANGLER_ENV },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so stop() ends wrangler and the workerd it started.
        detached: true,
      },
    );
    child.stdout.on('data', (d) => logs.push(d.toString()));
    child.stderr.on('data', (d) => logs.push(d.toString()));
    await waitUntilReady(url, child, logs);
  }

  async function stop() {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
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

  await start();
  return {
    url,
    port: listenPort,
    persistDir: state,
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
      rmSync(ownState ? scratch : config, { recursive: true, force: true });
    },
    /** Runs the cron handler once (needs `testScheduled: true`); resolves to the HTTP status. */
    async scheduled(cron = '* * * * *') {
      if (!testScheduled) throw new Error('startWorker({ testScheduled: true }) is needed for scheduled()');
      const response = await fetch(`${url}/__scheduled?cron=${encodeURIComponent(cron)}`);
      await response.text();
      return response.status;
    },
    /** Runs SQL against the Worker's local D1 (for assertions on the event log). */
    async query(sql) {
      // The Worker may hold the SQLite file's lock for a moment: retry a busy database.
      for (let attempt = 1; ; attempt++) {
        try {
          const out = await run(
            ['d1', 'execute', 'DB', '--local', '--persist-to', state, '--config', config, '--json', '--command', sql],
            { cwd: scratch },
          );
          return JSON.parse(out.slice(out.indexOf('[')))[0].results;
        } catch (e) {
          if (attempt >= 5 || !/SQLITE_BUSY|database is locked/.test(e.message)) throw e;
          await new Promise((r) => setTimeout(r, 200 * attempt));
        }
      }
    },
  };
}
