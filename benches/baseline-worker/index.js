// The load benchmark's baseline: the Worker's three hot endpoints written the way a JavaScript
// developer would, with no library, in one file. It does the same job as the Rust Worker for
// those endpoints, on the same D1 schema (migrations/), and nothing more:
//
//   POST /api/calls          {"phone"} -> a minimal Indian E.164 check, POST connect.json to
//                            Exotel (Basic auth, form body, a status-callback URL carrying an
//                            HMAC token), store the call and the connect event in D1, 201 {id, status}
//   GET  /api/calls/{id}     the stored call, as JSON
//   POST /exotel/status/{token}  verify the HMAC token, find the call, read the form, check its
//                            CallSid, log the event (deduplicated) and move the status forward
//
// What the Rust Worker does and this does not: rate limits (two keyed hashes and two counting
// SQL statements per call placed), Idempotency-Key, origin and CORS checks, body size limits,
// JSON and XML answers and Exotel's error bodies read in detail, Call Details refreshes, and the
// event log's ordering rules. BENCHMARKS.md says what that costs.
//
// With the var BASELINE_ADMISSION=on, POST /api/calls also admits the call before calling
// Exotel, the shape of the Rust Worker's admission written plainly: the client's address and
// the number as keyed hashes (rate-limit buckets), then one batch that counts both buckets'
// last hour, records this request in each and stores the call as `placing`; a 429 over the
// limits. Exotel's answer then updates that row. It prices that one guard in JS.
//
// Vars: EXOTEL_BASE_URL, EXOTEL_ACCOUNT_SID, EXOTEL_API_KEY, EXOTEL_API_TOKEN,
// EXOTEL_CALLER_ID, EXOTEL_APP_ID, CALLBACK_SECRET (as for the Rust Worker).

const RANK = { queued: 1, ringing: 2, 'in-progress': 3, completed: 4, busy: 4, 'no-answer': 4, failed: 4, canceled: 4 };
const encoder = new TextEncoder();

const json = (status, value) =>
  new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
const error = (status, code, message) => json(status, { error: { code, message } });

function base64url(bytes) {
  let text = '';
  for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

let hmacKey;
async function sign(env, id) {
  hmacKey ??= await crypto.subtle.importKey(
    'raw',
    encoder.encode(env.CALLBACK_SECRET),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return base64url(await crypto.subtle.sign('HMAC', hmacKey, encoder.encode(id)));
}

function e164India(input) {
  const digits = String(input).replace(/[\s\-().+]/g, '');
  if (!/^\d+$/.test(digits)) return null;
  if (digits.length === 10 && /^[6-9]/.test(digits)) return `+91${digits}`;
  if (digits.length === 11 && digits.startsWith('0')) return `+91${digits.slice(1)}`;
  if (digits.length === 12 && digits.startsWith('91')) return `+${digits}`;
  return null;
}

async function createCall(request, env) {
  let input;
  try {
    input = await request.json();
  } catch {
    return error(400, 'invalid_request', 'expected a JSON body');
  }
  const phone = e164India(input?.phone ?? '');
  if (!phone) return error(400, 'invalid_phone', 'expected an Indian phone number');

  const id = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const admitted = env.BASELINE_ADMISSION === 'on';
  if (admitted) {
    const refusal = await admit(request, env, id, phone);
    if (refusal) return refusal;
  }
  const origin = new URL(request.url).origin;
  const form = new URLSearchParams({
    From: phone,
    CallerId: env.EXOTEL_CALLER_ID,
    Url: `http://my.exotel.com/${env.EXOTEL_ACCOUNT_SID}/exoml/start_voice/${env.EXOTEL_APP_ID}`,
    StatusCallback: `${origin}/exotel/status/${id}.${await sign(env, id)}`,
  });
  let answer;
  try {
    const response = await fetch(`${env.EXOTEL_BASE_URL}/v1/Accounts/${env.EXOTEL_ACCOUNT_SID}/Calls/connect.json`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${btoa(`${env.EXOTEL_API_KEY}:${env.EXOTEL_API_TOKEN}`)}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: form,
    });
    answer = await response.json();
    if (!response.ok || !answer?.Call?.Sid) return error(502, 'exotel_rejected', 'Exotel refused the call');
  } catch {
    return error(502, 'upstream_unavailable', 'Exotel could not be reached');
  }
  const { Sid: sid, Status: status = 'queued' } = answer.Call;
  const now = Date.now();
  await env.DB.batch([
    admitted
      ? env.DB.prepare(
          `UPDATE calls SET exotel_sid = ?2, status = ?3, status_rank = ?4, outcome = 'placed', updated_at = ?5
           WHERE id = ?1`,
        ).bind(id, sid, status, RANK[status] ?? 0, now)
      : env.DB.prepare(
          `INSERT INTO calls (id, mode, phone, exotel_sid, status, status_rank, outcome, created_at, updated_at)
           VALUES (?1, 'live', ?2, ?3, ?4, ?5, 'placed', ?6, ?6)`,
        ).bind(id, phone, sid, status, RANK[status] ?? 0, now),
    env.DB.prepare(
      `INSERT INTO call_events (call_id, source, status, dedupe_key, applied, received_at)
       VALUES (?1, 'connect', ?2, ?3, 1, ?4)`,
    ).bind(id, status, `connect:${status}`, now),
  ]);
  return json(201, { id, status });
}

const LIMIT_PER_HOUR = 1_000_000; // as load.mjs raises the Rust Worker's for the run

/** BASELINE_ADMISSION: counts and records both buckets and stores the call as `placing`, in one batch. */
async function admit(request, env, id, phone) {
  const client = await sign(env, `client:${request.headers.get('CF-Connecting-IP') ?? ''}`);
  const number = await sign(env, `number:${phone}`);
  const now = Date.now();
  const [counted] = await env.DB.batch([
    env.DB.prepare(
      `SELECT (SELECT count(*) FROM rate_events WHERE bucket = ?1 AND at > ?3) AS client,
              (SELECT count(*) FROM rate_events WHERE bucket = ?2 AND at > ?3) AS number`,
    ).bind(client, number, now - 3_600_000),
    env.DB.prepare('INSERT INTO rate_events (bucket, at) VALUES (?1, ?3), (?2, ?3)').bind(client, number, now),
    env.DB.prepare(
      `INSERT INTO calls (id, mode, phone, status, status_rank, outcome, created_at, updated_at)
       VALUES (?1, 'live', ?2, 'queued', 0, 'placing', ?3, ?3)`,
    ).bind(id, phone, now),
  ]);
  const { client: byClient, number: byNumber } = counted.results[0];
  if (byClient >= LIMIT_PER_HOUR || byNumber >= LIMIT_PER_HOUR) {
    return error(429, 'rate_limited', 'too many calls; try again later');
  }
  return null;
}

async function showCall(id, env) {
  const call = await env.DB.prepare('SELECT id, status, created_at, updated_at, duration FROM calls WHERE id = ?1')
    .bind(id)
    .first();
  if (!call) return error(404, 'not_found', 'no call with this id');
  return json(200, {
    id: call.id,
    status: call.status,
    createdAt: new Date(call.created_at).toISOString(),
    updatedAt: new Date(call.updated_at).toISOString(),
    ...(call.duration === null ? {} : { duration: call.duration }),
  });
}

async function statusCallback(request, token, env) {
  const [id, mac] = token.split('.');
  if (!id || !mac || mac !== (await sign(env, id))) return error(403, 'forbidden', 'this callback URL is not valid');
  const call = await env.DB.prepare('SELECT exotel_sid, status_rank FROM calls WHERE id = ?1').bind(id).first();
  if (!call) return error(404, 'not_found', 'no call with this id');
  const form = new URLSearchParams(await request.text());
  const status = form.get('Status');
  if (!form.get('CallSid') || !status) return error(400, 'invalid_callback', 'expected a status callback');
  if (form.get('CallSid') !== call.exotel_sid) return error(403, 'forbidden', 'this callback names another call');
  const rank = RANK[status] ?? 0;
  const now = Date.now();
  const applied = rank > call.status_rank;
  const [logged] = await env.DB.batch([
    env.DB.prepare(
      `INSERT OR IGNORE INTO call_events (call_id, source, status, dedupe_key, applied, received_at)
       VALUES (?1, 'callback', ?2, ?3, ?4, ?5)`,
    ).bind(id, status, `callback:${status}:${form.get('DateUpdated') ?? ''}`, applied ? 1 : 0, now),
    env.DB.prepare(
      'UPDATE calls SET status = ?2, status_rank = ?3, recording_url = ?4, updated_at = ?5 WHERE id = ?1 AND status_rank < ?3',
    ).bind(id, status, rank, form.get('RecordingUrl') || null, now),
  ]);
  return json(200, { ok: true, applied: applied && logged.meta.changes > 0 });
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    const [, root, kind, arg, extra] = pathname.split('/');
    if (root === 'api' && kind === 'calls' && arg === undefined && request.method === 'POST') {
      return createCall(request, env);
    }
    if (root === 'api' && kind === 'calls' && arg && extra === undefined && request.method === 'GET') {
      return showCall(arg, env);
    }
    if (root === 'exotel' && kind === 'status' && arg && request.method === 'POST') {
      return statusCallback(request, arg, env);
    }
    if (root === 'api' && kind === 'config') return json(200, { baseline: true });
    return error(404, 'not_found', 'no such endpoint');
  },
};
