// The scans of what the Worker answers, logs and sends. scanSuite() is the privacy scan every
// Worker suite ends with (registered by support/worker.mjs): no configured credential, secret or
// callback token in any response (status line, headers, body), log line or notification
// payload; no phone number the suite used, in any spelling, and no Exotel Sid, outside the
// admin view's documented exceptions. assertNoSecrets() and assertWorkerLeaksNothing() are the
// suites' own earlier scans of their client's transcript. Both first assert that every line the
// Worker logged is a JSON object with `level` and `event` (support/logs.mjs).

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';

import { logText, workerLines } from './logs.mjs';
import { digitsOf } from './numbers.mjs';

export { logText, workerLines };

/** `Basic base64(key:token)`'s base64 part: the credentials as they travel to Exotel. */
export function basicAuth(apiKey, apiToken) {
  return Buffer.from(`${apiKey}:${apiToken}`).toString('base64');
}

/** The MAC part of every callback token in the StatusCallback URLs the mock Exotel was given. */
export function callbackMacs(exotel) {
  return exotel
    .connects()
    .map((r) => r.form.StatusCallback)
    .filter(Boolean)
    .map((url) => decodeURIComponent(url.split('/').pop()).split('.')[1])
    .filter((mac) => mac && mac.length >= 40);
}

/**
 * Asserts that every line the Worker logged is a JSON object with `level` and `event`, that no
 * value of `secrets` ({ name: value }) appears in `transcript` or in `logs` (as printed, or in
 * a record's field), and no callback token's MAC (`macs`) in the transcript or the Worker's
 * own log lines. Returns what was scanned, for the suite's figures.
 */
export function assertNoSecrets({ transcript, logs, secrets, macs = [] }) {
  const text = logText(logs);
  for (const [name, value] of Object.entries(secrets)) {
    assert.ok(value && value.length >= 8, `${name} is a real secret to look for`);
    assert.ok(!transcript.includes(value), `a response leaked ${name}`);
    assert.ok(!text.includes(value), `a log line leaked ${name}`);
  }
  const own = workerLines(text);
  for (const mac of macs) {
    assert.ok(!transcript.includes(mac), 'a response leaked a callback token');
    assert.ok(!own.includes(mac), 'a Worker log line leaked a callback token');
  }
  return { responseBytes: transcript.length, logBytes: logs.length, secrets: Object.keys(secrets).length, tokens: macs.length };
}

/**
 * The scan as the Worker suites run it: the mock Exotel's API key, token and their Basic-auth
 * form, plus the suite's own `secrets` ({ CALLBACK_SECRET, ADMIN_TOKEN... }), against the
 * `transcript` and the wrangler log of `worker`, and every callback token the mock was given.
 */
export function assertWorkerLeaksNothing({ transcript, worker, exotel, secrets }) {
  return assertNoSecrets({
    transcript,
    logs: worker.logs(),
    secrets: {
      EXOTEL_API_KEY: exotel.apiKey,
      EXOTEL_API_TOKEN: exotel.apiToken,
      basic: basicAuth(exotel.apiKey, exotel.apiToken),
      ...secrets,
    },
    macs: callbackMacs(exotel),
  });
}

/** What the Worker's callback-token HMAC covers before the call's id (worker/src/ids.rs). */
export const TOKEN_CONTEXT = 'exotel-connect/status-callback/v1\n';

/** The callback token the Worker mints for call `id` (docs: `<id>.<base64url(HMAC)>`). */
export function callbackToken(id, secret) {
  const mac = createHmac('sha256', secret).update(TOKEN_CONTEXT + id).digest('base64url');
  return `${id}.${mac}`;
}

/** The Worker's settings that are secrets (docs/worker.md, "Configuration"), and ACCESS_AUD. */
export const SECRET_VARS = [
  'EXOTEL_API_KEY',
  'EXOTEL_API_TOKEN',
  'CALLBACK_SECRET',
  'ADMIN_TOKEN',
  'TURNSTILE_SECRET',
  'WEBHOOK_SECRET',
  'SLACK_WEBHOOK_URL',
  'ACCESS_AUD',
];

/** An Exotel Sid: 32 hexadecimal digits, not part of a longer run. */
const SID = /(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])/i;

/** A call id (128 bits, base64url) anywhere in a text: what a callback token's MAC is made of. */
const CALL_ID = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])/g;

/**
 * The example in the Worker's own message for a body that is not JSON (worker/src/call_request.rs,
 * "expected a JSON body like {"phone": "98765 43210"}..."), as printed and as decoded: the same
 * words in every such answer, no visitor's number. Taken out before numbers are looked for.
 */
const EXAMPLES = [/\{\\?"phone\\?": \\?"98765 43210\\?"\}/g];

/** The admin view, the documented place for Exotel's Sids. */
const adminView = (r) => /^\/api\/admin\//.test(r.path);
/** The explicit reveal, the one answer that may hold a full number. */
const reveal = (r) => r.method === 'POST' && /^\/api\/admin\/calls\/[^/?]+\/reveal(?:\?|$)/.test(r.path);
/**
 * A file from www/ (everything outside /api and /exotel is one, wrangler.toml's
 * run_worker_first): the same bytes for everyone, so no visitor's number or call's Sid, but its
 * example numbers and its ETag's hash would read as them.
 */
const staticFile = (r) => !/^\/(?:api|exotel)(?:\/|$)/.test(r.path);

/** Every string in a parsed JSON value, so an escaped character (`\u0039`) is read as itself. */
function strings(value, out = []) {
  if (typeof value === 'string') out.push(value);
  else if (value !== null && typeof value === 'object') for (const inner of Object.values(value)) strings(inner, out);
  return out;
}

/** A body as printed, then its JSON strings decoded (when it is JSON). */
function withDecoded(text) {
  try {
    return `${text}\n${strings(JSON.parse(text)).join('\n')}`;
  } catch {
    return text;
  }
}

/** A response as the scan reads it: status line, headers, body. */
function responseText(r) {
  const headers = Object.entries(r.headers).map(([name, value]) => `${name}: ${value}`).join('\n');
  return `HTTP ${r.status} ${r.statusText}\n${headers}\n\n${withDecoded(r.text)}`;
}

/**
 * The privacy scan every Worker suite ends with (support/worker.mjs registers it as an `after`
 * hook): over every response each Worker gave (support/transcript.mjs), every line it logged and
 * every notification it sent, it looks for
 *
 * - each configured secret (SECRET_VARS) and the Basic-auth form of the API key and token, in
 *   every response, the whole log as printed and as each record's values, every payload;
 * - the MAC of the callback token of every call id the suite saw (in a response, a request's
 *   path, forged tokens' ids included, or a log line), in every response, the Worker's own log
 *   lines (not wrangler's access log, which prints request paths) and every payload;
 * - every phone number the suite used (support/numbers.mjs), in any spelling digitsOf() joins,
 *   in every response but the reveal's and the files from www/, the Worker's own log lines and
 *   every payload;
 * - anything shaped like an Exotel Sid (32 hex digits), in every response outside the admin
 *   view and the files from www/, the Worker's own log lines and every payload.
 *
 * It first asserts that every line each Worker logged is a JSON object with `level` and `event`
 * (support/logs.mjs). Throws with every finding; returns the figures otherwise.
 */
export async function scanSuite({ workers, receivers, numbers }) {
  const findings = [];
  const found = (where, what) => findings.push(`${where}: ${what}`);
  const secrets = new Map();
  const responses = [];
  const logs = [];
  for (const worker of workers) {
    await Promise.allSettled(worker.pending);
    const vars = worker.vars ?? {};
    for (const name of SECRET_VARS) {
      const value = vars[name] === undefined ? '' : String(vars[name]);
      if (value.length >= 8) secrets.set(value, name);
    }
    if (vars.EXOTEL_API_KEY && vars.EXOTEL_API_TOKEN) {
      secrets.set(basicAuth(vars.EXOTEL_API_KEY, vars.EXOTEL_API_TOKEN), 'the Basic-auth credentials');
    }
    const printed = worker.logs();
    // The whole output as printed and each record's values; the Worker's own part of it.
    const read = logText(printed);
    logs.push({ worker, printed: read, own: `${workerLines(printed)}${read.slice(printed.length)}` });
    for (const r of worker.responses) responses.push({ worker, r, text: responseText(r) });
  }
  const payloads = receivers.flatMap((receiver) =>
    receiver.payloads().map((p, i) => ({ where: `${receiver.name} payload ${i + 1}`, text: `${p.headers}\n${withDecoded(p.body)}` })),
  );
  const where = (r) => `${r.method} ${r.path} → ${r.status}`;

  // Configured secrets: everywhere.
  for (const [value, name] of secrets) {
    for (const { r, text } of responses) if (text.includes(value)) found(where(r), `holds ${name}`);
    for (const { worker, printed } of logs) if (printed.includes(value)) found(`${worker.url}'s log`, `holds ${name}`);
    for (const p of payloads) if (p.text.includes(value)) found(p.where, `holds ${name}`);
  }

  // Callback tokens: the MAC of every call id seen, under the secret of the Worker that saw it.
  const macs = new Map();
  for (const worker of workers) {
    const secret = worker.vars?.CALLBACK_SECRET;
    if (!secret) continue;
    const ids = new Set();
    const own = logs.find((l) => l.worker === worker).own;
    for (const [id] of own.matchAll(CALL_ID)) ids.add(id);
    for (const r of worker.responses.filter((r) => !staticFile(r))) {
      for (const text of [r.path, r.text]) for (const [id] of text.matchAll(CALL_ID)) ids.add(id);
      const token = /^\/exotel\/status\/([^/?]+)/.exec(r.path)?.[1];
      if (token) ids.add(decodeURIComponent(token).split('.')[0]);
    }
    for (const id of ids) macs.set(callbackToken(id, secret).split('.')[1], id);
  }
  for (const [mac, id] of macs) {
    const what = `holds the callback token MAC of call ${id}`;
    for (const { r, text } of responses) if (text.includes(mac)) found(where(r), what);
    for (const { worker, own } of logs) if (own.includes(mac)) found(`${worker.url}'s log`, what);
    for (const p of payloads) if (p.text.includes(mac)) found(p.where, what);
  }

  // Phone numbers, in any spelling.
  const holdsNumber = (n) => `holds the number ${JSON.stringify(n.typed)} (its digits ${n.needle}, in some spelling)`;
  const hasNumber = (text) => {
    const digits = digitsOf(EXAMPLES.reduce((t, example) => t.replace(example, '[example]'), text));
    return numbers.filter((n) => digits.includes(n.needle));
  };
  for (const { r, text } of responses) {
    if (staticFile(r) || (reveal(r) && r.status === 200)) continue;
    for (const n of hasNumber(text)) found(where(r), holdsNumber(n));
  }
  for (const { worker, own } of logs) for (const n of hasNumber(own)) found(`${worker.url}'s log`, holdsNumber(n));
  for (const p of payloads) for (const n of hasNumber(p.text)) found(p.where, holdsNumber(n));

  // Exotel Sids, outside the admin view.
  for (const { r, text } of responses) {
    if (staticFile(r) || adminView(r)) continue;
    const sid = SID.exec(text)?.[0];
    if (sid) found(where(r), `holds an Exotel Sid (${sid})`);
  }
  for (const { worker, own } of logs) {
    const sid = SID.exec(own)?.[0];
    if (sid) found(`${worker.url}'s log`, `holds an Exotel Sid (${sid})`);
  }
  for (const p of payloads) {
    const sid = SID.exec(p.text)?.[0];
    if (sid) found(p.where, `holds an Exotel Sid (${sid})`);
  }

  const figures = {
    workers: workers.length,
    responses: responses.length,
    responseBytes: responses.reduce((n, { text }) => n + text.length, 0),
    logBytes: logs.reduce((n, { printed }) => n + printed.length, 0),
    payloads: payloads.length,
    secrets: secrets.size,
    tokens: macs.size,
    numbers: numbers.length,
  };
  assert.deepEqual(
    findings.slice(0, 50),
    [],
    `the privacy scan found ${findings.length} leak(s) in what the Workers answered, logged or sent`,
  );
  for (const worker of workers.filter((w) => w.started)) {
    assert.ok(worker.responses.length > 0, `no response of ${worker.url} was recorded`);
  }
  return figures;
}
