// What the privacy scan at the end of each Worker suite reads (support/secrets.mjs,
// scanSuite; registered by support/worker.mjs): every response a Worker started in this process
// gave (status line, headers, body), whoever asked, and every payload its notifications carried.
//
// Every `fetch` to a Worker's origin is recorded: the suites' clients (support/client.mjs), a
// test's own `fetch` (forged callbacks, streamed bodies, redirects), the mock Exotel's status
// callbacks. A request sent some other way (node:http, for a path fetch would normalize) is
// recorded with `worker.record(...)`. Numbers typed in a request's body are noted for the scan
// (support/numbers.mjs).

import { useNumber } from './numbers.mjs';

/** Each Worker started in this process, by origin: { url, vars, logs(), responses, pending }. */
export const workers = new Map();

/** Each notification receiver started in this process: { name, payloads() } (support/mock-receivers.mjs). */
export const receivers = [];

/** A Worker to record the responses of; the same origin after a restart is the same Worker. */
export function watchWorker(url, { vars, logs, stop }) {
  const origin = new URL(url).origin;
  const entry = workers.get(origin) ?? { url: origin, responses: [], pending: [] };
  Object.assign(entry, { vars, logs, stop });
  workers.set(origin, entry);
  return entry;
}

/**
 * Records a response that did not come through `fetch`: { method, path, status, statusText,
 * headers, text }, and `sent`, the request's body (for the numbers in it).
 */
export function recordResponse(entry, { sent, ...response }) {
  noteNumbers(sent);
  entry.responses.push({ statusText: '', ...response });
}

/** Fields of a request body that hold a phone number: the page's and Exotel's names for one. */
const PHONE_FIELD = /^(?:phone|number|from|to|callfrom|callto|dialwhomnumber|phonenumber)$/i;

/** Notes every number in a request body sent to a Worker (JSON or a form), for the scan. */
function noteNumbers(body) {
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body !== 'string') return;
  let parsed;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = Object.fromEntries(new URLSearchParams(body));
  }
  const walk = (value) => {
    if (value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (PHONE_FIELD.test(key) && (typeof inner === 'string' || typeof inner === 'number')) useNumber(inner);
      else walk(inner);
    }
  };
  walk(parsed);
}

const realFetch = globalThis.fetch;

/** `globalThis.fetch`, recording what every Worker answers. Installed once per process. */
export function installRecorder() {
  if (globalThis.fetch !== realFetch) return;
  globalThis.fetch = async function recordingFetch(input, init = {}) {
    const isRequest = input instanceof Request;
    const url = new URL(isRequest ? input.url : String(input));
    const entry = workers.get(url.origin);
    const response = await realFetch(input, init);
    if (!entry) return response;
    const body = init.body instanceof URLSearchParams ? init.body.toString() : init.body;
    noteNumbers(body);
    const record = {
      method: (init.method ?? (isRequest ? input.method : 'GET')).toUpperCase(),
      path: `${url.pathname}${url.search}`,
      status: response.status,
      statusText: response.statusText,
      headers: Object.fromEntries(response.headers),
      text: '',
    };
    entry.responses.push(record);
    // A copy of the body, read whoever reads the original (or nobody does).
    entry.pending.push(
      response
        .clone()
        .text()
        .then(
          (text) => (record.text = text),
          (e) => (record.text = `[body cut off: ${e.message}]`),
        ),
    );
    return response;
  };
}
