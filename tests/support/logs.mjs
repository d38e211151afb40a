// The Worker's log, read back from what `wrangler dev` printed. The Worker writes one JSON
// object per line (worker/src/log.rs): `level`, `event` and the event's fields. wrangler prints
// console.log lines as they are, wraps console.warn and console.error lines in its own badge
// (`▲ [WARNING] …`, `✘ [ERROR] …`, coloured), and adds lines of its own: its banner, the
// bindings table, its request log (`[wrangler:info] POST /api/calls 201 Created (12ms)`).
//
//   const records = workerRecords(worker.logs());   // throws if a Worker line is not JSON
//   records.filter((r) => r.event === 'call_placed');

import assert from 'node:assert/strict';

const ANSI = /\x1b\[[0-9;]*m/g;
const BADGE = /^(?:▲ \[WARNING\]|✘ \[ERROR\]) /;
const LEVELS = new Set(['info', 'warn', 'error']);
const EVENT = /^[a-z]+(?:_[a-z]+)*$/;

/** Lines wrangler prints itself (after its badge, if any). Indented lines continue a block. */
const WRANGLER_OWN = [
  /^\[wrangler:\w+\] /,
  /^Using (?:secrets|vars) defined in /,
  /^Your Worker has access to the following bindings:$/,
  /^Binding\s+Resource\s+Mode$/,
  /^env\.\S+ /,
  /^⎔ /,
  /^Scheduled Workers are not automatically triggered during local development\.$/,
  // Printed once per wrangler version where telemetry was switched on for the machine
  // (`wrangler telemetry enable`), whatever WRANGLER_SEND_METRICS says.
  /^Cloudflare collects anonymous telemetry about your usage of Wrangler\. /,
  // wrangler.toml's [build] step (scripts/build-deploy.sh), run before the Worker starts and
  // again when wrangler's file watcher comes up.
  /^\[custom build\]/,
  /^The file \S+ changed, restarting build\.\.\.$/,
  // Where wrangler wrote its own debug log, after it printed an error of its own.
  /^🪵 +Logs were written to /,
  // Miniflare's word for work still pending (a waitUntil) when the harness stops the Worker,
  // with the pipe error it met, if any (`: write EPIPE`).
  /^Error: The service was stopped(: [\w ]+)?$/,
  // esbuild's word when wrangler's bundler is asked to rebuild after the harness stopped it.
  /^Error: The service is no longer running/,
];

/**
 * The access-log lines of wrangler dev left out, as text. Each such line carries a request's
 * path, and so a callback URL's token by necessity: that is the local dev server's access log,
 * not the Worker's output (in production the URL is likewise in Cloudflare's request metadata,
 * not in a log line).
 */
export function workerLines(logs) {
  return logs
    .split('\n')
    .filter((line) => !/^\[wrangler:info\] [A-Z]+ \/\S* \d{3} /.test(line))
    .join('\n');
}

/**
 * Every line the Worker printed, parsed. Asserts that each one is a JSON object with a
 * `level` (`info`, `warn`, `error`) and a snake_case `event`: a free-text line, or a value
 * that broke out of its string, fails the test that reads the log. A line still being written
 * (no newline yet) is left for the next read.
 */
export function workerRecords(logs) {
  const lines = logs.split('\n');
  lines.pop();
  const records = [];
  const foreign = [];
  for (const raw of lines) {
    const line = raw.replace(ANSI, '').trimEnd();
    if (line === '' || /^\s/.test(line)) continue;
    const text = line.replace(BADGE, '');
    if (WRANGLER_OWN.some((own) => own.test(text))) continue;
    const record = parseRecord(text);
    if (record) records.push(record);
    else foreign.push(line);
  }
  assert.deepEqual(foreign, [], 'every Worker log line is a JSON object with `level` and `event`');
  return records;
}

function parseRecord(text) {
  if (!text.startsWith('{')) return null;
  let record;
  try {
    record = JSON.parse(text);
  } catch {
    return null;
  }
  const ok =
    record !== null &&
    typeof record === 'object' &&
    !Array.isArray(record) &&
    LEVELS.has(record.level) &&
    typeof record.event === 'string' &&
    EVENT.test(record.event);
  return ok ? record : null;
}

/**
 * The log as the secret and number scans read it: wrangler's whole output as printed, then
 * every field of every Worker record as its value (a value with a quote or a backslash is
 * escaped in the printed line).
 */
export function logText(logs) {
  const values = workerRecords(logs).flatMap((r) => Object.values(r).map(String));
  return `${logs}\n${values.join('\n')}`;
}

/**
 * Whether `record` has every field of `wanted`: a RegExp is tested against the field's value
 * as a string, `undefined` wants the field absent, anything else is compared with `===`.
 * `wanted` may also be a predicate.
 */
export function matches(record, wanted) {
  if (typeof wanted === 'function') return wanted(record);
  return Object.entries(wanted).every(([key, want]) => {
    if (want === undefined) return !(key in record);
    if (want instanceof RegExp) return key in record && want.test(String(record[key]));
    return record[key] === want;
  });
}
