// A small HTTP client for the Worker's tests that keeps every response it saw (status, headers,
// body), so a suite can finally check that no secret ever appeared in one.

/**
 * fetch, except that a GET that has no answer within 30 s is asked once more. A request whose
 * body the Worker refused before reading it all (a 413 mid-stream) can leave its pooled
 * connection unusable, and the next request on it then waits for undici's 5-minute timeout;
 * a GET changes nothing, so asking again on a fresh connection is safe. POSTs are never retried.
 */
async function send(url, init) {
  if ((init.method ?? 'GET') !== 'GET') return fetch(url, init);
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    if (e.name !== 'TimeoutError') throw e;
    return fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  }
}

export function createClient(baseUrl) {
  const seen = [];

  async function request(path, { method = 'GET', json, body, headers = {} } = {}) {
    const init = { method, headers: { ...headers } };
    if (json !== undefined) {
      init.body = JSON.stringify(json);
      init.headers['Content-Type'] ??= 'application/json';
    } else if (body !== undefined) {
      init.body = body;
    }
    const response = await send(new URL(path, baseUrl), init);
    const text = await response.text();
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const record = {
      method,
      path,
      status: response.status,
      headers: Object.fromEntries(response.headers),
      text,
      body: parsed,
    };
    seen.push(record);
    return record;
  }

  return {
    request,
    get: (path, options) => request(path, { ...options, method: 'GET' }),
    post: (path, options) => request(path, { ...options, method: 'POST' }),
    /** Places a call; resolves to the response record. */
    createCall: (phone, extra = {}) => request('/api/calls', { method: 'POST', json: { phone, ...extra } }),
    /** Every response so far, as one string (headers and bodies), for secret scans. */
    transcript: () => seen.map((r) => `${r.status} ${JSON.stringify(r.headers)}\n${r.text}`).join('\n'),
    seen,
  };
}

/** Polls `GET /api/calls/{id}` until `predicate(body)` holds; returns every status seen. */
export async function pollCall(client, id, predicate, { timeoutMs = 15_000, intervalMs = 150 } = {}) {
  const statuses = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await client.get(`/api/calls/${id}`);
    if (status !== 200) throw new Error(`GET /api/calls/${id}: HTTP ${status}`);
    if (statuses.at(-1) !== body.status) statuses.push(body.status);
    if (predicate(body)) return { body, statuses };
    if (Date.now() > deadline) throw new Error(`call ${id} stuck at ${JSON.stringify(body)}; saw ${statuses}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const FINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled', 'unknown']);
