// The Worker's HTTP API (docs/http-api.md), for the page and the widget. Every failure is an
// ApiError with a stable `code`: the contract's codes, plus `network` (the service could not be
// reached), `origin_not_allowed` when a cross-origin page is refused by the CORS allow-list,
// and `lost` (we stopped hearing about a call that was placed).

import { isTerminal } from './call-state.js';

export class ApiError extends Error {
  constructor(code, message, { status = 0, retryAfter = 0, field, reason, missedCallNumber, whitelist } = {}) {
    super(message || code);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.retryAfter = retryAfter;
    this.field = field; // invalid_field: which one, e.g. "name" or "utm.source"
    this.reason = reason; // exotel_rejected: "dnd", with missedCallNumber and whitelist (docs/http-api.md)
    this.missedCallNumber = missedCallNumber;
    this.whitelist = whitelist;
  }
}

/** The Worker's limits on a call's lead context, in characters (docs/http-api.md). */
export const LIMITS = { name: 80, note: 500, url: 2000, utm: 100, consent: 1000 };

/**
 * `text` as the Worker takes it: what it refuses (controls, line feeds unless `lines`, bidi
 * overrides) becomes spaces; trimmed and cut to `max` characters.
 */
export function clean(text, max, lines = false) {
  const kept = String(text ?? '')
    .replace(/[\0-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => (lines && c === '\n' ? c : ' '));
  return [...kept.trim()].slice(0, max).join('').trim();
}

/**
 * Where the visitor came from: the page (`href`; the widget's host page), without its fragment
 * (and its query if too long), the `referrer`, and the page's utm_* parameters. Within the
 * Worker's limits, so a long campaign URL never fails a call; what is empty is left out.
 */
export function pageContext(href, referrer) {
  const context = {};
  const url = (key, value) => {
    try {
      const u = new URL(value);
      u.hash = '';
      if (u.href.length > LIMITS.url) u.search = '';
      if (/^https?:$/.test(u.protocol) && u.href.length <= LIMITS.url) context[key] = u.href;
    } catch {
      // '' or not a URL
    }
  };
  url('page', href);
  url('referrer', referrer);
  const query = new URLSearchParams(/\?([^#]*)/.exec(href)?.[1]);
  for (const key of ['source', 'medium', 'campaign', 'term', 'content']) {
    const value = clean(query.get(`utm_${key}`), LIMITS.utm);
    if (value) (context.utm ||= {})[key] = value;
  }
  return context;
}

const sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });

const isAbort = (e) => e?.name === 'AbortError';

/**
 * A client for the API at `origin` ('' for the page's own origin). `retryMs` is the first
 * back-off step after a failure (then doubled).
 */
export function createApi(origin = '', { retryMs = 1000 } = {}) {
  const base = String(origin).replace(/\/+$/, '');
  const crossOrigin = base !== '' && new URL(base, location.href).origin !== location.origin;

  async function request(path, init = {}) {
    let res;
    try {
      res = await fetch(base + path, { ...init, credentials: 'omit', cache: 'no-store' });
    } catch (e) {
      if (isAbort(e)) throw e;
      throw await networkError();
    }
    let body = null;
    try {
      body = await res.json();
    } catch {
      // not JSON: described by the status below
    }
    if (res.ok && body) return body;
    const err = body?.error || {};
    const retryAfter = Number(err.retryAfter ?? res.headers.get('Retry-After')) || 0;
    throw new ApiError(err.code || `http_${res.status}`, err.message, {
      status: res.status, retryAfter, field: err.field,
      reason: err.reason, missedCallNumber: err.missedCallNumber, whitelist: err.whitelist,
    });
  }

  // A refused cross-origin request looks like a network failure to scripts. If the server
  // answers an opaque (no-cors) request, it is up, and the CORS allow-list refused this page.
  async function networkError() {
    if (crossOrigin) {
      try {
        await fetch(`${base}/api/config`, { mode: 'no-cors', credentials: 'omit', cache: 'no-store' });
        return new ApiError('origin_not_allowed', 'this site is not allowed to use the service');
      } catch {
        // unreachable: a network failure after all
      }
    }
    return new ApiError('network', 'the service could not be reached');
  }

  /** `GET /api/config`. */
  function getConfig({ signal } = {}) {
    return request('/api/config', { signal });
  }

  /**
   * `POST /api/calls`. The Idempotency-Key makes retries safe: a request that may have reached
   * the Worker before the network failed is retried with the same key, and places one call.
   */
  async function postCall(payload, idempotencyKey, { signal, retries = 2 } = {}) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request('/api/calls', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
          body: JSON.stringify(payload),
          signal,
        });
      } catch (e) {
        if (e.code !== 'network' || attempt >= retries) throw e;
        await sleep(retryMs * 2 ** attempt, signal);
      }
    }
  }

  /** `GET /api/slots`: the times a visitor may choose. */
  function getSlots({ signal } = {}) {
    return request('/api/slots', { signal });
  }

  /** `DELETE /api/calls/{id}`: cancels a call still waiting for its time. */
  function cancelCall(id, { signal } = {}) {
    return request(`/api/calls/${encodeURIComponent(id)}`, { method: 'DELETE', signal });
  }

  /** `GET /api/calls/{id}`. */
  function getCall(id, { signal } = {}) {
    return request(`/api/calls/${encodeURIComponent(id)}`, { signal });
  }

  /**
   * Follows a call until its status is terminal, calling `onUpdate(call)` on each answer.
   * Polls every second (every 5 s once a call has been connected for a minute); on network
   * errors and 5xx answers backs off (2, 4, 8, 8, 8 s), then gives up with `lost`.
   */
  async function followCall(id, onUpdate, { signal, interval = 1000, maxFailures = 5 } = {}) {
    let failures = 0;
    let connectedAt = 0;
    let last = null;
    for (;;) {
      try {
        const call = await getCall(id, { signal });
        last = call;
        failures = 0;
        onUpdate(call);
        if (isTerminal(call.status)) return call;
        if (call.status === 'in-progress') connectedAt ||= Date.now();
      } catch (e) {
        if (isAbort(e)) throw e;
        const transient = e.code === 'network' || e.status >= 500 || e.status === 429;
        if (!transient || ++failures > maxFailures) {
          throw new ApiError('lost', 'lost track of the call', { status: e.status });
        }
      }
      const slow = connectedAt && Date.now() - connectedAt > 60_000;
      let wait = failures ? Math.min(retryMs * 2 ** failures, 8 * retryMs) : slow ? 5000 : interval;
      // A call waiting for its time is looked at again when it is due, every 30 s at most.
      if (!failures && last?.status === 'scheduled') {
        wait = Math.min(30_000, Math.max(5000, Date.parse(last.scheduledFor) - Date.now()));
      }
      await sleep(wait, signal);
    }
  }

  return { getConfig, postCall, getCall, followCall, getSlots, cancelCall };
}
