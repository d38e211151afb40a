// The secret scan every Worker suite ends with: no configured credential, secret or callback
// token may appear in any response (status, headers, body) or in the Worker's log, and every
// line the Worker logged is a JSON object with `level` and `event` (support/logs.mjs).

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';

import { logText, workerLines } from './logs.mjs';

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
