// What the store looks like after months of use, as SQL for the local D1 (benches/scale.mjs):
// `calls` calls spread over the last 89 days with their event logs, and what the cron keeps in
// the other tables at that point (a day of rate-limit rows, a week of delivered notifications,
// numbers revealed, dashboard sessions).
//
// It is the store in its steady state under the default settings, with a day's margin so a
// cached copy stays steady for a day: no call is older than RETENTION_DAYS (90), every number
// older than 29 days is masked (MASK_AFTER_DAYS is 30), no call waits for an outcome, no
// scheduled call is due within two days, no notification is waiting or older than its 7 days.
// So a cron run finds nothing to do and costs what walking the store to find that out costs.
//
// Deterministic for a given size and `now` (a seeded generator), except that ids are random
// like the Worker's. Numbers are synthetic, in the shape of the tests' (tests/support/
// numbers.mjs: +91, a two-digit prefix no test uses, eight digits).

import { createHash, randomBytes } from 'node:crypto';

export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** The oldest call's age: a day short of RETENTION_DAYS's default. */
const SPAN_DAYS = 89;
/** Numbers are masked from this age on: a day short of MASK_AFTER_DAYS's default. */
const MASKED_AFTER_DAYS = 29;
/** Rate-limit rows the cron keeps: the longest window (a day), less the margin. */
const RATE_EVENTS_HOURS = 23;
/** Delivered notifications the cron keeps: 7 days, less the margin. */
const OUTBOX_DAYS = 6;
/** The bench's numbers: +91 94…, a prefix the tests do not use. */
const NUMBER_PREFIX = '94';
/** D1 refuses a statement over 100 KB; rows go in INSERTs of at most this many bytes. */
const MAX_STATEMENT_BYTES = 90_000;

const FIRST_NAMES = ['Aarav', 'Priya', 'Rahul', 'Ananya', 'Vikram', 'Kavya', 'Arjun', 'Fatima', 'Rohan', 'Meera', 'Sanjay', 'Lakshmi', 'Imran', 'Neha', 'Karthik', 'Divya'];
const LAST_NAMES = ['Sharma', 'Nair', 'Verma', 'Iyer', 'Singh', 'Reddy', 'Mehta', 'Khan', 'Gupta', "D'Souza", 'Banerjee', 'Patel', 'Menon', 'Das'];
// Names typed in Devanagari, as visitors do (the CSV and search must keep them whole).
const DEVANAGARI_NAMES = ['प्रिया शर्मा', 'राहुल वर्मा', 'अनन्या सिंह', 'विक्रम गुप्ता'];
const PAGES = ['https://www.example.com/pricing', 'https://www.example.com/', 'https://www.example.com/contact', 'https://www.example.com/plans/annual'];
const REFERRERS = ['https://www.google.com/', 'https://www.bing.com/', 'https://www.example.com/blog/how-it-works'];
const CAMPAIGNS = ['winter-sale', 'brand', 'retargeting-q4'];
const NOTES = ['Please call after 5 pm', 'Interested in the annual plan', 'हिंदी में बात करें', 'Question about my invoice', 'Call on my office number'];
const CONSENT = 'I agree to be called back about my enquiry.';

/** mulberry32: a small seeded generator, so a size always gets the same store. */
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fresh call id, the shape the Worker issues (16 random bytes, base64url). */
const callId = () => randomBytes(16).toString('base64url');

/** The `k`-th synthetic number: +91 94 and eight digits, scrambled so the last digits vary. */
export function benchNumber(k) {
  const digits = String((k * 7919 + 13) % 100_000_000).padStart(8, '0');
  return `+91${NUMBER_PREFIX}${digits}`;
}

/** `+91******3210`, as the Worker masks a number. */
const mask = (phone) => `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;

/** A keyed hash as the rate limits and idempotency keys store them (22 base64url characters). */
const keyedHash = (text) => createHash('sha256').update(text).digest('base64url').slice(0, 22);

/** Exotel's `YYYY-MM-DD HH:mm:ss`, in IST (what `dateUpdated` holds). */
const exotelTime = (ms) => new Date(ms + 330 * MINUTE_MS).toISOString().slice(0, 19).replace('T', ' ');

const pick = (random, list) => list[Math.floor(random() * list.length)];

function leadOf(random) {
  const name =
    random() < 0.6 ? (random() < 0.1 ? pick(random, DEVANAGARI_NAMES) : `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`) : null;
  if (random() >= 0.7) return { name, lead: null };
  const lead = { page: pick(random, PAGES) };
  if (random() < 0.15) lead.note = pick(random, NOTES);
  if (random() < 0.5) lead.referrer = pick(random, REFERRERS);
  if (random() < 0.3) lead.utm = { source: 'google', medium: 'cpc', campaign: pick(random, CAMPAIGNS) };
  lead.consent = { given: true, text: CONSENT };
  return { name, lead };
}

/**
 * How a request ended, by the shares a callback service sees: most answered, a third missed or
 * failed, a few never learned or canceled by the visitor.
 */
function outcomeOf(random) {
  const r = random();
  if (r < 0.55) return { status: 'completed', outcome: 'placed' };
  if (r < 0.69) return { status: 'no-answer', outcome: 'placed' };
  if (r < 0.77) return { status: 'busy', outcome: 'placed' };
  if (r < 0.85) return { status: 'failed', outcome: 'placed' };
  if (r < 0.88) return { status: 'failed', outcome: 'exotel_rejected', failure: 'rejected', upstreamStatus: 403 };
  if (r < 0.89) return { status: 'unknown', outcome: 'upstream_unavailable', failure: 'timeout' };
  if (r < 0.91) return { status: 'unknown', outcome: 'placed' };
  return { status: 'canceled', outcome: 'canceled' };
}

const RANKS = { scheduled: 5, queued: 10, unknown: 40 };
const rank = (status) => RANKS[status] ?? 50;

/** The notification a call's end makes, if any (worker/src/events.rs). */
function endEvent(call) {
  if (call.status === 'completed') return 'call.answered';
  if (call.status === 'busy' || call.status === 'no-answer') return 'call.missed';
  if (call.outcome !== 'placed' && call.outcome !== 'canceled') return 'call.not_placed';
  return null;
}

/**
 * The rows of one attempt: the call and its events, as the Worker writes them. `retryAt`: when
 * the second try that follows it is due, if one does.
 */
function attemptRows(random, { id, requestId, attempt, phone, createdAt, lead, ended, retryAt, idempotencyKey, scheduledFor }) {
  const placed = ended.outcome === 'placed';
  const ring = 5_000 + Math.floor(random() * 25_000);
  const duration = ended.status === 'completed' ? 20 + Math.floor(random() * 580) : null;
  const endedAt = createdAt + ring + (duration ?? 0) * 1000;
  const call = {
    id,
    request_id: requestId,
    attempt,
    mode: 'live',
    phone,
    phone_masked: mask(phone),
    exotel_sid: placed ? randomBytes(16).toString('hex') : null,
    status: ended.status,
    status_rank: rank(ended.status),
    outcome: ended.outcome,
    failure: ended.failure ?? null,
    upstream_status: ended.upstreamStatus ?? null,
    error_detail: ended.failure ? `connect request ${ended.failure}` : null,
    duration,
    idempotency_key: idempotencyKey,
    scheduled_for: scheduledFor,
    placed_at: ended.outcome === 'canceled' || ended.status === 'scheduled' ? null : createdAt,
    callback_base: 'https://call.example.com',
    refreshed_at: placed && random() < 0.2 ? createdAt + 30_000 : null,
    lead_name: lead.name,
    lead: lead.lead ? JSON.stringify(lead.lead) : null,
    created_at: createdAt,
    updated_at: endedAt,
    masked_at: null,
  };
  const events = [];
  const event = (source, status, { detail = null, dedupe = source, applied = 1, at = endedAt } = {}) =>
    events.push({ call_id: id, source, status, detail, dedupe_key: dedupe, applied, received_at: at });
  if (placed) {
    const connectedAt = createdAt + 300;
    event('connect', 'queued', { detail: JSON.stringify({ dateUpdated: exotelTime(connectedAt) }), applied: 0, at: connectedAt });
    if (ended.status === 'unknown') {
      event('reconcile', 'unknown', { dedupe: 'reconcile|unknown|', at: createdAt + 3_600_000 });
    } else {
      const date = exotelTime(endedAt);
      if (duration !== null && random() < 0.5) {
        event('callback', 'in-progress', { detail: JSON.stringify({ dateUpdated: exotelTime(createdAt + ring) }), dedupe: `callback|in-progress|${exotelTime(createdAt + ring)}|`, at: createdAt + ring });
      }
      const detail = JSON.stringify(duration === null ? { dateUpdated: date } : { duration, dateUpdated: date });
      event('callback', ended.status, { detail, dedupe: `callback|${ended.status}|${date}|${duration ?? ''}` });
      if (random() < 0.1) event('details', ended.status, { detail, dedupe: `details|${ended.status}|${duration ?? ''}`, applied: 0 });
    }
  } else if (ended.outcome === 'canceled') {
    event('visitor', 'canceled', { dedupe: 'cancel' });
  } else if (ended.status !== 'scheduled') {
    event('connect', ended.status, { detail: JSON.stringify({ error: ended.outcome }), at: createdAt + 300 });
  }
  if (retryAt !== null) event('retry', 'scheduled', { detail: JSON.stringify({ scheduledFor: retryAt }), dedupe: 'retry' });
  return { call, events };
}

/**
 * Calls created between `oldestMs` and `newestMs`, oldest first, `count` rows in all (second
 * tries included), each with its events. `random` drives every choice but the ids.
 */
function* callsBetween(random, { count, oldestMs, newestMs, numbers }) {
  const step = (newestMs - oldestMs) / count;
  let made = 0;
  let nextNumber = numbers.next;
  while (made < count) {
    const createdAt = Math.round(oldestMs + made * step + random() * step);
    // One visitor in five has asked before.
    const phone = benchNumber(nextNumber > 0 && random() < 0.2 ? Math.floor(random() * nextNumber) : nextNumber++);
    const lead = leadOf(random);
    const ended = outcomeOf(random);
    const missed = ended.status === 'busy' || ended.status === 'no-answer';
    const retryAt = missed && made + 1 < count && random() < 0.3 ? createdAt + 5 * MINUTE_MS : null;
    const id = callId();
    yield attemptRows(random, {
      id,
      requestId: id,
      attempt: 1,
      phone,
      createdAt,
      lead,
      ended,
      retryAt,
      idempotencyKey: `k:${keyedHash(id)}`,
      scheduledFor: ended.outcome === 'canceled' ? createdAt + DAY_MS : null,
    });
    made += 1;
    if (retryAt !== null) {
      const second = random() < 0.5 ? { status: 'completed', outcome: 'placed' } : { status: 'no-answer', outcome: 'placed' };
      yield attemptRows(random, { id: callId(), requestId: id, attempt: 2, phone, createdAt: retryAt, lead, ended: second, retryAt: null, idempotencyKey: null, scheduledFor: retryAt });
      made += 1;
    }
  }
  numbers.next = nextNumber;
}

const sqlValue = (v) => (v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);

/** Multi-row INSERTs of `rows` (objects with the same keys) into `table`, each under D1's limit. */
function inserts(table, rows) {
  if (rows.length === 0) return [];
  const head = `INSERT INTO ${table} (${Object.keys(rows[0]).join(', ')}) VALUES\n`;
  const statements = [];
  let values = [];
  let bytes = head.length;
  for (const row of rows) {
    const tuple = `(${Object.values(row).map(sqlValue).join(', ')})`;
    const size = Buffer.byteLength(tuple) + 2;
    if (values.length > 0 && bytes + size > MAX_STATEMENT_BYTES) {
      statements.push(head + values.join(',\n'));
      values = [];
      bytes = head.length;
    }
    values.push(tuple);
    bytes += size;
  }
  statements.push(head + values.join(',\n'));
  return statements;
}

/** The notification rows of a call (delivered at once to the webhook), as the outbox keeps them. */
function outboxRows(call) {
  const data = {
    id: call.request_id,
    callId: call.id,
    attempt: call.attempt,
    status: call.status,
    outcome: call.outcome,
    duration: call.duration,
    scheduledFor: null,
    phone: call.phone_masked,
    name: call.lead_name,
    lead: call.lead ? JSON.parse(call.lead) : {},
  };
  const row = (event, at) => ({
    id: `${call.id}.${event}`,
    target: 'webhook',
    event,
    payload: JSON.stringify({ type: event, timestamp: new Date(at).toISOString(), data }),
    created_at: at,
    attempts: 1,
    next_at: at,
    delivered_at: at + 150,
  });
  const end = endEvent(call);
  return [row('call.requested', call.created_at), ...(end ? [row(end, call.updated_at)] : [])];
}

/**
 * The INSERT statements of a store of `calls` calls as it stands at `now` (Unix ms), and a few
 * of what it holds, for the requests to ask about: `{ statements, sample }`.
 */
export function storeStatements({ calls, now, seed = 1 }) {
  const random = generator(seed);
  const numbers = { next: 0 };
  const rows = { calls: [], call_events: [], outbox: [], rate_events: [] };
  const oldest = now - SPAN_DAYS * DAY_MS;
  // The last day's requests include a few for a chosen day, not due for two days at least.
  const scheduledShare = 0.05;
  for (const { call, events } of callsBetween(random, { count: calls, oldestMs: oldest, newestMs: now - 2 * MINUTE_MS, numbers })) {
    const age = now - call.created_at;
    if (age < DAY_MS && call.attempt === 1 && random() < scheduledShare) {
      Object.assign(call, {
        status: 'scheduled', status_rank: rank('scheduled'), outcome: 'scheduled', exotel_sid: null, duration: null,
        placed_at: null, refreshed_at: null, updated_at: call.created_at,
        scheduled_for: now + 2 * DAY_MS + Math.floor(random() * 5 * DAY_MS),
      });
      events.length = 0;
    }
    if (age > MASKED_AFTER_DAYS * DAY_MS) {
      call.phone = call.phone_masked;
      call.masked_at = Math.min(call.created_at + 30 * DAY_MS, now - MINUTE_MS);
    }
    rows.calls.push(call);
    rows.call_events.push(...events);
    if (age < OUTBOX_DAYS * DAY_MS && call.status !== 'scheduled') rows.outbox.push(...outboxRows(call));
    if (age < RATE_EVENTS_HOURS * 3_600_000 && call.attempt === 1) {
      for (const bucket of ['b:calls', `n:${keyedHash(call.phone)}`, `c:${keyedHash(String(Math.floor(random() * 1e6)))}`]) {
        rows.rate_events.push({ bucket, at: call.created_at });
      }
    }
  }
  const reveals = rows.calls
    .filter((_, i) => i % 200 === 0)
    .map((call) => ({ call_id: call.id, operator: 'session:Zm9yYmVu', at: call.created_at + 3_600_000 }));
  const sessions = Array.from({ length: 20 }, (_, i) => ({
    id: callId(),
    created_at: now - i * DAY_MS,
    expires_at: now - i * DAY_MS + 8 * 3_600_000,
    revoked_at: i % 3 === 0 ? now - i * DAY_MS + 3_600_000 : null,
  }));
  const statements = [
    ...inserts('calls', rows.calls),
    ...inserts('call_events', rows.call_events),
    ...inserts('outbox', rows.outbox),
    ...inserts('rate_events', rows.rate_events),
    ...inserts('admin_reveals', reveals),
    ...inserts('admin_sessions', sessions),
  ];
  return {
    statements,
    counts: Object.fromEntries([...Object.entries(rows), ['admin_reveals', reveals], ['admin_sessions', sessions]].map(([k, v]) => [k, v.length])),
  };
}

/**
 * A backlog for the cron's privacy pass, as days without a cron run would leave it: `count`
 * calls (with their events) past RETENTION_DAYS (90), to be deleted, and the `count` youngest
 * calls past MASK_AFTER_DAYS (30) with their whole numbers back, to be masked again. The Worker
 * masks and deletes at most 500 of each per run.
 */
export function retentionBacklog({ count, now, seed = 2 }) {
  const random = generator(seed);
  const rows = { calls: [], call_events: [] };
  for (const { call, events } of callsBetween(random, {
    count,
    oldestMs: now - 95 * DAY_MS,
    newestMs: now - 91 * DAY_MS,
    numbers: { next: 50_000_000 },
  })) {
    call.phone = call.phone_masked;
    call.masked_at = call.created_at + 30 * DAY_MS;
    rows.calls.push(call);
    rows.call_events.push(...events);
  }
  // A masked number's whole form is gone; any synthetic one with the same last digits will do.
  const unmask = `UPDATE calls SET phone = '+91${NUMBER_PREFIX}9999' || substr(phone, -4), masked_at = NULL
    WHERE id IN (SELECT id FROM calls WHERE masked_at IS NOT NULL AND created_at < ${now - 30 * DAY_MS - MINUTE_MS}
                 ORDER BY created_at DESC LIMIT ${Number(count)})`;
  return [...inserts('calls', rows.calls), ...inserts('call_events', rows.call_events), unmask];
}
