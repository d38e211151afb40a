// The secret scan every Worker suite ends with: no configured credential, secret or callback
// token may appear in any response (status, headers, body) or in the Worker's log.

import assert from 'node:assert/strict';

/** `Basic base64(key:token)`'s base64 part: the credentials as they travel to Exotel. */
export function basicAuth(apiKey, apiToken) {
  return Buffer.from(`${apiKey}:${apiToken}`).toString('base64');
}

/**
 * The lines the Worker itself printed. wrangler dev also logs each request it proxies
 * (`[wrangler:info] POST /exotel/status/<token> 200 OK`), which carries a callback URL's token
 * by necessity: that is the local dev server's access log, not the Worker's output (in
 * production the URL is likewise in Cloudflare's request metadata, not in a log line).
 */
export function workerLines(logs) {
  return logs
    .split('\n')
    .filter((line) => !/^\[wrangler:info\] [A-Z]+ \/\S* \d{3} /.test(line))
    .join('\n');
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
 * Asserts that no value of `secrets` ({ name: value }) appears in `transcript` or `logs`, and
 * no callback token's MAC (`macs`) in the transcript or the Worker's own log lines. Returns
 * what was scanned, for the suite's figures.
 */
export function assertNoSecrets({ transcript, logs, secrets, macs = [] }) {
  for (const [name, value] of Object.entries(secrets)) {
    assert.ok(value && value.length >= 8, `${name} is a real secret to look for`);
    assert.ok(!transcript.includes(value), `a response leaked ${name}`);
    assert.ok(!logs.includes(value), `a log line leaked ${name}`);
  }
  const own = workerLines(logs);
  for (const mac of macs) {
    assert.ok(!transcript.includes(mac), 'a response leaked a callback token');
    assert.ok(!own.includes(mac), 'a Worker log line leaked a callback token');
  }
  return { responseBytes: transcript.length, logBytes: logs.length, secrets: Object.keys(secrets).length, tokens: macs.length };
}
